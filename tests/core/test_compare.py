"""Comparing models: alignment, change, stability and axes on planted corpora."""

from __future__ import annotations

import io
import math
from collections import Counter
from functools import cache

import numpy as np
import pytest

from w2v_gui.core.axes import axis, coordinates, extremes
from w2v_gui.core.cli import main
from w2v_gui.core.compare import align, procrustes, shared_vocabulary
from w2v_gui.core.config import TrainingConfig
from w2v_gui.core.errors import UnknownWordError
from w2v_gui.core.formats import native, save_embeddings
from w2v_gui.core.neighbours import shared_counts, top_neighbours
from w2v_gui.core.provenance import ModelInfo, comparison_note
from w2v_gui.core.sgns import Trainer
from w2v_gui.core.stability import Stability
from w2v_gui.core.vectors import Embeddings
from w2v_gui.core.vocab import TokenStream, Vocab

FAMILIES = {
    "animal": (
        ["cat", "dog", "horse", "cow", "sheep", "goat"],
        ["fur", "legs", "tail", "barn", "farm", "grass"],
    ),
    "tool": (
        ["hammer", "saw", "drill", "wrench", "chisel", "pliers"],
        ["metal", "steel", "handle", "blade", "workshop", "nail"],
    ),
    "food": (
        ["bread", "cheese", "apple", "rice", "soup", "cake"],
        ["eat", "taste", "kitchen", "sweet", "cook", "plate"],
    ),
    "vehicle": (
        ["car", "bus", "truck", "train", "bike", "boat"],
        ["road", "drive", "wheel", "engine", "fast", "ride"],
    ),
}
FILLER = ["the", "a", "and", "with", "is", "of"]
# Letters only, so the app's tokenizer reads them as the same words.
NOISE = [f"noise{chr(97 + i // 26)}{chr(97 + i % 26)}" for i in range(60)]


def planted_lines(n: int = 3000, seed: int = 0, noise: bool = False) -> list[str]:
    """Family sentences: a member word among its family's context words and filler.
    With ``noise``, also sentences of noise words drawn at random (no structure)."""
    rng = np.random.default_rng(seed)
    names = list(FAMILIES)
    lines = []
    for _ in range(n):
        if noise and rng.random() < 0.3:
            lines.append(" ".join(rng.choice(NOISE, 6, replace=False)))
            continue
        members, contexts = FAMILIES[names[rng.integers(len(names))]]
        words = [str(rng.choice(members))] + list(rng.choice(contexts, 3, replace=False))
        words += list(rng.choice(FILLER, 2))
        rng.shuffle(words)
        lines.append(" ".join(words))
    return lines


def swapped(lines: list[str], x: str, y: str) -> list[str]:
    """Every ``x`` becomes ``y`` and every ``y`` becomes ``x``."""
    swap = {x: y, y: x}
    return [" ".join(swap.get(w, w) for w in line.split()) for line in lines]


def train(lines: list[str], seed: int = 1, **cfg) -> Embeddings:
    toks = [ln.split() for ln in lines]
    counts = Counter(w for t in toks for w in t)
    words = sorted(counts, key=lambda w: (-counts[w], w))
    vocab = Vocab.from_counts(words, [counts[w] for w in words])
    ids = np.array([vocab.index[w] for t in toks for w in t], dtype=np.int32)
    stream = TokenStream(ids, np.cumsum([len(t) for t in toks])[:-1], len(ids))
    settings = dict(min_count=1, vector_size=24, epochs=6, workers=1, sample=0.0, window=4)
    config = TrainingConfig(**{**settings, "seed": seed, **cfg})
    trainer = Trainer(config, vocab, stream)
    for _ in trainer.run():
        pass
    return trainer.snapshot()


@cache
def corpus_pair() -> tuple[Embeddings, Embeddings]:
    lines = planted_lines()
    return train(lines, seed=1), train(swapped(lines, "dog", "drill"), seed=2)


# -- alignment and change ----------------------------------------------------------------


