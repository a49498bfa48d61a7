"""The .npz layer of the native model file: members parsed without pickle, never
trusted, stored ones memory-mapped.

Each member's declared sizes are checked against its .npy header's shape and against the
archive's real size before anything is allocated or inflated; a stored, aligned member
in :data:`MAPPED` is opened with ``np.memmap`` (read-only) at its data offset, found from
its local zip header; anything wrong is one :class:`FormatError` line naming the file and
the member.
"""

from __future__ import annotations

import io
import lzma
import math
import struct
import zipfile
import zlib
from typing import Any

import numpy as np

from w2v_gui.core.errors import FormatError
from w2v_gui.core.formats._common import Progress

#: Members opened memory-mapped when stored uncompressed and aligned.
MAPPED = ("vectors", "context")
#: Array data starts at a multiple of this in the file (NumPy's own .npy alignment).
ALIGN = 64
#: Longest .npy header read (NumPy's own default limit).
MAX_HEADER = 10000
#: A compressed member this big that expands more than ``BOMB_RATIO`` times is refused:
#: real vectors compress less than 2:1, a deflate bomb of zeros ~1000:1.
BOMB_BYTES = 64 << 20
BOMB_RATIO = 100
ZIP_PADDING = 0xD935  # the extra-field id Android's zipalign uses for padding

# What zipfile and its decompressors raise on damaged data (a missing file is raised
# by open() before any of this).
ZIP_ERRORS = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    zlib.error,
    lzma.LZMAError,
    struct.error,
    EOFError,
    OSError,
    ValueError,
    TypeError,
    NotImplementedError,
    RuntimeError,
    OverflowError,
    KeyError,
)


def aligned_info(name: str, header_offset: int) -> zipfile.ZipInfo:
    """A stored member whose data (after the local header and the 64-byte-aligned .npy
    header) starts at a multiple of :data:`ALIGN`, so that it can be mapped and handed
    to BLAS as it is."""
    info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_STORED
    # Local header (30) + name + our extra (4 + 2 + pad) + the zip64 extra (20).
    pad = -(header_offset + 30 + len(name.encode()) + 6 + 20) % ALIGN
    info.extra = struct.pack("<HHH", ZIP_PADDING, 2 + pad, ALIGN) + bytes(pad)
    return info


class Archive:
    """The members of an .npz, read without pickle and without trusting their headers."""

    def __init__(
        self, zf: zipfile.ZipFile, f: Any, path: Any, size: int, progress: Progress | None
    ):
        self._zf, self._f, self._path, self._size = zf, f, path, size
        self._progress = progress
        self._done = 0
        self.files = [n[:-4] for n in zf.namelist() if n.endswith(".npy")]

    def __getitem__(self, name: str) -> np.ndarray:
        path = self._path
        try:
            info = self._zf.getinfo(name + ".npy")
            if info.compress_size > self._size:
                raise FormatError(
                    f"member {name!r} claims {info.compress_size} bytes, more than the "
                    f"archive holds",
                    path,
                    info.header_offset,
                )
            array = None
            if name in MAPPED and info.compress_type == zipfile.ZIP_STORED:
                array = self._map(info, name)
            if array is None:
                array = self._read(info, name)
        except FormatError:
            raise
        except ZIP_ERRORS as exc:
            raise FormatError(f"member {name!r} cannot be read: {_line(exc)}", path) from None
        self._done += info.compress_size
        if self._progress is not None:
            self._progress(min(self._done, self._size), self._size)
        return array

    def _map(self, info: zipfile.ZipInfo, name: str) -> np.ndarray | None:
        """The member memory-mapped, read-only; None if it is encrypted or unaligned."""
        if info.flag_bits & 1:
            return None  # encrypted: zipfile says so in its own words
        f, path = self._f, self._path
        f.seek(info.header_offset)
        local = f.read(30)
        if len(local) != 30 or local[:4] != b"PK\x03\x04":
            raise FormatError(f"member {name!r} has no local header", path, info.header_offset)
        name_len, extra_len = struct.unpack("<HH", local[26:30])
        start = info.header_offset + 30 + name_len + extra_len
        f.seek(start)
        shape, fortran, dtype = _npy_header(f, name, path, start)
        at = f.tell()
        nbytes = _check_shape(name, shape, dtype, info.file_size - (at - start), path, start)
        if at + nbytes > self._size:
            raise FormatError(f"member {name!r} is cut off", path, start)
        if nbytes == 0 or at % dtype.alignment or at % ALIGN and dtype.itemsize > 1:
            return None  # nothing to map, or an older file: read it into memory
        return np.memmap(
            f, dtype=dtype, mode="r", offset=at, shape=shape, order="F" if fortran else "C"
        )

    def _read(self, info: zipfile.ZipInfo, name: str) -> np.ndarray:
        path = self._path
        # What the member can expand to: its own bytes (stored), or deflate's best
        # ratio (~1032:1) of them; a big member that claims to expand more than any real
        # vectors would is a bomb. Both are refused before anything is inflated.
        stored = info.compress_type == zipfile.ZIP_STORED
        limit = info.compress_size * (1 if stored else 1100)
        if info.file_size > limit or (
            not stored
            and info.file_size > BOMB_BYTES
            and info.file_size > BOMB_RATIO * info.compress_size
        ):
            raise FormatError(
                f"member {name!r} claims to expand {info.compress_size} bytes to "
                f"{info.file_size}, more than the archive can hold or real vectors "
                f"compress (a damaged file or a decompression bomb)",
                path,
                info.header_offset,
            )
        with self._zf.open(info) as fp:
            shape, fortran, dtype = _npy_header(fp, name, path, info.header_offset)
            avail = info.file_size - fp.tell()
            nbytes = _check_shape(name, shape, dtype, avail, path, info.header_offset)
            data = fp.read(nbytes)
        if len(data) != nbytes:
            raise FormatError(f"member {name!r} is cut off", path, info.header_offset)
        count = math.prod(shape)
        array = (
            np.frombuffer(data, dtype=dtype, count=count)
            if nbytes
            else np.zeros(count, dtype=dtype)
        )
        return array.reshape(shape[::-1]).T if fortran else array.reshape(shape)


