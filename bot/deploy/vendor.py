"""Vendoring for the Lambda zips: pip resolves and installs binary wheels for the Lambda's platform.

The resolution of a requirement set for a platform is kept as a lock file and the wheels in a wheelhouse
(``build/.pip-cache`` by default), checked against their sha256, so a repeated build neither re-resolves
nor downloads, works offline, and vendors exactly the same versions. ``refresh=True`` (or deleting
``resolved/``) resolves again against the index. What the Lambda runtime provides (boto3 and its closure)
is resolved, then left out.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from bot.errors import MeetyError

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_CACHE_DIR = REPO_ROOT / "build" / ".pip-cache"
DEFAULT_PLATFORM = "manylinux2014_x86_64"
"""python3.11 runs on Amazon Linux 2 (glibc 2.26): manylinux2014 (glibc 2.17) wheels run there."""

RUNTIME_PROVIDED = frozenset(
    {"boto3", "botocore", "s3transfer", "jmespath", "urllib3", "python-dateutil", "six"}
)
"""Distributions the AWS Lambda Python runtime ships (boto3 and its closure), never vendored.

``python-dateutil`` (and ``six``) included: botocore requires them, so every runtime that has botocore
has them; the Lambda code never imports dateutil itself, only icalendar does, and a vendored copy would
sit before the runtime's on ``sys.path`` and be the one botocore runs with.
"""

_JUNK_DIRS = frozenset({"__pycache__"})
_JUNK_SUFFIXES = (".pyc", ".pyo")
_VENDOR_DROP_SUFFIXES = (*_JUNK_SUFFIXES, ".pyi")
_DIST_INFO_DROP = frozenset({"RECORD", "INSTALLER", "REQUESTED", "direct_url.json"})
"""pip's install records: RECORD lists files pruned here, direct_url.json names the local wheel path."""
VENDOR_PRUNE = ("bin", "*-stubs")
"""Trees removed from the vendored directory (globs at its root): console scripts, and stub-only packages
(PEP 561), which only type checkers read. No vendored distribution ships a test suite to drop."""


