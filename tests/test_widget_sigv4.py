"""The widget's SigV4 (WebCrypto, in Chromium) against botocore's, and its AWS mode end to end.

GIVEN fixed credentials (with a session token), a fixed time, region and request,
WHEN the page signs it with ``MeetyWidget._sigv4.sign``,
THEN the headers equal what botocore's ``SigV4Auth`` computes for the same inputs.

botocore reads the time through ``botocore.auth.get_current_datetime``; patching that one name freezes it.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any
from unittest import mock

import boto3
import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from playwright.sync_api import Browser, Page, Route, expect

from tests.widget_support import (
    BOT,
    FAKE_ORIGIN,
    chromium,
    embed_html,
    open_page,
    route_origin,
    say,
)

REGION = "us-east-1"
LEX_HOST = f"https://runtime-v2-lex.{REGION}.amazonaws.com"
COGNITO = f"https://cognito-identity.{REGION}.amazonaws.com/"
CREDENTIALS = Credentials(
    "ASIAEXAMPLEKEY123456", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "IQoJb3JpZ2luX2VjE+token/with=chars"
)
FROZEN = dt.datetime(2026, 11, 18, 15, 4, 5, tzinfo=dt.UTC)
BOT_ID = "BOTID12345"
ALIAS_ID = "ALIAS12345"


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as running:
        yield running


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A secure-context page (WebCrypto needs one) with the widget's script loaded and not started."""
    with open_page(browser) as (opened, watch):
        route_origin(opened, {"/blank.html": embed_html({})})
        opened.goto(f"{FAKE_ORIGIN}/blank.html")
        opened.wait_for_function("window.MeetyWidget && window.MeetyWidget._sigv4")
        yield opened
        assert watch.problems == []


def js_credentials(credentials: Credentials) -> dict[str, str | None]:
    return {
        "accessKeyId": credentials.access_key,
        "secretAccessKey": credentials.secret_key,
        "sessionToken": credentials.token,
    }


def js_sign(page: Page, request: Mapping[str, Any], credentials: Credentials, service: str, when: str) -> Any:
    return page.evaluate(
        "([request, credentials, region, service, when]) =>"
        " MeetyWidget._sigv4.sign(request, credentials, region, service, new Date(when))",
        [dict(request), js_credentials(credentials), REGION, service, when],
    )


def botocore_sign(
    request: AWSRequest, credentials: Credentials, service: str, when: dt.datetime
) -> AWSRequest:
    naive_utc = when.astimezone(dt.UTC).replace(tzinfo=None)  # what get_current_datetime returns
    with mock.patch("botocore.auth.get_current_datetime", return_value=naive_utc):
        SigV4Auth(credentials, service, REGION).add_auth(request)
    return request


def signed_names(authorization: str) -> list[str]:
    return authorization.split("SignedHeaders=", 1)[1].split(",", 1)[0].split(";")


def test_the_aws_test_suite_vector_get_vanilla(page: Page) -> None:
    """AWS's published SigV4 example: no body, no query, no token (the value is the suite's, not ours)."""
    credentials = Credentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
    request = {"method": "GET", "url": "https://example.amazonaws.com/", "headers": {}}
    headers = js_sign(page, request, credentials, "service", "2015-08-30T12:36:00Z")
    assert headers["Authorization"] == (
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
        "SignedHeaders=host;x-amz-date, "
        "Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"
    )
    assert headers["X-Amz-Date"] == "20150830T123600Z"
    assert "X-Amz-Security-Token" not in headers


class Captured(Exception):
    """Raised from botocore's before-send hook: the signed request is all we want, no network."""

    def __init__(self, request: Any) -> None:
        super().__init__("captured")
        self.request = request


def boto3_recognize_text(session_id: str) -> Any:
    """The request the real boto3 lexv2-runtime client signs for RecognizeText, at FROZEN."""
    client = boto3.client(
        "lexv2-runtime",
        region_name=REGION,
        aws_access_key_id=CREDENTIALS.access_key,
        aws_secret_access_key=CREDENTIALS.secret_key,
        aws_session_token=CREDENTIALS.token,
    )

    def capture(request: Any, **_: Any) -> None:
        raise Captured(request)

    client.meta.events.register("before-send", capture)
    naive_utc = FROZEN.replace(tzinfo=None)
    with (
        mock.patch("botocore.auth.get_current_datetime", return_value=naive_utc),
        pytest.raises(Captured) as caught,
    ):
        client.recognize_text(
            botId=BOT_ID,
            botAliasId=ALIAS_ID,
            localeId="en_US",
            sessionId=session_id,
            text="book a meeting with Jane Doe on friday at 2pm",
            sessionState={"sessionAttributes": {"timeZone": "Europe/London"}},
            requestAttributes={"authorization": "Bearer abc.def.ghi"},
        )
    return caught.value.request


