"""``w2v similarity`` and ``w2v doesnt-match``: gensim's two other word queries.

    w2v similarity MODEL WORD1 WORD2        cosine of the two words
    w2v doesnt-match MODEL WORD WORD...     the word that fits least with the others

Registered by :data:`w2v_gui.core.cli.EXTRA_COMMANDS`.
"""

from __future__ import annotations

import argparse
from typing import TextIO


def add_commands(sub: argparse._SubParsersAction) -> None:
    """Add the ``similarity`` and ``doesnt-match`` parsers to the ``w2v`` subcommands."""
    from w2v_gui.core.cli import MODEL_HELP, _add_from

    s = sub.add_parser(
        "similarity",
        help="cosine similarity of two words",
        description="Print the cosine similarity of two words (1: same direction, "
        "0: unrelated, -1: opposite), as gensim's similarity().",
    )
    s.add_argument("model", help=MODEL_HELP)
    s.add_argument("word1", help="a word of the model")
    s.add_argument("word2", help="another word of the model")
    _add_from(s)
    s.set_defaults(run=_similarity)
    d = sub.add_parser(
        "doesnt-match",
        help="the word that does not belong with the others",
        description="Print the word furthest from the mean of all the words' directions "
        "(e.g. 'breakfast cereal dinner lunch' gives cereal), as gensim's doesnt_match().",
    )
    d.add_argument("model", help=MODEL_HELP)
    d.add_argument("words", nargs="+", metavar="WORD", help="two or more words of the model")
    _add_from(d)
    d.set_defaults(run=_doesnt_match)


def _similarity(args, out: TextIO, err: TextIO) -> int:
    from w2v_gui.core.cli import _load

    emb = _load(args.model, args.from_format, err)
    out.write(f"{emb.similarity(args.word1, args.word2):.6f}\n")
    return 0


def _doesnt_match(args, out: TextIO, err: TextIO) -> int:
    from w2v_gui.core.cli import _load

    if len(args.words) < 2:
        raise ValueError("doesnt-match needs at least two words")
    emb = _load(args.model, args.from_format, err)
    out.write(f"{emb.doesnt_match(args.words)}\n")
    return 0
