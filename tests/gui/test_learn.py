"""The Learn panel, walked step by step: what it shows equals direct computation."""

from __future__ import annotations

import math
import sys
import traceback

import numpy as np
import pytest
import pytestqt.exceptions
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QListWidget, QPushButton, QTabWidget

from tests.gui.conftest import SMALL, load
from w2v_gui.core.corpus import Corpus
from w2v_gui.core.sgns import Trainer
from w2v_gui.core.vocab import scan
from w2v_gui.core.walkthrough import corpus_prefix
from w2v_gui.learn.drawing import cells
from w2v_gui.learn.panel import LearnPanel

CONFIG = SMALL.replace(workers=1)


def _sig(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


@pytest.fixture(scope="module")
def planted_scan(tmp_path_factory):
    from tests.gui.planted import planted_text

    path = tmp_path_factory.mktemp("learn") / "planted.txt"
    path.write_text(planted_text(), encoding="utf-8")
    return scan(Corpus(path))


@pytest.fixture
def panel(qtbot, planted_scan):
    p = LearnPanel(CONFIG)
    qtbot.addWidget(p)
    p.resize(1280, 760)
    with qtbot.waitSignal(p.data_changed, timeout=10_000):
        p.set_corpus("planted.txt", planted_scan, CONFIG)
        p.show()
    yield p
    p.shutdown()


def click(qtbot, widget):
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def test_stepper_walks_all_six_steps(qtbot, panel):
    steps = panel.findChild(QListWidget, "learnSteps")
    assert steps.count() == 6 and panel.current == 0
    back = panel.findChild(QPushButton, "learnBack")
    forward = panel.findChild(QPushButton, "learnNext")
    assert not back.isEnabled()
    for i in range(1, 6):
        click(qtbot, forward)
        assert panel.current == i and steps.currentRow() == i
    assert not forward.isEnabled()
    click(qtbot, back)
    assert panel.current == 4
    steps.setCurrentRow(0)
    assert panel.current == 0
    assert "planted.txt" in panel.corpus_label.text()
    assert "44 words" in panel.corpus_label.text()


def test_step1_cosines_are_the_formula(panel):
    step = panel.steps[0]
    shown = {row[0]: float(row[1]) for row in cells(step.similar)}
    you = step.people["You"].astype(float)
    for name, vec in step.people.items():
        if name != "You":
            v = vec.astype(float)
            assert shown[name] == pytest.approx(
                you @ v / np.linalg.norm(you) / np.linalg.norm(v), abs=5e-4
            )
    assert "Person #1" in step.answer.text() and "0.66" in step.answer.text()
    # Moving the sliders to Person #2's numbers makes them the best match, cosine 1.
    for slider, x in zip(step.sliders, step.people["Person #2"], strict=True):
        slider.setValue(int(round(float(x) * 100)))
    assert "Person #2" in step.answer.text() and "cosine 1.00" in step.answer.text()
    np.testing.assert_allclose(step.strips.matrix[0], step.people["Person #2"])


def test_heat_map_numbers_are_one_item_painted_in_their_cells(qtbot):
    # A pg.TextItem per cell froze the window 30-140 ms whenever step 1 was redrawn (each
    # time the Learn tab met a new corpus): the numbers are one item now, drawn at once.
    from w2v_gui.learn.drawing import HeatMap

    heat = HeatMap("heat")
    qtbot.addWidget(heat)
    heat.resize(500, 300)
    heat.show()
    m = np.array([[0.25, -1.0, np.nan], [0.5, 0.0, -0.125]])
    view = heat.getPlotItem().getViewBox()
    before = len(view.addedItems)
    heat.set_matrix(m, ["a", "b"], numbers=True, limit=1.0)
    assert len(view.addedItems) == before + 1
    assert heat.numbers.texts == [
        (0.5, 0.5, "0.25"),
        (1.5, 0.5, "-1.00"),
        (0.5, 1.5, "0.50"),
        (1.5, 1.5, "0.00"),
        (2.5, 1.5, "-0.12"),
    ]
    qtbot.wait(50)
    # Drawn: the white cell (0.00) has dark text pixels in its middle, the blank NaN none.
    image = heat.grab().toImage()
    to_widget = view.mapViewToScene

    def dark_pixels(x, y):
        p = heat.mapFromScene(to_widget(QPointF(x, y)))
        return sum(
            QColor(image.pixel(p.x() + dx, p.y() + dy)).lightness() < 100
            for dx in range(-12, 13)
            for dy in range(-5, 6)
        )

    assert dark_pixels(1.5, 1.5) > 5 and dark_pixels(2.5, 0.5) == 0
    heat.set_matrix(m, ["a", "b"])  # without numbers: the item goes
    assert heat.numbers is None and len(view.addedItems) == before


def test_step2_strips_cosines_and_analogy_come_from_the_vectors(qtbot, panel, planted_scan):
    panel.go_to(1)
    step = panel.steps[1]
    assert step.quick_button.isVisible() and "No vectors yet" in step.status.text()
    vocab, stream = planted_scan.build(1)
    trainer = Trainer(CONFIG, vocab, stream)
    for _ in trainer.run():
        pass
    emb = trainer.snapshot()
    panel.set_embeddings(emb)
    words = step.words()
    assert words == ["king", "queen", "man", "woman"]  # "water" is not in this corpus
    for i, w in enumerate(words):
        np.testing.assert_allclose(step.strips.matrix[i], emb.unit[emb.index[w]], atol=1e-6)
    table = cells(step.cosines)
    for r, w in enumerate(words):
        for c, v in enumerate(words):
            assert float(table[r][c + 1]) == pytest.approx(emb.similarity(w, v), abs=5e-4)
    best, cos = emb.most_similar(positive=["king", "woman"], negative=["man"], topn=1)[0]
    assert best == "queen"
    assert f"{cos:.3f}" in step.analogy_answer.text()
    assert step.strips.rows[-2:] == ["king − man + woman", "≈ queen"]
    step.words_edit.setText("king, unicorn")
    step.refresh()
    assert "unicorn" in step.status.text() and step.strips.rows[0] == "king"
    # Training a quick model here replaces the app's vectors for this step.
    click(qtbot, step.quick_button)
    qtbot.waitUntil(lambda: panel.story.quick is not None, timeout=15_000)
    assert "quick model" in step.status.text()
    assert panel.story.vectors().vector_size == 50


def _expected_table(tokens, window):
    rows = []
    for c in range(len(tokens)):
        for o in range(-window, window + 1):
            if o and 0 <= c + o < len(tokens):
                rows.append((tokens[c], tokens[c + o], f"{o:+d}"))
    return rows


def test_step3_window_table_fills_as_the_window_slides(qtbot, panel):
    panel.go_to(2)
    step = panel.steps[2]
    step.window.setValue(2)
    step.dynamic.setChecked(False)
    tokens = panel.story.tokens()
    assert len(tokens) >= 2 and step.rows() == []
    click(qtbot, step.step_button)
    assert (
        step.rows()
        == [r for r in _expected_table(tokens, 2) if r[0] == tokens[0]][: len(step.rows())]
    )
    for _ in tokens:
        click(qtbot, step.step_button)
    assert step.rows() == _expected_table(tokens, 2)
    # Dynamic windows: each centre's drawn reach, and struck-through words beyond it.
    step.dynamic.setChecked(True)
    panel.story.reach[:] = 1
    panel.story.centre = len(tokens) - 1
    step.refresh()
    assert step.rows() == _expected_table(tokens, 1)
    panel.story.centre = 2
    step.refresh()
    assert "line-through" in step.sentence.text()
    # Play advances on a timer.
    click(qtbot, step.reset_button)
    click(qtbot, step.play_button)
    qtbot.waitUntil(lambda: panel.story.centre >= 1, timeout=3000)
    click(qtbot, step.play_button)
    assert not step.timer.isActive()


def test_step4_negatives_follow_the_positive_rows(panel):
    panel.go_to(2)
    panel.steps[2].advance()
    panel.go_to(3)
    step = panel.steps[3]
    step.negative.setValue(3)
    positives = step.positives()
    assert positives and all(p.centre == 0 for p in positives)
    assert len(step.samples) == 4 * len(positives)
    for i, p in enumerate(positives):
        block = step.samples[4 * i : 4 * i + 4]
        assert block[0] == (p.input, p.output, 1)
        assert [t for *_, t in block[1:]] == [0, 0, 0]
    vocab = panel.story.data.vocab
    x, y = step.noise.getOriginalDataset()  # getData() is log-transformed
    p = vocab.counts.astype(float) ** 0.75
    np.testing.assert_allclose(y, (p / p.sum())[x.astype(int) - 1])
    assert x[0] == 1 and x[-1] == len(vocab)
    step.exponent.setValue(0.0)
    np.testing.assert_allclose(step.noise.getOriginalDataset()[1], 1 / len(vocab))
    assert vocab.words[0] in step.shares.text()


def test_step5_shows_the_engines_step_and_trains(qtbot, panel):
    panel.go_to(4)
    step = panel.steps[4]
    toy = step.toy
    s = step.preview
    x = toy.W_in[s.centre].astype(float)
    rows = step.shown_numbers()
    assert len(rows) == 1 + toy.negative
    for row, o, target in zip(rows, s.outputs, s.targets, strict=True):
        score = x @ toy.W_out[o].astype(float)
        assert row[0].startswith(toy.words[o])
        assert int(row[1]) == target
        assert float(row[2]) == pytest.approx(score, abs=5e-4)
        assert float(row[3]) == pytest.approx(_sig(score), abs=5e-4)
        assert float(row[4]) == pytest.approx(target - _sig(score), abs=5e-4)
    # The shown matrices are the toy's, with the step's rows outlined.
    np.testing.assert_array_equal(step.embedding_map.matrix, toy.W_in)
    assert set(step.context_map.highlighted) == {int(o) for o in s.outputs}
    # Taking the step moves each row as word2vec's formula says.
    W_in, W_out = toy.W_in.astype(float), toy.W_out.astype(float)
    errors = [
        t - _sig(W_in[s.centre] @ W_out[o]) for t, o in zip(s.targets, s.outputs, strict=True)
    ]
    click(qtbot, step.apply_button)
    lr = step.lr.value()
    expect = W_in[s.centre] + lr * sum(e * W_out[o] for e, o in zip(errors, s.outputs, strict=True))
    np.testing.assert_allclose(toy.W_in[s.centre], expect, rtol=1e-4, atol=1e-6)
    if len(set(s.outputs.tolist())) == len(s.outputs):
        for e, o in zip(errors, s.outputs, strict=True):
            np.testing.assert_allclose(
                toy.W_out[o], W_out[o] + lr * e * W_in[s.centre], rtol=1e-4, atol=1e-6
            )
    assert toy.steps == 1
    # Train 100: the slice's loss falls, a few steps per event-loop turn.
    start = step.losses[0][1]
    assert start == pytest.approx((1 + toy.negative) * math.log(2), rel=1e-6)
    click(qtbot, step.findChild(QPushButton, "learnTrain100"))
    qtbot.waitUntil(lambda: not step.training, timeout=10_000)
    assert toy.steps == 101 and step.losses[-1][0] == 101
    assert step.losses[-1][1] == pytest.approx(toy.loss())
    assert step.losses[-1][1] < start
    # Discarding the context matrix leaves the embeddings: their neighbours are shown.
    click(qtbot, step.discard_button)
    assert step.context_place.currentIndex() == 1
    word = toy.words[step.preview.centre]
    near = toy.embeddings().most_similar(word, topn=3)
    assert all(w in step.discarded.text() for w, _ in near)


def test_step6_compares_two_quick_runs(qtbot, panel):
    panel.go_to(5)
    step = panel.steps[5]
    step.word.setText("king")
    step.tokens.setValue(8000)
    step.windows[0].setValue(2)
    step.windows[1].setValue(8)
    click(qtbot, step.compare_button)
    try:
        qtbot.waitUntil(lambda: bool(step.runs), timeout=15_000)
    except pytestqt.exceptions.TimeoutError:
        # Failed once in a serial whole-suite run (0.15 s alone): say what the step was doing.
        stacks = "\n".join(
            "".join(traceback.format_stack(f)[-4:]) for f in sys._current_frames().values()
        )
        pytest.fail(f"no runs after 15 s; status {step.status.text()!r}; threads:\n{stacks}")
    assert [r.config.window for r in step.runs] == [2, 8]
    assert all(r.config.vector_size == 50 and r.tokens <= 8000 for r in step.runs)
    for side, run in enumerate(step.runs):
        expect = [w for w, _ in run.embeddings.most_similar("king", topn=15)]
        assert step.neighbours(side) == expect
    assert "window 8" in step.boxes[1].title()
    step.word.setText("unicorn")
    step.show_neighbours()
    assert step.neighbours(0) == [] and "not in this vocabulary" in step.summaries[0].text()
    # Another corpus: the old runs are not shown as if they were its own.
    with qtbot.waitSignal(panel.data_changed, timeout=10_000):
        panel.set_corpus("start.txt", corpus_prefix(panel.story.data.scan, 700))
    assert step.runs == [] and step.neighbours(0) == []
    assert "start.txt" in panel.corpus_label.text()


def test_shutdown_stops_a_running_comparison(qtbot, panel):
    panel.go_to(5)
    step = panel.steps[5]
    step.tokens.setValue(2_000_000)
    step.compare()
    assert step._task is not None
    panel.shutdown()  # the no_threads_left fixture checks nothing is left running


def test_learn_tab_in_the_window(qtbot, window, corpus_file):
    tabs = window.findChild(QTabWidget, "mainTabs")
    assert [tabs.tabText(i) for i in range(tabs.count())][-1] == "Learn"
    load(qtbot, window, [corpus_file])
    learn = window.learn
    assert learn.story.data is None  # prepared only when the tab is shown
    with qtbot.waitSignal(learn.data_changed, timeout=10_000):
        tabs.setCurrentWidget(learn)
    assert learn.story.data.name == "planted.txt"
    assert len(learn.story.data.vocab) == 44
    window.session.embeddings_changed.emit(None)
    assert learn.story.embeddings is None
