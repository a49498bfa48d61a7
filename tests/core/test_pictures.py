"""The maths of the pictures: projection, analogy parallelogram, label thinning, colour
strips and the vocabulary plots."""

import time

import numpy as np
import pytest

from w2v_gui.core.corpus import Corpus
from w2v_gui.core.errors import UnknownWordError
from w2v_gui.core.pictures.labels import thin_labels
from w2v_gui.core.pictures.projection import parallelogram, pca, word_map
from w2v_gui.core.pictures.strips import (
    DIVERGING,
    Expression,
    column_order,
    diverging_colours,
    parse_rows,
    strip_rows,
    symmetric_limit,
)
from w2v_gui.core.pictures.vocabulary import (
    corpus_counts,
    min_count_curve,
    vocabulary_table,
    zipf,
    zipf_fit,
)
from w2v_gui.core.pictures.words import (
    analogy,
    find_words,
    most_frequent,
    neighbourhood,
    parse_words,
)
from w2v_gui.core.vectors import Embeddings
from w2v_gui.core.vocab import Vocab, scan

# Four words on a perfect parallelogram (king − man + woman is exactly queen: all have
# norm √2, so unit vectors keep it exact), and others that are not part of it.
E = np.eye(6)
PLANTED = {
    "man": E[0] + E[3],
    "woman": E[0] - E[3],
    "king": E[1] + E[3],
    "queen": E[1] - E[3],
    "apple": E[2] + E[4],
    "pear": E[2] + 0.9 * E[4] + 0.1 * E[5],
    "stone": E[5] - E[4],
}


@pytest.fixture
def planted() -> Embeddings:
    words = list(PLANTED)
    return Embeddings(
        words, np.array([PLANTED[w] for w in words]), counts=[50, 40, 30, 20, 10, 5, 60]
    )


def random_vectors(n=60, d=12, seed=0):
    rng = np.random.default_rng(seed)
    # Unequal spread per dimension so the principal axes are well separated.
    return rng.normal(size=(n, d)) * np.linspace(3, 0.5, d)


# -- projection -----------------------------------------------------------------------


@pytest.mark.parametrize("shape", [(60, 12), (8, 12)])  # the Gram path and the SVD path
def test_pca_equals_a_direct_svd(shape):
    x = random_vectors(*shape)
    proj = pca(x)
    centred = x - x.mean(axis=0)
    u, s, vt = np.linalg.svd(centred, full_matrices=False)
    xy = proj(x)
    for k in range(2):
        # The same axis up to sign, and the coordinates are U·S.
        sign = np.sign(proj.components[k] @ vt[k])
        assert abs(sign) == 1
        np.testing.assert_allclose(proj.components[k], sign * vt[k], atol=1e-12)
        np.testing.assert_allclose(xy[:, k], sign * u[:, k] * s[k], atol=1e-9)
    np.testing.assert_allclose(proj.explained, s[:2] ** 2 / np.sum(s**2))
    # And the variance along each axis is the covariance matrix's top eigenvalue.
    eig = np.linalg.eigvalsh(np.cov(x.T, bias=True))[::-1]
    np.testing.assert_allclose(xy.var(axis=0), eig[:2])


@pytest.mark.parametrize("shape", [(60, 12), (8, 12)])
def test_pca_signs_are_deterministic(shape):
    x = random_vectors(*shape)
    proj = pca(x)
    for comp in proj.components:
        assert comp[np.argmax(np.abs(comp))] > 0
    # Whatever sign the SVD picks for negated or reordered input, the picture is the same.
    np.testing.assert_allclose(pca(-x).components, proj.components, atol=1e-12)
    np.testing.assert_allclose(pca(x[::-1]).components, proj.components, atol=1e-12)
    np.testing.assert_allclose(pca(x.astype(np.float32)).components, proj.components, atol=1e-5)


