"""Phrase detection, this engine vs gensim's ``Phrases``, on one corpus in one process.

    python benchmarks/bench_phrases.py [CORPUS] [--repeat 2] [--rounds 3] [--connectors]

The corpus (default: the demo corpus, repeated ``--repeat`` times so it holds several
million words) is read once by this engine's reader; gensim gets the same sentences as
token lists held in memory, so reading is out of both timings. Timed per round, in
alternating order: this engine's ``phrases.detect`` (count, score, join: the phrased
token stream), and gensim's ``Phrases(sentences)`` (count) plus ``model[s]`` on every
sentence (join). Speed is the median of the rounds, as wall time and as CPU time of this
process (the CPU time is the fairer figure on a shared, loaded machine); both engines run
on one core. Before timing, the phrases formed and the joined text are checked equal.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _timed(fn):
    w, c = time.perf_counter(), time.process_time()
    out = fn()
    return out, time.perf_counter() - w, time.process_time() - c


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("corpus", nargs="?", default=str(ROOT / "assets" / "wordnet-demo.txt.gz"))
    ap.add_argument("--repeat", type=int, default=2, help="copies of the corpus (default 2)")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--min-count", type=int, default=5)
    ap.add_argument("--threshold", type=float, default=10.0)
    ap.add_argument("--scoring", default="default", choices=("default", "npmi"))
    ap.add_argument("--connectors", action="store_true")
    ap.add_argument("--json", help="write the figures here too")
    args = ap.parse_args()

    from gensim.models.phrases import ENGLISH_CONNECTOR_WORDS, Phrases

    from w2v_gui.core import phrases
    from w2v_gui.core.corpus import Corpus
    from w2v_gui.core.vocab import scan

    with tempfile.TemporaryDirectory() as tmp:
        files = []
        for i in range(args.repeat):
            # Copies, not one path given twice (the reader expands each path once).
            files.append(Path(tmp) / f"copy{i}{''.join(Path(args.corpus).suffixes)}")
            shutil.copyfile(args.corpus, files[-1])
        sc = scan(Corpus(files))
    sentences = list(phrases.sentences(sc))
    conn = ENGLISH_CONNECTOR_WORDS if args.connectors else frozenset()
    settings = (1, args.min_count, args.threshold, args.scoring, conn)

    def ours():
        return phrases.detect(sc, *settings)

    def gensim():
        model = Phrases(
            sentences,
            min_count=args.min_count,
            threshold=args.threshold,
            scoring=args.scoring,
            connector_words=conn,
        )
        return model, [model[s] for s in sentences]

    # Equality first (untimed): the phrases formed, their scores, and the joined text.
    mine = ours()
    model, joined = gensim()
    theirs = model.find_phrases(sentences)
    same_set = {p.text for p in mine.phrases} == set(theirs)
    same_scores = same_set and all(
        abs(p.score - theirs[p.text]) <= 1e-12 * abs(theirs[p.text]) for p in mine.phrases
    )
    same_text = list(phrases.sentences(mine.scan)) == joined
    del model, joined, theirs

    runs: dict[str, list[tuple[float, float]]] = {"ours": [], "gensim": []}
    order = ["ours", "gensim"]
    for r in range(args.rounds):
        for name in order if r % 2 == 0 else order[::-1]:
            _, wall, cpu = _timed(ours if name == "ours" else gensim)
            runs[name].append((wall, cpu))
            print(f"round {r + 1} {name}: {wall:.2f} s wall, {cpu:.2f} s CPU", file=sys.stderr)
    med = {k: tuple(statistics.median(x[i] for x in v) for i in (0, 1)) for k, v in runs.items()}
    load = os.getloadavg()[0]
    result = {
        "corpus": f"{Path(args.corpus).name} x{args.repeat}",
        "tokens": int(sc.raw_words),
        "settings": {
            "min_count": args.min_count,
            "threshold": args.threshold,
            "scoring": args.scoring,
            "connectors": args.connectors,
        },
        "phrases": len(mine.phrases),
        "same_phrase_set": same_set,
        "same_scores": same_scores,
        "same_joined_text": same_text,
        "median_wall_s": {k: round(v[0], 3) for k, v in med.items()},
        "median_cpu_s": {k: round(v[1], 3) for k, v in med.items()},
        "speedup_wall": round(med["gensim"][0] / med["ours"][0], 2),
        "speedup_cpu": round(med["gensim"][1] / med["ours"][1], 2),
        "rounds": args.rounds,
        "load_average_1min_at_end": round(load, 1),
    }
    print(json.dumps(result, indent=1))
    print(
        f"\n| corpus | tokens | settings | phrases | equal to gensim | w2v-gui | gensim Phrases "
        f"| × gensim (wall) | × gensim (CPU) |\n|---|---|---|---|---|---|---|---|---|\n"
        f"| {result['corpus']} | {sc.raw_words:,} | {args.scoring}, min_count "
        f"{args.min_count}, threshold {args.threshold:g}"
        f"{', connectors' if args.connectors else ''} | {len(mine.phrases):,} | "
        f"{'yes' if same_set and same_scores and same_text else 'NO'} | "
        f"{med['ours'][0]:.2f} s | {med['gensim'][0]:.2f} s | {result['speedup_wall']} | "
        f"{result['speedup_cpu']} |"
    )
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=1) + "\n")


if __name__ == "__main__":
    main()
