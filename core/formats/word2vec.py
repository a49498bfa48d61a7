"""The C word2vec tool's vector files, binary and text, as gensim reads and writes them.

Both start with a header line ``"<count> <dimensions>\\n"``. Then, per word:

- binary: the word's UTF-8 bytes, a space, ``dimensions`` little-endian float32 values,
  and (word2vec.c only, not gensim) a newline;
- text: the word, a space, the values as decimal numbers separated by spaces, a newline.

These files carry no counts, so loaded embeddings have zero counts. A repeated word
keeps its first vector and later ones are dropped (gensim does the same).

The binary reader finds each word with one ``find`` per word and copies each vector
with one memory copy; there is no per-number Python work. The text reader parses all
numbers of the file in one NumPy call.
"""

from __future__ import annotations

import mmap
import os
from typing import Any

import numpy as np

from core.errors import FormatError
from core.formats import atomic_write
from core.vectors import Embeddings

# Bytes a text-format vector line may contain after the word (numbers, inf, nan).
_NUMBER_BYTES = b"0123456789+-.eEinfatyINFATY \t\r"


def load(path: str | os.PathLike[str], *, binary: bool | None = None, limit: int | None = None,
         dtype: Any = np.float32, encoding: str = "utf-8",
         unicode_errors: str = "replace") -> Embeddings:
    """Read a word2vec binary or text file.

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

    Raises
    ------
    FormatError
        Bad header, truncated file, a header count larger than the vectors present, or a
        text line that is not a word followed by ``dimensions`` numbers. The message names
        the file and the byte offset (binary) or line number (text).
    """
    if np.dtype(dtype).kind != "f":
        raise ValueError(f"dtype must be a floating-point type, got {dtype!r}")
    if limit is not None and limit < 0:
        raise ValueError(f"limit must be >= 0, got {limit}")
    with open(path, "rb") as f:
        size = os.fstat(f.fileno()).st_size
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
            words, vectors = _read_binary(f, path, size, start, n, count, dim,
                                          encoding, unicode_errors)
        else:
            words, vectors = _read_text(f, path, n, count, dim, encoding, unicode_errors)

    if np.dtype(dtype) != np.float32:
        vectors = vectors.astype(dtype).astype(np.float32)
    emb = Embeddings(words, np.ascontiguousarray(vectors, dtype=np.float32), copy=False)
    if len(emb.index) == len(emb):
        return emb
    keep = sorted(emb.index.values())  # a repeated word keeps its first vector
    return Embeddings([words[i] for i in keep], emb.vectors[keep], copy=False)


