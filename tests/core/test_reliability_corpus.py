"""Corpora that are damaged, unusual or not text (issue 19 items 1, 2, 11; issue 14 item 4).

A file given explicitly that cannot be read is one CorpusError naming it (and the zip
member); inside a folder or a zip archive it is skipped, the rest is read, and
``last_stats.skipped`` says what and why.
"""

from __future__ import annotations

import bz2
import lzma
import os
import random

import pytest

from tests.core.corpus_samples import (
    TEXT,
    damage_member_data,
    gz,
    gzip_bad_block,
    patch_member,
    truncated,
    zip_with,
)
from w2v_gui.core.config import TrainingConfig
from w2v_gui.core.corpus import NEWLINE, Corpus
from w2v_gui.core.errors import CorpusError
from w2v_gui.core.vocab import scan


def words(corpus: Corpus) -> list[str]:
    return [t for chunk in corpus.iter_chunks() for t in chunk if t != NEWLINE]


def skipped(corpus: Corpus) -> dict[str, str]:
    return {os.path.basename(s.name): s.reason for s in corpus.last_stats.skipped}


# -- item 1: every decoder error is one line naming the file -------------------------

EXPLICIT_BAD = {
    "bad deflate block": (lambda p: gzip_bad_block(p / "a.gz"), "compressed data is damaged"),
    "truncated gzip": (lambda p: truncated(p / "a.gz", gz(TEXT)), "truncated"),
    "truncated bz2": (lambda p: truncated(p / "a.bz2", bz2.compress(TEXT)), "truncated"),
    "truncated xz": (lambda p: truncated(p / "a.xz", lzma.compress(TEXT)), "truncated"),
    "damaged xz": (
        lambda p: _write(p / "a.xz", lzma.compress(TEXT)[:20] + b"\xff" * 40),
        "damaged",
    ),
    "bad zip block": (
        lambda p: _write(p / "a.zip", damage_member_data(zip_with({"t.txt": TEXT}), 0)),
        "a.zip:t.txt: the compressed data is damaged",
    ),
    "encrypted member": (
        lambda p: _write(p / "a.zip", patch_member(zip_with({"t.txt": TEXT}), 0, flag=1)),
        "a.zip:t.txt: it is encrypted",
    ),
    "unsupported method": (
        lambda p: _write(p / "a.zip", patch_member(zip_with({"t.txt": TEXT}), 0, method=97)),
        "a.zip:t.txt: it is compressed by method 97",
    ),
    "truncated zip": (lambda p: truncated(p / "a.zip", bytes(zip_with({"t.txt": TEXT}))), "zip"),
}


def _write(path, data):
    path.write_bytes(bytes(data))
    return path


@pytest.mark.parametrize("case", sorted(EXPLICIT_BAD))
def test_a_damaged_archive_is_one_line_naming_the_file(tmp_path, case):
    make, message = EXPLICIT_BAD[case]
    path = make(tmp_path)
    with pytest.raises(CorpusError) as info:
        scan(Corpus([path]))
    text = str(info.value)
    assert str(path) in text and message in text and "\n" not in text, text


def test_a_zip_reads_its_good_members_and_lists_the_rest(tmp_path):
    data = zip_with({"a.txt": b"alpha beta\n", "b.txt": b"secret\n", "c.txt": b"hidden\n"})
    patch_member(data, 1, flag=1)
    patch_member(data, 2, method=97)
    path = _write(tmp_path / "mixed.zip", data)
    corpus = Corpus([path])
    assert words(corpus) == ["alpha", "beta"]
    reasons = {s.name.rsplit(":", 1)[1]: s.reason for s in corpus.last_stats.skipped}
    assert "encrypted" in reasons["b.txt"] and "method 97" in reasons["c.txt"]


# -- issue 14 item 4: a folder skips what it cannot read and reads the rest ----------


def test_a_folder_skips_unreadable_files_and_says_why(tmp_path):
    folder = tmp_path / "doc"
    (folder / "pkg").mkdir(parents=True)
    (folder / "a.txt").write_bytes(b"good words here\n")
    (folder / "pkg" / "changelog.gz").write_bytes(gz(b"more good words\n"))
    (folder / "pkg" / "manual.pdf.gz").write_bytes(gz(b"%PDF-1.4\n" + bytes(range(256)) * 8))
    gzip_bad_block(folder / "pkg" / "broken.gz")
    truncated(folder / "pkg" / "cut.gz", gz(random.Random(0).randbytes(9000).hex().encode()), 0.5)
    (folder / "random.txt").write_bytes(random.Random(1).randbytes(50_000))
    os.mkfifo(folder / "pipe.txt")
    os.symlink(folder / "missing.txt", folder / "dangling.txt")
    os.symlink(folder, folder / "pkg" / "loop")  # a link back up: read once, no loop
    (folder / "words.dict.dz").write_bytes(gz(b"dictionary words\n"))
    corpus = Corpus([folder], chunk_bytes=4096)  # small chunks: cut.gz fails part way
    got = words(corpus)
    assert got[:3] == ["good", "words", "here"]
    assert "more" in got and "dictionary" in got and got.count("good") == 2
    why = skipped(corpus)
    assert "binary" in why["manual.pdf.gz"]
    assert "damaged" in why["broken.gz"]
    assert "truncated" in why["cut.gz"] and "bytes were read" in why["cut.gz"]
    assert "binary" in why["random.txt"]
    assert "pipe" in why["pipe.txt"]
    assert "broken link" in why["dangling.txt"]
    assert set(why) == {
        "manual.pdf.gz",
        "broken.gz",
        "cut.gz",
        "random.txt",
        "pipe.txt",
        "dangling.txt",
    }
    # Bytes of refused chunks are not counted as replaced text.
    assert corpus.last_stats.invalid_bytes == 0
    # Each is one line naming the file, for the panel and for stderr.
    assert all("\n" not in str(s) and s.name in str(s) for s in corpus.last_stats.skipped)
    # The scan (what training starts from) carries the list too.
    sc = scan(Corpus([folder]))
    assert {os.path.basename(s.name) for s in sc.stats.skipped} == set(why)


