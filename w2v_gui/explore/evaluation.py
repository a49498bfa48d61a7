"""What the Evaluate panel runs and shows, as plain code on ``Embeddings`` (no Qt).

``evaluate`` runs core's two tests for one :class:`EvalRequest` (in a worker thread: the
analogy test takes seconds), and ``run_values`` / ``cell_text`` turn finished runs into
the rows of the panel's history, the same rows that are copied as tab-separated text.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from w2v_gui.core.errors import Cancelled, FormatError
from w2v_gui.core.evaluate import (
    ANALOGY_RESTRICT,
    PAIRS_RESTRICT,
    AnalogyResult,
    PairsResult,
    evaluate_analogies,
    evaluate_word_pairs,
)
from w2v_gui.core.vectors import Embeddings

RESTRICT_VOCAB = ANALOGY_RESTRICT  # the form's default; pairs always use PAIRS_RESTRICT
METHODS = (("add", "3CosAdd"), ("mul", "3CosMul"))
# Below these a score says more about which words happened to be known than about the
# vectors (a Spearman of -0.75 from 9 pairs, 97.5 % out of vocabulary, was shown in bold).
MIN_PAIRS = 30
MAX_OOV_PERCENT = 50.0
MIN_COVERAGE = 0.5
UNRELIABLE_COLOUR = "#b00020"


def analogy_warning(a: AnalogyResult) -> str:
    """Why the analogy accuracy is unreliable, or "" if it is not."""
    if a.coverage < MIN_COVERAGE:
        return f"unreliable: only {a.coverage:.0%} of the questions could be asked"
    return ""


def pairs_warning(p: PairsResult) -> str:
    """Why a word-pair correlation is unreliable, or "" if it is not."""
    if p.pairs < MIN_PAIRS or p.oov_ratio > MAX_OOV_PERCENT:
        return f"unreliable: {p.pairs:,} pairs scored, {p.oov_ratio:.1f}% out of vocabulary"
    return ""


def _score(value: str, warning: str) -> str:
    if warning:  # not in bold: the eye should not land on it as a result
        return f"{value} <span style='color:{UNRELIABLE_COLOUR}'>({warning})</span>"
    return f"<b>{value}</b>"


def summary_html(index: int, run: EvalRun) -> str:
    """The selected run in words, unreliable scores marked as such."""
    a = run.analogy
    parts = [
        f"<b>Run {index + 1}</b> · {run.label} · vocabulary {run.words:,} · at "
        f"{run.started}, took {run.seconds:.1f} s"
    ]
    if a is not None:
        rv = run.request.restrict_vocab
        parts.append(
            f"<b>Analogies</b> ({dict(METHODS)[run.request.method]}, "
            f"{'all words' if not rv else f'top {rv:,} words'}): accuracy "
            f"{_score(f'{a.accuracy:.4f}', analogy_warning(a))} · semantic {a.semantic:.4f} · "
            f"syntactic {a.syntactic:.4f} · seen {a.total:,} of {a.questions:,} "
            f"({a.coverage:.1%})"
        )
    for name, p in run.pairs:
        parts.append(
            f"<b>{name}</b>: Spearman {_score(cell_text(p.spearman), pairs_warning(p))} · "
            f"Pearson {cell_text(p.pearson)} · {p.pairs:,} pairs scored · OOV "
            f"{p.oov_ratio:.1f}%"
        )
    return "<br>".join(parts)


def unreliable_cells(run: EvalRun, pair_names: list[str]) -> dict[int, str]:
    """History-table columns of ``run`` whose numbers are unreliable, with the reason."""
    out: dict[int, str] = {}
    if run.analogy is not None and (why := analogy_warning(run.analogy)):
        out.update({col: why for col in range(3, 7)})  # accuracy … coverage
    pairs = dict(run.pairs)
    for i, name in enumerate(pair_names):
        if name in pairs and (why := pairs_warning(pairs[name])):
            first = len(COLUMNS) + 3 * i
            out.update({col: why for col in range(first, first + 3)})
    return out


@dataclass(frozen=True)
class EvalRequest:
    """What one run scores: files (None / empty: that test is skipped) and settings."""

    analogies: str | None
    pairs: tuple[str, ...]
    restrict_vocab: int  # 0: all words
    method: str  # "add" or "mul"


@dataclass(frozen=True)
class EvalRun:
    """One finished run: what was asked, of which vectors, and core's results."""

    request: EvalRequest
    label: str  # which vectors: "training · epoch 2/5 · …", a file name
    words: int
    started: str  # local time of day
    seconds: float
    analogy: AnalogyResult | None
    pairs: tuple[tuple[str, PairsResult], ...]  # (file name, result), in request order


