"""Peak memory of reading and training on a 100M-token corpus, against what it must hold.

Writes a synthetic corpus (``--tokens``, default 100M; Zipf-distributed words, rank^-1.05
over 2M word types, short words frequent, 20-word lines: ~600 MB) to a temporary folder,
then in a fresh process measures each phase's peak resident memory (VmHWM, reset between
phases through /proc/self/clear_refs; Linux only):

1. scan: read the text into a vocabulary and the text as int32 ids (``core.vocab.scan``)
2. build: cut the vocabulary at min_count and encode the token stream the trainer reads
3. train: ``Trainer.run`` for ``--seconds`` (default 60), then stop through the stop event;
   with ``--snapshots``, also a snapshot and its normalised copy every second, as the GUI's
   training worker takes them

and compares the peak with its parts: the token arrays (the scan's provisional ids, which
the GUI keeps to re-cut the vocabulary, and the stream), the two V × d float32 matrices,
the distinct words as Python strings, and ``core.estimate.estimate``'s figure. The corpus is
deleted afterwards.

    python benchmarks/bench_memory.py [--tokens 100e6] [--seconds 60] [--snapshots]
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
TYPES = 2_000_000


def write_corpus(path: Path, tokens: int, seed: int = 0) -> int:
    """``tokens`` Zipf-distributed words, 20 to a line; returns the file's size."""
    import numpy as np

    rng = np.random.default_rng(seed)
    alphabet = np.frombuffer(b"etaoinshrdlcumwfgypbvkjxqz", dtype=np.uint8)
    # Word of rank r: about 2 + log2(r)/1.5 letters, so frequent words are short.
    lengths = np.minimum(2 + (np.log2(np.arange(1, TYPES + 1)) / 1.5).astype(int), 14)
    letters = alphabet[rng.integers(0, 26, size=int(lengths.sum()))].tobytes()
    ends = np.cumsum(lengths)
    starts = ends - lengths
    # Distinct words: the rank in base 26 letters appended where collisions could occur.
    words = [
        letters[a:b] + (b"" if r < 1000 else _base26(r))
        for r, (a, b) in enumerate(zip(starts.tolist(), ends.tolist(), strict=True))
    ]
    spaced = np.array([w + b" " for w in words], dtype=object)
    ended = np.array([w + b"\n" for w in words], dtype=object)
    del words
    cdf = np.cumsum(1.0 / np.arange(1, TYPES + 1) ** 1.05)
    cdf /= cdf[-1]
    step = 5_000_000
    with open(path, "wb") as f:
        for lo in range(0, tokens, step):
            n = min(step, tokens - lo)
            ids = np.searchsorted(cdf, rng.random(n), side="right")
            np.minimum(ids, TYPES - 1, out=ids)
            chunk = spaced[ids]
            chunk[19::20] = ended[ids[19::20]]
            f.write(b"".join(chunk.tolist()))
    return path.stat().st_size


def _base26(r: int) -> bytes:
    out = b""
    while r:
        r, k = divmod(r, 26)
        out += bytes([97 + k])
    return out


def _status(key: str) -> int:
    with open("/proc/self/status") as f:
        return int(re.search(rf"^{key}:\s+(\d+) kB", f.read(), re.M).group(1)) * 1024


def _reset_peak() -> int:
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")
    return _status("VmRSS")