def _check_shape(
    name: str, shape: tuple[int, ...], dtype: np.dtype, avail: int, path: Any, offset: int
) -> int:
    """Bytes the member's header promises, which must be the bytes it holds."""
    if dtype.hasobject:
        raise FormatError(
            f"member {name!r} holds Python objects, which would need unpickling; refused",
            path,
            offset,
        )
    if any(d < 0 for d in shape):
        raise FormatError(f"member {name!r} has a negative shape {shape}", path, offset)
    nbytes = math.prod(shape) * dtype.itemsize
    if nbytes != avail:
        raise FormatError(
            f"member {name!r} is damaged: its header says {shape} {dtype} ({nbytes} "
            f"bytes) but it holds {avail} bytes",
            path,
            offset,
        )
    return nbytes


def _line(exc: BaseException) -> str:
    """An exception's message as one line (NumPy's and zipfile's can span several)."""
    text = " ".join(str(exc).split())
    return text[:200] + ("…" if len(text) > 200 else "")


def _npy_header(
    fp: Any, name: str, path: Any, offset: int
) -> tuple[tuple[int, ...], bool, np.dtype]:
    """(shape, fortran_order, dtype) from a .npy header, which is parsed, never run.

    The header's length is checked before it is read (NumPy's limit, 10,000 bytes), and
    every problem is one line naming the member.
    """
    try:
        version = np.lib.format.read_magic(fp)
        if version not in ((1, 0), (2, 0)):
            raise FormatError(
                f"member {name!r} has an unsupported .npy version {version}", path, offset
            )
        size_bytes = fp.read(2 if version == (1, 0) else 4)
        (length,) = struct.unpack("<H" if version == (1, 0) else "<I", size_bytes)
        if length > MAX_HEADER:
            raise FormatError(
                f"member {name!r} has a .npy header of {length} bytes; at most "
                f"{MAX_HEADER} are read (a damaged or hostile file)",
                path,
                offset,
            )
        header = fp.read(length)
        read = getattr(np.lib.format, f"read_array_header_{version[0]}_0")
        return read(io.BytesIO(size_bytes + header))
    except FormatError:
        raise
    except Exception as exc:  # noqa: BLE001 - NumPy parses the header text with tokenize and
        # ast.literal_eval, whose errors (TokenError, SyntaxError, MemoryError on deep nesting
        # ...) all mean the same thing here: the header is not a valid one.
        raise FormatError(
            f"member {name!r} has a bad .npy header ({type(exc).__name__}: {_line(exc)})",
            path,
            offset,
        ) from None
