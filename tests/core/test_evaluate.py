"""Analogy and word-pair benchmarks: the same numbers as gensim on the same vectors."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from w2v_gui.core.errors import FormatError
from w2v_gui.core.evaluate import _rank, evaluate_analogies, evaluate_word_pairs
from w2v_gui.core.vectors import Embeddings

gensim_kv = pytest.importorskip("gensim.models.keyedvectors")

ASSETS = Path(__file__).resolve().parents[2] / "assets"
QUESTIONS = ASSETS / "questions-words.txt"
PAIR_FILES = [ASSETS / "wordsim353.tsv", ASSETS / "simlex999.txt"]
DIM = 32


def _questions(path=QUESTIONS):
    return [
        line.split()
        for line in path.read_text("utf-8").splitlines()
        if line and not line.startswith(":")
    ]


@pytest.fixture(scope="module")
def models():
    """A vocabulary covering the benchmark files, in several letter cases, with vectors
    in which many (not all) analogies and similarities hold, so that right and wrong
    answers both occur."""
    rng = np.random.default_rng(3)
    keys: dict[str, list[str]] = {}  # upper-case key -> spellings

    def add(word):
        spellings = keys.setdefault(word.upper(), [])
        for w in (word, word.lower(), word.capitalize()):
            if w not in spellings:
                spellings.append(w)

    for q in _questions():
        for w in q:
            add(w)
    for path in PAIR_FILES:
        for line in path.read_text("utf-8").splitlines():
            if not line.startswith("#"):
                for w in line.split("\t")[:2]:
                    add(w)
    words = [w for spellings in keys.values() for w in spellings]
    words += [f"filler{i}" for i in range(300)]
    rng.shuffle(words)
    row = {w: i for i, w in enumerate(words)}
    base = {k: rng.standard_normal(DIM) for k in keys}
    for path in PAIR_FILES:  # similar pairs get close vectors
        for line in path.read_text("utf-8").splitlines()[2::2]:
            a, b, score = line.split("\t")
            base[b.upper()] = base[a.upper()] + (12 - float(score)) / 8 * rng.standard_normal(DIM)
    for q in _questions()[::3]:
        a, b, c, e = (w.upper() for w in q)
        base[e] = base[c] + base[b] - base[a] + 0.4 * rng.standard_normal(DIM)
    vectors = rng.standard_normal((len(words), DIM))
    for k, spellings in keys.items():
        for w in spellings:  # case variants: nearly the same vector, never exactly
            vectors[row[w]] = base[k] + 0.05 * rng.standard_normal(DIM)
    vectors = vectors.astype(np.float32)
    kv = gensim_kv.KeyedVectors(DIM)
    kv.add_vectors(words, vectors)
    return Embeddings(words, vectors), kv


def _gensim_sections(kv, path, **kw):
    _, sections = kv.evaluate_word_analogies(str(path), **kw)
    return [
        (s["section"], len(s["correct"]), len(s["correct"]) + len(s["incorrect"])) for s in sections
    ]


@pytest.mark.parametrize("restrict, case_insensitive", [(0.6, True), (0.8, False)])
def test_analogies_equal_gensim(models, restrict, case_insensitive):
    emb, kv = models
    stop = int(restrict * len(emb))
    ours = evaluate_analogies(
        emb, QUESTIONS, restrict_vocab=stop, case_insensitive=case_insensitive
    )
    theirs = _gensim_sections(kv, QUESTIONS, restrict_vocab=stop, case_insensitive=case_insensitive)
    assert list(ours.sections) == theirs[:-1]
    assert theirs[-1] == ("Total accuracy", ours.correct, ours.total)
    assert ours.questions == len(_questions())
    assert 0.05 < ours.accuracy < 0.95  # the planted structure gives a real mix
    assert ours.coverage == ours.total / ours.questions
    if restrict < 1:
        assert ours.total < ours.questions
    sem = [(c, t) for name, c, t in ours.sections if not name.startswith("gram")]
    assert ours.semantic == sum(c for c, _ in sem) / sum(t for _, t in sem)


def test_analogies_cosmul_equal_gensim_per_question(models, tmp_path):
    emb, kv = models
    questions = _questions()[::40]
    path = tmp_path / "q.txt"
    path.write_text(": one\n" + "\n".join(" ".join(q) for q in questions) + "\n", "utf-8")
    ours = evaluate_analogies(emb, path, restrict_vocab=None, case_insensitive=False, method="mul")
    right = sum(
        kv.most_similar_cosmul(positive=[b, c], negative=[a], topn=1)[0][0] == e
        for a, b, c, e in questions
        if all(w in kv.key_to_index for w in (a, b, c, e))
    )
    assert ours.sections == (("one", right, ours.total),)
    assert right > 0


@pytest.mark.parametrize("path", PAIR_FILES, ids=lambda p: p.name)
@pytest.mark.parametrize("restrict", [0.4, 1.0])
def test_word_pairs_equal_gensim(models, path, restrict):
    emb, kv = models
    stop = int(restrict * len(emb))
    ours = evaluate_word_pairs(emb, path, restrict_vocab=stop)
    pearson, spearman, oov = kv.evaluate_word_pairs(str(path), restrict_vocab=stop)
    assert ours.pearson == pytest.approx(pearson[0], abs=1e-9)
    assert ours.spearman == pytest.approx(spearman[0], abs=1e-9)
    assert ours.oov_ratio == pytest.approx(oov, abs=1e-12)
    assert ours.pairs == round((100 - oov) / 100 * (len(path.read_text().splitlines()) - 2))
    assert ours.spearman > 0.03  # the planted similarities show, weakly


def test_rank_averages_ties():
    assert _rank(np.array([3.0, 1.0, 2.0, 2.0, 5.0, 2.0])).tolist() == [5, 1, 3, 3, 6, 3]
    assert _rank(np.array([7.0])).tolist() == [1]


def test_pairs_all_unknown_gives_nan(tmp_path):
    path = tmp_path / "p.tsv"
    path.write_text("# comment\nfoo\tbar\t1.0\n\nbaz\tqux\t2\n", "utf-8")
    emb = Embeddings(["a", "b"], np.eye(2))
    res = evaluate_word_pairs(emb, path)
    assert res.pairs == 0 and res.oov_ratio == 100.0
    assert math.isnan(res.pearson) and math.isnan(res.spearman)


@pytest.mark.parametrize(
    "text, where",
    [
        (": s\na b c d\na b c\n", "line 3"),
        ("a b c d\n: s\n", "line 1"),
    ],
)
def test_bad_analogy_file(tmp_path, text, where):
    path = tmp_path / "bad.txt"
    path.write_text(text, "utf-8")
    with pytest.raises(FormatError) as info:
        evaluate_analogies(Embeddings(["a"], np.ones((1, 2))), path)
    assert str(path) in str(info.value) and where in str(info.value)


@pytest.mark.parametrize(
    "text, where",
    [
        ("a\tb\t1\na\tb\n", "line 2"),
        ("# x\na\tb\tlots\n", "line 2"),
    ],
)
def test_bad_pairs_file(tmp_path, text, where):
    path = tmp_path / "bad.tsv"
    path.write_text(text, "utf-8")
    with pytest.raises(FormatError) as info:
        evaluate_word_pairs(Embeddings(["a", "b"], np.eye(2)), path)
    assert str(path) in str(info.value) and where in str(info.value)


def test_analogy_file_without_known_words(tmp_path):
    path = tmp_path / "q.txt"
    path.write_text(": capital\nx y z w\n\n: gram1\nx y z w\n", "utf-8")
    res = evaluate_analogies(Embeddings(["a"], np.ones((1, 2))), path)
    assert res.sections == (("capital", 0, 0), ("gram1", 0, 0))
    assert (res.total, res.questions, res.accuracy, res.coverage) == (0, 2, 0.0, 0.0)
    with pytest.raises(ValueError):
        evaluate_analogies(Embeddings(["a"], np.ones((1, 2))), path, method="sub")


@pytest.mark.slow
def test_analogy_progress_reports_blocks_and_can_stop(models):
    emb, _ = models
    calls = []
    plain = evaluate_analogies(emb, QUESTIONS, restrict_vocab=None)
    counted = evaluate_analogies(
        emb,
        QUESTIONS,
        restrict_vocab=None,
        progress=lambda done, total: calls.append((done, total)),
    )
    assert counted == plain  # reporting changes nothing
    assert len(calls) > 1 and calls[-1] == (plain.total, plain.total)
    assert [d for d, _ in calls] == sorted({d for d, _ in calls})

    class Stop(Exception):
        pass

    def stop(done, total):
        raise Stop

    with pytest.raises(Stop):  # a callback that raises ends the test at its first block
        evaluate_analogies(emb, QUESTIONS, restrict_vocab=None, method="mul", progress=stop)
