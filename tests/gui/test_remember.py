"""What the app remembers between runs (issue 14 Friction): the last corpus reopens."""

from __future__ import annotations

from pathlib import Path

from w2v_gui.app import startup_corpus


def test_the_last_corpus_reopens_when_it_still_exists(tmp_path):
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text("x"), b.write_text("y")
    demo = Path("demo.txt.gz")
    assert startup_corpus([[str(a), str(b)], [str(a)]], demo) == [str(a), str(b)]
    b.unlink()  # one file of it gone: the demo, not a half corpus
    assert startup_corpus([[str(a), str(b)], [str(a)]], demo) == [str(demo)]
    assert startup_corpus([], demo) == [str(demo)]
    assert startup_corpus([], None) is None


def test_the_neighbours_query_and_the_analogy_words_come_back(qtbot):
    from w2v_gui.main_window import MainWindow

    first = MainWindow()
    qtbot.addWidget(first)
    with qtbot.waitSignal(first.neighbours.query_changed, timeout=5000):
        first.neighbours.set_query("queen")
    with qtbot.waitSignal(first.analogy.query_changed, timeout=5000):
        first.analogy.set_words("boy", "girl", "man")
    first.close()

    second = MainWindow()
    qtbot.addWidget(second)
    assert second.neighbours.query.text() == "queen"
    assert second.analogy.words() == ("boy", "girl", "man")
    assert second.session.questions.neighbours == "queen"
    second.close()
