"""The session's long operations as plain functions ``fn(progress, stop)`` for a task:
reading a corpus, opening a model; and what the session says about models and runs.

No widgets and no state: :mod:`w2v_gui.session` runs these in :mod:`w2v_gui.tasks`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from w2v_gui.core.corpus import Corpus
from w2v_gui.core.errors import Cancelled
from w2v_gui.core.formats import NATIVE, detect_format, load_embeddings, native
from w2v_gui.core.formats.native import NativeModel
from w2v_gui.core.resume import resume_problem, scan_checksum
from w2v_gui.core.vocab import CACHE_OVER_TOKENS, Scan, scan
from w2v_gui.text import format_count

# Tokenizing and counting a chunk holds the interpreter lock throughout (re.findall, a
# dict lookup per token in C); at core's 4 MB default that froze the window ~300 ms per
# chunk. 256 kB chunks keep each hold near 20 ms and cost nothing measurable.
SCAN_CHUNK_BYTES = 1 << 18
CORPUS_FAILED = "Cannot read the corpus"  # the title of a failed corpus open


@dataclass(frozen=True)
class CorpusInfo:
    """A scanned corpus: what the corpus panel shows and what training starts from."""

    paths: tuple[str, ...]
    files: tuple[str, ...]
    total_bytes: int
    preview: str
    lowercase: bool
    token_pattern: str
    scan: Scan  # handed over by the scan worker; only read from here on
    checksum: int | None = None  # of the tokens: "is it still the same text?"

    @property
    def name(self) -> str:
        more = len(self.paths) - 1
        return Path(self.paths[0]).name + (f" (+{more})" if more else "")


def scan_corpus(paths: tuple[str, ...], lowercase: bool, token_pattern: str):
    def run(progress, stop) -> CorpusInfo:
        corpus = Corpus(
            paths, lowercase=lowercase, token_pattern=token_pattern, chunk_bytes=SCAN_CHUNK_BYTES
        )
        preview = corpus.preview(1500)
        # As `w2v train`: the ids of a big corpus stay in a temporary file on disk
        # (core/tokencache.py), read back a window at a time; a 47M-word corpus then
        # costs the session ~200 MB less for as long as it is open.
        result = scan(corpus, progress=progress, stop=stop, cache_over=CACHE_OVER_TOKENS)
        return CorpusInfo(
            paths,
            tuple(map(str, corpus.files)),
            corpus.total_bytes,
            preview,
            lowercase,
            token_pattern,
            result,
            checksum(result),
        )

    return run


def checksum(result: Scan) -> int:
    """Of the text as ids and of the words they stand for: "is it still the same text?"."""
    return scan_checksum(result)


def or_stop(
    progress: Callable[[int, int], None], stop: threading.Event, what: str
) -> Callable[[int, int], None]:
    """``progress`` for core's loaders and savers, raising Cancelled once ``stop`` is set
    (they let it through and stop; a save then leaves the old file)."""

    def progress_or_stop(done: int, total: int) -> None:
        if stop.is_set():
            raise Cancelled(f"{what} was cancelled")
        progress(done, total)

    return progress_or_stop


def save_model(model: NativeModel, path: str):
    """``fn(progress, stop)``: write ``model`` natively (vectors, context, config, training
    state), atomically; returns ``path``. A stop leaves the old file as it was."""

    def run(progress, stop) -> str:
        native.save(
            path,
            model.embeddings,
            context=model.context,
            config=model.config,
            state=model.state,
            progress=or_stop(progress, stop, "saving"),
        )
        return path

    return run


def load_model(path: str):
    def run(progress, stop) -> NativeModel:
        progress_or_stop = or_stop(progress, stop, "opening the model")
        if detect_format(path) == NATIVE:
            model = native.load(path, progress=progress_or_stop)
        else:
            model = NativeModel(load_embeddings(path, progress=progress_or_stop))
        # The row lengths and the word -> row index are made here, or the first queries
        # would make them on the GUI thread (2 s and more for 3 million words).
        model.embeddings.unit  # noqa: B018
        model.embeddings.index  # noqa: B018
        model.embeddings.prefix_index()  # for autocompletion
        return model

    return run


def continue_problem(model: NativeModel | None) -> str | None:
    """Why ``model`` cannot be continued, or None if it can (core's rule, which ``w2v
    train --resume`` follows too: the state is validated like any input)."""
    return resume_problem(model)


def progress_label(p) -> str:
    """What the vectors of a run at ``p`` (a TrainingProgress) are, for people:
    'training · epoch 2/5 · 1.2M words' (raw corpus words trained on so far)."""
    if p.done and not p.stopped:
        return f"trained · {p.epochs} epochs · {format_count(p.words_done)} words"
    state = "stopped" if p.done else "training"
    return f"{state} · epoch {p.epoch}/{p.epochs} · {format_count(p.words_done)} words"
