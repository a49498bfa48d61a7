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

Not copied: gensim prunes its count table when it outgrows ``max_vocab_size`` (40 million
entries by default) and keys counts by the joined string, so in a second pass
``new_york city`` and ``new york_city`` share one count; here counts are exact and keyed
by the tokens. Neither differs on a first pass over text whose tokens hold no ``_``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Collection, Container, Iterable
from dataclasses import dataclass

import numpy as np

from w2v_gui.core.vocab import Scan, TokenStream, Vocab

DELIMITER = "_"
SCORINGS = ("default", "npmi")
#: gensim's ``ENGLISH_CONNECTOR_WORDS``: allowed inside a phrase, never at its ends.
ENGLISH_CONNECTOR_WORDS = frozenset(
    "a an the for of with without at from to in on by and or".split()
)
_INT64_LIMIT = 1 << 62  # keys stay below this, so products never overflow
_WRITE_SLICE = 1 << 20  # tokens per string joined when writing text
_SPACED_BREAK = re.compile(" ?\n ?")


@dataclass(frozen=True)
class Phrase:
    """One phrase formed: its token, the count and score it was judged by, and how often
    it was joined in the text (fewer than ``count`` where greedy joining took a neighbour)."""

    text: str
    count: int
    score: float
    formed: int
    pass_no: int


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
) -> PhraseResult:
    """Detect phrases in ``scan`` and join them; ``passes`` rounds for longer phrases.

    Each pass counts and scores the output of the one before, like gensim's
    ``Phrases(Phrases(sentences)[sentences])``. ``scan`` itself is not changed.
    """
    check_settings(passes, min_count, threshold, scoring)
    found: list[Phrase] = []
    for no in range(1, passes + 1):
        scan, new = _one_pass(scan, min_count, float(threshold), scoring, connectors, no)
        found += new
        if not new:
            break
    found.sort(key=lambda p: (-p.formed, -p.count, p.text))
    return PhraseResult(scan, tuple(found))


