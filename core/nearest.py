"""The arithmetic behind :class:`~w2v_gui.core.vectors.Embeddings` queries at any size.

Three pieces, each one pass (or less) over the data:

- :func:`row_norms`: every row's length, in blocks that stay in the CPU cache, finding
  rows with NaN or infinite values on the way (the loaders refuse those);
- :func:`top_rows`: the best ``k`` of a score vector by partial selection, cheaper than
  ``np.argpartition`` on millions of scores (block maxima give a threshold first);
- :class:`PrefixIndex`: the words in sorted order, for prefix search by
  ``np.searchsorted`` (autocomplete on millions of words without a scan).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from w2v_gui.core.filerows import FileRows

#: Bytes of float32 rows per block of :func:`row_norms`: a few times the L2 cache, so a
#: block is read from memory once and its squares summed while it is still cached.
NORM_BLOCK_BYTES = 1 << 20
#: Scores per block of :func:`top_rows`' threshold pass.
_SELECT_BLOCK = 1024


def row_norms(matrix: np.ndarray, start: int = 0) -> tuple[np.ndarray, int | None]:
    """Euclidean length of every row (float32), and the first row holding NaN or ±inf.

    Parameters
    ----------
    matrix : ndarray, shape (n, d), float32
        May be memory-mapped: it is read in blocks, never copied whole.
    start : int
        Added to the returned bad row (for callers that check a file block by block).

    Returns
    -------
    norms : ndarray, shape (n,), float32
        Squares summed in float32, as gensim's ``np.linalg.norm`` on float32 rows; rows
        whose sum overflows float32 (values near 1e19) are summed in float64 instead.
    bad : int or None
        Index (plus ``start``) of the first row with a non-finite value, or None.
    """
    n = matrix.shape[0]
    d = max(1, matrix.shape[1]) if matrix.ndim == 2 else 1
    norms = np.empty(n, dtype=np.float32)
    step = max(1, NORM_BLOCK_BYTES // (4 * d))
    bad = None
    for lo in range(0, n, step):
        block = matrix[lo : lo + step]
        b32 = block if block.dtype == np.float32 else block.astype(np.float32)
        out = norms[lo : lo + step]
        with np.errstate(over="ignore", invalid="ignore"):
            np.einsum("ij,ij->i", b32, b32, out=out)
        if not np.isfinite(out).all():
            # Either a NaN/inf value or a finite row whose square sum overflowed.
            rows = np.flatnonzero(~np.isfinite(out))
            finite = np.isfinite(block[rows]).all(axis=1)
            if bad is None and not finite.all():
                bad = start + lo + int(rows[np.argmin(finite)])
            big = rows[finite]
            wide = block[big].astype(np.float64)
            with np.errstate(over="ignore"):
                wide_norms = np.sqrt(np.einsum("ij,ij->i", wide, wide))
        np.sqrt(out, out=out)
        if not np.isfinite(out).all():
            out[big] = wide_norms  # inf only beyond float32's range itself
    return norms, bad


def cosines(vectors: Any, inv: np.ndarray, queries: np.ndarray, stop: int) -> np.ndarray:
    """(k, stop) cosines of each query vector with the first ``stop`` rows of
    ``vectors`` (an array or :class:`FileRows`): products with the raw rows (one pass
    over them for all k), scaled by the inverse lengths ``inv``. Row-major, so that each
    query's scores are contiguous for the selection."""
    if isinstance(vectors, FileRows):
        q = np.ascontiguousarray(queries, dtype=np.float32)
        scores = np.empty((len(q), stop), dtype=np.float32)
        for lo, block in vectors.blocks(stop):
            if len(q) == 1:
                np.dot(block, q[0], out=scores[0, lo : lo + len(block)])
            else:
                scores[:, lo : lo + len(block)] = q @ block.T
    elif len(queries) == 1:  # a mat-vec: the float32 GEMV, the bandwidth limit
        scores = (vectors[:stop] @ queries[0].astype(np.float32))[None, :]
    else:
        scores = np.ascontiguousarray(queries, dtype=np.float32) @ vectors[:stop].T
    scores *= inv[:stop]
    return scores


