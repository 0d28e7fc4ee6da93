"""What ops may touch: the configured pipelines and the backup allow-list, parsed from settings.

Shared by the bot build (slot type values) and the fulfillment Lambda (what a user may ask for), so the
two can never disagree on what ``MEETY_PIPELINES`` / ``MEETY_BACKUP_TARGETS`` mean.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Literal, get_args

from pydantic import BaseModel, ConfigDict

BackupKind = Literal["rds", "aurora", "dynamodb"]
"""``rds``: an RDS DB instance; ``aurora``: an Aurora DB cluster; ``dynamodb``: a DynamoDB table."""

BACKUP_KINDS: tuple[str, ...] = get_args(BackupKind)
RESOURCE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,254}$")


class BackupTarget(BaseModel):
    """A database an admin may back up: ``rds:orders-db``, ``aurora:analytics``, ``dynamodb:sessions``.

    ``name`` is the AWS identifier (DB instance id, DB cluster id or table name) and also what users say.
    """

    model_config = ConfigDict(frozen=True)
    kind: BackupKind
    name: str

    def __str__(self) -> str:
        return f"{self.kind}:{self.name}"


def split_list(value: str) -> tuple[str, ...]:
    """``"a, b,,c"`` -> ``("a", "b", "c")``."""
    return tuple(part.strip() for part in value.split(",") if part.strip())


def check_names(names: Iterable[str], what: str) -> tuple[str, ...]:
    """The names, unchanged; ``ValueError`` naming the first that is not an AWS resource name."""
    checked = tuple(names)
    for name in checked:
        if not RESOURCE_NAME.match(name):
            raise ValueError(f"{what} '{name}' is not a valid AWS resource name")
    return checked


def parse_backup_target(item: str) -> BackupTarget:
    """``"rds:orders-db"`` -> ``BackupTarget(kind="rds", name="orders-db")``."""
    kind, sep, name = item.strip().partition(":")
    kind = kind.strip().lower()
    if not sep or kind not in BACKUP_KINDS:
        raise ValueError(f"backup target '{item}' must look like rds:NAME, aurora:NAME or dynamodb:NAME")
    (name,) = check_names((name.strip(),), "backup target")
    return BackupTarget.model_validate({"kind": kind, "name": name})


def parse_backup_targets(value: str) -> tuple[BackupTarget, ...]:
    """``MEETY_BACKUP_TARGETS``: comma-separated ``kind:name``; a name may appear once."""
    targets = tuple(parse_backup_target(item) for item in split_list(value))
    seen: set[str] = set()
    for target in targets:
        key = target.name.lower()
        if key in seen:
            raise ValueError(f"backup target name '{target.name}' is listed twice")
        seen.add(key)
    return targets


def find_target(targets: Iterable[BackupTarget], said: str | None) -> BackupTarget | None:
    """The allow-listed target a user named (case-insensitive), or None: nothing else may be backed up."""
    if not said:
        return None
    wanted = said.strip().lower()
    return next((t for t in targets if t.name.lower() == wanted), None)


def find_pipeline(pipelines: Iterable[str], said: str | None) -> str | None:
    """The configured pipeline a user named (case-insensitive), or None."""
    if not said:
        return None
    wanted = said.strip().lower()
    return next((p for p in pipelines if p.lower() == wanted), None)
