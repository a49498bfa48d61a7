"""GoogleNews-size vectors: `w2v similar` against gensim, whole processes, side by side.

    python benchmarks/bench_big_vectors.py [--words 3000000] [--dim 300] [--rounds 3]

1. Synthesises a deterministic word2vec binary of ``words × dim`` float32 vectors in
   ``benchmarks/data/`` (git-ignored; 3.6 GB at the default size; kept for later runs).
2. Rounds, engines alternating: ``w2v similar FILE WORD`` and gensim's
   ``KeyedVectors.load_word2vec_format(binary=True)`` + ``most_similar(WORD)``, each a
   fresh process (load and query, as a user runs them); wall time and peak RSS (from
   ``os.wait4``, the child's own ``ru_maxrss``). Both must name the same neighbours.
3. ``w2v convert FILE big.npz``, then ``w2v similar big.npz WORD`` with the file in the
   OS cache (it was just written and read): open + first query, whole process.
4. In one process, on the memory-mapped model: ``most_similar`` against a bare
   ``matrix @ vector`` on the same matrix, alternating, single-threaded BLAS for both.

Medians over the rounds; the machine is shared, so read the ratios, not the seconds.
Results go to ``benchmarks/results/big-vectors-<words>x<dim>.{json,md}``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "benchmarks" / "data"
RESULTS = ROOT / "benchmarks" / "results"
QUERY_ROW = 1234  # the word asked about: a row every size has
_SYLLABLES = ["ka", "lo", "mi", "New_", "ter", "Ab", "zu", "ré", "ing", "s"]

GENSIM = """
import sys
from gensim.models import KeyedVectors
kv = KeyedVectors.load_word2vec_format(sys.argv[1], binary=True)
for w, s in kv.most_similar(sys.argv[2], topn=10):
    print(f"{w}\\t{s:.6f}")
"""
OURS = [sys.executable, "-m", "w2v_gui.core.cli"]


def word(i: int) -> str:
    """Deterministic distinct words of 3-20 characters, some capitalised, some not ASCII."""
    a, b = _SYLLABLES[i % 10], _SYLLABLES[i // 10 % 10]
    return f"{a}{b}{i:x}"


def synthesise(path: Path, n: int, dim: int) -> None:
    """Write the binary in slices of 100,000 vectors (values seeded per slice)."""
    import numpy as np

    tmp = path.with_suffix(".partial")
    with open(tmp, "wb") as f:
        f.write(f"{n} {dim}\n".encode())
        for lo in range(0, n, 100_000):
            hi = min(n, lo + 100_000)
            rng = np.random.default_rng([2026, lo])
            rows = (rng.standard_normal((hi - lo, dim), dtype=np.float32) * 0.1).astype("<f4")
            f.write(
                b"".join(
                    word(i).encode() + b" " + row.tobytes()
                    for i, row in zip(range(lo, hi), rows, strict=True)
                )
            )
    os.replace(tmp, path)


def timed(argv: list[str]) -> dict:
    """Run a whole process; its wall time, own peak RSS (MB) and output."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT, text=True
    )
    out, err = proc.communicate()
    seconds = time.perf_counter() - t0
    if proc.returncode:
        raise SystemExit(f"{argv[:4]} failed ({proc.returncode}): {err[-2000:]}")
    return {"seconds": seconds, "out": out, "err": err}


