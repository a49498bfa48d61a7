"""Token ids of a big corpus kept on disk, read back a slice at a time.

Why a file read on demand and not a memory map: pages of a map that training has read
stay in the process's resident set until memory runs short, so a 47M-token corpus would
still show its whole id array in the peak (and in a user's task manager) by the end of
the first epoch. The trainer reads one shuffle window (4M tokens, 16 MB) at a time, so
plain reads into a fresh array cost nothing measurable and the resident memory is bounded
by the window, not the corpus. The file is unnamed (removed by the system when it is
closed or the process dies) and lives in the temporary folder (``TMPDIR``).
"""

from __future__ import annotations

import os
import tempfile
import threading

import numpy as np

_ITEM = 4  # int32


class TokenFile:
    """An append-only int32 array in an unnamed temporary file.

    Slicing (``cache[a:b]``, step 1) returns a new array read from the file; ``len``
    works; threads may read at once. Anything that needs the whole array in memory
    (``np.asarray``) is deliberately not supported.
    """

    dtype = np.dtype(np.int32)

    def __init__(self, folder: str | None = None) -> None:
        self._file = tempfile.TemporaryFile(dir=folder)
        self._fd = self._file.fileno()
        self._n = 0
        self._lock = threading.Lock()  # for the seek + read fallback only

    def __len__(self) -> int:
        return self._n

    @property
    def nbytes(self) -> int:
        return self._n * _ITEM

    def append(self, ids: np.ndarray) -> None:
        data = np.ascontiguousarray(ids, dtype=np.int32)
        with self._lock:
            self._file.seek(self._n * _ITEM)
            self._file.write(memoryview(data).cast("B"))
            self._file.flush()
            self._n += len(data)

    def read(self, start: int, stop: int) -> np.ndarray:
        """ids[start:stop] (clipped to the array) as a new array."""
        start, stop = max(0, start), min(stop, self._n)
        out = np.empty(max(0, stop - start), dtype=np.int32)
        view = memoryview(out).cast("B")
        at = 0
        while at < len(view):
            offset = start * _ITEM + at
            if hasattr(os, "preadv"):  # positioned: no shared file offset between threads
                got = os.preadv(self._fd, [view[at:]], offset)
            else:
                with self._lock:
                    self._file.seek(offset)
                    got = self._file.readinto(view[at:])
            if not got:
                raise OSError(f"token cache: short read at token {offset // _ITEM}")
            at += got
        return out

    def __getitem__(self, key):
        if isinstance(key, slice):
            start, stop, step = key.indices(self._n)
            if step != 1:
                raise ValueError("token cache slices take step 1")
            return self.read(start, stop)
        i = int(key) + (self._n if int(key) < 0 else 0)
        if not 0 <= i < self._n:
            raise IndexError(key)
        return self.read(i, i + 1)[0]

    def close(self) -> None:
        self._file.close()

    def __del__(self) -> None:
        try:
            self._file.close()
        except Exception:  # interpreter shutdown
            pass
