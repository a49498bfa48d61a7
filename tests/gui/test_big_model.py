"""A large-ish model (200,000 words × 50) opened and queried through the real window: the
event loop keeps ticking while the file loads and while the panels ask their questions,
a native file stays memory-mapped, and the answers are core's."""

from __future__ import annotations

import time

import numpy as np
import pytest
from PySide6.QtCore import QTimer

from w2v_gui import queries
from w2v_gui.core.formats import native, save_embeddings
from w2v_gui.core.vectors import Embeddings
from w2v_gui.session import IDLE

N, DIM = 200_000, 50
# Seconds: the bound on any event-loop gap (issue 15), held against the GUI thread's
# own CPU time between two ticks. Its wall-clock gaps also count time spent waiting for a
# core, which two CPU-burning processes beside the suite stretch past any bound (a 262 ms
# wall gap with a few ms of GUI work was seen at load 15 on two cores); the CPU time is the
# part this code decides: no loading or query work on the GUI thread.
STALL = 0.1


@pytest.fixture(scope="module")
def big(tmp_path_factory):
    rng = np.random.default_rng(15)
    words = ["king", "queen", "man", "woman"] + [f"w{i}" for i in range(N - 4)]
    emb = Embeddings(words, rng.standard_normal((N, DIM), dtype=np.float32), copy=False)
    folder = tmp_path_factory.mktemp("big")
    native.save(folder / "big.npz", emb)
    save_embeddings(emb, folder / "big.bin")
    return folder, emb


@pytest.mark.slow
@pytest.mark.parametrize("name", ["big.npz", "big.bin"])
def test_a_big_model_loads_and_answers_without_stalling_the_window(qtbot, window, big, name):
    folder, emb = big
    ticks: list[float] = []
    cpu: list[float] = []

    def tick():
        ticks.append(time.perf_counter())
        cpu.append(time.thread_time())  # the GUI thread's own CPU time

    timer = QTimer(interval=10)
    timer.timeout.connect(tick)
    timer.start()
    qtbot.wait(200)  # the window's first layout and paint are not what is measured
    ticks.clear()
    cpu.clear()
    with qtbot.waitSignal(window.session.embeddings_changed, timeout=120_000):
        window.open_model(str(folder / name))
    qtbot.waitUntil(lambda: window.session.state == IDLE, timeout=60_000)
    loaded = window.session.embeddings
    assert loaded.words == emb.words
    if name.endswith(".npz"):
        assert isinstance(loaded.vectors, np.memmap) and not loaded.vectors.flags.writeable

    panel = window.neighbours
    panel.set_query("King")  # folded to "king", as the command line does
    qtbot.waitUntil(lambda: bool(panel.results()), timeout=60_000)
    window.analogy.set_words("man", "king", "woman")
    qtbot.waitUntil(lambda: bool(window.analogy.results()), timeout=60_000)
    window.watch.set_words(["queen", "w5"])
    qtbot.waitUntil(lambda: bool(window.watch.neighbours("w5")), timeout=60_000)
    qtbot.waitUntil(lambda: not panel._asker.busy, timeout=60_000)
    timer.stop()

    # Autocompletion: core's prefix search, frequent words first, case folded.
    completer = panel.query.completer()
    completer.setCompletionPrefix("w1999")
    shown = [completer.completionModel().index(i, 0).data() for i in range(5)]
    assert shown == [w for w in emb.words if w.startswith("w1999")][:5]
    completer.setCompletionPrefix("KIN")
    assert completer.currentCompletion() == "king"

    want = emb.most_similar("king", topn=queries.NEIGHBOURS_TOPN)
    assert [w for w, _ in panel.results()] == [w for w, _ in want]
    work, gaps = np.diff(cpu), np.diff(ticks)
    worst = int(np.argmax(work))
    assert work[worst] < STALL, (
        f"the GUI thread worked {work[worst] * 1e3:.0f} ms between two ticks "
        f"({gaps[worst] * 1e3:.0f} ms wall), {ticks[worst] - ticks[0]:.2f} s after the open "
        f"began (of {ticks[-1] - ticks[0]:.2f} s)"
    )