@pytest.mark.parametrize(
    "session_id",
    [
        "plainsession42",
        "us-east-1:0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0",  # a Cognito identity id: ':' is percent-encoded
        "a.b_c-d:e:f",
    ],
)
def test_recognize_text_is_signed_as_boto3_signs_it(page: Page, session_id: str) -> None:
    prepared = boto3_recognize_text(session_id)
    url = page.evaluate(
        "(args) => MeetyWidget._textUrl(...args)", [LEX_HOST, BOT_ID, ALIAS_ID, "en_US", session_id]
    )
    assert url == prepared.url  # the widget builds the same path, encoded the same way
    expected = prepared.headers["Authorization"].decode()
    ours = {"host", "x-amz-date", "x-amz-security-token"}
    # give the page the other headers botocore signed (content-type), with botocore's exact body bytes
    headers = {
        name: prepared.headers[name].decode()
        for name in prepared.headers
        if name.lower() in signed_names(expected) and name.lower() not in ours
    }
    assert [name.lower() for name in headers] == ["content-type"]
    request = {"method": "POST", "url": url, "headers": headers, "body": prepared.body.decode()}
    signed = js_sign(page, request, CREDENTIALS, "lex", FROZEN.isoformat())
    assert signed["Authorization"] == expected
    assert signed["X-Amz-Date"] == prepared.headers["X-Amz-Date"].decode() == "20261118T150405Z"
    assert signed["X-Amz-Security-Token"] == CREDENTIALS.token
    assert "host" not in {name.lower() for name in signed}  # browsers refuse to set Host


@pytest.mark.parametrize(
    ("method", "url", "headers", "body"),
    [
        ("GET", f"{LEX_HOST}/bots/{BOT_ID}/botAliases/{ALIAS_ID}/botLocales/en_US/sessions/s-1", {}, ""),
        ("GET", "https://example.amazonaws.com/path/x?b=2&a=x%20y&a=1&c=", {}, ""),
        (
            "POST",
            f"{LEX_HOST}/bots/{BOT_ID}/botAliases/{ALIAS_ID}/botLocales/es_US/sessions/us-east-1%3Aabc/text",
            {"Content-Type": "application/json", "X-Extra": "  spaced    value "},
            '{"text":"¿mañana a las 3?"}',
        ),
    ],
    ids=["query-less-get", "sorted-query", "unicode-body-and-header-spaces"],
)
def test_signing_matches_botocore_sigv4auth(
    page: Page, method: str, url: str, headers: dict[str, str], body: str
) -> None:
    expected = botocore_sign(
        AWSRequest(method, url, data=body.encode(), headers=headers), CREDENTIALS, "lex", FROZEN
    )
    request = {"method": method, "url": url, "headers": headers, "body": body}
    signed = js_sign(page, request, CREDENTIALS, "lex", FROZEN.isoformat())
    assert signed["Authorization"] == expected.headers["Authorization"]
    assert signed["X-Amz-Date"] == expected.headers["X-Amz-Date"]
    assert signed["X-Amz-Security-Token"] == expected.headers["X-Amz-Security-Token"]


def test_a_wrong_secret_gives_a_different_signature(page: Page) -> None:
    """The comparison above can fail: a one-character change in the secret changes the signature."""
    url = f"{LEX_HOST}/bots/{BOT_ID}/botAliases/{ALIAS_ID}/botLocales/en_US/sessions/s-1/text"
    wrong = Credentials(CREDENTIALS.access_key, CREDENTIALS.secret_key[:-1] + "X", CREDENTIALS.token)
    expected = botocore_sign(AWSRequest("POST", url, data=b"{}", headers={}), CREDENTIALS, "lex", FROZEN)
    signed = js_sign(
        page, {"method": "POST", "url": url, "headers": {}, "body": "{}"}, wrong, "lex", FROZEN.isoformat()
    )
    assert signed["Authorization"] != expected.headers["Authorization"]


# -- AWS mode: Cognito credentials, signed RecognizeText, refresh before expiry and after ExpiredToken


