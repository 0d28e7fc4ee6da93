"""AWS error translation for the ops services: every botocore failure becomes one of our ``OpsError`` kinds.

The intent handlers pick the user's answer from the kind alone, so a wrong mapping shows the wrong advice
("configure credentials" for a throttle, say). These tests pin the mapping, that AWS message text never
reaches ``str(error)``, and that real clients (not just stubs) fail the way we expect without credentials
or without a reachable endpoint.
"""

from __future__ import annotations

import socket

import botocore.session
import pytest
from botocore.config import Config
from botocore.credentials import CredentialResolver
from botocore.exceptions import (
    ClientError,
    ConnectTimeoutError,
    EndpointConnectionError,
    NoCredentialsError,
    NoRegionError,
    ParamValidationError,
    PartialCredentialsError,
    ReadTimeoutError,
)

from bot.errors import MeetyError
from fulfillment.ops import deploys
from fulfillment.ops.aws import (
    OpsAccessDenied,
    OpsError,
    OpsNotConfigured,
    OpsNotFound,
    OpsUnavailable,
    OpsUnsupported,
    aws_errors,
    client_config,
    translate,
)


def client_error(code: str, status: int = 400, message: str = "detail") -> ClientError:
    return ClientError(
        {"Error": {"Code": code, "Message": message}, "ResponseMetadata": {"HTTPStatusCode": status}},
        "ListPipelineExecutions",
    )


def test_client_config_uses_standard_retries_and_short_timeouts() -> None:
    """A chat turn has seconds to answer: the config must not fall back to legacy retries or 60 s waits."""
    config = client_config()
    assert config.retries == {"mode": "standard", "max_attempts": 3}
    assert config.connect_timeout == 2
    assert config.read_timeout == 5


@pytest.mark.parametrize(
    ("code", "status", "expected"),
    [
        ("AccessDeniedException", 400, OpsAccessDenied),
        ("AccessDenied", 403, OpsAccessDenied),
        ("UnauthorizedOperation", 403, OpsAccessDenied),
        ("PipelineNotFoundException", 400, OpsNotFound),
        ("PipelineExecutionNotFoundException", 400, OpsNotFound),
        ("ResourceNotFoundException", 400, OpsNotFound),
        ("ThrottlingException", 400, OpsUnavailable),
        ("Throttling", 400, OpsUnavailable),
        ("TooManyRequestsException", 429, OpsUnavailable),
        ("InternalFailure", 500, OpsUnavailable),
        ("SomethingNew", 503, OpsUnavailable),
        ("UnrecognizedClientException", 400, OpsNotConfigured),
        ("ExpiredTokenException", 400, OpsNotConfigured),
        ("InvalidClientTokenId", 403, OpsNotConfigured),
        ("NotImplemented", 501, OpsUnsupported),
        ("UnknownOperationException", 400, OpsUnsupported),
    ],
)
def test_client_error_codes_map_to_kinds(code: str, status: int, expected: type[OpsError]) -> None:
    """Each AWS code family lands on the kind whose answer fits it; the code is kept for the logs."""
    error = translate(client_error(code, status), "ListPipelineExecutions")
    assert type(error) is expected
    assert error.code == code
    assert error.operation == "ListPipelineExecutions"


def test_unknown_client_error_is_the_generic_kind() -> None:
    """A code we do not know (a validation error: our bug) must not pose as not-found or denied."""
    error = translate(client_error("ValidationException"), "GetPipelineState")
    assert type(error) is OpsError
    assert error.kind == "error"


@pytest.mark.parametrize(
    ("exc", "expected"),
    [
        (NoCredentialsError(), OpsNotConfigured),
        (PartialCredentialsError(provider="env", cred_var="AWS_SECRET_ACCESS_KEY"), OpsNotConfigured),
        (NoRegionError(), OpsNotConfigured),
        (
            EndpointConnectionError(endpoint_url="https://codepipeline.us-east-1.amazonaws.com"),
            OpsUnavailable,
        ),
        (ConnectTimeoutError(endpoint_url="https://monitoring.us-east-1.amazonaws.com"), OpsUnavailable),
        (ReadTimeoutError(endpoint_url="https://monitoring.us-east-1.amazonaws.com"), OpsUnavailable),
        (NotImplementedError("The get_pipeline_state action has not been implemented"), OpsUnsupported),
        (ParamValidationError(report="bad"), OpsError),
    ],
)
def test_botocore_errors_map_to_kinds(exc: Exception, expected: type[OpsError]) -> None:
    """Client-side failures (no credentials, network, moto's missing operations) get their own kinds."""
    error = translate(exc, "DescribeAlarms")
    assert type(error) is expected
    assert error.code == type(exc).__name__


def test_error_text_never_carries_the_aws_message() -> None:
    """AWS messages can quote ARNs and account ids; only operation and code may reach any output."""
    aws_text = "User arn:aws:iam::123456789012:user/deployer is not authorized"
    error = translate(client_error("AccessDeniedException", 400, aws_text), "GetPipelineExecution")
    assert "123456789012" not in str(error)
    assert str(error) == "GetPipelineExecution failed: AccessDeniedException"
    assert isinstance(error, MeetyError)


def test_aws_errors_raises_ops_error_chained_to_the_original() -> None:
    """The context manager converts, and keeps the botocore exception as ``__cause__`` for logging."""
    original = client_error("ThrottlingException")
    with pytest.raises(OpsUnavailable) as info, aws_errors("DescribeAlarms"):
        raise original
    assert info.value.__cause__ is original


def test_aws_errors_leaves_other_exceptions_alone() -> None:
    """Our own bugs (a KeyError in parsing) must not be disguised as an AWS outage."""
    with pytest.raises(KeyError), aws_errors("DescribeAlarms"):
        raise KeyError("StateValue")


def test_client_without_credentials_is_not_configured() -> None:
    """A real client whose credential chain is empty fails at signing, before any network: NotConfigured.

    An empty ``CredentialResolver`` ignores the environment, ``~/.aws`` and instance metadata, so the test
    does not depend on the machine it runs on; the endpoint is a closed local port in case signing passed.
    """
    session = botocore.session.get_session()
    session.register_component("credential_provider", CredentialResolver(providers=[]))
    client = session.create_client(
        "codepipeline",
        region_name="us-east-1",
        endpoint_url=f"http://127.0.0.1:{closed_port()}",
        config=client_config(),
    )
    with pytest.raises(OpsNotConfigured) as info:
        deploys.deploy_status(client, "web")
    assert info.value.code == "NoCredentialsError"


def test_unreachable_endpoint_is_unavailable() -> None:
    """Connection refused (after botocore's retries) means AWS is unavailable, not that the user erred."""
    session = botocore.session.get_session()
    client = session.create_client(
        "codepipeline",
        region_name="us-east-1",
        endpoint_url=f"http://127.0.0.1:{closed_port()}",
        aws_access_key_id="AKIDEXAMPLE",
        aws_secret_access_key="secret",  # noqa: S106 - a dummy key for a local closed port
        config=client_config().merge(Config(retries={"mode": "standard", "max_attempts": 1})),
    )
    with pytest.raises(OpsUnavailable) as info:
        deploys.deploy_status(client, "web")
    assert info.value.code == "EndpointConnectionError"


def closed_port() -> int:
    """A local TCP port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
