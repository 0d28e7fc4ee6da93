"""ChatOps end to end through the real `meety serve --sandbox`: no AWS account, every AWS call to moto.

A staff member (the first-run admin) signs in over HTTP and sends the token as the ``authorization``
request attribute through boto3's ``lexv2-runtime`` client: asks for deploys and alarms, requests a
backup, approves it through the admin API, and sees the snapshot reported by BackupStatus.
"""

from __future__ import annotations

import re
from pathlib import Path

from tests.serve_support import REQUEST_ID, start
from tests.test_admin_serve_e2e import http

FIRST_RUN = re.compile(r"First-run admin: username (\S+), password (\S+)")


def test_ask_approve_and_see_the_snapshot_in_the_sandbox(tmp_path: Path) -> None:
    server = start(tmp_path / "data", "--sandbox")
    try:
        banner = "".join(server.output)
        assert "sandbox (in-process moto account" in banner
        found = FIRST_RUN.search(banner)
        assert found is not None, banner
        status, login = http(
            server.port, "POST", "/admin/api/login", {"username": found[1], "password": found[2]}
        )
        assert status == 200, login
        token = login["token"]
        lex = server.client()
        where = server.where("staff-1")
        signed_in = {"authorization": f"Bearer {token}"}

        def ask(text: str, attributes: dict[str, str] | None = signed_in) -> str:
            reply = lex.recognize_text(**where, text=text, requestAttributes=attributes or {})
            return "\n".join(m["content"] for m in reply.get("messages", []))

        refused = ask("deploy status", attributes=None)
        assert "staff only" in refused

        deploys = ask("deploy status")
        assert "Deploy status of 3 pipelines:" in deploys
        assert "web-app: succeeded at" in deploys
        assert "data-jobs: it hasn't run yet." in deploys

        alarms = ask("any alarms")
        assert "Firing now (2):" in alarms
        assert "checkout-5xx-rate since" in alarms
        assert "couldn't read the alarm history" in alarms  # moto has no describe_alarm_history

        confirm = ask("back up the orders-db database")
        assert "request a backup of orders-db?" in confirm.lower()
        filed = ask("yes")
        request_id = REQUEST_ID.search(filed)
        assert request_id is not None, filed

        status, approved = http(
            server.port, "POST", f"/admin/api/requests/{request_id.group()}/approve", {}, token=token
        )
        assert status == 200, approved
        assert approved["status"] == "succeeded"

        report = ask("backup status")
        assert f"done: snapshot meety-{request_id.group().lower()} is available" in report
    finally:
        server.stop()
