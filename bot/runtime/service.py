"""The local Lex V2 runtime behind the RuntimeApi contract: sessions, ids, locking, idle expiry.

One instance serves one bot (ours or any loaded export). Each locale's NLU
is trained once here; each request loads its session, runs one dialog turn
under that session's lock (concurrent sessions never share state) and saves
it, so conversations survive a restart when the store is SQLite.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any

from bot.lexjson.export import bot_identifier
from bot.model import Bot, Locale
from bot.runtime.api import SessionTarget
from bot.runtime.codehook import Handler
from bot.runtime.dialog import Turn
from bot.runtime.errors import (
    ConflictException,
    ResourceNotFoundException,
    ThrottlingException,
    ValidationException,
)
from bot.runtime.events import TEST_ALIAS_ID, TEST_ALIAS_NAME, BotIdentity
from bot.runtime.filling import Filler
from bot.runtime.nlu import LocaleNlu, train_locale
from bot.runtime.sessions import SessionStore

Json = dict[str, Any]
STATE_KEYS = ("sessionAttributes", "dialogAction", "intent", "activeContexts", "runtimeHints")
RUNTIME_ACTIONS = frozenset({"Close", "ConfirmIntent", "Delegate", "ElicitIntent", "ElicitSlot", "None"})


@dataclass(frozen=True)
class Clock:
    """ "Now" in the runtime's time zone; pinned for reproducible runs (``meety serve --clock``)."""

    zone: tzinfo
    pinned: datetime | None = None

    def now(self) -> datetime:
        if self.pinned is not None:
            return self.pinned.astimezone(self.zone)
        return datetime.now(self.zone)


class LexRuntime:
    def __init__(
        self,
        bot: Bot,
        *,
        store: SessionStore,
        clock: Clock,
        handler: Handler | None = None,
        aliases: Mapping[str, str] | None = None,
        max_in_flight: int = 256,
    ) -> None:
        self.bot = bot
        self.bot_id = bot_identifier(bot)
        self.store = store
        self.clock = clock
        self.handler = handler
        self.aliases = {TEST_ALIAS_ID: TEST_ALIAS_NAME, **(aliases or {})}
        self.nlus: dict[str, LocaleNlu] = {loc.locale_id: train_locale(loc) for loc in bot.locales}
        # sessions idle past the bot's TTL are dead (Lex forgets them); drop them so the file stays small
        self.store.purge_idle(self.clock.now().timestamp() - bot.idle_session_ttl_in_seconds)
        self.max_in_flight = max_in_flight
        self._busy: set[SessionTarget] = set()
        self._busy_guard = threading.Lock()

    # -- RuntimeApi --------------------------------------------------------------------------------

    def recognize_text(
        self,
        target: SessionTarget,
        text: str,
        session_state: Json | None,
        request_attributes: dict[str, str] | None,
    ) -> Json:
        locale = self._locale(target)
        with self._session(target):
            session = self._load(target)
            if session_state is not None:
                session["sessionState"] = _merged(session.get("sessionState") or {}, session_state, locale)
            turn = self._turn(target, locale, session, request_attributes)
            body = turn.recognize(text)
            self.store.save(target, turn.session, self.clock.now().timestamp())
        return body

    def put_session(
        self,
        target: SessionTarget,
        session_state: Json,
        messages: list[Json] | None,
        request_attributes: dict[str, str] | None,
    ) -> Json:
        locale = self._locale(target)
        with self._session(target):
            previous = self._load(target)
            session: Json = {
                "sessionState": _merged({}, session_state, locale),
                "turns": previous.get("turns", 0),
            }
            turn = self._turn(target, locale, session, request_attributes)
            if (session_state.get("dialogAction") or {}).get("type") == "Delegate":
                turn.delegate()
                said = turn.messages
            else:
                said = list(messages or [])
                turn.session["messages"] = said
            self.store.save(target, turn.session, self.clock.now().timestamp())
        return {
            "messages": said or None,
            "sessionState": turn.session["sessionState"],
            "requestAttributes": request_attributes,
            "sessionId": target.session_id,
        }

    def get_session(self, target: SessionTarget) -> Json:
        self._locale(target)
        session = self._load(target)
        if not session:
            raise ResourceNotFoundException(f"Session {target.session_id} not found")
        return {
            "sessionId": target.session_id,
            "messages": session.get("messages") or [],
            "interpretations": session.get("interpretations") or [],
            "sessionState": session.get("sessionState") or {},
        }

    def delete_session(self, target: SessionTarget) -> Json:
        self._locale(target)
        with self._session(target):
            if not self.store.delete(target):
                raise ResourceNotFoundException(f"Session {target.session_id} not found")
        return {
            "botId": target.bot_id,
            "botAliasId": target.alias_id,
            "localeId": target.locale_id,
            "sessionId": target.session_id,
        }

    def health(self) -> Json:
        return {
            "status": "ok",
            "bot": {
                "name": self.bot.name,
                "id": self.bot_id,
                "aliasIds": sorted(self.aliases),
                "locales": [loc.locale_id for loc in self.bot.locales],
            },
        }

    # -- helpers -----------------------------------------------------------------------------------

    def _locale(self, target: SessionTarget) -> Locale:
        if target.bot_id != self.bot_id:
            raise ResourceNotFoundException(
                f"Bot {target.bot_id} not found; this runtime serves {self.bot_id}"
            )
        if target.alias_id not in self.aliases:
            raise ResourceNotFoundException(f"Bot alias {target.alias_id} not found for bot {self.bot_id}")
        locale = self.bot.locale(target.locale_id)
        if locale is None:
            raise ResourceNotFoundException(f"Locale {target.locale_id} not found for bot {self.bot_id}")
        return locale

    @contextmanager
    def _session(self, target: SessionTarget) -> Iterator[None]:
        """One request per session at a time, as Lex: a second concurrent one is a conflict.

        Requests in flight beyond ``max_in_flight`` are throttled, like Lex's quota of concurrent
        conversations per alias.
        """
        with self._busy_guard:
            if target in self._busy:
                raise ConflictException(f"Session {target.session_id} is processing another request")
            if len(self._busy) >= self.max_in_flight:
                raise ThrottlingException("Too many concurrent requests; retry shortly")
            self._busy.add(target)
        try:
            yield
        finally:
            with self._busy_guard:
                self._busy.discard(target)

    def _load(self, target: SessionTarget) -> Json:
        stored = self.store.load(target)
        if stored is None:
            return {}
        idle = self.clock.now().timestamp() - stored.updated_at
        return stored.data if idle <= self.bot.idle_session_ttl_in_seconds else {}

    def _turn(
        self, target: SessionTarget, locale: Locale, session: Json, attributes: dict[str, str] | None
    ) -> Turn:
        identity = BotIdentity(
            id=self.bot_id,
            name=self.bot.name,
            alias_id=target.alias_id,
            alias_name=self.aliases[target.alias_id],
            locale_id=locale.locale_id,
        )
        turn = Turn(
            filler=Filler(locale=locale, nlu=self.nlus[locale.locale_id], now=self.clock.now()),
            identity=identity,
            session_id=target.session_id,
            handler=self.handler,
            request_attributes=attributes,
            session=session,
        )
        turn.state["originatingRequestId"] = str(uuid.uuid4())
        return turn


