"""The contract between the runtime HTTP layer and the runtime core.

The HTTP layer (``bot.runtime.http``) only parses, validates and encodes the Lex V2 wire format; the core
(dialog engine, NLU, session store) only sees plain dicts in Lex's own JSON shapes. Keeping the boundary a
``Protocol`` lets either side be tested alone: the HTTP tests drive a small fake, the core tests call it
directly without sockets.

Every method may raise a ``bot.runtime.errors.LexRuntimeError`` subclass; the HTTP layer maps it to the
status and ``x-amzn-ErrorType`` Lex would answer with. Anything else becomes a generic 500.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol


@dataclass(frozen=True)
class SessionTarget:
    """Which conversation a request is about: Lex keys sessions by bot, alias, locale and session id."""

    bot_id: str
    alias_id: str
    locale_id: str
    session_id: str


class RuntimeApi(Protocol):
    """What the runtime core offers to the HTTP layer; arguments are already validated for shape."""

    def recognize_text(
        self,
        target: SessionTarget,
        text: str,
        session_state: dict[str, Any] | None,
        request_attributes: dict[str, str] | None,
    ) -> dict[str, Any]:
        """Process one user turn; returns the RecognizeText response body."""
        ...

    def put_session(
        self,
        target: SessionTarget,
        session_state: dict[str, Any],
        messages: list[dict[str, Any]] | None,
        request_attributes: dict[str, str] | None,
    ) -> dict[str, Any]:
        """Replace the session state.

        Returns ``{"messages": [...] | None, "sessionState": {...}, "requestAttributes": {...} | None,
        "sessionId": str}``; the HTTP layer encodes these as response headers, as Lex does.
        """
        ...

    def get_session(self, target: SessionTarget) -> dict[str, Any]:
        """Returns the GetSession response body; raises ResourceNotFoundException for unknown sessions."""
        ...

    def delete_session(self, target: SessionTarget) -> dict[str, Any]:
        """Returns the DeleteSession response body ``{botId, botAliasId, localeId, sessionId}``."""
        ...

    def health(self) -> dict[str, Any]:
        """A small JSON-serialisable status document for ``GET /health``."""
        ...
