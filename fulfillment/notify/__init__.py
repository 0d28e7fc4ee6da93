"""E-mail notifications of admin decisions on meeting requests, with iCalendar invites.

Public API:

- building: ``decision_email(request, outcome, sender, stamp) -> EmailMessage`` (``outcome`` is
  ``"approved"`` | ``"rejected"`` | ``"cancelled"``), ``meeting_invite(request, method, organizer_email,
  sequence, stamp) -> bytes`` (``method`` is ``"REQUEST"`` | ``"CANCEL"``);
- sending: the ``Mailer`` port (``send(message) -> str``) and its adapters ``OutboxMailer`` (local folder of
  ``.eml`` files), ``SmtpMailer`` (``smtp://`` / ``smtps://`` URL), ``SesMailer`` (boto3 ``sesv2`` client);
- settings: ``MailSettings``, ``load_mail_settings(environ)`` (``MEETY_MAIL_FROM``, ``MEETY_MAILER``,
  ``MEETY_SMTP_URL``, ``MEETY_OUTBOX_DIR``), ``open_mailer(settings, data_dir) -> Mailer``;
- errors: ``NotificationError`` (a ``MeetyError``), and its subclass ``InvalidAddress`` (also a ValueError).

Decisions are stored first and notified after: a failed e-mail never undoes an approval.
"""

from fulfillment.notify.invites import InvalidAddress, NotificationError, meeting_invite
from fulfillment.notify.mailers import (
    Mailer,
    MailSettings,
    OutboxMailer,
    SesMailer,
    SmtpMailer,
    load_mail_settings,
    open_mailer,
)
from fulfillment.notify.messages import Outcome, decision_email

__all__ = [
    "InvalidAddress",
    "MailSettings",
    "Mailer",
    "NotificationError",
    "OutboxMailer",
    "Outcome",
    "SesMailer",
    "SmtpMailer",
    "decision_email",
    "load_mail_settings",
    "meeting_invite",
    "open_mailer",
]
