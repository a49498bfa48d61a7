"""Phrases: planted collocations found, chance pairs not, equal to gensim's Phrases."""

import io

import numpy as np
import pytest

from w2v_gui.core import phrases
from w2v_gui.core.cli import main
from w2v_gui.core.config import TrainingConfig
from w2v_gui.core.corpus import Corpus
from w2v_gui.core.errors import UnknownWordError
from w2v_gui.core.formats import FORMATS, load_embeddings, save_embeddings
from w2v_gui.core.pictures.words import resolve
from w2v_gui.core.vectors import Embeddings
from w2v_gui.core.vocab import scan

gensim_phrases = pytest.importorskip("gensim.models.phrases")

FILLER = [f"z{a}{b}" for a in "abcdefghijklm" for b in "abcdefghijklm"][:150]


def _planted_lines(seed=0, n=3000):
    """Random filler words with "new york", "ice cream" and "bank of america" planted,
    plus "of the" and lone "new", "cream", "bank" so the parts also occur apart."""
    rng = np.random.default_rng(seed)
    plants = [["new", "york"], ["ice", "cream"], ["bank", "of", "america"], ["of", "the"]]
    singles = ["new", "cream", "bank", "the", "of", "and", "a"]
    lines = []
    for _ in range(n):
        words: list[str] = []
        for _ in range(rng.integers(0, 14)):
            r = rng.random()
            if r < 0.08:
                words += plants[rng.integers(len(plants))]
            elif r < 0.2:
                words.append(singles[rng.integers(len(singles))])
            else:
                words.append(FILLER[rng.integers(len(FILLER))])
        lines.append(" ".join(words))
    return lines


@pytest.fixture(scope="module")
def planted(tmp_path_factory):
    path = tmp_path_factory.mktemp("phrases") / "planted.txt"
    path.write_text("\n".join(_planted_lines()) + "\n")
    return path, scan(Corpus(path))


def test_planted_collocations_are_found_and_chance_pairs_are_not(planted):
    _, sc = planted
    found = {p.text for p in phrases.detect(sc).phrases}  # gensim's defaults: 5, 10
    assert {"new_york", "ice_cream"} <= found
    # Filler words follow each other at random: none of their pairs may join.
    assert not any(p.split("_")[0] in FILLER and p.split("_")[1] in FILLER for p in found)
    assert "bank_of_america" not in found  # no connectors: "of" is an ordinary word
    with_conn = phrases.detect(sc, connectors=phrases.ENGLISH_CONNECTOR_WORDS)
    texts = {p.text for p in with_conn.phrases}
    assert "bank_of_america" in texts and "new_york" in texts
    # Connector words never start or end a phrase.
    assert not any(
        p.split("_")[0] in phrases.ENGLISH_CONNECTOR_WORDS
        or p.split("_")[-1] in phrases.ENGLISH_CONNECTOR_WORDS
        for p in texts
    )


@pytest.mark.parametrize("connectors", [False, True], ids=["plain", "connectors"])
@pytest.mark.parametrize(
    "scoring, threshold, min_count",
    [("default", 10.0, 5), ("default", 0.5, 2), ("npmi", 0.3, 5), ("npmi", -0.2, 1)],
)
def test_one_pass_equals_gensim(planted, scoring, threshold, min_count, connectors):
    _, sc = planted
    conn = gensim_phrases.ENGLISH_CONNECTOR_WORDS if connectors else frozenset()
    sentences = list(phrases.sentences(sc))
    model = gensim_phrases.Phrases(
        sentences, min_count=min_count, threshold=threshold, scoring=scoring, connector_words=conn
    )
    theirs = model.find_phrases(sentences)
    ours = phrases.detect(sc, 1, min_count, threshold, scoring, conn)
    assert theirs, "the settings must form some phrases"
    assert {p.text for p in ours.phrases} == set(theirs)
    for p in ours.phrases:
        assert p.score == pytest.approx(theirs[p.text], rel=1e-12)
    # The joined text too, token for token.
    assert list(phrases.sentences(ours.scan)) == [model[s] for s in sentences]


@pytest.mark.parametrize("connectors", [False, True], ids=["plain", "connectors"])
def test_two_passes_equal_gensim_run_twice(planted, connectors):
    _, sc = planted
    conn = gensim_phrases.ENGLISH_CONNECTOR_WORDS if connectors else frozenset()
    sentences = list(phrases.sentences(sc))
    for _ in range(2):
        model = gensim_phrases.Phrases(sentences, min_count=2, threshold=0.5, connector_words=conn)
        sentences = [model[s] for s in sentences]
    ours = phrases.detect(sc, 2, 2, 0.5, "default", conn)
    assert list(phrases.sentences(ours.scan)) == sentences
    assert any(p.pass_no == 2 and p.text.count("_") >= 2 for p in ours.phrases)


