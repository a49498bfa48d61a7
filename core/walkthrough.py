"""The Illustrated Word2Vec, step by step, with the engine's own maths.

The Learn panel shows one training step at a time; these helpers produce its numbers
by calling what the trainer calls, so what a person reads is what training does:

* :func:`skipgram_pairs` — the (input, output) table of one sentence under a sliding
  window, with each centre's dynamic window ``reach`` drawn as :class:`~w2v_gui.core.sgns.Trainer`
  draws it (:func:`draw_reach`) and the same rule for live slots.
* :func:`draw_negatives` — noise words from :meth:`Vocab.noise_distribution`, drawn
  through a cumulative table as the trainer draws its pools.
* :func:`pair_step` — one SGD step for one (centre, context) pair and its negatives:
  :func:`core.kernels.batch_gradients` on a batch of one centre with one live context slot
  and its own pool, summed per row by :func:`core.kernels.sum_rows`, exactly as the trainer
  applies a batch. It returns every intermediate number (scores, sigmoids, errors, the
  rows before and after).
* :class:`ToyModel` — both matrices for the words of a small slice of text, trained
  pair by pair with :func:`pair_step`, and the slice's loss as the engine defines it.
* :func:`corpus_prefix` and :func:`quick_train` — a small, fast run of the real
  :class:`~w2v_gui.core.sgns.Trainer` on the start of a corpus, for side-by-side comparisons.

Pure NumPy; no Qt.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

import numpy as np

from w2v_gui.core.config import TrainingConfig
from w2v_gui.core.errors import Cancelled
from w2v_gui.core.kernels import CURVATURE_CAP, batch_gradients, sigmoid_, sum_rows
from w2v_gui.core.progress import TrainingProgress
from w2v_gui.core.sgns import Trainer
from w2v_gui.core.vectors import Embeddings
from w2v_gui.core.vocab import Scan, TokenStream, Vocab

T = TypeVar("T")


# -- step 3: the sliding window -------------------------------------------------------------


@dataclass(frozen=True)
class SkipGramPair(Generic[T]):
    """One row of the skip-gram table: the input (centre) word and one output (context)."""

    centre: int  # position of the input word in the sentence
    context: int  # position of the output word
    input: T
    output: T


def draw_reach(n: int, window: int, rng: np.random.Generator) -> np.ndarray:
    """Each of ``n`` centres' dynamic window, uniform in 1..``window`` (the trainer's draw).

    Near words are inside more of the drawn windows than far ones, so they weigh more.
    """
    return rng.integers(1, window + 1, size=n)


def window_mask(n: int, window: int, reach: Sequence[int] | np.ndarray | None = None) -> np.ndarray:
    """(n, 2·window + 1) bool: which neighbours of each centre of one sentence are context.

    Column ``window + o`` is the word at offset ``o``. The rule is the trainer's: inside
    the centre's drawn ``reach``, not the centre itself, and inside the sentence.
    """
    offsets = np.arange(-window, window + 1)
    reach = np.full(n, window) if reach is None else np.asarray(reach)
    if reach.shape != (n,):
        raise ValueError(f"reach must hold one value per word ({n}), got shape {reach.shape}")
    if n and (reach.min() < 1 or reach.max() > window):
        raise ValueError(f"reach must lie in 1..{window}")
    position = np.arange(n)[:, None] + offsets
    return (np.abs(offsets) <= reach[:, None]) & (offsets != 0) & (position >= 0) & (position < n)


def skipgram_pairs(
    tokens: Sequence[T], window: int, reach: Sequence[int] | np.ndarray | None = None
) -> list[SkipGramPair[T]]:
    """The (input, output) table of one sentence, centre by centre, left to right.

    Parameters
    ----------
    tokens : the sentence (words or ids).
    window : the largest distance a context word may have.
    reach : each centre's drawn window (1..window); None uses ``window`` for all.
    """
    mask = window_mask(len(tokens), window, reach)
    centres, columns = np.nonzero(mask)
    return [
        SkipGramPair(int(c), int(c + k - window), tokens[c], tokens[c + k - window])
        for c, k in zip(centres, columns, strict=True)
    ]


# -- step 4: negative sampling ----------------------------------------------------------------


def noise_cdf(vocab: Vocab, ns_exponent: float = 0.75) -> np.ndarray:
    """Cumulative noise distribution (count^ns_exponent, normalised), as the trainer builds it."""
    cdf = np.cumsum(vocab.noise_distribution(ns_exponent))
    cdf /= cdf[-1]
    return cdf


def draw_negatives(
    vocab: Vocab | np.ndarray,
    k: int | tuple[int, ...],
    rng: np.random.Generator,
    ns_exponent: float = 0.75,
) -> np.ndarray:
    """``k`` noise word ids, P(w) ∝ count(w)^ns_exponent, drawn as the trainer draws them.

    ``vocab`` may be a cumulative table from :func:`noise_cdf` (to draw repeatedly).
    """
    cdf = noise_cdf(vocab, ns_exponent) if isinstance(vocab, Vocab) else vocab
    ids = np.searchsorted(cdf, rng.random(k), side="right")
    return np.minimum(ids, len(cdf) - 1)


# -- step 5: one training step ------------------------------------------------------------------


@dataclass(frozen=True)
class PairStep:
    """Everything one SGD step on one (centre, context) pair computes.

    Output row 0 is the context word (target 1); rows 1.. are the negatives (target 0).
    ``updates`` are the engine's per-contribution updates (``lr · error · other row``);
    the ``*_after`` rows are what the engine's per-row summation wrote (a row that
    appears twice gets both updates; a row whose summed curvature passes the cap is
    scaled down, which ``capped`` reports).
    """

    centre: int
    outputs: np.ndarray  # (1 + k,) ids in the context matrix
    targets: np.ndarray  # (1 + k,) 1 then 0s
    scores: np.ndarray  # (1 + k,) input row · output row
    sigmoids: np.ndarray  # (1 + k,) σ(score)
    errors: np.ndarray  # (1 + k,) target − σ(score)
    loss: float  # −log σ(s₊) − Σ log σ(−s₋), the engine's loss of the pair
    lr: float
    input_before: np.ndarray  # (d,)
    input_update: np.ndarray  # (d,)  lr · Σ error · output row
    input_after: np.ndarray  # (d,)
    outputs_before: np.ndarray  # (1 + k, d)
    output_updates: np.ndarray  # (1 + k, d)  lr · error · input row
    outputs_after: np.ndarray  # (1 + k, d)
    capped: bool

    @property
    def context(self) -> int:
        return int(self.outputs[0])

    @property
    def negatives(self) -> np.ndarray:
        return self.outputs[1:]


def pair_step(
    W_in: np.ndarray,
    W_out: np.ndarray,
    centre: int,
    context: int,
    negatives: Sequence[int] | np.ndarray,
    lr: float,
    *,
    apply: bool = True,
) -> PairStep:
    """One SGD step for (``centre``, ``context``) against ``negatives``, by the engine.

    :func:`~w2v_gui.core.kernels.batch_gradients` runs on a batch of one centre whose only live
    context slot is ``context`` and whose negative pool is ``negatives`` (weight
    ``negative / pool = 1``, i.e. word2vec's per-pair step), and
    :func:`~w2v_gui.core.kernels.sum_rows` combines the updates per row, as the trainer does.

    Parameters
    ----------
    W_in, W_out : (V, d) float32 embedding (input) and context (output) matrices.
    centre, context : ids of the input and output word.
    negatives : ids of the noise words (at least one).
    lr : learning rate.
    apply : write the new rows into ``W_in`` and ``W_out`` (as the trainer does).
    """
    neg = np.asarray(negatives, dtype=np.int64).ravel()
    k = len(neg)
    if k < 1:
        raise ValueError("pair_step needs at least one negative")
    V, d = W_in.shape
    outputs = np.concatenate(([context], neg)).astype(np.int64)
    x = W_in[centre].astype(np.float32)
    Y_out = W_out[outputs].astype(np.float32)
    # Window 1, the context at offset +1: band = [unused, centre slot, context].
    X = x[None, :]
    band = np.zeros((3, d), dtype=np.float32)
    band[2] = Y_out[0]
    mask = np.array([[False, False, True]])
    g = batch_gradients(X, band, Y_out[1:][None], mask, lr, k)
    rows = np.concatenate(([centre], np.full(3, V + context), V + neg))
    uniq, summed = sum_rows(rows, g.updates, g.curvature)
    # Which rows the cap scaled: summed curvature of the row over CURVATURE_CAP.
    lam = np.bincount(np.searchsorted(uniq, rows), weights=g.curvature, minlength=len(uniq))
    scores = Y_out @ x
    sig = sigmoid_(scores.copy())
    targets = np.zeros(k + 1, dtype=np.float32)
    targets[0] = 1.0
    before_in = x.copy()
    before_out = Y_out.copy()
    after_in = before_in.copy()
    after_out = before_out.copy()
    for r, s in zip(uniq, summed, strict=True):
        if r < V:
            after_in = after_in + s
        else:
            after_out[outputs == r - V] += s
    if apply:
        W_in[centre] = after_in
        for j, r in enumerate(outputs):
            W_out[r] = after_out[j]
    updates_out = np.concatenate((g.d_band[2:3], g.d_negatives.reshape(k, d)))
    return PairStep(
        int(centre),
        outputs,
        targets,
        scores,
        sig,
        targets - sig,
        g.loss,
        lr,
        before_in,
        g.d_centres[0].copy(),
        after_in,
        before_out,
        updates_out.copy(),
        after_out,
        bool((lam > CURVATURE_CAP).any()),
    )


def pairs_loss(
    W_in: np.ndarray,
    W_out: np.ndarray,
    centres: np.ndarray,
    contexts: np.ndarray,
    negatives: np.ndarray,
) -> float:
    """Mean SGNS loss per pair of many (centre, context, negatives) rows, by the engine.

    ``negatives`` is (n, k). One :func:`~w2v_gui.core.kernels.batch_gradients` call at learning
    rate 0: each pair is a centre with one live slot and its own pool of ``k``.
    """
    n = len(centres)
    if n == 0:
        return float("nan")
    negatives = np.asarray(negatives)
    k = negatives.shape[1]
    d = W_in.shape[1]
    band = np.zeros((n + 2, d), dtype=np.float32)
    band[2:] = W_out[contexts]
    mask = np.zeros((n, 3), dtype=bool)
    mask[:, 2] = True
    g = batch_gradients(
        W_in[centres].astype(np.float32), band, W_out[negatives].astype(np.float32), mask, 0.0, k
    )
    return g.loss / g.pairs


class ToyModel:
    """Both matrices for the words of a small slice of text, trained pair by pair.

    Rows are the slice's distinct words (first appearance order); vectors start as the
    trainer starts them (input: uniform in ±0.5/d, context: zeros). Negatives come from
    the corpus noise distribution restricted to these words. The slice's loss is measured
    on fixed negatives (one draw per pair) so that it moves only because the vectors do.

    Parameters
    ----------
    sentences : the slice, as sentences of words.
    weights : noise weight of each distinct word (count^ns_exponent in the corpus).
    vector_size, window, negative, seed : as in :class:`~w2v_gui.core.config.TrainingConfig`.
    """

    def __init__(
        self,
        sentences: Sequence[Sequence[str]],
        weights: dict[str, float],
        *,
        vector_size: int = 8,
        window: int = 2,
        negative: int = 5,
        seed: int = 1,
    ):
        words: dict[str, int] = {}
        for s in sentences:
            for w in s:
                words.setdefault(w, len(words))
        if not words:
            raise ValueError("the slice holds no words")
        self.words = tuple(words)
        self.window = window
        self.negative = negative
        self.rng = np.random.default_rng(seed)
        V, d = len(words), vector_size
        self.W_in = (self.rng.random((V, d), dtype=np.float32) - np.float32(0.5)) / np.float32(d)
        self.W_out = np.zeros((V, d), dtype=np.float32)
        p = np.array([weights.get(w, 0.0) for w in self.words], dtype=np.float64)
        p = p / p.sum() if p.sum() > 0 else np.full(V, 1.0 / V)
        self.cdf = np.cumsum(p)
        self.cdf /= self.cdf[-1]
        pairs = [
            (words[pr.input], words[pr.output])
            for s in sentences
            for pr in skipgram_pairs(list(s), window)
        ]
        if not pairs:
            raise ValueError(
                "the slice has no (input, output) pairs: it needs sentences of two words or more"
            )
        self.pairs = np.array(pairs, dtype=np.int64).reshape(-1, 2)
        self.eval_negatives = draw_negatives(self.cdf, (len(self.pairs), negative), self.rng)
        self.steps = 0
        self._next = 0

    def index(self, word: str) -> int:
        return self.words.index(word)

    def draw_negatives(self) -> np.ndarray:
        return draw_negatives(self.cdf, self.negative, self.rng)

    def step(
        self,
        pair: int | None = None,
        negatives: np.ndarray | None = None,
        lr: float = 0.025,
        apply: bool = True,
    ) -> PairStep:
        """One SGD step on table row ``pair`` (default: the next row, cycling)."""
        if pair is None:
            pair = self._next
        pair %= len(self.pairs)
        self._next = pair + 1
        centre, context = self.pairs[pair]
        if negatives is None:
            negatives = self.draw_negatives()
        out = pair_step(
            self.W_in, self.W_out, int(centre), int(context), negatives, lr, apply=apply
        )
        if apply:
            self.steps += 1
        return out

    def train(self, steps: int, lr: float = 0.025, every: int = 1) -> np.ndarray:
        """``steps`` SGD steps through the table, in order and cycling, each with fresh
        negatives. Returns the slice's loss after every ``every``-th step (and the last)."""
        losses = []
        for i in range(1, steps + 1):
            self.step(lr=lr)
            if i % every == 0 or i == steps:
                losses.append(self.loss())
        return np.array(losses)

    def loss(self) -> float:
        """Mean loss per pair over the whole slice (fixed negatives)."""
        return pairs_loss(
            self.W_in, self.W_out, self.pairs[:, 0], self.pairs[:, 1], self.eval_negatives
        )

    def embeddings(self) -> Embeddings:
        """The input matrix as word vectors: what is kept once the context matrix goes."""
        return Embeddings(self.words, self.W_in)


# -- step 6: small, fast real trainings -------------------------------------------------------


def corpus_prefix(scan: Scan, max_tokens: int) -> Scan:
    """The first ``max_tokens`` tokens of a scanned corpus (cut at a line end if one is
    near), as a scan of its own: counts, and so the vocabulary, are the prefix's."""
    ids = scan.ids
    cut = len(ids)
    if len(ids) > max_tokens:
        cut = max_tokens
        if scan.newline_id >= 0:
            breaks = np.flatnonzero(ids[max_tokens // 2 : max_tokens] == scan.newline_id)
            if len(breaks):
                cut = max_tokens // 2 + int(breaks[-1]) + 1
    ids = ids[:cut]  # an array even when the scan's ids are on disk (core/tokencache.py)
    counts = np.bincount(ids, minlength=len(scan.words)).astype(np.int64)
    raw = len(ids) - (int(counts[scan.newline_id]) if scan.newline_id >= 0 else 0)
    return Scan(scan.words, counts, ids, scan.newline_id, raw, scan.stats)


@dataclass(frozen=True)
class QuickRun:
    """The outcome of :func:`quick_train`."""

    config: TrainingConfig
    embeddings: Embeddings
    progress: TrainingProgress
    tokens: int


def quick_train(
    scan: Scan,
    config: TrainingConfig,
    max_tokens: int = 200_000,
    stop: threading.Event | None = None,
    niceness: int = 0,
) -> QuickRun:
    """Train ``config`` with the real :class:`~w2v_gui.core.sgns.Trainer` on the corpus's first
    ``max_tokens`` tokens (its worker processes ``niceness`` lower in priority). Raises
    :class:`~w2v_gui.core.errors.Cancelled` if ``stop`` gets set."""
    vocab, stream = corpus_prefix(scan, max_tokens).build(config.min_count, config.max_vocab_size)
    trainer = Trainer(config, vocab, stream, report_interval=0.1, niceness=niceness)
    *_, rec = trainer.run(stop)  # the last record: the run's summary
    if stop is not None and stop.is_set():
        raise Cancelled("the comparison was cancelled")
    return QuickRun(config, trainer.snapshot(), rec, len(stream.ids))


def sentence_bounds(stream: TokenStream) -> tuple[np.ndarray, np.ndarray]:
    """(starts, ends) of every sentence of ``stream`` (end exclusive)."""
    starts = np.concatenate(([0], stream.sentence_starts)).astype(np.int64)
    ends = np.append(starts[1:], len(stream.ids))
    return starts, ends
