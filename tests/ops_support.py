"""A botocore client with a ``Stubber`` for the ops services' tests: real response shapes, no network."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import botocore.session
from botocore.stub import Stubber

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
