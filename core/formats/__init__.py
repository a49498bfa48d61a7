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

import contextlib
import errno
import os
import secrets
import stat
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


#: Marks the temporary files of saves in progress (and of saves a killed process left).
UNFINISHED = "unfinished-save"


@contextmanager
def atomic_write(path: str | os.PathLike[str], mode: str = "wb") -> Iterator[IO[Any]]:
    """Open a temporary file beside ``path``; on success it replaces ``path`` atomically.

    The data is flushed and fsync'ed before the rename. If the block raises, the
    temporary file is removed and ``path`` is left untouched. A replaced file keeps its
    permissions; a symbolic link is written through (its target is replaced, the link
    stays). The temporary is named ``.NAME.unfinished-save-PID-XXXXXXXX.tmp``: a process
    killed while saving leaves it behind, and the next save into that folder removes
    those whose process is gone. Errors name ``path``, never the temporary.

    Parameters
    ----------
    path : path-like
        The file to (re)place.
    mode : {"wb", "w"}
        Binary, or UTF-8 text with ``\\n`` line ends.
    """
    with atomic_write_many([path], mode) as (f,):
        yield f


@contextmanager
def atomic_write_many(
    paths: list[str | os.PathLike[str]], mode: str = "wb"
) -> Iterator[tuple[IO[Any], ...]]:
    """:func:`atomic_write` for files that belong together: all are written in full
    before the first is renamed, so a failure while writing leaves every old file."""
    if mode not in ("wb", "w"):
        raise ValueError(f"atomic_write mode must be 'wb' or 'w', got {mode!r}")
    targets = [_target(p) for p in paths]
    opened: list[tuple[str, str, IO[Any]]] = []  # (target, temporary, file)
    try:
        for target in targets:
            opened.append(_open_temporary(target, mode))
        with contextlib.ExitStack() as stack:
            for _, _, f in opened:
                stack.enter_context(f)
            yield tuple(f for _, _, f in opened)
            for _, _, f in opened:
                f.flush()
                os.fsync(f.fileno())
        for target, tmp, _ in opened:
            os.replace(tmp, target)
    except BaseException as exc:
        for _, tmp, _ in opened:
            try:
                os.unlink(tmp)
            except OSError:
                pass
        if isinstance(exc, OSError) and exc.filename in (None, *(t for _, t, _ in opened)):
            # The disk filled up, or the folder is read-only: say which file, not the temporary.
            where = targets[min(len(opened), len(targets) - 1)]
            raise OSError(exc.errno, exc.strerror or str(exc), where) from None
        raise
    for folder in {os.path.dirname(t) for t in targets}:
        _fsync_folder(folder)


def _target(path: str | os.PathLike[str]) -> str:
    """The file a save of ``path`` replaces: a symbolic link's target, so the link stays.
    OSError if that is a folder, a pipe or a device (renaming over it would replace it)."""
    shown = path
    path = os.path.abspath(os.fspath(path))
    target = os.path.realpath(path) if os.path.islink(path) else path
    try:
        mode = os.stat(target).st_mode
    except OSError:
        return target  # not there yet (or not visible): the save itself will say
    if stat.S_ISDIR(mode):
        raise OSError(errno.EISDIR, "cannot save here: it is a folder", shown)
    if not stat.S_ISREG(mode):
        raise OSError(errno.EINVAL, "cannot save here: " + _not_regular(mode).split(",")[0], shown)
    return target


def _open_temporary(target: str, mode: str) -> tuple[str, str, IO[Any]]:
    folder, name = os.path.split(target)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    _remove_stale_temporaries(folder)
    try:
        keep = stat.S_IMODE(os.stat(target).st_mode)
    except OSError:
        keep = None
    while True:
        tmp = os.path.join(folder, f".{name}.{UNFINISHED}-{os.getpid()}-{secrets.token_hex(4)}.tmp")
        try:
            # 0o666 minus the umask gives the permissions a plain open() would.
            fd = os.open(tmp, flags, 0o666)
            break
        except FileExistsError:
            continue
        except OSError as exc:
            raise OSError(exc.errno, exc.strerror, target) from None
    if keep is not None and hasattr(os, "fchmod"):
        os.fchmod(fd, keep)  # a replaced file keeps its permissions (e.g. 0600)
    if mode == "wb":
        return target, tmp, os.fdopen(fd, "wb")
    return target, tmp, os.fdopen(fd, "w", encoding="utf-8", newline="\n")


