"""CBOW (sg=0) in the same engine: one batch against a slow per-centre float64 reference,
planted structure learned, seeded runs repeat, and the setting reaches the model file."""

from __future__ import annotations

import io
import math

import numpy as np
import pytest

from tests.core.test_sgns import _curvature, _planted_corpus, _sig, _train_lines
from w2v_gui.core.cli import main
from w2v_gui.core.config import TrainingConfig
from w2v_gui.core.formats import native
from w2v_gui.core.kernels import cbow_gradients


def reference_cbow(Xb, C, N, mask, lr, negative, cbow_mean):
    """Per-centre loops in float64, gensim's CBOW step (fast_sentence_cbow_neg): the hidden
    vector is the mean (or sum) of the live context rows; each context row receives the
    whole error (mean) or error / count (sum). Curvature: output rows see the hidden
    vector; every live context row gets its centre's whole curvature."""
    B, d = C.shape
    G, P = N.shape[:2]
    W = mask.shape[1] // 2
    dX, dC, dN = np.zeros_like(Xb), np.zeros_like(C), np.zeros_like(N)
    cX, cC, cN = np.zeros(len(Xb)), np.zeros(B), np.zeros((G, P))
    loss = 0.0
    for b in range(B):
        g = b // (B // G)
        live = [j for j in range(2 * W + 1) if mask[b, j]]
        if not live:
            continue
        h = sum(Xb[b + j] for j in live)
        if cbow_mean:
            h = h / len(live)
        err, lam = np.zeros(d), 0.0
        s = h @ C[b]
        coef = lr * (1 - _sig(s))
        loss -= math.log(_sig(s))
        err += coef * C[b]
        dC[b] += coef * h
        curv = lr * _curvature(_sig(-s))
        cC[b] += curv * (h @ h)
        lam += curv * (C[b] @ C[b])
        weight = negative / P
        for p in range(P):
            n = N[g, p]
            s = h @ n
            coef = -lr * weight * _sig(s)
            loss -= weight * math.log(_sig(-s))
            err += coef * n
            dN[g, p] += coef * h
            curv = lr * weight * _curvature(_sig(s))
            cN[g, p] += curv * (h @ h)
            lam += curv * (n @ n)
        for j in live:
            dX[b + j] += err if cbow_mean else err / len(live)
            cX[b + j] += lam
    return dX, dC, dN, cX, cC, cN, loss


