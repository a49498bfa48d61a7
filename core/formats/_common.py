"""Plumbing the loaders share: option checks, progress, line-aligned reading, checks.

Text formats are read in line-aligned blocks of a few MB (lines capped at
:data:`MAX_LINE`), so memory stays bounded by the block (plus the result) and a
progress callback can be called between blocks; :mod:`._text` parses the blocks.
"""

from __future__ import annotations

import codecs
import numbers
import os
import warnings
from collections.abc import Callable, Iterable, Iterator
from typing import IO, Any

import numpy as np

from w2v_gui.core.errors import DuplicateWordWarning, FormatError
from w2v_gui.core.formats._text import (  # noqa: F401 - the loaders import them from here
    FIRST,
    LAST,
    NONE,
    TextBlockParser,
    shorten,
)
from w2v_gui.core.vectors import Embeddings

#: ``progress(done, total)``: bytes read for loaders; vectors (or, for .npz, bytes) written
#: for savers. Raising from it aborts the load or save.
Progress = Callable[[int, int], None]

BLOCK = 8 << 20  # bytes read at a time by text loaders: also the progress granularity
# Longest line a text loader gathers: 2 MB holds ~150,000 numbers; a longer "line" is a
# hole in a sparse file or not a vector file, and gathering it whole ran out of memory.
MAX_LINE = 32 << 20
FINITE_ROWS = 1 << 16  # rows checked for NaN/inf at a time (bounds the temporary mask)
WRITE_BYTES = 4 << 20  # float32 bytes written at a time by savers: their progress granularity


def check_options(
    limit: int | None, dtype: Any, encoding: str = "utf-8", unicode_errors: str = "replace"
) -> np.dtype:
    """Validate the loader options every format shares; return ``dtype`` as a NumPy dtype."""
    try:
        dt = np.dtype(dtype)
    except TypeError:
        raise ValueError(f"dtype must be a floating-point type, got {dtype!r}") from None
    if dt.kind != "f":
        raise ValueError(f"dtype must be a floating-point type, got {dtype!r}")
    if limit is not None and (
        isinstance(limit, bool) or not isinstance(limit, numbers.Integral) or limit < 0
    ):
        raise ValueError(f"limit must be a whole number >= 0 or None, got {limit!r}")
    try:
        codecs.lookup(encoding)
        codecs.lookup_error(unicode_errors)
    except LookupError as exc:
        raise ValueError(str(exc)) from None
    return dt


def parse_dtype(dtype: np.dtype) -> np.dtype:
    """The type text numbers are parsed into.

    float32 directly (NumPy parses to double and rounds once, exactly as gensim's
    ``np.float32(token)``); any other type goes through float64 so that rounding to it
    happens once, from the double, as gensim's ``datatype(token)`` does.
    """
    return np.dtype(np.float32) if dtype == np.float32 else np.dtype(np.float64)


def finish(
    words: list[str],
    vectors: np.ndarray,
    dtype: np.dtype,
    path: Any,
    counts: np.ndarray | None = None,
    what: str = "vector",
) -> Embeddings:
    """Round through ``dtype``, drop repeated words (keeping the first, with a warning)."""
    if dtype != np.float32 or vectors.dtype != np.float32:
        with np.errstate(over="ignore"):  # too large for the type: inf, as when parsing
            vectors = np.asarray(vectors).astype(dtype).astype(np.float32)
    emb = Embeddings(words, np.ascontiguousarray(vectors, dtype=np.float32), counts, copy=False)
    if len(emb.index) == len(emb):
        return emb
    keep = np.array(sorted(emb.index.values()), dtype=np.int64)
    dropped = np.ones(len(emb), dtype=bool)
    dropped[keep] = False
    first = int(np.argmax(dropped))
    warnings.warn(
        DuplicateWordWarning(
            f"{path}: {int(dropped.sum())} repeated word(s), the first "
            f"{shorten(emb.words[first])!r} at "
            f"{what} {first + 1}; the first vector of each word was kept"
        ),
        stacklevel=4,
    )
    return Embeddings(
        [emb.words[i] for i in keep.tolist()], emb.vectors[keep], emb.counts[keep], copy=False
    )


def encode_words(
    words: Iterable[str], path: Any, bad: Callable[[bytes], bool], problem: str
) -> list[bytes]:
    """Each word as UTF-8 for a writer, refusing one the format cannot store.

    Raises :class:`FormatError` ``word 'w' {problem}`` for the first word whose bytes
    ``bad`` is true of (or which cannot be written as UTF-8).
    """
    encoded = []
    for w in words:
        try:
            b = w.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise FormatError(
                f"word {shorten(w)!r} cannot be written as UTF-8: {exc.reason}", path
            ) from None
        if bad(b):
            raise FormatError(f"word {shorten(w)!r} {problem}", path)
        encoded.append(b)
    return encoded


