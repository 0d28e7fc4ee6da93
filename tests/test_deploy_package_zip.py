"""The Lambda zips (``bot.deploy.package``): what they hold, that they are byte-for-byte reproducible and
within budget. ``build_zip`` runs on a tiny project first (fast); then on the real zips, built once per
session by ``tests.deploy_run_support.builds`` (vendoring needs PyPI, or ``build/.pip-cache`` from an
earlier run). Outside CI a pip failure (offline, no cache yet) skips the tests that need the zips; under
``CI=true`` it fails them.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import re
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest

from bot.deploy import package as pkg
from bot.deploy.package import (
    BOT_MODULES,
    PACKAGES,
    BuiltZip,
    LambdaPackage,
    PackagingError,
    build_zip,
    first_party_files,
    vendor,
)
from bot.deploy.vendor import RUNTIME_PROVIDED, PipFailed
from tests.deploy_run_support import Builds, module_file, runtime_imports
from tests.deploy_run_support import builds as builds

RUNTIME_MODULES = frozenset({"boto3", "botocore"})
"""What the Lambda code may import from the runtime rather than from its zip."""
NEVER_IN_A_ZIP = (
    *("numpy", "scipy", "starlette", "uvicorn", "httptools", "uvloop", "dateparser", "pydantic_settings"),
    *("boto3", "botocore", "s3transfer", "jmespath", "urllib3", "dateutil", "six.py"),
    *("bot/runtime", "bot/model.py", "bot/deploy", "intents", "tests"),
)
"""Zip paths (or their prefixes) no zip may hold: the bot's runtime, the runtime's own, local-only."""


# -- build_zip on a tiny project (fast) -------------------------------------------------------------------


@dataclasses.dataclass
class Demo:
    root: Path
    vendored: Path
    package: LambdaPackage


@pytest.fixture
def demo(tmp_path: Path) -> Demo:
    root = tmp_path / "repo"
    files = {
        "app/__init__.py": "",
        "app/handler.py": "def lambda_handler(event, context):\n    return {}\n",
        "app/sub/__init__.py": "",
        "app/sub/data.json": "{}",
        "app/local_only.py": "import starlette\n",
        "app/__pycache__/handler.cpython-311.pyc": "junk",
        "app/stale.pyc": "junk",
        "lib/__init__.py": "",
        "lib/errors.py": "class E(Exception): ...\n",
        "lib/big.py": "import numpy\n",
        "texts/en.toml": "a = 'b'\n",
        "texts/README.md": "not shipped",
    }
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    vendored = tmp_path / "vendored"
    for name in ("dep/__init__.py", "dep/__pycache__/x.pyc", "dep-1.0.dist-info/METADATA", "single.py"):
        (vendored / name).parent.mkdir(parents=True, exist_ok=True)
        (vendored / name).write_text(name, encoding="utf-8")
    package = LambdaPackage(
        name="demo",
        handlers=("app.handler.lambda_handler",),
        packages=("app",),
        modules=("lib", "lib.errors"),
        data=("texts/*.toml",),
        exclude=("app/local_only.py",),
    )
    return Demo(root, vendored, package)


def test_build_zip_is_byte_for_byte_reproducible(demo: Demo, tmp_path: Path) -> None:
    first = build_zip(demo.package, tmp_path / "one", vendored_dir=demo.vendored, repo_root=demo.root)
    for path in demo.root.rglob("*"):  # what the file system says must not matter
        if path.is_file():
            os.utime(path, (2_000_000_000, 2_000_000_000))
            path.chmod(0o600)
    second = build_zip(demo.package, tmp_path / "two", vendored_dir=demo.vendored, repo_root=demo.root)
    assert first.path.read_bytes() == second.path.read_bytes()
    assert first.path.name == second.path.name
    assert re.fullmatch(r"demo-[0-9a-f]{12}\.zip", first.path.name)
    assert first.sha256 == hashlib.sha256(first.path.read_bytes()).hexdigest()
    assert first.path.name == f"demo-{first.sha256[:12]}.zip"
    assert first.size == first.path.stat().st_size
    assert first.distributions == ("dep==1.0",)

    with zipfile.ZipFile(first.path) as archive:
        assert archive.namelist() == [
            "app/",
            "app/__init__.py",
            "app/handler.py",
            "app/sub/",
            "app/sub/__init__.py",
            "app/sub/data.json",
            "dep-1.0.dist-info/",
            "dep-1.0.dist-info/METADATA",
            "dep/",
            "dep/__init__.py",
            "lib/",
            "lib/__init__.py",
            "lib/errors.py",
            "single.py",
            "texts/",
            "texts/en.toml",
        ]
        check_entries(archive)


def check_entries(archive: zipfile.ZipFile) -> None:
    names = archive.namelist()
    assert names == sorted(names)
    assert len(names) == len(set(names))
    for info in archive.infolist():
        assert info.date_time == (1980, 1, 1, 0, 0, 0), info.filename
        mode = info.external_attr >> 16
        if info.is_dir():
            assert mode == 0o040755, info.filename
        else:
            assert mode == 0o100644, info.filename
            assert info.compress_type == zipfile.ZIP_DEFLATED, info.filename
        assert "__pycache__" not in info.filename
        assert not info.filename.endswith((".pyc", ".pyo"))


def test_a_path_both_first_party_and_vendored_is_refused(demo: Demo, tmp_path: Path) -> None:
    (demo.vendored / "app").mkdir()
    (demo.vendored / "app" / "handler.py").write_text("shadow", encoding="utf-8")
    with pytest.raises(PackagingError, match=r"app/handler\.py is both first-party and vendored"):
        build_zip(demo.package, tmp_path, vendored_dir=demo.vendored, repo_root=demo.root)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"modules": ("lib.nowhere",)}, "module lib.nowhere not found"),
        ({"packages": ("texts",)}, "texts is not a package"),
        ({"data": ("texts/*.yaml",)}, r"no file matches 'texts/\*\.yaml'"),
    ],
)
def test_a_spec_naming_what_is_not_there_is_refused(
    demo: Demo, tmp_path: Path, change: dict[str, Any], message: str
) -> None:
    broken = dataclasses.replace(demo.package, **change)
    with pytest.raises(PackagingError, match=message):
        build_zip(broken, tmp_path, vendored_dir=demo.vendored, repo_root=demo.root)


def test_a_zip_over_the_budget_is_refused(
    demo: Demo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pkg, "MAX_ZIP_BYTES", 100)
    with pytest.raises(PackagingError, match=r"the demo zip is .* over the budget .* largest: "):
        build_zip(demo.package, tmp_path / "out", vendored_dir=demo.vendored, repo_root=demo.root)
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())


def test_a_pip_failure_names_the_requirement(tmp_path: Path) -> None:
    with pytest.raises(PipFailed) as caught:
        vendor(["pydantic>=999"], tmp_path / "vendored", cache_dir=tmp_path / "cache")
    assert caught.value.requirements == ("pydantic>=999",)
    assert "pydantic>=999" in str(caught.value)


def test_vendoring_wants_a_fresh_directory(tmp_path: Path) -> None:
    (tmp_path / "left-over.txt").write_text("x", encoding="utf-8")
    with pytest.raises(PackagingError, match="not empty"):
        vendor(["pydantic>=2.7,<3"], tmp_path, cache_dir=tmp_path / "cache")


# -- the real zips (vendored once per session: deploy_run_support.builds) --------------------------------


def names_of(built: BuiltZip) -> list[str]:
    with zipfile.ZipFile(built.path) as archive:
        return archive.namelist()


def test_two_builds_give_the_same_bytes_and_names(builds: Builds) -> None:
    assert set(builds.first) == {"fulfillment", "admin"}
    for name, built in builds.first.items():
        again = builds.second[name]
        assert built.path.name == again.path.name
        assert built.path.read_bytes() == again.path.read_bytes()
        assert built.path.name == f"{name}-{hashlib.sha256(built.path.read_bytes()).hexdigest()[:12]}.zip"


@pytest.mark.parametrize("name", ["fulfillment", "admin"])
def test_entries_are_sorted_dated_and_free_of_bytecode(builds: Builds, name: str) -> None:
    with zipfile.ZipFile(builds.first[name].path) as archive:
        check_entries(archive)
        assert archive.testzip() is None
        records = [n for n in archive.namelist() if n.endswith(("/RECORD", "/direct_url.json", ".pyi"))]
        assert not records
        assert not [n for n in archive.namelist() if n.startswith("bin/")]


def assert_nothing_heavy(names: list[str]) -> None:
    for banned in NEVER_IN_A_ZIP:
        hits = [n for n in names if n == banned or n.startswith((f"{banned}/", f"{banned}-", f"{banned}."))]
        assert not hits, f"{banned} in the zip: {hits[:3]}"


def test_the_fulfillment_zip_holds_the_code_hook_its_texts_and_its_wheels(builds: Builds) -> None:
    names = names_of(builds.first["fulfillment"])
    expected = {"fulfillment/handler.py", "fulfillment/sweeper.py", "fulfillment/identity/cognito.py"}
    expected |= {"fulfillment/domain/dynamodb_store.py", "fulfillment/notify/invites.py"}
    expected |= {
        "locales/en_US.toml",
        "locales/es_US.toml",
        "bot/__init__.py",
        "bot/errors.py",
        "bot/catalog.py",
    }
    assert expected <= set(names)
    assert [n for n in names if n.startswith("bot/") and not n.endswith("/")] == sorted(
        module_file(m, set(names)) or m for m in BOT_MODULES
    )
    for top in ("pydantic", "pydantic_core", "aws_lambda_powertools", "aws_xray_sdk", "ulid", "jwt"):
        assert f"{top}/__init__.py" in names, top
    for top in ("icalendar", "cryptography", "tzdata", "wrapt", "typing_inspection", "annotated_types"):
        assert f"{top}/__init__.py" in names, top
    assert "typing_extensions.py" in names
    assert any(re.fullmatch(r"pydantic-[^/]+\.dist-info/METADATA", n) for n in names)  # importlib.metadata
    assert not [n for n in names if n.startswith("admin_api/")]
    assert not [n for n in names if "swagger-ui" in n]
    assert_nothing_heavy(names)


def test_the_admin_zip_holds_the_api_and_the_shared_fulfillment_code(builds: Builds) -> None:
    names = names_of(builds.first["admin"])
    expected = {"admin_api/handler.py", "admin_api/routes.py", "admin_api/events.py", "fulfillment/app.py"}
    expected |= {
        "fulfillment/identity/tokens.py",
        "bot/errors.py",
        "jwt/__init__.py",
        "icalendar/__init__.py",
        "pydantic_core/__init__.py",
        "aws_xray_sdk/__init__.py",
    }
    expected |= {"aws_lambda_powertools/event_handler/openapi/swagger_ui/swagger-ui-bundle.min.js"}
    assert expected <= set(names)
    assert "admin_api/local_gateway.py" not in names  # Starlette: meety serve only
    assert not [n for n in names if n.startswith(("locales/", "cryptography/", "cffi/"))]
    assert_nothing_heavy(names)


@pytest.mark.parametrize("package", PACKAGES, ids=lambda p: p.name)
def test_every_third_party_import_is_in_the_zip_or_the_runtime(
    builds: Builds, package: LambdaPackage
) -> None:
    names = set(names_of(builds.first[package.name]))
    tops = {n.split("/")[0].removesuffix(".py") for n in names}
    for arcname, path in first_party_files(package).items():
        if not arcname.endswith(".py"):
            continue
        for imported in runtime_imports(path, arcname):
            top = imported.split(".")[0]
            if top and top not in sys.stdlib_module_names and top != "__future__":
                assert top in tops or top in RUNTIME_MODULES, f"{arcname} imports {imported}: not shipped"


def test_the_zips_fit_the_budget(builds: Builds, capsys: pytest.CaptureFixture[str]) -> None:
    with capsys.disabled():
        print(f"\nbuilt in {builds.seconds[0]:.1f} s, rebuilt in {builds.seconds[1]:.1f} s")
        for built in builds.first.values():
            print(
                f"  {built.path.name}: {built.size / 1e6:.2f} MB ({built.size / 2**20:.2f} MiB), "
                f"{built.unzipped_size / 1e6:.1f} MB unzipped, {built.entries} entries"
            )
            print(f"    vendored: {', '.join(built.distributions)}")
    for built in builds.first.values():
        assert built.size <= pkg.MAX_ZIP_BYTES
        assert built.unzipped_size <= pkg.MAX_UNZIPPED_BYTES
        provided = {d.split("==")[0] for d in built.distributions} & RUNTIME_PROVIDED
        assert not provided, f"{built.name} vendors what the runtime has: {provided}"
