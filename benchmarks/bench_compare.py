"""Time comparing two models of 100k words: alignment, change rankings, neighbour lists.

Two synthetic models of ``--words`` words × ``--dim`` dimensions: A is random, B is A
rotated, with noise, its rows shuffled and its counts perturbed (so the shared-vocabulary
join and the frequency order do real work). Timed, median over ``--rounds``:

- ``align`` + ``ranked("cosine")`` of every shared word (the rotation fitted on the
  ``--shared`` most frequent, and on all words);
- ``ranked("overlap")``: top-10 neighbours of every shared word among the anchors, in
  both models (batched matrix products + argpartition);
- the same neighbour lists for ``--sample`` words the way one writes it by hand with
  gensim (``KeyedVectors.most_similar(word, restrict_vocab=anchors)`` per word), against
  ours for the same words, alternating engines each round; the ratio is per word.

    python benchmarks/bench_compare.py [--words 100000] [--dim 100] [--shared 10000]
                                       [--rounds 3] [--sample 2000]

BLAS runs on one thread, as in the app (``prefer_single_threaded_blas``).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import numpy as np  # noqa: E402

from w2v_gui.core.compare import align  # noqa: E402
from w2v_gui.core.neighbours import top_neighbours  # noqa: E402
from w2v_gui.core.vectors import Embeddings  # noqa: E402


def models(n: int, dim: int, seed: int = 0) -> tuple[Embeddings, Embeddings]:
    rng = np.random.default_rng(seed)
    words = [f"w{i}" for i in range(n)]
    counts = (1e7 / np.arange(1, n + 1)).astype(np.int64)  # Zipf
    va = rng.standard_normal((n, dim)).astype(np.float32)
    q, _ = np.linalg.qr(rng.standard_normal((dim, dim)))
    vb = (va @ q + 0.3 * rng.standard_normal((n, dim))).astype(np.float32)
    order = rng.permutation(n)
    noisy = (counts * rng.uniform(0.5, 1.5, n)).astype(np.int64)
    a = Embeddings(words, va, counts, copy=False)
    b = Embeddings([words[i] for i in order], vb[order], noisy[order], copy=False)
    return a, b


def timed(fn) -> float:
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--words", type=int, default=100_000)
    p.add_argument("--dim", type=int, default=100)
    p.add_argument("--shared", type=int, default=10_000)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--sample", type=int, default=2000)
    args = p.parse_args()
    a, b = models(args.words, args.dim)
    print(f"{args.words:,} words × {args.dim} dims, anchors {args.shared:,}, 1 BLAS thread")

    times: dict[str, list[float]] = {}

    def add(name: str, seconds: float) -> None:
        times.setdefault(name, []).append(seconds)

    try:
        from gensim.models import KeyedVectors
    except ImportError:
        KeyedVectors = None
        print("gensim not installed: no side-by-side neighbour timing")

    al = align(a, b, shared=args.shared)
    sample = np.arange(0, len(al.words), max(1, len(al.words) // args.sample))[: args.sample]
    kv = None
    if KeyedVectors is not None:
        kv = []
        for unit in (al.unit_a, al.unit_b):
            k = KeyedVectors(args.dim)
            k.add_vectors(list(al.words), unit)
            kv.append(k)

    for r in range(args.rounds):
        add(
            "align (anchors) + rank by cosine",
            timed(lambda: align(a, b, shared=args.shared).ranked("cosine")),
        )
        add(
            "align (all words) + rank by cosine",
            timed(lambda: align(a, b, shared=None).ranked("cosine")),
        )
        add(
            "rank by overlap (top 10 among anchors)",
            timed(lambda: align(a, b, shared=args.shared).ranked("overlap")),
        )

        def ours() -> None:
            own = np.where(sample < al.anchors, sample, -1)
            for unit in (al.unit_a, al.unit_b):
                top_neighbours(unit[sample], unit[: al.anchors], 10, exclude=own)

        def theirs() -> None:
            for k in kv:
                for i in sample.tolist():
                    k.most_similar(al.words[i], topn=10, restrict_vocab=al.anchors)

        pair = [("ours: neighbours of the sample", ours)]
        if kv is not None:
            pair.append(("gensim most_similar per word", theirs))
        for name, fn in pair[:: 1 if r % 2 == 0 else -1]:
            add(name, timed(fn))

    print(f"{'step':<42} {'median s':>9}   rounds")
    for name, ts in times.items():
        print(f"{name:<42} {statistics.median(ts):9.3f}   {' '.join(f'{t:.3f}' for t in ts)}")
    if kv is not None:
        ratio = statistics.median(times["gensim most_similar per word"]) / statistics.median(
            times["ours: neighbours of the sample"]
        )
        print(f"neighbours of {len(sample):,} words in 2 models: gensim / ours = {ratio:.1f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
