"""API Gateway HTTP API (payload format 2.0) events, as AWS builds them, from a plain HTTP request.

The local server turns each request into this event and hands it to the same ``lambda_handler`` AWS
calls. Details that matter for fidelity: header names are lower-cased and repeated headers joined with
commas; repeated query parameters are joined with commas in ``queryStringParameters`` while
``rawQueryString`` keeps them; cookies move to their own list; a body that is not UTF-8 text is
base64-encoded; claims of a verified JWT appear under ``requestContext.authorizer.jwt`` with array
claims flattened to ``"[a b]"`` strings, exactly as the HTTP API's JWT authorizer passes them.
"""

from __future__ import annotations

import base64
import uuid
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl

TEXT_TYPES = ("application/json", "text/", "application/x-www-form-urlencoded", "application/xml")


def authorizer_claims(claims: Mapping[str, Any]) -> dict[str, str]:
    """Claims the way API Gateway's JWT authorizer passes them: every value a string."""
    out: dict[str, str] = {}
    for key, value in claims.items():
        if isinstance(value, list | tuple):
            out[key] = "[" + " ".join(str(v) for v in value) + "]"
        else:
            out[key] = str(value)
    return out


def http_api_event(
    *,
    method: str,
    path: str,
    raw_query: str = "",
    headers: Iterable[tuple[str, str]] = (),
    body: bytes = b"",
    source_ip: str = "127.0.0.1",
    claims: Mapping[str, Any] | None = None,
    now: datetime | None = None,
) -> dict[str, Any]:
    joined: dict[str, str] = {}
    cookies: list[str] = []
    for name, value in headers:
        key = name.lower()
        if key == "cookie":
            cookies.extend(part.strip() for part in value.split(";") if part.strip())
            continue
        joined[key] = f"{joined[key]},{value}" if key in joined else value
    params: dict[str, str] = {}
    for key, value in parse_qsl(raw_query, keep_blank_values=True):
        params[key] = f"{params[key]},{value}" if key in params else value
    moment = now or datetime.now(UTC)
    event: dict[str, Any] = {
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": path,
        "rawQueryString": raw_query,
        "headers": joined,
        "requestContext": {
            "accountId": "000000000000",
            "apiId": "local",
            "domainName": joined.get("host", "localhost"),
            "domainPrefix": "local",
            "http": {
                "method": method.upper(),
                "path": path,
                "protocol": "HTTP/1.1",
                "sourceIp": source_ip,
                "userAgent": joined.get("user-agent", ""),
            },
            "requestId": str(uuid.uuid4()),
            "routeKey": "$default",
            "stage": "$default",
            "time": moment.strftime("%d/%b/%Y:%H:%M:%S +0000"),
            "timeEpoch": int(moment.timestamp() * 1000),
        },
        "isBase64Encoded": False,
    }
    if params:
        event["queryStringParameters"] = params
    if cookies:
        event["cookies"] = cookies
    if claims is not None:
        event["requestContext"]["authorizer"] = {"jwt": {"claims": authorizer_claims(claims), "scopes": None}}
    if body:
        content_type = joined.get("content-type", "")
        try:
            if not content_type or content_type.startswith(TEXT_TYPES):
                event["body"] = body.decode("utf-8")
            else:
                raise UnicodeDecodeError("utf-8", body, 0, 1, "binary content type")
        except UnicodeDecodeError:
            event["body"] = base64.b64encode(body).decode("ascii")
            event["isBase64Encoded"] = True
    return event


def response_parts(result: Mapping[str, Any]) -> tuple[int, list[tuple[str, str]], bytes]:
    """A Lambda proxy result -> (status, headers, body bytes), decoding a base64 body."""
    status = int(result.get("statusCode", 200))
    headers = [(str(k), str(v)) for k, v in (result.get("headers") or {}).items()]
    for name, values in (result.get("multiValueHeaders") or {}).items():
        headers.extend((str(name), str(v)) for v in values)
    headers.extend(("set-cookie", str(c)) for c in result.get("cookies") or [])
    raw = result.get("body") or ""
    body = base64.b64decode(raw) if result.get("isBase64Encoded") else str(raw).encode("utf-8")
    return status, headers, body
