"""Choosing the words a picture shows: typed lists, a word's neighbourhood, the most
frequent words, and analogies (a : b :: c : ?)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from w2v_gui.core.errors import UnknownWordError
from w2v_gui.core.vectors import Embeddings

_SEPARATORS = re.compile(r"[\s,;]+")


def parse_words(text: str) -> list[str]:
    """Words typed as a list: separated by spaces, commas or semicolons."""
    return [w for w in _SEPARATORS.split(text.strip()) if w]


def resolve(emb: Embeddings, text: str) -> str:
    """``text`` as the vocabulary has it: :meth:`Embeddings.resolve`, the one case rule
    (as typed, else lower-cased). Raises :class:`UnknownWordError`."""
    return emb.resolve(text)


def find_words(emb: Embeddings, words: Iterable[str]) -> tuple[list[int], list[str]]:
    """Rows of the known ``words`` (first occurrence, in order) and the unknown words."""
    rows: list[int] = []
    seen: set[int] = set()
    missing: list[str] = []
    for text in words:
        try:
            row = emb.get_index(resolve(emb, text))
        except UnknownWordError:
            missing.append(text)
            continue
        if row not in seen:
            seen.add(row)
            rows.append(row)
    return rows, missing


def neighbourhood(emb: Embeddings, word: str, n: int) -> list[int]:
    """Row of ``word`` followed by the rows of its ``n`` nearest words (by cosine)."""
    word = resolve(emb, word)
    index = emb.index
    return [index[word]] + [index[w] for w, _ in emb.most_similar(word, topn=n)]


def most_frequent(emb: Embeddings, n: int) -> np.ndarray:
    """Rows of the ``n`` most frequent words (by count; row order when there are no counts,
    as word2vec files list frequent words first)."""
    n = max(0, min(int(n), len(emb)))
    counts = emb.counts
    if not counts.any():
        return np.arange(n)
    return np.argsort(-counts, kind="stable")[:n]


@dataclass(frozen=True)
class Analogy:
    """a is to b as c is to d: d is the word nearest to b − a + c (3CosAdd), ``cosine``
    its cosine to that point, ``others`` the next answers' rows."""

    words: tuple[str, str, str, str]
    rows: tuple[int, int, int, int]
    cosine: float
    others: tuple[int, ...] = ()


def analogy(emb: Embeddings, a: str, b: str, c: str, others: int = 0) -> Analogy:
    """Complete "a is to b as c is to ?" as gensim's ``most_similar`` does (inputs
    excluded). Raises :class:`UnknownWordError` for an unknown word."""
    a, b, c = (resolve(emb, w) for w in (a, b, c))
    best = emb.most_similar(positive=[b, c], negative=[a], topn=1 + others)
    if not best:
        raise ValueError("the vocabulary has no word besides the analogy's three")
    d, cosine = best[0]
    index = emb.index
    return Analogy(
        (a, b, c, d),
        (index[a], index[b], index[c], index[d]),
        cosine,
        tuple(index[w] for w, _ in best[1:]),
    )
