"""The memory estimate against the measured peak of ``w2v train``, over vocabularies and sizes.

For each vocabulary size V (words) a corpus of mostly distinct words is written (every
word once, plus 1 % of tokens from 100 common words; 20 words to a line), and for each
vector size d, ``w2v train CORPUS -o OUT.npz --min-count 1 --vector-size d --epochs 1``
runs in a fresh process under ``/usr/bin/time -v``. Its maximum resident set size is set
beside ``core.estimate.estimate``'s figure for the same vocabulary and tokens.

    python benchmarks/bench_estimate.py [--vocab 100000 300000 1000000] [--dims 100 300 500]
                                        [--repeats 1]

Prints a Markdown table (estimate, measured peak, estimate / peak). Corpora and models go
to a temporary folder that is deleted afterwards.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MB = 1 << 20


def _letters(i: int) -> str:
    """``i`` in base 26, as letters (the default token pattern splits letters from digits)."""
    out = ""
    while True:
        i, r = divmod(i, 26)
        out += chr(97 + r)
        if not i:
            return out


def write_corpus(path: Path, vocab: int, repeats: int = 1) -> tuple[int, int]:
    """``vocab`` distinct words (100 of them common), the text ``repeats`` times; returns
    (vocabulary, tokens)."""
    common = ["q" + _letters(i) for i in range(100)]
    tokens, line = 0, []
    with open(path, "w") as f:
        for i in [i for _ in range(repeats) for i in range(vocab - len(common))]:
            line.append("z" + _letters(i))
            if i % 100 == 0:
                line.append(common[(i // 100) % len(common)])
            if len(line) >= 20:
                f.write(" ".join(line) + "\n")
                tokens += len(line)
                line = []
        line.extend(common)  # every common word at least once
        f.write(" ".join(line) + "\n")
        tokens += len(line)
    return vocab, tokens


def measure(corpus: Path, out: Path, dim: int) -> tuple[int, float, str]:
    """(peak RSS bytes, seconds, stderr) of one ``w2v train`` run."""
    cmd = [
        "/usr/bin/time",
        "-v",
        sys.executable,
        "-m",
        "w2v_gui.core.cli",
        "train",
        str(corpus),
        "-o",
        str(out),
        "--min-count",
        "1",
        "--vector-size",
        str(dim),
        "--epochs",
        "1",
        "--workers",
        "1",
    ]
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    seconds = time.perf_counter() - t0
    if proc.returncode != 0:
        raise SystemExit(f"w2v train failed:\n{proc.stderr}")
    peak_kb = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", proc.stderr)[1])
    return peak_kb * 1024, seconds, proc.stderr


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--vocab", type=int, nargs="+", default=[100_000, 300_000, 1_000_000])
    ap.add_argument("--dims", type=int, nargs="+", default=[100, 300, 500])
    ap.add_argument(
        "--repeats", type=int, default=1, help="write the text this many times (more tokens)"
    )
    args = ap.parse_args()

    from w2v_gui.core.config import TrainingConfig
    from w2v_gui.core.estimate import estimate

    rows = []
    print("| vocabulary | tokens | dimensions | estimate MB | peak RSS MB | estimate / peak |")
    print("|---:|---:|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as tmp:
        for v in args.vocab:
            corpus = Path(tmp) / f"corpus-{v}.txt"
            vocab, tokens = write_corpus(corpus, v, args.repeats)
            for d in args.dims:
                config = TrainingConfig(min_count=1, vector_size=d, epochs=1, workers=1)
                est = estimate(config, vocab, tokens, tokens).memory_bytes
                peak, _, _ = measure(corpus, Path(tmp) / "model.npz", d)
                rows.append((vocab, tokens, d, est, peak))
                print(
                    f"| {vocab:,} | {tokens:,} | {d} | {est / MB:,.0f} | {peak / MB:,.0f} "
                    f"| {est / peak:.2f} |",
                    flush=True,
                )
            corpus.unlink()
    worst = max(abs(e / p - 1) for *_, e, p in rows)
    print(f"\nlargest deviation: {worst * 100:.0f} %")


if __name__ == "__main__":
    main()
