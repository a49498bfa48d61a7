"""Each epoch's sentences in a random order, one window of tokens at a time, and the
(centre, context) slots of a job's batches."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from w2v_gui.core.kernels import strided


def window_tokens(
    ids: np.ndarray,
    sentence_starts: np.ndarray,
    start: int,
    stop: int,
    rng: np.random.Generator | None,
) -> tuple[np.ndarray, np.ndarray]:
    """The tokens ``ids[start:stop]`` with their sentences in a random order (``rng``; None
    keeps the corpus order), and a flag on each sentence's first token. A sentence cut by
    ``start`` or ``stop`` counts as its own.

    Why shuffle: a batch sums its pairs' gradients from one copy of the rows, so sentences
    that repeat or nearly repeat each other close together (WordNet writes a definition
    once per synonym and lists related synsets side by side) add up in one batch where
    sequential SGD would have saturated after the first, and the curvature cap then cuts
    those rows' steps: 18 % of a batch's input rows were capped on the demo corpus in file
    order, 3.5 % with sentences shuffled. Windows never reach across sentences, so the
    objective is unchanged; only the order of the SGD steps is.
    """
    plan = window_plan(sentence_starts, start, stop, rng)
    return plan_slice(ids, plan, 0, plan.size)


@dataclass(frozen=True)
class WindowPlan:
    """A shuffle window's sentence order, without its tokens (12 bytes a sentence).

    Sentence ``k`` of the new order starts at ``starts[k]`` (relative to the window), has
    ``lengths[k]`` tokens, and its tokens are ``ids[starts[k] + shift[k] + i]``.
    """

    starts: np.ndarray
    lengths: np.ndarray
    shift: np.ndarray
    size: int


def window_plan(
    sentence_starts: np.ndarray, start: int, stop: int, rng: np.random.Generator | None
) -> WindowPlan:
    """The order :func:`window_tokens` gives the sentences of ``[start, stop)``.

    Worker processes each keep a window's plan, not its shuffled tokens, and build only
    their jobs' tokens from it (:func:`plan_slice`): a window of 4M tokens was 20–60 MB
    per process, its plan is ~1 MB.
    """
    n = stop - start
    lo = np.searchsorted(sentence_starts, start, side="right")
    hi = np.searchsorted(sentence_starts, stop, side="left")
    # Run starts (relative to start) of the sentences inside the span: strictly increasing.
    bounds = np.concatenate(([0], sentence_starts[lo:hi] - start, [n])).astype(np.int32)
    if n == 0:
        bounds = bounds[:1]
    lengths = np.diff(bounds)
    order = (
        np.arange(len(lengths), dtype=np.int32)
        if rng is None
        else rng.permutation(len(lengths)).astype(np.int32)
    )
    new_lengths = lengths[order]
    new_starts = np.cumsum(new_lengths, dtype=np.int32) - new_lengths
    # Token k of the new order is old token k + (old start − new start of its sentence).
    shift = bounds[:-1][order] - new_starts + np.int32(start)
    return WindowPlan(new_starts, new_lengths, shift, n)


def plan_slice(
    ids: np.ndarray, plan: WindowPlan, lo: int, hi: int
) -> tuple[np.ndarray, np.ndarray]:
    """Tokens ``lo:hi`` of the window in the plan's order, and the sentence-start flags:
    exactly ``window_tokens(...)[0][lo:hi]`` and ``[1][lo:hi]``, built for that span only."""
    first = np.zeros(hi - lo, dtype=bool)
    if hi <= lo:
        return ids[:0], first
    k0 = int(np.searchsorted(plan.starts, lo, side="right")) - 1
    k1 = int(np.searchsorted(plan.starts, hi, side="left"))
    starts, lengths = plan.starts[k0:k1], plan.lengths[k0:k1]
    a = int(starts[0])
    index = np.repeat(plan.shift[k0:k1], lengths)
    index += np.arange(a, a + len(index), dtype=np.int32)
    first[starts[starts >= lo] - lo] = True
    return np.take(ids, index[lo - a : hi - a]), first


def job_slots(
    ids: np.ndarray, labels: np.ndarray, pos: np.ndarray, reach: np.ndarray, B: int, W: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """A job's kept tokens laid out in batches of ``B`` centres.

    ``ids`` and ``labels`` (sentence numbers) are the job's tokens, ``pos`` the kept ones,
    ``reach`` each centre's drawn window (a whole number of batches of them). Returns the
    padded ids (``W`` pads before the first centre, pads after the last), the live mask
    (centres, 2W + 1) of every centre's slots, its row counts, and each batch's span
    [starts, ends) of the job's raw tokens (the progress credit).
    """
    n, nc = len(pos), len(reach)
    nb = nc // B
    # Padded ids and sentence labels: pads get distinct negative labels (never context).
    total = nc + 2 * W
    tok = np.zeros(total, dtype=np.int32)
    tok[W : W + n] = ids[pos]
    sent = -np.arange(1, total + 1, dtype=np.int64)
    sent[W : W + n] = labels[pos]
    # Raw-word credit of each batch, ending where its last centre lies.
    ends = (
        np.append(pos[np.minimum(np.arange(1, nb + 1) * B, n) - 1][:-1] + 1, len(ids))
        if nb
        else np.array([len(ids)])
    )
    starts = np.concatenate(([0], ends[:-1]))
    # Live slots: inside the drawn window, not the centre itself, same sentence.
    offsets = np.abs(np.arange(-W, W + 1))
    slots = strided(sent, (nc, 2 * W + 1), (sent.strides[0],) * 2)
    live = (offsets <= reach[:, None]) & (offsets != 0) & (slots == sent[W : W + nc, None])
    return tok, live, np.count_nonzero(live, axis=1), starts, ends
