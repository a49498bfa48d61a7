"""The ``w2v`` command: train, query and inspect word vectors from a terminal.

    w2v train CORPUS [CORPUS...] -o OUT [--vector-size N --window N ...]
    w2v similar MODEL WORD [--topn N]
    w2v analogy MODEL A B C [--topn N] [--method add|mul]     (B − A + C)

Bad input gives one line on stderr and exit status 2, never a traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
import time
from collections.abc import Sequence
from typing import TextIO

from .config import TrainingConfig
from .errors import W2VError

EXIT_USAGE = 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, exit 2 (argparse's convention)
        self.exit(EXIT_USAGE, f"w2v: {message}\n")


def _add_config_options(p: argparse.ArgumentParser) -> None:
    """One option per TrainingConfig field; defaults and help come from the config."""
    for info in TrainingConfig.field_info():
        flag = "--" + info.name.replace("_", "-")
        if info.kind is bool:
            p.add_argument(flag, dest=info.name, action=argparse.BooleanOptionalAction,
                           default=None, help=f"{info.help} (default: {info.default})")
            continue
        kind = {int: int, float: float, str: str}[info.kind]
        rng = f" [{info.lo:g}–{info.hi:g}]" if info.lo is not None else ""
        p.add_argument(flag, dest=info.name, type=kind, default=None, metavar="N"
                       if kind is not str else "TEXT",
                       help=f"{info.help}{rng} (default: {info.default})")


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="w2v", description="Train word2vec (skip-gram, negative sampling) and "
                "query word vectors.")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)
    t = sub.add_parser("train", help="train vectors on text files or folders")
    t.add_argument("corpus", nargs="+", help="text files or folders (.txt .gz .bz2 .xz .zip)")
    t.add_argument("-o", "--output", required=True,
                   help="output file; the extension picks the format: .npz (native model), "
                        ".bin (word2vec binary), .txt or .vec (word2vec text)")
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
    a.add_argument("--method", choices=("add", "mul"), default="add",
                   help="add: 3CosAdd (most_similar); mul: 3CosMul (most_similar_cosmul)")
    return p


def _format_seconds(s: float | None) -> str:
    if s is None or s != s or s == float("inf"):
        return "--:--"
    s = int(round(s))
    return f"{s // 3600}:{s // 60 % 60:02d}:{s % 60:02d}" if s >= 3600 else f"{s // 60}:{s % 60:02d}"


def progress_line(rec, width: int = 30) -> str:
    """One line of progress: bar, percent, epoch, words/s, loss, lr, ETA."""
    filled = int(width * rec.fraction)
    bar = "#" * filled + "-" * (width - filled)
    return (f"[{bar}] {rec.fraction * 100:5.1f}%  epoch {rec.epoch}/{rec.epochs}  "
            f"{rec.words_per_sec / 1e3:6.0f}k words/s  loss {rec.loss:6.4f}  lr {rec.lr:.5f}  "
            f"ETA {_format_seconds(rec.eta)}")


def _train(args, err: TextIO) -> int:
    from .corpus import Corpus
    from .formats import native, save_embeddings
    from .sgns import Trainer
    from .vocab import scan

    values = {k: getattr(args, k) for k in TrainingConfig.__dataclass_fields__
              if getattr(args, k, None) is not None}
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
    sc = scan(corpus, read_progress)
    vocab, stream = sc.build(config.min_count, config.max_vocab_size)
    if not args.quiet:
        bad = f", {sc.stats.invalid_bytes} invalid bytes replaced" if sc.stats.invalid_bytes else ""
        err.write(f"\r{sc.raw_words:,} words, vocabulary {len(vocab):,} at min_count "
                  f"{config.min_count} ({time.perf_counter() - t0:.1f}s{bad})\n")
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
        native.save(out, emb, context=trainer.context_snapshot(), config=config,
                    state=trainer.state())
    else:
        save_embeddings(emb, out)
    if not args.quiet:
        err.write(f"saved {len(emb):,} vectors of {config.vector_size} dimensions to {out} "
                  f"({rec.elapsed:.1f}s training)\n")
    return 0


def _print_results(results, out: TextIO) -> None:
    for word, score in results:
        out.write(f"{word}\t{score:.6f}\n")


def main(argv: Sequence[str] | None = None, out: TextIO | None = None,
         err: TextIO | None = None) -> int:
    out = out or sys.stdout
    err = err or sys.stderr
    args = build_parser().parse_args(argv)
    try:
        if args.command == "train":
            return _train(args, err)
        from .formats import load_embeddings
        if args.topn < 1:
            raise ValueError(f"--topn must be at least 1, got {args.topn}")
        if not os.path.exists(args.model):
            raise FileNotFoundError(f"{args.model}: no such file")
        emb = load_embeddings(args.model)
        if args.command == "similar":
            _print_results(emb.most_similar(args.word, topn=args.topn), out)
        else:
            query = emb.most_similar if args.method == "add" else emb.most_similar_cosmul
            _print_results(query(positive=[args.b, args.c], negative=[args.a], topn=args.topn),
                           out)
        return 0
    except (W2VError, ValueError, OSError) as exc:
        msg = str(exc) if not isinstance(exc, OSError) or not exc.filename else \
            f"{exc.filename}: {exc.strerror}"
        err.write(f"w2v: {msg}\n")
        return EXIT_USAGE


if __name__ == "__main__":
    sys.exit(main())