def timed_rss(argv: list[str]) -> dict:
    """As :func:`timed`, with the child's peak RSS from ``os.wait4``."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, cwd=ROOT)
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        raise SystemExit(f"{argv[:4]} failed with status {proc.returncode}")
    cpu = usage.ru_utime + usage.ru_stime  # fairer than wall time on a crowded machine
    return {"seconds": seconds, "cpu_s": cpu, "rss_mb": usage.ru_maxrss / 1024, "out": out.decode()}


def neighbours(out: str) -> list[str]:
    return [line.split("\t")[0] for line in out.splitlines() if "\t" in line]


def in_process(npz: Path, query: str, rounds: int) -> dict:
    """Open the mapped model, first query, then most_similar vs matrix @ vector."""
    from w2v_gui.core import prefer_single_threaded_blas

    prefer_single_threaded_blas()
    import numpy as np

    from w2v_gui.core.formats import native

    t0 = time.perf_counter()
    emb = native.load(npz).embeddings
    opened = time.perf_counter() - t0
    t0 = time.perf_counter()
    emb.most_similar(query, topn=10)
    first = time.perf_counter() - t0
    vec = emb.unit[emb.get_index(query)]
    ours, bare = [], []
    for _ in range(max(5, rounds)):
        t0 = time.perf_counter()
        emb.most_similar(query, topn=10)
        ours.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        emb.vectors @ vec  # noqa: B018 - the bandwidth limit a query is measured against
        bare.append(time.perf_counter() - t0)
    # The ten words' lookups build the word index (all words decoded): done first, so
    # that the figure is the batched query itself.
    names = [emb.words[i] for i in range(10)]
    emb.index  # noqa: B018
    t0 = time.perf_counter()
    emb.most_similar_batch(names, topn=10)
    batch10 = time.perf_counter() - t0
    return {
        "open_s": opened,
        "first_query_s": first,
        "query_s": statistics.median(ours),
        "matvec_s": statistics.median(bare),
        "query_over_matvec": statistics.median(ours) / statistics.median(bare),
        "batch_of_10_s": batch10,
        "mapped": isinstance(emb.vectors, np.memmap),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--words", type=int, default=3_000_000)
    ap.add_argument("--dim", type=int, default=300)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--synthesise-only", action="store_true", help="write the file and stop")
    ap.add_argument("--in-process", metavar="NPZ", help=argparse.SUPPRESS)
    args = ap.parse_args()
    query = word(QUERY_ROW)
    if args.in_process:
        print(json.dumps(in_process(Path(args.in_process), query, args.rounds)))
        return

    DATA.mkdir(parents=True, exist_ok=True)
    name = f"big-{args.words}x{args.dim}"
    binary, npz = DATA / f"{name}.bin", DATA / f"{name}.npz"
    if not binary.exists():
        t0 = time.perf_counter()
        synthesise(binary, args.words, args.dim)
        print(
            f"wrote {binary} ({binary.stat().st_size / 1e9:.2f} GB) in "
            f"{time.perf_counter() - t0:.0f} s",
            flush=True,
        )
    if args.synthesise_only:
        return
    matrix_mb = args.words * args.dim * 4 / 2**20
    load_at_start = os.getloadavg()

    runs: dict[str, list[dict]] = {"ours": [], "gensim": []}
    for r in range(args.rounds):
        order = ["ours", "gensim"] if r % 2 == 0 else ["gensim", "ours"]
        for engine in order:
            argv = (
                [*OURS, "similar", str(binary), query]
                if engine == "ours"
                else [sys.executable, "-c", GENSIM, str(binary), query]
            )
            res = timed_rss(argv)
            runs[engine].append(res)
            print(
                f"round {r + 1} {engine:6s} {res['seconds']:7.1f} s wall "
                f"{res['cpu_s']:7.1f} s CPU  peak {res['rss_mb']:7.0f} MB",
                flush=True,
            )
    same = neighbours(runs["ours"][0]["out"]) == neighbours(runs["gensim"][0]["out"])
    if not same:
        raise SystemExit(
            f"the engines disagree:\n{runs['ours'][0]['out']}\n{runs['gensim'][0]['out']}"
        )

    t0 = time.perf_counter()
    timed([*OURS, "convert", str(binary), str(npz), "-q"])
    convert_s = time.perf_counter() - t0
    reopen = [timed_rss([*OURS, "similar", str(npz), query]) for _ in range(args.rounds)]
    if neighbours(reopen[0]["out"]) != neighbours(runs["ours"][0]["out"]):
        raise SystemExit("the converted model answers differently")
    inproc = json.loads(
        timed(
            [
                sys.executable,
                __file__,
                "--in-process",
                str(npz),
                "--words",
                str(args.words),
                "--rounds",
                str(args.rounds),
            ]
        )["out"]
    )

    med = {k: statistics.median(x["seconds"] for x in v) for k, v in runs.items()}
    rss = {k: statistics.median(x["rss_mb"] for x in v) for k, v in runs.items()}
    cpu = {k: statistics.median(x["cpu_s"] for x in v) for k, v in runs.items()}
    result = {
        "words": args.words,
        "dim": args.dim,
        "rounds": args.rounds,
        "matrix_mb": matrix_mb,
        "similar_s": med,
        "speedup_vs_gensim": med["gensim"] / med["ours"],
        "similar_cpu_s": cpu,
        "cpu_ratio_vs_gensim": cpu["gensim"] / cpu["ours"],
        "peak_rss_mb": rss,
        "ours_rss_over_matrix": rss["ours"] / matrix_mb,
        "gensim_rss_over_matrix": rss["gensim"] / matrix_mb,
        "convert_s": convert_s,
        "npz_similar_process_s": statistics.median(x["seconds"] for x in reopen),
        "npz_similar_process_rss_mb": statistics.median(x["rss_mb"] for x in reopen),
        "in_process": inproc,
        "neighbours": neighbours(runs["ours"][0]["out"]),
        "load_average_at_start": load_at_start,
        "load_average": os.getloadavg(),
        "command": " ".join(["python", "benchmarks/bench_big_vectors.py", *sys.argv[1:]]),
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"big-vectors-{args.words}x{args.dim}.json").write_text(
        json.dumps(result, indent=2) + "\n"
    )
    md = _markdown(result)
    (RESULTS / f"big-vectors-{args.words}x{args.dim}.md").write_text(md)
    print(md)


def _markdown(r: dict) -> str:
    ip = r["in_process"]
    t, m = r["similar_s"], r["peak_rss_mb"]
    speed = (
        f"| `similar` (load + query), s | {t['ours']:.1f} | {t['gensim']:.1f} "
        f"| {r['speedup_vs_gensim']:.1f}× faster |"
    )
    cpus = (
        f"| `similar`, CPU s (user + sys) | {r['similar_cpu_s']['ours']:.1f} | "
        f"{r['similar_cpu_s']['gensim']:.1f} | {r['cpu_ratio_vs_gensim']:.1f}× less |"
    )
    memory = (
        f"| peak RSS, MB | {m['ours']:,.0f} | {m['gensim']:,.0f} | "
        f"{r['ours_rss_over_matrix']:.2f}× / {r['gensim_rss_over_matrix']:.2f}× the matrix |"
    )
    return f"""# `w2v similar` on a {r["words"]:,} × {r["dim"]} word2vec binary vs gensim

