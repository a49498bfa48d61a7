"""The real window, driven through its widgets: load, train, explore, pause, stop, close."""

from __future__ import annotations

import pyqtgraph as pg
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QLineEdit, QProgressBar, QPushButton, QTableWidget, QWidget

from tests.gui.conftest import SMALL, load
from w2v_gui import worker
from w2v_gui.core.config import TrainingConfig
from w2v_gui.main_window import MainWindow
from w2v_gui.session import IDLE, PAUSED, TRAINING

# Long enough to pause and stop in the middle; stopping ends it early.
LONG = SMALL.replace(epochs=1000)


def find(window, cls, name):
    widget = window.findChild(cls, name)
    assert widget is not None, f"no {cls.__name__} named {name!r}"
    return widget


def train(qtbot, window, timeout=30_000):
    with qtbot.waitSignal(window.training_finished, timeout=timeout) as blocker:
        qtbot.mouseClick(find(window, QPushButton, "trainButton"), Qt.MouseButton.LeftButton)
    return blocker.args[0]


def table_column(table: QTableWidget, col: int) -> list[str]:
    return [table.item(r, col).text() for r in range(table.rowCount())]


def test_controls_carry_stable_names(window):
    for cls, name in [
        (QPushButton, "trainButton"),
        (QPushButton, "pauseButton"),
        (QPushButton, "stopButton"),
        (QProgressBar, "progressBar"),
        (QLineEdit, "neighboursQuery"),
        (QTableWidget, "neighboursTable"),
        (QLineEdit, "analogyA"),
        (QLineEdit, "analogyB"),
        (QLineEdit, "analogyC"),
        (QTableWidget, "analogyResults"),
        (QLabel, "corpusSummary"),
    ]:
        find(window, cls, name)
    assert isinstance(find(window, QWidget, "lossPlot"), pg.PlotWidget)
    assert not find(window, QPushButton, "trainButton").isEnabled()  # no corpus yet


def test_load_train_and_explore(qtbot, window, corpus_file):
    load(qtbot, window, [corpus_file])
    summary = find(window, QLabel, "corpusSummary").text()
    assert "planted.txt" in summary and "21,000 tokens" in summary
    assert "<b>44</b> words at min_count 1" in summary
    assert "no invalid bytes" in summary
    assert "king" in window.corpus_panel.preview.toPlainText()

    outcome = train(qtbot, window)
    assert outcome.progress.done and not outcome.progress.stopped
    assert len(outcome.progress.epoch_losses) == 5
    assert window.isWindowModified() and "Untitled model" in window.windowTitle()
    plot = window.training.data()
    assert len(plot["x"]) >= 1 and len(plot["epoch_losses"]) == 5

    # Neighbours: typing searches after the debounce.
    query = find(window, QLineEdit, "neighboursQuery")
    table = find(window, QTableWidget, "neighboursTable")
    qtbot.keyClicks(query, "King")  # a capital is forgiven: the vocabulary is lowercase
    qtbot.waitUntil(lambda: table.rowCount() > 0, timeout=3000)
    words = table_column(table, 0)
    assert "king" not in words
    assert set(words[:3]) == {"queen", "prince", "man"}
    cosines = [c for _, c in window.neighbours.results()]
    assert cosines == sorted(cosines, reverse=True)
    # Double-clicking a result searches it.
    table.cellDoubleClicked.emit(0, 0)
    assert query.text() == words[0]
    assert words[0] not in table_column(table, 0)

    # Analogy with its defaults: man is to king as woman is to queen, both methods.
    assert [find(window, QLineEdit, n).text() for n in ("analogyA", "analogyB", "analogyC")] == [
        "man",
        "king",
        "woman",
    ]
    rows = window.analogy.results()
    assert len(rows) == 10
    assert rows[0][0] == "queen" and rows[0][2] == "queen"
    assert not {"man", "king", "woman"} & ({r[0] for r in rows} | {r[2] for r in rows})
    assert "excluded" in window.analogy.note.text()

    # Unknown words are said inline, not thrown.
    analogy_a = find(window, QLineEdit, "analogyA")
    analogy_a.setText("zebra")
    analogy_a.returnPressed.emit()
    assert window.analogy.table.rowCount() == 0
    assert "zebra" in window.analogy.message.text()


def test_watch_words_refresh(qtbot, window, corpus_file):
    window.watch.set_words(["king", "queen", "unicorn"])
    load(qtbot, window, [corpus_file])
    train(qtbot, window)
    assert window.watch.neighbours("king") and window.watch.neighbours("queen")
    assert not window.watch.neighbours("unicorn")
    window.watch.pin("Boy")
    assert "boy" in window.watch.words and window.watch.neighbours("boy")


