"""Immutable word vectors and the queries people run on them.

:class:`Embeddings` is shaped like gensim's ``KeyedVectors`` so gensim users feel at
home: ``emb["king"]``, ``"king" in emb``, ``most_similar(positive=[...], negative=[...])``,
``most_similar_cosmul``, ``similarity``, ``doesnt_match``. Scores equal gensim's on the
same vectors (to float32 rounding). An instance never changes after construction, so it
can be handed from the training thread to the GUI thread without locks.

Vectors are stored once. Cosines divide the products with the raw matrix by kept row
lengths (gensim keeps a second, normalised matrix), so a mapped matrix stays mapped.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from types import MappingProxyType
from typing import Any

import numpy as np

from w2v_gui.core.errors import UnknownWordError
from w2v_gui.core.filerows import FileRows
from w2v_gui.core.nearest import (
    PrefixIndex,
    UnitRows,
    as_matrix,
    as_terms,
    cosines,
    inverse,
    not_finite,
    row_norms,
    top_rows,
    unit32,
)
from w2v_gui.core.wordlist import UNDECIDED, WordList, word_index

#: A query term: a word, or a raw vector of ``vector_size`` floats (used as given).
Term = str | np.ndarray
#: Lookups answered by scanning the words before the word -> row index is built.
_SCANS_BEFORE_INDEX = 8
#: Query vectors per matrix product in batched queries: bounds the (rows × batch)
#: float32 score block (3 million words × 32 = 384 MB).
BATCH = 32


class Embeddings:
    """Words and their vectors, frozen.

    Parameters
    ----------
    words : sequence of str, or WordList
        One word per row of ``vectors``. If a word repeats, lookups find its first row.
        A WordList is decoded only when all words are needed (not for a query).
    vectors : array_like, shape (n, d), or FileRows
        The vectors; stored as a read-only float32 C-contiguous copy. FileRows (rows
        in a mapped file; pass ``norms``) become a matrix only when ``vectors`` is read.
    counts : array_like of int, shape (n,), optional
        Corpus frequency of each word; zeros when unknown (e.g. word2vec files).
    copy : bool, default True
        If False and ``vectors`` is already a C-contiguous float32 array (an
        ``np.memmap`` too, which stays mapped), take it over without copying and make it
        read-only. For loaders that just built or mapped the array.
    norms : ndarray, shape (n,), optional
        The rows' lengths, if the caller already computed them (:func:`row_norms`), so
        that the first query does not read the matrix twice.
    """

    __slots__ = ("_words", "_vectors", "_counts", "_index", "_scans", "_inv", "_unit", "_prefix")

    def __init__(
        self,
        words: Sequence[str],
        vectors: Any,
        counts: Any = None,
        *,
        copy: bool = True,
        norms: np.ndarray | None = None,
    ):
        if not isinstance(words, WordList):
            words = tuple(words)
            if set(map(type, words)) - {str} and not all(isinstance(w, str) for w in words):
                bad = next(w for w in words if not isinstance(w, str))
                raise TypeError(f"words must be str, got {type(bad).__name__}: {bad!r}")
        arr = as_matrix(vectors, len(words), copy)

        if counts is None:
            cnt = np.zeros(len(words), dtype=np.int64)
        else:
            cnt = np.array(counts, dtype=np.int64, copy=True)
            if cnt.shape != (len(words),):
                raise ValueError(f"counts must have shape ({len(words)},), got {cnt.shape}")
        cnt.flags.writeable = False
        inv = None
        if norms is not None:
            if np.shape(norms) != (len(words),):
                raise ValueError(f"norms must have shape ({len(words)},)")
            inv = inverse(np.asarray(norms, dtype=np.float32))

        set_ = object.__setattr__
        set_(self, "_words", words)
        set_(self, "_vectors", arr)
        set_(self, "_counts", cnt)
        set_(self, "_index", None)  # built on first need: 2 s and 300 MB at 3M words
        set_(self, "_scans", 0)
        set_(self, "_inv", inv)
        set_(self, "_unit", None)
        set_(self, "_prefix", None)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("Embeddings are immutable")

    def __delattr__(self, name: str) -> None:
        raise AttributeError("Embeddings are immutable")

    # -- plain access -------------------------------------------------------------

    @property
    def words(self) -> tuple[str, ...]:
        """The words, in row order."""
        words = self._words
        if isinstance(words, WordList):
            words = words.materialize()
            object.__setattr__(self, "_words", words)  # a race only decodes them twice
        return words

    @property
    def vectors(self) -> np.ndarray:
        """The (n, d) float32 matrix, read-only (possibly memory-mapped)."""
        arr = self._vectors
        if isinstance(arr, FileRows):
            arr = arr.materialize()
            object.__setattr__(self, "_vectors", arr)  # a race only builds it twice
        return arr

    @property
    def counts(self) -> np.ndarray:
        """Corpus counts, int64, read-only; zeros when unknown."""
        return self._counts

    @property
    def index(self) -> Mapping[str, int]:
        """Read-only mapping word -> row (first row for a repeated word), built on first
        use (or after a few lookups): a model opened for one query never pays for it."""
        index = self._index
        if index is None:
            built = word_index(self.words)
            index = MappingProxyType(built)
            object.__setattr__(self, "_index", index)  # a race only builds it twice
        return index

    def _row(self, word: object) -> int | None:
        """The first row of exactly ``word``, or None: by the index once built, else
        by a scan of the words (C speed, ~10 ms per million) for the first few."""
        index = self._index
        if index is None and self._scans < _SCANS_BEFORE_INDEX:
            object.__setattr__(self, "_scans", self._scans + 1)
            if not isinstance(word, str):
                return None
            words = self._words
            if isinstance(words, WordList):
                row = words.find(word)
                if row != UNDECIDED:
                    return row
                words = self.words
            try:
                return words.index(word)
            except ValueError:
                return None
        try:
            return self.index.get(word)  # type: ignore[call-overload]
        except TypeError:  # unhashable
            return None

    @property
    def vector_size(self) -> int:
        return self._vectors.shape[1]

    @property
    def inverse_norms(self) -> np.ndarray:
        """``1 / length`` of every row (float32, read-only; 0 for zero rows), computed
        once in one pass over the matrix. Touch it off the GUI thread on a big model."""
        inv = self._inv
        if inv is None:
            inv = inverse(row_norms(self.vectors)[0])
            object.__setattr__(self, "_inv", inv)  # a race only computes it twice
        return inv

    @property
    def unit(self) -> UnitRows:
        """Row-normalised vectors, computed row by row when indexed (no second matrix).

        ``emb.unit[i]``, ``emb.unit[rows]`` and ``emb.unit[:k]`` give float32 arrays as
        a normalised copy would (zero rows stay zero); ``np.asarray(emb.unit)`` builds the
        whole normalised matrix, for small models only.
        """
        unit = self._unit
        if unit is None:
            unit = UnitRows(self.vectors, self.inverse_norms)
            object.__setattr__(self, "_unit", unit)
        return unit

    def __len__(self) -> int:
        return len(self._words)

    def __contains__(self, word: object) -> bool:
        return self._row(word) is not None

    def __getitem__(self, word: str) -> np.ndarray:
        """A copy of ``word``'s vector. Raises :class:`UnknownWordError`."""
        return np.array(self._vectors[self.get_index(word)])

    def __repr__(self) -> str:
        return f"Embeddings({len(self)} words × {self.vector_size} dimensions)"

    def resolve(self, text: str) -> str:
        """``text`` as the vocabulary has it: as typed, else lower-cased (people type
        "King" into lower-cased vocabularies). The one case rule of the app and the
        command line. Raises :class:`UnknownWordError`."""
        if text in self:
            return text
        if isinstance(text, str):
            low = text.lower()
            if low != text and low in self:
                return low
            from w2v_gui.core.phrases import phrase_token  # "new york" names "new_york"

            phrase = phrase_token(text, self)
            if phrase is not None:
                return phrase
        raise UnknownWordError(text)

    def get_index(self, word: str) -> int:
        """Row of ``word`` (case folded when the exact form is absent, see
        :meth:`resolve`). Raises :class:`UnknownWordError` if it is not in the vocabulary."""
        row = self._row(word)
        if row is None:
            row = self._row(self.resolve(word))
        return row  # type: ignore[return-value]

    def prefix_index(self) -> PrefixIndex:
        """The sorted word index behind :meth:`complete`, built on first use (~2 s for
        3 million words: call it once off the GUI thread)."""
        prefix = self._prefix
        if prefix is None:
            prefix = PrefixIndex(self.words)
            object.__setattr__(self, "_prefix", prefix)
        return prefix

    def complete(self, prefix: str, limit: int | None = 20) -> list[str]:
        """Words starting with ``prefix`` (by binary search, not a scan), first rows
        (the most frequent words when rows are sorted by count) first. As lookups do,
        the lower-cased prefix is searched too when it differs."""
        index = self.prefix_index()
        rows = index.rows(prefix)
        low = prefix.lower()
        if low != prefix:
            rows = np.union1d(rows, index.rows(low))
        if limit is not None:
            rows = rows[: max(0, int(limit))]
        words = self.words
        return [words[i] for i in rows.tolist()]

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
        never returned. One mat-vec over the matrix and a partial selection.

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
        terms = [(t, 1.0) for t in as_terms(positive)] + [(t, -1.0) for t in as_terms(negative)]
        if not terms:
            raise ValueError("most_similar needs at least one positive or negative word")
        query, exclude = self._query_vector(terms)
        return self._nearest(query[None, :], [exclude], topn, restrict_vocab)[0]

    def most_similar_batch(
        self, terms: Sequence[Term], topn: int | None = 10, restrict_vocab: int | None = None
    ) -> list[list[tuple[str, float]]]:
        """``most_similar(t, topn=topn)`` for each word or vector in ``terms``, with one
        matrix product per :data:`BATCH` queries instead of one pass over the matrix each
        (the watch words of the app, a list of words on the command line)."""
        queries = [self._query_vector([(t, 1.0)]) for t in terms]
        if not queries:
            return []
        matrix = np.stack([q for q, _ in queries])
        return self._nearest(matrix, [ex for _, ex in queries], topn, restrict_vocab)

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
        returned. Unlike gensim 4.4, ``restrict_vocab`` is honoured. All terms share one
        matrix product.

        Returns
        -------
        list of (word, score), best first.
        """
        pos, neg = list(as_terms(positive)), list(as_terms(negative))
        if not pos:
            raise ValueError("most_similar_cosmul needs at least one positive word")
        exclude = []
        vecs = []
        for term in pos + neg:
            if isinstance(term, str):
                row = self.get_index(term)
                exclude.append(row)
                vecs.append(self.unit[row])
            else:
                vecs.append(self._check_vector(term).astype(np.float32))
        stop = self._stop(restrict_vocab)
        cos = self._cosines(np.stack(vecs), stop)  # (terms, stop)
        shifted = (1 + cos) / 2
        num = np.prod(shifted[: len(pos)], axis=0)
        den = np.prod(shifted[len(pos) :], axis=0) if neg else 1.0
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
        a = unit32(np.asarray(self._vectors[self.get_index(w1)]))
        b = unit32(np.asarray(self._vectors[self.get_index(w2)]))
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

    def _query_vector(self, terms: list[tuple[Term, float]]) -> tuple[np.ndarray, list[int]]:
        """gensim's query: unit vectors (words) or raw vectors, weighted, summed in
        float64 and normalised; and the rows of the words, which are never returned."""
        mean = np.zeros(self.vector_size, dtype=np.float64)
        exclude = []
        for term, weight in terms:
            if isinstance(term, str):
                row = self.get_index(term)
                exclude.append(row)
                # One row over its length (not self.unit, which needs the whole matrix).
                mean += weight * (self._vectors[row] * self.inverse_norms[row])
            else:
                mean += weight * self._check_vector(term)
        norm = np.linalg.norm(mean)
        if norm > 0:
            mean /= norm
        return mean.astype(np.float32), exclude

    def _cosines(self, queries: np.ndarray, stop: int) -> np.ndarray:
        """(k, stop) cosines of each query vector with the first ``stop`` rows; refuses
        a row holding NaN or ±inf (a mapped file with stored lengths is checked here, by
        the first pass over it, not when it is opened)."""
        scores = cosines(self._vectors, self.inverse_norms, queries, stop)
        if not np.isfinite(scores).all():
            for row in np.flatnonzero(~np.isfinite(scores).all(axis=0)).tolist():
                if not np.isfinite(self._vectors[row]).all():
                    raise ValueError(not_finite(row, self._words[row]))
        return scores

    def _nearest(
        self,
        queries: np.ndarray,
        excludes: list[list[int]],
        topn: int | None,
        restrict_vocab: int | None,
    ) -> list[list[tuple[str, float]]]:
        stop = self._stop(restrict_vocab)
        out: list[list[tuple[str, float]]] = []
        for lo in range(0, len(queries), BATCH):
            scores = self._cosines(queries[lo : lo + BATCH], stop)
            for j in range(scores.shape[0]):
                out.append(self._best(scores[j], topn, excludes[lo + j]))
        return out

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
        top = top_rows(scores, min(n, want + len(skip)))
        words = self._words
        out = [(words[i], float(scores[i])) for i in top.tolist() if i not in skip]
        return out[:want]
