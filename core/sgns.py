"""Skip-gram with negative sampling, trained by vectorized NumPy.

How a batch works (no Python loop per word or pair):

* A batch is a run of ``B`` consecutive (subsampled) centre words. Their context words
  are the ``B + 2W`` tokens around them; one gather of those rows from the context
  matrix and a strided view give every centre its ``2W + 1`` neighbours without a copy.
  A mask removes the centre itself, slots beyond the centre's drawn (dynamic) window and
  slots in another sentence.
* Negatives: the batch is split into groups of ``GROUP`` centres; each group shares one
  pool of ``P`` noise words, so the negative side is a matrix product. Each centre's
  negative term is weighted by ``live slots × negative / P`` so that, in expectation, it
  equals word2vec's ``negative`` draws per (centre, context) pair.
* Updates are computed from one copy of the rows, then summed per row. A row that
  collects many pair gradients in one batch (frequent words) would overshoot: its step
  is stable only while its summed curvature ``Λ = Σ lr·σ(s)·σ(−s)·‖x_other‖²`` stays
  below 2, so each row's summed update is scaled by ``min(1, 2/Λ)`` (``2/workers``
  instead of 2 when Hogwild workers' batches in flight add up on the same rows). Rows
  under the limit get the plain SGD step (see ENGINE-NOTES.md for the divergence this prevents).
  The factor σ(s)·σ(−s) is floored at |gradient coefficient|/4: a term far on the wrong
  side of its target (a word pushed away as a negative for a long stretch whose topic
  returns) has almost no local curvature but a full-size gradient, and without the floor
  its row's summed step was unbounded. With it the cap is a trust region: a row's step
  changes its own scores by at most 2/¼ = 8. Terms with |coefficient| ≤ ¾ are unchanged.

The :class:`Trainer` cuts every epoch into jobs of consecutive tokens, each with its own
random stream derived from ``(seed, job)``. Unless ``config.shuffle`` is off, each epoch
takes the sentences of every SHUFFLE_TOKENS-token window in a new random order
(:func:`window_tokens`: repeated neighbouring lines would otherwise add up in one batch).
``workers`` threads take jobs in turn
(Hogwild: NumPy releases the GIL). ``Trainer.run()`` is a generator of
:class:`TrainingProgress` records and honours stop and pause events between batches.
"""

from __future__ import annotations

import math
import os
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np
from scipy.sparse import csr_array

from w2v_gui.core.config import TrainingConfig
from w2v_gui.core.errors import InsufficientMemory, TrainingDiverged
from w2v_gui.core.units import format_bytes
from w2v_gui.core.vectors import Embeddings
from w2v_gui.core.vocab import TokenStream, Vocab

GROUP = 64  # centres sharing one pool of negatives
MAX_ROW_LOAD = 40  # target mean pair-gradients per pooled negative row
CURVATURE_CAP = 2.0
# ...for one worker. Hogwild workers' batches in flight at once land on the same frequent
# rows, and their steps add up as if they were one batch, so each worker's batch gets
# CURVATURE_CAP / workers. With the cap at 2 for each of two workers, 24 of 100 seeds of a
# 47-word corpus at a constant learning rate of 0.025 diverged within 0.1 s; at 1, 0 of 100.
# Expected occurrences of the most frequent (kept) word per batch, at most. The curvature
# cap bounds each row's own step, but a word repeated ~100 times in one batch moves both
# its input and context rows so far that their product overshoots (the cross term grows
# with the square of the repeats): tiny vocabularies diverged at 1,024 centres.
MAX_ROW_REPEATS = 16
JOB_TOKENS = 1 << 16
# Sentences are shuffled within windows of this many tokens (all of an epoch up to that
# size): wider windows scored better on the demo corpus (analogy 0.069 at 16k tokens,
# 0.073 at 256k, 0.078 at 1M, 0.083 for a whole-file shuffle). A window costs 5 bytes per
# token.
SHUFFLE_TOKENS = 1 << 22
# float32 sigmoid saturates: per-term loss −log(1 − σ) is capped at 16.6 (= −log 2⁻²⁴).
_SIG_MAX = np.float32(1 - 2**-24)


