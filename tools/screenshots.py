"""Regenerate the README screenshots: ``python -m tools.screenshots [--out DIR]``.

Drives the real window offscreen through three moments: the demo corpus loaded, training
half-way with the loss curve, and exploring king − man + woman after training; then the
pictures of the trained vectors: the map with an analogy, the strips, the vocabulary; and the
Evaluate tab with a run on the half-way snapshot beside runs on the trained model. Uses fresh
settings in a temporary folder so your own preferences do not change the pictures.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QEventLoop, QSettings, QTimer  # noqa: E402

from w2v_gui.app import make_application  # noqa: E402
from w2v_gui.resources import demo_corpus_path  # noqa: E402

SIZE = (1280, 800)


def wait_for(signal, timeout_s: float, condition=lambda *a: True) -> tuple:
    """Run the event loop until ``signal`` fires with arguments meeting ``condition``."""
    loop = QEventLoop()
    got: list[tuple] = []

    def on_signal(*args) -> None:
        if condition(*args):
            got.append(args)
            loop.quit()

    signal.connect(on_signal)
    QTimer.singleShot(int(timeout_s * 1000), loop.quit)
    loop.exec()
    signal.disconnect(on_signal)
    if not got:
        raise TimeoutError(f"waited {timeout_s} s in vain")
    return got[0]


def settle(ms: int = 300) -> None:
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def arguments(doc: str) -> argparse.ArgumentParser:
    """The options every screenshot script takes: ``--corpus`` and ``--out``."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--corpus", nargs="+", help="corpus to show (default: the demo)")
    parser.add_argument(
        "--out", default=str(Path(__file__).resolve().parent.parent / "assets" / "screenshots")
    )
    return parser


def open_window(parser: argparse.ArgumentParser, args: argparse.Namespace):
    """The window at :data:`SIZE` with the corpus read, and fresh settings in a temporary
    folder so a person's own preferences do not change the pictures.

    Returns ``(app, window, out, tmp)``: keep ``app`` referenced while the window lives,
    and clean ``tmp`` up at the end.
    """
    corpus = args.corpus or ([str(demo_corpus_path())] if demo_corpus_path() else None)
    if not corpus:
        parser.error("no demo corpus in this installation: pass --corpus")
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    tmp = tempfile.TemporaryDirectory()
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, tmp.name)
    app = make_application()
    from w2v_gui.main_window import MainWindow

    window = MainWindow()
    window.resize(*SIZE)
    window.show()
    window.open_corpus(corpus)
    wait_for(window.session.corpus_loaded, 120)
    return app, window, out, tmp


# Analogies with their textbook answers; the map shows the first the vectors get right
# (runs differ: two workers make training nondeterministic).
ANALOGIES = [
    ("king", "queen", "prince", "princess"),
    ("son", "daughter", "father", "mother"),
    ("man", "woman", "he", "she"),
    ("france", "french", "germany", "german"),
]


def _pictures(window, out: Path, analogy: list[str] | None) -> None:
    """The map, strips and vocabulary tabs, with the exploring area given more room."""
    from PySide6.QtWidgets import QSplitter, QTabWidget

    from w2v_gui.core.errors import UnknownWordError
    from w2v_gui.core.pictures.words import analogy as complete

    def right(a: str, b: str, c: str, d: str) -> bool:
        try:
            return complete(window.session.embeddings, a, b, c).words[3] == d
        except UnknownWordError:
            return False

    if analogy is None:
        analogy = next((q[:3] for q in ANALOGIES if right(*q)), ANALOGIES[0][:3])
    window.findChild(QSplitter, "rightSplitter").setSizes([250, 550])
    window.analogy.set_words(*analogy)
    # The seed's king / man / woman figure, columns sorted by the sum so that the
    # dimensions it shares with its nearest word line up.
    window.strips.set_rows(
        "king, man, woman, king - man + woman, queen", sort_by="king − man + woman"
    )
    tabs = window.findChild(QTabWidget, "exploreTabs")
    for name, panel in (
        ("04-map.png", window.map),
        ("05-strips.png", window.strips),
        ("06-vocabulary.png", window.vocabulary_view),
    ):
        tabs.setCurrentWidget(panel)
        settle()
        while panel.busy:
            settle(50)
        settle()
        window.grab().save(str(out / name))


def _evaluation(window, out: Path) -> None:
    """09: the bundled sets scored on the trained model by both methods, below the run on
    the half-way snapshot that :func:`main` started (waited for first: a new run would
    supersede it)."""
    from PySide6.QtWidgets import QSplitter

    panel = window.evaluate
    while panel.busy:
        settle(100)
    for method in ("add", "mul"):
        panel.method.setCurrentIndex(panel.method.findData(method))
        panel.run()
        wait_for(panel.evaluated, 600)
    panel.method.setCurrentIndex(panel.method.findData("add"))
    panel.history.selectRow(len(panel.runs) - 2)  # the trained model, 3CosAdd
    window.findChild(QSplitter, "rightSplitter").setSizes([250, 550])
    window.explore.setCurrentWidget(panel)
    settle()
    window.grab().save(str(out / "09-evaluate.png"))


def main(argv: list[str] | None = None) -> int:
    parser = arguments(__doc__)
    parser.add_argument(
        "--at", type=float, default=0.45, help="training fraction for the mid-training picture"
    )
    parser.add_argument(
        "--analogy",
        nargs=3,
        metavar=("A", "B", "C"),
        help="the analogy drawn on the map (default: the first of a few "
        "textbook ones the vectors get right)",
    )
    args = parser.parse_args(argv)
    app, window, out, tmp = open_window(parser, args)  # noqa: F841 - app: keep it alive
    window.watch.set_words(["king", "queen", "man", "woman", "dog"])
    settle()
    window.grab().save(str(out / "01-loaded.png"))

    window.training.train_button.click()
    wait_for(window.session.training_progressed, 600, lambda p: p.fraction >= args.at)
    window.neighbours.set_query("king")
    wait_for(window.session.training_snapshotted, 30)
    settle()
    window.grab().save(str(out / "02-training.png"))
    window.evaluate.run()  # scores this snapshot while training goes on (for 09)

    wait_for(window.training_finished, 1200)
    window.neighbours.set_query("king")
    window.analogy.set_words("man", "king", "woman")
    settle()
    window.grab().save(str(out / "03-analogy.png"))
    _pictures(window, out, args.analogy)
    _evaluation(window, out)
    window.session.dirty = False  # nothing to save: close without asking
    window.close()
    tmp.cleanup()
    print(f"wrote 01-loaded.png … 06-vocabulary.png and 09-evaluate.png to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
