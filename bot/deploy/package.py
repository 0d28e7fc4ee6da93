"""Each Lambda as a reproducible, content-addressed zip: first-party code, locales and vendored wheels.

A ``LambdaPackage`` says, as data, what one zip holds: whole first-party packages, single modules (from
``bot`` only what the Lambda code imports: the tooling's NLU runtime, numpy and scipy stay out), data
files, and the pip requirements to vendor. ``vendor`` installs those requirements' wheels for the Lambda's
platform (manylinux, CPython of the runtime's version, binaries only, dependencies resolved) minus what
the Lambda runtime already provides (boto3 and its closure); ``build_zip`` writes the zip with sorted
entries, fixed timestamps and permissions, so the same inputs give the same bytes and the same
``<name>-<sha256[:12]>.zip`` name; ``package_all`` ties them together for every zip of the stack.

Caching (``build/.pip-cache`` by default): the resolution of a requirement set for a platform is kept as a
lock file and the wheels in a wheelhouse, checked against their sha256, so a repeated build neither
re-resolves nor downloads, works offline, and vendors exactly the same versions. ``refresh=True`` (or
deleting ``resolved/``) resolves again against the index.
"""

from __future__ import annotations

import fnmatch
import hashlib
import io
import os
import tempfile
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from bot.deploy.config import LAMBDA_RUNTIME
from bot.deploy.vendor import (
    _JUNK_DIRS,
    _JUNK_SUFFIXES,
    DEFAULT_PLATFORM,
    REPO_ROOT,
    PackagingError,
    python_version_of,
    vendor,
    vendored_distributions,
    write_atomically,
)

MAX_ZIP_BYTES = 10_000_000
"""The brief's budget for one Lambda zip: 10 MB, read as decimal (the stricter); AWS's own limit is 50 MB."""
MAX_UNZIPPED_BYTES = 250 * 1024 * 1024
"""AWS's limit for a function's code, unzipped (262,144,000 bytes)."""

ZIP_DATE = (1980, 1, 1, 0, 0, 0)
"""Every entry's timestamp: the earliest a zip can record, so nothing depends on when files were made."""
FILE_MODE = 0o644
DIR_MODE = 0o755

LOCAL_ONLY = frozenset(
    {
        "pydantic-settings",
        "dateparser",
        "numpy",
        "scipy",
        "starlette",
        "uvicorn",
        "httptools",
        "uvloop",
    }
)
"""pyproject dependencies the Lambda code never imports: the local runtime, NLU and HTTP server use them."""

FULFILLMENT_REQUIREMENTS = (
    "pydantic>=2.7,<3",
    "python-ulid>=2.7",
    "pyjwt[crypto]>=2.8",
    "aws-lambda-powertools[tracer]>=3.0",
    "icalendar>=6",
)
"""What the code hook and the sweeper vendor: pyproject's specifiers, for the distributions they import.

``pyjwt[crypto]``: chat turns carry Cognito ID tokens, RS256, which PyJWT verifies only with
``cryptography`` (pyproject asks for plain ``pyjwt``, which cannot).
"""
ADMIN_REQUIREMENTS = (
    "pydantic>=2.7,<3",
    "python-ulid>=2.7",
    "pyjwt>=2.8",
    "aws-lambda-powertools[tracer]>=3.0",
    "icalendar>=6",
    "slack-sdk>=3.27",
)
"""The same plus ``slack_sdk`` (the Slack app's Lambda runs from this zip), but PyJWT without
``cryptography`` (4.8 MB less zip): in AWS the HTTP API's JWT authorizer verifies Cognito's tokens before
the admin Lambda runs, which only reads the claims; the shared ``fulfillment.identity`` code imports
``jwt`` lazily, and HS256 (local tokens, and the gateway tokens the Slack app signs) still works."""

BOT_MODULES = ("bot", "bot.errors", "bot.catalog")
"""The only ``bot`` modules the Lambda code imports (``bot/__init__.py`` is a docstring)."""


