"""Immutable word vectors and the queries people run on them.

:class:`Embeddings` is shaped like gensim's ``KeyedVectors`` so gensim users feel at
home: ``emb["king"]``, ``"king" in emb``, ``most_similar(positive=[...], negative=[...])``,
``most_similar_cosmul``, ``similarity``, ``doesnt_match``. Scores equal gensim's on the
same vectors (to float32 rounding). An instance never changes after construction, so it
can be handed from the training thread to the GUI thread without locks.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from types import MappingProxyType
from typing import Any

import numpy as np

from w2v_gui.core.errors import UnknownWordError

#: A query term: a word, or a raw vector of ``vector_size`` floats (used as given).
Term = str | np.ndarray


class Embeddings:
    """Words and their vectors, frozen.

    Parameters
    ----------
    words : sequence of str
        One word per row of ``vectors``. If a word repeats, lookups find its first row.
    vectors : array_like, shape (n, d)
        The vectors; stored as a read-only float32 C-contiguous copy.
    counts : array_like of int, shape (n,), optional
        Corpus frequency of each word; zeros when unknown (e.g. word2vec files).
    copy : bool, default True
        If False and ``vectors`` is already a C-contiguous float32 array, take it over
        without copying (and make it read-only). For loaders that just built the array.
    """

    __slots__ = ("_words", "_vectors", "_counts", "_index", "_unit")

    def __init__(
        self, words: Sequence[str], vectors: Any, counts: Any = None, *, copy: bool = True
    ):
        words = tuple(words)
        if not all(isinstance(w, str) for w in words):
            bad = next(w for w in words if not isinstance(w, str))
            raise TypeError(f"words must be str, got {type(bad).__name__}: {bad!r}")
        arr = np.asarray(vectors)
        if arr.ndim != 2:
            raise ValueError(
                f"vectors must be a 2-D array (words × dimensions), got shape {arr.shape}"
            )
        if arr.shape[0] != len(words):
            raise ValueError(f"{len(words)} words but {arr.shape[0]} vector rows")
        if not (np.issubdtype(arr.dtype, np.floating) or np.issubdtype(arr.dtype, np.integer)):
            raise TypeError(f"vectors must be numbers, got dtype {arr.dtype}")
        if copy or arr.dtype != np.float32 or not arr.flags.c_contiguous:
            arr = np.array(arr, dtype=np.float32, order="C", copy=True)
        arr.flags.writeable = False

        if counts is None:
            cnt = np.zeros(len(words), dtype=np.int64)
        else:
            cnt = np.array(counts, dtype=np.int64, copy=True)
            if cnt.shape != (len(words),):
                raise ValueError(f"counts must have shape ({len(words)},), got {cnt.shape}")
        cnt.flags.writeable = False

        # Filled from the end so that a repeated word maps to its first row.
        index = dict(zip(reversed(words), range(len(words) - 1, -1, -1), strict=True))

        set_ = object.__setattr__
        set_(self, "_words", words)
        set_(self, "_vectors", arr)
        set_(self, "_counts", cnt)
        set_(self, "_index", MappingProxyType(index))
        set_(self, "_unit", None)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("Embeddings are immutable")

    def __delattr__(self, name: str) -> None:
        raise AttributeError("Embeddings are immutable")

    # -- plain access -------------------------------------------------------------

    @property
    def words(self) -> tuple[str, ...]:
        """The words, in row order."""
        return self._words

    @property
    def vectors(self) -> np.ndarray:
        """The (n, d) float32 matrix, read-only."""
        return self._vectors

    @property
    def counts(self) -> np.ndarray:
        """Corpus counts, int64, read-only; zeros when unknown."""
        return self._counts

    @property
    def index(self) -> Mapping[str, int]:
        """Read-only mapping word -> row (first row for a repeated word)."""
        return self._index

    @property
    def vector_size(self) -> int:
        return self._vectors.shape[1]

    @property
    def unit(self) -> np.ndarray:
        """Row-normalised copy of :attr:`vectors` (zero rows stay zero), computed once."""
        unit = self._unit
        if unit is None:
            # Same arithmetic as gensim's get_vector(norm=True): float32 norm, then divide.
            norms = np.linalg.norm(self._vectors, axis=1)
            unit = self._vectors / np.where(norms > 0, norms, 1)[:, None]
            unit = np.ascontiguousarray(unit, dtype=np.float32)
            unit.flags.writeable = False
            object.__setattr__(self, "_unit", unit)  # a race only computes it twice
        return unit

    def __len__(self) -> int:
        return len(self._words)

    def __contains__(self, word: object) -> bool:
        return word in self._index

    def __getitem__(self, word: str) -> np.ndarray:
        """A copy of ``word``'s vector. Raises :class:`UnknownWordError`."""
        return self._vectors[self.get_index(word)].copy()

    def __repr__(self) -> str:
        return f"Embeddings({len(self)} words × {self.vector_size} dimensions)"

    def get_index(self, word: str) -> int:
        """Row of ``word``. Raises :class:`UnknownWordError` if it is not in the vocabulary."""
        try:
            return self._index[word]
        except (KeyError, TypeError):
            raise UnknownWordError(word) from None

    # -- queries ------------------------------------------------------------------

    def most_similar(
        self,
        positive: Term | Iterable[Term] = (),
        negative: Term | Iterable[Term] = (),
        topn: int | None = 10,
        restrict_vocab: int | None = None,
    ) -> list[tuple[str, float]]:
        """Words closest to the mean of ``positive`` minus ``negative`` (3CosAdd).

        As gensim: unit vectors of the words are summed with weight +1 (positive) or
        -1 (negative), the sum is normalised, and every word is ranked by cosine to it.
        Raw vectors may stand in for words; they are added as given. Input words are
        never returned.

        Parameters
        ----------
        positive, negative : str, ndarray, or a sequence of them
        topn : int or None
            How many results; None for all words.
        restrict_vocab : int, optional
            Search only the first ``restrict_vocab`` rows (the most frequent words when
            the vocabulary is sorted by count).

        Returns
        -------
        list of (word, cosine), best first.
        """
        terms = [(t, 1.0) for t in _as_terms(positive)] + [(t, -1.0) for t in _as_terms(negative)]
        if not terms:
            raise ValueError("most_similar needs at least one positive or negative word")
        unit = self.unit
        mean = np.zeros(self.vector_size, dtype=np.float64)
        exclude = []
        for term, weight in terms:
            if isinstance(term, str):
                row = self.get_index(term)
                exclude.append(row)
                mean += weight * unit[row]
            else:
                mean += weight * self._check_vector(term)
        norm = np.linalg.norm(mean)
        if norm > 0:
            mean /= norm
        stop = self._stop(restrict_vocab)
        scores = unit[:stop] @ mean.astype(np.float32)
        return self._best(scores, topn, exclude)

    def most_similar_cosmul(
        self,
        positive: Term | Iterable[Term] = (),
        negative: Term | Iterable[Term] = (),
        topn: int | None = 10,
        restrict_vocab: int | None = None,
    ) -> list[tuple[str, float]]:
        """Words ranked by 3CosMul (Levy & Goldberg 2014), as gensim computes it.

        Each cosine is shifted to ``(1 + cos) / 2``; the score is the product over
        ``positive`` divided by (the product over ``negative`` + 1e-6). Raw vectors are
        used as given (pass unit vectors for true cosines). Input words are never
        returned. Unlike gensim 4.4, ``restrict_vocab`` is honoured.

        Returns
        -------
        list of (word, score), best first.
        """
        pos, neg = list(_as_terms(positive)), list(_as_terms(negative))
        if not pos:
            raise ValueError("most_similar_cosmul needs at least one positive word")
        unit = self.unit[: self._stop(restrict_vocab)]
        exclude = []

        def shifted(term: Term) -> np.ndarray:
            if isinstance(term, str):
                row = self.get_index(term)
                exclude.append(row)
                vec = self.unit[row]
            else:
                vec = self._check_vector(term).astype(np.float32)
            return (1 + unit @ vec) / 2

        num = np.prod([shifted(t) for t in pos], axis=0)
        den = np.prod([shifted(t) for t in neg], axis=0) if neg else 1.0
        return self._best(num / (den + 1e-6), topn, exclude)

    def similar_by_vector(
        self, vector: np.ndarray, topn: int | None = 10, restrict_vocab: int | None = None
    ) -> list[tuple[str, float]]:
        """Words closest (by cosine) to ``vector``."""
        return self.most_similar(positive=[vector], topn=topn, restrict_vocab=restrict_vocab)

    def similarity(self, w1: str, w2: str) -> float:
        """Cosine similarity of two words (0.0 if either vector is zero)."""
        # gensim's arithmetic (float64 scaling, float32 dot) so that correlations computed
        # from these values match gensim's evaluate_word_pairs to ~1e-12, not ~1e-8.
        a = _unit32(self._vectors[self.get_index(w1)])
        b = _unit32(self._vectors[self.get_index(w2)])
        return float(np.dot(a, b))

    def doesnt_match(self, words: Iterable[str]) -> str:
        """The word furthest from the mean of the given words' unit vectors.

        As gensim, except that an unknown word raises :class:`UnknownWordError` instead
        of being skipped with a log message.
        """
        words = list(words)
        if not words:
            raise ValueError("doesnt_match needs at least one word")
        vecs = self.unit[[self.get_index(w) for w in words]].astype(np.float64)
        mean = vecs.mean(axis=0)
        norm = np.linalg.norm(mean)
        if norm > 0:
            mean /= norm
        # gensim sorts (score, word) pairs and takes the last: ties go to the smaller word.
        return min(zip((vecs @ mean).tolist(), words, strict=True))[1]

    # -- helpers ------------------------------------------------------------------

    def _stop(self, restrict_vocab: int | None) -> int:
        if restrict_vocab is None:
            return len(self)
        return max(0, min(int(restrict_vocab), len(self)))

    def _check_vector(self, vec: Any) -> np.ndarray:
        arr = np.asarray(vec, dtype=np.float64)
        if arr.shape != (self.vector_size,):
            raise ValueError(
                f"a query vector must have shape ({self.vector_size},), got {arr.shape}"
            )
        return arr

    def _best(
        self, scores: np.ndarray, topn: int | None, exclude: list[int]
    ) -> list[tuple[str, float]]:
        """The ``topn`` highest scores, skipping rows in ``exclude``."""
        n = len(scores)
        want = n if topn is None else int(topn)
        if want <= 0 or n == 0:
            return []
        skip = set(exclude)
        m = min(n, want + len(skip))
        if m < n:
            top = np.argpartition(-scores, m - 1)[:m]
        else:
            top = np.arange(n)
        top = top[np.argsort(-scores[top], kind="stable")]
        words = self._words
        out = [(words[i], float(scores[i])) for i in top.tolist() if i not in skip]
        return out[:want]


def _unit32(vec: np.ndarray) -> np.ndarray:
    v = vec.astype(np.float64)
    norm = np.linalg.norm(v)
    return (v * (1.0 / norm)).astype(np.float32) if norm > 0 else vec


def _as_terms(value: Any) -> list[Term]:
    """Accept one word, one vector, a 2-D array of vectors, or a sequence of those."""
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, np.ndarray):
        if value.ndim == 1:
            return [value]
        if value.ndim == 2:
            return list(value)
        raise ValueError(f"query vectors must be 1-D or 2-D, got shape {value.shape}")
    return list(value)
