"""Saves survive SIGKILL: a process killed at a random moment of saving never damages the
file it was replacing, and the temporary file it leaves is removed by the next save."""

from __future__ import annotations

import os
import random
import signal
import time

import numpy as np
import pytest

from w2v_gui.core.config import TrainingConfig
from w2v_gui.core.formats import native, word2vec
from w2v_gui.core.vectors import Embeddings

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork and SIGKILL")

KILLS = 20
N, D = 20_000, 40  # ~3 MB per matrix: a save takes long enough to be hit mid-write
CONFIG = TrainingConfig(vector_size=D, seed=5)


def _version(base: np.ndarray, words: list[str], v: int) -> tuple[Embeddings, np.ndarray]:
    """Version ``v`` of the model: vectors ``base + v``, context their negation."""
    vectors = base + np.float32(v)
    return Embeddings(words, vectors, counts=np.arange(N, 0, -1)), -vectors


def _save(folder, base, words, v: int) -> None:
    emb, context = _version(base, words, v)
    native.save(folder / "model.npz", emb, context=context, config=CONFIG, state={"version": v})
    word2vec.save(emb, folder / "model.bin", binary=True)


def _saving_child(folder, base, words) -> None:
    """Runs in the forked child: save new versions over and over until killed."""
    try:
        v = 1
        while True:
            _save(folder, base, words, v)
            v += 1
    finally:
        os._exit(1)  # never return into pytest, whatever happens


def _check_intact(folder, base, words) -> tuple[int, int]:
    """Both files load whole, each holds exactly one version; return the versions."""
    model = native.load(folder / "model.npz")
    assert model.embeddings.words == tuple(words)
    v = int(model.state["version"])
    assert np.array_equal(model.embeddings.vectors, base + np.float32(v)), "vectors mix saves"
    assert np.array_equal(model.context, -(base + np.float32(v))), "context from another save"
    assert model.config == CONFIG
    emb = word2vec.load(folder / "model.bin", binary=True)
    assert emb.words == tuple(words)
    w = round(float(emb.vectors[0, 0] - base[0, 0]))
    assert np.array_equal(emb.vectors, base + np.float32(w)), "binary file mixes saves"
    return v, w


def _temporaries(folder) -> list[str]:
    return sorted(f for f in os.listdir(folder) if f.endswith(".tmp"))


@pytest.mark.slow
def test_sigkill_while_saving_never_damages_the_previous_file(tmp_path):
    rng = np.random.default_rng(0)
    base = rng.standard_normal((N, D)).astype(np.float32)
    words = [f"w{i}" for i in range(N)]
    _save(tmp_path, base, words, 0)  # the good files every kill must leave intact
    pick = random.Random(7)
    stray_after_kill, mid_write, versions = [], 0, []
    for _ in range(KILLS):
        pid = os.fork()
        if pid == 0:
            _saving_child(tmp_path, base, words)
        time.sleep(pick.uniform(0.0, 0.25))
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)  # reaped: the next save sees the process is gone
        left = _temporaries(tmp_path)
        stray_after_kill.append(len(left))
        mid_write += bool(left)
        versions.append(_check_intact(tmp_path, base, words))
        # Only the killed process's own temporary (one per file at most) is ever left:
        # the previous kill's was removed by this child's first save of that file.
        assert len(left) <= 2, left
    _save(tmp_path, base, words, 99)
    assert _temporaries(tmp_path) == []
    assert _check_intact(tmp_path, base, words) == (99, 99)
    # The kills did land inside saves, not only between them.
    assert mid_write >= KILLS // 4, (mid_write, stray_after_kill)
    print(
        f"\n{KILLS} kills survived; {mid_write} landed mid-write (temporaries left per "
        f"kill: {stray_after_kill}); versions found (npz, bin): {versions}"
    )


def test_only_temporaries_of_dead_processes_are_removed(tmp_path):
    from w2v_gui.core.formats import atomic_write

    pid = os.fork()
    if pid == 0:
        os._exit(0)
    os.waitpid(pid, 0)
    dead = tmp_path / f".f.txt.{pid}-0badc0de.tmp"
    alive = tmp_path / f".f.txt.{os.getpid()}-0badc0de.tmp"  # a save running in this process
    other = tmp_path / ".g.txt.1-0badc0de.tmp"  # another file's
    foreign = tmp_path / ".f.txt.someone-else.tmp"  # not our naming: not ours
    for p in (dead, alive, other, foreign):
        p.write_bytes(b"partial")
    with atomic_write(tmp_path / "f.txt") as f:
        f.write(b"new")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["f.txt", alive.name, other.name, foreign.name]
    )