@dataclass(frozen=True)
class LambdaPackage:
    """What one Lambda zip holds, every path relative to the repository root."""

    name: str
    handlers: tuple[str, ...]
    """The entry points the zip serves (``module.function``), for the template and the tests."""
    packages: tuple[str, ...]
    """First-party packages included whole (every file but ``__pycache__``)."""
    modules: tuple[str, ...] = ()
    """Single first-party modules (``bot.errors`` -> ``bot/errors.py``, ``bot`` -> ``bot/__init__.py``)."""
    data: tuple[str, ...] = ()
    """Glob patterns of data files, kept at the same path in the zip (``locales/*.toml``)."""
    exclude: tuple[str, ...] = ()
    """Files of ``packages`` left out (local-only adapters whose imports the Lambda does not have)."""
    requirements: tuple[str, ...] = ()
    """pip requirement strings to vendor, with their dependencies (less ``RUNTIME_PROVIDED``)."""
    vendored_exclude: tuple[str, ...] = ()
    """``fnmatch`` patterns of vendored files this zip leaves out (assets of features it never uses)."""


FULFILLMENT = LambdaPackage(
    name="fulfillment",
    handlers=("fulfillment.handler.lambda_handler", "fulfillment.sweeper.lambda_handler"),
    packages=("fulfillment",),
    modules=BOT_MODULES,
    data=("locales/*.toml",),  # LOCALES_DIR is fulfillment/app.py's parents[1] / "locales": the zip root
    requirements=FULFILLMENT_REQUIREMENTS,
    # Swagger UI's bundled JS and CSS (0.44 MB zipped): only the admin API serves /swagger
    vendored_exclude=("aws_lambda_powertools/event_handler/openapi/swagger_ui/swagger-ui*",),
)
ADMIN = LambdaPackage(
    name="admin",
    handlers=("admin_api.handler.lambda_handler", "admin_api.slack.handler.lambda_handler"),
    packages=("admin_api", "fulfillment"),
    modules=BOT_MODULES,
    # ``meety serve``'s Starlette adapter and bridge, and the Slack app's Starlette routes (they mount the
    # Slack handler on ``meety serve``; in AWS the HTTP API calls it directly)
    exclude=(
        "admin_api/local_gateway.py",
        "admin_api/starlette_bridge.py",
        "admin_api/slack/local_routes.py",
    ),
    requirements=ADMIN_REQUIREMENTS,
)
PACKAGES = (FULFILLMENT, ADMIN)


@dataclass(frozen=True)
class BuiltZip:
    name: str
    path: Path
    size: int
    """Bytes of the zip."""
    unzipped_size: int
    sha256: str
    entries: int
    distributions: tuple[str, ...]
    """The vendored distributions, ``name==version``, sorted."""


def first_party_files(
    package: LambdaPackage, repo_root: str | os.PathLike[str] = REPO_ROOT
) -> dict[str, Path]:
    """The zip's first-party and data entries: path in the zip -> file in the repository, sorted."""
    root = Path(repo_root)
    files: dict[str, Path] = {}

    def add(path: Path) -> None:
        files[path.relative_to(root).as_posix()] = path

    for name in package.packages:
        base = root / name.replace(".", "/")
        if not (base / "__init__.py").is_file():
            raise PackagingError(f"{package.name}: {name} is not a package under {root}")
        for path in sorted(base.rglob("*")):
            relative = path.relative_to(root)
            if path.is_file() and _wanted(relative) and not _excluded(relative.as_posix(), package.exclude):
                add(path)
    for name in package.modules:
        base = root / name.replace(".", "/")
        path = base / "__init__.py" if base.is_dir() else base.with_suffix(".py")
        if not path.is_file():
            raise PackagingError(f"{package.name}: module {name} not found under {root}")
        add(path)
    for pattern in package.data:
        matches = [path for path in sorted(root.glob(pattern)) if path.is_file()]
        if not matches:
            raise PackagingError(f"{package.name}: no file matches {pattern!r} under {root}")
        for path in matches:
            add(path)
    return dict(sorted(files.items()))


def _excluded(path: str, patterns: Iterable[str]) -> bool:
    """``exclude`` entries are file paths or globs (``admin_api/slack/*``)."""
    return any(path == pattern or fnmatch.fnmatch(path, pattern) for pattern in patterns)


def _wanted(relative: Path) -> bool:
    return not (set(relative.parts) & _JUNK_DIRS) and not relative.name.endswith(_JUNK_SUFFIXES)