def test_swapped_words_top_the_change_ranking_and_frequent_unchanged_words_do_not():
    a, b = corpus_pair()
    al = align(a, b)
    unchanged = FAMILIES["food"][0] + FAMILIES["vehicle"][0] + FAMILIES["food"][1]
    for by in ("cosine", "overlap"):
        ranked = al.ranked(by)
        assert {w for w, _ in ranked[:2]} == {"dog", "drill"}, (by, ranked[:6])
        scores = dict(ranked)
        # A clear gap, not a tie broken by luck; families the swap never touched stay put.
        assert ranked[1][1] > 1.5 * ranked[2][1], (by, ranked[:6])
        assert max(scores[w] for w in unchanged) < ranked[1][1] / 3, (by, ranked[:6])
    # The most frequent words of all (filler around every sentence) rank in the lower half
    # by cosine. (Not by overlap: their neighbours are arbitrary words of every family, so
    # their lists differ between any two runs; the GUI says so beside the ranking.)
    rank = {w: i for i, (w, _) in enumerate(al.ranked("cosine"))}
    assert min(rank[w] for w in FILLER) >= len(rank) // 2, rank
    scores = dict(al.ranked("cosine"))
    assert all(0.0 <= s <= 2.0 for s in scores.values())
    assert scores["dog"] > 0.5 and scores["cat"] < scores["dog"] / 2


def test_a_rotated_model_aligns_to_no_change():
    a, _ = corpus_pair()
    rng = np.random.default_rng(5)
    q, _ = np.linalg.qr(rng.standard_normal((a.vector_size, a.vector_size)))
    order = rng.permutation(len(a))  # another row order too: alignment goes by word
    b = Embeddings([a.words[i] for i in order], (a.vectors @ q)[order], a.counts[order])
    al = align(a, b)
    assert np.allclose(al.rotation @ al.rotation.T, np.eye(a.vector_size), atol=1e-10)
    assert np.allclose(al.rotation, q.T, atol=1e-5)
    assert al.cosine_distance().max() < 1e-5
    assert al.overlap_change().max() == 0.0
    nb = al.word_neighbours("cat", 5)
    assert [w for w, _ in nb.a] == [w for w, _ in nb.b] and len(nb.common) == 5


def test_procrustes_recovers_a_known_rotation_in_float64():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((50, 8))
    q, _ = np.linalg.qr(rng.standard_normal((8, 8)))
    assert np.allclose(procrustes(x @ q, x), q.T, atol=1e-12)


def _slow_neighbours(vectors: list[list[float]], i: int, pool: int, k: int) -> list[int]:
    def unit(v):
        n = math.sqrt(sum(x * x for x in v))
        return [x / n for x in v]

    q = unit(vectors[i])
    cands = [
        (sum(x * y for x, y in zip(q, unit(vectors[j]), strict=True)), j)
        for j in range(pool)
        if j != i
    ]
    cands.sort(key=lambda t: (-t[0], t[1]))
    return [j for _, j in cands[:k]]


@pytest.mark.parametrize("shared", [None, 25])
def test_overlap_change_equals_a_slow_reference(shared):
    a, b = corpus_pair()
    al = align(a, b, shared=shared)
    k = 7
    got = al.overlap_change(k)
    va = [[float(x) for x in a[w]] for w in al.words]
    vb = [[float(x) for x in b[w]] for w in al.words]
    pool = al.anchors
    for i in range(len(al.words)):
        na = set(_slow_neighbours(va, i, pool, k))
        nb = set(_slow_neighbours(vb, i, pool, k))
        assert got[i] == pytest.approx(1 - len(na & nb) / k), al.words[i]
    assert 0.0 <= got.min() and got.max() <= 1.0 and got.max() > 0.5


def test_top_neighbours_in_blocks_match_a_full_sort():
    rng = np.random.default_rng(3)
    pool = rng.standard_normal((300, 16)).astype(np.float32)
    pool /= np.linalg.norm(pool, axis=1, keepdims=True)
    got = top_neighbours(pool[:50], pool, 5, exclude=np.arange(50), block=7)
    scores = pool[:50].astype(np.float64) @ pool.T.astype(np.float64)
    np.fill_diagonal(scores[:, :50], -np.inf)
    assert (got == np.argsort(-scores, axis=1)[:, :5]).all()
    assert (shared_counts(got, got[:, ::-1]) == 5).all()


