"""Worker processes (core/workers.py): Hogwild across forked processes over shared matrices.

They must train as the threads do, count every word once across stops and resumes, pass
pause and stop on, and turn a worker's error, divergence or death into an exception in
the caller, never a hang.
"""

from __future__ import annotations

import os
import signal
import threading
from pathlib import Path

import numpy as np
import pytest

from tests.core.test_sgns import _planted_corpus, _setup
from w2v_gui.core import workers
from w2v_gui.core.errors import TrainingDiverged
from w2v_gui.core.sgns import Trainer

pytestmark = pytest.mark.skipif(not workers.available(), reason="worker processes need fork")


def _children() -> set[int]:
    out: set[int] = set()
    for task in Path(f"/proc/{os.getpid()}/task").glob("*"):
        out |= {int(c) for c in (task / "children").read_text().split()}
    return out


@pytest.mark.parametrize("processes", [True, False])
def test_two_workers_learn_the_planted_structure_as_processes_or_threads(processes):
    config, vocab, stream = _setup(_planted_corpus(), workers=2)
    before = _children()
    trainer = Trainer(config, vocab, stream, processes=processes)
    grew = False
    for record in trainer.run():
        grew |= bool(_children() - before)
        rec = record
    assert grew == processes  # processes were (or were not) forked for the run
    assert _children() <= before  # and none is left behind
    emb = trainer.snapshot()
    for word, family in [
        ("cat", {"dog", "horse", "cow", "sheep"}),
        ("drill", {"saw", "hammer", "wrench", "chisel"}),
    ]:
        assert {w for w, _ in emb.most_similar(word, topn=4)} <= family
    assert emb.most_similar(positive=["king", "woman"], negative=["man"], topn=1)[0][0] == "queen"
    losses = rec.epoch_losses
    assert rec.done and not rec.stopped and len(losses) == 5 and losses[-1] < losses[0]
    # Every word counted once: the tally is the corpus × epochs, not capped to it.
    assert trainer._tally.words == pytest.approx(rec.words_total, rel=1e-9)


def test_the_parent_sees_the_workers_writes_while_they_run():
    config, vocab, stream = _setup(_planted_corpus(n_sent=3000), workers=2, epochs=40)
    trainer = Trainer(config, vocab, stream, report_interval=0.02)
    first = trainer.snapshot().vectors.copy()
    seen = []
    for rec in trainer.run():
        if not rec.done and rec.words_done:
            seen.append(trainer.snapshot().vectors)
    # (Failed once in a whole-suite run beside two CPU burners, not reproduced in eight
    # more: the messages say which part failed if it does again.)
    assert seen, f"no report while training; last: {rec}"
    assert not np.array_equal(seen[0], first), f"no write seen by {len(seen)} reports"
    assert np.array_equal(trainer.snapshot().vectors, trainer._syn0)


def test_stop_and_resume_with_processes_train_every_word_exactly_once():
    setup = _setup(_planted_corpus(n_sent=3000), workers=2, epochs=6, seed=4)
    trainer = Trainer(*setup, job_tokens=512, report_interval=0.01)
    stop = threading.Event()
    for rec in trainer.run(stop=stop):
        if not rec.done and rec.words_done > 0:
            stop.set()
    assert rec.stopped and 0 < rec.words_done < rec.words_total
    state = trainer.state()
    assert state["partial_jobs"] or state["next_job"] < len(trainer._jobs)
    resumed = Trainer(
        *setup,
        job_tokens=512,
        vectors=trainer.snapshot().vectors,
        context=trainer.context_snapshot(),
        state=state,
    )
    last = list(resumed.run())[-1]
    assert last.done and not last.stopped and len(last.epoch_losses) == 6
    assert resumed._tally.words == pytest.approx(last.words_total, rel=1e-9)
    assert resumed.finished and np.isfinite(resumed.snapshot().vectors).all()


def test_pause_holds_the_worker_processes():
    config, vocab, stream = _setup(_planted_corpus(n_sent=2000), workers=2, epochs=200)
    trainer = Trainer(config, vocab, stream, report_interval=0.05)
    pause, stop = threading.Event(), threading.Event()
    it = trainer.run(stop=stop, pause=pause)
    next(it)
    pause.set()
    for _ in range(3):  # a few intervals: a worker finishes the batch it is in first
        rec = next(it)
    before = rec.words_done
    for _ in range(3):
        rec = next(it)
    assert rec.paused and rec.words_done == before
    pause.clear()
    rec = next(it)
    rec = next(it)
    assert rec.words_done > before
    stop.set()
    assert list(it)[-1].stopped


def test_divergence_in_a_worker_process_is_raised_in_the_caller():
    config, vocab, stream = _setup(
        _planted_corpus(n_sent=2000), alpha=1.0, min_alpha=1.0, epochs=50, workers=2
    )
    big = np.random.default_rng(0).standard_normal((len(vocab), 20)).astype(np.float32) * 30
    trainer = Trainer(config, vocab, stream, vectors=big, context=big.copy())
    with pytest.raises(TrainingDiverged, match="lower alpha"):
        list(trainer.run())
    assert trainer.diverged


def test_an_error_in_a_worker_process_comes_back_with_its_traceback(monkeypatch):
    import w2v_gui.core.sgns as sgns

    def broken(*args, **kwargs):
        raise ValueError("a planted fault")

    monkeypatch.setattr(sgns, "batch_gradients", broken)
    config, vocab, stream = _setup(_planted_corpus(n_sent=500), workers=2)
    with pytest.raises(RuntimeError, match=r"(?s)worker failed.*planted fault"):
        list(Trainer(config, vocab, stream).run())


