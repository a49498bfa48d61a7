"""t-SNE maps of word vectors, with openTSNE's FFT-accelerated gradient.

openTSNE (BSD-3) is imported only when a t-SNE is asked for, so importing the core stays
light. Its steps: nearest neighbours and affinities (Annoy, approximate, for 1,000 words
or more; exact below), then the gradient descent in two phases (early exaggeration, then
the plain objective), its repulsion by FFT interpolation from 10,000 words (Barnes-Hut
below). The descent reports every ``REPORT_EVERY`` iterations through a
callback, which is where progress is reported and a stop request is honoured; the
neighbour search is one call into C and cannot be interrupted (on 100,000 words it takes
a good share of the time: see ``benchmarks/results/maps.md``), so a stop there takes
effect when it returns.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable

import numpy as np

from w2v_gui.core.vocab import Cancelled

EARLY_ITERATIONS = 250  # openTSNE's defaults
ITERATIONS = 500
REPORT_EVERY = 10
# The neighbour search counts as this many iterations in the progress reports (roughly
# its share of the time on 10,000-100,000 words).
NEIGHBOUR_STEPS = 150
MIN_WORDS = 5
FFT_FROM = 10_000

Progress = Callable[[int, int], None]


class MissingLibraryError(RuntimeError):
    """An optional library a feature needs is not installed."""


def tsne_steps() -> int:
    """The ``total`` that :func:`tsne` passes to ``progress``."""
    return NEIGHBOUR_STEPS + EARLY_ITERATIONS + ITERATIONS


def tsne(
    vectors: np.ndarray,
    *,
    perplexity: float = 30.0,
    seed: int = 0,
    n_jobs: int = 2,
    progress: Progress | None = None,
    stop: threading.Event | None = None,
) -> np.ndarray:
    """A 2-D t-SNE of ``vectors`` (rows), by cosine similarity; returns ``(n, 2)`` float64.

    ``perplexity`` is lowered for small sets (it must stay below a third of the rows).
    ``progress(done, total)`` is called as it goes; if ``stop`` is set, raises
    :class:`~w2v_gui.core.vocab.Cancelled` at the next report. Deterministic for a given
    ``seed`` and ``n_jobs``.
    """
    x = np.asarray(vectors, dtype=np.float64)
    n = x.shape[0] if x.ndim == 2 else 0
    if x.ndim != 2 or n < MIN_WORDS:
        raise ValueError(f"a t-SNE needs at least {MIN_WORDS} words, got {n}")
    # openTSNE's OpenMP threads busy-wait by default; on a machine where other work runs
    # (the trainer, the GUI, other programs) that spinning starves everything: a
    # 360-word t-SNE on two threads took 67 s under load, 3 s with passive waiting. The
    # variable is read when the OpenMP library loads, at the first import below.
    os.environ.setdefault("OMP_WAIT_POLICY", "passive")
    try:
        from openTSNE import TSNEEmbedding, affinity, initialization
    except ImportError as exc:
        raise MissingLibraryError("t-SNE needs the openTSNE library: pip install openTSNE") from exc
    stop = stop or threading.Event()
    total = tsne_steps()
    report = progress or (lambda done, total: None)

    def check(done: int) -> None:
        if stop.is_set():
            raise Cancelled("t-SNE stopped")
        report(done, total)

    check(0)
    # Unit rows: cosine neighbours are Euclidean neighbours of unit vectors, and the
    # "cosine" metric of Annoy on them agrees.
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    x = x / np.where(norms > 0, norms, 1.0)
    perplexity = float(min(perplexity, max(1.0, (n - 1) / 3 - 1)))
    aff = affinity.PerplexityBasedNN(
        x,
        perplexity=perplexity,
        metric="cosine",
        method="exact" if n < 1000 else "annoy",
        n_jobs=n_jobs,
        random_state=seed,
        verbose=False,
    )
    check(NEIGHBOUR_STEPS)
    start = initialization.pca(x, random_state=seed, verbose=False)
    offset = [NEIGHBOUR_STEPS]

    def callback(iteration: int, _error: float, _embedding: np.ndarray) -> bool:
        check(offset[0] + iteration)
        return False

    embedding = TSNEEmbedding(
        start,
        aff,
        n_jobs=n_jobs,
        # openTSNE's own rule: below 10,000 points the FFT's fixed grid costs more than
        # Barnes-Hut's tree (1,000 words: ~50 s against ~5 s on the loaded machine here).
        negative_gradient_method="fft" if n >= FFT_FROM else "bh",
        random_state=seed,
        callbacks=callback,
        callbacks_every_iters=REPORT_EVERY,
        verbose=False,
    )
    embedding = embedding.optimize(EARLY_ITERATIONS, exaggeration=12, momentum=0.5)
    offset[0] += EARLY_ITERATIONS
    embedding = embedding.optimize(ITERATIONS, momentum=0.8)
    check(total)
    return np.array(embedding, dtype=np.float64)
