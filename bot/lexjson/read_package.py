"""Opening a LexJson package: a folder or a zip read in memory, its root, its manifest.

Zips are never extracted: the JSON entries are read into memory, after
refusing any entry with an absolute path or ``..`` (zip-slip) and any zip whose
JSON would inflate past ``MAX_PACKAGE_BYTES``. The package root is where
``Manifest.json`` (real exports) or ``manifest.json`` (the docs) sits, or the
one top-level folder that wraps everything. The manifest must say LexJson,
schema version 1 and resource type BOT: BotLocale and CustomVocabulary packages
are refused, since a ``Bot`` needs the whole bot.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from bot.errors import PackageError
from bot.lexjson.read_messages import Node, parse_json

MANIFEST_NAMES = ("Manifest.json", "manifest.json")
MAX_PACKAGE_BYTES = 64 * 1024 * 1024
"""Refuse zips whose JSON entries would inflate past this (a zip bomb, not a bot)."""
_IGNORED_ENTRIES = ("__MACOSX/",)


@dataclass(frozen=True)
class Package:
    files: Mapping[str, str]
    """Path relative to the package root -> the name shown in errors (its path in the folder or zip)."""
    read: Callable[[str], bytes]
    """Raw bytes of a file, by its shown name."""
    prefix: str = ""
    """The one top-level folder wrapping the package, if any (``"export/"``)."""

    def shown(self, relative: str) -> str:
        return self.files.get(relative, self.prefix + relative)

    @property
    def manifest(self) -> str:
        """The manifest's path relative to the root (``Manifest.json`` or ``manifest.json``)."""
        return next(m for m in MANIFEST_NAMES if m in self.files)

    def node(self, relative: str) -> Node:
        name = self.shown(relative)
        try:
            data = self.read(name)
        except OSError as exc:
            raise PackageError(name, f"cannot read: {exc.strerror or exc}") from None
        return parse_json(data, name)


def open_package(path: Path) -> Package:
    """The package at ``path``: every JSON file under its root, read lazily (folder) or from memory (zip)."""
    if path.is_dir():
        files = (p for p in path.rglob("*.json") if p.is_file())
        names = sorted(p.relative_to(path).as_posix() for p in files)
        return _rooted(names, lambda name: (path / name).read_bytes())
    if not path.is_file():
        raise PackageError(str(path), "no such folder or zip file")
    try:
        with zipfile.ZipFile(path) as archive:
            entries = _read_zip(archive)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, OSError, EOFError, RuntimeError) as exc:
        raise PackageError(str(path), f"not a readable zip file ({exc})") from None
    return _rooted(sorted(entries), entries.__getitem__)


def _read_zip(archive: zipfile.ZipFile) -> dict[str, bytes]:
    infos = archive.infolist()
    for info in infos:
        parts = info.filename.replace("\\", "/").split("/")
        if info.filename.startswith(("/", "\\")) or re.match(r"[A-Za-z]:", info.filename) or ".." in parts:
            raise PackageError(info.filename, "unsafe entry path (absolute or with '..'); refusing the zip")
    wanted = [
        i
        for i in infos
        if not i.is_dir() and i.filename.endswith(".json") and not i.filename.startswith(_IGNORED_ENTRIES)
    ]
    if sum(i.file_size for i in wanted) > MAX_PACKAGE_BYTES:
        raise PackageError(archive.filename or "<zip>", f"JSON entries exceed {MAX_PACKAGE_BYTES} bytes")
    return {i.filename.replace("\\", "/"): archive.read(i) for i in wanted}


def _rooted(names: list[str], read: Callable[[str], bytes]) -> Package:
    """Find the package root: where the manifest is, or the one folder wrapping everything."""
    if any(n in names for n in MANIFEST_NAMES):
        return Package({n: n for n in names}, read)
    tops = {n.split("/", 1)[0] for n in names}
    if len(tops) == 1 and all("/" in n for n in names):
        prefix = f"{tops.pop()}/"
        if any(prefix + m in names for m in MANIFEST_NAMES):
            return Package({n[len(prefix) :]: n for n in names}, read, prefix)
    raise PackageError(MANIFEST_NAMES[0], "missing: a LexJson package has Manifest.json at its root")


def check_manifest(package: Package) -> None:
    manifest = package.node(package.manifest)
    meta = manifest.obj(manifest.key_of("metaData", "metadata"))
    version = meta.string("schemaVersion")
    if version not in ("1", "1.0"):
        raise meta.error(f"unsupported schema version {version!r} (expected 1)", "schemaVersion")
    file_format = meta.string("fileFormat")
    if file_format.lower() != "lexjson":
        raise meta.error(f"unsupported file format {file_format!r} (expected LexJson)", "fileFormat")
    kind = meta.string("resourceType")
    if kind.lower() in ("botlocale", "bot_locale", "customvocabulary", "custom_vocabulary"):
        raise meta.error(
            f"a {kind} package: only whole-bot packages (resourceType BOT) are supported", "resourceType"
        )
    if kind.lower() != "bot":
        raise meta.error(f"unknown resource type {kind!r} (expected BOT)", "resourceType")
