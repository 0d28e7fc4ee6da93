"""Local JWTs: what a good token proves, every way a token is refused, and the signing key file."""

from __future__ import annotations

import base64
import json
import os
import stat
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import jwt
import pytest

from bot.errors import MeetyError
from fulfillment.identity import (
    AUDIENCE,
    GROUPS_CLAIM,
    ISSUER,
    KEY_FILE,
    Identity,
    InvalidToken,
    SigningKeyError,
    bearer_token,
    issue_token,
    load_or_create_key,
    verify_token,
)

NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
KEY = b"k" * 32
OTHER_KEY = b"o" * 32


def claims(**changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "iss": ISSUER,
        "aud": AUDIENCE,
        "sub": "user-1",
        "username": "alice",
        GROUPS_CLAIM: ["admin"],
        "iat": int(NOW.timestamp()),
        "exp": int(NOW.timestamp()) + 900,
        "jti": "j1",
    }
    base.update(changes)
    return {k: v for k, v in base.items() if v is not None}


def signed(payload: dict[str, Any], key: bytes = KEY, algorithm: str = "HS256") -> str:
    return jwt.encode(payload, key, algorithm=algorithm)


def b64url(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def refused(token: str | None, now: datetime = NOW, key: bytes = KEY) -> str:
    with pytest.raises(InvalidToken) as caught:
        verify_token(key, token, now)
    return caught.value.reason


# --- a good token -------------------------------------------------------------------------------------


def test_an_issued_token_verifies_to_the_identity_it_was_issued_for() -> None:
    token = issue_token(KEY, "alice", ["viewer", "admin"], NOW, subject="u-42")

    identity = verify_token(KEY, token, NOW + timedelta(minutes=5))

    assert identity == Identity(
        subject="u-42",
        username="alice",
        roles=frozenset({"admin", "viewer"}),
        issuer=ISSUER,
        expires_at=NOW + timedelta(minutes=15),
    )
    assert identity.has("admin")
    assert not identity.has("ops")


def test_claims_use_cognitos_group_claim_and_our_issuer_and_audience() -> None:
    token = issue_token(KEY, "bob", ["ops"], NOW, ttl=timedelta(minutes=5))

    payload = jwt.decode(token, KEY, algorithms=["HS256"], audience=AUDIENCE, options={"verify_exp": False})

    assert jwt.get_unverified_header(token)["alg"] == "HS256"
    assert payload["iss"] == "meety-local"
    assert payload["aud"] == "meety-admin"
    assert payload["sub"] == "bob"  # the username when no subject is given
    assert payload["username"] == "bob"
    assert payload["cognito:groups"] == ["ops"]
    assert payload["exp"] - payload["iat"] == 300
    assert payload["jti"]


def test_every_token_has_its_own_id() -> None:
    first, second = (issue_token(KEY, "alice", ["admin"], NOW) for _ in range(2))

    assert (
        jwt.decode(first, options={"verify_signature": False})["jti"]
        != jwt.decode(second, options={"verify_signature": False})["jti"]
    )


def test_issuing_refuses_unknown_roles_short_keys_and_naive_clocks() -> None:
    with pytest.raises(ValueError, match="unknown role"):
        issue_token(KEY, "alice", ["root"], NOW)  # type: ignore[list-item]
    with pytest.raises(ValueError, match="32 bytes"):
        issue_token(b"short", "alice", ["admin"], NOW)
    with pytest.raises(ValueError, match="timezone"):
        issue_token(KEY, "alice", ["admin"], NOW.replace(tzinfo=None))


def test_invalid_token_is_a_meety_error_so_the_http_edge_maps_it() -> None:
    assert issubclass(InvalidToken, MeetyError)
    assert "bad signature" in str(InvalidToken("bad signature"))


# --- time: both sides of each boundary ----------------------------------------------------------------


def test_a_token_is_valid_until_the_second_before_exp_and_expired_at_exp() -> None:
    token = issue_token(KEY, "alice", ["admin"], NOW)

    assert verify_token(KEY, token, NOW + timedelta(seconds=899)).username == "alice"
    assert refused(token, NOW + timedelta(seconds=900)) == "expired"
    assert refused(token, NOW + timedelta(days=1)) == "expired"


def test_a_token_is_not_valid_before_it_was_issued() -> None:
    token = issue_token(KEY, "alice", ["admin"], NOW)

    assert verify_token(KEY, token, NOW).username == "alice"
    assert refused(token, NOW - timedelta(seconds=1)) == "not yet valid"


def test_nbf_in_the_future_is_not_yet_valid() -> None:
    token = signed(claims(nbf=int(NOW.timestamp()) + 60))

    assert refused(token) == "not yet valid"
    assert verify_token(KEY, token, NOW + timedelta(seconds=60)).username == "alice"


def test_leeway_tolerates_skew_on_both_ends() -> None:
    token = issue_token(KEY, "alice", ["admin"], NOW)
    skew = timedelta(seconds=30)

    assert verify_token(KEY, token, NOW - timedelta(seconds=10), leeway=skew).username == "alice"
    assert verify_token(KEY, token, NOW + timedelta(seconds=910), leeway=skew).username == "alice"
    with pytest.raises(InvalidToken, match="expired"):
        verify_token(KEY, token, NOW + timedelta(seconds=930), leeway=skew)


# --- every way a token is refused ---------------------------------------------------------------------


@pytest.mark.parametrize("token", [None, ""])
def test_a_missing_token_is_refused(token: str | None) -> None:
    assert refused(token) == "missing"


@pytest.mark.parametrize("token", ["garbage", "a.b.c", "a.b", "....", "é.é.é", "x" * 10_000])
def test_a_malformed_token_is_refused(token: str) -> None:
    assert refused(token) == "malformed"


def test_a_token_signed_with_another_key_is_refused() -> None:
    assert refused(issue_token(OTHER_KEY, "alice", ["admin"], NOW)) == "bad signature"


def test_a_tampered_payload_is_refused() -> None:
    header, _, signature = issue_token(KEY, "alice", ["viewer"], NOW).split(".")
    forged = f"{header}.{b64url(claims(**{GROUPS_CLAIM: ['admin']}))}.{signature}"

    assert refused(forged) == "bad signature"


@pytest.mark.parametrize("alg", ["none", "None", "NONE"])
def test_alg_none_is_refused(alg: str) -> None:
    unsigned = f"{b64url({'alg': alg, 'typ': 'JWT'})}.{b64url(claims())}."

    assert refused(unsigned) == "algorithm not allowed"


def test_hs512_is_refused_even_with_the_right_key() -> None:
    assert refused(signed(claims(), KEY, "HS512")) == "algorithm not allowed"


@pytest.mark.parametrize("alg", ["RS256", "ES256", "PS256", "HS384"])
def test_other_algorithms_are_refused_before_any_signature_check(alg: str) -> None:
    token = f"{b64url({'alg': alg, 'typ': 'JWT'})}.{b64url(claims())}.{b64url({'not': 'a signature'})}"

    assert refused(token) == "algorithm not allowed"


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"iss": "https://cognito-idp.example/other"}, "wrong issuer"),
        ({"aud": "someone-else"}, "wrong audience"),
        ({"aud": ["someone-else", "another"]}, "wrong audience"),
    ],
)
def test_wrong_issuer_or_audience_is_refused(change: dict[str, Any], reason: str) -> None:
    assert refused(signed(claims(**change))) == reason


