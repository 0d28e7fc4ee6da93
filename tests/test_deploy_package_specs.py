"""The Lambda zip specs (``bot.deploy.package``) against the code and pyproject: the runtime's Python, the
vendored requirements, the classification of every dependency, and that each zip's first-party imports
resolve inside it. Fast: nothing is built.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement

from bot.deploy.config import LAMBDA_RUNTIME
from bot.deploy.package import (
    BOT_MODULES,
    LOCAL_ONLY,
    PACKAGES,
    LambdaPackage,
    PackagingError,
    first_party_files,
    python_version_of,
)
from bot.deploy.vendor import RUNTIME_PROVIDED, canonical_name
from tests.conftest import REPO
from tests.deploy_run_support import module_file, runtime_imports

FIRST_PARTY = frozenset({"bot", "fulfillment", "admin_api", "intents"})


# -- the specs against the code and pyproject (fast) ------------------------------------------------------


def test_the_runtime_names_the_python_the_wheels_are_for() -> None:
    assert python_version_of(LAMBDA_RUNTIME) == "3.11"
    assert python_version_of("python3.13") == "3.13"
    with pytest.raises(PackagingError, match=r"nodejs20\.x"):
        python_version_of("nodejs20.x")


def pyproject_dependencies() -> dict[str, Requirement]:
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    requirements = (Requirement(line) for line in project["dependencies"])
    return {canonical_name(r.name): r for r in requirements}


@pytest.mark.parametrize("package", PACKAGES, ids=lambda p: p.name)
def test_vendored_requirements_keep_pyprojects_specifiers(package: LambdaPackage) -> None:
    declared = pyproject_dependencies()
    for line in package.requirements:
        wanted = Requirement(line)
        name = canonical_name(wanted.name)
        assert name in declared, f"{line}: not a pyproject dependency"
        assert wanted.specifier == declared[name].specifier, (
            f"{line} drifted from pyproject's {declared[name]}"
        )
        assert name not in RUNTIME_PROVIDED | LOCAL_ONLY


def test_every_pyproject_dependency_is_vendored_provided_or_local_only() -> None:
    vendored = {canonical_name(Requirement(line).name) for p in PACKAGES for line in p.requirements}
    unclassified = set(pyproject_dependencies()) - vendored - RUNTIME_PROVIDED - LOCAL_ONLY
    assert not unclassified, (
        f"decide whether the Lambdas vendor {sorted(unclassified)} (bot/deploy/package.py)"
    )


def in_repo(name: str) -> list[Path]:
    """The repository file of module ``name`` ([] when ``name`` is no module, e.g. a function)."""
    path = REPO / name.replace(".", "/")
    return [p for p in (path.with_suffix(".py"), path / "__init__.py") if p.is_file()]


@pytest.mark.parametrize("package", PACKAGES, ids=lambda p: p.name)
def test_first_party_imports_all_resolve_inside_the_zip(package: LambdaPackage) -> None:
    """Every first-party import (lazy ones too) names a module the zip has, with its parent packages."""
    files = first_party_files(package)
    missing = []
    for arcname, path in files.items():
        if not arcname.endswith(".py"):
            continue
        for imported in sorted(runtime_imports(path, arcname)):
            parts = imported.split(".")
            if parts[0] not in FIRST_PARTY or not in_repo(imported):
                continue  # not first-party, or ``from pkg import name`` naming an attribute
            for depth in range(1, len(parts) + 1):
                prefix = ".".join(parts[:depth])
                if module_file(prefix, set(files)) is None:
                    missing.append(f"{arcname} imports {imported}: {prefix} is not in the zip")
    assert not missing, "\n".join(sorted(set(missing)))


def test_the_bot_modules_are_exactly_those_the_lambda_code_imports() -> None:
    """Following imports from every file of the whole packages reaches exactly ``BOT_MODULES``."""
    reached: set[str] = set()
    pending = [
        path for p in PACKAGES for arcname, path in first_party_files(p).items() if arcname.endswith(".py")
    ]
    seen: set[Path] = set()
    while pending:
        path = pending.pop()
        if path in seen:
            continue
        seen.add(path)
        for imported in runtime_imports(path, path.relative_to(REPO).as_posix()):
            if imported.split(".")[0] != "bot":
                continue
            parts = imported.split(".")
            for depth in range(1, len(parts) + 1):
                prefix = ".".join(parts[:depth])
                candidates = in_repo(prefix)
                if candidates:
                    reached.add(prefix)
                    pending.extend(candidates)
    assert reached == set(BOT_MODULES)
    heavy = {"numpy", "scipy", "starlette", "uvicorn", "pydantic_settings", "dateparser"}
    for name in BOT_MODULES:
        [path] = in_repo(name)
        tops = {i.split(".")[0] for i in runtime_imports(path, path.relative_to(REPO).as_posix())}
        assert not tops & heavy, f"{name} imports {tops & heavy}"