def as_matrix(vectors: Any, n: int, copy: bool) -> Any:
    """``vectors`` checked (2-D, ``n`` rows, numbers) as :class:`Embeddings` keeps them:
    a read-only C-contiguous float32 array (copied if ``copy`` or if it is not one; an
    ``np.memmap`` stays one), or a :class:`FileRows` as it is."""
    arr = vectors if isinstance(vectors, FileRows) else np.asanyarray(vectors)
    if arr.ndim != 2:
        raise ValueError(f"vectors must be a 2-D array (words × dimensions), got shape {arr.shape}")
    if arr.shape[0] != n:
        raise ValueError(f"{n} words but {arr.shape[0]} vector rows")
    if not (np.issubdtype(arr.dtype, np.floating) or np.issubdtype(arr.dtype, np.integer)):
        raise TypeError(f"vectors must be numbers, got dtype {arr.dtype}")
    if isinstance(arr, FileRows):
        return arr  # read in place; made a matrix by Embeddings.vectors
    if copy or arr.dtype != np.float32 or not arr.flags.c_contiguous:
        arr = np.array(arr, dtype=np.float32, order="C", copy=True)
    if arr.flags.writeable:
        arr.flags.writeable = False
    return arr


def not_finite(row: int, word: str) -> str:
    """The loaders' one message for a vector holding NaN or ±inf (``row`` 0-based)."""
    return (
        f"vector {row + 1} (word {word[:60]!r}) holds a value that is not a finite number "
        f"(nan, inf, or too large for the type); such vectors cannot be compared"
    )


def inverse(norms: np.ndarray) -> np.ndarray:
    """``1 / norms`` (float32), 0 where a norm is 0 or infinite: zero rows score 0."""
    inv = np.zeros_like(norms, dtype=np.float32)
    ok = (norms > 0) & np.isfinite(norms)
    np.divide(np.float32(1), norms, out=inv, where=ok)
    inv.flags.writeable = False
    return inv


def top_rows(scores: np.ndarray, k: int) -> np.ndarray:
    """Indices of the ``k`` highest ``scores``, best first (ties: lower index first).

    NaN scores are never chosen. Cost: about two passes over ``scores`` (block maxima,
    then a comparison) and a sort of a few candidates, where ``np.argpartition`` would
    move every element; at 3 million scores that is ~5 ms instead of ~100 ms.
    """
    n = scores.shape[0]
    k = min(int(k), n)
    if k <= 0:
        return np.empty(0, dtype=np.int64)
    cand = None
    if k * 8 < n // _SELECT_BLOCK:
        # The k-th largest block maximum is at most the k-th largest score (each of the k
        # best blocks holds a score that high), so every winner scores at least it.
        full = n - n % _SELECT_BLOCK
        maxima = scores[:full].reshape(-1, _SELECT_BLOCK).max(axis=1)
        if full < n:
            maxima = np.append(maxima, scores[full:].max())
        maxima = maxima[~np.isnan(maxima)]
        if len(maxima) >= k:
            threshold = np.partition(maxima, len(maxima) - k)[len(maxima) - k]
            cand = np.flatnonzero(scores >= threshold)
    if cand is None:
        cand = np.flatnonzero(~np.isnan(scores))
    if len(cand) > k:
        vals = scores[cand]
        # All scores tied with the k-th stay in, so that ties go to the lower index.
        cand = cand[vals >= np.partition(vals, len(cand) - k)[len(cand) - k]]
    # Best first; among equal scores the lower row (the more frequent word) first.
    return cand[np.lexsort((cand, -scores[cand]))][:k]


class PrefixIndex:
    """The words sorted (an object array of the same ``str`` objects, 8 bytes a word),
    with the row of each, for prefix search by binary search.

    Sorted by NumPy on each word's first 8 UTF-8 bytes (UTF-8 keeps code-point order;
    the sort releases the interpreter lock, where ``sorted()`` on 3 million strings
    would hold it for seconds and freeze a GUI thread), then words sharing those bytes
    by Python. Build it off the GUI thread (``Embeddings.prefix_index``).
    """

    __slots__ = ("_sorted", "_rows")

    def __init__(self, words: Sequence[str]):
        order = sorted_order(words)
        self._rows = order
        self._sorted = np.empty(len(words), dtype=object)
        self._sorted[:] = [words[i] for i in order.tolist()]
        self._rows.flags.writeable = False
        self._sorted.flags.writeable = False

    def rows(self, prefix: str) -> np.ndarray:
        """Rows of the words that start with ``prefix`` (exactly), in row order."""
        if not prefix:
            return np.sort(self._rows)
        lo = int(np.searchsorted(self._sorted, prefix, side="left"))
        last = ord(prefix[-1])
        if last < 0x10FFFF:
            # Every word starting with prefix sorts before prefix with its last
            # character replaced by the next one.
            hi = int(np.searchsorted(self._sorted, prefix[:-1] + chr(last + 1), side="left"))
        else:
            hi = lo
            while hi < len(self._sorted) and self._sorted[hi].startswith(prefix):
                hi += 1
        return np.sort(self._rows[lo:hi])


