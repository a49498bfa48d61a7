"""Measure how long the GUI event loop stalls while the window reads a corpus and trains.

    python -m tools.probe_latency [--corpus FILE...] [--epochs N]

A 10 ms precise QTimer records when it fires; a gap longer than 10 ms means the event
loop was busy (or starved of the GIL) for the difference. The window is the real one,
with a neighbours query and watched words refreshing from snapshots, as a person would
have it. Prints max, p99 and median of the gaps. Not a test: timings are not asserted.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np  # noqa: E402
from PySide6.QtCore import QSettings, Qt, QTimer  # noqa: E402

from tools.screenshots import wait_for  # noqa: E402
from w2v_gui.app import make_application  # noqa: E402
from w2v_gui.resources import demo_corpus_path  # noqa: E402

TICK_MS = 10


class Probe:
    def __init__(self) -> None:
        self.times: list[float] = []
        self.timer = QTimer(timerType=Qt.TimerType.PreciseTimer)
        self.timer.setInterval(TICK_MS)
        self.timer.timeout.connect(self._on_timeout)

    def _on_timeout(self) -> None:
        self.times.append(time.perf_counter())

    def start(self) -> None:
        self.times.clear()
        self.timer.start()

    def stop(self) -> np.ndarray:
        self.timer.stop()
        return np.diff(self.times) * 1000


def report(name: str, gaps: np.ndarray) -> None:
    if len(gaps) == 0:
        print(f"{name}: too short to measure")
        return
    print(
        f"{name}: {len(gaps)} ticks of {TICK_MS} ms; gap max {gaps.max():.1f} ms, "
        f"p99 {np.percentile(gaps, 99):.1f} ms, median {np.median(gaps):.1f} ms; "
        f"gaps > 50 ms: {(gaps > 50).sum()}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", nargs="+")
    parser.add_argument("--epochs", type=int, default=None, help="default: the form's")
    args = parser.parse_args(argv)
    corpus = args.corpus or ([str(demo_corpus_path())] if demo_corpus_path() else None)
    if not corpus:
        parser.error("no demo corpus in this installation: pass --corpus")

    tmp = tempfile.TemporaryDirectory()
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, tmp.name)
    app = make_application()
    from w2v_gui.app import freeze_start_up_objects
    from w2v_gui.main_window import MainWindow

    freeze_start_up_objects()  # as the app does

    window = MainWindow()
    window.resize(1280, 800)
    window.show()
    window.watch.set_words(["king", "queen", "man", "woman", "dog"])
    if args.epochs:
        window.parameters.set_config(window.parameters.config().replace(epochs=args.epochs))
    probe = Probe()

    # The floor: the same probe with nothing running (other processes still compete).
    probe.start()
    wait_for(probe.timer.timeout, 10, lambda: len(probe.times) >= 300)
    report("idle (baseline)", probe.stop())

    probe.start()
    window.open_corpus(corpus)
    info = wait_for(window.session.corpus_loaded, 300)[0]
    report(f"reading {info.name} ({info.scan.raw_words:,} words)", probe.stop())

    cfg = window.parameters.config()
    window.neighbours.set_query("king")
    probe.start()
    window.training.train_action.trigger()
    outcome = wait_for(window.training_finished, 3600)[0]
    gaps = probe.stop()
    p = outcome.progress
    report(
        f"training {cfg.epochs} epochs, d={cfg.vector_size}, {cfg.workers} workers, "
        f"{p.elapsed:.1f} s, {p.words_done / max(p.elapsed, 1e-9):,.0f} words/s",
        gaps,
    )
    window.session.dirty = False
    window.close()
    del app
    return 0


if __name__ == "__main__":
    sys.exit(main())
