"""This program's model file: a NumPy ``.npz`` archive with no pickled objects.

Members (all plain arrays; read by parsing their ``.npy`` headers, never unpickled):

=================  ==========================================================
``format_version`` int64 scalar, currently 1
``vectors``        float32 (n, d): the word (input) vectors
``context``        float32 (n, d): the context (output) vectors; optional
``words``          uint8: the words' UTF-8 bytes, concatenated
``word_offsets``   int64 (n + 1,): word i is ``words[offsets[i]:offsets[i+1]]``
``counts``         int64 (n,): corpus counts
``norms``          float32 (n,): each vector's length; optional (files before it)
``config_json``    uint8: UTF-8 JSON of ``TrainingConfig.to_dict()``; empty if none
``state_json``     uint8: UTF-8 JSON of a dict (training position etc.)
=================  ==========================================================

Members are stored uncompressed, each array's data 64-byte aligned in the file (a
zipalign-style padding extra field), so ``vectors`` and ``context`` open memory-mapped,
read-only, and reopening a 3.6 GB model reads none of it: the row lengths cosines need
are stored (``norms``), and the words stay one UTF-8 blob until all of them are needed
(:class:`~w2v_gui.core.wordlist.WordList`). Files without ``norms`` (written before it)
cost a pass over the matrix at open, which also refuses NaN/inf values; with ``norms``,
lengths that are not finite are refused at open and NaN/inf values by the first query
(a full pass). Compressed or unaligned members (older files, ``np.savez_compressed``)
are read into memory, after checking what they claim. The CRC of a mapped member is not
checked (that would read it all again); its header and size are.
"""

from __future__ import annotations

import json
import os
import zipfile
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from w2v_gui.core.config import TrainingConfig
from w2v_gui.core.errors import FormatError
from w2v_gui.core.formats import _common, atomic_write, npz
from w2v_gui.core.formats._common import Progress, check_options, finish
from w2v_gui.core.nearest import not_finite, row_norms
from w2v_gui.core.vectors import Embeddings
from w2v_gui.core.wordlist import WordList

FORMAT_VERSION = 1
#: Words per slice of work that holds the interpreter lock (a few ms each).
_LOCK_SLICE = 1 << 13
_REQUIRED = (
    "format_version",
    "vectors",
    "words",
    "word_offsets",
    "counts",
    "config_json",
    "state_json",
)


@dataclass(frozen=True)
class NativeModel:
    """What a native model file holds."""

    embeddings: Embeddings
    context: np.ndarray | None = None
    config: TrainingConfig | None = None
    state: dict[str, Any] = field(default_factory=dict)


def save(
    path: str | os.PathLike[str],
    emb: Embeddings,
    *,
    context: np.ndarray | None = None,
    config: TrainingConfig | None = None,
    state: dict[str, Any] | None = None,
    progress: Progress | None = None,
) -> None:
    """Write a native model file atomically.

    Parameters
    ----------
    path : path-like
        Conventionally ``*.npz``.
    emb : Embeddings
    context : ndarray, optional
        Context (output) vectors, same shape as ``emb.vectors``.
    config : TrainingConfig, optional
    state : dict, optional
        Anything JSON can hold (NumPy scalars and arrays are converted).
    progress : callable, optional
        ``progress(bytes_written, bytes_total)`` of the arrays' data, before the first
        byte and after every few MB. An exception it raises stops the save, removes the
        unfinished file and leaves any old file at ``path`` as it was.
    """
    n, dim = emb.vectors.shape
    arrays: dict[str, np.ndarray] = {}
    if context is not None:
        context = np.asarray(context)
        if context.shape != (n, dim):
            raise ValueError(
                f"context must have the shape of the vectors {(n, dim)}, got {context.shape}"
            )
        arrays["context"] = context.astype(np.float32, copy=False)
    encoded = [w.encode("utf-8", "surrogatepass") for w in emb.words]
    offsets = np.zeros(n + 1, dtype=np.int64)
    np.cumsum([len(b) for b in encoded], out=offsets[1:])
    config_json = "" if config is None else json.dumps(config.to_dict())
    state_json = json.dumps({} if state is None else state, default=_json_default)
    arrays.update(
        format_version=np.array(FORMAT_VERSION, dtype=np.int64),
        vectors=emb.vectors,
        words=np.frombuffer(b"".join(encoded), dtype=np.uint8),
        word_offsets=offsets,
        counts=emb.counts,
        norms=_norms(emb),
        config_json=_blob(config_json),
        state_json=_blob(state_json),
    )
    # (Not np.ascontiguousarray: it makes the 0-d format_version 1-d.)
    arrays = {k: np.asarray(a, order="C") for k, a in arrays.items()}
    total = sum(a.nbytes for a in arrays.values())
    done = 0
    if progress is not None:
        progress(0, total)
    with (
        atomic_write(path, "wb") as f,
        zipfile.ZipFile(f, "w", zipfile.ZIP_STORED, allowZip64=True) as zf,
    ):
        # What np.savez writes (stored .npy members, zip64 forced as NumPy does), one
        # slice at a time so that progress can be told and the save stopped between them.
        for key, array in arrays.items():
            with zf.open(npz.aligned_info(key + ".npy", f.tell()), "w", force_zip64=True) as member:
                np.lib.format.write_array_header_1_0(
                    member, np.lib.format.header_data_from_array_1_0(array)
                )
                data = array.reshape(-1).view(np.uint8)
                for lo in range(0, data.size, _common.WRITE_BYTES):
                    chunk = data[lo : lo + _common.WRITE_BYTES]
                    member.write(memoryview(chunk))
                    done += chunk.size
                    if progress is not None:
                        progress(done, total)


