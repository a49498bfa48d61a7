"""A label for every word the user typed on the Map, always (issue 14 Friction: of 10
typed words, "girl" and "princess" got none)."""

from __future__ import annotations

from tests.gui.test_pictures import emb, planted_corpus, show, wait_idle  # noqa: F401
from w2v_gui.explore import map2d
from w2v_gui.explore.map2d import MapPanel
from w2v_gui.explore.words import Vocabulary

TYPED = (
    "king, queen, man, woman, prince, princess, boy, girl, crown, throne, palace, farm, "
    "street, market, he, his, she, her, young, child, old, adult"
)


def test_every_typed_word_is_labelled_in_a_small_map(qtbot, emb):  # noqa: F811
    vocabulary = Vocabulary()
    vocabulary.set_embeddings(emb)
    panel = show(qtbot, MapPanel(vocabulary, ("man", "king", "woman")))
    panel.resize(420, 300)  # crowded: 22 labels on a small plot
    panel.set_embeddings(emb)
    panel.set_mode(map2d.WORDS, TYPED)
    wait_idle(qtbot, panel)
    typed = [w.strip() for w in TYPED.split(",")]
    assert sorted(panel.shown_words()) == sorted(typed)
    assert sorted(panel.labelled_words()) == sorted(typed)
