"""TensorFlow Embedding Projector export: ``vectors.tsv`` + ``metadata.tsv``.

What https://projector.tensorflow.org loads ("Load" → two files):

- ``vectors.tsv``: one vector per line, values separated by tabs, no header;
- ``metadata.tsv``: one line per vector, in the same order. A single column (the word)
  has no header row; several columns (e.g. ``word<TAB>count``) have one.

The metadata file is found beside the vectors file: the name with ``vectors`` replaced
by ``metadata`` (``vectors.tsv`` → ``metadata.tsv``, ``glove_vectors.tsv`` →
``glove_metadata.tsv``), else ``<name>_metadata.tsv``, else a plain ``metadata.tsv`` in
the same folder; or it is given explicitly. Which column holds the word is taken from
the header (``word``, ``token``, ``label``, ...; else the first column); a ``count``
column becomes the counts.

The two files are one save: both are written in full before either replaces its old
version, and a small hidden manifest beside them (``.vectors.tsv.w2v-pair.json``: each
file's size and CRC-32) is replaced first. A save killed between the renames leaves a
manifest that matches neither old nor mixed files, so loading a pair that does not
belong together is refused instead of giving every word another word's vector. Files
without a manifest (written by other tools) load as before.
"""

from __future__ import annotations

import json
import os
import zlib
from typing import Any

import numpy as np

from w2v_gui.core.errors import FormatError
from w2v_gui.core.formats import atomic_write_many, open_regular
from w2v_gui.core.formats._common import (
    NONE,
    Progress,
    Rows,
    TextBlockParser,
    blocks,
    check_finite,
    check_options,
    estimate_rows,
    file_size,
    finish,
    parse_dtype,
    write_rows,
)
from w2v_gui.core.vectors import Embeddings

_BOM = b"\xef\xbb\xbf"
_WORD_COLUMNS = ("word", "words", "token", "label", "name", "text", "key", "term")
_COUNT_COLUMNS = ("count", "counts", "frequency", "freq")


def metadata_path(path: str | os.PathLike[str]) -> str:
    """The metadata file that belongs to the vectors file ``path``."""
    path = os.fspath(path)
    folder, name = os.path.split(path)
    stem, ext = os.path.splitext(name)
    i = stem.lower().rfind("vectors")
    if i >= 0:
        return os.path.join(folder, stem[:i] + "metadata" + stem[i + len("vectors") :] + ext)
    return os.path.join(folder, f"{stem}_metadata{ext or '.tsv'}")


def load(
    path: str | os.PathLike[str],
    *,
    metadata: str | os.PathLike[str] | None = None,
    limit: int | None = None,
    dtype: Any = np.float32,
    encoding: str = "utf-8",
    unicode_errors: str = "replace",
    progress: Progress | None = None,
) -> Embeddings:
    """Read a projector export.

    Parameters
    ----------
    path : path-like
        The vectors file (``vectors.tsv``). Passing the metadata file instead also
        works when its ``vectors`` twin is beside it.
    metadata : path-like, optional
        The metadata file; found beside ``path`` when omitted (see the module notes).
    limit : int, optional
        Read at most this many rows of each file.
    dtype, encoding, unicode_errors, progress
        As for the other loaders.

    Raises
    ------
    FormatError
        No metadata file, row counts that differ, a line with the wrong number of
        values or a value that is not a number, a bad count. Names file, line and byte.
    """
    dt = check_options(limit, dtype, encoding, unicode_errors)
    path, metadata = _pair(os.fspath(path), metadata)
    with open_regular(path) as raw_vf, open_regular(metadata) as mf:
        vf = _Crc(raw_vf)
        vsize, msize = file_size(raw_vf), file_size(mf)
        total = vsize + msize

        def vector_progress(done: int, _: int) -> None:
            if progress is not None:
                progress(done, total)

        vectors = _read_vectors(vf, path, vsize, limit, parse_dtype(dt), vector_progress)
        data = b"".join(b for _, b in blocks(mf, msize, 0, None, path=metadata))
        _check_pair(path, metadata, vsize, msize, vf.crc if limit is None else None, data)
        words, counts, what = _read_metadata(data, metadata, limit, encoding, unicode_errors)
        del data
    n = len(vectors)
    if len(words) != n:  # (with a limit, both were cut to it if they had that many rows)
        hint = ""
        if what == "single" and len(words) == n + 1:
            hint = " (a single-column metadata file has no header row)"
        raise FormatError(
            f"{len(words)} rows in the metadata file {metadata} but {n} vectors "
            f"in {path}; the rows must match one to one{hint}",
            metadata,
        )
    if progress is not None:
        progress(total, total)
    check_finite(vectors, path, words, dt)
    return finish(words, vectors, dt, path, counts, what="row")