def _fsync_folder(folder: str) -> None:
    if os.name != "posix":
        return
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


def check_writable(path: str | os.PathLike[str]) -> None:
    """Raise OSError naming ``path`` if a save there would fail for want of a folder or of
    permission, so that a long run is refused before it starts, not after."""
    target = _target(path)
    folder = os.path.dirname(target)
    if not os.path.isdir(folder):
        raise OSError(errno.ENOENT, f"cannot save here: the folder {folder} does not exist", path)
    # Try it: permissions alone do not tell (root, read-only mounts, ACLs).
    probe = os.path.join(folder, f".{os.path.basename(target)}.{UNFINISHED}-probe-{os.getpid()}")
    try:
        fd = os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    except OSError as exc:
        raise OSError(
            exc.errno, f"cannot save here ({exc.strerror}); choose another folder", path
        ) from None
    os.close(fd)
    os.unlink(probe)


def _remove_stale_temporaries(folder: str) -> None:
    """Delete ``atomic_write`` temporaries in ``folder`` left by processes that have died."""
    if os.name != "posix":
        return  # os.kill(pid, 0) is not a liveness probe elsewhere
    try:
        entries = [e for e in os.listdir(folder) if e.startswith(".") and e.endswith(".tmp")]
    except OSError:
        return
    for entry in entries:
        # .NAME.unfinished-save-PID-TOKEN.tmp (and the older .NAME.PID-TOKEN.tmp)
        last = entry[: -len(".tmp")].rsplit(".", 1)[-1].removeprefix(UNFINISHED + "-")
        pid, sep, token = last.partition("-")
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


def open_regular(path: str | os.PathLike[str]) -> IO[bytes]:
    """Open ``path`` for reading if it is a regular file; FormatError if it is a pipe,
    device or socket (opening a pipe blocks, and ``/dev/zero`` never ends)."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise FormatError(_not_regular(mode), path)
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def check_regular(path: str | os.PathLike[str]) -> None:
    """FormatError unless ``path`` is a regular file (OSError if it cannot be examined)."""
    mode = os.stat(path).st_mode
    if not stat.S_ISREG(mode):
        raise FormatError(_not_regular(mode), path)


def _not_regular(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "is a folder, not a vector file"
    kind = (
        "a pipe (FIFO)"
        if stat.S_ISFIFO(mode)
        else "a device"
        if stat.S_ISCHR(mode) or stat.S_ISBLK(mode)
        else "a special file"
    )
    return f"not a regular file but {kind}, which is never read as vectors"


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
    from w2v_gui.core.formats import glove, projector, unrecognised, word2vec

    check_regular(path)  # a pipe named .npz must not reach a loader that would block on it
    by_ext = format_from_extension(path)
    if by_ext in (NATIVE, PROJECTOR):
        return by_ext
    with open_regular(path) as f:
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
    raise FormatError(unrecognised.message(head), path, 0)


def load_embeddings(
    path: str | os.PathLike[str], format: str | None = None, *, lazy: bool = False, **kw: Any
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
    lazy : bool
        For a few queries in a short process: a word2vec binary's vectors stay in the
        mapped file, its words undecoded, until all are needed (see
        :func:`w2v_gui.core.formats.word2vec.load`); other formats ignore it.

    Raises
    ------
    FormatError
        The file is not in the format, or is damaged (the message says where).
    OSError
        The file cannot be opened.
    """
    from w2v_gui.core.formats import glove, native, projector, word2vec

    fmt = format_name(format) if format else detect_format(path)
    check_regular(path)  # before any loader opens it: a pipe would block, a device never end
    if fmt == NATIVE:
        return native.load_embeddings(path, **kw)
    if fmt in (WORD2VEC_BINARY, WORD2VEC_TEXT):
        binary = fmt == WORD2VEC_BINARY
        return word2vec.load(path, binary=binary, **({"lazy": lazy} if binary else {}), **kw)
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
