"""The questions the exploring panels ask, as plain functions on ``Embeddings``.

No Qt here: the panels call these for what a person types, and the training worker calls
them for each snapshot with the panels' current questions, so during training the
answers are computed off the GUI thread (there, every NumPy call would have to win the
interpreter lock back from the trainer's threads). The maths stays in core; this only
says which core query answers which panel.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

import numpy as np

from w2v_gui.core.errors import UnknownWordError
from w2v_gui.core.pictures.strips import Expression, parse_rows
from w2v_gui.core.pictures.words import resolve
from w2v_gui.core.vectors import Embeddings

# Longest text a query field takes: a word or a sum of a few words, and a list of words.
# A pasted book would otherwise be laid out again by every label that shows it.
MAX_QUERY_CHARS = 200
MAX_LIST_CHARS = 4000
NEIGHBOURS_TOPN = 15
ANALOGY_TOPN = 10
WATCH_TOPN = 5

Rows = tuple[tuple[str, float], ...]


@dataclass(frozen=True)
class NeighboursAnswer:
    query: str
    word: str | None = None
    rows: Rows = ()
    error: str | None = None


@dataclass(frozen=True)
class AnalogyAnswer:
    query: tuple[str, str, str]
    words: tuple[str, str, str] | None = None
    add: Rows = ()  # 3CosAdd: most_similar(positive=[b, c], negative=[a])
    mul: Rows = ()  # 3CosMul: most_similar_cosmul(positive=[b, c], negative=[a])
    error: str | None = None


def short(text: str, limit: int = 60) -> str:
    """``text`` cut to ``limit`` characters for a label (it may come from a paste)."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def neighbours(emb: Embeddings, text: str, topn: int = NEIGHBOURS_TOPN) -> NeighboursAnswer:
    """Words nearest to a word, or to a sum such as ``king - man + woman`` (the Strips
    tab's syntax; the words of the sum are left out of the answer, as gensim does)."""
    try:
        try:  # a word, or a phrase typed with spaces ("new york" for new_york) ...
            word = resolve(emb, text)
            return NeighboursAnswer(text, word, tuple(emb.most_similar(word, topn=topn)))
        except UnknownWordError:
            pass  # ... else a sum, or the unknown word's message below
        rows = parse_rows(text)
        if len(rows) == 1 and isinstance(rows[0], Expression):
            sum_ = rows[0]
            positive = [resolve(emb, w) for w in sum_.positive]
            negative = [resolve(emb, w) for w in sum_.negative]
            found = emb.most_similar(positive=positive, negative=negative, topn=topn)
            return NeighboursAnswer(text, sum_.label, tuple(found))
        word = resolve(emb, text)
        return NeighboursAnswer(text, word, tuple(emb.most_similar(word, topn=topn)))
    except UnknownWordError as exc:
        return NeighboursAnswer(text, error=short(str(exc), 160))


def analogy(
    emb: Embeddings, query: tuple[str, str, str], topn: int = ANALOGY_TOPN
) -> AnalogyAnswer:
    """A is to B as C is to ?, i.e. words near B − A + C, by both methods."""
    try:
        a, b, c = (resolve(emb, t) for t in query)
        add = emb.most_similar(positive=[b, c], negative=[a], topn=topn)
        mul = emb.most_similar_cosmul(positive=[b, c], negative=[a], topn=topn)
    except UnknownWordError as exc:
        return AnalogyAnswer(query, error=short(str(exc), 160))
    return AnalogyAnswer(query, (a, b, c), tuple(add), tuple(mul))


def watched(emb: Embeddings, words: tuple[str, ...], topn: int = WATCH_TOPN) -> Mapping[str, Rows]:
    """Top neighbours of each watched word that is in ``emb``: one matrix product for all
    of them (a pass over 3 million vectors per word would take seconds each)."""
    typed, known = [], []
    for w in words:  # "King" and "new york" as every other query reads them
        try:
            known.append(emb.resolve(w))
        except UnknownWordError:
            continue
        typed.append(w)
    return MappingProxyType(
        {
            w: tuple(rows)
            for w, rows in zip(typed, emb.most_similar_batch(known, topn=topn), strict=True)
        }
    )


@dataclass(frozen=True)
class Questions:
    """What the panels currently ask; replaced whole (never mutated) when one changes."""

    watched: tuple[str, ...] = ()
    neighbours: str = ""
    analogy: tuple[str, str, str] | None = None


@dataclass(frozen=True)
class Answers:
    watched: Mapping[str, Rows] = field(default_factory=lambda: MappingProxyType({}))
    neighbours: NeighboursAnswer | None = None
    analogy: AnalogyAnswer | None = None


def answer(emb: Embeddings, q: Questions) -> Answers:
    return Answers(
        watched(emb, q.watched),
        neighbours(emb, q.neighbours) if q.neighbours else None,
        analogy(emb, q.analogy) if q.analogy and all(q.analogy) else None,
    )


@dataclass(frozen=True)
class CompareAnswer:
    """Two words: their cosine. Three or more: the odd one out and each word's cosine to
    the mean direction of all (gensim's ``similarity`` and ``doesnt_match``)."""

    query: str
    words: tuple[str, ...] = ()
    similarity: float | None = None
    odd: str | None = None
    to_mean: Rows = ()
    error: str | None = None


def compare(emb: Embeddings, text: str) -> CompareAnswer:
    """Answer for the words typed in ``text`` (separated by spaces or commas)."""
    typed = [w for w in text.replace(",", " ").split() if w]
    if len(typed) < 2:
        return CompareAnswer(
            text, error="type two words for their similarity, three or more for the odd one out"
        )
    try:
        words = tuple(resolve(emb, w) for w in typed)
    except UnknownWordError as exc:
        return CompareAnswer(text, error=str(exc))
    if len(words) == 2:
        return CompareAnswer(text, words, similarity=emb.similarity(*words))
    unit = emb.unit[[emb.get_index(w) for w in words]].astype(np.float64)
    mean = unit.mean(axis=0)
    mean /= max(float(np.linalg.norm(mean)), 1e-300)
    to_mean = sorted(zip(words, (unit @ mean).tolist(), strict=True), key=lambda r: r[1])
    return CompareAnswer(text, words, odd=emb.doesnt_match(words), to_mean=tuple(to_mean))
