"""Each epoch's sentences in a random order, one window of tokens at a time."""

from __future__ import annotations

import numpy as np


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
