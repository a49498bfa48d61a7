"""Standard benchmarks: word analogies and word-pair similarity.

Both give the same numbers as gensim's ``KeyedVectors.evaluate_word_analogies`` and
``evaluate_word_pairs`` on the same vectors, so results can be compared with published
gensim runs. The analogy test is vectorized: questions are answered in blocks with one
matrix product per block instead of one ``most_similar`` call per question.

Data sets (see ``assets/EVALUATION-SETS.md``): ``questions-words.txt`` (Google analogies),
``questions-phrases.txt`` (their phrase companion), ``wordsim353.tsv`` and ``simlex999.txt``
(similarity judgements).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from w2v_gui.core import assets_dir
from w2v_gui.core.errors import FormatError
from w2v_gui.core.vectors import Embeddings

_TOP = 5  # gensim looks at the 5 best candidates for the first acceptable answer

#: The evaluation sets shipped in ``assets/`` (see ``assets/EVALUATION-SETS.md``).
ASSETS = assets_dir()
BUNDLED_ANALOGIES = ASSETS / "questions-words.txt"
BUNDLED_PAIRS = (ASSETS / "wordsim353.tsv", ASSETS / "simlex999.txt")
#: word2vec.c's phrase analogies (``new_york`` style tokens), for models trained with phrases.
BUNDLED_PHRASE_ANALOGIES = ASSETS / "questions-phrases.txt"


@dataclass(frozen=True)
class AnalogyResult:
    """Outcome of an analogy test ("a is to b as c is to ?").

    Attributes
    ----------
    sections : tuple of (name, correct, attempted)
        One entry per ``: section`` of the file, in file order.
    correct : int
        Questions answered correctly.
    total : int
        Questions attempted: all four words among the searched vocabulary.
    questions : int
        Questions in the file.
    """

    sections: tuple[tuple[str, int, int], ...]
    correct: int
    total: int
    questions: int

    @property
    def accuracy(self) -> float:
        """Correct / attempted (gensim's "Total accuracy"); 0.0 if nothing was attempted."""
        return self.correct / self.total if self.total else 0.0

    @property
    def coverage(self) -> float:
        """Attempted / questions in the file."""
        return self.total / self.questions if self.questions else 0.0

    @property
    def semantic(self) -> float:
        """Accuracy over the sections whose names do not start with "gram"."""
        return self._accuracy(syntactic=False)

    @property
    def syntactic(self) -> float:
        """Accuracy over the "gram..." sections."""
        return self._accuracy(syntactic=True)

    def _accuracy(self, syntactic: bool) -> float:
        chosen = [(c, t) for name, c, t in self.sections if name.startswith("gram") == syntactic]
        total = sum(t for _, t in chosen)
        return sum(c for c, _ in chosen) / total if total else 0.0


@dataclass(frozen=True)
class PairsResult:
    """Agreement of model cosines with human similarity judgements.

    Attributes
    ----------
    pearson, spearman : float
        Correlation coefficients; NaN if fewer than two pairs could be scored.
    oov_ratio : float
        Percentage of pairs skipped because a word is unknown (as gensim reports it).
    pairs : int
        Pairs scored.
    """

    pearson: float
    spearman: float
    oov_ratio: float
    pairs: int


# gensim's defaults: analogies search the 30,000 most frequent words, word pairs 300,000.
ANALOGY_RESTRICT = 30000
PAIRS_RESTRICT = 300000


def evaluate_analogies(
    emb: Embeddings,
    path: str | os.PathLike[str],
    restrict_vocab: int | None = ANALOGY_RESTRICT,
    case_insensitive: bool = True,
    method: str = "add",
    progress: Callable[[int, int], None] | None = None,
) -> AnalogyResult:
    """Answer the analogy questions in ``path`` and count the right answers.

    Parameters
    ----------
    emb : Embeddings
    path : path-like
        Lines ``a b c expected`` grouped under ``: section`` lines (questions-words.txt).
    restrict_vocab : int or None
        Only the first ``restrict_vocab`` words are searched, and questions with a word
        outside them are skipped (not counted wrong). None: all words.
    case_insensitive : bool
        Compare words upper-cased; a word's first case variant in the vocabulary stands
        for all of them.
    method : {"add", "mul"}
        3CosAdd (``most_similar``, what gensim uses) or 3CosMul (``most_similar_cosmul``).
    progress : callable, optional
        Called as ``progress(answered, attempted)`` after each block of questions (a few
        hundred). An exception it raises stops the test and propagates: that is how a
        caller cancels.

    Raises
    ------
    FormatError
        A line that is neither a section header nor four words, or a question before
        the first section. Names the file and line.
    """
    if method not in ("add", "mul"):
        raise ValueError(f"method must be 'add' or 'mul', got {method!r}")
    stop = len(emb) if restrict_vocab is None else max(0, min(int(restrict_vocab), len(emb)))
    ok = _vocab(emb, stop, case_insensitive)
    names: list[str] = []
    questions = 0
    rows: list[tuple[int, int, int, int, int]] = []  # a, b, c, expected, section
    for no, line in _lines(path):
        if line.startswith(":"):
            names.append(line.lstrip(": ").strip())  # gensim's section name
            continue
        words = line.split()
        if not words:
            continue
        if len(words) != 4:
            raise FormatError(
                f"line {no}: expected four words or a ': section' line, found "
                f"{line.strip()[:80]!r}",
                path,
            )
        if not names:
            raise FormatError(
                f"line {no}: a question comes before the first ': section' line", path
            )
        questions += 1
        if case_insensitive:
            words = [w.upper() for w in words]
        ids = [ok.get(w) for w in words]
        if None not in ids:
            rows.append((*ids, len(names) - 1))  # type: ignore[arg-type]

    correct = np.zeros(len(names), dtype=np.int64)
    total = np.zeros(len(names), dtype=np.int64)
    if rows:
        q = np.array(rows, dtype=np.int64)
        right = _answer(
            emb.unit[:stop],
            _canonical(emb, stop, ok, case_insensitive),
            q[:, 0],
            q[:, 1],
            q[:, 2],
            q[:, 3],
            method,
            progress,
        )
        correct = np.bincount(q[:, 4], weights=right, minlength=len(names)).astype(np.int64)
        total = np.bincount(q[:, 4], minlength=len(names)).astype(np.int64)
    sections = tuple(
        (name, int(c), int(t)) for name, c, t in zip(names, correct, total, strict=True)
    )
    return AnalogyResult(sections, int(correct.sum()), int(total.sum()), questions)


def evaluate_word_pairs(
    emb: Embeddings,
    path: str | os.PathLike[str],
    restrict_vocab: int | None = PAIRS_RESTRICT,
    case_insensitive: bool = True,
    delimiter: str = "\t",
) -> PairsResult:
    """Correlate model cosines with human judgements (WordSim-353, SimLex-999).

    Parameters
    ----------
    emb : Embeddings
    path : path-like
        Lines ``word1<delimiter>word2<delimiter>score``; ``#`` lines are comments.
    restrict_vocab : int or None
        Pairs with a word outside the first ``restrict_vocab`` words are skipped.
    case_insensitive : bool
        As in :func:`evaluate_analogies`.

    Raises
    ------
    FormatError
        A line without three fields or with a score that is not a number.
    """
    stop = len(emb) if restrict_vocab is None else max(0, min(int(restrict_vocab), len(emb)))
    ok = _vocab(emb, stop, case_insensitive)
    gold: list[float] = []
    pairs: list[tuple[int, int]] = []
    oov = 0
    for no, line in _lines(path):
        if line.startswith("#") or not line.strip():
            continue
        fields = line.rstrip("\r\n").split(delimiter)
        if len(fields) != 3:
            raise FormatError(
                f"line {no}: expected 'word1{_show(delimiter)}word2"
                f"{_show(delimiter)}score', found {line.strip()[:80]!r}",
                path,
            )
        a, b = fields[0].strip(), fields[1].strip()
        try:
            score = float(fields[2])
        except ValueError:
            raise FormatError(
                f"line {no}: the score {fields[2].strip()!r} is not a number", path
            ) from None
        if case_insensitive:
            a, b = a.upper(), b.upper()
        ia, ib = ok.get(a), ok.get(b)
        if ia is None or ib is None:
            oov += 1
            continue
        gold.append(score)
        pairs.append((ia, ib))

    n = len(pairs)
    oov_ratio = 100.0 * oov / (n + oov) if n + oov else 0.0
    if n < 2:
        return PairsResult(float("nan"), float("nan"), oov_ratio, n)
    # One similarity() call per pair: it repeats gensim's float32 arithmetic exactly, which
    # a batched product would not (1e-8 apart), and a thousand pairs take a millisecond.
    # Row ia's word maps back to row ia: it is the first row with its key.
    words = emb.words
    model = np.array([emb.similarity(words[i], words[j]) for i, j in pairs], dtype=np.float64)
    x = np.asarray(gold, dtype=np.float64)
    return PairsResult(_pearson(x, model), _pearson(_rank(x), _rank(model)), oov_ratio, n)


# -- helpers ----------------------------------------------------------------------


def _lines(path: Any):
    """(1-based line number, text) of a UTF-8 file; FormatError on bad bytes."""
    with open(path, "rb") as f:
        for no, raw in enumerate(f, start=1):
            try:
                yield no, raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise FormatError(f"line {no} is not valid UTF-8: {exc.reason}", path) from None


def _show(delimiter: str) -> str:
    return "<tab>" if delimiter == "\t" else delimiter


def _key(word: str, case_insensitive: bool) -> str:
    return word.upper() if case_insensitive else word


def _vocab(emb: Embeddings, stop: int, case_insensitive: bool) -> dict[str, int]:
    """Lookup key -> row among the first ``stop`` words; the first variant wins (gensim)."""
    ok: dict[str, int] = {}
    for i, w in enumerate(emb.words[:stop]):
        ok.setdefault(_key(w, case_insensitive), i)
    return ok


def _canonical(
    emb: Embeddings, stop: int, ok: dict[str, int], case_insensitive: bool
) -> np.ndarray:
    """For each searched row, the row that stands for its key (itself, or an earlier variant)."""
    return np.fromiter(
        (ok[_key(w, case_insensitive)] for w in emb.words[:stop]), dtype=np.int64, count=stop
    )


def _answer(
    unit: np.ndarray,
    canon: np.ndarray,
    a: np.ndarray,
    b: np.ndarray,
    c: np.ndarray,
    expected: np.ndarray,
    method: str,
    progress: Callable[[int, int], None] | None = None,
) -> np.ndarray:
    """1.0 where the predicted word equals ``expected``, else 0.0; in blocks of questions.

    Replicates gensim: the three input rows are excluded from the candidates; among the
    five best, the prediction is the first whose key is not an input key, or the last of
    them if all five are.
    """
    stop = unit.shape[0]
    per_block = 1 if method == "add" else 3  # score matrices alive at once
    block = max(1, min(1000, (1 << 24) // max(1, stop * per_block)))
    right = np.zeros(len(a), dtype=np.float64)
    for lo in range(0, len(a), block):
        sl = slice(lo, lo + block)
        qa, qb, qc, qe = a[sl], b[sl], c[sl], expected[sl]
        if method == "add":
            scores = _unit_rows(unit[qb] + unit[qc] - unit[qa]) @ unit.T  # (questions, words)
        else:
            sa, sb, sc = ((1 + unit[q] @ unit.T) / 2 for q in (qa, qb, qc))
            scores = sb * sc / (sa + np.float32(1e-6))
        k = len(qa)
        rows = np.arange(k)
        for q in (qa, qb, qc):
            scores[rows, q] = -np.inf
        m = min(_TOP, stop)
        top = (
            np.argpartition(-scores, m - 1, axis=1)[:, :m]
            if m < stop
            else (np.broadcast_to(np.arange(stop), (k, stop)).copy())
        )
        top_scores = np.take_along_axis(scores, top, axis=1)
        order = np.argsort(-top_scores, axis=1, kind="stable")
        top = np.take_along_axis(top, order, axis=1)
        valid = np.take_along_axis(top_scores, order, axis=1) > -np.inf  # a prefix per row
        key = canon[top]
        good = valid & (key != qa[:, None]) & (key != qb[:, None]) & (key != qc[:, None])
        first = np.where(good.any(axis=1), good.argmax(axis=1), valid.sum(axis=1) - 1)
        predicted = np.where(first >= 0, key[rows, np.maximum(first, 0)], -1)
        right[sl] = predicted == qe
        if progress is not None:
            progress(min(lo + block, len(a)), len(a))
    return right


def _unit_rows(x: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    return (x / np.where(norms > 0, norms, 1)).astype(np.float32, copy=False)


def _pearson(x: np.ndarray, y: np.ndarray) -> float:
    xm, ym = x - x.mean(), y - y.mean()
    den = np.sqrt((xm @ xm) * (ym @ ym))
    if den == 0:
        return float("nan")
    return float(np.clip((xm @ ym) / den, -1.0, 1.0))


def _rank(x: np.ndarray) -> np.ndarray:
    """Ranks 1..n, ties sharing their average rank (as scipy.stats.rankdata)."""
    order = np.argsort(x, kind="mergesort")
    sorted_x = x[order]
    starts = np.flatnonzero(np.r_[True, sorted_x[1:] != sorted_x[:-1]])
    ends = np.r_[starts[1:], len(x)]
    average = (starts + ends + 1) / 2.0  # mean of ranks starts+1 .. ends
    ranks = np.empty(len(x), dtype=np.float64)
    ranks[order] = np.repeat(average, ends - starts)
    return ranks
