"""The maths behind the pictures of the vectors: 2-D maps, colour strips, vocabulary plots.

Pure NumPy, no Qt: the GUI's map, strip and vocabulary panels only draw what these
functions return, so every number in a picture can be tested here.

- :func:`pca` projects vectors to 2-D (SVD, with a sign convention so the same vectors
  always give the same picture) and :func:`word_map` applies it to chosen words;
  :func:`find_words`, :func:`neighbourhood`, :func:`most_frequent` and
  :func:`analogy` choose them; :func:`parallelogram` draws an analogy in the plane.
- :func:`thin_labels` picks which labels of a crowded scatter plot to draw.
- :func:`strip_rows`, :func:`diverging_colours`, :func:`symmetric_limit` and
  :func:`column_order` make "The Illustrated Word2Vec"'s coloured vector strips.
- :func:`zipf`, :func:`zipf_fit`, :func:`min_count_curve` and
  :func:`vocabulary_table` describe the vocabulary.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from w2v_gui.core.errors import UnknownWordError
from w2v_gui.core.vectors import Embeddings
from w2v_gui.core.vocab import Scan, Vocab

# -- choosing words -------------------------------------------------------------------

_SEPARATORS = re.compile(r"[\s,;]+")


def parse_words(text: str) -> list[str]:
    """Words typed as a list: separated by spaces, commas or semicolons."""
    return [w for w in _SEPARATORS.split(text.strip()) if w]


def resolve(emb: Embeddings, text: str) -> str:
    """``text`` as the vocabulary has it: as typed, else lower-cased (people type "King"
    into lower-cased vocabularies). Raises :class:`UnknownWordError`."""
    for word in (text, text.lower()):
        if word in emb:
            return word
    raise UnknownWordError(text)


def find_words(emb: Embeddings, words: Iterable[str]) -> tuple[list[int], list[str]]:
    """Rows of the known ``words`` (first occurrence, in order) and the unknown words."""
    rows: list[int] = []
    seen: set[int] = set()
    missing: list[str] = []
    for text in words:
        try:
            row = emb.get_index(resolve(emb, text))
        except UnknownWordError:
            missing.append(text)
            continue
        if row not in seen:
            seen.add(row)
            rows.append(row)
    return rows, missing


def neighbourhood(emb: Embeddings, word: str, n: int) -> list[int]:
    """Row of ``word`` followed by the rows of its ``n`` nearest words (by cosine)."""
    word = resolve(emb, word)
    index = emb.index
    return [index[word]] + [index[w] for w, _ in emb.most_similar(word, topn=n)]


def most_frequent(emb: Embeddings, n: int) -> np.ndarray:
    """Rows of the ``n`` most frequent words (by count; row order when there are no counts,
    as word2vec files list frequent words first)."""
    n = max(0, min(int(n), len(emb)))
    counts = emb.counts
    if not counts.any():
        return np.arange(n)
    return np.argsort(-counts, kind="stable")[:n]


@dataclass(frozen=True)
class Analogy:
    """a is to b as c is to d: d is the word nearest to b − a + c (3CosAdd), ``cosine``
    its cosine to that point, ``others`` the next answers' rows."""

    words: tuple[str, str, str, str]
    rows: tuple[int, int, int, int]
    cosine: float
    others: tuple[int, ...] = ()


def analogy(emb: Embeddings, a: str, b: str, c: str, others: int = 0) -> Analogy:
    """Complete "a is to b as c is to ?" as gensim's ``most_similar`` does (inputs
    excluded). Raises :class:`UnknownWordError` for an unknown word."""
    a, b, c = (resolve(emb, w) for w in (a, b, c))
    best = emb.most_similar(positive=[b, c], negative=[a], topn=1 + others)
    if not best:
        raise ValueError("the vocabulary has no word besides the analogy's three")
    d, cosine = best[0]
    index = emb.index
    return Analogy(
        (a, b, c, d),
        (index[a], index[b], index[c], index[d]),
        cosine,
        tuple(index[w] for w, _ in best[1:]),
    )