@pytest.mark.slow
def test_pause_resume_and_stop_keep_vectors(qtbot, window, corpus_file):
    load(qtbot, window, [corpus_file], LONG)
    session = window.session
    with qtbot.waitSignal(session.training_progressed, timeout=10_000):
        qtbot.mouseClick(window.training.train_button, Qt.MouseButton.LeftButton)
    assert session.state == TRAINING

    pause = find(window, QPushButton, "pauseButton")
    qtbot.mouseClick(pause, Qt.MouseButton.LeftButton)
    assert session.state == PAUSED and pause.text() == "Resume"
    # Records keep coming while paused, and the words done stop growing.
    records = []
    session.training_progressed.connect(records.append)
    qtbot.waitUntil(lambda: sum(r.paused for r in records) >= 3, timeout=5000)
    paused = [r.words_done for r in records if r.paused]
    assert paused[-1] == paused[-2]

    qtbot.mouseClick(pause, Qt.MouseButton.LeftButton)
    assert session.state == TRAINING and pause.text() == "Pause"
    qtbot.waitUntil(
        lambda: records[-1].words_done > paused[-1] and not records[-1].paused, timeout=5000
    )

    with qtbot.waitSignal(window.training_finished, timeout=10_000) as blocker:
        qtbot.mouseClick(find(window, QPushButton, "stopButton"), Qt.MouseButton.LeftButton)
    outcome = blocker.args[0]
    assert outcome.progress.stopped and 0 < outcome.progress.fraction < 1
    assert session.state == IDLE
    qtbot.waitUntil(lambda: not worker.running_threads(), timeout=5000)  # winds down after
    # The vectors so far are there at once, and the model can be saved.
    window.neighbours.set_query("king")
    assert window.neighbours.results()
    assert window.files.save.isEnabled()
    assert outcome.model.state["next_job"] > 0  # resumable


def test_closing_during_training_stops_the_thread(qtbot, window, corpus_file, dialogs):
    load(qtbot, window, [corpus_file], LONG)
    with qtbot.waitSignal(window.session.training_progressed, timeout=10_000):
        window.training.train_action.trigger()
    assert worker.running_threads()
    assert window.close()
    assert dialogs.of("question")  # asked before throwing the run away
    assert not worker.running_threads()


def test_closing_can_be_cancelled(qtbot, window, corpus_file, dialogs):
    load(qtbot, window, [corpus_file])
    train(qtbot, window)
    dialogs.answer = dialogs.answer.Cancel
    assert not window.close()
    assert window.isVisible()


@pytest.mark.parametrize(
    "content, expected",
    [
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 20, "binary"),
        (b"", "no words"),
    ],
)
def test_bad_corpus_shows_an_error_and_the_window_stays_usable(
    qtbot, window, tmp_path, corpus_file, dialogs, content, expected
):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(content)
    with qtbot.waitSignal(window.session.failed, timeout=10_000):
        window.open_corpus([str(bad)])
    [(title, text)] = dialogs.of("critical")
    assert "bad.txt" in text and expected in text and "Traceback" not in text
    assert window.session.state == IDLE
    load(qtbot, window, [corpus_file])
    assert find(window, QPushButton, "trainButton").isEnabled()


def test_invalid_parameters_are_shown_inline(qtbot, window, corpus_file):
    load(qtbot, window, [corpus_file])
    window.parameters.editor("min_alpha").setValue(0.5)  # above alpha (0.025)
    error = window.findChild(QLabel, "parametersError")
    assert error.isVisible() and "min_alpha" in error.text()
    assert not window.training.train_button.isEnabled()
    window.parameters.editor("min_alpha").setValue(0.0001)
    assert not error.isVisible() and window.training.train_button.isEnabled()


def test_min_count_updates_vocabulary_size_and_estimate(qtbot, window, corpus_file):
    load(qtbot, window, [corpus_file])
    with qtbot.waitSignal(window.parameters.config_changed, timeout=2000):
        window.parameters.editor("min_count").setValue(10_000)
    summary = window.corpus_panel.summary.text()
    assert "<b>0</b> words at min_count 10000" in summary
    assert "Estimate" in window.parameters.estimate_label.text()


