"""Encoding a corpus's text chunks in two processes: the scan on both cores.

Reading, decoding, errors and progress stay in this process (``Corpus.iter_texts``);
tokenizing and the word look-ups, most of a scan's time, are shared with one forked
helper process: chunks alternate between the two, each with its own word table, and
every chunk's ids are turned into shared ids here, in chunk order. The words a chunk's
encoder saw first, in their order, are a superset of the words new to the whole text in
that chunk, in the same order; so adding them in chunk order gives every word the id the
one-process scan gives it, and the ids come out identical (``tests/core/test_token_ids``).

Used only where forking is safe and pays: a fork start method, no other Python thread
running (the app scans in a worker thread: it keeps the one-process path), and more than
:data:`MIN_BYTES` of text. If the helper fails, this process encodes the rest itself.
"""

from __future__ import annotations

import multiprocessing
import re
import signal
import threading
from collections import defaultdict
from collections.abc import Iterable, Iterator
from itertools import islice

import numpy as np

from w2v_gui.core.tokenids import TokenIds

MIN_BYTES = 8 << 20  # below this a scan takes < 0.5 s: not worth a process


def can_pair(total_bytes: int) -> bool:
    """True if a scan of ``total_bytes`` should use two processes."""
    return (
        total_bytes >= MIN_BYTES
        and multiprocessing.cpu_count() > 1
        and "fork" in multiprocessing.get_all_start_methods()
        and threading.active_count() == 1
    )


class _Local:
    """One encoder's ids and the words it saw first in each chunk."""

    def __init__(self, regex: re.Pattern, token_pattern: str) -> None:
        self.encoder = TokenIds(regex, token_pattern)

    def encode(self, text: str) -> tuple[np.ndarray, list[str]]:
        ids_of = self.encoder.ids_of
        known = len(ids_of)
        ids = self.encoder.encode(text)
        new = list(islice(reversed(ids_of), len(ids_of) - known))[::-1]
        return ids, new


def _helper(conn, parent_end, regex: re.Pattern, token_pattern: str) -> None:
    # The parent's end came along with the fork: closed here, so that the parent closing
    # it is this end's end of file.
    parent_end.close()
    # Ctrl-C in a terminal reaches the whole process group: the parent stops the scan
    # and closes the pipe, which ends this loop (no second traceback from here).
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    local = _Local(regex, token_pattern)
    try:
        while True:
            conn.send(local.encode(conn.recv()))
    except (EOFError, OSError):  # the parent closed the pipe: done, or stopped
        pass


class PairEncoder:
    """Shared ids for texts encoded alternately here and in a helper process.

    ``ids_of`` (word -> shared id, in order of first appearance) is complete once
    :meth:`encode_all` has run to its end.
    """

    def __init__(self, regex: re.Pattern, token_pattern: str) -> None:
        self._regex, self._pattern = regex, token_pattern
        self.ids_of: defaultdict[str, int] = defaultdict()
        self.ids_of.default_factory = self.ids_of.__len__
        # Per encoder (0: here, 1: the helper, 2: here for the helper's last text if it
        # failed), the shared id of each of its own ids.
        self._shared = [np.zeros(0, dtype=np.int32) for _ in range(3)]
        self._count = [0, 0, 0]
        self._conn = None
        self.helper: multiprocessing.process.BaseProcess | None = None

    def encode_all(self, texts: Iterable[str]) -> Iterator[np.ndarray]:
        """Shared ids of each text, in order."""
        here = _Local(self._regex, self._pattern)
        ctx = multiprocessing.get_context("fork")
        self._conn, child_conn = ctx.Pipe()
        proc = ctx.Process(
            target=_helper, args=(child_conn, self._conn, self._regex, self._pattern)
        )
        proc.daemon = True  # never outlives this process
        self.helper = proc
        proc.start()
        child_conn.close()
        pending: str | None = None  # the text the helper is encoding
        try:
            for text in texts:
                if pending is None and self._conn is not None:
                    try:
                        self._conn.send(text)
                        pending = text
                        continue
                    except (OSError, ValueError):
                        self._conn = None  # the helper is gone: encode here from now on
                mine = here.encode(text)  # while the helper encodes `pending`
                if pending is not None:
                    yield self._merge(*self._take(pending))
                    pending = None
                yield self._merge(0, *mine)
            if pending is not None:
                yield self._merge(*self._take(pending))
        finally:
            if self._conn is not None:
                self._conn.close()  # the helper's next recv or send fails: it ends
            proc.join(timeout=5)
            if proc.is_alive():
                proc.terminate()
                proc.join()

    def _take(self, pending: str) -> tuple[int, np.ndarray, list[str]]:
        """The helper's result for ``pending``, or this process's if the helper failed."""
        try:
            ids, new = self._conn.recv()
            return 1, ids, new
        except (EOFError, OSError):
            self._conn = None
            return 2, *_Local(self._regex, self._pattern).encode(pending)

    def _merge(self, who: int, ids: np.ndarray, new: list[str]) -> np.ndarray:
        if new:
            shared = np.fromiter(map(self.ids_of.__getitem__, new), np.int32, count=len(new))
            have, n = self._shared[who], self._count[who]
            if n + len(new) > len(have):
                grown = np.zeros(max(2 * len(have), n + len(new), 1024), dtype=np.int32)
                grown[:n] = have[:n]
                self._shared[who] = have = grown
            have[n : n + len(new)] = shared
            self._count[who] = n + len(new)
        return self._shared[who][ids]