# -- projecting to 2-D ----------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Projection:
    """An affine map to ``k`` dimensions: ``(x - mean) @ components.T``.

    ``explained`` is the fraction of the fitted vectors' variance along each component.
    """

    mean: np.ndarray  # (d,)
    components: np.ndarray  # (k, d), orthonormal rows (zero rows if the data had fewer)
    explained: np.ndarray  # (k,)

    def __call__(self, vectors: np.ndarray) -> np.ndarray:
        x = np.asarray(vectors, dtype=np.float64)
        return (x - self.mean) @ self.components.T


def pca(vectors: np.ndarray, k: int = 2) -> Projection:
    """Principal components of ``vectors`` (rows): the top right singular vectors of the
    centred matrix.

    With more rows than dimensions (a map of thousands of words), they are computed as
    the eigenvectors of the small d × d Gram matrix, which gives the same vectors and
    singular values² as the SVD of the n × d matrix at a fraction of the cost (10,000 ×
    100: a few ms against 150 ms for LAPACK's SVD on one core here); with fewer rows,
    by the SVD itself.

    An SVD or eigensolver may return any component with either sign, and which one
    depends on the LAPACK build and on tiny changes of the input. So that the same words
    always give the same map, each component is flipped to make its largest-magnitude
    coefficient positive (the convention of scikit-learn's ``svd_flip``). With fewer
    than ``k`` directions of variance the remaining components are zero and map
    everything to 0.
    """
    x = np.asarray(vectors, dtype=np.float64)
    if x.ndim != 2 or x.shape[0] == 0:
        raise ValueError(f"pca needs a non-empty 2-D array of vectors, got shape {x.shape}")
    mean = x.mean(axis=0)
    centred = x - mean
    if x.shape[0] > x.shape[1]:
        eigval, eigvec = np.linalg.eigh(centred.T @ centred)  # ascending
        var = np.maximum(eigval[::-1], 0.0)
        vt = eigvec[:, ::-1].T
    else:
        _, s, vt = np.linalg.svd(centred, full_matrices=False)
        var = s**2
    # Directions without variance (rank deficiency) carry an arbitrary basis: zero them.
    # The threshold sits above the Gram matrix's rounding noise (~1e-16 of the largest).
    rank = int(np.sum(var > var[0] * 1e-13)) if var.size and var[0] > 0 else 0
    comps = np.zeros((k, x.shape[1]))
    m = min(k, rank)
    comps[:m] = vt[:m]
    biggest = np.argmax(np.abs(comps), axis=1)
    signs = np.sign(comps[np.arange(k), biggest])
    comps *= np.where(signs == 0, 1.0, signs)[:, None]
    total = var.sum()
    explained = np.zeros(k)
    if total > 0:
        explained[:m] = var[:m] / total
    return Projection(mean, comps, explained)


@dataclass(frozen=True, eq=False)
class WordMap:
    """Chosen words at their 2-D positions."""

    rows: np.ndarray  # (n,) rows in the embeddings
    words: tuple[str, ...]
    xy: np.ndarray  # (n, 2)
    projection: Projection


def word_map(
    emb: Embeddings,
    rows: Sequence[int] | np.ndarray,
    fit_rows: Sequence[int] | np.ndarray | None = None,
) -> WordMap:
    """Project the unit vectors of ``rows`` to 2-D with a PCA fitted on ``fit_rows``
    (default: the same rows). Unit vectors, because every query ranks by cosine."""
    rows = np.asarray(rows, dtype=np.int64)
    if rows.size == 0:
        raise ValueError("no words to draw")
    unit = emb.unit
    fit = rows if fit_rows is None else np.asarray(fit_rows, dtype=np.int64)
    projection = pca(unit[fit])
    words = emb.words
    return WordMap(rows, tuple(words[i] for i in rows.tolist()), projection(unit[rows]), projection)