def test_pca_with_too_few_directions():
    one = pca(np.ones((1, 5)))
    assert not one.components.any() and not one.explained.any()
    np.testing.assert_array_equal(one(np.ones((3, 5))), np.zeros((3, 2)))
    two = pca(np.array([[0.0, 0, 0], [2, 0, 0]]))
    np.testing.assert_allclose(two.components, [[1, 0, 0], [0, 0, 0]])
    np.testing.assert_allclose(two.explained, [1, 0])
    np.testing.assert_allclose(two(np.array([[0.0, 0, 0], [2, 0, 0]]))[:, 0], [-1, 1])
    # Many points on one line (the Gram path): one direction, the other is zero.
    line = np.outer(np.linspace(-1, 1, 50), [1.0, 2.0, 2.0]) + 5
    flat = pca(line)
    np.testing.assert_allclose(flat.components, [[1 / 3, 2 / 3, 2 / 3], [0, 0, 0]], atol=1e-12)
    np.testing.assert_allclose(flat.explained, [1, 0], atol=1e-12)
    with pytest.raises(ValueError, match="non-empty"):
        pca(np.zeros((0, 3)))


def test_word_map_projects_unit_vectors(planted):
    rows, missing = find_words(planted, ["King", "queen", "man", "woman", "unicorn", "king"])
    assert missing == ["unicorn"] and rows == [2, 3, 0, 1]  # case forgiven, no repeats
    m = word_map(planted, rows)
    assert m.words == ("king", "queen", "man", "woman")
    expected = pca(planted.unit[rows])(planted.unit[rows])
    np.testing.assert_allclose(m.xy, expected)
    # Fitted on other words, projected the same way.
    m2 = word_map(planted, rows, fit_rows=most_frequent(planted, 7))
    np.testing.assert_allclose(m2.xy, pca(planted.unit)(planted.unit[rows]), atol=1e-12)
    with pytest.raises(ValueError, match="no words"):
        word_map(planted, [])


def test_choosing_words(planted):
    assert parse_words(" king, queen;man  woman\n") == ["king", "queen", "man", "woman"]
    near = neighbourhood(planted, "Apple", 1)
    assert [planted.words[r] for r in near] == ["apple", "pear"]
    assert len(neighbourhood(planted, "apple", 3)) == 4
    with pytest.raises(UnknownWordError):
        neighbourhood(planted, "unicorn", 3)
    assert [planted.words[r] for r in most_frequent(planted, 3)] == ["stone", "man", "woman"]
    no_counts = Embeddings(planted.words, planted.vectors)
    assert most_frequent(no_counts, 3).tolist() == [0, 1, 2]  # file order
    assert len(most_frequent(planted, 100)) == 7


# -- the analogy parallelogram ----------------------------------------------------------


def test_analogy_finds_the_fourth_word(planted):
    found = analogy(planted, "Man", "king", "woman", others=2)
    assert found.words == ("man", "king", "woman", "queen")
    assert found.rows == (0, 2, 1, 3)
    assert found.cosine == pytest.approx(1.0)
    assert len(found.others) == 2 and 3 not in found.others
    with pytest.raises(UnknownWordError):
        analogy(planted, "man", "king", "unicorn")


def test_parallelogram_from_an_analogy(planted):
    found = analogy(planted, "man", "king", "woman")
    m = word_map(planted, list(found.rows))
    shape = parallelogram(planted, found, m.projection)
    a, b, c, d = shape.corners
    np.testing.assert_allclose(shape.corners, m.xy)  # the same points as the map
    np.testing.assert_allclose(shape.ideal, b - a + c)  # projecting is affine
    np.testing.assert_allclose(shape.ideal, d, atol=1e-12)  # and here it is perfect
    assert shape.miss == pytest.approx(0, abs=1e-9)
    (a0, c0), (b0, d0) = shape.arrows
    np.testing.assert_allclose(c0 - a0, d0 - b0, atol=1e-12)  # man→woman ∥ king→queen
    (a1, b1), (c1, d1) = shape.sides
    np.testing.assert_allclose(b1 - a1, d1 - c1, atol=1e-12)
    assert np.linalg.norm(c0 - a0) > 0.1


def test_parallelogram_of_an_imperfect_analogy(planted):
    # "apple is to pear as man is to ?" has no true answer: d misses the ideal corner.
    found = analogy(planted, "apple", "pear", "man")
    proj = word_map(planted, list(found.rows)).projection
    shape = parallelogram(planted, found, proj)
    a, b, c, _ = shape.corners
    np.testing.assert_allclose(shape.ideal, b - a + c)
    assert shape.miss > 0.05


