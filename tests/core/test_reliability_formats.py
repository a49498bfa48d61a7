"""Vector files that are special, endless, non-finite or half-saved (issue 19 items 4-8, 12)."""

from __future__ import annotations

import errno
import os
import stat
import threading

import numpy as np
import pytest

from w2v_gui.core.errors import FormatError
from w2v_gui.core.formats import (
    _common,
    atomic_write,
    check_writable,
    glove,
    load_embeddings,
    projector,
    save_embeddings,
)
from w2v_gui.core.vectors import Embeddings


def _emb(words, seed=0, dim=4):
    rng = np.random.default_rng(seed)
    return Embeddings(words, rng.normal(size=(len(words), dim)).astype(np.float32))


def _in_thread(fn, timeout=20.0):
    """Run ``fn``; fail (instead of hanging the suite) if it does not return in time."""
    out: dict = {}

    def run():
        try:
            out["value"] = fn()
        except BaseException as exc:  # noqa: BLE001 - handed to the test
            out["error"] = exc

    t = threading.Thread(target=run, daemon=True)
    t.start()
    t.join(timeout)
    assert not t.is_alive(), "the load did not return: it blocks or never ends"
    if "error" in out:
        raise out["error"]
    return out.get("value")


# -- item 4: special files are refused, never opened for reading -------------------------


@pytest.mark.parametrize("fmt", [None, "glove", "word2vec-text", "word2vec-binary", "native"])
def test_dev_zero_is_refused_at_once(fmt):
    with pytest.raises(FormatError, match="/dev/zero: not a regular file but a device"):
        _in_thread(lambda: load_embeddings("/dev/zero", format=fmt))


@pytest.mark.parametrize("fmt", [None, "glove", "word2vec-text", "projector", "native"])
def test_a_fifo_as_the_model_does_not_block(tmp_path, fmt):
    fifo = tmp_path / "model.txt"
    os.mkfifo(fifo)
    with pytest.raises(FormatError, match="pipe"):
        _in_thread(lambda: load_embeddings(fifo, format=fmt))


def test_a_fifo_as_metadata_does_not_block(tmp_path):
    save_embeddings(_emb(["a", "b"]), tmp_path / "vectors.tsv")
    os.unlink(tmp_path / "metadata.tsv")
    os.mkfifo(tmp_path / "metadata.tsv")
    with pytest.raises(FormatError, match=r"metadata\.tsv: not a regular file but a pipe"):
        _in_thread(lambda: projector.load(tmp_path / "vectors.tsv"))


def test_a_metadata_link_to_dev_zero_is_refused(tmp_path):
    save_embeddings(_emb(["a", "b"]), tmp_path / "vectors.tsv")
    os.unlink(tmp_path / "metadata.tsv")
    os.symlink("/dev/zero", tmp_path / "metadata.tsv")
    with pytest.raises(FormatError, match="device"):
        _in_thread(lambda: projector.load(tmp_path / "vectors.tsv"))


# -- item 5: lines are capped, reads bounded ----------------------------------------------


def _holey(path, head: bytes, size: int):
    with open(path, "wb") as f:
        f.write(head)
        f.truncate(size)  # a hole: zero bytes that take no disk
    return path


@pytest.mark.parametrize("fmt", ["glove", "word2vec-text"])
def test_a_hole_of_zero_bytes_is_a_clear_error_not_memory_error(tmp_path, monkeypatch, fmt):
    monkeypatch.setattr(_common, "MAX_LINE", 1 << 20)  # the real cap is 32 MB
    monkeypatch.setattr(_common, "BLOCK", 1 << 16)
    head = b"3 3\n" if fmt == "word2vec-text" else b""
    path = _holey(tmp_path / "v.vec", head + b"a 1 2 3\nb 4 5 6\n", 50 << 20)
    with pytest.raises(FormatError, match=r"\(byte \d+\): a line longer than 1 MB") as info:
        load_embeddings(path, format=fmt)
    assert str(path) in str(info.value) and len(str(info.value)) < 300


def test_metadata_with_an_endless_line_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(_common, "MAX_LINE", 1 << 20)
    save_embeddings(_emb(["a", "b"]), tmp_path / "vectors.tsv")
    os.unlink(projector.manifest_path(tmp_path / "vectors.tsv"))
    _holey(tmp_path / "metadata.tsv", b"a\nb", 20 << 20)
    with pytest.raises(FormatError, match=r"metadata\.tsv \(byte 2\): a line longer than 1 MB"):
        projector.load(tmp_path / "vectors.tsv")


# -- item 6: NaN and infinity are refused, naming the first bad row -----------------------


