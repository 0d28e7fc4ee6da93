"""The admin API through the real `meety serve`: a visitor books over the Lex runtime API, an admin made
with `meety admin create-user` (while the server runs) signs in over HTTP and approves, and the invite
lands in the data dir's outbox."""

from __future__ import annotations

import json
import subprocess
import urllib.error
import urllib.request
from email import message_from_bytes
from pathlib import Path
from typing import Any

from tests.conftest import REPO
from tests.serve_support import MEETY, REQUEST_ID, start

PASSWORD = "a long enough password"  # noqa: S105 - a test account's password


def http(port: int, method: str, path: str, body: Any = None, token: str | None = None) -> tuple[int, Any]:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=data, method=method)
    request.add_header("content-type", "application/json")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - localhost
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_book_then_approve_through_meety_serve(tmp_path: Path) -> None:
    data = tmp_path / "data"
    server = start(data, env={"MEETY_HOST_TIMEZONE": "America/New_York"})
    try:
        lex = server.client()
        where = server.where("visitor-1")
        lex.recognize_text(**where, text="book a 30 minute meeting with Jane Doe on friday at 2pm")
        lex.recognize_text(**where, text="jane@example.com")
        reply = lex.recognize_text(**where, text="yes")
        found = REQUEST_ID.search(reply["messages"][0]["content"])
        assert found is not None, reply["messages"]
        request_id = found.group()

        created = subprocess.run(
            [
                MEETY,
                "admin",
                "create-user",
                "--username",
                "ada",
                "--role",
                "admin",
                "--password-stdin",
                "--data-dir",
                str(data),
            ],
            input=PASSWORD + "\n",
            capture_output=True,
            text=True,
            cwd=REPO,
            timeout=60,
            check=False,
        )
        assert created.returncode == 0, created.stderr
        assert PASSWORD not in created.stdout + created.stderr

        assert http(server.port, "GET", "/admin/api/requests")[0] == 401
        status, login = http(
            server.port, "POST", "/admin/api/login", {"username": "ada", "password": PASSWORD}
        )
        assert status == 200, login
        token = login["token"]
        status, listing = http(server.port, "GET", "/admin/api/requests?status=pending", token=token)
        assert status == 200
        assert [r["id"] for r in listing["items"]] == [request_id]
        status, approved = http(server.port, "POST", f"/admin/api/requests/{request_id}/approve", {}, token)
        assert status == 200, approved
        assert approved["status"] == "approved"
        again = http(server.port, "POST", f"/admin/api/requests/{request_id}/reject", {"reason": "no"}, token)
        assert again[0] == 409

        reply = lex.recognize_text(**where, text="show my meetings")
        assert "approved" in reply["messages"][0]["content"]
    finally:
        server.stop()

    [mail] = list((data / "outbox").glob("*.eml"))
    message = message_from_bytes(mail.read_bytes())
    assert "jane@example.com" in message["To"]
    calendar = next(p for p in message.walk() if p.get_content_type() == "text/calendar")
    assert b"METHOD:REQUEST" in calendar.get_payload(decode=True)
    assert request_id.encode() in calendar.get_payload(decode=True)
