"""Phrases: join collocations such as "new york" into one token "new_york".

Counting and scoring follow gensim 4's ``Phrases`` exactly, so the phrases formed equal
gensim's on the same sentences and settings, but the work is vectorized on the ids of a
:class:`~w2v_gui.core.vocab.Scan`: every adjacent pair becomes one int64 key, keys are
counted with one sort, and the greedy left-to-right joining is array arithmetic.

gensim's rules, restated:

- Unigram counts cover the words that are not connector words; a candidate is a word,
  the connector words after it (any number) and the next non-connector word of the same
  sentence (line). Every such candidate is counted, overlapping ones included.
- ``'default'`` score = (count(ab) − min_count) / (count(a) · count(b)) · |vocab|, where
  |vocab| is the number of distinct unigrams *and* candidates counted; ``'npmi'`` =
  ln(p(ab) / (p(a) p(b))) / −ln p(ab) with p = count / all tokens (connectors included),
  and −inf below min_count. A candidate joins when its score > threshold.
- Joining runs left to right: after a join the next candidate starts at the following
  non-connector word, so in "a b c" with both pairs above threshold only "a_b" forms.

Counts are keyed by the joined string as in gensim, so a token read as "ru_486" and the
pair "ru 486" share one count (only text whose tokens hold ``_`` is affected). Not copied:
gensim prunes its count table when it outgrows ``max_vocab_size`` (40 million entries by
default); here counts are always exact.
"""

from __future__ import annotations

import math
import re
import threading
from collections.abc import Callable, Collection, Container, Iterable
from dataclasses import dataclass, replace

import numpy as np

from w2v_gui.core.errors import Cancelled
from w2v_gui.core.phrase_pass import DELIMITER, STAGES, Phrase, one_pass
from w2v_gui.core.vocab import Scan, TokenStream, Vocab

SCORINGS = ("default", "npmi")
#: gensim's ``ENGLISH_CONNECTOR_WORDS``: allowed inside a phrase, never at its ends.
ENGLISH_CONNECTOR_WORDS = frozenset(
    "a an the for of with without at from to in on by and or".split()
)
_WRITE_SLICE = 1 << 20  # tokens per string joined when writing text
_SPACED_BREAK = re.compile(" ?\n ?")


@dataclass(frozen=True, eq=False)
class PhraseResult:
    """The phrased scan and the phrases formed, most often formed first."""

    scan: Scan
    phrases: tuple[Phrase, ...]


def check_settings(passes: int, min_count: int, threshold: float, scoring: str) -> None:
    """Raise ``ValueError`` for settings gensim's ``Phrases`` would refuse (and bad passes)."""
    if isinstance(passes, bool) or not isinstance(passes, int) or passes < 0:
        raise ValueError(f"phrase passes must be a whole number ≥ 0, got {passes!r}")
    if isinstance(min_count, bool) or not isinstance(min_count, int) or min_count < 1:
        raise ValueError(f"phrase min_count must be a whole number ≥ 1, got {min_count!r}")
    if scoring not in SCORINGS:
        raise ValueError(f"phrase scoring must be 'default' or 'npmi', got {scoring!r}")
    if not isinstance(threshold, (int, float)) or not math.isfinite(threshold):
        raise ValueError(f"phrase threshold must be a finite number, got {threshold!r}")
    if scoring == "default" and threshold <= 0:
        raise ValueError(f"phrase threshold must be above 0 for 'default' scoring, got {threshold}")
    if scoring == "npmi" and not -1 < threshold <= 1:
        raise ValueError(
            f"phrase threshold must be above -1 and at most 1 for 'npmi' scoring, got {threshold}"
        )


def detect(
    scan: Scan,
    passes: int = 1,
    min_count: int = 5,
    threshold: float = 10.0,
    scoring: str = "default",
    connectors: Collection[str] = frozenset(),
    *,
    progress: Callable[[int, int], None] | None = None,
    stop: threading.Event | None = None,
) -> PhraseResult:
    """Detect phrases in ``scan`` and join them; ``passes`` rounds for longer phrases.

    Each pass counts and scores the output of the one before, like gensim's
    ``Phrases(Phrases(sentences)[sentences])``. ``scan`` itself is not changed.
    ``progress(done, total)`` is called after each stage of each pass (a pass is a few
    whole-array steps, so that is as fine as it gets); raises :class:`Cancelled` at the
    next stage once ``stop`` is set.
    """
    check_settings(passes, min_count, threshold, scoring)
    if not isinstance(scan.ids, np.ndarray):
        # Ids on disk (core/tokencache.py): the passes work on the whole array.
        scan = replace(scan, ids=scan.ids[:])
    found: list[Phrase] = []
    total, done = passes * STAGES, 0

    def poll() -> None:
        if stop is not None and stop.is_set():
            raise Cancelled("detecting phrases was cancelled")

    def tick() -> None:
        nonlocal done
        poll()
        done = min(done + 1, total)
        if progress is not None:
            progress(done, total)

    for no in range(1, passes + 1):
        done = (no - 1) * STAGES  # a pass that ended early skipped some of its stages
        poll()
        scan, new = one_pass(scan, min_count, float(threshold), scoring, connectors, no, tick, poll)
        found += new
        if not new:
            break
    return PhraseResult(scan, tuple(found[i] for i in _order(found)))


