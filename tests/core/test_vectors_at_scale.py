"""Vectors at GoogleNews size, exercised on small files through the same code paths:
a memory-mapped native open, cosines without a normalised copy, exact neighbours against
a float64 brute force, files exported bit for bit, the vectorised word2vec binary parse,
prefix search, the case rule, and the refusals (NaN/inf, deflate bombs, bad headers)."""

from __future__ import annotations

import io
import struct
import zipfile

import numpy as np
import pytest

from w2v_gui.core import nearest
from w2v_gui.core.cli import main
from w2v_gui.core.errors import FormatError, UnknownWordError
from w2v_gui.core.formats import _common, load_embeddings, native, npz, save_embeddings, word2vec
from w2v_gui.core.vectors import Embeddings

N, DIM = 3000, 24


def _words(n: int) -> list[str]:
    rng = np.random.default_rng(3)
    stems = ["w", "Wé", "straße", "x_y", "日本", "a"]
    tails = ["z" * int(k) if i % 7 == 3 else "" for i, k in enumerate(rng.integers(1, 9, n))]
    return [f"{stems[i % len(stems)]}{i}{tails[i]}" for i in range(n)]


@pytest.fixture(scope="module")
def emb():
    rng = np.random.default_rng(11)
    vectors = rng.standard_normal((N, DIM)).astype(np.float32)
    vectors[7] *= 1e3  # lengths must not matter to cosines
    vectors[9] = 0  # a zero row scores 0
    # Bytes 0x20 (space) and 0x0A inside vectors: the parse must hop over them.
    vectors[10:40] = np.frombuffer(b"\x20\x0a\x20\x3f" * (30 * DIM), dtype="<f4").reshape(30, DIM)
    return Embeddings(_words(N), vectors)


def reference(emb: Embeddings, query: np.ndarray, exclude=(), stop=None) -> list[tuple[str, float]]:
    """Every word ranked by cosine to ``query``, in float64, the slow obvious way."""
    m = np.asarray(emb.vectors[:stop], dtype=np.float64)
    norms = np.linalg.norm(m, axis=1)
    cos = (m @ query) / np.where(norms > 0, norms, 1) / np.linalg.norm(query)
    order = sorted(range(len(m)), key=lambda i: (-cos[i], i))
    return [(emb.words[i], float(cos[i])) for i in order if i not in exclude]


def assert_same(ours, theirs, tol=2e-6):
    assert [w for w, _ in ours] == [w for w, _ in theirs]
    np.testing.assert_allclose([s for _, s in ours], [s for _, s in theirs], atol=tol)


def big_arrays(obj, matrix: np.ndarray) -> list[str]:
    """Names of the arrays as big as ``matrix`` held by ``obj`` and the objects in its
    slots (one level down), other than ``matrix`` itself."""
    size = matrix.size
    found = []
    for name in getattr(type(obj), "__slots__", ()):
        value = getattr(obj, name, None)
        inner = [(name, value)] + [
            (f"{name}.{n}", getattr(value, n, None)) for n in getattr(type(value), "__slots__", ())
        ]
        for label, v in inner:
            if isinstance(v, np.ndarray) and v.size >= size and v is not matrix:
                found.append(label)
    return found


# -- memory-mapped native files ------------------------------------------------------


def test_native_opens_memory_mapped_and_read_only(tmp_path, emb):
    path = tmp_path / "m.npz"
    context = emb.vectors[::-1] * 2
    native.save(path, emb, context=context)
    model = native.load(path)
    vec = model.embeddings.vectors
    assert isinstance(vec, np.memmap) and not vec.flags.owndata and not vec.flags.writeable
    assert vec.flags.aligned and vec.flags.c_contiguous
    assert isinstance(model.context, np.memmap) and not model.context.flags.writeable
    assert vec.tobytes() == emb.vectors.tobytes()
    assert model.context.tobytes() == np.ascontiguousarray(context).tobytes()
    assert model.embeddings.words == emb.words
    # NumPy itself still reads the file (no pickle needed).
    with np.load(path, allow_pickle=False) as z:
        assert np.array_equal(z["vectors"], emb.vectors)
    with zipfile.ZipFile(path) as z:
        assert z.testzip() is None  # every CRC right
    # limit keeps the mapping (a view of the first rows).
    first = load_embeddings(path, limit=10)
    assert not first.vectors.flags.owndata and first.words == emb.words[:10]


