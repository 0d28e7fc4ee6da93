"""Slack request signing (v0) checked before anything else, plus what signing alone cannot stop: replays.

``slack_sdk.signature.SignatureVerifier`` computes ``v0=HMAC-SHA256(secret, "v0:<timestamp>:<raw body>")``,
compares it in constant time and refuses timestamps more than 5 minutes from its clock. We check the
headers' shape first (its ``int()`` and ``hmac.compare_digest`` raise on junk instead of saying no) and
give each refusal a short reason that is safe to log; the body is never part of a reason.

A signed request stays valid for its whole 5-minute window, so anyone who captures one could resend
it. ``ReplayGuard`` remembers every accepted ``(timestamp, signature)`` until its window has passed and
refuses a second sight. It is per process: in AWS each Lambda execution environment has its own, so it
stops replays to the same warm environment, which is the cheap part of the protection; the rest is TLS.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Hashable, Mapping
from datetime import datetime

from slack_sdk.signature import Clock, SignatureVerifier

from admin_api.slack.settings import SlackSettings

WINDOW = 300
"""Seconds a signed request is accepted either side of our clock (Slack's own rule, and slack_sdk's)."""
TIMESTAMP_HEADER = "x-slack-request-timestamp"
SIGNATURE_HEADER = "x-slack-signature"
_TIMESTAMP = re.compile(r"[0-9]{1,12}")
_SIGNATURE = re.compile(r"v0=[0-9a-f]{64}")


class SlackUnauthorized(Exception):
    """The request is not provably from Slack (HTTP 401); ``reason`` is short and safe to log."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(f"unauthorized Slack request: {reason}")


class ReplayGuard:
    """Keys seen in the last ``window`` seconds, at most ``capacity`` of them (oldest forgotten first).

    ``first_sight(key, at, now)`` records ``key`` (valid until ``at + window``) and says whether it was
    new. Thread-safe: ``meety serve`` answers on several threads.
    """

    def __init__(self, window: float = WINDOW, capacity: int = 10_000) -> None:
        self.window = window
        self.capacity = capacity
        self._until: OrderedDict[Hashable, float] = OrderedDict()
        self._lock = threading.Lock()

    def first_sight(self, key: Hashable, at: float, now: float) -> bool:
        with self._lock:
            self._prune(now)
            until = self._until.get(key)
            if until is not None and until >= now:
                return False
            self._until[key] = at + self.window
            self._until.move_to_end(key)
            while len(self._until) > self.capacity:
                self._until.popitem(last=False)
            return True

    def forget(self, key: Hashable) -> None:
        """Undo a sighting (the work it admitted could not be started, so a retry must get through)."""
        with self._lock:
            self._until.pop(key, None)

    def __len__(self) -> int:
        return len(self._until)

    def _prune(self, now: float) -> None:
        # entries arrive roughly in time order: drop expired ones from the front, stop at the first live one
        while self._until:
            key, until = next(iter(self._until.items()))
            if until >= now:
                break
            del self._until[key]


_PROCESS_GUARD = ReplayGuard()


class _At(Clock):
    def __init__(self, now: float) -> None:
        self._now = now

    def now(self) -> float:
        return self._now


def verify_request(
    settings: SlackSettings,
    headers: Mapping[str, str],
    body: bytes,
    now: datetime,
    guard: ReplayGuard | None = None,
) -> None:
    """Return if ``body`` was signed by Slack with our secret within 5 minutes of ``now`` and not seen
    before (by ``guard``, default: this process's); else raise ``SlackUnauthorized``."""
    if not settings.signing_secret:
        raise SlackUnauthorized("no signing secret configured")
    lowered = {k.lower(): v for k, v in headers.items()}
    timestamp = lowered.get(TIMESTAMP_HEADER)
    signature = lowered.get(SIGNATURE_HEADER)
    if timestamp is None or signature is None:
        raise SlackUnauthorized("missing signature headers")
    if not _TIMESTAMP.fullmatch(timestamp):
        raise SlackUnauthorized("malformed timestamp")
    if not _SIGNATURE.fullmatch(signature):
        raise SlackUnauthorized("malformed signature")
    moment = now.timestamp()
    if abs(moment - int(timestamp)) > WINDOW:
        raise SlackUnauthorized("timestamp outside the 5-minute window")
    verifier = SignatureVerifier(settings.signing_secret, clock=_At(moment))
    try:
        valid = verifier.is_valid(body=body, timestamp=timestamp, signature=signature)
    except UnicodeDecodeError:  # Slack only sends UTF-8 (JSON or form-encoded ASCII)
        raise SlackUnauthorized("body is not UTF-8") from None
    if not valid:
        raise SlackUnauthorized("bad signature")
    seen = _PROCESS_GUARD if guard is None else guard  # not `guard or ...`: an empty guard is falsy
    if not seen.first_sight((timestamp, signature), int(timestamp), moment):
        raise SlackUnauthorized("replayed request")
