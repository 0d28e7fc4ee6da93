"""Cognito tokens, checked against a JWKS served over real loopback HTTP: no mocks of PyJWT or the network.

``NOW`` is years in the past, so a token that passes here would fail if anything read the wall clock.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from fulfillment.identity.cognito import CognitoVerifier, KeysUnavailable
from fulfillment.identity.tokens import GROUPS_CLAIM, MAX_TOKEN_CHARS, Identity, InvalidToken

NOW = datetime(2021, 6, 1, 12, 0, tzinfo=UTC)
POOL = "us-east-1_TestPool9"
ISSUER = f"https://cognito-idp.us-east-1.amazonaws.com/{POOL}"
CLIENT = "5ta1client"
OTHER_CLIENT = "9zz9client"
KID = "key-1"

KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
IMPOSTOR_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)


def public_jwk(key: rsa.RSAPrivateKey, kid: str = KID) -> dict[str, Any]:
    jwk = RSAAlgorithm.to_jwk(key.public_key(), as_dict=True)
    assert isinstance(jwk, dict)
    return {**jwk, "kid": kid, "alg": "RS256", "use": "sig"}


@dataclass
class JwksServer:
    """A JWKS endpoint on 127.0.0.1 that counts the requests it answers."""

    body: bytes
    url: str = ""
    requests: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


@pytest.fixture
def jwks() -> Iterator[JwksServer]:
    state = JwksServer(body=json.dumps({"keys": [public_jwk(KEY)]}).encode())

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            with state.lock:
                state.requests += 1
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(state.body)))
            self.end_headers()
            self.wfile.write(state.body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_port}/{POOL}/.well-known/jwks.json"
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture
def verifier(jwks: JwksServer) -> CognitoVerifier:
    return CognitoVerifier(POOL, [CLIENT], jwks_url=jwks.url)


def id_claims(**changes: Any) -> dict[str, Any]:
    """An id token as Cognito issues it; a change of ``None`` removes the claim."""
    base: dict[str, Any] = {
        "sub": "a1b2c3d4-0000-4000-8000-000000000001",
        "iss": ISSUER,
        "aud": CLIENT,
        "token_use": "id",
        "cognito:username": "alice",
        GROUPS_CLAIM: ["admin", "viewer"],
        "email": "alice@example.com",
        "auth_time": int(NOW.timestamp()),
        "iat": int(NOW.timestamp()),
        "exp": int(NOW.timestamp()) + 3600,
    }
    return {k: v for k, v in {**base, **changes}.items() if v is not None}


def access_claims(**changes: Any) -> dict[str, Any]:
    """An access token: no ``aud``, the app client in ``client_id``, the user in ``username``."""
    base = id_claims(aud=None, email=None, **{"cognito:username": None})
    base.update({"token_use": "access", "client_id": CLIENT, "username": "alice", "scope": "openid"})
    return {k: v for k, v in {**base, **changes}.items() if v is not None}


def sign(
    claims: dict[str, Any], key: rsa.RSAPrivateKey = KEY, kid: str | None = KID, alg: str = "RS256"
) -> str:
    headers = {"kid": kid} if kid is not None else None
    return jwt.encode(claims, key, algorithm=alg, headers=headers)


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def refused(verifier: CognitoVerifier, token: str | None, now: datetime = NOW) -> str:
    with pytest.raises(InvalidToken) as caught:
        verifier.verify(token, now)
    assert not isinstance(caught.value, KeysUnavailable)
    return caught.value.reason


# --- good tokens ----------------------------------------------------------------------------------------


def test_an_id_token_verifies_to_its_user_and_groups(verifier: CognitoVerifier) -> None:
    identity = verifier.verify(sign(id_claims()), NOW + timedelta(minutes=5))

    assert identity == Identity(
        subject="a1b2c3d4-0000-4000-8000-000000000001",
        username="alice",
        roles=frozenset({"admin", "viewer"}),
        issuer=ISSUER,
        expires_at=NOW + timedelta(hours=1),
    )
    assert identity.has("admin")


def test_an_access_token_verifies_by_its_client_id_and_username(verifier: CognitoVerifier) -> None:
    identity = verifier.verify(sign(access_claims(**{GROUPS_CLAIM: ["ops"]})), NOW)

    assert identity.username == "alice"
    assert identity.roles == frozenset({"ops"})
    assert identity.issuer == ISSUER


def test_any_of_several_app_clients_is_accepted(jwks: JwksServer) -> None:
    verifier = CognitoVerifier(POOL, (OTHER_CLIENT, CLIENT), jwks_url=jwks.url)

    assert verifier.verify(sign(id_claims()), NOW).username == "alice"
    assert verifier.verify(sign(access_claims(client_id=OTHER_CLIENT)), NOW).username == "alice"


def test_a_user_in_no_groups_is_signed_in_with_no_roles(verifier: CognitoVerifier) -> None:
    identity = verifier.verify(sign(id_claims(**{GROUPS_CLAIM: None})), NOW)

    assert identity.roles == frozenset()
    assert not identity.has("viewer")


def test_the_username_falls_back_to_the_subject(verifier: CognitoVerifier) -> None:
    identity = verifier.verify(sign(access_claims(username=None)), NOW)

    assert identity.username == identity.subject


def test_a_bad_groups_claim_is_refused_not_guessed(verifier: CognitoVerifier) -> None:
    assert refused(verifier, sign(id_claims(**{GROUPS_CLAIM: "admin"}))) == "bad claim cognito:groups"


# --- issuer, audience, token use ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "issuer",
    [
        "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_OtherPool",
        "https://cognito-idp.eu-west-1.amazonaws.com/" + POOL,
        ISSUER + "/",
        "https://evil.example.com/" + POOL,
    ],
)
def test_a_token_from_another_pool_is_refused(verifier: CognitoVerifier, issuer: str) -> None:
    assert refused(verifier, sign(id_claims(iss=issuer))) == "wrong issuer"


def test_an_id_token_for_another_app_client_is_refused(verifier: CognitoVerifier) -> None:
    assert refused(verifier, sign(id_claims(aud=OTHER_CLIENT))) == "wrong audience"
    assert refused(verifier, sign(id_claims(aud=[CLIENT]))) == "wrong audience"  # Cognito's aud is one string
    assert refused(verifier, sign(id_claims(aud=None, client_id=CLIENT))) == "wrong audience"


def test_an_access_token_for_another_app_client_is_refused(verifier: CognitoVerifier) -> None:
    assert refused(verifier, sign(access_claims(client_id=OTHER_CLIENT))) == "wrong audience"
    assert refused(verifier, sign(access_claims(client_id=None))) == "wrong audience"
    # an access token is judged by client_id alone: a matching aud does not rescue it
    assert refused(verifier, sign(access_claims(client_id=OTHER_CLIENT, aud=CLIENT))) == "wrong audience"


@pytest.mark.parametrize("use", ["refresh", "ID", "", 1])
def test_only_id_and_access_tokens_are_accepted(verifier: CognitoVerifier, use: object) -> None:
    assert refused(verifier, sign(id_claims(token_use=use))) == "wrong token use"


@pytest.mark.parametrize("claim", ["sub", "iss", "exp", "iat", "token_use"])
def test_required_claims_must_be_present(verifier: CognitoVerifier, claim: str) -> None:
    assert refused(verifier, sign(id_claims(**{claim: None}))) == f"missing claim {claim}"


# --- time -----------------------------------------------------------------------------------------------


def test_expiry_is_judged_against_the_given_now_with_leeway(verifier: CognitoVerifier) -> None:
    token = sign(id_claims())
    expiry = NOW + timedelta(hours=1)

    assert verifier.verify(token, expiry + timedelta(seconds=29)).username == "alice"  # within 30 s leeway
    assert refused(verifier, token, expiry + timedelta(seconds=30)) == "expired"
    assert refused(verifier, token, datetime(2031, 1, 1, tzinfo=UTC)) == "expired"


def test_without_leeway_a_token_expires_on_the_second(jwks: JwksServer) -> None:
    strict = CognitoVerifier(POOL, [CLIENT], jwks_url=jwks.url, leeway=timedelta(0))
    token = sign(id_claims())

    assert strict.verify(token, NOW + timedelta(minutes=59, seconds=59)).username == "alice"
    assert refused(strict, token, NOW + timedelta(hours=1)) == "expired"


def test_a_token_issued_in_the_future_is_not_yet_valid(verifier: CognitoVerifier) -> None:
    now = int(NOW.timestamp())

    assert refused(verifier, sign(id_claims(iat=now + 31, exp=now + 3600))) == "not yet valid"
    assert refused(verifier, sign(id_claims(nbf=now + 120))) == "not yet valid"
    assert verifier.verify(sign(id_claims(iat=now + 29)), NOW).username == "alice"  # clock skew


def test_time_claims_must_be_numbers(verifier: CognitoVerifier) -> None:
    assert refused(verifier, sign(id_claims(exp="soon"))) == "bad claim exp"
    assert refused(verifier, sign(id_claims(iat=True))) == "bad claim iat"


def test_now_must_be_timezone_aware(verifier: CognitoVerifier) -> None:
    with pytest.raises(ValueError, match="timezone"):
        verifier.verify(sign(id_claims()), NOW.replace(tzinfo=None))


# --- keys and algorithms --------------------------------------------------------------------------------


def test_a_token_signed_by_another_key_under_our_kid_is_refused(verifier: CognitoVerifier) -> None:
    assert refused(verifier, sign(id_claims(), key=IMPOSTOR_KEY)) == "bad signature"


def test_a_token_whose_payload_was_edited_is_refused(verifier: CognitoVerifier) -> None:
    header, _, signature = sign(id_claims()).split(".")
    forged = b64url(json.dumps(id_claims(**{GROUPS_CLAIM: ["admin", "ops"]})).encode())

    assert refused(verifier, f"{header}.{forged}.{signature}") == "bad signature"


def test_a_kid_the_pool_does_not_publish_is_an_unknown_key(verifier: CognitoVerifier) -> None:
    assert refused(verifier, sign(id_claims(), key=IMPOSTOR_KEY, kid="key-2")) == "unknown key"
    assert refused(verifier, sign(id_claims(), kid=None)) == "unknown key"


def test_forged_kids_cannot_make_us_refetch_the_keys(verifier: CognitoVerifier, jwks: JwksServer) -> None:
    verifier.verify(sign(id_claims()), NOW)
    for n in range(20):
        assert refused(verifier, sign(id_claims(), kid=f"forged-{n}")) == "unknown key"

    assert jwks.requests == 1  # PyJWT refetches for an unknown kid at most once per cooldown (30 s)


def test_alg_none_is_refused_without_fetching_keys(verifier: CognitoVerifier, jwks: JwksServer) -> None:
    header = b64url(json.dumps({"alg": "none", "typ": "JWT", "kid": KID}).encode())
    unsigned = f"{header}.{b64url(json.dumps(id_claims()).encode())}."

    assert refused(verifier, unsigned) == "algorithm not allowed"
    assert jwks.requests == 0


def test_a_stripped_signature_is_refused(verifier: CognitoVerifier) -> None:
    stripped = sign(id_claims()).rsplit(".", 1)[0] + "."

    assert refused(verifier, stripped) == "bad signature"


def test_hs256_signed_with_the_public_key_is_refused(verifier: CognitoVerifier) -> None:
    """The classic confusion: a verifier that lets the header pick HMAC would accept the public PEM."""
    pem = KEY.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    header = b64url(json.dumps({"alg": "HS256", "typ": "JWT", "kid": KID}).encode())
    payload = b64url(json.dumps(id_claims()).encode())
    mac = hmac.new(pem, f"{header}.{payload}".encode(), hashlib.sha256).digest()

    assert refused(verifier, f"{header}.{payload}.{b64url(mac)}") == "algorithm not allowed"


@pytest.mark.parametrize("alg", ["RS512", "PS256"])
def test_other_rsa_algorithms_are_refused_even_with_the_right_key(
    verifier: CognitoVerifier, alg: str
) -> None:
    assert refused(verifier, sign(id_claims(), alg=alg)) == "algorithm not allowed"


# --- malformed input ------------------------------------------------------------------------------------


@pytest.mark.parametrize("token", ["not-a-jwt", "a.b.c", "eyJhbGciOiJSUzI1NiJ9.e30", "Bearer x.y.z", "..."])
def test_malformed_tokens_are_refused(verifier: CognitoVerifier, token: str) -> None:
    assert refused(verifier, token) == "malformed"


@pytest.mark.parametrize("token", [None, ""])
def test_no_token_is_missing(verifier: CognitoVerifier, token: str | None) -> None:
    assert refused(verifier, token) == "missing"


def test_an_over_long_token_is_refused_before_decoding(verifier: CognitoVerifier, jwks: JwksServer) -> None:
    padded = sign(id_claims(padding="x" * MAX_TOKEN_CHARS))

    assert refused(verifier, padded) == "malformed"
    assert jwks.requests == 0


# --- fetching the keys ----------------------------------------------------------------------------------


def test_the_keys_are_fetched_once_for_many_verifications(
    verifier: CognitoVerifier, jwks: JwksServer
) -> None:
    assert jwks.requests == 0  # constructing a verifier touches no network

    for minute in range(25):
        verifier.verify(sign(id_claims()), NOW + timedelta(minutes=minute))
        verifier.verify(sign(access_claims()), NOW + timedelta(minutes=minute))

    assert jwks.requests == 1


def test_unreachable_keys_are_keys_unavailable_not_a_bad_token() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # closed again before we connect: connection refused
    verifier = CognitoVerifier(POOL, [CLIENT], jwks_url=f"http://127.0.0.1:{port}/jwks.json", fetch_timeout=1)

    with pytest.raises(KeysUnavailable) as caught:
        verifier.verify(sign(id_claims()), NOW)

    assert isinstance(caught.value, InvalidToken)
    assert caught.value.reason == "keys unavailable"


@pytest.mark.parametrize(
    "body", [b"<html>oops</html>", b"[1, 2]", b'{"keys": []}', b'{"keys": [{"kty": "??"}]}']
)
def test_a_broken_jwks_is_keys_unavailable(verifier: CognitoVerifier, jwks: JwksServer, body: bytes) -> None:
    jwks.body = body

    with pytest.raises(KeysUnavailable):
        verifier.verify(sign(id_claims()), NOW)


def test_the_keys_are_fetched_again_after_an_outage(verifier: CognitoVerifier, jwks: JwksServer) -> None:
    good = jwks.body
    jwks.body = b"not json"
    with pytest.raises(KeysUnavailable):
        verifier.verify(sign(id_claims()), NOW)

    jwks.body = good
    assert verifier.verify(sign(id_claims()), NOW).username == "alice"
    assert jwks.requests == 2


# --- configuration --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pool", "issuer"),
    [
        ("eu-west-2_AbC123", "https://cognito-idp.eu-west-2.amazonaws.com/eu-west-2_AbC123"),
        ("ap-southeast-1_x9", "https://cognito-idp.ap-southeast-1.amazonaws.com/ap-southeast-1_x9"),
        ("us-gov-west-1_Q1", "https://cognito-idp.us-gov-west-1.amazonaws.com/us-gov-west-1_Q1"),
    ],
)
def test_the_region_is_read_from_the_pool_id(pool: str, issuer: str) -> None:
    assert CognitoVerifier(pool, [CLIENT]).issuer == issuer


def test_an_explicit_region_wins() -> None:
    verifier = CognitoVerifier("us-east-1_AbC123", [CLIENT], region="us-west-2")

    assert verifier.issuer == "https://cognito-idp.us-west-2.amazonaws.com/us-east-1_AbC123"


@pytest.mark.parametrize(
    "pool",
    [
        "",
        "AbC123",
        "us-east-1",
        "us-east-1_",
        "_AbC123",
        "us-east-1-AbC123",
        "US-EAST-1_AbC",
        "us-east-1_a/b",
    ],
)
def test_a_malformed_pool_id_is_a_value_error(pool: str) -> None:
    with pytest.raises(ValueError, match="pool id"):
        CognitoVerifier(pool, [CLIENT])


def test_bad_settings_fail_at_construction_not_at_the_first_turn() -> None:
    with pytest.raises(TypeError):
        CognitoVerifier(POOL, CLIENT)  # a string is a collection of one-letter client ids
    with pytest.raises(ValueError, match="client"):
        CognitoVerifier(POOL, [])
    with pytest.raises(ValueError, match="region"):
        CognitoVerifier(POOL, [CLIENT], region="Mars")
    with pytest.raises(ValueError, match="http"):
        CognitoVerifier(POOL, [CLIENT], jwks_url="file:///etc/passwd")
    with pytest.raises(ValueError, match="leeway"):
        CognitoVerifier(POOL, [CLIENT], leeway=timedelta(seconds=-1))