Median of {r["rounds"]} alternating rounds, whole processes; float32 matrix
{r["matrix_mb"]:,.0f} MB; load average {r["load_average_at_start"][0]:.1f} at the start,
{r["load_average"][0]:.1f} at the end, on 2 cores (shared machine: read the ratios).
`{r["command"]}` (each timed run under `flock /work/wt/bench.lock`).

| | ours | gensim | ratio |
|---|---:|---:|---:|
{speed}
{cpus}
{memory}

Ours reads the rows in place from the mapped binary (`FileRows`, no matrix of its own)
and decodes only the words it shows; its peak RSS is mostly the file's pages, shared
with the OS cache. gensim builds the matrix and, for the query, a normalised copy.

After `w2v convert` to the native `.npz` ({r["convert_s"]:.1f} s): `w2v similar big.npz`
as a whole process {r["npz_similar_process_s"]:.2f} s (file in the OS cache); in process,
open {ip["open_s"]:.2f} s (memory-mapped: {ip["mapped"]}) + first query
{ip["first_query_s"]:.2f} s.

A query against a bare `matrix @ vector` on the same mapped matrix (single-threaded BLAS):
{ip["query_s"] * 1e3:.0f} ms vs {ip["matvec_s"] * 1e3:.0f} ms = {ip["query_over_matvec"]:.2f}×;
ten words in one batch {ip["batch_of_10_s"] * 1e3:.0f} ms.
"""


if __name__ == "__main__":
    main()
