"""Tokens from more than one issuer: Cognito's for signed-in web users, ours for trusted gateways.

In AWS the code hook verifies Cognito tokens against the pool's keys, and tokens our Slack app signs for
its users with the gateway key (HS256, the same format ``meety serve`` issues locally). The token's
unverified ``iss`` only *chooses* the verifier; the chosen one then checks everything, signature first, so
a forged issuer buys nothing but the wrong verifier's refusal.

The gateway key lives in an SSM SecureString parameter (``MEETY_GATEWAY_KEY_PARAMETER``): 64 hex characters,
read once per container. SSM standard parameters cost nothing at rest, unlike a Secrets Manager secret.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from fulfillment.identity.chat import TokenVerifier
from fulfillment.identity.tokens import KEY_BYTES, Identity, InvalidToken, decoding


@dataclass(frozen=True)
class IssuerVerifier:
    """Picks the verifier for the token's issuer; an issuer nobody trusts is refused."""

    by_issuer: Mapping[str, TokenVerifier]

    def verify(self, token: str | None, now: datetime) -> Identity:
        import jwt  # see tokens.issue_token: PyJWT's import is paid only when a token arrives

        if not token:
            raise InvalidToken("missing")
        with decoding():
            claims = jwt.decode(token, options={"verify_signature": False})
        issuer = claims.get("iss")
        verifier = self.by_issuer.get(issuer) if isinstance(issuer, str) else None
        if verifier is None:
            raise InvalidToken("unknown issuer")
        return verifier.verify(token, now)


class GatewayKeyError(Exception):
    """The gateway key parameter is missing, unreadable or not a key: the deployment is incomplete."""


def key_from_ssm(client: Any, parameter: str) -> bytes:
    """The gateway key held in the SecureString ``parameter`` (hex), decrypted."""
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        value = client.get_parameter(Name=parameter, WithDecryption=True)["Parameter"]["Value"]
    except (ClientError, BotoCoreError) as exc:
        raise GatewayKeyError(
            f"cannot read the gateway key parameter {parameter}: {type(exc).__name__}"
        ) from None
    try:
        key = bytes.fromhex(str(value).strip())
    except ValueError:
        key = b""
    if len(key) < KEY_BYTES:
        raise GatewayKeyError(f"the gateway key parameter {parameter} holds no {KEY_BYTES}-byte hex key")
    return key
