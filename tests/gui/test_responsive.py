"""The window never waits for slow work: model files load in a worker with progress and
Cancel, and queries on large vectors run in a worker, newest question first."""

from __future__ import annotations

import threading
import time

import numpy as np
import pytest
from PySide6.QtCore import QTimer

import w2v_gui.jobs as jobs
from w2v_gui import queries, tasks
from w2v_gui.core.formats import _common, load_embeddings, save_embeddings
from w2v_gui.core.vectors import Embeddings
from w2v_gui.session import IDLE, LOADING, SAVING


@pytest.fixture
def model_file(tmp_path):
    rng = np.random.default_rng(3)
    words = ["king", "queen", "man", "woman"] + [f"w{i}" for i in range(3000)]
    emb = Embeddings(words, rng.standard_normal((len(words), 16)).astype(np.float32))
    path = tmp_path / "vectors.txt"
    save_embeddings(emb, path, format="word2vec-text")
    return path, emb


def test_opening_a_model_shows_progress_and_can_be_cancelled(
    qtbot, window, model_file, monkeypatch, dialogs
):
    path, _ = model_file
    reached, go_on = threading.Event(), threading.Event()
    real = jobs.load_embeddings

    def held(p, progress):  # the real loader, held at its first progress report
        def report(done, total):
            reached.set()
            go_on.wait(10)
            progress(done, total)

        return real(p, progress=report)

    monkeypatch.setattr(jobs, "load_embeddings", held)
    window.open_model(str(path))
    assert reached.wait(10) and window.session.state == LOADING
    status = window.task_status
    assert status.isVisible() and status.cancel_button.isEnabled()
    with qtbot.waitSignal(
        window.session.state_changed, timeout=10_000, check_params_cb=lambda s: s == IDLE
    ):
        status.cancel_button.click()
        go_on.set()
    assert window.session.model is None and window.session.embeddings is None
    assert not status.isVisible() and not dialogs.of("critical")

    monkeypatch.undo()  # and a plain open still works, with its vectors normalised there
    with qtbot.waitSignal(window.session.embeddings_changed, timeout=10_000):
        window.open_model(str(path))
    assert window.session.embeddings._unit is not None


@pytest.mark.parametrize("action, name", [("save", "model.npz"), ("export", "vectors.bin")])
def test_saving_shows_progress_and_a_cancelled_save_keeps_the_old_file(
    qtbot, window, tmp_path, monkeypatch, dialogs, action, name
):
    monkeypatch.setattr(_common, "WRITE_BYTES", 1 << 17)  # 128 kB a write: many reports
    rng = np.random.default_rng(5)
    words = [f"w{i}" for i in range(20000)]
    first, second = (
        Embeddings(words, rng.standard_normal((20000, 64)).astype(np.float32)) for _ in range(2)
    )
    s = window.session

    def open_model(emb, source):
        save_embeddings(emb, tmp_path / source)
        with qtbot.waitSignal(s.embeddings_changed, timeout=10_000):
            window.open_model(str(tmp_path / source))
        qtbot.waitUntil(lambda: s.state == IDLE, timeout=10_000)

    def save():
        if action == "save":
            window.files.save_chosen.emit(str(target))
        else:
            window.files.export_chosen.emit(str(target), "word2vec-binary")
        assert s.state == SAVING

    folder = tmp_path / "out"
    folder.mkdir()
    target = folder / name
    open_model(first, "first.bin")
    reports = []
    s.scan_progressed.connect(reports.append)
    save()
    qtbot.waitUntil(lambda: s.state == IDLE, timeout=20_000)
    s.scan_progressed.disconnect(reports.append)
    assert reports[0][0] == 0 and reports[-1][0] == reports[-1][1] > 0
    assert [d for d, _ in reports] == sorted(d for d, _ in reports)
    back = load_embeddings(target)
    assert back.words == first.words and np.array_equal(back.vectors, first.vectors)
    old = target.read_bytes()

    # The second save is held at a report half-way, then cancelled.
    reached, go_on = threading.Event(), threading.Event()
    real = jobs.or_stop

    def held(progress, stop, what):
        inner = real(progress, stop, what)

        def report(done, total):
            if 0 < done < total and not reached.is_set():
                reached.set()
                go_on.wait(10)
            inner(done, total)

        return report

    monkeypatch.setattr(jobs, "or_stop", held)
    open_model(second, "second.bin")
    save()
    assert reached.wait(10)
    status = window.task_status
    qtbot.waitUntil(lambda: status.progress.maximum() == 1000, timeout=5_000)  # a report shown
    assert status.isVisible() and status.cancel_button.isEnabled()
    assert any(p.name.endswith(".tmp") for p in folder.iterdir())  # written beside it
    with qtbot.waitSignal(s.state_changed, timeout=10_000, check_params_cb=lambda x: x == IDLE):
        status.cancel_button.click()
        go_on.set()
    assert target.read_bytes() == old and [p.name for p in folder.iterdir()] == [name]
    assert not status.isVisible() and not dialogs.of("critical")
    assert "cancelled" in window.statusBar().currentMessage()
    assert window.files.save.isEnabled()  # usable at once: a save that goes through
    monkeypatch.undo()
    window.files.save_chosen.emit(str(folder / "again.npz"))
    qtbot.waitUntil(lambda: s.state == IDLE, timeout=20_000)
    again = load_embeddings(folder / "again.npz")
    assert again.words == second.words and np.array_equal(again.vectors, second.vectors)


