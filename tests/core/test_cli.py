"""The w2v command: train → files, queries, and one-line errors with exit status 2."""

import io
import subprocess
import sys

import numpy as np
import pytest

from tests.core.test_sgns import _planted_corpus
from w2v_gui.core.cli import main
from w2v_gui.core.config import TrainingConfig
from w2v_gui.core.formats import load_embeddings, native, save_embeddings
from w2v_gui.core.vectors import Embeddings


@pytest.fixture(scope="module")
def corpus_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("cli") / "planted.txt"
    path.write_text("\n".join(_planted_corpus(n_sent=6000)) + "\n")
    return path


def run(*argv):
    out, err = io.StringIO(), io.StringIO()
    code = main(list(map(str, argv)), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


@pytest.mark.parametrize("ext", [".npz", ".bin", ".txt"])
def test_train_writes_every_format_and_queries_read_it(tmp_path, corpus_file, ext):
    model = tmp_path / f"m{ext}"
    code, _, err = run(
        "train",
        corpus_file,
        "-o",
        model,
        "--vector-size",
        20,
        "--window",
        3,
        "--epochs",
        5,
        "--min-count",
        1,
        "--sample",
        0,
        "--workers",
        1,
    )
    assert code == 0, err
    assert "saved" in err and "vocabulary" in err
    emb = load_embeddings(model)
    assert "queen" in emb and emb.vector_size == 20
    code, out, _ = run("analogy", model, "man", "king", "woman", "--topn", 3)
    assert code == 0
    lines = [ln.split("\t") for ln in out.splitlines()]
    assert len(lines) == 3 and lines[0][0] == "queen" and float(lines[0][1]) > 0
    code, out, _ = run("similar", model, "cat", "--topn", 4)
    assert code == 0 and len(out.splitlines()) == 4
    if ext == ".npz":
        m = native.load(model)
        assert m.config.window == 3 and m.context is not None and m.state["next_job"] > 0


def test_no_shuffle_trains_in_file_order_and_the_model_says_so(tmp_path, corpus_file):
    common = ("--vector-size", 10, "--epochs", 1, "--min-count", 1, "--workers", 1)
    for name, extra in (("a", ()), ("b", ("--no-shuffle",)), ("c", ("--no-shuffle",))):
        code, _, err = run("train", corpus_file, "-o", tmp_path / f"{name}.npz", *extra, *common)
        assert code == 0, err
    a, b, c = (native.load(tmp_path / f"{n}.npz") for n in "abc")
    assert a.config.shuffle and not b.config.shuffle
    assert np.array_equal(b.embeddings.vectors, c.embeddings.vectors)
    assert not np.array_equal(a.embeddings.vectors, b.embeddings.vectors)


@pytest.mark.slow
def test_cosmul_method(tmp_path, corpus_file):
    model = tmp_path / "m.bin"
    assert (
        run(
            "train",
            corpus_file,
            "-o",
            model,
            "--vector-size",
            20,
            "--window",
            3,
            "--min-count",
            1,
            "--sample",
            0,
            "-q",
        )[0]
        == 0
    )
    code, out, _ = run("analogy", model, "man", "king", "woman", "--method", "mul")
    assert code == 0 and out.splitlines()[0].split("\t")[0] == "queen"


@pytest.mark.parametrize(
    "argv,message",
    [
        (["similar", "MODEL", "unicorn"], "unicorn"),
        (["analogy", "MODEL", "man", "king", "nobody"], "nobody"),
        (["similar", "/no/such/model.bin", "cat"], "no such file"),
        (["similar", "MODEL", "cat", "--topn", "0"], "topn"),
        (["train", "/no/such/corpus.txt", "-o", "OUT.bin"], "no such file"),
        (["train", "CORPUS", "-o", "OUT.bin", "--window", "0"], "window"),
        (["train", "CORPUS", "-o", "OUT.bin", "--alpha", "nan"], "alpha"),
        (["train", "CORPUS", "-o", "OUT.bin", "--min-count", "100000"], "min_count"),
        (["train", "CORPUS", "-o", "OUT.pkl"], ".npz"),
        (["train", "CORPUS", "-o", "/no/such/dir/x.bin"], "does not exist"),
        (["train", "CORPUS", "-o", "OUT.bin", "--epochs", "many"], "epochs"),
        (["frobnicate"], "invalid choice"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(tmp_path, corpus_file, argv, message):
    model = tmp_path / "m.bin"
    assert (
        run(
            "train",
            corpus_file,
            "-o",
            model,
            "--min-count",
            1,
            "--epochs",
            1,
            "--vector-size",
            10,
            "-q",
        )[0]
        == 0
    )
    argv = [
        a.replace("MODEL", str(model))
        .replace("CORPUS", str(corpus_file))
        .replace("OUT", str(tmp_path / "out"))
        for a in argv
    ]
    proc = subprocess.run(
        [sys.executable, "-m", "w2v_gui.core.cli", *argv],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 2
    assert message in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr
    assert "Traceback" not in proc.stderr


# -- convert and evaluate, every format ------------------------------------------------


@pytest.fixture
def small_model(tmp_path):
    rng = np.random.default_rng(4)
    words = ["king", "queen", "man", "woman", "cat", "dog", "a\u00a0b", "x"]
    return Embeddings(
        words,
        rng.standard_normal((len(words), 6)).astype(np.float32),
        counts=np.arange(len(words), 0, -1),
    )


@pytest.mark.parametrize(
    "src, dst, to",
    [
        ("m.bin", "out.txt", None),
        ("m.txt", "out.bin", None),
        ("m.npz", "vectors.tsv", None),
        ("vectors.tsv", "out.npz", None),
        ("m.vec", "g.txt", "glove"),
        ("m.bin", "noext", "glove"),
    ],
)
def test_convert_between_formats(tmp_path, small_model, src, dst, to):
    fmt = {"g.txt": "glove"}.get(src)
    save_embeddings(small_model, tmp_path / src, format=fmt)
    argv = ["convert", tmp_path / src, tmp_path / dst] + (["--to", to] if to else [])
    code, out, err = run(*argv)
    assert code == 0, err
    assert f"converted 8 vectors of 6 dimensions from {tmp_path / src}" in err
    back = load_embeddings(tmp_path / dst, format=to)
    assert back.words == small_model.words
    assert np.array_equal(back.vectors, small_model.vectors)
    # Every model-taking command reads every format.
    code, out, _ = run(
        "similar", tmp_path / dst, "king", "--topn", 2, *(["--from", to] if to else [])
    )
    assert code == 0 and len(out.splitlines()) == 2


def test_convert_limit_from_and_duplicates(tmp_path, small_model):
    glove_file = tmp_path / "glove.data"
    save_embeddings(small_model, glove_file, format="glove")
    code, _, err = run("convert", glove_file, tmp_path / "o.bin", "--from", "glove", "--limit", 3)
    assert code == 0, err
    assert load_embeddings(tmp_path / "o.bin").words == small_model.words[:3]
    (tmp_path / "dup.txt").write_text("3 2\na 1 2\nb 3 4\na 5 6\n")
    code, _, err = run("convert", tmp_path / "dup.txt", tmp_path / "d.bin", "-q")
    assert code == 0
    assert err.startswith("w2v: warning: ") and "repeated word" in err
    assert len(err.splitlines()) == 1


def _table_numbers(out, first_column):
    for line in out.splitlines():
        if line.split() and line.split()[0] == first_column:
            return line.split()[1:]
    raise AssertionError(f"no row {first_column!r} in:\n{out}")


def test_evaluate_prints_the_numbers_of_core_evaluate(tmp_path, small_model):
    from w2v_gui.core.evaluate import evaluate_analogies, evaluate_word_pairs

    model = tmp_path / "m.txt"
    save_embeddings(small_model, model, format="glove")
    questions = tmp_path / "q.txt"
    questions.write_text(
        ": royals\nman king woman queen\nking man queen woman\n"
        ": gram-pets\ncat dog cat dog\nCAT DOG X A\nmissing cat dog x\n"
    )
    pairs = tmp_path / "p.tsv"
    pairs.write_text("# comment\nking\tqueen\t8\ncat\tdog\t7\nman\tdog\t1\nunicorn\tcat\t2\n")
    for method in ("add", "mul"):
        code, out, err = run(
            "evaluate",
            model,
            "--analogies",
            questions,
            "--pairs",
            pairs,
            "--restrict-vocab",
            0,
            "--method",
            method,
        )
        assert code == 0, err
        res = evaluate_analogies(small_model, questions, restrict_vocab=None, method=method)
        assert _table_numbers(out, "royals")[:2] == [str(c) for c in res.sections[0][1:]]
        assert _table_numbers(out, "total")[:2] == [str(res.correct), str(res.total)]
        sem = res.sections[0]
        assert _table_numbers(out, "semantic")[:2] == [str(sem[1]), str(sem[2])]
        assert f"coverage: {res.total} of {res.questions} questions" in out
        assert "3CosMul" in out if method == "mul" else "3CosAdd" in out
        pr = evaluate_word_pairs(small_model, pairs, restrict_vocab=None)
        row = _table_numbers(out, "p.tsv")
        assert row == [
            str(pr.pairs),
            f"{pr.oov_ratio:.2f}%",
            f"{pr.spearman:.4f}",
            f"{pr.pearson:.4f}",
        ]
    # Only the pairs: no analogy table.
    code, out, _ = run("evaluate", model, "--pairs", pairs)
    assert code == 0 and "analogies" not in out and "p.tsv" in out


def test_evaluate_defaults_to_the_bundled_sets(tmp_path, corpus_file):
    model = tmp_path / "m.npz"
    assert (
        run(
            "train",
            corpus_file,
            "-o",
            model,
            "--vector-size",
            10,
            "--epochs",
            1,
            "--min-count",
            1,
            "-q",
        )[0]
        == 0
    )
    code, out, err = run("evaluate", model)
    assert code == 0, err
    for expected in (
        "questions-words.txt",
        "capital-common-countries",
        "gram9-plural-verbs",
        "semantic",
        "syntactic",
        "total",
        "coverage:",
        "first 30,000 words",
        "wordsim353.tsv",
        "simlex999.txt",
        "Spearman",
    ):
        assert expected in out


@pytest.mark.parametrize(
    "argv, message",
    [
        (["convert", "MODEL", "OUT.weird"], "--to"),
        (["convert", "MODEL", "OUT.bin", "--to", "hdf5"], "invalid choice"),
        (["convert", "MODEL", "/no/such/dir/x.bin"], "does not exist"),
        (["convert", "/no/such/in.bin", "OUT.bin"], "no such file"),
        (["convert", "MODEL", "OUT.bin", "--limit", "0"], "--limit"),
        (
            ["convert", "TEXTMODEL", "OUT.bin", "--from", "glove"],
            "line 1: expected a word followed by 6 numbers, found 2",
        ),
        (["convert", "JUNK", "OUT.bin"], "not a recognised vector file"),
        (["convert", "TRUNCATED", "OUT.bin"], "byte"),
        (["evaluate", "MODEL", "--analogies", "/no/such/q.txt"], "no such file"),
        (["evaluate", "MODEL", "--restrict-vocab", "-1"], "restrict-vocab"),
        (["evaluate", "MODEL", "--pairs", "JUNK"], "line 1 is not valid UTF-8"),
        (["evaluate", "MODEL", "--pairs", "TEXTMODEL"], "expected 'word1<tab>word2<tab>score'"),
        (["evaluate", "MODEL", "--method", "div"], "invalid choice"),
        (["similar", "JUNK", "cat"], "not a recognised vector file"),
    ],
)
def test_convert_and_evaluate_errors_are_one_line(tmp_path, small_model, argv, message):
    model = tmp_path / "m.bin"
    save_embeddings(small_model, model)
    save_embeddings(small_model, tmp_path / "m.txt")
    (tmp_path / "junk.dat").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    data = model.read_bytes()
    (tmp_path / "cut.bin").write_bytes(data[:-9])
    argv = [
        a.replace("TEXTMODEL", str(tmp_path / "m.txt"))
        .replace("MODEL", str(model))
        .replace("OUT", str(tmp_path / "out"))
        .replace("JUNK", str(tmp_path / "junk.dat"))
        .replace("TRUNCATED", str(tmp_path / "cut.bin"))
        for a in argv
    ]
    proc = subprocess.run(
        [sys.executable, "-m", "w2v_gui.core.cli", *argv],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 2
    assert message in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr
    assert "Traceback" not in proc.stderr


@pytest.mark.parametrize(
    "info", [f for f in TrainingConfig.field_info() if f.kind in (int, float)], ids=lambda f: f.name
)
def test_every_numeric_option_refuses_nan_negative_zero_and_huge(tmp_path, capsys, info):
    flag = "--" + info.name.replace("_", "-")
    for text in ("nan", "-1", "0", "1e12", "999999999999"):
        try:
            value = info.kind(text) if info.kind is float else int(text)
        except ValueError:
            value = None  # "nan" for a whole-number option: argparse refuses it
        try:
            TrainingConfig(**{info.name: value})
            refused = value is None
        except ValueError:
            refused = True
        argv = ["train", str(tmp_path / "missing.txt"), "-o", str(tmp_path / "o.bin"), flag, text]
        try:
            code, _, err = run(*argv)
        except SystemExit as exc:  # argparse's own refusal, on stderr
            code, err = exc.code, capsys.readouterr().err
        assert code == 2 and len(err.strip().splitlines()) == 1, (text, err)
        # Refused values name the option; accepted ones get as far as the missing corpus.
        if refused:
            assert info.name in err or flag in err, (text, err)
        else:
            assert "no such file" in err, (text, err)
        assert not (tmp_path / "o.bin").exists()
