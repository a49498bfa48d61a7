"""What keeps the window's event loop free while it trains (issue 14, item 9).

Stall lengths themselves are measured by ``tools/probe_latency.py`` and
``tools/probe_stalls.py``, never asserted; these tests pin the three mechanisms that
removed the long ones: nicer worker processes, a full collection once a corpus is read
(not ~10 s into the run), and the training thread starting after the window's repaint.
"""

from __future__ import annotations

import gc
import os

import pytest

from tests.core.test_worker_processes import _children, _nice
from tests.gui.conftest import SMALL, load
from w2v_gui import worker as worker_module
from w2v_gui.core import workers
from w2v_gui.core.workers import BACKGROUND_NICENESS


@pytest.mark.skipif(not workers.available(), reason="worker processes need fork")
def test_the_apps_worker_processes_run_nicer_than_its_window(qtbot, window, corpus_file):
    load(qtbot, window, [corpus_file], SMALL.replace(workers=2, epochs=400))
    before = _children()
    seen: dict[int, list[int]] = {}  # worker pid → its niceness relative to ours, per look

    def look() -> bool:
        for pid in _children() - before:
            try:
                seen.setdefault(pid, []).append(_nice(pid) - os.nice(0))
            except (FileNotFoundError, ProcessLookupError):  # it ended meanwhile
                pass
        # Looked at several times: a worker is a child a moment before its os.nice call.
        return len(seen) == 2 and all(len(v) >= 3 for v in seen.values())

    window.training.train_action.trigger()
    qtbot.waitUntil(look, timeout=20_000)
    with qtbot.waitSignal(window.training_finished, timeout=20_000):
        window.training.stop_action.trigger()
    assert {v[-1] for v in seen.values()} == {BACKGROUND_NICENESS} and BACKGROUND_NICENESS > 0


def test_a_full_collection_follows_a_corpus_read(qtbot, window, corpus_file, monkeypatch):
    calls: list[tuple] = []
    real = gc.collect

    def recording(*args):
        calls.append(args)
        return real(*args)

    monkeypatch.setattr(gc, "collect", recording)
    load(qtbot, window, [corpus_file])
    # The GUI thread's collector (a 250 ms timer) runs it at its next tick.
    qtbot.waitUntil(lambda: () in calls or (2,) in calls, timeout=5_000)


def test_training_starts_from_the_event_loop_and_not_after_a_shutdown(qtbot, window, corpus_file):
    load(qtbot, window, [corpus_file])
    started = len(worker_module.running_threads())
    window.training.train_action.trigger()
    # Train returns with the window's new state painted first: no thread runs yet...
    assert len(worker_module.running_threads()) == started
    qtbot.waitUntil(lambda: len(worker_module.running_threads()) > started, timeout=5_000)
    with qtbot.waitSignal(window.training_finished, timeout=20_000):
        pass
    # ...and a window shut down before the thread's turn starts none at all.
    window.training.train_action.trigger()
    assert window.session.shutdown()
    qtbot.wait(300)
    assert len(worker_module.running_threads()) == 0


def test_stop_right_after_train_ends_the_run_with_no_model(qtbot, window, corpus_file):
    load(qtbot, window, [corpus_file])
    window.training.train_action.trigger()
    with qtbot.waitSignal(window.session.training_cancelled, timeout=10_000):
        window.training.stop_action.trigger()  # before the thread's turn: it starts now
    qtbot.waitUntil(lambda: not worker_module.running_threads(), timeout=10_000)
    assert window.session.model is None and window.session.embeddings is None
    assert window.training.train_action.isEnabled()
