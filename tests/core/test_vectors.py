"""Embeddings: immutability, lookups, and queries equal to gensim's on the same vectors."""

from __future__ import annotations

import numpy as np
import pytest

from w2v_gui.core.errors import UnknownWordError
from w2v_gui.core.vectors import Embeddings

gensim_kv = pytest.importorskip("gensim.models.keyedvectors")

N, DIM = 400, 24


@pytest.fixture(scope="module")
def pair():
    rng = np.random.default_rng(7)
    words = [f"w{i}" for i in range(N)]
    vectors = rng.standard_normal((N, DIM)).astype(np.float32)
    vectors[5] *= 40  # different lengths must not matter for cosines
    emb = Embeddings(words, vectors)
    kv = gensim_kv.KeyedVectors(DIM)
    kv.add_vectors(words, vectors)
    return emb, kv


def assert_same(ours, theirs, tol=1e-5):
    assert [w for w, _ in ours] == [w for w, _ in theirs]
    np.testing.assert_allclose([s for _, s in ours], [s for _, s in theirs], atol=tol)


@pytest.mark.parametrize(
    "query",
    [
        dict(positive="w1"),
        dict(positive=["w1", "w2"], negative=["w3"]),
        dict(positive=["w5", "w9", "w11"], negative=["w3", "w4"], topn=25),
        dict(negative=["w8"]),
        dict(positive=["w1"], topn=3, restrict_vocab=50),
        dict(positive=["w100", "w2"], negative=["w3"], restrict_vocab=120),
        dict(positive=["w1"], topn=N),
    ],
)
def test_most_similar_equals_gensim(pair, query):
    emb, kv = pair
    assert_same(emb.most_similar(**query), kv.most_similar(**query))


def test_most_similar_accepts_vectors_like_gensim(pair):
    emb, kv = pair
    vec = np.linspace(-1, 1, DIM).astype(np.float32)
    assert_same(
        emb.most_similar(positive=[vec, "w2"], negative=["w7"]),
        kv.most_similar(positive=[vec, "w2"], negative=["w7"]),
    )
    assert_same(emb.similar_by_vector(vec, topn=7), kv.similar_by_vector(vec, topn=7))
    # A vector is not excluded from the results; the word it came from is returned.
    assert emb.similar_by_vector(emb["w3"], topn=1)[0][0] == "w3"


@pytest.mark.parametrize(
    "query",
    [
        dict(positive=["w1", "w2"], negative=["w3"]),
        dict(positive=["w1"]),
        dict(positive="w4", negative="w6", topn=30),
        dict(positive=["w5", "w9", "w11"], negative=["w3", "w4"]),
    ],
)
def test_most_similar_cosmul_equals_gensim(pair, query):
    emb, kv = pair
    assert_same(emb.most_similar_cosmul(**query), kv.most_similar_cosmul(**query))


def test_cosmul_honours_restrict_vocab(pair):
    emb, _ = pair
    full = emb.most_similar_cosmul(positive=["w1", "w2"], negative=["w3"], topn=None)
    restricted = emb.most_similar_cosmul(
        positive=["w1", "w2"], negative=["w3"], topn=None, restrict_vocab=60
    )
    assert_same(restricted, [(w, s) for w, s in full if int(w[1:]) < 60], tol=1e-6)


def test_similarity_and_doesnt_match_equal_gensim(pair):
    emb, kv = pair
    for a, b in [("w1", "w2"), ("w5", "w5"), ("w5", "w300")]:
        assert emb.similarity(a, b) == pytest.approx(float(kv.similarity(a, b)), abs=1e-7)
    for group in (["w1", "w2", "w3", "w4"], ["w10", "w11", "w5"], ["w7", "w7", "w8"]):
        assert emb.doesnt_match(group) == kv.doesnt_match(group)


def test_input_words_are_excluded_and_topn(pair):
    emb, _ = pair
    res = emb.most_similar(positive=["w1", "w2"], negative=["w3"], topn=None)
    assert len(res) == N - 3
    assert not {"w1", "w2", "w3"} & {w for w, _ in res}
    assert [s for _, s in res] == sorted((s for _, s in res), reverse=True)
    assert emb.most_similar("w1", topn=0) == []
    assert emb.most_similar_cosmul("w1", topn=0) == []


def test_unknown_words_and_empty_queries(pair):
    emb, _ = pair
    for call in (
        lambda: emb["nope"],
        lambda: emb.get_index("nope"),
        lambda: emb.most_similar(positive=["w1"], negative=["nope"]),
        lambda: emb.most_similar_cosmul(positive=["nope"]),
        lambda: emb.similarity("w1", "nope"),
        lambda: emb.doesnt_match(["w1", "nope"]),
    ):
        with pytest.raises(UnknownWordError) as info:
            call()
        assert isinstance(info.value, KeyError)
        assert str(info.value) == "word 'nope' is not in the vocabulary"
    with pytest.raises(ValueError):
        emb.most_similar()
    with pytest.raises(ValueError):
        emb.most_similar_cosmul(negative=["w1"])
    with pytest.raises(ValueError):
        emb.most_similar(positive=[np.zeros(DIM + 1)])


def test_embeddings_are_immutable_copies():
    source = np.arange(12, dtype=np.float64).reshape(4, 3)
    counts = [4, 3, 2, 1]
    emb = Embeddings(["a", "b", "c", "a"], source, counts)
    source[0, 0] = 99
    assert emb.vectors.dtype == np.float32 and emb.vectors.flags.c_contiguous
    assert emb.vectors[0, 0] == 0
    assert not emb.vectors.flags.writeable and not emb.counts.flags.writeable
    assert not emb.inverse_norms.flags.writeable
    with pytest.raises(ValueError):
        emb.vectors[0, 0] = 1
    with pytest.raises(AttributeError):
        emb.vectors = source
    with pytest.raises(TypeError):
        emb.index["z"] = 1
    vec = emb["b"]
    vec[:] = 0
    assert emb["b"].tolist() == [3, 4, 5]
    assert emb.words == ("a", "b", "c", "a") and len(emb) == 4 and emb.vector_size == 3
    assert emb.get_index("a") == 0 and "c" in emb and "z" not in emb
    assert emb.counts.dtype == np.int64 and emb.counts.tolist() == counts


def test_unit_is_cached_and_keeps_zero_rows():
    emb = Embeddings(["a", "b", "z"], [[3.0, 4.0], [0.0, 2.0], [0.0, 0.0]])
    assert emb.unit is emb.unit
    np.testing.assert_allclose(emb.unit, [[0.6, 0.8], [0.0, 1.0], [0.0, 0.0]])
    assert emb.similarity("a", "z") == 0.0
    assert Embeddings(["x"], [[1.0]]).counts.tolist() == [0]


def test_bad_construction():
    with pytest.raises(ValueError):
        Embeddings(["a", "b"], np.zeros((3, 2)))
    with pytest.raises(ValueError):
        Embeddings(["a"], np.zeros(2))
    with pytest.raises(ValueError):
        Embeddings(["a"], np.zeros((1, 2)), counts=[1, 2])
    with pytest.raises(TypeError):
        Embeddings([b"a"], np.zeros((1, 2)))
    empty = Embeddings([], np.zeros((0, 5)))
    assert len(empty) == 0 and empty.most_similar(positive=[np.ones(5)]) == []
