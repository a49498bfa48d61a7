"""Vector files: round trips, files from gensim and word2vec.c, and damaged files."""

from __future__ import annotations

import json
import os
import stat
import zipfile

import numpy as np
import pytest

from core.config import TrainingConfig
from core.errors import FormatError
from core.formats import (
    NATIVE,
    WORD2VEC_BINARY,
    WORD2VEC_TEXT,
    atomic_write,
    detect_format,
    load_embeddings,
    native,
    save_embeddings,
    word2vec,
)
from core.vectors import Embeddings

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
    with pytest.raises(UnicodeDecodeError):
        word2vec.load(path, unicode_errors="strict")


def test_text_variants(tmp_path):
    body = "3 2\r\nfoo 1 2 \r\nbar 3.5 -4e-1\r\n\r\nbaz  inf\t0"  # CRLF, trailing space, blank
    path = tmp_path / "t.txt"  # line, double space, tab, no final newline
    path.write_bytes(body.encode())
    back = word2vec.load(path)
    assert back.words == ("foo", "bar", "baz")
    assert back.vectors.tolist() == [[1, 2], [3.5, np.float32(-0.4)], [np.inf, 0]]
    path.write_bytes(b"2 2\nfoo 1 2\nbar 3 4")
    assert word2vec.load(path).vectors.tolist() == [[1, 2], [3, 4]]
    # Irregular separators must not let numbers slide from one line to the next.
    path.write_bytes(b"2 2\nfoo 1\t2 3\nbar  4\n")
    with pytest.raises(FormatError, match="line 2: expected 2 numbers after the word, found 3"):
        word2vec.load(path)


def test_duplicate_words_keep_first(tmp_path):
    path = tmp_path / "d.txt"
    path.write_bytes(b"3 1\na 1\nb 2\na 3\n")
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
        path.write_bytes(f"4 {emb.vector_size}".encode() + data[data.index(b"\n"):])
        back = word2vec.load(path)
        assert back.words == emb.words[:4]
        assert np.array_equal(back.vectors, emb.vectors[:4])


def test_float16_dtype_rounds_like_gensim(tmp_path, emb):
    path = tmp_path / "h.bin"
    word2vec.save(emb, path, binary=True)
    back = word2vec.load(path, dtype=np.float16)
    theirs = gensim_kv.KeyedVectors.load_word2vec_format(str(path), binary=True,
                                                         datatype=np.float16)
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
    path.write_bytes(f"{len(emb) + 1} 7".encode() + data[data.index(b"\n"):])
    with pytest.raises(FormatError, match="byte"):
        word2vec.load(path)
    # A huge promise is refused before anything of that size is allocated.
    path.write_bytes(b"1000000000000 300\n" + data[data.index(b"\n") + 1:])
    with pytest.raises(FormatError, match="header promises"):
        word2vec.load(path, binary=True)

    text = tmp_path / "h.txt"
    text.write_bytes(b"3 2\na 1 2\nb 3 4\n")
    with pytest.raises(FormatError, match="promises 3 vectors but only 2"):
        word2vec.load(text)


@pytest.mark.parametrize("content, message", [
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
])
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


@pytest.mark.parametrize("change, message", [
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
    (dict(words=np.array(["a"], dtype=object)), "cannot be read"),
])
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