@dataclass(frozen=True)
class Parallelogram:
    """An analogy a : b :: c : d drawn in the plane.

    ``corners`` are a, b, c, d; ``ideal`` is where b − a + c lands, the corner that
    would close the parallelogram exactly (a projection is affine, so it is the same
    point whether the sum is taken before or after projecting). The arrows a→c and b→d
    carry the relation (man→woman, king→queen) and are parallel and equal in length
    when the analogy is perfect; ``sides`` a→b and c→d complete the figure.
    """

    words: tuple[str, str, str, str]
    corners: np.ndarray  # (4, 2)
    ideal: np.ndarray  # (2,)

    @property
    def arrows(self) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
        a, b, c, d = self.corners
        return (a, c), (b, d)

    @property
    def sides(self) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
        a, b, c, d = self.corners
        return (a, b), (c, d)

    @property
    def miss(self) -> float:
        """Distance in the plane from d to the ideal corner, relative to the a→c arrow."""
        a, _, c, d = self.corners
        scale = np.linalg.norm(c - a)
        return float(np.linalg.norm(d - self.ideal) / scale) if scale > 0 else 0.0


def parallelogram(emb: Embeddings, found: Analogy, projection: Projection) -> Parallelogram:
    """Place ``found``'s four words and the ideal corner b − a + c with ``projection``
    (fitted on unit vectors, as :func:`word_map` does)."""
    unit = emb.unit.astype(np.float64)
    ra, rb, rc, rd = found.rows
    corners = projection(unit[[ra, rb, rc, rd]])
    ideal = projection((unit[rb] - unit[ra] + unit[rc])[None, :])[0]
    return Parallelogram(found.words, corners, ideal)


# -- labels of a crowded scatter plot -------------------------------------------------


@dataclass(frozen=True, eq=False)
class Labels:
    """Labels chosen by :func:`thin_labels`: point indices, in priority order, the side
    of its point each label sits on (+1 right, −1 left), and how many pixels it is moved
    down (negative: up) from being centred on its point."""

    index: np.ndarray
    side: np.ndarray
    lift: np.ndarray

    def __len__(self) -> int:
        return len(self.index)


