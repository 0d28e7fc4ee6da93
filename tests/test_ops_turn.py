"""The rules every staff-only turn follows: who the caller is, and answers that fit Lex's limits."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from fulfillment.identity import Identity, InvalidToken, KeysUnavailable, LocalVerifier, identify, issue_token
from fulfillment.ops_turn import MAX_MESSAGES, MESSAGE_LIMIT, fit

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
KEY = bytes(range(32))


def turn(authorization: str | None = None, platform: str | None = None) -> dict[str, Any]:
    attributes = {}
    if authorization is not None:
        attributes["authorization"] = authorization
    if platform is not None:
        attributes["x-amz-lex:channels:platform"] = platform
    return {"sessionId": "s-1", "requestAttributes": attributes or None, "sessionState": {}}


def test_a_valid_token_identifies_the_caller_and_their_roles() -> None:
    token = issue_token(KEY, "dana", ["ops"], NOW, subject="u-1")
    caller = identify(turn(f"Bearer {token}"), LocalVerifier(KEY), NOW)
    assert caller.identity is not None
    assert (caller.identity.subject, caller.actor, caller.problem, caller.channel) == (
        "u-1",
        "dana",
        None,
        "web",
    )
    assert caller.has_any("ops")
    assert not caller.has_any("admin", "viewer")


@pytest.mark.parametrize(
    ("header", "problem"),
    [
        (None, "not_signed_in"),
        ("", "not_signed_in"),
        ("Basic ZGFuYTpwdw==", "invalid_token"),
        ("Bearer ", "invalid_token"),
        ("Bearer x.y.z", "invalid_token"),
    ],
)
def test_missing_or_bad_tokens_make_an_anonymous_caller_with_a_reason(
    header: str | None, problem: str
) -> None:
    caller = identify(turn(header), LocalVerifier(KEY), NOW)
    assert (caller.identity, caller.problem, caller.actor) == (None, problem, "anonymous")
    assert not caller.has_any("ops", "admin")


def test_a_token_past_its_expiry_is_anonymous() -> None:
    token = issue_token(KEY, "dana", ["admin"], NOW)
    caller = identify(turn(f"Bearer {token}"), LocalVerifier(KEY), NOW + timedelta(minutes=16))
    assert caller.problem == "invalid_token"


def test_unreachable_keys_are_told_apart_from_a_bad_token() -> None:
    class Down:
        def verify(self, token: str | None, now: datetime) -> Identity:
            raise KeysUnavailable()

    class Refusing:
        def verify(self, token: str | None, now: datetime) -> Identity:
            raise InvalidToken("bad signature")

    assert identify(turn("Bearer t"), Down(), NOW).problem == "keys_unavailable"
    assert identify(turn("Bearer t"), Refusing(), NOW).problem == "invalid_token"


def test_the_lex_slack_channel_is_recognised() -> None:
    assert identify(turn(platform="Slack"), LocalVerifier(KEY), NOW).channel == "slack"
    assert identify(turn(platform="Connect"), LocalVerifier(KEY), NOW).channel == "web"


def test_short_answers_stay_one_message() -> None:
    assert fit(["a", "b"], "more") == ["a\nb"]


def test_long_answers_are_packed_into_few_bounded_messages() -> None:
    lines = [f"line {n:03d} " + "x" * 180 for n in range(60)]
    messages = fit(lines, "…and more.")
    assert len(messages) == MAX_MESSAGES
    assert all(len(m) <= MESSAGE_LIMIT for m in messages)
    assert messages[0].startswith("line 000")
    assert messages[-1].endswith("\n…and more.")
    kept = "\n".join(messages)
    assert "line 001" in kept
    assert "line 059" not in kept


def test_an_over_long_line_is_cut_not_dropped() -> None:
    (message,) = fit(["y" * 5000], "more")
    assert len(message) == MESSAGE_LIMIT
    assert message.endswith("…")


def test_nothing_to_say_still_says_something() -> None:
    assert fit([], "more") == ["more"]


def test_a_gateway_token_carries_its_channel() -> None:
    """Our Slack app signs its users' tokens with ``meety:channel`` = slack: their requests are Slack's."""
    token = issue_token(KEY, "U024BE7LH", ["ops"], NOW, subject="slack:U024BE7LH", channel="slack")
    caller = identify(turn(f"Bearer {token}"), LocalVerifier(KEY), NOW)
    assert caller.identity is not None
    assert (caller.channel, caller.identity.subject) == ("slack", "slack:U024BE7LH")
