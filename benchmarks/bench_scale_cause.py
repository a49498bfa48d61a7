"""Why words/s at ~45M words trails 2M (issue 15): one variable at a time, ours only.

    python benchmarks/bench_scale_cause.py benchmarks/data/dict8.txt [--rounds 1]

Builds the corpus-scale pair of ``bench_train.py --corpus-scale`` (a 2M-word prefix and
the text repeated to ~45M words) plus the 2M prefix itself repeated to the same size
(the small corpus's vocabulary at the big size), and trains one epoch of each in a fresh
process: the big one with its ids on disk (as ``w2v train``) and in memory. Training
words/s (raw words / training seconds, the scan excluded) and the vocabulary size.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))


def child(path: str, on_disk: bool) -> dict:
    sys.path.insert(0, str(ROOT))
    from bench_train import PARAMS

    from w2v_gui.core.config import TrainingConfig
    from w2v_gui.core.corpus import Corpus
    from w2v_gui.core.sgns import Trainer
    from w2v_gui.core.vocab import CACHE_OVER_TOKENS, scan

    cfg = TrainingConfig(epochs=1, **PARAMS)
    t0 = time.perf_counter()
    sc = scan(Corpus.from_config([path], cfg), cache_over=CACHE_OVER_TOKENS if on_disk else None)
    vocab, stream = sc.build(cfg.min_count)
    del sc
    t1 = time.perf_counter()
    for _ in Trainer(cfg, vocab, stream, report_interval=5.0).run():
        pass
    t2 = time.perf_counter()
    return {
        "raw_words": stream.raw_words,
        "vocab": len(vocab),
        "scan_s": t1 - t0,
        "train_s": t2 - t1,
        "train_words_per_s": stream.raw_words / (t2 - t1),
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("corpus")
    ap.add_argument("--rounds", type=int, default=1)
    ap.add_argument("--words", type=float, default=47e6)
    ap.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    ap.add_argument("--json")
    ap.add_argument("--cases", default="0,1,2,3", help="which cases (0-3), in this order")
    args = ap.parse_args()
    if args.child:
        print(json.dumps(child(args.child[0], args.child[1] == "disk")))
        return
    from bench_train import scaled_copies, tokenize_copy

    print(f"load average at the start: {os.getloadavg()}", flush=True)
    runs = []
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        tokenize_copy(args.corpus, tmp / "corpus.txt")
        small, n_small, big, n_big = scaled_copies(tmp / "corpus.txt", tmp, args.words)
        # The small corpus repeated to the big size (lines shuffled in each copy).
        (tmp / "sv").mkdir()
        same_vocab = scaled_copies(small, tmp / "sv", args.words)[2]
        cases = [
            ("2M prefix", small, "disk"),
            ("45M, ids on disk", big, "disk"),
            ("45M, ids in memory", big, "memory"),
            ("2M prefix repeated to 45M", same_vocab, "disk"),
        ]
        cases = [cases[int(i)] for i in args.cases.split(",")]
        for r in range(args.rounds):
            for name, path, where in cases if r % 2 == 0 else cases[::-1]:
                cmd = [sys.executable, __file__, args.corpus, "--child", str(path), where]
                res = json.loads(
                    subprocess.run(cmd, capture_output=True, text=True, check=True)
                    .stdout.strip()
                    .splitlines()[-1]
                )
                res.update(case=name, round=r + 1, load_after=os.getloadavg())
                runs.append(res)
                print(
                    f"  {name:28s} {res['raw_words'] / 1e6:5.1f}M words, vocabulary "
                    f"{res['vocab']:7,}, scan {res['scan_s']:6.1f} s, train "
                    f"{res['train_words_per_s'] / 1e3:5.0f}k words/s, load after "
                    f"{res['load_after'][0]:.1f}",
                    flush=True,
                )
    print(f"load average at the end: {os.getloadavg()}")
    if args.json:
        Path(args.json).write_text(
            json.dumps({"command": " ".join(sys.argv), "runs": runs}, indent=1)
        )


if __name__ == "__main__":
    main()
