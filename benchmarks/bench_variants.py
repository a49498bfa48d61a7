"""A/B of trainer variants in one process: batch size and negative pools set on the trainer.

    python benchmarks/bench_variants.py benchmarks/data/dict8.txt sg0w2,sg0w2:b704:g64:p48 \
        [--speed-words 2e6 --rounds 4] [--quality --seeds 3] [--json out.json]

A spec is ``sg{0,1}w{workers}`` and optional ``:b{centres per batch}``, ``:g{centres per
pool}``, ``:p{negatives per pool}`` overriding what the trainer chose. Speed: training only
(the corpus is scanned once), rounds in alternating order, median wall and process CPU
seconds (CPU time is less disturbed by a loaded machine; wall minus CPU / workers shows
the threads waiting on each other). Quality (``--quality``): 3 epochs on the whole corpus
per seed, scored as ``bench_train.py`` scores. Run it under ``flock /work/wt/bench.lock``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from bench_train import _quality, tokenize_copy  # noqa: E402

from w2v_gui.core.config import TrainingConfig  # noqa: E402
from w2v_gui.core.corpus import Corpus  # noqa: E402
from w2v_gui.core.sgns import Trainer  # noqa: E402
from w2v_gui.core.vocab import TokenStream, scan  # noqa: E402


def trainer(spec: str, vocab, stream, epochs: int, seed: int) -> Trainer:
    head, *opts = spec.split(":")
    sg, workers = int(head[2]), int(head.split("w")[1])
    cfg = TrainingConfig(epochs=epochs, workers=workers, seed=seed, sg=sg)
    tr = Trainer(cfg, vocab, stream, report_interval=60.0)
    for o in opts:
        setattr(tr, {"b": "batch_size", "g": "_group", "p": "_pool"}[o[0]], int(o[1:]))
    return tr


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("corpus")
    ap.add_argument("specs")
    ap.add_argument("--speed-words", type=float, default=2e6)
    ap.add_argument("--rounds", type=int, default=4)
    ap.add_argument("--quality", action="store_true")
    ap.add_argument("--seeds", type=int, default=3)
    ap.add_argument("--json")
    args = ap.parse_args()
    specs = args.specs.split(",")
    out = {"command": " ".join(sys.argv), "load_start": os.getloadavg()[0], "speed": {}}
    with tempfile.TemporaryDirectory() as tmp:
        tok = Path(tmp) / "corpus.txt"
        tokenize_copy(args.corpus, tok)  # as bench_train.py: every run reads the same text
        cfg = TrainingConfig()
        vocab, full = scan(Corpus.from_config([str(tok)], cfg)).build(cfg.min_count)
    n = min(int(args.speed_words), len(full.ids))
    ss = full.sentence_starts
    part = TokenStream(full.ids[:n].copy(), ss[ss < n], int(full.raw_words * n / len(full)))
    runs: dict[str, list] = {s: [] for s in specs}
    for r in range(args.rounds):
        for s in specs if r % 2 == 0 else specs[::-1]:
            tr = trainer(s, vocab, part, 1, 1)
            t0, c0 = time.perf_counter(), time.process_time()
            for _ in tr.run():
                pass
            wall, cpu = time.perf_counter() - t0, time.process_time() - c0
            runs[s].append((wall, cpu))
            print(
                f"round {r + 1} {s:24s} batch {tr.batch_size} pools {tr._group}x{tr._pool}: "
                f"{wall:.2f} s wall, {cpu:.2f} s CPU",
                flush=True,
            )
    for s in specs if args.rounds else []:
        wall = statistics.median(w for w, _ in runs[s])
        cpu = statistics.median(c for _, c in runs[s])
        out["speed"][s] = {"wall_s": wall, "cpu_s": cpu, "words_per_s": part.raw_words / wall}
        print(
            f"{s:24s} median {wall:.2f} s wall, {cpu:.2f} s CPU, "
            f"{part.raw_words / wall / 1e3:.0f}k words/s (training only)"
        )
    if args.quality:
        out["quality"] = {}
        for s in specs:
            qs = []
            for seed in range(1, args.seeds + 1):
                tr = trainer(s, vocab, full, 3, seed)
                for _ in tr.run():
                    pass
                q = _quality(list(vocab.words), tr.snapshot().vectors, vocab.counts)
                qs.append(q)
                print(
                    f"{s} seed {seed}: analogy {q['analogy']:.3f} ws353 {q['ws353']:.3f} "
                    f"simlex {q['simlex']:.3f}",
                    flush=True,
                )
            m = {k: statistics.mean(q[k] for q in qs) for k in ("analogy", "ws353", "simlex")}
            out["quality"][s] = {**m, "seeds": args.seeds}
            print(
                f"{s:24s} mean analogy {m['analogy']:.3f} ws353 {m['ws353']:.3f} "
                f"simlex {m['simlex']:.3f}",
                flush=True,
            )
    out["load_end"] = os.getloadavg()[0]
    if args.json:
        Path(args.json).write_text(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
