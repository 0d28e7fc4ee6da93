"""ChatOps for staff: deploys, alarms and database backups.

Answers come from AWS at fulfillment time, and the code hooks check that the
user is staff. A backup is never run on the spot: it is filed as a request that
an admin must approve. Pipelines and databases are named in configuration, so
their slot types take values from there and fall back to a name-shaped regex.
"""

from __future__ import annotations

from bot.spec import ConfirmationSpec, IntentSpec, SlotSpec, SlotTypeSpec, ask, say

_NAME_REGEX = r"[A-Za-z0-9\u002D\u005F]{1,30}"
"""What a pipeline or database name looks like when none are configured.

Lex's regex filter allows only letters, digits and ``\\uXXXX`` escapes (so ``-`` and ``_`` are
spelled as escapes), no ``.``, no unbounded repeats, and matches at most 30 characters.
"""

DEPLOY_STATUS = IntentSpec(
    name="DeployStatus",
    description="Report the latest deployment of one pipeline, or of all of them.",
    utterances="DeployStatus.utterances",
    slots=(
        SlotSpec(
            name="PipelineName",
            slot_type="PipelineName",
            description="The pipeline to report on; all pipelines when empty.",
            required=False,
            prompt=ask("DeployStatus.PipelineName.prompt"),
        ),
    ),
    dialog_code_hook=True,
    fulfillment_code_hook=True,
)

RECENT_ALARMS = IntentSpec(
    name="RecentAlarms",
    description="List the alarms that fired recently.",
    utterances="RecentAlarms.utterances",
    slots=(
        SlotSpec(
            name="TimeWindow",
            slot_type="AMAZON.Duration",
            description="How far back to look; the fulfillment code picks a default when empty.",
            required=False,
            prompt=ask("RecentAlarms.TimeWindow.prompt"),
        ),
    ),
    fulfillment_code_hook=True,
)

TRIGGER_BACKUP = IntentSpec(
    name="TriggerBackup",
    description="Request a database backup; it runs once an admin approves it.",
    utterances="TriggerBackup.utterances",
    slots=(
        SlotSpec(
            name="DatabaseName",
            slot_type="DatabaseName",
            description="The database to back up.",
            prompt=ask("TriggerBackup.DatabaseName.prompt"),
        ),
    ),
    dialog_code_hook=True,
    fulfillment_code_hook=True,
    confirmation=ConfirmationSpec(
        prompt=ask("TriggerBackup.confirmation.prompt"),
        declination=say("TriggerBackup.confirmation.declination"),
    ),
)

BACKUP_STATUS = IntentSpec(
    name="BackupStatus",
    description="Report the status of the backups the user requested.",
    utterances="BackupStatus.utterances",
    fulfillment_code_hook=True,
)

INTENTS: tuple[IntentSpec, ...] = (DEPLOY_STATUS, RECENT_ALARMS, TRIGGER_BACKUP, BACKUP_STATUS)

SLOT_TYPES: tuple[SlotTypeSpec, ...] = (
    SlotTypeSpec(
        name="PipelineName",
        description="A deployment pipeline, from the configured list.",
        values_from="pipelines",
        regex=_NAME_REGEX,
        resolution="TOP_RESOLUTION",
    ),
    SlotTypeSpec(
        name="DatabaseName",
        description="A database that may be backed up, from the configured list.",
        values_from="backup_targets",
        regex=_NAME_REGEX,
        resolution="TOP_RESOLUTION",
    ),
)
