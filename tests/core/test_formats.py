"""Vector files: round trips, files from gensim and word2vec.c, and damaged files."""

from __future__ import annotations

import json
import os
import stat
import warnings
import zipfile

import numpy as np
import pytest

from w2v_gui.core.config import TrainingConfig
from w2v_gui.core.errors import DuplicateWordWarning, FormatError
from w2v_gui.core.formats import (
    FORMATS,
    GLOVE,
    NATIVE,
    PROJECTOR,
    WORD2VEC_BINARY,
    WORD2VEC_TEXT,
    atomic_write,
    detect_format,
    glove,
    load_embeddings,
    native,
    projector,
    save_embeddings,
    word2vec,
)
from w2v_gui.core.vectors import Embeddings

gensim_kv = pytest.importorskip("gensim.models.keyedvectors")


@pytest.fixture
def emb():
    rng = np.random.default_rng(11)
    words = ["the", "of", "Zürich", "naïve", "日本", "a\u00a0b", "x-y", "it's"]
    words += [f"w{i}" for i in range(40)]
    vectors = rng.standard_normal((len(words), 7)).astype(np.float32)
    vectors[3] = 0
    vectors[4, 0] = 1e-38  # subnormal-ish values survive text too
    return Embeddings(words, vectors, counts=np.arange(len(words))[::-1] * 10)


def _gensim(emb):
    kv = gensim_kv.KeyedVectors(emb.vector_size)
    kv.add_vectors(list(emb.words), emb.vectors)
    return kv


def _gensim_no_header(path, **kw):
    # gensim 4.4 reopens the file for no_header=True and never closes the second handle.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        return gensim_kv.KeyedVectors.load_word2vec_format(str(path), no_header=True, **kw)


def _w2v_bytes(words, vectors, *, newline=b"", header=None):
    n, dim = vectors.shape
    out = header if header is not None else f"{n} {dim}\n".encode()
    for w, v in zip(words, vectors, strict=True):
        word = w if isinstance(w, bytes) else w.encode()
        out += word + b" " + v.astype("<f4").tobytes() + newline
    return out


# -- round trips ----------------------------------------------------------------------


@pytest.mark.parametrize("name, binary", [("v.bin", True), ("v.txt", False), ("v.vec", False)])
def test_word2vec_round_trip(tmp_path, emb, name, binary):
    path = tmp_path / name
    word2vec.save(emb, path, binary=binary)
    back = word2vec.load(path)
    assert back.words == emb.words
    assert np.array_equal(back.vectors, emb.vectors)  # text too: 9 digits round-trip float32
    assert back.counts.tolist() == [0] * len(emb)
    assert detect_format(path) == (WORD2VEC_BINARY if binary else WORD2VEC_TEXT)


def test_native_round_trip(tmp_path, emb):
    path = tmp_path / "model.npz"
    context = np.random.default_rng(1).standard_normal(emb.vectors.shape)
    config = TrainingConfig(vector_size=7, window=3, epochs=2)
    state = {"epoch": 1, "words_done": np.int64(12345), "loss": [0.5, np.float32(0.25)]}
    native.save(path, emb, context=context, config=config, state=state)
    model = native.load(path)
    assert model.embeddings.words == emb.words
    assert np.array_equal(model.embeddings.vectors, emb.vectors)
    assert np.array_equal(model.embeddings.counts, emb.counts)
    assert model.context.dtype == np.float32
    assert np.array_equal(model.context, context.astype(np.float32))
    assert model.config == config
    assert model.state == {"epoch": 1, "words_done": 12345, "loss": [0.5, 0.25]}
    # Plain arrays only: readable without pickle, words as bytes + offsets.
    with np.load(path, allow_pickle=False) as z:
        assert all(z[k].dtype != object for k in z.files)
        assert z["words"].dtype == np.uint8 and z["word_offsets"].dtype == np.int64
        assert int(z["format_version"]) == 1
    assert detect_format(path) == NATIVE

    native.save(path, emb)
    bare = native.load(path)
    assert bare.context is None and bare.config is None and bare.state == {}


