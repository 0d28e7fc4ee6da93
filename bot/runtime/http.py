"""The Lex V2 runtime HTTP API, served locally so unmodified AWS SDK clients can talk to Meety.

The point of this module is wire compatibility: ``boto3.client("lexv2-runtime", endpoint_url=...)`` (and the
JS SDK used by web clients) must not be able to tell it from Amazon Lex for RecognizeText and the session
operations. It owns everything about the wire format - paths, request validation with Lex's messages,
the ``x-amzn-ErrorType`` error convention and PutSession's header-encoded response - and nothing about
dialog: that is behind ``bot.runtime.api.RuntimeApi``.

Wire details worth knowing (botocore ``lexv2-runtime/2020-08-07``):

- PutSession answers in headers. ``x-amz-lex-messages``, ``x-amz-lex-session-state`` and
  ``x-amz-lex-request-attributes`` carry gzip-compressed, base64-encoded JSON. The model types them as
  plain strings (no ``jsonvalue`` trait), so the SDKs hand callers the encoded string, exactly as real
  Lex does (aws/aws-sdk-js-v3#2363); clients decode with ``json.loads(gzip.decompress(b64decode(v)))``.
- botocore reads the error code from the ``x-amzn-ErrorType`` header and the text from ``message``.
"""

from __future__ import annotations

import asyncio
import base64
import functools
import gzip
import json
import logging
import re
import uuid
from collections.abc import Awaitable, Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, NoReturn

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bot.runtime.api import RuntimeApi, SessionTarget
from bot.runtime.errors import (
    InternalServerException,
    LexRuntimeError,
    ResourceNotFoundException,
    ValidationException,
)

logger = logging.getLogger(__name__)

MAX_BODY_BYTES = 64 * 1024
MAX_TEXT = 1024
MAX_MESSAGES = 10
CONTENT_TYPES = ("PlainText", "CustomPayload", "SSML", "ImageResponseCard")
TEXT_CONTENT_TYPE = "text/plain; charset=utf-8"
GENERIC_ERROR = "An internal error occurred. Try your request again."

_SESSION_PATH = re.compile(r"/bots/([^/]*)/botAliases/([^/]*)/botLocales/([^/]*)/sessions/([^/]*)(/text)?")
_BOT_ID = re.compile(r"[0-9a-zA-Z]+")
_SESSION_ID = re.compile(r"[0-9a-zA-Z._:-]+")
_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
Endpoint = Callable[[Request], Awaitable[Response]]
_PUT_SESSION_HEADERS = {
    "messages": "x-amz-lex-messages",
    "sessionState": "x-amz-lex-session-state",
    "requestAttributes": "x-amz-lex-request-attributes",
}


class _Problems:
    """Collects validation failures and reports them the way AWS does: all of them, in one message."""

    def __init__(self) -> None:
        self.items: list[str] = []

    def add(self, where: str, constraint: str, value: object = None, *, shown: bool = True) -> None:
        if value is None:
            subject = "Value null"
        elif shown and isinstance(value, str):
            subject = f"Value '{value[:100]}'"
        else:
            subject = "Value"
        self.items.append(f"{subject} at '{where}' failed to satisfy constraint: Member {constraint}")

    def string(
        self, where: str, value: object, *, low: int = 0, high: int | None = None, shown: bool = True
    ) -> None:
        if value is None:
            self.add(where, "must not be null")
            return
        if not isinstance(value, str):
            self.add(where, "must be a string", value, shown=False)
            return
        units = len(value.encode("utf-16-le", "surrogatepass")) // 2  # Lex counts UTF-16 code units
        if units < low:
            self.add(where, f"must have length greater than or equal to {low}", value, shown=shown)
        elif high is not None and units > high:
            self.add(where, f"must have length less than or equal to {high}", value, shown=shown)

    def string_map(self, where: str, value: object) -> None:
        if not isinstance(value, dict):
            self.add(where, "must be a map of strings to strings", value, shown=False)
            return
        for key, item in value.items():
            if not key:
                self.add(where, "must have keys with length greater than or equal to 1", key)
            if not isinstance(item, str):
                self.add(f"{where}.{key}", "must be a string", item, shown=False)

    def raise_if_any(self) -> None:
        if self.items:
            count = f"{len(self.items)} validation error{'s' if len(self.items) > 1 else ''}"
            raise ValidationException(f"{count} detected: " + "; ".join(self.items))


Operation = Callable[[Request, SessionTarget, _Problems], Awaitable[Response]]


def _target(problems: _Problems, bot_id: str, alias_id: str, locale: str, session_id: str) -> SessionTarget:
    problems.string("botId", bot_id, low=10, high=10)
    if len(bot_id) == 10 and not _BOT_ID.fullmatch(bot_id):
        problems.add("botId", "must satisfy regular expression pattern: ^[0-9a-zA-Z]+$", bot_id)
    problems.string("botAliasId", alias_id, low=1)
    problems.string("localeId", locale, low=1)
    problems.string("sessionId", session_id, low=2, high=100)
    if 2 <= len(session_id) <= 100 and not _SESSION_ID.fullmatch(session_id):
        problems.add("sessionId", "must satisfy regular expression pattern: [0-9a-zA-Z._:-]+", session_id)
    return SessionTarget(bot_id=bot_id, alias_id=alias_id, locale_id=locale, session_id=session_id)


