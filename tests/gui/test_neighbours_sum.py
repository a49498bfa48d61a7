"""The neighbours box takes a sum, king - man + woman, as the Strips tab does."""

from __future__ import annotations

import numpy as np

from w2v_gui import queries
from w2v_gui.core.vectors import Embeddings

WORDS = ["king", "queen", "man", "woman", "well-known", "x", "y"]


def _emb():
    rng = np.random.default_rng(0)
    return Embeddings(WORDS, rng.standard_normal((len(WORDS), 8)).astype(np.float32))


def test_a_sum_asks_most_similar_with_positive_and_negative_words():
    emb = _emb()
    answer = queries.neighbours(emb, "King - man + woman")
    expected = emb.most_similar(positive=["king", "woman"], negative=["man"], topn=15)
    assert answer.rows == tuple(expected) and answer.error is None
    assert answer.word == "King − man + woman"
    assert {"king", "man", "woman"}.isdisjoint(w for w, _ in answer.rows)


def test_a_word_and_a_hyphenated_word_stay_single_words():
    emb = _emb()
    assert queries.neighbours(emb, "king").rows == tuple(emb.most_similar("king", topn=15))
    assert queries.neighbours(emb, "well-known").word == "well-known"


def test_an_unknown_word_in_a_sum_is_named():
    answer = queries.neighbours(_emb(), "king - prince")
    assert answer.rows == () and "prince" in answer.error