def test_save_export_and_open_model(qtbot, window, corpus_file, tmp_path, dialogs):
    load(qtbot, window, [corpus_file])
    trained = train(qtbot, window).model
    path = tmp_path / "model.npz"
    with qtbot.waitSignal(window.session.document_changed, timeout=10_000):
        window.files.save_chosen.emit(str(path))
    assert path.is_file() and not window.isWindowModified()
    assert window.windowTitle().startswith("model.npz")
    with qtbot.waitSignal(
        window.session.state_changed, timeout=10_000, check_params_cb=lambda s: s == IDLE
    ):
        window.files.export_chosen.emit(str(tmp_path / "vectors.bin"), "word2vec-binary")
    assert (tmp_path / "vectors.bin").is_file()

    other = MainWindow()
    qtbot.addWidget(other)
    with qtbot.waitSignal(other.session.embeddings_changed, timeout=10_000):
        other.open_model(str(path))
    emb = other.session.embeddings
    assert emb.words == trained.embeddings.words
    assert other.session.model.config == SMALL
    assert other.parameters.config() == SMALL  # the form shows the model's settings
    assert other.windowTitle().startswith("model.npz") and not other.isWindowModified()
    assert other.analogy.results()[0][0] == "queen"
    with qtbot.waitSignal(other.session.embeddings_changed, timeout=10_000):
        other.open_model(str(tmp_path / "vectors.bin"))
    assert other.session.embeddings.words == trained.embeddings.words
    with qtbot.waitSignal(other.session.embeddings_changed, timeout=10_000):
        other.open_dropped([str(path)])  # a dropped model opens as vectors, not as text
    assert other.session.path == str(path)
    assert not dialogs.of("critical")
    other.close()


def test_failed_save_shows_an_error(qtbot, window, corpus_file, tmp_path, dialogs):
    load(qtbot, window, [corpus_file])
    train(qtbot, window)
    target = tmp_path / "no such folder" / "model.npz"
    with qtbot.waitSignal(window.session.failed, timeout=10_000):
        window.files.save_chosen.emit(str(target))
    [(title, text)] = dialogs.of("critical")
    assert title == "Cannot save the model" and "No such file" in text
    assert "no such folder" in text and window.isWindowModified()


def test_bad_model_file_shows_an_error(qtbot, window, tmp_path, dialogs):
    bad = tmp_path / "broken.npz"
    bad.write_bytes(b"not a zip archive")
    with qtbot.waitSignal(window.session.failed, timeout=10_000):
        window.open_model(str(bad))
    [(title, text)] = dialogs.of("critical")
    assert "broken.npz" in text and "Traceback" not in text


def test_settings_are_remembered(qtbot, corpus_file):
    first = MainWindow()
    qtbot.addWidget(first)
    load(qtbot, first, [corpus_file], SMALL.replace(epochs=7))
    first.parameters.editor("window").setValue(3)
    qtbot.waitSignal(first.parameters.config_changed, timeout=2000).wait()
    first.watch.set_words(["queen"])
    first.resize(700, 500)  # inside the offscreen screen (800×600): not clamped
    first.close()

    second = MainWindow()
    qtbot.addWidget(second)
    assert second.parameters.config() == SMALL.replace(epochs=7, window=3)
    assert second.watch.words == ("queen",)
    assert (second.width(), second.height()) == (700, 500)
    assert [a.data() for a in second.corpus_panel.recent_menu.actions()] == [[str(corpus_file)]]
    second.close()


def test_shortcuts(window):
    t, f = window.training, window.files
    shortcuts = {
        "train": t.train_action,
        "pause": t.pause_action,
        "stop": t.stop_action,
        "open": f.open_corpus,
        "model": f.open_model,
        "save": f.save,
        "export": f.export,
        "quit": f.quit,
        "find": window.find_action,
    }
    texts = {k: {s.toString() for s in a.shortcuts()} for k, a in shortcuts.items()}
    assert texts == {
        "train": {"Ctrl+T", "F5"},
        "pause": {"Ctrl+P", "Pause"},
        "stop": {"Ctrl+."},
        "open": {"Ctrl+O"},
        "model": {"Ctrl+Shift+O"},
        "save": {"Ctrl+S"},
        "export": {"Ctrl+E"},
        "quit": {"Ctrl+Q"},
        "find": {"Ctrl+F"},
    }


def test_token_pattern_change_rereads_the_corpus(qtbot, window, corpus_file):
    load(qtbot, window, [corpus_file])
    edit = window.parameters.editor("lowercase")
    with qtbot.waitSignal(window.session.corpus_loaded, timeout=10_000) as blocker:
        edit.setChecked(False)
    assert blocker.args[0].lowercase is False
    assert window.session.corpus.lowercase is False
    assert TrainingConfig.from_dict(window.parameters.config().to_dict()).lowercase is False


def test_training_error_reaches_a_dialog(qtbot, window, corpus_file, dialogs):
    load(qtbot, window, [corpus_file], SMALL.replace(min_count=100_000))
    with qtbot.waitSignal(window.session.failed, timeout=10_000):
        window.training.train_action.trigger()
    [(title, text)] = dialogs.of("critical")
    assert title == "Training failed" and "min_count" in text
    assert window.session.state == IDLE and window.training.train_button.isEnabled()
