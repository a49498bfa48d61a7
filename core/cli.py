"""The ``w2v`` command: train, query and inspect word vectors from a terminal.

    w2v train CORPUS [CORPUS...] -o OUT [--vector-size N --window N ...]
    w2v similar MODEL WORD [--topn N]
    w2v analogy MODEL A B C [--topn N] [--method add|mul]     (B − A + C)
    w2v convert IN OUT [--from FMT] [--to FMT] [--limit N]
    w2v evaluate MODEL [--analogies FILE] [--pairs FILE...] [--restrict-vocab N]
                       [--method add|mul]

MODEL may be a file in any supported format (word2vec binary or text, fastText .vec,
GloVe, projector vectors.tsv, native .npz); ``--from`` names it where the content and
extension cannot. Bad input gives one line on stderr and exit status 2, never a
traceback; a repeated word in a vector file gives a one-line warning.
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
import time
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TextIO

from w2v_gui.core import prefer_single_threaded_blas

prefer_single_threaded_blas()  # before NumPy is imported below

from w2v_gui.core.config import TrainingConfig  # noqa: E402
from w2v_gui.core.errors import DuplicateWordWarning, W2VError  # noqa: E402
from w2v_gui.core.formats import ALIASES, FORMATS  # noqa: E402

EXIT_USAGE = 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, exit 2 (argparse's convention)
        self.exit(EXIT_USAGE, f"w2v: {message}\n")


def _add_config_options(p: argparse.ArgumentParser) -> None:
    """One option per TrainingConfig field; defaults and help come from the config."""
    for info in TrainingConfig.field_info():
        flag = "--" + info.name.replace("_", "-")
        if info.kind is bool:
            p.add_argument(
                flag,
                dest=info.name,
                action=argparse.BooleanOptionalAction,
                default=None,
                help=f"{info.help} (default: {info.default})",
            )
            continue
        kind = {int: int, float: float, str: str}[info.kind]
        rng = f" [{info.lo:g}–{info.hi:g}]" if info.lo is not None else ""
        p.add_argument(
            flag,
            dest=info.name,
            type=kind,
            default=None,
            metavar="N" if kind is not str else "TEXT",
            help=f"{info.help}{rng} (default: {info.default})",
        )


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="w2v",
        description="Train word2vec (skip-gram, negative sampling) and query word vectors.",
    )
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)
    t = sub.add_parser("train", help="train vectors on text files or folders")
    t.add_argument("corpus", nargs="+", help="text files or folders (.txt .gz .bz2 .xz .zip)")
    t.add_argument(
        "-o",
        "--output",
        required=True,
        help="output file; the extension picks the format: .npz (native model), "
        ".bin (word2vec binary), .txt or .vec (word2vec text)",
    )
    t.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    _add_config_options(t)
    s = sub.add_parser("similar", help="nearest neighbours of a word")
    s.add_argument("model")
    s.add_argument("word")
    s.add_argument("--topn", type=int, default=10)
    a = sub.add_parser("analogy", help="A is to B as C is to ? (B − A + C)")
    a.add_argument("model")
    a.add_argument("a")
    a.add_argument("b")
    a.add_argument("c")
    a.add_argument("--topn", type=int, default=10)
    a.add_argument(
        "--method",
        choices=("add", "mul"),
        default="add",
        help="add: 3CosAdd (most_similar); mul: 3CosMul (most_similar_cosmul)",
    )
    for cmd in (s, a):
        _add_from(cmd)
    c = sub.add_parser("convert", help="convert vectors from one file format to another")
    c.add_argument("input")
    c.add_argument(
        "output",
        help="the extension picks the format unless --to is given: "
        ".bin, .txt/.vec (word2vec text), .tsv (projector, writes the metadata "
        "file beside it), .npz",
    )
    _add_from(c)
    c.add_argument(
        "--to",
        dest="to_format",
        choices=_FORMAT_CHOICES,
        metavar="FMT",
        help=f"output format: {', '.join(_FORMAT_CHOICES)} (GloVe has no "
        f"extension of its own: use --to glove)",
    )
    c.add_argument("--limit", type=int, metavar="N", help="convert only the first N words")
    c.add_argument("-q", "--quiet", action="store_true", help="no summary line")
    e = sub.add_parser(
        "evaluate",
        help="score vectors on word analogies and word similarity",
        description="Score vectors on analogies (accuracy per section, "
        "semantic/syntactic/total, coverage) and word-pair similarity "
        "(Spearman, Pearson, out-of-vocabulary pairs). Without --analogies "
        "and --pairs, the bundled Google analogies, WordSim-353 and "
        "SimLex-999 are used; with either, only the files given.",
    )
    e.add_argument("model")
    _add_from(e)
    e.add_argument(
        "--analogies",
        metavar="FILE",
        help="analogy questions in the Google format (': section' lines, 'a b c d')",
    )
    e.add_argument(
        "--pairs",
        nargs="+",
        metavar="FILE",
        help="word pairs with human scores, tab separated ('#' comments)",
    )
    e.add_argument(
        "--restrict-vocab",
        type=int,
        metavar="N",
        help="use only the first N words of the model; 0 for all (default: "
        "30000 for analogies, 300000 for pairs, as gensim)",
    )
    e.add_argument(
        "--method",
        choices=("add", "mul"),
        default="add",
        help="analogies by 3CosAdd (add, gensim's) or 3CosMul (mul)",
    )
    return p


_FORMAT_CHOICES = (*FORMATS, *ALIASES)


def _add_from(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--from",
        dest="from_format",
        choices=_FORMAT_CHOICES,
        metavar="FMT",
        help=f"format of the model file: {', '.join(_FORMAT_CHOICES)} "
        f"(default: from its content and extension)",
    )


def _format_seconds(s: float | None) -> str:
    if s is None or s != s or s == float("inf"):
        return "--:--"
    s = int(round(s))
    if s >= 3600:
        return f"{s // 3600}:{s // 60 % 60:02d}:{s % 60:02d}"
    return f"{s // 60}:{s % 60:02d}"


def progress_line(rec, width: int = 30) -> str:
    """One line of progress: bar, percent, epoch, words/s, loss, lr, ETA."""
    filled = int(width * rec.fraction)
    bar = "#" * filled + "-" * (width - filled)
    return (
        f"[{bar}] {rec.fraction * 100:5.1f}%  epoch {rec.epoch}/{rec.epochs}  "
        f"{rec.words_per_sec / 1e3:6.0f}k words/s  loss {rec.loss:6.4f}  lr {rec.lr:.5f}  "
        f"ETA {_format_seconds(rec.eta)}"
    )


def _train(args, err: TextIO) -> int:
    from w2v_gui.core.corpus import Corpus
    from w2v_gui.core.formats import native, save_embeddings
    from w2v_gui.core.sgns import Trainer
    from w2v_gui.core.vocab import CACHE_OVER_TOKENS, scan

    values = {
        k: getattr(args, k)
        for k in TrainingConfig.__dataclass_fields__
        if getattr(args, k, None) is not None
    }
    config = TrainingConfig(**values)
    out = args.output
    ext = os.path.splitext(out)[1].lower()
    if ext not in (".npz", ".bin", ".txt", ".vec"):
        raise ValueError(f"output {out!r}: use .npz, .bin, .txt or .vec")
    folder = os.path.dirname(os.path.abspath(out))
    if not os.path.isdir(folder):
        raise ValueError(f"output folder {folder} does not exist")
    corpus = Corpus.from_config(args.corpus, config)
    tty = err.isatty() and not args.quiet

    def read_progress(done: int, total: int) -> None:
        if tty:
            err.write(f"\rreading {done / max(total, 1) * 100:5.1f}%")
            err.flush()

    t0 = time.perf_counter()
    # Big corpora keep their ids on disk (core/tokencache.py): memory stays bounded.
    sc = scan(corpus, read_progress, cache_over=CACHE_OVER_TOKENS)
    vocab, stream = sc.build(config.min_count, config.max_vocab_size)
    if not args.quiet:
        bad = f", {sc.stats.invalid_bytes} invalid bytes replaced" if sc.stats.invalid_bytes else ""
        err.write(
            f"\r{sc.raw_words:,} words, vocabulary {len(vocab):,} at min_count "
            f"{config.min_count} ({time.perf_counter() - t0:.1f}s{bad})\n"
        )
    del sc  # its provisional ids and word list are not needed for training
    trainer = Trainer(config, vocab, stream, report_interval=0.5 if tty else 5.0)
    stop = threading.Event()
    rec = None
    try:
        for rec in trainer.run(stop=stop):
            if not args.quiet:
                err.write(("\r" if tty else "") + progress_line(rec) + ("" if tty else "\n"))
                err.flush()
    except KeyboardInterrupt:
        stop.set()
        err.write("\ninterrupted: nothing was saved\n")
        return 130
    if tty:
        err.write("\n")
    emb = trainer.snapshot()
    if ext == ".npz":
        native.save(
            out, emb, context=trainer.context_snapshot(), config=config, state=trainer.state()
        )
    else:
        save_embeddings(emb, out)
    if not args.quiet:
        err.write(
            f"saved {len(emb):,} vectors of {config.vector_size} dimensions to {out} "
            f"({rec.elapsed:.1f}s training)\n"
        )
    return 0


def _print_results(results, out: TextIO) -> None:
    for word, score in results:
        out.write(f"{word}\t{score:.6f}\n")


def _load(path: str, fmt: str | None, err: TextIO, limit: int | None = None):
    """Load a model of any format, with a progress line on a terminal."""
    from w2v_gui.core.formats import load_embeddings

    if not os.path.exists(path):
        raise FileNotFoundError(f"{path}: no such file")
    progress = None
    if err.isatty():

        def progress(done: int, total: int) -> None:
            err.write(f"\rloading {path}: {done / max(total, 1) * 100:5.1f}%")
            err.flush()

    emb = load_embeddings(path, format=fmt, limit=limit, progress=progress)
    if progress is not None:
        err.write("\r\033[K")
    return emb


def _query(args, out: TextIO, err: TextIO) -> int:
    if args.topn < 1:
        raise ValueError(f"--topn must be at least 1, got {args.topn}")
    emb = _load(args.model, args.from_format, err)
    if args.command == "similar":
        _print_results(emb.most_similar(args.word, topn=args.topn), out)
    else:
        query = emb.most_similar if args.method == "add" else emb.most_similar_cosmul
        _print_results(query(positive=[args.b, args.c], negative=[args.a], topn=args.topn), out)
    return 0


def _convert(args, err: TextIO) -> int:
    from w2v_gui.core.formats import (
        detect_format,
        format_from_extension,
        format_name,
        save_embeddings,
    )

    if args.limit is not None and args.limit < 1:
        raise ValueError(f"--limit must be at least 1, got {args.limit}")
    out = args.output
    to = format_name(args.to_format) if args.to_format else format_from_extension(out)
    if to is None:
        raise ValueError(
            f"output {out!r}: cannot tell the format from the extension; use "
            f".bin, .txt, .vec, .tsv or .npz, or --to FORMAT"
        )
    folder = os.path.dirname(os.path.abspath(out))
    if not os.path.isdir(folder):
        raise ValueError(f"output folder {folder} does not exist")
    if not os.path.exists(args.input):
        raise FileNotFoundError(f"{args.input}: no such file")
    src = format_name(args.from_format) if args.from_format else detect_format(args.input)
    emb = _load(args.input, src, err, limit=args.limit)
    save_embeddings(emb, out, format=to)
    if not args.quiet:
        also = ""
        if to == "projector":
            from w2v_gui.core.formats.projector import metadata_path

            also = f" and {metadata_path(out)}"
        err.write(
            f"converted {len(emb):,} vectors of {emb.vector_size} dimensions from "
            f"{args.input} ({src}) to {out}{also} ({to})\n"
        )
    return 0


def _pct(x: float) -> str:
    return f"{x * 100:6.2f}%"


def _evaluate(args, out: TextIO, err: TextIO) -> int:
    from w2v_gui.core.evaluate import (
        ANALOGY_RESTRICT,
        BUNDLED_ANALOGIES,
        BUNDLED_PAIRS,
        PAIRS_RESTRICT,
        evaluate_analogies,
        evaluate_word_pairs,
    )

    rv = args.restrict_vocab
    if rv is not None and rv < 0:
        raise ValueError(f"--restrict-vocab must be 0 (all words) or more, got {rv}")
    analogies, pairs = args.analogies, args.pairs or []
    if analogies is None and not pairs:
        analogies, pairs = BUNDLED_ANALOGIES, list(BUNDLED_PAIRS)
    for path in ([analogies] if analogies else []) + list(pairs):
        if not os.path.isfile(path):
            raise FileNotFoundError(f"{path}: no such file")
    emb = _load(args.model, args.from_format, err)
    restrict = lambda default: default if rv is None else (rv or None)  # noqa: E731
    out.write(f"{args.model}: {len(emb):,} words x {emb.vector_size} dimensions\n")
    if analogies:
        res = evaluate_analogies(
            emb, analogies, restrict_vocab=restrict(ANALOGY_RESTRICT), method=args.method
        )
        limit = restrict(ANALOGY_RESTRICT)
        out.write(
            f"\nanalogies: {os.path.basename(analogies)} "
            f"({'3CosAdd' if args.method == 'add' else '3CosMul'}, "
            f"{'all' if limit is None else f'first {limit:,}'} words searched)\n"
        )
        width = max([len(name) for name, _, _ in res.sections] + [9])
        out.write(f"{'section':<{width}}  {'correct':>8}  {'attempted':>9}  {'accuracy':>8}\n")
        groups = {"semantic": [0, 0], "syntactic": [0, 0]}
        for name, correct, attempted in res.sections:
            acc = _pct(correct / attempted) if attempted else "     -"
            out.write(f"{name:<{width}}  {correct:>8,}  {attempted:>9,}  {acc:>8}\n")
            g = groups["syntactic" if name.startswith("gram") else "semantic"]
            g[0] += correct
            g[1] += attempted
        out.write("-" * (width + 33) + "\n")
        for name, (correct, attempted) in [*groups.items(), ("total", (res.correct, res.total))]:
            acc = _pct(correct / attempted) if attempted else "     -"
            out.write(f"{name:<{width}}  {correct:>8,}  {attempted:>9,}  {acc:>8}\n")
        out.write(
            f"coverage: {res.total:,} of {res.questions:,} questions attempted "
            f"({_pct(res.coverage).strip()})\n"
        )
    if pairs:
        limit = restrict(PAIRS_RESTRICT)
        out.write(f"\nword pairs ({'all' if limit is None else f'first {limit:,}'} words)\n")
        width = max([len(os.path.basename(p)) for p in pairs] + [4])
        out.write(f"{'file':<{width}}  {'pairs':>6}  {'OOV':>7}  {'Spearman':>8}  {'Pearson':>8}\n")
        for path in pairs:
            r = evaluate_word_pairs(emb, path, restrict_vocab=limit)
            out.write(
                f"{os.path.basename(path):<{width}}  {r.pairs:>6,}  "
                f"{r.oov_ratio:>6.2f}%  {r.spearman:>8.4f}  {r.pearson:>8.4f}\n"
            )
    return 0


@contextmanager
def _warnings_as_lines(err: TextIO) -> Iterator[None]:
    """Our own warnings (a repeated word in a vector file) as one line each on ``err``."""
    caught: list[warnings.WarningMessage] = []
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", DuplicateWordWarning)
            yield
    finally:
        for w in caught:
            if issubclass(w.category, DuplicateWordWarning):
                err.write(f"w2v: warning: {w.message}\n")
            else:  # not ours: hand it on, now that the usual filters are back
                warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)


def main(
    argv: Sequence[str] | None = None, out: TextIO | None = None, err: TextIO | None = None
) -> int:
    out = out or sys.stdout
    err = err or sys.stderr
    args = build_parser().parse_args(argv)
    try:
        with _warnings_as_lines(err):
            if args.command == "train":
                return _train(args, err)
            if args.command == "convert":
                return _convert(args, err)
            if args.command == "evaluate":
                return _evaluate(args, out, err)
            return _query(args, out, err)
    except (W2VError, ValueError, OSError) as exc:
        msg = (
            str(exc)
            if not isinstance(exc, OSError) or not exc.filename
            else f"{exc.filename}: {exc.strerror}"
        )
        err.write(f"w2v: {msg}\n")
        return EXIT_USAGE


if __name__ == "__main__":
    sys.exit(main())
