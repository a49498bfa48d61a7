"""Skip-gram (or CBOW, ``config.sg = 0``) with negative sampling: the trainer, which
schedules the batch kernels of :mod:`w2v_gui.core.kernels` over a corpus (how one batch
works is told there). Both modes share the batches, pools, cap, threads and progress.

The :class:`Trainer` cuts every epoch into jobs of consecutive tokens, each with its own
random stream derived from ``(seed, job)``. Unless ``config.shuffle`` is off, each epoch
takes the sentences of every SHUFFLE_TOKENS-token window in a new random order
(:func:`~w2v_gui.core.windows.window_tokens`: repeated neighbouring lines would otherwise
add up in one batch).
``workers`` take jobs in turn (Hogwild): forked processes over shared matrices on Linux
(:mod:`w2v_gui.core.workers`), threads elsewhere. ``Trainer.run()`` is a generator of
:class:`TrainingProgress` records and honours stop and pause events between batches.
"""

from __future__ import annotations

import math
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from w2v_gui.core.config import TrainingConfig
from w2v_gui.core.errors import InsufficientMemory, TrainingDiverged
from w2v_gui.core.estimate import MEMORY_ADVICE, available_memory, estimate
from w2v_gui.core.kernels import (
    JOB_TOKENS,
    SHUFFLE_TOKENS,
    RowBudget,
    batch_gradients,
    cbow_gradients,
    centres_per_batch,
    negative_pools,
    sum_rows,
)
from w2v_gui.core.progress import LockedTally, Tally, TrainingProgress
from w2v_gui.core.resume import validate_state
from w2v_gui.core.schedule import Schedule
from w2v_gui.core.units import format_bytes
from w2v_gui.core.vectors import Embeddings
from w2v_gui.core.vocab import TokenStream, Vocab
from w2v_gui.core.windows import WindowPlan, job_slots, plan_slice, window_plan
from w2v_gui.core.workers import (
    ProcessWorkers,
    fresh_locks,
    process_lock,
    shared_copy,
    shared_empty,
)
from w2v_gui.core.workers import available as processes_available

SWITCH_INTERVAL = 0.001  # s, while the workers run (see run())
LOSS_EVERY = 4  # one batch in this many computes (and reports) its loss


def _private_copy(a: np.ndarray) -> np.ndarray:
    return np.array(a, order="C")


@dataclass
class _Job:
    index: int
    epoch: int
    start: int
    stop: int
    first_batch: int = 0


