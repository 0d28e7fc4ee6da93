"""Build-time settings: what the bot's configuration-driven slot types list.

Read once at the entry point from ``MEETY_*`` variables and passed down.
Later services add their own settings objects next to this one.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.errors import SettingsError

BackupKind = Literal["rds", "aurora", "dynamodb"]
RESOURCE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,254}$")


class BackupTarget(BaseModel):
    """A database an admin may back up: ``rds:orders-db``, ``aurora:analytics``, ``dynamodb:sessions``."""

    model_config = ConfigDict(frozen=True)
    kind: BackupKind
    name: str


def _split(value: object) -> object:
    if isinstance(value, str):
        return tuple(part.strip() for part in value.split(",") if part.strip())
    return value


def _resource_names(names: tuple[str, ...], what: str) -> tuple[str, ...]:
    for name in names:
        if not RESOURCE_NAME.match(name):
            raise ValueError(f"{what} '{name}' is not a valid AWS resource name")
    return names


class BuildSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="MEETY_", frozen=True, extra="ignore")

    pipelines: Annotated[tuple[str, ...], NoDecode] = ()
    """``MEETY_PIPELINES``: CodePipeline names, comma-separated."""
    backup_targets: Annotated[tuple[BackupTarget, ...], NoDecode] = ()
    """``MEETY_BACKUP_TARGETS``: ``kind:name`` pairs, comma-separated; kind is rds, aurora or dynamodb."""

    @field_validator("pipelines", mode="before")
    @classmethod
    def _pipelines(cls, value: object) -> object:
        return _split(value)

    @field_validator("pipelines")
    @classmethod
    def _pipeline_names(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return _resource_names(value, "pipeline")

    @field_validator("backup_targets", mode="before")
    @classmethod
    def _targets(cls, value: object) -> object:
        items = _split(value)
        if not isinstance(items, tuple):
            return items
        targets = []
        for item in items:
            if not isinstance(item, str):
                targets.append(item)
                continue
            kind, sep, name = item.partition(":")
            if not sep:
                raise ValueError(
                    f"backup target '{item}' must look like rds:NAME, aurora:NAME or dynamodb:NAME"
                )
            _resource_names((name,), "backup target")
            targets.append({"kind": kind, "name": name})
        return tuple(targets)

    def slot_values(self) -> dict[str, tuple[str, ...]]:
        """Values for slot types declared with ``values_from``, by setting name."""
        return {"pipelines": self.pipelines, "backup_targets": tuple(t.name for t in self.backup_targets)}


def load_build_settings() -> BuildSettings:
    try:
        return BuildSettings()
    except ValidationError as exc:
        details = "; ".join(f"MEETY_{'_'.join(map(str, e['loc'])).upper()}: {e['msg']}" for e in exc.errors())
        raise SettingsError(f"invalid setting: {details}") from None
