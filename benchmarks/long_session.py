"""A scripted session with the real window, offscreen, for N minutes: nothing may throw and
memory must not grow.

Each round: open a corpus (two alternate; every fifth round a PNG first, which must be
refused with a message), train with varied settings, pause and resume, stop part-way,
ask neighbours, analogies and watch words, show the Map, Strips and Vocabulary tabs and
the Learn tab, save the model, open it, continue the stopped run to its end, export a
word2vec binary and open that. A 10 ms timer measures how long the event loop was ever
kept from running.

Recorded: rounds, uncaught exceptions (sys.excepthook, threading.excepthook — must be 0),
Qt critical messages, dialogs shown (expected ones: the refused PNG), steps that timed
out, resident memory after every round (start = after the first round, when caches are
warm; end; max; slope over the second half), and event-loop gaps.

    python benchmarks/long_session.py [--minutes 10] [--json out.json]

Settings go to a temporary folder, never the user's. tests/gui/test_long_session.py runs
it for 15 seconds.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import sys
import tempfile
import threading
import time
import traceback
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
from PySide6.QtCore import (  # noqa: E402
    QEventLoop,
    QSettings,
    Qt,
    QTimer,
    QtMsgType,
    qInstallMessageHandler,
)
from PySide6.QtWidgets import QApplication, QMessageBox  # noqa: E402

from w2v_gui.core.config import TrainingConfig  # noqa: E402
from w2v_gui.session import IDLE, PAUSED, TRAINING  # noqa: E402

MB = 1 << 20


def _rss() -> int:
    with open("/proc/self/status") as f:
        return int(re.search(r"^VmRSS:\s+(\d+) kB", f.read(), re.M).group(1)) * 1024


def write_corpora(folder: Path) -> list[Path]:
    """Two corpora: the planted one of the GUI tests, and a larger Zipf-ish one with it."""
    from tests.gui.planted import planted_text

    small = folder / "planted.txt"
    small.write_text(planted_text(3000), encoding="utf-8")
    rng = np.random.default_rng(0)
    # Letters only ("w12" would read as "w" and "12", and "w" be half the text).
    words = np.array(
        ["".join(chr(97 + (i // 26**k) % 26) for k in range(3)) + "x" for i in range(5000)]
    )
    p = 1.0 / np.arange(1, 5001)
    p /= p.sum()
    filler = [" ".join(words[rng.choice(5000, size=15, p=p)]) for _ in range(12000)]
    big = folder / "mixed.txt"
    big.write_text(planted_text(6000, seed=1) + "\n".join(filler) + "\n", encoding="utf-8")
    png = folder / "picture.txt"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8)
    return [small, big, png]


class Recorder:
    """Exceptions, Qt messages and dialogs, while installed."""

    def __init__(self) -> None:
        self.exceptions: list[str] = []
        self.qt_critical: list[str] = []
        self.dialogs: list[tuple[str, str]] = []
        self._saved: list = []

    def install(self) -> None:
        self._saved = [
            sys.excepthook,
            threading.excepthook,
            *(getattr(QMessageBox, k) for k in ("critical", "warning", "information", "question")),
        ]
        sys.excepthook = self._on_exception
        threading.excepthook = lambda args: self._on_exception(
            args.exc_type, args.exc_value, args.exc_traceback
        )
        for kind in ("critical", "warning", "information", "question"):
            setattr(QMessageBox, kind, self._dialog(kind))
        qInstallMessageHandler(self._on_qt_message)

    def uninstall(self) -> None:
        sys.excepthook, threading.excepthook = self._saved[:2]
        for kind, fn in zip(
            ("critical", "warning", "information", "question"), self._saved[2:], strict=True
        ):
            setattr(QMessageBox, kind, fn)
        qInstallMessageHandler(None)

    def _on_exception(self, kind, value, tb) -> None:
        text = "".join(traceback.format_exception(kind, value, tb))
        self.exceptions.append(text)
        sys.stderr.write(text)

    def _on_qt_message(self, kind, context, message: str) -> None:
        if kind in (QtMsgType.QtCriticalMsg, QtMsgType.QtFatalMsg):
            self.qt_critical.append(message)

    def _dialog(self, kind: str):
        def show(parent, title, text, *args, **kwargs):
            self.dialogs.append((title, text))
            return (
                QMessageBox.StandardButton.Discard
                if kind == "question"
                else QMessageBox.StandardButton.Ok
            )

        return show


def _wait(signal, timeout_s: float, condition=lambda *a: True) -> bool:
    """Run the event loop until ``signal`` fires (meeting ``condition``) or time runs out."""
    loop = QEventLoop()
    got = []

    def on_signal(*args) -> None:
        if condition(*args):
            got.append(args)
            loop.quit()

    signal.connect(on_signal)
    timer = QTimer(singleShot=True, interval=int(timeout_s * 1000))
    timer.timeout.connect(loop.quit)
    timer.start()
    loop.exec()
    timer.stop()
    signal.disconnect(on_signal)
    return bool(got)


def _settle(ms: int) -> None:
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def _until(predicate, timeout_s: float) -> bool:
    end = time.monotonic() + timeout_s
    while not predicate():
        if time.monotonic() > end:
            return False
        _settle(20)
    return True


class Session:
    """Drives one MainWindow round after round."""

    def __init__(self, folder: Path, seed: int = 0):
        from w2v_gui.main_window import MainWindow

        self.folder = folder
        self.rng = random.Random(seed)
        self.corpora = write_corpora(folder)
        self.window = MainWindow()
        self.window.show()
        self.timeouts: list[str] = []
        self.rounds = 0
        self.step = "start"  # what the script is doing, to attribute event-loop gaps

    def _doing(self, step: str) -> None:
        self.step = step

    def _step(self, name: str, ok: bool) -> bool:
        if not ok:
            self.timeouts.append(f"round {self.rounds}: {name}")
        return ok

    def round(self) -> None:
        w, s, rng = self.window, self.window.session, self.rng
        small, big, png = self.corpora
        if self.rounds % 5 == 4:
            self._doing("open PNG")
            w.open_corpus([str(png)])
            self._step("refused PNG", _wait(s.failed, 30))
        corpus = (small, big)[self.rounds % 2]
        config = TrainingConfig(
            min_count=rng.choice([1, 2, 5]),
            vector_size=rng.choice([20, 50]),
            epochs=rng.choice([2, 3, 4]),
            workers=rng.choice([1, 2]),
            window=rng.choice([2, 5]),
            sample=rng.choice([0.0, 1e-3]),
            seed=rng.randrange(1000),
        )
        self._doing("open corpus")
        w.parameters.set_config(config)
        w.open_corpus([str(corpus)])
        if not self._step("open corpus", _wait(s.corpus_loaded, 60)):
            return
        _until(lambda: s.state == IDLE, 30)
        # Train; pause and resume; stop part-way.
        self._doing("train")
        records: list = []
        s.training_progressed.connect(records.append)
        w.training.train_action.trigger()
        # A first record, or the end (a run can fail at once: see "Training failed").
        self._step("training starts", _until(lambda: records or s.state == IDLE, 60))
        s.training_progressed.disconnect(records.append)
        if s.state in (TRAINING, PAUSED):
            w.training.pause_action.trigger()
            _settle(200)
            w.training.pause_action.trigger()
            _settle(rng.randrange(100, 1200))
            if s.state in (TRAINING, PAUSED):
                w.training.stop_action.trigger()
        self._step("training ends", _until(lambda: s.state == IDLE, 120))
        self._explore()
        # Save, open, continue the stopped run to its end.
        model = self.folder / f"model{self.rounds % 3}.npz"
        if s.model is not None:
            self._doing("save")
            w.files.save_chosen.emit(str(model))
            self._step("save", _until(lambda: s.state == IDLE and not s.dirty, 60))
            self._doing("open model")
            w.open_model(str(model))
            self._step("open model", _wait(s.embeddings_changed, 60))
            _until(lambda: s.state == IDLE, 30)
            if s.can_continue:
                self._doing("continue")
                w.training.continue_action.trigger()
                self._step("continue", _until(lambda: s.state == IDLE and not s.busy, 180))
            self._explore()
            self._doing("export")
            w.files.export_chosen.emit(str(self.folder / "vectors.bin"), "word2vec-binary")
            self._step("export", _until(lambda: s.state == IDLE, 60))
            self._doing("open export")
            w.open_model(str(self.folder / "vectors.bin"))
            self._step("open export", _wait(s.embeddings_changed, 60))
            _until(lambda: s.state == IDLE, 30)
            self._explore()
        self.rounds += 1

    def _explore(self) -> None:
        w, rng = self.window, self.rng
        emb = w.session.embeddings
        if emb is None:
            return
        words = list(emb.words[:200])
        self._doing("queries")
        for _ in range(3):
            w.neighbours.set_query(rng.choice(words))
            _settle(30)
        w.analogy.set_words("man", "king", rng.choice(["woman", "girl", words[0]]))
        w.watch.pin(rng.choice(words))
        if len(w.watch.words) > 6:
            w.watch.unpin(w.watch.words[0])
        tabs = w.findChild(type(w.tabs), "exploreTabs")
        if tabs is not None:
            for i in range(tabs.count()):
                self._doing(f"tab {tabs.tabText(i)}")
                tabs.setCurrentIndex(i)
                _settle(150)
            tabs.setCurrentIndex(0)
        self._doing("tab Learn")
        w.tabs.setCurrentIndex(1)  # Learn
        _settle(300)
        w.tabs.setCurrentIndex(0)
        _settle(50)

    def close(self) -> None:
        w = self.window
        w.session.dirty = False
        w.close()
        from w2v_gui import worker

        _until(lambda: not worker.running_threads(), 30)


def run(seconds: float, seed: int = 0) -> dict:
    """Drive the window for ``seconds`` (finishing the round under way); return the record."""
    app = QApplication.instance()
    recorder = Recorder()
    ticks: list[float] = []
    stalls: dict[str, list[float]] = {}  # step -> event-loop gaps over 100 ms in it
    session = None

    def tick() -> None:
        now = time.perf_counter()
        if ticks and now - ticks[-1] > 0.1 and session is not None:
            stalls.setdefault(session.step, []).append(round((now - ticks[-1]) * 1000))
        ticks.append(now)

    probe = QTimer(interval=10, timerType=Qt.TimerType.PreciseTimer)
    probe.timeout.connect(tick)
    samples: list[tuple[float, int]] = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        QSettings.setDefaultFormat(QSettings.Format.IniFormat)
        for scope in (QSettings.Scope.UserScope, QSettings.Scope.SystemScope):
            QSettings.setPath(QSettings.Format.IniFormat, scope, str(folder / "settings"))
        recorder.install()
        try:
            session = Session(folder, seed)
            t0 = time.perf_counter()
            probe.start()
            while time.perf_counter() - t0 < seconds:
                session.round()
                app.processEvents()
                samples.append((time.perf_counter() - t0, _rss()))
            probe.stop()
            session.close()
        finally:
            recorder.uninstall()
    gaps = np.diff(ticks) * 1000 if len(ticks) > 1 else np.zeros(1)
    rss = np.array([r for _, r in samples], dtype=float)
    t = np.array([x for x, _ in samples])
    half = len(rss) // 2
    slope = (
        float(np.polyfit(t[half:], rss[half:], 1)[0]) * 60 / MB
        if len(rss) - half >= 3
        else float("nan")
    )
    return {
        "seconds": float(t[-1]) if len(t) else 0.0,
        "rounds": session.rounds,
        "exceptions": recorder.exceptions,
        "qt_critical": recorder.qt_critical,
        "dialogs": recorder.dialogs,
        "timeouts": session.timeouts,
        "rss_mb": {
            "start": float(rss[0] / MB),
            "end": float(rss[-1] / MB),
            "max": float(rss.max() / MB),
            "min": float(rss.min() / MB),
            "slope_second_half_mb_per_min": slope,
        },
        "rss_samples_mb": [[round(x, 1), round(r / MB, 1)] for x, r in samples],
        "event_loop_gap_ms": {
            "max": float(gaps.max()),
            "p99": float(np.percentile(gaps, 99)),
            "median": float(np.median(gaps)),
        },
        "stalls_over_100ms": stalls,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--minutes", type=float, default=10.0)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--json", help="also write the full record here")
    args = ap.parse_args()
    from w2v_gui.app import make_application

    make_application()
    r = run(args.minutes * 60, args.seed)
    m = r["rss_mb"]
    print(
        f"{r['rounds']} rounds in {r['seconds'] / 60:.1f} min; uncaught exceptions: "
        f"{len(r['exceptions'])}; Qt critical messages: {len(r['qt_critical'])}; "
        f"steps timed out: {len(r['timeouts'])}"
    )
    titles: dict[str, int] = {}
    for title, _ in r["dialogs"]:
        titles[title] = titles.get(title, 0) + 1
    print(f"dialogs: {titles or 'none'}")
    print(
        f"RSS: start {m['start']:.0f} MB (after round 1), end {m['end']:.0f} MB, max "
        f"{m['max']:.0f} MB, min {m['min']:.0f} MB; second-half slope "
        f"{m['slope_second_half_mb_per_min']:+.1f} MB/min"
    )
    g = r["event_loop_gap_ms"]
    print(
        f"event loop gaps: max {g['max']:.0f} ms, p99 {g['p99']:.0f} ms, "
        f"median {g['median']:.0f} ms"
    )
    for step, gaps in sorted(r["stalls_over_100ms"].items(), key=lambda kv: -max(kv[1])):
        print(f"  stalls > 100 ms while '{step}': {len(gaps)}, longest {max(gaps)} ms")
    for text in r["exceptions"][:3]:
        print(text)
    for line in r["timeouts"][:10]:
        print("timed out:", line)
    if args.json:
        Path(args.json).write_text(json.dumps(r, indent=1))
    sys.exit(1 if r["exceptions"] else 0)


if __name__ == "__main__":
    main()
