"""Plumbing the loaders share: option checks, progress, line-aligned reading, number parsing.

Text formats are read in line-aligned blocks of a few MB, so memory stays bounded by
the block (plus the result) and a progress callback can be called between blocks.
Each block's numbers are parsed by one NumPy call when the lines are regular (single
separators, the expected count per line); otherwise line by line, which also finds the
line to name in the error.
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
from w2v_gui.core.vectors import Embeddings

#: ``progress(done, total)``: bytes read for loaders; vectors (or, for .npz, bytes) written
#: for savers. Raising from it aborts the load or save.
Progress = Callable[[int, int], None]

BLOCK = 8 << 20  # bytes read at a time by text loaders: also the progress granularity
WRITE_BYTES = 4 << 20  # float32 bytes written at a time by savers: their progress granularity

# Word rules for text records.
FIRST = "first"  # the word is everything before the first space (word2vec text)
LAST = "last"  # the numbers are the last `dim` fields; the word is the rest (GloVe)
NONE = "none"  # no word: the line is all numbers (projector vectors.tsv)


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
            f"{path}: {int(dropped.sum())} repeated word(s), the first {emb.words[first]!r} at "
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
                f"word {w!r} cannot be written as UTF-8: {exc.reason}", path
            ) from None
        if bad(b):
            raise FormatError(f"word {w!r} {problem}", path)
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
    f: IO[bytes], size: int, start: int, progress: Progress | None, block: int | None = None
) -> Iterator[tuple[int, bytes]]:
    """Yield ``(file offset, bytes)`` of whole lines, a few MB at a time.

    The last block may end without a newline (the file's last line). A line longer
    than ``block`` is gathered whole.
    """
    block = block or BLOCK  # read at call time, so tests can make blocks small
    pending: list[bytes] = []  # pieces of a line not finished yet
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
            continue
        head = data[:cut] if not pending else b"".join([*pending, data[:cut]])
        yield offset, head
        offset += len(head)
        pending = [data[cut:]] if cut < len(data) else []
        if progress is not None:
            progress(min(done, size), size)
    if pending:
        yield offset, b"".join(pending)


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


class TextBlockParser:
    """Parses blocks of text records ``word n1 n2 ... n_dim`` (or bare numbers).

    Parameters
    ----------
    dim : int
        Numbers per record.
    rule : {FIRST, LAST, NONE}
        Where the word is (see the module constants).
    sep : bytes
        The separator the regular fast path expects between numbers (b" " or b"\\t").
    dtype : np.dtype
        Parse numbers into this type (see :func:`parse_dtype`).
    """

    def __init__(
        self,
        path: Any,
        dim: int,
        rule: str,
        sep: bytes,
        dtype: np.dtype,
        encoding: str,
        unicode_errors: str,
    ):
        self.path, self.dim, self.rule, self.sep = path, dim, rule, sep
        self.dtype, self.encoding, self.errors = dtype, encoding, unicode_errors
        self.line = 1  # number of the first line of the next block (1-based)

    def parse(self, offset: int, block: bytes, want: int | None) -> tuple[list[str], np.ndarray]:
        """Records of one block: at most ``want`` of them (None: all)."""
        lines = block.split(b"\n")
        if lines and not lines[-1]:
            lines.pop()  # the block ended with a newline
        first_line = self.line
        self.line += len(lines)
        recs = [ln.rstrip() for ln in lines]  # also drops the "\r" of CRLF, trailing spaces
        idx: list[int] | range = range(len(recs))
        if not all(recs):
            idx = [i for i, r in enumerate(recs) if r]
            recs = [recs[i] for i in idx]
        if want is not None and len(recs) > want:
            recs, idx = recs[:want], idx[:want]
        if not recs:
            return [], np.empty((0, self.dim), dtype=self.dtype)
        where = _Where(self.path, block, offset, first_line, idx)
        words, values = self._fast(recs)
        if values is None:
            words, values = self._slow(recs, where)
        return self._decode(words, where), values

    # -- the regular case: one NumPy call for all numbers of the block --------------

    def _fast(self, recs: list[bytes]) -> tuple[list[bytes], np.ndarray | None]:
        dim, sep = self.dim, self.sep
        words: list[bytes] = []
        if self.rule == NONE:
            rests = recs
            if any(r.count(sep) != dim - 1 for r in rests):
                return words, None
        else:
            parts = [r.partition(sep) for r in recs]
            words = [p[0] for p in parts]
            rests = [p[2] for p in parts]
            want = dim - 1
            for i, rest in enumerate(rests):
                have = rest.count(sep)
                if have == want and words[i]:
                    continue
                if self.rule == LAST and have > want:
                    # The word itself contains spaces: the numbers are the last dim fields.
                    word = recs[i].rsplit(sep, dim)[0]
                    words[i], rests[i] = word, recs[i][len(word) + 1 :]
                    if word:
                        continue
                return words, None
        joined = sep.join(rests)
        other = b"\t" if sep == b" " else b" "
        if sep + sep in joined or joined.startswith(sep) or other in joined:
            return words, None
        try:
            values = np.fromstring(joined, dtype=self.dtype, sep=sep.decode())
        except (ValueError, DeprecationWarning):  # NumPy < 2 warns where 2.x raises
            return words, None
        if values.size != len(recs) * dim:
            return words, None
        return words, values.reshape(len(recs), dim)

    # -- anything else: line by line, naming the first bad line ---------------------

    def _slow(self, recs: list[bytes], where: _Where) -> tuple[list[bytes], np.ndarray]:
        dim = self.dim
        words: list[bytes] = []
        tokens: list[list[bytes]] = []
        for i, rec in enumerate(recs):
            if self.rule == NONE:
                word, toks = b"", rec.split()
            elif self.rule == FIRST:
                word, space, rest = rec.partition(b" ")
                if not space or not word:
                    where.fail(i, f"expected a word and {dim} numbers separated by spaces")
                toks = rest.split()
            else:
                # The exact rule where the numbers are single-space separated (the word
                # keeps any spaces, even leading or trailing ones), else any whitespace.
                fields = rec.rsplit(b" ", dim)
                if not (
                    len(fields) == dim + 1
                    and fields[0]
                    and all(t.split() == [t] for t in fields[1:])
                ):
                    fields = rec.rsplit(None, dim)
                    if len(fields) != dim + 1 or not fields[0].strip():
                        where.fail(
                            i,
                            f"expected a word followed by {dim} numbers, found "
                            f"{len(rec.split())} field(s)",
                        )
                word, toks = fields[0], fields[1:]
            if len(toks) != dim:
                what = "numbers" if self.rule == NONE else "numbers after the word"
                where.fail(i, f"expected {dim} {what}, found {len(toks)}")
            words.append(word)
            tokens.append(toks)
        # Every line has dim tokens of >= 1 byte each, so this is bounded by the block.
        out = np.empty((len(recs), dim), dtype=np.float64)
        for i, toks in enumerate(tokens):
            row = out[i]
            for j, tok in enumerate(toks):
                try:
                    row[j] = float(tok)
                except ValueError:
                    where.fail(i, f"{tok[:40].decode('ascii', 'replace')!r} is not a number")
        with np.errstate(over="ignore"):  # "1e300" is inf in float32, as on the fast path
            return words, out.astype(self.dtype)

    def _decode(self, words: list[bytes], where: _Where) -> list[str]:
        if self.rule == NONE:
            return []
        enc, errors = self.encoding, self.errors
        try:
            return [w.decode(enc, errors) for w in words]
        except UnicodeDecodeError:
            for i, w in enumerate(words):
                try:
                    w.decode(enc, errors)
                except UnicodeDecodeError as exc:
                    where.fail(i, f"the word is not valid {enc}: {exc.reason}")
            raise


class _Where:
    """Turns "record i of this block" into a FormatError naming the line and byte offset."""

    def __init__(
        self, path: Any, block: bytes, offset: int, first_line: int, idx: list[int] | range
    ):
        self.path, self.block, self.offset = path, block, offset
        self.first_line, self.idx = first_line, idx

    def fail(self, i: int, message: str) -> None:
        k = self.idx[i]  # line index within the block
        pos = 0
        for _ in range(k):
            pos = self.block.index(b"\n", pos) + 1
        raise FormatError(f"line {self.first_line + k}: {message}", self.path, self.offset + pos)