def test_dispatch_by_extension(tmp_path, emb):
    for name in ("a.bin", "a.txt", "a.vec", "a.npz"):
        save_embeddings(emb, tmp_path / name)
        back = load_embeddings(tmp_path / name)
        assert back.words == emb.words and np.array_equal(back.vectors, emb.vectors)
    assert load_embeddings(tmp_path / "a.npz").counts.tolist() == emb.counts.tolist()
    save_embeddings(emb, tmp_path / "noext", format=WORD2VEC_TEXT)
    assert detect_format(tmp_path / "noext") == WORD2VEC_TEXT
    os.replace(tmp_path / "a.bin", tmp_path / "a.dat")
    assert detect_format(tmp_path / "a.dat") == WORD2VEC_BINARY
    os.replace(tmp_path / "a.npz", tmp_path / "a.model")
    assert detect_format(tmp_path / "a.model") == NATIVE
    # A text file named .bin is common; the content decides.
    os.replace(tmp_path / "a.txt", tmp_path / "text.bin")
    assert detect_format(tmp_path / "text.bin") == WORD2VEC_TEXT
    assert load_embeddings(tmp_path / "text.bin").words == emb.words
    with pytest.raises(ValueError):
        save_embeddings(emb, tmp_path / "a.weird")
    (tmp_path / "junk.dat").write_bytes(b"hello world\n")
    with pytest.raises(FormatError):
        detect_format(tmp_path / "junk.dat")


# -- other tools' files ---------------------------------------------------------------


@pytest.mark.parametrize("binary", [True, False])
def test_gensim_files_load_identically(tmp_path, emb, binary):
    path = tmp_path / ("g.bin" if binary else "g.txt")
    _gensim(emb).save_word2vec_format(str(path), binary=binary)
    ours = word2vec.load(path)
    theirs = gensim_kv.KeyedVectors.load_word2vec_format(str(path), binary=binary)
    assert ours.words == tuple(theirs.index_to_key) == emb.words
    assert np.array_equal(ours.vectors, theirs.vectors)
    assert np.array_equal(ours.vectors, emb.vectors)


@pytest.mark.parametrize("binary", [True, False])
def test_our_files_load_identically_in_gensim(tmp_path, emb, binary):
    path = tmp_path / ("o.bin" if binary else "o.txt")
    word2vec.save(emb, path, binary=binary)
    theirs = gensim_kv.KeyedVectors.load_word2vec_format(str(path), binary=binary)
    assert tuple(theirs.index_to_key) == emb.words
    assert np.array_equal(theirs.vectors, emb.vectors)


def test_word2vec_c_binary_with_newlines(tmp_path, emb):
    path = tmp_path / "c.bin"
    path.write_bytes(_w2v_bytes(emb.words, emb.vectors, newline=b"\n"))
    back = word2vec.load(path)
    assert back.words == emb.words and np.array_equal(back.vectors, emb.vectors)
    theirs = gensim_kv.KeyedVectors.load_word2vec_format(str(path), binary=True)
    assert back.words == tuple(theirs.index_to_key)


def test_binary_word_bytes(tmp_path):
    vectors = np.arange(9, dtype=np.float32).reshape(3, 3)
    vectors[1, 1] = np.frombuffer(b"  \n ", dtype="<f4")[0]  # spaces and a newline in a vector
    path = tmp_path / "u.bin"
    path.write_bytes(_w2v_bytes(["nb\u00a0sp", b"bad\xff\xfeword", "end"], vectors))
    back = word2vec.load(path)
    assert back.words == ("nb\u00a0sp", "bad\ufffd\ufffdword", "end")
    assert np.array_equal(back.vectors, vectors)
    with pytest.raises(FormatError, match="not valid utf-8") as info:
        word2vec.load(path, unicode_errors="strict")
    assert info.value.offset == len(b"3 3\n") + len("nb\u00a0sp ".encode()) + 12


