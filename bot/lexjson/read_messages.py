"""Typed, path-tracking access to LexJson files, and the shared message readers.

Every value read from a package goes through a :class:`Node`, which knows the
file it came from and the JSON path down to it, so that any problem becomes a
:class:`~bot.errors.PackageError` naming the file and the field (for example
``sampleUtterances[2].utterance``) instead of a ``KeyError`` or ``TypeError``.

The readers here turn the export's building blocks (section 1.9 of the Lex
notes, export spelling: ``messageGroupsList``, ``buttonsList``, ``isActive``)
into ``bot.model`` prompts, responses and messages.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager

from pydantic import ValidationError

from bot.errors import PackageError
from bot.model import (
    Button,
    ImageResponseCard,
    Message,
    MessageGroup,
    Prompt,
    Response,
    SelectionStrategy,
)

_JSON_TYPES: dict[type, str] = {
    dict: "an object",
    list: "an array",
    str: "a string",
    bool: "a boolean",
    int: "a number",
    float: "a number",
    type(None): "null",
}
_SELECTION: dict[str, SelectionStrategy] = {"Random": "Random", "Ordered": "Ordered"}


def _kind(value: object) -> str:
    return _JSON_TYPES.get(type(value), type(value).__name__)


def parse_json(data: bytes, file: str) -> Node:
    """Parse one package file, which must hold a JSON object."""
    try:
        value = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise PackageError(file, f"not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except json.JSONDecodeError as exc:
        raise PackageError(
            file, f"malformed JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"
        ) from None
    if not isinstance(value, dict):
        raise PackageError(file, f"expected a JSON object at the top level, got {_kind(value)}")
    return Node(value, file)


class Node:
    """A JSON object inside a package file, with typed getters that report file and field."""

    __slots__ = ("file", "path", "value")

    def __init__(self, value: dict[str, object], file: str, path: str = "") -> None:
        self.value = value
        self.file = file
        self.path = path

    def field(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key

    def error(self, message: str, key: str | None = None) -> PackageError:
        return PackageError(self.file, message, self.field(key) if key is not None else self.path or None)

    def has(self, key: str) -> bool:
        return self.value.get(key) is not None

    def key_of(self, *keys: str) -> str:
        """The first of several spellings that is set (e.g. ``buttonsList``/``buttons``), else the first."""
        return next((k for k in keys if self.has(k)), keys[0])

    def _typed(self, key: str, types: tuple[type, ...], wanted: str) -> object:
        value = self.value.get(key)
        if value is None or (
            isinstance(value, types) and not (isinstance(value, bool) and bool not in types)
        ):
            return value
        raise self.error(f"expected {wanted}, got {_kind(value)}", key)

    def opt_string(self, key: str) -> str | None:
        value = self._typed(key, (str,), "a string")
        return value if isinstance(value, str) else None

    def string(self, key: str) -> str:
        value = self.opt_string(key)
        if value is None:
            raise self.error("missing required field", key)
        return value

    def flag(self, key: str, default: bool) -> bool:
        value = self._typed(key, (bool,), "true or false")
        return value if isinstance(value, bool) else default

    def opt_integer(self, key: str) -> int | None:
        value = self._typed(key, (int,), "an integer")
        return value if isinstance(value, int) else None

    def integer(self, key: str, default: int | None = None) -> int:
        value = self.opt_integer(key)
        if value is None:
            if default is None:
                raise self.error("missing required field", key)
            return default
        return value

    def number(self, key: str, default: float) -> float:
        value = self._typed(key, (int, float), "a number")
        return float(value) if isinstance(value, (int, float)) else default

    def opt_obj(self, key: str) -> Node | None:
        value = self._typed(key, (dict,), "an object")
        return Node(value, self.file, self.field(key)) if isinstance(value, dict) else None

    def obj(self, key: str) -> Node:
        node = self.opt_obj(key)
        if node is None:
            raise self.error("missing required field", key)
        return node

    def objects(self, key: str) -> list[Node]:
        """The objects of an array; a missing or null array is empty."""
        value = self._typed(key, (list,), "an array")
        nodes: list[Node] = []
        for i, item in enumerate(value if isinstance(value, list) else []):
            where = f"{self.field(key)}[{i}]"
            if not isinstance(item, dict):
                raise PackageError(self.file, f"expected an object, got {_kind(item)}", where)
            nodes.append(Node(item, self.file, where))
        return nodes

    def strings(self, key: str, inner: str) -> tuple[str, ...]:
        """``[{"<inner>": "..."}, ...]`` (utterances, synonyms, default values) as plain strings."""
        return tuple(item.string(inner) for item in self.objects(key))

    @contextmanager
    def building(self) -> Iterator[None]:
        """Turn a pydantic ValidationError raised while building a model into a PackageError here."""
        try:
            yield
        except ValidationError as exc:
            first = exc.errors()[0]
            loc = ".".join(str(part) for part in first["loc"])
            field = ".".join(p for p in (self.path, loc) if p) or None
            raise PackageError(self.file, f"invalid value: {first['msg']}", field) from None


def read_prompt(node: Node) -> Prompt:
    """A ``promptSpecification``; attempt settings (timeouts, DTMF, audio) are ignored."""
    strategy = node.opt_string("messageSelectionStrategy") or "Random"
    if strategy not in _SELECTION:
        raise node.error(
            f"unknown strategy {strategy!r} (expected Random or Ordered)", "messageSelectionStrategy"
        )
    groups = _read_groups(node)
    with node.building():
        return Prompt(
            message_groups=groups,
            max_retries=node.integer("maxRetries", 2),
            allow_interrupt=node.flag("allowInterrupt", True),
            message_selection_strategy=_SELECTION[strategy],
        )


def read_response(node: Node) -> Response:
    """A response specification (closing, declination): message groups and ``allowInterrupt``."""
    groups = _read_groups(node)
    with node.building():
        return Response(message_groups=groups, allow_interrupt=node.flag("allowInterrupt", True))


def _read_groups(node: Node) -> tuple[MessageGroup, ...]:
    key = node.key_of("messageGroupsList", "messageGroups")
    if not node.has(key):
        raise node.error("missing required field", key)
    groups = []
    for group in node.objects(key):
        message = read_message(group.obj("message"))
        variations = tuple(read_message(v) for v in group.objects("variations"))
        with group.building():
            groups.append(MessageGroup(message=message, variations=variations))
    return tuple(groups)


def read_message(node: Node) -> Message:
    """One message; Lex sets exactly one of its four kinds."""
    kinds = ("plainTextMessage", "ssmlMessage", "customPayload", "imageResponseCard")
    present = [k for k in kinds if node.has(k)]
    if len(present) != 1:
        found = ", ".join(present) or "none"
        raise node.error(f"a message needs exactly one of {', '.join(kinds)} (found: {found})")
    texts = {k: text.string("value") for k in kinds[:3] if (text := node.opt_obj(k)) is not None}
    card = node.opt_obj("imageResponseCard")
    with node.building():
        return Message(
            plain_text=texts.get("plainTextMessage"),
            ssml=texts.get("ssmlMessage"),
            custom_payload=texts.get("customPayload"),
            image_response_card=_read_card(card) if card is not None else None,
        )


def _read_card(node: Node) -> ImageResponseCard:
    buttons = []
    for button in node.objects(node.key_of("buttonsList", "buttons")):
        with button.building():
            buttons.append(Button(text=button.string("text"), value=button.string("value")))
    with node.building():
        return ImageResponseCard(
            title=node.string("title"),
            subtitle=node.opt_string("subtitle"),
            image_url=node.opt_string("imageUrl"),
            buttons=tuple(buttons),
        )
