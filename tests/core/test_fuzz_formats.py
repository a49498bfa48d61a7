"""Every loader, fed damaged and hostile files: only FormatError comes out.

Inputs are valid files mutated (bytes flipped, inserted, deleted, duplicated, special
tokens spliced in), truncated at every length, random bytes, and headers that promise
absurd sizes. A load may succeed (a mutation can leave a valid file) or raise
:class:`FormatError` with the byte offset inside the file; anything else (IndexError,
MemoryError, UnicodeDecodeError, a NumPy warning, ...) fails the test. Each load also
runs under tracemalloc: it may not allocate much more than the file's own size, which is
how "no huge allocation before the size is checked" is enforced.

Deterministic (``derandomize=True``, no example database) so that CI is stable; the
number of inputs per loader is printed at the end of the module (``pytest -s``).
"""

from __future__ import annotations

import functools
import io
import os
import pickle
import tempfile
import tracemalloc
import warnings
import zipfile
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from w2v_gui.core.errors import DuplicateWordWarning, FormatError
from w2v_gui.core.formats import (
    glove,
    load_embeddings,
    native,
    projector,
    save_embeddings,
    word2vec,
)
from w2v_gui.core.vectors import Embeddings

with warnings.catch_warnings():
    # Hypothesis imports this only to report a failure, and it warns on import then,
    # which the strict warning filter would turn into an INTERNALERROR hiding the failure.
    warnings.simplefilter("ignore", DeprecationWarning)
    try:
        import hypothesis.extra._patching  # noqa: F401
    except ImportError:
        pass

# W2V_FUZZ_EXAMPLES=5000 for a deeper hunt on a workstation; CI runs the default.
FUZZ = settings(
    max_examples=int(os.environ.get("W2V_FUZZ_EXAMPLES", 200)),
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
FED: Counter[str] = Counter()  # inputs fed per loader
REFUSED: Counter[str] = Counter()  # of which ended in FormatError

SPECIAL = [
    b"\n",
    b" ",
    b"  ",
    b"\t",
    b"\r\n",
    b"\x00",
    b"\xff",
    b"\xc3",
    b"\xef\xbb\xbf",
    b"-",
    b".",
    b"e",
    b"nan",
    b"-inf",
    b"1e999",
    b"999999999",
    b"99999999999999999999",
    b"-1",
    b"0",
    b"\xc2\xa0",
    b"PK\x03\x04",
    b"999999999 999999999\n",
]


def _emb():
    words = ["the", "of", "Zürich", "日本", "a\u00a0b", "x", "it's", "</s>"]
    rng = np.random.default_rng(7)
    return Embeddings(
        words,
        rng.standard_normal((len(words), 3)).astype(np.float32),
        counts=np.arange(len(words), 0, -1),
    )


@functools.cache
def _seeds() -> dict[str, bytes]:
    """Valid files of every format, as bytes."""
    emb = _emb()
    out = {}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for key, name, fmt in [
            ("bin", "s.bin", "word2vec-binary"),
            ("txt", "s.txt", "word2vec-text"),
            ("glove", "g.txt", "glove"),
            ("npz", "s.npz", "native"),
            ("tsv", "vectors.tsv", "projector"),
        ]:
            save_embeddings(emb, folder / name, format=fmt)
            out[key] = (folder / name).read_bytes()
        out["meta"] = (folder / "metadata.tsv").read_bytes()
    # word2vec.c writes a newline after each binary vector
    out["cbin"] = b"8 3\n" + b"".join(
        w.encode() + b" " + v.astype("<f4").tobytes() + b"\n"
        for w, v in zip(emb.words, emb.vectors, strict=True)
    )
    return out


@pytest.fixture(scope="module", autouse=True)
def report():
    yield
    print(
        f"\nfuzzed inputs: {sum(FED.values())} in total, {sum(REFUSED.values())} refused "
        f"with FormatError; "
        + ", ".join(f"{k} {v} ({REFUSED[k]} refused)" for k, v in sorted(FED.items()))
    )


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return tmp_path_factory.mktemp("fuzz")


# -- strategies -----------------------------------------------------------------------

_mutation = st.tuples(
    st.sampled_from(["flip", "insert", "delete", "replace", "dup", "truncate"]),
    st.floats(0, 1),
    st.one_of(st.sampled_from(SPECIAL), st.binary(min_size=1, max_size=6)),
)


def _mutate(data: bytes, mutations) -> bytes:
    for kind, where, payload in mutations:
        i = int(where * len(data))
        if kind == "flip" and data:
            i = min(i, len(data) - 1)
            data = data[:i] + bytes([data[i] ^ (1 << (payload[0] % 8))]) + data[i + 1 :]
        elif kind == "insert":
            data = data[:i] + payload + data[i:]
        elif kind == "delete":
            data = data[:i] + data[i + len(payload) :]
        elif kind == "replace":
            data = data[:i] + payload + data[i + len(payload) :]
        elif kind == "dup":
            data = data[:i] + data[i : i + 16] + data[i:]
        else:
            data = data[:i]
    return data


def _inputs(seed_key):
    """Mutations of a seed, its truncations, or random bytes."""
    mutated = st.lists(_mutation, min_size=1, max_size=4).map(lambda m: (seed_key, m))
    return st.one_of(
        mutated,
        mutated,  # twice as likely as the others
        st.floats(0, 1).map(lambda f: (seed_key, [("truncate", f, b"")])),
        st.binary(max_size=600).map(lambda b: (None, b)),
    )


def _materialise(spec) -> bytes:
    key, what = spec
    return what if key is None else _mutate(_seeds()[key], what)


_header = st.tuples(
    st.sampled_from([0, 1, 2, 3, 8, 255, 999_999_999, 10**12, 10**18, 2**63, 10**30]),
    st.sampled_from([1, 3, 4, 300, 999_999_999, 10**12, 10**18, 2**63]),
    st.sampled_from(
        [b"", b"\n", b"a 1 2 3\n", b"the \x00\x00\x80?\x00\x00\x00@\x00\x00@@", b"x" * 100]
    ),
)


# -- the check every load goes through --------------------------------------------------


def _load_ok(loader, path, size: int, name: str, offset_required: bool) -> None:
    FED[name] += 1
    tracemalloc.start()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DuplicateWordWarning)
            emb = loader(path)
        assert isinstance(emb, Embeddings)
        assert emb.vectors.dtype == np.float32 and emb.vectors.shape[0] == len(emb.words)
    except FormatError as exc:
        REFUSED[name] += 1
        assert str(exc)
        if offset_required:
            assert exc.offset is not None, exc
        if exc.offset is not None:
            assert 0 <= exc.offset <= size, exc
    finally:
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    # Nothing close to what an absurd header promises: a few times the file, plus slack.
    assert peak < (4 << 20) + 200 * size, f"{name}: peak allocation {peak} for {size} bytes"


