"""GloVe's text format: a word and its numbers per line, no header (``glove.6B.100d.txt``).

The numbers are the last ``dimensions`` fields of a line and the word is everything
before them, so words containing spaces or non-breaking spaces survive (the Common
Crawl GloVe releases have such words; a reader that takes the first field as the word
misreads them). The number of dimensions is what most of the first 100 lines agree on,
so that a word which itself ends in a number ("top 10") cannot mislead it.

gensim reads these files with ``load_word2vec_format(path, no_header=True)`` (when no
word contains a space) and converts them with ``glove2word2vec``.
"""

from __future__ import annotations

import os
from collections import Counter
from typing import Any

import numpy as np

from w2v_gui.core.errors import FormatError
from w2v_gui.core.formats import atomic_write, open_regular
from w2v_gui.core.formats._common import (
    LAST,
    Progress,
    Rows,
    TextBlockParser,
    blocks,
    check_finite,
    check_options,
    encode_words,
    estimate_rows,
    file_size,
    finish,
    parse_dtype,
    write_text_records,
)
from w2v_gui.core.vectors import Embeddings

_BOM = b"\xef\xbb\xbf"
_SNIFF_LINES = 100


def load(
    path: str | os.PathLike[str],
    *,
    limit: int | None = None,
    dtype: Any = np.float32,
    vector_size: int | None = None,
    encoding: str = "utf-8",
    unicode_errors: str = "replace",
    progress: Progress | None = None,
) -> Embeddings:
    """Read a GloVe text file.

    Parameters
    ----------
    path : path-like
    limit : int, optional
        Read at most this many vectors (the first ones).
    dtype : float dtype
        Round values through this type (e.g. np.float16); Embeddings store float32.
    vector_size : int, optional
        Numbers per line; inferred from the first lines when omitted.
    encoding, unicode_errors
        How word bytes are decoded; by default invalid bytes become U+FFFD.
    progress : callable, optional
        ``progress(bytes_done, bytes_total)``, called every few MB and at the end.

    Raises
    ------
    FormatError
        Empty file, a first line that is not a word followed by numbers, a line with
        too few or too many numbers or a field that is not a number (names the line and
        byte offset), a line over 32 MB, a value that is NaN or infinite (names the
        vector), a pipe or device instead of a file.

    Warns
    -----
    DuplicateWordWarning
        If a word occurs more than once; its first vector is kept.
    """
    dt = check_options(limit, dtype, encoding, unicode_errors)
    if vector_size is not None and (not isinstance(vector_size, int) or vector_size < 1):
        raise ValueError(f"vector_size must be a whole number >= 1, got {vector_size!r}")
    with open_regular(path) as f:
        size = file_size(f)
        start = len(_BOM) if f.read(len(_BOM)) == _BOM else 0
        f.seek(start)
        parser: TextBlockParser | None = None
        words: list[str] = []
        rows: Rows | None = None
        for offset, block in blocks(f, size, start, progress, path=path):
            if parser is None:
                dim = vector_size or _infer_dim(block, path, offset)
                parser = TextBlockParser(
                    path, dim, LAST, b" ", parse_dtype(dt), encoding, unicode_errors
                )
            want = None if limit is None else limit - len(words)
            if want == 0:
                break
            w, v = parser.parse(offset, block, want)
            if rows is None:
                rows = Rows(parser.dim, parser.dtype, estimate_rows(block, len(w), size, limit))
            words += w
            rows.add(v)
    if parser is None:
        raise FormatError(
            "the file is empty: a GloVe file has a word and its numbers on each line", path, 0
        )
    if progress is not None:
        progress(size, size)
    vectors = rows.result() if rows is not None else np.empty((0, parser.dim), np.float32)
    check_finite(vectors, path, words, dt)
    return finish(words, vectors, dt, path, what="line")


def save(
    emb: Embeddings, path: str | os.PathLike[str], *, progress: Progress | None = None
) -> None:
    """Write ``emb`` as a GloVe text file, atomically.

    Values get 9 significant digits, which read back to the same float32 bit for bit.
    ``progress(vectors_written, vectors_total)`` as for :func:`core.formats.word2vec.save`.

    Raises
    ------
    FormatError
        If a word is empty or contains a line break.
    """
    encoded = encode_words(
        emb.words,
        path,
        lambda b: not b.strip() or b"\n" in b or b"\r" in b,
        "is blank or contains a line break, which the GloVe format cannot store",
    )
    with atomic_write(path, "wb") as f:
        write_text_records(f, encoded, emb.vectors, progress)


def sniff(head: bytes) -> bool:
    """True if ``head`` (the first bytes of a file) looks like GloVe text.

    Most of its first lines end in the same number (>= 1) of numeric fields, and the
    first line is not a word2vec header ``<count> <dimensions>``.
    """
    head = head.removeprefix(_BOM)
    lines = head.split(b"\n")
    if len(lines) > 1:
        lines.pop()  # possibly cut off
    lines = [ln for ln in lines if ln.strip()][:_SNIFF_LINES]
    if not lines:
        return False
    first = lines[0].split()
    if len(first) == 2 and all(x.isdigit() for x in first):
        return False
    counts = [_trailing_numbers(ln) for ln in lines]
    dim, agree = Counter(counts).most_common(1)[0]
    return dim >= 1 and 2 * agree >= len(counts)


def _trailing_numbers(line: bytes) -> int:
    """How many whitespace-separated fields at the end of ``line`` are numbers, leaving
    at least one field for the word."""
    fields = line.split()
    k = 0
    for tok in reversed(fields[1:]):
        try:
            float(tok)
        except ValueError:
            break
        k += 1
    return k


def _infer_dim(block: bytes, path: Any, offset: int) -> int:
    lines = []
    for ln in block.split(b"\n"):
        if ln.strip():
            lines.append(ln)
            if len(lines) == _SNIFF_LINES:
                break
    counts = [_trailing_numbers(ln) for ln in lines]
    dim = Counter(counts).most_common(1)[0][0] if counts else 0
    if dim < 1:
        shown = lines[0][:60].decode("utf-8", "replace") if lines else ""
        raise FormatError(
            f"not a GloVe file: expected a word followed by numbers on each line, found {shown!r}",
            path,
            offset,
        )
    return dim
