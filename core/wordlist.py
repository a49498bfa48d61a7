"""Words kept as one encoded blob, decoded on demand: a model opened for one query does
not build millions of Python strings.

:class:`WordList` holds the words' bytes, each followed by a separator byte no word
contains (a space in word2vec binaries, a newline in native files), and where each word
starts. ``len``, one word by row and the row of one word cost microseconds to a few
milliseconds (a ``bytes.find`` over the blob); :meth:`WordList.materialize` decodes them
all, once, for everything else (``Embeddings.words``, the word index, the prefix index).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

#: Bytes decoded per call when all words are decoded: each call holds the interpreter
#: lock, and a GUI thread waits for it.
_DECODE_SLICE = 1 << 20
#: Words per slice of work that holds the interpreter lock (a few ms each).
_LOCK_SLICE = 1 << 13
_K1, _K2, _K3 = (np.uint64(k) for k in (0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9))
#: :meth:`WordList.find`'s answer when the bytes cannot tell.
UNDECIDED = -1


class WordList:
    """``n`` words: ``blob[starts[i] : starts[i + 1] - 1]`` decoded is word ``i``.

    Parameters
    ----------
    blob : bytes
        Every word's bytes followed by ``sep``; no word contains ``sep``.
    sep : int
        The separator byte (ASCII, so that decoding the joined words equals decoding
        each: ``encoding`` must be ASCII-compatible).
    encoding, errors : str
        How a word's bytes are decoded (as the loader would decode each).
    """

    __slots__ = ("_blob", "_sep", "_starts", "_encoding", "_errors")

    def __init__(self, blob: bytes, sep: int, encoding: str = "utf-8", errors: str = "strict"):
        self._blob, self._sep = blob, sep
        self._encoding, self._errors = encoding, errors
        arr = np.frombuffer(blob, dtype=np.uint8)
        ends = np.flatnonzero(arr == sep)
        self._starts = np.concatenate([[0], ends + 1]).astype(np.int64)

    def __len__(self) -> int:
        return len(self._starts) - 1

    def __getitem__(self, i: int) -> str:
        n = len(self)
        i = int(i)
        if i < 0:
            i += n
        if not 0 <= i < n:
            raise IndexError("word index out of range")
        a, b = int(self._starts[i]), int(self._starts[i + 1]) - 1
        return self._blob[a:b].decode(self._encoding, self._errors)

    def find(self, word: str) -> int | None:
        """The first row holding exactly ``word``, None if no row does, or
        :data:`UNDECIDED` when the blob cannot tell (then compare decoded words)."""
        if "\ufffd" in word and self._errors == "replace":
            return UNDECIDED  # it may stand for bytes that were not valid
        try:
            strict = "surrogatepass" if self._errors == "surrogatepass" else "strict"
            raw = word.encode(self._encoding, strict)
        except UnicodeEncodeError:
            return UNDECIDED
        sep = bytes([self._sep])
        if sep in raw:
            return None
        blob = self._blob
        if blob.startswith(raw + sep):
            return 0
        at = blob.find(sep + raw + sep)
        if at < 0:
            return None
        return int(np.searchsorted(self._starts, at + 1))

    def distinct(self) -> bool | None:
        """True if no word repeats, False if one does; None if only decoding can tell
        (different bytes that decode to the same word, e.g. two invalid ones replaced)."""
        blob = self._blob
        if not blob.isascii():
            try:
                blob.decode(self._encoding)  # strict: then distinct bytes are distinct words
            except UnicodeDecodeError:
                return None
        # A 64-bit key per word from its length and its first and last 8 bytes, sorted
        # by NumPy: equal words have equal keys, so distinct keys settle it (~0.3 s for
        # 3 million words, where a set of them takes 1 s); words whose keys collide are
        # then compared as bytes.
        n = len(self)
        arr = np.concatenate([np.frombuffer(blob, dtype=np.uint8), np.zeros(8, np.uint8)])
        eight = np.lib.stride_tricks.as_strided(arr, (len(arr) - 7, 8), (1, 1)).view("<u8")[:, 0]
        starts = self._starts[:-1]
        length = (self._starts[1:] - 1 - starts).astype(np.uint64)
        short = np.minimum(length, 8) * np.uint64(8)
        mask = np.where(short == 64, ~np.uint64(0), (np.uint64(1) << short) - np.uint64(1))
        first = eight[starts] & mask
        last = np.where(length > 8, eight[np.maximum(starts + length.astype(np.int64) - 8, 0)], 0)
        with np.errstate(over="ignore"):
            key = first * _K1 ^ last.astype(np.uint64) * _K2 ^ length * _K3
        key.sort()
        if not (key[1:] == key[:-1]).any():
            return True
        parts = blob.split(bytes([self._sep]))  # n + 1 parts: the last one is empty
        seen: set[bytes] = set()
        for lo in range(0, n, _LOCK_SLICE):  # each update holds the lock
            seen.update(parts[lo : min(n, lo + _LOCK_SLICE)])
        return len(seen) == n

    def materialize(self) -> tuple[str, ...]:
        """Every word decoded, in row order (a slice of the blob at a time)."""
        blob, sep, n = self._blob, chr(self._sep), len(self)
        words: list[str] = []
        lo = 0
        while lo < n:
            hi = int(np.searchsorted(self._starts, self._starts[lo] + _DECODE_SLICE))
            hi = min(n, max(hi, lo + 1))
            part = blob[int(self._starts[lo]) : int(self._starts[hi])]
            words += part.decode(self._encoding, self._errors).split(sep)[:-1]
            lo = hi
        return tuple(words)


def word_index(words: Sequence[str]) -> dict[str, int]:
    """word -> first row. Filled from the end so that a repeated word maps to its first
    row; in slices, because each dict.update holds the interpreter lock (one call for 3
    million words would freeze a GUI thread for a second)."""
    built: dict[str, int] = {}
    for hi in range(len(words), 0, -_LOCK_SLICE):
        lo = max(0, hi - _LOCK_SLICE)
        built.update(zip(reversed(words[lo:hi]), range(hi - 1, lo - 1, -1), strict=True))
    return built
