"""Text normalisation and the TF-IDF features the intent classifier reads.

One normaliser serves both the classifier and the slot-template matcher, so
"¿Se terminó mi respaldo?" and "se termino mi respaldo" are the same text to
both. It lowercases, folds accents, unifies and drops apostrophes ("what's" ==
"whats"), turns sentence punctuation into spaces (keeping "3:30", "3.5",
"jane.doe@x.com" whole) and collapses whitespace. It also records, for every
character it outputs, the index of the character it came from, so a span found
in the normalised text maps back to what the user actually typed.

Features are the classic strong baseline for short-utterance intent
classification: word unigrams and bigrams (with sentence-boundary markers) plus
character 3-5-grams inside word boundaries, which survive typos, plurals and
inflection (Spanish). Each block gets smoothed IDF weights and is L2-normalised
on its own (raw counts rather than sublinear TF: in a ten-word utterance a
repeated feature is rare, and raw counts let a word's character n-grams be
cached and concatenated). The norm counts out-of-vocabulary features too: an
utterance made mostly of words the bot never saw keeps only a small in-vocabulary
vector, so it scores low everywhere instead of being blown up by normalisation.
That is what lets "purple monkey dishwasher" fall below the confidence threshold.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.intp]
FloatArray = npt.NDArray[np.float64]

APOSTROPHES = frozenset("'\u2019\u2018`\u00b4\u02bc\u2032")
ALWAYS_DROPPED = frozenset('?!;¿¡"\u201c\u201d\u00ab\u00bb()[]{}\u2026')
INNER_DROPPED = re.compile(r"\.(?![^\W_])|(?<![^\W_])\.|,(?!\d)|(?<!\d),|:(?!\d)|(?<!\d):")
"""Kept: '.' between letters/digits (3.5, jane.doe@x.com), ',' and ':' between digits (1,000, 3:30)."""

CHAR_NGRAMS = (3, 4, 5)


@dataclass(frozen=True)
class Normalised:
    """A user's text: the original, its normalised form and where each normalised char came from."""

    original: str
    text: str
    offsets: tuple[int, ...]

    def tokens(self) -> list[tuple[str, int, int]]:
        """Normalised tokens with their [start, end) span in the original text."""
        out: list[tuple[str, int, int]] = []
        position = 0
        for token in self.text.split(" "):
            if token:
                end = position + len(token)
                out.append((token, self.offsets[position], self.offsets[end - 1] + 1))
            position += len(token) + 1
        return out


_FOLD_CACHE: dict[str, str] = {}


def _fold_char(char: str) -> str:
    folded = _FOLD_CACHE.get(char)
    if folded is None:
        if char.isspace() or char in ALWAYS_DROPPED:
            folded = " "
        elif char in APOSTROPHES:
            folded = ""
        else:
            decomposed = unicodedata.normalize("NFKD", char)
            folded = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
            folded = " ".join(folded.split()) if folded.strip() else " "
        if len(_FOLD_CACHE) < 8192:
            _FOLD_CACHE[char] = folded
    return folded


def normalise(text: str) -> Normalised:
    """Lowercase, accent-folded, apostrophe-free, punctuation-free, single-spaced text with offsets."""
    chars: list[str] = []
    offsets: list[int] = []
    for index, char in enumerate(INNER_DROPPED.sub(" ", text)):
        for out in _fold_char(char):
            if out == " " and (not chars or chars[-1] == " "):
                continue
            chars.append(out)
            offsets.append(index)
    if chars and chars[-1] == " ":
        chars.pop()
        offsets.pop()
    return Normalised(text, "".join(chars), tuple(offsets))


def fold(text: str) -> str:
    """``normalise(text).text`` without the offsets, several times faster (the classifier's path)."""
    return " ".join("".join(map(_fold_char, INNER_DROPPED.sub(" ", text))).split())


def word_features(words: Sequence[str]) -> list[str]:
    """Unigrams and bigrams; the bigrams include sentence start/end markers."""
    padded = ["<s>", *words, "</s>"]
    return [*words, *(f"{a} {b}" for a, b in pairwise(padded))]