def test_shared_vocabulary_orders_by_frequency_in_both_and_filters_rare_words():
    a = Embeddings(["x", "y", "z", "w"], np.eye(4), [100, 50, 10, 2])
    b = Embeddings(["z", "y", "x", "v"], np.eye(4), [90, 60, 1, 5])
    sv = shared_vocabulary(a, b)
    assert sv.words == ("y", "z", "x")  # x is frequent in A but rare in B
    assert shared_vocabulary(a, b, min_count=5).words == ("y", "z")
    # No counts (word2vec files): row order is the frequency order.
    c = Embeddings(["y", "x"], np.eye(2, 4))
    assert shared_vocabulary(c, a).words == ("y", "x")
    with pytest.raises(ValueError, match="share 1 word"):
        align(a, Embeddings(["x", "q"], np.eye(2, 4)))


def test_word_neighbours_side_by_side_and_trajectory():
    a, b = corpus_pair()
    al = align(a, b)
    nb = al.word_neighbours("dog", 8)
    animals, tools = set(FAMILIES["animal"][0]), set(FAMILIES["tool"][0])
    assert len(nb.a) == len(nb.b) == 8
    assert {w for w, _ in nb.a[:3]} <= animals | set(FAMILIES["animal"][1])
    assert {w for w, _ in nb.b[:3]} <= tools | set(FAMILIES["tool"][1]) | {"dog"}
    assert nb.common == {w for w, _ in nb.a} & {w for w, _ in nb.b}
    assert nb.cosine_distance == pytest.approx(dict(al.ranked())["dog"])
    t = al.trajectory("dog", 5)
    assert t.labels[:2] == ("dog", "dog") and t.models[:3] == ("A", "B", "A")
    assert t.xy.shape == (12, 2) and np.isfinite(t.xy).all()
    # The word moved: its two points are further apart than its A neighbours' spread.
    assert np.linalg.norm(t.xy[0] - t.xy[1]) > np.linalg.norm(t.xy[2] - t.xy[0])
    with pytest.raises(UnknownWordError):
        al.word_neighbours("unicorn")


def test_different_vector_sizes_rank_by_overlap_only():
    a, _ = corpus_pair()
    rng = np.random.default_rng(0)
    b = Embeddings(a.words, a.vectors @ rng.standard_normal((a.vector_size, 10)), a.counts)
    al = align(a, b)
    assert al.rotation is None
    assert len(al.ranked("overlap")) == len(a)
    with pytest.raises(ValueError, match="different vector sizes"):
        al.ranked("cosine")


# -- stability -----------------------------------------------------------------------------