def _merged(stored: Json, given: Json, locale: Locale) -> Json:
    """Lex's rule: what the client sends replaces what is stored, key by key; what it omits is kept."""
    state = {k: v for k, v in stored.items() if k in (*STATE_KEYS, "originatingRequestId")}
    attributes = given.get("sessionAttributes")
    if attributes is not None and (
        not isinstance(attributes, Mapping)
        or not all(isinstance(k, str) and isinstance(v, str) for k, v in attributes.items())
    ):
        raise ValidationException("sessionState.sessionAttributes must map strings to strings")
    action = given.get("dialogAction")
    if action is not None and (not isinstance(action, Mapping) or action.get("type") not in RUNTIME_ACTIONS):
        raise ValidationException(
            f"sessionState.dialogAction.type must be one of {', '.join(sorted(RUNTIME_ACTIONS))}"
        )
    intent = given.get("intent")
    if intent is not None:
        if not isinstance(intent, Mapping) or not isinstance(intent.get("name"), str):
            raise ValidationException("sessionState.intent.name is required")
        definition = locale.intent(intent["name"])
        if definition is None:
            raise ValidationException(f"Intent {intent['name']} does not exist in locale {locale.locale_id}")
        slots = {s.name: None for s in definition.slots}
        given_slots = intent.get("slots")
        if given_slots is not None and not isinstance(given_slots, Mapping):
            raise ValidationException("sessionState.intent.slots must be an object")
        intent = {
            "name": intent["name"],
            "slots": {**slots, **(given_slots or {})},
            "state": intent.get("state") or "InProgress",
            "confirmationState": intent.get("confirmationState") or "None",
        }
    for key in STATE_KEYS:
        if key in given and given[key] is not None:
            state[key] = intent if key == "intent" else given[key]
    if action is not None and action.get("type") == "ElicitSlot" and state.get("intent"):
        definition = locale.intent(state["intent"]["name"])
        if definition is not None and definition.slot(str(action.get("slotToElicit"))) is None:
            raise ValidationException(
                f"slotToElicit {action.get('slotToElicit')} is not a slot of the intent"
            )
    state.setdefault("sessionAttributes", {})
    return state