def measure(path: str, seconds: float, snapshots: bool, workers: int) -> dict:
    """Runs in a fresh process: each phase's time and peak memory."""
    import threading

    sys.path.insert(0, str(ROOT))
    from w2v_gui.core.config import TrainingConfig
    from w2v_gui.core.corpus import Corpus
    from w2v_gui.core.estimate import estimate
    from w2v_gui.core.sgns import Trainer
    from w2v_gui.core.vocab import scan

    config = TrainingConfig(
        vector_size=100, window=5, negative=5, min_count=5, epochs=1, workers=workers
    )
    out = {"file_bytes": Path(path).stat().st_size, "rss_start": _status("VmRSS")}
    t = time.perf_counter()
    result = scan(Corpus.from_config([path], config))
    out.update(
        scan_seconds=time.perf_counter() - t,
        scan_peak=_status("VmHWM"),
        tokens=int(result.raw_words),
        types=len(result.words),
        scan_ids_bytes=result.ids.nbytes,
        # Every distinct word as a Python string, and the list holding them.
        types_bytes=sum(map(sys.getsizeof, result.words)) + 8 * len(result.words),
    )
    _reset_peak()
    t = time.perf_counter()
    vocab, stream = result.build(config.min_count)
    out.update(
        build_seconds=time.perf_counter() - t,
        build_peak=_status("VmHWM"),
        vocab=len(vocab),
        stream_ids_bytes=stream.ids.nbytes + stream.sentence_starts.nbytes,
    )
    before = _reset_peak()
    trainer = Trainer(config, vocab, stream, report_interval=1.0)
    stop = threading.Event()
    t = time.perf_counter()
    last = None
    kept = []
    for rec in trainer.run(stop=stop):
        last = rec
        if snapshots and not rec.done:
            snap = trainer.snapshot()
            snap.unit  # noqa: B018 - as the GUI worker does, off the GUI thread
            kept = [snap]  # the GUI holds the latest snapshot on show
        if time.perf_counter() - t >= seconds:
            stop.set()
    del kept
    est = estimate(config, len(vocab), len(stream.ids), stream.raw_words)
    out.update(
        train_seconds=time.perf_counter() - t,
        train_peak=_status("VmHWM"),
        train_before=before,
        words_done=last.words_done,
        words_total=last.words_total,
        words_per_sec=last.words_per_sec,
        matrices_bytes=2 * len(vocab) * config.vector_size * 4,
        estimate_bytes=est.memory_bytes,
        snapshots=snapshots,
        workers=workers,
    )
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--tokens", type=float, default=100e6)
    ap.add_argument("--seconds", type=float, default=60.0, help="training time (default 60)")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument(
        "--snapshots",
        action="store_true",
        help="take a normalised snapshot every second, as the GUI does",
    )
    ap.add_argument("--corpus", help="use this corpus file instead of writing one")
    ap.add_argument("--json", help="also write the numbers here")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        print(json.dumps(measure(args.child, args.seconds, args.snapshots, args.workers)))
        return
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(args.corpus) if args.corpus else Path(tmp) / "zipf.txt"
        t = time.perf_counter()
        if not args.corpus:
            write_corpus(path, int(args.tokens))
        made = time.perf_counter() - t
        cmd = [
            sys.executable,
            __file__,
            "--child",
            str(path),
            "--seconds",
            str(args.seconds),
            "--workers",
            str(args.workers),
        ] + (["--snapshots"] if args.snapshots else [])
        r = json.loads(subprocess.run(cmd, capture_output=True, text=True, check=True).stdout)
    r["write_seconds"] = made
    m = lambda b: f"{b / MB:,.0f} MB"  # noqa: E731
    parts = r["scan_ids_bytes"] + r["stream_ids_bytes"] + r["matrices_bytes"] + r["types_bytes"]
    print(
        f"corpus: {r['file_bytes'] / MB:,.0f} MB, {r['tokens']:,} tokens, {r['types']:,} "
        f"types, vocabulary {r['vocab']:,} at min_count 5 (written in {made:.0f} s)"
    )
    print(f"process at start: {m(r['rss_start'])}")
    print(
        f"scan : {r['scan_seconds']:.0f} s, peak {m(r['scan_peak'])}; "
        f"scan ids {m(r['scan_ids_bytes'])}"
    )
    print(
        f"build: {r['build_seconds']:.1f} s, peak {m(r['build_peak'])}; "
        f"stream {m(r['stream_ids_bytes'])}"
    )
    print(
        f"train: {r['train_seconds']:.0f} s, {r['words_done']:,} of {r['words_total']:,} "
        f"words ({r['words_per_sec']:,.0f}/s, {r['workers']} workers"
        f"{', snapshots every second' if r['snapshots'] else ''}), peak {m(r['train_peak'])}"
        f" (from {m(r['train_before'])} before the trainer)"
    )
    print(
        f"parts: scan ids {m(r['scan_ids_bytes'])} + stream {m(r['stream_ids_bytes'])} + "
        f"2 matrices {m(r['matrices_bytes'])} + word strings {m(r['types_bytes'])} = "
        f"{m(parts)}; start + parts = "
        f"{m(r['rss_start'] + parts)}; core.estimate.estimate says {m(r['estimate_bytes'])}"
    )
    print(f"training peak beyond start + parts: {m(r['train_peak'] - r['rss_start'] - parts)}")
    if args.json:
        Path(args.json).write_text(json.dumps(r, indent=1))


if __name__ == "__main__":
    main()
