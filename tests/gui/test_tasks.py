"""The one task runner: newest request wins, cancelling drops results, owners stop their own."""

from __future__ import annotations

import threading

from PySide6.QtCore import QObject

from w2v_gui.tasks import Latest, run_task, running_tasks, stop_tasks


def _held(gate: threading.Event, value):
    """A job that runs until ``gate`` opens, then returns ``value``."""

    def fn():
        gate.wait(10)
        return value

    return fn


def test_only_the_newest_request_waits_and_only_its_answer_is_shown(qtbot):
    shown: list = []
    latest = Latest("testing", done=shown.append)
    first, second, third = threading.Event(), threading.Event(), threading.Event()
    latest.run(_held(first, "first"), big=True)
    latest.run(_held(second, "second"), big=True)  # waits ...
    latest.run(_held(third, "third"), big=True)  # ... and is replaced: never runs
    assert latest.busy
    for gate in (first, second, third):
        gate.set()
    qtbot.waitUntil(lambda: not latest.busy, timeout=10_000)
    assert shown == ["third"]


def test_pictures_show_an_overtaken_result_until_a_newer_one_comes(qtbot):
    shown: list = []
    latest = Latest("testing", done=shown.append, show_overtaken=True)
    first = threading.Event()
    latest.run(_held(first, "old"), big=True)
    latest.run(lambda: "new", big=True)
    first.set()
    qtbot.waitUntil(lambda: not latest.busy, timeout=10_000)
    assert shown == ["old", "new"]


def test_a_small_request_is_answered_at_once_and_beats_a_running_one(qtbot):
    shown: list = []
    latest = Latest("testing", done=shown.append)
    gate = threading.Event()
    latest.run(_held(gate, "big"), big=True)
    latest.run(lambda: "small", big=False)
    assert shown == ["small"]  # inline: there when run() returns
    gate.set()
    qtbot.waitUntil(lambda: not latest.busy, timeout=10_000)
    assert shown == ["small"]  # the older answer came later and was dropped


def test_cancel_drops_the_running_answer(qtbot):
    shown: list = []
    latest = Latest("testing", done=shown.append)
    gate = threading.Event()
    latest.run(_held(gate, "cancelled"), big=True)
    latest.cancel()
    gate.set()
    qtbot.waitUntil(lambda: not latest.busy, timeout=10_000)
    assert shown == []


def test_stop_tasks_stops_an_owners_tasks_and_its_childrens_and_waits(qtbot):
    owner, other = QObject(), QObject()
    child = QObject(owner)
    results: list = []

    def until_stopped(progress, stop):
        stop.wait(10)
        return "late"

    for who in (owner, child):
        run_task(who, until_stopped, results.append, results.append, "waiting")
    gate = threading.Event()
    run_task(other, lambda progress, stop: gate.wait(10), results.append, results.append, "x")
    assert len(running_tasks(owner)) == 2 and len(running_tasks()) == 3
    assert stop_tasks(owner)
    assert running_tasks(owner) == [] and len(running_tasks(other)) == 1
    gate.set()
    qtbot.waitUntil(lambda: not running_tasks(), timeout=10_000)
    assert results == [True]  # the stopped tasks' results were dropped
