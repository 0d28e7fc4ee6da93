"""S3 for the deployer: the artifacts bucket, the web client's bucket, and emptying a bucket for destroy.

The artifacts bucket (``meety-artifacts-<account>-<region>``) is shared by every Meety stack in an account
and region: private, encrypted, objects expire after 30 days (CloudFormation only reads a Lambda zip while
it creates or updates the function). Zips are content-addressed, so a key that is already there holds the
same bytes and is not uploaded again.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path, PurePosixPath
from typing import Any

from botocore.exceptions import ClientError

from bot.deploy.aws import DeployError, error_code
from bot.deploy.progress import Console

TEMPLATE_BODY_LIMIT = 51_200
"""CloudFormation's limit for ``TemplateBody``; larger templates go through S3 (``TemplateURL``)."""
EXPIRE_DAYS = 30
DELETE_BATCH = 1000
"""``DeleteObjects`` takes at most 1000 keys."""
MANAGED_TAG = {"Key": "meety:managed", "Value": "true"}
NOT_FOUND = {"404", "NoSuchBucket", "NoSuchKey", "NotFound"}

CACHE_CONTROL = "no-cache"
"""Every web file may be cached but must be revalidated (a cheap 304 thanks to the ETag). The files have
fixed names (``/widget/meety-widget.js`` is embedded by other sites as is), so a long max-age would keep
old code in browsers after a deploy; nothing is content-hashed yet that could be cached for a year."""
CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".json": "application/json",
    ".map": "application/json",
    ".md": "text/markdown; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".ico": "image/x-icon",
    ".webp": "image/webp",
    ".woff2": "font/woff2",
}
"""Fixed, not ``mimetypes``: its answers depend on the machine's /etc/mime.types."""


def artifacts_bucket_name(account: str, region: str) -> str:
    return f"meety-artifacts-{account}-{region}"


def content_type(path: str) -> str:
    return CONTENT_TYPES.get(PurePosixPath(path).suffix.lower(), "application/octet-stream")


def ensure_artifacts_bucket(s3: Any, bucket: str, account: str, region: str, console: Console) -> None:
    """The bucket exists and is ours (``ExpectedBucketOwner``); created with its safeguards if missing."""
    try:
        s3.head_bucket(Bucket=bucket, ExpectedBucketOwner=account)
        console.say(f"  s3://{bucket} (exists)")
        return
    except ClientError as exc:
        if error_code(exc) == "403":
            raise DeployError(
                f"the bucket {bucket} exists but is not readable by these credentials or belongs to "
                "another account; Meety will not upload code to it"
            ) from None
        if error_code(exc) not in NOT_FOUND:
            raise
    create: dict[str, Any] = {"Bucket": bucket, "ObjectOwnership": "BucketOwnerEnforced"}
    if region != "us-east-1":  # us-east-1 refuses its own name as a LocationConstraint
        create["CreateBucketConfiguration"] = {"LocationConstraint": region}
    try:
        s3.create_bucket(**create)
    except ClientError as exc:
        if error_code(exc) == "BucketAlreadyExists":
            raise DeployError(f"the bucket name {bucket} is taken by another account") from None
        if error_code(exc) != "BucketAlreadyOwnedByYou":  # a concurrent deploy created it first
            raise
    s3.put_public_access_block(
        Bucket=bucket,
        PublicAccessBlockConfiguration={
            "BlockPublicAcls": True,
            "IgnorePublicAcls": True,
            "BlockPublicPolicy": True,
            "RestrictPublicBuckets": True,
        },
    )
    s3.put_bucket_encryption(
        Bucket=bucket,
        ServerSideEncryptionConfiguration={
            "Rules": [
                {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}, "BucketKeyEnabled": True}
            ]
        },
    )
    s3.put_bucket_lifecycle_configuration(
        Bucket=bucket,
        LifecycleConfiguration={
            "Rules": [
                {
                    "ID": "meety-expire-old-artifacts",
                    "Filter": {"Prefix": ""},
                    "Status": "Enabled",
                    "Expiration": {"Days": EXPIRE_DAYS},
                    "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 1},
                }
            ]
        },
    )
    s3.put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": [MANAGED_TAG]})
    console.say(f"  s3://{bucket} (created: private, encrypted, objects expire after {EXPIRE_DAYS} days)")


