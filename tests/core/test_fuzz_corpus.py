"""Corpus archives and special files, damaged at random: only CorpusError comes out.

Seeds are small valid corpora as plain text, gzip, bzip2, xz and zip (stored, deflate,
bzip2 and lzma members, an encrypted member, a member with an unknown method). Each is
mutated (bytes flipped, inserted, deleted, truncated), then read two ways:

- given explicitly: the pass either succeeds or raises :class:`CorpusError` in one line
  naming the file — never zlib.error, EOFError, RuntimeError, NotImplementedError, ...;
- inside a folder beside a good file: the pass never fails; the damaged file is read or
  listed in ``last_stats.skipped``.

Special files (a FIFO, links to devices, a link loop, a directory named like a text
file, a socket) inside folders are listed, never opened, and a pass over them returns.
Deterministic (``derandomize=True``, no example database).
"""

from __future__ import annotations

import bz2
import functools
import lzma
import os
import socket
import threading
import warnings
import zipfile
from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.core.corpus_samples import gz, patch_member, zip_with
from w2v_gui.core.corpus import NEWLINE, Corpus
from w2v_gui.core.errors import CorpusError

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)  # see test_fuzz_formats
    try:
        import hypothesis.extra._patching  # noqa: F401
    except ImportError:
        pass

