"""``meety deploy`` and ``meety destroy``: arguments in, exit code out, never a traceback for AWS trouble.

The AWS clients are made here, once, from ``--profile`` and ``--region`` (``aws.open_clients``); tests pass
their own factory, builders and console to ``register``. Exit codes: 0 done (also "nothing to deploy"),
1 failed or declined (the message says why), 2 unusable arguments, 130 interrupted (CloudFormation carries
on with what it started).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:  # the stages (and botocore) are imported when a command runs, not on every `meety`
    from bot.deploy.aws import Clients
    from bot.deploy.deployer import Builders
    from bot.deploy.progress import Console

EXIT_INTERRUPTED = 130
ClientsFactory = Callable[[str | None, str], "Clients"]
"""(profile, region) -> clients."""


def register(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    *,
    clients: ClientsFactory | None = None,
    builders: Builders | None = None,
    console: Console | None = None,
    stderr: TextIO | None = None,
) -> None:
    """Add ``deploy`` and ``destroy``; each sets ``handler`` to a function of the parsed args."""
    run = _Runner(clients, builders, console, stderr)

    deploy_command = commands.add_parser("deploy", help="deploy the bot, Lambdas, API and web client to AWS")
    _add_target(deploy_command)
    deploy_command.add_argument(
        "--dry-run", action="store_true", help="write the template, zips and web client; call no AWS API"
    )
    deploy_command.add_argument(
        "--out", help="where to write what is deployed (default: build/deploy/<stack>)"
    )
    deploy_command.add_argument(
        "--project", default=".", help="folder holding intents/ and locales/ (default: .)"
    )
    deploy_command.set_defaults(handler=run.deploy)

    destroy_command = commands.add_parser(
        "destroy", help="delete a deployed stack (tables and user pools kept by policy are reported)"
    )
    _add_target(destroy_command)
    destroy_command.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    destroy_command.add_argument(
        "--out", help="the deploy folder, to name retained resources (default: build/deploy/<stack>)"
    )
    destroy_command.set_defaults(handler=run.destroy)


def _add_target(command: argparse.ArgumentParser) -> None:
    command.add_argument("--stack", required=True, help="CloudFormation stack name, e.g. meety-prod")
    command.add_argument("--region", help="AWS region (default: the profile's, or AWS_REGION)")
    command.add_argument("--profile", help="AWS CLI profile (default: AWS_PROFILE, else the default chain)")


class _Runner:
    """The handlers; what was not injected is made when a command runs."""

    def __init__(
        self,
        clients: ClientsFactory | None,
        builders: Builders | None,
        console: Console | None,
        stderr: TextIO | None,
    ) -> None:
        self._clients = clients
        self._builders = builders
        self._console = console
        self._stderr = stderr

    def _make(self) -> tuple[ClientsFactory, Builders, Console]:
        from bot.deploy.aws import open_clients
        from bot.deploy.deployer import Builders
        from bot.deploy.progress import Console

        return self._clients or open_clients, self._builders or Builders(), self._console or Console()

    def deploy(self, args: argparse.Namespace) -> int:
        def run() -> int:
            from bot.deploy.deployer import DeployOptions, deploy, dry_run

            clients, builders, console = self._make()
            stack, region = self._target(args)
            options = DeployOptions(
                stack=stack,
                region=region,
                out=Path(args.out or Path("build", "deploy", stack)),
                project=Path(args.project),
                profile=args.profile,
            )
            if args.dry_run:
                return dry_run(options, builders, console)
            return deploy(options, clients(args.profile, region), builders, console)

        return self._guarded("deploy", run)

    def destroy(self, args: argparse.Namespace) -> int:
        def run() -> int:
            from bot.deploy.destroyer import DestroyOptions, destroy

            clients, _, console = self._make()
            stack, region = self._target(args)
            options = DestroyOptions(
                stack=stack,
                region=region,
                out=Path(args.out or Path("build", "deploy", stack)),
                yes=args.yes,
                profile=args.profile,
            )
            return destroy(options, clients(args.profile, region), console)

        return self._guarded("destroy", run)

    @staticmethod
    def _target(args: argparse.Namespace) -> tuple[str, str]:
        from bot.deploy.aws import check_region, check_stack_name, default_region

        stack = check_stack_name(args.stack)
        region = check_region(args.region) if args.region else default_region(args.profile)
        return stack, region

    def _guarded(self, command: str, run: Callable[[], int]) -> int:
        """AWS trouble and our own refusals as one line on stderr and an exit code."""
        from botocore.exceptions import BotoCoreError, ClientError

        from bot.deploy.aws import DeployError, translate

        stderr = self._stderr or sys.stderr
        try:
            return run()
        except DeployError as exc:
            error = exc
        except (ClientError, BotoCoreError) as exc:
            error = translate(exc)
        except KeyboardInterrupt:
            print(
                f"\nmeety {command}: interrupted. An operation CloudFormation already started carries on; "
                "see the stack's events in the AWS console.",
                file=stderr,
            )
            return EXIT_INTERRUPTED
        print(f"meety {command}: {error}", file=stderr)
        return error.exit_code
