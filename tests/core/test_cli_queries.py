"""The w2v command as a new user meets it: help that reads well, the usage on a bare
``w2v``, ``similarity`` and ``doesnt-match``, and a gensim pickle refused with a way out."""

import io
import pickle

import numpy as np
import pytest

from w2v_gui.core.cli import build_parser, main
from w2v_gui.core.config import TrainingConfig
from w2v_gui.core.formats import save_embeddings
from w2v_gui.core.vectors import Embeddings


def run(*argv):
    out, err = io.StringIO(), io.StringIO()
    code = main(list(map(str, argv)), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def help_of(*argv, capsys):
    with pytest.raises(SystemExit) as exc:
        main([*argv, "--help"])
    assert exc.value.code == 0
    return " ".join(capsys.readouterr().out.split())  # argparse wraps lines anywhere


@pytest.fixture
def model(tmp_path):
    """Planted directions: meals together, cereal off to the side."""
    rng = np.random.default_rng(3)
    meal = rng.standard_normal(16)
    words = ["breakfast", "lunch", "dinner", "cereal", "king", "queen"]
    vecs = [meal + 0.2 * rng.standard_normal(16) for _ in range(3)]
    vecs += [rng.standard_normal(16) for _ in range(3)]
    path = tmp_path / "m.bin"
    save_embeddings(Embeddings(words, np.array(vecs, dtype=np.float32)), path)
    return path


def test_ranges_print_whole_numbers_and_no_limit_reads_as_a_default(capsys):
    text = help_of("train", capsys=capsys)
    assert "[0–2147483647]" in text and "[1–100000000]" in text
    assert "e+0" not in text  # no float formatting of whole-number bounds anywhere
    assert "[1e-06–1]" in text  # small float bounds stay short
    assert "(default: None)" not in text and "empty:" not in text
    assert "most frequent words. [1–100000000] (default: no limit)" in text


def test_config_errors_print_whole_number_bounds():
    with pytest.raises(ValueError, match=r"between 0 and 2147483647, got -1"):
        TrainingConfig(seed=-1)


def test_every_positional_argument_has_help():
    sub = next(a for a in build_parser()._actions if a.dest == "command")
    for name, parser in sub.choices.items():
        for action in parser._actions:
            if not action.option_strings:
                assert action.help, f"w2v {name} {action.dest}: no help"


def test_analogy_help_says_which_word_is_which(capsys):
    text = help_of("analogy", capsys=capsys)
    assert "A B C" in text and "the word taken away" in text


def test_bare_w2v_prints_the_usage_and_exits_2():
    code, out, err = run()
    assert code == 2 and out == ""
    assert err.startswith("usage: w2v")
    for command in ("train", "similar", "similarity", "doesnt-match", "evaluate"):
        assert command in err


def test_similarity_prints_the_cosine(model):
    code, out, err = run("similarity", model, "breakfast", "lunch")
    assert code == 0, err
    from w2v_gui.core.formats import load_embeddings

    emb = load_embeddings(model)
    u = emb.vectors.astype(np.float64)
    ref = u[0] @ u[1] / np.linalg.norm(u[0]) / np.linalg.norm(u[1])
    assert out.endswith("\n") and abs(float(out) - ref) < 1e-6
    assert float(out) > 0.8


def test_doesnt_match_names_the_odd_word(model):
    code, out, err = run("doesnt-match", model, "breakfast", "cereal", "dinner", "lunch")
    assert (code, out) == (0, "cereal\n"), err


@pytest.mark.parametrize(
    "argv, message",
    [
        (("similarity", "{m}", "breakfast", "pizza"), "'pizza' is not in the vocabulary"),
        (("doesnt-match", "{m}", "breakfast"), "at least two words"),
        (("similarity", "{m}x", "a", "b"), "no such file"),
    ],
)
def test_query_errors_are_one_line(model, argv, message):
    code, out, err = run(*(a.format(m=model) for a in argv))
    assert code == 2 and out == ""
    assert message in err and len(err.strip().splitlines()) == 1, err


class _Trap:
    """Unpickling this creates a file: proof that a loader ran the pickle."""

    def __init__(self, path):
        self.path = str(path)

    def __reduce__(self):
        return (open, (self.path, "w"))


def test_a_pickle_is_refused_unread_with_the_gensim_way_out(tmp_path):
    trap = tmp_path / "unpickled"
    path = tmp_path / "word2vec.model"
    path.write_bytes(pickle.dumps({"wv": _Trap(trap)}, protocol=4))
    for argv in (("similar", path, "king"), ("convert", path, tmp_path / "o.bin")):
        code, _, err = run(*argv)
        assert code == 2 and len(err.strip().splitlines()) == 1
        assert (
            "pickle" in err and "model.wv.save_word2vec_format('vectors.bin', binary=True)" in err
        )
    assert not trap.exists()


def test_a_real_gensim_model_file_gets_the_same_advice(tmp_path):
    gensim = pytest.importorskip("gensim.models")
    m = gensim.Word2Vec([["a", "b", "c"]] * 20, vector_size=4, min_count=1, epochs=1, workers=1)
    m.save(str(tmp_path / "g.model"))
    m.wv.save(str(tmp_path / "g.kv"))
    for name in ("g.model", "g.kv"):
        code, _, err = run("similar", tmp_path / name, "a")
        assert code == 2 and "save_word2vec_format" in err, err
    # and the advice works: the file gensim writes is read
    m.wv.save_word2vec_format(str(tmp_path / "vectors.bin"), binary=True)
    code, out, err = run("similarity", tmp_path / "vectors.bin", "a", "b")
    assert code == 0 and abs(float(out) - float(m.wv.similarity("a", "b"))) < 1e-6, err