def test_older_native_files_still_load(tmp_path, emb):
    # What np.savez / np.savez_compressed wrote before: unaligned or compressed members.
    ref = tmp_path / "ref.npz"
    native.save(ref, emb)
    with np.load(ref, allow_pickle=False) as z:
        members = {k: z[k] for k in z.files}
    for saver in (np.savez, np.savez_compressed):
        path = tmp_path / f"{saver.__name__}.npz"
        saver(path, **members)
        back = native.load(path).embeddings
        assert back.words == emb.words and back.vectors.tobytes() == emb.vectors.tobytes()


# -- no normalised copy, exact neighbours --------------------------------------------


def test_queries_keep_no_matrix_sized_copy(tmp_path, emb):
    path = tmp_path / "m.npz"
    native.save(path, emb)
    mapped = native.load(path).embeddings
    for e in (emb, mapped):
        e.most_similar("w0", topn=5)
        e.most_similar_cosmul(positive=["w0", "a5"], negative=["Wé1"])
        e.most_similar_batch(["w0", "a5", e["w6"]])
        e.doesnt_match(["w0", "a5", "w6"])
        e.complete("w1")
        _ = e.unit[3], e.unit[[1, 2]], e.unit[:4]
        assert big_arrays(e, e.vectors) == []
        assert e.inverse_norms.shape == (N,)
    assert isinstance(mapped.vectors, np.memmap)


@pytest.mark.parametrize("restrict", [None, 500])
def test_neighbours_equal_a_float64_brute_force(emb, restrict):
    stop = restrict or N
    for word in ("w0", "Wé7", "a11", "日本4"):
        row = emb.get_index(word)
        want = reference(emb, emb.vectors[row].astype(np.float64), {row}, stop)
        assert_same(emb.most_similar(word, topn=15, restrict_vocab=restrict), want[:15])
    assert_same(emb.most_similar("w0", topn=None, restrict_vocab=restrict), want_all(emb, stop))
    # Several words and vectors at once: one matrix product, the same answers.
    terms = ["w0", "a5", emb["w6"] * 3, "x_y9"]
    batch = emb.most_similar_batch(terms, topn=8, restrict_vocab=restrict)
    assert len(batch) == 4
    for term, got in zip(terms, batch, strict=True):
        assert_same(got, emb.most_similar(term, topn=8, restrict_vocab=restrict))
    # An analogy: unit vectors summed in float64, as gensim.
    u = [emb.unit[emb.get_index(w)].astype(np.float64) for w in ("w0", "a5", "Wé1")]
    want = reference(emb, u[0] + u[1] - u[2], {emb.get_index(w) for w in ("w0", "a5", "Wé1")}, stop)
    got = emb.most_similar(
        positive=["w0", "a5"], negative=["Wé1"], topn=10, restrict_vocab=restrict
    )
    assert_same(got, want[:10])


def want_all(emb, stop):
    row = emb.get_index("w0")
    return reference(emb, emb.vectors[row].astype(np.float64), {row}, stop)