def detect_for(scan: Scan, config) -> PhraseResult:
    """:func:`detect` with the phrase settings of ``config`` (a TrainingConfig)."""
    return detect(
        scan,
        config.phrases,
        config.phrase_min_count,
        config.phrase_threshold,
        config.phrase_scoring,
        ENGLISH_CONNECTOR_WORDS if config.phrase_connectors else (),
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


# -- one pass ----------------------------------------------------------------------


def _one_pass(
    scan: Scan,
    min_count: int,
    threshold: float,
    scoring: str,
    connectors: Collection[str],
    pass_no: int,
) -> tuple[Scan, list[Phrase]]:
    words, ids, nl = scan.words, scan.ids, scan.newline_id
    n_words = len(words)
    is_conn = np.zeros(n_words, dtype=bool)
    if connectors:
        conn = set(connectors)
        is_conn[[i for i, w in enumerate(words) if w in conn]] = True
    edge = ~is_conn  # words that can start or end a phrase
    if nl >= 0:
        edge[nl] = False
    pos = np.flatnonzero(edge[ids])
    if len(pos) < 2:
        return scan, []
    gap = np.diff(pos) - 1
    # Candidate j = (pos[j], pos[j+1]) counts when no line break lies between them; then
    # every token between is a connector word.
    if not is_conn.any():
        valid = gap == 0
    elif nl >= 0:
        breaks_so_far = np.cumsum(ids == nl, dtype=np.int32)
        valid = breaks_so_far[pos[1:]] == breaks_so_far[pos[:-1]]
        del breaks_so_far
    else:
        valid = np.ones(len(gap), dtype=bool)
    gap_ids, gap_seqs = _gap_ids(ids, pos, gap, valid, is_conn)
    n_gaps = len(gap_seqs)
    vj = np.flatnonzero(valid)
    left = ids[pos[vj]].astype(np.int64)
    right = ids[pos[vj + 1]].astype(np.int64)
    # One int64 per candidate: (left, connectors, right) -> (left·G + gap)·W + right.
    head = left * n_gaps + gap_ids[vj] if n_gaps > 1 else left
    head_of = None
    if n_words * n_gaps * n_words >= _INT64_LIMIT:
        # Too many (word, connectors) heads to multiply out: number those that occur.
        head_of, head = np.unique(head, return_inverse=True)
        head = head.reshape(-1)
    keys = head * n_words + right
    del head
    uniq, bigram_counts = np.unique(keys, return_counts=True)
    if len(uniq) == 0:
        return scan, []
    u_head, u_right = np.divmod(uniq, n_words)
    if head_of is not None:
        u_head = head_of[u_head]
    u_left, u_gap = np.divmod(u_head, n_gaps)
    counts = scan.counts
    len_vocab = int(np.count_nonzero(counts[edge])) + len(uniq)  # unigrams + candidates
    # gensim's corpus_word_count: every token, connector words included.
    n_tokens = len(ids) - (int(counts[nl]) if nl >= 0 else 0)
    ca, cb = counts[u_left], counts[u_right]
    inputs = (bigram_counts, ca, cb, len_vocab, min_count, n_tokens, scoring)
    good = np.flatnonzero(_above(_scores(*inputs), threshold, inputs))
    if len(good) == 0:
        return scan, []
    # Which candidates carry a good key: a word-level filter first, so the search runs
    # on few candidates.
    maybe = np.zeros(n_words, dtype=bool)
    maybe[u_left[good]] = True
    may_end = np.zeros(n_words, dtype=bool)
    may_end[u_right[good]] = True
    cand = np.flatnonzero(maybe[left] & may_end[right])
    del left, right
    good_keys = uniq[good]
    at = np.minimum(np.searchsorted(good_keys, keys[cand]), len(good_keys) - 1)
    hit = good_keys[at] == keys[cand]
    good_of = np.full(len(gap), -1, dtype=np.int64)  # per candidate: index in good, or -1
    good_of[vj[cand[hit]]] = at[hit]
    del keys, cand, at, hit, vj
    chosen = np.flatnonzero(_greedy(good_of >= 0))
    if len(chosen) == 0:
        return scan, []
    which = good_of[chosen]
    used, formed = np.unique(which, return_counts=True)
    k = good[used]  # rows of uniq that formed phrases
    texts = [
        DELIMITER.join([words[a], *(words[i] for i in gap_seqs[g]), words[b]])
        for a, g, b in zip(u_left[k].tolist(), u_gap[k].tolist(), u_right[k].tolist(), strict=True)
    ]
    new_words = list(words)
    index = {w: i for i, w in enumerate(words) if DELIMITER in w}
    phrase_id = np.empty(len(used), dtype=np.int32)
    for n, text in enumerate(texts):
        if text in index:  # the text already held this token (or a pass made it): one word
            phrase_id[n] = index[text]
        else:
            index[text] = phrase_id[n] = len(new_words)
            new_words.append(text)
    # Each chosen candidate's first token becomes the phrase; the rest of it goes.
    out = ids.copy()
    starts, ends = pos[chosen], pos[chosen + 1]
    out[starts] = phrase_id[np.searchsorted(used, which)]
    cut = np.zeros(len(ids) + 1, dtype=np.int8)
    cut[starts + 1] = 1
    cut[ends + 1] = -1  # ranges are disjoint and never touch: greedy skips a word after each
    out = out[np.cumsum(cut[:-1], dtype=np.int8) == 0]
    new_counts = np.bincount(out, minlength=len(new_words)).astype(np.int64)
    raw = len(out) - (int(new_counts[nl]) if nl >= 0 else 0)
    phrased = Scan(new_words, new_counts, out, nl, raw, scan.stats, scan.source)
    scores = _scores(*(x[k] if isinstance(x, np.ndarray) else x for x in inputs))
    found = [
        Phrase(text, int(c), float(s), int(f), pass_no)
        for text, c, s, f in zip(texts, bigram_counts[k], scores, formed, strict=True)
    ]
    return phrased, found


def _gap_ids(
    ids: np.ndarray, pos: np.ndarray, gap: np.ndarray, valid: np.ndarray, is_conn: np.ndarray
) -> tuple[np.ndarray, list[tuple[int, ...]]]:
    """A number per distinct run of connector words between candidates (0: none).

    Returns the numbers (one per candidate) and, per number, the run as word ids. Runs of
    one length are one matrix of ids, coded as one integer per row.
    """
    gap_ids = np.zeros(len(gap), dtype=np.int64)
    seqs: list[tuple[int, ...]] = [()]
    has = np.flatnonzero(valid & (gap > 0))
    if len(has) == 0:
        return gap_ids, seqs
    conn_ids = np.flatnonzero(is_conn)
    rank = np.zeros(len(is_conn), dtype=np.int64)
    rank[conn_ids] = np.arange(len(conn_ids))
    base = len(conn_ids)
    lengths = gap[has]
    for length in np.unique(lengths).tolist():
        sel = has[lengths == length]
        block = ids[pos[sel][:, None] + np.arange(1, length + 1)]
        if base**length < _INT64_LIMIT:
            code = np.zeros(len(sel), dtype=np.int64)
            for col in rank[block].T:
                code = code * base + col
            distinct = np.unique(code)
            gap_ids[sel] = len(seqs) + np.searchsorted(distinct, code)
            rows = np.empty((len(distinct), length), dtype=np.int64)
            for col in range(length - 1, -1, -1):
                distinct, rows[:, col] = np.divmod(distinct, base)
            rows = conn_ids[rows]
        else:  # very long runs of connector words: compare the rows themselves
            rows, inverse = np.unique(block, axis=0, return_inverse=True)
            gap_ids[sel] = len(seqs) + inverse.reshape(-1)
        seqs += [tuple(r) for r in rows.tolist()]
    return gap_ids, seqs


def _scores(
    c: np.ndarray,
    ca: np.ndarray,
    cb: np.ndarray,
    len_vocab: int,
    min_count: int,
    n_tokens: int,
    scoring: str,
) -> np.ndarray:
    """gensim's ``original_scorer`` / ``npmi_scorer``, vectorized, in the same float order."""
    if scoring == "default":
        denom = (ca * cb).astype(np.float64)
        with np.errstate(divide="ignore", invalid="ignore"):
            s = (c - min_count).astype(np.float64) / denom * float(len_vocab)
        return np.where(denom == 0, -np.inf, s)
    n = float(n_tokens)
    pa, pb, pab = ca / n, cb / n, c / n
    with np.errstate(divide="ignore", invalid="ignore"):
        s = np.log(pab / (pa * pb)) / -np.log(pab)
    return np.where((c >= min_count) & np.isfinite(s), s, -np.inf)


def _above(scores: np.ndarray, threshold: float, inputs: tuple) -> np.ndarray:
    """``scores > threshold``, with scores within rounding of the threshold recomputed in
    Python exactly as gensim does (NumPy's log may differ from libm's in the last bit)."""
    c, ca, cb, len_vocab, min_count, n_tokens, scoring = inputs
    good = scores > threshold
    near = np.flatnonzero(np.abs(scores - threshold) <= 1e-9 * max(1.0, abs(threshold)))
    for i in near.tolist():
        args = int(ca[i]), int(cb[i]), int(c[i])
        good[i] = _gensim_score(*args, len_vocab, min_count, n_tokens, scoring) > threshold
    return good


def _gensim_score(ca, cb, c, len_vocab, min_count, n_tokens, scoring) -> float:
    if scoring == "default":
        denom = ca * cb
        return -math.inf if denom == 0 else (c - min_count) / float(denom) * len_vocab
    if c < min_count:
        return -math.inf
    n = float(n_tokens)
    pa, pb, pab = ca / n, cb / n, c / n
    try:
        return math.log(pab / (pa * pb)) / -math.log(pab)
    except (ValueError, ZeroDivisionError):
        return -math.inf


def _greedy(joinable: np.ndarray) -> np.ndarray:
    """Left-to-right choice among joinable candidates: in each run of consecutive
    joinable candidates the 1st, 3rd, 5th ... join (each join consumes the next word)."""
    j = joinable
    idx = np.arange(len(j))
    run_start = j.copy()
    run_start[1:] &= ~j[:-1]
    start_of = np.maximum.accumulate(np.where(run_start, idx, 0))
    return j & ((idx - start_of) % 2 == 0)


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