def test_text_variants(tmp_path):
    body = "3 2\r\nfoo 1 2 \r\nbar 3.5 -4e-1\r\n\r\nbaz  7\t0"  # CRLF, trailing space, blank
    path = tmp_path / "t.txt"  # line, double space, tab, no final newline
    path.write_bytes(body.encode())
    back = word2vec.load(path)
    assert back.words == ("foo", "bar", "baz")
    assert back.vectors.tolist() == [[1, 2], [3.5, np.float32(-0.4)], [7, 0]]
    path.write_bytes(b"2 2\nfoo 1 2\nbar 3 4")
    assert word2vec.load(path).vectors.tolist() == [[1, 2], [3, 4]]
    # Irregular separators must not let numbers slide from one line to the next.
    path.write_bytes(b"2 2\nfoo 1\t2 3\nbar  4\n")
    with pytest.raises(FormatError, match="line 2: expected 2 numbers after the word, found 3"):
        word2vec.load(path)


def test_duplicate_words_keep_first(tmp_path):
    path = tmp_path / "d.txt"
    path.write_bytes(b"3 1\na 1\nb 2\na 3\n")
    with pytest.warns(DuplicateWordWarning, match="1 repeated word.*'a' at vector 3"):
        back = word2vec.load(path)
    assert back.words == ("a", "b") and back.vectors.ravel().tolist() == [1, 2]


def test_limit_and_short_header_count(tmp_path, emb):
    for binary in (True, False):
        path = tmp_path / ("l.bin" if binary else "l.txt")
        word2vec.save(emb, path, binary=binary)
        assert word2vec.load(path, limit=5).words == emb.words[:5]
        assert word2vec.load(path, limit=0).words == ()
        path.write_bytes(b"0 7")
        assert word2vec.load(path, binary=binary).vectors.shape == (0, 7)
        word2vec.save(emb, path, binary=binary)
        # A header that promises fewer vectors than the file holds: read only those.
        data = path.read_bytes()
        path.write_bytes(f"4 {emb.vector_size}".encode() + data[data.index(b"\n") :])
        back = word2vec.load(path)
        assert back.words == emb.words[:4]
        assert np.array_equal(back.vectors, emb.vectors[:4])


def test_float16_dtype_rounds_like_gensim(tmp_path, emb):
    path = tmp_path / "h.bin"
    word2vec.save(emb, path, binary=True)
    back = word2vec.load(path, dtype=np.float16)
    theirs = gensim_kv.KeyedVectors.load_word2vec_format(
        str(path), binary=True, datatype=np.float16
    )
    assert back.vectors.dtype == np.float32
    assert np.array_equal(back.vectors, theirs.vectors.astype(np.float32))


# -- damaged files --------------------------------------------------------------------


def test_truncated_binary(tmp_path, emb):
    path = tmp_path / "t.bin"
    word2vec.save(emb, path, binary=True)
    data = path.read_bytes()
    path.write_bytes(data[:-5])
    with pytest.raises(FormatError) as info:
        word2vec.load(path)
    err = info.value
    assert err.offset is not None and f"(byte {err.offset})" in str(err)
    assert str(path) in str(err) and "truncated" in str(err)
    assert f"word {emb.words[-1]!r}" in str(err)


def test_header_count_too_large(tmp_path, emb):
    path = tmp_path / "h.bin"
    word2vec.save(emb, path, binary=True)
    data = path.read_bytes()
    path.write_bytes(f"{len(emb) + 1} 7".encode() + data[data.index(b"\n") :])
    with pytest.raises(FormatError, match="byte"):
        word2vec.load(path)
    # A huge promise is refused before anything of that size is allocated.
    path.write_bytes(b"1000000000000 300\n" + data[data.index(b"\n") + 1 :])
    with pytest.raises(FormatError, match="header promises"):
        word2vec.load(path, binary=True)

    text = tmp_path / "h.txt"
    text.write_bytes(b"3 2\na 1 2\nb 3 4\n")
    with pytest.raises(FormatError, match="promises 3 vectors but only 2"):
        word2vec.load(text)


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "first line"),
        (b"hello\n", "first line"),
        (b"3 x\n", "first line"),
        (b"1 0\nfoo\n", "first line"),
        (b"2 3", "ends after the header"),
        (b"2 2\na 1 2\nb 3 four\n", "line 3: 'four' is not a number"),
        (b"2 2\na 1 2\nb 3\n", "line 3: expected 2 numbers after the word, found 1"),
        (b"2 2\na 1 2\nb 3 4 5\n", "line 3: expected 2 numbers"),
        (b"2 2\na 1 2 3\nb 3\n", "line 2: expected 2 numbers"),
        (b"1 2\nlonely\n", "line 2: expected a word"),
    ],
)
def test_bad_text_files(tmp_path, content, message):
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    with pytest.raises(FormatError) as info:
        word2vec.load(path, binary=False)
    assert message in str(info.value) and str(path) in str(info.value)


