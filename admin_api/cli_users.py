"""``meety admin ...``: manage the users who can log in to the local admin portal.

Each command opens the user store, does one short transaction and exits, so it is safe to run while
``meety serve`` uses the same data dir. Passwords are read from a terminal prompt (twice) or, for scripts,
from one line of stdin with ``--password-stdin``; never from an argument, which would end up in shell
history and ``ps``. Mistakes are one line on stderr and exit status 1, never a traceback.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Callable
from pathlib import Path

from admin_api.users import USERS_FILE, UserError, UserExists, UserStore, check_role, check_username

EXIT_ERROR = 1
DEFAULT_DATA_DIR = ".meety"


class _Refused(Exception):
    """Input the command cannot use; the message is printed as is."""


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``admin`` and its subcommands; each sets ``handler`` to a function of the parsed args."""
    admin = commands.add_parser("admin", help="manage users of the local admin portal")
    actions = admin.add_subparsers(dest="admin_command", required=True)

    create = actions.add_parser("create-user", help="add a user who can log in to the admin portal")
    _add_username(create)
    # checked by the handler, not argparse `choices`, so a wrong role is one line and exit 1 like any mistake
    create.add_argument("--role", required=True, metavar="ROLE", help="admin (decide), viewer (read) or ops")
    _add_password_stdin(create)
    _add_data_dir(create)
    create.set_defaults(handler=_create_user)

    listing = actions.add_parser("list-users", help="list users and their roles")
    _add_data_dir(listing)
    listing.set_defaults(handler=_list_users)

    delete = actions.add_parser(
        "delete-user", help="remove a user (their current tokens stay valid until expiry)"
    )
    _add_username(delete)
    _add_data_dir(delete)
    delete.set_defaults(handler=_delete_user)

    password = actions.add_parser("set-password", help="replace a user's password")
    _add_username(password)
    _add_password_stdin(password)
    _add_data_dir(password)
    password.set_defaults(handler=_set_password)


def _add_username(command: argparse.ArgumentParser) -> None:
    command.add_argument("--username", required=True, help="3-64 characters: letters, digits, . _ @ -")


def _add_password_stdin(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--password-stdin", action="store_true", help="read the password from the first line of stdin"
    )


def _add_data_dir(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--data-dir",
        help=f"the data dir `meety serve` uses (default: $MEETY_DATA_DIR, else ./{DEFAULT_DATA_DIR})",
    )


def _create_user(args: argparse.Namespace) -> int:
    def run() -> str:
        check_username(args.username)  # before prompting: don't ask for a password we can't use
        check_role(args.role)
        store = _store(args, must_exist=False)
        if store.get(args.username) is not None:
            raise UserExists(args.username)
        user = store.create(args.username, _read_password(args), args.role)
        return f"created user {user.username} ({user.role})"

    return _report(args, run)


def _list_users(args: argparse.Namespace) -> int:
    def run() -> str:
        if not _users_file(args).exists():
            return "no users yet: add one with `meety admin create-user`"
        users = UserStore(_users_file(args)).list()
        if not users:
            return "no users yet: add one with `meety admin create-user`"
        width = max(len(u.username) for u in users)
        return "\n".join(
            f"{u.username:<{width}}  {u.role:<6}  created {u.created_at:%Y-%m-%d %H:%M} UTC" for u in users
        )

    return _report(args, run)


def _delete_user(args: argparse.Namespace) -> int:
    def run() -> str:
        _store(args, must_exist=True).delete(args.username)
        return f"deleted user {args.username}"

    return _report(args, run)


def _set_password(args: argparse.Namespace) -> int:
    def run() -> str:
        store = _store(args, must_exist=True)
        if store.get(args.username) is None:  # before prompting: don't ask for a password we can't use
            raise _Refused(f"no user {args.username}")
        store.set_password(args.username, _read_password(args))
        return f"password changed for {args.username}"

    return _report(args, run)


def _report(args: argparse.Namespace, run: Callable[[], str]) -> int:
    name = f"meety admin {args.admin_command}"
    try:
        print(run())
    except (UserError, _Refused) as exc:
        print(f"{name}: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except (KeyboardInterrupt, EOFError):
        print(f"{name}: cancelled", file=sys.stderr)
        return EXIT_ERROR
    return 0


def _data_dir(args: argparse.Namespace) -> Path:
    return Path(args.data_dir or os.environ.get("MEETY_DATA_DIR") or DEFAULT_DATA_DIR)


def _users_file(args: argparse.Namespace) -> Path:
    return _data_dir(args) / USERS_FILE


def _store(args: argparse.Namespace, *, must_exist: bool) -> UserStore:
    path = _users_file(args)
    if must_exist and not path.exists():
        raise _Refused(f"no users in {_data_dir(args)}: add one with `meety admin create-user`")
    return UserStore(path)


def _read_password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        line = sys.stdin.readline()
        if not line:
            raise _Refused("--password-stdin: stdin is empty")
        return line.removesuffix("\n").removesuffix("\r")
    if not sys.stdin.isatty():
        raise _Refused("no terminal to ask for the password; pipe it in with --password-stdin")
    first = getpass.getpass("Password: ")
    if getpass.getpass("Repeat password: ") != first:
        raise _Refused("the passwords do not match")
    return first