def _reject_constant(name: str) -> NoReturn:
    raise ValueError(f"{name} is not a valid JSON value")


async def _json_body(request: Request) -> dict[str, Any]:
    too_large = ValidationException(f"The request body must be at most {MAX_BODY_BYTES} bytes.")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY_BYTES:  # checked while streaming: Content-Length may be absent or wrong
            raise too_large
        chunks.append(chunk)
    raw = b"".join(chunks)
    if not raw.strip():
        return {}  # AWS reads an empty rest-json body as an empty structure
    try:
        body = json.loads(raw, parse_constant=_reject_constant)
    except (ValueError, RecursionError) as exc:
        raise ValidationException(f"The request body is not valid JSON: {exc}") from None
    if not isinstance(body, dict):
        raise ValidationException("The request body must be a JSON object.")
    return body


def _session_state(problems: _Problems, body: dict[str, Any], *, required: bool) -> dict[str, Any] | None:
    state = body.get("sessionState")
    if state is None:
        if required:
            problems.add("sessionState", "must not be null")
        return None
    if not isinstance(state, dict):
        problems.add("sessionState", "must be a structure", state, shown=False)
        return None
    if state.get("sessionAttributes") is not None:
        problems.string_map("sessionState.sessionAttributes", state["sessionAttributes"])
    return state


def _request_attributes(problems: _Problems, body: dict[str, Any]) -> dict[str, str] | None:
    attributes = body.get("requestAttributes")
    if attributes is not None:
        problems.string_map("requestAttributes", attributes)
    return attributes


def _messages(problems: _Problems, body: dict[str, Any]) -> list[dict[str, Any]] | None:
    messages = body.get("messages")
    if messages is None:
        return None
    if not isinstance(messages, list):
        problems.add("messages", "must be a list", messages, shown=False)
        return None
    if len(messages) > MAX_MESSAGES:
        problems.add("messages", f"must have length less than or equal to {MAX_MESSAGES}", messages)
    for index, message in enumerate(messages[:MAX_MESSAGES], start=1):
        where = f"messages.{index}.member"
        if not isinstance(message, dict):
            problems.add(where, "must be a structure", message, shown=False)
            continue
        content_type = message.get("contentType")
        if content_type not in CONTENT_TYPES:
            constraint = f"must satisfy enum value set: [{', '.join(CONTENT_TYPES)}]"
            shown = content_type if isinstance(content_type, str) else None
            problems.add(f"{where}.contentType", constraint if content_type else "must not be null", shown)
        if message.get("content") is not None:
            problems.string(f"{where}.content", message["content"], low=1, high=MAX_TEXT, shown=False)
        card = message.get("imageResponseCard")
        if card is not None and not isinstance(card, dict):
            problems.add(f"{where}.imageResponseCard", "must be a structure", card, shown=False)
    return messages


def _encode_header(value: Any) -> str:
    """PutSession's JSON headers: JSON, gzip-compressed, then base64 - what Lex sends and SDK users decode."""
    data = json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode()
    return base64.b64encode(gzip.compress(data, mtime=0)).decode("ascii")


def _error(exc: LexRuntimeError) -> Response:
    return JSONResponse({"message": exc.message}, exc.status, {"x-amzn-ErrorType": exc.code})


def _no_operation(method: str, path: str) -> str:
    return f"No Lex V2 runtime operation matches {method} {path[:300]}."


