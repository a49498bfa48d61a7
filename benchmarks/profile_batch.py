"""Where a training batch's time goes: per-line times of the batch kernel, the row summation
and the trainer's loop, on one worker thread (``pip install line_profiler``).

    python benchmarks/profile_batch.py benchmarks/data/dict8.txt [--tokens 1000000] [--sg 0]

Prints line_profiler's report, then per batch: centres, live pairs, time, pairs/s and the
bytes the kernel's arrays hold per pair (gathered rows, scores, updates), against the
~10M pairs/s/core that one fused pass over the rows would allow.
"""

from __future__ import annotations

import argparse
import sys
import threading
import time

import numpy as np
from line_profiler import LineProfiler

from w2v_gui.core import sgns
from w2v_gui.core.config import TrainingConfig
from w2v_gui.core.corpus import Corpus
from w2v_gui.core.vocab import Scan, TokenStream, scan


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("corpus")
    ap.add_argument("--tokens", type=int, default=1_000_000)
    ap.add_argument("--sg", type=int, default=1, choices=(0, 1), help="0: CBOW")
    args = ap.parse_args()
    cfg = TrainingConfig(epochs=1, workers=1, seed=1, sg=args.sg)
    sc: Scan = scan(Corpus.from_config([args.corpus], cfg))
    vocab, stream = sc.build(cfg.min_count)
    n = min(args.tokens, len(stream.ids))
    ss = stream.sentence_starts
    stream = TokenStream(stream.ids[:n].copy(), ss[ss < n], int(stream.raw_words * n / len(stream)))
    trainer = sgns.Trainer(cfg, vocab, stream, report_interval=60.0)
    funcs = [sgns.Trainer._run_job]
    mod = sys.modules["w2v_gui.core.kernels"]
    names = ("batch_gradients" if args.sg else "cbow_gradients", "sum_rows")
    funcs += [getattr(mod, f) for f in names if hasattr(mod, f)]
    lp = LineProfiler(*funcs)
    pairs_before = trainer._tally.pairs
    t0 = time.perf_counter()
    lp.enable()
    # In this thread (line_profiler traces the thread that enables it): one worker's loop.
    trainer._thread(threading.Event(), threading.Event())
    lp.disable()
    wall = time.perf_counter() - t0
    lp.print_stats(output_unit=1e-3, stripzeros=True)
    # The tally counts only the batches that compute their loss (sgns.LOSS_EVERY).
    pairs = (trainer._tally.pairs - pairs_before) * sgns.LOSS_EVERY
    B = trainer.batch_size
    batches = -(-int(n * float(np.mean(trainer._keep[stream.ids]))) // B)
    P, G, W, d = trainer._pool, B // trainer._group, cfg.window, cfg.vector_size
    # Bytes the kernel's main arrays hold per batch (float32): gathered rows, positive and
    # negative scores, the stacked updates.
    held = 4 * (
        d * (B + (B + 2 * W) + G * P)
        + B * (2 * W + 1) * 2
        + B * P * 2
        + (2 * B + 2 * W + G * P) * d
    )
    print(
        f"\nbatch {B} centres, pool {P} x {G} groups, ~{batches} batches, ~{pairs:,} "
        + ("live pairs" if cfg.sg else "trained centres (CBOW: one prediction each)")
    )
    print(
        f"wall {wall:.2f} s (profiled): {pairs / wall / 1e6:.2f}M pairs/s, "
        f"{wall / max(batches, 1) * 1e3:.2f} ms/batch, {pairs / max(batches, 1):.0f} pairs/batch"
    )
    print(
        f"kernel arrays per batch {held / 1e6:.2f} MB = "
        f"{held / max(pairs / max(batches, 1), 1):.0f} B/pair"
    )


if __name__ == "__main__":
    main()
