"""Time the Map's t-SNE (openTSNE through ``core.pictures.tsne``) on 10,000 and 100,000
words; write ``benchmarks/results/maps.md``.

The vectors are planted groups (deterministic): ``--groups`` random unit directions in
``--dim`` dimensions, each word one of them plus noise, so the map has structure to find;
the purity of each word's 10 nearest neighbours in the plane (share in its own group,
on a sample of 2,000 words) says whether it did. Each size runs in a fresh process, on
``--jobs`` threads (2: the app's setting). A run that exceeds ``--budget`` seconds is
stopped through the same stop event the app's Cancel sets, and reported as far as it got
(the times of its finished stages). No competitor: gensim has no t-SNE; UMAP was not added
(see pyproject.toml).

    python benchmarks/bench_maps.py [--sizes 10000,100000] [--dim 100] [--budget 540]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]


def planted(n: int, dim: int, groups: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((groups, dim)).astype(np.float32)
    centres /= np.linalg.norm(centres, axis=1, keepdims=True)
    labels = rng.integers(0, groups, n)
    x = centres[labels] + 0.9 * rng.standard_normal((n, dim)).astype(np.float32) / np.sqrt(dim)
    return x, labels


def purity(xy: np.ndarray, labels: np.ndarray, sample: int = 2000, k: int = 10) -> float:
    rng = np.random.default_rng(1)
    idx = rng.choice(len(xy), size=min(sample, len(xy)), replace=False)
    hits = 0.0
    for i in idx:
        d2 = ((xy - xy[i]) ** 2).sum(1)
        d2[i] = np.inf
        near = np.argpartition(d2, k)[:k]
        hits += float((labels[near] == labels[i]).mean())
    return hits / len(idx)


def one(n: int, dim: int, groups: int, jobs: int, budget: float) -> dict:
    """One t-SNE in this process: stage times (s), purity, whether it finished."""
    from w2v_gui.core.pictures import tsne as module
    from w2v_gui.core.vocab import Cancelled

    x, labels = planted(n, dim, groups)
    stop = threading.Event()
    marks: dict[str, float] = {}
    start = time.perf_counter()
    early_end = module.NEIGHBOUR_STEPS + module.EARLY_ITERATIONS

    def progress(done: int, total: int) -> None:
        now = time.perf_counter() - start
        marks["last"], marks["last_step"] = now, done
        if done >= module.NEIGHBOUR_STEPS and "neighbours" not in marks:
            marks["neighbours"] = now
        if done >= early_end and "early" not in marks:
            marks["early"] = now
        if now > budget:
            stop.set()

    out = {"n": n, "dim": dim, "jobs": jobs, "finished": False}
    try:
        xy = module.tsne(x, n_jobs=jobs, progress=progress, stop=stop)
        out["finished"] = True
        out["purity"] = round(purity(xy, labels), 3)
    except Cancelled:
        pass
    out["total_s"] = round(time.perf_counter() - start, 1)
    out["neighbours_s"] = round(marks.get("neighbours", float("nan")), 1)
    if "early" in marks:
        out["early_s"] = round(marks["early"] - marks["neighbours"], 1)
    if out["finished"]:
        out["plain_s"] = round(out["total_s"] - marks["early"], 1)
    out["steps_done"] = marks.get("last_step", 0)
    out["steps_total"] = module.tsne_steps()
    return out


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--sizes", default="10000,100000")
    p.add_argument("--dim", type=int, default=100)
    p.add_argument("--groups", type=int, default=50)
    p.add_argument("--jobs", type=int, default=2)
    p.add_argument("--budget", type=float, default=540.0, help="seconds per size")
    p.add_argument("--one", type=int, help=argparse.SUPPRESS)
    p.add_argument("--out", default=str(ROOT / "benchmarks" / "results" / "maps.md"))
    a = p.parse_args()
    if a.one:
        print(json.dumps(one(a.one, a.dim, a.groups, a.jobs, a.budget)))
        return
    rows = []
    for n in (int(s) for s in a.sizes.split(",")):
        cmd = [sys.executable, __file__, "--one", str(n), "--dim", str(a.dim)]
        cmd += ["--groups", str(a.groups), "--jobs", str(a.jobs), "--budget", str(a.budget)]
        load = os.getloadavg()[0]
        res = json.loads(subprocess.run(cmd, check=True, capture_output=True).stdout)
        res["load_before"] = round(load, 1)
        print(res, flush=True)
        rows.append(res)
    write(Path(a.out), rows, a)


def write(path: Path, rows: list[dict], a) -> None:
    import openTSNE

    lines = [
        "# Map: t-SNE time (openTSNE through core.pictures.tsne)",
        "",
        f"`python benchmarks/bench_maps.py --sizes {a.sizes} --dim {a.dim} "
        f"--groups {a.groups} --jobs {a.jobs} --budget {a.budget:g}`",
        "",
        f"openTSNE {openTSNE.__version__}, Python {platform.python_version()}, "
        f"{os.cpu_count()} cores, {a.jobs} threads. {a.groups} planted groups in "
        f"{a.dim} dimensions; 750 iterations (250 exaggerated + 500), perplexity 30, "
        "Annoy neighbours, FFT gradient from 10,000 words. **The machine was shared with "
        "other agents' work** (load average in the table, 2 cores); a quiet machine "
        "was not available to compare. Single runs, not medians.",
        "",
        "| words | load | neighbours (s) | 250 exaggerated (s) | 500 plain (s) | total (s) "
        "| finished | 10-NN purity |",
        "|---:|---:|---:|---:|---:|---:|---|---:|",
    ]
    for r in rows:
        done = (
            "yes"
            if r["finished"]
            else f"stopped at the budget, step {r['steps_done']}/{r['steps_total']}"
        )
        lines.append(
            f"| {r['n']:,} | {r['load_before']} | {r['neighbours_s']} | {r.get('early_s', '–')} "
            f"| {r.get('plain_s', '–')} | {r['total_s']} | {done} | {r.get('purity', '–')} |"
        )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
