"""Who is asking: verified identities from bearer JWTs, shared by the fulfillment and admin Lambdas.

It lives under ``fulfillment/`` so the bot's code hook can verify the ``authorization`` request attribute
without importing the admin API. Locally Meety issues its own tokens (signed with a key in the data dir);
in AWS, Cognito does and the same ``cognito:groups`` claim carries the roles.

Public API:

- ``Role`` (``"admin"`` decide, ``"viewer"`` read, ``"ops"`` ops intents), ``ROLES``;
- ``Identity``: subject, username, roles, issuer, expires_at; ``Identity.has(role)``;
- ``load_or_create_key(data_dir) -> bytes``: the local signing key, created 0600 on first use;
- ``issue_token(key, username, roles, now, ttl=DEFAULT_TTL, *, subject=None) -> str``;
- ``verify_token(key, token, now, *, leeway=timedelta(0)) -> Identity``;
- ``bearer_token(header) -> str``: the token in ``Bearer <jwt>``;
- errors: ``InvalidToken`` (``.reason``), ``SigningKeyError``; both are ``MeetyError``;
- constants: ``ISSUER``, ``AUDIENCE``, ``GROUPS_CLAIM``, ``CHANNEL_CLAIM``, ``DEFAULT_TTL``, ``KEY_FILE``;
- chat turns (``fulfillment.identity.chat``): ``identify(event, verifier, now) -> Caller``, ``Caller``,
  ``TokenVerifier`` (protocol), ``LocalVerifier`` (the data dir's key), ``AUTHORIZATION``;
- Cognito (``fulfillment.identity.cognito``): ``CognitoVerifier`` (user pool JWKS), ``KeysUnavailable``.
"""

from fulfillment.identity.chat import AUTHORIZATION, Caller, LocalVerifier, TokenVerifier, identify
from fulfillment.identity.cognito import CognitoVerifier, KeysUnavailable
from fulfillment.identity.tokens import (
    AUDIENCE,
    CHANNEL_CLAIM,
    DEFAULT_TTL,
    GROUPS_CLAIM,
    ISSUER,
    KEY_FILE,
    ROLES,
    Identity,
    InvalidToken,
    Role,
    SigningKeyError,
    bearer_token,
    issue_token,
    load_or_create_key,
    verify_token,
)

__all__ = [
    "AUDIENCE",
    "AUTHORIZATION",
    "CHANNEL_CLAIM",
    "DEFAULT_TTL",
    "GROUPS_CLAIM",
    "ISSUER",
    "KEY_FILE",
    "ROLES",
    "Caller",
    "CognitoVerifier",
    "Identity",
    "InvalidToken",
    "KeysUnavailable",
    "LocalVerifier",
    "Role",
    "SigningKeyError",
    "TokenVerifier",
    "bearer_token",
    "identify",
    "issue_token",
    "load_or_create_key",
    "verify_token",
]
