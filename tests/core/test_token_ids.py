"""The scan's fast tokenizer (core/tokenids.py) gives exactly the reference's ids.

The reference is what the scan did before: ``Corpus.regex.findall`` of each chunk and a
dictionary giving each new token the next id. The fast path splits at whitespace and
tokenizes each distinct piece once; it must agree token for token, id for id and in the
order words were first seen, on adversarial text (Unicode letters and digits, both
apostrophes, ``_``-joined words, digits against letters, NUL, every Unicode whitespace,
letters whose lower case is ASCII) cut into chunks anywhere, for both patterns it takes
and for patterns it does not.
"""

from __future__ import annotations

import os
import re
import sys
from collections import defaultdict

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from w2v_gui.core import scanpair
from w2v_gui.core.config import DEFAULT_TOKEN_PATTERN
from w2v_gui.core.corpus import NEWLINE, Corpus
from w2v_gui.core.tokenids import SPLITTABLE, TokenIds
from w2v_gui.core.vocab import scan

PROPERTY = settings(
    max_examples=int(os.environ.get("W2V_FUZZ_EXAMPLES", 300)),
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
WHITESPACE = "".join(chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace())
# Pieces of text that stress the token pattern's edges.
ATOMS = [
    "a", "Z", "word", "King", "'", "’", "_", "__", "1", "42", "٣", "x1", "1x", "a'b", "a’b",
    "a''b", "'a", "a'", "new_york", "a_1", "1_a", "_a_", "a__b", "a'_b", "é", "École", "ß",
    "İ", "K", "ǅ", "ﬁ", "日本", "中文字", "-", ",", ".", "x-ray", "\x00", "\x1c", "\ufffd",
    "🙂", "e\u0301", "ⅷ", "²", "½", "Ⅻ", "word.", "(the", "3.14", "can't", "rock'n'roll",
]  # fmt: skip
PATTERNS = [
    *SPLITTABLE,
    r"\w+",  # not splittable: the reference path
    r"\b\w+(?=\s)",  # context-dependent: must not be split
    r"[^\s]+",
]
text_st = st.lists(
    st.one_of(
        st.sampled_from(ATOMS),
        st.sampled_from(list(WHITESPACE)),
        st.sampled_from([" ", " ", "\n", "\r\n", "\t"]),
        st.text(max_size=4),
    ),
    max_size=60,
).map("".join)


def reference(regex: re.Pattern, texts: list[str]) -> tuple[list[str], np.ndarray]:
    ids_of: defaultdict[str, int] = defaultdict()
    ids_of.default_factory = ids_of.__len__
    ids = [ids_of[t] for text in texts for t in regex.findall(text)]
    return list(ids_of), np.array(ids, dtype=np.int32)


def fast(regex: re.Pattern, pattern: str, texts: list[str]) -> tuple[list[str], np.ndarray]:
    enc = TokenIds(regex, pattern)
    parts = [enc.encode(t) for t in texts]
    for p in parts:
        assert p.dtype == np.int32
    return enc.words, np.concatenate(parts) if parts else np.zeros(0, np.int32)


def _regex(pattern: str) -> re.Pattern:
    return re.compile(r"\n|" + f"(?:{pattern})")


@PROPERTY
@given(
    texts=st.lists(text_st, min_size=1, max_size=6),
    pattern=st.sampled_from(PATTERNS),
    lower=st.booleans(),
)
def test_fast_ids_equal_the_reference(texts, pattern, lower):
    if lower:
        texts = [t.lower() for t in texts]
    regex = _regex(pattern)
    words, ids = fast(regex, pattern, texts)
    ref_words, ref_ids = reference(regex, texts)
    assert words == ref_words
    assert ids.tolist() == ref_ids.tolist()


def test_splittable_patterns_never_match_whitespace_or_dropped_ascii():
    """What makes splitting exact: no token holds whitespace (str.split's) and no ASCII
    character outside the pattern's kept set; and the patterns look at nothing around a
    match (no look-around, anchors or word boundaries)."""
    for pattern, keep in SPLITTABLE.items():
        regex = re.compile(pattern)
        assert regex.search(WHITESPACE) is None
        dropped = "".join(chr(c) for c in range(128) if chr(c) not in keep)
        assert regex.search(dropped) is None
        for c in keep:  # and each kept one can be in a token
            assert any(c in m for m in regex.findall(f"a{c}a 1{c}1 {c}")), c
        assert not re.search(r"\(\?[=!<]|\\[bBAZ]|[$^]", pattern.replace("[^", "["))


def test_many_pieces_reset_keeps_ids():
    """Past the remembered-pieces limit the piece memory starts again; ids continue."""
    import w2v_gui.core.tokenids as tokenids

    regex = _regex(DEFAULT_TOKEN_PATTERN)
    texts = [" ".join(f"w{i}x,{i}" for i in range(k, k + 500)) + "\n" for k in range(0, 3000, 500)]
    old = tokenids._MAX_EXTRA_PIECES
    tokenids._MAX_EXTRA_PIECES = 100
    try:
        words, ids = fast(regex, DEFAULT_TOKEN_PATTERN, texts * 2)
    finally:
        tokenids._MAX_EXTRA_PIECES = old
    ref_words, ref_ids = reference(regex, texts * 2)
    assert words == ref_words
    assert ids.tolist() == ref_ids.tolist()


@pytest.mark.parametrize("pattern", [DEFAULT_TOKEN_PATTERN, r"\w+"])
def test_scan_equals_the_token_chunks(tmp_path, pattern):
    """The whole scan (fast path inside) against Corpus.iter_chunks, the reference
    tokenizer, with chunks far smaller than the text so words are cut across them."""
    rng = np.random.default_rng(3)
    atoms = ATOMS + [" ", " ", " ", "\n", "\n\n"]
    text = "".join(rng.choice(atoms, size=20000))
    path = tmp_path / "a.txt"
    path.write_text(text, encoding="utf-8")
    corpus = Corpus([path], token_pattern=pattern, chunk_bytes=997)
    sc = scan(corpus)
    ids_of: defaultdict[str, int] = defaultdict()
    ids_of.default_factory = ids_of.__len__
    ref_ids = [ids_of[t] for chunk in corpus.iter_chunks() for t in chunk]
    assert sc.words == list(ids_of)
    assert np.asarray(sc.ids).tolist() == ref_ids
    assert sc.newline_id == ids_of[NEWLINE]


@PROPERTY
@given(texts=st.lists(text_st, min_size=1, max_size=9), pattern=st.sampled_from(PATTERNS))
def test_two_process_ids_equal_the_reference(texts, pattern):
    """Chunks alternate between this process and a forked helper, each with its own
    word table; the shared ids and word order must be the one-process ones."""
    regex = _regex(pattern)
    enc = scanpair.PairEncoder(regex, pattern)
    parts = list(enc.encode_all(texts))
    ref_words, ref_ids = reference(regex, texts)
    assert list(enc.ids_of) == ref_words
    assert np.concatenate(parts).tolist() == ref_ids.tolist()


def _dies_after_two(conn, parent_end, regex, token_pattern):
    parent_end.close()
    local = scanpair._Local(regex, token_pattern)
    for _ in range(2):
        conn.send(local.encode(conn.recv()))
    os._exit(3)


def test_two_process_scan_equals_one_process_and_survives_a_dead_helper(tmp_path, monkeypatch):
    rng = np.random.default_rng(5)
    atoms = ATOMS + [" ", " ", " ", "\n", "\n\n"]
    path = tmp_path / "a.txt"
    path.write_text("".join(rng.choice(atoms, size=30000)), encoding="utf-8")
    corpus = Corpus([path], chunk_bytes=2000)
    one = scan(corpus)
    # (can_pair would say no here: pytest-timeout's watchdog is a second thread.)
    monkeypatch.setattr(scanpair, "can_pair", lambda total_bytes: True)
    two = scan(corpus)
    monkeypatch.setattr(scanpair, "_helper", _dies_after_two)
    dead = scan(corpus)
    for sc in (two, dead):
        assert sc.words == one.words
        assert np.array_equal(sc.ids, one.ids) and np.array_equal(sc.counts, one.counts)
        assert sc.stats == one.stats


def test_stopping_early_ends_the_helper_by_closing_the_pipe():
    regex = _regex(DEFAULT_TOKEN_PATTERN)
    enc = scanpair.PairEncoder(regex, DEFAULT_TOKEN_PATTERN)
    chunks = enc.encode_all(["a b\n", "c d\n", "e f\n", "g h\n"] * 50)
    next(chunks)
    next(chunks)
    chunks.close()  # as scan does on Cancelled or a CorpusError
    assert enc.helper is not None and enc.helper.exitcode == 0  # ended, not terminated
