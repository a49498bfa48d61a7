"""The vocabulary scan alone: the fast paths against the regular-expression reference.

    python benchmarks/bench_scan.py FILE [FILE ...] [--rounds 5] [--words 2e6]

For each file (plain or compressed; the first ``--words`` words of a plain file when
given), ``vocab.scan`` runs in a fresh process in each of :data:`MODES` (the
whitespace-split path of ``core/tokenids.py``, with and without the helper process of
``core/scanpair.py``, and every chunk through ``Corpus.regex.findall``, as before),
alternating, and reports the medians and their ratios; all must give the same words and
ids (checked on a hash of them). Run under the shared lock; the load average is printed.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_train import prefix_copy  # the same prefix as the training benchmark

ROOT = Path(__file__).resolve().parents[1]
# reference: the regular expression over every chunk, one process (the scan before);
# one-process: the whitespace-split fast path; two-process: and the helper process.
MODES = ("two-process", "one-process", "reference")


def child(path: str, mode: str) -> dict:
    sys.path.insert(0, str(ROOT))
    import numpy as np

    import w2v_gui.core.tokenids as tokenids
    from w2v_gui.core import scanpair
    from w2v_gui.core.corpus import Corpus
    from w2v_gui.core.vocab import CACHE_OVER_TOKENS, scan

    if mode == "reference":  # every chunk through the regular expression, one process
        tokenids.SPLITTABLE.clear()
    if mode != "two-process":
        scanpair.can_pair = lambda total_bytes: False
    t0 = time.perf_counter()
    sc = scan(Corpus([path]), cache_over=CACHE_OVER_TOKENS)
    seconds = time.perf_counter() - t0
    digest = hashlib.sha1("\n".join(sc.words).encode())
    for lo in range(0, len(sc.ids), 1 << 22):
        digest.update(np.ascontiguousarray(sc.ids[lo : lo + (1 << 22)]).tobytes())
    return {
        "mode": mode,
        "seconds": seconds,
        "tokens": len(sc.ids),
        "words": len(sc.words),
        "digest": digest.hexdigest(),
    }


def spawn(path: str, mode: str) -> dict:
    cmd = [sys.executable, __file__, "--child", mode, path]
    res = subprocess.run(cmd, capture_output=True, text=True, check=True)
    return json.loads(res.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("files", nargs="+")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--words", type=float, help="only the first N words of plain files")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    ap.add_argument("--json", help="write the runs here")
    args = ap.parse_args()
    if args.child:
        print(json.dumps(child(args.files[0], args.child)))
        return
    print(f"load average at the start: {os.getloadavg()}", flush=True)
    out = []
    with tempfile.TemporaryDirectory() as tmp:
        for f in args.files:
            path = f
            if args.words:
                path = str(Path(tmp) / Path(f).name)
                prefix_copy(Path(f), Path(path), int(args.words))
            runs = []
            for r in range(args.rounds):
                for mode in MODES[:: 1 if r % 2 == 0 else -1]:
                    runs.append(spawn(path, mode))
                    x = runs[-1]
                    print(f"  {Path(f).name} round {r + 1} {mode:9s} {x['seconds']:.3f} s")
            assert len({x["digest"] for x in runs}) == 1, "fast and reference differ"
            med = {
                m: statistics.median(x["seconds"] for x in runs if x["mode"] == m) for m in MODES
            }
            row = {
                "file": f,
                "tokens": runs[0]["tokens"],
                "words": runs[0]["words"],
                "median_s": med,
                "speedup": {m: med["reference"] / med[m] for m in MODES},
                "runs": runs,
            }
            out.append(row)
            print(
                f"{Path(f).name}: {row['tokens']:,} tokens, {row['words']:,} distinct, median "
                f"of {args.rounds}: "
                + ", ".join(f"{m} {med[m]:.2f} s ({row['speedup'][m]:.2f}x)" for m in MODES),
                flush=True,
            )
    print(f"load average at the end: {os.getloadavg()}")
    if args.json:
        Path(args.json).write_text(
            json.dumps({"command": " ".join(sys.argv), "results": out}, indent=1)
        )


if __name__ == "__main__":
    main()
