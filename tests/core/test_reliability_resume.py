"""Stop, save, resume: the state is checked like any input, the history survives, the CLI
continues runs and Ctrl-C keeps what was trained (issue 19 item 9, items 12 and 14.4 in
``w2v train``)."""

from __future__ import annotations

import io
import threading

import numpy as np
import pytest

from tests.core.corpus_samples import gzip_bad_block
from tests.core.test_sgns import _planted_corpus, _setup
from w2v_gui.core import cli_train
from w2v_gui.core.cli import main
from w2v_gui.core.errors import FormatError
from w2v_gui.core.formats import native
from w2v_gui.core.resume import resume_problem, validate_state
from w2v_gui.core.sgns import Trainer


@pytest.fixture(scope="module")
def corpus_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("resume") / "planted.txt"
    path.write_text("\n".join(_planted_corpus(n_sent=3000)) + "\n")
    return path


def run(*argv, err=None):
    out, err = io.StringIO(), err or io.StringIO()
    code = main(list(map(str, argv)), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


SMALL = ["--vector-size", 16, "--min-count", 1, "--workers", 1, "--seed", 3]


# -- validation of state_json -------------------------------------------------------------


@pytest.mark.parametrize(
    "state,field",
    [
        ({"next_job": 1, "partial_jobs": [[99999, 0]]}, "a partial job"),
        ({"next_job": "abc"}, "next_job"),
        ({"next_job": -1}, "next_job"),
        ({"next_job": 10**40}, "next_job"),
        ({"next_job": 2, "partial_jobs": [[0, -5]]}, "a partial job's batch"),
        ({"next_job": 2, "partial_jobs": [[0, 1], [0, 2]]}, "a partial job"),
        ({"next_job": 2, "partial_jobs": "x"}, "partial_jobs"),
        ({"words_done": float("nan")}, "words_done"),
        ({"elapsed": -3}, "elapsed"),
        ({"epoch_loss": {"0": "many"}}, "epoch_loss"),
        ({"epoch_pairs": {"zero": 1}}, "epoch_pairs key"),
        ({"finished": "no"}, "finished"),
        ({"corpus": {"paths": [], "raw_words": 1}}, "corpus.paths"),
        (
            {"corpus": {"paths": ["a"], "raw_words": 1, "lowercase": True, "token_pattern": "x*"}},
            "corpus.token_pattern",
        ),
        ([1, 2], "the state"),
    ],
)
def test_crafted_states_are_refused_naming_the_field(state, field):
    with pytest.raises(FormatError, match=rf"state_json: {field}"):
        validate_state(state, "m.npz", jobs=50, epochs=5)


def test_the_trainer_refuses_a_state_outside_its_run_instead_of_crashing():
    setup = _setup(_planted_corpus(n_sent=300), epochs=2)
    for state in ({"next_job": 99999}, {"next_job": 1, "partial_jobs": [[99999, 0]]}):
        with pytest.raises(FormatError, match="state_json"):
            Trainer(*setup, state=state)
    with pytest.raises(FormatError, match="epoch_loss key"):
        Trainer(*setup, state={"epoch_loss": {"7": 1.0}})


# -- the epoch-loss history survives stop and resume ---------------------------------------


def test_epoch_losses_finished_before_a_stop_stay_in_the_history():
    setup = _setup(_planted_corpus(n_sent=3000), seed=3, epochs=4, batch_words=64)
    trainer = Trainer(*setup, job_tokens=2048, report_interval=0.001)
    stop = threading.Event()
    for rec in trainer.run(stop=stop):
        if len(rec.epoch_losses) >= 1:
            stop.set()  # after the first epoch has finished
    before = rec.epoch_losses
    assert rec.stopped and len(before) >= 1
    resumed = Trainer(
        *setup,
        job_tokens=2048,
        vectors=trainer.snapshot().vectors,
        context=trainer.context_snapshot(),
        state=trainer.state(),
    )
    last = list(resumed.run())[-1]
    assert len(last.epoch_losses) == 4
    assert last.epoch_losses[: len(before)] == before


# -- w2v train: Ctrl-C saves, --resume continues --------------------------------------------


def test_ctrl_c_saves_a_model_the_cli_and_the_app_can_continue(ctrl_c, tmp_path, corpus_file):
    out = tmp_path / "m.npz"
    err = ctrl_c()
    code, _, text = run("train", corpus_file, "-o", out, *SMALL, "--epochs", 400, err=err)
    assert err.pressed and code == 130, text
    assert "interrupted: saved" in text and f"--resume {out}" in text
    model = native.load(out)
    assert model.state["finished"] is False and model.state["corpus"]["paths"] == [str(corpus_file)]
    assert resume_problem(model) is None  # the app's Continue uses the same check
    done_before = model.state["words_done"]
    assert 0 < done_before
    code, _, text = run("train", "--resume", out, "-o", tmp_path / "m2.npz", "-q")
    assert code == 0, text
    final = native.load(tmp_path / "m2.npz")
    assert final.state["finished"] is True and len(final.state["epoch_loss"]) == 400
    assert final.state["words_done"] > done_before
    code, _, text = run("train", "--resume", tmp_path / "m2.npz")
    assert code == 2 and "already finished" in text and "\n" == text[-1] and text.count("\n") == 1


@pytest.mark.slow
def test_resume_is_bit_identical_to_an_uninterrupted_run(ctrl_c, tmp_path, corpus_file):
    whole, part = tmp_path / "whole.npz", tmp_path / "part.npz"
    # 400 epochs: a Ctrl-C 20 ms in must find the run unfinished (40 finished first on an
    # idle machine under -n 2, and --resume then refused a finished model).
    assert run("train", corpus_file, "-o", whole, *SMALL, "--epochs", 400, "-q")[0] == 0
    assert run("train", corpus_file, "-o", part, *SMALL, "--epochs", 400, err=ctrl_c())[0] == 130
    code, _, text = run("train", "--resume", part, "-q")
    assert code == 0, text  # saved back to part.npz
    a, b = native.load(whole), native.load(part)
    assert np.array_equal(a.embeddings.vectors, b.embeddings.vectors)


def test_resume_refuses_other_settings_and_changed_text(ctrl_c, tmp_path, corpus_file):
    part = tmp_path / "part.npz"
    run("train", corpus_file, "-o", part, *SMALL, "--epochs", 400, err=ctrl_c())
    code, _, text = run("train", "--resume", part, "--window", 9)
    assert code == 2 and "keeps its own settings; drop --window" in text
    changed = tmp_path / "changed.txt"
    changed.write_text(corpus_file.read_text() + "one more line\n")
    code, _, text = run("train", "--resume", part, changed)
    assert code == 2 and "corpus changed since the model was saved" in text


def test_a_crafted_state_in_a_model_is_one_line(ctrl_c, tmp_path, corpus_file):
    part = tmp_path / "part.npz"
    run("train", corpus_file, "-o", part, *SMALL, "--epochs", 400, err=ctrl_c())
    model = native.load(part)
    state = {**model.state, "partial_jobs": [[99999, 0]]}
    native.save(part, model.embeddings, context=model.context, config=model.config, state=state)
    code, _, text = run("train", "--resume", part)
    assert code == 2 and "state_json: a partial job" in text and text.count("\n") == 1


def test_an_unwritable_output_is_refused_before_reading_or_training(
    tmp_path, corpus_file, monkeypatch
):
    def refuse(path):
        raise PermissionError(13, "cannot save here (Permission denied)", path)

    monkeypatch.setattr("w2v_gui.core.formats.check_writable", refuse)
    scanned = []
    monkeypatch.setattr("w2v_gui.core.vocab.scan", lambda *a, **k: scanned.append(1))
    code, _, text = run("train", corpus_file, "-o", tmp_path / "m.npz", *SMALL)
    assert code == 2 and "m.npz: cannot save here" in text and not scanned


def test_train_lists_skipped_files_on_stderr_and_trains_on_the_rest(tmp_path, corpus_file):
    folder = tmp_path / "texts"
    folder.mkdir()
    (folder / "good.txt").write_text(corpus_file.read_text())
    gzip_bad_block(folder / "broken.gz")
    code, _, text = run("train", folder, "-o", tmp_path / "m.txt", *SMALL, "--epochs", 1, "-q")
    assert code == 0, text
    assert f"w2v: skipped {folder / 'broken.gz'}: the compressed data is damaged" in text


def test_train_needs_a_corpus_and_an_output_without_resume(tmp_path, corpus_file):
    assert "give the corpus" in run("train", "-o", tmp_path / "m.npz")[2]
    assert "-o" in run("train", corpus_file)[2]
    assert cli_train.EXIT_INTERRUPTED == 130


def test_a_model_in_a_folder_one_may_not_enter_is_not_called_missing(tmp_path, monkeypatch):
    import os

    locked = str(tmp_path / "locked" / "m.bin")
    real_stat = os.stat

    def stat(path, *a, **kw):  # tests run as root, where chmod would not stop them
        if os.fspath(path) == locked:
            raise PermissionError(13, "Permission denied", path)
        return real_stat(path, *a, **kw)

    monkeypatch.setattr(os, "stat", stat)
    code, _, text = run("similar", locked, "cat")
    assert code == 2 and "permission denied" in text and "no such file" not in text


def test_a_run_started_with_a_relative_path_resumes_from_another_folder(
    ctrl_c, tmp_path, corpus_file, monkeypatch
):
    monkeypatch.chdir(corpus_file.parent)
    part = tmp_path / "part.npz"
    run("train", corpus_file.name, "-o", part, *SMALL, "--epochs", 400, err=ctrl_c())
    assert native.load(part).state["corpus"]["paths"] == [str(corpus_file)]
    monkeypatch.chdir(tmp_path)
    assert run("train", "--resume", part, "-q")[0] == 0
