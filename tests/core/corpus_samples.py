"""Damaged and unusual corpus files, built byte by byte (shared by the reliability tests)."""

from __future__ import annotations

import gzip
import io
import struct
import zipfile
from pathlib import Path

TEXT = b"the cat sat on the mat\nthe dog sat on the log\n" * 20


def gzip_bad_block(path: Path) -> Path:
    """A gzip header followed by a deflate block of the reserved type 3 (zlib.error)."""
    path.write_bytes(b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03" + b"\x07" + bytes(40))
    return path


def truncated(path: Path, data: bytes, keep: float = 0.6) -> Path:
    path.write_bytes(data[: int(len(data) * keep)])
    return path


def _local_headers(data: bytes) -> list[int]:
    out, i = [], data.find(b"PK\x03\x04")
    while i >= 0:
        out.append(i)
        i = data.find(b"PK\x03\x04", i + 4)
    return out


def _central_headers(data: bytes) -> list[int]:
    out, i = [], data.find(b"PK\x01\x02")
    while i >= 0:
        out.append(i)
        i = data.find(b"PK\x01\x02", i + 4)
    return out


def zip_with(members: dict[str, bytes], method=zipfile.ZIP_DEFLATED) -> bytearray:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", method) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return bytearray(buf.getvalue())


def patch_member(data: bytearray, k: int, *, flag: int | None = None, method: int | None = None):
    """Set the flag bits or the method of member ``k`` in its local and central header."""
    loc, cen = _local_headers(data)[k], _central_headers(data)[k]
    if flag is not None:
        for at in (loc + 6, cen + 8):
            old = struct.unpack_from("<H", data, at)[0]
            struct.pack_into("<H", data, at, old | flag)
    if method is not None:
        struct.pack_into("<H", data, loc + 8, method)
        struct.pack_into("<H", data, cen + 10, method)
    return data


def damage_member_data(data: bytearray, k: int) -> bytearray:
    """Turn member ``k``'s deflate stream into a reserved-type block (zlib.error)."""
    loc = _local_headers(data)[k]
    name_len, extra_len = struct.unpack_from("<HH", data, loc + 26)
    start = loc + 30 + name_len + extra_len
    data[start] = 0x07
    return data


def gz(data: bytes) -> bytes:
    return gzip.compress(data, mtime=0)
