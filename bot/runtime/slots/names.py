"""AMAZON.FirstName and AMAZON.LastName: the name as given, each word capitalised.

Lex does no nickname conversion, so the value is the user's words ("jane" ->
"Jane", "o'brien" -> "O'Brien"; "McDonald" keeps its inner capital). A whole
answer is a name when it has one to three words of letters. Inside a sentence
a name follows a cue: strong ones ("my name is", "me llamo", "mi apellido es")
take any words, weak ones ("it's", "I'm", "soy") only a name that ends the
answer, so "I'm available tomorrow" gives no name. After a generic cue the
first word is the first name and the rest the last name ("me llamo Ana García
López" -> Ana / García López).
"""

from __future__ import annotations

import re
from functools import cache

from bot.runtime.slots.values import ResolveContext, SlotValue, exact, trim
from bot.runtime.slots.words import fold, word_set

WORD = r"[^\W\d_]+(?:['\u2019-][^\W\d_]+)*\.?"
PARTICLES = word_set("de del la las los van von der den da di du le y dos")
STOP = word_set(
    """and but thanks thank please from with here there calling speaking ok okay pero gracias por favor con
    aqui desde hablando is es available busy free fine good great ready sorry not looking trying going
    interested sure back done listo lista bien yo no yes si a an the just also still really very so un una el
    muy disponible ocupado ocupada libre nuevo nueva i me my mi that this it esto eso today tomorrow tonight
    now hoy manana ahora tarde temprano late early"""
)
"""Words that end a name after a cue, or show that an answer is not a name ("I'm available")."""
FILLERS = word_set(
    "hi hello hey hola sure ok okay yes yeah si claro please thanks gracias por favor well bueno pues"
)

CUES = {
    "first": r"my\s+first\s+name\s+is|first\s+name\s*(?:is|:)|mi\s+primer\s+nombre\s+es"
    r"|nombre\s+de\s+pila\s+es",
    "last": r"my\s+(?:last|family)\s+name\s+is|my\s+surname\s+is|(?:last\s+name|surname)\s*(?:is|:)"
    r"|mis?\s+apellidos?\s+(?:es|son)|apellidos?\s*:",
    "strong": r"my\s+name\s+is|my\s+name's|the\s+name\s+is|name's|name\s*:|call\s+me|i\s+go\s+by|me\s+llamo"
    r"|mi\s+nombre\s+es|llamame|me\s+dicen|nombre\s*:",
    "weak": r"i\s+am|i'm|im|it's|its|it\s+is|this\s+is|soy|es|habla|aqui\s+habla",
}


@cache
def _cues() -> re.Pattern[str]:
    joined = "|".join(f"(?P<{kind}>{pattern})" for kind, pattern in CUES.items())
    return re.compile(rf"(?<![\w'])(?:{joined})\s+")


def _capitalise(word: str) -> str:
    if any(c.isupper() for c in word[1:]) and any(c.islower() for c in word):  # "McDonald", not "JANE"
        return word[0].upper() + word[1:]
    return re.sub(r"(^|-|['\u2019](?=\w\w))(\w)", lambda m: m.group(1) + m.group(2).upper(), word.lower())


def _valid(words: list[str]) -> bool:
    return 1 <= len(words) <= 3 and all(re.fullmatch(WORD, w) for w in words)


def resolve_name(text: str, ctx: ResolveContext) -> SlotValue | None:
    """The whole text as a name: 1-3 words of letters (apostrophes and hyphens allowed), no digits."""
    start, end = trim(text)
    words = text[start:end].split()
    if not _valid(words):
        return None
    return exact(text.strip(), " ".join(_capitalise(w) for w in words))


def _name_after(text: str, at: int) -> list[tuple[int, int]]:
    """Up to three name words from ``at``; particles ("de la") only between two names."""
    spans: list[tuple[int, int]] = []
    for m in re.finditer(r"\S+", text[at:]):
        raw = m.group().rstrip(",.;:!?")
        word = fold(raw)
        if not re.fullmatch(WORD, raw) or (word in STOP and word not in PARTICLES):
            break
        spans.append((at + m.start(), at + m.start() + len(raw)))
        if raw != m.group() or len(spans) == 4:
            break
    while spans and fold(text[spans[-1][0] : spans[-1][1]]) in PARTICLES:
        spans.pop()
    return spans[:3]


def find_name(text: str, ctx: ResolveContext, last: bool) -> SlotValue | None:
    folded = fold(text)
    for m in _cues().finditer(folded):
        kind = m.lastgroup or "weak"
        if kind == ("first" if last else "last"):
            continue
        spans = _name_after(text, m.end())
        if not spans:
            continue
        rest = [w for w in re.findall(r"[^\W_]+", folded[spans[-1][1] :]) if w not in FILLERS]
        if kind == "weak" and rest:
            continue
        if kind in ("strong", "weak") and len(spans) > 1:
            spans = spans[1:] if last else spans[:1]
        value = text[spans[0][0] : spans[-1][1]]
        return exact(value, " ".join(_capitalise(w) for w in value.split()))
    words = [w for w in re.findall(r"\S+", text) if fold(w).strip(",.;:!?") not in FILLERS]
    plain = [w.strip(",.;:!?") for w in words]
    if plain and _valid(plain) and not any(fold(w) in STOP or "'" in fold(w) for w in plain):
        first, end = text.index(words[0]), text.rindex(words[-1]) + len(words[-1].rstrip(",.;:!?"))
        value = text[first:end]
        return exact(value, " ".join(_capitalise(w) for w in value.split()))
    return None
