"""Acceptance: each Lambda zip runs on a bare Lambda-like Python that has nothing but the runtime's boto3.

Each handler runs in a fresh virtualenv, ``-I`` (isolated), with the repository and the dev venv out of
reach. The zips are ``tests.deploy_run_support.builds`` (built once per session, shared with the zip tests):
outside CI a pip failure (offline, no cache yet) skips these tests; under ``CI=true`` it fails them.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import time
import zipfile
from pathlib import Path

import pytest

from bot.deploy.config import LAMBDA_RUNTIME
from bot.deploy.package import python_version_of, vendor
from bot.deploy.vendor import PipFailed
from tests.conftest import REPO
from tests.deploy_run_support import Builds, or_skip
from tests.deploy_run_support import builds as builds

EVENTS = REPO / "tests" / "events"


# -- acceptance: each zip on a bare Lambda-like Python ----------------------------------------------------


@pytest.fixture(scope="module")
def lambda_python(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtualenv with what the Lambda python3.11 runtime has: the stdlib, and boto3 (with its
    dependencies), installed through the same wheel cache as the zips so a second run works offline."""
    venv = tmp_path_factory.mktemp("lambda-runtime") / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    site = subprocess.run(
        [str(python), "-I", "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    try:
        vendor(["boto3"], site, python_version=python_version_of(LAMBDA_RUNTIME), exclude=())
    except PipFailed as error:
        or_skip(error)
    return python


SMOKE = textwrap.dedent(
    '''
    """Runs in the bare runtime: the extracted zip (argv[1]) first on sys.path, then the venv's boto3."""

    import http.server
    import importlib
    import json
    import sys
    import threading
    from datetime import UTC, datetime, timedelta
    from pathlib import Path

    ROOT, KIND, EVENTS = Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3])
    sys.path.insert(0, str(ROOT))  # what Lambda does with /var/task
    result = {"kind": KIND, "sys_path": sys.path}


    class Context:
        function_name = f"meety-{KIND}"
        function_version = "$LATEST"
        memory_limit_in_mb = 256
        invoked_function_arn = f"arn:aws:lambda:us-east-1:000000000000:function:meety-{KIND}"
        aws_request_id = "00000000-0000-0000-0000-000000000000"


    def from_zip(module):
        assert Path(module.__file__).is_relative_to(ROOT), f"{module.__name__} from {module.__file__}"


    def absent(name):
        try:
            importlib.import_module(name)
        except ImportError:
            return
        raise AssertionError(f"{name} is importable: the sandbox leaks the repository or the dev venv")


    def import_every_module():
        names = []
        for path in sorted(ROOT.rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            if parts[0] in ("fulfillment", "admin_api", "bot"):
                name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
                from_zip(importlib.import_module(name))
                names.append(name)
        return names


    def event(name):
        return json.loads((EVENTS / name).read_text(encoding="utf-8"))


    def served(body):
        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        return server


    def cognito_rs256():
        """An RS256 token checked by CognitoVerifier against a JWKS on loopback: cryptography's wheel."""
        import jwt
        from cryptography.hazmat.primitives.asymmetric import rsa
        from jwt.algorithms import RSAAlgorithm

        from fulfillment.identity.cognito import CognitoVerifier

        from_zip(jwt)
        assert jwt.get_algorithm_by_name("RS256") is not None
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        jwk = {**RSAAlgorithm.to_jwk(key.public_key(), as_dict=True), "kid": "k1", "alg": "RS256"}
        server = served(json.dumps({"keys": [jwk]}).encode())
        try:
            url = f"http://127.0.0.1:{server.server_port}/jwks.json"
            verifier = CognitoVerifier("us-east-1_TestPool9", ["client1"], jwks_url=url)
            now = datetime.now(UTC)
            claims = {
                "sub": "u-1", "iss": verifier.issuer, "token_use": "access", "client_id": "client1",
                "username": "ada", "cognito:groups": ["ops"], "iat": int(now.timestamp()),
                "exp": int((now + timedelta(hours=1)).timestamp()),
            }
            token = jwt.encode(claims, key, algorithm="RS256", headers={"kid": "k1"})
            identity = verifier.verify(token, now)
            assert identity.username == "ada" and identity.has("ops"), identity
        finally:
            server.shutdown()


    def closed(reply, state="Fulfilled"):
        assert reply["sessionState"]["dialogAction"]["type"] == "Close", reply
        assert reply["sessionState"]["intent"]["state"] == state, reply
        return reply["messages"][0]["content"]


    def fulfillment_checks():
        import fulfillment.handler
        import fulfillment.sweeper

        from_zip(fulfillment.handler)
        call = fulfillment.handler.lambda_handler
        # the texts come from locales/ at the zip root (LOCALES_DIR)
        assert "no pending or approved" in closed(call(event("list_my_meetings.json"), Context()))
        closed(call(event("schedule_fulfillment.json"), Context()))
        assert "no pending or approved" not in closed(call(event("list_my_meetings.json"), Context()))
        # a staff intent: the lazily imported ops modules and the token verifier, refusing an anonymous user
        refusal = closed(call(event("deploy_status_fulfillment.json"), Context()), "Failed")
        assert "went wrong" not in refusal, refusal
        result["staff_turn"] = refusal

        from fulfillment.notify import meeting_invite

        [request] = fulfillment.handler._get_app().store.list_by_requester(
            "web", "web-session-0001", ("pending",)
        )
        ics = meeting_invite(request, "REQUEST", "host@example.com", 1, datetime.now(UTC))
        assert b"BEGIN:VEVENT" in ics, ics
        result["sweeper"] = fulfillment.sweeper.lambda_handler({}, Context())
        assert result["sweeper"]["expired"] == 0, result["sweeper"]
        cognito_rs256()


    def admin_checks():
        import admin_api.handler
        import jwt.algorithms
        from admin_api.events import http_api_event
        from fulfillment.identity import issue_token, verify_token

        from_zip(admin_api.handler)
        call = admin_api.handler.lambda_handler
        health = call(http_api_event(method="GET", path="/admin/api/health"), Context())
        assert health["statusCode"] == 200, health
        result["health"] = json.loads(health["body"])
        anonymous = call(http_api_event(method="GET", path="/admin/api/requests"), Context())
        assert anonymous["statusCode"] == 401, anonymous
        assert not jwt.algorithms.has_crypto  # no cryptography here: the API's authorizer checks RS256
        now = datetime.now(UTC)
        assert verify_token(b"k" * 32, issue_token(b"k" * 32, "ada", ["admin"], now), now).username == "ada"


    for banned in ("numpy", "scipy", "starlette", "uvicorn", "dateparser", "pydantic_settings", "bot.model"):
        absent(banned)
    import boto3
    import dateutil

    assert not Path(boto3.__file__).is_relative_to(ROOT) and not Path(dateutil.__file__).is_relative_to(ROOT)
    fulfillment_checks() if KIND == "fulfillment" else admin_checks()
    result["modules"] = len(import_every_module())
    # VmHWM, not getrusage: Linux keeps ru_maxrss across execve, so a child forked from a big pytest
    # process would report the parent's peak, not the Lambda code's
    status = Path("/proc/self/status").read_text()
    result["max_rss_mb"] = int(status.split("VmHWM:")[1].split()[0]) / 1024
    print("RESULT " + json.dumps(result))
    '''
)


@pytest.fixture
def sandbox(tmp_path: Path) -> Path:
    (tmp_path / "smoke.py").write_text(SMOKE, encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize("name", ["fulfillment", "admin"])
def test_the_zip_runs_on_a_bare_lambda_runtime(
    builds: Builds, lambda_python: Path, sandbox: Path, name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    task = sandbox / "task"
    with zipfile.ZipFile(builds.first[name].path) as archive:
        archive.extractall(task)
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(sandbox),
        "LANG": "C.UTF-8",
        "TZ": "UTC",
        "MEETY_STORE": f"sqlite:///{sandbox / 'store' / 'meety.db'}",
        "MEETY_DATA_DIR": str(sandbox / "data"),
        "MEETY_CLOCK": "2026-11-18T10:00:00-05:00",
        "MEETY_HOST_TIMEZONE": "America/New_York",
        "AWS_REGION": "us-east-1",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_EC2_METADATA_DISABLED": "true",
        "POWERTOOLS_METRICS_NAMESPACE": "Meety",
        "PYTHONNOUSERSITE": "1",
    }
    started = time.perf_counter()
    done = subprocess.run(
        [str(lambda_python), "-I", str(sandbox / "smoke.py"), str(task), name, str(EVENTS)],
        cwd=sandbox,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    took = time.perf_counter() - started
    assert done.returncode == 0, f"{done.stdout[-3000:]}\n{done.stderr[-5000:]}"
    [line] = [line for line in done.stdout.splitlines() if line.startswith("RESULT ")]
    result = json.loads(line.removeprefix("RESULT "))
    for entry in result["sys_path"]:
        assert not Path(entry).is_relative_to(REPO), f"the repository is on sys.path: {entry}"
        assert not Path(entry).is_relative_to(Path(sys.prefix)), f"the dev venv is on sys.path: {entry}"
    assert result["modules"] > 40
    assert result["max_rss_mb"] < 256
    with capsys.disabled():
        print(
            f"\n{name}: ran on the bare runtime in {took:.1f} s, {result['modules']} modules imported, "
            f"peak RSS {result['max_rss_mb']:.0f} MB"
        )
