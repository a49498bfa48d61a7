"""The Evaluate tab in the real window: its numbers are core.evaluate's on the same vectors,
runs pile up in a history that copies as TSV, a run can be cancelled or superseded,
bad files are named, and it works mid-training and on an opened model."""

from __future__ import annotations

import gc
import math
import threading
import time

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QFileDialog

from tests.gui.conftest import SMALL, load
from w2v_gui import worker
from w2v_gui.core.evaluate import BUNDLED_ANALOGIES, evaluate_analogies, evaluate_word_pairs
from w2v_gui.core.formats import save_embeddings
from w2v_gui.core.vectors import Embeddings
from w2v_gui.explore.evaluation import PAIRS_RESTRICT
from w2v_gui.main_window import MainWindow
from w2v_gui.session import TRAINING

ANALOGIES = """\
: royalty
man king woman queen
boy prince girl princess
woman queen man king
girl princess boy prince
man woman king queen
: gram-age
man boy woman girl
king prince queen princess
woman girl man boy
queen princess king prince
boy man girl woman
: unknown
man king unicorn dragon
"""
PAIRS = """\
# planted pairs: people of one status and age are alike
king\tqueen\t9
prince\tprincess\t9
man\twoman\t8.5
boy\tgirl\t8.5
king\tprince\t7
queen\tprincess\t7
man\tboy\t6.5
king\tgirl\t2
queen\tboy\t2
prince\twoman\t2.5
unicorn\tdragon\t5
"""


@pytest.fixture
def sets(tmp_path):
    analogies, pairs = tmp_path / "royal-questions.txt", tmp_path / "royal-pairs.tsv"
    analogies.write_text(ANALOGIES, "utf-8")
    pairs.write_text(PAIRS, "utf-8")
    return analogies, pairs


@pytest.fixture
def trained(qtbot, window, corpus_file, sets):
    """The window with the planted corpus trained and the planted sets chosen."""
    load(qtbot, window, [corpus_file])
    with qtbot.waitSignal(window.training_finished, timeout=30_000):
        window.training.train_action.trigger()
    window.evaluate.set_files(sets[0], [sets[1]])
    window.explore.setCurrentWidget(window.evaluate)
    return window


@pytest.fixture
def big_model(tmp_path):
    """Random vectors over every word of the bundled questions (all 19,544 seen), large
    enough that scoring them takes seconds (10 s here; blocks of questions under 1 s)."""
    words = list(
        dict.fromkeys(
            w
            for line in BUNDLED_ANALOGIES.read_text("utf-8").splitlines()
            if not line.startswith(":")
            for w in line.lower().split()
        )
    )
    words += [f"filler{i}" for i in range(20_000 - len(words))]
    rng = np.random.default_rng(0)
    path = tmp_path / "random.npz"
    save_embeddings(
        Embeddings(words, rng.standard_normal((len(words), 48)).astype(np.float32)), path
    )
    return path


def evaluate(qtbot, window, timeout=20_000):
    with qtbot.waitSignal(window.evaluate.evaluated, timeout=timeout) as blocker:
        qtbot.mouseClick(window.evaluate.run_button, Qt.MouseButton.LeftButton)
    return blocker.args[0]


def open_model(qtbot, window, path):
    with qtbot.waitSignal(window.session.embeddings_changed, timeout=20_000):
        window.open_model(str(path))
    window.explore.setCurrentWidget(window.evaluate)


def same_pairs(ours, core) -> bool:
    def eq(x, y):
        return (math.isnan(x) and math.isnan(y)) or x == y

    return (
        eq(ours.spearman, core.spearman)
        and eq(ours.pearson, core.pearson)
        and ours.oov_ratio == core.oov_ratio
        and ours.pairs == core.pairs
    )


def row_texts(panel, row: int) -> dict[str, str]:
    t = panel.history
    return {t.horizontalHeaderItem(c).text(): t.item(row, c).text() for c in range(t.columnCount())}


