"""Each epoch's sentences in a random order, one window of tokens at a time, and the
(centre, context) slots of a job's batches."""

from __future__ import annotations

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
    n = stop - start
    first = np.zeros(n, dtype=bool)
    if n == 0:
        return ids[start:stop], first
    # Run starts (relative to start) of the sentences inside the span: strictly increasing.
    lo = np.searchsorted(sentence_starts, start, side="right")
    hi = np.searchsorted(sentence_starts, stop, side="left")
    bounds = np.concatenate(([0], sentence_starts[lo:hi] - start, [n])).astype(np.int32)
    lengths = np.diff(bounds)
    if rng is None:
        first[bounds[:-1]] = True
        return ids[start:stop], first
    order = rng.permutation(len(lengths)).astype(np.int32)
    new_lengths = lengths[order]
    new_starts = np.cumsum(new_lengths, dtype=np.int32) - new_lengths
    first[new_starts] = True
    # Token k of the new order is old token k + (old start − new start of its sentence);
    # built 32,768 sentences at a time, so no temporary is as large as the window.
    shift = bounds[:-1][order] - new_starts + np.int32(start)
    out = np.empty(n, dtype=ids.dtype)
    step = 1 << 15
    for k in range(0, len(order), step):
        a = int(new_starts[k])
        index = np.repeat(shift[k : k + step], new_lengths[k : k + step])
        index += np.arange(a, a + len(index), dtype=np.int32)
        np.take(ids, index, out=out[a : a + len(index)])
    return out, first


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