def _strided(a: np.ndarray, shape: tuple, strides: tuple, offset: int = 0) -> np.ndarray:
    """A read-only view of contiguous ``a`` (like ``as_strided``, without its ~10 µs cost)."""
    v = np.ndarray(shape, a.dtype, buffer=a, offset=offset * a.itemsize, strides=strides)
    v.flags.writeable = False
    return v


def sigmoid_(x: np.ndarray) -> np.ndarray:
    """σ(x) in place, as ½(1 + tanh(x/2)): one ufunc pass, no overflow."""
    x *= 0.5
    np.tanh(x, out=x)
    x += 1.0
    x *= 0.5
    return x


def _log1m(p: np.ndarray) -> np.ndarray:
    """log(1 − p) of sigmoids p, capped at −16.6: a new array.

    Not ``np.log1p(-p)``: float32 log1p has no SIMD loop and cost 12× np.log here (a third
    of a batch). 1 − p is exact for p ≥ ½ and loses < 1e-7 absolute below, so the
    reported loss moves by less than 1e-6 per term.
    """
    t = np.minimum(p, _SIG_MAX)
    np.subtract(1, t, out=t)
    return np.log(t, out=t)


def _curvature_factor(g: np.ndarray) -> np.ndarray:
    """σ(s)·σ(−s) of terms with gradient coefficient g = σ(±s), floored at g/4 (module
    docstring: the floor keeps the cap a trust region for terms on the wrong side)."""
    return g * np.maximum(1.0 - g, 0.25)


def batch_size(requested: int, top_frequency: float) -> int:
    """Centres per batch: as requested, but so that the most frequent word (share
    ``top_frequency`` of the kept tokens) appears at most MAX_ROW_REPEATS times; a
    multiple of GROUP."""
    b = min(requested, int(MAX_ROW_REPEATS / max(top_frequency, 1e-12)))
    return max(GROUP, b - b % GROUP)


def pool_size(window: int, negative: int) -> int:
    """Negatives per pool so a pooled row gets about MAX_ROW_LOAD pair gradients."""
    # A centre has on average window + 1 live context slots (dynamic window).
    return int(np.clip(math.ceil(GROUP * (window + 1) * negative / MAX_ROW_LOAD), 8, 256))


@dataclass(frozen=True)
class BatchGradients:
    """Raw (uncapped) updates of one batch and each contribution's curvature.

    Rows are stacked as [B centres (input matrix) | B + 2W band rows | G·P negatives
    (context matrix)], so one summation handles all of them.
    """

    updates: np.ndarray  # (2B + 2W + G·P, d)
    curvature: np.ndarray  # (2B + 2W + G·P,) Λ contributed by each row's update
    batch: int  # B
    band: int  # B + 2W
    loss: float  # summed SGNS loss over the batch's pairs (float64)
    pairs: int

    @property
    def d_centres(self) -> np.ndarray:
        return self.updates[: self.batch]

    @property
    def d_band(self) -> np.ndarray:
        return self.updates[self.batch : self.batch + self.band]

    @property
    def d_negatives(self) -> np.ndarray:
        return self.updates[self.batch + self.band :]

    @property
    def c_centres(self) -> np.ndarray:
        return self.curvature[: self.batch]

    @property
    def c_band(self) -> np.ndarray:
        return self.curvature[self.batch : self.batch + self.band]

    @property
    def c_negatives(self) -> np.ndarray:
        return self.curvature[self.batch + self.band :]


