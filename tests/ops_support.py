"""A botocore client with a ``Stubber`` for the ops services' tests: real response shapes, no network."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import botocore.session
import pytest
from botocore.stub import Stubber
from moto import mock_aws

from fulfillment.ops import client_config


@contextmanager
def stubbed_client(service: str) -> Iterator[tuple[Any, Stubber]]:
    """The client with our timeouts and retries, and its stubber; every queued response must be used."""
    client = botocore.session.get_session().create_client(
        service,
        region_name="us-east-1",
        aws_access_key_id="AKIDEXAMPLE",
        aws_secret_access_key="secret",  # noqa: S106 - dummy key, never sent
        config=client_config(),
    )
    with Stubber(client) as stubber:
        yield client, stubber
        stubber.assert_no_pending_responses()


@contextmanager
def fake_aws_account(monkeypatch: pytest.MonkeyPatch, region: str = "us-east-1") -> Iterator[None]:
    """moto's in-process account, with fake credentials and the region set and the developer's own
    profile out of the way, so no test can reach (or be configured by) a real account."""
    for key, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": region,
    }.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    with mock_aws():
        yield
