"""The deploy commands' small pieces: the CLI edge (bad names, no credentials, access denied: one line and
an exit code, never a traceback; through ``bot.cli.main`` with a real boto3 session that has nothing to
find), and ``web_config`` rewriting the widget tag of the real demo page.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import main
from bot.deploy.web_config import set_widget_attributes, web_files
from tests.conftest import REPO
from tests.deploy_run_support import OUTPUTS, REGION, STACK, Run, World, widget_of
from tests.deploy_run_support import run as run
from tests.deploy_run_support import web_source as web_source
from tests.deploy_run_support import world as world

# -- the CLI edge: clear errors, exit codes, no traceback ----------------------------------------------------


@pytest.fixture
def no_aws_config(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A boto3 session that finds no credentials anywhere, and never asks the network for them."""
    for name in (
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_PROFILE",
        "AWS_DEFAULT_PROFILE",
        "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
        "AWS_CONTAINER_CREDENTIALS_FULL_URI",
        "AWS_WEB_IDENTITY_TOKEN_FILE",
        "AWS_ROLE_ARN",
        "AWS_REGION",
        "AWS_DEFAULT_REGION",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.chdir(tmp_path)


@pytest.mark.parametrize(
    ("argv", "code", "message"),
    [
        (
            ["deploy", "--stack", "1-starts-with-a-digit", "--region", REGION],
            2,
            "invalid stack name '1-starts",
        ),
        (
            ["deploy", "--stack", "under_score", "--region", REGION, "--dry-run"],
            2,
            "letters, digits and hyphens",
        ),
        (["deploy", "--stack", "x" * 129, "--region", REGION], 2, "at most 128 characters"),
        (["destroy", "--stack", STACK, "--region", "Ireland"], 2, "invalid region 'Ireland'"),
        (["deploy", "--stack", STACK], 2, "no region: pass --region"),
        (["deploy", "--stack", STACK, "--region", REGION], 1, "no usable AWS credentials: configure them"),
        (["destroy", "--stack", STACK, "--region", REGION, "--yes"], 1, "`aws configure`"),
        (
            ["deploy", "--stack", STACK, "--region", REGION, "--profile", "nope"],
            2,
            "profile 'nope' is not configured",
        ),
    ],
)
@pytest.mark.usefixtures("no_aws_config")
def test_cli_mistakes_are_one_line_and_an_exit_code(
    argv: list[str], code: int, message: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    assert main(argv) == code

    captured = capsys.readouterr()
    assert message in captured.err
    assert captured.err.startswith(f"meety {argv[0]}: ")
    assert "Traceback" not in captured.err + captured.out
    assert not (tmp_path / "build").exists()  # refused before anything was planned


def test_access_denied_names_the_operation(world: World, run: Run) -> None:
    world.sts.add_client_error("get_caller_identity", "AccessDenied", "User is not authorized", 403)

    assert run("deploy", "--stack", STACK, "--region", REGION) == 1

    assert "access denied: AWS refused GetCallerIdentity" in world.err.getvalue()


# -- web_config on the real page ---------------------------------------------------------------------------


def test_the_real_demo_page_changes_only_in_its_widget_tag() -> None:
    page = (REPO / "web_client" / "index.html").read_text(encoding="utf-8")

    files = web_files(OUTPUTS, REGION, page)

    new = files["index.html"].decode()
    assert widget_of(new)["data-region"] == REGION
    assert "data-endpoint" not in widget_of(new)
    before, _, after = page.partition('<script\n      src="/widget/meety-widget.js"')
    assert new.startswith(before)
    assert new.endswith(after[after.index("></script>") :])
    assert "&lt;script" in new  # the escaped example in <pre> is text, not a tag


def test_a_page_without_exactly_one_widget_tag_is_refused() -> None:
    with pytest.raises(Exception, match="exactly one"):
        set_widget_attributes("<html><script src='/other.js'></script></html>", {"data-region": REGION})
    assert set_widget_attributes(
        '<script src="/widget/meety-widget.js?v=2" defer></script>', {"data-x": 'a"b'}
    ) == ('<script src="/widget/meety-widget.js?v=2" data-x="a&quot;b" defer></script>')