def save(
    emb: Embeddings,
    path: str | os.PathLike[str],
    *,
    metadata: str | os.PathLike[str] | None = None,
    progress: Progress | None = None,
) -> None:
    """Write a projector export: the vectors to ``path`` and the words beside it.

    The metadata has one column (the words) when all counts are zero, else a header
    ``word<TAB>count`` and two columns. Both files are written in full before either
    replaces its old version; the pair's manifest is renamed first (see the module notes).
    ``progress(vectors_written, vectors_total)`` as for :func:`core.formats.word2vec.save`.

    Raises
    ------
    FormatError
        If a word is empty or contains a tab or a line break.
    """
    metadata = metadata_path(path) if metadata is None else os.fspath(metadata)
    if os.path.abspath(metadata) == os.path.abspath(os.fspath(path)):
        raise ValueError(f"the metadata file cannot be the vectors file {os.fspath(path)!r}")
    for w in emb.words:
        if not w or "\t" in w or "\n" in w or "\r" in w:
            raise FormatError(
                f"word {w!r} is empty or contains a tab or line break, which "
                f"the projector's metadata.tsv cannot store",
                path,
            )
    with_counts = bool(np.any(emb.counts))
    try:
        if with_counts:
            text = "word\tcount\n" + "".join(
                f"{w}\t{c}\n" for w, c in zip(emb.words, emb.counts.tolist(), strict=True)
            )
        else:
            text = "".join(w + "\n" for w in emb.words)
        data = text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise FormatError(f"a word cannot be written as UTF-8: {exc.reason}", path) from None
    vectors = emb.vectors
    n, dim = vectors.shape
    fmt = "\t".join(["%.9g"] * dim) + "\n"
    manifest = manifest_path(path)
    with atomic_write_many([manifest, metadata, path]) as (man, mf, f):
        mf.write(data)
        crc = size = 0
        for lo, hi in write_rows(n, dim, progress):
            chunk = "".join(fmt % tuple(row) for row in vectors[lo:hi].tolist()).encode("ascii")
            f.write(chunk)
            crc, size = zlib.crc32(chunk, crc), size + len(chunk)
        record = {
            "written by": "w2v-gui: the two files of one projector export",
            "vectors": {"file": os.path.basename(path), "bytes": size, "crc32": crc},
            "metadata": {
                "file": os.path.basename(metadata),
                "bytes": len(data),
                "crc32": zlib.crc32(data),
            },
        }
        man.write(json.dumps(record, indent=1).encode("utf-8"))


def manifest_path(path: str | os.PathLike[str]) -> str:
    """The hidden file that records which vectors and metadata files belong together."""
    folder, name = os.path.split(os.fspath(path))
    return os.path.join(folder, f".{name}.w2v-pair.json")


class _Crc:
    """Reads through to a file and keeps the CRC-32 of what was read (from its start)."""

    def __init__(self, f: Any):
        self._f, self.crc = f, 0

    def read(self, n: int = -1) -> bytes:
        data = self._f.read(n)
        self.crc = zlib.crc32(data, self.crc)
        return data

    def seek(self, pos: int) -> int:
        if pos == 0:
            self.crc = 0
        return self._f.seek(pos)

    def fileno(self) -> int:
        return self._f.fileno()


def _check_pair(
    path: str, metadata: str, vsize: int, msize: int, vcrc: int | None, mdata: bytes
) -> None:
    """FormatError if the manifest beside ``path`` says these files were not saved together."""
    manifest = manifest_path(path)
    try:
        with open_regular(manifest) as f:
            record = json.loads(f.read(1 << 16))
        v, m = record["vectors"], record["metadata"]
        if m["file"] != os.path.basename(metadata):
            return  # the metadata was given explicitly: the manifest speaks of another
        expected = (v["bytes"], m["bytes"], m["crc32"], v["crc32"])
    except (OSError, ValueError, KeyError, TypeError, FormatError):
        return  # no manifest (another tool's export), or not one of ours
    found = (vsize, msize, zlib.crc32(mdata), vcrc)
    if vcrc is None:  # with a limit the vectors are not read to the end: sizes only
        expected, found = expected[:3], found[:3]
    if expected != found:
        raise FormatError(
            f"the vectors and the metadata file {metadata} do not belong together: they "
            f"were not written by the same save (an interrupted save leaves new vectors "
            f"beside old words). Save again; if you edited them on purpose, delete "
            f"{manifest}",
            path,
        )


def sniff(head: bytes) -> bool:
    """True if ``head`` looks like a vectors.tsv: lines of tab-separated numbers."""
    lines = head.removeprefix(_BOM).split(b"\n")
    if len(lines) > 1:
        lines.pop()
    lines = [ln for ln in lines if ln.strip()][:20]
    if not lines or b"\t" not in lines[0]:
        return False
    try:
        for ln in lines:
            [float(x) for x in ln.split(b"\t")]
    except ValueError:
        return False
    return True


