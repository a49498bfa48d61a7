"""Regenerate the Learn screenshots: ``python -m w2v_gui.learn_screenshots [--out DIR]``.

07-learn-window.png: the window on the Learn tab, step 5 after training the toy slice
1,000 steps. 08-learn-step.png: step 3, the window sliding with a shrunken reach. Uses
the demo corpus (or ``--corpus``) and fresh settings in a temporary folder.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QSettings  # noqa: E402

from .app import make_application  # noqa: E402
from .resources import demo_corpus_path  # noqa: E402
from .screenshots import SIZE, settle, wait_for  # noqa: E402


def settle_until(condition, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"waited {timeout_s} s in vain")
        settle(50)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", nargs="+", help="corpus to show (default: the demo)")
    parser.add_argument("--out", default=str(Path(__file__).resolve().parent.parent
                                             / "assets" / "screenshots"))
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
    learn = window.learn
    window.tabs.setCurrentWidget(learn)
    wait_for(learn.data_changed, 120)

    learn.go_to(4)
    step = learn.steps[4]
    step.train(1000)
    settle_until(lambda: not step.training, 60)
    step.pair.setCurrentIndex(1)
    settle()
    window.grab().save(str(out / "07-learn-window.png"))

    learn.go_to(2)
    sliding = learn.steps[2]
    story = learn.story
    # A centre whose drawn reach is shorter than the window shows dynamic shrinking.
    for _ in range(50):
        sliding.advance()
        c = story.centre
        if 2 <= c < len(story.tokens()) - 2 and story.reach[c] < story.window:
            break
        if c >= len(story.tokens()) - 1:
            story.pick_sentence()
    settle()
    learn.grab().save(str(out / "08-learn-step.png"))
    window.close()
    tmp.cleanup()
    print(f"wrote 07-learn-window.png, 08-learn-step.png to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
