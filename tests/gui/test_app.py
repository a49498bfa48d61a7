"""Start-up, the global excepthook, drag and drop, cancelling a scan, the Qt binding."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
import shiboken6
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent

from tests.gui.conftest import load
from w2v_gui import app, resources
from w2v_gui.session import IDLE

ROOT = Path(__file__).resolve().parents[2]


def run_app(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "XDG_CONFIG_HOME": str(tmp_path),
        "HOME": str(tmp_path),
    }
    return subprocess.run(
        [sys.executable, "-m", "w2v_gui.app", *args, "--quit-after-ms", "1500"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.slow
def test_app_starts_with_a_corpus_and_quits(tmp_path, corpus_file):
    result = run_app(tmp_path, "--corpus", str(corpus_file))
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.slow
def test_app_starts_with_the_demo_corpus_or_without(tmp_path):
    result = run_app(tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr


def test_bad_arguments_are_refused(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "w2v_gui.app", "--corpus", "a", "--model", "b"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    assert result.returncode == 2 and "not allowed with" in result.stderr


def test_demo_corpus_is_found_if_shipped():
    path = resources.demo_corpus_path()
    assert path is None or (path.is_file() and path.name == resources.DEMO_CORPUS)


def test_excepthook_shows_a_message_not_a_traceback(qtbot, dialogs, capsys):
    try:
        raise RuntimeError("boom")
    except RuntimeError as exc:
        app.show_unexpected_error(type(exc), exc, exc.__traceback__)
    [(title, text)] = dialogs.of("critical")
    assert "RuntimeError: boom" in text and "Traceback" not in text
    assert "Traceback" in capsys.readouterr().err  # the terminal keeps the details


def test_dropping_files_opens_them(qtbot, window, corpus_file):
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(corpus_file))])
    panel = window.corpus_panel
    event = QDropEvent(
        QPointF(10, 10),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    with qtbot.waitSignal(window.session.corpus_loaded, timeout=10_000):
        panel.dropEvent(event)
    assert window.session.corpus.paths == (str(corpus_file),)


def test_recent_corpus_reopens(qtbot, window, corpus_file):
    load(qtbot, window, [corpus_file])
    [action] = window.corpus_panel.recent_menu.actions()
    with qtbot.waitSignal(window.session.corpus_loaded, timeout=10_000):
        action.trigger()


def test_scan_can_be_cancelled(qtbot, window, corpus_file, monkeypatch):
    # A scan that waits until it is cancelled, so the test does not race a fast read.
    import w2v_gui.jobs as jobs
    from w2v_gui.core.errors import Cancelled

    started = threading.Event()

    def slow(paths, lowercase, token_pattern):
        def run(progress, stop):
            started.set()
            progress(1, 2)
            stop.wait(10)
            raise Cancelled("cancelled")

        return run

    monkeypatch.setattr(jobs, "scan_corpus", slow)
    window.open_corpus([str(corpus_file)])
    assert started.wait(5)
    assert window.corpus_panel.cancel_button.isVisibleTo(window)
    with qtbot.waitSignal(
        window.session.state_changed, timeout=5000, check_params_cb=lambda s: s == IDLE
    ):
        window.corpus_panel.cancel_button.click()
    assert window.session.corpus is None and not window.corpus_panel.cancel_button.isVisible()


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="None/True/False are immortal there")
def test_qt_binding_keeps_reference_counts():
    """PySide6 6.12.0's abi3 build drops a reference to None on every Qt call under
    Python 3.11; the app then aborts ("deallocating None") after a minute of training."""
    from PySide6.QtWidgets import QLabel

    label = QLabel()
    before = sys.getrefcount(None)
    for _ in range(1000):
        label.setWordWrap(True)
    assert sys.getrefcount(None) > before - 100, (
        f"PySide6 {shiboken6.__version__} loses references to None: install another "
        "release (6.11.2 works here)"
    )


ARENAS_SCRIPT = """
import ctypes, os, re, sys, tempfile, threading
from w2v_gui.app import limit_malloc_arenas
if sys.argv[1] == "limit":
    assert limit_malloc_arenas()
libc = ctypes.CDLL(None)
libc.malloc.restype = ctypes.c_void_p
libc.free.argtypes = [ctypes.c_void_p]
libc.fopen.restype = ctypes.c_void_p
libc.fopen.argtypes = [ctypes.c_char_p, ctypes.c_char_p]
libc.malloc_info.argtypes = [ctypes.c_int, ctypes.c_void_p]
libc.fclose.argtypes = [ctypes.c_void_p]
threads = 6
allocated, release = threading.Barrier(threads + 1), threading.Event()

def work():
    block = libc.malloc(50_000)   # below the mmap threshold: from the thread's arena
    allocated.wait()
    release.wait()
    libc.free(block)

workers = [threading.Thread(target=work) for _ in range(threads)]
for t in workers:
    t.start()
allocated.wait()
path = os.path.join(tempfile.mkdtemp(), "info.xml")
fp = libc.fopen(path.encode(), b"w")
libc.malloc_info(0, fp)
libc.fclose(fp)
release.set()
for t in workers:
    t.join()
print(len(re.findall('<heap nr=', open(path).read())))
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's malloc")
def test_threads_share_two_malloc_arenas(tmp_path):
    # Each thread's own arena kept its freed blocks: the long session's resident memory
    # grew 6 MB/min with memory in use flat (w2v_gui.app.limit_malloc_arenas).
    def heaps(mode: str) -> int:
        out = subprocess.run(
            [sys.executable, "-c", ARENAS_SCRIPT, mode],
            capture_output=True,
            text=True,
            timeout=60,
            cwd=ROOT,
            check=True,
        )
        return int(out.stdout.split()[-1])

    assert heaps("limit") <= 2
    assert heaps("default") > 2  # glibc's own choice, which the limit changes
