"""Float32 rows read in place from a mapped file: a word2vec binary opened for one query
is never copied into a matrix of its own.

In this program's measurements a fresh 3.6 GB matrix costs 5-12 s of page faults before
the first value is written (the machine's memory comes back from its host on first
touch), more than parsing the file; the rows are already in the OS cache, at known byte
offsets. :class:`FileRows` gathers them a block at a time for the queries, and builds
the whole matrix only when asked (:meth:`FileRows.materialize`, ``Embeddings.vectors``).
"""

from __future__ import annotations

import mmap
from collections.abc import Iterator
from typing import Any

import numpy as np

#: Bytes of rows gathered per block: a block is gathered and used while in the CPU cache.
BLOCK_BYTES = 1 << 20


class FileRows:
    """Rows of ``dim`` little-endian float32 values at byte offsets ``starts`` of ``mm``.

    Shaped like a read-only (n, dim) float32 matrix for what queries need: ``shape``,
    ``len``, indexing by row, slice or row array (copies), and :meth:`blocks`.
    """

    __slots__ = ("_mm", "_every", "_starts", "_dim")

    def __init__(self, mm: mmap.mmap, starts: np.ndarray, dim: int):
        data = np.frombuffer(mm, dtype=np.uint8)
        nb = 4 * dim
        # A row of nb bytes starting at every byte; indexed by where the vectors start.
        self._every = np.lib.stride_tricks.as_strided(
            data, (max(0, len(data) - nb + 1), nb), (1, 1), writeable=False
        )
        self._mm, self._starts, self._dim = mm, starts, dim

    @property
    def shape(self) -> tuple[int, int]:
        return (len(self._starts), self._dim)

    @property
    def dtype(self) -> np.dtype:
        return np.dtype(np.float32)

    ndim = 2

    def __len__(self) -> int:
        return len(self._starts)

    def __getitem__(self, key: Any) -> np.ndarray:
        if isinstance(key, tuple):
            raise TypeError("index file rows by row only")
        rows = self._every[self._starts[key]]
        return rows.view("<f4").astype(np.float32)

    def blocks(self, stop: int | None = None) -> Iterator[tuple[int, np.ndarray]]:
        """``(lo, rows[lo:lo + k])`` for the first ``stop`` rows, a block at a time."""
        stop = len(self) if stop is None else stop
        step = max(1, BLOCK_BYTES // (4 * self._dim))
        for lo in range(0, stop, step):
            hi = min(stop, lo + step)
            yield lo, self._every[self._starts[lo:hi]].view("<f4")

    def materialize(self) -> np.ndarray:
        """The whole (n, dim) float32 matrix, read-only."""
        out = np.empty(self.shape, dtype=np.float32)
        for lo, block in self.blocks():
            out[lo : lo + len(block)] = block
        out.flags.writeable = False
        return out

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        whole = self.materialize()
        return whole if dtype is None else whole.astype(dtype)
