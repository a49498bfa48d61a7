"""Finding and opening the files of a corpus, and saying in one line why one cannot be read.

Folders are walked without following a link twice (no loops); what is not a regular file
(a pipe, a device, a socket) is never opened, since opening a pipe blocks and a device
like ``/dev/zero`` never ends. Compression is told by the first bytes, not the name:
dictd's ``.dict.dz`` is gzip, and a ``.gz`` that holds plain text is read as text.

Every decoder failure (damaged deflate block, truncated stream, encrypted or
unsupported zip member, ...) becomes a :class:`~w2v_gui.core.errors.CorpusError` naming
the file and member, through :func:`describe`. Files found in folders and members of a
zip archive that cannot be read are *skipped*: :class:`Skipped` records say which and
why, and the rest of the corpus is read.
"""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import os
import stat
import struct
import zipfile
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from w2v_gui.core.errors import CorpusError

# Read from folders (and zip archives); any name is read when given explicitly.
TEXT_SUFFIXES = {".txt", ".text", ".gz", ".bz2", ".xz", ".zip", ".dz", ".md", ".csv", ".tsv", ""}

# Every exception a decoder or the zip reader is known to raise on damaged input.
DECODE_ERRORS = (
    OSError,
    EOFError,
    zlib.error,
    lzma.LZMAError,
    zipfile.BadZipFile,
    RuntimeError,  # an encrypted zip member
    NotImplementedError,  # a zip member compressed by a method Python cannot read
    ValueError,
    struct.error,
)
_SYSTEM_FOLDERS = ("/proc/", "/sys/", "/dev/")
_ZIP_METHODS = {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA}


@dataclass(frozen=True)
class Skipped:
    """A file (or ``archive.zip:member``) that was not read, and why, in plain words."""

    name: str
    reason: str

    def __str__(self) -> str:
        return f"{self.name}: {self.reason}"


def describe(exc: BaseException) -> str:
    """What ``exc``, raised while reading or decompressing, means for the file, in a phrase."""
    if isinstance(exc, CorpusError):
        return str(exc)
    if isinstance(exc, zlib.error):
        return f"the compressed data is damaged ({exc})"
    if isinstance(exc, EOFError):
        return "the compressed data ends early: the file is truncated"
    if isinstance(exc, lzma.LZMAError):
        return f"the xz data is damaged ({exc})"
    if isinstance(exc, zipfile.BadZipFile):
        return f"the zip archive is damaged ({exc})"
    if isinstance(exc, gzip.BadGzipFile):
        return f"the gzip data is damaged ({exc})"
    if isinstance(exc, RuntimeError) and "encrypted" in str(exc):
        return "it is encrypted (password-protected), which this program cannot read"
    if isinstance(exc, NotImplementedError):
        return f"it is compressed by a method this program cannot read ({exc})"
    if isinstance(exc, PermissionError):
        return "permission denied (you may not read it)"
    if isinstance(exc, OSError):
        if exc.strerror:
            return exc.strerror[0].lower() + exc.strerror[1:]
        return f"the data is damaged ({exc})"
    return f"it cannot be read ({type(exc).__name__}: {exc})"


def compression(head: bytes) -> str | None:
    """ "gzip", "bz2", "xz", "zip" or None (not compressed), from a file's first bytes."""
    if head.startswith(b"\x1f\x8b"):
        return "gzip"
    if (
        len(head) >= 10
        and head.startswith(b"BZh")
        and head[3:4] in b"123456789"
        and head[4:10] in (b"1AY&SY", b"\x17rE8P\x90")
    ):
        return "bz2"
    if head.startswith(b"\xfd7zXZ\x00"):
        return "xz"
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return "zip"
    return None


def expand(paths: Sequence[str | os.PathLike]) -> tuple[list[Path], list[Skipped]]:
    """The files to read for ``paths`` (files and folders), and what folders held that
    cannot be read.

    A path given explicitly must be readable: a missing one, one you may not read, or a
    pipe or device raises :class:`CorpusError`. Inside folders, hidden entries and files
    whose names are clearly not text are passed over; special files and entries that
    cannot be examined are listed as skipped.
    """
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    out: list[Path] = []
    skipped: list[Skipped] = []
    for p in map(Path, paths):
        st = _stat(p)
        if stat.S_ISDIR(st.st_mode):
            if (os.path.realpath(p) + "/").startswith(_SYSTEM_FOLDERS):
                raise CorpusError(f"{p}: a system folder (its files can block or never end)")
            found, missed = _walk(p)
            if not found:
                extra = f"; {len(missed)} skipped, the first {missed[0]}" if missed else ""
                raise CorpusError(
                    f"{p}: the folder holds no text files (.txt, .gz, .bz2, .xz, .zip){extra}"
                )
            out.extend(found)
            skipped.extend(missed)
        elif stat.S_ISREG(st.st_mode):
            out.append(p)
        else:
            raise CorpusError(f"{p}: {_not_regular(st.st_mode)}")
    if not out:
        raise CorpusError("no corpus files given")
    return out, skipped


def _stat(p: Path) -> os.stat_result:
    try:
        return os.stat(p)
    except FileNotFoundError:
        raise CorpusError(f"{p}: no such file or folder") from None
    except PermissionError:
        raise CorpusError(
            f"{p}: permission denied (you may not open it or a folder above it)"
        ) from None
    except OSError as exc:
        raise CorpusError(f"{p}: {describe(exc)}") from None


