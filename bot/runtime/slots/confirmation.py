"""AMAZON.Confirmation: an answer to a yes/no question as "Yes", "No", "Maybe" or "Don't know".

Phrases are matched as whole words on folded text, longest first, so that
"not sure" is "Don't know" and not "Yes" (from "sure"), "claro que no" is
"No", and "no sé" is "Don't know". Locales without a table of their own also
understand the English one (people type "ok" everywhere).
"""

from __future__ import annotations

from functools import cache

from bot.runtime.slots.values import Found, ResolveContext, SlotValue, exact
from bot.runtime.slots.words import fold, tokens, word_set

YES, NO, MAYBE, DONT_KNOW = "Yes", "No", "Maybe", "Don't know"

PHRASES: dict[str, dict[str, str]] = {
    "en": {
        YES: "yes|yeah|yea|yep|yup|ya|sure|ok|okay|okey|k|of course|absolutely|definitely|certainly"
        "|sounds good|that's right|thats right|correct|right|affirmative|alright|all right|go ahead"
        "|please do|do it|that works|works for me|fine|confirm|confirmed|i do|that's correct|perfect|great"
        "|exactly|indeed|sure thing|no problem|why not|yes please|let's do it|agreed",
        NO: "no|nope|nah|naw|negative|forget it|not really|no thanks|no thank you|don't|do not|cancel"
        "|never mind|nevermind|not at all|don't think so|i don't think so|wrong|incorrect|that's wrong"
        "|absolutely not|definitely not|of course not|not now|stop|no way|not that|that's not right",
        MAYBE: "maybe|perhaps|possibly|it's possible|its possible|might|might be|it might|could be"
        "|probably|i guess|maybe not|kind of|sort of",
        DONT_KNOW: "don't know|dont know|do not know|i don't know|dunno|no idea|not sure|i'm not sure"
        "|who knows|no clue|not certain|i have no idea|can't say|hard to say",
    },
    "es": {
        YES: "si|claro|claro que si|vale|de acuerdo|por supuesto|correcto|dale|ok|okey|sale|bueno"
        "|esta bien|perfecto|afirmativo|exacto|asi es|eso es|seguro|como no|adelante|si por favor|va|orale"
        "|listo|confirmo|sip",
        NO: "no|para nada|nel|olvidalo|no gracias|negativo|claro que no|por supuesto que no"
        "|de ninguna manera|nunca|cancelar|cancela|mejor no|tampoco|incorrecto|no es correcto|nop"
        "|ni hablar|que no",
        MAYBE: "quizas|quiza|tal vez|a lo mejor|puede ser|posiblemente|probablemente|puede que si|quizas no",
        DONT_KNOW: "no se|ni idea|quien sabe|no tengo idea|no estoy seguro|no estoy segura|no lo se"
        "|no sabria decir|no tengo ni idea",
    },
    "fr": {
        YES: "oui|ouais|d'accord|bien sur|volontiers",
        NO: "non|pas du tout",
        MAYBE: "peut etre",
        DONT_KNOW: "je ne sais pas|je sais pas|aucune idee",
    },
    "de": {
        YES: "ja|jawohl|klar|genau|gerne",
        NO: "nein|auf keinen fall",
        MAYBE: "vielleicht",
        DONT_KNOW: "weiss nicht|weiß nicht|keine ahnung",
    },
    "it": {
        YES: "si|certo|va bene|d'accordo",
        NO: "no|per niente",
        MAYBE: "forse",
        DONT_KNOW: "non lo so|non so",
    },
    "pt": {
        YES: "sim|claro|com certeza",
        NO: "nao|de jeito nenhum",
        MAYBE: "talvez|pode ser",
        DONT_KNOW: "nao sei",
    },
}
"""Phrases per locale and answer, folded (no accents), separated by "|"."""
FILLERS = word_set(
    "please thanks thank you oh um uh well hmm gracias por favor pues eh mmm mm sir senor senora"
)
FILLERS |= word_set("then entonces")
"""Words that may surround the phrase in a whole answer ("yes please", "sí, gracias")."""


@cache
def _table(lang: str) -> tuple[dict[tuple[str, ...], str], int]:
    """Phrase (as words) -> answer, the locale's own phrases winning over the English fallback."""
    table: dict[tuple[str, ...], str] = {}
    for source in (PHRASES["en"], PHRASES.get(lang, {})) if lang != "en" else (PHRASES["en"],):
        for answer, phrases in source.items():
            for phrase in phrases.split("|"):
                table[tuple(m.group() for m in tokens(fold(phrase)))] = answer
    return table, max(len(words) for words in table)


def _matches(text: str, lang: str) -> tuple[list[Found[str]], list[Found[tuple[int, str]]]]:
    """The words of the text, and at each word the longest phrase starting there (as word count, answer)."""
    folded = fold(text)
    words = [Found(m.start(), m.end(), m.group()) for m in tokens(folded)]
    table, longest = _table(lang)
    found = []
    for i in range(len(words)):
        for n in range(min(longest, len(words) - i), 0, -1):
            answer = table.get(tuple(w.value for w in words[i : i + n]))
            if answer is not None:
                found.append(Found(words[i].start, words[i + n - 1].end, (n, answer)))
                break
    return words, found


def resolve_confirmation(text: str, ctx: ResolveContext) -> SlotValue | None:
    """The whole answer is one phrase, maybe with politeness around it ("yes please", "¡Sí!")."""
    words, found = _matches(text, ctx.lang)
    winner = _most_specific(found)
    if winner is None:
        return None
    outside = [w.value for w in words if w.end <= winner.start or w.start >= winner.end]
    if any(w not in FILLERS for w in outside):
        return None
    return exact(text.strip(), winner.value[1])


def find_confirmation(text: str, ctx: ResolveContext) -> SlotValue | None:
    """The most specific phrase in the answer ("yes, book it", "sure, that works", "no sé, quizás")."""
    winner = _most_specific(_matches(text, ctx.lang)[1])
    return None if winner is None else exact(text[winner.start : winner.end], winner.value[1])


def _most_specific(found: list[Found[tuple[int, str]]]) -> Found[tuple[int, str]] | None:
    """The phrase with the most words ("not sure" over "sure"); the first one among equals."""
    return max(found, key=lambda f: (f.value[0], -f.start), default=None)