def test_a_worker_process_killed_midway_ends_the_run_with_a_clear_error():
    config, vocab, stream = _setup(_planted_corpus(n_sent=3000), workers=2, epochs=500)
    trainer = Trainer(config, vocab, stream, report_interval=0.02)
    before = _children()
    with pytest.raises(RuntimeError, match="ended by signal SIGKILL.*out of memory"):
        for rec in trainer.run():
            if rec.words_done and not rec.done:
                victims = _children() - before
                if victims:
                    os.kill(min(victims), signal.SIGKILL)
    assert _children() <= before  # the other worker was stopped and reaped


def test_when_a_fork_fails_the_run_falls_back_to_threads_and_counts_each_word_once(
    monkeypatch,
):
    real_fork, calls = os.fork, []

    def fork_once():  # the first worker starts, the second finds no memory for its fork
        calls.append(1)
        if len(calls) > 1:
            raise OSError(12, "Cannot allocate memory")
        return real_fork()

    monkeypatch.setattr(os, "fork", fork_once)
    config, vocab, stream = _setup(_planted_corpus(), workers=2)
    trainer = Trainer(config, vocab, stream)
    last = list(trainer.run())[-1]
    assert len(calls) == 2 and last.done and not last.stopped and len(last.epoch_losses) == 5
    assert trainer._tally.words == pytest.approx(last.words_total, rel=1e-9)
    assert trainer.snapshot().most_similar("cat", topn=1)[0][0] in {"dog", "horse", "cow", "sheep"}


def test_a_ctrl_c_that_reaches_the_workers_is_left_to_the_parent():
    """A terminal's Ctrl-C signals the whole process group. The workers ignore it (the
    parent stops them between batches); here it reaches them alone: the run goes on."""
    config, vocab, stream = _setup(_planted_corpus(n_sent=3000), workers=2, epochs=30)
    trainer = Trainer(config, vocab, stream, report_interval=0.02)
    before, sent = _children(), set()
    for rec in trainer.run():
        if not rec.done and rec.words_done and not sent:
            sent = _children() - before
            for pid in sent:
                os.kill(pid, signal.SIGINT)
    assert sent and rec.done and not rec.stopped and len(rec.epoch_losses) == 30
    assert trainer._tally.words == pytest.approx(rec.words_total, rel=1e-9)


@pytest.mark.slow
def test_ctrl_c_in_a_terminal_saves_and_resume_trains_every_word_once(tmp_path):
    """``w2v train`` with worker processes, SIGINT sent to its whole process group as a
    terminal does: it saves what was trained, and --resume finishes the schedule."""
    import subprocess
    import sys
    import time

    from w2v_gui.core.formats import native

    lines = _planted_corpus(n_sent=6000)
    corpus = tmp_path / "c.txt"
    corpus.write_text("\n".join(lines) + "\n")
    tokens = sum(len(ln.split()) for ln in lines)
    out, epochs = tmp_path / "m.npz", 60
    cli = "import sys; from w2v_gui.core.cli import main; sys.exit(main(sys.argv[1:]))"
    common = ["--workers", "2", "--min-count", "1", "--vector-size", "16", "--sample", "0"]
    proc = subprocess.Popen(
        [sys.executable, "-c", cli, "train", str(corpus), "-o", str(out), "--epochs", str(epochs)]
        + common,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group, as a terminal's foreground job
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    assert "vocabulary" in proc.stderr.readline()  # scanned: training starts
    time.sleep(0.5)
    os.killpg(proc.pid, signal.SIGINT)
    err = proc.communicate(timeout=120)[1]
    assert proc.returncode == 130 and "interrupted: saved" in err, err
    state = native.load(out).state
    assert state["finished"] is False and 0 < state["words_done"] < epochs * tokens
    done = subprocess.run(
        [sys.executable, "-c", cli, "train", "--resume", str(out), "-o", str(tmp_path / "m2.npz")],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    final = native.load(tmp_path / "m2.npz").state
    assert final["finished"] is True and len(final["epoch_loss"]) == epochs
    assert final["words_done"] == pytest.approx(epochs * tokens, rel=1e-9)


def _nice(pid: int) -> int:
    # /proc/PID/stat: field 19 is the nice value; the command (field 2) may hold spaces.
    return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[16])


@pytest.mark.parametrize("niceness", [0, 7])
def test_worker_processes_run_as_much_nicer_as_asked(niceness):
    # The app asks for nicer workers so that its window gets a core at once on two cores.
    config, vocab, stream = _setup(_planted_corpus(n_sent=3000), workers=2, epochs=40)
    before = _children()
    trainer = Trainer(config, vocab, stream, report_interval=0.02, niceness=niceness)
    seen: dict[int, list[int]] = {}  # worker pid → its niceness relative to ours, per look
    stop = threading.Event()
    for _ in trainer.run(stop):
        for pid in _children() - before:
            try:
                seen.setdefault(pid, []).append(_nice(pid) - os.nice(0))
            except (FileNotFoundError, ProcessLookupError):  # it ended meanwhile
                pass
        # Looked at several times: a worker is a child a moment before its os.nice call.
        if len(seen) == 2 and all(len(v) >= 3 for v in seen.values()):
            stop.set()
    assert len(seen) == 2 and {v[-1] for v in seen.values()} == {niceness}
