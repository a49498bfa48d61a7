"""Worker churn: start and end thousands of workers and see whether any run hangs.

``python -m tools.probe_worker_churn --runs 20 --workers 3000`` runs each round in a
fresh process (a hang is a process that does not end within ``--timeout`` seconds) and
prints how many rounds ended, hung or crashed. ``--wiring deletelater`` wires the worker
the Qt-documented way instead (``thread.finished → worker.deleteLater``, Python keeping
its references until the thread has ended): with PySide 6.11 that hung 6 of 40 rounds of
3000 workers, the GUI thread in ``QObject::moveToThread`` waiting for a signal-slot mutex
that a worker thread held in ``~QObject`` while it waited for the interpreter lock (a
Python override lookup of ``disconnectNotify`` on the ``QThread`` wrapper).
``--wiring session`` (the default) uses :func:`w2v_gui.worker.start_in_thread`.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from collections import Counter


def _round(wiring: str, workers: int) -> None:
    from PySide6.QtCore import QObject, QThread
    from PySide6.QtWidgets import QApplication

    from w2v_gui import worker as w

    app = QApplication.instance() or QApplication([])

    class Receiver(QObject):
        def on_finished(self, result) -> None:
            pass

    receiver = Receiver()
    threads: dict = {}
    for _ in range(workers):
        task = w.TaskWorker(lambda progress, stop: sum(range(1000)), None, "churning")
        task.finished.connect(receiver.on_finished)
        if wiring == "session":
            w.start_in_thread(task, "churn")
        else:
            thread = QThread()
            task.moveToThread(thread)
            thread.started.connect(task.run)
            task.finished.connect(thread.quit)
            thread.finished.connect(task.deleteLater)
            threads[thread] = task
            thread.start()
        del task
        app.processEvents()
        for t in [t for t in threads if t.wait(0)]:
            del threads[t]
    while w.running_threads() or threads:
        app.processEvents()
        for t in [t for t in threads if t.wait(0)]:
            del threads[t]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--workers", type=int, default=3000)
    parser.add_argument("--timeout", type=float, default=60.0)
    parser.add_argument("--wiring", choices=("session", "deletelater"), default="session")
    parser.add_argument("--round", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.round:
        _round(args.wiring, args.workers)
        return 0
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    outcomes: Counter[str] = Counter()
    for _ in range(args.runs):
        cmd = [
            sys.executable,
            "-m",
            "tools.probe_worker_churn",
            "--round",
            "--wiring",
            args.wiring,
            "--workers",
            str(args.workers),
        ]
        try:
            rc = subprocess.run(cmd, env=env, timeout=args.timeout, capture_output=True).returncode
            outcomes["ended" if rc == 0 else f"crashed (status {rc})"] += 1
        except subprocess.TimeoutExpired:
            outcomes["hung"] += 1
    print(
        f"{args.wiring}: {args.runs} rounds of {args.workers} workers:",
        ", ".join(f"{n} {k}" for k, n in sorted(outcomes.items())),
    )
    return 0 if set(outcomes) == {"ended"} else 1


if __name__ == "__main__":
    sys.exit(main())