def char_features(words: Iterable[str]) -> list[str]:
    """Character n-grams inside each space-padded word (like scikit-learn's ``char_wb``)."""
    out: list[str] = []
    for word in words:
        padded = f" {word} "
        size = len(padded)
        for n in CHAR_NGRAMS:
            if n > size:
                break
            out.extend(padded[i : i + n] for i in range(size - n + 1))
    return out


@dataclass(frozen=True)
class _WordChars:
    """One word's known char n-gram columns, the sum of their squared IDF, and its unknown n-gram count."""

    columns: IntArray
    square_sum: float
    unknown: int


class Vectorizer:
    """Normalised text -> sparse TF-IDF row; fitted once on the training texts.

    Within a block a feature repeated in one utterance simply adds up (raw tf;
    utterances are short) and the norm is taken over occurrences, which lets a
    word's character n-grams be looked up once, cached, and concatenated. Each
    out-of-vocabulary occurrence adds the square of the IDF a never-seen feature
    would have to the norm, which shrinks the in-vocabulary part accordingly.
    """

    CACHE_SIZE = 50_000

    def __init__(self, folded_texts: Sequence[str], weights: Sequence[float] | None = None) -> None:
        """Vocabulary and IDF from the training texts; ``weights`` count fractional documents."""
        doc_weights = list(weights) if weights is not None else [1.0] * len(folded_texts)
        total = float(sum(doc_weights))
        self.word_vocab: dict[str, int] = {}
        self.char_vocab: dict[str, int] = {}
        df: list[float] = []
        for text, weight in zip(folded_texts, doc_weights, strict=True):
            words = text.split()
            for vocab, features in (
                (self.word_vocab, word_features(words)),
                (self.char_vocab, char_features(words)),
            ):
                for feature in dict.fromkeys(features):
                    column = vocab.get(feature)
                    if column is None:
                        column = vocab[feature] = len(df)
                        df.append(0.0)
                    df[column] += weight
        self.idf: FloatArray = np.log((1.0 + total) / (1.0 + np.asarray(df, dtype=np.float64))) + 1.0
        self.oov_square = (math.log(1.0 + total) + 1.0) ** 2
        self.size = len(df)
        self._char_cache: dict[str, _WordChars] = {}

    def _word_chars(self, word: str) -> _WordChars:
        cached = self._char_cache.get(word)
        if cached is None:
            get = self.char_vocab.get
            grams = char_features((word,))
            columns = np.fromiter((c for c in map(get, grams) if c is not None), dtype=np.intp)
            idf = self.idf[columns]
            cached = _WordChars(columns, float(idf @ idf), len(grams) - len(columns))
            if len(self._char_cache) >= self.CACHE_SIZE:
                self._char_cache.clear()
            self._char_cache[word] = cached
        return cached

    def transform_one(self, folded: str) -> tuple[IntArray, FloatArray]:
        """Column indices (may repeat) and values of one text's row, each block normalised on its own."""
        words = folded.split()
        if not words:
            return np.zeros(0, dtype=np.intp), np.zeros(0, dtype=np.float64)
        features = word_features(words)
        get = self.word_vocab.get
        word_columns = np.fromiter((c for c in map(get, features) if c is not None), dtype=np.intp)
        word_values = self.idf[word_columns]
        word_norm = float(word_values @ word_values) + (len(features) - len(word_columns)) * self.oov_square
        chars = [self._word_chars(word) for word in words]
        char_columns = np.concatenate([c.columns for c in chars])
        char_norm = sum(c.square_sum for c in chars) + sum(c.unknown for c in chars) * self.oov_square
        char_values = self.idf[char_columns]
        if word_norm > 0.0:
            word_values = word_values / math.sqrt(word_norm)
        if char_norm > 0.0:
            char_values = char_values / math.sqrt(char_norm)
        return np.concatenate([word_columns, char_columns]), np.concatenate([word_values, char_values])