class PackagingError(MeetyError):
    """A Lambda zip could not be built: names the package, requirement or file at fault."""

    def __init__(self, message: str, requirements: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.requirements = tuple(requirements)


class PipFailed(PackagingError):
    """pip could not resolve, download or install a requirement (the index unreachable, no wheel...)."""


@dataclass(frozen=True)
class Wheel:
    """One resolved distribution: what the lock file records."""

    name: str
    """The canonical (PEP 503) name."""
    version: str
    url: str
    sha256: str | None

    @property
    def filename(self) -> str:
        return unquote(Path(urlparse(self.url).path).name)

    @property
    def pin(self) -> str:
        return f"{self.name}=={self.version}"


def canonical_name(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def requirement_name(requirement: str) -> str:
    """The canonical distribution name a requirement string starts with (``pyjwt[crypto]>=2`` -> pyjwt)."""
    match = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)", requirement)
    if match is None:
        raise PackagingError(f"not a requirement: {requirement!r}", [requirement])
    return canonical_name(match[1])


def python_version_of(runtime: str) -> str:
    """``python3.11`` -> ``3.11``: the CPython the wheels must be built for."""
    match = re.fullmatch(r"python(3\.\d+)", runtime)
    if match is None:
        raise PackagingError(f"not a Lambda Python runtime: {runtime!r} (expected e.g. 'python3.11')")
    return match[1]


# -- vendoring -------------------------------------------------------------------------------------------


def vendor(
    requirements: Sequence[str],
    target_dir: str | os.PathLike[str],
    *,
    python_version: str = "3.11",
    platform: str = DEFAULT_PLATFORM,
    cache_dir: str | os.PathLike[str] | None = None,
    exclude: Iterable[str] = RUNTIME_PROVIDED,
    refresh: bool = False,
) -> tuple[Wheel, ...]:
    """Install ``requirements`` and their dependencies, as wheels for ``platform`` and CPython
    ``python_version``, into the empty (or missing) ``target_dir``, less the distributions in
    ``exclude``; then drop what a Lambda never reads (bytecode, stubs, scripts, pip's records).

    Returns the installed wheels. Raises ``PipFailed`` naming the requirement when pip fails.
    """
    target = Path(target_dir)
    if target.exists() and any(target.iterdir()):
        raise PackagingError(f"{target} is not empty: vendoring needs a fresh directory")
    cache = Path(cache_dir) if cache_dir is not None else DEFAULT_CACHE_DIR
    options = _platform_options(python_version, platform)
    excluded = {canonical_name(name) for name in exclude}
    resolved = _resolve(tuple(requirements), options, cache, refresh)
    kept = tuple(wheel for wheel in resolved if wheel.name not in excluded)
    files = _fetch(kept, options, cache)
    target.mkdir(parents=True, exist_ok=True)
    if files:
        _pip(
            ["install", "--no-deps", "--no-index", "--no-compile", "--target", str(target), *options]
            + [str(path) for path in files],
            requirements=[wheel.pin for wheel in kept],
            cache=cache,
        )
    prune_vendored(target)
    return kept


def prune_vendored(target: Path) -> None:
    """Remove bytecode, type stubs, ``__pycache__``, scripts and pip's install records from ``target``."""
    for pattern in VENDOR_PRUNE:
        for tree in sorted(target.glob(pattern)):
            if tree.is_dir():
                shutil.rmtree(tree)
    for path in sorted(target.rglob("*"), reverse=True):  # children before their directory
        if path.is_dir() and path.name in _JUNK_DIRS:
            shutil.rmtree(path)
        elif path.is_file() and (
            path.name.endswith(_VENDOR_DROP_SUFFIXES)
            or (path.parent.name.endswith(".dist-info") and path.name in _DIST_INFO_DROP)
        ):
            path.unlink()


def _platform_options(python_version: str, platform: str) -> list[str]:
    if not re.fullmatch(r"3\.\d+", python_version):
        raise PackagingError(f"not a Python version: {python_version!r} (expected e.g. '3.11')")
    return [
        "--only-binary=:all:",
        "--platform",
        platform,
        "--python-version",
        python_version,
        "--implementation",
        "cp",
    ]


def _resolve(
    requirements: tuple[str, ...], options: list[str], cache: Path, refresh: bool
) -> tuple[Wheel, ...]:
    """Every distribution ``requirements`` need on the platform: from the lock file, or pip's resolver."""
    for requirement in requirements:
        requirement_name(requirement)  # fail early on a malformed string
    key = hashlib.sha256(
        json.dumps({"format": 1, "requirements": sorted(requirements), "options": options}).encode()
    ).hexdigest()[:16]
    lock = cache / "resolved" / f"{key}.json"
    if lock.is_file() and not refresh:
        return _read_lock(lock)
    with tempfile.TemporaryDirectory(prefix="meety-resolve-") as tmp:
        report = Path(tmp) / "report.json"
        _pip(
            ["install", "--dry-run", "--ignore-installed", "--report", str(report), *options, *requirements],
            requirements=requirements,
            cache=cache,
        )
        wheels = _wheels_of_report(json.loads(report.read_text(encoding="utf-8")))
    lock.parent.mkdir(parents=True, exist_ok=True)
    body = {"requirements": sorted(requirements), "options": options, "wheels": [w.__dict__ for w in wheels]}
    write_atomically(lock, (json.dumps(body, indent=2, sort_keys=True) + "\n").encode())
    return wheels


def _wheels_of_report(report: Mapping[str, Any]) -> tuple[Wheel, ...]:
    wheels = []
    for item in report.get("install", []):
        info = item.get("download_info", {})
        hashes = info.get("archive_info", {}).get("hashes", {})
        wheels.append(
            Wheel(
                name=canonical_name(str(item["metadata"]["name"])),
                version=str(item["metadata"]["version"]),
                url=str(info["url"]),
                sha256=str(hashes["sha256"]) if "sha256" in hashes else None,
            )
        )
    return tuple(sorted(wheels, key=lambda wheel: wheel.name))


def _read_lock(lock: Path) -> tuple[Wheel, ...]:
    try:
        body = json.loads(lock.read_text(encoding="utf-8"))
        return tuple(
            Wheel(name=w["name"], version=w["version"], url=w["url"], sha256=w["sha256"])
            for w in body["wheels"]
        )
    except (ValueError, KeyError, TypeError) as exc:
        raise PackagingError(f"{lock} is not a resolution this tool wrote; delete it: {exc}") from exc


def _fetch(wheels: tuple[Wheel, ...], options: list[str], cache: Path) -> list[Path]:
    """The wheel files, from the wheelhouse, downloading (and checking) the ones it lacks."""
    house = cache / "wheels"
    missing = [wheel for wheel in wheels if not _intact(house / wheel.filename, wheel.sha256)]
    if missing:
        house.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(prefix="meety-download-") as tmp:
            listing = Path(tmp) / "requirements.txt"
            lines = [
                f"{wheel.name} @ {wheel.url}" + (f" --hash=sha256:{wheel.sha256}" if wheel.sha256 else "")
                for wheel in missing
            ]
            listing.write_text("\n".join(lines) + "\n", encoding="utf-8")
            _pip(
                ["download", "--no-deps", "--dest", str(house), *options, "--requirement", str(listing)],
                requirements=[wheel.pin for wheel in missing],
                cache=cache,
            )
        for wheel in missing:
            if not _intact(house / wheel.filename, wheel.sha256):
                raise PackagingError(
                    f"{wheel.pin}: {wheel.filename} is missing or does not match its sha256 after download",
                    [wheel.pin],
                )
    return [house / wheel.filename for wheel in wheels]


def _intact(path: Path, sha256: str | None) -> bool:
    if not path.is_file():
        return False
    return sha256 is None or hashlib.sha256(path.read_bytes()).hexdigest() == sha256


def _pip(args: list[str], *, requirements: Sequence[str], cache: Path) -> None:
    command = [sys.executable, "-m", "pip", *args, "--cache-dir", str(cache / "pip")]
    env = {**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1", "PIP_NO_INPUT": "1"}
    try:
        done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)  # noqa: S603
    except OSError as exc:
        raise PipFailed(f"cannot run pip ({exc}) for {', '.join(requirements)}", requirements) from exc
    if done.returncode != 0:
        culprits = _culprits(done.stderr + done.stdout, requirements)
        errors = [line for line in done.stderr.splitlines() if line.startswith("ERROR")]
        detail = "\n".join(line[:300] for line in errors or done.stderr.strip().splitlines()[-8:])
        where = f" (CPython {_option(args, '--python-version')}, {_option(args, '--platform')})"
        raise PipFailed(
            f"pip {args[0]} failed (exit {done.returncode}) for {', '.join(culprits)}{where}:\n{detail}",
            culprits,
        )


def _option(args: list[str], name: str) -> str:
    return args[args.index(name) + 1] if name in args[:-1] else "?"


def _culprits(output: str, requirements: Sequence[str]) -> list[str]:
    """The requirements pip's output blames; else the dependencies it names (a transitive one failed);
    else all of them."""
    named = {
        canonical_name(match)
        for match in re.findall(
            r"(?:satisfies the requirement|distribution found for|Cannot install)"
            r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)",
            output,
        )
    }
    blamed = [r for r in requirements if _name_or_none(r) in named]
    return blamed or sorted(named) or list(requirements)


def _name_or_none(requirement: str) -> str | None:
    try:
        return requirement_name(requirement)
    except PackagingError:
        return None


# -- the zip ---------------------------------------------------------------------------------------------


def vendored_distributions(vendored_dir: str | os.PathLike[str]) -> tuple[str, ...]:
    """``name==version`` of every distribution installed in ``vendored_dir`` (from its dist-info)."""
    found = []
    for info in Path(vendored_dir).glob("*.dist-info"):
        name, _, version = info.name.removesuffix(".dist-info").partition("-")
        found.append(f"{canonical_name(name)}=={version}")
    return tuple(sorted(found))


def write_atomically(path: Path, content: bytes) -> None:
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.write_bytes(content)
    os.replace(temporary, path)
