"""The C word2vec tool's vector files, binary and text, as gensim reads and writes them.

Both start with a header line ``"<count> <dimensions>\\n"``. Then, per word:

- binary: the word's UTF-8 bytes, a space, ``dimensions`` little-endian float32 values,
  and (word2vec.c only, not gensim) a newline;
- text: the word, a space, the values as decimal numbers separated by spaces, a newline.

These files carry no counts, so loaded embeddings have zero counts. A repeated word
keeps its first vector and later ones are dropped (gensim does the same) with a
:class:`~w2v_gui.core.errors.DuplicateWordWarning`.

The binary body is parsed by :mod:`~w2v_gui.core.formats.w2v_binary` (windows of the
mapped file, words found and vectors gathered with NumPy: no Python work per word or per
number). The text reader parses the numbers of each block of a few MB in one NumPy call.
Vectors holding NaN or an infinite value are refused, naming the first such vector
(1-based) and its word.
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np

from w2v_gui.core.errors import FormatError
from w2v_gui.core.formats import atomic_write, w2v_binary
from w2v_gui.core.formats._common import (
    FIRST,
    Progress,
    TextBlockParser,
    blocks,
    check_options,
    encode_words,
    file_size,
    finish,
    parse_dtype,
    write_rows,
    write_text_records,
)
from w2v_gui.core.nearest import not_finite, row_norms
from w2v_gui.core.vectors import Embeddings

# Bytes a text-format vector line may contain after the word (numbers, inf, nan).
_NUMBER_BYTES = b"0123456789+-.eEinfatyINFATY \t\r"
_BOM = b"\xef\xbb\xbf"
#: More dimensions than this in a header means a damaged file, not a model (a 64 MB vector).
MAX_DIMENSIONS = 1 << 24


def load(
    path: str | os.PathLike[str],
    *,
    binary: bool | None = None,
    limit: int | None = None,
    dtype: Any = np.float32,
    encoding: str = "utf-8",
    unicode_errors: str = "replace",
    progress: Progress | None = None,
    lazy: bool = False,
) -> Embeddings:
    """Read a word2vec binary or text file (fastText's ``.vec`` is the text format).

    Parameters
    ----------
    path : path-like
    binary : bool, optional
        Binary or text. When omitted, the content decides (a text body is all digits
        and spaces), or the extension (``.bin``) where the content cannot tell.
    limit : int, optional
        Read at most this many vectors (the first ones).
    dtype : float dtype
        Round values through this type, as gensim's ``datatype`` does (e.g. np.float16).
        Embeddings always store float32.
    encoding, unicode_errors
        How word bytes are decoded. The default replaces invalid bytes (word2vec.c can
        cut a multi-byte character in half) with U+FFFD instead of failing.
    progress : callable, optional
        ``progress(bytes_done, bytes_total)``, called every few MB and at the end.
        An exception raised by it stops the load and propagates.
    lazy : bool
        Binary files only: leave the vectors in the mapped file and the words undecoded
        until the whole matrix or every word is asked for (``Embeddings.vectors``,
        ``.words``); queries read the rows from the file. For a process that loads a
        big file for a few queries (``w2v similar``): no matrix is allocated.

    Raises
    ------
    FormatError
        Bad header, truncated file, a header count larger than the vectors present, a
        text line that is not a word followed by ``dimensions`` numbers, or (with
        ``unicode_errors="strict"``) a word that does not decode. The message names the
        file, the byte offset and, for text, the line.

    Warns
    -----
    DuplicateWordWarning
        If a word occurs more than once; its first vector is kept (as gensim does).
    """
    dt = check_options(limit, dtype, encoding, unicode_errors)
    with open(path, "rb") as f:
        size = file_size(f)
        header = f.readline(4096)
        count, dim = _parse_header(header, path)
        start = len(header)
        n = count if limit is None else min(count, limit)
        if binary is None:
            binary = sniff_binary(header + f.read(64 * 1024))
            if binary is None:
                binary = os.path.splitext(os.fspath(path))[1].lower() == ".bin"
            f.seek(start)
        if binary:
            words, vectors, norms = w2v_binary.read(
                f, path, size, start, n, count, dim, encoding, unicode_errors, progress, lazy
            )
        else:
            words, vectors = _read_text(
                f, path, size, start, n, count, dim, dt, encoding, unicode_errors, progress
            )
            norms, bad = row_norms(vectors)
            if bad is not None:
                raise FormatError(not_finite(bad, words[bad]), path)
    if progress is not None:
        progress(size, size)
    if dt == np.float32 and vectors.dtype == np.float32 and not w2v_binary.repeats(words):
        # The lengths computed while reading spare the first query a pass over the matrix.
        return Embeddings(words, vectors, copy=False, norms=norms)
    return finish(words, vectors, dt, path, what="vector")


def save(
    emb: Embeddings, path: str | os.PathLike[str], *, binary: bool, progress: Progress | None = None
) -> None:
    """Write ``emb`` as a word2vec binary (gensim layout) or text file, atomically.

    Text values are written with 9 significant digits, which reads back to the same
    float32 bit for bit.

    ``progress(vectors_written, vectors_total)`` is called before the first vector and
    after every few MB; an exception it raises stops the save, removes the unfinished
    file and leaves any old file at ``path`` as it was.

    Raises
    ------
    FormatError
        If a word is empty or contains a space or line break (the format cannot hold it).
    """
    encoded = encode_words(
        emb.words,
        path,
        lambda b: not b or b" " in b or b"\n" in b or b"\r" in b,
        "is empty or contains a space or line break, which the word2vec format cannot store",
    )
    vectors = emb.vectors
    n, dim = vectors.shape
    with atomic_write(path, "wb") as f:
        f.write(f"{n} {dim}\n".encode("ascii"))
        if binary:
            little = vectors.astype("<f4", copy=False)
            for lo, hi in write_rows(n, dim, progress):
                f.write(
                    b"".join(
                        w + b" " + row.tobytes()
                        for w, row in zip(encoded[lo:hi], little[lo:hi], strict=True)
                    )
                )
        else:
            write_text_records(f, encoded, vectors, progress)


def sniff_binary(head: bytes) -> bool | None:
    """Tell binary from text by the first bytes of a word2vec file.

    Returns True (binary), False (text) or None (no header, no vector to look at, or
    undecided).
    """
    line, nl, body = head.removeprefix(_BOM).partition(b"\n")
    try:
        count, dim = (int(x) for x in line.split())
    except ValueError:
        return None
    if not nl or count <= 0 or dim <= 0:
        return None
    body = body.lstrip(b"\n")
    space = body.find(b" ")
    if space < 0:
        return None
    rest, nl, _ = body[space + 1 :].partition(b"\n")
    if not nl and len(rest) < 4 * dim:
        return None  # too little to judge
    if rest.translate(None, _NUMBER_BYTES):
        return True  # bytes that no decimal number contains
    # Only number characters. Text, unless this is a binary vector with an early 0x0A
    # byte cutting the "line" short; a short line with the wrong count is undecided.
    if not nl or len(rest) >= 4 * dim or len(rest.split()) == dim:
        return False
    return True if not rest.strip() else None


def has_header(head: bytes) -> bool:
    """True if the first line of ``head`` is a word2vec header ``<count> <dimensions>``."""
    fields = head.removeprefix(_BOM).split(b"\n", 1)[0].split()
    return len(fields) == 2 and all(x.isdigit() for x in fields)


def _parse_header(header: bytes, path: Any) -> tuple[int, int]:
    text = header.removeprefix(_BOM)
    try:
        count, dim = (int(x) for x in text.split())
    except ValueError:
        count = dim = -1
    if count > 0 and dim >= 1 and not header.endswith(b"\n"):
        raise FormatError(
            f"the file ends after the header line; the header promises {count} vectors",
            path,
            len(header),
        )
    if count < 0 or dim < 1:
        shown = header[:60].decode("utf-8", "replace").rstrip("\n")
        raise FormatError(
            f"the first line must be '<count> <dimensions>' (two whole numbers), found {shown!r}",
            path,
            0,
        )
    if dim > MAX_DIMENSIONS:
        raise FormatError(
            f"the header says each vector has {dim} dimensions; more than "
            f"{MAX_DIMENSIONS} is not a word2vec file",
            path,
            0,
        )
    return count, dim


def _read_text(
    f: Any,
    path: Any,
    size: int,
    start: int,
    n: int,
    count: int,
    dim: int,
    dtype: np.dtype,
    encoding: str,
    unicode_errors: str,
    progress: Progress | None,
) -> tuple[list[str], np.ndarray]:
    if n == 0:
        return [], np.empty((0, dim), dtype=np.float32)
    parser = TextBlockParser(path, dim, FIRST, b" ", parse_dtype(dtype), encoding, unicode_errors)
    parser.line = 2  # the header is line 1
    # A record is at least a word, and a space and a digit per number: only a header
    # the file can hold gets its matrix allocated up front (else blocks are gathered, so
    # memory stays bounded by the file while the error is found).
    out = np.empty((n, dim), dtype=parser.dtype) if n * (2 * dim + 1) <= size - start else None
    parts: list[np.ndarray] = []
    words: list[str] = []
    for offset, block in blocks(f, size, start, progress):
        w, v = parser.parse(offset, block, n - len(words))
        if out is not None:
            out[len(words) : len(words) + len(w)] = v
        else:
            parts.append(v)
        words += w
        if len(words) == n:
            break
    if len(words) < n:
        raise FormatError(
            f"the header promises {count} vectors but only {len(words)} lines with vectors follow",
            path,
            size,
        )
    vectors = out if out is not None else np.concatenate(parts)
    return words, vectors
