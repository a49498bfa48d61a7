"""The session's state while a run is live: form changes, re-reads and Train."""

from __future__ import annotations

import pytest

from tests.gui.conftest import SMALL, load
from w2v_gui.session import IDLE, TRAINING

LONG = SMALL.replace(epochs=1000)


@pytest.mark.slow
def test_a_tokenizer_change_during_training_leaves_the_run_alone(qtbot, window, corpus_file):
    # Suspected of the flaky pause/resume test: a re-read started by the form's change
    # would replace the stop event the trainer holds and set the state to idle.
    load(qtbot, window, [corpus_file], LONG)
    session = window.session
    with qtbot.waitSignal(session.training_progressed, timeout=10_000):
        window.training.train_action.trigger()
    stop, corpus = session._stop, session.corpus
    states: list[str] = []
    session.state_changed.connect(states.append)

    other = LONG.replace(lowercase=not LONG.lowercase, token_pattern=r"\S+")
    window.parameters.set_config(other)  # as config_loaded or a late debounce would
    session.apply_config(other)
    window.open_corpus([str(corpus_file)])
    qtbot.wait(300)
    assert (session.state, session._stop, session.corpus, states) == (TRAINING, stop, corpus, [])

    with qtbot.waitSignal(window.training_finished, timeout=10_000) as blocker:
        window.training.stop_action.trigger()
    assert blocker.args[0].progress.stopped
    assert session.state == IDLE


def test_train_pressed_within_the_forms_debounce_reads_with_the_new_tokenizer(
    qtbot, window, corpus_file
):
    load(qtbot, window, [corpus_file], SMALL)
    window.parameters.editor("lowercase").setChecked(not SMALL.lowercase)
    # At once, before the form's 150 ms debounce re-reads the corpus.
    with qtbot.waitSignal(window.training_finished, timeout=30_000) as blocker:
        window.training.train_action.trigger()
    model = blocker.args[0].model
    assert model.config.lowercase is (not SMALL.lowercase)
    # The vocabulary was built by the tokenizer the model says it was.
    assert model.state["corpus"]["lowercase"] is model.config.lowercase
    assert window.session.corpus.lowercase is model.config.lowercase
