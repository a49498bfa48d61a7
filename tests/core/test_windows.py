"""A job's slice of a shuffle window, built from the window's sentence order alone, against
a slow reference that shuffles whole sentence lists."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from w2v_gui.core.windows import plan_slice, window_plan, window_tokens


def _reference(ids, sentence_starts, start, stop, seed):
    """Split [start, stop) into sentences (cut ones count as their own), shuffle the list
    with the same draw, join; flag each sentence's first token."""
    cuts = [0] + [s - start for s in sentence_starts if start < s < stop] + [stop - start]
    sentences = [ids[start + a : start + b] for a, b in zip(cuts, cuts[1:], strict=False)]
    if seed is not None:
        order = np.random.default_rng(seed).permutation(len(sentences))
        sentences = [sentences[k] for k in order]
    tokens = [t for s in sentences for t in s]
    first = [i == 0 for s in sentences for i in range(len(s))]
    return np.array(tokens, dtype=ids.dtype), np.array(first, dtype=bool)


@settings(max_examples=200, deadline=None)
@given(
    lengths=st.lists(st.integers(1, 40), min_size=1, max_size=60),
    cut=st.tuples(st.floats(0, 1), st.floats(0, 1)),
    span=st.tuples(st.floats(0, 1), st.floats(0, 1)),
    seed=st.one_of(st.none(), st.integers(0, 2**32 - 1)),
)
def test_every_slice_of_a_window_equals_the_reference(lengths, cut, span, seed):
    bounds = np.cumsum(lengths)
    n = int(bounds[-1])
    ids = np.arange(1000, 1000 + n, dtype=np.int32)
    starts = bounds[:-1].astype(np.int64)
    start, stop = sorted(int(c * n) for c in cut)
    ref_tokens, ref_first = _reference(ids, starts, start, stop, seed)
    rng = None if seed is None else np.random.default_rng(seed)
    plan = window_plan(starts, start, stop, rng)
    lo, hi = sorted(int(s * (stop - start)) for s in span)
    tokens, first = plan_slice(ids, plan, lo, hi)
    assert np.array_equal(tokens, ref_tokens[lo:hi]) and np.array_equal(first, ref_first[lo:hi])
    whole = window_tokens(
        ids, starts, start, stop, None if seed is None else np.random.default_rng(seed)
    )
    assert np.array_equal(whole[0], ref_tokens) and np.array_equal(whole[1], ref_first)