@pytest.mark.parametrize("claim", ["iss", "aud", "sub", "iat", "exp", "jti", "username", GROUPS_CLAIM])
def test_a_token_missing_a_claim_is_refused(claim: str) -> None:
    assert refused(signed(claims(**{claim: None}))) == f"missing claim {claim}"


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({GROUPS_CLAIM: "admin"}, f"bad claim {GROUPS_CLAIM}"),
        ({GROUPS_CLAIM: ["admin", 7]}, f"bad claim {GROUPS_CLAIM}"),
        ({"exp": True}, "bad claim exp"),
        ({"iat": "yesterday"}, "bad claim iat"),
        ({"username": ""}, "missing claim username"),
        ({"sub": 12}, "malformed"),
    ],
)
def test_a_token_with_a_claim_of_the_wrong_type_is_refused(change: dict[str, Any], reason: str) -> None:
    assert refused(signed(claims(**change))) == reason


def test_verifying_refuses_a_short_key() -> None:
    with pytest.raises(ValueError, match="32 bytes"):
        verify_token(b"", issue_token(KEY, "alice", ["admin"], NOW), NOW)


@pytest.mark.parametrize(
    ("header", "token"), [("Bearer abc.def.ghi", "abc.def.ghi"), ("bearer  abc.def.ghi ", "abc.def.ghi")]
)
def test_bearer_token_takes_the_token_out_of_the_header(header: str, token: str) -> None:
    assert bearer_token(header) == token


