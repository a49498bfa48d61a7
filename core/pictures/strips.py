"""The coloured vector strips of "The Illustrated Word2Vec": :func:`strip_rows`,
:func:`diverging_colours`, :func:`symmetric_limit` and :func:`column_order`."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from w2v_gui.core.errors import UnknownWordError
from w2v_gui.core.pictures.words import resolve
from w2v_gui.core.vectors import Embeddings

#: ColorBrewer's RdBu (11 classes), from the most negative (blue) to the most positive
#: (red): a diverging map whose middle, zero, is near-white.
DIVERGING = np.array(
    [
        (0x05, 0x30, 0x61),
        (0x21, 0x66, 0xAC),
        (0x43, 0x93, 0xC3),
        (0x92, 0xC5, 0xDE),
        (0xD1, 0xE5, 0xF0),
        (0xF7, 0xF7, 0xF7),
        (0xFD, 0xDB, 0xC7),
        (0xF4, 0xA5, 0x82),
        (0xD6, 0x60, 0x4D),
        (0xB2, 0x18, 0x2B),
        (0x67, 0x00, 0x1F),
    ],
    dtype=np.float64,
)


def symmetric_limit(values: np.ndarray) -> float:
    """The shared colour scale ``[-limit, +limit]``: the largest magnitude shown
    (1.0 when everything is zero or nothing is shown), so zero is always the middle."""
    v = np.asarray(values, dtype=np.float64)
    finite = v[np.isfinite(v)]
    limit = float(np.abs(finite).max()) if finite.size else 0.0
    return limit if limit > 0 else 1.0


def diverging_colours(values: np.ndarray, limit: float) -> np.ndarray:
    """RGBA colours (uint8, shape ``values.shape + (4,)``) of :data:`DIVERGING`, mapping
    ``-limit`` to its first colour, 0 to its middle and ``+limit`` to its last (values
    beyond are clipped, NaN is transparent)."""
    v = np.asarray(values, dtype=np.float64)
    if not limit > 0:
        raise ValueError(f"limit must be positive, got {limit}")
    t = (np.clip(v / limit, -1.0, 1.0) + 1.0) / 2.0 * (len(DIVERGING) - 1)
    t = np.nan_to_num(t, nan=(len(DIVERGING) - 1) / 2)
    lo = np.minimum(np.floor(t).astype(np.int64), len(DIVERGING) - 2)
    frac = (t - lo)[..., None]
    rgb = DIVERGING[lo] * (1 - frac) + DIVERGING[lo + 1] * frac
    out = np.empty(v.shape + (4,), dtype=np.uint8)
    out[..., :3] = np.rint(rgb)
    out[..., 3] = np.where(np.isnan(v), 0, 255)
    return out


def column_order(vector: np.ndarray | None, size: int | None = None) -> np.ndarray:
    """Column order that sorts ``vector`` from its most positive to its most negative
    value (ties in dimension order); ``None`` keeps the dimensions in order."""
    if vector is None:
        if size is None:
            raise ValueError("column_order needs a vector or a size")
        return np.arange(size)
    return np.argsort(-np.asarray(vector, dtype=np.float64), kind="stable")


@dataclass(frozen=True)
class Expression:
    """Words added and subtracted, in the order typed, e.g. king − man + woman."""

    terms: tuple[tuple[int, str], ...]  # (+1 or -1, word)

    @property
    def positive(self) -> tuple[str, ...]:
        return tuple(w for s, w in self.terms if s > 0)

    @property
    def negative(self) -> tuple[str, ...]:
        return tuple(w for s, w in self.terms if s < 0)

    @property
    def label(self) -> str:
        out = ""
        for sign, word in self.terms:
            if out:
                out += f" {'+' if sign > 0 else '−'} {word}"
            else:
                out = word if sign > 0 else f"−{word}"
        return out


_SIGNS = {"+": 1, "-": -1, "−": -1, "–": -1}


def parse_rows(text: str) -> list[str | Expression]:
    """Rows typed as a comma-separated list; each a word or a sum such as
    ``king - man + woman`` (``-``, ``−`` or ``–`` subtract). An operator must stand
    apart from the word after it or start it (``-man``), so that hyphenated words such
    as ``well-known`` stay whole."""
    rows: list[str | Expression] = []
    for item in re.split(r"[,;\n]+", text):
        terms: list[tuple[int, str]] = []
        sign = 1
        for token in item.split():
            if token in _SIGNS:
                sign = _SIGNS[token]
                continue
            if len(token) > 1 and token[0] in _SIGNS:
                sign, token = _SIGNS[token[0]], token[1:]
            terms.append((sign, token))
            sign = 1
        if len(terms) == 1 and terms[0][0] == 1:
            rows.append(terms[0][1])
        elif terms:
            rows.append(Expression(tuple(terms)))
    return rows


@dataclass(frozen=True, eq=False)
class StripRows:
    """Rows of the colour-strip picture: labels, values (unit vectors) and row kinds.

    ``kinds[i]`` is ``"word"``, ``"sum"`` (a computed row) or ``"nearest"`` (the word
    nearest to the sum just above it, labelled with its cosine). ``missing`` lists
    typed words that are not in the vocabulary.
    """

    labels: tuple[str, ...]
    values: np.ndarray  # (rows, d)
    kinds: tuple[str, ...]
    missing: tuple[str, ...] = ()


def strip_rows(emb: Embeddings, rows: Sequence[str | Expression]) -> StripRows:
    """The unit vectors of typed words, and for each sum its normalised vector (what
    ``most_similar`` compares by cosine) followed by its nearest word."""
    unit = emb.unit
    labels: list[str] = []
    values: list[np.ndarray] = []
    kinds: list[str] = []
    missing: list[str] = []
    for row in rows:
        if isinstance(row, str):
            try:
                word = resolve(emb, row)
            except UnknownWordError:
                missing.append(row)
                continue
            labels.append(word)
            values.append(unit[emb.get_index(word)])
            kinds.append("word")
            continue
        try:
            expr = Expression(tuple((s, resolve(emb, w)) for s, w in row.terms))
        except UnknownWordError as exc:
            missing.append(exc.word)
            continue
        # As most_similar builds its query: unit vectors summed in float64, normalised.
        total = np.zeros(emb.vector_size)
        for sign, w in expr.terms:
            total += sign * unit[emb.get_index(w)]
        norm = np.linalg.norm(total)
        pos, neg = list(expr.positive), list(expr.negative)
        labels.append(expr.label)
        values.append(total / norm if norm > 0 else total)
        kinds.append("sum")
        best = emb.most_similar(positive=pos, negative=neg, topn=1)
        if best:
            word, cosine = best[0]
            labels.append(f"≈ {word}  ({cosine:.2f})")
            values.append(unit[emb.get_index(word)])
            kinds.append("nearest")
    matrix = np.asarray(values, dtype=np.float64) if values else np.zeros((0, emb.vector_size))
    return StripRows(tuple(labels), matrix, tuple(kinds), tuple(missing))