def write_step(dim: int) -> int:
    """Vectors per write: about :data:`WRITE_BYTES` of float32 at a time."""
    return max(1, WRITE_BYTES // max(1, dim * 4))  # read at call time: tests make it small


def write_rows(n: int, dim: int, progress: Progress | None) -> Iterator[tuple[int, int]]:
    """``(lo, hi)`` row ranges of one write each; ``progress(rows_written, n)`` is called
    before the first and after each (an exception from it stops the writer)."""
    step = write_step(dim)
    if progress is not None:
        progress(0, n)
    for lo in range(0, n, step):
        hi = min(n, lo + step)
        yield lo, hi
        if progress is not None:
            progress(hi, n)


def write_text_records(
    f: IO[bytes], encoded: list[bytes], vectors: np.ndarray, progress: Progress | None = None
) -> None:
    """Lines ``word n1 n2 ...`` with 9 significant digits, which read back to the same
    float32 bit for bit (word2vec text and GloVe)."""
    n, dim = vectors.shape
    fmt = " ".join(["%.9g"] * dim)
    for lo, hi in write_rows(n, dim, progress):
        rows = vectors[lo:hi].tolist()
        f.write(
            b"".join(
                w + b" " + (fmt % tuple(row)).encode("ascii") + b"\n"
                for w, row in zip(encoded[lo:hi], rows, strict=True)
            )
        )


def file_size(f: IO[bytes]) -> int:
    return os.fstat(f.fileno()).st_size


def blocks(
    f: IO[bytes],
    size: int,
    start: int,
    progress: Progress | None,
    block: int | None = None,
    path: Any = None,
    max_line: int | None = None,
) -> Iterator[tuple[int, bytes]]:
    """Yield ``(file offset, bytes)`` of whole lines, a few MB at a time.

    The last block may end without a newline (the file's last line). A line longer
    than ``block`` is gathered whole, up to ``max_line`` bytes (default
    :data:`MAX_LINE`); a longer one is a :class:`FormatError` naming where it starts.
    """
    block = block or BLOCK  # read at call time, so tests can make blocks small
    max_line = max_line or MAX_LINE
    pending: list[bytes] = []  # pieces of a line not finished yet
    pending_bytes = 0
    offset = start  # file offset of the first byte of pending
    done = start
    while True:
        # Never ask for more than the file has left: read(n) allocates n bytes first.
        data = f.read(min(block, max(size - done, 0) + 1))
        if not data:
            break
        done += len(data)
        cut = data.rfind(b"\n") + 1
        if cut == 0:
            pending.append(data)
            pending_bytes += len(data)
            if pending_bytes > max_line:
                raise FormatError(
                    f"a line longer than {max_line >> 20} MB without a line break starts "
                    f"here: not a text vector file, or a damaged one (a hole of zero bytes?)",
                    getattr(f, "name", None) if path is None else path,
                    offset,
                )
            continue
        head = data[:cut] if not pending else b"".join([*pending, data[:cut]])
        yield offset, head
        offset += len(head)
        pending = [data[cut:]] if cut < len(data) else []
        pending_bytes = len(data) - cut
        if progress is not None:
            progress(min(done, size), size)
    if pending:
        yield offset, b"".join(pending)


def check_finite(
    vectors: np.ndarray, path: Any, words: list[str] | None = None, dtype: Any = np.float32
) -> None:
    """Refuse vectors holding NaN or infinity (``nan``, ``inf``, ``1e999``, or a value
    too large for ``dtype`` or float32, which rounding would make infinite): every
    cosine with such a row is NaN, and the Map's SVD fails. Raises
    :class:`FormatError` naming the first bad row, 1-based (call before dropping
    repeated words, so the row is the file's)."""
    top = min(float(np.finfo(dtype).max), float(np.finfo(np.float32).max))
    for lo in range(0, len(vectors), FINITE_ROWS):
        part = vectors[lo : lo + FINITE_ROWS]
        with np.errstate(invalid="ignore"):
            ok = (np.abs(part) <= top).all(axis=1)  # False for NaN too
        if not ok.all():
            i = lo + int(np.argmin(ok))
            word = f" (word {shorten(words[i])!r})" if words is not None else ""
            raise FormatError(
                f"vector {i + 1}{word} holds a value that is not a finite number (nan, inf, "
                f"or too large for the type); such vectors cannot be compared",
                path,
            )


class Rows:
    """An (n, dim) array filled block by block when n is not known in advance.

    Sized from an estimate and grown or shrunk in place (``ndarray.resize``: a realloc,
    which for large arrays remaps pages instead of copying), so the end result never
    exists twice in memory as it would with a list of blocks and ``np.concatenate``.
    """

    def __init__(self, dim: int, dtype: np.dtype, estimate: int):
        self._a = np.empty((max(16, estimate), dim), dtype=dtype)
        self.n = 0

    def add(self, values: np.ndarray) -> None:
        need = self.n + len(values)
        if need > len(self._a):
            # Only this object refers to the buffer, hence refcheck=False.
            self._a.resize((max(need, len(self._a) * 3 // 2), self._a.shape[1]), refcheck=False)
        self._a[self.n : need] = values
        self.n = need

    def result(self) -> np.ndarray:
        self._a.resize((self.n, self._a.shape[1]), refcheck=False)
        out, self._a = self._a, np.empty((0, self._a.shape[1]), dtype=self._a.dtype)
        return out


def estimate_rows(block: bytes, records: int, size: int, limit: int | None) -> int:
    """Rows a file of ``size`` bytes likely holds, from its first block (bounded by the
    file size, so never a huge allocation)."""
    rows = records * size // max(1, len(block)) + records // 50 + 16
    return rows if limit is None else min(rows, limit)
