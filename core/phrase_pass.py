"""One pass of phrase detection: count, score (as gensim 4's ``Phrases``), join.

:mod:`w2v_gui.core.phrases` runs it once per pass and tells the rules; here is how they
become array arithmetic on a scan's ids.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Collection
from dataclasses import dataclass

import numpy as np

from w2v_gui.core.vocab import Scan

DELIMITER = "_"
STAGES = 4  # tick()s in a pass: candidates, counted, scored, joined
_POLL_EVERY = 4096  # iterations of a Python loop between poll()s
_INT64_LIMIT = 1 << 62  # keys stay below this, so products never overflow


@dataclass(frozen=True)
class Phrase:
    """One phrase formed: its token, the count and score it was judged by, and how often
    it was joined in the text (fewer than ``count`` where greedy joining took a neighbour)."""

    text: str
    count: int
    score: float
    formed: int
    pass_no: int


def one_pass(
    scan: Scan,
    min_count: int,
    threshold: float,
    scoring: str,
    connectors: Collection[str],
    pass_no: int,
    tick: Callable[[], None] = lambda: None,
    poll: Callable[[], None] = lambda: None,
) -> tuple[Scan, list[Phrase]]:
    """Count, score and join once; ``tick()`` is called after each of its :data:`STAGES`
    stages (the caller reports progress there, or raises to cancel), ``poll()`` now and
    then inside the stages that loop in Python (the caller may raise to cancel)."""
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
    tick()
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
    tick()
    if len(uniq) == 0:
        return scan, []
    u_head, u_right = np.divmod(uniq, n_words)
    if head_of is not None:
        u_head = head_of[u_head]
    u_left, u_gap = np.divmod(u_head, n_gaps)
    counts = scan.counts
    len_vocab = int(np.count_nonzero(counts[edge])) + len(uniq)  # unigrams + candidates
    if any(DELIMITER in w for w in words):
        # gensim keys its counts by the joined string: "ru_486" read as one token and the
        # pair "ru 486" share a count, and so do "new_york city" and "new york_city".
        spell = (words, edge, is_conn, gap_seqs, n_gaps, head_of)
        counts, bigram_counts, merged = _same_spelling(spell, counts, uniq, bigram_counts, poll)
        len_vocab -= merged
    # gensim's corpus_word_count: every token, connector words included.
    n_tokens = len(ids) - (int(counts[nl]) if nl >= 0 else 0)
    ca, cb = counts[u_left], counts[u_right]
    inputs = (bigram_counts, ca, cb, len_vocab, min_count, n_tokens, scoring)
    good = np.flatnonzero(_above(_scores(*inputs), threshold, inputs))
    tick()
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
    tick()
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
    # Two candidates may spell one text ("a_b c", "a b_c"): one entry, with the score of the
    # one joined last, as gensim's find_phrases reports it.
    _, first_from_end = np.unique(which[::-1], return_index=True)
    last = (len(which) - 1 - first_from_end).tolist()
    entries: dict[str, list] = {}
    for n, text in enumerate(texts):
        entry = [last[n], int(bigram_counts[k[n]]), float(scores[n]), int(formed[n])]
        if text in entries:
            before = entries[text]
            entry[3] += before[3]
            if before[0] > entry[0]:
                entry[:3] = before[:3]
        entries[text] = entry
    found = [Phrase(text, c, s, f, pass_no) for text, (_, c, s, f) in entries.items()]
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


def _same_spelling(spell, counts, uniq, bigram_counts, poll=lambda: None):
    """Counts as gensim keeps them, by string, for tokens that hold the delimiter.

    Returns unigram counts and candidate counts (copies) where every key spelling the same
    string carries the string's total, and how many keys merged into others.
    """
    words, edge, is_conn, gap_seqs, n_gaps, head_of = spell
    n_words = len(words)
    index = {w: i for i, w in enumerate(words)}
    gap_of = {seq: g for g, seq in enumerate(gap_seqs)}
    has_delim = np.fromiter((DELIMITER in w for w in words), dtype=bool, count=n_words)
    joined = np.flatnonzero(has_delim & edge & (counts > 0))  # unigrams gensim counts
    u_head, u_right = np.divmod(uniq, n_words)
    if head_of is not None:
        u_head = head_of[u_head]
    u_left = u_head // n_gaps
    # Candidates that may share a spelling: those with a joined token in them, and those
    # that spell a joined unigram ("ru" "486" for "ru_486").
    suspects = set(np.flatnonzero(has_delim[u_left] | has_delim[u_right]).tolist())
    for n, w in enumerate(joined.tolist()):
        if n % _POLL_EVERY == 0:  # a later pass spends seconds here on a large corpus
            poll()
        parts = words[w].split(DELIMITER)
        for i in range(len(parts) - 1):
            for j in range(i + 1, len(parts)):
                a = index.get(DELIMITER.join(parts[: i + 1]))
                b = index.get(DELIMITER.join(parts[j:]))
                mid = tuple(index.get(p, -1) for p in parts[i + 1 : j])
                if a is None or b is None or not edge[a] or not edge[b] or mid not in gap_of:
                    continue
                head = a * n_gaps + gap_of[mid]
                if head_of is not None:
                    at = int(np.searchsorted(head_of, head))
                    if at == len(head_of) or head_of[at] != head:
                        continue
                    head = at
                key = head * n_words + b
                at = int(np.searchsorted(uniq, key))
                if at < len(uniq) and uniq[at] == key:
                    suspects.add(at)
    total: dict[str, int] = {words[w]: int(counts[w]) for w in joined.tolist()}
    spelled = {}
    for n, k in enumerate(suspects):
        if n % _POLL_EVERY == 0:
            poll()
        a, g = divmod(int(u_head[k]), n_gaps)
        text = DELIMITER.join([words[a], *(words[i] for i in gap_seqs[g]), words[int(u_right[k])]])
        spelled[k] = text
        total[text] = total.get(text, 0) + int(bigram_counts[k])
    merged = len(joined) + len(suspects) - len(total)
    counts, bigram_counts = counts.copy(), bigram_counts.copy()
    for w in joined.tolist():
        counts[w] = total[words[w]]
    for k, text in spelled.items():
        bigram_counts[k] = total[text]
    return counts, bigram_counts, merged