def _not_regular(mode: int) -> str:
    kind = (
        "a pipe (FIFO)"
        if stat.S_ISFIFO(mode)
        else "a device"
        if stat.S_ISCHR(mode) or stat.S_ISBLK(mode)
        else "a socket"
        if stat.S_ISSOCK(mode)
        else "a special file"
    )
    return f"not a regular file but {kind}, which is never read as a corpus"


def _walk(root: Path) -> tuple[list[Path], list[Skipped]]:
    found: list[Path] = []
    skipped: list[Skipped] = []
    root_st = os.stat(root)
    seen = {(root_st.st_dev, root_st.st_ino)}  # folders entered: a link back is a loop
    todo = [root]
    while todo:
        folder = todo.pop()
        try:
            with os.scandir(folder) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as exc:
            skipped.append(Skipped(str(folder), f"cannot list the folder: {describe(exc)}"))
            continue
        for entry in entries:
            if entry.name.startswith("."):
                continue
            path = Path(entry.path)
            try:
                st = os.stat(path)  # follows links: a link counts as what it points to
            except OSError as exc:
                if Path(entry.name).suffix.lower() in TEXT_SUFFIXES or entry.is_dir(
                    follow_symlinks=False
                ):
                    what = "a broken link" if entry.is_symlink() else describe(exc)
                    skipped.append(Skipped(str(path), what))
                continue
            if stat.S_ISDIR(st.st_mode):
                if (st.st_dev, st.st_ino) not in seen:
                    seen.add((st.st_dev, st.st_ino))
                    if (os.path.realpath(path) + "/").startswith(_SYSTEM_FOLDERS):
                        # Reached through a link: their "files" can block or never end.
                        skipped.append(Skipped(str(path), "a link into a system folder"))
                    else:
                        todo.append(path)
            elif path.suffix.lower() not in TEXT_SUFFIXES:
                continue
            elif stat.S_ISREG(st.st_mode):
                found.append(path)
            else:
                skipped.append(Skipped(str(path), _not_regular(st.st_mode)))
    found.sort(key=lambda f: f.relative_to(root).parts)
    return found, skipped


class Member:
    """One readable stream of a corpus file: the file itself, its decompressed content,
    or a member of a zip archive. ``raw`` is None when it is skipped (``reason`` says why)."""

    def __init__(self, name: str, raw: io.BufferedIOBase | None, reason: str = ""):
        self.name, self.raw, self.reason = name, raw, reason


def open_members(path: Path) -> Iterator[Member]:
    """Yield the streams of ``path``; the caller closes each ``raw``.

    Raises :class:`CorpusError` (naming the file) if the file itself cannot be opened;
    zip members that cannot be read come as skipped members.
    """
    name = str(path)
    try:
        f = open(path, "rb")  # noqa: SIM115 - handed to the caller, who closes it
    except OSError as exc:
        raise CorpusError(f"{name}: {describe(exc)}") from None
    try:
        kind = compression(f.read(10))
        f.seek(0)
        if kind == "zip":
            f.close()
            yield from _zip_members(path)
            return
        yield Member(name, _Owning(_decompressing(f, kind), f) if kind else f)
    except CorpusError:
        f.close()
        raise
    except DECODE_ERRORS as exc:
        f.close()
        raise CorpusError(f"{name}: {describe(exc)}") from None


def _decompressing(f, kind: str):
    if kind == "gzip":
        return gzip.GzipFile(fileobj=f, mode="rb")
    if kind == "bz2":
        return bz2.BZ2File(f, "rb")
    return lzma.LZMAFile(f, "rb")


class _Owning(io.BufferedIOBase):
    """A decompressing stream that also closes the stream under it (GzipFile does not)."""

    def __init__(self, outer, inner):
        self._outer, self._inner = outer, inner
        self.fileobj = inner  # for progress: the position in the compressed bytes

    def readable(self) -> bool:
        return True

    def read(self, n: int = -1) -> bytes:
        return self._outer.read(n)

    def close(self) -> None:
        try:
            self._outer.close()
        finally:
            self._inner.close()
        super().close()


def _zip_members(path: Path) -> Iterator[Member]:
    try:
        zf = zipfile.ZipFile(path)
    except DECODE_ERRORS as exc:
        raise CorpusError(f"{path}: {describe(exc)}") from None
    with zf:
        infos = sorted(
            (
                i
                for i in zf.infolist()
                if not i.is_dir() and Path(i.filename).suffix.lower() in TEXT_SUFFIXES
            ),
            key=lambda i: i.filename,
        )
        if not infos:
            raise CorpusError(f"{path}: the zip archive holds no text files")
        for info in infos:
            name = f"{path}:{info.filename}"
            if info.flag_bits & 0x1:
                yield Member(name, None, describe(RuntimeError("encrypted")))
                continue
            if info.compress_type not in _ZIP_METHODS:
                yield Member(
                    name,
                    None,
                    f"it is compressed by method {info.compress_type}, which this "
                    f"program cannot read (stored, deflate, bzip2 and lzma can be read)",
                )
                continue
            try:
                fh = zf.open(info)
                kind = compression(fh.peek(10)[:10])
            except DECODE_ERRORS as exc:
                yield Member(name, None, describe(exc))
                continue
            if kind == "zip":
                fh.close()
                yield Member(name, None, "a zip archive inside a zip archive is not read")
                continue
            yield Member(name, _Owning(_decompressing(fh, kind), fh) if kind else fh)
