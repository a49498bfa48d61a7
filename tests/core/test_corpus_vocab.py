"""Reading corpora of every kind, counting, subsampling and noise distributions."""

import bz2
import gzip
import lzma
import zipfile

import numpy as np
import pytest

from w2v_gui.core.corpus import NEWLINE, Corpus
from w2v_gui.core.errors import CorpusError
from w2v_gui.core.vocab import Vocab, scan

TEXT = "The cat sat on the mat.\nThe dog, the CAT and a bird!\n"


def tokens(corpus):
    return [t for chunk in corpus.iter_chunks() for t in chunk]


@pytest.mark.parametrize(
    "opener,suffix", [(open, ".txt"), (gzip.open, ".gz"), (bz2.open, ".bz2"), (lzma.open, ".xz")]
)
def test_compressed_files_read_the_same(tmp_path, opener, suffix):
    path = tmp_path / f"c{suffix}"
    with opener(path, "wb") as f:
        f.write(TEXT.encode())
    toks = tokens(Corpus([path]))
    assert [
        t for t in toks if t != NEWLINE
    ] == "the cat sat on the mat the dog the cat and a bird".split()
    assert toks.count(NEWLINE) >= 2


def test_zip_and_folders(tmp_path):
    with zipfile.ZipFile(tmp_path / "a.zip", "w") as z:
        z.writestr("x/one.txt", "alpha beta\n")
        z.writestr("image.png", b"\x89PNG....")
    sub = tmp_path / "sub"
    sub.mkdir()
    (sub / "two.txt").write_text("gamma\n")
    (sub / ".hidden.txt").write_text("secret\n")
    (sub / "photo.jpg").write_bytes(b"\xff\xd8\xff")
    words = [t for t in tokens(Corpus([tmp_path])) if t != NEWLINE]
    assert words == ["alpha", "beta", "gamma"]


def test_text_without_newlines_streams_in_bounded_chunks(tmp_path):
    letters = "abcdefghij"
    words = [letters[i % 10] * (1 + i % 5) + letters[i % 7] for i in range(200_000)]
    (tmp_path / "t8").write_text(" ".join(words))
    corpus = Corpus([tmp_path / "t8"], chunk_bytes=4096)
    chunks = list(corpus.iter_chunks())
    assert max(len(c) for c in chunks) < 2000  # bounded, never the whole file
    assert [t for c in chunks for t in c if t != NEWLINE] == [
        w for w in (" ".join(words)).split()
    ]  # no word cut at a chunk edge


def test_invalid_utf8_is_replaced_and_counted(tmp_path):
    (tmp_path / "bad.txt").write_bytes(b"good \xff\xfe words\nmore \xc3 text\n")
    corpus = Corpus([tmp_path / "bad.txt"])
    words = [t for t in tokens(corpus) if t != NEWLINE]
    assert words == ["good", "words", "more", "text"]
    assert corpus.last_stats.invalid_bytes == 3


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_with_or_without_bom_and_crlf(tmp_path, encoding):
    # Without a BOM, mostly-ASCII UTF-16 is told by its zero bytes (else it looks binary).
    (tmp_path / "u16.txt").write_bytes("héllo wörld\r\nzweite Zeile\r\n".encode(encoding))
    corpus = Corpus([tmp_path / "u16.txt"], chunk_bytes=33)  # odd: splits code units
    words = [t for t in tokens(corpus) if t != NEWLINE]
    assert words == ["héllo", "wörld", "zweite", "zeile"]
    assert corpus.last_stats.invalid_bytes == 0


def test_configurable_tokenization(tmp_path):
    (tmp_path / "a.txt").write_text("New-York is BIG in 2024\n")
    c = Corpus([tmp_path / "a.txt"], lowercase=False, token_pattern=r"[\w-]+")
    assert [t for t in tokens(c) if t != NEWLINE] == ["New-York", "is", "BIG", "in", "2024"]


@pytest.mark.parametrize(
    "content,match",
    [
        (b"", "contains no words"),
        (b"... !!! ???\n", "contains no words"),
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "binary"),
        (b"\x00\x01\x02\x03" * 300, "binary"),
    ],
)
def test_useless_files_get_a_message_naming_the_file(tmp_path, content, match):
    path = tmp_path / "input.txt"
    path.write_bytes(content)
    with pytest.raises(CorpusError, match=match) as info:
        scan(Corpus([path]))
    assert "input.txt" in str(info.value)


def test_missing_and_empty_folder(tmp_path):
    with pytest.raises(CorpusError, match="no such file"):
        Corpus([tmp_path / "nope.txt"])
    (tmp_path / "empty").mkdir()
    with pytest.raises(CorpusError, match="no text files"):
        Corpus([tmp_path / "empty"])


