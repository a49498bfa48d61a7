"""Reading and writing vector files: one module per format, plus the shared plumbing.

Formats (names used by ``format=`` and the command line's ``--from``/``--to``):

- ``"word2vec-binary"``: the C word2vec tool's binary format (``.bin``)
- ``"word2vec-text"``: its text format, also fastText's ``.vec`` (``.txt``, ``.vec``;
  alias ``"fasttext"``)
- ``"glove"``: GloVe's text format, no header (``.txt`` files without a header line)
- ``"projector"``: TensorFlow Embedding Projector export, ``vectors.tsv`` plus
  ``metadata.tsv`` beside it (``.tsv``)
- ``"native"``: this program's model file (``.npz``; vectors, context, config, state)

Every loader takes ``limit`` (first N words), ``dtype`` (round values through a float
type) and ``progress`` (``progress(bytes_done, bytes_total)`` every few MB), and warns
with :class:`~w2v_gui.core.errors.DuplicateWordWarning` when a word repeats (the first vector is
kept). Every saver writes through :func:`atomic_write`, so a crash or a full disk never
leaves a half-written file where a good one was, and takes ``progress`` too
(``progress(vectors_written, vectors_total)``; bytes of array data for ``.npz``), called
before the first write and after every few MB. An exception raised by ``progress`` stops
a load or a save: that is how a caller cancels, and a cancelled save leaves the old file.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO, TYPE_CHECKING, Any

from w2v_gui.core.errors import FormatError

if TYPE_CHECKING:
    from w2v_gui.core.vectors import Embeddings

WORD2VEC_BINARY = "word2vec-binary"
WORD2VEC_TEXT = "word2vec-text"
GLOVE = "glove"
PROJECTOR = "projector"
NATIVE = "native"
FORMATS = (WORD2VEC_BINARY, WORD2VEC_TEXT, GLOVE, PROJECTOR, NATIVE)
#: Other names accepted wherever a format name is.
ALIASES = {"fasttext": WORD2VEC_TEXT}

_BY_EXTENSION = {
    ".bin": WORD2VEC_BINARY,
    ".txt": WORD2VEC_TEXT,
    ".vec": WORD2VEC_TEXT,
    ".tsv": PROJECTOR,
    ".npz": NATIVE,
}


@contextmanager
def atomic_write(path: str | os.PathLike[str], mode: str = "wb") -> Iterator[IO[Any]]:
    """Open a temporary file beside ``path``; on success it replaces ``path`` atomically.

    The data is flushed and fsync'ed before the rename. If the block raises, the
    temporary file is removed and ``path`` is left untouched. A process killed while
    saving leaves its temporary file behind; the temporary name carries the process id,
    so the next save of the same file removes those whose process is gone.

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
    _remove_stale_temporaries(folder, name)
    while True:
        tmp = os.path.join(folder, f".{name}.{os.getpid()}-{secrets.token_hex(4)}.tmp")
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


def _remove_stale_temporaries(folder: str, name: str) -> None:
    """Delete ``atomic_write`` temporaries of ``name`` left by processes that have died."""
    if os.name != "posix":
        return  # os.kill(pid, 0) is not a liveness probe elsewhere
    prefix = f".{name}."
    try:
        entries = [e for e in os.listdir(folder) if e.startswith(prefix) and e.endswith(".tmp")]
    except OSError:
        return
    for entry in entries:
        pid, sep, token = entry[len(prefix) : -len(".tmp")].partition("-")
        if not (sep and pid.isdigit() and len(token) == 8) or _alive(int(pid)):
            continue
        try:
            os.unlink(os.path.join(folder, entry))
        except OSError:
            pass  # gone already, or not ours to remove


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True  # another user's process (or an absurd number): leave its file alone
    return True


def format_name(name: str) -> str:
    """The canonical name for a format name or alias; ValueError if unknown."""
    fmt = ALIASES.get(name, name)
    if fmt not in FORMATS:
        known = ", ".join([*FORMATS, *ALIASES])
        raise ValueError(f"unknown format {name!r}; expected one of {known}")
    return fmt


def format_from_extension(path: str | os.PathLike[str]) -> str | None:
    """The format a file name's extension stands for when saving, or None."""
    return _BY_EXTENSION.get(os.path.splitext(os.fspath(path))[1].lower())


