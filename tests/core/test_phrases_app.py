"""What the app's phrase preview needs from core: progress and cancelling of a detection,
the estimate of the passes, and "new york" finding new_york in the vocabulary table."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from w2v_gui.core import estimate as estimate_module
from w2v_gui.core import phrases
from w2v_gui.core.config import TrainingConfig
from w2v_gui.core.corpus import Corpus
from w2v_gui.core.errors import Cancelled
from w2v_gui.core.phrase_pass import STAGES
from w2v_gui.core.pictures.vocabulary import vocabulary_table
from w2v_gui.core.vocab import scan


@pytest.fixture(scope="module")
def planted(tmp_path_factory):
    rng = np.random.default_rng(0)
    filler = [f"x{a}{b}" for a in "abcdefghijklmnopq" for b in "abcdefghijklmnopq"]
    lines = []
    for _ in range(2000):
        words = list(rng.choice(filler, size=10))
        at = int(rng.integers(0, 10))
        words[at:at] = ["new", "york"] if rng.random() < 0.5 else ["ice", "cream", "bar"]
        lines.append(" ".join(words))
    path = tmp_path_factory.mktemp("phrases_app") / "planted.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return scan(Corpus(path))


def test_progress_is_reported_per_stage_and_changes_nothing(planted):
    calls = []
    with_progress = phrases.detect(planted, 2, progress=lambda d, t: calls.append((d, t)))
    plain = phrases.detect(planted, 2)
    assert with_progress.phrases == plain.phrases
    assert np.array_equal(with_progress.scan.ids, plain.scan.ids)
    assert {"new_york", "ice_cream", "ice_cream_bar"} <= {p.text for p in plain.phrases}
    # Two passes of STAGES stages each (the second forms ice_cream_bar, so runs them all).
    assert calls == [(i, 2 * STAGES) for i in range(1, 2 * STAGES + 1)]


def test_a_set_stop_cancels_at_the_next_stage(planted):
    stop = threading.Event()
    seen = []

    def progress(done, total):
        seen.append(done)
        if done == 2:
            stop.set()

    with pytest.raises(Cancelled):
        phrases.detect(planted, 1, progress=progress, stop=stop)
    assert seen == [1, 2]
    stop.set()
    with pytest.raises(Cancelled):
        phrases.detect(planted, 1, stop=stop)


def test_the_estimate_counts_the_phrase_passes():
    cfg = TrainingConfig()
    words = 10_000_000
    plain = estimate_module.estimate(cfg, 50_000, words, words)
    one = estimate_module.estimate(cfg, 50_000, words, words, phrase_passes=1)
    two = estimate_module.estimate(cfg, 50_000, words, words, phrase_passes=2)
    first = words * estimate_module._PHRASE_FIRST_PASS_SECONDS_PER_TOKEN
    later = words * estimate_module._PHRASE_LATER_PASS_SECONDS_PER_TOKEN
    assert one.seconds == pytest.approx(plain.seconds + first)
    assert two.seconds == pytest.approx(plain.seconds + first + later)
    # Ten million tokens × ~114 bytes outweigh a 50,000 × 100 model: the pass sets the peak.
    assert one.memory_bytes > plain.memory_bytes
    assert one.memory_bytes >= words * (4 + estimate_module._PHRASE_BYTES_PER_TOKEN)
    # A small corpus with a big model: training's peak stays the peak.
    small = estimate_module.estimate(cfg.replace(vector_size=300), 500_000, 10_000, 10_000)
    small_one = estimate_module.estimate(
        cfg.replace(vector_size=300), 500_000, 10_000, 10_000, phrase_passes=1
    )
    assert small_one.memory_bytes == small.memory_bytes


def test_the_vocabulary_search_reads_spaces_as_the_phrase_delimiter():
    words = ["new_york", "new", "york", "newton", "brand_new_york_times"]
    table = vocabulary_table(words, np.array([50, 40, 30, 20, 10]))
    for typed in ("new york", " New   York ", "new_york"):
        assert [table.words[i] for i in table.search(typed)] == [
            "new_york",
            "brand_new_york_times",
        ]
    assert [table.words[i] for i in table.search("new")][:3] == ["new_york", "new", "newton"]