# -- labels -----------------------------------------------------------------------------


def boxes(xy, widths, height, view, size, sides, offset=5.0):
    x0, x1, y0, y1 = view
    px = (xy[:, 0] - x0) * size[0] / (x1 - x0)
    sx = np.where(sides > 0, px + offset, px - offset - widths)
    sy = (y1 - xy[:, 1]) * size[1] / (y1 - y0) - height / 2
    return np.stack([sx, sy, sx + widths, sy + height], axis=1)


def overlapping(b):
    x0, y0, x1, y1 = b.T
    over = (
        (x0[:, None] < x1[None])
        & (x0[None] < x1[:, None])
        & (y0[:, None] < y1[None])
        & (y0[None] < y1[:, None])
    )
    np.fill_diagonal(over, False)
    return over.any()


def test_thinned_labels_never_overlap_and_follow_priority():
    rng = np.random.default_rng(1)
    xy = rng.uniform(-1, 1, size=(3000, 2))
    widths = rng.uniform(20, 70, size=3000)
    priority = rng.permutation(3000)
    view, size = (-1.0, 1.0, -1.0, 1.0), (800.0, 600.0)
    kept = thin_labels(xy, widths, 14, view, size, priority, max_labels=10_000)
    assert 50 < len(kept) < 3000
    b = boxes(xy[kept.index], widths[kept.index], 14, view, size, kept.side)
    assert not overlapping(b)
    assert np.all((b[:, 0] >= 0) & (b[:, 2] <= 800) & (b[:, 1] >= 0) & (b[:, 3] <= 600))
    assert set(kept.side.tolist()) == {-1, 1}  # both sides get used
    assert kept.index[0] == np.argmin(priority)  # the most important label is drawn
    assert np.all(np.diff(priority[kept.index]) > 0)  # in priority order
    assert len(thin_labels(xy, widths, 14, view, size, priority, max_labels=25)) == 25


def test_labels_go_left_when_right_is_taken_and_query_words_always_show():
    xy = np.array([[0.0, 0.0], [0.02, 0.0], [0.5, 0.5], [0.51, 0.5], [0.52, 0.5]])
    widths = np.full(5, 60.0)
    view, size = (-1, 1, -1, 1), (400, 400)
    kept = thin_labels(xy, widths, 14, view, size, avoid_points=0)
    # 1 is 4 px right of 0: its label would cover 0's, so it goes left; of three points
    # in a row, the third finds both sides taken.
    assert dict(zip(kept.index.tolist(), kept.side.tolist(), strict=True)) == {
        0: 1,
        1: -1,
        2: 1,
        3: -1,
    }
    # Keeping off the points too: 0's right label would cover point 1, so 0 goes left.
    clear = thin_labels(xy, widths, 14, view, size)
    assert dict(zip(clear.index.tolist(), clear.side.tolist(), strict=True))[0] == -1
    forced = thin_labels(xy, widths, 14, view, size, always=5)
    assert sorted(forced.index.tolist()) == [0, 1, 2, 3, 4]
    # The query's words that found both sides taken moved a line up or down instead.
    b = boxes(xy[forced.index], widths[forced.index], 14, view, size, forced.side)
    b[:, [1, 3]] += forced.lift[:, None]
    assert not overlapping(b) and set(np.abs(forced.lift)) > {0.0}
    # A preferred side is tried first.
    leftish = thin_labels(xy[:1], widths[:1], 14, view, size, prefer=np.array([-1]))
    assert leftish.side.tolist() == [-1]
    # A label that fits on neither side of a point in view is not drawn, even forced.
    wide = thin_labels(np.array([[0.0, 0.0]]), np.array([300.0]), 14, view, size, always=1)
    assert len(wide) == 0


def test_sparse_labels_keep_off_other_points():
    rng = np.random.default_rng(4)
    xy = rng.uniform(-1, 1, size=(150, 2))
    widths = np.full(150, 45.0)
    view, size = (-1.0, 1.0, -1.0, 1.0), (700.0, 500.0)
    kept = thin_labels(xy, widths, 14, view, size, radius=4)
    b = boxes(xy[kept.index], widths[kept.index], 14, view, size, kept.side)
    px, py = (xy[:, 0] + 1) * 350, (1 - xy[:, 1]) * 250
    for x0, y0, x1, y1 in b:
        assert not np.any((px + 4 > x0) & (px - 4 < x1) & (py + 4 > y0) & (py - 4 < y1))
    assert len(kept) > 40


