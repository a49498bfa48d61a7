"""The trainer's workers as processes: Hogwild across processes over shared matrices.

Two worker *threads* trained only 1.2–1.3× as fast as one: between NumPy calls every
batch needs the interpreter lock, and the threads queued for it (the process used 1.3–1.7
of two cores). Forked worker processes share the two matrices and the :class:`RowBudget`
through anonymous shared memory (``mmap``), so each has its own interpreter and lock;
the rest of what they read (token ids, tables) they inherit copy-on-write. The parent
hands out nothing while they run: a worker takes the next job from a shared cursor (under
a process-shared lock), counts its words, loss and finished jobs in its own row of a
shared table that the parent sums for its reports, and notes where it stopped. Linux only
(:func:`available`): macOS's system libraries are not fork-safe and Windows has no fork;
there the trainer keeps its threads.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import mmap
import multiprocessing
import os
import signal
import sys
import threading
import time
import traceback
import warnings
from collections.abc import Callable

import numpy as np

from w2v_gui.core.errors import TrainingDiverged
from w2v_gui.core.progress import RowSink, row_width

# Control words (int64): the job cursor and the flags the parent and workers share.
_CURSOR, _STOP, _PAUSE, _HALT, _ERROR, _DONE = range(6)  # _DONE + w: worker w ended cleanly
_ERROR_BYTES = 8192
_DIVERGED, _FAILED = 1, 2
POLL = 0.02  # s: how often the parent passes stop/pause on and checks on the workers


# The app's worker processes run this much nicer than its window. At equal priority, two
# workers on two cores kept the GUI thread waiting for a core up to 34 ms at a time
# (schedstat run delay, tools/probe_stalls.py, demo corpus, 3 epochs: p99 gap 27-30 ms);
# at 10, p99 21-25 ms and no gap past the first over 40 ms. It costs the workers only
# what the window uses (~8 % of a core while training) when nothing else runs.
BACKGROUND_NICENESS = 10


def available() -> bool:
    """Whether worker processes can be forked here (Linux)."""
    return sys.platform.startswith("linux") and hasattr(os, "fork")


def shared_empty(shape: tuple, dtype) -> np.ndarray:
    """A zeroed array in anonymous shared memory: a forked child writes the same pages.

    Anonymous (not ``/dev/shm``), so it is freed with its last reference and never left
    behind by a crash, and no tmpfs size limit applies.
    """
    count = int(np.prod(shape, dtype=np.int64))
    buf = mmap.mmap(-1, max(count * np.dtype(dtype).itemsize, 1))  # shared, zero-filled
    return np.frombuffer(buf, dtype=dtype, count=count).reshape(shape)


def shared_copy(a: np.ndarray) -> np.ndarray:
    out = shared_empty(a.shape, a.dtype)
    out[...] = a
    return out


def process_lock():
    """A lock that holds across forked processes (a POSIX semaphore)."""
    return multiprocessing.get_context("fork").Lock()


class Flag:
    """An ``Event``-like view of one shared control word."""

    def __init__(self, ctl: np.ndarray, index: int) -> None:
        self._ctl, self._i = ctl, index

    def is_set(self) -> bool:
        return bool(self._ctl[self._i])


class ProcessWorkers:
    """``workers`` forked processes, each running ``work(take, sink, stop, pause, halt)``
    until ``take()`` (the next ``(job, first batch)`` of ``queue``) returns None.
    """

    def __init__(
        self, workers: int, epochs: int, queue: list[tuple[int, int]], niceness: int = 0
    ) -> None:
        self.workers, self.epochs, self.niceness = workers, epochs, niceness
        self.queue = np.array(queue, dtype=np.int64).reshape(-1, 2)
        self.ctl = shared_empty((_DONE + workers,), np.int64)
        self.table = shared_empty((workers, row_width(epochs)), np.float64)
        self.pend = shared_empty((workers, 2), np.int64)
        self.pend[:] = -1
        self.error = shared_empty((_ERROR_BYTES,), np.uint8)
        self._lock = process_lock()
        self._pids: dict[int, int] = {}  # worker → pid, while it has not been reaped
        self._crash: str | None = None

    # -- in a worker -------------------------------------------------------------------
    def take(self) -> tuple[int, int] | None:
        with self._lock:
            k = int(self.ctl[_CURSOR])
            if k >= len(self.queue):
                return None
            self.ctl[_CURSOR] = k + 1
        return int(self.queue[k, 0]), int(self.queue[k, 1])

    def _fail(self, kind: int, message: str) -> None:
        with self._lock:
            if not self.ctl[_ERROR]:
                raw = message.encode("utf-8", "replace")[: _ERROR_BYTES - 1]
                self.error[: len(raw)] = np.frombuffer(raw, dtype=np.uint8)
                self.ctl[_ERROR] = kind
        self.ctl[_HALT] = 1

    def _child(self, w: int, work: Callable, parent: int) -> None:
        code = 1
        try:
            # A child must not run the finalizers of the parent's garbage (Qt objects
            # among them: the app collects only on its GUI thread, with gc disabled).
            gc.disable()
            # Ctrl-C in a terminal signals the whole process group: the parent stops the
            # workers between batches (and saves); interrupted mid-batch, a worker would
            # leave half a batch applied and its job neither done nor noted as stopped.
            signal.signal(signal.SIGINT, signal.SIG_IGN)
            _die_with_parent(parent)
            if self.niceness:
                os.nice(self.niceness)
            flags = (Flag(self.ctl, _STOP), Flag(self.ctl, _PAUSE), Flag(self.ctl, _HALT))
            sink = RowSink(self.table[w], self.pend[w], self.epochs)
            try:
                work(self.take, sink, *flags)
            except TrainingDiverged as exc:
                self._fail(_DIVERGED, str(exc))
            except BaseException:
                self._fail(_FAILED, traceback.format_exc())
            self.ctl[_DONE + w] = 1
            code = 0
        finally:
            os._exit(code)  # never back into the parent's code (Qt, atexit, buffered output)

    # -- in the parent -----------------------------------------------------------------
    def start(self, work: Callable) -> None:
        parent = os.getpid()
        try:
            for w in range(self.workers):
                with warnings.catch_warnings():
                    # Python ≥ 3.12 warns about forking a process with threads: the child
                    # only runs NumPy code on its own data and never takes their locks.
                    warnings.simplefilter("ignore", DeprecationWarning)
                    pid = os.fork()
                if pid == 0:
                    self._child(w, work, parent)
                self._pids[w] = pid
        except BaseException:
            self.ctl[_HALT] = 1
            self.join()
            raise

    def wait(self, timeout: float, stop, pause) -> bool:
        """Pass ``stop`` and ``pause`` on for up to ``timeout`` s; whether any worker runs."""
        end = time.perf_counter() + timeout
        while True:
            self.ctl[_STOP] = stop.is_set()
            self.ctl[_PAUSE] = pause.is_set()
            self._reap()
            now = time.perf_counter()
            if not self._pids or now >= end:
                return bool(self._pids)
            time.sleep(min(POLL, end - now))

    def halt(self) -> None:
        self.ctl[_HALT] = 1

    def join(self) -> None:
        while self._pids:
            self._reap()
            if self._pids:
                time.sleep(POLL / 4)

    def _reap(self) -> None:
        for w, pid in list(self._pids.items()):
            try:
                got, status = os.waitpid(pid, os.WNOHANG)
            except ChildProcessError:  # reaped by someone else: its flag tells how it ended
                got, status = pid, 0 if self.ctl[_DONE + w] else -1
            if got == 0:
                continue
            del self._pids[w]
            if not self.ctl[_DONE + w]:
                self.ctl[_HALT] = 1
                how = _describe(status)
                self._crash = self._crash or f"a training worker process ended {how}"

    def check(self) -> None:
        """Raise what a worker raised (or how it died), in the parent."""
        kind = int(self.ctl[_ERROR])
        message = bytes(self.error).rstrip(b"\0").decode("utf-8", "replace")
        if kind == _DIVERGED:
            raise TrainingDiverged(message)
        if kind == _FAILED:
            raise RuntimeError(f"a training worker failed:\n{message}")
        if self._crash:
            raise RuntimeError(
                f"{self._crash}; the machine may be out of memory (fewer workers or "
                "dimensions need less)"
            )

    def taken(self) -> int:
        return min(int(self.ctl[_CURSOR]), len(self.queue))

    def stopped_jobs(self) -> list[tuple[int, int]]:
        return [(int(j), int(t)) for j, t in self.pend if j >= 0]

    def sums(self) -> np.ndarray:
        """The workers' rows added up (read while they write: each value is one word)."""
        return self.table.sum(axis=0)


def _describe(status: int) -> str:
    if status == -1:
        return "without a word"
    if os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        with contextlib.suppress(ValueError):
            return f"by signal {signal.Signals(sig).name}"
        return f"by signal {sig}"
    return f"with status {os.waitstatus_to_exitcode(status)}"


def _die_with_parent(parent: int) -> None:
    """Ask Linux to kill this worker when the parent dies (no orphans training on)."""
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    if os.getppid() != parent:  # the parent died before the request was made
        os._exit(1)


def fresh_locks(obj, *names: str) -> None:
    """In a forked child: new locks for ``obj``'s, which another of the parent's threads
    may have held at the fork and would then never release."""
    for name in names:
        setattr(obj, name, threading.Lock())
