"""``meety admin ...`` through argparse: what each command prints, its exit code, and what it never shows."""

from __future__ import annotations

import argparse
import io
from pathlib import Path

import pytest

from admin_api import cli_users
from admin_api.cli_users import register
from admin_api.users import USERS_FILE, UserStore

PASSWORD = "correct horse battery"  # noqa: S105 (a test user)


class Terminal(io.StringIO):
    """stdin as an interactive terminal, so the command prompts instead of reading a line."""

    def isatty(self) -> bool:
        return True


def run(
    argv: list[str], capsys: pytest.CaptureFixture[str], stdin: str = "", *, data_dir: Path | None = None
) -> tuple[int, str, str]:
    root = argparse.ArgumentParser(prog="meety")
    register(root.add_subparsers(dest="command", required=True))
    if data_dir is not None:
        argv = [*argv, "--data-dir", str(data_dir)]
    args = root.parse_args(argv)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("sys.stdin", io.StringIO(stdin))
        code = args.handler(args)
    out, err = capsys.readouterr()
    return code, out, err


def prompted_create(data_dir: Path) -> argparse.Namespace:
    """``create-user`` without ``--password-stdin``: the handler prompts (tests patch getpass and stdin)."""
    root = argparse.ArgumentParser(prog="meety")
    register(root.add_subparsers(dest="command", required=True))
    argv = ["admin", "create-user", "--username", "alice", "--role", "admin", "--data-dir", str(data_dir)]
    return root.parse_args(argv)


def create(
    capsys: pytest.CaptureFixture[str], data_dir: Path, username: str = "alice", role: str = "admin"
) -> tuple[int, str, str]:
    argv = ["admin", "create-user", "--username", username, "--role", role, "--password-stdin"]
    return run(argv, capsys, PASSWORD + "\n", data_dir=data_dir)