def test_unsavable_words(tmp_path):
    for word in ("two words", "line\nbreak", ""):
        with pytest.raises(FormatError):
            word2vec.save(Embeddings([word], np.ones((1, 2))), tmp_path / "x.bin", binary=True)
    assert not list(tmp_path.iterdir())  # nothing half-written


def _rewrite_npz(src, dst, drop=(), **replace):
    with np.load(src, allow_pickle=False) as z:
        arrays = {k: z[k] for k in z.files if k not in drop}
    arrays.update(replace)
    np.savez(dst, **arrays)


@pytest.mark.parametrize(
    "change, message",
    [
        (dict(drop=["vectors"]), "missing: vectors"),
        (dict(drop=["format_version"]), "no format_version"),
        (dict(format_version=np.array(2)), "newer version"),
        (dict(format_version=np.array(0)), "invalid format_version"),
        (dict(vectors=np.zeros(3, np.float32)), "vectors must be"),
        (dict(word_offsets=np.array([0, 1], np.int64)), "word_offsets"),
        (dict(counts=np.zeros(2, np.int64)), "counts"),
        (dict(context=np.zeros((1, 1), np.float32)), "context"),
        (dict(config_json=np.frombuffer(b"{bad", np.uint8)), "config_json is not valid JSON"),
        (dict(config_json=np.frombuffer(b'{"window": -3}', np.uint8)), "invalid training config"),
        (dict(state_json=np.frombuffer(b"[1]", np.uint8)), "state_json must hold"),
        (dict(words=np.array(["a"], dtype=object)), "unpickling; refused"),
    ],
)
def test_bad_native_files(tmp_path, emb, change, message):
    good, bad = tmp_path / "good.npz", tmp_path / "bad.npz"
    native.save(good, emb, config=TrainingConfig())
    _rewrite_npz(good, bad, **change)
    with pytest.raises(FormatError) as info:
        native.load(bad)
    assert message in str(info.value) and str(bad) in str(info.value)


def test_not_native_files(tmp_path, emb):
    path = tmp_path / "x.npz"
    np.save(tmp_path / "x.npy", np.zeros(3))
    os.replace(tmp_path / "x.npy", path)
    with pytest.raises(FormatError, match="npz"):
        native.load(path)
    path.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(FormatError):
        native.load(path)
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("other.txt", "hi")
    with pytest.raises(FormatError, match="format_version"):
        native.load(path)
    with pytest.raises(FileNotFoundError):
        native.load(tmp_path / "missing.npz")


# -- atomic saving --------------------------------------------------------------------


def test_atomic_write_keeps_old_file_on_error(tmp_path):
    path = tmp_path / "f.txt"
    path.write_bytes(b"old")
    with pytest.raises(RuntimeError):
        with atomic_write(path) as f:
            f.write(b"new, half")
            raise RuntimeError("disk full")
    assert path.read_bytes() == b"old"
    assert os.listdir(tmp_path) == ["f.txt"]
    with atomic_write(path, "w") as f:
        f.write("new\n")
    assert path.read_bytes() == b"new\n" and os.listdir(tmp_path) == ["f.txt"]
    # Permissions as a plain open() would give, not mkstemp's 0600.
    umask = os.umask(0)
    os.umask(umask)
    if os.name == "posix":
        assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~umask


