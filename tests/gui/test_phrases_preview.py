"""Detect phrases in the real window: the option, the preview of what it joins (computed
off the GUI thread, newest settings win, cancellable, sortable, copyable), the estimate
that counts the phrased vocabulary and the passes, and "new york" in the Vocabulary tab."""

from __future__ import annotations

import threading

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QCheckBox, QLineEdit, QPushButton, QTableView

from tests.gui.conftest import SMALL, load
from tests.gui.test_window import find
from w2v_gui.core import phrases
from w2v_gui.core.corpus import Corpus
from w2v_gui.core.errors import Cancelled
from w2v_gui.core.vocab import scan
from w2v_gui.train import phrases as preview_module

FILLER = [f"z{a}{b}" for a in "abcdefghijklmnop" for b in "abcdefghijklmnop"]


def planted_lines(n=2000, seed=0):
    """Filler words with "new york", "ice cream" and "red wine" planted; the parts also
    occur alone, so only the pairs (not the words) are collocations."""
    rng = np.random.default_rng(seed)
    plants = [["new", "york"], ["ice", "cream"], ["red", "wine"]]
    singles = ["new", "cream", "red", "york", "wine"]
    lines = []
    for _ in range(n):
        words: list[str] = []
        for _ in range(rng.integers(2, 14)):
            r = rng.random()
            if r < 0.03:
                words += plants[rng.integers(len(plants))]
            elif r < 0.05:
                words.append(singles[rng.integers(len(singles))])
            else:
                words.append(FILLER[rng.integers(len(FILLER))])
        lines.append(" ".join(words))
    return lines


@pytest.fixture
def planted(tmp_path):
    path = tmp_path / "planted_phrases.txt"
    path.write_text("\n".join(planted_lines()) + "\n", encoding="utf-8")
    return path


def click(qtbot, widget):
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def expected_rows(path, config):
    """The phrases ``config`` forms, highest count first (ties: most often joined first)."""
    found = list(phrases.detect_for(scan(Corpus(path)), config).phrases)
    found = sorted(found, key=lambda p: (-p.count, found.index(p)))
    return [(p.text, f"{p.count:,}", f"{p.score:.4g}") for p in found]


def test_detect_phrases_previews_what_training_will_join(qtbot, window, planted, monkeypatch):
    threads = []
    real = preview_module.make_preview

    def recording(*args, **kwargs):
        threads.append(threading.current_thread())
        return real(*args, **kwargs)

    monkeypatch.setattr(preview_module, "make_preview", recording)
    load(qtbot, window, [planted], SMALL)
    form = window.parameters
    option = find(window, QCheckBox, "detectPhrases")
    table = find(window, QTableView, "phrasesTable")
    rows = table.model().rowCount
    assert not option.isChecked() and not table.isVisible()
    before = form.estimate_label.text()
    assert "phrase" not in before

    # The option: ticking it sets one pass, shows the settings and the preview.
    option.setFocus()
    click(qtbot, option)
    assert form.editor("phrases").value() == 1
    qtbot.waitUntil(lambda: table.isVisible() and rows() > 0, timeout=10_000)
    config = form.config()
    assert config.phrases == 1
    assert form.phrases.rows() == expected_rows(planted, config)
    assert {"new_york", "ice_cream", "red_wine"} <= {r[0] for r in form.phrases.rows()}
    assert threads and all(t is not threading.main_thread() for t in threads)
    status = find(window, type(form.phrases.status), "phrasesStatus").text()
    assert f"<b>{rows()}</b> phrases formed" in status
    assert table.horizontalHeader().sortIndicatorSection() == 1  # shown by count, downwards

    # The estimate counts the phrased vocabulary (three new words, "ice" gone: it only
    # occurs in "ice cream") and the pass.
    preview = form.phrases.current(config)
    vocab = preview.vocab_size(config.min_count)
    plain = scan(Corpus(planted))
    assert vocab == phrases.apply(plain, config).vocab_size(1) == plain.vocab_size(1) + 2
    estimate = form.estimate_label.text()
    assert f"1 phrase pass and 5 epochs on {vocab:,} words, phrases joined" in estimate

    # Newer settings win: a higher threshold refreshes the preview with fewer phrases.
    n_before = rows()
    threshold = form.editor("phrase_threshold")
    threshold.setValue(40.0)  # new_york scores 39.7: left apart
    qtbot.waitUntil(lambda: form.phrases.current(form.config()) is not None, timeout=10_000)
    assert form.phrases.rows() == expected_rows(planted, form.config())
    assert "new_york" not in {r[0] for r in form.phrases.rows()}
    assert 0 < rows() < n_before

    # Sortable by each column; copied as shown.
    threshold.setValue(10.0)
    qtbot.waitUntil(lambda: rows() == n_before, timeout=10_000)
    table.horizontalHeader().setSortIndicator(1, Qt.SortOrder.AscendingOrder)
    counts = [int(r[1].replace(",", "")) for r in form.phrases.rows()]
    assert counts == sorted(counts)
    table.horizontalHeader().setSortIndicator(2, Qt.SortOrder.DescendingOrder)
    scores = [float(r[2]) for r in form.phrases.rows()]
    assert scores == sorted(scores, reverse=True)
    table.horizontalHeader().setSortIndicator(0, Qt.SortOrder.AscendingOrder)
    texts = [r[0] for r in form.phrases.rows()]
    assert texts == sorted(texts) and len(texts) == n_before
    QGuiApplication.clipboard().clear()
    click(qtbot, find(window, QPushButton, "phrasesCopy"))
    lines = QGuiApplication.clipboard().text().splitlines()
    assert lines[0] == "phrase\tcount\tscore"
    assert lines[1:] == ["\t".join(r) for r in form.phrases.rows()]

    # Clearing the option turns phrases off and says nothing of them in the estimate.
    click(qtbot, option)
    assert form.editor("phrases").value() == 0
    assert not table.isVisible()
    qtbot.waitUntil(lambda: "phrase" not in form.estimate_label.text(), timeout=5000)
    assert form.estimate_label.text() == before


