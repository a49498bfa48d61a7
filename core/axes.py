"""Words on an axis: a direction from word pairs (he − she, king − queen, ...).

As in Bolukbasi et al. (2016), Parallax and whatlies: the axis is the mean of the pairs'
differences of unit vectors, or their first principal direction, and a word's score is
the cosine of its vector with the axis, so scores on different axes are comparable.
Positive scores lean to the pairs' first words.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from w2v_gui.core.vectors import Embeddings

METHODS = ("mean", "pca")


def axis(emb: Embeddings, pairs: Sequence[tuple[str, str]], method: str = "mean") -> np.ndarray:
    """The unit direction from the second word of each pair towards the first.

    Parameters
    ----------
    emb : Embeddings
    pairs : sequence of (str, str)
        E.g. ``[("he", "she"), ("king", "queen")]``.
    method : {"mean", "pca"}
        ``"mean"``: the mean of the differences of the pairs' unit vectors. ``"pca"``:
        their first principal direction (uncentred, as the differences' common part is
        the point), turned to agree with the mean.

    Returns
    -------
    ndarray, float64, shape (d,)

    Raises
    ------
    UnknownWordError
        If a word is not in the vocabulary.
    ValueError
        If there are no pairs, or the differences cancel out.
    """
    if method not in METHODS:
        raise ValueError(f"method must be one of {', '.join(METHODS)}, got {method!r}")
    pairs = [tuple(p) for p in pairs]
    if not pairs or any(len(p) != 2 for p in pairs):
        raise ValueError("an axis needs at least one pair of two words")
    unit = emb.unit
    diffs = np.array(
        [
            unit[emb.get_index(x)].astype(np.float64) - unit[emb.get_index(y)].astype(np.float64)
            for x, y in pairs
        ]
    )
    mean = diffs.mean(axis=0)
    if method == "pca":
        direction = np.linalg.svd(diffs, full_matrices=False)[2][0]
        direction = direction if direction @ mean >= 0 else -direction
    else:
        direction = mean
    norm = np.linalg.norm(direction)
    if not norm > 1e-12:
        raise ValueError("the pairs' differences cancel out: they define no direction")
    return direction / norm


def scores(emb: Embeddings, direction: np.ndarray, rows: np.ndarray | None = None) -> np.ndarray:
    """Cosine of each word (or of ``rows``) with ``direction``, in [-1, 1]."""
    d = np.asarray(direction, dtype=np.float64)
    if d.shape != (emb.vector_size,):
        raise ValueError(f"an axis must have shape ({emb.vector_size},), got {d.shape}")
    d = d / np.linalg.norm(d)
    # A block of unit rows at a time: Embeddings keep no normalised matrix, and a float64
    # one of 3 million words × 300 would be 7 GB.
    n = len(emb) if rows is None else len(rows)
    out = np.empty(n, dtype=np.float64)
    for lo in range(0, n, 1 << 16):
        block = slice(lo, lo + (1 << 16)) if rows is None else rows[lo : lo + (1 << 16)]
        out[lo : lo + (1 << 16)] = emb.unit[block].astype(np.float64) @ d
    return out


def extremes(
    emb: Embeddings,
    direction: np.ndarray,
    topn: int = 10,
    *,
    restrict_vocab: int | None = None,
    exclude: Sequence[str] = (),
) -> tuple[list[tuple[str, float]], list[tuple[str, float]]]:
    """The ``topn`` words at each end of the axis.

    Parameters
    ----------
    restrict_vocab : int, optional
        Consider only the first N rows (the most frequent words of a sorted model).
    exclude : sequence of str
        Words to leave out, usually the pairs that made the axis.

    Returns
    -------
    (positive, negative) : two lists of (word, cosine), most extreme first.
    """
    if topn < 1:
        raise ValueError(f"topn must be at least 1, got {topn}")
    stop = len(emb) if restrict_vocab is None else max(0, min(restrict_vocab, len(emb)))
    s = scores(emb, direction, np.arange(stop))
    mask = np.ones(stop, dtype=bool)
    mask[[i for i in (emb.index[w] for w in exclude if w in emb) if i < stop]] = False
    keep = np.flatnonzero(mask)
    order = keep[np.argsort(-s[keep], kind="stable")]
    words = emb.words
    top = [(words[i], float(s[i])) for i in order[:topn].tolist()]
    bottom = [(words[i], float(s[i])) for i in order[::-1][:topn].tolist()]
    return top, bottom


def coordinates(
    emb: Embeddings, x_axis: np.ndarray, y_axis: np.ndarray, words: Sequence[str] | None = None
) -> np.ndarray:
    """(n, 2) positions of ``words`` (default: all) on two axes: their cosines with each."""
    rows = None if words is None else np.array([emb.get_index(w) for w in words], dtype=np.int64)
    return np.column_stack([scores(emb, x_axis, rows), scores(emb, y_axis, rows)])
