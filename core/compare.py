"""Two models side by side: align them, rank the words that changed, look at one word.

As HistWords (Hamilton et al. 2016) and Gonen et al. (2020) do it:

- **Shared vocabulary.** The words both models know (at least ``min_count`` times in a
  model that has counts), most frequent first: a word's frequency rank is taken from the
  model's counts when it has them, else from its row order, and a shared word ranks by
  the worse of its two ranks (frequent in both comes first).
- **Alignment.** B is rotated onto A by orthogonal Procrustes, fitted on the ``shared``
  most frequent shared words (the *anchors*): the SVD of the cross-covariance of their
  unit vectors, in float64. Rotations keep cosines within B, so only the comparison of a
  word across models needs it.
- **Change.** Cosine distance after alignment (0 same direction, 2 opposite), or
  1 − the share of top-k neighbours in common (no alignment needed).
- **Neighbours** are searched among the anchors, everywhere (the overlap score, the side
  by side lists, the trajectory): a neighbour that one model lacks could never be common,
  and would count as change where the meaning held; and the anchors are the frequent
  words whose own vectors are trustworthy.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from w2v_gui.core.errors import UnknownWordError
from w2v_gui.core.neighbours import shared_counts, top_neighbours
from w2v_gui.core.vectors import Embeddings

#: Anchors (and neighbour pool) when not told: enough frequent words to fix a rotation of
#: a few hundred dimensions, few enough that overlap scores of every word stay quick.
DEFAULT_SHARED = 10_000
#: Neighbours compared by the overlap score.
DEFAULT_K = 10
BY = ("cosine", "overlap")
Progress = Callable[[int, int], None]


def frequency_rank(emb: Embeddings) -> np.ndarray:
    """Each row's frequency rank, 0 for the most frequent: by counts, else by row order."""
    n = len(emb)
    counts = emb.counts
    if not counts.any():
        return np.arange(n, dtype=np.int64)
    rank = np.empty(n, dtype=np.int64)
    rank[np.argsort(-counts, kind="stable")] = np.arange(n)
    return rank


@dataclass(frozen=True, eq=False)
class SharedVocabulary:
    """Words two models both know, most frequent first, with their rows in each."""

    words: tuple[str, ...]
    rows_a: np.ndarray
    rows_b: np.ndarray

    def __len__(self) -> int:
        return len(self.words)


def shared_vocabulary(a: Embeddings, b: Embeddings, *, min_count: int = 0) -> SharedVocabulary:
    """The words of ``a`` also in ``b``, most frequent (in both) first.

    A word seen fewer than ``min_count`` times in a model that has counts is left out;
    a model without counts (word2vec files) filters nothing.
    """
    if min_count < 0:
        raise ValueError(f"min_count must be 0 or more, got {min_count}")
    index_b = b.index
    rows_a, rows_b = [], []
    for word, row in a.index.items():
        other = index_b.get(word)
        if other is not None:
            rows_a.append(row)
            rows_b.append(other)
    ra = np.array(rows_a, dtype=np.int64)
    rb = np.array(rows_b, dtype=np.int64)
    keep = np.ones(len(ra), dtype=bool)
    for emb, rows in ((a, ra), (b, rb)):
        if min_count and emb.counts.any():
            keep &= emb.counts[rows] >= min_count
    ra, rb = ra[keep], rb[keep]
    rank_a, rank_b = frequency_rank(a)[ra], frequency_rank(b)[rb]
    order = np.lexsort((ra, rank_a + rank_b, np.maximum(rank_a, rank_b)))
    ra, rb = ra[order], rb[order]
    words = a.words
    return SharedVocabulary(tuple(words[i] for i in ra.tolist()), ra, rb)


def procrustes(source: np.ndarray, target: np.ndarray) -> np.ndarray:
    """The orthogonal matrix ``R`` minimising ``|source @ R - target|`` (float64).

    Both arrays are (n, d) with matching rows; the answer is ``U @ Vt`` from the SVD of
    ``source.T @ target`` (Schönemann 1966).
    """
    src = np.asarray(source, dtype=np.float64)
    tgt = np.asarray(target, dtype=np.float64)
    u, _, vt = np.linalg.svd(src.T @ tgt)
    return u @ vt


@dataclass(frozen=True, eq=False)
class WordNeighbours:
    """One word's neighbours in A and in B, best first, and those they have in common."""

    word: str
    a: list[tuple[str, float]]
    b: list[tuple[str, float]]
    common: frozenset[str]
    cosine_distance: float | None  # after alignment; None when the sizes differ


