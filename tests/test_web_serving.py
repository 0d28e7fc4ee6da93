"""The web side of `meety serve`: static pages, the security headers on every response, and the
first-run admin account."""

from __future__ import annotations

import json
import urllib.request
from pathlib import Path

import pytest
from starlette.middleware import Middleware
from starlette.testclient import TestClient

from bot.runtime.http import create_app
from bot.web import SecurityHeaders, WidgetCors, docs_redirect, web_routes
from tests.runtime_http_support import EchoRuntime
from tests.serve_support import start


def client_for(root: Path, frame_ancestors: str = "'self'", origins: tuple[str, ...] = ()) -> TestClient:
    app = create_app(
        EchoRuntime(),
        threads=0,
        extra_routes=[*docs_redirect(), *web_routes(root)],
        middleware=[
            Middleware(WidgetCors, origins=origins),
            Middleware(SecurityHeaders, frame_ancestors=frame_ancestors),
        ],
    )
    return TestClient(app)


@pytest.fixture
def site(tmp_path: Path) -> Path:
    for folder, name in (
        ("", "index.html"),
        ("admin", "index.html"),
        ("widget", "w.js"),
        ("api-docs", "index.html"),
    ):
        (tmp_path / folder).mkdir(exist_ok=True)
        (tmp_path / folder / name).write_text(f"<!doctype html><title>{folder or 'demo'}</title>")
    return tmp_path


def test_pages_and_files_are_served_with_security_headers(site: Path) -> None:
    client = client_for(site, frame_ancestors="'self' https://www.example.com")
    for path in ("/", "/admin/", "/widget/w.js", "/api-docs/", "/health", "/bots/nope"):
        response = client.get(path)
        csp = response.headers["content-security-policy"]
        assert "script-src 'self'" in csp, path
        assert "unsafe-inline" not in csp, path
        assert "unsafe-eval" not in csp, path
        assert response.headers["x-content-type-options"] == "nosniff", path
        assert response.headers["referrer-policy"] == "strict-origin-when-cross-origin", path
    assert (
        "frame-ancestors 'self' https://www.example.com" in client.get("/").headers["content-security-policy"]
    )
    portal = client.get("/admin/")
    assert portal.status_code == 200
    assert "frame-ancestors 'none'" in portal.headers["content-security-policy"]
    assert portal.headers["x-frame-options"] == "DENY"


def test_redirects_and_missing_files(site: Path) -> None:
    client = client_for(site)
    admin = client.get("/admin", follow_redirects=False)
    assert (admin.status_code, admin.headers["location"]) == (308, "/admin/")
    docs = client.get("/admin/api/swagger", follow_redirects=False)
    assert (docs.status_code, docs.headers["location"]) == (307, "/api-docs/")
    assert client.get("/widget/missing.js").status_code == 404
    assert client.get("/widget/../../etc/passwd").status_code == 404
    (site / "index.html").unlink()
    missing = client.get("/")
    assert missing.status_code == 404
    assert missing.json()["message"]


def test_swagger_ui_assets_come_from_the_installed_package(site: Path) -> None:
    client = client_for(site)
    bundle = client.get("/api-docs/swagger-ui/swagger-ui-bundle.min.js")
    assert bundle.status_code == 200
    assert len(bundle.content) > 100_000


def test_first_run_prints_an_admin_password_once_and_it_signs_in(tmp_path: Path) -> None:
    data = tmp_path / "data"
    server = start(data)
    try:
        [line] = [entry for entry in server.output if "First-run admin:" in entry]
        password = line.rsplit("password ", 1)[1].strip()
        body = json.dumps({"username": "admin", "password": password}).encode()
        request = urllib.request.Request(
            f"http://127.0.0.1:{server.port}/admin/api/login", data=body, method="POST"
        )
        request.add_header("content-type", "application/json")
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - localhost
            assert json.loads(response.read())["roles"] == ["admin"]
    finally:
        server.stop()
    again = start(data)
    try:
        assert not [entry for entry in again.output if "First-run admin:" in entry]
    finally:
        again.stop()
    assert oct((data / "signing-key").stat().st_mode & 0o777) == "0o600"


def test_sigterm_stops_cleanly_and_keeps_every_write(tmp_path: Path) -> None:
    import time

    from fulfillment.domain import SqliteRequestStore

    data = tmp_path / "data"
    server = start(data, env={"MEETY_HOST_TIMEZONE": "America/New_York"})
    lex = server.client()
    where = server.where("leaving")
    lex.recognize_text(**where, text="book a 30 minute meeting with Jane Doe on friday at 2pm")
    lex.recognize_text(**where, text="jane@example.com")
    lex.recognize_text(**where, text="yes")
    server.stop()

    assert server.process.returncode == 0
    deadline = time.monotonic() + 5
    while not any("Meety stopped." in line for line in server.output) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert any("Meety stopped." in line for line in server.output)
    store = SqliteRequestStore(data / "meety.db")
    assert len(store.list_by_requester("web", "leaving", ("pending",))) == 1
    store.close()


def test_other_sites_may_embed_the_widget_only_when_allowed(site: Path) -> None:
    text = "/bots/B/botAliases/TSTALIASID/botLocales/en_US/sessions/s1/text"
    preflight = {
        "Origin": "https://shop.example",
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type",
    }
    allowed = client_for(site, origins=("https://shop.example",))
    answer = allowed.options(text, headers=preflight)
    assert answer.status_code == 200
    assert answer.headers["access-control-allow-origin"] == "https://shop.example"
    posted = allowed.post(text, json={"text": "hi"}, headers={"Origin": "https://shop.example"})
    assert posted.headers["access-control-allow-origin"] == "https://shop.example"
    # the admin API never answers other origins
    admin = allowed.get("/admin/", headers={"Origin": "https://shop.example"})
    assert "access-control-allow-origin" not in admin.headers
    refused = client_for(site).options(text, headers=preflight)
    assert "access-control-allow-origin" not in refused.headers
    other = allowed.options(text, headers={**preflight, "Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in other.headers
