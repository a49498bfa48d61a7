"""Measure how fast the 2-D map redraws 10,000 labelled words while panning and zooming.

    python -m tools.probe_map_frames [--model FILE] [--words N] [--frames N]

Opens the map panel offscreen (1000 × 650) on the N most frequent words of ``--model``
(default: N random clustered vectors with word-like labels), then pans and zooms step by
step. For each step it times a forced synchronous repaint of the plot (what a screen
frame costs), ``grab()`` (a full render into a new pixmap), and the label re-thinning
that runs once the view rests. Prints median, p90 and max in milliseconds, with labels
and without. Not a test: timings are not asserted.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np  # noqa: E402
from PySide6.QtCore import QEventLoop, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from w2v_gui.core.vectors import Embeddings  # noqa: E402


def synthetic(n: int, d: int = 100, seed: int = 0) -> Embeddings:
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(40, d))
    vectors = centres[rng.integers(0, 40, n)] + rng.normal(scale=0.8, size=(n, d))
    letters = np.array(list("etaoinshrdlucmfwypvbgkqjxz"))
    words = ["".join(rng.choice(letters, size=rng.integers(3, 11))) + str(i) for i in range(n)]
    counts = np.sort(rng.zipf(1.3, n))[::-1]
    return Embeddings(words, vectors, counts)


def settle(ms: int) -> None:
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


class Timer:
    """Wall time and this thread's CPU time of repeated calls; on a shared machine the
    CPU time is what the work costs, the wall time what a person would wait."""

    def __init__(self, name: str):
        self.name, self.wall, self.cpu = name, [], []

    def __call__(self, fn) -> None:
        w, c = time.perf_counter(), time.thread_time()
        fn()
        self.cpu.append(time.thread_time() - c)
        self.wall.append(time.perf_counter() - w)

    def report(self) -> None:
        for kind, times in (("wall", self.wall), ("cpu", self.cpu)):
            t = np.array(times) * 1000
            print(
                f"  {self.name:<30} {kind:>4}: median {np.median(t):6.1f}  "
                f"p90 {np.percentile(t, 90):6.1f}  max {t.max():6.1f} ms"
            )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", help="a vector file (default: synthetic vectors)")
    parser.add_argument("--words", type=int, default=10_000)
    parser.add_argument("--frames", type=int, default=60)
    args = parser.parse_args(argv)
    app = QApplication.instance() or QApplication([])  # noqa: F841
    from w2v_gui.core.pictures.labels import thin_labels
    from w2v_gui.explore import map2d
    from w2v_gui.explore.words import Vocabulary

    if args.model:
        from w2v_gui.core.formats import load_embeddings

        emb = load_embeddings(args.model)
    else:
        emb = synthetic(args.words)
    panel = map2d.MapPanel(Vocabulary())
    panel.resize(1000, 650)
    panel.show()
    panel.set_embeddings(emb)
    start = time.perf_counter()
    panel.set_mode(map2d.FREQUENT, count=args.words)
    while panel.busy:
        settle(5)
    print(
        f"{len(panel.shown_words()):,} words; choosing + projecting + first draw took "
        f"{(time.perf_counter() - start) * 1000:.0f} ms"
    )
    req = map2d.MapRequest(map2d.FREQUENT, "", args.words, ("", "", ""), False)
    t = time.perf_counter()
    map2d.compute(emb, req)
    print(f"  compute() alone (in the worker): {(time.perf_counter() - t) * 1000:.0f} ms")
    settle(200)
    vb = panel.plot.plotItem.vb
    viewport = panel.plot.viewport()

    for labelled in (True, False):
        panel.labels.setVisible(labelled)
        repaint, grab = Timer("repaint() of the plot"), Timer("grab() of the plot")
        thin = Timer("re-thin labels")
        vb.autoRange()
        settle(100)
        for i in range(args.frames):
            if i % 3 == 2:
                vb.scaleBy((0.8, 0.8) if i < args.frames // 2 else (1.25, 1.25))
            else:
                (x0, x1), _ = vb.viewRange()
                vb.translateBy(x=(x1 - x0) * 0.03 * (1 if i % 2 else -1))
            QApplication.processEvents()  # the view change itself (not the debounced thin)
            repaint(viewport.repaint)
            grab(panel.plot.grab)
            if labelled:
                thin(panel._thin)
        shown = len(panel.labelled_words()) if labelled else 0
        print(f"{'with' if labelled else 'without'} labels ({shown} drawn at the end):")
        repaint.report()
        grab.report()
        if labelled:
            thin.report()
    xy = panel._result.map.xy
    widths = panel._widths
    view, size = panel._view_geometry()
    t = time.perf_counter()
    for _ in range(20):
        thin_labels(xy, widths, 14, view, size)
    print(f"  thin_labels alone: {(time.perf_counter() - t) / 20 * 1000:.1f} ms")
    panel.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
