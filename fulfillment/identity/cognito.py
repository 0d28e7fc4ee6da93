"""Cognito user pool tokens: how the bot knows who is signed in when it runs in AWS.

Cognito signs with RSA keys it publishes as a JWKS; we check a token the way AWS documents (signature
against the pool's key named by ``kid``, ``iss``, ``token_use``, the app client, expiry) and trust no claim
before that. Time claims are checked against an explicit ``now`` after decoding, as in ``tokens.py``,
because PyJWT only knows the wall clock and the dialog engine pins time.

The JWKS client is created on first use, not at import or construction: a turn that carries no token never
pays for PyJWT, cryptography or the network. It is then kept for the life of the Lambda container, so a
warm container fetches the keys once and afterwards only when it meets a ``kid`` it has not seen.
"""

from __future__ import annotations

import functools
import re
import threading
from collections.abc import Collection, Mapping
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

from fulfillment.identity.tokens import (  # same claim rules as local tokens
    GROUPS_CLAIM,
    MAX_TOKEN_CHARS,
    Identity,
    InvalidToken,
    _numeric,
    _timestamp,
    decoding,
)

if TYPE_CHECKING:
    from jwt import PyJWK, PyJWKClient

ALGORITHM = "RS256"
"""Cognito signs only with RS256; pinning it is what makes ``alg: none`` and HS/RS confusion fail."""
JWKS_LIFESPAN = 3600.0
"""Seconds the fetched key set answers for a ``kid`` not yet cached; Cognito rotates keys rarely.

Keys already looked up stay cached by ``kid`` for the container's life (``cache_keys``), and an unknown
``kid`` forces a refetch at most every 30 s (PyJWT's cooldown), so forged ``kid``s cannot flood the pool.
"""
TOKEN_USES = frozenset({"id", "access"})
_REQUIRED = ["sub", "iss", "exp", "iat", "token_use"]
_REGION = re.compile(r"[a-z]{2}(?:-[a-z]+)+-\d+")
_POOL_ID = re.compile(rf"(?P<region>{_REGION.pattern})_[0-9A-Za-z]+")


class KeysUnavailable(InvalidToken):
    """The pool's keys could not be fetched, so the token is unchecked rather than known bad.

    Callers tell the user "I couldn't check your sign-in right now" instead of "you're not signed in".
    """

    def __init__(self) -> None:
        super().__init__("keys unavailable")


