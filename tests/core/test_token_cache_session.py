"""The app's corpus scan keeps a big corpus's ids on disk too (jobs.scan_corpus), and
everything the session does with a scan gives what it gives from ids in memory: the
checksum, phrases, the Learn tab's prefix, the vocabulary and stream."""

import numpy as np

from w2v_gui import jobs
from w2v_gui.core import phrases
from w2v_gui.core import vocab as vocab_mod
from w2v_gui.core.config import TrainingConfig
from w2v_gui.core.resume import scan_checksum
from w2v_gui.core.tokencache import TokenFile
from w2v_gui.core.walkthrough import corpus_prefix


def _scan(tmp_path, monkeypatch, cache_over):
    rng = np.random.default_rng(0)
    words = ["new", "york", "is", "big", "the", "city", "of", "a", "cat", "sat"]
    lines = [
        " ".join(words[int(k)] for k in rng.integers(0, len(words), size=int(rng.integers(3, 30))))
        + " new york"
        for _ in range(600)
    ]
    (tmp_path / "c.txt").write_text("\n".join(lines) + "\n")
    monkeypatch.setattr(vocab_mod, "_PART_TOKENS", 512)  # parts, so the file is used early
    monkeypatch.setattr(jobs, "CACHE_OVER_TOKENS", cache_over)
    info = jobs.scan_corpus((str(tmp_path / "c.txt"),), True, TrainingConfig().token_pattern)(
        lambda done, total: None, None
    )
    return info


def test_session_scan_on_disk_gives_what_memory_gives(tmp_path, monkeypatch):
    mem = _scan(tmp_path, monkeypatch, 1 << 40)
    disk = _scan(tmp_path, monkeypatch, 1000)
    assert isinstance(mem.scan.ids, np.ndarray)
    assert isinstance(disk.scan.ids, TokenFile) and len(disk.scan.ids) > 4000
    assert disk.checksum == mem.checksum == scan_checksum(mem.scan)

    cfg = TrainingConfig(
        min_count=2, phrases=1, phrase_scoring="npmi", phrase_threshold=0.3, phrase_min_count=5
    )
    v1, s1 = phrases.build(mem.scan, cfg)
    v2, s2 = phrases.build(disk.scan, cfg)
    assert "new_york" in v1 and v1.words == v2.words
    assert np.array_equal(np.asarray(s2.ids), s1.ids)
    # The app's phrase preview calls detect_for on the open scan itself.
    p1, p2 = phrases.detect_for(mem.scan, cfg), phrases.detect_for(disk.scan, cfg)
    assert p1.phrases == p2.phrases and np.array_equal(p1.scan.ids, p2.scan.ids)

    v1, s1 = mem.scan.build(2)
    v2, s2 = disk.scan.build(2)
    assert v1.words == v2.words and isinstance(s2.ids, TokenFile)
    assert np.array_equal(s2.ids[0 : len(s2.ids)], s1.ids)

    for n in (500, 10**9):  # a prefix, and the whole corpus (shorter than asked)
        p1, p2 = corpus_prefix(mem.scan, n), corpus_prefix(disk.scan, n)
        assert isinstance(p2.ids, np.ndarray)
        assert np.array_equal(p1.ids, p2.ids) and np.array_equal(p1.counts, p2.counts)
