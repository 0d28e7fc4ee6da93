"""Slot capture: align the user's text with sample utterances that contain ``{Slot}`` placeholders.

Each template is compiled once, at training, into a sequence of normalised
literal words and slot markers. Matching works on the normalised tokens of the
user's text, so literals match whatever the case, accents, apostrophes,
punctuation or spacing ("Book a meeting with Jane Doe, on Friday!" matches
"book a meeting with {AttendeeName} on {MeetingDate}"), while every captured
span is cut from the ORIGINAL text through the normaliser's offsets ("Jane Doe").

Why token alignment rather than one regex per template: a regex yields a single
match, but adjacent placeholders ("{Duration} {Topic}") and literals that occur
twice ("on {Date} on ...") have several valid splits; the dialog engine, which
validates values with the slot resolvers, wants all of them, best first. Slots
are lazy (shortest first), non-empty, and bounded by their neighbouring literals.
A template that starts (ends) with a literal may also skip words before (after)
it, so "hi, could you book a meeting with Jane" still matches.

Lex generalises beyond its sample utterances; exact templates alone would not:
"book a meeting with Jane Doe" matches none of "i'd like to book a meeting with
{AttendeeName}" or "request a meeting with {AttendeeName}". So each template also
yields partial templates: its contiguous pieces that are cut at literal words
(never leaving a slot unbounded where the template bounds it), hold a slot and
at least ``MIN_PARTIAL_CHARS`` literal characters: "book a meeting with
{AttendeeName}", "meeting with {AttendeeName}", "with {AttendeeName}"...

Ranking: more literal characters matched first, then more slots filled, then
fewer skipped words, then whole templates before pieces, then template order;
identical slot assignments are kept once.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from bot.runtime.nlu.examples import PLACEHOLDER
from bot.runtime.nlu.features import Normalised, fold

MAX_ALIGNMENTS = 16
"""Per template: long texts against adjacent placeholders could otherwise yield O(n^k) splits."""
LEADING_FILLERS = (
    ("por", "favor"),
    ("please",),
    ("pls",),
    ("hi",),
    ("hello",),
    ("hey",),
    ("hola",),
    ("oye",),
)
TRAILING_FILLERS = (("por", "favor"), ("please",), ("pls",), ("thanks",), ("thank", "you"), ("gracias",))
"""Politeness around a command. Matching also tries the text without them, and counts them as
matched literals, so "... at {MeetingTime}" captures "3pm" rather than "3pm please"."""

MIN_PARTIAL_CHARS = 3
"""Literal characters a piece of a template needs: "with {Name}" and "con {Name}" yes, "to {X}" no."""

Spans = dict[str, tuple[int, int]]


@dataclass(frozen=True)
class Template:
    text: str
    """The sample utterance as written, e.g. "book a meeting with {AttendeeName}"."""
    items: tuple[tuple[bool, str], ...]
    """(is_slot, value): a normalised literal word, or a slot name."""
    literals: frozenset[str]
    literal_chars: int
    slot_count: int
    partial: bool = False
    """A piece of the template (see the module docstring), ranked after whole templates."""

    @property
    def skips_prefix(self) -> bool:
        return bool(self.items) and not self.items[0][0]

    @property
    def skips_suffix(self) -> bool:
        return bool(self.items) and not self.items[-1][0]


@dataclass(frozen=True)
class Match:
    template: Template
    order: int
    spans: Spans
    """Slot name -> [start, end) in the original text."""
    skipped: int
    filler_chars: int = 0

    def rank(self) -> tuple[int, int, int, bool, int]:
        literal = self.template.literal_chars + self.filler_chars
        return (-literal, -self.template.slot_count, self.skipped, self.template.partial, self.order)


def _template(text: str, items: Sequence[tuple[bool, str]], partial: bool) -> Template:
    literal_words = [value for is_slot, value in items if not is_slot]
    return Template(
        text=text,
        items=tuple(items),
        literals=frozenset(literal_words),
        literal_chars=sum(len(word) for word in literal_words),
        slot_count=sum(1 for is_slot, _ in items if is_slot),
        partial=partial,
    )


def compile_template(text: str) -> Template | None:
    """The template, or None if it has no placeholder (nothing to capture)."""
    parts = PLACEHOLDER.split(text)
    if len(parts) == 1:
        return None
    items: list[tuple[bool, str]] = []
    for index, part in enumerate(parts):
        if index % 2:
            items.append((True, part))
        else:
            items.extend((False, word) for word in fold(part).split())
    return _template(text, items, partial=False)


def pieces(template: Template) -> list[Template]:
    """The template's partial templates: cut only at literals, with a slot and enough literal text."""
    items = template.items
    size = len(items)
    out: list[Template] = []
    for start in range(size):
        if start and items[start][0]:
            continue
        for end in range(start + 1, size + 1):
            if (start, end) == (0, size) or (end < size and items[end - 1][0]):
                continue
            piece = _template(template.text, items[start:end], partial=True)
            if piece.slot_count and piece.literal_chars >= MIN_PARTIAL_CHARS:
                out.append(piece)
    return out


