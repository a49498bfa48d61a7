"""Describing the vocabulary: :func:`corpus_counts`, :func:`zipf`, :func:`zipf_fit`,
:func:`min_count_curve` and :func:`vocabulary_table`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from w2v_gui.core.phrase_pass import DELIMITER
from w2v_gui.core.vocab import Scan, Vocab


def corpus_counts(scan: Scan) -> tuple[list[str], np.ndarray]:
    """Every distinct word of a scanned corpus with its count (the line-break marker the
    scan records is not a word and is left out)."""
    if scan.newline_id < 0:
        return list(scan.words), scan.counts
    keep = np.ones(len(scan.words), dtype=bool)
    keep[scan.newline_id] = False
    nl = scan.newline_id
    return scan.words[:nl] + scan.words[nl + 1 :], scan.counts[keep]


def zipf(counts: np.ndarray, max_points: int = 2000) -> tuple[np.ndarray, np.ndarray]:
    """Rank (1 = most frequent) and count of words, for a log-log plot.

    A vocabulary of a million words would be a million points, nearly all in the flat
    tail; ranks are thinned to about ``max_points`` spaced evenly in log(rank), always
    keeping the first and the last.
    """
    c = np.sort(np.asarray(counts, dtype=np.int64))[::-1]
    c = c[c > 0]
    n = len(c)
    if n == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    ranks = np.arange(1, n + 1)
    if n > max_points:
        ranks = np.unique(np.rint(np.geomspace(1, n, max_points)).astype(np.int64))
    return ranks, c[ranks - 1]


def zipf_fit(counts: np.ndarray) -> tuple[float, float]:
    """Zipf's law fitted: ``(s, c)`` with count ≈ c · rank^−s, a least-squares line in
    log-log space over ranks spaced evenly in log(rank) (so the long tail does not
    outvote the head). Natural text gives s ≈ 1. NaNs with fewer than two ranks."""
    ranks, c = zipf(counts, max_points=200)
    if len(ranks) < 2:
        return float("nan"), float("nan")
    slope, intercept = np.polyfit(np.log(ranks), np.log(c), 1)
    return float(-slope), float(np.exp(intercept))


def min_count_curve(
    counts: np.ndarray, min_counts: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Vocabulary size and share of corpus tokens kept, for each ``min_count``.

    Returns ``(min_counts, sizes, token_share)``; by default ``min_counts`` are 1, 2, 3, ...
    spaced about evenly in log scale up to the largest count.
    """
    c = np.sort(np.asarray(counts, dtype=np.int64))
    if min_counts is None:
        top = int(c[-1]) if c.size else 1
        min_counts = np.unique(np.rint(np.geomspace(1, max(top, 1), 200)).astype(np.int64))
    m = np.asarray(min_counts, dtype=np.int64)
    first = np.searchsorted(c, m, side="left")  # words below min_count come first
    sizes = len(c) - first
    tail = np.concatenate([[0], np.cumsum(c[::-1])])  # tail[k] = sum of the k largest
    total = tail[-1]
    share = tail[sizes] / total if total > 0 else np.zeros(len(m))
    return m, sizes, share


@dataclass(frozen=True, eq=False)
class VocabularyTable:
    """All words, most frequent first, with what training would do with each.

    ``kept`` of them (the first ``kept`` rows) make the vocabulary at the given
    ``min_count`` / ``max_vocab_size``; ``keep`` is their subsampling keep-probability
    (NaN for words not in the vocabulary).
    """

    words: tuple[str, ...]
    counts: np.ndarray
    keep: np.ndarray
    kept: int
    total: int  # all tokens of the words listed

    def search(self, text: str, limit: int | None = None) -> np.ndarray:
        """Rows whose word contains ``text`` (case-insensitive), words that start with
        it first, each group by frequency. Spaces match the phrase delimiter: tokens hold
        none, and "new york" is the phrase ``new_york`` (as the queries read it)."""
        text = DELIMITER.join(text.split()).lower()
        if not text:
            rows = np.arange(len(self.words))
            return rows if limit is None else rows[:limit]
        starts, contains = [], []
        for i, w in enumerate(self.words):
            lw = w.lower()
            if lw.startswith(text):
                starts.append(i)
            elif text in lw:
                contains.append(i)
        rows = np.asarray(starts + contains, dtype=np.int64)
        return rows if limit is None else rows[:limit]


def vocabulary_table(
    words: Sequence[str],
    counts: np.ndarray,
    min_count: int = 1,
    sample: float = 0.0,
    max_vocab_size: int | None = None,
) -> VocabularyTable:
    """Words sorted as the trainer's vocabulary sorts them (count descending, then
    alphabetically), with the keep-probabilities :meth:`Vocab.keep_probability` gives
    the vocabulary these settings would build."""
    counts = np.asarray(counts, dtype=np.int64)
    vocab = Vocab.from_counts(list(words), counts)
    kept = int(np.count_nonzero(vocab.counts >= min_count))
    if max_vocab_size is not None:
        kept = min(kept, int(max_vocab_size))
    keep = np.full(len(vocab), np.nan)
    if kept:
        # Already in order, so this sort is linear; the probabilities depend on the
        # vocabulary's own token total, as in training.
        keep[:kept] = Vocab.from_counts(vocab.words[:kept], vocab.counts[:kept]).keep_probability(
            sample
        )
    return VocabularyTable(vocab.words, vocab.counts, keep, kept, int(vocab.counts.sum()))