def _order(found: list[Phrase]) -> np.ndarray:
    """Indices of ``found`` most often formed first, then by count, then by text.

    NumPy sorts, which let go of the interpreter lock: ``list.sort`` compares in C while
    holding it, ~80 ms for the 30,000 phrases of the demo corpus, a stall of the app's
    window while its preview runs in a worker (and seconds on a corpus of 100M words).
    """
    if not found:
        return np.zeros(0, dtype=np.intp)
    text_rank = np.argsort(np.array([p.text for p in found]), kind="stable")
    rank = np.empty(len(found), dtype=np.int64)
    rank[text_rank] = np.arange(len(found))
    formed = np.fromiter((p.formed for p in found), dtype=np.int64, count=len(found))
    count = np.fromiter((p.count for p in found), dtype=np.int64, count=len(found))
    return np.lexsort((rank, -count, -formed))


def detect_for(scan: Scan, config, progress=None, stop=None) -> PhraseResult:
    """:func:`detect` with the phrase settings of ``config`` (a TrainingConfig)."""
    return detect(
        scan,
        config.phrases,
        config.phrase_min_count,
        config.phrase_threshold,
        config.phrase_scoring,
        ENGLISH_CONNECTOR_WORDS if config.phrase_connectors else (),
        progress=progress,
        stop=stop,
    )


def apply(scan: Scan, config) -> Scan:
    """``scan`` with the phrases of ``config`` joined; ``scan`` itself when they are off."""
    return detect_for(scan, config).scan if config.phrases else scan


def build(scan: Scan, config) -> tuple[Vocab, TokenStream]:
    """``scan.build`` for a training run: phrases joined first when ``config.phrases``."""
    return apply(scan, config).build(config.min_count, config.max_vocab_size)


def phrase_token(text: str, vocab: Container[str]) -> str | None:
    """The phrase token a multi-word query names, if ``vocab`` has it.

    ``"new york"`` → ``"new_york"`` (as typed, else lower-cased); None otherwise.
    """
    parts = text.split()
    if len(parts) < 2:
        return None
    joined = DELIMITER.join(parts)
    for word in (joined, joined.lower()):
        if word in vocab:
            return word
    return None


def sentences(scan: Scan) -> Iterable[list[str]]:
    """The scan's text as lists of tokens, one per line (empty lines included)."""
    words = np.array(scan.words, dtype=object)
    ids = scan.ids
    cuts = np.flatnonzero(ids == scan.newline_id) if scan.newline_id >= 0 else []
    start = 0
    for cut in cuts:
        yield words[ids[start:cut]].tolist()
        start = cut + 1
    if start < len(ids):
        yield words[ids[start:]].tolist()


def write_text(scan: Scan, path, progress=None) -> None:
    """Write ``scan``'s tokens as text: tokens joined by spaces, one line per line read.

    The line break the reader adds at the end of a file that already ended with one is
    left out, so a file comes back with as many lines as it had. Saved atomically.
    """
    from w2v_gui.core.formats import atomic_write

    words = np.array(scan.words, dtype=object)
    ids = scan.ids
    nl = scan.newline_id
    if nl >= 0 and len(ids) >= 2 and ids[-1] == nl and ids[-2] == nl:
        ids = ids[:-1]
    # Slices that end at a line break, so each is written on its own.
    breaks = np.flatnonzero(ids == nl) if nl >= 0 else np.zeros(0, np.intp)
    first_break = np.searchsorted(breaks, np.arange(_WRITE_SLICE, len(ids), _WRITE_SLICE))
    ends = np.unique(breaks[first_break[first_break < len(breaks)]] + 1)
    bounds = [0, *ends.tolist(), len(ids)]
    with atomic_write(path, "w") as f:
        for lo, hi in zip(bounds[:-1], bounds[1:], strict=True):
            if hi > lo:
                # NEWLINE is the token "\n": join all, then drop the spaces around breaks.
                f.write(_SPACED_BREAK.sub("\n", " ".join(words[ids[lo:hi]].tolist())))
            if progress is not None:
                progress(hi, len(ids))
        if nl < 0 or len(ids) == 0 or ids[-1] != nl:
            f.write("\n")
