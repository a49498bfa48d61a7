"""pytest-qt setup: offscreen Qt, settings in a temporary folder, no dialog ever blocks,
and no test may leave a thread running."""

from __future__ import annotations

import os

os.environ["QT_QPA_PLATFORM"] = "offscreen"  # before anything imports Qt

import threading  # noqa: E402
import time  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402
from PySide6.QtCore import QSettings  # noqa: E402
from PySide6.QtWidgets import QMessageBox  # noqa: E402

from tests.gui.planted import planted_text  # noqa: E402
from w2v_gui import worker  # noqa: E402
from w2v_gui.core.config import TrainingConfig  # noqa: E402
from w2v_gui.main_window import MainWindow  # noqa: E402

# Small and quick, and enough for the planted relations to be learned every time.
SMALL = TrainingConfig(min_count=1, epochs=5, vector_size=20, sample=0.0, seed=1)


@pytest.fixture(autouse=True)
def settings_dir(tmp_path: Path) -> Path:
    """QSettings (the app's and any test's) live in this test's temporary folder."""
    folder = tmp_path / "settings"
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    for scope in (QSettings.Scope.UserScope, QSettings.Scope.SystemScope):
        QSettings.setPath(QSettings.Format.IniFormat, scope, str(folder))
    return folder


@dataclass
class Dialogs:
    """Message boxes the code under test opened, with the answer questions get."""

    shown: list[tuple[str, str, str]] = field(default_factory=list)  # (kind, title, text)
    answer: QMessageBox.StandardButton = QMessageBox.StandardButton.Discard

    def of(self, kind: str) -> list[tuple[str, str]]:
        return [(title, text) for k, title, text in self.shown if k == kind]


@pytest.fixture(autouse=True)
def dialogs(monkeypatch) -> Dialogs:
    """Static QMessageBox calls are recorded instead of blocking on a modal dialog."""
    record = Dialogs()

    def fake(kind):
        def show(parent, title, text, *args, **kwargs):
            record.shown.append((kind, title, text))
            return record.answer if kind == "question" else QMessageBox.StandardButton.Ok

        return show

    for kind in ("critical", "warning", "information", "question"):
        monkeypatch.setattr(QMessageBox, kind, fake(kind))
    return record


@pytest.fixture(autouse=True)
def no_threads_left():
    """Fail a test that leaves a QThread or a Python thread running."""
    before = set(threading.enumerate())
    yield
    deadline = time.monotonic() + 5
    while True:
        qthreads = worker.running_threads()
        threads = [
            t
            for t in threading.enumerate()
            if t not in before and t.is_alive() and not isinstance(t, threading._DummyThread)
        ]
        if not (qthreads or threads) or time.monotonic() > deadline:
            break
        time.sleep(0.02)
    assert not qthreads, f"QThreads still running: {[t.objectName() for t in qthreads]}"
    assert not threads, f"threads still running: {[t.name for t in threads]}"


@pytest.fixture
def corpus_file(tmp_path: Path) -> Path:
    path = tmp_path / "planted.txt"
    path.write_text(planted_text(), encoding="utf-8")
    return path


@pytest.fixture
def window(qtbot) -> MainWindow:
    w = MainWindow()
    qtbot.addWidget(w)
    w.show()
    yield w
    w.session.dirty = False
    w.close()


def load(qtbot, window: MainWindow, paths, config: TrainingConfig = SMALL) -> None:
    """Open ``paths`` through the window and wait until the corpus is read."""
    window.parameters.set_config(config)
    with qtbot.waitSignal(window.session.corpus_loaded, timeout=20_000):
        window.open_corpus([str(p) for p in paths])


@pytest.fixture
def asked(monkeypatch):
    """QMessageBox.question, recorded with its buttons; answers from ``asked.answers``."""
    Button = QMessageBox.StandardButton

    class Record:
        questions: list[tuple[str, str, QMessageBox.StandardButton]] = []
        answers: list[QMessageBox.StandardButton] = []

    record = Record()
    record.questions = []

    def question(parent, title, text, buttons=Button.Yes | Button.No, default=Button.NoButton):
        record.questions.append((title, text, buttons))
        return record.answers.pop(0) if record.answers else Button.Discard

    monkeypatch.setattr(QMessageBox, "question", question)
    return record
