"""Text chunks to provisional word ids, fast for the default token pattern.

The reference is ``regex.findall(text)`` (a token, or ``NEWLINE``) and one dictionary
look-up per token. For a token pattern in :data:`SPLITTABLE` the same ids come from
splitting the text at whitespace instead, about 2.5 times faster (the regular expression
took ~75 ms per MB, ``str.split`` ~15): such a pattern never matches whitespace and has
no look-around or anchors, so the tokens of a text are the tokens of its
whitespace-separated pieces, one after the other. Each distinct piece is tokenized by the
regular expression once, when first seen, and remembered with its word ids; most pieces
are one word, so a chunk is usually a single NumPy gather.
"""

from __future__ import annotations

import re
import string
from collections import defaultdict
from itertools import compress, islice

import numpy as np

from w2v_gui.core.config import DEFAULT_TOKEN_PATTERN

NEWLINE = "\n"  # as core.corpus.NEWLINE (imported from here there would be a cycle)

# Token patterns whose tokens are the tokens of the whitespace-separated pieces, with the
# ASCII characters a token of theirs may hold (every other ASCII character becomes a
# space before splitting, so "word," and "word" are one piece). The old default (before
# "_"-joined phrases) is here for settings saved with it.
SPLITTABLE = {
    DEFAULT_TOKEN_PATTERN: string.ascii_letters + string.digits + "'_",
    r"[^\W\d_]+(?:['’][^\W\d_]+)*|\d+": string.ascii_letters + string.digits + "'",
}
_MARK = "\x00"  # stands for a line break while splitting (never inside a piece)
# Distinct pieces remembered before the memory is reset (pieces beyond the words
# themselves, e.g. "word's" in text full of apostrophes, or non-ASCII text where
# punctuation stays attached); ~50 bytes each.
_MAX_EXTRA_PIECES = 1 << 19


class TokenIds:
    """Gives each distinct token the next free id, in order of first appearance.

    Parameters
    ----------
    regex : ``NEWLINE`` or a token (:attr:`Corpus.regex <w2v_gui.core.corpus.Corpus.regex>`).
    token_pattern : the token pattern alone; if it is in :data:`SPLITTABLE`, texts are
        split at whitespace, else every text goes through ``regex``.
    """

    def __init__(self, regex: re.Pattern, token_pattern: str) -> None:
        self._regex = regex
        # word -> id; its keys in order are the words. A new word gets the next free id
        # from the factory, so map(ids_of.__getitem__, tokens) stays in C per token.
        self.ids_of: defaultdict[str, int] = defaultdict()
        self.ids_of.default_factory = self.ids_of.__len__
        keep = SPLITTABLE.get(token_pattern)
        self.splits = keep is not None
        if keep is not None:
            # ASCII characters no token holds become spaces; "\n" stays, then _MARK.
            drop = "".join(chr(c) for c in range(128) if chr(c) not in keep + NEWLINE)
            self._ascii_table = str.maketrans(drop, " " * len(drop))
        self._reset_pieces()

    @property
    def words(self) -> list[str]:
        return list(self.ids_of)

    def encode(self, text: str) -> np.ndarray:
        """int32 ids of ``regex.findall(text)``, registering new words."""
        if not self.splits:
            return self._by_regex(text)
        if text.isascii():
            text = text.translate(self._ascii_table)
        elif _MARK in text:
            # NUL is never in a token of these patterns: a space of its own, then.
            text = text.replace(_MARK, " ")
        pieces = text.replace(NEWLINE, " " + _MARK + " ").split()
        known = len(self._pieces)
        # New pieces get the next free piece ids (in C); their words are found below.
        cids = np.fromiter(map(self._pieces.__getitem__, pieces), np.intp, count=len(pieces))
        if len(self._pieces) > known:
            self._add_pieces(len(self._pieces) - known)
        ids = self._single[cids]
        if len(ids) and ids.min() < 0:
            ids = self._expand(cids)
        if len(self._pieces) > len(self.ids_of) + _MAX_EXTRA_PIECES:
            self._reset_pieces()
        return ids

    def _by_regex(self, text: str) -> np.ndarray:
        tokens = self._regex.findall(text)
        return np.fromiter(map(self.ids_of.__getitem__, tokens), np.int32, count=len(tokens))

    # Pieces: a dict piece -> piece id, and per piece id its word ids as a slice of
    # `_flat` (`_first`, `_len`), or `_single` >= 0 when it is exactly one word.

    def _reset_pieces(self) -> None:
        self._pieces: defaultdict[str, int] = defaultdict()
        self._pieces.default_factory = self._pieces.__len__
        # Arrays with room to grow (doubling), filled to _n pieces and _n_flat words.
        self._single = np.zeros(1024, dtype=np.int32)
        self._first = np.zeros(1024, dtype=np.int64)
        self._len = np.zeros(1024, dtype=np.int64)
        self._flat = np.zeros(1024, dtype=np.int32)
        self._n = self._n_flat = 0

    def _add_pieces(self, count: int) -> None:
        """Tokenize the last ``count`` pieces (in the order first seen) and register
        their words, all in one regular-expression pass over the pieces joined by line
        breaks (the tokens of each piece, then a ``NEWLINE`` separator)."""
        new = list(islice(reversed(self._pieces), count))[::-1]
        mark = new.index(_MARK) if _MARK in self._pieces and self._pieces[_MARK] >= self._n else -1
        if mark >= 0:
            new[mark] = NEWLINE  # the line-break piece: one NEWLINE word
        tokens = self._regex.findall(NEWLINE.join(new))
        is_nl = np.fromiter(map(NEWLINE.__eq__, tokens), bool, count=len(tokens))
        separators = np.flatnonzero(is_nl)
        if mark >= 0:
            # The line-break piece's own NEWLINE comes after the `mark` separators before it.
            is_nl[separators[mark]] = False
            separators = np.delete(separators, mark)
        # Words in order of first appearance (see the module's note on order).
        flat = np.fromiter(
            map(self.ids_of.__getitem__, compress(tokens, ~is_nl)),
            np.int32,
            count=len(tokens) - len(separators),
        )
        bounds = np.concatenate([[-1], separators, [len(tokens)]])
        lens = np.diff(bounds) - 1  # tokens per piece
        assert len(lens) == count
        single = np.full(count, -1, dtype=np.int32)
        one = lens == 1
        single[one] = flat[np.cumsum(lens)[one] - 1]
        a, b = self._n, self._n + count
        self._single = _room(self._single, b)
        self._first = _room(self._first, b)
        self._len = _room(self._len, b)
        self._single[a:b] = single
        self._first[a:b] = self._n_flat + np.cumsum(lens) - lens
        self._len[a:b] = lens
        self._flat = _room(self._flat, self._n_flat + len(flat))
        self._flat[self._n_flat : self._n_flat + len(flat)] = flat
        self._n, self._n_flat = b, self._n_flat + len(flat)

    def _expand(self, cids: np.ndarray) -> np.ndarray:
        """Word ids of pieces, some of which hold no word or several."""
        lens = self._len[cids]
        ends = np.cumsum(lens)
        # Position k of the output is word (k - start of its piece) of that piece.
        at = np.arange(ends[-1] if len(ends) else 0) + np.repeat(
            self._first[cids] - ends + lens, lens
        )
        return self._flat[at]


def _room(a: np.ndarray, n: int) -> np.ndarray:
    """``a``, or a copy twice as long, so that it holds at least ``n`` items."""
    if n <= len(a):
        return a
    out = np.zeros(max(n, 2 * len(a)), dtype=a.dtype)
    out[: len(a)] = a
    return out
