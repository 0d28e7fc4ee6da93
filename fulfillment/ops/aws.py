"""AWS access for the ops services: one client configuration and one error translation.

Every ops call goes through ``aws_errors``, so ``ClientError`` / ``BotoCoreError`` never leave this package:
callers see an ``OpsError`` subclass whose *kind* picks the friendly answer and whose ``code`` (the AWS error
code or the botocore exception name) goes to the logs. The AWS message text is never kept on our errors: it
can name account ids, ARNs and policy details that do not belong in a chat answer.

Neither ``boto3`` nor ``botocore.config`` is imported at module level (cold start): clients are built at
the entry point (with ``client_config()``) and injected.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, ClassVar

from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    HTTPClientError,
    NoCredentialsError,
    NoRegionError,
    PartialCredentialsError,
)
from botocore.exceptions import (
    ConnectionError as BotoConnectionError,
)

from bot.errors import MeetyError

if TYPE_CHECKING:
    from botocore.config import Config

_THROTTLING = frozenset(
    {
        "Throttling",
        "ThrottlingException",
        "ThrottledException",
        "TooManyRequestsException",
        "RequestLimitExceeded",
        "RequestThrottled",
        "RequestThrottledException",
        "SlowDown",
        "ProvisionedThroughputExceededException",
        "BandwidthLimitExceeded",
        "PriorRequestNotComplete",
        "EC2ThrottledException",
    }
)
"""Throttling codes (botocore's standard retry mode retries the same list before we ever see one)."""

_TRANSIENT = frozenset(
    {
        "ServiceUnavailable",
        "ServiceUnavailableException",
        "InternalFailure",
        "InternalError",
        "InternalServerError",
        "InternalServiceError",
        "RequestTimeout",
        "RequestTimeoutException",
    }
)

_BAD_CREDENTIALS = frozenset(
    {
        "UnrecognizedClientException",
        "InvalidClientTokenId",
        "InvalidAccessKeyId",
        "ExpiredToken",
        "ExpiredTokenException",
        "InvalidSignatureException",
        "SignatureDoesNotMatch",
        "MissingAuthenticationToken",
    }
)
"""Credentials that exist but AWS rejects: the fix is the same as for missing ones (configure them)."""

_DENIED = frozenset({"UnauthorizedOperation", "UnauthorizedException", "AuthorizationError", "Forbidden"})

_UNSUPPORTED = frozenset(
    {"NotImplemented", "NotImplementedException", "UnknownOperationException", "InvalidAction"}
)


def client_config() -> Config:
    """The botocore configuration for every ops client: standard retries, short timeouts.

    A chat turn must answer within Lex's code-hook timeout, so we give up quickly (2 s to connect, 5 s to
    read) and let botocore's standard mode retry throttling and 5xx twice with jittered backoff.
    Imported here: ``botocore.config`` pulls in ``botocore.compat`` (about 190 ms), which a cold start
    that never touches AWS should not pay; ``botocore.exceptions`` alone is about 17 ms.
    """
    from botocore.config import Config

    return Config(retries={"mode": "standard", "max_attempts": 3}, connect_timeout=2, read_timeout=5)


class OpsError(MeetyError):
    """An ops call failed. ``kind`` selects the user's answer; ``code`` is for logs only.

    ``operation`` is the AWS operation (``"ListPipelineExecutions"``), ``code`` the AWS error code or the
    botocore exception class name; ``str()`` shows just these two, never AWS's message text.
    """

    kind: ClassVar[str] = "error"

    def __init__(self, operation: str, code: str) -> None:
        self.operation = operation
        self.code = code
        super().__init__(f"{operation} failed: {code}")


class OpsNotConfigured(OpsError):
    """No usable AWS credentials (or region): the answer says how to configure them."""

    kind = "not_configured"


class OpsUnavailable(OpsError):
    """AWS could not be reached or kept failing (connection, timeout, throttling after retries, 5xx)."""

    kind = "unavailable"


class OpsAccessDenied(OpsError):
    """The credentials work but lack permission for this call."""

    kind = "access_denied"


class OpsNotFound(OpsError):
    """The named pipeline (or execution, or resource) does not exist."""

    kind = "not_found"


class OpsUnsupported(OpsError):
    """The endpoint does not implement this operation (moto in the sandbox); callers degrade."""

    kind = "unsupported"


def _client_error_class(code: str, http_status: int) -> type[OpsError]:
    if code in _BAD_CREDENTIALS:
        return OpsNotConfigured
    if code.startswith("AccessDenied") or code in _DENIED:
        return OpsAccessDenied
    if code in _UNSUPPORTED or http_status == 501:
        return OpsUnsupported
    if code in _THROTTLING or code in _TRANSIENT or http_status >= 500:
        return OpsUnavailable
    if code.endswith(("NotFoundException", "NotFound")) or code == "NoSuchEntity":
        return OpsNotFound
    return OpsError


def translate(exc: BaseException, operation: str) -> OpsError:
    """The ``OpsError`` for a botocore error (or moto's ``NotImplementedError``) raised by ``operation``."""
    if isinstance(exc, ClientError):
        error = exc.response.get("Error", {})
        code = str(error.get("Code") or "Unknown")
        status = int(exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode") or 0)
        return _client_error_class(code, status)(operation, code)
    name = type(exc).__name__
    if isinstance(exc, NoCredentialsError | PartialCredentialsError | NoRegionError):
        return OpsNotConfigured(operation, name)
    if isinstance(exc, BotoConnectionError | HTTPClientError):
        return OpsUnavailable(operation, name)
    if isinstance(exc, NotImplementedError):
        return OpsUnsupported(operation, name)
    return OpsError(operation, name)


@contextmanager
def aws_errors(operation: str) -> Iterator[None]:
    """Run one AWS call; its botocore errors leave as ``OpsError`` (original chained for logs)."""
    try:
        yield
    except (ClientError, BotoCoreError, NotImplementedError) as exc:
        raise translate(exc, operation) from exc
