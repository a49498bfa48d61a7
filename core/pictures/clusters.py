"""Colouring a map: :func:`kmeans` groups vectors, :func:`frequency_bands` sorts words
into bands of frequency rank. Pure NumPy; both are cheap next to the map itself (k-means
of 100,000 × 100 unit vectors into 10 groups: a few hundred ms)."""

from __future__ import annotations

import numpy as np

# Band edges by frequency rank (1 = the most frequent word): one band per factor of ten.
BAND_EDGES = (1_000, 10_000, 100_000)


def kmeans(
    x: np.ndarray, k: int, *, iterations: int = 20, restarts: int = 3, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """Lloyd's k-means of the rows of ``x`` with k-means++ seeding.

    Returns ``(labels, centres)``: an int64 label per row and the ``(k', d)`` centres,
    where ``k' = min(k, distinct rows)``. Of ``restarts`` runs from different seedings,
    the one with the least squared distance to the centres wins (one seeding can put two
    centres in one group and none in another). Deterministic for a given ``seed``.
    Distances are ``|x|² − 2 x·c + |c|²``: one matrix product per iteration.
    """
    x = np.asarray(x, dtype=np.float32)
    if x.ndim != 2 or x.shape[0] == 0:
        raise ValueError(f"kmeans needs a non-empty 2-D array, got shape {x.shape}")
    if k < 1:
        raise ValueError(f"k must be at least 1, got {k}")
    rng = np.random.default_rng(seed)
    sq = np.einsum("ij,ij->i", x, x)
    best = None
    for _ in range(max(1, restarts)):
        labels, centres = _lloyd(x, sq, k, iterations, rng)
        cost = float(np.sum(sq + (centres * centres).sum(1)[labels])) - 2 * float(
            np.einsum("ij,ij->", x, centres[labels])
        )
        if best is None or cost < best[0]:
            best = (cost, labels, centres)
    return best[1], best[2]


def _lloyd(
    x: np.ndarray, sq: np.ndarray, k: int, iterations: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    n = x.shape[0]
    centres = [x[rng.integers(n)]]
    nearest = np.maximum(sq - 2 * x @ centres[0] + centres[0] @ centres[0], 0)
    # Greedy k-means++ (as scikit-learn seeds): draw a few candidates with probability ∝
    # squared distance to the nearest seed so far and keep the one that lowers the total
    # most. Plain k-means++ often puts two seeds in one of several similar-sized groups.
    tries = 2 + int(np.log(k))
    for _ in range(1, k):
        total = float(nearest.sum())
        if total <= 0:  # fewer distinct rows than k
            break
        cand = x[rng.choice(n, size=tries, p=nearest / total)]
        d2 = np.maximum(sq[:, None] - 2 * x @ cand.T + (cand * cand).sum(1)[None, :], 0)
        after = np.minimum(nearest[:, None], d2)
        best = int(np.argmin(after.sum(axis=0)))
        centres.append(cand[best])
        nearest = after[:, best]
    c = np.array(centres, dtype=np.float32)
    labels = np.full(n, -1, dtype=np.int64)
    for _ in range(iterations):
        d2 = (c * c).sum(axis=1)[None, :] - 2 * (x @ c.T)  # |x|² is the same for all
        new = np.argmin(d2, axis=1)
        if np.array_equal(new, labels):
            break
        labels = new
        sums = np.zeros_like(c, dtype=np.float64)
        _segment_sum(sums, labels, x)
        sizes = np.bincount(labels, minlength=len(c))
        # An emptied centre keeps its place rather than becoming NaN.
        filled = sizes > 0
        c[filled] = (sums[filled] / sizes[filled, None]).astype(np.float32)
    return labels, c


def _segment_sum(out: np.ndarray, labels: np.ndarray, x: np.ndarray) -> None:
    """``np.add.at(out, labels, x)`` via a sort and ``np.add.reduceat`` (``np.add.at``
    loops per row)."""
    order = np.argsort(labels, kind="stable")
    sorted_labels = labels[order]
    starts = np.flatnonzero(np.r_[True, sorted_labels[1:] != sorted_labels[:-1]])
    out[sorted_labels[starts]] += np.add.reduceat(x[order].astype(np.float64), starts, axis=0)


def frequency_bands(
    emb_counts: np.ndarray, rows: np.ndarray, edges: tuple[int, ...] = BAND_EDGES
) -> tuple[np.ndarray, tuple[str, ...]]:
    """The frequency band of each of ``rows``: 0 for the ``edges[0]`` most frequent words
    of the vocabulary, 1 for the next up to ``edges[1]``, and so on.

    Ranks come from the counts (ties keep row order); without counts (all zero), from the
    row order, which is how word2vec files list words. Returns the bands and their names.
    """
    counts = np.asarray(emb_counts)
    order = np.argsort(-counts, kind="stable") if counts.any() else np.arange(len(counts))
    rank = np.empty(len(counts), dtype=np.int64)
    rank[order] = np.arange(len(counts))
    bands = np.searchsorted(np.asarray(edges), rank[np.asarray(rows, dtype=np.int64)], "right")
    names, low = [], 1
    for edge in edges:
        names.append(f"{low:,}–{edge:,}")
        low = edge + 1
    names.append(f"after {edges[-1]:,}")
    return bands.astype(np.int64), tuple(names)
