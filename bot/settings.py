"""Build-time settings: what the bot's configuration-driven slot types list.

Read once at the entry point from ``MEETY_*`` variables and passed down.
Later services add their own settings objects next to this one.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.errors import SettingsError
from fulfillment.targets import BackupTarget, check_names, parse_backup_targets, split_list


def _split(value: object) -> object:
    return split_list(value) if isinstance(value, str) else value


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
        return check_names(value, "pipeline")

    @field_validator("backup_targets", mode="before")
    @classmethod
    def _targets(cls, value: object) -> object:
        return parse_backup_targets(value) if isinstance(value, str) else value

    def slot_values(self) -> dict[str, tuple[str, ...]]:
        """Values for slot types declared with ``values_from``, by setting name."""
        return {"pipelines": self.pipelines, "backup_targets": tuple(t.name for t in self.backup_targets)}


def load_build_settings() -> BuildSettings:
    try:
        return BuildSettings()
    except ValidationError as exc:
        details = "; ".join(f"MEETY_{'_'.join(map(str, e['loc'])).upper()}: {e['msg']}" for e in exc.errors())
        raise SettingsError(f"invalid setting: {details}") from None
