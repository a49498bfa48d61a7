"""A model opened with no corpus shows its stored per-epoch losses, not "Press Train"."""

from __future__ import annotations

import numpy as np

from tests.gui.conftest import SMALL
from w2v_gui.core.corpus import Corpus
from w2v_gui.core.formats import native, save_embeddings
from w2v_gui.core.sgns import Trainer


def _trained_file(tmp_path, corpus_file, epochs=3):
    config = SMALL.replace(epochs=epochs, workers=1)
    trainer = Trainer.from_corpus(Corpus([str(corpus_file)]), config)
    *_, last = trainer.run()
    path = tmp_path / "stored.npz"
    emb = trainer.snapshot()
    native.save(path, emb, context=trainer.context_snapshot(), config=config, state=trainer.state())
    return path, last.epoch_losses, emb


def test_an_opened_model_plots_its_stored_epoch_losses(qtbot, window, tmp_path, corpus_file):
    path, losses, _ = _trained_file(tmp_path, corpus_file)
    assert len(losses) == 3
    with qtbot.waitSignal(window.session.model_opened, timeout=20_000):
        window.open_model(str(path))
    shown = window.training.data()["epoch_losses"]
    assert np.allclose(shown, losses, rtol=1e-9)
    assert not window.training._hint.isVisible()
    assert "stored.npz" in window.training.status.text()
    assert f"{losses[0]:.3f}" in window.training.status.text()


def test_vectors_without_history_say_so(qtbot, window, tmp_path, corpus_file):
    _, _, emb = _trained_file(tmp_path, corpus_file, epochs=1)
    path = tmp_path / "plain.bin"
    save_embeddings(emb, path)
    with qtbot.waitSignal(window.session.model_opened, timeout=20_000):
        window.open_model(str(path))
    assert "no training history" in window.training.status.text()
    assert "Press Train" not in window.training._hint.toPlainText()