@pytest.mark.slow
def test_top_rows_is_exact_with_ties_and_nan():
    rng = np.random.default_rng(0)
    for n in (1, 50, 5000, 300_000):
        for scores in (
            rng.standard_normal(n).astype(np.float32),
            rng.integers(0, 4, n).astype(np.float32),  # many ties
        ):
            scores[n // 2] = np.nan
            for k in (1, 10, 60):
                want = [i for i in np.lexsort((np.arange(n), -scores)) if not np.isnan(scores[i])]
                assert nearest.top_rows(scores, k).tolist() == want[:k]


def test_row_lengths_of_huge_finite_values(tmp_path):
    # 1e20 squared overflows float32: the length is taken in float64, not refused.
    emb = Embeddings(["a", "b", "c"], [[1e20, 1e20], [1.0, 1.0], [1.0, -1.0]])
    assert emb.most_similar("a", topn=1)[0] == ("b", pytest.approx(1.0))
    np.testing.assert_allclose(emb.unit[0], [2**-0.5, 2**-0.5], rtol=1e-6)


# -- files: bit for bit, the vectorised binary parse ---------------------------------


def _reference_binary(data: bytes) -> tuple[list[str], np.ndarray]:
    """The slow obvious parse: find each word's space, take the next 4 * dim bytes."""
    header, _, body = data.partition(b"\n")
    count, dim = map(int, header.split())
    pos, words, rows = 0, [], []
    for _ in range(count):
        space = body.index(b" ", pos)
        words.append(body[pos:space].lstrip(b"\n").decode("utf-8", "replace"))
        rows.append(np.frombuffer(body[space + 1 : space + 1 + 4 * dim], dtype="<f4"))
        pos = space + 1 + 4 * dim
    return words, np.array(rows)


@pytest.mark.parametrize("block", [64, 1000, 8 << 20])
@pytest.mark.parametrize("newline", [b"", b"\n"])
def test_binary_parse_across_block_edges(tmp_path, monkeypatch, emb, block, newline):
    monkeypatch.setattr(_common, "BLOCK", block)
    path = tmp_path / "v.bin"
    body = b"".join(
        w.encode() + b" " + v.astype("<f4").tobytes() + newline
        for w, v in zip(emb.words, emb.vectors, strict=True)
    )
    path.write_bytes(f"{N} {DIM}\n".encode() + body)
    words, vectors = _reference_binary(path.read_bytes())
    back = word2vec.load(path)
    assert list(back.words) == words == list(emb.words)
    assert back.vectors.tobytes() == vectors.astype(np.float32).tobytes()
    assert word2vec.load(path, limit=17).words == emb.words[:17]


def test_exported_files_hold_the_vectors_bit_for_bit(tmp_path, emb):
    original = tmp_path / "in.bin"
    save_embeddings(emb, original)
    assert main(["convert", str(original), str(tmp_path / "m.npz"), "-q"]) == 0
    mapped = load_embeddings(tmp_path / "m.npz")
    assert isinstance(mapped.vectors, np.memmap)
    for name in ("out.bin", "out.txt"):
        save_embeddings(mapped, tmp_path / name)
        assert load_embeddings(tmp_path / name).vectors.tobytes() == emb.vectors.tobytes()
    assert (tmp_path / "out.bin").read_bytes() == original.read_bytes()


# -- prefix search and the case rule -------------------------------------------------


def test_prefix_search_equals_a_scan(emb):
    words = emb.words
    for prefix in ("w1", "Wé", "straße2", "日", "a29", "zzz", "x_y10", "", "\U0010ffff"):
        want = [w for w in words if w.startswith(prefix)]
        low = prefix.lower()
        if low != prefix:
            want = [w for w in words if w.startswith(prefix) or w.startswith(low)]
        assert emb.complete(prefix, limit=None) == want
        assert emb.complete(prefix, limit=5) == want[:5]
    assert emb.prefix_index() is emb.prefix_index()  # built once


def test_case_folds_when_the_exact_form_is_absent(tmp_path):
    vectors = np.eye(4, dtype=np.float32) + 0.1
    emb = Embeddings(["king", "queen", "Apple", "apple"], vectors)
    assert emb.resolve("King") == "king" and emb.get_index("KING") == 0
    assert emb.resolve("Apple") == "Apple"  # the exact form wins when present
    assert emb.most_similar("King") == emb.most_similar("king")
    assert "King" not in emb  # membership stays exact, as gensim's
    with pytest.raises(UnknownWordError):
        emb.get_index("Prince")
    path = tmp_path / "m.npz"
    native.save(path, emb)
    out, err = io.StringIO(), io.StringIO()
    assert main(["similar", str(path), "King", "--topn", "2"], out=out, err=err) == 0, err
    assert out.getvalue().splitlines()[0].split("\t")[0] in {"queen", "Apple", "apple"}


def test_cli_shows_load_progress_for_big_files(tmp_path, monkeypatch, emb):
    from w2v_gui.core import cli_progress

    path = tmp_path / "v.bin"
    save_embeddings(emb, path)
    monkeypatch.setattr(cli_progress, "PROGRESS_BYTES", 0)
    monkeypatch.setattr(_common, "BLOCK", 1000)
    out, err = io.StringIO(), io.StringIO()
    assert main(["similar", str(path), "w0"], out=out, err=err) == 0
    lines = err.getvalue().splitlines()
    assert lines[-1] == f"loading {path}: 100%" and len(lines) >= 3


# -- refusals ------------------------------------------------------------------------


def _nan_at(vectors: np.ndarray, row: int, value: float) -> np.ndarray:
    bad = vectors.copy()
    bad[row, 3] = value
    return bad


@pytest.mark.parametrize("value", [np.nan, np.inf, -np.inf])
@pytest.mark.parametrize("name", ["v.bin", "v.txt", "v.npz"])
def test_nan_and_inf_are_refused_naming_the_first_bad_row(tmp_path, emb, name, value):
    bad = Embeddings(emb.words, _nan_at(_nan_at(emb.vectors, 1200, value), 2000, value))
    path = tmp_path / name
    save_embeddings(bad, path)
    with pytest.raises(FormatError) as info:
        load_embeddings(path)
    msg = str(info.value)
    assert str(path) in msg and f"vector 1201 (word {emb.words[1200]!r})" in msg
    assert "\n" not in msg


def test_text_overflow_is_refused(tmp_path):
    path = tmp_path / "v.txt"
    path.write_text("2 2\na 1 2\nb 1e999 0\n")
    with pytest.raises(FormatError, match=r"vector 2 \(word 'b'\)"):
        load_embeddings(path)


def _npz_with(tmp_path, member: str, data: bytes, compress: int) -> str:
    ref = tmp_path / "ref.npz"
    native.save(ref, Embeddings(["a", "b"], [[1.0, 2.0], [3.0, 4.0]]))
    path = tmp_path / "bad.npz"
    with zipfile.ZipFile(ref) as src, zipfile.ZipFile(path, "w") as dst:
        for info in src.infolist():
            body = data if info.filename == member + ".npy" else src.read(info)
            dst.writestr(info.filename, body, compress_type=compress)
    return str(path)


def _npy(shape, header_pad: int = 0) -> bytes:
    head = f"{{'descr': '<f4', 'fortran_order': False, 'shape': {shape}, }}"
    head += " " * header_pad + "\n"
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(head)) + head.encode("latin1")