class CognitoVerifier:
    """Verifies one user pool's tokens for a fixed set of app clients; share one per process."""

    def __init__(
        self,
        user_pool_id: str,
        client_ids: Collection[str],
        *,
        region: str | None = None,
        jwks_url: str | None = None,
        fetch_timeout: float = 2.0,
        leeway: timedelta = timedelta(seconds=30),
    ) -> None:
        match = _POOL_ID.fullmatch(user_pool_id)
        if match is None:
            raise ValueError(f"malformed user pool id {user_pool_id!r}; expected e.g. 'us-east-1_AbC123'")
        region = region if region is not None else match["region"]
        if not _REGION.fullmatch(region):
            raise ValueError(f"malformed region {region!r}")
        if isinstance(client_ids, str):  # a str is a Collection[str] of its characters
            raise TypeError("client_ids must be a collection of client ids, not one string")
        self._client_ids = frozenset(client_ids)
        if not self._client_ids or not all(isinstance(c, str) and c for c in self._client_ids):
            raise ValueError("client_ids must name at least one app client")
        if fetch_timeout <= 0 or leeway < timedelta(0):
            raise ValueError("fetch_timeout must be positive and leeway not negative")
        self._issuer = f"https://cognito-idp.{region}.amazonaws.com/{user_pool_id}"
        self._jwks_url = jwks_url or f"{self._issuer}/.well-known/jwks.json"
        if urlparse(self._jwks_url).scheme not in ("http", "https"):
            raise ValueError(f"jwks_url must be http(s): {self._jwks_url!r}")
        self._fetch_timeout = fetch_timeout
        self._leeway = leeway.total_seconds()
        self._client: PyJWKClient | None = None
        self._lock = threading.Lock()

    @property
    def issuer(self) -> str:
        return self._issuer

    def verify(self, token: str | None, now: datetime) -> Identity:
        """The identity a Cognito token speaks for, or ``InvalidToken`` (maybe ``KeysUnavailable``)."""
        import jwt  # here, not at the top: PyJWT pulls in cryptography; anonymous turns skip that

        if not token:
            raise InvalidToken("missing")
        if len(token) > MAX_TOKEN_CHARS:
            raise InvalidToken("malformed")
        now_ts = _timestamp(now)
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as exc:
            raise InvalidToken("malformed") from exc
        # Refuse before looking up keys, so a forged header cannot make us fetch the JWKS.
        if header.get("alg") != ALGORITHM:
            raise InvalidToken("algorithm not allowed")
        key = self._signing_key(header.get("kid"))
        with decoding():
            claims = jwt.decode(
                token,
                key,
                algorithms=[ALGORITHM],
                issuer=self._issuer,
                options={
                    "require": _REQUIRED,
                    "verify_aud": False,  # access tokens carry client_id, not aud: checked below
                    "verify_exp": False,
                    "verify_iat": False,
                    "verify_nbf": False,
                },
            )
        return self._identity(claims, now_ts)

    def _signing_key(self, kid: object) -> PyJWK:
        import jwt

        if not isinstance(kid, str) or not kid:
            raise InvalidToken("unknown key")
        try:
            return self._jwks_client().get_signing_key(kid)
        except (jwt.PyJWKSetError, jwt.PyJWKClientConnectionError) as exc:
            raise KeysUnavailable from exc
        except jwt.PyJWKClientError as exc:  # no such kid, even after the refresh PyJWT allows
            raise InvalidToken("unknown key") from exc

    def _jwks_client(self) -> PyJWKClient:
        with self._lock:
            if self._client is None:
                self._client = _client_class()(
                    self._jwks_url, cache_keys=True, lifespan=JWKS_LIFESPAN, timeout=self._fetch_timeout
                )
            return self._client

    def _identity(self, claims: Mapping[str, Any], now: float) -> Identity:
        use = claims["token_use"]
        if use not in TOKEN_USES:
            raise InvalidToken("wrong token use")
        client = claims.get("aud") if use == "id" else claims.get("client_id")
        if not isinstance(client, str) or client not in self._client_ids:
            raise InvalidToken("wrong audience")
        expires = _numeric(claims, "exp")
        if now - self._leeway >= expires:
            raise InvalidToken("expired")
        if any(_numeric(claims, name) > now + self._leeway for name in ("iat", "nbf") if name in claims):
            raise InvalidToken("not yet valid")
        subject = claims["sub"]
        if not isinstance(subject, str) or not subject:
            raise InvalidToken("malformed")
        username = claims.get("cognito:username" if use == "id" else "username")
        groups = claims.get(GROUPS_CLAIM, [])
        if not isinstance(groups, list) or not all(isinstance(g, str) for g in groups):
            raise InvalidToken(f"bad claim {GROUPS_CLAIM}")
        return Identity(
            subject=subject,
            username=username if isinstance(username, str) and username else subject,
            roles=frozenset(groups),
            issuer=self._issuer,
            expires_at=datetime.fromtimestamp(expires, UTC),
        )


@functools.cache
def _client_class() -> type[PyJWKClient]:
    """PyJWKClient, reporting every failed fetch as ``KeysUnavailable``.

    PyJWT wraps only connection errors: bad JSON escapes as ``ValueError``, a body that is not an object as
    the same ``PyJWKClientError`` as an unknown ``kid``. Raising from ``fetch_data`` (its documented override
    point) keeps "could not get keys" apart from "no such key". Defined on demand to keep PyJWT lazy.
    """
    import jwt

    class _Client(jwt.PyJWKClient):
        def fetch_data(self) -> Any:
            try:
                return super().fetch_data()
            except (jwt.PyJWKClientError, jwt.PyJWKSetError, ValueError, OSError) as exc:
                raise KeysUnavailable from exc

    return _Client
