"""The ``w2v`` command: train, query and inspect word vectors from a terminal.

    w2v train CORPUS [CORPUS...] -o OUT [--vector-size N --window N ...]
    w2v train --resume MODEL.npz [CORPUS...] [-o OUT]          (continue a stopped run)
    w2v similar MODEL WORD [--topn N]
    w2v analogy MODEL A B C [--topn N] [--method add|mul]     (B − A + C)
    w2v similarity MODEL WORD1 WORD2
    w2v doesnt-match MODEL WORD WORD...
    w2v convert IN OUT [--from FMT] [--to FMT] [--limit N]
    w2v evaluate MODEL [--analogies FILE] [--pairs FILE...] [--restrict-vocab N]
                       [--method add|mul]
    w2v compare, w2v axis, w2v stability: models side by side (see cli_compare)
    w2v phrases CORPUS -o OUT.txt [--passes N] [--threshold X] ...  (see cli_phrases)

MODEL may be a file in any supported format (word2vec binary or text, fastText .vec,
GloVe, projector vectors.tsv, native .npz); ``--from`` names it where the content and
extension cannot. Bad input gives one line on stderr and exit status 2, never a
traceback; a repeated word in a vector file gives a one-line warning.
"""

from __future__ import annotations

import argparse
import importlib
import os
import re
import sys
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TextIO

from w2v_gui.core import prefer_single_threaded_blas

prefer_single_threaded_blas()  # before NumPy is imported below

from w2v_gui.core import cli_phrases  # noqa: E402
from w2v_gui.core.cli_progress import load_progress  # noqa: E402
from w2v_gui.core.cli_train import add_arguments as add_train_arguments  # noqa: E402
from w2v_gui.core.config import TrainingConfig, format_bound  # noqa: E402
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
        rng = f" [{format_bound(info.lo)}–{format_bound(info.hi)}]" if info.lo is not None else ""
        text, default = info.help, info.default
        empty = re.search(r"\s*\(empty: ([^)]*)\)", text)
        if empty:  # "empty" means a blank GUI field; on a command line: leave the option out
            text = text[: empty.start()] + text[empty.end() :]
        if default is None:
            default = empty.group(1) if empty else "none"
        p.add_argument(
            flag,
            dest=info.name,
            type=kind,
            default=None,
            metavar="N" if kind is not str else "TEXT",
            help=f"{text}{rng} (default: {default})",
        )


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="w2v",
        description="Train word2vec (skip-gram, negative sampling) and query word vectors.",
    )
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)
    t = sub.add_parser("train", help="train vectors on text files or folders")
    add_train_arguments(t)
    _add_config_options(t)
    s = sub.add_parser("similar", help="nearest neighbours of a word")
    s.add_argument("model", help=MODEL_HELP)
    s.add_argument("word", help="the word whose nearest neighbours (by cosine) are listed")
    s.add_argument("--topn", type=int, default=10, help="how many neighbours (default: 10)")
    a = sub.add_parser(
        "analogy",
        help="A is to B as C is to ? (B − A + C)",
        description="A is to B as C is to ?: the words nearest to B − A + C, e.g. "
        "'w2v analogy model.npz man king woman' for king − man + woman.",
    )
    a.add_argument("model", help=MODEL_HELP)
    a.add_argument("a", metavar="A", help="the word taken away (man in man:king)")
    a.add_argument("b", metavar="B", help="the word it relates to (king in man:king)")
    a.add_argument("c", metavar="C", help="the word the answer relates to as B to A (woman)")
    a.add_argument("--topn", type=int, default=10, help="how many answers (default: 10)")
    a.add_argument(
        "--method",
        choices=("add", "mul"),
        default="add",
        help="add: 3CosAdd (most_similar); mul: 3CosMul (most_similar_cosmul)",
    )
    for cmd in (s, a):
        _add_from(cmd)
    c = sub.add_parser("convert", help="convert vectors from one file format to another")
    c.add_argument("input", help=MODEL_HELP)
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
    e.add_argument("model", help=MODEL_HELP)
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
    for module in EXTRA_COMMANDS:
        importlib.import_module(module).add_commands(sub)
    return p


#: Modules that add subcommands: each has ``add_commands(subparsers)`` and gives every
#: parser it adds ``set_defaults(run=function(args, out, err) -> exit status)``.
EXTRA_COMMANDS = (
    "w2v_gui.core.cli_compare",
    "w2v_gui.core.cli_phrases",
    "w2v_gui.core.cli_queries",
)
MODEL_HELP = (
    "vector file: .npz (native), .bin, .txt/.vec, GloVe text or projector .tsv (see --from)"
)
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
    from w2v_gui.core.cli_train import train

    return train(args, err, progress_line)


def _must_exist(path: str) -> None:
    """OSError naming ``path``: missing, or in a folder one may not enter (not "missing")."""
    try:
        os.stat(path)
    except FileNotFoundError:
        raise FileNotFoundError(f"{path}: no such file") from None
    except PermissionError:
        raise PermissionError(f"{path}: permission denied (for it or a folder above it)") from None


def _print_results(results, out: TextIO) -> None:
    for word, score in results:
        out.write(f"{word}\t{score:.6f}\n")


def _load(path: str, fmt: str | None, err: TextIO, limit: int | None = None, lazy: bool = True):
    """Load a model of any format, with a progress line on a terminal; ``lazy`` (for the
    queries: one process, a few questions) leaves a word2vec binary's vectors in the file."""
    from w2v_gui.core.formats import load_embeddings

    _must_exist(path)
    progress = load_progress(path, err)
    emb = load_embeddings(path, format=fmt, limit=limit, progress=progress, lazy=lazy)
    if progress is not None and err.isatty():
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
        check_writable,
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
    check_writable(out)  # before the (maybe long) load
    _must_exist(args.input)
    src = format_name(args.from_format) if args.from_format else detect_format(args.input)
    emb = _load(args.input, src, err, limit=args.limit, lazy=False)
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
        _must_exist(path)
    emb = _load(args.model, args.from_format, err, lazy=False)
    restrict = lambda default: default if rv is None else (rv or None)  # noqa: E731
    out.write(f"{args.model}: {len(emb):,} words x {emb.vector_size} dimensions\n")
    for analogies in cli_phrases.analogy_files(args, emb):  # + phrase analogies, if it has
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
    parser = build_parser()
    if not (sys.argv[1:] if argv is None else argv):
        parser.print_help(err)  # a bare `w2v` asks what there is, not for an error
        return EXIT_USAGE
    args = parser.parse_args(argv)
    try:
        with _warnings_as_lines(err):
            if hasattr(args, "run"):
                return args.run(args, out, err)
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