def test_state_must_be_json(tmp_path, emb):
    with pytest.raises(TypeError):
        native.save(tmp_path / "s.npz", emb, state={"x": object()})
    assert not list(tmp_path.iterdir())
    native.save(tmp_path / "s.npz", emb, state={"nested": {"a": [1, 2]}})
    with np.load(tmp_path / "s.npz", allow_pickle=False) as z:
        assert json.loads(z["state_json"].tobytes()) == {"nested": {"a": [1, 2]}}


# -- GloVe, fastText .vec, projector ----------------------------------------------------


def _spacey_emb():
    words = ["the", "new york", "a\u00a0b", "top 10", " lead", "trail ", "2019", "nan", "é"]
    vectors = np.random.default_rng(5).standard_normal((len(words), 4)).astype(np.float32)
    return Embeddings(words, vectors)


@pytest.mark.parametrize("make", [lambda: None, _spacey_emb])
def test_glove_round_trip(tmp_path, emb, make):
    emb = make() or emb
    path = tmp_path / "glove.6B.7d.txt"
    save_embeddings(emb, path, format=GLOVE)
    assert not path.read_bytes().startswith(b"%d " % len(emb))  # no header
    back = glove.load(path)
    assert back.words == emb.words  # spaces and NBSP inside words survive
    assert np.array_equal(back.vectors, emb.vectors)
    assert detect_format(path) == GLOVE
    assert load_embeddings(path).words == emb.words
    assert glove.load(path, limit=3).words == emb.words[:3]
    assert glove.load(path, vector_size=emb.vector_size).words == emb.words


def test_glove_with_gensim(tmp_path, emb):
    # gensim's header-less text is GloVe; its reader is load_word2vec_format(no_header=True).
    theirs_path = tmp_path / "gensim.txt"
    _gensim(emb).save_word2vec_format(str(theirs_path), write_header=False)
    ours = glove.load(theirs_path)
    assert ours.words == emb.words and np.array_equal(ours.vectors, emb.vectors)
    assert detect_format(theirs_path) == GLOVE

    ours_path = tmp_path / "ours.txt"
    glove.save(emb, ours_path)
    theirs = _gensim_no_header(ours_path)
    assert tuple(theirs.index_to_key) == emb.words
    assert np.array_equal(theirs.vectors, emb.vectors)
    # gensim's converter adds the header: then it is word2vec text, equal again.
    from gensim.scripts.glove2word2vec import glove2word2vec

    converted = tmp_path / "converted.txt"
    with pytest.warns(DeprecationWarning), warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)  # it leaks a handle as well
        glove2word2vec(str(ours_path), str(converted))  # deprecated, but people use it
    back = load_embeddings(converted)
    assert detect_format(converted) == WORD2VEC_TEXT
    assert back.words == emb.words and np.array_equal(back.vectors, emb.vectors)


def test_glove_float16_like_gensim(tmp_path, emb):
    path = tmp_path / "g.txt"
    glove.save(emb, path)
    theirs = _gensim_no_header(path, datatype=np.float16)
    assert np.array_equal(
        glove.load(path, dtype=np.float16).vectors, theirs.vectors.astype(np.float32)
    )


def test_glove_edge_cases(tmp_path):
    path = tmp_path / "g.txt"
    # BOM, CRLF, blank line, tab and double space, trailing space, no final newline.
    path.write_bytes(b"\xef\xbb\xbfthe 1 2\r\nof  3\t4 \r\n\r\nnew york 5 6\nend 7 8")
    back = glove.load(path)
    assert back.words == ("the", "of", "new york", "end")
    assert back.vectors.tolist() == [[1, 2], [3, 4], [5, 6], [7, 8]]
    # The dimension is what most first lines agree on, not what the first word suggests.
    path.write_bytes(b"top 10 1 2\na 3 4\nb 5 6\n")
    assert glove.load(path).words == ("top 10", "a", "b")
    # Bad UTF-8 is replaced, or with "strict" named with its line and byte.
    path.write_bytes(b"ok 1 2\nbad\xff 3 4\n")
    assert glove.load(path).words == ("ok", "bad\ufffd")
    with pytest.raises(FormatError, match="line 2: the word is not valid utf-8") as info:
        glove.load(path, unicode_errors="strict")
    assert info.value.offset == 7


