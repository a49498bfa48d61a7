"""The end of a run holds no extra V × d matrix, and the memory estimate covers a real run.

Memory is measured with tracemalloc (NumPy reports its array buffers to it), which counts
allocations exactly; resident set sizes are not asserted (they vary with the machine).
"""

from __future__ import annotations

import threading
import tracemalloc

import numpy as np

from w2v_gui.core.config import TrainingConfig
from w2v_gui.core.formats import native
from w2v_gui.core.sgns import Trainer
from w2v_gui.core.vocab import TokenStream, Vocab


def _trainer(words: int = 4000, dim: int = 64, seed: int = 0) -> Trainer:
    """A trainer over a corpus of ``words`` distinct words, each once, 20 to a line."""
    vocab = Vocab.from_counts([f"w{i}" for i in range(words)], np.ones(words))
    ids = np.random.default_rng(seed).permutation(words).astype(np.int32)
    stream = TokenStream(ids, np.arange(20, words, 20), words)
    config = TrainingConfig(min_count=1, vector_size=dim, epochs=1, workers=1, sample=0.0)
    return Trainer(config, vocab, stream)


def test_snapshots_after_a_run_share_the_trainers_matrices():
    trainer = _trainer()
    for _ in trainer.run():
        pass
    emb, context = trainer.snapshot(), trainer.context_snapshot()
    assert np.shares_memory(emb.vectors, trainer._syn0)
    assert np.shares_memory(context, trainer._syn1)
    assert not emb.vectors.flags.writeable and not context.flags.writeable
    assert trainer._syn0.flags.writeable  # the trainer's own stay writable


def test_a_shared_snapshot_never_changes_when_training_continues():
    trainer = _trainer()
    before = trainer.snapshot().vectors
    kept = before.copy()
    for _ in trainer.run():
        pass
    after = trainer.snapshot().vectors
    assert np.array_equal(before, kept)  # the run trained on a copy
    assert not np.array_equal(after, kept)


def test_a_snapshot_while_the_run_trains_is_a_copy():
    trainer = _trainer()
    trainer.report_interval = 0.01
    stop, pause = threading.Event(), threading.Event()
    pause.set()  # the workers wait, the run keeps reporting
    for rec in trainer.run(stop, pause):
        if not rec.done:
            assert not np.shares_memory(trainer.snapshot().vectors, trainer._syn0)
            assert not np.shares_memory(trainer.context_snapshot(), trainer._syn1)
            stop.set()
            pause.clear()


def test_saving_a_finished_run_allocates_no_matrix_sized_copy(tmp_path):
    trainer = _trainer(words=4000, dim=512)
    for _ in trainer.run():
        pass
    matrix = trainer._syn0.nbytes  # 8 MB; a copy of both was 16 MB
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        base = tracemalloc.get_traced_memory()[0]
        emb = trainer.snapshot()
        native.save(
            tmp_path / "m.npz",
            emb,
            context=trainer.context_snapshot(),
            config=trainer.config,
            state=trainer.state(),
        )
        peak = tracemalloc.get_traced_memory()[1] - base
    finally:
        tracemalloc.stop()
    # Per-word costs only (the index, the file's word table: ~0.8 MB), no matrix.
    assert peak < matrix / 4, (peak, matrix)
    assert np.array_equal(native.load(tmp_path / "m.npz").context, trainer._syn1)


def test_the_estimate_covers_a_measured_run_within_a_quarter(tmp_path):
    """scan → build → train → snapshot → save of 20,000 distinct words at 200 dimensions,
    traced from the first byte read: the estimate (less the process itself, which tracing
    does not see) is within ±25 % of the traced peak."""
    from w2v_gui.core.corpus import Corpus
    from w2v_gui.core.estimate import _PROCESS_BYTES, estimate
    from w2v_gui.core.vocab import scan

    words = ["w" + "".join(chr(97 + i // 26**k % 26) for k in range(4)) for i in range(20_000)]
    path = tmp_path / "corpus.txt"
    path.write_text("\n".join(" ".join(words[i : i + 20]) for i in range(0, len(words), 20)))
    config = TrainingConfig(min_count=1, vector_size=200, epochs=1, workers=1)
    tracemalloc.start()
    try:
        sc = scan(Corpus.from_config([path], config))
        vocab, stream = sc.build(config.min_count, config.max_vocab_size)
        trainer = Trainer(config, vocab, stream)
        for _ in trainer.run():
            pass
        native.save(tmp_path / "m.npz", trainer.snapshot(), context=trainer.context_snapshot())
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert len(vocab) == len(words)
    est = estimate(config, len(vocab), len(stream.ids), stream.raw_words).memory_bytes
    assert 0.75 < (est - _PROCESS_BYTES) / peak < 1.25, (est - _PROCESS_BYTES, peak)


def test_cbow_counts_its_doubled_batches():
    """CBOW asks the trainer for CBOW_BATCH times the centres: its batch buffers grow so."""
    from w2v_gui.core.config import TrainingConfig
    from w2v_gui.core.estimate import estimate
    from w2v_gui.core.kernels import CBOW_BATCH, negative_pools

    sg = TrainingConfig(vector_size=100, workers=2, batch_words=1024, sg=1)
    cbow = sg.replace(sg=0)
    grown = estimate(cbow, 50_000, 10**6, 10**6).memory_bytes
    base = estimate(sg, 50_000, 10**6, 10**6).memory_bytes
    # Per worker, ten rows of d float32 per centre and four per pooled negative.
    c_per, c_pool = negative_pools(0, sg.window, sg.negative)
    s_per, s_pool = negative_pools(1, sg.window, sg.negative)
    centres = 10 * (CBOW_BATCH - 1) * 1024
    negatives = 4 * (CBOW_BATCH * 1024 // c_per * c_pool - 1024 // s_per * s_pool)
    assert grown - base == 2 * (centres + negatives) * 100 * 4