def load(path: str | os.PathLike[str], *, progress: Progress | None = None) -> NativeModel:
    """Read a native model file.

    Every member's declared shape is checked against the bytes the archive really holds
    before anything is allocated, so a damaged or hostile file cannot make this ask for
    more memory than its own size (stored members) or its ~1000x deflate bound.

    Parameters
    ----------
    path : path-like
    progress : callable, optional
        ``progress(bytes_done, bytes_total)``, called after each member.

    Raises
    ------
    FormatError
        If the file is not such an archive, a member is missing or malformed, or it was
        written by a newer version of this program. The message says which.
    """
    with open(path, "rb") as f:
        size = os.fstat(f.fileno()).st_size
        if f.read(4) not in (b"PK\x03\x04", b"PK\x05\x06"):
            raise FormatError("not a native model file (expected an .npz archive)", path, 0)
        f.seek(0)
        try:
            zf = zipfile.ZipFile(f)
        except npz.ZIP_ERRORS as exc:
            raise FormatError(f"not a readable .npz archive: {exc}", path) from None
        with zf:
            model = _read(npz.Archive(zf, f, path, size, progress), path)
    if progress is not None:
        progress(size, size)
    return model


def load_embeddings(
    path: str | os.PathLike[str],
    *,
    limit: int | None = None,
    dtype: Any = np.float32,
    progress: Progress | None = None,
) -> Embeddings:
    """The word vectors of a native model file, with the options every loader has.

    ``limit`` keeps the first N words, ``dtype`` rounds the values through that type.
    """
    dt = check_options(limit, dtype)
    emb = load(path, progress=progress).embeddings
    if limit is None and dt == np.float32:
        return emb
    n = len(emb) if limit is None else min(limit, len(emb))
    return finish(list(emb.words[:n]), emb.vectors[:n], dt, path, emb.counts[:n])


def _read(archive: Any, path: Any) -> NativeModel:
    members = set(archive.files)
    missing = [m for m in _REQUIRED if m not in members]
    if "format_version" in missing:
        raise FormatError("not a native model file (no format_version member)", path)
    version = _member(archive, "format_version", path)
    if version.shape != () or version.dtype.kind not in "iu":
        raise FormatError("format_version must be a whole number", path)
    version = int(version)
    if version > FORMAT_VERSION:
        raise FormatError(
            f"written by a newer version of this program (format_version "
            f"{version}); this version reads up to {FORMAT_VERSION}",
            path,
        )
    if version < 1:
        raise FormatError(f"invalid format_version {version}", path)
    if missing:
        raise FormatError(f"member(s) missing: {', '.join(missing)}", path)

    vectors = _member(archive, "vectors", path)
    if vectors.ndim != 2 or vectors.dtype.kind != "f" or vectors.shape[1] < 1:
        raise FormatError(
            f"vectors must be a 2-D float array, got {vectors.dtype} {vectors.shape}", path
        )
    n = vectors.shape[0]
    blob = _member(archive, "words", path)
    offsets = _member(archive, "word_offsets", path)
    if blob.ndim != 1 or blob.dtype != np.uint8:
        raise FormatError(f"words must be a 1-D uint8 array, got {blob.dtype} {blob.shape}", path)
    if (
        offsets.shape != (n + 1,)
        or offsets.dtype.kind not in "iu"
        or offsets[0] != 0
        or offsets[-1] != blob.size
        or np.any(np.diff(offsets) < 0)
    ):
        raise FormatError(
            f"word_offsets must be {n + 1} non-decreasing offsets from 0 to {blob.size}", path
        )
    words = _words(blob, offsets, path)
    counts = _member(archive, "counts", path)
    if counts.shape != (n,) or counts.dtype.kind not in "iu":
        raise FormatError(
            f"counts must be {n} whole numbers, got {counts.dtype} {counts.shape}", path
        )

    context = None
    if "context" in members:
        context = _member(archive, "context", path)
        if context.shape != vectors.shape or context.dtype.kind != "f":
            raise FormatError(
                f"context must be a float array of shape {vectors.shape}, got "
                f"{context.dtype} {context.shape}",
                path,
            )
        if not (context.dtype == np.float32 and context.flags.c_contiguous):
            context = np.ascontiguousarray(context, dtype=np.float32)
        if context.flags.writeable:
            context.flags.writeable = False

    config_text = _json_text(archive, "config_json", path)
    config = None
    if config_text:
        values = _json_load(config_text, "config_json", path)
        if not isinstance(values, dict):
            raise FormatError("config_json must hold a JSON object", path)
        try:
            config = TrainingConfig.from_dict(values)
        except (TypeError, ValueError) as exc:
            raise FormatError(f"invalid training configuration: {exc}", path) from None
    state_text = _json_text(archive, "state_json", path)
    state = _json_load(state_text, "state_json", path) if state_text else {}
    if not isinstance(state, dict):
        raise FormatError("state_json must hold a JSON object", path)

    if not (vectors.dtype == np.float32 and vectors.flags.c_contiguous):
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    norms = _member(archive, "norms", path) if "norms" in members else None
    if norms is None or not isinstance(vectors, np.memmap):
        # One pass over the matrix: the NaN/inf check and the lengths every cosine
        # needs, so the first query reads the matrix only once more.
        norms, bad = row_norms(vectors)
        if bad is not None:
            raise FormatError(not_finite(bad, words[bad]), path)
    elif norms.shape != (n,) or norms.dtype != np.float32:
        raise FormatError(
            f"norms must be {n} float32 lengths, got {norms.dtype} {norms.shape}", path
        )
    elif not (np.isfinite(norms).all() and (norms >= 0).all()):
        bad = int(np.argmin(np.isfinite(norms) & (norms >= 0)))
        raise FormatError(not_finite(bad, words[bad]), path)
    emb = Embeddings(words, vectors, counts, copy=False, norms=norms)
    return NativeModel(emb, context, config, state)