def test_a_deflate_bomb_is_refused_before_inflating(tmp_path, monkeypatch):
    monkeypatch.setattr(npz, "BOMB_BYTES", 1 << 20)
    n = 1 << 19  # 2 MB of zeros that deflate to ~2 KB
    path = _npz_with(tmp_path, "vectors", _npy((n, 1)) + bytes(4 * n), zipfile.ZIP_DEFLATED)
    with pytest.raises(FormatError) as info:
        native.load(path)
    msg = str(info.value)
    assert path in msg and "'vectors'" in msg and "bomb" in msg and "\n" not in msg


@pytest.mark.parametrize(
    "data, words",
    [
        (_npy((2, 2), header_pad=60000), ".npy header of"),  # oversized header
        (b"\x93NUMPY\x01\x00" + struct.pack("<H", 12) + b"{'descr': ((", "bad .npy header"),
        (b"\x93NUMPY\x07\x00rest", "unsupported .npy version"),
        (_npy((2, 3)) + bytes(16), "damaged"),  # shape promises 24 bytes, 16 held
        (_npy((2, -2)), "negative shape"),
    ],
)
@pytest.mark.parametrize("compress", [zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED])
def test_bad_npy_headers_give_one_line(tmp_path, data, words, compress):
    path = _npz_with(tmp_path, "vectors", data, compress)
    with pytest.raises(FormatError) as info:
        native.load(path)
    msg = str(info.value)
    assert path in msg and "'vectors'" in msg and words in msg and "\n" not in msg


def test_sorted_order_equals_sorted():
    # The prefix index and Vocab.from_counts sort by NumPy on UTF-8 bytes; the order
    # must be Python's (code points; surrogates, NUL and shared 8-byte heads included).
    rng = np.random.default_rng(4)
    alphabet = ["a", "b", "é", "日", "\U0001f600", "Z", "\ud800", "ß", "\x00", "internationa"]
    for _ in range(200):
        n = int(rng.integers(0, 300))
        words = [
            "".join(alphabet[i] for i in rng.integers(0, len(alphabet), int(rng.integers(0, 5))))
            for _ in range(n)
        ]
        if rng.random() < 0.5:
            words = [w.replace("\x00", "") for w in words]  # the NumPy path, not the fallback
        order = nearest.sorted_order(words).tolist()
        assert order == sorted(range(n), key=words.__getitem__)