def test_sparse_labels_all_show_and_outside_ones_do_not():
    xy = np.array([[0.0, 0.0], [0.0, 0.5], [0.5, 0.0], [5.0, 5.0]])
    kept = thin_labels(xy, np.full(4, 30.0), 14, (-1, 1, -1, 1), (400, 400))
    assert sorted(kept.index.tolist()) == [0, 1, 2] and set(kept.side.tolist()) == {1}
    # Zooming in on a crowd shows more of it.
    rng = np.random.default_rng(2)
    crowd = rng.normal(scale=0.1, size=(2000, 2))
    w = np.full(2000, 40.0)
    wide = thin_labels(crowd, w, 14, (-1, 1, -1, 1), (600, 400))
    close = thin_labels(crowd, w, 14, (-0.05, 0.05, -0.05, 0.05), (600, 400))
    assert len(close) > len(wide)
    assert len(thin_labels(crowd, w, 14, (0, 0, 0, 0), (600, 400))) == 0


def test_thinning_ten_thousand_labels_is_quick():
    rng = np.random.default_rng(3)
    xy = rng.normal(size=(10_000, 2))
    widths = rng.uniform(20, 80, size=10_000)
    thin_labels(xy, widths, 14, (-3, 3, -3, 3), (1000, 700))  # warm up
    start = time.process_time()
    kept = thin_labels(xy, widths, 14, (-3, 3, -3, 3), (1000, 700))
    assert time.process_time() - start < 0.1  # ~5 ms here; generous for a busy machine
    assert 100 < len(kept) <= 400


# -- colour strips ------------------------------------------------------------------------


def test_strip_colours_for_known_values():
    d = DIVERGING
    rgba = diverging_colours(np.array([-1.0, 0.0, 1.0, -5.0, 7.0, np.nan]), 1.0)
    assert rgba.dtype == np.uint8 and rgba.shape == (6, 4)
    np.testing.assert_array_equal(rgba[:3, :3], d[[0, 5, 10]])
    np.testing.assert_array_equal(rgba[3:5, :3], d[[0, 10]])  # clipped
    assert rgba[:5, 3].tolist() == [255] * 5 and rgba[5, 3] == 0
    # Halfway between two control points is their mean; the map is symmetric in kind:
    # negative is blue, positive is red.
    half = diverging_colours(np.array([0.1]), 1.0)[0, :3]
    np.testing.assert_array_equal(half, np.rint((d[5] + d[6]) / 2))
    neg, pos = diverging_colours(np.array([-0.6, 0.6]), 1.0)
    assert neg[2] > neg[0] and pos[0] > pos[2]
    with pytest.raises(ValueError, match="positive"):
        diverging_colours(np.zeros(2), 0.0)


def test_shared_scale_and_column_order():
    m = np.array([[0.2, -0.5], [0.1, 0.3]])
    assert symmetric_limit(m) == 0.5
    assert symmetric_limit(np.zeros((2, 2))) == 1.0
    assert symmetric_limit(np.zeros((0, 2))) == 1.0
    rgba = diverging_colours(m, symmetric_limit(m))
    np.testing.assert_array_equal(rgba[0, 1, :3], DIVERGING[0])  # the extreme is darkest
    assert column_order(np.array([0.1, 0.5, -0.2, 0.5])).tolist() == [1, 3, 0, 2]
    assert column_order(None, 3).tolist() == [0, 1, 2]
    with pytest.raises(ValueError):
        column_order(None)