def test_scan_counts_and_builds_stream_with_sentence_starts(tmp_path):
    (tmp_path / "a.txt").write_text("b a c a\n\nrare b a\n")
    sc = scan(Corpus([tmp_path / "a.txt"]))
    assert sc.raw_words == 7
    assert sc.vocab_size(1) == 4 and sc.vocab_size(2) == 2 and sc.vocab_size(1, 3) == 3
    assert sc.token_count(1) == 7 and sc.token_count(2) == 5 and sc.token_count(1, 1) == 3
    vocab, stream = sc.build(min_count=2)
    # Count descending, ties alphabetical: a (3), b (2).
    assert vocab.words == ("a", "b") and list(vocab.counts) == [3, 2]
    assert [vocab.words[i] for i in stream.ids] == ["b", "a", "a", "b", "a"]
    assert list(stream.sentence_starts) == [3]  # "rare" dropped, the second line starts at 3
    assert stream.raw_words == 7
    with pytest.raises(
        CorpusError,
        match=r"a\.txt: no word occurs at least 10 times \(the "
        r"most frequent occurs 3 times\); lower min_count",
    ):
        sc.build(min_count=10)


def test_ties_are_broken_alphabetically_whatever_the_input_order():
    v1 = Vocab.from_counts(["z", "y", "x", "w"], [2, 5, 2, 5])
    v2 = Vocab.from_counts(["x", "w", "z", "y"], [2, 5, 2, 5])
    assert v1.words == v2.words == ("w", "y", "x", "z")
    rng = np.random.default_rng(2)
    words = [f"{'ab'[int(rng.integers(2))]}{i}é" for i in range(500)]
    counts = rng.integers(0, 4, size=500)
    v = Vocab.from_counts(words, counts)
    expected = sorted(zip(words, counts.tolist(), strict=True), key=lambda wc: (-wc[1], wc[0]))
    assert list(zip(v.words, v.counts.tolist(), strict=True)) == expected


def test_subsampling_matches_word2vec_formula():
    v = Vocab.from_counts(["the", "of", "cat", "rare"], [500_000, 100_000, 1_000, 5])
    sample = 1e-3
    total = 601_005
    t = sample * total
    expected = [min(1.0, (np.sqrt(c / t) + 1) * t / c) for c in (500_000, 100_000, 1_000, 5)]
    np.testing.assert_allclose(v.keep_probability(sample), expected)
    assert v.keep_probability(0.0).tolist() == [1, 1, 1, 1]
    assert v.keep_probability(sample)[0] < 0.1 and v.keep_probability(sample)[-1] == 1.0


def test_noise_distribution_is_unigram_to_the_power():
    v = Vocab.from_counts(["a", "b", "c"], [81, 16, 1])
    p = v.noise_distribution(0.75)
    np.testing.assert_allclose(p, np.array([27, 8, 1]) / 36)
    np.testing.assert_allclose(v.noise_distribution(0.0), [1 / 3] * 3)


def test_max_vocab_size_keeps_the_most_frequent_ties_by_word():
    # The cut must match Vocab.from_counts' order (count descending, then word) without
    # sorting the whole vocabulary; checked against that sort on tie-heavy random data.
    from w2v_gui.core.corpus import ReadStats
    from w2v_gui.core.vocab import Scan

    rng = np.random.default_rng(1)
    for _ in range(300):
        n = int(rng.integers(1, 60))
        words = [f"{'abc'[int(rng.integers(3))]}{i}" for i in range(n)]
        counts = rng.integers(0, 6, size=n).astype(np.int64)
        newline = int(rng.integers(-1, n))
        sc = Scan(words, counts, np.zeros(1, np.int32), newline, 1, ReadStats(1, 1, 0))
        min_count, limit = int(rng.integers(1, 4)), int(rng.integers(1, n + 2))
        word_counts = counts.copy()
        if newline >= 0:
            word_counts[newline] = 0
        kept = [i for i in range(n) if word_counts[i] >= min_count]
        expected = sorted(sorted(kept, key=lambda i: (-word_counts[i], words[i]))[:limit])
        assert sc._kept(min_count, limit).tolist() == expected
        assert sc.vocab_size(min_count, limit) == len(expected)
        assert sc.token_count(min_count, limit) == int(word_counts[expected].sum())


def test_scan_ids_are_the_same_across_part_and_slice_boundaries(tmp_path, monkeypatch):
    import w2v_gui.core.vocab

    (tmp_path / "a.txt").write_text("b a c a\n\nrare b a\n" * 50)
    whole = scan(Corpus([tmp_path / "a.txt"]))
    monkeypatch.setattr(w2v_gui.core.vocab, "_PART_TOKENS", 7)
    monkeypatch.setattr(w2v_gui.core.vocab, "_REMAP_SLICE", 5)
    parts = scan(Corpus([tmp_path / "a.txt"], chunk_bytes=16))
    assert np.array_equal(parts.ids, whole.ids) and np.array_equal(parts.counts, whole.counts)
    assert parts.words == whole.words and parts.raw_words == 350
