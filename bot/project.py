"""Finding a bot project on disk: the specs in ``intents/`` and the text in ``locales/``.

Each ``intents/*.py`` module is imported by path (so an operator can point
``meety build`` at any project folder) and may define ``BOT`` (exactly one
module does), ``INTENTS`` and ``SLOT_TYPES``. Problems are collected, not
raised, so a build lists everything wrong at once.
"""

from __future__ import annotations

import hashlib
import importlib.util
import sys
import traceback
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Generic, TypeVar

from pydantic import ValidationError

from bot.catalog import Catalog, load_catalog
from bot.errors import Problem
from bot.spec import BotSpec, IntentSpec, SlotTypeSpec

T = TypeVar("T")


@dataclass(frozen=True)
class Sourced(Generic[T]):
    """A spec and the file it was declared in, for error messages."""

    spec: T
    file: str


@dataclass
class Project:
    root: Path
    bot: Sourced[BotSpec] | None = None
    intents: list[Sourced[IntentSpec]] = field(default_factory=list)
    slot_types: list[Sourced[SlotTypeSpec]] = field(default_factory=list)
    catalogs: dict[str, Catalog] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


def load_project(root: Path) -> Project:
    root = root.resolve()
    project = Project(root=root)
    intents_dir, locales_dir = root / "intents", root / "locales"
    if not intents_dir.is_dir():
        project.problems.append(Problem((), "no intents/ folder here", source=str(root)))
        return project
    for path in sorted(intents_dir.glob("*.py")):
        _collect_module(project, path, _display(root, path))
    if project.bot is None:
        project.problems.append(Problem((), "no module defines BOT = BotSpec(...)", source="intents/"))
    for path in sorted(locales_dir.glob("*.toml")) if locales_dir.is_dir() else []:
        loaded = load_catalog(path, _display(root, path))
        if isinstance(loaded, Problem):
            project.problems.append(loaded)
        else:
            project.catalogs[loaded.locale_id] = loaded
    return project


def _display(root: Path, path: Path) -> str:
    return path.relative_to(root).as_posix()


def _collect_module(project: Project, path: Path, display: str) -> None:
    module = _import(path, display, project.problems)
    if module is None:
        return
    bot = getattr(module, "BOT", None)
    if bot is not None:
        if not isinstance(bot, BotSpec):
            project.problems.append(Problem(("BOT",), "must be a BotSpec", source=display))
        elif project.bot is not None:
            project.problems.append(
                Problem(("BOT",), f"BOT is already defined in {project.bot.file}", source=display)
            )
        else:
            project.bot = Sourced(bot, display)
    for name, kind, target in (
        ("INTENTS", IntentSpec, project.intents),
        ("SLOT_TYPES", SlotTypeSpec, project.slot_types),
    ):
        items = getattr(module, name, ())
        if not isinstance(items, Sequence):
            project.problems.append(Problem((name,), "must be a tuple of specs", source=display))
            continue
        for index, item in enumerate(items):
            if isinstance(item, kind):
                target.append(Sourced(item, display))  # type: ignore[arg-type]
            else:
                problem = f"item {index} is a {type(item).__name__}, not a {kind.__name__}"
                project.problems.append(Problem((name,), problem, source=display))


def _import(path: Path, display: str, problems: list[Problem]) -> ModuleType | None:
    """Import a spec module by path; its own errors become Problems pointing into it."""
    digest = hashlib.sha256(str(path).encode()).hexdigest()[:12]
    module_name = f"_meety_specs_{path.stem}_{digest}"
    spec = importlib.util.spec_from_file_location(module_name, path)
    if spec is None or spec.loader is None:
        problems.append(Problem((), "cannot be imported", source=display))
        return None
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    try:
        spec.loader.exec_module(module)
    except ValidationError as exc:
        for error in exc.errors():
            field_path = ".".join(str(p) for p in error["loc"])
            where = (exc.title, field_path) if field_path else (exc.title,)
            problems.append(Problem(where, error["msg"], source=_line_of(exc, path, display)))
        return None
    except Exception as exc:  # an operator's module may raise anything; report it, don't crash
        problems.append(Problem((), f"{type(exc).__name__}: {exc}", source=_line_of(exc, path, display)))
        return None
    finally:
        sys.modules.pop(module_name, None)
    return module


def _line_of(exc: BaseException, path: Path, display: str) -> str:
    """``file:line`` of the innermost frame inside the spec module, when there is one."""
    lines = [f.lineno for f in traceback.extract_tb(exc.__traceback__) if Path(f.filename) == path]
    return f"{display}:{lines[-1]}" if lines else display