@pytest.mark.parametrize(
    "content, message, offset",
    [
        (b"", "empty", 0),
        (b"hello world\nfoo bar\n", "not a GloVe file", 0),
        (b"a 1 2\nb 3 4\nc 5", "line 3: expected a word followed by 2 numbers, found 2", 12),
        (b"a 1 2\nb 3 x\nc 5 6\n", "line 2: 'x' is not a number", 6),
        (b"a 1 2\nb 3 4\n 5 6\n", "line 3: expected a word", 12),
    ],
)
def test_bad_glove_files(tmp_path, content, message, offset):
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    with pytest.raises(FormatError) as info:
        glove.load(path)
    assert message in str(info.value) and str(path) in str(info.value)
    assert info.value.offset == offset


def test_fasttext_vec(tmp_path):
    # fastText's .vec: a header, "</s>" first, a space after the last number of each line.
    rng = np.random.default_rng(3)
    words = ["</s>", "the", "Straße", "a\u00a0b", "x"]
    vectors = rng.standard_normal((5, 3)).astype(np.float32)
    lines = [
        f"{w} " + "".join(f"{v:.4f} " for v in row) for w, row in zip(words, vectors, strict=True)
    ]
    path = tmp_path / "wiki.en.vec"
    path.write_text("5 3\n" + "\n".join(lines) + "\n", encoding="utf-8")
    assert detect_format(path) == WORD2VEC_TEXT
    ours = load_embeddings(path)
    theirs = gensim_kv.KeyedVectors.load_word2vec_format(str(path))
    assert ours.words == tuple(words) == tuple(theirs.index_to_key)
    assert np.array_equal(ours.vectors, theirs.vectors)
    assert load_embeddings(path, format="fasttext").words == ours.words


@pytest.mark.parametrize("counts", [True, False])
def test_projector_round_trip(tmp_path, emb, counts):
    if not counts:
        emb = Embeddings(emb.words, emb.vectors)
    path = tmp_path / "vectors.tsv"
    save_embeddings(emb, path)
    meta = (tmp_path / "metadata.tsv").read_text(encoding="utf-8").splitlines()
    assert len(meta) == len(emb) + counts  # header row only with several columns
    assert (meta[0] == "word\tcount") == counts
    assert len((tmp_path / "vectors.tsv").read_text().splitlines()[0].split("\t")) == 7
    for p in (path, tmp_path / "metadata.tsv"):  # either file of the pair can be named
        back = load_embeddings(p, format=PROJECTOR)
        assert back.words == emb.words
        assert np.array_equal(back.vectors, emb.vectors)
        assert np.array_equal(back.counts, emb.counts)
    assert detect_format(path) == PROJECTOR
    assert projector.load(path, limit=2).words == emb.words[:2]


def test_projector_file_names(tmp_path, emb):
    assert projector.metadata_path("a/vectors.tsv") == os.path.join("a", "metadata.tsv")
    assert projector.metadata_path("glove_vectors.tsv") == "glove_metadata.tsv"
    assert projector.metadata_path("emb.tsv") == "emb_metadata.tsv"
    save_embeddings(emb, tmp_path / "emb.tsv")
    assert load_embeddings(tmp_path / "emb.tsv").words == emb.words
    projector.save(emb, tmp_path / "v.tsv", metadata=tmp_path / "labels.tsv")
    assert projector.load(tmp_path / "v.tsv", metadata=tmp_path / "labels.tsv").words == emb.words
    os.replace(tmp_path / "labels.tsv", tmp_path / "metadata.tsv")  # the plain name beside it
    assert projector.load(tmp_path / "v.tsv").words == emb.words
    os.remove(tmp_path / "metadata.tsv")
    with pytest.raises(FormatError, match="v_metadata.tsv"):
        projector.load(tmp_path / "v.tsv")
    with pytest.raises(FormatError):
        projector.save(Embeddings(["a\tb"], np.ones((1, 2))), tmp_path / "x.tsv")
    assert not (tmp_path / "x.tsv").exists() and not (tmp_path / "x_metadata.tsv").exists()