@pytest.mark.parametrize("scoring, threshold", [("default", 1.0), ("npmi", 0.1)])
def test_tokens_holding_the_delimiter_count_by_spelling_as_gensim(tmp_path, scoring, threshold):
    # gensim keys its counts by the joined string: the token "ru_486" and the pair "ru 486"
    # share one count, as do "a_b c" and "a b_c"; the vocabulary size counts them once.
    rng = np.random.default_rng(1)
    lines = []
    for _ in range(600):
        words = [FILLER[i] for i in rng.integers(0, 40, rng.integers(0, 8))]
        r = rng.random()
        plant = (
            "ru_486 pill"
            if r < 0.2
            else "ru 486"
            if r < 0.4
            else "a_b c"
            if r < 0.5
            else ("a b_c" if r < 0.6 else "new york of the city")
        )
        at = rng.integers(0, len(words) + 1)
        lines.append(" ".join(words[:at] + plant.split() + words[at:]))
    path = tmp_path / "c.txt"
    path.write_text("\n".join(lines) + "\n")
    sc = scan(Corpus(path))
    assert "ru_486" in sc.words and "b_c" in sc.words
    for conn in (frozenset(), gensim_phrases.ENGLISH_CONNECTOR_WORDS):
        sentences = list(phrases.sentences(sc))
        for passes in (1, 2):
            model = gensim_phrases.Phrases(
                sentences, min_count=2, threshold=threshold, scoring=scoring, connector_words=conn
            )
            theirs = model.find_phrases(sentences)
            sentences = [model[s] for s in sentences]
            ours = phrases.detect(sc, passes, 2, threshold, scoring, conn)
            assert list(phrases.sentences(ours.scan)) == sentences
            last = {p.text: p.score for p in ours.phrases if p.pass_no == passes}
            assert set(last) == set(theirs)
            assert all(last[t] == pytest.approx(theirs[t], rel=1e-12) for t in theirs)


def test_greedy_left_to_right_and_sentence_bounds(tmp_path):
    # a_b and b_c both score 7.74 > 1 (counts 10, vocabulary 45 words + 41 pairs), but
    # joining runs left to right: "a b c" -> "a_b c". "p" and "q" follow each other only
    # across line breaks, so they never pair.
    path = tmp_path / "c.txt"
    filler = " ".join(FILLER[:40])
    path.write_text("a b c\n" * 10 + "p\nq\n" * 10 + filler + "\n")
    sc = scan(Corpus(path))
    ours = phrases.detect(sc, 1, 1, 1.0)
    assert [(p.text, p.count, p.formed) for p in ours.phrases] == [("a_b", 10, 10)]
    assert ours.phrases[0].score == pytest.approx(9 / 100 * 86)
    out = list(phrases.sentences(ours.scan))
    assert out[:10] == [["a_b", "c"]] * 10 and out[10:30] == [["p"], ["q"]] * 10
    sentences = list(phrases.sentences(sc))
    model = gensim_phrases.Phrases(sentences, min_count=1, threshold=1.0)
    assert out == [model[s] for s in sentences]


def test_phrased_scan_trains_with_phrase_tokens(planted):
    _, sc = planted
    cfg = TrainingConfig(phrases=1, min_count=2)
    vocab, stream = phrases.build(sc, cfg)
    assert "new_york" in vocab and "ice_cream" in vocab
    assert stream.raw_words < sc.raw_words  # two tokens became one
    # Off: the very same vocabulary as without the module.
    off = phrases.build(sc, cfg.replace(phrases=0))[0]
    assert off.words == sc.build(2)[0].words


@pytest.mark.parametrize("fmt", FORMATS)
def test_phrase_tokens_survive_save_and_load(tmp_path, fmt):
    words = ["new_york", "bank_of_america", "ice_cream", "the"]
    vecs = np.random.default_rng(0).standard_normal((4, 5)).astype(np.float32)
    emb = Embeddings(words, vecs, np.array([9, 7, 5, 3]))
    path = tmp_path / {"native": "m.npz", "projector": "m.tsv"}.get(fmt, "m.txt")
    save_embeddings(emb, path, format=fmt)
    back = load_embeddings(path, format=fmt)
    assert back.words == emb.words
    assert np.allclose(back.vectors, vecs, atol=1e-5)