def _write(folder, name, data):
    path = folder / name
    path.write_bytes(data)
    return path


# -- the loaders ------------------------------------------------------------------------


_options = st.fixed_dictionaries(
    {},
    optional={
        "limit": st.sampled_from([0, 1, 3]),
        "dtype": st.sampled_from([np.float16, np.float64]),
        "unicode_errors": st.just("strict"),
    },
)


@FUZZ
@given(spec=st.one_of(_inputs("bin"), _inputs("cbin")), kw=_options)
def test_fuzz_word2vec_binary(folder, spec, kw):
    data = _materialise(spec)
    path = _write(folder, "f.bin", data)
    _load_ok(
        lambda p: word2vec.load(p, binary=True, **kw), path, len(data), "word2vec-binary", True
    )


@FUZZ
@given(spec=_inputs("txt"), kw=_options)
def test_fuzz_word2vec_text(folder, spec, kw):
    data = _materialise(spec)
    path = _write(folder, "f.txt", data)
    _load_ok(lambda p: word2vec.load(p, binary=False, **kw), path, len(data), "word2vec-text", True)


@FUZZ
@given(spec=_inputs("glove"), kw=_options)
def test_fuzz_glove(folder, spec, kw):
    data = _materialise(spec)
    path = _write(folder, "g.txt", data)
    _load_ok(lambda p: glove.load(p, **kw), path, len(data), "glove", True)


@FUZZ
@given(spec=_inputs("tsv"), meta_spec=st.one_of(st.none(), _inputs("meta")), kw=_options)
def test_fuzz_projector(folder, spec, meta_spec, kw):
    data = _materialise(spec)
    meta = _seeds()["meta"] if meta_spec is None else _materialise(meta_spec)
    path = _write(folder, "vectors.tsv", data)
    _write(folder, "metadata.tsv", meta)
    _load_ok(lambda p: projector.load(p, **kw), path, max(len(data), len(meta)), "projector", False)


@FUZZ
@given(spec=_inputs("npz"))
def test_fuzz_native_archive(folder, spec):
    data = _materialise(spec)
    path = _write(folder, "m.npz", data)
    _load_ok(lambda p: native.load(p).embeddings, path, len(data), "native", False)


