"""Projecting vectors to 2-D: :func:`pca` (SVD, with a sign convention so the same
vectors always give the same picture), :func:`word_map` for chosen words and
:func:`parallelogram` to draw an analogy in the plane."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from w2v_gui.core.pictures.words import Analogy
from w2v_gui.core.vectors import Embeddings


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
    # Only the four rows: a float64 copy of every unit vector was 7 GB at 3M × 300.
    four = emb.unit[list(found.rows)].astype(np.float64)
    a, b, c, _ = four
    corners = projection(four)
    ideal = projection((b - a + c)[None, :])[0]
    return Parallelogram(found.words, corners, ideal)
