"""Train this engine and gensim side by side on one corpus file; report speed, memory, quality.

Each run is its own process (so peak memory is that run's own), rounds alternate the
engines in rotating order, and speed is the median over rounds. Words/s counts raw
corpus words × epochs over the whole process work: reading, vocabulary and training.

    python benchmarks/bench_train.py CORPUS [--rounds 3] [--quality-epochs 3]
    python benchmarks/bench_train.py CORPUS --corpus-scale 47e6 [--engines ours,gensim-file]

CORPUS is a text file with one sentence per line. It is first tokenized the way the
app does (lowercase, word pattern) into a space-separated copy, which every engine
then reads: this engine through its corpus reader, gensim's iterable mode as a list of
token lists held in memory, gensim's corpus_file mode natively.
Quality is scored by gensim's own evaluators on every engine's vectors (Google
analogies restricted to the 30,000 most frequent words, WordSim-353, SimLex-999).

``--corpus-scale WORDS`` (issue 15) instead compares a 2M-word prefix of the corpus with
the whole text repeated (lines shuffled in each copy) to about WORDS words: one epoch per
engine and size, alternating, reporting training words/s, the vocabulary scan's time
and peak memory. This engine runs as ``w2v train`` does (ids on disk past
``vocab.CACHE_OVER_TOKENS``).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ENGINES = ("ours", "gensim", "gensim-file")  # also "ours-Nw": N workers (ours-1w, ...) and
# "ours-threads": 2 worker threads instead of processes
# and "gensim-file-vocab": corpus_file's build_vocab only (--corpus-scale, when training
# gensim on the big copy would take longer than the shared lock may be held)
PARAMS = dict(
    sg=1,  # --sg 0: CBOW, for both engines
    vector_size=100,
    window=5,
    negative=5,
    sample=1e-3,
    min_count=5,
    alpha=0.025,
    min_alpha=0.0001,
    workers=2,
    seed=1,
)


def _eval_files():
    import gensim

    data = Path(gensim.__file__).parent / "test" / "test_data"
    assets = ROOT / "assets"
    pick = lambda name: assets / name if (assets / name).exists() else data / name  # noqa: E731
    return pick("questions-words.txt"), pick("wordsim353.tsv"), pick("simlex999.txt")


def _quality(words, vectors, counts) -> dict:
    import warnings

    import numpy as np
    from gensim.models import KeyedVectors

    # restrict_vocab keeps the first 30,000 words, and the engines order equal counts
    # differently (gensim: reverse first occurrence; this engine: alphabetical), so near
    # the cut they would be scored on different questions (7,213 vs 7,207 here, family
    # 272 vs 240). Ranking every engine's words by (−count, word) scores them all on the
    # same 30,000 words and the same questions; the vectors are untouched.
    order = sorted(range(len(words)), key=lambda i: (-int(counts[i]), words[i]))
    kv = KeyedVectors(vector_size=vectors.shape[1])
    kv.add_vectors([words[i] for i in order], np.asarray(vectors)[order])
    qw, ws, sl = _eval_files()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        acc, sections = kv.evaluate_word_analogies(str(qw), restrict_vocab=30000)
        ws_r = kv.evaluate_word_pairs(str(ws))
        sl_r = kv.evaluate_word_pairs(str(sl))
    total = next(s for s in sections if s["section"] == "Total accuracy")
    n_q = sum(1 for ln in open(qw, encoding="utf-8") if not ln.startswith(":"))
    kq = (
        kv.most_similar(positive=["king", "woman"], negative=["man"], topn=3)
        if all(w in kv.key_to_index for w in ("king", "man", "woman"))
        else []
    )
    seen = len(total["correct"]) + len(total["incorrect"])
    return {
        "analogy": acc,
        "analogy_coverage": seen / n_q,
        "ws353": float(ws_r[1][0]),
        "simlex": float(sl_r[1][0]),
        "king_man_woman": [w for w, _ in kq],
    }


def _peak_rss_mb(resource_who: str = "RUSAGE_SELF") -> float:
    import resource

    return resource.getrusage(getattr(resource, resource_who)).ru_maxrss / 1024


def run_one(
    engine: str, corpus: str, epochs: int, quality: bool, seed: int = 1, sg: int = 1
) -> dict:
    """Runs inside a child process: one training, timed from the first byte read."""
    PARAMS["seed"] = seed
    PARAMS["sg"] = sg
    from treemem import TreePeak

    with TreePeak() as tree:
        out = _train(engine, corpus, epochs)
    # Worker processes share the matrices: their memory is the tree's PSS, not the sum of
    # their RSS. A single process's own peak RSS is at least its PSS.
    out["tree_pss_mb"] = tree.peak / 2**20
    out["peak_rss_mb"] = max(out["peak_rss_mb"], out["tree_pss_mb"])
    if quality:
        out.update(_quality(*out.pop("_vectors")))
    out.pop("_vectors", None)
    return out


def _train(engine: str, corpus: str, epochs: int) -> dict:
    t0 = time.perf_counter()
    if engine.startswith("ours"):
        sys.path.insert(0, str(ROOT))
        from w2v_gui.core.config import TrainingConfig
        from w2v_gui.core.corpus import Corpus
        from w2v_gui.core.sgns import Trainer
        from w2v_gui.core.vocab import CACHE_OVER_TOKENS, scan

        workers = int(engine[5:-1]) if engine[5:-1].isdigit() else 2
        # OURS_PARAMS='{"batch_words": 512}': this engine's settings beyond gensim's (trials).
        extra = json.loads(os.environ.get("OURS_PARAMS", "{}"))
        cfg = TrainingConfig(epochs=epochs, **{**PARAMS, "workers": workers, **extra})
        # "ours-threads": worker threads instead of processes (as on macOS and Windows).
        # As `w2v train` does: ids of big corpora stay on disk, the scan goes before training.
        sc = scan(Corpus.from_config([corpus], cfg), cache_over=CACHE_OVER_TOKENS)
        vocab, stream = sc.build(cfg.min_count)
        del sc
        t1 = time.perf_counter()
        processes = False if engine == "ours-threads" else None
        trainer = Trainer(cfg, vocab, stream, report_interval=5.0, processes=processes)
        for _ in trainer.run():
            pass
        emb = trainer.snapshot()
        words, vectors, raw = emb.words, emb.vectors, stream.raw_words
        counts = vocab.counts
    else:
        from gensim.models import Word2Vec

        kw = dict(epochs=epochs, **PARAMS)
        if engine == "gensim":
            with open(corpus, encoding="utf-8") as fh:
                sentences = [ln.split() for ln in fh]
            model = Word2Vec(**kw)
            model.build_vocab(sentences)
            t1 = time.perf_counter()
            model.train(sentences, total_examples=model.corpus_count, epochs=epochs)
        else:
            model = Word2Vec(**kw)
            model.build_vocab(corpus_file=corpus)
            t1 = time.perf_counter()
            if engine != "gensim-file-vocab":  # that one: the vocabulary scan alone
                model.train(
                    corpus_file=corpus,
                    total_examples=model.corpus_count,
                    total_words=model.corpus_total_words,
                    epochs=epochs,
                )
        raw = model.corpus_total_words
        words, vectors = model.wv.index_to_key, model.wv.vectors
        counts = [model.wv.get_vecattr(w, "count") for w in words]
    t2 = time.perf_counter()
    out = {
        "engine": engine,
        "epochs": epochs,
        "raw_words": int(raw),
        "vocab": len(words),
        "vocab_s": t1 - t0,
        "train_s": t2 - t1,
        "total_s": t2 - t0,
        "words_per_s": raw * epochs / (t2 - t0),
        "peak_rss_mb": _peak_rss_mb(),
        # The scan's helper process (core/scanpair.py), whose pages are partly the
        # parent's, shared after the fork: an upper bound of what it added.
        "helper_peak_rss_mb": _peak_rss_mb(resource_who="RUSAGE_CHILDREN"),
        "_vectors": (list(words), vectors, counts),
    }
    return out


def spawn(engine: str, corpus: str, epochs: int, quality: bool, seed: int = 1) -> dict:
    sg = PARAMS["sg"]
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}
    cmd = [
        sys.executable,
        __file__,
        "--child",
        engine,
        corpus,
        "--epochs",
        str(epochs),
        "--seed",
        str(seed),
        "--sg",
        str(sg),
    ]
    if quality:
        cmd.append("--quality")
    res = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
    if res.returncode != 0:
        raise RuntimeError(f"{engine} failed:\n{res.stderr[-3000:]}")
    return json.loads(res.stdout.strip().splitlines()[-1])


def tokenize_copy(src: str, dst: Path) -> int:
    sys.path.insert(0, str(ROOT))
    from w2v_gui.core.corpus import Corpus

    n = 0
    # Read through the app's reader (handles .gz etc.), write one sentence per line.
    corpus = Corpus([src])
    with open(dst, "w", encoding="utf-8") as out:
        line: list[str] = []
        for chunk in corpus.iter_chunks():
            for tok in chunk:
                if tok == "\n":
                    if line:
                        out.write(" ".join(line) + "\n")
                        n += len(line)
                    line = []
                else:
                    line.append(tok)
        if line:
            out.write(" ".join(line) + "\n")
            n += len(line)
    return n


NAMES = {
    "ours": "w2v-gui (NumPy)",
    "ours-1w": "w2v-gui, 1 worker",
    "ours-threads": "w2v-gui, 2 worker threads",
    "gensim": "gensim 4.4, iterable",
    "gensim-file": "gensim 4.4, corpus_file",
    "gensim-file-vocab": "gensim 4.4, corpus_file build_vocab only",
}


def markdown_table(args, tokens: int, med: dict, quality: dict) -> str:
    base = med["gensim"]["words_per_s"]
    rows = [
        "| engine | words/s | × gensim iterable | × gensim corpus_file | vocabulary scan | "
        "peak memory (speed run) | analogy (coverage) | WS-353 ρ | SimLex ρ | "
        "peak memory (quality runs) | seeds | queen first |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for e, m in med.items():
        q = quality.get(e)
        qual = (
            (
                f"{q['analogy']:.3f} ({q['analogy_coverage']:.0%}) | {q['ws353']:.3f} | "
                f"{q['simlex']:.3f} | "
                + (f"{q['peak_rss_mb']:.0f} MB" if q["peak_rss_mb"] == q["peak_rss_mb"] else "–")
                + f" | {q['runs']} | "
                f"{q['queen_first']}/{q['runs']}"
            )
            if q
            else "– | – | – | – | – | –"
        )
        file_base = med.get("gensim-file", {}).get("words_per_s")
        vs_file = f"{m['words_per_s'] / file_base:.2f}" if file_base else "–"
        rows.append(
            f"| {NAMES.get(e, e)} | {m['words_per_s'] / 1e3:.0f}k | "
            f"{m['words_per_s'] / base:.2f} | {vs_file} | {m['vocab_s']:.2f} s | "
            f"{m['peak_rss_mb']:.0f} MB | {qual} |"
        )
    return (
        f"Corpus `{Path(args.corpus).name}`, {tokens:,} tokens; "
        f"{'sg' if args.sg else 'CBOW (sg=0, cbow_mean=1)'}, d100, window 5, "
        f"negative 5, sample 1e-3, min_count 5, 2 workers. Speed: median of "
        f"{args.rounds} alternating rounds of {args.speed_epochs} epoch"
        + (f" on the first {args.speed_words / 1e6:g}M words" if args.speed_words else "")
        + ", whole process "
        f"(reading, vocabulary, training). Quality: mean over seeds (column), "
        f"{args.quality_epochs} epochs, scored by gensim's evaluators (analogies restricted "
        f"to the 30,000 most frequent words, ranked by count then alphabetically for every "
        f"engine, so all are scored on the same questions); queen first: runs where "
        f"king − man + woman "
        f"gives queen.\n\n" + "\n".join(rows) + "\n"
    )


def prefix_copy(src: Path, dst: Path, words: int) -> int:
    """The first lines of ``src`` holding about ``words`` words; returns their count."""
    got = 0
    with open(src, encoding="utf-8") as fh, open(dst, "w", encoding="utf-8") as out:
        for ln in fh:
            if got >= words:
                break
            out.write(ln)
            got += len(ln.split())
    return got


def scaled_copies(src: Path, tmp: Path, words: float, small: int = 2_000_000) -> tuple:
    """A ``small``-word prefix of ``src`` and ``src`` repeated (lines shuffled in each copy
    after the first) to about ``words`` words."""
    import random

    lines = src.read_text(encoding="utf-8").splitlines(keepends=True)
    n = sum(len(ln.split()) for ln in lines)
    a, b = tmp / "small.txt", tmp / "big.txt"
    got = 0
    with open(a, "w", encoding="utf-8") as fh:
        for ln in lines:
            if got >= small:
                break
            fh.write(ln)
            got += len(ln.split())
    rng = random.Random(1)
    copies = max(1, round(words / n))
    with open(b, "w", encoding="utf-8") as fh:
        for r in range(copies):
            if r:
                rng.shuffle(lines)
            fh.writelines(lines)
    return a, got, b, n * copies


def corpus_scale(args, corpus: Path, tmp: Path) -> None:
    engines = [e for e in args.engines.split(",")]
    small, n_small, big, n_big = scaled_copies(corpus, tmp, args.corpus_scale)
    load_start = os.getloadavg()
    print(f"small {n_small:,} words, big {n_big:,} words", flush=True)
    runs = []
    for r in range(args.rounds):
        order = engines[r % len(engines) :] + engines[: r % len(engines)]
        for size, path in (("small", small), ("big", big)):
            for e in order:
                res = spawn(e, str(path), 1, False)
                res["size"] = size
                res["train_words_per_s"] = (
                    res["raw_words"] / res["train_s"] if e != "gensim-file-vocab" else float("nan")
                )
                res["load_after"] = os.getloadavg()
                runs.append(res)
                print(
                    f"  round {r + 1} {size:5s} {e:12s} train "
                    f"{res['train_words_per_s'] / 1e3:6.0f}k words/s, whole "
                    f"{res['words_per_s'] / 1e3:6.0f}k, vocab {res['vocab_s']:6.2f}s, "
                    f"peak {res['peak_rss_mb']:5.0f} MB, load after {res['load_after'][0]:.1f}",
                    flush=True,
                )
    rows = [
        "| engine | words | training words/s | big / small | vocabulary scan | peak memory |",
        "|---|---|---|---|---|---|",
    ]
    for e in engines:
        med = {}
        for size in ("small", "big"):
            rs = [x for x in runs if x["engine"] == e and x["size"] == size]
            med[size] = {
                k: statistics.median(x[k] for x in rs)
                for k in ("train_words_per_s", "vocab_s", "peak_rss_mb", "raw_words")
            }
        for size in ("small", "big"):
            m = med[size]
            ratio = m["train_words_per_s"] / med["small"]["train_words_per_s"]
            rows.append(
                f"| {NAMES.get(e, e)} | {m['raw_words'] / 1e6:.1f}M | "
                f"{m['train_words_per_s'] / 1e3:.0f}k | {ratio:.2f} | {m['vocab_s']:.1f} s | "
                f"{m['peak_rss_mb']:.0f} MB |"
            )
    table = (
        f"Corpus `{Path(args.corpus).name}`: a {n_small / 1e6:.1f}M-word prefix and the text "
        f"repeated to {n_big / 1e6:.1f}M words (lines shuffled in each copy); 1 epoch, "
        f"median of {args.rounds} round(s), 2 workers, default settings.\n\n"
        + "\n".join(rows)
        + f"\n\nLoad average (1, 5, 15 min; 2 shared cores) at the start "
        f"{', '.join(f'{x:.1f}' for x in load_start)}, at the end "
        f"{', '.join(f'{x:.1f}' for x in os.getloadavg())}; after each run in the JSON.\n"
    )
    print("\n" + table)
    if args.markdown:
        Path(args.markdown).write_text(table)
    if args.json:
        Path(args.json).write_text(
            json.dumps(
                {"corpus": args.corpus, "command": " ".join(sys.argv), "runs": runs}, indent=1
            )
        )


def merge(args) -> None:
    """One table from several --json files: speed medians from those that have them,
    quality from those that have it."""
    med, quality, tokens, notes = {}, {}, 0, []
    for path in args.merge:
        data = json.loads(Path(path).read_text())
        tokens = max(tokens, data["tokens"])
        med.update(data.get("median") or {})
        quality.update(data.get("quality") or {})
        notes.append(data.get("note", ""))
    med = {e: med[e] for e in sorted(med, key=lambda e: ENGINE_ORDER.index(e))}
    text = markdown_table(args, tokens, med, quality)
    Path(args.markdown).write_text(text + "\n" + "\n".join(n for n in notes if n) + "\n")
    print(text)


ENGINE_ORDER = ["ours", "ours-1w", "ours-threads", "gensim", "gensim-file", "ours-4w", "ours-8w"]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("corpus")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--speed-epochs", type=int, default=1)
    ap.add_argument("--quality-epochs", type=int, default=3)
    ap.add_argument("--engines", default=",".join(ENGINES))
    ap.add_argument("--no-quality", action="store_true")
    ap.add_argument("--json", help="write all runs here")
    ap.add_argument("--markdown", help="write the summary table here (for the README)")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    ap.add_argument("--epochs", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--quality", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--seed", type=int, default=1, help=argparse.SUPPRESS)
    ap.add_argument("--sg", type=int, default=1, choices=(0, 1), help="0: CBOW (both engines)")
    ap.add_argument(
        "--seeds",
        type=int,
        default=3,
        help="quality runs per engine (seeds 1..N); the table shows their mean",
    )
    ap.add_argument(
        "--speed-words", type=float, help="speed rounds on the corpus's first N words only"
    )
    ap.add_argument(
        "--seeds-for",
        default="",
        help="fewer quality seeds for some engines, e.g. ours-1w=1,gensim-file=1",
    )
    ap.add_argument(
        "--corpus-scale",
        type=float,
        help="compare a 2M-word prefix with the text repeated to this many words",
    )
    ap.add_argument(
        "--merge",
        nargs="+",
        help="write one table (--markdown) from the --json files of runs made apart "
        "(speed and quality in parallel processes)",
    )
    args = ap.parse_args()
    if args.merge:
        merge(args)
        return
    PARAMS["sg"] = args.sg
    if args.child:
        print(
            json.dumps(
                run_one(args.child, args.corpus, args.epochs, args.quality, args.seed, args.sg)
            )
        )
        return
    engines = args.engines.split(",")
    load_start = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus.txt"
        n = tokenize_copy(args.corpus, corpus)
        print(f"corpus: {args.corpus} -> {n:,} tokens", flush=True)
        if args.corpus_scale:
            corpus_scale(args, corpus, Path(tmp))
            return
        speed_corpus = corpus
        if args.speed_words:
            speed_corpus = Path(tmp) / "speed.txt"
            n_speed = prefix_copy(corpus, speed_corpus, int(args.speed_words))
            print(f"speed rounds on the first {n_speed:,} words", flush=True)
        runs = []
        for r in range(args.rounds):
            order = engines[r % len(engines) :] + engines[: r % len(engines)]
            for e in order:
                res = spawn(e, str(speed_corpus), args.speed_epochs, False)
                runs.append(res)
                print(
                    f"  round {r + 1} {e:12s} {res['words_per_s'] / 1e3:7.0f}k words/s "
                    f"(vocab {res['vocab_s']:.2f}s, train {res['train_s']:.2f}s, "
                    f"peak {res['peak_rss_mb']:.0f} MB)",
                    flush=True,
                )
        quality = {}
        if not args.no_quality:
            # Hogwild threads make every run differ a little: average over seeds.
            per_seed: dict[str, list[dict]] = {e: [] for e in engines}
            seeds_for = {
                e: int(k) for e, k in (x.split("=") for x in args.seeds_for.split(",") if x)
            }
            for seed in range(1, args.seeds + 1):
                for e in engines:
                    if seed > seeds_for.get(e, args.seeds):
                        continue
                    q = spawn(e, str(corpus), args.quality_epochs, True, seed)
                    per_seed[e].append(q)
                    print(
                        f"  quality {e:12s} seed {seed} analogy {q['analogy']:.3f} (coverage "
                        f"{q['analogy_coverage']:.2f}) ws353 {q['ws353']:.3f} simlex "
                        f"{q['simlex']:.3f} king-man+woman {q['king_man_woman']}",
                        flush=True,
                    )
            for e, qs in per_seed.items():
                if not qs:
                    continue
                quality[e] = {
                    k: statistics.mean(q[k] for q in qs)
                    for k in ("analogy", "analogy_coverage", "ws353", "simlex", "peak_rss_mb")
                }
                quality[e]["queen_first"] = sum(q["king_man_woman"][:1] == ["queen"] for q in qs)
                quality[e]["runs"] = len(qs)
                print(
                    f"  mean    {e:12s} analogy {quality[e]['analogy']:.3f} ws353 "
                    f"{quality[e]['ws353']:.3f} simlex {quality[e]['simlex']:.3f} "
                    f"queen first {quality[e]['queen_first']}/{len(qs)}",
                    flush=True,
                )
    med = {
        e: {
            k: statistics.median(x[k] for x in runs if x["engine"] == e)
            for k in ("words_per_s", "vocab_s", "train_s", "peak_rss_mb")
        }
        for e in engines
        if any(x["engine"] == e for x in runs)
    }
    print(f"\nmedian of {args.rounds} rounds, {args.speed_epochs} epoch(s), workers=2:")
    base = med.get("gensim", {}).get("words_per_s")
    for e in med:
        m = med[e]
        ratio = f"{m['words_per_s'] / base:.2f}x gensim" if base else ""
        print(
            f"  {e:12s} {m['words_per_s'] / 1e3:7.0f}k words/s  {ratio:16s} vocab "
            f"{m['vocab_s']:.2f}s  peak {m['peak_rss_mb']:.0f} MB"
        )
    if "ours" in med and "gensim-file" in med:
        print(
            f"  ours / gensim corpus_file: "
            f"{med['ours']['words_per_s'] / med['gensim-file']['words_per_s']:.2f}x"
        )
    if args.markdown and "gensim" in med:
        load = f"{load_start:.1f} at the start, {os.getloadavg()[0]:.1f} at the end"
        Path(args.markdown).write_text(
            markdown_table(args, n, med, quality)
            + f"\nMachine load (1-minute average, 2 cores, shared): {load}.\n"
        )
    if args.json:
        Path(args.json).write_text(
            json.dumps(
                {
                    "corpus": args.corpus,
                    "command": " ".join(sys.argv),
                    "note": f"`{' '.join(sys.argv)}`: machine load (1-minute average, 2 "
                    f"shared cores) {load_start:.1f} at the start, "
                    f"{os.getloadavg()[0]:.1f} at the end.",
                    "tokens": n,
                    "runs": runs,
                    "median": med,
                    "quality": quality,
                },
                indent=1,
            )
        )


if __name__ == "__main__":
    main()