def pairs_name(path: str, paths: tuple[str, ...]) -> str:
    """The file name that stands for ``path`` in the history, with its folder if another
    of ``paths`` has the same name (the history keys its columns by these names)."""
    name = Path(path).name
    if sum(Path(p).name == name for p in paths) > 1:
        return f"{Path(path).parent.name}/{name}"
    return name


def evaluate(
    emb: Embeddings, req: EvalRequest, progress: Callable[[int, int], None], stop: threading.Event
) -> tuple[AnalogyResult | None, tuple[tuple[str, PairsResult], ...]]:
    """Core's two tests on ``emb`` (runs in a worker). Raises Cancelled once ``stop`` is
    set, and FormatError naming a file that holds nothing to score."""

    def check() -> None:
        if stop.is_set():
            raise Cancelled("the evaluation was cancelled")

    def tick(done: int, total: int) -> None:
        check()
        progress(done, total)

    pairs = []
    for path in req.pairs:  # first: they take milliseconds, so a bad file is said at once
        check()
        r = evaluate_word_pairs(emb, path, restrict_vocab=PAIRS_RESTRICT)
        if r.pairs == 0 and r.oov_ratio == 0:
            raise FormatError(
                "no word pairs in this file (expected lines 'word1<tab>word2<tab>score')", path
            )
        pairs.append((pairs_name(path, req.pairs), r))
    analogy = None
    if req.analogies:
        analogy = evaluate_analogies(
            emb,
            req.analogies,
            restrict_vocab=req.restrict_vocab or None,
            method=req.method,
            progress=tick,
        )
        if analogy.questions == 0:
            raise FormatError(
                "no analogy questions in this file (expected lines "
                "'a b c d' under ': section' lines)",
                req.analogies,
            )
    return analogy, tuple(pairs)


# -- the history table: one row per run; what it shows is what it copies -------------------

# The numbers people compare come first; then one group per word-pair file; then TAIL.
COLUMNS = (
    ("#", "Run number"),
    (
        "vectors",
        "Which vectors were scored: a training snapshot (epoch, words trained so "
        "far), a finished run, or an opened file",
    ),
    ("method", "3CosAdd (gensim's most_similar) or 3CosMul (most_similar_cosmul)"),
    ("accuracy", "Analogies answered right / analogies seen"),
    ("semantic", "Accuracy over the sections not named gram…"),
    ("syntactic", "Accuracy over the gram… sections"),
    ("coverage", "Seen / questions"),
    ("seen", "Analogy questions with all four words among the searched words"),
    ("questions", "Analogy questions in the file"),
    (
        "searched",
        "Analogies searched the most frequent words only; questions with a word "
        "outside them were skipped, not counted wrong",
    ),
)
TAIL = (("words", "Vocabulary size of the vectors scored"), ("time", "When the run started"))
PAIR_COLUMNS = (
    ("ρ", "Spearman rank correlation of cosines with the human scores"),
    ("r", "Pearson correlation of cosines with the human scores"),
    ("OOV", "Share of pairs skipped because a word is not in the vocabulary"),
)


def run_values(number: int, run: EvalRun, pair_names: list[str]) -> list[object]:
    """One history row as plain values (None: not measured in this run)."""
    a = run.analogy
    rv = run.request.restrict_vocab
    row: list[object] = [number, run.label]
    row += (
        [
            dict(METHODS)[run.request.method],
            a.accuracy,
            a.semantic,
            a.syntactic,
            a.coverage,
            a.total,
            a.questions,
            rv or "all",
        ]
        if a
        else [None] * 8
    )
    pairs = dict(run.pairs)
    for name in pair_names:
        p = pairs.get(name)
        row += [p.spearman, p.pearson, p.oov_ratio / 100] if p else [None] * 3
    return row + [run.words, run.started]


def cell_text(value: object, for_copy: bool = False) -> str:
    """A value as the table shows it, or (``for_copy``) as a spreadsheet reads it."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "" if for_copy else "–"
    if isinstance(value, int):
        return str(value) if for_copy else f"{value:,}"
    if isinstance(value, float):
        return f"{value:.4f}"
    return str(value)