def test_create_user_from_stdin_stores_a_user_who_can_log_in(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, out, err = create(capsys, tmp_path)

    assert (code, out, err) == (0, "created user alice (admin)\n", "")
    user = UserStore(tmp_path / USERS_FILE).authenticate("alice", PASSWORD)
    assert user is not None
    assert user.role == "admin"


def test_only_the_line_ending_is_stripped_from_stdin(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    argv = ["admin", "create-user", "--username", "alice", "--role", "ops", "--password-stdin"]
    assert run(argv, capsys, "  spaced password  \r\nsecond line\n", data_dir=tmp_path)[0] == 0

    store = UserStore(tmp_path / USERS_FILE)
    assert store.authenticate("alice", "  spaced password  ") is not None
    assert store.authenticate("alice", "spaced password") is None


def test_the_data_dir_defaults_to_meety_data_dir(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MEETY_DATA_DIR", str(tmp_path / "from-env"))
    argv = ["admin", "create-user", "--username", "alice", "--role", "viewer", "--password-stdin"]

    assert run(argv, capsys, PASSWORD)[0] == 0
    assert (tmp_path / "from-env" / USERS_FILE).exists()


def test_the_data_dir_falls_back_to_dot_meety(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("MEETY_DATA_DIR", raising=False)
    monkeypatch.chdir(tmp_path)
    argv = ["admin", "create-user", "--username", "alice", "--role", "viewer", "--password-stdin"]

    assert run(argv, capsys, PASSWORD)[0] == 0
    assert (tmp_path / ".meety" / USERS_FILE).exists()


@pytest.mark.parametrize(
    ("username", "role", "password", "message"),
    [
        ("alice", "root", PASSWORD, "meety admin create-user: role: must be one of admin, ops, viewer\n"),
        ("alice", "admin", "short pw", "meety admin create-user: password: must be at least 12 characters\n"),
        ("a b", "admin", PASSWORD, "meety admin create-user: username: use 3-64 characters"),
        ("alice", "admin", "", "meety admin create-user: --password-stdin: stdin is empty\n"),
    ],
)
def test_bad_input_is_one_line_on_stderr_and_exit_1(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, username: str, role: str, password: str, message: str
) -> None:
    argv = ["admin", "create-user", "--username", username, "--role", role, "--password-stdin"]

    code, out, err = run(argv, capsys, password, data_dir=tmp_path)

    assert code == 1
    assert out == ""
    assert err.startswith(message)
    assert err.count("\n") == 1
    assert "Traceback" not in err
    assert not (tmp_path / USERS_FILE).exists() or UserStore(tmp_path / USERS_FILE).list() == []


def test_a_duplicate_user_is_refused(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    create(capsys, tmp_path)

    code, out, err = create(capsys, tmp_path, username="ALICE", role="viewer")

    assert (code, out, err) == (1, "", "meety admin create-user: user ALICE already exists\n")
    assert [u.role for u in UserStore(tmp_path / USERS_FILE).list()] == ["admin"]


def test_the_password_never_appears_in_any_output(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    outputs = [
        create(capsys, tmp_path),
        create(capsys, tmp_path),  # duplicate: an error path
        run(["admin", "list-users"], capsys, data_dir=tmp_path),
        run(
            ["admin", "set-password", "--username", "alice", "--password-stdin"],
            capsys,
            PASSWORD,
            data_dir=tmp_path,
        ),
        run(
            ["admin", "set-password", "--username", "alice", "--password-stdin"],
            capsys,
            "tiny",
            data_dir=tmp_path,
        ),
    ]

    for _, out, err in outputs:
        assert PASSWORD not in out + err
        assert "tiny" not in out + err


def test_list_users_shows_names_and_roles(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    create(capsys, tmp_path, "carol", "ops")
    create(capsys, tmp_path, "alice.longer", "admin")

    code, out, err = run(["admin", "list-users"], capsys, data_dir=tmp_path)

    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert [line.split()[:2] for line in lines] == [["alice.longer", "admin"], ["carol", "ops"]]
    assert lines[0].index("admin") == lines[1].index("ops")  # aligned columns


def test_list_users_on_a_fresh_data_dir_says_so_and_creates_nothing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, out, _ = run(["admin", "list-users"], capsys, data_dir=tmp_path / "fresh")

    assert code == 0
    assert out.startswith("no users yet")
    assert not (tmp_path / "fresh").exists()


def test_delete_user(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    create(capsys, tmp_path)

    assert run(["admin", "delete-user", "--username", "alice"], capsys, data_dir=tmp_path) == (
        0,
        "deleted user alice\n",
        "",
    )
    assert UserStore(tmp_path / USERS_FILE).list() == []
    assert run(["admin", "delete-user", "--username", "alice"], capsys, data_dir=tmp_path) == (
        1,
        "",
        "meety admin delete-user: no user alice\n",
    )


def test_delete_user_on_a_fresh_data_dir_is_a_clear_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, _, err = run(["admin", "delete-user", "--username", "alice"], capsys, data_dir=tmp_path)

    assert code == 1
    assert err.startswith("meety admin delete-user: no users in ")


def test_set_password_from_stdin(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    create(capsys, tmp_path)

    code, out, _ = run(
        ["admin", "set-password", "--username", "alice", "--password-stdin"],
        capsys,
        "a brand new secret\n",
        data_dir=tmp_path,
    )

    assert (code, out) == (0, "password changed for alice\n")
    store = UserStore(tmp_path / USERS_FILE)
    assert store.authenticate("alice", "a brand new secret") is not None
    assert store.authenticate("alice", PASSWORD) is None


def test_set_password_for_an_unknown_user_fails_before_reading_a_password(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    create(capsys, tmp_path)
    monkeypatch.setattr(cli_users, "_read_password", lambda args: pytest.fail("asked for a password"))

    code, _, err = run(["admin", "set-password", "--username", "bob"], capsys, data_dir=tmp_path)

    assert (code, err) == (1, "meety admin set-password: no user bob\n")


def test_without_password_stdin_the_password_is_prompted_twice(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    prompts: list[str] = []

    def getpass(prompt: str) -> str:
        prompts.append(prompt)
        return PASSWORD

    monkeypatch.setattr("getpass.getpass", getpass)
    monkeypatch.setattr("sys.stdin", Terminal())
    parsed = prompted_create(tmp_path)

    assert parsed.handler(parsed) == 0
    assert len(prompts) == 2
    assert UserStore(tmp_path / USERS_FILE).authenticate("alice", PASSWORD) is not None
    assert PASSWORD not in "".join(capsys.readouterr())


def test_mismatched_prompts_are_refused(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    answers = iter([PASSWORD, PASSWORD + "x"])
    monkeypatch.setattr("getpass.getpass", lambda prompt: next(answers))
    monkeypatch.setattr("sys.stdin", Terminal())
    parsed = prompted_create(tmp_path)

    assert parsed.handler(parsed) == 1
    assert capsys.readouterr().err == "meety admin create-user: the passwords do not match\n"
    assert UserStore(tmp_path / USERS_FILE).list() == []


def test_without_a_terminal_or_password_stdin_it_says_what_to_do(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    argv = ["admin", "create-user", "--username", "alice", "--role", "admin"]

    code, _, err = run(argv, capsys, PASSWORD, data_dir=tmp_path)

    assert code == 1
    assert "--password-stdin" in err
    assert PASSWORD not in err


def test_ctrl_c_at_the_prompt_is_a_clean_exit(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def interrupted(prompt: str) -> str:
        raise KeyboardInterrupt

    monkeypatch.setattr("getpass.getpass", interrupted)
    monkeypatch.setattr("sys.stdin", Terminal())
    parsed = prompted_create(tmp_path)

    assert parsed.handler(parsed) == 1
    assert capsys.readouterr().err == "meety admin create-user: cancelled\n"


def test_admin_needs_an_action(capsys: pytest.CaptureFixture[str]) -> None:
    root = argparse.ArgumentParser(prog="meety")
    register(root.add_subparsers(dest="command", required=True))

    with pytest.raises(SystemExit) as exited:
        root.parse_args(["admin"])

    assert exited.value.code == 2
    assert "create-user" in capsys.readouterr().err
