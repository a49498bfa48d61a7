"""The map's words: which ones a request shows, projected with PCA (pure; runs in a
worker when the work is big)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from w2v_gui.core.errors import UnknownWordError
from w2v_gui.core.pictures.clusters import frequency_bands, kmeans
from w2v_gui.core.pictures.projection import Parallelogram, WordMap, parallelogram, word_map
from w2v_gui.core.pictures.words import (
    analogy,
    find_words,
    most_frequent,
    neighbourhood,
    parse_words,
)
from w2v_gui.core.vectors import Embeddings

WORDS, NEIGHBOURS, ANALOGY, FREQUENT = "words", "neighbours", "analogy", "frequent"
MODES = (
    (ANALOGY, "The analogy"),
    (NEIGHBOURS, "Neighbours of"),
    (WORDS, "These words"),
    (FREQUENT, "Most frequent"),
)
DEFAULT_WORDS = "king, queen, man, woman, prince, princess, boy, girl, father, mother"
DEFAULT_COUNTS = {WORDS: 0, NEIGHBOURS: 40, ANALOGY: 8, FREQUENT: 1000}
FIT_TOP = 10_000  # "fit on the most frequent words" uses this many
PCA, TSNE = "pca", "tsne"  # layouts
PLAIN, BANDS, KMEANS = "plain", "bands", "kmeans"  # colourings
GROUPS = 10  # k-means groups (the palette has ten colours)


@dataclass(frozen=True)
class MapRequest:
    mode: str
    text: str
    count: int
    analogy: tuple[str, str, str]
    fit_frequent: bool
    layout: str = PCA
    colour: str = PLAIN


@dataclass(frozen=True, eq=False)
class MapResult:
    request: MapRequest
    emb: Embeddings | None = None
    map: WordMap | None = None
    shape: Parallelogram | None = None
    strong: int = 0  # the first ``strong`` words are the query's own
    missing: tuple[str, ...] = ()
    error: str | None = None
    fit_words: int = 0
    layout: str = PCA  # how ``map.xy`` was made (a t-SNE replaces PCA's)
    groups: np.ndarray | None = None  # (n,) colour group of each word
    group_names: tuple[str, ...] = ()


def compute(emb: Embeddings, req: MapRequest) -> MapResult:
    """Choose the words of ``req`` and project them (pure: runs in a worker)."""
    found = None
    missing: list[str] = []
    try:
        if req.mode == WORDS:
            rows, missing = find_words(emb, parse_words(req.text))
            strong = len(rows)  # every word typed is the query's own: always labelled
        elif req.mode == NEIGHBOURS:
            if not req.text.strip():
                return MapResult(req, error="Type a word to see it among its neighbours.")
            rows, strong = neighbourhood(emb, req.text.strip(), req.count), 1
        elif req.mode == ANALOGY:
            if not all(req.analogy):
                return MapResult(req, error="Type an analogy in the Analogy panel.")
            found = analogy(emb, *req.analogy, others=req.count)
            rows, strong = list(found.rows) + list(found.others), 4
        else:
            rows, strong = most_frequent(emb, req.count), 0
    except UnknownWordError as exc:
        return MapResult(req, error=str(exc).capitalize() + ".")
    if len(rows) == 0:
        return MapResult(
            req,
            missing=tuple(missing),
            error="None of these words is in the vocabulary."
            if missing
            else "Type some words to place them on the map.",
        )
    if req.fit_frequent:
        fit = most_frequent(emb, FIT_TOP)
    elif found is not None:
        # The plane of the four corners shows the parallelogram best; the further answers
        # are placed on it, rather than tilting it towards themselves.
        fit = list(found.rows)
    else:
        fit = None
    wmap = word_map(emb, rows, fit)
    shape = parallelogram(emb, found, wmap.projection) if found else None
    groups, names = colour_groups(emb, wmap.rows, req.colour)
    return MapResult(
        req,
        emb,
        wmap,
        shape,
        strong,
        tuple(missing),
        fit_words=len(fit) if fit is not None else len(rows),
        groups=groups,
        group_names=names,
    )


def colour_groups(
    emb: Embeddings, rows: np.ndarray, colour: str
) -> tuple[np.ndarray | None, tuple[str, ...]]:
    """The colour group of each of ``rows`` and the groups' names (None: one colour)."""
    if colour == BANDS:
        bands, names = frequency_bands(emb.counts, rows)
        return bands, names
    if colour == KMEANS and len(rows) > 1:
        unit, counts = emb.unit[rows], emb.counts[rows]
        labels, centres = kmeans(unit, min(GROUPS, len(rows)))
        # Name a group by the most frequent of the 20 words nearest its centre, so the
        # legend says what it holds in words people know (the very nearest is often rare).
        names = []
        for g in range(len(centres)):
            members = np.flatnonzero(labels == g)
            if members.size == 0:
                names.append("(empty)")
                continue
            near = members[np.argsort(-(unit[members] @ centres[g]), kind="stable")[:20]]
            best = near[np.argmax(counts[near])] if counts.any() else near[0]
            names.append(emb.words[int(rows[best])] + " …")
        return labels, tuple(names)
    return None, ()