def test_queries_accept_spaces_for_phrases():
    vecs = np.eye(3, dtype=np.float32) + 0.1
    emb = Embeddings(["new_york", "paris", "new"], vecs)
    assert phrases.phrase_token("new york", emb.index) == "new_york"
    assert phrases.phrase_token("New  York", emb.index) == "new_york"
    assert phrases.phrase_token("new", emb.index) is None
    assert emb.get_index("new york") == 0 and emb.get_index("new_york") == 0
    assert emb.most_similar("new york", topn=1)[0][0] in ("paris", "new")
    assert resolve(emb, "New York") == "new_york"
    with pytest.raises(UnknownWordError):
        emb.get_index("old york")


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"phrase_scoring": "pmi"}, "phrase_scoring must be 'default' or 'npmi'"),
        ({"phrase_scoring": "npmi"}, "at most 1 for 'npmi'"),  # threshold 10
        ({"phrase_scoring": "npmi", "phrase_threshold": -0.5}, "phrase_threshold must be"),
        ({"phrase_threshold": 0.0}, "phrase_threshold must be between"),
        ({"phrases": -1}, "phrases must be between 0 and 3"),
        ({"phrases": 1.5}, "phrases must be a whole number"),
        ({"phrase_min_count": 0}, "phrase_min_count must be between 1"),
    ],
)
def test_bad_settings_get_clear_errors(changes, message):
    with pytest.raises(ValueError, match=message):
        TrainingConfig(**changes)


def test_good_npmi_settings_and_detect_checks():
    assert TrainingConfig(phrase_scoring="npmi", phrase_threshold=1.0).phrase_threshold == 1.0
    with pytest.raises(ValueError, match="above 0 for 'default'"):
        phrases.check_settings(1, 5, -3, "default")
    with pytest.raises(ValueError, match="min_count"):
        phrases.check_settings(1, 0, 10, "default")


def _run(*argv):
    out, err = io.StringIO(), io.StringIO()
    code = main(list(map(str, argv)), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def test_cli_phrases_writes_one_line_per_line(planted, tmp_path):
    path, sc = planted
    src = tmp_path / "in.txt"
    # Empty lines, and a last line without a line break.
    src.write_text("\n" + path.read_text() + "\n\nnew york city")
    out = tmp_path / "out.txt"
    code, _, err = _run("phrases", src, "-o", out, "--connectors", "--top", 2)
    assert code == 0, err
    lines_in = src.read_text().split("\n")
    lines_out = out.read_text().split("\n")
    assert out.read_text().endswith("\n") and lines_out[-1] == ""
    assert len(lines_out) - 1 == len(lines_in)  # the same lines, now ending with a break
    assert lines_out[0] == "" and lines_out[-3] == "" and lines_out[-2] == "new_york city"
    assert "bank_of_america" in out.read_text()
    # The report: the number found, a header and the top two with counts and scores.
    table = err.splitlines()
    assert table[0].startswith("3 phrases joined")
    head = table.index(next(ln for ln in table if ln.startswith("phrase ")))
    rows = [ln.split() for ln in table[head + 1 : -1]]
    assert len(rows) == 2 and all(
        r[0] in ("bank_of_america", "ice_cream", "new_york") for r in rows
    )
    assert all(int(r[1]) > 300 and float(r[3]) > 10 for r in rows)
    # The phrased text reads back: the phrases are ordinary tokens now.
    assert "new_york" in scan(Corpus(out)).words


def test_cli_phrases_and_train_errors(planted, tmp_path):
    path, _ = planted
    for argv, message in [
        (("--passes", 0), "--passes must be at least 1"),
        (("--scoring", "npmi", "--threshold", 3), "at most 1 for 'npmi'"),
        (("--min-count", 0), "min_count"),
    ]:
        code, _, err = _run("phrases", path, "-o", tmp_path / "o.txt", *argv)
        assert code == 2 and message in err and err.count("\n") == 1
    code, _, err = _run("train", path, "-o", tmp_path / "m.npz", "--phrase-scoring", "x")
    assert code == 2 and "phrase_scoring must be 'default' or 'npmi'" in err


def test_cli_train_with_phrases(planted, tmp_path):
    path, _ = planted
    model = tmp_path / "m.npz"
    code, _, err = _run(
        "train", path, "-o", model, "--phrases", 2, "--epochs", 1, "--vector-size", 10,
        "--workers", 1, "--min-count", 2,
    )  # fmt: skip
    assert code == 0, err
    assert "phrases joined" in err and "new_york" in err
    emb = load_embeddings(model)
    assert "new_york" in emb and "ice_cream" in emb
    code, out, _ = _run("similar", model, "new york", "--topn", 2)
    assert code == 0 and len(out.splitlines()) == 2
    # A model with phrases is also scored on word2vec.c's phrase analogies.
    code, out, err = _run("evaluate", model)
    assert code == 0, err
    assert "analogies: questions-words.txt" in out and "analogies: questions-phrases.txt" in out
    assert "of 3,218 questions attempted" in out
