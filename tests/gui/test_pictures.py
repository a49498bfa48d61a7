"""The pictures of the vectors (map, strips, vocabulary) on a real trained model."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QPointF
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QTabWidget

from tests.gui.conftest import SMALL, load
from tests.gui.planted import planted_text
from w2v_gui.core.corpus import Corpus
from w2v_gui.core.pictures.projection import word_map
from w2v_gui.core.pictures.strips import diverging_colours
from w2v_gui.core.pictures.vocabulary import corpus_counts
from w2v_gui.core.sgns import Trainer
from w2v_gui.core.vectors import Embeddings
from w2v_gui.core.vocab import scan
from w2v_gui.explore import map2d
from w2v_gui.explore.map2d import MapPanel
from w2v_gui.explore.strips import StripsPanel
from w2v_gui.explore.vocabulary import VocabularyPanel
from w2v_gui.explore.words import Vocabulary
from w2v_gui.session import CorpusInfo

LONG = SMALL.replace(epochs=1000)


@pytest.fixture(scope="module")
def planted_corpus(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("corpus") / "planted.txt"
    path.write_text(planted_text(), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def emb(planted_corpus):
    """Vectors trained on the planted corpus (by core directly: once for the module)."""
    trainer = Trainer.from_corpus(Corpus([planted_corpus]), SMALL)
    for _ in trainer.run():
        pass
    return trainer.snapshot()


@pytest.fixture
def corpus_info(planted_corpus) -> CorpusInfo:
    return CorpusInfo(
        (str(planted_corpus),),
        (str(planted_corpus),),
        0,
        "",
        True,
        SMALL.token_pattern,
        scan(Corpus([planted_corpus])),
    )


def show(qtbot, widget, size=(900, 600)):
    qtbot.addWidget(widget)
    widget.resize(*size)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def wait_idle(qtbot, panel):
    qtbot.waitUntil(lambda: not panel.busy, timeout=10_000)


def assert_exports(tmp_path: Path, export, name: str) -> None:
    png, svg = tmp_path / f"{name}.png", tmp_path / f"{name}.svg"
    export(str(png))
    export(str(svg))
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    image = QImage(str(png))
    assert not image.isNull() and image.width() > 300 and image.height() > 100
    root = ET.parse(svg).getroot()
    assert root.tag.endswith("svg")
    assert len(list(root.iter())) > 20  # drawn content, not an empty page


# -- in the window, while training and after ---------------------------------------------


@pytest.mark.slow
def test_picture_tabs_follow_training_and_the_analogy(qtbot, window, planted_corpus):
    tabs = window.findChild(QTabWidget, "exploreTabs")
    assert [tabs.tabText(i) for i in range(tabs.count())] == [
        "Neighbours && analogy",
        "Map",
        "Strips",
        "Vocabulary",
        "Evaluate",
    ]
    load(qtbot, window, [planted_corpus], LONG)
    tabs.setCurrentWidget(window.map)
    session = window.session

    # During training the map redraws from the snapshots.
    with qtbot.waitSignal(session.training_snapshotted, timeout=15_000) as first:
        window.training.train_button.click()
    qtbot.waitUntil(lambda: window.map._result is not None, timeout=5000)
    assert window.map._result.emb is first.args[0].embeddings
    assert window.map.shown_words()[:4] == ("man", "king", "woman", window.map.shown_words()[3])
    with qtbot.waitSignal(session.training_snapshotted, timeout=15_000) as second:
        pass
    qtbot.waitUntil(lambda: window.map._result.emb is second.args[0].embeddings, timeout=5000)
    with qtbot.waitSignal(window.training_finished, timeout=15_000):
        window.training.stop_button.click()

    # After: the analogy panel's question is the map's, drawn as a parallelogram.
    window.analogy.set_words("man", "king", "woman")
    wait_idle(qtbot, window.map)
    shape = window.map._result.shape
    assert shape.words == ("man", "king", "woman", "queen")
    assert {"man", "king", "woman", "queen"} <= set(window.map.labelled_words())
    window.analogy.set_words("boy", "prince", "girl")
    wait_idle(qtbot, window.map)
    assert window.map._result.shape.words == ("boy", "prince", "girl", "princess")

    # The strips follow the analogy too, until rows are typed.
    tabs.setCurrentWidget(window.strips)
    wait_idle(qtbot, window.strips)
    labels = window.strips.labels()
    assert labels[:4] == ("prince", "boy", "girl", "prince − boy + girl")
    assert labels[4].startswith("≈ princess")

    # The vocabulary is the corpus's, at the hyperparameters' min_count.
    tabs.setCurrentWidget(window.vocabulary_view)
    wait_idle(qtbot, window.vocabulary_view)
    assert window.vocabulary_view.model.table.kept == 44
    assert "44 words" in window.vocabulary_view.message.text()


# -- the map ------------------------------------------------------------------------------


def test_map_modes_hover_and_export(qtbot, emb, tmp_path):
    vocabulary = Vocabulary()
    vocabulary.set_embeddings(emb)
    panel = show(qtbot, MapPanel(vocabulary, ("man", "king", "woman")))
    panel.set_embeddings(emb)
    wait_idle(qtbot, panel)
    assert panel.shown_words()[:4] == ("man", "king", "woman", "queen")  # the default mode
    assert "king − man + woman" in panel.message.text()

    panel.set_mode(map2d.WORDS, "King, queen, unicorn, man, woman")
    wait_idle(qtbot, panel)
    assert panel.shown_words() == ("king", "queen", "man", "woman")
    assert "unicorn" in panel.message.text()
    assert sorted(panel.labelled_words()) == ["king", "man", "queen", "woman"]

    panel.set_mode(map2d.NEIGHBOURS, "queen", 6)
    wait_idle(qtbot, panel)
    assert panel.shown_words()[0] == "queen" and len(panel.shown_words()) == 7
    panel.set_mode(map2d.NEIGHBOURS, "zebra")
    wait_idle(qtbot, panel)
    assert "zebra" in panel.message.text() and panel.shown_words() == ()

    panel.set_mode(map2d.FREQUENT, count=1000)
    wait_idle(qtbot, panel)
    assert len(panel.shown_words()) == len(emb) == 44
    m = panel._result.map
    np.testing.assert_allclose(m.xy, word_map(emb, m.rows).xy)

    # Hovering a point shows its nearest words.
    i = m.words.index("king")
    vb = panel.plot.plotItem.vb
    panel.plot.scene().sigMouseMoved.emit(vb.mapViewToScene(QPointF(*m.xy[i])))
    assert "king" in panel.hover_text
    assert all(w in panel.hover_text for w, _ in emb.most_similar("king", topn=3))
    panel.plot.scene().sigMouseMoved.emit(QPointF(-50, -50))
    assert panel.hover_text == ""

    assert_exports(tmp_path, panel.export, "map")


def test_ten_thousand_words_are_projected_off_the_gui_thread(qtbot):
    rng = np.random.default_rng(0)
    words = [f"w{i}" for i in range(10_000)]
    big = Embeddings(words, rng.normal(size=(10_000, 50)), counts=np.arange(10_000, 0, -1))
    panel = show(qtbot, MapPanel(Vocabulary()))
    panel.set_embeddings(big)
    panel.set_mode(map2d.FREQUENT, count=100)
    wait_idle(qtbot, panel)
    panel.set_mode(map2d.FREQUENT, count=10_000)
    assert panel.busy  # a thread works; the event loop is free
    panel.set_mode(map2d.FREQUENT, count=5_000)  # asked again before it is done: wins
    wait_idle(qtbot, panel)
    assert len(panel.shown_words()) == 5_000
    labelled = panel.labelled_words()
    assert 20 < len(labelled) <= map2d.MAX_LABELS
    # Zooming in on a part shows labels of words that had none (after the debounce).
    vb = panel.plot.plotItem.vb
    vb.scaleBy((0.2, 0.2))
    qtbot.waitUntil(lambda: bool(set(panel.labelled_words()) - set(labelled)), timeout=3000)


# -- the strips ---------------------------------------------------------------------------


def test_strips_show_a_sum_beside_its_nearest_word(qtbot, emb, tmp_path):
    panel = show(qtbot, StripsPanel(("man", "king", "woman")), (900, 400))
    panel.set_embeddings(emb)
    wait_idle(qtbot, panel)
    labels = panel.labels()
    assert labels[:4] == ("king", "man", "woman", "king − man + woman")
    assert labels[4].startswith("≈ queen")
    values = panel._result.rows.values
    np.testing.assert_allclose(values[0], emb.unit[emb.get_index("king")], rtol=1e-6)
    limit = np.abs(values).max()
    np.testing.assert_array_equal(panel.colours(), diverging_colours(values, limit))

    panel.set_rows("queen, girl, apple, prince - boy + girl", sort_by="queen")
    wait_idle(qtbot, panel)
    assert panel.labels()[:2] == ("queen", "girl")
    assert "apple" in panel.message.text()  # not in the vocabulary: said, not thrown
    order = panel._order
    queen = panel._result.rows.values[0]
    assert np.all(np.diff(queen[order]) <= 0)  # sorted by queen, most positive first
    assert panel.sort.currentData() == "queen"
    # The rows follow the analogy only until the person types their own.
    panel.set_analogy(("boy", "prince", "girl"))
    assert panel.rows.text().startswith("queen")

    # Hovering a cell tells its dimension and value.
    vb = panel.plot.getViewBox()
    panel.view.scene().sigMouseMoved.emit(vb.mapViewToScene(QPointF(0.5, 0.5)))
    dim = int(order[0])
    assert f"dimension {dim}: {queen[dim]:+.3f}" in panel.hover_text

    assert_exports(tmp_path, panel.export, "strips")


# -- the vocabulary -----------------------------------------------------------------------


def test_vocabulary_view_of_a_corpus(qtbot, corpus_info, emb, tmp_path):
    panel = show(qtbot, VocabularyPanel(SMALL.replace(min_count=2)), (1000, 500))
    panel.set_embeddings(emb)  # a corpus, when there is one, comes first
    panel.set_corpus(corpus_info)
    wait_idle(qtbot, panel)
    table = panel.model.table
    words, counts = corpus_counts(corpus_info.scan)
    assert len(table.words) == len(words) == 44 and table.total == 21_000
    assert list(table.counts) == sorted(counts, reverse=True)
    np.testing.assert_array_equal(panel.zipf_curve.yData, np.sort(counts)[::-1])
    # Each plot's range is set once from its curves (auto-range settled it over several
    # repaints) and shows all of them, the fitted line too.
    for plot, curves in (
        (panel.zipf_plot, (panel.zipf_curve, panel.zipf_fit)),
        (panel.size_plot, (panel.size_curve,)),
    ):
        vb = plot.getViewBox()
        assert vb.autoRangeEnabled() == [False, False]
        (x0, x1), (y0, y1) = vb.viewRange()
        for curve in curves:
            x, y = np.log10(curve.xData), np.log10(curve.yData)
            assert x0 <= x.min() and x.max() <= x1 and y0 <= y.min() and y.max() <= y1

    panel.search.setText("prin")
    panel.run_search()
    wait_idle(qtbot, panel)
    assert sorted(panel.table_words()) == ["prince", "princess"]
    index = panel.model.index(0, 4)
    assert float(panel.model.data(index)) == 1.0  # sample 0 keeps everything

    # A stricter min_count leaves every word out: all rows are greyed, none kept.
    panel.set_config(SMALL.replace(min_count=10_000, sample=1e-3))
    wait_idle(qtbot, panel)
    assert panel.model.table.kept == 0
    assert panel.model.data(panel.model.index(0, 4)) == "—"
    assert "keeps 0 words" in panel.message.text()

    for which in ("zipf", "min_count"):
        assert_exports(tmp_path, lambda path, w=which: panel.export(w, path), which)


def test_vocabulary_view_of_a_model_alone(qtbot, emb):
    panel = show(qtbot, VocabularyPanel(SMALL))
    panel.set_embeddings(emb)
    wait_idle(qtbot, panel)
    assert panel.model.table.kept == len(emb)
    assert "model's counts" in panel.message.text()
    panel.set_embeddings(Embeddings(emb.words, emb.vectors))  # no counts
    wait_idle(qtbot, panel)
    assert panel.model.rowCount() == 0
    assert "no word counts" in panel.message.text()
