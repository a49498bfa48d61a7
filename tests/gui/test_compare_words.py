"""similarity and doesnt_match in the app: the Compare words box (issue 14 Friction)."""

from __future__ import annotations

import numpy as np

from w2v_gui import queries
from w2v_gui.core.vectors import Embeddings


def _emb():
    rng = np.random.default_rng(5)
    meal = rng.standard_normal(12)
    words = ["breakfast", "lunch", "dinner", "cereal", "king"]
    vecs = [meal + 0.2 * rng.standard_normal(12) for _ in range(3)]
    vecs += [rng.standard_normal(12) for _ in range(2)]
    return Embeddings(words, np.array(vecs, dtype=np.float32))


def test_two_words_give_their_similarity():
    emb = _emb()
    answer = queries.compare(emb, "breakfast, lunch")
    assert answer.similarity == emb.similarity("breakfast", "lunch") and answer.odd is None


def test_three_or_more_give_the_odd_one_out_and_each_cosine_to_the_mean():
    emb = _emb()
    answer = queries.compare(emb, "breakfast cereal dinner lunch")
    assert answer.odd == "cereal" == emb.doesnt_match(["breakfast", "cereal", "dinner", "lunch"])
    assert answer.to_mean[0][0] == "cereal"
    cosines = [c for _, c in answer.to_mean]
    assert cosines == sorted(cosines) and all(-1 <= c <= 1 for c in cosines)


def test_errors_say_what_to_type_or_which_word_is_unknown():
    emb = _emb()
    assert "two words" in queries.compare(emb, "lunch").error
    assert "'pizza'" in queries.compare(emb, "lunch pizza").error
    assert queries.compare(emb, "King lunch").words == ("king", "lunch")  # as typed, else folded


def test_the_compare_box_in_the_window(qtbot, window, corpus_file):
    from tests.gui.conftest import load
    from w2v_gui.widgets.collapsible import Collapsible

    load(qtbot, window, [corpus_file])
    with qtbot.waitSignal(window.training_finished, timeout=30_000):
        window.training.train_action.trigger()
    emb = window.session.embeddings
    box = window.compare_words
    # On the first explore tab, folded under the neighbours until opened.
    fold = window.findChild(Collapsible, "compareWordsGroup")
    assert not box.isVisible() and fold.isVisible()
    fold.toggle.click()
    assert box.isVisible()
    box.set_words("king queen")
    qtbot.waitUntil(lambda: "similarity(king, queen)" in box.result.text(), timeout=5000)
    assert f"{emb.similarity('king', 'queen'):.4f}" in box.result.text()
    words = ["king", "queen", "prince", "farm"]
    box.set_words(" ".join(words))
    odd = emb.doesnt_match(words)
    qtbot.waitUntil(lambda: "Does not match" in box.result.text(), timeout=5000)
    assert f"<b>{odd}</b>" in box.result.text()