def test_queries_on_large_vectors_run_in_a_worker(qtbot, window, model_file, monkeypatch):
    _, emb = model_file
    monkeypatch.setattr(tasks, "INLINE_FLOATS", 0)  # every vector set counts as large
    path = model_file[0]
    with qtbot.waitSignal(window.session.embeddings_changed, timeout=10_000):
        window.open_model(str(path))
    gui = threading.current_thread()
    ran_in = []
    real = queries.neighbours

    def slow(e, text, topn=queries.NEIGHBOURS_TOPN):
        ran_in.append(threading.current_thread())
        time.sleep(0.3)
        return real(e, text, topn)

    monkeypatch.setattr(queries, "neighbours", slow)
    # The event loop keeps ticking while a query runs.
    ticks = []
    timer = QTimer(interval=10)
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    timer.start()
    panel = window.neighbours
    panel.set_query("king")
    assert "Searching" in panel.message.text() and not panel.results()
    panel.set_query("queen")  # while "king" runs: only the newest is shown
    qtbot.waitUntil(lambda: bool(panel.results()), timeout=10_000)
    timer.stop()
    expected = [w for w, _ in emb.most_similar("queen", topn=queries.NEIGHBOURS_TOPN)]
    assert [w for w, _ in panel.results()] == expected
    assert gui not in ran_in and len(ran_in) == 2
    assert max(np.diff(ticks)) < 0.15, max(np.diff(ticks))

    # Analogy and watch words take the same way.
    window.analogy.set_words("man", "king", "woman")
    qtbot.waitUntil(lambda: bool(window.analogy.results()), timeout=10_000)
    add = emb.most_similar(positive=["king", "woman"], negative=["man"], topn=queries.ANALOGY_TOPN)
    assert [r[0] for r in window.analogy.results()] == [w for w, _ in add]
    window.watch.set_words(["queen"])
    qtbot.waitUntil(lambda: bool(window.watch.neighbours("queen")), timeout=10_000)
    qtbot.waitUntil(lambda: not window.neighbours._asker.busy, timeout=10_000)


def test_an_answer_the_field_no_longer_asks_for_is_dropped(qtbot, window, model_file, monkeypatch):
    monkeypatch.setattr(tasks, "INLINE_FLOATS", 0)
    with qtbot.waitSignal(window.session.embeddings_changed, timeout=10_000):
        window.open_model(str(model_file[0]))
    panel = window.neighbours
    panel.set_query("king")
    panel.query.setText("")  # cleared before the answer came
    panel.search()
    qtbot.waitUntil(lambda: not panel._asker.busy, timeout=10_000)
    assert not panel.results()


def test_showing_a_large_vocabulary_asks_only_the_rows_in_view(
    qtbot, window, tmp_path, monkeypatch
):
    # Column widths measured over 1,000 rows made 64,000 Python data() calls, up to
    # 1.9 s of frozen window, each time the Vocabulary tab showed a new corpus.
    from tests.gui.conftest import SMALL, load
    from w2v_gui.explore.vocabulary import WordsModel

    calls = [0]
    real = WordsModel.data

    def counted(self, index, role=0):
        calls[0] += 1
        return real(self, index, role)

    monkeypatch.setattr(WordsModel, "data", counted)
    words = [
        f"{chr(97 + i % 26)}{chr(97 + i // 26 % 26)}{chr(97 + i // 676)}x" for i in range(5000)
    ]
    path = tmp_path / "many.txt"
    path.write_text(" ".join(words[i % 5000] for i in range(20000)), encoding="utf-8")
    load(qtbot, window, [path], SMALL)
    view = window.vocabulary_view
    window.findChild(type(window.tabs), "exploreTabs").setCurrentWidget(view)
    qtbot.waitUntil(lambda: view.model.rowCount() == 5000, timeout=10_000)
    qtbot.wait(100)
    assert calls[0] < 5000, f"{calls[0]} data() calls to show the tab"
