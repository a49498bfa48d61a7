"""The word2vec binary body, parsed with NumPy: no Python work per word or per number.

The file is mapped and read in windows of 32 MB; pages behind the window are dropped from
the mapping (MADV_DONTNEED), so resident memory stays the matrix being filled (or, with
``lazy``, no matrix at all: the rows stay in the file, :class:`FileRows`). In each
window, every space byte gets a "next" (the first space after the vector that would
follow it), and the chain of real word ends is followed by pointer doubling; the vectors
are gathered by fancy indexing a strided view, their lengths summed while cached, and a
vector holding NaN or ±inf is refused, naming it.
"""

from __future__ import annotations

import codecs
import mmap
from typing import Any

import numpy as np

from w2v_gui.core import nearest
from w2v_gui.core.errors import FormatError
from w2v_gui.core.filerows import FileRows
from w2v_gui.core.formats import _common
from w2v_gui.core.formats._common import Progress
from w2v_gui.core.nearest import not_finite, row_norms
from w2v_gui.core.wordlist import WordList

#: A binary word longer than this means a damaged file (GoogleNews' longest is ~200 bytes).
MAX_WORD_BYTES = 1 << 20
#: Words per slice of work that holds the interpreter lock (a few ms each).
LOCK_SLICE = 1 << 13
_ASCII_SUPERSETS = {"utf-8", "ascii", "latin-1", "iso8859-15", "cp1252"}


def repeats(words: list[str] | WordList) -> bool:
    """True if a word occurs twice (built in slices: one set() call on 3 million words
    would hold the interpreter lock for half a second)."""
    if isinstance(words, WordList):
        distinct = words.distinct()
        if distinct is not None:
            return not distinct
        words = words.materialize()
    seen: set[str] = set()
    for lo in range(0, len(words), LOCK_SLICE):
        seen.update(words[lo : lo + LOCK_SLICE])
    return len(seen) != len(words)


def read(
    f: Any,
    path: Any,
    size: int,
    start: int,
    n: int,
    count: int,
    dim: int,
    encoding: str,
    unicode_errors: str,
    progress: Progress | None,
    lazy: bool = False,
) -> tuple[list[str] | WordList, np.ndarray | FileRows, np.ndarray]:
    """Words, vectors and their lengths of a binary body at ``start``. With ``lazy``, the
    words stay bytes (a :class:`WordList`, for UTF-8) and the vectors in the mapped file
    (:class:`FileRows`): no matrix is allocated."""
    nb = 4 * dim
    # Each record is at least a space and its vector: refuse before allocating if the
    # file cannot possibly hold what the header promises.
    if n * (nb + 1) > size - start:
        raise FormatError(
            f"the header promises {count} vectors of {dim} float32 values, but "
            f"only {size - start} bytes follow the header (at least "
            f"{n * (nb + 1)} needed); the file is truncated or not a word2vec "
            f"binary file",
            path,
            size,
        )
    if n == 0:
        return [], np.empty((0, dim), dtype=np.float32), np.empty(0, dtype=np.float32)
    vectors = None if lazy else np.empty((n, dim), dtype="<f4")
    offsets = np.empty(n, dtype=np.int64) if lazy else None  # where each vector starts
    norms = np.empty(n, dtype=np.float32)
    # The file is mapped and read a window at a time; pages behind the window are
    # dropped from the mapping (MADV_DONTNEED), so that mapped pages do not pile up in
    # the process's resident memory: the matrix alone is what should.
    mm = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
    try:
        whole = np.frombuffer(mm, dtype=np.uint8)
        span = max(4 * _common.BLOCK, 2 * (nb + 1) + 64)  # bytes per window
        words: list[bytes] = []  # per window: its words, each ended by its space
        done, pos, dropped = 0, start, 0
        while done < n:
            data = whole[pos : pos + span]
            starts, spaces = _records(data, nb, n - done)
            k = len(spaces)
            if k == 0:
                if pos + span >= size:
                    _cut_off(data, path, pos, done, count, size)
                if span > MAX_WORD_BYTES and not (data == 32).any():
                    raise FormatError(
                        f"vector {done + 1}: no space within {MAX_WORD_BYTES} bytes to end "
                        f"its word; not a word2vec binary file, or a damaged one",
                        path,
                        pos,
                    )
                span *= 2  # a record longer than the window
                continue
            if offsets is not None:
                offsets[done : done + k] = pos + 1 + spaces
            _gather(data, starts, spaces, vectors, norms, done, path, pos, encoding, dim)
            for lo in range(0, k, LOCK_SLICE):  # decoded a slice at a time, later
                words.append(
                    _word_bytes(data, starts[lo : lo + LOCK_SLICE], spaces[lo : lo + LOCK_SLICE])
                )
            done += k
            pos += int(spaces[-1]) + 1 + nb
            if not lazy and hasattr(mm, "madvise") and pos - dropped > span:
                upto = pos - pos % mmap.PAGESIZE
                mm.madvise(mmap.MADV_DONTNEED, dropped, upto - dropped)
                dropped = upto
            if progress is not None and done < n:
                progress(pos, size)
        if lazy:
            kept, mm = mm, None  # the rows are read from it: it stays mapped
    finally:
        whole = data = None  # release the exported buffer, or close() refuses
        try:
            if mm is not None:
                mm.close()
        except BufferError:  # an error's traceback still holds a view: unmapped with it
            pass
    if lazy:
        rows = FileRows(kept, offsets, dim)
        if codecs.lookup(encoding).name == "utf-8":
            return WordList(b"".join(words), 32, encoding, unicode_errors), rows, norms
        return _decode_words(words, path, start, nb, encoding, unicode_errors), rows, norms
    return _decode_words(words, path, start, nb, encoding, unicode_errors), vectors, norms


