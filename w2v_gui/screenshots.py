"""Regenerate the README screenshots: ``python -m w2v_gui.screenshots [--out DIR]``.

Drives the real window offscreen through three moments: the demo corpus loaded, training
half-way with the loss curve, and exploring king − man + woman after training. Uses fresh
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

from .app import make_application  # noqa: E402
from .resources import demo_corpus_path  # noqa: E402

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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", nargs="+", help="corpus to show (default: the demo)")
    parser.add_argument("--out", default=str(Path(__file__).resolve().parent.parent
                                             / "assets" / "screenshots"))
    parser.add_argument("--at", type=float, default=0.45,
                        help="training fraction for the mid-training picture")
    args = parser.parse_args(argv)
    corpus = args.corpus or ([str(demo_corpus_path())] if demo_corpus_path() else None)
    if not corpus:
        parser.error("no demo corpus in this installation: pass --corpus")
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    tmp = tempfile.TemporaryDirectory()
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, tmp.name)
    app = make_application()  # noqa: F841 - keeps the application alive
    from .main_window import MainWindow

    window = MainWindow()
    window.resize(*SIZE)
    window.show()
    window.open_corpus(corpus)
    wait_for(window.session.corpus_loaded, 120)
    window.watch.set_words(["king", "queen", "man", "woman", "dog"])
    settle()
    window.grab().save(str(out / "01-loaded.png"))

    window.training.train_button.click()
    wait_for(window.session.training_progressed, 600, lambda p: p.fraction >= args.at)
    window.neighbours.set_query("king")
    wait_for(window.session.training_snapshotted, 30)
    settle()
    window.grab().save(str(out / "02-training.png"))

    wait_for(window.training_finished, 1200)
    window.neighbours.set_query("king")
    window.analogy.set_words("man", "king", "woman")
    settle()
    window.grab().save(str(out / "03-analogy.png"))
    window.session.dirty = False  # nothing to save: close without asking
    window.close()
    tmp.cleanup()
    print(f"wrote 01-loaded.png, 02-training.png, 03-analogy.png to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
