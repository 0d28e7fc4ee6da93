"""The two JSON shapes Lex builds around an interpretation: the runtime response and the Lambda event.

They differ in small ways that clients depend on (lex-v2-notes 2.3, 3.2):
``nluConfidence`` is ``{"score": x}`` in RecognizeText and a plain number in
the Lambda event, and the FallbackIntent interpretation carries no score.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from bot.model import Locale
from bot.runtime.nlu import IntentScore

Json = dict[str, Any]
MAX_INTERPRETATIONS = 5
TEST_ALIAS_ID = "TSTALIASID"
TEST_ALIAS_NAME = "TestBotAlias"


@dataclass(frozen=True)
class BotIdentity:
    id: str
    name: str
    alias_id: str
    alias_name: str
    locale_id: str
    version: str = "DRAFT"

    def json(self) -> Json:
        return {
            "id": self.id,
            "name": self.name,
            "localeId": self.locale_id,
            "version": self.version,
            "aliasId": self.alias_id,
            "aliasName": self.alias_name,
        }


def _intent_json(name: str, locale: Locale, active: Json | None) -> Json:
    if active is not None and active.get("name") == name:
        return active
    definition = locale.intent(name)
    slots = {s.name: None for s in definition.slots} if definition is not None else {}
    return {"name": name, "slots": slots}


def interpretations_json(
    scores: Sequence[IntentScore],
    *,
    locale: Locale,
    active: Json | None,
    fallback: str,
    threshold: float,
    plain_scores: bool = False,
) -> list[Json]:
    """Best first, at most five; FallbackIntent leads when nothing reaches the threshold."""
    fallback_entry: Json = {"intent": _intent_json(fallback, locale, active), "interpretationSource": "Lex"}
    ranked = [s for s in scores if s.intent != fallback]
    entries: list[Json] = []
    for score in ranked:
        value: Any = round(score.score, 2) if plain_scores else {"score": round(score.score, 2)}
        entries.append(
            {
                "nluConfidence": value,
                "intent": _intent_json(score.intent, locale, active),
                "interpretationSource": "Lex",
            }
        )
    below = not ranked or ranked[0].score < threshold
    if active is not None and active.get("name") == fallback:
        below = True
    position = 0 if below else 1
    entries.insert(min(position, len(entries)), fallback_entry)
    return entries[:MAX_INTERPRETATIONS]


def lambda_event(
    *,
    source: str,
    identity: BotIdentity,
    session_id: str,
    text: str,
    scores: Sequence[IntentScore],
    locale: Locale,
    intent: Json,
    state: Json,
    request_attributes: dict[str, str] | None,
    proposed_slot: str | None,
    attempt: int,
) -> Json:
    fallback = next((i.name for i in locale.intents if i.is_fallback), "FallbackIntent")
    interpretations = interpretations_json(
        scores,
        locale=locale,
        active=intent,
        fallback=fallback,
        threshold=locale.nlu_confidence_threshold,
        plain_scores=True,
    )
    session_state: Json = {
        "sessionAttributes": dict(state.get("sessionAttributes") or {}),
        "activeContexts": list(state.get("activeContexts") or []),
        "intent": intent,
        "originatingRequestId": state.get("originatingRequestId", ""),
    }
    if state.get("dialogAction"):
        session_state["dialogAction"] = state["dialogAction"]
    event: Json = {
        "messageVersion": "1.0",
        "invocationSource": source,
        "inputMode": "Text",
        "responseContentType": "text/plain; charset=utf-8",
        "sessionId": session_id,
        "inputTranscript": text,
        "bot": identity.json(),
        "interpretations": interpretations,
        "requestAttributes": request_attributes or None,
        "sessionState": session_state,
        "transcriptions": [
            {
                "transcription": text,
                "transcriptionConfidence": 1.0,
                "resolvedContext": {"intent": intent["name"]},
                "resolvedSlots": {k: v for k, v in (intent.get("slots") or {}).items() if v},
            }
        ],
    }
    if proposed_slot is not None:
        event["proposedNextState"] = {
            "dialogAction": {"type": "ElicitSlot", "slotToElicit": proposed_slot},
            "intent": intent,
            "prompt": {"attempt": "Initial" if attempt == 0 else f"Retry{attempt}"},
        }
    return event
