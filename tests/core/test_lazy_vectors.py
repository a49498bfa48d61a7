"""Big files opened for a few queries: a word2vec binary read in place (FileRows, words
left as bytes), and native files that store the row lengths (open reads no matrix).
Results must equal the eager loads and a float64 brute force; old files must still open;
exported vectors stay bit-identical."""

from __future__ import annotations

import zipfile

import numpy as np
import pytest

from w2v_gui.core import wordlist
from w2v_gui.core.errors import DuplicateWordWarning, FormatError
from w2v_gui.core.filerows import FileRows
from w2v_gui.core.formats import load_embeddings, native, npz, save_embeddings, word2vec
from w2v_gui.core.nearest import row_norms
from w2v_gui.core.vectors import Embeddings
from w2v_gui.core.wordlist import WordList

N, DIM = 2000, 16


@pytest.fixture(scope="module")
def emb():
    rng = np.random.default_rng(5)
    vectors = rng.standard_normal((N, DIM)).astype(np.float32)
    vectors[9] = 0  # a zero row scores 0
    vectors[10:20] = np.frombuffer(b"\x20\x0a\x20\x3f" * (10 * DIM), dtype="<f4").reshape(10, DIM)
    stems = ["w", "Wé", "日本", "a", "x_y"]
    return Embeddings([f"{stems[i % 5]}{i}" for i in range(N)], vectors)


def reference(emb: Embeddings, query_row: int) -> list[str]:
    m = np.asarray(emb.vectors, dtype=np.float64)
    norms = np.linalg.norm(m, axis=1)
    cos = (m @ m[query_row]) / np.where(norms > 0, norms, 1) / norms[query_row]
    order = sorted(range(len(m)), key=lambda i: (-cos[i], i))
    return [emb.words[i] for i in order if i != query_row][:10]


def no_decoding(monkeypatch):
    def refuse(self):
        raise AssertionError("all words were decoded")

    monkeypatch.setattr(WordList, "materialize", refuse)


def test_lazy_binary_answers_as_the_eager_load_without_a_matrix(tmp_path, emb, monkeypatch):
    path = tmp_path / "v.bin"
    save_embeddings(emb, path)
    eager = word2vec.load(path)
    lazy = word2vec.load(path, lazy=True)
    assert isinstance(lazy._vectors, FileRows) and isinstance(lazy._words, WordList)
    with monkeypatch.context() as m:
        no_decoding(m)  # a few queries decode only the words they show
        for row in (0, 11):
            word = emb.words[row]
            got = lazy.most_similar(word, topn=10)
            assert got == eager.most_similar(word, topn=10)
            assert [w for w, _ in got] == reference(emb, row)
        assert "日本2" in lazy and "w" not in lazy
        assert np.array_equal(lazy["x_y4"], emb.vectors[4])
    # After a few lookups the word index is built (all words decoded), as for any model.
    assert "日本" not in lazy and "0" not in lazy
    assert [w for w, _ in lazy.most_similar(emb.words[N - 1])] == reference(emb, N - 1)
    assert lazy.most_similar_batch(["w0", "a3"]) == eager.most_similar_batch(["w0", "a3"])
    assert lazy.similarity("w0", "a3") == eager.similarity("w0", "a3")
    assert lazy.get_index("W" + "é1") == 1 and lazy.resolve("W0") == "w0"
    assert lazy.most_similar("w0", restrict_vocab=50) == eager.most_similar("w0", restrict_vocab=50)
    # Everything else gets the whole matrix and all words, bit for bit.
    assert lazy.words == emb.words
    assert lazy.vectors.tobytes() == emb.vectors.tobytes() and not lazy.vectors.flags.writeable
    save_embeddings(lazy, tmp_path / "out.bin")
    assert (tmp_path / "out.bin").read_bytes() == path.read_bytes()


def test_lazy_binary_keeps_the_first_of_a_repeated_word(tmp_path, emb):
    words = list(emb.words[:50])
    words[30] = words[3]
    path = tmp_path / "dup.bin"
    body = b"".join(
        w.encode() + b" " + v.tobytes() for w, v in zip(words, emb.vectors[:50], strict=True)
    )
    path.write_bytes(b"50 16\n" + body)
    with pytest.warns(DuplicateWordWarning):
        lazy = word2vec.load(path, lazy=True)
    assert len(lazy) == 49 and lazy.get_index(words[3]) == 3
    assert lazy.vectors.tobytes() == np.delete(emb.vectors[:50], 30, axis=0).tobytes()


def test_invalid_bytes_are_looked_up_as_decoded(tmp_path):
    vec = np.ones(4, dtype="<f4").tobytes()
    path = tmp_path / "bad.bin"
    path.write_bytes(b"3 4\n" + b"a\xff " + vec + b"a\xfe " + vec + b"ok " + vec)
    with pytest.warns(DuplicateWordWarning):  # both decode to "a\ufffd": kept once
        lazy = word2vec.load(path, lazy=True)
    assert lazy.words == ("a\ufffd", "ok") and lazy.get_index("a\ufffd") == 0