def test_two_seeds_agree_on_planted_neighbours_and_not_on_noise():
    lines = planted_lines(3000, seed=4, noise=True)
    st = Stability([train(lines, seed=s) for s in (11, 12)])
    planted = [w for members, _ in FAMILIES.values() for w in members]
    counts = dict(zip(planted + NOISE, st.recurring_counts(planted + NOISE).tolist(), strict=True))
    assert np.mean([counts[w] for w in planted]) >= 7, counts
    assert np.mean([counts[w] for w in NOISE]) <= 4, counts
    assert min(counts[w] for w in planted) > max(
        sorted(counts[w] for w in NOISE)[: len(NOISE) // 2]
    )
    rec = st.recurring("cat")
    assert len(rec) == counts["cat"] and set(rec) <= set(st.words)
    report = st.report(words=1000)
    assert report.words == len(st.words) and report.per_model.shape == (2,)
    assert report.per_model[0] == pytest.approx(report.per_model[1])  # two runs: symmetric
    assert 0.3 < report.mean < 0.95
    same = Stability([st.models[0], st.models[0]]).report()
    assert same.mean == 1.0


# -- axes -----------------------------------------------------------------------------------


def test_an_axis_from_planted_pairs_orders_planted_words():
    from tests.gui.planted import planted_text  # plain Python, no Qt

    emb = train(planted_text(3000, seed=2).splitlines(), seed=3, window=5)
    pairs = [("king", "queen"), ("man", "woman")]
    for method in ("mean", "pca"):
        g = axis(emb, pairs, method)
        assert g.shape == (emb.vector_size,) and np.linalg.norm(g) == pytest.approx(1.0)
        xy = coordinates(emb, g, g, ["prince", "princess", "boy", "girl", "he", "she"])
        s = dict(zip(["prince", "princess", "boy", "girl", "he", "she"], xy[:, 0], strict=True))
        assert s["prince"] > 0 > s["princess"] and s["boy"] > 0 > s["girl"]
        assert s["he"] > 0 > s["she"]
        pos, neg = extremes(emb, g, 6, exclude=[w for p in pairs for w in p])
        male = {"he", "his", "him", "himself", "sir", "beard", "prince", "boy"}
        female = {"she", "her", "hers", "herself", "madam", "gown", "princess", "girl"}
        assert {w for w, _ in pos} <= male and {w for w, _ in neg} <= female
        assert not {"king", "queen"} & {w for w, _ in pos + neg}
    royal = axis(emb, [("king", "man"), ("queen", "woman")])
    xy = coordinates(emb, axis(emb, pairs), royal, ["prince", "girl"])
    assert xy[0, 0] > xy[1, 0] and xy[0, 1] > xy[1, 1]  # prince: male and royal
    with pytest.raises(ValueError, match="at least one pair"):
        axis(emb, [])
    with pytest.raises(ValueError, match="cancel out"):
        axis(emb, [("king", "king")])


# -- provenance and the command line -----------------------------------------------------


def _save_pair(tmp_path):
    a, b = corpus_pair()
    cfg = TrainingConfig(vector_size=a.vector_size, seed=1, min_count=1)
    corpus = {"paths": ["/data/one.txt"], "raw_words": 18000}
    native.save(tmp_path / "a.npz", a, config=cfg, state={"corpus": corpus})
    save_embeddings(b, tmp_path / "b.txt")
    return tmp_path / "a.npz", tmp_path / "b.txt"


def _run(args):
    out, err = io.StringIO(), io.StringIO()
    code = main([str(x) for x in args], out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def test_cli_compare_prints_word_tab_score_most_changed_first(tmp_path):
    pa, pb = _save_pair(tmp_path)
    code, out, err = _run(["compare", pa, pb])
    assert code == 0
    lines = out.splitlines()
    rows = [ln.split("\t") for ln in lines]
    assert all(len(r) == 2 for r in rows) and len(rows) == len(corpus_pair()[0])
    assert {rows[0][0], rows[1][0]} == {"dog", "drill"}
    scores = [float(s) for _, s in rows]
    assert scores == sorted(scores, reverse=True) and 0 <= scores[-1] <= scores[0] <= 2
    assert "A = a.npz: one.txt, 18,000 words" in err and "B = b.txt: vectors only" in err
    code, out, _ = _run(["compare", pa, pb, "--by", "overlap", "--topn", "3", "-q"])
    rows = [ln.split("\t") for ln in out.splitlines()]
    assert len(rows) == 3 and {r[0] for r in rows[:2]} == {"dog", "drill"}
    assert all(0 <= float(s) <= 1 for _, s in rows)


def test_cli_compare_word_prints_two_lists_side_by_side(tmp_path):
    pa, pb = _save_pair(tmp_path)
    code, out, err = _run(["compare", pa, pb, "--word", "cat", "--topn", "5"])
    assert code == 0
    header, *rows = out.splitlines()
    assert header == "A: a.npz\tcosine\tB: b.txt\tcosine"
    assert len(rows) == 5 and all(len(r.split("\t")) == 4 for r in rows)
    left = {r.split("\t")[0] for r in rows}
    right = {r.split("\t")[2] for r in rows}
    starred = {w[:-2] for w in left | right if w.endswith(" *")}
    assert starred and starred == {w[:-2] for w in left if w.endswith(" *")}
    assert "in both lists" in err
    code, _, err = _run(["compare", pa, pb, "--word", "unicorn"])
    assert code == 2 and "'unicorn' is not in the vocabulary" in err


def test_cli_axis_and_stability(tmp_path):
    pa, pb = _save_pair(tmp_path)
    code, out, _ = _run(["axis", pa, "--pair", "dog", "drill", "--topn", "3", "-q"])
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "# dog end" and lines[4] == "# drill end" and len(lines) == 8
    ends = [ln.split("\t")[0] for ln in lines[1:4]], [ln.split("\t")[0] for ln in lines[5:]]
    animal = set(FAMILIES["animal"][0]) | set(FAMILIES["animal"][1])
    tool = set(FAMILIES["tool"][0]) | set(FAMILIES["tool"][1])
    assert set(ends[0]) <= animal and set(ends[1]) <= tool
    code, out, err = _run(["stability", pa, pa, "-q"])
    assert code == 0 and out == "a.npz\t1.0000\na.npz\t1.0000\n"
    code, _, err = _run(["stability", pa])
    assert code == 2 and "at least 2 models" in err


def test_a_comparison_says_what_it_compares():
    cfg = TrainingConfig(seed=1)
    a = ModelInfo("a.npz", cfg, {"paths": ["/x/c.txt"], "raw_words": 10, "checksum": 7})
    b = ModelInfo(
        "b.npz", cfg.replace(seed=2), {"paths": ["/x/c.txt"], "raw_words": 10, "checksum": 7}
    )
    note = comparison_note(a, b)
    assert "same corpus; settings differ: seed 1 vs 2" in note
    assert note.startswith("A = a.npz: c.txt, 10 words; 100 dims")
    c = ModelInfo("c.bin")
    assert comparison_note(a, c).endswith("corpora unknown; settings unknown")


def test_models_trained_by_the_cli_record_their_corpus(tmp_path):
    text = tmp_path / "corpus.txt"
    text.write_text("\n".join(planted_lines(300)) + "\n", encoding="utf-8")
    model = tmp_path / "m.npz"
    args = ["train", text, "-o", model, "-q", "--epochs", "1", "--vector-size", "8"]
    assert _run([*args, "--min-count", "1", "--seed", "3"])[0] == 0
    info = ModelInfo.from_native("m.npz", native.load(model))
    assert info.corpus["paths"] == [str(text)] and info.corpus["raw_words"] > 1000
    assert info.summary().startswith("m.npz: corpus.txt, ") and "seed 3" in info.summary()


def test_top_neighbours_with_ties_at_the_threshold():
    pool = np.array([[1, 0], [0.6, 0.8], [0.6, 0.8], [0.6, -0.8], [0, 1]], dtype=np.float32)
    # Rows 1, 2 and 3 all score 0.6: three candidates for two places.
    got = top_neighbours(pool[:1], pool, 2, exclude=np.array([0]))
    assert got.shape == (1, 2) and set(got[0].tolist()) < {1, 2, 3} and got[0, 0] < got[0, 1]
    assert (top_neighbours(pool[:1], pool, 3, exclude=np.array([0])) == [[1, 2, 3]]).all()
    assert (top_neighbours(pool[:1], pool, 5) == [[0, 1, 2, 3, 4]]).all()


def test_overlap_reports_progress_and_stops_when_told():
    a, b = corpus_pair()
    calls = []
    align(a, b).overlap_change(5, progress=lambda done, total: calls.append((done, total)))
    assert calls[-1] == (2 * len(a), 2 * len(a)) and calls == sorted(calls)

    def stop(done, total):
        raise KeyboardInterrupt

    al = align(a, b)
    with pytest.raises(KeyboardInterrupt):
        al.overlap_change(5, progress=stop)
    assert al.overlap_change(5).shape == (len(a),)  # nothing half-cached