class Trainer(Schedule):
    """Trains SGNS vectors for ``vocab`` on ``stream`` as ``config`` says.

    ``state`` (from :meth:`state`) resumes an interrupted run with the same schedule.
    ``processes``: train with worker processes (None: where they can be forked, when
    ``config.workers`` > 1) or threads (False). ``niceness``: how much lower the worker
    processes' priority is than the caller's (``os.nice``; the app passes
    ``workers.BACKGROUND_NICENESS``: its window then gets a core when it needs one).
    """

    def __init__(
        self,
        config: TrainingConfig,
        vocab: Vocab,
        stream: TokenStream,
        *,
        report_interval: float = 0.5,
        job_tokens: int = JOB_TOKENS,
        vectors: np.ndarray | None = None,
        context: np.ndarray | None = None,
        state: dict | None = None,
        processes: bool | None = None,
        niceness: int = 0,
    ):
        self.config = config
        self.vocab = vocab
        self.stream = stream
        self.report_interval = report_interval
        V, d = len(vocab), config.vector_size
        need = estimate(
            config,
            V,
            len(stream.ids),
            stream.raw_words,
            tokens_on_disk=not isinstance(stream.ids, np.ndarray),
        ).new_bytes
        free = available_memory()
        if free is not None and need > free:
            raise InsufficientMemory(
                f"training needs about {format_bytes(need)} ({V:,} words × {d} dimensions × "
                f"2 matrices) but only {format_bytes(free)} is available; {MEMORY_ADVICE}"
            )
        self._procs = config.workers > 1 and processes_available() and processes is not False
        self._niceness = niceness
        # Worker processes write the matrices (and the row budget) in shared memory.
        zeros, self._copy = (
            (shared_empty, shared_copy) if self._procs else (np.zeros, _private_copy)
        )
        if vectors is None:
            # gensim's initialisation: uniform in [-0.5, 0.5) / vector_size. In place: the
            # expression form held three V × d temporaries at once (1.2 GB at a million
            # words × 100, more than both matrices).
            self._syn0 = zeros((V, d), np.float32)
            np.random.default_rng(config.seed).random(dtype=np.float32, out=self._syn0)
            self._syn0 -= np.float32(0.5)
            self._syn0 /= np.float32(d)
            self._syn1 = zeros((V, d), np.float32)
        else:
            if vectors.shape != (V, d) or context is None or context.shape != (V, d):
                raise ValueError(f"vectors and context must both have shape ({V}, {d})")
            # The trainer owns (and writes) its matrices: copies of what it was given.
            self._syn0 = self._copy(np.asarray(vectors, dtype=np.float32))
            self._syn1 = self._copy(np.asarray(context, dtype=np.float32))
        self._keep = vocab.keep_probability(config.sample).astype(np.float32)
        self._cdf = np.cumsum(vocab.noise_distribution(config.ns_exponent))
        self._cdf /= self._cdf[-1]
        self._group, self._pool = negative_pools(config.sg, config.window, config.negative)
        # One worker's batches never overlap: the plain cap, bit for bit as before.
        self._budget = None
        if self._procs:
            self._budget = RowBudget(
                2 * V, applied=zeros((2 * V,), np.float64), lock=process_lock()
            )
        elif config.workers > 1:
            self._budget = RowBudget(2 * V)
        kept = self._keep * vocab.counts
        # Hogwild: the workers' batches land on the same rows at the same time, so a word's
        # repeats add up across the batches in flight (two workers at 16 each diverged on a
        # 44-word corpus 14 times in 20).
        top = float(kept.max() / kept.sum()) * config.workers
        self.batch_size = centres_per_batch(config.sg, config.batch_words, top)
        n = len(stream.ids)
        bounds = list(range(0, n, job_tokens)) + [n]
        self._jobs = [
            _Job(e * (len(bounds) - 1) + k, e, bounds[k], bounds[k + 1])
            for e in range(config.epochs)
            for k in range(len(bounds) - 1)
        ]
        # Equal windows of about SHUFFLE_TOKENS (a whole number of jobs), none a short tail.
        windows = max(1, round(n / SHUFFLE_TOKENS))
        self._window_size = job_tokens * max(1, -(-n // (windows * job_tokens)))
        self._window_cache: tuple[tuple[int, int], tuple] | None = None  # (key, window)
        self._window_lock = threading.Lock()
        self._raw_per_token = stream.raw_words / max(n, 1)
        self.words_total = int(stream.raw_words * config.epochs)
        st = validate_state(state or {}, jobs=len(self._jobs), epochs=config.epochs)
        self._next_job = int(st.get("next_job", 0))
        self._pending = [(int(j), int(b)) for j, b in st.get("partial_jobs", [])]
        self._elapsed = float(st.get("elapsed", 0.0))
        self._tally = Tally(words=float(st.get("words_done", 0.0)))
        self._tally.epoch_loss = {int(k): v for k, v in st.get("epoch_loss", {}).items()}
        self._tally.epoch_pairs = {int(k): v for k, v in st.get("epoch_pairs", {}).items()}
        done_jobs = set(range(self._next_job)) - {j for j, _ in self._pending}
        # Every epoch has an entry, so one finished before a stop stays in the history.
        self._tally.epoch_jobs_left = dict.fromkeys(range(config.epochs), 0)
        for job in self._jobs:
            if job.index not in done_jobs:
                left = self._tally.epoch_jobs_left
                left[job.epoch] = left.get(job.epoch, 0) + 1
        self._lock = threading.Lock()
        self._halt = threading.Event()
        self._error: BaseException | None = None
        self.diverged = False
        self._last_loss = float("nan")
        self._running = False  # workers may be writing the matrices
        self._shared = False  # a snapshot holds a view of the matrices

    @classmethod
    def from_corpus(cls, corpus, config: TrainingConfig, **kwargs) -> Trainer:
        """Scan ``corpus`` (a :class:`~w2v_gui.core.corpus.Corpus`) and build a trainer for it."""
        from w2v_gui.core import phrases
        from w2v_gui.core.vocab import scan

        vocab, stream = phrases.build(scan(corpus), config)
        return cls(config, vocab, stream, **kwargs)

    # -- results -------------------------------------------------------------------
    @property
    def finished(self) -> bool:
        return self._next_job >= len(self._jobs) and not self._pending

    def snapshot(self) -> Embeddings:
        """The current input vectors, immutable: a copy while :meth:`run` trains, else a
        read-only view (an end-of-run copy was a third V × d matrix: at a million words ×
        1,000 dimensions, ``MemoryError`` before the save). A later run trains on copies.
        """
        vectors = self._shared_or_copy(self._syn0)
        return Embeddings(self.vocab.words, vectors, self.vocab.counts, copy=False)

    def context_snapshot(self) -> np.ndarray:
        """The current context (output) matrix, read-only; shared as :meth:`snapshot` says."""
        return self._shared_or_copy(self._syn1)

    def _shared_or_copy(self, matrix: np.ndarray) -> np.ndarray:
        out = matrix.copy() if self._running else matrix.view()
        self._shared |= not self._running
        out.flags.writeable = False
        return out

    # -- the run -------------------------------------------------------------------
    def run(
        self, stop: threading.Event | None = None, pause: threading.Event | None = None
    ) -> Iterator[TrainingProgress]:
        """Train, yielding a :class:`TrainingProgress` about every ``report_interval`` s.

        Setting ``stop`` ends the run after the current batches (vectors so far are kept
        and :meth:`state` can resume it); while ``pause`` is set the workers wait.
        Raises :class:`TrainingDiverged` if the loss becomes NaN or infinite.
        """
        stop = stop or threading.Event()
        pause = pause or threading.Event()
        if self._shared:
            # A snapshot shares the matrices: train on copies so that it stays as it was.
            self._syn0, self._syn1 = self._copy(self._syn0), self._copy(self._syn1)
            self._shared = False
        self._running = True
        self._halt.clear()
        self._error = None
        pool, base = None, self._tally
        if self._procs:
            pool = ProcessWorkers(
                self.config.workers, self.config.epochs, self._queue(), self._niceness
            )
            try:
                pool.start(self._work)
            except OSError:  # no memory or process slot for a fork: threads share the work
                self._settle(pool, base)
                pool, base, self._error = None, self._tally, None
        if pool is not None:

            def wait(timeout: float) -> bool:
                alive = pool.wait(timeout, stop, pause)
                with self._lock:
                    self._tally = base.plus(pool.sums(), self.config.epochs)
                return alive
        else:
            threads = [
                threading.Thread(
                    target=self._thread, args=(stop, pause), daemon=True, name=f"sgns-worker-{i}"
                )
                for i in range(self.config.workers)
            ]

            def wait(timeout: float) -> bool:
                live = [t for t in threads if t.is_alive()]
                if live:
                    live[0].join(timeout)
                return any(t.is_alive() for t in threads)

        t_last = time.perf_counter()
        words_last = self._tally.words
        loss_last, pairs_last = self._tally.loss, self._tally.pairs
        # Worker threads hand the interpreter lock back and forth between NumPy calls; a
        # 1 ms switch interval (Python's default is 5 ms) made 2-worker training ~7 %
        # faster on two cores (dict8, 2M words, 8 alternating rounds). Restored after.
        switch = sys.getswitchinterval()
        if pool is None:
            sys.setswitchinterval(min(switch, SWITCH_INTERVAL))
            for t in threads:
                t.start()
        try:
            alive = True
            while alive:
                alive = wait(self.report_interval)
                now = time.perf_counter()
                dt = now - t_last
                if not pause.is_set():
                    self._elapsed += dt
                rec = self._record(dt, words_last, loss_last, pairs_last, pause.is_set())
                t_last, words_last = now, self._tally.words
                loss_last, pairs_last = self._tally.loss, self._tally.pairs
                if alive:
                    yield rec
        finally:
            self._halt.set()
            if pool is None:
                for t in threads:
                    t.join()
            else:
                pool.halt()
                pool.join()
                self._settle(pool, base)
            self._running = False
            sys.setswitchinterval(switch)
        if self._error is not None:
            raise self._error
        final = self._record(time.perf_counter() - t_last, words_last, loss_last, pairs_last, False)
        # The last record's speed is the run's average, not the (short) last interval's.
        speed = float(final.words_done / self._elapsed) if self._elapsed > 0 else 0.0
        yield TrainingProgress(
            **{**final.__dict__, "done": True, "words_per_sec": speed, "stopped": not self.finished}
        )

    def _window(self, epoch: int, start: int) -> tuple[int, np.ndarray, WindowPlan]:
        """(first token, ids in corpus order, sentence order) of the shuffle window holding
        token ``start`` in ``epoch``; a job builds its own tokens from them (plan_slice)."""
        key = (epoch, start // self._window_size)
        with self._window_lock:
            # Only the newest is kept: jobs are taken in order, and a worker still on the
            # previous window holds its own reference until its job ends.
            if self._window_cache is None or self._window_cache[0] != key:
                a = key[1] * self._window_size
                b = min(a + self._window_size, len(self.stream.ids))
                rng = (
                    np.random.default_rng([self.config.seed, epoch, key[1], 1])
                    if self.config.shuffle
                    else None
                )
                # Only this window's tokens are read: a slice of an in-memory array, or a
                # read from the token cache on disk for big corpora (core/tokencache.py).
                ss = self.stream.sentence_starts
                ss = ss[np.searchsorted(ss, a, "left") : np.searchsorted(ss, b, "right")] - a
                self._window_cache = (
                    key,
                    (a, self.stream.ids[a:b], window_plan(ss, 0, b - a, rng)),
                )
            return self._window_cache[1]

    def _thread(self, stop: threading.Event, pause: threading.Event) -> None:
        try:
            self._work(self._take_job, LockedTally(self), stop, pause, self._halt)
        except BaseException as exc:  # reported by run() in the caller's thread
            self._error = exc
            self._halt.set()

    def _work(self, take, sink, stop, pause, halt) -> None:
        """A worker (thread, or forked process: see workers.py): jobs until none is left."""
        if halt is not self._halt:  # in a forked process
            fresh_locks(self, "_lock", "_window_lock")
            self._halt = halt
        while not (stop.is_set() or halt.is_set()):
            got = take()
            if got is None:
                return
            j = self._jobs[got[0]]
            self._run_job(_Job(j.index, j.epoch, j.start, j.stop, got[1]), stop, pause, sink)

    def _run_job(self, job: _Job, stop, pause, sink) -> None:
        cfg = self.config
        W, B, K, P = cfg.window, self.batch_size, cfg.negative, self._pool
        V = len(self.vocab)
        G = B // self._group
        rng = np.random.default_rng([cfg.seed, job.index])
        w0, w_ids, plan = self._window(job.epoch, job.start)
        ids, first = plan_slice(w_ids, plan, job.start - w0, job.stop - w0)
        labels = np.cumsum(first)
        keep = rng.random(len(ids), dtype=np.float32) < self._keep[ids]
        pos = np.flatnonzero(keep)
        n = len(pos)
        nb = -(-n // B)
        # Random draws for the whole job up front, so a resumed job replays them exactly.
        reach = rng.integers(1, W + 1, size=nb * B).astype(np.int8)
        negs = np.searchsorted(self._cdf, rng.random((nb, G, P)), side="right")
        np.minimum(negs, len(self.vocab) - 1, out=negs)
        tok, live, live_n, starts, ends = job_slots(ids, labels, pos, reach, B, W)
        tok_ctx = tok + V  # context rows are numbered after input rows in the summation
        neg_ctx = negs + V
        n_all = len(self.stream.ids)
        span = cfg.epochs * n_all
        # Untrained vectors score ~(1 + K)·ln 2 per pair; three times that is divergence.
        diverged_loss = 3 * (1 + K) * math.log(2)
        # Hogwild: batches in flight share each row's stable step (kernels.RowBudget).
        book = self._budget
        for t in range(job.first_batch, nb):
            if stop.is_set() or self._halt.is_set():
                sink.pend(job.index, t)
                return
            while pause.is_set() and not (stop.is_set() or self._halt.is_set()):
                time.sleep(0.02)
            progress = (job.epoch * n_all + job.start + starts[t]) / span
            lr = self._lr(progress)
            c0 = W + t * B
            centres = tok[c0 : c0 + B]
            band = tok[c0 - W : c0 + B + W]
            mask = live[t * B : (t + 1) * B]
            neg = negs[t]
            syn0, syn1 = self._syn0, self._syn1
            # One summation for both matrices: context rows are numbered after input rows.
            if cfg.sg:
                rows = np.concatenate((centres, tok_ctx[c0 - W : c0 + B + W], neg_ctx[t].ravel()))
            else:  # CBOW: the band's input rows predict the centres' context rows
                rows = np.concatenate((tok_ctx[c0 : c0 + B], band, neg_ctx[t].ravel()))
            budget = None if book is None else (book, book.seen(rows))
            # The loss is only reported (and watched for divergence) from one batch in
            # LOSS_EVERY: its logarithms cost ~10 % of a batch. Non-finite rows show in
            # the curvature of every batch.
            sampled = t % LOSS_EVERY == 0
            if cfg.sg:
                g = batch_gradients(
                    syn0[centres],
                    syn1[band],
                    syn1[neg],
                    mask,
                    lr,
                    K,
                    with_loss=sampled,
                    live=live_n[t * B : (t + 1) * B],
                )
            else:
                g = cbow_gradients(
                    syn0[band],
                    syn1[centres],
                    syn1[neg],
                    mask,
                    lr,
                    K,
                    cfg.cbow_mean,
                    with_loss=sampled,
                    live=live_n[t * B : (t + 1) * B],
                )
            if (
                not math.isfinite(g.loss)
                or g.loss > g.pairs * diverged_loss
                or not (sampled or math.isfinite(float(g.curvature.sum())))
            ):
                self.diverged = True
                raise TrainingDiverged(
                    f"training diverged at learning rate {lr:.4g} (loss per pair "
                    f"{g.loss / max(g.pairs, 1):.3g}); try a lower alpha (now {cfg.alpha})"
                )
            uniq, summed = sum_rows(rows, g.updates, g.curvature, budget=budget)
            k = np.searchsorted(uniq, V)
            self._syn0[uniq[:k]] += summed[:k]
            self._syn1[uniq[k:] - V] += summed[k:]
            sink.batch(
                job.epoch, (ends[t] - starts[t]) * self._raw_per_token, g.loss, g.pairs, sampled
            )
        # Every token subsampled away (no batch): still count the words read.
        sink.job_done(job.epoch, 0.0 if nb else len(ids) * self._raw_per_token)