def upload_zips(s3: Any, bucket: str, zips: Mapping[str, Path], console: Console) -> None:
    """Each zip under its key, unless the key is there already (same name, same bytes)."""
    for key, path in sorted(zips.items()):
        if _exists(s3, bucket, key):
            console.say(f"  {key} (unchanged, already uploaded)")
            continue
        data = path.read_bytes()
        s3.put_object(Bucket=bucket, Key=key, Body=data, ContentType="application/zip")
        console.say(f"  {key} (uploaded, {_size(len(data))})")


def template_source(s3: Any, bucket: str, region: str, stack: str, body: str) -> dict[str, str]:
    """``TemplateBody`` when it fits, else the template uploaded next to the zips and its ``TemplateURL``."""
    data = body.encode("utf-8")
    if len(data) <= TEMPLATE_BODY_LIMIT:
        return {"TemplateBody": body}
    key = f"templates/{stack}/{hashlib.sha256(data).hexdigest()[:20]}.json"
    s3.put_object(Bucket=bucket, Key=key, Body=data, ContentType="application/json")
    return {"TemplateURL": f"https://{bucket}.s3.{region}.amazonaws.com/{key}"}


def _exists(s3: Any, bucket: str, key: str) -> bool:
    try:
        s3.head_object(Bucket=bucket, Key=key)
    except ClientError as exc:
        if error_code(exc) in NOT_FOUND:
            return False
        raise
    return True


def local_files(root: Path) -> dict[str, Path]:
    """Every file under ``root`` by its S3 key (the path relative to ``root``), dotfiles left out."""
    return {
        path.relative_to(root).as_posix(): path
        for path in sorted(root.rglob("*"))
        if path.is_file() and not any(part.startswith(".") for part in path.relative_to(root).parts)
    }


def sync_folder(s3: Any, bucket: str, root: Path) -> tuple[int, int]:
    """Upload every file under ``root`` and delete the bucket's other keys: (uploaded, deleted)."""
    existing = {
        item["Key"]
        for page in _pages(s3, "list_objects_v2", Bucket=bucket)
        for item in page.get("Contents", [])
    }
    files = local_files(root)
    for key, path in files.items():
        s3.put_object(
            Bucket=bucket,
            Key=key,
            Body=path.read_bytes(),
            ContentType=content_type(key),
            CacheControl=CACHE_CONTROL,
        )
    stale = sorted(existing - set(files))
    delete_objects(s3, bucket, ({"Key": key} for key in stale))
    return len(files), len(stale)


def empty_bucket(s3: Any, bucket: str) -> int:
    """Delete every object of the bucket (every version and delete marker if it was ever versioned)."""
    versioned = s3.get_bucket_versioning(Bucket=bucket).get("Status") in ("Enabled", "Suspended")
    if versioned:
        targets = [
            {"Key": item["Key"], "VersionId": item["VersionId"]}
            for page in _pages(s3, "list_object_versions", Bucket=bucket)
            for item in [*page.get("Versions", []), *page.get("DeleteMarkers", [])]
        ]
    else:
        targets = [
            {"Key": item["Key"]}
            for page in _pages(s3, "list_objects_v2", Bucket=bucket)
            for item in page.get("Contents", [])
        ]
    return delete_objects(s3, bucket, targets)


def delete_objects(s3: Any, bucket: str, targets: Iterable[dict[str, str]]) -> int:
    """``DeleteObjects`` in batches of 1000; any key S3 could not delete is an error."""
    pending = list(targets)
    for start in range(0, len(pending), DELETE_BATCH):
        batch = pending[start : start + DELETE_BATCH]
        answer = s3.delete_objects(Bucket=bucket, Delete={"Objects": batch, "Quiet": True})
        errors = answer.get("Errors", [])
        if errors:
            first = errors[0]
            raise DeployError(
                f"could not delete {len(errors)} object(s) from s3://{bucket}, e.g. {first.get('Key')}: "
                f"{first.get('Code')} {first.get('Message', '')}".rstrip()
            )
    return len(pending)


def _pages(s3: Any, operation: str, **params: Any) -> Iterator[dict[str, Any]]:
    yield from s3.get_paginator(operation).paginate(**params)


def _size(count: int) -> str:
    return f"{count / 1024:.1f} KB" if count < 1024 * 1024 else f"{count / 1024 / 1024:.1f} MB"
