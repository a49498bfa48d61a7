"""Watched words are read as every other query reads them: case folded, "new york" as new_york."""

from __future__ import annotations

import numpy as np

from w2v_gui.core.vectors import Embeddings
from w2v_gui.queries import watched


def test_watched_words_resolve_case_and_phrases_and_keep_the_typed_key():
    rng = np.random.default_rng(0)
    words = ["king", "queen", "new_york", "paris", "london"]
    emb = Embeddings(words, rng.normal(size=(len(words), 8)).astype(np.float32))
    got = watched(emb, ("King", "new york", "nowhere", "paris"), topn=2)
    assert list(got) == ["King", "new york", "paris"]  # the unknown word is left out
    for typed, word in (("King", "king"), ("new york", "new_york"), ("paris", "paris")):
        want = emb.most_similar(word, topn=2)
        assert [w for w, _ in got[typed]] == [w for w, _ in want]
        assert np.allclose([c for _, c in got[typed]], [c for _, c in want], atol=1e-5)