@pytest.mark.parametrize("cbow_mean", [1, 0])
@pytest.mark.parametrize("W,B,G,P", [(2, 8, 2, 3), (5, 12, 3, 4), (1, 4, 1, 5)])
def test_cbow_gradients_match_per_centre_reference(W, B, G, P, cbow_mean):
    rng = np.random.default_rng(W * 100 + B)
    d = 7
    Xb = rng.standard_normal((B + 2 * W, d))
    C = rng.standard_normal((B, d))
    N = rng.standard_normal((G, P, d))
    mask = rng.random((B, 2 * W + 1)) < 0.7
    mask[:, W] = False
    mask[0] = False  # a centre without context is not trained
    g = cbow_gradients(Xb, C, N, mask, 0.05, 5, cbow_mean)
    dX, dC, dN, cX, cC, cN, loss = reference_cbow(Xb, C, N, mask, 0.05, 5, cbow_mean)
    np.testing.assert_allclose(g.d_centres, dC, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(g.d_band, dX, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(g.d_negatives.reshape(dN.shape), dN, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(g.c_centres, cC, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(g.c_band, cX, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(g.c_negatives.reshape(cN.shape), cN, rtol=1e-10, atol=1e-12)
    assert g.loss == pytest.approx(loss, rel=1e-10)
    assert g.pairs == np.count_nonzero(mask.any(axis=1))  # one prediction per centre
    assert not g.d_centres[0].any()


@pytest.mark.slow
@pytest.mark.parametrize("cbow_mean", [1, 0])
def test_planted_structure_is_learned_with_cbow(cbow_mean):
    trainer, records = _train_lines(_planted_corpus(), sg=0, cbow_mean=cbow_mean)
    emb = trainer.snapshot()
    animals = {"cat", "dog", "horse", "cow", "sheep"}
    tools = {"hammer", "saw", "drill", "wrench", "chisel"}
    for word, family in [("cat", animals), ("drill", tools)]:
        top = {w for w, _ in emb.most_similar(word, topn=4)}
        assert top <= family, (word, top)
    best = emb.most_similar(positive=["king", "woman"], negative=["man"], topn=1)[0][0]
    assert best == "queen"
    # One prediction per centre: untrained vectors score (1 + negative)·ln 2 each.
    losses = records[-1].epoch_losses
    assert losses[-1] < losses[0] and losses[-1] < 0.5 * 6 * math.log(2)


def test_cbow_seed_determinism_with_one_worker():
    lines = _planted_corpus(n_sent=800)
    a, _ = _train_lines(lines, seed=7, epochs=2, sg=0)
    b, _ = _train_lines(lines, seed=7, epochs=2, sg=0)
    c, _ = _train_lines(lines, seed=8, epochs=2, sg=0)
    s, _ = _train_lines(lines, seed=7, epochs=2, sg=1)
    assert np.array_equal(a.snapshot().vectors, b.snapshot().vectors)
    assert not np.array_equal(a.snapshot().vectors, c.snapshot().vectors)
    assert not np.array_equal(a.snapshot().vectors, s.snapshot().vectors)


@pytest.mark.parametrize(
    "changes, message",
    [({"sg": 2}, "sg must be between 0 and 1"), ({"cbow_mean": -1}, "cbow_mean must be")],
)
def test_bad_mode_settings_name_the_field(changes, message):
    with pytest.raises(ValueError, match=message):
        TrainingConfig(**changes)


def test_cli_train_sg0_and_the_model_file_records_it(tmp_path):
    corpus = tmp_path / "planted.txt"
    corpus.write_text("\n".join(_planted_corpus(n_sent=2000)) + "\n")
    model = tmp_path / "m.npz"
    out, err = io.StringIO(), io.StringIO()
    argv = ["train", corpus, "-o", model, "--sg", 0, "--cbow-mean", 0, "--epochs", 2]
    argv += ["--vector-size", 16, "--min-count", 1, "--workers", 1]
    assert main(list(map(str, argv)), out=out, err=err) == 0, err.getvalue()
    saved = native.load(model)
    assert saved.config.sg == 0 and saved.config.cbow_mean == 0
    assert "cat" in saved.embeddings


def test_cbow_pools_are_split_so_each_centre_scores_fewer_negatives():
    """CBOW predicts once per centre, so its pools serve fewer centres each: as many
    distinct negatives per batch and the same load on each pooled row as skip-gram's,
    and half the scores per centre (a quarter lost 0.008 analogy on dict8)."""
    from w2v_gui.core.kernels import negative_pools

    g1, p1 = negative_pools(1, 5, 5)
    g0, p0 = negative_pools(0, 5, 5)
    assert (g1, p1) == (64, 48)
    assert g0 < g1 and p0 < p1
    assert p0 / g0 == p1 / g1  # distinct negatives per batch
    assert g0 * 5 / p0 == g1 * 5 / p1  # centres' negative terms per pooled row
    # The layout reaches the batches: one pool draw per group of g0 centres.
    trainer, _ = _train_lines(_planted_corpus(n_sent=400), sg=0, epochs=1)
    c = trainer.config
    assert (trainer._group, trainer._pool) == negative_pools(0, c.window, c.negative)
    assert trainer.batch_size % g0 == 0


def test_cbow_batches_are_larger_but_still_bounded_by_repeats():
    from w2v_gui.core.kernels import GROUP, MAX_ROW_REPEATS_CBOW, batch_size

    lines = _planted_corpus(n_sent=2000)
    cbow, _ = _train_lines(lines, sg=0, batch_words=4096, epochs=1)
    top = cbow.vocab.counts.max() / cbow.vocab.counts.sum()  # sample=0: all kept
    assert cbow.batch_size * top <= MAX_ROW_REPEATS_CBOW < (cbow.batch_size + GROUP) * top
    assert np.isfinite(cbow.snapshot().vectors).all()
    # On a real vocabulary (top word ~1 % of kept tokens) CBOW takes twice skip-gram's.
    assert batch_size(2 * 1024, 0.011, MAX_ROW_REPEATS_CBOW) == 2048


@pytest.mark.slow
@pytest.mark.parametrize("workers,seeds", [(1, 6), (2, 12)])
def test_cbow_at_a_constant_high_learning_rate_on_a_tiny_vocabulary_stays_finite(workers, seeds):
    """As skip-gram's test: 47 words, no subsampling, the learning rate held at 0.025.
    One worker diverged in 1 of 12 seeds with batches of 32 repeats of the top word."""
    import threading

    from tests.core.test_sgns import _setup
    from tests.gui.planted import planted_text  # plain Python, no Qt
    from w2v_gui.core.sgns import Trainer

    config, vocab, stream = _setup(
        planted_text().splitlines(), workers=workers, epochs=1000, window=5, sg=0
    )
    for seed in range(1, seeds + 1):
        trainer = Trainer(config.replace(seed=seed), vocab, stream, report_interval=0.05)
        stop = threading.Event()
        for rec in trainer.run(stop=stop):
            if rec.elapsed > 0.3:
                stop.set()
        assert np.isfinite(trainer.snapshot().vectors).all() and not trainer.diverged
