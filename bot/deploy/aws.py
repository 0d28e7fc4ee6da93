"""The AWS edge of ``meety deploy`` / ``meety destroy``: the clients, and botocore's errors as ours.

The clients are built once, at the entry point, from one boto3 session (profile and region); every
stage receives them in a ``Clients``. Tests build the same dataclass from stubbed clients. Any botocore
error that a stage does not expect (a missing bucket or stack is expected) ends up in ``translate``, which
turns it into a ``DeployError`` a person can act on: how to configure credentials, which operation AWS
refused, that a session expired.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    CredentialRetrievalError,
    EndpointConnectionError,
    NoCredentialsError,
    NoRegionError,
    PartialCredentialsError,
    ProfileNotFound,
    TokenRetrievalError,
)

from bot.errors import MeetyError

EXIT_FAILED = 1
EXIT_USAGE = 2

STACK_NAME = re.compile(r"[A-Za-z][A-Za-z0-9-]{0,127}")
"""CloudFormation's rule: letters, digits and hyphens, starting with a letter, at most 128 characters."""
REGION = re.compile(r"[a-z]{2}(-[a-z]+)+-\d{1,2}")
"""An AWS region id (us-east-1, ap-southeast-2, us-gov-west-1); the admin portal checks the same."""

CREDENTIALS_HELP = (
    "configure them with `aws configure` (or `aws configure sso` and `aws sso login`), then pass "
    "--profile NAME or set AWS_PROFILE; or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"
)
DENIED = {"AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "403"}
EXPIRED = {"ExpiredToken", "ExpiredTokenException", "RequestExpired"}
UNKNOWN_CREDENTIALS = {"InvalidClientTokenId", "UnrecognizedClientException", "SignatureDoesNotMatch"}
THROTTLED = {"Throttling", "ThrottlingException", "TooManyRequestsException", "SlowDown"}


class DeployError(MeetyError):
    """A deployment or destruction that cannot go on; the message says why and what to do."""

    exit_code = EXIT_FAILED


class UsageError(DeployError):
    """An argument we cannot use (stack name, region, profile): exit 2, like argparse's own mistakes."""

    exit_code = EXIT_USAGE


@dataclass(frozen=True)
class Clients:
    """The botocore clients the stages use (typed ``Any``: no service stubs are installed for these)."""

    cloudformation: Any
    s3: Any
    sts: Any
    cloudfront: Any
    cognito: Any
    """cognito-idp: ``meety destroy`` lifts the user pool's deletion protection."""


def check_stack_name(stack: str) -> str:
    if not STACK_NAME.fullmatch(stack):
        raise UsageError(
            f"invalid stack name {stack!r}: use letters, digits and hyphens, start with a letter, "
            "at most 128 characters (CloudFormation's rule)"
        )
    return stack


def check_region(region: str) -> str:
    if not REGION.fullmatch(region):
        raise UsageError(f"invalid region {region!r}: expected an AWS region id such as eu-west-1")
    return region


def default_region(profile: str | None) -> str:
    """The region of the profile (or AWS_REGION / AWS_DEFAULT_REGION), when ``--region`` is not given."""
    import boto3

    try:
        region = boto3.Session(profile_name=profile).region_name
    except ProfileNotFound as exc:
        raise translate(exc) from None
    if not region:
        raise UsageError("no region: pass --region (e.g. --region eu-west-1) or set AWS_REGION")
    return check_region(region)


def open_clients(profile: str | None, region: str) -> Clients:
    """One boto3 session, one client per service with standard retries: the production ``Clients``."""
    import boto3
    from botocore.config import Config

    try:
        session = boto3.Session(profile_name=profile, region_name=region)
    except ProfileNotFound as exc:
        raise translate(exc) from None
    config = Config(retries={"mode": "standard", "max_attempts": 8}, user_agent_extra="meety-deploy")
    return Clients(
        cloudformation=session.client("cloudformation", config=config),
        s3=session.client("s3", config=config),
        sts=session.client("sts", config=config),
        cloudfront=session.client("cloudfront", config=config),
        cognito=session.client("cognito-idp", config=config),
    )


def error_code(exc: ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code", ""))


def error_message(exc: ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Message", "")) or str(exc)


def status_code(exc: ClientError) -> int:
    return int(exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0))


def stack_is_missing(exc: ClientError) -> bool:
    """CloudFormation's answer for a stack that does not exist (or no longer does)."""
    return error_code(exc) == "ValidationError" and "does not exist" in error_message(exc)


def translate(exc: Exception) -> DeployError:
    """A botocore error as a message that says what went wrong and what to do about it."""
    if isinstance(exc, ProfileNotFound):
        return UsageError(
            f"the AWS profile {exc.kwargs.get('profile')!r} is not configured: {CREDENTIALS_HELP}"
        )
    if isinstance(exc, NoCredentialsError | PartialCredentialsError):
        return DeployError(f"no usable AWS credentials: {CREDENTIALS_HELP}")
    if isinstance(exc, TokenRetrievalError | CredentialRetrievalError):
        return DeployError(f"could not get AWS credentials ({exc}); for an SSO profile run `aws sso login`")
    if isinstance(exc, NoRegionError):
        return UsageError("no region: pass --region (e.g. --region eu-west-1) or set AWS_REGION")
    if isinstance(exc, EndpointConnectionError):
        return DeployError(f"cannot reach AWS ({exc}): check the network and the region")
    if isinstance(exc, ClientError):
        return _client_error(exc)
    if isinstance(exc, BotoCoreError):
        return DeployError(f"AWS call failed: {exc}")
    return DeployError(str(exc))


def _client_error(exc: ClientError) -> DeployError:
    code, message, operation = error_code(exc), error_message(exc), exc.operation_name
    if code in DENIED:
        return DeployError(
            f"access denied: AWS refused {operation} to these credentials ({message}); "
            f"the identity that deploys needs permission for {operation}"
        )
    if code in EXPIRED:
        return DeployError(f"the AWS session has expired ({operation}): sign in again (e.g. `aws sso login`)")
    if code in UNKNOWN_CREDENTIALS:
        return DeployError(
            f"AWS does not accept these credentials ({operation}: {message}): {CREDENTIALS_HELP}"
        )
    if code in THROTTLED:
        return DeployError(f"AWS throttled {operation} even after retries: try again in a minute")
    return DeployError(f"{operation} failed: {code}: {message}")
