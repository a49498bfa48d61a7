"""A huge corpus file without one line break is read in bounded memory.

Writes a file of ``--mb`` megabytes of space-separated words and no newline to a temporary
folder, then, in a fresh process, (1) streams it through ``Corpus.iter_chunks`` and (2)
scans it (``core.vocab.scan``: the vocabulary and the text as int32 ids), measuring the
peak resident memory of each phase above what the process held before it (VmHWM, reset
between phases through /proc/self/clear_refs; Linux only).

Reading must cost a few chunks whatever the file size; the scan must cost the id array it
returns (4 bytes a token, briefly twice while its pieces are joined) plus the same few
chunks — never the text or its tokens as Python strings (~60 bytes a token).

    python benchmarks/bench_no_newline.py            # 200 MB
    python benchmarks/bench_no_newline.py --mb 20 --json out.json

``tests/core/test_corpus_memory.py`` runs the 20 MB version.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MB = 1 << 20


def write_corpus(path: Path, megabytes: float, seed: int = 0) -> int:
    """``megabytes`` of words separated by single spaces, no newline; returns the bytes."""
    import numpy as np

    rng = np.random.default_rng(seed)
    letters = np.frombuffer(b"abcdefghijklmnopqrstuvwxyz", dtype=np.uint8)
    # 30,000 distinct words, drawn with Zipf-like frequencies (rank^-1.1).
    lengths = rng.integers(2, 10, size=30_000)
    words = [letters[rng.integers(0, 26, size=n)].tobytes() for n in lengths]
    p = 1.0 / np.arange(1, len(words) + 1) ** 1.1
    p /= p.sum()
    blocks = []
    for _ in range(8):  # distinct blocks, written in turn: varied text, cheap to make
        ids = rng.choice(len(words), size=200_000, p=p)
        blocks.append(b" ".join(words[i] for i in ids) + b" ")
    target = int(megabytes * MB)
    written = 0
    with open(path, "wb") as f:
        while written < target:
            block = blocks[(written // len(blocks[0])) % len(blocks)][: target - written]
            f.write(block)
            written += len(block)
    return written


def _status(key: str) -> int:
    """A /proc/self/status value in bytes."""
    with open("/proc/self/status") as f:
        return int(re.search(rf"^{key}:\s+(\d+) kB", f.read(), re.M).group(1)) * 1024


def _reset_peak() -> int:
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")
    return _status("VmRSS")


def measure(path: str) -> dict:
    """Runs in a fresh process: the two phases' peak memory growth and times."""
    sys.path.insert(0, str(ROOT))
    from w2v_gui.core.corpus import NEWLINE, Corpus
    from w2v_gui.core.vocab import scan

    corpus = Corpus([path])
    out = {"file_bytes": Path(path).stat().st_size}
    start = _reset_peak()
    t = time.perf_counter()
    tokens = max_chunk = 0
    for chunk in corpus.iter_chunks():
        tokens += len(chunk) - chunk.count(NEWLINE)
        max_chunk = max(max_chunk, len(chunk))
    out.update(
        read_seconds=time.perf_counter() - t,
        tokens=tokens,
        max_chunk_tokens=max_chunk,
        read_peak_growth=_status("VmHWM") - start,
    )
    start = _reset_peak()
    t = time.perf_counter()
    result = scan(corpus)
    out.update(
        scan_seconds=time.perf_counter() - t,
        ids_bytes=result.ids.nbytes,
        vocabulary=len(result.words),
        scan_peak_growth=_status("VmHWM") - start,
        scan_kept_growth=_status("VmRSS") - start,
    )
    return out


def run(megabytes: float, folder: str | None = None) -> dict:
    """Write the corpus, measure it in a child process, return the numbers."""
    with tempfile.TemporaryDirectory(dir=folder) as tmp:
        path = Path(tmp) / "no-newline.txt"
        t = time.perf_counter()
        write_corpus(path, megabytes)
        made = time.perf_counter() - t
        child = subprocess.run(
            [sys.executable, __file__, "--child", str(path)],
            capture_output=True,
            text=True,
            check=True,
        )
        result = json.loads(child.stdout)
        result["write_seconds"] = made
        return result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--mb", type=float, default=200.0, help="file size in MB (default 200)")
    ap.add_argument("--json", help="also write the numbers here")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        print(json.dumps(measure(args.child)))
        return
    r = run(args.mb)
    print(
        f"{r['file_bytes'] / MB:.0f} MB, no newline, {r['tokens']:,} tokens, "
        f"{r['vocabulary']:,} distinct (written in {r['write_seconds']:.1f} s)"
    )
    print(
        f"  read : {r['read_seconds']:.1f} s, peak +{r['read_peak_growth'] / MB:.0f} MB, "
        f"largest chunk {r['max_chunk_tokens']:,} tokens"
    )
    print(
        f"  scan : {r['scan_seconds']:.1f} s, peak +{r['scan_peak_growth'] / MB:.0f} MB, "
        f"kept +{r['scan_kept_growth'] / MB:.0f} MB; id array {r['ids_bytes'] / MB:.0f} MB"
    )
    if args.json:
        Path(args.json).write_text(json.dumps(r, indent=1))


if __name__ == "__main__":
    main()