@dataclass
class FakeAws:
    """Cognito identity and Lex, answered by the test; every Lex request's signature is checked."""

    lifetimes: list[int]
    get_id_calls: int = 0
    issued: dict[str, Credentials] = field(default_factory=dict)
    tokens_seen: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    expire_next: bool = False

    def cognito(self, route: Route) -> None:
        # handlers run in Playwright's event dispatch: record what is wrong, the test asserts it later
        target = route.request.headers.get("x-amz-target", "")
        body = json.loads(route.request.post_data or "{}")
        if target == "AWSCognitoIdentityService.GetId":
            self.expect(body, {"IdentityPoolId": "us-east-1:11111111-2222-3333-4444-555555555555"})
            self.get_id_calls += 1
            answer: dict[str, Any] = {"IdentityId": "us-east-1:identity-1"}
        else:
            self.expect(target, "AWSCognitoIdentityService.GetCredentialsForIdentity")
            self.expect(body, {"IdentityId": "us-east-1:identity-1"})
            number = len(self.issued) + 1
            token = f"TOKEN-{number}"
            self.issued[token] = Credentials(f"ASIAKEY{number}", f"secret/{number}+x", token)
            answer = {
                "IdentityId": "us-east-1:identity-1",
                "Credentials": {
                    "AccessKeyId": self.issued[token].access_key,
                    "SecretKey": self.issued[token].secret_key,
                    "SessionToken": token,
                    "Expiration": time.time() + self.lifetimes[number - 1],
                },
            }
        route.fulfill(status=200, headers=cors(), body=json.dumps(answer))

    def expect(self, got: object, wanted: object) -> None:
        if got != wanted:
            self.problems.append(f"{got!r} != {wanted!r}")

    def lex(self, route: Route) -> None:
        request = route.request
        headers = request.headers
        token = headers.get("x-amz-security-token", "")
        self.tokens_seen.append(token)
        self.check_signature(request.method, request.url, headers, request.post_data or "")
        if self.expire_next:
            self.expire_next = False
            route.fulfill(
                status=403,
                headers={**cors(), "x-amzn-ErrorType": "ExpiredTokenException"},
                body=json.dumps({"message": "The security token included in the request is expired"}),
            )
            return
        text = json.loads(request.post_data or "{}")["text"]
        reply = {
            "messages": [{"contentType": "PlainText", "content": f"echo: {text}"}],
            "sessionState": {"dialogAction": {"type": "ElicitIntent"}, "sessionAttributes": {}},
            "sessionId": "x",
        }
        route.fulfill(status=200, headers=cors(), body=json.dumps(reply))

    def check_signature(self, method: str, url: str, headers: Mapping[str, str], body: str) -> None:
        credentials = self.issued.get(headers.get("x-amz-security-token", ""))
        if credentials is None:
            self.problems.append(f"unknown token in {headers}")
            return
        when = dt.datetime.strptime(headers["x-amz-date"], "%Y%m%dT%H%M%SZ").replace(tzinfo=dt.UTC)
        request = AWSRequest(
            method, url, data=body.encode(), headers={"Content-Type": headers["content-type"]}
        )
        expected = botocore_sign(request, credentials, "lex", when).headers["Authorization"]
        if headers.get("authorization") != expected:
            self.problems.append(f"{headers.get('authorization')} != {expected}")


def cors() -> dict[str, str]:
    # what AWS answers cross-origin callers; x-amzn-ErrorType is deliberately not exposed: the widget must
    # recognise an expired token from the body too
    return {"access-control-allow-origin": FAKE_ORIGIN, "content-type": "application/x-amz-json-1.1"}


def test_aws_mode_signs_turns_and_refreshes_credentials(browser: Browser) -> None:
    # credentials 1 expire within the 5-minute margin, so turn 2 refreshes first; 2 and 3 last an hour
    aws = FakeAws(lifetimes=[120, 3600, 3600])
    attributes = {
        "data-region": REGION,
        "data-identity-pool-id": "us-east-1:11111111-2222-3333-4444-555555555555",
        "data-bot-id": BOT_ID,
        "data-alias-id": ALIAS_ID,
        "data-open": "true",
    }
    with open_page(browser) as (page, watch):
        route_origin(page, {"/aws.html": embed_html(attributes)})
        page.route(f"{COGNITO}**", aws.cognito)
        page.route(f"{LEX_HOST}/**", aws.lex)
        watch.allowed.add(403)  # the ExpiredToken answer below
        page.goto(f"{FAKE_ORIGIN}/aws.html")

        assert "echo: first" in say(page, "first")
        assert "echo: second" in say(page, "second")
        aws.expire_next = True  # AWS says the token expired although its clock had not run out
        assert "echo: third" in say_after_retry(page, "third")

        assert aws.tokens_seen == ["TOKEN-1", "TOKEN-2", "TOKEN-2", "TOKEN-3"]
        assert aws.get_id_calls == 1  # the identity id is kept; only credentials are renewed
        assert aws.problems == []
        expect(page.locator(".mw-error")).to_have_count(0)
        assert (
            page.evaluate("JSON.parse(localStorage.getItem('meety-widget:identity'))")
            == "us-east-1:identity-1"
        )
        assert watch.problems == []


def say_after_retry(page: Page, text: str) -> str:
    """Like ``say``, for a turn whose first request fails and is retried: wait for the reply text."""
    before = page.locator(BOT).count()
    box = page.get_by_role("textbox", name="Message")
    box.fill(text)
    box.press("Enter")
    expect(page.locator(BOT)).to_have_count(before + 1)
    return "\n".join(page.locator(BOT).all_inner_texts()[before:])
