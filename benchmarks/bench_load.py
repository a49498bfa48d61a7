"""Load vector files with this engine and with gensim, side by side; report speed ratios.

Random vectors with random words are written to a temporary folder in each format
(word2vec binary as gensim writes it, word2vec text with 9 significant digits as
gensim's writer gives, GloVe text with 5 decimals as Stanford's files have), then every
load runs in a fresh process (so first-touch memory costs count, as they do for a
user), engines alternating in rotating order; speed is the median over rounds.
Both engines must read the same words and the same numbers, or the run stops.

    python benchmarks/bench_load.py [--words 400000] [--dim 300] [--rounds 3]
                                    [--formats word2vec-binary,word2vec-text,glove]

gensim reads GloVe with ``load_word2vec_format(no_header=True)``. Large files are never
kept unless ``--dir`` is given.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FORMATS = ("word2vec-binary", "word2vec-text", "glove")
FILE_NAMES = {
    "word2vec-binary": "vectors.bin",
    "word2vec-text": "vectors.txt",
    "glove": "glove.txt",
}


def _words(n: int, rng) -> list[str]:
    """n distinct random words, lengths 2-14, about 5% with non-ASCII letters."""
    letters = list("abcdefghijklmnopqrstuvwxyz")
    extra = list("éèüößçñøåæ")
    out: list[str] = []
    seen: set[str] = set()
    while len(out) < n:
        lengths = rng.integers(2, 15, size=n)
        codes = rng.integers(0, 26, size=int(lengths.sum()))
        fancy = rng.random(n) < 0.05
        pos = 0
        for i, k in enumerate(lengths.tolist()):
            chars = [letters[c] for c in codes[pos : pos + k].tolist()]
            pos += k
            if fancy[i]:
                chars[0] = extra[i % len(extra)]
            w = "".join(chars)
            if w not in seen:
                seen.add(w)
                out.append(w)
                if len(out) == n:
                    break
    return out


def generate(folder: Path, n: int, dim: int, formats: list[str]) -> None:
    import numpy as np

    sys.path.insert(0, str(ROOT))
    from w2v_gui.core.formats import word2vec
    from w2v_gui.core.vectors import Embeddings

    rng = np.random.default_rng(2024)
    words = _words(n, rng)
    vectors = (rng.standard_normal((n, dim)) * 0.3).astype(np.float32)
    emb = Embeddings(words, vectors, copy=False)
    for fmt in formats:
        path = folder / FILE_NAMES[fmt]
        t0 = time.perf_counter()
        if fmt == "word2vec-binary":
            word2vec.save(emb, path, binary=True)
        elif fmt == "word2vec-text":
            word2vec.save(emb, path, binary=False)
        else:
            row = " ".join(["%.5f"] * dim)
            with open(path, "w", encoding="utf-8") as f:
                step = 10000
                for lo in range(0, n, step):
                    f.write(
                        "".join(
                            f"{w} {row % tuple(v)}\n"
                            for w, v in zip(
                                words[lo : lo + step], vectors[lo : lo + step].tolist(), strict=True
                            )
                        )
                    )
        print(
            f"  wrote {path.name}: {path.stat().st_size / 1e6:,.0f} MB "
            f"({time.perf_counter() - t0:.0f}s)",
            file=sys.stderr,
            flush=True,
        )


def _peak_mb() -> float:
    # VmHWM, not ru_maxrss: Linux carries ru_maxrss over exec from the parent process.
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(engine: str, fmt: str, path: str) -> None:
    """Runs in its own process: one load, timed; prints a JSON line."""
    import warnings

    import numpy as np

    if engine == "ours":
        sys.path.insert(0, str(ROOT))
        from w2v_gui.core.formats import load_embeddings

        t0 = time.perf_counter()
        emb = load_embeddings(path, format=fmt)
        seconds = time.perf_counter() - t0
        words, vectors = emb.words, emb.vectors
    else:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            from gensim.models import KeyedVectors
        t0 = time.perf_counter()
        kv = KeyedVectors.load_word2vec_format(
            path, binary=fmt == "word2vec-binary", no_header=fmt == "glove"
        )
        seconds = time.perf_counter() - t0
        words, vectors = kv.index_to_key, kv.vectors
    peak = _peak_mb()  # before the checks below allocate
    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    print(
        json.dumps(
            {
                "seconds": seconds,
                "peak_mb": peak,
                "shape": list(vectors.shape),
                "words": hashlib.blake2b(
                    "\n".join(words).encode("utf-8", "surrogatepass")
                ).hexdigest(),
                "vectors": hashlib.blake2b(memoryview(vectors).cast("B")).hexdigest(),
            }
        )
    )


def _run(engine: str, fmt: str, path: Path) -> dict:
    proc = subprocess.run(
        [sys.executable, __file__, "--child", engine, fmt, str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        raise SystemExit(f"{engine} failed on {fmt}:\n{proc.stderr}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--words", type=int, default=400_000)
    p.add_argument("--dim", type=int, default=300)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--formats", default=",".join(FORMATS))
    p.add_argument("--dir", help="keep the generated files here (reused if present)")
    p.add_argument("--child", nargs=3, metavar=("ENGINE", "FORMAT", "PATH"), help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.child:
        child(*args.child)
        return
    formats = [f for f in args.formats.split(",") if f]
    unknown = set(formats) - set(FORMATS)
    if unknown:
        p.error(f"unknown format(s) {', '.join(sorted(unknown))}")

    tmp = None
    if args.dir:
        folder = Path(args.dir)
        folder.mkdir(parents=True, exist_ok=True)
    else:
        tmp = tempfile.TemporaryDirectory(prefix="bench_load_")
        folder = Path(tmp.name)
    try:
        missing = [f for f in formats if not (folder / FILE_NAMES[f]).exists()]
        if missing:
            print(f"generating {args.words:,} x {args.dim} vectors in {folder}", file=sys.stderr)
            generate(folder, args.words, args.dim, missing)
        rows = []
        for fmt in formats:
            path = folder / FILE_NAMES[fmt]
            times: dict[str, list[float]] = {"ours": [], "gensim": []}
            peaks: dict[str, float] = {"ours": 0.0, "gensim": 0.0}
            for r in range(args.rounds):
                order = ("ours", "gensim") if r % 2 == 0 else ("gensim", "ours")
                got = {}
                for engine in order:
                    res = _run(engine, fmt, path)
                    got[engine] = res
                    times[engine].append(res["seconds"])
                    peaks[engine] = max(peaks[engine], res["peak_mb"])
                    print(
                        f"  {fmt} round {r + 1} {engine}: {res['seconds']:.2f}s",
                        file=sys.stderr,
                        flush=True,
                    )
                a, b = got["ours"], got["gensim"]
                same = all(a[k] == b[k] for k in ("shape", "words", "vectors"))
                if not same:
                    raise SystemExit(f"{fmt}: the engines read different data: {a} vs {b}")
            ours, theirs = statistics.median(times["ours"]), statistics.median(times["gensim"])
            rows.append(
                (
                    fmt,
                    path.stat().st_size / 1e6,
                    ours,
                    theirs,
                    theirs / ours,
                    peaks["ours"],
                    peaks["gensim"],
                )
            )
    finally:
        if tmp is not None:
            tmp.cleanup()

    print(
        f"\n{args.words:,} words x {args.dim} dimensions, median of {args.rounds} rounds, "
        f"each load in a fresh process; identical words and vectors checked; peak = VmHWM, "
        f"which counts the memory-mapped file's pages for ours\n"
    )
    print(
        f"{'format':<16} {'file MB':>8} {'ours s':>8} {'gensim s':>9} {'speed-up':>9} "
        f"{'ours peak MB':>13} {'gensim peak MB':>15}"
    )
    for fmt, mb, ours, theirs, ratio, pa, pb in rows:
        print(
            f"{fmt:<16} {mb:>8,.0f} {ours:>8.2f} {theirs:>9.2f} {ratio:>8.1f}x "
            f"{pa:>13,.0f} {pb:>15,.0f}"
        )


if __name__ == "__main__":
    main()
