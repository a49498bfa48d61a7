"""``w2v compare``, ``w2v axis`` and ``w2v stability``: models side by side from a terminal.

    w2v compare A B [--topn N] [--shared N] [--min-count N] [--by cosine|overlap] [-k K]
    w2v compare A B --word W [--topn N]
    w2v axis MODEL --pair he she [--pair ...] [--topn N] [--method mean|pca]
    w2v stability MODEL MODEL [MODEL...] [--word W] [-k K] [--words N]

Results go to stdout as tab-separated lines (a spreadsheet takes them as they are); what
is compared (the models' corpora and settings) goes to stderr unless ``-q``. Registered
by :mod:`w2v_gui.core.cli` through :func:`add_commands` and :func:`run`.
"""

from __future__ import annotations

import argparse
import os
from typing import TextIO

from w2v_gui.core.formats import ALIASES, FORMATS

COMMANDS = ("compare", "axis", "stability")
_FORMAT_CHOICES = (*FORMATS, *ALIASES)


def _positive(name: str):
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"{name} must be a whole number, got {text!r}"
            ) from None
        if value < 1:
            raise argparse.ArgumentTypeError(f"{name} must be at least 1, got {value}")
        return value

    return parse


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--from",
        dest="from_format",
        choices=_FORMAT_CHOICES,
        metavar="FMT",
        help="format of the model files (default: from their content and extension)",
    )
    p.add_argument("-q", "--quiet", action="store_true", help="no description on stderr")


def add_commands(sub) -> None:
    """Add this module's subcommands to the ``w2v`` parser's subparsers."""
    from w2v_gui.core.compare import BY, DEFAULT_K, DEFAULT_SHARED

    c = sub.add_parser(
        "compare",
        help="words that changed between two models (aligned by Procrustes)",
        description="Rank the words two models share by how much they changed, most "
        "changed first: cosine distance after aligning B to A (0 to 2), or 1 minus the "
        "share of top-k neighbours in common (0 to 1). Neighbours are searched among the "
        "--shared most frequent shared words, which also fix the alignment. Rare words "
        "are noisy: use --min-count.",
    )
    c.add_argument("a", metavar="A", help="the first model (any vector file)")
    c.add_argument("b", metavar="B", help="the second model, aligned to A")
    c.add_argument("--by", choices=BY, default="cosine", help="the change score (default: cosine)")
    c.add_argument(
        "--topn",
        type=_positive("--topn"),
        help="print only the N most changed words (with --word: N neighbours, default 10)",
    )
    c.add_argument(
        "--shared",
        type=_positive("--shared"),
        default=DEFAULT_SHARED,
        metavar="N",
        help=f"align on (and search neighbours among) the N most frequent shared words "
        f"(default: {DEFAULT_SHARED:,})",
    )
    c.add_argument(
        "--min-count",
        type=int,
        default=0,
        metavar="N",
        help="leave out words seen fewer than N times in either model (default: 0)",
    )
    c.add_argument(
        "-k",
        type=_positive("-k"),
        default=DEFAULT_K,
        help=f"neighbours compared by --by overlap (default: {DEFAULT_K})",
    )
    c.add_argument("--word", help="print this word's neighbours in A and in B side by side")
    _common(c)

    a = sub.add_parser("axis", help="words at both ends of an axis made from word pairs")
    a.add_argument("model", help="vector file in any supported format")
    a.add_argument(
        "--pair",
        nargs=2,
        action="append",
        required=True,
        metavar=("X", "Y"),
        help="a pair whose difference X − Y points along the axis; repeat for more pairs",
    )
    a.add_argument("--topn", type=_positive("--topn"), default=10, help="words per end")
    a.add_argument(
        "--method",
        choices=("mean", "pca"),
        default="mean",
        help="mean of the pairs' differences, or their first principal direction",
    )
    a.add_argument(
        "--restrict-vocab",
        type=_positive("--restrict-vocab"),
        metavar="N",
        help="consider only the first N words of the model",
    )
    _common(a)

    s = sub.add_parser(
        "stability",
        help="how stable neighbours are across runs with different seeds",
        description="Given models of one corpus trained with different seeds: the mean "
        "share of top-k neighbours each model has in common with the others, over the "
        "most frequent words; with --word, that word's neighbours and whether they recur "
        "in every run.",
    )
    s.add_argument("models", nargs="+", metavar="MODEL", help="two or more runs' vector files")
    s.add_argument("--word")
    s.add_argument("-k", type=_positive("-k"), default=10, help="neighbours per word")
    s.add_argument(
        "--words",
        type=_positive("--words"),
        default=1000,
        metavar="N",
        help="average over the N most frequent words (default: 1000)",
    )
    _common(s)
    for parser in (c, a, s):
        parser.set_defaults(run=run)


