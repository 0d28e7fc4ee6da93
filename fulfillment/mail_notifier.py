"""The ``Notifier`` that e-mails requesters, built on first use.

The mail stack (icalendar, the e-mail builder, boto3 for SES) costs ~0.1 s or more to import, and most
invocations never send anything: the fulfillment Lambda only mails when an approved meeting is
cancelled. So settings are read and the mailer opened when the first notification is due, once.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Mapping
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from fulfillment.domain import Request
from fulfillment.domain.decisions import Outcome

if TYPE_CHECKING:
    from fulfillment.notify import Mailer, MailSettings


class MailNotifier:
    def __init__(
        self,
        clock: Callable[[], datetime],
        data_dir: Path | None = None,
        environ: Mapping[str, str] | None = None,
    ) -> None:
        self._clock = clock
        self._environ = environ
        self._data_dir = data_dir
        self._opened: tuple[MailSettings, Mailer] | None = None
        self._lock = threading.Lock()

    def notify(self, request: Request, outcome: Outcome) -> None:
        from fulfillment.notify import decision_email

        settings, mailer = self._mailer()
        mailer.send(decision_email(request, outcome, settings.mail_from, self._clock()))

    def _mailer(self) -> tuple[MailSettings, Mailer]:
        from fulfillment.notify import load_mail_settings, open_mailer

        with self._lock:
            if self._opened is None:
                env = os.environ if self._environ is None else self._environ
                data_dir = self._data_dir or Path(env.get("MEETY_DATA_DIR", ".meety"))
                settings = load_mail_settings(env)
                self._opened = (settings, open_mailer(settings, data_dir))
            return self._opened
