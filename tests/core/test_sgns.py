"""The vectorized trainer against slow references, planted structure and its contracts."""

from __future__ import annotations

import math
import sys
import threading

import numpy as np
import pytest

from w2v_gui.core.config import TrainingConfig
from w2v_gui.core.errors import TrainingDiverged
from w2v_gui.core.kernels import batch_gradients, scatter_capped
from w2v_gui.core.sgns import Trainer
from w2v_gui.core.vocab import TokenStream, Vocab


def _sig(x):
    return 1.0 / (1.0 + math.exp(-x))


def _curvature(g):
    """The curvature factor of a term whose gradient coefficient is ``g`` = σ(±s):
    σ(s)·σ(−s), but never below g/4 (a term on the wrong side of its target)."""
    return g * max(1 - g, 0.25)


def reference_gradients(X, Y, N, mask, lr, negative):
    """Per-pair loops, float64: what one batch's SGD step must equal (before capping)."""
    B, d = X.shape
    G, P = N.shape[:2]
    W = mask.shape[1] // 2
    dX = np.zeros_like(X)
    dY = np.zeros_like(Y)
    dN = np.zeros_like(N)
    cX = np.zeros(B)
    cY = np.zeros(len(Y))
    cN = np.zeros((G, P))
    loss = 0.0
    for b in range(B):
        g = b // (B // G)
        live = [j for j in range(2 * W + 1) if mask[b, j]]
        weight = len(live) * negative / P
        for j in live:
            y = Y[b + j]
            s = X[b] @ y
            coef = lr * (1 - _sig(s))
            loss -= math.log(_sig(s))
            dX[b] += coef * y
            dY[b + j] += coef * X[b]
            curv = lr * _curvature(_sig(-s))
            cX[b] += curv * (y @ y)
            cY[b + j] += curv * (X[b] @ X[b])
        for p in range(P):
            n = N[g, p]
            s = X[b] @ n
            coef = -lr * weight * _sig(s)
            loss -= weight * math.log(_sig(-s))
            dX[b] += coef * n
            dN[g, p] += coef * X[b]
            curv = lr * weight * _curvature(_sig(s))
            cX[b] += curv * (n @ n)
            cN[g, p] += curv * (X[b] @ X[b])
    return dX, dY, dN, cX, cY, cN, loss


