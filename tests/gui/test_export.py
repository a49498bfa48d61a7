"""Save As and Export start from the open file's name; Export writes every format the
command line writes (issue 14 Friction)."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QFileDialog

from tests.gui.test_opened_model import _trained_file
from w2v_gui.core.formats import load_embeddings
from w2v_gui.train.files import EXPORT_FILTERS


@pytest.fixture
def opened(qtbot, window, tmp_path, corpus_file):
    path, _, emb = _trained_file(tmp_path, corpus_file, epochs=1)
    mine = tmp_path / "mine.npz"
    path.rename(mine)
    with qtbot.waitSignal(window.session.model_opened, timeout=20_000):
        window.open_model(str(mine))
    return mine, emb


def _answer(monkeypatch, path, chosen):
    asked = []

    def dialog(parent, caption, start, filters):
        asked.append((start, filters))
        return str(path), chosen

    monkeypatch.setattr(QFileDialog, "getSaveFileName", dialog)
    return asked


def test_save_as_and_export_suggest_the_open_files_name(window, opened, monkeypatch):
    mine, _ = opened
    asked = _answer(monkeypatch, "", "")
    window.files.save_as.trigger()
    window.files.export.trigger()
    assert [start for start, _ in asked] == [str(mine), str(mine.with_suffix(".bin"))]


@pytest.mark.parametrize(
    "chosen, name, fmt",
    [
        ("word2vec binary (*.bin)", "out", "word2vec-binary"),
        ("word2vec text (*.txt)", "out.txt", "word2vec-text"),
        ("fastText text (*.vec)", "out", "word2vec-text"),
        ("GloVe text, no header (*.txt)", "out.txt", "glove"),
        ("TensorFlow Projector vectors.tsv + metadata.tsv (*.tsv)", "vectors", "projector"),
        ("word2vec binary (*.bin)", "typed.vec", "word2vec-text"),  # the typed extension wins
    ],
)
def test_export_writes_each_format(qtbot, window, opened, tmp_path, monkeypatch, chosen, name, fmt):
    assert chosen in EXPORT_FILTERS
    _, emb = opened
    target = tmp_path / name
    _answer(monkeypatch, target, chosen)
    with qtbot.waitSignal(window.session.state_changed, timeout=20_000):
        window.files.export.trigger()
    qtbot.waitUntil(lambda: not window.session.busy, timeout=20_000)
    written = target if target.suffix else target.with_suffix(EXPORT_FILTERS[chosen][1])
    back = load_embeddings(written, format=fmt)
    assert back.words == emb.words and back.vector_size == emb.vector_size