def test_numbers_and_bars_equal_core_and_history_keeps_every_run(qtbot, trained, sets):
    window, panel = trained, trained.evaluate
    analogies, pairs = sets
    emb = window.session.embeddings
    first = evaluate(qtbot, window)

    core = evaluate_analogies(emb, analogies, restrict_vocab=30_000, method="add")
    core_pairs = evaluate_word_pairs(emb, pairs, restrict_vocab=PAIRS_RESTRICT)
    assert first.analogy == core
    [(name, ours)] = first.pairs
    assert name == "royal-pairs.tsv" and same_pairs(ours, core_pairs)
    # The planted structure is learned, so these are real numbers, not zeros.
    assert core.total == 10 and core.questions == 11 and core.semantic >= 0.8
    assert core_pairs.pairs == 10 and core_pairs.pearson > 0.5

    shown = row_texts(panel, 0)
    assert shown["vectors"] == "trained · 5 epochs · 105k words"
    assert shown["method"] == "3CosAdd" and shown["searched"] == "30,000"
    assert shown["words"] == f"{len(emb):,}"
    assert (shown["accuracy"], shown["semantic"], shown["syntactic"]) == (
        f"{core.accuracy:.4f}",
        f"{core.semantic:.4f}",
        f"{core.syntactic:.4f}",
    )
    assert (shown["seen"], shown["questions"], shown["coverage"]) == ("10", "11", "0.9091")
    assert (shown["royal-pairs ρ"], shown["royal-pairs r"], shown["royal-pairs OOV"]) == (
        f"{core_pairs.spearman:.4f}",
        f"{core_pairs.pearson:.4f}",
        f"{core_pairs.oov_ratio / 100:.4f}",
    )
    assert panel.bars_data() == [(n, c / t if t else 0.0) for n, c, t in core.sections]
    assert [n for n, _ in panel.bars_data()] == ["royalty", "gram-age", "unknown"]
    assert f"accuracy <b>{core.accuracy:.4f}</b>" in panel.summary.text()

    # 3CosMul, then a smaller search: two more rows; the first stays as it was.
    panel.method.setCurrentIndex(panel.method.findData("mul"))
    second = evaluate(qtbot, window)
    assert second.analogy == evaluate_analogies(emb, analogies, method="mul")
    panel.restrict.setValue(12)  # king, queen, ... are frequent; some rarer words drop out
    third = evaluate(qtbot, window)
    core_12 = evaluate_analogies(emb, analogies, restrict_vocab=12, method="mul")
    assert third.analogy == core_12 and core_12.total < core.total
    assert panel.history.rowCount() == 3 and len(panel.runs) == 3
    assert row_texts(panel, 0) == shown
    assert row_texts(panel, 1)["method"] == "3CosMul"
    assert row_texts(panel, 2)["searched"] == "12"
    assert row_texts(panel, 2)["seen"] == str(core_12.total)
    # The newest run is selected and charted; selecting an older one charts that.
    assert panel.bars_data() == [(n, c / t if t else 0.0) for n, c, t in core_12.sections]
    panel.history.selectRow(0)
    assert panel.bars_data() == [(n, c / t if t else 0.0) for n, c, t in core.sections]
    assert "Run 1" in panel.summary.text()
    # One bar item, made once and updated since.
    assert [i for i in panel.plot.plotItem.items if isinstance(i, pg.BarGraphItem)] == [panel.bars]