@pytest.mark.parametrize("W,B,G,P", [(2, 8, 2, 3), (5, 12, 3, 4), (1, 4, 1, 5)])
def test_batch_gradients_match_per_pair_reference(W, B, G, P):
    rng = np.random.default_rng(W * 100 + B)
    d = 7
    X = rng.standard_normal((B, d))
    Y = rng.standard_normal((B + 2 * W, d))
    N = rng.standard_normal((G, P, d))
    mask = rng.random((B, 2 * W + 1)) < 0.7
    mask[:, W] = False
    mask[0] = False  # a centre with no live context gets no update at all
    g = batch_gradients(X, Y, N, mask, 0.05, 5)
    dX, dY, dN, cX, cY, cN, loss = reference_gradients(X, Y, N, mask, 0.05, 5)
    np.testing.assert_allclose(g.d_centres, dX, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(g.d_band, dY, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(g.d_negatives.reshape(dN.shape), dN, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(g.c_centres, cX, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(g.c_band, cY, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(g.c_negatives.reshape(cN.shape), cN, rtol=1e-10, atol=1e-12)
    assert g.loss == pytest.approx(loss, rel=1e-10)
    assert g.pairs == mask.sum()
    assert not g.d_centres[0].any()
    # The trainer's fast path (no loss, live counts given) makes the very same step.
    fast = batch_gradients(X, Y, N, mask, 0.05, 5, with_loss=False, live=mask.sum(axis=1))
    assert np.array_equal(fast.updates, g.updates) and fast.loss == 0.0
    assert np.array_equal(fast.curvature, g.curvature) and fast.pairs == g.pairs


def test_scatter_sums_duplicates_and_caps_only_overloaded_rows():
    m = np.zeros((5, 2))
    rows = np.array([3, 1, 3, 0, 3])
    upd = np.array([[1.0, 0], [0, 1], [2, 0], [5, 5], [3, 0]])
    curv = np.array([1.0, 0.5, 1.0, 1.9, 2.0])  # row 3: Λ = 4 > 2 → halved
    scatter_capped(m, rows, upd, curv)
    np.testing.assert_allclose(m, [[5, 5], [0, 1], [0, 0], [3, 0], [0, 0]])


def test_batches_in_flight_share_a_rows_stable_step():
    from w2v_gui.core.kernels import RowBudget

    book = RowBudget(4)
    rows = np.array([0, 1, 2])
    a_seen, b_seen = book.seen(rows), book.seen(rows)  # two batches read the same rows
    # Batch a scatters first: rows under the cap take their plain step, row 2 is capped.
    np.testing.assert_allclose(book.take(rows, np.array([1.5, 0.5, 4.0]), a_seen), [1, 1, 0.5])
    # Batch b, computed from the same stale rows, gets what a left of each row's Λ = 2.
    np.testing.assert_allclose(
        book.take(rows, np.array([1.0, 0.5, 1.0]), b_seen), [0.5, 1, 0], atol=1e-12
    )
    # Row 3 was untouched by a: full step. A batch reading now starts afresh.
    np.testing.assert_allclose(book.take(np.array([3]), np.array([1.0]), book.seen([3])), [1])
    np.testing.assert_allclose(book.take(rows, np.array([4.0, 1, 1]), book.seen(rows)), [0.5, 1, 1])
    # Through sum_rows: the second batch's row 0 gets half its summed update.
    from w2v_gui.core.kernels import sum_rows

    book = RowBudget(2)
    r = np.array([0, 0, 1])
    upd = np.ones((3, 2))
    seen = book.seen(r)
    sum_rows(r, upd, np.array([1.0, 1.0, 0.1]), budget=(book, book.seen(r)))
    uniq, summed = sum_rows(r, upd, np.array([0.5, 0.5, 0.1]), budget=(book, seen))
    np.testing.assert_allclose(summed, [[0, 0], [1, 1]], atol=1e-12)  # row 0: budget spent
    assert list(uniq) == [0, 1]


def test_a_row_on_the_wrong_side_of_all_its_pairs_moves_a_bounded_distance():
    # One word repeated through a batch, every pair saturated the wrong way (s = −25): the
    # local curvature σ(s)σ(−s) is ~1e-11, so a cap built on it alone lets the summed
    # step move the score by lr·pairs·‖y‖² (here 160). Floored at |g|/4 it stays a
    # trust region: the row's own scores change by at most 2 / ¼ = 8.
    from w2v_gui.core.kernels import sum_rows

    B, W, d = 64, 2, 10
    u = np.ones(d) / np.sqrt(d)
    X = np.tile(-5.0 * u, (B, 1))
    Y = np.tile(5.0 * u, (B + 2 * W, 1))
    N = np.tile(5.0 * u, (1, 4, 1))  # negatives already far (s = −25): no pull
    mask = np.ones((B, 2 * W + 1), dtype=bool)
    mask[:, W] = False
    g = batch_gradients(X, Y, N, mask, 0.025, 5)
    rows = np.zeros(B, dtype=np.int64)  # every centre is the same input row
    _, summed = sum_rows(rows, g.d_centres, g.c_centres)
    plain = g.d_centres.sum(axis=0)
    assert (plain @ Y[0]) == pytest.approx(0.025 * B * 2 * W * 25)
    assert 0 < (summed[0] @ Y[0]) <= 8 + 1e-9


def _planted_corpus(seed=0, n_sent=6000):
    """Two families of words that share contexts only within the family, plus an analogy.

    Sentences "X is a <family word> with Y": animals co-occur with fur/legs, tools with
    metal/handles. Also the royal/gender template so that king − man + woman = queen.
    """
    rng = np.random.default_rng(seed)
    animals = ["cat", "dog", "horse", "cow", "sheep"]
    tools = ["hammer", "saw", "drill", "wrench", "chisel"]
    lines = []
    for _ in range(n_sent):
        r = rng.random()
        if r < 0.3:
            a = rng.choice(animals)
            lines.append(
                f"the {a} has {rng.choice(['fur', 'legs', 'tail'])} and eats "
                f"{rng.choice(['grass', 'meat', 'food'])}"
            )
        elif r < 0.6:
            t = rng.choice(tools)
            lines.append(
                f"a {t} is made of {rng.choice(['metal', 'steel', 'iron'])} with a "
                f"{rng.choice(['handle', 'grip', 'blade'])}"
            )
        else:
            g = rng.choice(["male", "female"])
            rank = rng.choice(["royal", "common"])
            word = {
                ("male", "royal"): "king",
                ("female", "royal"): "queen",
                ("male", "common"): "man",
                ("female", "common"): "woman",
            }[(g, rank)]
            he = "he" if g == "male" else "she"
            extra = (
                rng.choice(["crown", "throne", "palace"])
                if rank == "royal"
                else rng.choice(["street", "house", "village"])
            )
            lines.append(f"the {word} said {he} lives in the {extra} and {he} walks")
    return lines


def _setup(lines, **cfg):
    from collections import Counter

    toks = [ln.split() for ln in lines]
    counts = Counter(w for t in toks for w in t)
    vocab = Vocab.from_counts(list(counts), [counts[w] for w in counts])
    ids = np.array([vocab.index[w] for t in toks for w in t], dtype=np.int32)
    starts = np.cumsum([len(t) for t in toks])[:-1]
    stream = TokenStream(ids, starts, len(ids))
    config = TrainingConfig(
        **{
            "min_count": 1,
            "vector_size": 20,
            "epochs": 5,
            "workers": 1,
            "sample": 0.0,
            "window": 3,
            **cfg,
        }
    )
    return config, vocab, stream


def _train_lines(lines, **cfg):
    trainer = Trainer(*_setup(lines, **cfg))
    records = list(trainer.run())
    return trainer, records


def test_planted_structure_is_learned():
    trainer, records = _train_lines(_planted_corpus())
    emb = trainer.snapshot()
    animals = {"cat", "dog", "horse", "cow", "sheep"}
    tools = {"hammer", "saw", "drill", "wrench", "chisel"}
    for word, family in [("cat", animals), ("drill", tools)]:
        top = {w for w, _ in emb.most_similar(word, topn=4)}
        assert top <= family, (word, top)
    best = emb.most_similar(positive=["king", "woman"], negative=["man"], topn=1)[0][0]
    assert best == "queen"
    # The loss falls: below the first epoch's mean, and far below untrained vectors'
    # (1 + negative)·ln 2 per pair.
    losses = records[-1].epoch_losses
    assert len(losses) == 5 and losses[-1] < losses[0]
    assert losses[-1] < 0.5 * 6 * math.log(2)
    assert records[-1].done and not records[-1].stopped
    assert records[-1].words_done == records[-1].words_total


def test_batches_shrink_so_no_word_floods_one(monkeypatch):
    from w2v_gui.core.kernels import GROUP, MAX_ROW_REPEATS, batch_size

    assert batch_size(1024, 0.012) == 1024  # a real corpus: as asked
    assert batch_size(1024, 0.1) == 128  # a tiny vocabulary: smaller
    assert batch_size(1024, 0.9) == GROUP  # never below one group
    assert batch_size(1000, 0.0) == 960  # a multiple of GROUP
    # With a 47-word vocabulary and no subsampling, 1,024 centres per batch diverged.
    trainer, _ = _train_lines(_planted_corpus(n_sent=2000), batch_words=4096, epochs=1)
    top = trainer.vocab.counts.max() / trainer.vocab.counts.sum()  # sample=0: all kept
    assert trainer.batch_size * top <= MAX_ROW_REPEATS < (trainer.batch_size + GROUP) * top
    assert np.isfinite(trainer.snapshot().vectors).all()


@pytest.mark.slow
@pytest.mark.parametrize("sentences", [300, 70_000])  # 70,000: built in three slices
def test_a_window_takes_its_sentences_whole_in_a_random_order(sentences):
    from w2v_gui.core.windows import window_tokens

    lengths = np.random.default_rng(0).integers(1, 9, size=sentences)
    ids = np.arange(lengths.sum(), dtype=np.int32)  # token i is word i: order is visible
    starts = np.cumsum(lengths)[:-1]
    sentences = np.split(ids, starts)
    a, b = starts[1] + 1, starts[-3] - 1  # the window cuts two sentences
    inside = sorted(tuple(s[(s >= a) & (s < b)]) for s in sentences if ((s >= a) & (s < b)).any())
    toks, first = window_tokens(ids, starts, a, b, np.random.default_rng(5))
    assert sorted(toks) == list(ids[a:b])  # every token once
    assert not np.array_equal(toks, ids[a:b])  # in another order
    assert first[0] and first.sum() == len(inside)
    # Each flagged run is one sentence (or the piece of a cut one inside the window), whole.
    assert sorted(tuple(p) for p in np.split(toks, np.flatnonzero(first)[1:])) == inside
    again = window_tokens(ids, starts, a, b, np.random.default_rng(5))
    assert np.array_equal(again[0], toks) and np.array_equal(again[1], first)
    # Without a random stream: the corpus order, same flags.
    same, flags = window_tokens(ids, starts, a, b, None)
    assert np.array_equal(same, ids[a:b]) and flags.sum() == len(inside)
    assert np.flatnonzero(flags).tolist() == [0, *(starts[(starts > a) & (starts < b)] - a)]
    empty = window_tokens(ids, starts, 7, 7, np.random.default_rng(5))
    assert len(empty[0]) == len(empty[1]) == 0


def test_a_batch_mixes_sentences_from_across_its_job(monkeypatch):
    """Neighbouring lines that repeat each other (WordNet writes a definition once per
    synonym) must not land in one batch together: the trainer shuffles sentences."""
    import w2v_gui.core.sgns as sgns

    lines = [f"s{i} w{i % 7} x{i % 5}" for i in range(2000)]  # one job: 6,000 tokens
    config, vocab, stream = _setup(lines, epochs=1, batch_words=64)
    trainer = Trainer(config, vocab, stream)
    initial = trainer.snapshot().vectors
    first = []
    real = sgns.batch_gradients

    def spy(X, *args, **kwargs):
        if not first:
            first.append(X.copy())
        return real(X, *args, **kwargs)

    monkeypatch.setattr(sgns, "batch_gradients", spy)
    list(trainer.run())
    rows = [int(np.flatnonzero((initial == x).all(axis=1))[0]) for x in first[0]]
    numbered = [int(w[1:]) for w in (vocab.words[r] for r in rows) if w.startswith("s")]
    # In file order the first 64 centres come from sentences 0-21.
    assert len(numbered) >= 15 and max(numbered) > 500
    # shuffle=False trains in the file's order.
    trainer = Trainer(config.replace(shuffle=False), vocab, stream)
    initial = trainer.snapshot().vectors
    first.clear()
    list(trainer.run())
    rows = [int(np.flatnonzero((initial == x).all(axis=1))[0]) for x in first[0]]
    numbered = [int(w[1:]) for w in (vocab.words[r] for r in rows) if w.startswith("s")]
    assert numbered == sorted(numbered) and max(numbered) < 30


def test_seed_determinism_with_one_worker():
    lines = _planted_corpus(n_sent=800)
    a, _ = _train_lines(lines, seed=7, epochs=2)
    b, _ = _train_lines(lines, seed=7, epochs=2)
    c, _ = _train_lines(lines, seed=8, epochs=2)
    assert np.array_equal(a.snapshot().vectors, b.snapshot().vectors)
    assert not np.array_equal(a.snapshot().vectors, c.snapshot().vectors)


@pytest.mark.slow
def test_stop_keeps_vectors_and_resume_is_bit_identical():
    setup = _setup(_planted_corpus(n_sent=3000), seed=3, epochs=10, batch_words=64)
    ref = Trainer(*setup, job_tokens=2048)
    list(ref.run())
    trainer = Trainer(*setup, job_tokens=2048, report_interval=0.001)
    stop = threading.Event()
    for rec in trainer.run(stop=stop):
        # Stop after the first trained words (a busy machine can report before any).
        if not rec.done and rec.words_done > 0:
            stop.set()
    assert rec.done and rec.stopped and 0 < rec.words_done < rec.words_total
    assert np.isfinite(trainer.snapshot().vectors).all()
    resumed = Trainer(
        *setup,
        job_tokens=2048,
        vectors=trainer.snapshot().vectors,
        context=trainer.context_snapshot(),
        state=trainer.state(),
    )
    last = list(resumed.run())[-1]
    assert last.done and not last.stopped and last.words_done == last.words_total
    assert np.array_equal(resumed.snapshot().vectors, ref.snapshot().vectors)


def test_pause_holds_the_workers():
    config, vocab, stream = _setup(_planted_corpus(n_sent=2000), epochs=20)
    t = Trainer(config, vocab, stream, report_interval=0.05)
    pause, stop = threading.Event(), threading.Event()
    it = t.run(stop=stop, pause=pause)
    next(it)
    pause.set()
    rec = next(it)
    rec = next(it)  # one full interval after the pause took effect
    before = rec.words_done
    for _ in range(3):
        rec = next(it)
    assert rec.paused and rec.words_done == before
    pause.clear()
    stop.set()
    last = list(it)[-1]
    assert last.stopped


def test_divergence_is_reported_not_saved_silently():
    config, vocab, stream = _setup(
        _planted_corpus(n_sent=2000), alpha=1.0, min_alpha=1.0, epochs=50
    )
    rng = np.random.default_rng(0)
    big = rng.standard_normal((len(vocab), config.vector_size)).astype(np.float32) * 30
    t = Trainer(config, vocab, stream, vectors=big, context=big.copy())
    with pytest.raises(TrainingDiverged, match="lower alpha"):
        list(t.run())
    assert t.diverged


def test_too_large_a_run_is_refused_up_front_with_the_estimate(monkeypatch):
    import w2v_gui.core.sgns
    from w2v_gui.core.errors import InsufficientMemory

    config, vocab, stream = _setup(_planted_corpus(n_sent=200))
    monkeypatch.setattr(w2v_gui.core.sgns, "available_memory", lambda: 10_000)
    with pytest.raises(InsufficientMemory, match=r"10\.0 kB is available.*min_count"):
        Trainer(config, vocab, stream)


@pytest.mark.slow
def test_two_workers_on_a_tiny_vocabulary_do_not_diverge():
    # Concurrent batches hit the same rows, so the per-batch repeat cap must count the
    # batches in flight: with 2 workers, 4 of these 8 seeds diverged at 576 centres.
    from tests.gui.planted import planted_text  # plain Python, no Qt

    config, vocab, stream = _setup(
        planted_text().splitlines(), workers=2, window=5, batch_words=1024
    )
    one = Trainer(config.replace(workers=1), vocab, stream).batch_size
    for seed in range(1, 9):
        trainer = Trainer(config.replace(seed=seed), vocab, stream)
        assert trainer.batch_size <= one // 2
        list(trainer.run())
        assert np.isfinite(trainer.snapshot().vectors).all()


@pytest.mark.slow
@pytest.mark.parametrize("workers,seeds", [(2, 24), (8, 6)])
def test_workers_at_a_constant_high_learning_rate_on_a_tiny_vocabulary_stay_finite(workers, seeds):
    """The GUI tests' long runs: 47 words, no subsampling, 1,000 epochs so the learning
    rate stays at 0.025. With each worker's batch capped at Λ = 2, about one seed in six
    diverged within the first 0.1 s (two workers' capped steps on the same rows add up);
    batches in flight now share each row's Λ = 2 (kernels.RowBudget)."""
    from tests.gui.planted import planted_text  # plain Python, no Qt

    config, vocab, stream = _setup(
        planted_text().splitlines(), workers=workers, epochs=1000, window=5
    )
    for seed in range(1, seeds + 1):
        trainer = Trainer(config.replace(seed=seed), vocab, stream, report_interval=0.05)
        stop = threading.Event()
        for rec in trainer.run(stop=stop):
            if rec.elapsed > 0.3:
                stop.set()
        assert np.isfinite(trainer.snapshot().vectors).all() and not trainer.diverged


def test_initial_vectors_are_gensims_uniform_draw_bit_for_bit():
    # Made in place to save memory; the seed must still give the very same vectors.
    config, vocab, stream = _setup(_planted_corpus(n_sent=100), seed=9, vector_size=7)
    t = Trainer(config, vocab, stream)
    draw = np.random.default_rng(9).random((len(vocab), 7), dtype=np.float32)
    assert np.array_equal(t.snapshot().vectors, (draw - np.float32(0.5)) / np.float32(7))
    assert not t.context_snapshot().any()


@pytest.mark.slow
def test_a_topic_that_returns_after_a_long_absence_does_not_diverge():
    from tests.gui.planted import planted_text  # plain Python, no Qt

    rng = np.random.default_rng(0)
    filler = [
        f"{chr(97 + i % 26)}{chr(97 + i // 26 % 26)}{chr(97 + i // 676)}x" for i in range(5000)
    ]
    p = 1.0 / np.arange(1, 5001)
    lines = planted_text(6000, seed=1).splitlines() + [
        " ".join(rng.choice(filler, size=15, p=p / p.sum())) for _ in range(12000)
    ]
    config, vocab, stream = _setup(
        lines, min_count=5, vector_size=20, epochs=2, window=5, sample=1e-3, seed=0
    )
    trainer = Trainer(config, vocab, stream)
    list(trainer.run())
    emb = trainer.snapshot()
    assert np.isfinite(emb.vectors).all()
    assert emb.most_similar(positive=["king", "woman"], negative=["man"], topn=1)[0][0] == "queen"


def test_the_run_shortens_the_switch_interval_and_restores_it():
    """Workers trade the interpreter lock between NumPy calls: 1 ms turns while they run."""
    from w2v_gui.core.sgns import SWITCH_INTERVAL

    config, vocab, stream = _setup(_planted_corpus(n_sent=500), epochs=3)
    before = sys.getswitchinterval()
    sys.setswitchinterval(0.005)
    try:
        during = [
            sys.getswitchinterval()
            for rec in Trainer(config, vocab, stream, report_interval=0.001).run()
            if not rec.done
        ]
        after = sys.getswitchinterval()
    finally:
        sys.setswitchinterval(before)
    assert during and set(during) == {SWITCH_INTERVAL}
    assert after == 0.005
