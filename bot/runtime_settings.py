"""Settings of ``meety serve`` and ``meety chat``: read once at the entry point, then passed down."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.errors import SettingsError


class RuntimeSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="MEETY_", frozen=True, extra="ignore")

    host: str = "127.0.0.1"
    port: int = 8080
    data_dir: Path = Path(".meety")
    """``MEETY_DATA_DIR``: where SQLite files and keys live."""
    bot: Path | None = None
    """``MEETY_BOT``: a LexJson folder or zip to run instead of the project's own bot."""
    project: Path = Path(".")
    code_hook: str | None = None
    """``MEETY_CODE_HOOK``: ``module:function`` called as the bot's Lambda."""
    clock: datetime | None = None
    """``MEETY_CLOCK``: pin "now" (ISO 8601) for reproducible runs."""
    timezone: str = "UTC"
    """``MEETY_TIMEZONE``: the zone relative dates and times are resolved in (Lex: the AWS region's)."""
    aliases: tuple[str, ...] = ()
    """Alias ids served besides TSTALIASID."""
    frame_ancestors: str = "'self'"
    """``MEETY_FRAME_ANCESTORS``: CSP sources allowed to frame the widget pages (the portal: never)."""
    widget_origins: tuple[str, ...] = ()
    """``MEETY_WIDGET_ORIGINS``: other sites whose pages may embed the widget against this server (CORS)."""
    hook_threads: int = 1
    """``MEETY_HOOK_THREADS``: worker threads for hooked turns (see ``bot.runtime.http.create_app``)."""

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"'{value}' is not an IANA time zone") from None
        return value

    @field_validator("port")
    @classmethod
    def _port(cls, value: int) -> int:
        if not 0 <= value <= 65535:
            raise ValueError("must be 0..65535")
        return value

    @field_validator("frame_ancestors")
    @classmethod
    def _ancestors(cls, value: str) -> str:
        if not value.strip() or any(c in value for c in ';,\r\n"') or not value.isascii():
            raise ValueError("space-separated CSP sources, e.g. \"'self' https://www.example.com\"")
        return value.strip()

    @field_validator("widget_origins")
    @classmethod
    def _origins(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for origin in value:
            if not origin.startswith(("http://", "https://")) or origin.count("/") != 2:
                raise ValueError(f"'{origin}' is not an origin like https://www.example.com")
        return value

    @field_validator("hook_threads")
    @classmethod
    def _threads(cls, value: int) -> int:
        if not 1 <= value <= 64:
            raise ValueError("must be 1..64")
        return value

    @field_validator("clock")
    @classmethod
    def _aware(cls, value: datetime | None) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("needs a UTC offset, e.g. 2026-11-18T10:00:00-05:00")
        return value


def load_runtime_settings(**overrides: object) -> RuntimeSettings:
    """Environment first, CLI flags (non-None overrides) on top; a bad value is a SettingsError."""
    given = {k: v for k, v in overrides.items() if v is not None}
    try:
        return RuntimeSettings(**given)  # type: ignore[arg-type]
    except ValidationError as exc:
        details = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise SettingsError(f"invalid setting: {details}") from None
