"""The ``meety`` command: one thin function per subcommand.

Settings are read here, once, and passed down. Every MeetyError becomes a
message on stderr and a non-zero exit code; a traceback reaches the user only
for a bug.
"""

from __future__ import annotations

import argparse
import os
import sys
import warnings
from collections.abc import Sequence
from pathlib import Path

from admin_api.cli_users import register as register_admin_commands
from bot.build import compile_project, write_build
from bot.deploy.cli import register as register_deploy_commands
from bot.errors import InvalidBot, MeetyError
from bot.inspect import summarize
from bot.lexjson import load_package
from bot.runtime_settings import RuntimeSettings, load_runtime_settings
from bot.settings import load_build_settings
from bot.validate import validate

EXIT_INVALID = 1


def _build(args: argparse.Namespace) -> int:
    settings = load_build_settings()
    bot = compile_project(Path(args.project), settings)
    output = write_build(bot, Path(args.out))
    print(summarize(bot))
    print(f"\nLexJson folder:   {output.folder}")
    print(f"LexJson zip:      {output.zip_file}")
    print(f"CloudFormation:   {output.cfn_resource}")
    print(f"                  {output.cfn_template}")
    return 0


def _inspect(args: argparse.Namespace) -> int:
    bot = load_package(Path(args.package))
    print(summarize(bot))
    problems = validate(bot)
    if problems:
        print(f"\n{len(problems)} problem(s) Lex would reject:")
        for problem in problems:
            print(f"  - {problem}")
        return EXIT_INVALID
    return 0


def _runtime_settings(args: argparse.Namespace) -> RuntimeSettings:
    return load_runtime_settings(
        host=getattr(args, "host", None),
        port=getattr(args, "port", None),
        data_dir=getattr(args, "data_dir", None),
        bot=args.bot,
        code_hook=args.code_hook,
        clock=args.clock,
        timezone=args.timezone,
        aliases=tuple(args.alias) if getattr(args, "alias", None) else None,
        hook_threads=getattr(args, "hook_threads", None),
        frame_ancestors=getattr(args, "frame_ancestors", None),
        widget_origins=tuple(args.widget_origin) if getattr(args, "widget_origin", None) else None,
    )


def _serve(args: argparse.Namespace) -> int:
    from bot.serve import serve  # the HTTP stack is only imported when serving

    if not args.sandbox:
        return serve(_runtime_settings(args))
    from bot.sandbox import sandbox_account

    # every AWS call in this process goes to an in-process moto account seeded with demo resources; the
    # bot's pipeline and database slot values and the ops allow-lists come from what was seeded
    with sandbox_account() as sandbox:
        os.environ.update(sandbox.environ())
        return serve(_runtime_settings(args), sandbox=sandbox)


def _chat(args: argparse.Namespace) -> int:
    from bot.chat import chat
    from bot.compose import build_runtime

    # a terminal conversation, not a Lambda: keep the hook's JSON logs and EMF metrics off the screen
    os.environ.setdefault("POWERTOOLS_LOG_LEVEL", "WARNING")
    os.environ.setdefault("POWERTOOLS_METRICS_DISABLED", "true")
    warnings.filterwarnings("ignore", message="No application metrics to publish")

    return chat(build_runtime(_runtime_settings(args), persistent=False), args.locale, debug=args.debug)


def _add_runtime_options(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--bot", help="a LexJson folder or zip (or a project folder) instead of the project bot"
    )
    command.add_argument(
        "--code-hook",
        help="module:function called as the bot's Lambda code hook; 'none' for no hook "
        "(default: fulfillment.handler:lambda_handler for the project bot, none for --bot)",
    )
    command.add_argument("--clock", help='pin "now" (ISO 8601 with offset) for reproducible runs')
    command.add_argument("--timezone", help="IANA zone relative dates are resolved in (default UTC)")


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(
        prog="meety", description="Meety: the bot as code, compiled to Amazon Lex V2."
    )
    commands = root.add_subparsers(dest="command", required=True, metavar="COMMAND")

    build = commands.add_parser(
        "build", help="validate the specs and write the Lex V2 package and CloudFormation"
    )
    build.add_argument("--project", default=".", help="folder holding intents/ and locales/ (default: .)")
    build.add_argument("--out", default="build/bot", help="output folder (default: build/bot)")
    build.set_defaults(handler=_build)

    inspect = commands.add_parser("inspect", help="load a LexJson package (folder or zip) and summarize it")
    inspect.add_argument("package", help="a LexJson package: an export folder or .zip")
    inspect.set_defaults(handler=_inspect)

    serve = commands.add_parser(
        "serve", help="serve the bot behind Lex V2's runtime API (RecognizeText & sessions)"
    )
    serve.add_argument("--host", help="address to listen on (default 127.0.0.1)")
    serve.add_argument("--port", type=int, help="port (default 8080; 0 picks a free one)")
    serve.add_argument("--data-dir", help="where sessions are kept (default ./.meety)")
    serve.add_argument(
        "--alias", action="append", help="an alias id to accept besides TSTALIASID (repeatable)"
    )
    serve.add_argument(
        "--frame-ancestors",
        help="CSP sources allowed to frame the widget pages, e.g. \"'self' https://www.example.com\" "
        "(default 'self'; the portal never)",
    )
    serve.add_argument(
        "--widget-origin",
        action="append",
        help="an origin (https://www.example.com) whose pages may embed the widget against this server "
        "(repeatable; default: same origin only)",
    )
    serve.add_argument(
        "--hook-threads",
        type=int,
        help="worker threads for turns that call the code hook (default 1: turns are CPU-bound; "
        "raise it when the hook mostly waits on the network)",
    )
    serve.add_argument(
        "--sandbox",
        action="store_true",
        help="answer the ops intents from an in-process demo AWS account (moto) seeded with pipelines, "
        "alarms and databases; needs pip install 'meety[sandbox]'",
    )
    _add_runtime_options(serve)
    serve.set_defaults(handler=_serve)

    chat = commands.add_parser(
        "chat", help="talk to the bot in the terminal, with the engine the server runs"
    )
    chat.add_argument("--locale", default="en_US", help="locale id (default en_US)")
    chat.add_argument(
        "--debug", action="store_true", help="show intent, confidence and slots after each turn"
    )
    _add_runtime_options(chat)
    chat.set_defaults(handler=_chat)
    register_admin_commands(commands)
    register_deploy_commands(commands)
    return root


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        code: int = args.handler(args)
    except InvalidBot as exc:
        print(f"meety {args.command}: {len(exc.problems)} problem(s):", file=sys.stderr)
        for problem in exc.problems:
            print(f"  - {problem}", file=sys.stderr)
        return EXIT_INVALID
    except MeetyError as exc:
        print(f"meety {args.command}: {exc}", file=sys.stderr)
        return EXIT_INVALID
    return code


if __name__ == "__main__":
    sys.exit(main())