def test_a_slow_preview_can_be_cancelled_and_newer_settings_win(
    qtbot, window, planted, monkeypatch
):
    real = preview_module.make_preview
    started = []

    def slow(scan_, config, progress=None, stop=None):
        # At the default threshold the pass "never ends" (a huge corpus): it waits for stop.
        started.append(config.phrase_threshold)
        if config.phrase_threshold == 10.0:
            progress(1, 4)
            while not stop.wait(0.01):
                pass
            raise Cancelled("detecting phrases was cancelled")
        return real(scan_, config, progress, stop)

    monkeypatch.setattr(preview_module, "make_preview", slow)
    load(qtbot, window, [planted], SMALL.replace(phrases=1))
    section = window.parameters.phrases
    cancel = find(window, QPushButton, "phrasesCancel")
    qtbot.waitUntil(lambda: cancel.isVisible(), timeout=5000)
    assert section.busy and section.current(window.parameters.config()) is None
    assert "before phrases (not counted yet)" in window.parameters.estimate_label.text()

    # The GUI thread is free meanwhile: the form still takes edits.
    window.parameters.editor("phrase_threshold").setValue(20.0)
    qtbot.waitUntil(lambda: section.current(window.parameters.config()) is not None, timeout=10_000)
    assert started == [10.0, 20.0]  # the first was stopped before the newest started
    assert section.rows() == expected_rows(planted, window.parameters.config())
    assert not cancel.isVisible()

    # Cancel: the running pass stops, nothing stale is shown.
    window.parameters.editor("phrase_threshold").setValue(10.0)
    qtbot.waitUntil(lambda: cancel.isVisible(), timeout=5000)
    click(qtbot, cancel)
    qtbot.waitUntil(lambda: not section.busy, timeout=5000)
    assert not cancel.isVisible() and section.rows() == []
    assert "cancelled" in section.status.text()

    # Closing the window stops a running preview (the form's shutdown) and waits for it.
    for value in (30.0, 10.0):  # other settings, then the slow ones again
        with qtbot.waitSignal(window.parameters.config_changed, timeout=2000):
            window.parameters.editor("phrase_threshold").setValue(value)
    qtbot.waitUntil(lambda: section.busy and started[-1] == 10.0, timeout=5000)
    assert window.parameters.shutdown()


def test_vocabulary_search_takes_new_york_for_new_york(qtbot, window, tmp_path):
    path = tmp_path / "phrased.txt"  # text already phrased (w2v phrases, word2phrase)
    lines = [f"we flew to new_york and {w} ate ice_cream in new york" for w in FILLER]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    load(qtbot, window, [path], SMALL)
    window.explore.setCurrentWidget(window.vocabulary_view)
    view = window.vocabulary_view
    search = find(window, QLineEdit, "vocabularySearch")
    qtbot.waitUntil(lambda: view.model.rowCount() > 0, timeout=10_000)
    for typed in ("new york", "New  York", "new_york"):
        search.clear()
        qtbot.keyClicks(search, typed)
        search.returnPressed.emit()
        qtbot.waitUntil(lambda: not view.busy, timeout=5000)
        assert view.table_words() == ["new_york"], typed
