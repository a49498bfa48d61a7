"""Nearest neighbours of many words at once, and how much two neighbour sets share.

The building block of model comparison and stability: one matrix product per block of
query rows and :func:`numpy.argpartition` for the top k, never a Python loop per word.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

#: Scores held at once per block of queries (float32 elements): ~64 MB.
BLOCK_ELEMENTS = 16_000_000


def top_neighbours(
    queries: np.ndarray,
    pool: np.ndarray,
    k: int,
    *,
    exclude: np.ndarray | None = None,
    block: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> np.ndarray:
    """Rows of ``pool`` with the highest dot product with each query, best first.

    Parameters
    ----------
    queries : ndarray, shape (n, d)
        Unit vectors (so that dot products are cosines).
    pool : ndarray, shape (m, d)
        Unit vectors to search.
    k : int
        Neighbours per query (at most ``m`` minus one when excluding).
    exclude : ndarray of int, shape (n,), optional
        For each query, one pool row never to return (its own row), or -1 for none.
    block : int, optional
        Queries per matrix product; by default as many as keep ~64 MB of scores.
    progress : callable, optional
        ``progress(queries_done, n)`` after each block; an exception it raises stops the
        search (that is how a caller cancels).

    Returns
    -------
    ndarray of int64, shape (n, k)
        Pool rows, most similar first; equal scores in row order.
    """
    queries = np.asarray(queries)
    pool = np.asarray(pool)
    n, m = len(queries), len(pool)
    limit = m - (1 if exclude is not None else 0)
    if k < 1 or k > limit:
        raise ValueError(f"k must be between 1 and {limit}, got {k}")
    if block is None:
        block = max(1, BLOCK_ELEMENTS // max(m, 1))
    out = np.empty((n, k), dtype=np.int64)
    pool_t = np.ascontiguousarray(pool.T)
    for lo in range(0, n, block):
        hi = min(n, lo + block)
        scores = queries[lo:hi] @ pool_t
        if exclude is not None:
            own = np.asarray(exclude[lo:hi])
            rows = np.flatnonzero(own >= 0)
            scores[rows, own[rows]] = -np.inf
        if k < m:
            # The k-th largest score of each row by np.partition (values only), then the
            # entries at or above it: measured 1.3-3x quicker than argpartition on 1600 ×
            # 10k blocks. A row with a tie at the threshold has more than k such entries;
            # then argpartition picks.
            kth = m - k
            threshold = np.partition(scores, kth, axis=1)[:, kth]
            rows, cols = np.nonzero(scores >= threshold[:, None])
            if (
                len(cols) == len(scores) * k
                and (np.bincount(rows, minlength=len(scores)) == k).all()
            ):
                part = cols.reshape(len(scores), k)
            else:
                part = np.argpartition(-scores, k - 1, axis=1)[:, :k]
        else:
            part = np.broadcast_to(np.arange(m), scores.shape)
        top = np.take_along_axis(scores, part, axis=1)
        # lexsort: by score descending, then by row ascending, so results are reproducible.
        order = np.lexsort((part, -top), axis=1)
        out[lo:hi] = np.take_along_axis(part, order, axis=1)
        if progress is not None:
            progress(hi, n)
    return out


def shared_counts(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """How many ids each row of ``a`` shares with the same row of ``b``.

    Parameters
    ----------
    a, b : ndarray of int, shape (n, k) and (n, j)
        Neighbour ids; no id repeats within a row.

    Returns
    -------
    ndarray of int64, shape (n,)
    """
    if len(a) != len(b):
        raise ValueError(f"{len(a)} rows against {len(b)}")
    both = np.sort(np.concatenate([a, b], axis=1), axis=1)
    # Ids are unique within each row of a and of b, so a pair of equal neighbours in the
    # sorted union is exactly one id the two rows share.
    return np.count_nonzero(both[:, 1:] == both[:, :-1], axis=1).astype(np.int64)
