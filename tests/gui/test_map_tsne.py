"""The map's t-SNE, colours and find, in the real window on a model with planted groups."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTabWidget

from w2v_gui.core.formats import native
from w2v_gui.core.vectors import Embeddings
from w2v_gui.explore import map2d
from w2v_gui.explore.map_words import KMEANS, TSNE

GROUPS, PER_GROUP = 10, 24  # as many groups as k-means makes


def planted_model(path, groups=GROUPS, per_group=PER_GROUP, d=20, seed=0):
    """Words ``g{group}w{i}`` around one random direction per group; counts fall with i."""
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((groups, d))
    labels = np.repeat(np.arange(groups), per_group)
    vectors = centres[labels] + 0.3 * rng.standard_normal((len(labels), d))
    words = [f"g{g}w{i}" for g in range(groups) for i in range(per_group)]
    counts = np.tile(np.arange(per_group, 0, -1) * 10, groups)
    native.save(path, Embeddings(words, vectors, counts))
    return labels


def purity(xy, labels, k=8):
    d2 = ((xy[:, None, :] - xy[None, :, :]) ** 2).sum(-1)
    np.fill_diagonal(d2, np.inf)
    near = np.argsort(d2, axis=1)[:, :k]
    return float((labels[near] == labels[:, None]).mean())


def open_map(qtbot, window, path):
    with qtbot.waitSignal(window.session.embeddings_changed, timeout=20_000):
        window.open_model(str(path))
    window.findChild(QTabWidget, "exploreTabs").setCurrentWidget(window.map)
    panel = window.map
    panel.set_mode(map2d.FREQUENT, count=100_000)
    qtbot.waitUntil(lambda: not panel.busy and panel._result is not None, timeout=20_000)
    return panel


def choose(box, key):
    box.setCurrentIndex(box.findData(key))


@pytest.mark.slow
def test_tsne_map_separates_groups_colours_them_and_finds_a_word(qtbot, window, tmp_path):
    labels = planted_model(tmp_path / "planted.npz")
    panel = open_map(qtbot, window, tmp_path / "planted.npz")
    assert len(panel.shown_words()) == GROUPS * PER_GROUP
    truth = np.array([int(w[1]) for w in panel.shown_words()])

    choose(panel.extras.layout_box, TSNE)
    qtbot.waitUntil(lambda: not panel.extras.cancel.isHidden(), timeout=20_000)
    assert panel._result.layout != TSNE  # the PCA map shows while the t-SNE runs
    assert "while the t-SNE runs" in panel.message.text()
    qtbot.waitUntil(lambda: not panel.busy, timeout=120_000)
    r = panel._result
    assert r.layout == TSNE and panel.extras.cancel.isHidden()
    assert len(panel.points.data) == len(r.map.words)  # the points are drawn
    np.testing.assert_array_equal(panel.points.data["x"], r.map.xy[:, 0])
    assert purity(r.map.xy, truth) > 0.95
    assert "t-SNE" in panel.plot.getAxis("bottom").labelText

    # k-means colours: one colour per planted group.
    choose(panel.extras.colour, KMEANS)
    qtbot.waitUntil(lambda: panel._result.groups is not None and not panel.busy, timeout=20_000)
    r = panel._result
    assert r.layout == TSNE  # remembered: no second t-SNE
    pairs = set(zip(r.groups.tolist(), truth.tolist(), strict=True))
    assert len(pairs) == GROUPS == len(set(r.groups.tolist()))
    brushes = {b.color().name() for b in panel.points.data["brush"]}
    assert len(brushes) == GROUPS
    assert "■" in panel.message.text()

    # Finding a word rings it.
    qtbot.keyClicks(panel.extras.find, "g3w7")
    assert panel.found_word == "g3w7"
    i = r.map.words.index("g3w7")
    np.testing.assert_allclose(panel.found.data["x"], [r.map.xy[i, 0]])
    assert panel.found_label.textItem.toPlainText() == "g3w7"
    panel.extras.find.clear()
    qtbot.keyClicks(panel.extras.find, "nosuchword")
    assert panel.found_word == "" and len(panel.found.data) == 0
    np.testing.assert_array_equal(np.sort(labels), np.sort(truth))


@pytest.mark.slow
def test_cancel_stops_a_tsne_and_keeps_the_pca_map(qtbot, window, tmp_path):
    planted_model(tmp_path / "big.npz", groups=10, per_group=800, d=30)
    panel = open_map(qtbot, window, tmp_path / "big.npz")
    pca_xy = panel._result.map.xy.copy()
    choose(panel.extras.layout_box, TSNE)
    qtbot.waitUntil(lambda: panel.extras.progress.maximum() > 0, timeout=60_000)
    qtbot.mouseClick(panel.extras.cancel, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not panel.busy, timeout=60_000)
    assert panel._result.layout != TSNE
    np.testing.assert_array_equal(panel._result.map.xy, pca_xy)
    assert "cancelled" in panel.message.text()
    assert panel.extras.layout_box.currentData() != TSNE  # the choice says what is shown
    assert panel.extras.progress.isHidden()