@pytest.mark.parametrize("bad", [b"nan", b"inf", b"-inf", b"1e999", b"1e300"])
def test_glove_refuses_non_finite_values_naming_the_row(tmp_path, bad):
    path = tmp_path / "g.txt"
    path.write_bytes(b"a 1 2\nb 3 4\n\nc 5 " + bad + b"\nd 7 8\n")
    with pytest.raises(FormatError, match=r"vector 3 \(word 'c'\).*not a finite number") as info:
        glove.load(path)
    assert str(path) in str(info.value)


def test_glove_refuses_values_too_large_for_the_chosen_type(tmp_path):
    path = tmp_path / "g.txt"
    path.write_bytes(b"a 1 2\nb 70000 4\n")
    assert glove.load(path).vectors[1, 0] == 70000
    with pytest.raises(FormatError, match=r"vector 2 \(word 'b'\)"):
        glove.load(path, dtype=np.float16)


def test_projector_refuses_non_finite_values(tmp_path):
    save_embeddings(_emb(["a", "b", "c"]), tmp_path / "vectors.tsv")
    os.unlink(projector.manifest_path(tmp_path / "vectors.tsv"))  # edited by hand below
    lines = (tmp_path / "vectors.tsv").read_text().splitlines()
    lines[1] = "\t".join(["nan"] + lines[1].split("\t")[1:])
    (tmp_path / "vectors.tsv").write_text("\n".join(lines) + "\n")
    with pytest.raises(FormatError, match=r"vectors\.tsv: vector 2 \(word 'b'\)"):
        projector.load(tmp_path / "vectors.tsv")


# -- item 7: the projector pair is saved as one ------------------------------------------


def test_a_save_killed_between_the_renames_is_detected_on_load(tmp_path, monkeypatch):
    path = tmp_path / "vectors.tsv"
    save_embeddings(_emb(["king", "queen", "man"], seed=1), path)
    real = os.replace
    calls = []

    def replace(src, dst):
        calls.append(os.path.basename(dst))
        if os.path.basename(dst) == "vectors.tsv":
            raise KeyboardInterrupt  # killed after the manifest and the metadata
        real(src, dst)

    monkeypatch.setattr(os, "replace", replace)
    with pytest.raises(KeyboardInterrupt):
        save_embeddings(_emb(["apple", "pear", "plum"], seed=2), path)
    monkeypatch.setattr(os, "replace", real)
    assert calls == [".vectors.tsv.w2v-pair.json", "metadata.tsv", "vectors.tsv"]
    # Same row count: without the manifest this loaded, every word with another's vector.
    with pytest.raises(FormatError, match="do not belong together") as info:
        projector.load(path)
    assert "delete" in str(info.value) and str(path) in str(info.value)
    with pytest.raises(FormatError, match="do not belong together"):
        projector.load(path, limit=2)  # sizes are checked even when not read to the end


def test_a_complete_save_and_a_foreign_pair_load(tmp_path):
    path = tmp_path / "vectors.tsv"
    emb = _emb(["king", "queen", "man"])
    save_embeddings(emb, path)
    assert projector.load(path).words == emb.words
    assert projector.load(path, limit=2).words == emb.words[:2]
    os.unlink(projector.manifest_path(path))  # as TensorFlow's tools write them
    assert projector.load(path).words == emb.words


def test_a_failed_projector_save_leaves_both_old_files(tmp_path):
    path = tmp_path / "vectors.tsv"
    save_embeddings(_emb(["a", "b"]), path)
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}

    def progress(done, total):
        if done:
            raise RuntimeError("cancelled")

    with pytest.raises(RuntimeError):
        save_embeddings(_emb(["x", "y"], seed=3), path, progress=progress)
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before


# -- item 8: what a save leaves besides the file ----------------------------------------


def test_a_replaced_file_keeps_its_permissions(tmp_path):
    path = tmp_path / "secret.txt"
    path.write_bytes(b"old")
    os.chmod(path, 0o600)
    with atomic_write(path) as f:
        f.write(b"new")
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600 and path.read_bytes() == b"new"


def test_a_symlinked_output_is_written_through(tmp_path):
    real = tmp_path / "store" / "model.txt"
    real.parent.mkdir()
    real.write_bytes(b"old")
    link = tmp_path / "model.txt"
    os.symlink(real, link)
    with atomic_write(link) as f:
        f.write(b"new")
    assert link.is_symlink() and real.read_bytes() == b"new"
    assert sorted(os.listdir(real.parent)) == ["model.txt"]