def thin_labels(
    xy: np.ndarray,
    widths: np.ndarray,
    height: float,
    view: tuple[float, float, float, float],
    size: tuple[float, float],
    priority: np.ndarray | None = None,
    max_labels: int = 400,
    offset: float = 5.0,
    always: int = 0,
    radius: float = 4.0,
    avoid_points: int = 300,
    prefer: np.ndarray | None = None,
) -> Labels:
    """Which labels to draw so that none overlaps another: a greedy pass in priority order.

    Parameters
    ----------
    xy : (n, 2) data coordinates of the points.
    widths : (n,) label widths in pixels; ``height`` is the label height in pixels.
    view : (x_min, x_max, y_min, y_max), the data range shown; ``size`` its (width,
        height) in pixels. A label sits ``offset`` pixels right of its point, or left
        of it when the right is taken, vertically centred; only labels wholly inside
        the view are drawn (no cut words).
    priority : (n,) smaller draws first (default: the point's index).
    max_labels : stop after this many.
    always : the first ``always`` points in priority order (a query's own words) are
        labelled whenever they are in view: moved up or down by a line or two when both
        sides are taken, overlapping others only if that fails too.
    prefer : (n,) the side to try first for each label: +1 right (the default), −1 left
        (e.g. away from lines drawn between points).
    radius, avoid_points : with at most ``avoid_points`` points in view, labels also
        keep off the other points (discs of ``radius`` < ``offset`` pixels); in a
        denser crowd that would leave few labels, so there they may cover points.

    The greedy pass is a Python loop, so candidates are first cut down in NumPy: points
    outside the view go, and of the points whose anchors share a cell smaller than any
    label, only the first two in priority stay (one label could go right of its point,
    one left; any third would overlap one of them).
    What is left is at most a few hundred per screen, whatever the number of points.
    """
    empty = Labels(*(np.zeros(0, dtype=np.int64),) * 3)
    xy = np.asarray(xy, dtype=np.float64)
    n = len(xy)
    x0, x1, y0, y1 = view
    w_px, h_px = size
    if n == 0 or max_labels <= 0 or not (x1 > x0 and y1 > y0 and w_px > 0 and h_px > 0):
        return empty
    widths = np.asarray(widths, dtype=np.float64)
    order = np.arange(n) if priority is None else np.argsort(priority, kind="stable")
    forced = np.zeros(n, dtype=bool)
    forced[:always] = True  # positions in ``order``
    px = (xy[order, 0] - x0) * (w_px / (x1 - x0))
    top = (y1 - xy[order, 1]) * (h_px / (y1 - y0)) - height / 2  # screen y grows down
    w = widths[order]
    left_first = np.zeros(n, dtype=bool) if prefer is None else np.asarray(prefer)[order] < 0
    fits_right = px + offset + w <= w_px
    fits_left = px - offset - w >= 0
    inside = (
        (px >= 0) & (px <= w_px) & (top >= 0) & (top + height <= h_px) & (fits_right | fits_left)
    )
    keep = inside.copy()
    if np.any(inside & ~forced):
        cell_w = max(1.0, float(w.min()))
        cells = np.floor(px / cell_w).astype(np.int64) * 1_000_003 + np.floor(top / height).astype(
            np.int64
        )
        free = np.flatnonzero(inside & ~forced)
        # The best two of each cell stay (one label may go right and one left).
        by_cell = free[np.lexsort((free, cells[free]))]
        c = cells[by_cell]
        starts = np.flatnonzero(np.r_[True, c[1:] != c[:-1]])
        rank = np.arange(len(c)) - np.repeat(starts, np.diff(np.r_[starts, len(c)]))
        keep[free] = False
        keep[by_cell[rank < 2]] = True
    pos = np.flatnonzero(keep)
    if len(pos) == 0:
        return empty

    # Boxes kept so far, bucketed by grid cell of (widest label × height): a new box can
    # only meet boxes in its own and the neighbouring buckets.
    bw = float(w[pos].max()) + offset
    grid: dict[tuple[int, int], list[tuple[float, float, float, float]]] = {}

    def clashes(bx0: float, by0: float, bx1: float, by1: float) -> bool:
        gx, gy = int(bx0 // bw), int(by0 // height)
        for cx in (gx - 1, gx, gx + 1):
            for cy in (gy - 1, gy, gy + 1):
                for ox0, oy0, ox1, oy1 in grid.get((cx, cy), ()):
                    if bx0 < ox1 and ox0 < bx1 and by0 < oy1 and oy0 < by1:
                        return True
        return False

    cy_all = top + height / 2
    visible = np.flatnonzero(
        (px >= -radius) & (px <= w_px + radius) & (cy_all >= -radius) & (cy_all <= h_px + radius)
    )
    if len(visible) <= avoid_points:
        # The points as obstacles in the same buckets. A label starts ``offset`` pixels
        # from its own point, so with radius < offset it never meets its own disc.
        for k in visible.tolist():
            cy = float(cy_all[k])
            box = (float(px[k]) - radius, cy - radius, float(px[k]) + radius, cy + radius)
            grid.setdefault((int(box[0] // bw), int(box[1] // height)), []).append(box)

    kept: list[int] = []
    sides: list[int] = []
    lifts: list[float] = []
    for k in pos.tolist():
        x, y, wi = float(px[k]), float(top[k]), float(w[k])
        lifts_to_try = (0.0, height, -height, 2 * height, -2 * height) if forced[k] else (0.0,)
        boxes = []
        for lift in lifts_to_try:
            if not 0 <= y + lift <= h_px - height:
                continue
            pair = []
            if fits_right[k]:
                pair.append((1, lift, (x + offset, y + lift, x + offset + wi, y + lift + height)))
            if fits_left[k]:
                pair.append((-1, lift, (x - offset - wi, y + lift, x - offset, y + lift + height)))
            boxes.extend(pair[::-1] if left_first[k] else pair)
        chosen = next((b for b in boxes if not clashes(*b[2])), None)
        if chosen is None:
            if not forced[k]:
                continue
            chosen = boxes[0]
        side, lift, box = chosen
        grid.setdefault((int(box[0] // bw), int(box[1] // height)), []).append(box)
        kept.append(int(order[k]))
        sides.append(side)
        lifts.append(lift)
        if len(kept) >= max_labels:
            break
    return Labels(
        np.asarray(kept, dtype=np.int64),
        np.asarray(sides, dtype=np.int64),
        np.asarray(lifts, dtype=np.float64),
    )


# -- colour strips --------------------------------------------------------------------

#: ColorBrewer's RdBu (11 classes), from the most negative (blue) to the most positive
#: (red): a diverging map whose middle, zero, is near-white.
DIVERGING = np.array(
    [
        (0x05, 0x30, 0x61),
        (0x21, 0x66, 0xAC),
        (0x43, 0x93, 0xC3),
        (0x92, 0xC5, 0xDE),
        (0xD1, 0xE5, 0xF0),
        (0xF7, 0xF7, 0xF7),
        (0xFD, 0xDB, 0xC7),
        (0xF4, 0xA5, 0x82),
        (0xD6, 0x60, 0x4D),
        (0xB2, 0x18, 0x2B),
        (0x67, 0x00, 0x1F),
    ],
    dtype=np.float64,
)


def symmetric_limit(values: np.ndarray) -> float:
    """The shared colour scale ``[-limit, +limit]``: the largest magnitude shown
    (1.0 when everything is zero or nothing is shown), so zero is always the middle."""
    v = np.asarray(values, dtype=np.float64)
    finite = v[np.isfinite(v)]
    limit = float(np.abs(finite).max()) if finite.size else 0.0
    return limit if limit > 0 else 1.0


def diverging_colours(values: np.ndarray, limit: float) -> np.ndarray:
    """RGBA colours (uint8, shape ``values.shape + (4,)``) of :data:`DIVERGING`, mapping
    ``-limit`` to its first colour, 0 to its middle and ``+limit`` to its last (values
    beyond are clipped, NaN is transparent)."""
    v = np.asarray(values, dtype=np.float64)
    if not limit > 0:
        raise ValueError(f"limit must be positive, got {limit}")
    t = (np.clip(v / limit, -1.0, 1.0) + 1.0) / 2.0 * (len(DIVERGING) - 1)
    t = np.nan_to_num(t, nan=(len(DIVERGING) - 1) / 2)
    lo = np.minimum(np.floor(t).astype(np.int64), len(DIVERGING) - 2)
    frac = (t - lo)[..., None]
    rgb = DIVERGING[lo] * (1 - frac) + DIVERGING[lo + 1] * frac
    out = np.empty(v.shape + (4,), dtype=np.uint8)
    out[..., :3] = np.rint(rgb)
    out[..., 3] = np.where(np.isnan(v), 0, 255)
    return out


def column_order(vector: np.ndarray | None, size: int | None = None) -> np.ndarray:
    """Column order that sorts ``vector`` from its most positive to its most negative
    value (ties in dimension order); ``None`` keeps the dimensions in order."""
    if vector is None:
        if size is None:
            raise ValueError("column_order needs a vector or a size")
        return np.arange(size)
    return np.argsort(-np.asarray(vector, dtype=np.float64), kind="stable")


@dataclass(frozen=True)
class Expression:
    """Words added and subtracted, in the order typed, e.g. king − man + woman."""

    terms: tuple[tuple[int, str], ...]  # (+1 or -1, word)

    @property
    def positive(self) -> tuple[str, ...]:
        return tuple(w for s, w in self.terms if s > 0)

    @property
    def negative(self) -> tuple[str, ...]:
        return tuple(w for s, w in self.terms if s < 0)

    @property
    def label(self) -> str:
        out = ""
        for sign, word in self.terms:
            if out:
                out += f" {'+' if sign > 0 else '−'} {word}"
            else:
                out = word if sign > 0 else f"−{word}"
        return out


_SIGNS = {"+": 1, "-": -1, "−": -1, "–": -1}


def parse_rows(text: str) -> list[str | Expression]:
    """Rows typed as a comma-separated list; each a word or a sum such as
    ``king - man + woman`` (``-``, ``−`` or ``–`` subtract). An operator must stand
    apart from the word after it or start it (``-man``), so that hyphenated words such
    as ``well-known`` stay whole."""
    rows: list[str | Expression] = []
    for item in re.split(r"[,;\n]+", text):
        terms: list[tuple[int, str]] = []
        sign = 1
        for token in item.split():
            if token in _SIGNS:
                sign = _SIGNS[token]
                continue
            if len(token) > 1 and token[0] in _SIGNS:
                sign, token = _SIGNS[token[0]], token[1:]
            terms.append((sign, token))
            sign = 1
        if len(terms) == 1 and terms[0][0] == 1:
            rows.append(terms[0][1])
        elif terms:
            rows.append(Expression(tuple(terms)))
    return rows


@dataclass(frozen=True, eq=False)
class StripRows:
    """Rows of the colour-strip picture: labels, values (unit vectors) and row kinds.

    ``kinds[i]`` is ``"word"``, ``"sum"`` (a computed row) or ``"nearest"`` (the word
    nearest to the sum just above it, labelled with its cosine). ``missing`` lists
    typed words that are not in the vocabulary.
    """

    labels: tuple[str, ...]
    values: np.ndarray  # (rows, d)
    kinds: tuple[str, ...]
    missing: tuple[str, ...] = ()


def strip_rows(emb: Embeddings, rows: Sequence[str | Expression]) -> StripRows:
    """The unit vectors of typed words, and for each sum its normalised vector (what
    ``most_similar`` compares by cosine) followed by its nearest word."""
    unit = emb.unit
    labels: list[str] = []
    values: list[np.ndarray] = []
    kinds: list[str] = []
    missing: list[str] = []
    for row in rows:
        if isinstance(row, str):
            try:
                word = resolve(emb, row)
            except UnknownWordError:
                missing.append(row)
                continue
            labels.append(word)
            values.append(unit[emb.get_index(word)])
            kinds.append("word")
            continue
        try:
            expr = Expression(tuple((s, resolve(emb, w)) for s, w in row.terms))
        except UnknownWordError as exc:
            missing.append(exc.word)
            continue
        # As most_similar builds its query: unit vectors summed in float64, normalised.
        total = np.zeros(emb.vector_size)
        for sign, w in expr.terms:
            total += sign * unit[emb.get_index(w)]
        norm = np.linalg.norm(total)
        pos, neg = list(expr.positive), list(expr.negative)
        labels.append(expr.label)
        values.append(total / norm if norm > 0 else total)
        kinds.append("sum")
        best = emb.most_similar(positive=pos, negative=neg, topn=1)
        if best:
            word, cosine = best[0]
            labels.append(f"≈ {word}  ({cosine:.2f})")
            values.append(unit[emb.get_index(word)])
            kinds.append("nearest")
    matrix = np.asarray(values, dtype=np.float64) if values else np.zeros((0, emb.vector_size))
    return StripRows(tuple(labels), matrix, tuple(kinds), tuple(missing))


# -- the vocabulary -------------------------------------------------------------------


def corpus_counts(scan: Scan) -> tuple[list[str], np.ndarray]:
    """Every distinct word of a scanned corpus with its count (the line-break marker the
    scan records is not a word and is left out)."""
    if scan.newline_id < 0:
        return list(scan.words), scan.counts
    keep = np.ones(len(scan.words), dtype=bool)
    keep[scan.newline_id] = False
    nl = scan.newline_id
    return scan.words[:nl] + scan.words[nl + 1 :], scan.counts[keep]


def zipf(counts: np.ndarray, max_points: int = 2000) -> tuple[np.ndarray, np.ndarray]:
    """Rank (1 = most frequent) and count of words, for a log-log plot.

    A vocabulary of a million words would be a million points, nearly all in the flat
    tail; ranks are thinned to about ``max_points`` spaced evenly in log(rank), always
    keeping the first and the last.
    """
    c = np.sort(np.asarray(counts, dtype=np.int64))[::-1]
    c = c[c > 0]
    n = len(c)
    if n == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    ranks = np.arange(1, n + 1)
    if n > max_points:
        ranks = np.unique(np.rint(np.geomspace(1, n, max_points)).astype(np.int64))
    return ranks, c[ranks - 1]


def zipf_fit(counts: np.ndarray) -> tuple[float, float]:
    """Zipf's law fitted: ``(s, c)`` with count ≈ c · rank^−s, a least-squares line in
    log-log space over ranks spaced evenly in log(rank) (so the long tail does not
    outvote the head). Natural text gives s ≈ 1. NaNs with fewer than two ranks."""
    ranks, c = zipf(counts, max_points=200)
    if len(ranks) < 2:
        return float("nan"), float("nan")
    slope, intercept = np.polyfit(np.log(ranks), np.log(c), 1)
    return float(-slope), float(np.exp(intercept))


def min_count_curve(
    counts: np.ndarray, min_counts: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Vocabulary size and share of corpus tokens kept, for each ``min_count``.

    Returns ``(min_counts, sizes, token_share)``; by default ``min_counts`` are 1, 2, 3, ...
    spaced about evenly in log scale up to the largest count.
    """
    c = np.sort(np.asarray(counts, dtype=np.int64))
    if min_counts is None:
        top = int(c[-1]) if c.size else 1
        min_counts = np.unique(np.rint(np.geomspace(1, max(top, 1), 200)).astype(np.int64))
    m = np.asarray(min_counts, dtype=np.int64)
    first = np.searchsorted(c, m, side="left")  # words below min_count come first
    sizes = len(c) - first
    tail = np.concatenate([[0], np.cumsum(c[::-1])])  # tail[k] = sum of the k largest
    total = tail[-1]
    share = tail[sizes] / total if total > 0 else np.zeros(len(m))
    return m, sizes, share


@dataclass(frozen=True, eq=False)
class VocabularyTable:
    """All words, most frequent first, with what training would do with each.

    ``kept`` of them (the first ``kept`` rows) make the vocabulary at the given
    ``min_count`` / ``max_vocab_size``; ``keep`` is their subsampling keep-probability
    (NaN for words not in the vocabulary).
    """

    words: tuple[str, ...]
    counts: np.ndarray
    keep: np.ndarray
    kept: int
    total: int  # all tokens of the words listed

    def search(self, text: str, limit: int | None = None) -> np.ndarray:
        """Rows whose word contains ``text`` (case-insensitive), words that start with
        it first, each group by frequency."""
        text = text.strip().lower()
        if not text:
            rows = np.arange(len(self.words))
            return rows if limit is None else rows[:limit]
        starts, contains = [], []
        for i, w in enumerate(self.words):
            lw = w.lower()
            if lw.startswith(text):
                starts.append(i)
            elif text in lw:
                contains.append(i)
        rows = np.asarray(starts + contains, dtype=np.int64)
        return rows if limit is None else rows[:limit]


def vocabulary_table(
    words: Sequence[str],
    counts: np.ndarray,
    min_count: int = 1,
    sample: float = 0.0,
    max_vocab_size: int | None = None,
) -> VocabularyTable:
    """Words sorted as the trainer's vocabulary sorts them (count descending, then
    alphabetically), with the keep-probabilities :meth:`Vocab.keep_probability` gives
    the vocabulary these settings would build."""
    counts = np.asarray(counts, dtype=np.int64)
    vocab = Vocab.from_counts(list(words), counts)
    kept = int(np.count_nonzero(vocab.counts >= min_count))
    if max_vocab_size is not None:
        kept = min(kept, int(max_vocab_size))
    keep = np.full(len(vocab), np.nan)
    if kept:
        # Already in order, so this sort is linear; the probabilities depend on the
        # vocabulary's own token total, as in training.
        keep[:kept] = Vocab.from_counts(vocab.words[:kept], vocab.counts[:kept]).keep_probability(
            sample
        )
    return VocabularyTable(vocab.words, vocab.counts, keep, kept, int(vocab.counts.sum()))
