"""The composition root of the local runtime: settings -> bot, store, clock, hook -> LexRuntime."""

from __future__ import annotations

import os
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.build import compile_project
from bot.errors import MeetyError
from bot.lexjson import load_package
from bot.model import Bot
from bot.runtime.codehook import Handler, load_handler
from bot.runtime.service import Clock, LexRuntime
from bot.runtime.sessions import MemorySessionStore, SessionStore, SqliteSessionStore
from bot.runtime_settings import RuntimeSettings
from bot.settings import load_build_settings

SESSIONS_FILE = "lex-sessions.db"
PROJECT_CODE_HOOK = "fulfillment.handler:lambda_handler"
"""The project bot's Lambda; other bots (``--bot``) run without a hook unless one is named."""


def load_bot(settings: RuntimeSettings) -> Bot:
    """The project's bot from its specs, or any LexJson package (folder or zip) given with ``--bot``."""
    if settings.bot is None:
        return compile_project(settings.project, load_build_settings())
    if (settings.bot / "intents").is_dir():
        return compile_project(settings.bot, load_build_settings())
    return load_package(settings.bot)


def use_default_store(settings: RuntimeSettings) -> None:
    """Requests live beside the sessions (``<data-dir>/meety.db``) unless ``MEETY_STORE`` says otherwise.

    Set in the environment because the Lambdas run in this process read their settings from it, as
    they do in AWS.
    """
    os.environ.setdefault("MEETY_STORE", f"sqlite:///{(settings.data_dir / 'meety.db').resolve()}")
    os.environ["MEETY_DATA_DIR"] = str(settings.data_dir.resolve())  # the e-mail outbox lives there


def code_hook(settings: RuntimeSettings) -> Handler | None:
    reference = settings.code_hook
    if reference is None and settings.bot is None:
        reference = PROJECT_CODE_HOOK
        use_default_store(settings)
    if reference is None or reference == "none":
        return None
    if settings.clock is not None:
        # the hook runs in this process and reads its settings from the environment, as in Lambda:
        # hand it the same pinned "now" so dialog and fulfilment agree on what "today" is
        os.environ["MEETY_CLOCK"] = settings.clock.isoformat()
    try:
        return load_handler(reference)
    except (ImportError, ValueError) as exc:
        raise MeetyError(f"cannot load the code hook: {exc}") from None


def build_runtime(settings: RuntimeSettings, *, persistent: bool = True) -> LexRuntime:
    store: SessionStore
    if persistent:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        store = SqliteSessionStore(Path(settings.data_dir) / SESSIONS_FILE)
    else:
        store = MemorySessionStore()
    return LexRuntime(
        load_bot(settings),
        store=store,
        clock=Clock(zone=ZoneInfo(settings.timezone), pinned=settings.clock),
        handler=code_hook(settings),
        aliases={alias: alias for alias in settings.aliases},
    )