def detect_format(path: str | os.PathLike[str]) -> str:
    """Name of the format of the file at ``path``.

    ``.npz`` is native and ``.tsv`` a projector export. Otherwise the content decides:
    a ``<count> <dimensions>`` first line is word2vec (binary or text by what follows;
    a text file named ``.bin`` is common), a word followed by numbers is GloVe, tab
    separated numbers are a projector ``vectors.tsv``. Where the content cannot tell
    (e.g. a header and no vectors) the extension ``.bin``/``.txt``/``.vec`` decides.

    Raises
    ------
    FormatError
        If the content matches no known format.
    """
    from w2v_gui.core.formats import glove, projector, word2vec

    by_ext = format_from_extension(path)
    if by_ext in (NATIVE, PROJECTOR):
        return by_ext
    with open(path, "rb") as f:
        head = f.read(64 * 1024)
    if by_ext is None and head[:4] in (b"PK\x03\x04", b"PK\x05\x06"):
        return NATIVE
    binary = word2vec.sniff_binary(head)
    if binary is not None:
        return WORD2VEC_BINARY if binary else WORD2VEC_TEXT
    if not word2vec.has_header(head):
        if by_ext is None and projector.sniff(head):
            return PROJECTOR
        if glove.sniff(head):
            return GLOVE
    else:  # a header and nothing to judge the body by: the extension decides
        return by_ext or WORD2VEC_TEXT
    raise FormatError(
        "not a recognised vector file (expected word2vec text or binary with a "
        "'<count> <dimensions>' first line, GloVe text with a word and its "
        "numbers on each line, a projector vectors.tsv, or a native .npz "
        "model)",
        path,
        0,
    )


def load_embeddings(
    path: str | os.PathLike[str], format: str | None = None, **kw: Any
) -> Embeddings:
    """Load word vectors from a file in any supported format.

    Parameters
    ----------
    path : path-like
    format : str, optional
        One of :data:`FORMATS` (or :data:`ALIASES`); detected with :func:`detect_format`
        when omitted.
    **kw
        Passed to the format's ``load``: ``limit``, ``dtype`` and ``progress`` work for
        every format; ``encoding``/``unicode_errors`` for the text-bearing ones,
        ``metadata`` for the projector, ``vector_size`` for GloVe.

    Raises
    ------
    FormatError
        The file is not in the format, or is damaged (the message says where).
    OSError
        The file cannot be opened.
    """
    from w2v_gui.core.formats import glove, native, projector, word2vec

    fmt = format_name(format) if format else detect_format(path)
    if fmt == NATIVE:
        return native.load_embeddings(path, **kw)
    if fmt in (WORD2VEC_BINARY, WORD2VEC_TEXT):
        return word2vec.load(path, binary=fmt == WORD2VEC_BINARY, **kw)
    if fmt == GLOVE:
        return glove.load(path, **kw)
    return projector.load(path, **kw)


def save_embeddings(
    emb: Embeddings, path: str | os.PathLike[str], format: str | None = None, **kw: Any
) -> None:
    """Save word vectors, in the format named by ``format`` or by the file extension.

    GloVe has no extension of its own (``.txt`` means word2vec text): pass
    ``format="glove"``. A projector export (``.tsv``) also writes the metadata file
    beside it (see :func:`core.formats.projector.metadata_path`).

    Raises
    ------
    ValueError
        If ``format`` is omitted and the extension is not one of .bin, .txt, .vec, .tsv,
        .npz.
    FormatError
        If a word cannot be stored in the format (e.g. a space in a word2vec word).

    ``**kw`` goes to the format's ``save``: ``progress`` works for every format,
    ``metadata`` for the projector; ``context``, ``config`` and ``state`` for native.
    """
    from w2v_gui.core.formats import glove, native, projector, word2vec

    fmt = format_name(format) if format else format_from_extension(path)
    if fmt is None:
        raise ValueError(
            f"cannot tell the format from the name {os.fspath(path)!r}; "
            f"use .bin, .txt, .vec, .tsv or .npz, or pass format="
        )
    if fmt == NATIVE:
        native.save(path, emb, **kw)
    elif fmt in (WORD2VEC_BINARY, WORD2VEC_TEXT):
        word2vec.save(emb, path, binary=fmt == WORD2VEC_BINARY, **kw)
    elif fmt == GLOVE:
        glove.save(emb, path, **kw)
    else:
        projector.save(emb, path, **kw)
