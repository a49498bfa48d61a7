"""Big corpora keep their token ids on disk (core/tokencache.py): same ids, same training."""

import numpy as np
import pytest

from w2v_gui.core import vocab as vocab_mod
from w2v_gui.core.corpus import Corpus
from w2v_gui.core.tokencache import TokenFile
from w2v_gui.core.vocab import scan


def _corpus(tmp_path, lines=400):
    rng = np.random.default_rng(0)
    words = [f"w{i}" for i in range(60)]
    text = "\n".join(
        " ".join(words[int(k)] for k in rng.zipf(1.3, size=int(rng.integers(3, 40))) % 60)
        for _ in range(lines)
    )
    (tmp_path / "c.txt").write_text(text + "\n")
    return Corpus([tmp_path / "c.txt"])


def test_token_file_reads_back_slices_of_what_was_appended():
    ref = np.random.default_rng(1).integers(0, 1 << 30, size=10_000, dtype=np.int32)
    f = TokenFile()
    for lo in range(0, len(ref), 777):
        f.append(ref[lo : lo + 777])
    assert len(f) == len(ref) and f.nbytes == 4 * len(ref)
    for a, b in [(0, 10_000), (5, 6), (777, 1554), (9_990, 20_000), (3, 3)]:
        assert np.array_equal(f[a:b], ref[a:b])
    assert f[-1] == ref[-1] and f[1234] == ref[1234]
    with pytest.raises(ValueError):
        f[::2]
    f.close()


def test_a_scan_over_the_threshold_keeps_its_ids_on_disk_and_builds_the_same_stream(
    tmp_path, monkeypatch
):
    monkeypatch.setattr(vocab_mod, "_PART_TOKENS", 256)  # many parts from a small corpus
    corpus = _corpus(tmp_path)
    mem = scan(corpus)
    disk = scan(corpus, cache_over=1000)
    assert isinstance(disk.ids, TokenFile) and isinstance(mem.ids, np.ndarray)
    assert len(mem.ids) > 4000
    assert np.array_equal(disk.ids[0 : len(disk.ids)], mem.ids)
    assert np.array_equal(disk.counts, mem.counts) and disk.words == mem.words
    v1, s1 = mem.build(3)
    v2, s2 = disk.build(3)
    assert v1.words == v2.words
    assert isinstance(s2.ids, TokenFile)
    assert np.array_equal(s2.ids[0 : len(s2.ids)], s1.ids)
    assert np.array_equal(s2.sentence_starts, s1.sentence_starts)
    # Under the threshold nothing goes to disk.
    assert isinstance(scan(corpus, cache_over=len(mem.ids) + 1).ids, np.ndarray)


@pytest.mark.parametrize("shuffle", [True, False])
def test_training_from_the_disk_cache_is_bit_identical(tmp_path, monkeypatch, shuffle):
    from w2v_gui.core import sgns
    from w2v_gui.core.config import TrainingConfig

    monkeypatch.setattr(vocab_mod, "_PART_TOKENS", 256)
    monkeypatch.setattr(sgns, "SHUFFLE_TOKENS", 2048)  # several windows, each read apart
    corpus = _corpus(tmp_path, lines=600)
    config = TrainingConfig(
        min_count=2, vector_size=16, epochs=2, workers=1, window=3, shuffle=shuffle
    )
    runs = []
    for cache_over in (None, 1000):
        vocab, stream = scan(corpus, cache_over=cache_over).build(config.min_count)
        trainer = sgns.Trainer(config, vocab, stream, job_tokens=512)
        list(trainer.run())
        runs.append((type(stream.ids), trainer.snapshot().vectors))
    assert runs[0][0] is np.ndarray and runs[1][0] is TokenFile
    assert np.array_equal(runs[0][1], runs[1][1])


def test_w2v_train_keeps_a_big_corpus_on_disk(tmp_path, monkeypatch):
    from w2v_gui.core import cli, tokencache

    made = []
    real = tokencache.TokenFile.__init__

    def spy(self, *a, **k):
        made.append(self)
        real(self, *a, **k)

    monkeypatch.setattr(tokencache.TokenFile, "__init__", spy)
    monkeypatch.setattr(vocab_mod, "CACHE_OVER_TOKENS", 1000)
    monkeypatch.setattr(vocab_mod, "_PART_TOKENS", 256)
    _corpus(tmp_path)
    out = tmp_path / "m.txt"
    rc = cli.main(
        [
            "train",
            str(tmp_path / "c.txt"),
            "-o",
            str(out),
            "--min-count",
            "2",
            "--vector-size",
            "8",
            "--epochs",
            "1",
            "--quiet",
        ]
    )
    assert rc == 0 and out.exists()
    assert len(made) == 2  # the scan's ids and the stream's


def test_the_estimate_leaves_out_ids_on_disk():
    from w2v_gui.core.config import TrainingConfig
    from w2v_gui.core.estimate import estimate
    from w2v_gui.core.kernels import SHUFFLE_TOKENS

    cfg = TrainingConfig()
    n = 100_000_000
    mem = estimate(cfg, 50_000, n, n).memory_bytes
    disk = estimate(cfg, 50_000, n, n, tokens_on_disk=True).memory_bytes
    # All but one window of the int32 ids per worker (worker processes each read theirs).
    assert mem - disk > 4 * n - cfg.workers * 4 * 2 * SHUFFLE_TOKENS
    assert disk < 0.5 * mem
