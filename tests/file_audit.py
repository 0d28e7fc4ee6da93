"""Which files a block of code opens, from Python's audit hook (``open`` events)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

_recording: list[list[str]] = []
_installed = False


def _hook(event: str, args: tuple[object, ...]) -> None:
    if not _recording or event != "open" or not isinstance(args[0], str | bytes | Path):
        return
    raw = args[0]
    path = str(Path(raw.decode() if isinstance(raw, bytes) else raw).resolve())
    for opened in _recording:
        opened.append(path)


@contextmanager
def opened_files() -> Iterator[list[str]]:
    """Collects the resolved path of every file opened inside the block (an audit hook can't be removed)."""
    global _installed
    if not _installed:
        sys.addaudithook(_hook)
        _installed = True
    opened: list[str] = []
    _recording.append(opened)
    try:
        yield opened
    finally:
        _recording.remove(opened)


def under(paths: list[str], folder: Path) -> list[str]:
    root = str(folder.resolve())
    return [path for path in paths if path == root or path.startswith(root + "/")]
