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

from w2v_gui.core.errors import UnknownWordError
from w2v_gui.core.pictures.words import resolve
from w2v_gui.core.vectors import Embeddings

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


def neighbours(emb: Embeddings, text: str, topn: int = NEIGHBOURS_TOPN) -> NeighboursAnswer:
    try:
        word = resolve(emb, text)
        return NeighboursAnswer(text, word, tuple(emb.most_similar(word, topn=topn)))
    except UnknownWordError as exc:
        return NeighboursAnswer(text, error=str(exc))


def analogy(
    emb: Embeddings, query: tuple[str, str, str], topn: int = ANALOGY_TOPN
) -> AnalogyAnswer:
    """A is to B as C is to ?, i.e. words near B − A + C, by both methods."""
    try:
        a, b, c = (resolve(emb, t) for t in query)
        add = emb.most_similar(positive=[b, c], negative=[a], topn=topn)
        mul = emb.most_similar_cosmul(positive=[b, c], negative=[a], topn=topn)
    except UnknownWordError as exc:
        return AnalogyAnswer(query, error=str(exc))
    return AnalogyAnswer(query, (a, b, c), tuple(add), tuple(mul))


def watched(emb: Embeddings, words: tuple[str, ...], topn: int = WATCH_TOPN) -> Mapping[str, Rows]:
    """Top neighbours of each watched word that is in ``emb``."""
    return MappingProxyType({w: tuple(emb.most_similar(w, topn=topn)) for w in words if w in emb})


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