def save(emb: Embeddings, path: str | os.PathLike[str], *, binary: bool) -> None:
    """Write ``emb`` as a word2vec binary (gensim layout) or text file, atomically.

    Text values are written with 9 significant digits, which reads back to the same
    float32 bit for bit.

    Raises
    ------
    FormatError
        If a word is empty or contains a space or line break (the format cannot hold it).
    """
    encoded = []
    for w in emb.words:
        try:
            b = w.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise FormatError(f"word {w!r} cannot be written as UTF-8: {exc.reason}",
                              path) from None
        if not b or b" " in b or b"\n" in b or b"\r" in b:
            raise FormatError(f"word {w!r} is empty or contains a space or line break, "
                              f"which the word2vec format cannot store", path)
        encoded.append(b)
    vectors = emb.vectors
    n, dim = vectors.shape
    step = max(1, (1 << 22) // max(1, dim * 4))  # ~4 MB of vectors per write
    with atomic_write(path, "wb") as f:
        f.write(f"{n} {dim}\n".encode("ascii"))
        if binary:
            little = vectors.astype("<f4", copy=False)
            for lo in range(0, n, step):
                f.write(b"".join(w + b" " + row.tobytes()
                                 for w, row in zip(encoded[lo:lo + step], little[lo:lo + step],
                                                   strict=True)))
        else:
            fmt = " ".join(["%.9g"] * dim)
            for lo in range(0, n, step):
                rows = vectors[lo:lo + step].tolist()
                f.write(b"".join(w + b" " + (fmt % tuple(row)).encode("ascii") + b"\n"
                                 for w, row in zip(encoded[lo:lo + step], rows, strict=True)))


def sniff_binary(head: bytes) -> bool | None:
    """Tell binary from text by the first bytes of a word2vec file.

    Returns True (binary), False (text) or None (no header, no vector to look at, or
    undecided).
    """
    line, nl, body = head.partition(b"\n")
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
    rest, nl, _ = body[space + 1:].partition(b"\n")
    if not nl and len(rest) < 4 * dim:
        return None  # too little to judge
    if rest.translate(None, _NUMBER_BYTES):
        return True  # bytes that no decimal number contains
    # Only number characters. Text, unless this is a binary vector with an early 0x0A
    # byte cutting the "line" short; a short line with the wrong count is undecided.
    if not nl or len(rest) >= 4 * dim or len(rest.split()) == dim:
        return False
    return True if not rest.strip() else None


def _parse_header(header: bytes, path: Any) -> tuple[int, int]:
    text = header.removeprefix(b"\xef\xbb\xbf")
    try:
        count, dim = (int(x) for x in text.split())
    except ValueError:
        count = dim = -1
    if count > 0 and dim >= 1 and not header.endswith(b"\n"):
        raise FormatError(f"the file ends after the header line; the header promises {count} "
                          f"vectors", path, len(header))
    if count < 0 or dim < 1:
        shown = header[:60].decode("utf-8", "replace").rstrip("\n")
        raise FormatError(f"the first line must be '<count> <dimensions>' (two whole numbers), "
                          f"found {shown!r}", path, 0)
    return count, dim


def _read_binary(f: Any, path: Any, size: int, start: int, n: int, count: int, dim: int,
                 encoding: str, unicode_errors: str) -> tuple[list[str], np.ndarray]:
    nb = 4 * dim
    # Each record is at least a space and its vector: refuse before allocating if the
    # file cannot possibly hold what the header promises.
    if n * (nb + 1) > size - start:
        raise FormatError(f"the header promises {count} vectors of {dim} float32 values, but "
                          f"only {size - start} bytes follow the header (at least "
                          f"{n * (nb + 1)} needed); the file is truncated or not a word2vec "
                          f"binary file", path, size)
    if n == 0:
        return [], np.empty((0, dim), dtype=np.float32)
    vectors = np.empty((n, dim), dtype="<f4")
    spaces: list[int] = []
    mm = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
    src, dst = memoryview(mm), memoryview(vectors).cast("B")
    try:
        # Per word: one find for the space that ends the word (a vector can contain a
        # space byte, so the scan hops over each vector) and one memory copy of the vector.
        find = mm.find
        pos = start
        for i in range(n):
            space = find(b" ", pos)
            end = space + 1 + nb
            if space < 0 or end > size:
                word = mm[pos:space if space >= 0 else min(size, pos + 60)]
                word = word.lstrip(b"\n").decode(encoding, unicode_errors)
                raise FormatError(f"vector {i + 1} of {count} (word {word!r}) is cut off: the "
                                  f"file ends at byte {size}; it is truncated or the header "
                                  f"count is too large", path, pos)
            dst[i * nb:(i + 1) * nb] = src[space + 1:end]
            spaces.append(space)
            pos = end
        # word2vec.c ends each vector with "\n"; like gensim, strip it from the next word.
        starts = [start] + [sp + 1 + nb for sp in spaces[:-1]]
        words = [mm[a:b].decode(encoding, unicode_errors).lstrip("\n")
                 for a, b in zip(starts, spaces, strict=True)]
    finally:
        src.release()
        dst.release()
        mm.close()
    return words, vectors


def _read_text(f: Any, path: Any, n: int, count: int, dim: int, encoding: str,
               unicode_errors: str) -> tuple[list[str], np.ndarray]:
    if n == 0:
        return [], np.empty((0, dim), dtype=np.float32)
    lines = f.read().split(b"\n")
    numbers: list[int] = []  # 1-based line number of each record (header is line 1)
    records: list[bytes] = []
    for no, line in enumerate(lines, start=2):
        line = line.rstrip()  # also drops the "\r" of CRLF and trailing spaces
        if line:
            records.append(line)
            numbers.append(no)
            if len(records) == n:
                break
    if len(records) < n:
        raise FormatError(f"the header promises {count} vectors but only {len(records)} "
                          f"lines with vectors follow", path)
    words: list[bytes] = []
    rests: list[bytes] = []
    for no, line in zip(numbers, records, strict=True):
        word, space, rest = line.partition(b" ")
        if not space or not word:
            raise FormatError(f"line {no}: expected a word and {dim} numbers separated by "
                              f"spaces", path)
        words.append(word)
        rests.append(rest)
    values = None
    joined = b" ".join(rests)
    # Fast path when every line has exactly dim - 1 single spaces and nothing else that
    # separates numbers; then the line boundaries need not be tracked.
    if (all(r.count(b" ") == dim - 1 for r in rests) and b"  " not in joined
            and b"\t" not in joined and not joined.startswith(b" ")):
        try:
            values = np.fromstring(joined, dtype=np.float64, sep=" ")
        except ValueError:
            values = None
        if values is not None and values.size != n * dim:
            values = None
    if values is None:  # irregular spacing or a bad number: go line by line
        values = _parse_lines_slowly(rests, numbers, dim, path)
    vectors = values.reshape(n, dim).astype(np.float32)
    return [w.decode(encoding, unicode_errors) for w in words], vectors


def _parse_lines_slowly(rests: list[bytes], numbers: list[int], dim: int,
                        path: Any) -> np.ndarray:
    out = np.empty((len(rests), dim), dtype=np.float64)
    for i, (rest, no) in enumerate(zip(rests, numbers, strict=True)):
        tokens = rest.split()
        if len(tokens) != dim:
            raise FormatError(f"line {no}: expected {dim} numbers after the word, found "
                              f"{len(tokens)}", path)
        for j, tok in enumerate(tokens):
            try:
                out[i, j] = float(tok)
            except ValueError:
                raise FormatError(f"line {no}: {tok.decode('ascii', 'replace')!r} is not a "
                                  f"number", path) from None
    return out
