"""This program's model file: a NumPy ``.npz`` archive with no pickled objects.

Members (all plain arrays, read with ``allow_pickle=False``):

=================  ==========================================================
``format_version`` int64 scalar, currently 1
``vectors``        float32 (n, d): the word (input) vectors
``context``        float32 (n, d): the context (output) vectors; optional
``words``          uint8: the words' UTF-8 bytes, concatenated
``word_offsets``   int64 (n + 1,): word i is ``words[offsets[i]:offsets[i+1]]``
``counts``         int64 (n,): corpus counts
``config_json``    uint8: UTF-8 JSON of ``TrainingConfig.to_dict()``; empty if none
``state_json``     uint8: UTF-8 JSON of a dict (training position etc.)
=================  ==========================================================
"""

from __future__ import annotations

import json
import os
import zipfile
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from core.config import TrainingConfig
from core.errors import FormatError
from core.formats import atomic_write
from core.vectors import Embeddings

FORMAT_VERSION = 1
_REQUIRED = ("format_version", "vectors", "words", "word_offsets", "counts", "config_json",
             "state_json")


@dataclass(frozen=True)
class NativeModel:
    """What a native model file holds."""

    embeddings: Embeddings
    context: np.ndarray | None = None
    config: TrainingConfig | None = None
    state: dict[str, Any] = field(default_factory=dict)


def save(path: str | os.PathLike[str], emb: Embeddings, *, context: np.ndarray | None = None,
         config: TrainingConfig | None = None, state: dict[str, Any] | None = None) -> None:
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
    """
    n, dim = emb.vectors.shape
    arrays: dict[str, np.ndarray] = {}
    if context is not None:
        context = np.asarray(context)
        if context.shape != (n, dim):
            raise ValueError(f"context must have the shape of the vectors {(n, dim)}, "
                             f"got {context.shape}")
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
        config_json=_blob(config_json),
        state_json=_blob(state_json),
    )
    with atomic_write(path, "wb") as f:
        np.savez(f, **arrays)


def load(path: str | os.PathLike[str]) -> NativeModel:
    """Read a native model file.

    Raises
    ------
    FormatError
        If the file is not such an archive, a member is missing or malformed, or it was
        written by a newer version of this program. The message says which.
    """
    # We open the file (not np.load) so that it is closed even when the archive is bad.
    with open(path, "rb") as f:
        if f.read(4) not in (b"PK\x03\x04", b"PK\x05\x06"):
            raise FormatError("not a native model file (expected an .npz archive)", path)
        f.seek(0)
        try:
            archive = np.load(f, allow_pickle=False)
        except (ValueError, EOFError, zipfile.BadZipFile) as exc:
            raise FormatError(f"not a readable .npz archive: {exc}", path) from None
        with archive:
            return _read(archive, path)


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
        raise FormatError(f"written by a newer version of this program (format_version "
                          f"{version}); this version reads up to {FORMAT_VERSION}", path)
    if version < 1:
        raise FormatError(f"invalid format_version {version}", path)
    if missing:
        raise FormatError(f"member(s) missing: {', '.join(missing)}", path)

    vectors = _member(archive, "vectors", path)
    if vectors.ndim != 2 or vectors.dtype.kind != "f" or vectors.shape[1] < 1:
        raise FormatError(f"vectors must be a 2-D float array, got {vectors.dtype} "
                          f"{vectors.shape}", path)
    n = vectors.shape[0]
    blob = _member(archive, "words", path)
    offsets = _member(archive, "word_offsets", path)
    if blob.ndim != 1 or blob.dtype != np.uint8:
        raise FormatError(f"words must be a 1-D uint8 array, got {blob.dtype} {blob.shape}", path)
    if (offsets.shape != (n + 1,) or offsets.dtype.kind not in "iu" or offsets[0] != 0
            or offsets[-1] != blob.size or np.any(np.diff(offsets) < 0)):
        raise FormatError(f"word_offsets must be {n + 1} non-decreasing offsets from 0 to "
                          f"{blob.size}", path)
    raw = blob.tobytes()
    bounds = offsets.tolist()
    try:
        words = [raw[a:b].decode("utf-8", "surrogatepass")
                 for a, b in zip(bounds[:-1], bounds[1:], strict=True)]
    except UnicodeDecodeError as exc:
        raise FormatError(f"words are not valid UTF-8: {exc.reason}", path) from None
    counts = _member(archive, "counts", path)
    if counts.shape != (n,) or counts.dtype.kind not in "iu":
        raise FormatError(f"counts must be {n} whole numbers, got {counts.dtype} "
                          f"{counts.shape}", path)

    context = None
    if "context" in members:
        context = _member(archive, "context", path)
        if context.shape != vectors.shape or context.dtype.kind != "f":
            raise FormatError(f"context must be a float array of shape {vectors.shape}, got "
                              f"{context.dtype} {context.shape}", path)
        context = np.ascontiguousarray(context, dtype=np.float32)
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

    emb = Embeddings(words, np.ascontiguousarray(vectors, dtype=np.float32), counts,
                     copy=False)
    return NativeModel(emb, context, config, state)


def _member(archive: Any, name: str, path: Any) -> np.ndarray:
    try:
        return archive[name]
    except ValueError as exc:  # e.g. an object array, which would need pickle
        raise FormatError(f"member {name!r} cannot be read: {exc}", path) from None
    except (EOFError, OSError, zipfile.BadZipFile) as exc:  # damaged archive
        raise FormatError(f"member {name!r} is damaged: {exc}", path) from None


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


def _blob(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-8"), dtype=np.uint8)


def _json_default(obj: Any) -> Any:
    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, np.ndarray):
        return obj.tolist()
    raise TypeError(f"state value of type {type(obj).__name__} cannot be stored as JSON")
