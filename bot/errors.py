"""The errors the bot tooling raises, mapped to exit codes and messages at the CLI edge."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


class MeetyError(Exception):
    """Base of every error Meety reports to a user as a message, never as a traceback."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a bot definition, pointing at where to fix it.

    ``where`` is a path from the bot down to the field, e.g.
    ``("en_US", "intent ScheduleMeeting", "slot AttendeeName", "prompt")``;
    ``source`` is the file (and key) the offending value came from, when known.
    """

    where: tuple[str, ...]
    message: str
    source: str | None = None

    def __str__(self) -> str:
        place = " > ".join(self.where)
        prefix = f"{self.source}: " if self.source else ""
        return f"{prefix}{place}: {self.message}" if place else f"{prefix}{self.message}"


class InvalidBot(MeetyError):
    """A bot definition broke one or more rules; all of them are listed."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class PackageError(MeetyError):
    """A LexJson package could not be read: names the file and the field."""

    def __init__(self, file: str, message: str, field: str | None = None) -> None:
        self.file = file
        self.field = field
        where = f"{file} [{field}]" if field else file
        super().__init__(f"{where}: {message}")


class SettingsError(MeetyError):
    """A ``MEETY_*`` variable holds a value we cannot use."""
