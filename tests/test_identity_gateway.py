"""Tokens from two issuers in AWS: Cognito's (web users) and our gateway's (the Slack app's users).

GIVEN an ``IssuerVerifier`` trusting a Cognito verifier and the gateway key, WHEN tokens arrive, THEN
each is checked by its own issuer's verifier (signature included), and anything else is refused; the
gateway key is read from an SSM SecureString under moto.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import boto3
import pytest

from fulfillment.identity import Identity, InvalidToken, LocalVerifier, issue_token
from fulfillment.identity.gateway import GatewayKeyError, IssuerVerifier, key_from_ssm
from fulfillment.identity.tokens import ISSUER
from tests.ops_support import fake_aws_account

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
KEY = bytes(range(32))
COGNITO = "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123"


class Recording:
    """A stand-in for the Cognito verifier: says which tokens reached it."""

    def __init__(self) -> None:
        self.seen: list[str] = []

    def verify(self, token: str | None, now: datetime) -> Identity:
        self.seen.append(token or "")
        raise InvalidToken("bad signature")


def test_each_token_goes_to_its_issuers_verifier() -> None:
    cognito = Recording()
    verifier = IssuerVerifier({COGNITO: cognito, ISSUER: LocalVerifier(KEY)})
    token = issue_token(KEY, "U024BE7LH", ["ops"], NOW, subject="slack:U024BE7LH", channel="slack")
    identity = verifier.verify(token, NOW)
    assert (identity.subject, identity.channel, identity.roles) == ("slack:U024BE7LH", "slack", {"ops"})
    assert cognito.seen == []
    import jwt

    cognito_like = jwt.encode({"iss": COGNITO, "sub": "x"}, "k" * 32, algorithm="HS256")
    with pytest.raises(InvalidToken):
        verifier.verify(cognito_like, NOW)
    assert cognito.seen == [cognito_like]


def test_a_forged_gateway_token_is_refused_by_the_gateway_verifier() -> None:
    verifier = IssuerVerifier({ISSUER: LocalVerifier(KEY)})
    forged = issue_token(bytes(32 * [7]), "mallory", ["admin"], NOW)
    with pytest.raises(InvalidToken, match="bad signature"):
        verifier.verify(forged, NOW)


@pytest.mark.parametrize("token", [None, "", "garbage", "a.b.c"])
def test_unreadable_tokens_are_refused(token: str | None) -> None:
    with pytest.raises(InvalidToken):
        IssuerVerifier({ISSUER: LocalVerifier(KEY)}).verify(token, NOW)


def test_an_issuer_nobody_trusts_is_refused() -> None:
    import jwt

    other = jwt.encode({"iss": "https://evil.example", "sub": "x"}, "k" * 32, algorithm="HS256")
    with pytest.raises(InvalidToken, match="unknown issuer"):
        IssuerVerifier({ISSUER: LocalVerifier(KEY)}).verify(other, NOW)


@pytest.fixture
def ssm(monkeypatch: pytest.MonkeyPatch) -> Iterator[object]:
    with fake_aws_account(monkeypatch, "eu-west-1"):
        yield boto3.client("ssm", region_name="eu-west-1")


def test_the_gateway_key_comes_from_a_secure_string(ssm: object) -> None:
    client: object = ssm
    client.put_parameter(Name="/meety/gateway-key", Value=KEY.hex(), Type="SecureString")  # type: ignore[attr-defined]
    assert key_from_ssm(client, "/meety/gateway-key") == KEY


def test_a_missing_or_short_key_is_a_clear_error(ssm: object) -> None:
    client: object = ssm
    with pytest.raises(GatewayKeyError, match="cannot read the gateway key parameter /meety/none"):
        key_from_ssm(client, "/meety/none")
    client.put_parameter(Name="/meety/short", Value="abcd", Type="SecureString")  # type: ignore[attr-defined]
    with pytest.raises(GatewayKeyError, match="holds no 32-byte hex key"):
        key_from_ssm(client, "/meety/short")


def test_the_slack_app_signs_with_the_same_ssm_key(ssm: object, monkeypatch: pytest.MonkeyPatch) -> None:
    """In AWS the Slack app and the code hook share the key through SSM: what one signs, the other trusts."""
    from admin_api.slack import dm

    client: object = ssm
    client.put_parameter(Name="/meety/gw", Value=KEY.hex(), Type="SecureString")  # type: ignore[attr-defined]
    monkeypatch.setenv("MEETY_GATEWAY_KEY_PARAMETER", "/meety/gw")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-1")
    dm._ssm_key.cache_clear()
    assert dm.gateway_key() == KEY
    dm._ssm_key.cache_clear()
