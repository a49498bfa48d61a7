"""Continuing a stopped run: the state a model file carries, checked like any other input.

A native ``.npz`` holds the trainer's position (:meth:`Trainer.state`) and, beside it,
a record of the corpus it was trained on (``state["corpus"]``) and whether the run
finished. Both the app's "Continue training" and ``w2v train --resume`` go through
:func:`resume_problem` and :func:`validate_state`, so a damaged or crafted
``state_json`` is one message naming the field, never an IndexError inside the trainer.
"""

from __future__ import annotations

import math
import numbers
import zlib
from typing import Any

import numpy as np

from w2v_gui.core.config import token_pattern_problem
from w2v_gui.core.errors import FormatError

_INT_MAX = 2**62  # far beyond any real run; keeps every count a machine integer


def scan_checksum(scan: Any) -> int:
    """CRC-32 of a scan's text as ids and of the words the ids stand for (a renamed word
    keeps its id, so the ids alone would not see it). "Is it still the same text?\""""
    ids = scan.ids
    if isinstance(ids, np.ndarray):
        crc = zlib.crc32(ids)
    else:  # a token cache on disk (core/tokencache.py): the same CRC, a slice at a time
        crc = 0
        for lo in range(0, len(ids), 1 << 22):
            crc = zlib.crc32(ids[lo : lo + (1 << 22)], crc)
    return zlib.crc32("\n".join(scan.words).encode("utf-8", "surrogatepass"), crc)


def corpus_record(paths: Any, scan: Any, config: Any) -> dict:
    """What a model keeps of its corpus (:func:`w2v_gui.core.provenance.corpus_record`)
    plus the checksum of its tokens, so that its run can be continued on the same text."""
    from w2v_gui.core.provenance import corpus_record as record

    return {**record(paths, scan.raw_words, config), "checksum": scan_checksum(scan)}


def resume_problem(model: Any) -> str | None:
    """Why ``model`` (a :class:`~w2v_gui.core.formats.native.NativeModel`) cannot be
    continued, or None if it can."""
    if model is None:
        return "no model is open"
    if model.context is None or model.config is None:
        return (
            "this model holds no training state to continue (only a stopped run saved as "
            ".npz by w2v-gui or by w2v train can be continued)"
        )
    try:
        state = validate_state(model.state)
    except FormatError as exc:
        return str(exc)
    if "corpus" not in state:
        return "this model does not record the corpus it was trained on"
    if state.get("finished", True):
        return "this model's training already finished"
    return None


def validate_state(
    state: Any, path: Any = None, *, jobs: int | None = None, epochs: int | None = None
) -> dict:
    """``state`` checked field by field; FormatError naming the first bad one.

    Parameters
    ----------
    state : the ``state_json`` dict of a model file.
    path : the file, for the message.
    jobs, epochs : the run's number of jobs and epochs, when known (the trainer passes
        them): positions must lie inside the run.
    """

    def bad(field: str, value: Any, expected: str) -> FormatError:
        shown = repr(value)
        shown = shown if len(shown) <= 60 else shown[:60] + "…"
        return FormatError(f"state_json: {field} must be {expected}, got {shown}", path)

    if not isinstance(state, dict):
        raise bad("the state", state, "a JSON object")
    out = dict(state)
    hi = jobs if jobs is not None else _INT_MAX
    out["next_job"] = next_job = _whole(state.get("next_job", 0), 0, hi, "next_job", bad)
    pending = state.get("partial_jobs", [])
    if not isinstance(pending, list):
        raise bad("partial_jobs", pending, "a list of [job, batch] pairs")
    pairs, seen = [], set()
    for p in pending:
        if not (isinstance(p, list) and len(p) == 2):
            raise bad("partial_jobs", p, "a list of [job, batch] pairs")
        job = _whole(p[0], 0, max(next_job - 1, 0), "a partial job", bad)
        if job >= next_job or job in seen:
            raise bad("a partial job", p[0], f"a job started before {next_job}, listed once")
        seen.add(job)
        pairs.append([job, _whole(p[1], 0, 2**31, "a partial job's batch", bad)])
    out["partial_jobs"] = pairs
    for name in ("words_done", "elapsed"):
        if name in state:
            out[name] = _number(state[name], name, bad)
    top_epoch = (epochs if epochs is not None else _INT_MAX) - 1
    for name, kind in (("epoch_loss", float), ("epoch_pairs", int)):
        table = state.get(name, {})
        if not isinstance(table, dict):
            raise bad(name, table, "an object of epoch: value")
        clean = {}
        for k, v in table.items():
            if not (isinstance(k, str) and k.isdigit() and int(k) <= top_epoch):
                raise bad(f"{name} key", k, f"an epoch number from 0 to {top_epoch}")
            clean[k] = _whole(v, 0, _INT_MAX, name, bad) if kind is int else _number(v, name, bad)
        out[name] = clean
    if "finished" in state and not isinstance(state["finished"], bool):
        raise bad("finished", state["finished"], "true or false")
    if "corpus" in state:
        out["corpus"] = _corpus(state["corpus"], bad)
    return out


def _whole(value: Any, lo: int, hi: int, field: str, bad) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or not lo <= value <= hi:
        raise bad(field, value, f"a whole number from {lo} to {hi}")
    return int(value)


def _number(value: Any, field: str, bad) -> float:
    if (
        isinstance(value, bool)
        or not isinstance(value, numbers.Real)
        or not math.isfinite(value)
        or value < 0
    ):
        raise bad(field, value, "a finite number >= 0")
    return float(value)


def _corpus(c: Any, bad) -> dict:
    if not isinstance(c, dict):
        raise bad("corpus", c, "an object")
    paths = c.get("paths")
    if not (isinstance(paths, list) and paths and all(isinstance(p, str) and p for p in paths)):
        raise bad("corpus.paths", paths, "a non-empty list of file names")
    _whole(c.get("raw_words"), 0, _INT_MAX, "corpus.raw_words", bad)
    if not isinstance(c.get("lowercase"), bool):
        raise bad("corpus.lowercase", c.get("lowercase"), "true or false")
    pattern = c.get("token_pattern")
    if not isinstance(pattern, str) or token_pattern_problem(pattern) is not None:
        raise bad("corpus.token_pattern", pattern, "a valid token pattern")
    checksum = c.get("checksum")
    if checksum is not None:
        _whole(checksum, 0, 2**32 - 1, "corpus.checksum", bad)
    return dict(c)