def test_copy_puts_the_history_on_the_clipboard_as_tsv(qtbot, trained):
    window, panel = trained, trained.evaluate
    runs = [evaluate(qtbot, window)]
    panel.use_pairs.setChecked(False)
    runs.append(evaluate(qtbot, window))
    header = (
        "#\tvectors\tmethod\taccuracy\tsemantic\tsyntactic\tcoverage\tseen\tquestions\t"
        "searched\troyal-pairs ρ\troyal-pairs r\troyal-pairs OOV\twords\ttime"
    )

    def line(i, run, with_pairs):
        a = run.analogy
        cells = [
            str(i),
            "trained · 5 epochs · 105k words",
            "3CosAdd",
            f"{a.accuracy:.4f}",
            f"{a.semantic:.4f}",
            f"{a.syntactic:.4f}",
            f"{a.coverage:.4f}",
            str(a.total),
            str(a.questions),
            "30000",
        ]
        if with_pairs:
            p = run.pairs[0][1]
            cells += [f"{p.spearman:.4f}", f"{p.pearson:.4f}", f"{p.oov_ratio / 100:.4f}"]
        else:
            cells += ["", "", ""]  # empty cells, not dashes: a spreadsheet reads them
        return "\t".join(cells + [str(run.words), run.started])

    expected = "\n".join([header, line(1, runs[0], True), line(2, runs[1], False)]) + "\n"
    clipboard = QGuiApplication.clipboard()
    clipboard.clear()
    panel.history.clearSelection()
    qtbot.mouseClick(panel.copy_button, Qt.MouseButton.LeftButton)
    assert clipboard.text() == expected

    # Ctrl+C in the history copies the selected run only.
    clipboard.clear()
    panel.history.setFocus()
    panel.history.selectRow(0)
    qtbot.keyClick(panel.history, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert clipboard.text() == "\n".join([header, line(1, runs[0], True)]) + "\n"


@pytest.mark.slow
def test_cancel_stops_a_run_and_the_panel_stays_usable(qtbot, window, big_model, sets):
    open_model(qtbot, window, big_model)
    panel = window.evaluate
    assert "random.npz" in panel.source.text()
    results = []
    panel.evaluated.connect(results.append)
    panel.run_button.click()
    assert panel.busy and panel.cancel_button.isEnabled()
    qtbot.waitUntil(lambda: panel.progress.value() > 0, timeout=20_000)  # it is scoring
    assert panel.progress.isVisible() and "of 19,544 analogies" in panel.progress.text()
    qtbot.mouseClick(panel.cancel_button, Qt.MouseButton.LeftButton)
    assert not panel.busy and not panel.cancel_button.isEnabled()
    assert "Cancelled" in panel.message.text()
    # The thread stops at the next block of questions, long before the run would end.
    qtbot.waitUntil(lambda: not worker.running_threads(), timeout=3000)
    assert results == [] and panel.history.rowCount() == 0

    panel.set_files(sets[0], [sets[1]])
    run = evaluate(qtbot, window)
    assert run.label == "random.npz" and run.words == 20_000
    assert panel.history.rowCount() == 1 and results == [run]


def test_a_newer_run_supersedes_a_running_one(qtbot, window, big_model, sets):
    open_model(qtbot, window, big_model)
    panel = window.evaluate
    results = []
    panel.evaluated.connect(results.append)
    panel.run_button.click()
    qtbot.waitUntil(lambda: panel.progress.value() > 0, timeout=20_000)
    panel.set_files(sets[0], [sets[1]])
    run = evaluate(qtbot, window)  # started while the big one runs
    qtbot.waitUntil(lambda: not worker.running_threads(), timeout=3000)  # the big one ended
    assert results == [run] and run.request.analogies == str(sets[0])
    assert panel.history.rowCount() == 1 and not panel.busy


@pytest.mark.slow
def test_closing_while_it_runs_leaves_no_thread(qtbot, big_model):
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    open_model(qtbot, window, big_model)
    window.evaluate.run_button.click()
    qtbot.waitUntil(lambda: window.evaluate.progress.value() > 0, timeout=20_000)
    t0 = time.monotonic()
    window.close()
    assert not worker.running_threads()
    assert time.monotonic() - t0 < 3  # stopped, not waited for to the end (10 s)


@pytest.mark.parametrize(
    "which, content, says",
    [
        ("analogies", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe", "not valid UTF-8"),
        ("analogies", b"", "no analogy questions"),
        ("analogies", b"king queen\n", "expected four words"),
        ("pairs", b"\x00\x01\x02\xff\xd8\xff", "not valid UTF-8"),
        ("pairs", b"# only a comment\n", "no word pairs"),
        ("pairs", b"king,queen,9\n", "expected 'word1<tab>word2<tab>score'"),
    ],
    ids=[
        "binary-analogies",
        "empty-analogies",
        "bad-analogies",
        "binary-pairs",
        "empty-pairs",
        "bad-pairs",
    ],
)
def test_a_bad_file_is_named_and_the_panel_stays_usable(
    qtbot, trained, tmp_path, monkeypatch, dialogs, which, content, says
):
    window, panel = trained, trained.evaluate
    bad = tmp_path / f"bad-{which}.txt"
    bad.write_bytes(content)
    if which == "analogies":
        monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(bad), ""))
        panel.choose_analogies.click()
    else:
        monkeypatch.setattr(QFileDialog, "getOpenFileNames", lambda *a, **k: ([str(bad)], ""))
        panel.choose_pairs.click()
    assert str(bad.name) in (panel.analogy_file.text() + panel.pairs_files.text())
    with qtbot.waitSignal(panel.failed, timeout=10_000) as blocker:
        panel.run_button.click()
    message = blocker.args[0]
    assert str(bad) in message and says in message and "Traceback" not in message
    assert panel.message.isVisible() and panel.message.text() == message
    assert not panel.busy and panel.history.rowCount() == 0 and not dialogs.shown

    qtbot.mouseClick(panel.bundled, Qt.MouseButton.LeftButton)  # and the bundled sets work
    run = evaluate(qtbot, window)
    assert run.request.analogies == str(BUNDLED_ANALOGIES) and len(run.pairs) == 2
    assert not panel.message.isVisible()