FUZZ = settings(
    max_examples=int(os.environ.get("W2V_FUZZ_EXAMPLES", 120)),
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
OUTCOME: Counter[str] = Counter()
TEXT = "the quick brown fox jumps over the lazy dog\nzwölf Boxkämpfer jagen Viktor\n" * 8


@functools.cache
def _seeds() -> dict[str, tuple[str, bytes]]:
    """name -> (file name, bytes) of valid corpus files."""
    raw = TEXT.encode()
    members = {"a.txt": raw, "b.txt": raw[:90]}
    return {
        "plain": ("c.txt", raw),
        "gzip": ("c.gz", gz(raw)),
        "dictzip": ("c.dict.dz", gz(raw)),
        "bz2": ("c.bz2", bz2.compress(raw)),
        "xz": ("c.xz", lzma.compress(raw)),
        "zip-stored": ("c.zip", bytes(zip_with(members, zipfile.ZIP_STORED))),
        "zip-deflate": ("c.zip", bytes(zip_with(members, zipfile.ZIP_DEFLATED))),
        "zip-bzip2": ("c.zip", bytes(zip_with(members, zipfile.ZIP_BZIP2))),
        "zip-lzma": ("c.zip", bytes(zip_with(members, zipfile.ZIP_LZMA))),
        "zip-encrypted": ("c.zip", bytes(patch_member(zip_with(members), 0, flag=1))),
        "zip-method-99": ("c.zip", bytes(patch_member(zip_with(members), 1, method=99))),
        "gz-in-zip": ("c.zip", bytes(zip_with({"a.txt.gz": gz(raw)}))),
    }


_mutation = st.one_of(
    st.tuples(st.just("flip"), st.floats(0, 1), st.integers(1, 255)),
    st.tuples(st.just("insert"), st.floats(0, 1), st.binary(min_size=1, max_size=16)),
    st.tuples(st.just("delete"), st.floats(0, 1), st.integers(1, 32)),
    st.tuples(st.just("truncate"), st.floats(0, 1), st.just(0)),
)


def _mutate(data: bytes, mutations) -> bytes:
    b = bytearray(data)
    for kind, where, arg in mutations:
        if not b:
            break
        i = min(int(where * len(b)), len(b) - 1)
        if kind == "flip":
            b[i] ^= arg
        elif kind == "insert":
            b[i:i] = arg
        elif kind == "delete":
            del b[i : i + arg]
        else:
            del b[i:]
    return bytes(b)


def _pass(corpus: Corpus) -> list[str]:
    return [t for chunk in corpus.iter_chunks() for t in chunk if t != NEWLINE]


@FUZZ
@given(
    seed=st.sampled_from(sorted(_seeds())), mutations=st.lists(_mutation, min_size=0, max_size=3)
)
def test_fuzz_an_archive_given_explicitly(tmp_path_factory, seed, mutations):
    name, data = _seeds()[seed]
    folder = tmp_path_factory.mktemp("one")
    path = folder / name
    path.write_bytes(_mutate(data, mutations))
    try:
        corpus = Corpus([path], chunk_bytes=64)
        _pass(corpus)
        OUTCOME["read"] += 1
    except CorpusError as exc:
        text = str(exc)
        assert str(path) in text and "\n" not in text and "Traceback" not in text, text
        OUTCOME["refused"] += 1


@FUZZ
@given(
    seed=st.sampled_from(sorted(_seeds())), mutations=st.lists(_mutation, min_size=1, max_size=3)
)
def test_fuzz_an_archive_in_a_folder_never_stops_the_rest(tmp_path_factory, seed, mutations):
    name, data = _seeds()[seed]
    folder = tmp_path_factory.mktemp("many")
    (folder / "good.txt").write_text("alpha beta gamma\n")
    (folder / name).write_bytes(_mutate(data, mutations))
    corpus = Corpus([folder], chunk_bytes=64)
    words = _pass(corpus)
    assert words[-3:] == ["alpha", "beta", "gamma"] or words[:3] == ["alpha", "beta", "gamma"]
    for s in corpus.last_stats.skipped:
        assert s.name.startswith(str(folder / name)) and "\n" not in s.reason, s
    OUTCOME["skipped" if corpus.last_stats.skipped else "read in folder"] += 1


def test_special_files_in_a_folder_are_listed_and_never_opened(tmp_path):
    folder = tmp_path / "texts"
    (folder / "sub").mkdir(parents=True)
    (folder / "good.txt").write_text("alpha beta\n")
    os.mkfifo(folder / "pipe.txt")
    os.symlink("/dev/zero", folder / "zero.txt")
    os.symlink("/dev/urandom", folder / "sub" / "random")
    os.symlink(folder, folder / "sub" / "up")  # a loop
    os.symlink("/proc", folder / "sub" / "proc")  # /proc/kmsg is "regular" and blocks
    os.symlink(folder / "sub" / "loop2", folder / "sub" / "loop2")  # a link to itself
    (folder / "dir.txt").mkdir()  # a folder named like a file: walked, not read
    (folder / "dir.txt" / "inner.txt").write_text("gamma\n")
    sock = socket.socket(socket.AF_UNIX)
    try:
        sock.bind(str(folder / "sock.txt"))
        result: dict = {}

        def read():
            corpus = Corpus([folder])
            result["words"] = _pass(corpus)
            result["skipped"] = {os.path.basename(s.name): s.reason for s in corpus.skipped}

        t = threading.Thread(target=read, daemon=True)
        t.start()
        t.join(30)
        assert not t.is_alive(), "reading the folder blocked on a special file"
    finally:
        sock.close()
    assert result["words"] == ["gamma", "alpha", "beta"] or sorted(result["words"]) == [
        "alpha",
        "beta",
        "gamma",
    ]
    skipped = result["skipped"]
    assert "pipe" in skipped["pipe.txt"] and "device" in skipped["zero.txt"]
    assert "device" in skipped["random"] and "socket" in skipped["sock.txt"]
    assert "loop2" in skipped  # a link to itself cannot be examined
    assert "system folder" in skipped["proc"]


@pytest.mark.parametrize("target", ["/dev/zero", "/dev/urandom", "/dev/null"])
def test_a_link_to_a_device_given_explicitly_is_refused(tmp_path, target):
    os.symlink(target, tmp_path / "corpus.txt")
    with pytest.raises(CorpusError, match="corpus.txt: not a regular file but a device"):
        Corpus([tmp_path / "corpus.txt"])


def test_report():
    print(f"\ncorpus fuzz outcomes: {dict(OUTCOME)}")
