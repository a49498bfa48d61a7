"""The walk-through's numbers against hand-written expectations and direct computation."""

from __future__ import annotations

import math
import threading

import numpy as np
import pytest

from w2v_gui.core.config import TrainingConfig
from w2v_gui.core.corpus import Corpus
from w2v_gui.core.errors import Cancelled
from w2v_gui.core.vocab import Vocab, scan
from w2v_gui.core.walkthrough import (
    ToyModel,
    corpus_prefix,
    draw_negatives,
    draw_reach,
    noise_cdf,
    pair_step,
    pairs_loss,
    quick_train,
    sentence_bounds,
    skipgram_pairs,
    window_mask,
)

SENTENCE = "thou shalt not make a machine".split()


def _table(pairs):
    return [(p.input, p.output) for p in pairs]


def test_window_table_full_window():
    assert _table(skipgram_pairs(SENTENCE, 2)) == [
        ("thou", "shalt"),
        ("thou", "not"),
        ("shalt", "thou"),
        ("shalt", "not"),
        ("shalt", "make"),
        ("not", "thou"),
        ("not", "shalt"),
        ("not", "make"),
        ("not", "a"),
        ("make", "shalt"),
        ("make", "not"),
        ("make", "a"),
        ("make", "machine"),
        ("a", "not"),
        ("a", "make"),
        ("a", "machine"),
        ("machine", "make"),
        ("machine", "a"),
    ]


def test_window_table_with_dynamic_reach():
    pairs = skipgram_pairs(SENTENCE, 3, reach=[1, 3, 1, 2, 1, 3])
    assert _table(pairs) == [
        ("thou", "shalt"),
        ("shalt", "thou"),
        ("shalt", "not"),
        ("shalt", "make"),
        ("shalt", "a"),
        ("not", "shalt"),
        ("not", "make"),
        ("make", "shalt"),
        ("make", "not"),
        ("make", "a"),
        ("make", "machine"),
        ("a", "make"),
        ("a", "machine"),
        ("machine", "not"),
        ("machine", "make"),
        ("machine", "a"),
    ]
    assert [(p.centre, p.context) for p in pairs[:3]] == [(0, 1), (1, 0), (1, 2)]


def test_window_mask_is_the_trainers_rule():
    rng = np.random.default_rng(3)
    n, W = 9, 4
    reach = draw_reach(n, W, rng)
    mask = window_mask(n, W, reach)
    for c in range(n):
        for k in range(2 * W + 1):
            o = k - W
            assert mask[c, k] == (o != 0 and abs(o) <= reach[c] and 0 <= c + o < n)
    with pytest.raises(ValueError, match="reach"):
        window_mask(3, 2, [1, 3, 1])


def test_reach_is_uniform_in_one_to_window():
    reach = draw_reach(60_000, 5, np.random.default_rng(0))
    counts = np.bincount(reach, minlength=6)
    assert counts[0] == 0 and reach.max() == 5
    np.testing.assert_allclose(counts[1:] / len(reach), 0.2, atol=0.01)


def _vocab():
    words = ["the", "of", "cat", "dog", "gnu", "yak"]
    return Vocab.from_counts(words, [1000, 400, 50, 30, 5, 1])


@pytest.mark.parametrize("exponent", [0.75, 1.0, 0.0])
def test_negatives_follow_the_noise_distribution(exponent):
    vocab = _vocab()
    draws = draw_negatives(vocab, 200_000, np.random.default_rng(1), exponent)
    freq = np.bincount(draws, minlength=len(vocab)) / len(draws)
    p = vocab.counts.astype(float) ** exponent
    p /= p.sum()
    # Binomial standard error, 5 sigma.
    assert (np.abs(freq - p) <= 5 * np.sqrt(p * (1 - p) / len(draws)) + 1e-4).all()
    np.testing.assert_allclose(np.diff(noise_cdf(vocab, exponent), prepend=0), p, rtol=1e-12)