def test_projector_metadata_variants(tmp_path):
    vec = tmp_path / "vectors.tsv"
    meta = tmp_path / "metadata.tsv"
    vec.write_bytes(b"1\t2\r\n3\t4\r\n\r\n5\t6")  # CRLF, blank line, no final newline
    meta.write_bytes(b"id\tLabel\tcount\r\n0\tfoo\t7\r\n1\tn\xc2\xa0b\t8\r\n2\tbaz\t9\r\n\r\n")
    back = projector.load(vec)
    assert back.words == ("foo", "n\u00a0b", "baz") and back.counts.tolist() == [7, 8, 9]
    assert back.vectors.tolist() == [[1, 2], [3, 4], [5, 6]]
    meta.write_bytes(b"word\nfoo\nbar\nbaz\n")  # one column: no header, so 4 rows
    with pytest.raises(FormatError, match="4 rows .* 3 vectors .*no header row"):
        projector.load(vec)
    meta.write_bytes(b"word\tcount\nfoo\t1\nbar\tmany\nbaz\t3\n")
    with pytest.raises(FormatError, match="line 3: the count 'many'") as info:
        projector.load(vec)
    assert info.value.offset == len(b"word\tcount\nfoo\t1\n")
    meta.write_bytes(b"foo\nb\xffr\nbaz\n")
    assert projector.load(vec).words[1] == "b\ufffdr"
    with pytest.raises(FormatError, match="line 2 is not valid utf-8") as info:
        projector.load(vec, unicode_errors="strict")
    assert info.value.offset == 5
    meta.write_bytes(b"foo\nbar\nbaz\n")
    vec.write_bytes(b"1\t2\n3\t4\t5\n6\t7\n")
    with pytest.raises(FormatError, match="line 2: expected 2 numbers, found 3") as info:
        projector.load(vec)
    assert info.value.offset == 4
    vec.write_bytes(b"1\t2\n3\tx\n6\t7\n")
    with pytest.raises(FormatError, match="line 2: 'x' is not a number"):
        projector.load(vec)


def test_duplicates_warn_in_every_format(tmp_path):
    emb = Embeddings(["a", "b", "a"], np.arange(6, dtype=np.float32).reshape(3, 2))
    for name, fmt in [
        ("d.bin", WORD2VEC_BINARY),
        ("d.txt", WORD2VEC_TEXT),
        ("g.txt", GLOVE),
        ("vectors.tsv", PROJECTOR),
    ]:
        save_embeddings(emb, tmp_path / name, format=fmt)
        with pytest.warns(DuplicateWordWarning, match=r"'a' at \w+ 3"):
            back = load_embeddings(tmp_path / name)
        assert back.words == ("a", "b") and back.vectors.tolist() == [[0, 1], [2, 3]]


@pytest.mark.parametrize(
    "fmt, name",
    [
        (WORD2VEC_BINARY, "p.bin"),
        (WORD2VEC_TEXT, "p.txt"),
        (GLOVE, "p.txt"),
        (PROJECTOR, "vectors.tsv"),
        (NATIVE, "p.npz"),
    ],
)
def test_options_and_progress_in_every_format(tmp_path, monkeypatch, emb, fmt, name):
    from w2v_gui.core.formats import _common

    monkeypatch.setattr(_common, "BLOCK", 64)  # many blocks, lines across block edges
    path = tmp_path / name
    save_embeddings(emb, path, format=fmt)
    calls = []
    back = load_embeddings(
        path, format=fmt, progress=lambda done, total: calls.append((done, total))
    )
    assert back.words == emb.words and np.array_equal(back.vectors, emb.vectors)
    assert calls and calls[-1][0] == calls[-1][1] > 0
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)
    if fmt != NATIVE:
        assert len(calls) > 2
    assert load_embeddings(path, format=fmt, limit=5).words == emb.words[:5]
    assert load_embeddings(path, format=fmt, limit=0).words == ()
    half = load_embeddings(path, format=fmt, dtype=np.float16)
    assert np.array_equal(half.vectors, emb.vectors.astype(np.float16).astype(np.float32))
    with pytest.raises(ValueError, match="dtype"):
        load_embeddings(path, format=fmt, dtype=np.int32)
    with pytest.raises(ValueError, match="limit"):
        load_embeddings(path, format=fmt, limit=-1)

    class Cancelled(Exception):
        pass

    def cancel(done, total):
        raise Cancelled

    with pytest.raises(Cancelled):  # the GUI cancels a load by raising from progress
        load_embeddings(path, format=fmt, progress=cancel)