def load_model(path: str, fmt: str | None = None):
    """(Embeddings, ModelInfo) of a file in any format; native files say what made them."""
    from w2v_gui.core.formats import detect_format, format_name, load_embeddings, native
    from w2v_gui.core.provenance import ModelInfo

    if not os.path.exists(path):
        raise FileNotFoundError(f"{path}: no such file")
    fmt = format_name(fmt) if fmt else detect_format(path)
    name = os.path.basename(path)
    if fmt == "native":
        model = native.load(path)
        return model.embeddings, ModelInfo.from_native(name, model)
    return load_embeddings(path, format=fmt), ModelInfo(name)


def run(args, out: TextIO, err: TextIO) -> int:
    """Run one of :data:`COMMANDS` (errors propagate to :func:`w2v_gui.core.cli.main`)."""
    if args.command == "compare":
        return _compare(args, out, err)
    if args.command == "axis":
        return _axis(args, out, err)
    return _stability(args, out, err)


def _compare(args, out: TextIO, err: TextIO) -> int:
    from w2v_gui.core.compare import align
    from w2v_gui.core.provenance import comparison_note

    if args.min_count < 0:
        raise ValueError(f"--min-count must be 0 or more, got {args.min_count}")
    emb_a, info_a = load_model(args.a, args.from_format)
    emb_b, info_b = load_model(args.b, args.from_format)
    al = align(emb_a, emb_b, shared=args.shared, min_count=args.min_count)
    if not args.quiet:
        err.write(comparison_note(info_a, info_b) + "\n")
        err.write(f"{len(al.words):,} shared words; aligned on the {al.anchors:,} most frequent\n")
    if args.word is not None:
        nb = al.word_neighbours(args.word, args.topn or 10)
        out.write(f"A: {info_a.name}\tcosine\tB: {info_b.name}\tcosine\n")
        mark = lambda w: w + " *" if w in nb.common else w  # noqa: E731
        for i in range(max(len(nb.a), len(nb.b))):
            left = f"{mark(nb.a[i][0])}\t{nb.a[i][1]:.4f}" if i < len(nb.a) else "\t"
            right = f"{mark(nb.b[i][0])}\t{nb.b[i][1]:.4f}" if i < len(nb.b) else "\t"
            out.write(f"{left}\t{right}\n")
        if not args.quiet:
            moved = nb.cosine_distance
            moved = "" if moved is None else f"; cosine distance after alignment {moved:.4f}"
            err.write(f"* in both lists ({len(nb.common)} of {len(nb.a)}){moved}\n")
        return 0
    for word, score in al.ranked(args.by, args.k)[: args.topn]:
        out.write(f"{word}\t{score:.6f}\n")
    return 0


def _axis(args, out: TextIO, err: TextIO) -> int:
    from w2v_gui.core.axes import axis, extremes

    emb, info = load_model(args.model, args.from_format)
    pairs = [tuple(p) for p in args.pair]
    direction = axis(emb, pairs, args.method)
    pos, neg = extremes(
        emb,
        direction,
        args.topn,
        restrict_vocab=args.restrict_vocab,
        exclude=[w for p in pairs for w in p],
    )
    if not args.quiet:
        err.write(f"{info.summary()}\n")
    first = ", ".join(x for x, _ in pairs)
    second = ", ".join(y for _, y in pairs)
    out.write(f"# {first} end\n")
    for word, score in pos:
        out.write(f"{word}\t{score:.6f}\n")
    out.write(f"# {second} end\n")
    for word, score in neg:
        out.write(f"{word}\t{score:.6f}\n")
    return 0


def _stability(args, out: TextIO, err: TextIO) -> int:
    from w2v_gui.core.stability import Stability

    if len(args.models) < 2:
        raise ValueError("stability needs at least 2 models (runs with different seeds)")
    loaded = [load_model(p, args.from_format) for p in args.models]
    st = Stability([emb for emb, _ in loaded])
    if not args.quiet:
        for _, info in loaded:
            err.write(info.summary() + "\n")
    if args.word is not None:
        recurring = set(st.recurring(args.word, args.k))
        ids = st.neighbour_ids([st.position(args.word)], args.k)[0][0]
        for i in ids.tolist():
            w = st.words[i]
            out.write(f"{w}\t{'every run' if w in recurring else 'not in every run'}\n")
        if not args.quiet:
            err.write(f"{len(recurring)} of {args.k} neighbours recur in all {len(loaded)} runs\n")
        return 0
    report = st.report(args.k, args.words)
    for (_, info), value in zip(loaded, report.per_model.tolist(), strict=True):
        out.write(f"{info.name}\t{value:.4f}\n")
    if not args.quiet:
        err.write(
            f"mean top-{report.k} overlap with the other runs over the {report.words:,} "
            f"most frequent words (1 = all runs agree)\n"
        )
    return 0
