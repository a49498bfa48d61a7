"""Explain the event loop's stalls while the real window trains: whose time was it?

    python -m tools.probe_stalls [--corpus FILE...] [--epochs N] [--top N]

Like ``probe_latency`` (a 10 ms precise timer on the real window, watched words and a
neighbours query refreshing), and for every gap it also records

- how the GUI thread spent the gap, from the kernel's ``/proc/self/task/TID/schedstat``:
  on a core (its own work), runnable but waiting for a core (a loaded machine: nothing
  the app can do), or asleep (the event loop's idle wait, ~10 ms, plus any wait for the
  interpreter lock held by another thread: gap − CPU − run queue − 10 ms);
- every garbage collection on the GUI thread (``gc.callbacks``: generation, objects, ms);
- what the GUI thread was running: a sampler thread reads its Python stack every 2 ms.

Prints the gap summary, the GC summary, and for the longest gaps their CPU share, the
collections inside them and the most frequent stack lines. Not a test.
"""

from __future__ import annotations

import argparse
import collections
import cProfile
import gc
import os
import pstats
import sys
import tempfile
import threading
import time
import traceback

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np  # noqa: E402
from PySide6.QtCore import QSettings, Qt, QTimer  # noqa: E402

from tools.probe_latency import TICK_MS, report  # noqa: E402
from tools.screenshots import wait_for  # noqa: E402
from w2v_gui.app import make_application  # noqa: E402
from w2v_gui.resources import demo_corpus_path  # noqa: E402


class StallProbe:
    """Tick times, GUI-thread CPU per tick, GC events and stack samples."""

    def __init__(self) -> None:
        self.wall: list[float] = []
        self.cpu: list[float] = []
        self.runq: list[float] = []
        self.gcs: list[tuple[float, float, int, int]] = []  # start, end, generation, collected
        self.samples: list[tuple[float, tuple[str, ...]]] = []
        self._gc_start = 0.0
        self._main = threading.main_thread().ident
        self._schedstat = f"/proc/self/task/{threading.main_thread().native_id}/schedstat"
        self._sampling = threading.Event()
        self.timer = QTimer(timerType=Qt.TimerType.PreciseTimer, interval=TICK_MS)
        self.timer.timeout.connect(self._on_timeout)

    def _on_timeout(self) -> None:
        self.wall.append(time.perf_counter())
        with open(self._schedstat) as f:
            on_cpu, waiting, _ = f.read().split()
        self.cpu.append(int(on_cpu) / 1e9)
        self.runq.append(int(waiting) / 1e9)

    def _on_gc(self, phase: str, info: dict) -> None:
        if threading.get_ident() != self._main:
            return
        now = time.perf_counter()
        if phase == "start":
            self._gc_start = now
        else:
            self.gcs.append((self._gc_start, now, info["generation"], info["collected"]))

    def _sample(self) -> None:
        while self._sampling.is_set():
            frame = sys._current_frames().get(self._main)
            if frame is not None:
                stack = traceback.extract_stack(frame, limit=12)
                lines = tuple(
                    f"{os.path.basename(f.filename)}:{f.lineno} {f.name}" for f in stack[-6:]
                )
                self.samples.append((time.perf_counter(), lines))
            time.sleep(0.002)

    def start(self) -> None:
        for buffer in (self.wall, self.cpu, self.runq, self.gcs, self.samples):
            buffer.clear()
        gc.callbacks.append(self._on_gc)
        self._sampling.set()
        self._sampler = threading.Thread(target=self._sample, name="stack-sampler", daemon=True)
        self._sampler.start()
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()
        self._sampling.clear()
        self._sampler.join()
        gc.callbacks.remove(self._on_gc)

    def explain(self, top: int, stacks_per_gap: int = 3) -> None:
        wall = np.array(self.wall)
        gaps, cpus, runq = (np.diff(np.array(x)) * 1000 for x in (self.wall, self.cpu, self.runq))
        asleep = np.maximum(gaps - cpus - runq - TICK_MS, 0)  # beyond the timer's own wait
        report("gaps", gaps)
        big = gaps > 50
        for name, part in (("on a core", cpus), ("waiting for a core", runq), ("asleep", asleep)):
            share = part[big].sum() / max(gaps[big].sum(), 1e-9) * 100
            print(f"  gaps > 50 ms, time {name}: {share:.0f} %, max {part.max():.0f} ms")
        report("gaps less the time waiting for a core", gaps - runq)
        if len(self.gcs):
            g = np.array(self.gcs)
            ms = (g[:, 1] - g[:, 0]) * 1000
            for gen in range(3):
                sel = g[:, 2] == gen
                if sel.any():
                    print(
                        f"GC gen {gen} on the GUI thread: {sel.sum()} collections, "
                        f"max {ms[sel].max():.1f} ms, total {ms[sel].sum():.0f} ms"
                    )
        print(f"\nthe {top} longest gaps:")
        for i in np.argsort(gaps)[::-1][:top]:
            t0, t1 = wall[i], wall[i + 1]
            in_gc = [
                f"gen{int(gen)} {(e - s) * 1000:.0f} ms"
                for s, e, gen, _ in self.gcs
                if s < t1 and e > t0
            ]
            stacks = collections.Counter(
                lines[-3:] for t, lines in self.samples if t0 <= t <= t1 and lines
            )
            print(
                f"- {gaps[i]:.0f} ms at {t0 - wall[0]:.2f} s into the run: on a core "
                f"{cpus[i]:.0f}, waiting for a core {runq[i]:.0f}, asleep {asleep[i]:.0f}; "
                f"GC: {', '.join(in_gc) or 'none'}"
            )
            for lines, n in stacks.most_common(stacks_per_gap):
                print(f"    {n:3d} × {' > '.join(lines)}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", nargs="+")
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--top", type=int, default=8)
    parser.add_argument("--stacks", type=int, default=3, help="stack lines shown per gap")
    parser.add_argument(
        "--profile",
        metavar="N",
        type=int,
        default=0,
        help="also profile the GUI thread's CPU time (cProfile) and print the top N functions",
    )
    parser.add_argument(
        "--wall",
        action="store_true",
        help="profile wall time instead of CPU time (wall − CPU = waits for the lock)",
    )
    args = parser.parse_args(argv)
    corpus = args.corpus or [str(demo_corpus_path())]
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
    window.parameters.set_config(window.parameters.config().replace(epochs=args.epochs))
    window.open_corpus(corpus)
    wait_for(window.session.corpus_loaded, 300)
    window.neighbours.set_query("king")
    probe = StallProbe()
    profiler = (
        cProfile.Profile(time.perf_counter if args.wall else time.thread_time)
        if args.profile
        else None
    )
    probe.start()
    if profiler:
        profiler.enable()  # this thread only: the GUI thread
    window.training.train_action.trigger()
    outcome = wait_for(window.training_finished, 3600)[0]
    if profiler:
        profiler.disable()
    probe.stop()
    p = outcome.progress
    print(f"training {args.epochs} epoch(s), {p.elapsed:.1f} s, load {os.getloadavg()[0]:.1f}")
    probe.explain(args.top, args.stacks)
    print(f"GUI thread CPU during training: {probe.cpu[-1] - probe.cpu[0]:.2f} s")
    if profiler:
        pstats.Stats(profiler).sort_stats("tottime").print_stats(args.profile)
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(args.profile)
    window.session.dirty = False
    window.close()
    del app
    return 0


if __name__ == "__main__":
    sys.exit(main())
