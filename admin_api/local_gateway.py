"""The admin API on ``meety serve``: what API Gateway and Cognito do in AWS, done locally.

- Every request under ``/admin/api`` becomes an HTTP API v2 event for the same ``lambda_handler``
  (``admin_api.starlette_bridge.call_lambda``, shared with the Slack routes).
- Like the HTTP API's JWT authorizer, the gateway verifies the bearer token (local signing key) before
  the Lambda runs, answers 401 itself when it is missing or bad, and passes the verified claims in the
  event. Health and the API description stay public, as they are routes without an authorizer in AWS.
- ``POST /admin/api/login`` stands in for Cognito's sign-in: username and password for a short-lived
  token, with repeated failures slowed down (429 + ``Retry-After``).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from admin_api.login_limits import LoginLimiter
from admin_api.starlette_bridge import Handler, call_lambda, read_body, too_large
from admin_api.users import UserStore
from fulfillment.identity import InvalidToken, bearer_token, issue_token, verify_token

log = logging.getLogger("meety.admin_gateway")
PREFIX = "/admin/api"
PUBLIC = frozenset({f"{PREFIX}/health", f"{PREFIX}/openapi.json", f"{PREFIX}/swagger"})
MAX_BODY = 64 * 1024
TOKEN_TTL = timedelta(minutes=15)
UNAUTHORIZED = {"message": "Unauthorized: sign in and send 'Authorization: Bearer <token>'"}


@dataclass(frozen=True)
class Gateway:
    handler: Handler
    key: bytes
    users: UserStore
    limiter: LoginLimiter
    clock: Callable[[], datetime]
    token_ttl: timedelta = TOKEN_TTL

    def routes(self) -> list[BaseRoute]:
        methods = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]
        return [
            Route(f"{PREFIX}/login", self.login, methods=["POST"]),
            Route(PREFIX + "/{rest:path}", self.proxy, methods=methods),
        ]

    async def login(self, request: Request) -> Response:
        body = await read_body(request, MAX_BODY)
        if body is None:
            return too_large(MAX_BODY)
        try:
            given = json.loads(body)
        except ValueError:
            return JSONResponse({"message": "the body must be JSON"}, status_code=400)
        if not isinstance(given, dict) or set(given) != {"username", "password"}:
            return JSONResponse({"message": 'send exactly {"username": ..., "password": ...}'}, 400)
        username, password = given["username"], given["password"]
        if not isinstance(username, str) or not isinstance(password, str) or len(username) > 64:
            return JSONResponse({"message": "username and password must be strings"}, status_code=400)
        address = request.client.host if request.client else "unknown"
        wait = self.limiter.check(username, address)
        if wait is not None:
            headers = {"Retry-After": str(max(1, int(wait + 0.999)))}
            return JSONResponse({"message": "too many failed sign-ins; wait and retry"}, 429, headers)
        user = await run_in_threadpool(self.users.authenticate, username, password)
        if user is None:
            self.limiter.failed(username, address)
            log.warning("failed sign-in from %s", address)
            return JSONResponse({"message": "wrong username or password"}, status_code=401)
        self.limiter.succeeded(username, address)
        now = self.clock().replace(microsecond=0)  # the token's exp is whole seconds
        token = issue_token(self.key, user.username, [user.role], now, self.token_ttl, subject=user.id)
        return JSONResponse(
            {
                "token": token,
                "tokenType": "Bearer",
                "expiresAt": (now + self.token_ttl).isoformat(),
                "username": user.username,
                "roles": [user.role],
            }
        )

    async def proxy(self, request: Request) -> Response:
        path = request.url.path
        claims: dict[str, Any] | None = None
        if path not in PUBLIC:
            claims = self._verified_claims(request.headers.get("authorization", ""))
            if claims is None:
                return JSONResponse(UNAUTHORIZED, status_code=401, headers={"WWW-Authenticate": "Bearer"})
        return await call_lambda(request, self.handler, limit=MAX_BODY, claims=claims, now=self.clock())

    def _verified_claims(self, header: str) -> dict[str, Any] | None:
        try:
            identity = verify_token(self.key, bearer_token(header), self.clock())
        except InvalidToken as exc:
            log.info("refused a token: %s", exc)
            return None
        return {
            "sub": identity.subject,
            "username": identity.username,
            "cognito:groups": sorted(identity.roles),
            "iss": identity.issuer,
            "exp": int(identity.expires_at.timestamp()),
        }
