"""The Slack app's secrets in AWS: with ``MEETY_SLACK_*_PARAMETER`` set, the signing secret and the bot token
come from SSM SecureStrings (decrypted), not from plain environment variables; anything unreadable is a
``SettingsError`` that names the parameter and never shows a value. SSM is moto's.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest

from admin_api.slack.settings import load_slack_settings
from bot.errors import SettingsError
from tests.ops_support import fake_aws_account

SIGNING_PARAMETER = "/meety/test/slack-signing-secret"
BOT_PARAMETER = "/meety/test/slack-bot-token"
ENV = {
    "MEETY_SLACK_SIGNING_SECRET_PARAMETER": SIGNING_PARAMETER,
    "MEETY_SLACK_BOT_TOKEN_PARAMETER": BOT_PARAMETER,
    "MEETY_SLACK_ADMIN_CHANNEL": "C0123ADMIN",
}


@pytest.fixture(name="ssm")
def fake_ssm(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    with fake_aws_account(monkeypatch):
        yield boto3.client("ssm", region_name="us-east-1")


def put(ssm: Any, name: str, value: str) -> None:
    ssm.put_parameter(Name=name, Value=value, Type="SecureString")


def test_the_secrets_come_from_ssm_securestrings(ssm: Any) -> None:
    put(ssm, SIGNING_PARAMETER, "s3cr3t-from-ssm")
    put(ssm, BOT_PARAMETER, "xoxb-from-ssm\n")
    # the plain variables, if set too, lose: the parameters are what the stack wires
    settings = load_slack_settings(
        {**ENV, "MEETY_SLACK_SIGNING_SECRET": "plain", "MEETY_SLACK_BOT_TOKEN": "x"}
    )
    assert (settings.signing_secret, settings.bot_token) == ("s3cr3t-from-ssm", "xoxb-from-ssm")
    assert settings.enabled
    assert settings.admin_channel == "C0123ADMIN"


def test_ssm_is_read_once_per_load_with_decryption_and_one_client() -> None:
    calls: list[dict[str, Any]] = []
    made: list[int] = []

    class Client:
        def get_parameter(self, **kwargs: Any) -> dict[str, Any]:
            calls.append(kwargs)
            return {"Parameter": {"Value": f"value-of-{kwargs['Name']}"}}

    def make() -> Client:
        made.append(1)
        return Client()

    settings = load_slack_settings(ENV, ssm_client=make)
    assert made == [1]
    assert calls == [
        {"Name": SIGNING_PARAMETER, "WithDecryption": True},
        {"Name": BOT_PARAMETER, "WithDecryption": True},
    ]
    assert settings.signing_secret == f"value-of-{SIGNING_PARAMETER}"


def test_without_parameters_no_client_is_made_and_the_plain_variables_serve() -> None:
    def make() -> Any:
        raise AssertionError("no SSM client without a parameter")

    env = {"MEETY_SLACK_SIGNING_SECRET": "plain", "MEETY_SLACK_BOT_TOKEN": "xoxb-plain"}
    settings = load_slack_settings(env, ssm_client=make)
    assert (settings.signing_secret, settings.bot_token) == ("plain", "xoxb-plain")


def test_a_missing_parameter_is_a_settings_error_naming_it(ssm: Any) -> None:
    put(ssm, SIGNING_PARAMETER, "s3cr3t-from-ssm")
    with pytest.raises(SettingsError) as caught:
        load_slack_settings(ENV)
    message = str(caught.value)
    assert "MEETY_SLACK_BOT_TOKEN_PARAMETER" in message
    assert BOT_PARAMETER in message
    assert "ParameterNotFound" in message
    assert "s3cr3t" not in message


def test_an_empty_parameter_is_a_settings_error(ssm: Any) -> None:
    put(ssm, SIGNING_PARAMETER, " ")
    put(ssm, BOT_PARAMETER, "xoxb-from-ssm")
    with pytest.raises(SettingsError, match=r"MEETY_SLACK_SIGNING_SECRET_PARAMETER: .* is empty"):
        load_slack_settings(ENV)