def compile_templates(texts: Iterable[str]) -> tuple[Template, ...]:
    """Whole templates in order, then their pieces (each distinct piece once)."""
    whole = [t for t in map(compile_template, texts) if t is not None]
    seen = {t.items for t in whole}
    partial: list[Template] = []
    for template in whole:
        for piece in pieces(template):
            if piece.items not in seen:
                seen.add(piece.items)
                partial.append(piece)
    return (*whole, *partial)


def _align(
    items: Sequence[tuple[bool, str]], words: Sequence[str], start: int
) -> Iterator[list[tuple[int, int]]]:
    """Every way to cover ``words[start:]`` with ``items``: the token range of each slot, in order."""
    if not items:
        if start == len(words):
            yield []
        return
    is_slot, value = items[0]
    if not is_slot:
        if start < len(words) and words[start] == value:
            yield from _align(items[1:], words, start + 1)
        return
    rest = items[1:]
    if not rest:
        if start < len(words):
            yield [(start, len(words))]
        return
    next_is_slot, next_value = rest[0]
    for end in range(start + 1, len(words)):
        if next_is_slot or words[end] == next_value:
            for tail in _align(rest, words, end):
                yield [(start, end), *tail]


@dataclass(frozen=True)
class _Text:
    tokens: Sequence[tuple[str, int, int]]
    """Normalised words with their [start, end) in the original text."""
    filler_chars: int
    """Characters of the politeness words stripped from around the tokens."""

    @property
    def words(self) -> list[str]:
        return [word for word, _, _ in self.tokens]


def match_template(template: Template, text: _Text, words: Sequence[str], order: int = 0) -> list[Match]:
    """All alignments of one template with the text's tokens (capped), unranked."""
    tokens = text.tokens
    size = len(words)
    first_item, last_item = template.items[0], template.items[-1]
    starts = [i for i in range(size) if words[i] == first_item[1]] if template.skips_prefix else [0]
    ends = (
        [i + 1 for i in range(size - 1, -1, -1) if words[i] == last_item[1]]
        if template.skips_suffix
        else [size]
    )
    slot_names = [value for is_slot, value in template.items if is_slot]
    matches: list[Match] = []
    for first in starts:
        for last in ends:
            if last <= first:
                continue
            for ranges in _align(template.items, words[:last], first):
                spans = {
                    name: (tokens[a][1], tokens[b - 1][2])
                    for name, (a, b) in zip(slot_names, ranges, strict=True)
                }
                matches.append(Match(template, order, spans, first + size - last, text.filler_chars))
                if len(matches) >= MAX_ALIGNMENTS:
                    return matches
    return matches


def _strip_fillers(tokens: Sequence[tuple[str, int, int]]) -> list[_Text]:
    """The tokens, and the tokens without leading and/or trailing politeness, with the chars removed."""
    words = [word for word, _, _ in tokens]

    def filler(candidates: tuple[tuple[str, ...], ...], at_start: bool) -> tuple[int, int]:
        for phrase in candidates:
            n = len(phrase)
            if n < len(words) and tuple(words[:n] if at_start else words[-n:]) == phrase:
                return n, sum(map(len, phrase))
        return 0, 0

    (lead, lead_chars), (trail, trail_chars) = filler(LEADING_FILLERS, True), filler(TRAILING_FILLERS, False)
    variants = [_Text(tokens, 0)]
    if lead:
        variants.append(_Text(tokens[lead:], lead_chars))
    if trail:
        variants.append(_Text(tokens[: len(tokens) - trail], trail_chars))
    if lead and trail and lead + trail < len(tokens):
        variants.append(_Text(tokens[lead : len(tokens) - trail], lead_chars + trail_chars))
    return variants


def best_matches(templates: Sequence[Template], text: Normalised) -> list[Match]:
    """Matches of all templates, best first, one per distinct slot assignment (by captured text)."""
    found: list[Match] = []
    for variant in _strip_fillers(text.tokens()):
        words = variant.words
        present = set(words)
        for order, template in enumerate(templates):
            if template.literals <= present:
                found.extend(match_template(template, variant, words, order))
    found.sort(key=Match.rank)
    seen: set[tuple[tuple[str, str], ...]] = set()
    unique: list[Match] = []
    for match in found:
        key = tuple(sorted((name, text.original[a:b]) for name, (a, b) in match.spans.items()))
        if key not in seen:
            seen.add(key)
            unique.append(match)
    return unique