def sorted_order(words: Sequence[str]) -> np.ndarray:
    """Rows of ``words`` in sorted order (as ``sorted`` orders str, ties by row), built
    so that no step holds the interpreter lock for more than a few milliseconds:
    ``sorted()`` on 3 million strings holds it for seconds, freezing a GUI thread."""
    n, slice_ = len(words), 1 << 13
    keys = np.zeros(n, dtype=">u8")
    for lo in range(0, n, slice_):
        part = words[lo : lo + slice_]
        blob = np.frombuffer("\0".join(part).encode("utf-8", "surrogatepass"), np.uint8)
        ends = np.flatnonzero(blob == 0)
        if len(ends) != len(part) - 1:  # a word holds "\0": the plain way
            return np.array(sorted(range(n), key=words.__getitem__), dtype=np.int64)
        starts = np.concatenate([[0], ends + 1])
        length = np.diff(np.append(starts, len(blob) + 1)) - 1
        padded = np.zeros((len(part), 8), dtype=np.uint8)
        for j in range(8):  # the j-th byte of every word that has one
            has = length > j
            padded[has, j] = blob[starts[has] + j]
        keys[lo : lo + len(part)] = padded.view(">u8").ravel()
    order = np.argsort(keys, kind="stable")
    # Words whose first 8 bytes agree are ordered by Python, one run at a time.
    sorted_keys = keys[order]
    same = np.flatnonzero(sorted_keys[1:] == sorted_keys[:-1])
    if len(same):
        bounds = np.flatnonzero(np.diff(same) != 1)
        run_starts = same[np.concatenate([[0], bounds + 1])]
        run_ends = same[np.concatenate([bounds, [len(same) - 1]])] + 2
        for a, b in zip(run_starts.tolist(), run_ends.tolist(), strict=True):
            run = order[a:b].tolist()
            order[a:b] = sorted(run, key=words.__getitem__)
    return order.astype(np.int64)


class UnitRows:
    """Rows of an :class:`~w2v_gui.core.vectors.Embeddings` matrix over their lengths, on
    demand.

    Indexing returns float32 arrays (copies): ``unit[i]`` a row, ``unit[rows]`` or
    ``unit[a:b]`` a block. Nothing of the matrix's size is kept.
    """

    __slots__ = ("_vectors", "_inv")

    def __init__(self, vectors: np.ndarray, inv: np.ndarray):
        self._vectors, self._inv = vectors, inv

    @property
    def shape(self) -> tuple[int, int]:
        return self._vectors.shape

    @property
    def dtype(self) -> np.dtype:
        return np.dtype(np.float32)

    def __len__(self) -> int:
        return self._vectors.shape[0]

    def __getitem__(self, key: Any) -> np.ndarray:
        if isinstance(key, tuple):
            raise TypeError("index unit vectors by row only")
        rows = np.asarray(self._vectors[key], dtype=np.float32)
        inv = self._inv[key]
        if rows.ndim == 1:
            return rows * inv
        return rows * np.asarray(inv)[:, None]

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        whole = self[:]
        return whole if dtype is None else whole.astype(dtype)


def unit32(vec: np.ndarray) -> np.ndarray:
    """``vec`` over its length as gensim scales it (float64, then float32); zero stays."""
    v = vec.astype(np.float64)
    norm = np.linalg.norm(v)
    return (v * (1.0 / norm)).astype(np.float32) if norm > 0 else vec


def as_terms(value: Any) -> list[Any]:
    """Accept one word, one vector, a 2-D array of vectors, or a sequence of those."""
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, np.ndarray):
        if value.ndim == 1:
            return [value]
        if value.ndim == 2:
            return list(value)
        raise ValueError(f"query vectors must be 1-D or 2-D, got shape {value.shape}")
    return list(value)