def _pair(path: str, metadata: Any) -> tuple[str, str]:
    """(vectors file, metadata file)."""
    if metadata is not None:
        return path, os.fspath(metadata)
    folder, name = os.path.split(path)
    i = name.lower().rfind("metadata")
    if i >= 0:  # given the metadata file: use its twin if there is one
        twin = os.path.join(folder, name[:i] + "vectors" + name[i + len("metadata") :])
        if os.path.isfile(twin):
            return twin, path
    candidate = metadata_path(path)
    if not os.path.exists(candidate):
        plain = os.path.join(folder, "metadata.tsv")
        if os.path.exists(plain) and os.path.abspath(plain) != os.path.abspath(path):
            return path, plain
        if os.path.exists(path):
            raise FormatError(
                f"no word list: expected the projector metadata file "
                f"{candidate} beside the vectors (or pass it explicitly)",
                path,
            )
    return path, candidate


def _read_vectors(
    f: Any, path: Any, size: int, limit: int | None, dtype: np.dtype, progress: Progress
) -> np.ndarray:
    start = len(_BOM) if f.read(len(_BOM)) == _BOM else 0
    f.seek(start)
    parser: TextBlockParser | None = None
    rows: Rows | None = None
    blank = 0
    for offset, block in blocks(f, size, start, progress):
        if parser is None:
            first = next((ln for ln in block.split(b"\n") if ln.strip()), b"")
            dim = len(first.split())
            if dim == 0:
                blank += block.count(b"\n")  # only blank lines so far
                continue
            parser = TextBlockParser(path, dim, NONE, b"\t", dtype, "ascii", "strict")
            parser.line += blank
        want = None if limit is None else limit - (rows.n if rows is not None else 0)
        if want == 0:
            break
        _, v = parser.parse(offset, block, want)
        if rows is None:
            rows = Rows(parser.dim, dtype, estimate_rows(block, len(v), size, limit))
        rows.add(v)
    if parser is None:
        raise FormatError("no vectors: the file is empty", path, 0)
    return rows.result() if rows is not None else np.empty((0, parser.dim), dtype=dtype)


def _read_metadata(
    data: bytes, path: Any, limit: int | None, encoding: str, unicode_errors: str
) -> tuple[list[str], np.ndarray | None, str]:
    """(words, counts or None, "single" or "columns")."""
    start = len(_BOM) if data.startswith(_BOM) else 0
    raw = data[start:].split(b"\n")
    while raw and not raw[-1].strip(b"\r"):
        raw.pop()  # the final newline, and blank lines after the last row
    if not raw:
        return [], None, "single"
    try:
        lines = [ln.removesuffix(b"\r").decode(encoding, unicode_errors) for ln in raw]
    except UnicodeDecodeError:
        offset = start
        for no, ln in enumerate(raw, start=1):
            try:
                ln.decode(encoding, unicode_errors)
            except UnicodeDecodeError as exc:
                raise FormatError(
                    f"line {no} is not valid {encoding}: {exc.reason}", path, offset + exc.start
                ) from None
            offset += len(ln) + 1
        raise
    if "\t" not in lines[0]:
        rows = lines if limit is None else lines[:limit]
        return rows, None, "single"

    header = [h.strip().lower() for h in lines[0].split("\t")]
    word_col = next((header.index(c) for c in _WORD_COLUMNS if c in header), 0)
    count_col = next((header.index(c) for c in _COUNT_COLUMNS if c in header), None)
    body = lines[1:] if limit is None else lines[1 : limit + 1]
    need = max(word_col, -1 if count_col is None else count_col) + 1
    words: list[str] = []
    counts: list[int] = []
    for no, line in enumerate(body, start=2):
        fields = line.split("\t")
        if len(fields) < need:
            raise FormatError(
                f"line {no}: expected {len(header)} tab-separated columns "
                f"({', '.join(header)}), found {len(fields)}",
                path,
                _line_offset(data, start, no),
            )
        words.append(fields[word_col])
        if count_col is not None:
            text = fields[count_col].strip()
            try:
                c = int(text)
            except ValueError:
                c = -1
            if not 0 <= c < 2**63:
                raise FormatError(
                    f"line {no}: the count {text[:40]!r} is not a whole number >= 0",
                    path,
                    _line_offset(data, start, no),
                )
            counts.append(c)
    return words, (np.array(counts, dtype=np.int64) if count_col is not None else None), "columns"


def _line_offset(data: bytes, start: int, no: int) -> int:
    pos = start
    for _ in range(no - 1):
        pos = data.index(b"\n", pos) + 1
    return pos