class _RequestId:
    """Pure ASGI middleware: every response carries ``x-amzn-RequestId`` like AWS's, for log correlation."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = str(uuid.uuid4())
        scope.setdefault("state", {})["request_id"] = request_id
        header = (b"x-amzn-requestid", request_id.encode())

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []), header]}
            await send(message)

        await self.app(scope, receive, send_with_id)


def _guarded(endpoint: Endpoint) -> Endpoint:
    """Every failure becomes a Lex error; unexpected ones are logged, never shown to the caller."""

    async def wrapper(request: Request) -> Response:
        try:
            return await endpoint(request)
        except LexRuntimeError as exc:
            if exc.status >= 500:
                logger.warning("%s %s: %s: %s", request.method, request.scope["path"], exc.code, exc.message)
            return _error(exc)
        except Exception:
            request_id = request.scope.get("state", {}).get("request_id")
            logger.exception("%s %s failed (request %s)", request.method, request.scope["path"], request_id)
            return _error(InternalServerException(GENERIC_ERROR))

    return wrapper


def create_app(
    runtime: RuntimeApi,
    *,
    threads: int = 1,
    extra_routes: Sequence[BaseRoute] = (),
    middleware: Sequence[Middleware] = (),
) -> Starlette:
    """The ASGI app serving ``runtime``; the core's sync calls run in ``threads`` worker threads (0: inline).

    Measured with 32 keep-alive clients on 2 cores (``bench/runtime_http.py``, project bot + SQLite hook):
    a turn is mostly CPU under the GIL, so worker threads only compete. One worker thread: 478 turns/s,
    open-loop p99 26 ms; inline on the event loop: 503 turns/s, p99 19 ms; two threads: 316 turns/s;
    Starlette's shared pool (up to 40): 315-335 turns/s with p99 in the hundreds of ms. Inline suits a
    pure-CPU core (no code hook). A hook that waits on the network (DynamoDB, AWS APIs) still must not stall
    the event loop, so hooked turns default to one worker; raise ``threads`` when hooks mostly wait.
    """
    executor = ThreadPoolExecutor(threads, thread_name_prefix="meety-turn") if threads > 0 else None

    async def call(fn: Callable[..., dict[str, Any]], *args: Any) -> dict[str, Any]:
        if executor is None:
            return fn(*args)
        return await asyncio.get_running_loop().run_in_executor(executor, functools.partial(fn, *args))

    async def recognize_text(request: Request, target: SessionTarget, problems: _Problems) -> Response:
        body = await _json_body(request)
        problems.string("text", body.get("text"), low=1, high=MAX_TEXT, shown=False)
        state = _session_state(problems, body, required=False)
        attributes = _request_attributes(problems, body)
        problems.raise_if_any()
        result = await call(runtime.recognize_text, target, body["text"], state, attributes)
        return JSONResponse(result)

    async def put_session(request: Request, target: SessionTarget, problems: _Problems) -> Response:
        body = await _json_body(request)
        state = _session_state(problems, body, required=True)
        messages = _messages(problems, body)
        attributes = _request_attributes(problems, body)
        problems.raise_if_any()
        assert state is not None  # required=True reported it otherwise
        result = await call(runtime.put_session, target, state, messages, attributes)
        headers = {"x-amz-lex-session-id": str(result.get("sessionId") or target.session_id)}
        for key, header in _PUT_SESSION_HEADERS.items():
            if result.get(key) is not None:
                headers[header] = _encode_header(result[key])
        # Content-Type describes the (audio) body. We never synthesise speech, so it is always text.
        wanted = request.headers.get("responsecontenttype", "")
        media_type = wanted if wanted.startswith("text/") else TEXT_CONTENT_TYPE
        return Response(b"", headers=headers, media_type=media_type)

    async def get_session(request: Request, target: SessionTarget, problems: _Problems) -> Response:
        problems.raise_if_any()
        return JSONResponse(await call(runtime.get_session, target))

    async def delete_session(request: Request, target: SessionTarget, problems: _Problems) -> Response:
        problems.raise_if_any()
        return JSONResponse(await call(runtime.delete_session, target))

    operations: dict[tuple[bool, str], Operation] = {
        (True, "POST"): recognize_text,
        (False, "POST"): put_session,
        (False, "GET"): get_session,
        (False, "DELETE"): delete_session,
    }

    @_guarded
    async def lex(request: Request) -> Response:
        path, method = request.scope["path"], request.method
        match = _SESSION_PATH.fullmatch(path)
        operation = operations.get((bool(match[5]), method)) if match else None
        if match is None or operation is None:
            raise ResourceNotFoundException(_no_operation(method, path))
        problems = _Problems()
        target = _target(problems, match[1], match[2], match[3], match[4])
        return await operation(request, target, problems)

    @_guarded
    async def health(request: Request) -> Response:
        return JSONResponse(await call(runtime.health))

    async def http_error(request: Request, exc: Exception) -> Response:
        """Starlette's own 404/405: Lex's convention under /bots, plain JSON elsewhere."""
        assert isinstance(exc, HTTPException)
        path = request.scope["path"]
        if (path == "/bots" or path.startswith("/bots/")) and exc.status_code in (404, 405):
            return _error(ResourceNotFoundException(_no_operation(request.method, path)))
        return JSONResponse({"message": exc.detail}, status_code=exc.status_code, headers=exc.headers)

    async def unexpected(request: Request, exc: Exception) -> Response:
        logger.error("unhandled error for %s %s", request.method, request.scope["path"], exc_info=exc)
        response = _error(InternalServerException(GENERIC_ERROR))
        response.headers.setdefault("x-amzn-RequestId", str(uuid.uuid4()))  # outside the id middleware
        return response

    app = Starlette(
        routes=[
            Route("/health", health, methods=["GET"]),
            Route("/bots/{rest:path}", lex, methods=_METHODS),
            *extra_routes,
        ],
        middleware=[*middleware, Middleware(_RequestId)],
        exception_handlers={HTTPException: http_error, Exception: unexpected},
    )
    app.router.redirect_slashes = False  # "/bots" must answer like Lex, not redirect to "/bots/"
    return app