def batch_gradients(
    X: np.ndarray, Y: np.ndarray, N: np.ndarray, mask: np.ndarray, lr: float, negative: int
) -> BatchGradients:
    """SGD updates of one batch of centres against their context band and pooled negatives.

    Parameters
    ----------
    X : (B, d) input rows of the centres.
    Y : (B + 2W, d) context rows of the tokens from W before the first centre to W after
        the last; centre ``b``'s neighbour at offset ``o`` is ``Y[b + W + o]``.
    N : (G, P, d) context rows of the negative pools; centre ``b`` uses pool
        ``b // (B / G)``.
    mask : (B, 2W + 1) bool, live (centre, context) pairs; column W (the centre) is False.
    lr : learning rate. negative : word2vec's negatives per pair.
    """
    B, d = X.shape
    G, P = N.shape[:2]
    w2 = mask.shape[1]
    W = w2 // 2
    dt = X.dtype
    isz = dt.itemsize
    Y = np.ascontiguousarray(Y)
    Yv = _strided(Y, (B, w2, d), (Y.strides[0],) * 2 + (Y.strides[1],))
    live = np.count_nonzero(mask, axis=1)
    # Positive pairs. q = σ(−s) = 1 − σ(s); the SGD coefficient is lr·q.
    q = np.matmul(Yv, X[:, :, None])[:, :, 0]
    np.negative(q, out=q)
    sigmoid_(q)
    q *= mask
    loss = -float(_log1m(q).sum(dtype=np.float64))
    cp = _curvature_factor(q)
    cp *= lr
    q *= lr
    # Negatives: one (B/G × P) score matrix per group, weighted per centre.
    Xg = X.reshape(G, B // G, d)
    weight = (live * (negative / P)).astype(dt).reshape(G, B // G, 1)
    gn = sigmoid_(np.matmul(Xg, N.transpose(0, 2, 1)))
    per_centre = _log1m(gn).sum(axis=2)  # 48 terms: float32 is exact enough
    loss -= float(np.dot(per_centre.ravel(), weight.ravel().astype(np.float64)))
    cn = _curvature_factor(gn)
    cn *= weight * dt.type(lr)
    gn *= weight * dt.type(-lr)
    nb = B + 2 * W
    upd = np.empty((B + nb + G * P, d), dtype=dt)
    curv = np.empty(B + nb + G * P, dtype=dt)
    d_centres, d_band, d_neg = upd[:B], upd[B : B + nb], upd[B + nb :].reshape(G, P, d)
    np.matmul(q[:, None, :], Yv, out=d_centres[:, None, :])
    d_centres += np.matmul(gn, N).reshape(B, d)
    np.matmul(gn.transpose(0, 2, 1), Xg, out=d_neg)
    # Band row p collects q[b, j]·X[b] over b + j = p. With q and X padded by 2W rows,
    # coef[p, i] = q[p+i−2W, 2W−i] is a strided view and the sum is a stacked mat-vec.
    qp = np.zeros((B + 4 * W, w2), dtype=dt)
    qp[2 * W : 2 * W + B] = q
    coef = _strided(qp, (nb, w2), (w2 * isz, (w2 - 1) * isz), offset=2 * W)
    Xp = np.zeros((B + 4 * W, d), dtype=dt)
    Xp[2 * W : 2 * W + B] = X
    Xw = _strided(Xp, (nb, w2, d), (d * isz, d * isz, isz))
    np.matmul(coef[:, None, :], Xw, out=d_band[:, None, :])
    # Curvature of each contribution: lr·σ(s)σ(−s)·‖row on the other side‖².
    xx = np.einsum("bd,bd->b", X, X)
    yy = np.einsum("bd,bd->b", Y, Y)
    nn = np.einsum("gpd,gpd->gp", N, N)
    c_centres = curv[:B]
    np.einsum("bj,bj->b", cp, _strided(yy, (B, w2), (yy.strides[0],) * 2), out=c_centres)
    c_centres += np.einsum("gbp,gp->gb", cn, nn).reshape(B)
    np.einsum("gbp,gb->gp", cn, xx.reshape(G, B // G), out=curv[B + nb :].reshape(G, P))
    qp[2 * W : 2 * W + B] = cp * xx[:, None]
    coef.sum(axis=1, out=curv[B : B + nb])
    return BatchGradients(upd, curv, B, nb, loss, int(live.sum()))


def sum_rows(
    rows: np.ndarray, updates: np.ndarray, curvature: np.ndarray, cap: float | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Unique ``rows`` (sorted) and, for each, the sum of its updates scaled by
    ``min(1, cap / Σ Λ)``, the stable step size for the row's summed curvature.

    Summing runs of equal rows is a sparse (rows × contributions) matrix of ones times
    the update block: 3–4× faster than ``np.add.reduceat`` or ``np.add.at`` here.
    """
    cap = CURVATURE_CAP if cap is None else cap
    n = len(rows)
    order = np.argsort(rows)
    r = rows[order]
    first = np.empty(n, dtype=bool)
    first[0] = True
    np.not_equal(r[1:], r[:-1], out=first[1:])
    starts = np.flatnonzero(first)
    lam = np.add.reduceat(curvature[order], starts)
    scale = (cap / np.maximum(lam, cap)).astype(updates.dtype)
    indptr = np.append(starts, n)
    ones = csr_array((np.repeat(scale, np.diff(indptr)), order, indptr), shape=(len(starts), n))
    return r[starts], ones @ updates


def scatter_capped(
    matrix: np.ndarray,
    rows: np.ndarray,
    updates: np.ndarray,
    curvature: np.ndarray,
    cap: float | None = None,
) -> None:
    """``matrix[r] += Σ updates of r``, each row's sum scaled by ``min(1, cap / Σ Λ of r)``."""
    uniq, summed = sum_rows(rows, updates, curvature, cap)
    matrix[uniq] += summed


def window_tokens(
    ids: np.ndarray,
    sentence_starts: np.ndarray,
    start: int,
    stop: int,
    rng: np.random.Generator | None,
) -> tuple[np.ndarray, np.ndarray]:
    """The tokens ``ids[start:stop]`` with their sentences in a random order (``rng``; None
    keeps the corpus order), and a flag on each sentence's first token. A sentence cut by
    ``start`` or ``stop`` counts as its own.

    Why shuffle: a batch sums its pairs' gradients from one copy of the rows, so sentences
    that repeat or nearly repeat each other close together (WordNet writes a definition
    once per synonym and lists related synsets side by side) add up in one batch where
    sequential SGD would have saturated after the first, and the curvature cap then cuts
    those rows' steps: 18 % of a batch's input rows were capped on the demo corpus in file
    order, 3.5 % with sentences shuffled. Windows never reach across sentences, so the
    objective is unchanged; only the order of the SGD steps is.
    """
    n = stop - start
    first = np.zeros(n, dtype=bool)
    if n == 0:
        return ids[start:stop], first
    # Run starts (relative to start) of the sentences inside the span: strictly increasing.
    lo = np.searchsorted(sentence_starts, start, side="right")
    hi = np.searchsorted(sentence_starts, stop, side="left")
    bounds = np.concatenate(([0], sentence_starts[lo:hi] - start, [n])).astype(np.int32)
    lengths = np.diff(bounds)
    if rng is None:
        first[bounds[:-1]] = True
        return ids[start:stop], first
    order = rng.permutation(len(lengths)).astype(np.int32)
    new_lengths = lengths[order]
    new_starts = np.cumsum(new_lengths, dtype=np.int32) - new_lengths
    first[new_starts] = True
    # Token k of the new order is old token k + (old start − new start of its sentence);
    # built 32,768 sentences at a time, so no temporary is as large as the window.
    shift = bounds[:-1][order] - new_starts + np.int32(start)
    out = np.empty(n, dtype=ids.dtype)
    step = 1 << 15
    for k in range(0, len(order), step):
        a = int(new_starts[k])
        index = np.repeat(shift[k : k + step], new_lengths[k : k + step])
        index += np.arange(a, a + len(index), dtype=np.int32)
        np.take(ids, index, out=out[a : a + len(index)])
    return out, first


# What to change when a run needs more memory than there is (the trainer and the GUI's
# estimate say it alike).
MEMORY_ADVICE = "raise min_count, set max_vocab_size or lower vector_size"


def available_memory() -> int | None:
    """Bytes of memory the system can still give this process (None if unknown)."""
    try:
        with open("/proc/meminfo") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return None


@dataclass(frozen=True)
class Estimate:
    """What a run will cost, before it starts."""

    memory_bytes: int  # token array + both matrices + shuffle windows + batch buffers
    seconds: float  # at the speed measured in benchmarks/, scaled by the settings


# Training-only speed measured by benchmarks/bench_train.py on the 2-core development
# machine with the default settings (2026-12-01: 1 worker 254k words/s, 2 workers 398k).
_REFERENCE_WORDS_PER_SEC_PER_WORKER = 255_000
_TWO_WORKER_EXPONENT = 0.65  # 2 ** 0.65 = 1.57, the measured two-worker gain


def estimate(config: TrainingConfig, vocab_size: int, tokens: int, raw_words: int) -> Estimate:
    """Rough memory and time of training ``config`` on a scanned corpus."""
    d = config.vector_size
    matrices = 2 * vocab_size * d * 4
    batch = config.batch_words
    buffers = config.workers * (JOB_TOKENS * 24 + batch * (2 * config.window + 1) * d * 4 * 6)
    # Two windows (5 bytes a token) alive at an epoch's or window's turn.
    windows = min(tokens, SHUFFLE_TOKENS * 3 // 2) * 10 if config.shuffle else 0
    mem = tokens * 4 + matrices + buffers + windows + vocab_size * 64
    # Cost per word grows with dimensions and with pairs (window) and negatives.
    work = (d / 100) * (0.5 + 0.5 * (config.window + 1) / 6) * (0.6 + 0.4 * config.negative / 5)
    speed = (
        _REFERENCE_WORDS_PER_SEC_PER_WORKER * min(config.workers, 2) ** _TWO_WORKER_EXPONENT / work
    )
    return Estimate(int(mem), raw_words * config.epochs / speed)


@dataclass(frozen=True)
class TrainingProgress:
    """One report from a running trainer."""

    epoch: int  # 1-based epoch being trained
    epochs: int
    words_done: int  # raw corpus words processed, all epochs so far
    words_total: int  # raw corpus words × epochs
    loss: float  # mean SGNS loss per (centre, context) pair since last report
    lr: float
    words_per_sec: float  # raw words per second since the last report
    elapsed: float  # seconds of training (pauses excluded)
    epoch_losses: tuple[float, ...] = ()  # mean loss per pair of each finished epoch
    done: bool = False  # the run ended (completed or stopped)
    stopped: bool = False  # ended by a stop request before the last epoch finished
    paused: bool = False

    @property
    def fraction(self) -> float:
        return self.words_done / self.words_total if self.words_total else 1.0

    @property
    def eta(self) -> float | None:
        """Seconds left at the current speed, if known."""
        if self.words_per_sec <= 0:
            return None
        return (self.words_total - self.words_done) / self.words_per_sec


@dataclass
class _Job:
    index: int
    epoch: int
    start: int
    stop: int
    first_batch: int = 0


@dataclass
class _Tally:
    loss: float = 0.0
    pairs: int = 0
    words: float = 0.0
    epoch_loss: dict = field(default_factory=dict)
    epoch_pairs: dict = field(default_factory=dict)
    epoch_jobs_left: dict = field(default_factory=dict)


class Trainer:
    """Trains SGNS vectors for ``vocab`` on ``stream`` as ``config`` says.

    ``state`` (from :meth:`state`) resumes an interrupted run with the same schedule.
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
    ):
        self.config = config
        self.vocab = vocab
        self.stream = stream
        self.report_interval = report_interval
        V, d = len(vocab), config.vector_size
        need = estimate(config, V, len(stream.ids), stream.raw_words).memory_bytes
        free = available_memory()
        if free is not None and need > free:
            raise InsufficientMemory(
                f"training needs about {format_bytes(need)} ({V:,} words × {d} dimensions × "
                f"2 matrices) but only {format_bytes(free)} is available; {MEMORY_ADVICE}"
            )
        if vectors is None:
            rng = np.random.default_rng(config.seed)
            # gensim's initialisation: uniform in [-0.5, 0.5) / vector_size. In place: the
            # expression form held three V × d temporaries at once (1.2 GB at a million
            # words × 100, more than both matrices).
            self._syn0 = rng.random((V, d), dtype=np.float32)
            self._syn0 -= np.float32(0.5)
            self._syn0 /= np.float32(d)
            self._syn1 = np.zeros((V, d), dtype=np.float32)
        else:
            if vectors.shape != (V, d) or context is None or context.shape != (V, d):
                raise ValueError(f"vectors and context must both have shape ({V}, {d})")
            # The trainer owns (and writes) its matrices: copies of what it was given.
            self._syn0 = np.array(vectors, dtype=np.float32, order="C")
            self._syn1 = np.array(context, dtype=np.float32, order="C")
        self._keep = vocab.keep_probability(config.sample).astype(np.float32)
        self._cdf = np.cumsum(vocab.noise_distribution(config.ns_exponent))
        self._cdf /= self._cdf[-1]
        self._pool = pool_size(config.window, config.negative)
        kept = self._keep * vocab.counts
        # Hogwild: the workers' batches land on the same rows at the same time, so a word's
        # repeats add up across the batches in flight (two workers at 16 each diverged on a
        # 44-word corpus 14 times in 20).
        self.batch_size = batch_size(
            config.batch_words, float(kept.max() / kept.sum()) * config.workers
        )
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
        st = state or {}
        self._next_job = int(st.get("next_job", 0))
        self._pending = [(int(j), int(b)) for j, b in st.get("partial_jobs", [])]
        self._elapsed = float(st.get("elapsed", 0.0))
        self._tally = _Tally(words=float(st.get("words_done", 0.0)))
        self._tally.epoch_loss = {int(k): v for k, v in st.get("epoch_loss", {}).items()}
        self._tally.epoch_pairs = {int(k): v for k, v in st.get("epoch_pairs", {}).items()}
        done_jobs = set(range(self._next_job)) - {j for j, _ in self._pending}
        for job in self._jobs:
            if job.index not in done_jobs:
                left = self._tally.epoch_jobs_left
                left[job.epoch] = left.get(job.epoch, 0) + 1
        self._lock = threading.Lock()
        self._halt = threading.Event()
        self._error: BaseException | None = None
        self.diverged = False
        self._last_loss = float("nan")

    @classmethod
    def from_corpus(cls, corpus, config: TrainingConfig, **kwargs) -> Trainer:
        """Scan ``corpus`` (a :class:`~w2v_gui.core.corpus.Corpus`) and build a trainer for it."""
        from w2v_gui.core.vocab import scan

        vocab, stream = scan(corpus).build(config.min_count, config.max_vocab_size)
        return cls(config, vocab, stream, **kwargs)

    # -- results -------------------------------------------------------------------
    @property
    def finished(self) -> bool:
        return self._next_job >= len(self._jobs) and not self._pending

    def snapshot(self) -> Embeddings:
        """An immutable copy of the current input vectors (safe while training runs)."""
        return Embeddings(self.vocab.words, self._syn0.copy(), self.vocab.counts, copy=False)

    def context_snapshot(self) -> np.ndarray:
        """A copy of the current context (output) matrix."""
        return self._syn1.copy()

    def state(self) -> dict:
        """Where the schedule stands: enough to resume with the same learning rates and draws."""
        with self._lock:
            return {
                "next_job": self._next_job,
                "partial_jobs": [list(p) for p in self._pending],
                "words_done": self._tally.words,
                "elapsed": self._elapsed,
                "epoch_loss": {str(k): v for k, v in self._tally.epoch_loss.items()},
                "epoch_pairs": {str(k): v for k, v in self._tally.epoch_pairs.items()},
            }

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
        self._halt.clear()
        self._error = None
        threads = [
            threading.Thread(
                target=self._work, args=(stop, pause), daemon=True, name=f"sgns-worker-{i}"
            )
            for i in range(self.config.workers)
        ]
        t_last = time.perf_counter()
        words_last = self._tally.words
        loss_last, pairs_last = self._tally.loss, self._tally.pairs
        for t in threads:
            t.start()
        try:
            while any(t.is_alive() for t in threads):
                threads[0].join(self.report_interval) if threads[0].is_alive() else next(
                    t for t in threads if t.is_alive()
                ).join(self.report_interval)
                now = time.perf_counter()
                dt = now - t_last
                if not pause.is_set():
                    self._elapsed += dt
                rec = self._record(dt, words_last, loss_last, pairs_last, pause.is_set())
                t_last, words_last = now, self._tally.words
                loss_last, pairs_last = self._tally.loss, self._tally.pairs
                if any(t.is_alive() for t in threads):
                    yield rec
        finally:
            self._halt.set()
            for t in threads:
                t.join()
        if self._error is not None:
            raise self._error
        final = self._record(time.perf_counter() - t_last, words_last, loss_last, pairs_last, False)
        # The last record's speed is the run's average, not the (short) last interval's.
        speed = float(final.words_done / self._elapsed) if self._elapsed > 0 else 0.0
        yield TrainingProgress(
            **{**final.__dict__, "done": True, "words_per_sec": speed, "stopped": not self.finished}
        )

    def _record(self, dt, words_last, loss_last, pairs_last, paused) -> TrainingProgress:
        with self._lock:
            t = self._tally
            pairs = t.pairs - pairs_last
            if pairs:
                self._last_loss = (t.loss - loss_last) / pairs
            loss = self._last_loss
            done_epochs = sorted(e for e, n in t.epoch_jobs_left.items() if n == 0)
            epoch_losses = tuple(
                t.epoch_loss.get(e, 0.0) / max(t.epoch_pairs.get(e, 0), 1) for e in done_epochs
            )
            words = min(int(round(t.words)), self.words_total)
            epoch = min(int(t.words / max(self.stream.raw_words, 1)) + 1, self.config.epochs)
        return TrainingProgress(
            epoch=epoch,
            epochs=self.config.epochs,
            words_done=words,
            words_total=self.words_total,
            loss=loss,
            lr=self._lr(words / max(self.words_total, 1)),
            words_per_sec=float((t.words - words_last) / dt) if dt > 0 else 0.0,
            elapsed=self._elapsed,
            epoch_losses=epoch_losses,
            paused=paused,
        )

    def _lr(self, progress: float) -> float:
        c = self.config
        return max(c.min_alpha, c.alpha - (c.alpha - c.min_alpha) * progress)

    def _take_job(self) -> _Job | None:
        with self._lock:
            if self._pending:
                index, first = self._pending.pop(0)
                job = self._jobs[index]
                return _Job(job.index, job.epoch, job.start, job.stop, first)
            if self._next_job >= len(self._jobs):
                return None
            job = self._jobs[self._next_job]
            self._next_job += 1
            return job

    def _window(self, epoch: int, start: int) -> tuple[int, np.ndarray, np.ndarray]:
        """(first token, ids, sentence-start flags) of the shuffle window holding token
        ``start`` in ``epoch``."""
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
                self._window_cache = (
                    key,
                    (a, *window_tokens(self.stream.ids, self.stream.sentence_starts, a, b, rng)),
                )
            return self._window_cache[1]

    def _work(self, stop: threading.Event, pause: threading.Event) -> None:
        try:
            while not (stop.is_set() or self._halt.is_set()):
                job = self._take_job()
                if job is None:
                    return
                self._run_job(job, stop, pause)
        except BaseException as exc:  # reported by run() in the caller's thread
            self._error = exc
            self._halt.set()

    def _run_job(self, job: _Job, stop: threading.Event, pause: threading.Event) -> None:
        cfg = self.config
        W, B, K, P = cfg.window, self.batch_size, cfg.negative, self._pool
        V = len(self.vocab)
        G = B // GROUP
        rng = np.random.default_rng([cfg.seed, job.index])
        w0, w_ids, w_first = self._window(job.epoch, job.start)
        ids = w_ids[job.start - w0 : job.stop - w0]
        labels = np.cumsum(w_first[job.start - w0 : job.stop - w0])
        keep = rng.random(len(ids), dtype=np.float32) < self._keep[ids]
        pos = np.flatnonzero(keep)
        n = len(pos)
        nb = -(-n // B)
        # Random draws for the whole job up front, so a resumed job replays them exactly.
        reach = rng.integers(1, W + 1, size=nb * B).astype(np.int8)
        negs = np.searchsorted(self._cdf, rng.random((nb, G, P)), side="right")
        np.minimum(negs, len(self.vocab) - 1, out=negs)
        # Padded ids and sentence labels: pads get distinct negative labels (never context).
        total = nb * B + 2 * W
        tok = np.zeros(total, dtype=np.int32)
        tok[W : W + n] = ids[pos]
        sent = -np.arange(1, total + 1, dtype=np.int64)
        sent[W : W + n] = labels[pos]
        # Raw-word credit of each batch, ending where its last centre lies.
        ends = (
            np.append(pos[np.minimum(np.arange(1, nb + 1) * B, n) - 1][:-1] + 1, len(ids))
            if nb
            else np.array([len(ids)])
        )
        starts = np.concatenate(([0], ends[:-1]))
        # Live (centre, context) slots of the whole job: inside the drawn window, not the
        # centre itself, same sentence.
        offsets = np.abs(np.arange(-W, W + 1))
        slots = _strided(sent, (nb * B, 2 * W + 1), (sent.strides[0],) * 2)
        live = (offsets <= reach[:, None]) & (offsets != 0) & (slots == sent[W : W + nb * B, None])
        tok_ctx = tok + V  # context rows are numbered after input rows in the summation
        neg_ctx = negs + V
        n_all = len(self.stream.ids)
        span = cfg.epochs * n_all
        # Untrained vectors score ~(1 + K)·ln 2 per pair; three times that is divergence.
        diverged_loss = 3 * (1 + K) * math.log(2)
        cap = CURVATURE_CAP / cfg.workers
        for t in range(job.first_batch, nb):
            if stop.is_set() or self._halt.is_set():
                with self._lock:
                    self._pending.append((job.index, t))
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
            g = batch_gradients(self._syn0[centres], self._syn1[band], self._syn1[neg], mask, lr, K)
            if not math.isfinite(g.loss) or g.loss > g.pairs * diverged_loss:
                self.diverged = True
                raise TrainingDiverged(
                    f"training diverged at learning rate {lr:.4g} (loss per pair "
                    f"{g.loss / max(g.pairs, 1):.3g}); try a lower alpha (now {cfg.alpha})"
                )
            # One summation for both matrices: context rows are numbered after input rows.
            rows = np.concatenate((centres, tok_ctx[c0 - W : c0 + B + W], neg_ctx[t].ravel()))
            uniq, summed = sum_rows(rows, g.updates, g.curvature, cap)
            k = np.searchsorted(uniq, V)
            self._syn0[uniq[:k]] += summed[:k]
            self._syn1[uniq[k:] - V] += summed[k:]
            with self._lock:
                tl = self._tally
                tl.loss += g.loss
                tl.pairs += g.pairs
                tl.words += (ends[t] - starts[t]) * self._raw_per_token
                tl.epoch_loss[job.epoch] = tl.epoch_loss.get(job.epoch, 0.0) + g.loss
                tl.epoch_pairs[job.epoch] = tl.epoch_pairs.get(job.epoch, 0) + g.pairs
        with self._lock:
            if nb == 0:  # every token was subsampled away: still count the words read
                self._tally.words += len(ids) * self._raw_per_token
            self._tally.epoch_jobs_left[job.epoch] -= 1
