"""Who is chatting: the verified identity behind a Lex turn, from its ``authorization`` request attribute.

Session attributes are written by the client, so they never carry identity. A signed-in widget (or our
Slack gateway) sends ``Bearer <jwt>`` as a *request* attribute with every turn, and each turn is verified
afresh: an expired or forged token makes the caller anonymous again, with the reason kept for the audit.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal, Protocol

from fulfillment import lex
from fulfillment.identity.cognito import KeysUnavailable
from fulfillment.identity.tokens import Identity, InvalidToken, Role, bearer_token, verify_token

AUTHORIZATION = "authorization"
"""The request attribute a signed-in client sends (the brief's protocol; ``x-amz-lex:`` is Lex's own)."""

Problem = Literal["not_signed_in", "invalid_token", "keys_unavailable"]
log = logging.getLogger("meety.identity")


class TokenVerifier(Protocol):
    def verify(self, token: str | None, now: datetime) -> Identity:
        """The identity ``token`` speaks for; ``InvalidToken`` when it cannot be trusted."""
        ...


@dataclass(frozen=True)
class LocalVerifier:
    """Tokens signed with the data dir's key: the ones ``POST /admin/api/login`` issues."""

    key: bytes

    def verify(self, token: str | None, now: datetime) -> Identity:
        return verify_token(self.key, token, now)


@dataclass(frozen=True)
class Caller:
    """Who is behind a turn: a verified ``identity``, or anonymous with the ``problem`` that made it so."""

    identity: Identity | None
    problem: Problem | None
    channel: str

    @property
    def actor(self) -> str:
        return self.identity.username if self.identity is not None else "anonymous"

    def has_any(self, *roles: Role) -> bool:
        return self.identity is not None and any(self.identity.has(role) for role in roles)


def identify(event: Mapping[str, Any], verifier: TokenVerifier, now: datetime) -> Caller:
    """The caller of this turn; never raises for a bad token (it is anonymous, with a reason)."""
    channel = "slack" if lex.request_attribute(event, "x-amz-lex:channels:platform") == "Slack" else "web"
    header = lex.request_attribute(event, AUTHORIZATION)
    if not header:
        return Caller(None, "not_signed_in", channel)
    try:
        identity = verifier.verify(bearer_token(header), now)
    except KeysUnavailable:
        log.warning("could not fetch the token signing keys; treating the caller as anonymous")
        return Caller(None, "keys_unavailable", channel)
    except InvalidToken as exc:
        log.info("refused a chat token: %s", exc.reason)
        return Caller(None, "invalid_token", channel)
    return Caller(identity, None, identity.channel or channel)