def test_temporaries_are_named_for_people_and_stale_ones_removed(tmp_path):
    pid = os.fork()
    if pid == 0:
        os._exit(0)
    os.waitpid(pid, 0)
    stale = tmp_path / f".other.npz.unfinished-save-{pid}-0badc0de.tmp"
    stale.write_bytes(b"x" * 1000)
    seen = []
    with atomic_write(tmp_path / "m.txt") as f:
        seen = os.listdir(tmp_path)
        f.write(b"data")
    assert any("unfinished-save" in n for n in seen)
    # Any file's temporary of a dead process goes at the next save into the folder.
    assert sorted(os.listdir(tmp_path)) == ["m.txt"]


def test_a_full_disk_names_the_file_not_the_temporary(tmp_path):
    path = tmp_path / "model.txt"
    with pytest.raises(OSError) as info:
        with atomic_write(path) as f:
            f.write(b"partial")
            raise OSError(errno.ENOSPC, "No space left on device")
    assert info.value.filename == str(path) and "No space left" in str(info.value)
    assert os.listdir(tmp_path) == []


def test_an_unwritable_folder_is_found_before_saving(tmp_path, monkeypatch):
    real_open = os.open

    def deny(p, flags, *a):  # tests run as root, where chmod would not stop them
        if "unfinished-save" in os.fspath(p):
            raise PermissionError(errno.EACCES, "Permission denied", p)
        return real_open(p, flags, *a)

    monkeypatch.setattr(os, "open", deny)
    out = tmp_path / "model.npz"
    with pytest.raises(OSError, match="cannot save here") as info:
        check_writable(out)
    assert info.value.filename == out
    with pytest.raises(OSError) as info:
        with atomic_write(out) as f:
            f.write(b"x")
    assert info.value.filename == str(out) and "unfinished" not in str(info.value)
    with pytest.raises(OSError, match="does not exist"):
        check_writable(tmp_path / "nope" / "model.npz")


# -- item 12: messages are one short line -------------------------------------------------


def test_a_glove_line_with_extra_numbers_is_named_briefly(tmp_path):
    path = tmp_path / "g.txt"
    rows = [f"w{i} " + " ".join(["0.5"] * 3) for i in range(20)]
    rows[7] = "odd " + " ".join(["0.25"] * 200_000)
    path.write_text("\n".join(rows) + "\n")
    with pytest.raises(FormatError, match=r"line 8: expected a word followed by 3 numbers") as info:
        glove.load(path)
    assert len(str(info.value)) < 300


def test_glove_words_with_spaces_still_load(tmp_path):
    path = tmp_path / "g.txt"
    path.write_text("top 10 0.5 0.25\nnew york 1 2\nplain 3 4\n")
    assert glove.load(path).words == ("top 10", "new york", "plain")


@pytest.mark.parametrize("fmt", ["glove", "projector", "word2vec-text"])
def test_every_text_load_can_be_cancelled_through_progress(tmp_path, monkeypatch, fmt):
    monkeypatch.setattr(_common, "BLOCK", 1 << 12)  # many progress reports
    name = {"glove": "g.txt", "projector": "vectors.tsv", "word2vec-text": "w.txt"}[fmt]
    path = tmp_path / name
    save_embeddings(_emb([f"w{i}" for i in range(2000)], dim=8), path, format=fmt)
    calls = []

    class Cancelled(Exception):
        pass

    def progress(done, total):
        calls.append(done)
        if len(calls) == 2:
            raise Cancelled

    with pytest.raises(Cancelled):
        load_embeddings(path, format=fmt, progress=progress)
    assert len(calls) == 2  # stopped at once, not after reading the rest


@pytest.mark.parametrize("target", ["/dev/null", "fifo"])
def test_a_save_never_replaces_a_device_or_pipe(tmp_path, target):
    if target == "fifo":
        target = tmp_path / "out.txt"
        os.mkfifo(target)
    link = tmp_path / "link.txt"
    os.symlink(target, link)
    for path in (target, link):
        with pytest.raises(OSError, match="cannot save here: not a regular file but"):
            save_embeddings(_emb(["a"]), path, format="word2vec-text")
        with pytest.raises(OSError, match="cannot save here"):
            check_writable(path)
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode) or stat.S_ISFIFO(os.stat(target).st_mode)


def test_convert_checks_the_output_before_loading(tmp_path):
    import io

    from w2v_gui.core.cli import main

    src = tmp_path / "in.txt"
    save_embeddings(_emb(["a", "b"]), src)
    (tmp_path / "out.bin").mkdir()
    err = io.StringIO()
    assert main(["convert", str(src), str(tmp_path / "out.bin")], err=err) == 2
    assert "out.bin: cannot save here: it is a folder" in err.getvalue()
