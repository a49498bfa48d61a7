"""Learn step 6 shows the window-size contrast at its defaults and warns when a run is
too small to mean anything (issue 14 item 5)."""

from __future__ import annotations

import numpy as np
import pytest

from tests.gui.test_learn import click, panel, planted_scan  # noqa: F401 - fixtures
from w2v_gui.core.config import TrainingConfig
from w2v_gui.core.corpus import Corpus
from w2v_gui.core.progress import TrainingProgress
from w2v_gui.core.vectors import Embeddings
from w2v_gui.core.vocab import scan
from w2v_gui.core.walkthrough import QuickRun, quick_train
from w2v_gui.learn.hyperparameters import COMPARE_SETTINGS, COMPARE_TOKENS
from w2v_gui.resources import demo_corpus_path


def _run(config, emb):
    progress = TrainingProgress(
        epoch=1,
        epochs=1,
        words_done=1,
        words_total=1,
        loss=1.0,
        lr=0.0,
        words_per_sec=1.0,
        elapsed=1.0,
        epoch_losses=(1.0,),
        done=True,
    )
    return QuickRun(config, emb, progress, 1000)


def test_a_run_whose_vectors_are_all_parallel_is_flagged(qtbot, panel):  # noqa: F811
    panel.go_to(5)
    step = panel.steps[5]
    step.word.setText("w0")
    rng = np.random.default_rng(0)
    common = rng.standard_normal(8)
    words = [f"w{i}" for i in range(20)]
    parallel = Embeddings(words, (common + 0.01 * rng.standard_normal((20, 8))).astype(np.float32))
    spread = Embeddings(words, rng.standard_normal((20, 8)).astype(np.float32))
    a, b = step.configs()
    step.runs = [_run(a, parallel), _run(b, spread)]
    step.show_neighbours()
    assert "Too small a run" in step.summaries[0].text()
    assert "Too small a run" not in step.summaries[1].text()


@pytest.mark.slow
@pytest.mark.skipif(demo_corpus_path() is None, reason="no demo corpus")
def test_the_defaults_show_the_window_contrast_on_the_demo_corpus():
    """Two quick runs at the step's defaults (windows 2 and 15) on the demo corpus: the
    neighbours of red are spread out (not all parallel) and differ between windows."""
    sc = scan(Corpus([str(demo_corpus_path())]))
    base = TrainingConfig(**COMPARE_SETTINGS)
    found = []
    for window in (2, 15):
        run = quick_train(sc, base.replace(window=window), COMPARE_TOKENS)
        found.append(run.embeddings.most_similar("red", topn=10))
    for rows in found:
        assert max(c for _, c in rows) < 0.95
    overlap = {w for w, _ in found[0]} & {w for w, _ in found[1]}
    assert len(overlap) <= 6, overlap
