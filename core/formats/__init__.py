"""Reading and writing vector files: one module per format, plus the shared plumbing.

Formats (names used by ``format=``):

- ``"word2vec-binary"``: the C word2vec tool's binary format (``.bin``)
- ``"word2vec-text"``: its text format (``.txt``, ``.vec``)
- ``"native"``: this program's model file (``.npz``; vectors, context, config, state)

Every saver writes through :func:`atomic_write`, so a crash or a full disk never leaves
a half-written file where a good one was.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO, TYPE_CHECKING, Any

from core.errors import FormatError

if TYPE_CHECKING:
    from core.vectors import Embeddings

WORD2VEC_BINARY = "word2vec-binary"
WORD2VEC_TEXT = "word2vec-text"
NATIVE = "native"
FORMATS = (WORD2VEC_BINARY, WORD2VEC_TEXT, NATIVE)

_BY_EXTENSION = {".bin": WORD2VEC_BINARY, ".txt": WORD2VEC_TEXT, ".vec": WORD2VEC_TEXT,
                 ".npz": NATIVE}


@contextmanager
def atomic_write(path: str | os.PathLike[str], mode: str = "wb") -> Iterator[IO[Any]]:
    """Open a temporary file beside ``path``; on success it replaces ``path`` atomically.

    The data is flushed and fsync'ed before the rename. If the block raises, the
    temporary file is removed and ``path`` is left untouched.

    Parameters
    ----------
    path : path-like
        The file to (re)place.
    mode : {"wb", "w"}
        Binary, or UTF-8 text with ``\\n`` line ends.
    """
    if mode not in ("wb", "w"):
        raise ValueError(f"atomic_write mode must be 'wb' or 'w', got {mode!r}")
    path = os.fspath(path)
    folder, name = os.path.split(os.path.abspath(path))
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    while True:
        tmp = os.path.join(folder, f".{name}.{secrets.token_hex(4)}.tmp")
        try:
            # 0o666 minus the umask gives the permissions a plain open() would.
            fd = os.open(tmp, flags, 0o666)
            break
        except FileExistsError:
            continue
    try:
        if mode == "wb":
            f = os.fdopen(fd, "wb")
        else:
            f = os.fdopen(fd, "w", encoding="utf-8", newline="\n")
        with f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    if os.name == "posix":
        # Make the rename itself durable; best effort (some file systems refuse).
        try:
            dir_fd = os.open(folder, os.O_RDONLY)
        except OSError:
            return
        try:
            os.fsync(dir_fd)
        except OSError:
            pass
        finally:
            os.close(dir_fd)


def detect_format(path: str | os.PathLike[str]) -> str:
    """Name of the format of the file at ``path``.

    ``.npz`` is native; ``.bin``, ``.txt`` and ``.vec`` are word2vec files, and for them
    the content decides binary or text (a text file named ``.bin`` is common). Other
    extensions are recognised by content alone.

    Raises
    ------
    FormatError
        If the content matches no known format.
    """
    from core.formats import word2vec

    ext = os.path.splitext(os.fspath(path))[1].lower()
    by_ext = _BY_EXTENSION.get(ext)
    if by_ext == NATIVE:
        return NATIVE
    with open(path, "rb") as f:
        head = f.read(64 * 1024)
    if by_ext is None and head[:4] in (b"PK\x03\x04", b"PK\x05\x06"):
        return NATIVE
    binary = word2vec.sniff_binary(head)
    if binary is None:
        if by_ext is not None:
            return by_ext  # e.g. a header and no vectors: the extension decides
        raise FormatError("not a recognised vector file (expected word2vec text or binary, "
                          "or a native .npz model)", path)
    return WORD2VEC_BINARY if binary else WORD2VEC_TEXT


def load_embeddings(path: str | os.PathLike[str], format: str | None = None,
                    **kw: Any) -> Embeddings:
    """Load word vectors from a file in any supported format.

    Parameters
    ----------
    path : path-like
    format : str, optional
        One of :data:`FORMATS`; detected with :func:`detect_format` when omitted.
    **kw
        Passed to the format's ``load`` (e.g. ``limit`` for word2vec files).
    """
    from core.formats import native, word2vec

    fmt = format or detect_format(path)
    if fmt == NATIVE:
        return native.load(path, **kw).embeddings
    if fmt in (WORD2VEC_BINARY, WORD2VEC_TEXT):
        return word2vec.load(path, binary=fmt == WORD2VEC_BINARY, **kw)
    raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")


def save_embeddings(emb: Embeddings, path: str | os.PathLike[str], format: str | None = None,
                    **kw: Any) -> None:
    """Save word vectors, in the format named by ``format`` or by the file extension.

    Raises
    ------
    ValueError
        If ``format`` is omitted and the extension is not one of .bin, .txt, .vec, .npz.
    """
    from core.formats import native, word2vec

    fmt = format
    if fmt is None:
        fmt = _BY_EXTENSION.get(os.path.splitext(os.fspath(path))[1].lower())
        if fmt is None:
            raise ValueError(f"cannot tell the format from the name {os.fspath(path)!r}; "
                             f"use .bin, .txt, .vec or .npz, or pass format=")
    if fmt == NATIVE:
        native.save(path, emb, **kw)
    elif fmt in (WORD2VEC_BINARY, WORD2VEC_TEXT):
        word2vec.save(emb, path, binary=fmt == WORD2VEC_BINARY, **kw)
    else:
        raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
