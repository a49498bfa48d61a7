"""Which neighbours are real: the same corpus trained with K seeds, compared.

After Antoniak & Mimno (2018): a neighbour that recurs in every run is a property of the
text; one that comes and goes is an accident of the initialisation and the sampling.
Neighbours are searched among the words every model knows (for runs on one corpus with
one ``min_count``, that is the whole vocabulary), so a missing word never counts as
instability.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from w2v_gui.core.compare import frequency_rank
from w2v_gui.core.errors import UnknownWordError
from w2v_gui.core.neighbours import shared_counts, top_neighbours
from w2v_gui.core.vectors import Embeddings

DEFAULT_K = 10
#: How many of the most frequent words the one-number summary averages over.
SUMMARY_WORDS = 1000


@dataclass(frozen=True, eq=False)
class StabilityReport:
    """Mean top-k overlap of the most frequent words, one number per model.

    ``per_model[i]`` is the mean, over the ``words`` and over the other models j, of
    (top-k neighbours model i and model j share) / k: 1.0 when every run agrees.
    """

    k: int
    words: int
    per_model: np.ndarray  # (K,) float64

    @property
    def mean(self) -> float:
        return float(self.per_model.mean())


class Stability:
    """K models of one corpus, ready to say how stable any word's neighbours are.

    Parameters
    ----------
    models : sequence of Embeddings
        Two or more runs (different seeds) on the same corpus.
    """

    def __init__(self, models: Sequence[Embeddings]):
        models = list(models)
        if len(models) < 2:
            raise ValueError(f"stability needs at least 2 models, got {len(models)}")
        first = models[0]
        common = [w for w in first.words if all(w in m for m in models[1:])]
        if len(common) < 2:
            raise ValueError(f"the models share {len(common)} word(s); need at least 2")
        rank = frequency_rank(first)
        common.sort(key=lambda w: rank[first.index[w]])
        self.models = models
        self.words: tuple[str, ...] = tuple(common)
        self._position = {w: i for i, w in enumerate(common)}
        self.units = [m.unit[[m.index[w] for w in common]] for m in models]

    def position(self, word: str) -> int:
        try:
            return self._position[word]
        except (KeyError, TypeError):
            raise UnknownWordError(word) from None

    def neighbour_ids(self, rows: np.ndarray, k: int = DEFAULT_K) -> list[np.ndarray]:
        """Top-``k`` neighbour rows (of :attr:`words`) of ``rows``, one (n, k) array per model."""
        rows = np.asarray(rows, dtype=np.int64)
        return [top_neighbours(u[rows], u, k, exclude=rows) for u in self.units]

    def recurring_counts(self, words: Sequence[str], k: int = DEFAULT_K) -> np.ndarray:
        """For each word, how many of its top-``k`` neighbours (in the first model) recur in
        the top ``k`` of every run, 0 to ``k``."""
        rows = np.array([self.position(w) for w in words], dtype=np.int64)
        ids = self.neighbour_ids(rows, k)
        keep = np.ones(ids[0].shape, dtype=bool)
        for other in ids[1:]:
            # A row's ids are unique, so membership per row is a broadcast comparison.
            keep &= (ids[0][:, :, None] == other[:, None, :]).any(axis=2)
        return keep.sum(axis=1)

    def recurring(self, word: str, k: int = DEFAULT_K) -> list[str]:
        """``word``'s top-``k`` neighbours (first model's order) found in every run's top k."""
        row = np.array([self.position(word)])
        ids = self.neighbour_ids(row, k)
        common = set(ids[0][0].tolist())
        for other in ids[1:]:
            common &= set(other[0].tolist())
        return [self.words[i] for i in ids[0][0].tolist() if i in common]

    def report(self, k: int = DEFAULT_K, words: int = SUMMARY_WORDS) -> StabilityReport:
        """Mean top-``k`` overlap of the ``words`` most frequent words, per model."""
        n = min(words, len(self.words))
        ids = self.neighbour_ids(np.arange(n), k)
        K = len(ids)
        share = np.eye(K)
        for i in range(K):
            for j in range(i + 1, K):
                share[i, j] = share[j, i] = shared_counts(ids[i], ids[j]).mean() / k
        per_model = (share.sum(axis=1) - 1.0) / (K - 1)
        return StabilityReport(k, n, per_model)