@pytest.mark.parametrize(
    ("header", "reason"),
    [
        (None, "missing"),
        ("", "missing"),
        ("Basic Zm9v", "not a bearer token"),
        ("Bearer ", "not a bearer token"),
    ],
)
def test_bearer_token_refuses_other_schemes(header: str | None, reason: str) -> None:
    with pytest.raises(InvalidToken) as caught:
        bearer_token(header)
    assert caught.value.reason == reason


# --- the signing key file -----------------------------------------------------------------------------


def test_the_key_is_created_private_and_reused(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"

    key = load_or_create_key(data_dir)

    path = data_dir / KEY_FILE
    assert len(key) >= 32
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_or_create_key(data_dir) == key
    assert load_or_create_key(tmp_path / "elsewhere") != key
    assert [p.name for p in data_dir.iterdir()] == [KEY_FILE]  # no temporary file left behind
    assert verify_token(key, issue_token(key, "alice", ["admin"], NOW), NOW).username == "alice"


@pytest.mark.parametrize("mode", [0o644, 0o640, 0o604])
def test_a_key_others_can_read_is_refused(tmp_path: Path, mode: int) -> None:
    load_or_create_key(tmp_path)
    (tmp_path / KEY_FILE).chmod(mode)

    with pytest.raises(SigningKeyError, match="chmod 600"):
        load_or_create_key(tmp_path)


@pytest.mark.parametrize("content", ["", "not hex\n", "abcd\n"])
def test_a_damaged_key_is_refused(tmp_path: Path, content: str) -> None:
    path = tmp_path / KEY_FILE
    path.write_text(content)
    path.chmod(0o600)

    with pytest.raises(SigningKeyError, match="damaged"):
        load_or_create_key(tmp_path)


def test_a_symlinked_key_is_refused(tmp_path: Path) -> None:
    real = tmp_path / "real-key"
    fd = os.open(real, os.O_WRONLY | os.O_CREAT, 0o600)
    os.write(fd, (b"ab" * 32) + b"\n")
    os.close(fd)
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / KEY_FILE).symlink_to(real)

    with pytest.raises(SigningKeyError, match="cannot open"):
        load_or_create_key(tmp_path / "data")


def test_concurrent_first_runs_end_with_one_key(tmp_path: Path) -> None:
    threads_count = 16
    barrier = threading.Barrier(threads_count)
    keys: list[bytes] = []
    errors: list[BaseException] = []

    def first_run() -> None:
        barrier.wait()
        try:
            keys.append(load_or_create_key(tmp_path))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=first_run) for _ in range(threads_count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert len(keys) == threads_count
    assert len(set(keys)) == 1
    assert load_or_create_key(tmp_path) == keys[0]
    assert [p.name for p in tmp_path.iterdir()] == [KEY_FILE]
