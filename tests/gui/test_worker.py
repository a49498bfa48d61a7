"""Worker threads: where Qt objects die and where Python collects garbage."""

from __future__ import annotations

import gc
import threading
import weakref

import pytest
from PySide6.QtCore import QObject, Qt, Slot

from w2v_gui import worker
from w2v_gui.worker import TaskWorker, running_threads, start_in_thread


class Results(QObject):
    """Collects what workers report, on the GUI thread (a plain callable connected to a
    worker's signal would run in the worker's thread)."""

    def __init__(self):
        super().__init__()
        self.got: list = []

    @Slot(object)
    def add(self, result) -> None:
        self.got.append(result)


def test_garbage_is_collected_only_on_the_gui_thread_while_a_worker_runs(qtbot):
    # A collection on a worker thread frees whatever Qt garbage is pending there (a closed
    # window's widgets: a segfault or the runDeletionInMainThread deadlock).
    on_gui: list[bool] = []

    def record(phase, info):
        if phase == "start":
            on_gui.append(threading.current_thread() is threading.main_thread())

    enough = threading.Event()

    def allocate(progress, stop):
        while not enough.wait(0.001):  # cyclic garbage, as fast as Python makes it
            for _ in range(2000):
                cell: list = []
                cell.append(cell)
        return None

    task = TaskWorker(allocate, threading.Event(), "allocating")
    results = Results()
    task.finished.connect(results.add)
    gc.callbacks.append(record)
    try:
        start_in_thread(task, "allocating")
        # The GUI thread's timer collects the worker's garbage meanwhile.
        qtbot.waitUntil(lambda: sum(on_gui) >= 3, timeout=10_000)
        enough.set()
        qtbot.waitUntil(lambda: bool(results.got) and not running_threads(), timeout=10_000)
    finally:
        enough.set()
        gc.callbacks.remove(record)
    assert all(on_gui), f"{on_gui.count(False)} collections ran on the worker thread"


def test_cyclic_garbage_is_collected_by_the_gui_thread_timer_only(qtbot, window):
    # Never by an allocation: one inside ~QObject (PySide calls Python there, holding a
    # signal-slot mutex) freed a QObject needing the same mutex, and the suite hung.
    assert not gc.isenabled()

    class Node:
        pass

    node = Node()
    node.me = node
    ref = weakref.ref(node)
    del node
    live = [[] for _ in range(5000)]  # past the first generation's threshold
    assert ref() is not None  # no collection at the allocation
    qtbot.waitUntil(lambda: ref() is None, timeout=5000)
    assert live


def test_an_ended_worker_is_freed_on_the_gui_thread_and_not_before(qtbot):
    died_on: list[str] = []
    task = TaskWorker(lambda progress, stop: 42, threading.Event(), "answering")
    task.destroyed.connect(
        lambda *_: died_on.append(threading.current_thread().name),
        Qt.ConnectionType.DirectConnection,
    )
    results = Results()
    task.finished.connect(results.add)
    ref = weakref.ref(task)
    thread = start_in_thread(task, "answering")
    del task
    qtbot.waitUntil(lambda: results.got == [42], timeout=10_000)
    # Until its thread has ended, the worker is held (dropping it early left the thread
    # hanging; a deleteLater in the ending thread deadlocked against the GUI thread).
    thread.wait(5000)
    assert ref() is not None or died_on
    assert not running_threads()
    assert ref() is None, "the worker outlived its thread"
    assert died_on == [threading.main_thread().name]


@pytest.mark.slow
def test_many_short_workers_end_without_a_hang(qtbot):
    # The churn that hung the deleteLater wiring (tools/probe_worker_churn.py runs it
    # in thousands); here a few hundred, with pytest-timeout as the hang detector.
    results = Results()
    for i in range(300):
        task = TaskWorker(lambda progress, stop, i=i: i, threading.Event(), "churning")
        task.finished.connect(results.add)
        start_in_thread(task, "churn")
        qtbot.wait(0)
    qtbot.waitUntil(lambda: len(results.got) == 300 and not running_threads(), timeout=30_000)
    assert sorted(results.got) == list(range(300))
    assert not worker._threads
