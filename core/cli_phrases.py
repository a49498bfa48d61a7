"""``w2v phrases``: join collocations in a corpus and write the phrased text.

    w2v phrases CORPUS [CORPUS...] -o OUT.txt [--passes N] [--min-count N]
                [--threshold X] [--scoring default|npmi] [--connectors] [--top N]

Like word2vec.c's ``word2phrase``: one output line per input line, tokens separated by
spaces, phrases joined with ``_``; the top phrases (count, score) go to stderr. Scoring
is gensim's (see :mod:`w2v_gui.core.phrases`). ``w2v train --phrases N`` joins phrases the
same way before training.
"""

from __future__ import annotations

import time
from typing import TextIO

from w2v_gui.core.config import TrainingConfig

_DEFAULTS = {f.name: f.default for f in TrainingConfig.__dataclass_fields__.values()}


COMMANDS = ("phrases",)


def add_commands(sub) -> None:
    """Add the ``phrases`` command to the ``w2v`` sub-command parsers ``sub``."""
    p = sub.add_parser(
        "phrases",
        help="join frequent word pairs (new york -> new_york) and write the text",
        description="Detect collocations as gensim's Phrases does and write the text with "
        "them joined by '_', one output line per input line (as word2phrase). The top "
        "phrases, with their counts and scores, are printed on stderr.",
    )
    p.add_argument("corpus", nargs="+", help="text files or folders (.txt .gz .bz2 .xz .zip)")
    p.add_argument("-o", "--output", required=True, help="the phrased text (UTF-8)")
    p.add_argument(
        "--passes",
        type=int,
        default=1,
        metavar="N",
        help="rounds of joining; 2 also forms three- and four-word phrases (default: 1)",
    )
    p.add_argument(
        "--min-count",
        type=int,
        default=_DEFAULTS["phrase_min_count"],
        metavar="N",
        help=f"pairs seen fewer times never join (default: {_DEFAULTS['phrase_min_count']})",
    )
    p.add_argument(
        "--threshold",
        type=float,
        default=None,
        metavar="X",
        help="join when the score exceeds this (default: 10 for default scoring, 0.5 for npmi)",
    )
    p.add_argument("--scoring", choices=("default", "npmi"), default="default")
    p.add_argument(
        "--connectors",
        action="store_true",
        help="allow English connector words inside phrases (bank_of_america)",
    )
    p.add_argument("--top", type=int, default=20, metavar="N", help="phrases shown (default: 20)")
    p.add_argument("--no-lowercase", dest="lowercase", action="store_false", help="keep case")
    p.add_argument("-q", "--quiet", action="store_true", help="no report on stderr")
    p.set_defaults(run=run)


def run(args, out: TextIO, err: TextIO) -> int:
    """Carry out ``w2v phrases``; errors are raised for ``cli.main`` to report."""
    from w2v_gui.core import phrases
    from w2v_gui.core.corpus import Corpus
    from w2v_gui.core.vocab import scan

    threshold = args.threshold
    if threshold is None:
        threshold = 0.5 if args.scoring == "npmi" else _DEFAULTS["phrase_threshold"]
    if args.passes < 1:
        raise ValueError(f"--passes must be at least 1, got {args.passes}")
    phrases.check_settings(args.passes, args.min_count, threshold, args.scoring)
    if args.top < 0:
        raise ValueError(f"--top must be 0 or more, got {args.top}")
    t0 = time.perf_counter()
    sc = scan(Corpus(args.corpus, lowercase=args.lowercase))
    t1 = time.perf_counter()
    connectors = phrases.ENGLISH_CONNECTOR_WORDS if args.connectors else ()
    result = phrases.detect(sc, args.passes, args.min_count, threshold, args.scoring, connectors)
    t2 = time.perf_counter()
    phrases.write_text(result.scan, args.output)
    if not args.quiet:
        report(result, sc.raw_words, err, args.top)
        err.write(
            f"read {sc.raw_words:,} words in {t1 - t0:.1f}s, found phrases in {t2 - t1:.1f}s; "
            f"wrote {result.scan.raw_words:,} tokens to {args.output}\n"
        )
    return 0


def report(result, raw_words: int, err: TextIO, top: int = 20) -> None:
    """The phrase summary line and the ``top`` phrases most often joined, on ``err``."""
    joins = sum(p.formed for p in result.phrases)
    err.write(
        f"{len(result.phrases):,} phrases joined {joins:,} times "
        f"({raw_words:,} tokens -> {result.scan.raw_words:,})\n"
    )
    shown = result.phrases[:top]
    if shown:
        width = max(len(p.text) for p in shown)
        err.write(f"{'phrase':<{width}}  {'joined':>9}  {'count':>9}  {'score':>10}  pass\n")
        for p in shown:
            err.write(
                f"{p.text:<{width}}  {p.formed:>9,}  {p.count:>9,}  {p.score:>10.4g}  {p.pass_no}\n"
            )


def build(sc, config: TrainingConfig, err: TextIO, quiet: bool):
    """Vocabulary and token stream of scan ``sc`` for ``w2v train``: ``config``'s phrases
    joined first (``--phrases N``) and reported on ``err``."""
    if not config.phrases:
        return sc.build(config.min_count, config.max_vocab_size)
    from w2v_gui.core import phrases

    result = phrases.detect_for(sc, config)
    if not quiet:
        err.write("\r")
        report(result, sc.raw_words, err, top=10)
    return result.scan.build(config.min_count, config.max_vocab_size)


def analogy_files(args, emb) -> list:
    """The analogy files ``w2v evaluate`` runs: the one given, else the bundled Google set
    (unless only --pairs were given), and word2vec.c's phrase analogies beside it when the
    model holds phrase tokens."""
    from w2v_gui.core.evaluate import (
        ANALOGY_RESTRICT,
        BUNDLED_ANALOGIES,
        BUNDLED_PHRASE_ANALOGIES,
    )

    if args.analogies or args.pairs:
        return [args.analogies] if args.analogies else []
    files = [BUNDLED_ANALOGIES]
    if any("_" in w for w in emb.words[:ANALOGY_RESTRICT]):
        files.append(BUNDLED_PHRASE_ANALOGIES)
    return files