def build_zip(
    package: LambdaPackage,
    out_dir: str | os.PathLike[str],
    *,
    vendored_dir: str | os.PathLike[str],
    repo_root: str | os.PathLike[str] = REPO_ROOT,
) -> BuiltZip:
    """Write ``<out_dir>/<name>-<sha256[:12]>.zip``: ``package``'s files and everything in ``vendored_dir``
    at the zip root, reproducibly (sorted entries, 1980-01-01, 0644/0755, deflate level 9).

    Raises ``PackagingError`` if a path comes from two places or the zip breaks the size budget.
    """
    vendored = Path(vendored_dir)
    files = first_party_files(package, repo_root)
    for path in sorted(vendored.rglob("*")):
        relative = path.relative_to(vendored)
        arcname = relative.as_posix()
        if not path.is_file() or not _wanted(relative):
            continue
        if not any(fnmatch.fnmatchcase(arcname, pattern) for pattern in package.vendored_exclude):
            if arcname in files:
                raise PackagingError(f"{package.name}: {arcname} is both first-party and vendored")
            files[arcname] = path
    directories = {
        "/".join(parts[:i]) + "/" for parts in (a.split("/") for a in files) for i in range(1, len(parts))
    }

    buffer = io.BytesIO()
    unzipped = 0
    with zipfile.ZipFile(buffer, "w") as archive:
        for arcname in sorted(directories | set(files)):
            info = zipfile.ZipInfo(arcname, ZIP_DATE)
            info.create_system = 3  # Unix, so the mode bits below are read
            if arcname.endswith("/"):
                info.external_attr = (0o040000 | DIR_MODE) << 16 | 0x10  # S_IFDIR, and MS-DOS's directory bit
                archive.writestr(info, b"")
                continue
            data = files[arcname].read_bytes()
            unzipped += len(data)
            info.external_attr = (0o100000 | FILE_MODE) << 16
            archive.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)
        infos = archive.infolist()
    content = buffer.getvalue()
    _check_budget(package.name, len(content), unzipped, infos)

    digest = hashlib.sha256(content).hexdigest()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"{package.name}-{digest[:12]}.zip"
    write_atomically(path, content)
    return BuiltZip(
        name=package.name,
        path=path,
        size=len(content),
        unzipped_size=unzipped,
        sha256=digest,
        entries=len(infos),
        distributions=vendored_distributions(vendored),
    )


def _check_budget(name: str, size: int, unzipped: int, infos: list[zipfile.ZipInfo]) -> None:
    if size <= MAX_ZIP_BYTES and unzipped <= MAX_UNZIPPED_BYTES:
        return
    by_top: dict[str, int] = {}
    for info in infos:
        top = info.filename.split("/")[0]
        by_top[top] = by_top.get(top, 0) + info.compress_size
    largest = ", ".join(
        f"{top} {n / 1e6:.1f} MB" for top, n in sorted(by_top.items(), key=lambda t: -t[1])[:6]
    )
    raise PackagingError(
        f"the {name} zip is {size / 2**20:.2f} MiB ({unzipped / 2**20:.1f} MiB unzipped): over the budget of "
        f"{MAX_ZIP_BYTES / 2**20:.0f} MiB zipped and {MAX_UNZIPPED_BYTES / 2**20:.0f} MiB unzipped; "
        f"largest: {largest}"
    )


# -- everything ------------------------------------------------------------------------------------------


def package_all(
    repo_root: str | os.PathLike[str],
    out_dir: str | os.PathLike[str],
    *,
    runtime: str = LAMBDA_RUNTIME,
    platform: str = DEFAULT_PLATFORM,
    cache_dir: str | os.PathLike[str] | None = None,
    packages: Sequence[LambdaPackage] = PACKAGES,
) -> dict[str, BuiltZip]:
    """Build every zip of the stack into ``out_dir``; each distinct requirement set is vendored once.

    The cache defaults to ``<repo_root>/build/.pip-cache``.
    """
    root = Path(repo_root)
    version = python_version_of(runtime)
    cache = Path(cache_dir) if cache_dir is not None else root / "build" / ".pip-cache"
    built: dict[str, BuiltZip] = {}
    with tempfile.TemporaryDirectory(prefix="meety-vendor-") as tmp:
        vendored: dict[tuple[str, ...], Path] = {}
        for package in packages:
            if package.requirements not in vendored:
                target = Path(tmp) / str(len(vendored))
                vendor(
                    package.requirements, target, python_version=version, platform=platform, cache_dir=cache
                )
                vendored[package.requirements] = target
            built[package.name] = build_zip(
                package, out_dir, vendored_dir=vendored[package.requirements], repo_root=root
            )
    return built
