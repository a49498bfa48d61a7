"""Start the app: ``w2v-gui [--corpus FILE...] [--model FILE]``.

With neither option the last corpus opened is read again (if its files are still there),
else the bundled demo corpus, ready to train.
"""

from __future__ import annotations

import argparse
import ctypes
import gc
import os
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from w2v_gui.platform_check import check_display
from w2v_gui.resources import demo_corpus_path
from w2v_gui.settings import APPLICATION, ORGANIZATION

_showing_error = False
#: Exit status when Qt could not open a window here (missing system libraries).
EXIT_NO_DISPLAY = 3


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="w2v-gui",
        description="Train word2vec on your own text, watch it learn, explore the vectors.",
    )
    group = parser.add_mutually_exclusive_group()
    group.add_argument(
        "--corpus",
        nargs="+",
        metavar="FILE",
        help="text files or folders to open (.txt, .gz, .bz2, .xz, .zip)",
    )
    group.add_argument(
        "--model", metavar="FILE", help="vectors to explore (.npz model, word2vec .bin or .txt)"
    )
    parser.add_argument("--quit-after-ms", type=int, metavar="MS", help=argparse.SUPPRESS)
    return parser.parse_args(list(argv))


def show_unexpected_error(
    exc_type: type[BaseException],
    exc: BaseException,
    tb: TracebackType | None,
    parent: QWidget | None = None,
) -> None:
    """sys.excepthook: the traceback goes to the terminal, a short message to a dialog."""
    traceback.print_exception(exc_type, exc, tb)
    global _showing_error
    if _showing_error or QApplication.instance() is None:
        return  # an error inside the error dialog: the terminal has it
    _showing_error = True
    try:
        QMessageBox.critical(
            parent or QApplication.activeWindow(),
            "Unexpected error",
            f"Something went wrong: {exc_type.__name__}: {exc}\n\nThe window stays usable; "
            "if this repeats, please report it with the text printed in the terminal.",
        )
    finally:
        _showing_error = False


# glibc's mallopt parameter for the number of malloc arenas.
_M_ARENA_MAX = -8
MALLOC_ARENAS = 2


def limit_malloc_arenas(arenas: int = MALLOC_ARENAS) -> bool:
    """Let all threads share ``arenas`` malloc arenas (glibc; False where unsupported).

    glibc gives each new thread its own arena, up to 8 per core. The app starts threads
    all the time (a worker per scan, load, save, run and its trainer threads), and each
    arena kept its own freed blocks: in the 10-minute scripted session (benchmarks/
    long_session.py) memory in use stayed at 51-56 MB while free blocks held by the arenas
    grew from 24 to 82 MB and resident memory by 6 MB/min; with two arenas they stay
    at 24-28 MB. Call it before the first thread is started.
    """
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError, TypeError):  # not glibc (macOS, Windows, musl)
        return False
    return bool(mallopt(_M_ARENA_MAX, arenas))


def freeze_start_up_objects() -> None:
    """Move what the imports made (modules, classes, functions: ~87k objects) out of the
    garbage collector's reach, before the window exists.

    Left in the oldest generation, every full collection walked them on the GUI thread:
    240-295 ms with the demo corpus open (62-104 ms of it CPU; tools/probe_stalls.py), a
    stall of the event loop each time. They live as long as the process, so nothing is
    lost. Called before any window or worker exists: freezing Qt objects' wrappers too
    (tried when the first worker started) kept cycles of closed windows from ever being
    collected, and a test run segfaulted later in an event loop.
    """
    gc.collect()
    gc.freeze()


def make_application() -> QApplication:
    """The QApplication, named for QSettings, with the interpreter tuned for a live GUI."""
    limit_malloc_arenas()
    # The trainer's threads run NumPy calls back to back; each time the GUI thread gives
    # up the interpreter lock (around Qt and NumPy calls) it waits up to the switch
    # interval to get it back. 5 ms (the default), paid dozens of times per repaint,
    # stalled the event loop for 100+ ms; 1 ms keeps it responsive at no measured cost
    # to training speed (tools/probe_latency.py).
    sys.setswitchinterval(0.001)
    app = QApplication.instance() or QApplication([sys.argv[0]])
    app.setOrganizationName(ORGANIZATION)
    app.setApplicationName(APPLICATION)
    app.setApplicationDisplayName("w2v-gui")
    return app


def startup_corpus(recent: Sequence[Sequence[str]], demo: Path | None) -> list[str] | None:
    """What to open at start: the last corpus if all its files are still there, else the
    bundled demo (None if this installation has none)."""
    if recent and all(os.path.exists(p) for p in recent[0]):
        return list(recent[0])
    return [str(demo)] if demo is not None else None


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    if not check_display():  # else QApplication() aborts the process with exit 134
        return EXIT_NO_DISPLAY
    app = make_application()

    from w2v_gui.main_window import MainWindow  # after QApplication exists: panels build fonts

    freeze_start_up_objects()
    sys.excepthook = show_unexpected_error
    window = MainWindow()
    app.aboutToQuit.connect(window.shutdown)
    window.show()
    if args.model:
        window.open_model(args.model)
    elif args.corpus:
        window.open_corpus(args.corpus)
    else:
        paths = startup_corpus(window.settings.recent_corpora(), demo_corpus_path())
        if paths:
            window.open_corpus(paths)
        else:
            window.statusBar().showMessage("Open a corpus to train on (Ctrl+O).")
    if args.quit_after_ms is not None:
        QTimer.singleShot(args.quit_after_ms, app.quit)
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
