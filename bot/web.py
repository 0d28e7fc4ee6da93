"""The browser side of ``meety serve``: static files (widget demo, portal, API docs) and security headers.

The files under ``web_client/`` are served as they are, the same files that are deployed to S3 and
CloudFront. Every response carries the headers CloudFront adds in AWS: a Content-Security-Policy that
allows no inline script, ``nosniff``, a strict referrer policy and ``frame-ancestors`` for embedding.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

WEB_ROOT = Path(__file__).resolve().parents[1] / "web_client"
CONNECT_AWS = "https://*.amazonaws.com"
"""The widget may call Lex and Cognito directly; the portal may call Cognito user pools."""
DEMO_FILES = ("demo.js", "demo.css")
"""Files beside ``index.html`` that the demo page loads, served at ``/<name>`` like the page itself."""


def content_security_policy(frame_ancestors: str) -> str:
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self' data:",
            f"connect-src 'self' {CONNECT_AWS}",
            "font-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            f"frame-ancestors {frame_ancestors}",
        ]
    )


class SecurityHeaders:
    """Pure ASGI middleware adding the security headers to every response.

    The portal and the API docs may never be framed (clickjacking an Approve button); the widget's
    demo page and files may be, by the origins in ``frame_ancestors`` (``MEETY_FRAME_ANCESTORS``).
    """

    def __init__(self, app: ASGIApp, frame_ancestors: str = "'self'") -> None:
        self.app = app
        self.page_policy = content_security_policy(frame_ancestors).encode()
        self.admin_policy = content_security_policy("'none'").encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")
        admin = path.startswith(("/admin", "/api-docs"))
        policy = self.admin_policy if admin else self.page_policy
        added = [
            (b"content-security-policy", policy),
            (b"x-content-type-options", b"nosniff"),
            (b"referrer-policy", b"strict-origin-when-cross-origin"),
            (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
        ]
        if admin:
            added.append((b"x-frame-options", b"DENY"))

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []), *added]}
            await send(message)

        await self.app(scope, receive, send_with_headers)


def swagger_assets() -> Path:
    """Swagger UI's bundle as Powertools ships it (offline), served beside our CSP-clean docs page."""
    import aws_lambda_powertools.event_handler.openapi.swagger_ui as ui

    return Path(ui.__file__).parent


def docs_redirect() -> list[BaseRoute]:
    """``/admin/api/swagger`` -> our docs page: Powertools' own page has an inline script the CSP blocks.

    Put it before the admin API's routes.
    """

    async def to_docs(request: Request) -> Response:
        return RedirectResponse("/api-docs/", status_code=307)

    return [Route("/admin/api/swagger", to_docs, methods=["GET", "HEAD"])]


def web_routes(root: Path = WEB_ROOT) -> list[BaseRoute]:
    """Routes for the static web client; put them after the API routes (``/admin/api`` wins)."""

    def page(file: Path) -> Callable[[Request], Awaitable[Response]]:
        async def endpoint(request: Request) -> Response:
            if not file.is_file():
                return JSONResponse({"message": f"{request.url.path} is not part of this build"}, 404)
            return FileResponse(file, headers={"cache-control": "no-cache"})

        return endpoint

    async def to_portal(request: Request) -> Response:
        return RedirectResponse("/admin/", status_code=308)

    return [
        Route("/", page(root / "index.html"), methods=["GET", "HEAD"]),
        # the demo page's own script and styles (its staff sign-in): files, as the CSP allows no inline code
        *(Route(f"/{name}", page(root / name), methods=["GET", "HEAD"]) for name in DEMO_FILES),
        Route("/admin", to_portal, methods=["GET", "HEAD"]),
        Route("/admin/", page(root / "admin" / "index.html"), methods=["GET", "HEAD"]),
        Route("/api-docs/", page(root / "api-docs" / "index.html"), methods=["GET", "HEAD"]),
        Mount("/api-docs/swagger-ui", app=StaticFiles(directory=swagger_assets())),
        *(
            Mount(f"/{folder}", app=StaticFiles(directory=root / folder))
            for folder in ("api-docs", "widget", "admin")
            if (root / folder).is_dir()
        ),
    ]


class WidgetCors:
    """CORS for pages on other origins that embed the widget: only the Lex runtime API and ``/health``.

    The admin API and the portal stay same-origin. Preflights are answered here, before the Lex routes
    (which would call an OPTIONS request an unknown operation).
    """

    def __init__(self, app: ASGIApp, origins: tuple[str, ...] = ()) -> None:
        self.app = app
        self.cors = CORSMiddleware(
            app,
            allow_origins=list(origins),
            allow_methods=["GET", "POST", "PUT", "DELETE"],
            allow_headers=["content-type", "authorization", "x-amz-date", "x-amz-security-token"],
            expose_headers=["x-amzn-requestid", "x-amz-lex-session-id"],
            max_age=600,
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path: str = scope.get("path", "") if scope["type"] == "http" else ""
        if path == "/health" or path.startswith("/bots/"):
            await self.cors(scope, receive, send)
            return
        await self.app(scope, receive, send)
