"""What one phrase pass costs per token: the figures behind core/estimate.py's phrase terms.

    python benchmarks/bench_phrase_cost.py [CORPUS] [--rounds 3] [--connectors]

Scans the corpus (default: the demo corpus) once, then times ``phrases.detect`` with one
pass (count, score, join; gensim's defaults) ``--rounds`` times and prints the median
seconds per million tokens (wall and CPU), and the peak memory the pass allocates on top
of the scan (tracemalloc sees NumPy's arrays) in bytes per token.
"""

from __future__ import annotations

import argparse
import statistics
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("corpus", nargs="?", default=str(ROOT / "assets" / "wordnet-demo.txt.gz"))
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--passes", type=int, default=1)
    ap.add_argument("--connectors", action="store_true")
    args = ap.parse_args()

    from w2v_gui.core import phrases
    from w2v_gui.core.corpus import Corpus
    from w2v_gui.core.vocab import scan

    sc = scan(Corpus(args.corpus))
    conn = phrases.ENGLISH_CONNECTOR_WORDS if args.connectors else ()
    walls, cpus = [], []
    for _ in range(args.rounds):
        w, c = time.perf_counter(), time.process_time()
        result = phrases.detect(sc, args.passes, connectors=conn)
        walls.append(time.perf_counter() - w)
        cpus.append(time.process_time() - c)
    tracemalloc.start()
    phrases.detect(sc, args.passes, connectors=conn)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    n = len(sc.ids)
    print(f"{args.corpus}: {n:,} tokens, {len(result.phrases):,} phrases, {args.passes} pass(es)")
    print(
        f"median wall {statistics.median(walls):.2f} s, CPU {statistics.median(cpus):.2f} s: "
        f"{statistics.median(walls) / n * 1e6:.3f} s wall / "
        f"{statistics.median(cpus) / n * 1e6:.3f} s CPU per million tokens"
    )
    print(f"peak allocated by the pass: {peak / 2**20:.0f} MiB = {peak / n:.1f} bytes per token")
    print(
        f"vocabulary: {len(sc.words):,} -> {len(result.scan.words):,} distinct tokens; "
        f"{sc.raw_words:,} -> {result.scan.raw_words:,} words"
    )


if __name__ == "__main__":
    main()