@pytest.mark.parametrize(
    "fmt, name",
    [
        (WORD2VEC_BINARY, "p.bin"),
        (WORD2VEC_TEXT, "p.txt"),
        (GLOVE, "p.txt"),
        (PROJECTOR, "vectors.tsv"),
        (NATIVE, "p.npz"),
    ],
)
def test_every_saver_reports_progress_and_a_cancelled_save_keeps_the_old_file(
    tmp_path, monkeypatch, emb, fmt, name
):
    from w2v_gui.core.formats import _common

    monkeypatch.setattr(_common, "WRITE_BYTES", 64)  # a write every few vectors
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    calls = []
    save_embeddings(
        emb, fresh / name, format=fmt, progress=lambda done, total: calls.append((done, total))
    )
    total = calls[-1][1]
    assert len(calls) > 3 and calls[0] == (0, total) and calls[-1] == (total, total) > (0, 0)
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)
    assert {t for _, t in calls} == {total}
    back = load_embeddings(fresh / name, format=fmt)
    assert back.words == emb.words and np.array_equal(back.vectors, emb.vectors)
    if fmt == NATIVE:  # still what plain NumPy reads, as np.savez wrote it before
        with np.load(fresh / name, allow_pickle=False) as z:
            assert np.array_equal(z["vectors"], emb.vectors)
            assert np.array_equal(z["counts"], emb.counts) and z["format_version"].shape == ()

    old = tmp_path / "old"
    old.mkdir()
    save_embeddings(Embeddings(emb.words, emb.vectors * 2, emb.counts + 1), old / name, format=fmt)
    before = {p.name: p.read_bytes() for p in old.iterdir()}

    class Cancelled(Exception):
        pass

    seen = []

    def cancel(done, total):
        seen.append(done)
        if len(seen) == 3:  # after some vectors were written to the temporary file
            assert any(p.name.endswith(".tmp") for p in old.iterdir())
            raise Cancelled

    with pytest.raises(Cancelled):
        save_embeddings(emb, old / name, format=fmt, progress=cancel)
    assert seen[-1] > 0
    assert {p.name: p.read_bytes() for p in old.iterdir()} == before  # and no temporaries


def test_truncated_text_files_name_line_and_offset(tmp_path, emb):
    for fmt, name, first in [(WORD2VEC_TEXT, "t.txt", 2), (GLOVE, "g.txt", 1)]:
        path = tmp_path / name
        save_embeddings(emb, path, format=fmt)
        data = path.read_bytes()
        cut = data.rindex(b" ", 0, len(data) - 30)  # inside the last line's numbers
        path.write_bytes(data[:cut])
        with pytest.raises(FormatError) as info:
            load_embeddings(path, format=fmt)
        last = first + len(emb) - 1
        assert f"line {last}: expected " in str(info.value)
        assert info.value.offset == data.rindex(b"\n", 0, cut) + 1


def test_format_names(tmp_path, emb):
    assert set(FORMATS) == {"word2vec-binary", "word2vec-text", "glove", "projector", "native"}
    with pytest.raises(ValueError, match="unknown format 'hdf5'"):
        load_embeddings(tmp_path / "x", format="hdf5")
    with pytest.raises(ValueError, match="unknown format"):
        save_embeddings(emb, tmp_path / "x.bin", format="pickle")
    # Content decides between word2vec text and GloVe for .txt, and recognises a
    # projector vectors file under any name.
    save_embeddings(emb, tmp_path / "vectors.tsv")
    os.replace(tmp_path / "vectors.tsv", tmp_path / "vectors.data")
    assert detect_format(tmp_path / "vectors.data") == PROJECTOR