def test_negatives_from_a_table_and_shapes():
    cdf = noise_cdf(_vocab())
    a = draw_negatives(cdf, (4, 3), np.random.default_rng(5))
    b = draw_negatives(_vocab(), (4, 3), np.random.default_rng(5))
    assert a.shape == (4, 3) and (a == b).all() and a.max() < 6


def _sig(x):
    return 1.0 / (1.0 + math.exp(-x))


def _matrices(V=7, d=5, seed=0, scale=0.5):
    rng = np.random.default_rng(seed)
    return (
        (rng.standard_normal((V, d)) * scale).astype(np.float32),
        (rng.standard_normal((V, d)) * scale).astype(np.float32),
    )


def test_pair_step_equals_the_hand_written_sgd_update():
    W_in, W_out = _matrices()
    x0, Y0 = W_in.astype(np.float64), W_out.astype(np.float64)
    centre, context, negs, lr = 2, 4, [0, 5, 6], 0.1
    step = pair_step(W_in, W_out, centre, context, negs, lr)
    x = x0[centre]
    outs = [context, *negs]
    targets = [1, 0, 0, 0]
    scores = [x @ Y0[o] for o in outs]
    errors = [t - _sig(s) for t, s in zip(targets, scores, strict=True)]
    np.testing.assert_allclose(step.scores, scores, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(step.sigmoids, [_sig(s) for s in scores], rtol=1e-5)
    np.testing.assert_allclose(step.errors, errors, rtol=1e-5, atol=1e-6)
    np.testing.assert_array_equal(step.targets, targets)
    loss = -math.log(_sig(scores[0])) - sum(math.log(_sig(-s)) for s in scores[1:])
    assert step.loss == pytest.approx(loss, rel=1e-5)
    # word2vec: x ← x + lr Σ e_j y_j ; y_j ← y_j + lr e_j x (both from the old rows).
    new_x = x + lr * sum(e * Y0[o] for e, o in zip(errors, outs, strict=True))
    np.testing.assert_allclose(step.input_update, new_x - x, rtol=1e-4, atol=1e-7)
    np.testing.assert_allclose(step.input_after, new_x, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(W_in[centre], new_x, rtol=1e-5, atol=1e-6)
    for j, (o, e) in enumerate(zip(outs, errors, strict=True)):
        np.testing.assert_allclose(step.output_updates[j], lr * e * x, rtol=1e-4, atol=1e-7)
        np.testing.assert_allclose(step.outputs_before[j], Y0[o], rtol=0)
        np.testing.assert_allclose(W_out[o], Y0[o] + lr * e * x, rtol=1e-5, atol=1e-6)
        np.testing.assert_array_equal(step.outputs_after[j], W_out[o])
    untouched = [r for r in range(7) if r not in outs]
    np.testing.assert_array_equal(W_out[untouched], Y0[untouched].astype(np.float32))
    np.testing.assert_array_equal(np.delete(W_in, centre, 0), np.delete(x0, centre, 0))
    assert not step.capped and step.context == context and list(step.negatives) == negs


def test_pair_step_sums_a_row_drawn_twice_and_can_leave_matrices_alone():
    W_in, W_out = _matrices(seed=1)
    before_in, before_out = W_in.copy(), W_out.copy()
    # The context word also drawn as a negative, and one negative drawn twice.
    step = pair_step(W_in, W_out, 0, 3, [3, 1, 1], 0.05, apply=False)
    np.testing.assert_array_equal(W_in, before_in)
    np.testing.assert_array_equal(W_out, before_out)
    x = before_in[0].astype(np.float64)
    e = step.errors.astype(np.float64)
    expect3 = before_out[3] + 0.05 * (e[0] + e[1]) * x
    expect1 = before_out[1] + 0.05 * (e[2] + e[3]) * x
    np.testing.assert_allclose(step.outputs_after[0], expect3, rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(step.outputs_after[1], expect3, rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(step.outputs_after[2], expect1, rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(step.outputs_after[3], expect1, rtol=1e-5, atol=1e-7)


def test_pair_step_reports_the_engines_curvature_cap():
    W_in, W_out = _matrices(seed=2, scale=0.1)
    W_in[1] = 40.0  # a huge input row: the context rows' step would overshoot
    step = pair_step(W_in, W_out, 1, 2, [3], 1.0, apply=False)
    assert step.capped
    raw = step.outputs_before[0] + step.output_updates[0]
    assert np.linalg.norm(step.outputs_after[0] - step.outputs_before[0]) < np.linalg.norm(
        raw - step.outputs_before[0]
    )
    with pytest.raises(ValueError, match="negative"):
        pair_step(W_in, W_out, 1, 2, [], 0.1)


def test_pairs_loss_is_the_mean_pair_loss():
    W_in, W_out = _matrices(seed=4)
    c, o = np.array([0, 1, 2]), np.array([3, 4, 0])
    negs = np.array([[5, 6], [1, 2], [3, 3]])
    expect = np.mean(
        [
            -math.log(_sig(W_in[a] @ W_out[b]))
            - sum(math.log(_sig(-(W_in[a] @ W_out[n]))) for n in ns)
            for a, b, ns in zip(c, o, negs, strict=True)
        ]
    )
    assert pairs_loss(W_in, W_out, c, o, negs) == pytest.approx(expect, rel=1e-5)


def test_toy_model_starts_at_log2_per_term_and_learns():
    sentences = [
        "a person who rules a kingdom".split(),
        "the wife of a king".split(),
        "a female person who rules a kingdom".split(),
    ]
    weights = {w: 1.0 for s in sentences for w in s}
    toy = ToyModel(sentences, weights, vector_size=6, window=2, negative=3, seed=2)
    assert toy.words[:4] == ("a", "person", "who", "rules")
    assert toy.W_in.shape == (len(toy.words), 6) and not toy.W_out.any()
    assert np.abs(toy.W_in).max() <= 0.5 / 6
    assert len(toy.pairs) == sum(len(skipgram_pairs(s, 2)) for s in sentences)
    # Context rows start at zero: every score is 0, every term costs log 2.
    assert toy.loss() == pytest.approx(4 * math.log(2), rel=1e-6)
    first = toy.step(lr=0.1)
    assert (first.centre, first.context) == tuple(toy.pairs[0])
    losses = toy.train(999, lr=0.1, every=100)
    assert len(losses) == 10 and toy.steps == 1000
    assert losses[-1] < 0.75 * 4 * math.log(2)
    assert toy.embeddings().words == toy.words
    with pytest.raises(ValueError, match="pairs"):
        ToyModel([["alone"]], {"alone": 1.0})


def _scan(tmp_path, lines):
    path = tmp_path / "c.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return scan(Corpus(path))


def test_corpus_prefix_counts_only_the_prefix_and_cuts_at_a_line_end(tmp_path):
    s = _scan(tmp_path, ["a b c", "a a d", "e f g h"] * 10)
    pre = corpus_prefix(s, 10)
    words = [s.words[i] for i in pre.ids if i != s.newline_id]
    assert words == "a b c a a d".split()
    assert pre.raw_words == 6
    assert pre.counts[s.words.index("a")] == 3 and pre.counts[s.words.index("e")] == 0
    vocab, stream = pre.build(1)
    assert set(vocab.words) == set("abcd") and len(stream.ids) == 6
    starts, ends = sentence_bounds(stream)
    assert list(starts) == [0, 3] and list(ends) == [3, 6]


def test_quick_train_runs_the_real_trainer_and_stops(tmp_path):
    s = _scan(tmp_path, ["the cat sat on the mat", "a dog sat on a log"] * 200)
    config = TrainingConfig(min_count=1, vector_size=10, epochs=1, workers=1, window=2)
    run = quick_train(s, config, max_tokens=600)
    assert run.tokens <= 600 and "cat" in run.embeddings
    assert run.progress.done and not run.progress.stopped
    assert run.embeddings.vector_size == 10 and run.config is config
    stop = threading.Event()
    stop.set()
    with pytest.raises(Cancelled):
        quick_train(s, config, max_tokens=600, stop=stop)