def _norms(emb: Embeddings) -> np.ndarray:
    """The rows' lengths as loaders compute them (:func:`row_norms`), so that a reopened
    model's cosines equal the saved one's bit for bit."""
    return row_norms(emb.vectors)[0]


def _words(blob: np.ndarray, offsets: np.ndarray, path: Any) -> WordList | list[str]:
    """The words as a :class:`WordList` (a newline after each word; checked to be UTF-8
    without making a string per word), or decoded if a word holds a newline."""
    n = len(offsets) - 1
    if not n or (blob == 10).any():
        return _decode_words(blob, offsets, path)
    joined = np.empty(blob.size + n, dtype=np.uint8)
    at = offsets[1:] + np.arange(n)
    keep = np.ones(joined.size, dtype=bool)
    keep[at] = False
    joined[keep] = blob
    joined[at] = 10
    raw = joined.tobytes()
    try:
        raw.decode("utf-8", "surrogatepass")  # each word is valid: "\n" ends every one
    except UnicodeDecodeError as exc:
        raise FormatError(f"words are not valid UTF-8: {exc.reason}", path) from None
    return WordList(raw, 10, "utf-8", "surrogatepass")


def _decode_words(blob: np.ndarray, offsets: np.ndarray, path: Any) -> list[str]:
    """The words from their concatenated UTF-8 bytes and the offsets between them."""
    n = len(offsets) - 1
    words: list[str] = []
    try:
        if n and not (blob == 10).any():
            # One decode and one split per slice of words instead of a decode per word
            # (3 million words: 0.3 s instead of 1.5 s): a newline after each word, then
            # split on them. In slices, because each call holds the interpreter lock.
            for lo in range(0, n, _LOCK_SLICE):
                hi = min(n, lo + _LOCK_SLICE)
                part = blob[offsets[lo] : offsets[hi]]
                joined = np.empty(part.size + hi - lo, dtype=np.uint8)
                at = offsets[lo + 1 : hi + 1] - offsets[lo] + np.arange(hi - lo)
                keep = np.ones(joined.size, dtype=bool)
                keep[at] = False
                joined[keep] = part
                joined[at] = 10
                words += joined.tobytes().decode("utf-8", "surrogatepass").split("\n")[:-1]
            return words
        raw = blob.tobytes()
        bounds = offsets.tolist()
        return [
            raw[a:b].decode("utf-8", "surrogatepass")
            for a, b in zip(bounds[:-1], bounds[1:], strict=True)
        ]
    except UnicodeDecodeError as exc:
        raise FormatError(f"words are not valid UTF-8: {exc.reason}", path) from None


def _member(archive: npz.Archive, name: str, path: Any) -> np.ndarray:
    return archive[name]


def _json_text(archive: Any, name: str, path: Any) -> str:
    blob = _member(archive, name, path)
    if blob.ndim != 1 or blob.dtype != np.uint8:
        raise FormatError(f"{name} must be a 1-D uint8 array, got {blob.dtype} {blob.shape}", path)
    try:
        return blob.tobytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise FormatError(f"{name} is not valid UTF-8: {exc.reason}", path) from None


def _json_load(text: str, name: str, path: Any) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise FormatError(f"{name} is not valid JSON: {exc}", path) from None
    except RecursionError:
        raise FormatError(f"{name} is nested too deeply", path) from None


def _blob(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-8"), dtype=np.uint8)


def _json_default(obj: Any) -> Any:
    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, np.ndarray):
        return obj.tolist()
    raise TypeError(f"state value of type {type(obj).__name__} cannot be stored as JSON")