def test_word_list_find_is_exact():
    words = ["ab", "a", "b", "ab", "日本", "abc"]
    wl = WordList("".join(w + " " for w in words).encode(), 32)
    assert [wl.find(w) for w in ["ab", "a", "b", "日本", "abc", "c", "bc", "", "a b"]] == [
        0,
        1,
        2,
        4,
        5,
        None,
        None,
        None,
        None,
    ]
    assert [wl[i] for i in range(len(wl))] == words == list(wl.materialize())
    assert wl.distinct() is False and wl[-1] == "abc"
    assert wordlist.word_index(words) == {"ab": 0, "a": 1, "b": 2, "日本": 4, "abc": 5}


def test_native_stores_lengths_and_opens_without_decoding(tmp_path, emb, monkeypatch):
    path = tmp_path / "m.npz"
    native.save(path, emb)
    with np.load(path, allow_pickle=False) as z:
        assert z["norms"].tobytes() == row_norms(emb.vectors)[0].tobytes()
    with monkeypatch.context() as m:
        no_decoding(m)
        m.setattr(native, "row_norms", None)  # the matrix is not read at open
        mapped = native.load(path).embeddings
        assert isinstance(mapped.vectors, np.memmap)
        assert mapped.most_similar("Wé6") == emb.most_similar("Wé6")
    assert [w for w, _ in mapped.most_similar("w5")] == reference(emb, 5)
    assert mapped.words == emb.words and mapped.vectors.tobytes() == emb.vectors.tobytes()
    save_embeddings(mapped, tmp_path / "out.bin")
    save_embeddings(emb, tmp_path / "ref.bin")
    assert (tmp_path / "out.bin").read_bytes() == (tmp_path / "ref.bin").read_bytes()


def _write_without_norms(src, dst) -> None:
    """A native file as written before the ``norms`` member: aligned, stored, mapped."""
    with np.load(src, allow_pickle=False) as z:
        members = {k: z[k] for k in z.files if k != "norms"}
    with open(dst, "wb") as f, zipfile.ZipFile(f, "w", zipfile.ZIP_STORED) as zf:
        for key, array in members.items():
            with zf.open(npz.aligned_info(key + ".npy", f.tell()), "w", force_zip64=True) as m:
                np.lib.format.write_array(m, np.asarray(array))


def test_files_written_before_the_lengths_still_open_mapped(tmp_path, emb):
    native.save(tmp_path / "new.npz", emb)
    _write_without_norms(tmp_path / "new.npz", tmp_path / "old.npz")
    old = native.load(tmp_path / "old.npz").embeddings
    assert isinstance(old.vectors, np.memmap)
    assert old.words == emb.words and old.vectors.tobytes() == emb.vectors.tobytes()
    assert old.most_similar("a3") == native.load(tmp_path / "new.npz").embeddings.most_similar("a3")


def test_nan_is_refused_at_open_or_by_the_first_query(tmp_path, emb):
    bad = np.array(emb.vectors)
    bad[7, 3] = np.nan
    path = tmp_path / "nan.npz"
    native.save(path, Embeddings(emb.words, bad))
    with pytest.raises(FormatError, match="vector 8"):
        native.load(path)  # its stored length is NaN
    # A file whose lengths are finite but whose vector is not: the first query says so.
    native.save(path, emb)
    offset = native.load(path).embeddings.vectors.offset
    raw = bytearray(path.read_bytes())
    at = offset + (7 * DIM + 3) * 4
    raw[at : at + 4] = np.float32(np.inf).tobytes()
    path.write_bytes(bytes(raw))
    opened = load_embeddings(path)
    with pytest.raises(ValueError, match="vector 8 .*not a finite number"):
        opened.most_similar("w0")


@pytest.mark.parametrize("seed", range(6))
def test_repeated_words_found_as_a_set_finds_them(seed):
    rng = np.random.default_rng(seed)
    # Lengths around the 8-byte keys, long words sharing first and last 8 bytes.
    words = {"x" * int(k) for k in rng.integers(1, 20, 30)}
    words |= {f"prefix__{i}{'m' * int(k)}__suffix" for i, k in enumerate(rng.integers(0, 3, 40))}
    words |= {"日本" + "é" * int(k) for k in rng.integers(0, 9, 10)}
    words = sorted(words)
    assert WordList("".join(w + " " for w in words).encode(), 32).distinct() is True
    for _ in range(5):
        twice = words + [words[int(rng.integers(len(words)))]]
        rng.shuffle(twice)
        wl = WordList("".join(w + " " for w in twice).encode(), 32)
        assert wl.distinct() is False