def _gather(
    data: np.ndarray,
    starts: np.ndarray,
    spaces: np.ndarray,
    vectors: np.ndarray | None,
    norms: np.ndarray,
    done: int,
    path: Any,
    pos: int,
    encoding: str,
    dim: int,
) -> None:
    """Copy the window's vectors into rows ``done...`` of ``vectors`` (None: into a
    scratch block) and their lengths into ``norms``; refuse a vector holding NaN or ±inf."""
    nb = 4 * dim
    # A gather from a strided view with a row of nb bytes starting at every byte,
    # indexed by where the vectors start; about 1 MB at a time, so that the lengths are
    # summed while the rows are still in the CPU cache.
    every = np.lib.stride_tricks.as_strided(data, (len(data) - nb + 1, nb), (1, 1))
    step = max(1, nearest.NORM_BLOCK_BYTES // nb)
    k = len(spaces)
    for lo in range(0, k, step):
        hi = min(k, lo + step)
        if vectors is None:
            block = every[spaces[lo:hi] + 1].view("<f4")
        else:
            block = vectors[done + lo : done + hi]
            block.view(np.uint8)[:] = every[spaces[lo:hi] + 1]
        norms[done + lo : done + hi], bad = row_norms(block, lo)
        if bad is not None:
            word = data[starts[bad] : spaces[bad]].tobytes().lstrip(b"\n")
            raise FormatError(
                not_finite(done + bad, word[:60].decode(encoding, "replace")),
                path,
                pos + int(spaces[bad]) + 1,
            )


def _records(data: np.ndarray, nb: int, limit: int) -> tuple[np.ndarray, np.ndarray]:
    """Where the complete records of ``data`` start and where their words end (the
    first space after the start), at most ``limit`` of them; ``data`` starts a record.

    A vector can contain space bytes, so which spaces end words depends on the chain
    of records before them. Every space gets a "next" (the first space after the end of
    the vector that would follow it); the chain from the first space is then followed
    by pointer doubling (log2(records) NumPy steps), never a Python loop per record.
    """
    # In slices that stay in the CPU cache: the comparison's mask is not a second
    # buffer-sized pass through memory.
    step = nearest.NORM_BLOCK_BYTES
    spaces = np.concatenate(
        [np.flatnonzero(data[lo : lo + step] == 32) + lo for lo in range(0, len(data), step)]
        or [np.empty(0, dtype=np.int64)]
    )
    m = len(spaces)
    if m == 0:
        return spaces, spaces
    jump = np.append(np.searchsorted(spaces, spaces + (1 + nb)), m)  # m: no next
    chain = np.zeros(1, dtype=np.int64)
    while chain[-1] != m and len(chain) < limit:
        chain = np.concatenate([chain, jump[chain]])
        jump = jump[jump]
    chain = chain[: np.searchsorted(chain, m)][:limit]
    ends = spaces[chain]
    chain = chain[: np.searchsorted(ends + (1 + nb), len(data), side="right")]
    ends = spaces[chain]
    starts = np.concatenate([[0], ends[:-1] + 1 + nb])
    return starts, ends


def _word_bytes(data: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> bytes:
    """The words' bytes, each followed by its space (no word contains one), as one
    bytes object; without the newline word2vec.c writes after each vector (gensim strips it)."""
    starts = starts.copy()
    while True:
        nl = (data[starts] == 10) & (starts < ends)
        if not nl.any():
            break
        starts[nl] += 1
    lengths = ends + 1 - starts
    first = np.cumsum(lengths) - lengths
    idx = np.arange(int(lengths.sum())) + np.repeat(starts - first, lengths)
    return data[idx].tobytes()


def _decode_words(
    parts: list[bytes], path: Any, start: int, nb: int, encoding: str, unicode_errors: str
) -> list[str]:
    if codecs.lookup(encoding).name in _ASCII_SUPERSETS:
        # One decode per slice of words, not per word: a space byte is a whole character
        # in these encodings, so decoding the joined words equals decoding each. (Per
        # slice, not all at once: each call holds the interpreter lock, and a GUI
        # thread waits for it.)
        try:
            words: list[str] = []
            for part in parts:
                words += part.decode(encoding, unicode_errors).split(" ")[:-1]
            return words
        except UnicodeDecodeError:
            pass  # find the word to name, below
    raw = b"".join(parts).split(b" ")[:-1]
    offset = start
    for w in raw:
        try:
            w.decode(encoding, unicode_errors)
        except UnicodeDecodeError as exc:
            raise FormatError(
                f"a word is not valid {encoding}: {exc.reason} ({w[:60]!r})", path, offset
            ) from None
        offset += len(w) + 1 + nb
    return [w.decode(encoding, unicode_errors) for w in raw]


def _cut_off(data: np.ndarray, path: Any, offset: int, i: int, count: int, size: int) -> None:
    head = data[: MAX_WORD_BYTES + 1].tobytes()
    word = head[: head.find(b" ") if b" " in head else 60][:60]
    word = word.lstrip(b"\n").decode("utf-8", "replace")
    raise FormatError(
        f"vector {i + 1} of {count} (word {word!r}) is cut off: the file ends "
        f"at byte {size}; it is truncated or the header count is too large",
        path,
        offset,
    )
