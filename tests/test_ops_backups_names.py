"""Backups service: the backup name a request gives (``snapshot_name``).

GIVEN a request id, THEN its backup name is the same whatever the id's case, valid for RDS and DynamoDB,
and anything but a ULID is refused.
"""

from __future__ import annotations

import re

import pytest

from fulfillment.ops.backups import snapshot_name
from tests.ops_backups_support import NAME, RID


def test_snapshot_name_is_a_valid_rds_and_dynamodb_name() -> None:
    """The same request always gives the same name, whatever case the id was typed in."""
    name = snapshot_name(RID)
    assert name == NAME
    assert snapshot_name(RID.lower()) == name
    assert re.fullmatch(r"[a-z][a-z0-9-]{0,254}", name)
    assert "--" not in name
    assert not name.endswith("-")
    assert re.fullmatch(r"[a-zA-Z0-9_.-]{3,255}", name)


@pytest.mark.parametrize(
    "bad",
    [
        "",
        "not-a-ulid",
        RID[:-1],
        RID + "0",
        " " + RID[1:],
        RID[:-1] + "-",
        "01JD3Q6Y8W2M9ZC5T7K1XB4NOP",  # letter O is not in Crockford base32
        "01JD3Q6Y8W2M9ZC5T7K1XB4NIP",
        "81JD3Q6Y8W2M9ZC5T7K1XB4N0P",  # first char > 7 overflows 128 bits
        f"{RID}\n",
    ],
)
def test_snapshot_name_rejects_anything_but_a_ulid(bad: str) -> None:
    with pytest.raises(ValueError, match="ULID"):
        snapshot_name(bad)


def test_snapshot_name_rejects_non_strings() -> None:
    with pytest.raises(ValueError, match="ULID"):
        snapshot_name(None)  # type: ignore[arg-type]
