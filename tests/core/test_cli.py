"""The w2v command: train → files, queries, and one-line errors with exit status 2."""

import io
import subprocess
import sys

import pytest

from core.cli import main
from core.formats import load_embeddings, native
from tests.core.test_sgns import _planted_corpus


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
    code, _, err = run("train", corpus_file, "-o", model, "--vector-size", 20, "--window", 3,
                       "--epochs", 5, "--min-count", 1, "--sample", 0, "--workers", 1)
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


def test_cosmul_method(tmp_path, corpus_file):
    model = tmp_path / "m.bin"
    assert run("train", corpus_file, "-o", model, "--vector-size", 20, "--window", 3,
               "--min-count", 1, "--sample", 0, "-q")[0] == 0
    code, out, _ = run("analogy", model, "man", "king", "woman", "--method", "mul")
    assert code == 0 and out.splitlines()[0].split("\t")[0] == "queen"


@pytest.mark.parametrize("argv,message", [
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
])
def test_bad_input_is_one_line_and_exit_2(tmp_path, corpus_file, argv, message):
    model = tmp_path / "m.bin"
    assert run("train", corpus_file, "-o", model, "--min-count", 1, "--epochs", 1,
               "--vector-size", 10, "-q")[0] == 0
    argv = [a.replace("MODEL", str(model)).replace("CORPUS", str(corpus_file))
            .replace("OUT", str(tmp_path / "out")) for a in argv]
    proc = subprocess.run([sys.executable, "-m", "core.cli", *argv], capture_output=True,
                          text=True, check=False)
    assert proc.returncode == 2
    assert message in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr
    assert "Traceback" not in proc.stderr