@dataclass(frozen=True, eq=False)
class Trajectory:
    """A word and its neighbours in both models in one aligned 2-D picture (PCA).

    Point 0 is the word in A, point 1 the word in B; then A's neighbours (at their A
    vectors), then B's (at their aligned B vectors). ``models`` says which for each.
    """

    word: str
    labels: tuple[str, ...]
    models: tuple[str, ...]
    xy: np.ndarray  # (m, 2)
    common: frozenset[str]


class Alignment:
    """Model B rotated onto model A over their shared vocabulary.

    Build with :func:`align`. ``unit_a`` and ``unit_b`` hold the shared words' unit
    vectors (rows in :attr:`shared` order), ``unit_b`` rotated into A's space; the first
    :attr:`anchors` rows are the words that fixed the rotation and the neighbour pool.
    """

    def __init__(self, a: Embeddings, b: Embeddings, shared: SharedVocabulary, anchors: int):
        self.a, self.b, self.shared, self.anchors = a, b, shared, anchors
        # Unit rows of the shared words (copies: Embeddings keep no normalised matrix).
        self.unit_a = a.unit[shared.rows_a]
        unit_b = b.unit[shared.rows_b]
        self.rotation: np.ndarray | None = None
        if a.vector_size == b.vector_size:
            self.rotation = procrustes(unit_b[:anchors], self.unit_a[:anchors])
            unit_b = unit_b @ self.rotation.astype(np.float32)
        self.unit_b = unit_b
        self._position = {w: i for i, w in enumerate(shared.words)}
        self._neighbours: dict[int, tuple[np.ndarray, np.ndarray]] = {}

    @property
    def words(self) -> tuple[str, ...]:
        return self.shared.words

    def position(self, word: str) -> int:
        """Row of ``word`` in the shared vocabulary; UnknownWordError if not shared."""
        try:
            return self._position[word]
        except (KeyError, TypeError):
            raise UnknownWordError(word) from None

    def _need_rotation(self) -> np.ndarray:
        if self.rotation is None:
            raise ValueError(
                f"the models have different vector sizes ({self.a.vector_size} and "
                f"{self.b.vector_size}), so they cannot be aligned; rank by neighbour "
                f"overlap instead"
            )
        return self.rotation

    def cosine_distance(self) -> np.ndarray:
        """1 − cosine of each shared word's A vector and aligned B vector, in [0, 2]."""
        self._need_rotation()
        a = self.unit_a.astype(np.float64)
        b = self.unit_b.astype(np.float64)
        return np.clip(1.0 - np.einsum("ij,ij->i", a, b), 0.0, 2.0)

    def neighbours(
        self, k: int = DEFAULT_K, progress: Progress | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Top-``k`` neighbours (rows of the shared vocabulary, among the anchors) of every
        shared word in A and in B, best first; computed once per ``k``.

        ``progress(done, total)`` is called as the searches go (an exception it raises
        stops them).
        """
        if k not in self._neighbours:
            n = len(self.shared)
            own = np.arange(n)
            exclude = np.where(own < self.anchors, own, -1)
            found = []
            for m, unit in enumerate((self.unit_a, self.unit_b)):
                step = None
                if progress is not None:
                    step = lambda done, total, m=m: progress(m * total + done, 2 * total)  # noqa: E731
                pool = unit[: self.anchors]
                found.append(top_neighbours(unit, pool, k, exclude=exclude, progress=step))
            self._neighbours[k] = (found[0], found[1])
        return self._neighbours[k]

    def overlap_change(self, k: int = DEFAULT_K, progress: Progress | None = None) -> np.ndarray:
        """1 − (top-``k`` neighbours in common) / ``k`` of each shared word, in [0, 1]."""
        ids_a, ids_b = self.neighbours(k, progress)
        return 1.0 - shared_counts(ids_a, ids_b) / k

    def scores(self, by: str = "cosine", k: int = DEFAULT_K) -> np.ndarray:
        """Change of each shared word: ``by`` is ``"cosine"`` or ``"overlap"``."""
        if by == "cosine":
            return self.cosine_distance()
        if by == "overlap":
            return self.overlap_change(k)
        raise ValueError(f"by must be one of {', '.join(BY)}, got {by!r}")

    def ranked(
        self, by: str = "cosine", k: int = DEFAULT_K, *, min_count: int = 0
    ) -> list[tuple[str, float]]:
        """Shared words, most changed first (ties: the more frequent first).

        ``min_count`` drops words seen fewer times than that in either model (rare words'
        vectors are noisy, so they fill the top of any change ranking).
        """
        scores = self.scores(by, k)
        keep = np.ones(len(scores), dtype=bool)
        for emb, rows in ((self.a, self.shared.rows_a), (self.b, self.shared.rows_b)):
            if min_count and emb.counts.any():
                keep &= emb.counts[rows] >= min_count
        idx = np.flatnonzero(keep)
        idx = idx[np.argsort(-scores[idx], kind="stable")]
        words = self.shared.words
        return [(words[i], float(scores[i])) for i in idx.tolist()]

    def word_neighbours(self, word: str, topn: int = DEFAULT_K) -> WordNeighbours:
        """``word``'s ``topn`` neighbours in A and in B (among the anchors), side by side."""
        if topn < 1:
            raise ValueError(f"topn must be at least 1, got {topn}")
        i = self.position(word)
        own = np.array([i if i < self.anchors else -1])
        k = min(topn, self.anchors - (own[0] >= 0))
        words = self.shared.words
        lists = []
        for unit in (self.unit_a, self.unit_b):
            pool = unit[: self.anchors]
            ids = top_neighbours(unit[i : i + 1], pool, k, exclude=own)[0]
            sims = pool[ids].astype(np.float64) @ unit[i].astype(np.float64)
            lists.append([(words[j], s) for j, s in zip(ids.tolist(), sims.tolist(), strict=True)])
        common = frozenset(w for w, _ in lists[0]) & frozenset(w for w, _ in lists[1])
        dist = None
        if self.rotation is not None:
            a, b = self.unit_a[i].astype(np.float64), self.unit_b[i].astype(np.float64)
            dist = float(np.clip(1.0 - a @ b, 0.0, 2.0))
        return WordNeighbours(word, lists[0], lists[1], common, dist)

    def trajectory(self, word: str, topn: int = DEFAULT_K) -> Trajectory:
        """The word in A and in B and their neighbours, projected by PCA to 2-D."""
        self._need_rotation()
        nb = self.word_neighbours(word, topn)
        i = self.position(word)
        pos = self._position
        labels = [word, word] + [w for w, _ in nb.a] + [w for w, _ in nb.b]
        models = ["A", "B"] + ["A"] * len(nb.a) + ["B"] * len(nb.b)
        rows = np.array(
            [self.unit_a[i], self.unit_b[i]]
            + [self.unit_a[pos[w]] for w, _ in nb.a]
            + [self.unit_b[pos[w]] for w, _ in nb.b],
            dtype=np.float64,
        )
        return Trajectory(word, tuple(labels), tuple(models), pca_2d(rows), nb.common)


def pca_2d(points: np.ndarray) -> np.ndarray:
    """The first two principal coordinates of ``points`` (rows), signs fixed so that each
    axis's largest loading is positive (the same data always gives the same picture)."""
    x = np.asarray(points, dtype=np.float64)
    x = x - x.mean(axis=0)
    _, _, vt = np.linalg.svd(x, full_matrices=False)
    vt = vt[:2]
    signs = np.sign(vt[np.arange(len(vt)), np.abs(vt).argmax(axis=1)])
    xy = x @ (vt * signs[:, None]).T
    if xy.shape[1] < 2:  # one point, or all on a line
        xy = np.pad(xy, ((0, 0), (0, 2 - xy.shape[1])))
    return xy


def align(
    a: Embeddings, b: Embeddings, *, shared: int | None = DEFAULT_SHARED, min_count: int = 0
) -> Alignment:
    """Rotate ``b`` onto ``a`` by orthogonal Procrustes on their most frequent shared words.

    Parameters
    ----------
    a, b : Embeddings
    shared : int or None
        Anchors: how many of the most frequent shared words fix the rotation and serve as
        the neighbour pool; None for all.
    min_count : int
        Leave out words seen fewer times in either model (models with counts only).

    Raises
    ------
    ValueError
        If the models share fewer than two words (after ``min_count``).
    """
    if shared is not None and shared < 2:
        raise ValueError(f"shared must be at least 2, got {shared}")
    vocab = shared_vocabulary(a, b, min_count=min_count)
    if len(vocab) < 2:
        raise ValueError(
            f"the models share {len(vocab)} word(s)"
            + (f" seen at least {min_count} times" if min_count else "")
            + "; a comparison needs at least 2"
        )
    anchors = len(vocab) if shared is None else min(shared, len(vocab))
    return Alignment(a, b, vocab, anchors)