def test_rows_with_a_sum_and_its_nearest_word(planted):
    rows = parse_rows("King, man, woman, king - man + woman, unicorn, apple − unicorn")
    assert rows[:3] == ["King", "man", "woman"]
    assert rows[3].terms == ((1, "king"), (-1, "man"), (1, "woman"))
    assert rows[3].label == "king − man + woman"
    strips = strip_rows(planted, rows)
    assert strips.labels[:4] == ("king", "man", "woman", "king − man + woman")
    assert strips.labels[4].startswith("≈ queen") and "1.00" in strips.labels[4]
    assert strips.kinds == ("word", "word", "word", "sum", "nearest")
    assert strips.missing == ("unicorn", "unicorn")
    # The sum's row is the normalised query most_similar ranks by, here exactly queen.
    np.testing.assert_allclose(strips.values[3], planted.unit[3], atol=1e-7)
    np.testing.assert_allclose(strips.values[4], planted.unit[3])
    np.testing.assert_allclose(np.linalg.norm(strips.values, axis=1), 1, rtol=1e-6)
    assert parse_rows("well-known, -a +b") == ["well-known", Expression(((-1, "a"), (1, "b")))]
    assert strip_rows(planted, []).values.shape == (0, 6)


# -- the vocabulary -----------------------------------------------------------------------


def test_zipf_points_and_exponent():
    counts = np.rint(1e6 / np.arange(1, 50_001)).astype(np.int64)
    np.random.default_rng(0).shuffle(counts)
    ranks, c = zipf(counts, max_points=500)
    assert ranks[0] == 1 and ranks[-1] == 50_000 and len(ranks) <= 500
    assert np.all(np.diff(ranks) > 0) and np.all(np.diff(c) <= 0)
    assert c[0] == 1_000_000 and c[-1] == 20
    s, c = zipf_fit(counts)
    assert s == pytest.approx(1.0, abs=0.01) and c == pytest.approx(1e6, rel=0.05)
    small_r, small_c = zipf(np.array([3, 0, 9, 1]))
    assert small_r.tolist() == [1, 2, 3] and small_c.tolist() == [9, 3, 1]
    assert all(np.isnan(zipf_fit(np.array([4]))))


def test_min_count_curve_equals_counting(tmp_path):
    counts = np.array([1, 1, 2, 3, 3, 3, 10, 50])
    m, sizes, share = min_count_curve(counts, np.array([1, 2, 3, 4, 11, 51]))
    assert sizes.tolist() == [np.sum(counts >= k) for k in m]
    np.testing.assert_allclose(share, [counts[counts >= k].sum() / counts.sum() for k in m])
    m, sizes, share = min_count_curve(counts)
    assert m[0] == 1 and m[-1] == 50 and sizes[0] == 8 and sizes[-1] == 1
    # The same sizes as the vocabulary a scan would build.
    text = "the cat sat on the mat\nthe dog and the cat\na bird the end\n"
    (tmp_path / "t.txt").write_text(text)
    s = scan(Corpus([tmp_path / "t.txt"]))
    words, counts = corpus_counts(s)
    assert "the" in words and len(words) == len(counts) == len(set(text.split()))
    m, sizes, _ = min_count_curve(counts, np.array([1, 2, 3, 5]))
    assert sizes.tolist() == [s.vocab_size(k) for k in m]


def test_vocabulary_table_matches_training():
    words = ["b", "a", "c", "d", "e"]
    counts = np.array([5, 5, 100, 1, 2])
    t = vocabulary_table(words, counts, min_count=2, sample=0.01)
    assert t.words == ("c", "a", "b", "e", "d") and t.counts.tolist() == [100, 5, 5, 2, 1]
    assert t.kept == 4 and t.total == 113
    vocab = Vocab.from_counts(["c", "a", "b", "e"], [100, 5, 5, 2])
    np.testing.assert_allclose(t.keep[:4], vocab.keep_probability(0.01))
    assert np.isnan(t.keep[4])
    assert vocabulary_table(words, counts, 1, 0.0, max_vocab_size=2).kept == 2
    assert np.all(vocabulary_table(words, counts, 1, 0.0).keep == 1.0)
    big = vocabulary_table(["cat", "concat", "Catalog", "dog"], np.array([3, 9, 1, 4]))
    assert [big.words[i] for i in big.search("CAT")] == ["cat", "Catalog", "concat"]
    assert big.search("").tolist() == [0, 1, 2, 3] and big.search("", limit=2).tolist() == [0, 1]
    assert big.search("zz").tolist() == []