@FUZZ
@given(
    member=st.sampled_from(
        ["vectors", "words", "word_offsets", "counts", "config_json", "format_version"]
    ),
    mutations=st.lists(_mutation, min_size=1, max_size=4),
    compress=st.booleans(),
)
@pytest.mark.slow
def test_fuzz_native_members(folder, member, mutations, compress):
    # Damage inside a member of a well-formed zip (valid CRC), so the .npy header and
    # the member checks are what meets it, not the zip layer.
    with zipfile.ZipFile(io.BytesIO(_seeds()["npz"])) as z:
        members = {n: z.read(n) for n in z.namelist()}
    members[member + ".npy"] = _mutate(members[member + ".npy"], mutations)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED) as z:
        for n, b in members.items():
            z.writestr(n, b)
    data = buf.getvalue()
    path = _write(folder, "m2.npz", data)
    _load_ok(lambda p: native.load(p).embeddings, path, len(data), "native-members", False)


@FUZZ
@given(header=_header, binary=st.sampled_from([True, False, None]))
def test_fuzz_absurd_word2vec_headers(folder, header, binary):
    count, dim, body = header
    data = f"{count} {dim}\n".encode() + body
    path = _write(folder, "h.bin", data)
    _load_ok(lambda p: word2vec.load(p, binary=binary), path, len(data), "absurd-headers", True)


@FUZZ
@given(
    spec=st.one_of(*[_inputs(k) for k in ("bin", "txt", "glove", "tsv", "npz")]),
    ext=st.sampled_from([".bin", ".txt", ".vec", ".tsv", ".npz", ".dat", ""]),
)
def test_fuzz_detect_and_load(folder, spec, ext):
    # What the GUI's Open does: detect the format, then load it.
    data = _materialise(spec)
    path = _write(folder, "vectors" + ext, data)
    _write(folder, "metadata" + ext, _seeds()["meta"])
    _load_ok(load_embeddings, path, len(data), "detect+load", False)


# -- targeted: absurd sizes, pickles, code --------------------------------------------


@pytest.mark.parametrize("binary", [True, False])
def test_billion_by_billion_header_is_refused_quickly(tmp_path, binary):
    path = tmp_path / "h.bin"
    path.write_bytes(b"999999999 999999999\nthe 1 2 3\n")
    tracemalloc.start()
    try:
        with pytest.raises(FormatError) as info:
            word2vec.load(path, binary=binary)
    finally:
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    assert peak < 1 << 20
    assert info.value.offset is not None
    assert "999999999" in str(info.value)


def _npy(header: bytes, body: bytes = b"") -> bytes:
    header = header + b" " * (-(len(header) + 11) % 64) + b"\n"
    return b"\x93NUMPY\x01\x00" + len(header).to_bytes(2, "little") + header + body


def _npz_with(tmp_path, seed: bytes, **members: bytes):
    with zipfile.ZipFile(io.BytesIO(seed)) as z:
        content = {n: z.read(n) for n in z.namelist()}
    for name, data in members.items():
        content[name + ".npy"] = data
    path = tmp_path / "bad.npz"
    with zipfile.ZipFile(path, "w") as z:
        for n, b in content.items():
            z.writestr(n, b)
    return path


def test_native_absurd_member_shape_is_refused_before_allocating(tmp_path):
    member = _npy(
        b"{'descr': '<f4', 'fortran_order': False, 'shape': (1000000000, 1000000000), }",
        b"\x00" * 16,
    )
    path = _npz_with(tmp_path, _seeds()["npz"], vectors=member)
    tracemalloc.start()
    try:
        with pytest.raises(FormatError, match="header says"):
            native.load(path)
    finally:
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    assert peak < 1 << 20


class _Trap:
    """Unpickling this records that it happened."""

    fired: list[str] = []

    def __reduce__(self):
        return (_Trap.fired.append, ("unpickled",))


def test_native_never_unpickles_or_evaluates(tmp_path):
    payload = pickle.dumps([_Trap()], protocol=2)
    member = _npy(b"{'descr': '|O', 'fortran_order': False, 'shape': (1,), }", payload)
    path = _npz_with(tmp_path, _seeds()["npz"], words=member)
    with pytest.raises(FormatError, match="unpickling; refused"):
        native.load(path)
    assert _Trap.fired == []
    # A header that is code, not a literal: parsed by ast.literal_eval, never run.
    marker = tmp_path / "ran"
    code = f"__import__('pathlib').Path({str(marker)!r}).touch()".encode()
    member = _npy(b"{'descr': " + code + b", 'fortran_order': False, 'shape': (1,), }")
    path = _npz_with(tmp_path, _seeds()["npz"], vectors=member)
    with pytest.raises(FormatError):
        native.load(path)
    assert not marker.exists()


def test_missing_files_are_oserror(tmp_path):
    for loader in (
        lambda p: word2vec.load(p),
        glove.load,
        projector.load,
        native.load,
        load_embeddings,
    ):
        with pytest.raises(OSError):
            loader(tmp_path / "nope.bin")
    assert not os.path.exists(tmp_path / "nope.bin")