@pytest.mark.slow
def test_evaluates_the_latest_snapshot_mid_training(qtbot, window, corpus_file, sets):
    load(qtbot, window, [corpus_file], SMALL.replace(epochs=1000))
    window.evaluate.set_files(sets[0], [sets[1]])
    with qtbot.waitSignal(window.session.training_snapshotted, timeout=20_000):
        window.training.train_action.trigger()
    assert window.session.state == TRAINING
    emb = window.session.embeddings
    with qtbot.waitSignal(window.evaluate.evaluated, timeout=20_000) as blocker:
        window.evaluate.run_action.trigger()
        assert window.explore.currentWidget() is window.evaluate  # the shortcut shows it
    run = blocker.args[0]
    assert run.label.startswith("training · epoch ") and run.label.endswith(" words")
    assert run.analogy == evaluate_analogies(emb, sets[0])
    assert same_pairs(
        run.pairs[0][1], evaluate_word_pairs(emb, sets[1], restrict_vocab=PAIRS_RESTRICT)
    )
    assert window.session.state == TRAINING  # training went on meanwhile
    with qtbot.waitSignal(window.training_finished, timeout=20_000):
        window.training.stop_action.trigger()
    assert evaluate(qtbot, window).label.startswith("stopped · epoch ")
    assert window.evaluate.history.rowCount() == 2


def test_choices_are_remembered_and_the_shortcut_is_set(qtbot, sets, tmp_path):
    first = MainWindow()
    qtbot.addWidget(first)
    panel = first.evaluate
    assert panel.run_action.shortcut().toString() == "Ctrl+Shift+E"
    assert not panel.run_button.isEnabled()  # nothing to score yet
    assert "No vectors yet" in panel.source.text()
    assert (panel.restrict.value(), panel.method.currentText()) == (30_000, "3CosAdd")
    assert panel.analogy_file.text() == "questions-words.txt"
    assert panel.pairs_files.text() == "wordsim353.tsv, simlex999.txt"
    panel.restrict.setValue(5_000)
    panel.method.setCurrentIndex(1)
    panel.use_pairs.setChecked(False)
    other = tmp_path / "other" / sets[1].name  # the same name in another folder
    other.parent.mkdir()
    other.write_text(PAIRS, "utf-8")
    panel.set_files(sets[0], [sets[1], other, sets[1]])
    first.close()

    second = MainWindow()
    qtbot.addWidget(second)
    panel = second.evaluate
    assert (panel.restrict.value(), panel.method.currentText()) == (5_000, "3CosMul")
    assert not panel.use_pairs.isChecked() and panel.use_analogies.isChecked()
    assert panel.request().analogies == str(sets[0])
    assert panel.options()["pairs"] == [str(sets[1]), str(other)]  # each file once
    assert panel.pairs_files.text() == (f"{tmp_path.name}/royal-pairs.tsv, other/royal-pairs.tsv")
    second.close()


def test_garbage_is_collected_on_the_gui_thread(qtbot):
    """A worker that allocates must not run the cyclic collector: freeing Qt wrappers there
    deadlocked the closing test once (the worker in ~QObject waiting for the GIL, the GUI
    thread holding it and waiting for Qt's mutex)."""
    freed_on_main = []

    class Cycle:
        def __del__(self):
            freed_on_main.append(threading.current_thread() is threading.main_thread())

    def churn(progress, stop):
        for _ in range(100_000):  # cyclic garbage: enough for collections of all ages
            x = [[]]
            x.append(x)

    cycle = Cycle()
    cycle.me = cycle
    del cycle
    task = worker.TaskWorker(churn, threading.Event(), "churning")
    with qtbot.waitSignal(task.finished, timeout=20_000):
        worker.start_in_thread(task, "churn")
    assert not gc.isenabled()
    qtbot.waitUntil(lambda: bool(freed_on_main), timeout=5000)
    assert freed_on_main == [True]