def test_a_folder_where_nothing_can_be_read_is_an_error_naming_a_file(tmp_path):
    folder = tmp_path / "bad"
    folder.mkdir()
    gzip_bad_block(folder / "one.gz")
    (folder / "two.txt").write_bytes(bytes(range(256)) * 40)
    with pytest.raises(CorpusError, match=r"nothing could be read: .*one\.gz.*\(and 1 more\)"):
        scan(Corpus([folder]))


def test_compression_is_told_by_content_not_name(tmp_path):
    (tmp_path / "words.dict.dz").write_bytes(gz(b"dictd files are gzip\n"))
    (tmp_path / "plain.gz").write_bytes(b"plain text named gz\n")
    (tmp_path / "noext").write_bytes(lzma.compress(b"xz without a name\n"))
    (tmp_path / "bz.txt").write_bytes(bz2.compress(b"bzip two named txt\n"))
    zdata = zip_with({"in.txt": b"zip named dat\n"})
    _write(tmp_path / "archive.dat", zdata)
    for name, first in [
        ("words.dict.dz", "dictd"),
        ("plain.gz", "plain"),
        ("noext", "xz"),
        ("bz.txt", "bzip"),
        ("archive.dat", "zip"),
    ]:
        assert words(Corpus([tmp_path / name]))[0] == first, name


# -- item 11: binary files are refused however they are disguised --------------------


def test_random_bytes_named_txt_are_refused(tmp_path):
    path = _write(tmp_path / "noise.txt", random.Random(2).randbytes(100_000))
    with pytest.raises(CorpusError, match=r"noise\.txt: looks like a binary file"):
        scan(Corpus([path]))


def test_a_word2vec_bin_is_refused_as_a_corpus(tmp_path):
    import numpy as np

    from w2v_gui.core.formats import save_embeddings
    from w2v_gui.core.vectors import Embeddings

    rng = np.random.default_rng(0)
    words_ = [f"word{i}" for i in range(200)]
    save_embeddings(Embeddings(words_, rng.normal(size=(200, 50)).astype("f4")), tmp_path / "m.bin")
    with pytest.raises(CorpusError, match=r"m\.bin: looks like a binary file"):
        scan(Corpus([tmp_path / "m.bin"]))


def test_text_followed_by_binary_is_refused_not_only_sniffed_at_the_start(tmp_path):
    path = _write(tmp_path / "mixed.txt", TEXT * 3000 + random.Random(3).randbytes(2_000_000))
    with pytest.raises(CorpusError, match=r"mixed\.txt: looks like a binary file, not text from"):
        scan(Corpus([path]))


def test_legacy_8bit_text_is_still_read(tmp_path):
    latin1 = ("Le café était très animé. À bientôt, dit-il à l'été.\n" * 500).encode("latin-1")
    path = _write(tmp_path / "fr.txt", latin1)
    corpus = Corpus([path])
    got = words(corpus)
    assert "anim" in got and "bient" in got and corpus.last_stats.invalid_bytes > 0


# -- special files ---------------------------------------------------------------------


@pytest.mark.parametrize("target", ["/dev/zero", "/dev/null"])
def test_devices_are_refused(target):
    with pytest.raises(CorpusError, match="not a regular file but a device"):
        Corpus([target])


@pytest.mark.parametrize("folder", ["/proc", "/sys/kernel", "/dev"])
def test_system_folders_are_refused(folder):
    with pytest.raises(CorpusError, match="a system folder"):
        Corpus([folder])


def test_a_fifo_is_refused_without_blocking(tmp_path):
    os.mkfifo(tmp_path / "p.txt")
    with pytest.raises(CorpusError, match="pipe"):
        Corpus([tmp_path / "p.txt"])


def test_a_folder_one_may_not_enter_is_not_called_missing(tmp_path, monkeypatch):
    locked = tmp_path / "locked"
    locked.mkdir()
    real_stat = os.stat

    def stat(path, *a, **kw):  # tests run as root, where chmod would not stop them
        if os.fspath(path) == str(locked):
            raise PermissionError(13, "Permission denied", str(path))
        return real_stat(path, *a, **kw)

    monkeypatch.setattr(os, "stat", stat)
    with pytest.raises(CorpusError, match="locked: permission denied"):
        Corpus([locked])


# -- item 2: token patterns are checked before anything is read ----------------------


@pytest.mark.parametrize(
    "pattern,rule",
    [
        (r"(\w)(\w+)", "capturing group"),
        (r"(\w+)", "capturing group"),
        (r"x*", "empty string"),
        (r"\b", "empty string"),
        (r"\w+ \w+", "whitespace"),
        (r"[^,]+", "whitespace"),
        (r"([a-z", "regular expression"),
    ],
)
def test_token_patterns_that_cannot_make_words_are_refused_up_front(tmp_path, pattern, rule):
    with pytest.raises(ValueError, match=rf"token_pattern .*{rule}"):
        TrainingConfig(token_pattern=pattern)
    (tmp_path / "a.txt").write_text("some words\n")
    with pytest.raises(CorpusError, match=rule):
        Corpus([tmp_path / "a.txt"], token_pattern=pattern)


@pytest.mark.parametrize("pattern", [r"\w+", r"\S+", r"(?:\w)+", r"[a-z]+(?:-[a-z]+)*"])
def test_good_token_patterns_pass(pattern):
    assert TrainingConfig(token_pattern=pattern).token_pattern == pattern
