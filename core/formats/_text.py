"""The text-record parser GloVe, word2vec text and the projector's vectors.tsv share.

Each block's numbers are parsed by one NumPy call when the lines are regular (single
separators, the expected count per line); otherwise line by line, which also finds the
line to name in the error.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from w2v_gui.core.errors import FormatError

# Word rules for text records.
FIRST = "first"  # the word is everything before the first space (word2vec text)
LAST = "last"  # the numbers are the last `dim` fields; the word is the rest (GloVe)
NONE = "none"  # no word: the line is all numbers (projector vectors.tsv)


def shorten(text: str, limit: int = 60) -> str:
    """``text`` cut to ``limit`` characters for a message (a bad line can be megabytes)."""
    return text if len(text) <= limit else text[:limit] + f"… ({len(text):,} characters)"


class TextBlockParser:
    """Parses blocks of text records ``word n1 n2 ... n_dim`` (or bare numbers).

    Parameters
    ----------
    dim : int
        Numbers per record.
    rule : {FIRST, LAST, NONE}
        Where the word is (see the module constants).
    sep : bytes
        The separator the regular fast path expects between numbers (b" " or b"\\t").
    dtype : np.dtype
        Parse numbers into this type (see :func:`parse_dtype`).
    """

    def __init__(
        self,
        path: Any,
        dim: int,
        rule: str,
        sep: bytes,
        dtype: np.dtype,
        encoding: str,
        unicode_errors: str,
    ):
        self.path, self.dim, self.rule, self.sep = path, dim, rule, sep
        self.dtype, self.encoding, self.errors = dtype, encoding, unicode_errors
        self.line = 1  # number of the first line of the next block (1-based)

    def parse(self, offset: int, block: bytes, want: int | None) -> tuple[list[str], np.ndarray]:
        """Records of one block: at most ``want`` of them (None: all)."""
        lines = block.split(b"\n")
        if lines and not lines[-1]:
            lines.pop()  # the block ended with a newline
        first_line = self.line
        self.line += len(lines)
        recs = [ln.rstrip() for ln in lines]  # also drops the "\r" of CRLF, trailing spaces
        idx: list[int] | range = range(len(recs))
        if not all(recs):
            idx = [i for i, r in enumerate(recs) if r]
            recs = [recs[i] for i in idx]
        if want is not None and len(recs) > want:
            recs, idx = recs[:want], idx[:want]
        if not recs:
            return [], np.empty((0, self.dim), dtype=self.dtype)
        where = _Where(self.path, block, offset, first_line, idx)
        words, values = self._fast(recs)
        if values is None:
            words, values = self._slow(recs, where)
        return self._decode(words, where), values

    # -- the regular case: one NumPy call for all numbers of the block --------------

    def _fast(self, recs: list[bytes]) -> tuple[list[bytes], np.ndarray | None]:
        dim, sep = self.dim, self.sep
        words: list[bytes] = []
        if self.rule == NONE:
            rests = recs
            if any(r.count(sep) != dim - 1 for r in rests):
                return words, None
        else:
            parts = [r.partition(sep) for r in recs]
            words = [p[0] for p in parts]
            rests = [p[2] for p in parts]
            want = dim - 1
            for i, rest in enumerate(rests):
                have = rest.count(sep)
                if have == want and words[i]:
                    continue
                if self.rule == LAST and have > want:
                    # The word itself contains spaces: the numbers are the last dim fields.
                    word = recs[i].rsplit(sep, dim)[0]
                    words[i], rests[i] = word, recs[i][len(word) + 1 :]
                    if word and not _numbers_in_word(word):
                        continue
                return words, None
        joined = sep.join(rests)
        other = b"\t" if sep == b" " else b" "
        if sep + sep in joined or joined.startswith(sep) or other in joined:
            return words, None
        try:
            values = np.fromstring(joined, dtype=self.dtype, sep=sep.decode())
        except (ValueError, DeprecationWarning):  # NumPy < 2 warns where 2.x raises
            return words, None
        if values.size != len(recs) * dim:
            return words, None
        return words, values.reshape(len(recs), dim)

    # -- anything else: line by line, naming the first bad line ---------------------

    def _slow(self, recs: list[bytes], where: _Where) -> tuple[list[bytes], np.ndarray]:
        dim = self.dim
        words: list[bytes] = []
        tokens: list[list[bytes]] = []
        for i, rec in enumerate(recs):
            if self.rule == NONE:
                word, toks = b"", rec.split()
            elif self.rule == FIRST:
                word, space, rest = rec.partition(b" ")
                if not space or not word:
                    where.fail(i, f"expected a word and {dim} numbers separated by spaces")
                toks = rest.split()
            else:
                # The exact rule where the numbers are single-space separated (the word
                # keeps any spaces, even leading or trailing ones), else any whitespace.
                fields = rec.rsplit(b" ", dim)
                if not (
                    len(fields) == dim + 1
                    and fields[0]
                    and all(t.split() == [t] for t in fields[1:])
                ):
                    fields = rec.rsplit(None, dim)
                    if len(fields) != dim + 1 or not fields[0].strip():
                        where.fail(
                            i,
                            f"expected a word followed by {dim} numbers, found "
                            f"{len(rec.split())} field(s)",
                        )
                word, toks = fields[0], fields[1:]
                extra = _numbers_in_word(word)
                if extra:
                    first = shorten(word.split()[0].decode("utf-8", "replace"))
                    where.fail(
                        i,
                        f"expected a word followed by {dim} numbers, found {dim + extra} "
                        f"numbers after {first!r}",
                    )
            if len(toks) != dim:
                what = "numbers" if self.rule == NONE else "numbers after the word"
                where.fail(i, f"expected {dim} {what}, found {len(toks)}")
            words.append(word)
            tokens.append(toks)
        # Every line has dim tokens of >= 1 byte each, so this is bounded by the block.
        out = np.empty((len(recs), dim), dtype=np.float64)
        for i, toks in enumerate(tokens):
            row = out[i]
            for j, tok in enumerate(toks):
                try:
                    row[j] = float(tok)
                except ValueError:
                    where.fail(i, f"{tok[:40].decode('ascii', 'replace')!r} is not a number")
        with np.errstate(over="ignore"):  # "1e300" is inf in float32, as on the fast path
            return words, out.astype(self.dtype)

    def _decode(self, words: list[bytes], where: _Where) -> list[str]:
        if self.rule == NONE:
            return []
        enc, errors = self.encoding, self.errors
        try:
            return [w.decode(enc, errors) for w in words]
        except UnicodeDecodeError:
            for i, w in enumerate(words):
                try:
                    w.decode(enc, errors)
                except UnicodeDecodeError as exc:
                    where.fail(i, f"the word is not valid {enc}: {exc.reason}")
            raise


def _numbers_in_word(word: bytes) -> int:
    """How many numbers a GloVe word holds after its first field, when there are two or
    more and nothing else: then the line has extra numbers, not a word with spaces
    ("top 10" is a word; "the 0.1 0.2" is a word and two numbers too many)."""
    fields = word.split()
    if len(fields) < 3:
        return 0
    for tok in fields[1:]:
        try:
            float(tok)
        except ValueError:
            return 0
    return len(fields) - 1


class _Where:
    """Turns "record i of this block" into a FormatError naming the line and byte offset."""

    def __init__(
        self, path: Any, block: bytes, offset: int, first_line: int, idx: list[int] | range
    ):
        self.path, self.block, self.offset = path, block, offset
        self.first_line, self.idx = first_line, idx

    def fail(self, i: int, message: str) -> None:
        k = self.idx[i]  # line index within the block
        pos = 0
        for _ in range(k):
            pos = self.block.index(b"\n", pos) + 1
        raise FormatError(f"line {self.first_line + k}: {message}", self.path, self.offset + pos)
