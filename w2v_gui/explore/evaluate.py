"""Evaluate: score the vectors on word analogies and on word-pair similarity judgements.

The numbers are ``core.evaluate``'s (equal to gensim's evaluators), run through
``w2v_gui.explore.evaluation``. A run scores the vectors on show when it starts (the latest
training snapshot, or a trained or opened model) in a worker thread, with progress and
Cancel; starting another supersedes it. Every run stays in the history table, which copies
as tab-separated text for a spreadsheet; the bar chart shows the per-section accuracy of
the run selected there.
"""

from __future__ import annotations

import time
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from w2v_gui.core.evaluate import BUNDLED_ANALOGIES, BUNDLED_PAIRS
from w2v_gui.core.vectors import Embeddings
from w2v_gui.explore.evaluate_views import (
    LEGEND,
    SectionChart,
    fill_history,
    headers,
    history_table,
)
from w2v_gui.explore.evaluation import (
    METHODS,
    PAIRS_RESTRICT,
    RESTRICT_VOCAB,
    EvalRequest,
    EvalRun,
    cell_text,
    evaluate,
    pairs_name,
    run_values,
    summary_html,
)
from w2v_gui.tasks import cancel_task, run_task, stop_tasks

FILE_FILTER = "Text (*.txt *.tsv *.csv);;All files (*)"
RUN_SHORTCUT = "Ctrl+Shift+E"


def _file_row(
    text: str, name: str, checked: bool, tip: str, choose_tip: str
) -> tuple[QCheckBox, QLineEdit, QPushButton]:
    """A test to tick, the file(s) it reads, and a button to choose others."""
    box = QCheckBox(text, objectName=f"evaluateUse{name}", checked=checked, toolTip=tip)
    field = QLineEdit(objectName=f"evaluate{name}Files", readOnly=True)
    button = QPushButton("Choose…", objectName=f"evaluateChoose{name}", toolTip=choose_tip)
    return box, field, button


class EvaluatePanel(QWidget):
    """Choose the sets, run, read the numbers, compare runs."""

    evaluated = Signal(object)  # EvalRun
    failed = Signal(str)
    options_changed = Signal(dict)  # for the settings

    def __init__(self, options: dict | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        options = options or {}
        self._emb: Embeddings | None = None
        self._label = ""
        self._next_label = ""
        self._analogies = options.get("analogies") or str(BUNDLED_ANALOGIES)
        self._pairs = tuple(options.get("pairs") or map(str, BUNDLED_PAIRS))
        self.runs: list[EvalRun] = []
        self._pair_names: list[str] = []
        self._task = None

        self.run_action = QAction("E&valuate the vectors", self)
        self.run_action.setShortcut(QKeySequence(RUN_SHORTCUT))
        self.run_action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.run_action.setToolTip(f"Score the vectors on show now ({RUN_SHORTCUT})")
        self.run_action.triggered.connect(self.run)
        self.copy_action = QAction("Copy", self)
        self.copy_action.setShortcut(QKeySequence.StandardKey.Copy)
        self.copy_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.copy_action.triggered.connect(self.copy)
        self.addActions([self.run_action, self.copy_action])

        self._build_controls(options)
        self._build_results()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(self._controls)
        layout.addWidget(self._split, 1)
        layout.addLayout(self._bottom)
        self._show_files()
        self.set_embeddings(None)

    # -- building ------------------------------------------------------------------------
    def _build_controls(self, options: dict) -> None:
        self.use_analogies, self.analogy_file, self.choose_analogies = _file_row(
            "Analogies",
            "Analogies",
            options.get("use_analogies", True),
            "Questions 'a is to b as c is to ?' (Google format: ': section' lines, then "
            "'a b c d' lines)",
            "Use another analogy file",
        )
        self.method = QComboBox(objectName="evaluateMethod")
        for key, text in METHODS:
            self.method.addItem(text, key)
        self.method.setCurrentIndex(max(0, self.method.findData(options.get("method", "add"))))
        self.method.setToolTip(
            "3CosAdd: the word nearest to b − a + c (gensim's most_similar)."
            "\n3CosMul: Levy & Goldberg's multiplicative form "
            "(most_similar_cosmul)."
        )
        self.restrict = QSpinBox(
            objectName="evaluateRestrict",
            minimum=0,
            maximum=100_000_000,
            singleStep=10_000,
            prefix="top ",
            suffix=" words",
            specialValueText="all words",
        )
        self.restrict.setGroupSeparatorShown(True)
        self.restrict.setValue(options.get("restrict_vocab", RESTRICT_VOCAB))
        self.restrict.setToolTip(
            "Analogies search only the most frequent words, and questions with a word outside "
            f"them are skipped (gensim's restrict_vocab; {RESTRICT_VOCAB:,} is usual). 0: all "
            f"words. Word pairs use gensim's {PAIRS_RESTRICT:,}."
        )
        self.use_pairs, self.pairs_files, self.choose_pairs = _file_row(
            "Word pairs",
            "Pairs",
            options.get("use_pairs", True),
            "Pairs with human similarity scores ('word1<tab>word2<tab>score' lines; # "
            "comments): how well cosines rank them",
            "Use other word-pair files (several at once)",
        )
        self.bundled = QPushButton("Bundled sets", objectName="evaluateBundled")
        self.bundled.setToolTip(
            "Back to the bundled sets: Google analogies, WordSim-353 and "
            "SimLex-999 (assets/EVALUATION-SETS.md)"
        )

        self.run_button = QPushButton("Evaluate", objectName="evaluateRun")
        self.run_button.setToolTip(self.run_action.toolTip())
        self.run_button.clicked.connect(self.run_action.trigger)
        self.run_action.enabledChanged.connect(self.run_button.setEnabled)
        self.cancel_button = QPushButton("Cancel", objectName="evaluateCancel", enabled=False)
        self.cancel_button.setToolTip("Stop this evaluation; earlier results stay")
        self.progress = QProgressBar(objectName="evaluateProgress", textVisible=True)
        self.progress.setMaximumWidth(260)
        self.source = QLabel(objectName="evaluateSource")
        self.source.setToolTip("The vectors the next run scores")
        self.message = QLabel(objectName="evaluateMessage", wordWrap=True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        grid = QGridLayout()
        grid.addWidget(self.use_analogies, 0, 0)
        grid.addWidget(self.analogy_file, 0, 1)
        grid.addWidget(self.choose_analogies, 0, 2)
        grid.addWidget(self.method, 0, 3)
        grid.addWidget(self.restrict, 0, 4)
        grid.addWidget(self.use_pairs, 1, 0)
        grid.addWidget(self.pairs_files, 1, 1)
        grid.addWidget(self.choose_pairs, 1, 2)
        grid.addWidget(self.bundled, 1, 3, 1, 2)
        grid.setColumnStretch(1, 1)
        run_row = QHBoxLayout()
        for w in (self.run_button, self.cancel_button, self.progress):
            run_row.addWidget(w)
        run_row.addWidget(self.source, 1)
        self._controls = QVBoxLayout()
        self._controls.addLayout(grid)
        self._controls.addLayout(run_row)
        self._controls.addWidget(self.message)

        self.cancel_button.clicked.connect(self.cancel)
        self.choose_analogies.clicked.connect(self._on_choose_analogies_clicked)
        self.choose_pairs.clicked.connect(self._on_choose_pairs_clicked)
        self.bundled.clicked.connect(self._on_bundled_clicked)
        for box in (self.use_analogies, self.use_pairs):
            box.toggled.connect(self._on_option_changed)
        self.method.currentIndexChanged.connect(self._on_option_changed)
        self.restrict.valueChanged.connect(self._on_option_changed)

    def _build_results(self) -> None:
        self.history = history_table()
        self.history.itemSelectionChanged.connect(self._on_history_selection_changed)
        self.copy_button = QPushButton("Copy", objectName="evaluateCopy", enabled=False)
        self.copy_button.setToolTip(
            "Copy the selected runs (or all) as tab-separated text (Ctrl+C)"
        )
        self.copy_button.clicked.connect(self.copy)
        self.summary = QLabel(objectName="evaluateSummary", wordWrap=True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.plot = SectionChart()
        self.bars = self.plot.bars
        self.export_button = self.plot.export_button()

        left = QWidget()
        box = QVBoxLayout(left)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.summary)
        box.addWidget(self.history, 1)
        self._split = QSplitter(
            Qt.Orientation.Horizontal, objectName="evaluateSplitter", childrenCollapsible=False
        )
        self._split.addWidget(left)
        self._split.addWidget(self.plot)
        self._split.setSizes([600, 360])
        # One row under both halves: the chart keeps all the height there is.
        legend = QLabel(LEGEND)
        self._bottom = QHBoxLayout()
        for w, stretch in (
            (QLabel("History of runs"), 0),
            (self.copy_button, 0),
            (QWidget(), 1),
            (legend, 0),
            (self.export_button, 0),
        ):
            self._bottom.addWidget(w, stretch)

    # -- what the window calls -----------------------------------------------------------
    def set_label(self, label: str) -> None:
        """What the next vectors are, for the history (before ``set_embeddings``)."""
        self._next_label = label

    def set_embeddings(self, emb: Embeddings | None) -> None:
        """The vectors the next run scores."""
        label, self._next_label = self._next_label, ""
        self._emb, self._label = emb, label or ("vectors" if emb is not None else "")
        self.run_action.setEnabled(emb is not None)
        self.source.setText(
            f"Scores: {self._label} (vocabulary {len(emb):,})"
            if emb is not None
            else "No vectors yet: train on a corpus or open a model."
        )

    def set_files(self, analogies: str | None = None, pairs=None) -> None:
        """Use these files (None: leave that choice as it is)."""
        if analogies is not None:
            self._analogies = str(analogies)
        if pairs is not None:
            self._pairs = tuple(dict.fromkeys(str(p) for p in pairs))  # each file once
        self._show_files()
        self._on_option_changed()

    def options(self) -> dict:
        """The choices to remember; bundled files are stored as None (installs move)."""
        bundled = tuple(map(str, BUNDLED_PAIRS))
        return {
            "analogies": None if self._analogies == str(BUNDLED_ANALOGIES) else self._analogies,
            "pairs": None if self._pairs == bundled else list(self._pairs),
            "restrict_vocab": self.restrict.value(),
            "method": self.method.currentData(),
            "use_analogies": self.use_analogies.isChecked(),
            "use_pairs": self.use_pairs.isChecked(),
        }

    def request(self) -> EvalRequest:
        return EvalRequest(
            self._analogies if self.use_analogies.isChecked() else None,
            self._pairs if self.use_pairs.isChecked() else (),
            self.restrict.value(),
            self.method.currentData(),
        )

    @property
    def busy(self) -> bool:
        return self._task is not None

    def run(self) -> None:
        """Score the vectors on show now; a run still going is superseded."""
        emb, label, req = self._emb, self._label, self.request()
        if emb is None:
            return
        if req.analogies is None and not req.pairs:
            self._say("Tick Analogies or Word pairs to have something to score.", error=True)
            return
        cancel_task(self._task)  # its result, if it still comes, is dropped
        started, t0 = datetime.now().strftime("%H:%M:%S"), time.monotonic()

        def work(progress, stop) -> EvalRun:
            analogy, pairs = evaluate(emb, req, progress, stop)
            return EvalRun(req, label, len(emb), started, time.monotonic() - t0, analogy, pairs)

        self._task = run_task(
            self,
            work,
            self._on_task_done,
            self._on_task_failed,
            "evaluating the vectors",
            self._on_task_progressed,
        )
        self._set_running(True)
        self._say(f"Scoring {label}…")

    def cancel(self) -> None:
        if self._task is not None:
            cancel_task(self._task)
            self._task = None
            self._set_running(False)
            self._say("Cancelled; the panel shows the earlier runs.")

    def shutdown(self) -> None:
        """Stop a running evaluation and wait for its thread (the window is closing)."""
        self._task = None
        stop_tasks(self)

    def tsv(self, rows: list[int] | None = None) -> str:
        """The history (``rows``, or every run) as tab-separated lines with a header."""
        chosen = range(len(self.runs)) if rows is None else rows
        lines = ["\t".join(headers(self._pair_names))]
        lines += [
            "\t".join(
                cell_text(v, for_copy=True)
                for v in run_values(i + 1, self.runs[i], self._pair_names)
            )
            for i in chosen
        ]
        return "\n".join(lines) + "\n"

    def copy(self) -> None:
        if not self.runs:
            return
        rows = sorted({i.row() for i in self.history.selectionModel().selectedRows()})
        QGuiApplication.clipboard().setText(self.tsv(rows or None))
        n = len(rows) or len(self.runs)
        self._say(f"Copied {n} run{'s' * (n != 1)} as tab-separated text.")

    def bars_data(self) -> list[tuple[str, float]]:
        """The chart's (section, accuracy) bars, top to bottom."""
        return self.plot.data()

    # -- running ---------------------------------------------------------------------------
    def _set_running(self, running: bool) -> None:
        self.cancel_button.setEnabled(running)
        self.progress.setVisible(running)
        self.progress.setRange(0, 0 if running else 1)
        self.progress.setValue(0)
        self.progress.setFormat("reading the sets…" if running else "")

    def _on_task_progressed(self, done: int, total: int) -> None:
        if total:
            self.progress.setRange(0, total)
            self.progress.setValue(done)
            self.progress.setFormat(f"{done:,} of {total:,} analogies")

    def _on_task_done(self, run: EvalRun) -> None:
        self._task = None
        self._set_running(False)
        self.runs.append(run)
        for name, _ in run.pairs:
            if name not in self._pair_names:
                self._pair_names.append(name)
        fill_history(self.history, self.runs, self._pair_names)
        self.history.selectRow(len(self.runs) - 1)
        self.copy_button.setEnabled(True)
        self._say("")
        self.evaluated.emit(run)

    def _on_task_failed(self, message: str) -> None:
        self._task = None
        self._set_running(False)
        self._say(message, error=True)
        self.failed.emit(message)

    def _say(self, text: str, error: bool = False) -> None:
        self.message.setStyleSheet("color: #b00020;" if error else "color: #505050;")
        self.message.setText(text)
        self.message.setVisible(bool(text))

    # -- showing ---------------------------------------------------------------------------
    def _on_history_selection_changed(self) -> None:
        rows = [i.row() for i in self.history.selectionModel().selectedRows()]
        if rows:
            self._show_run(max(rows))

    def _show_run(self, index: int) -> None:
        run = self.runs[index]
        self.summary.setText(summary_html(index, run))
        self.plot.draw(run.analogy.sections if run.analogy is not None else ())

    # -- choices ---------------------------------------------------------------------------
    def _show_files(self) -> None:
        self.analogy_file.setText(Path(self._analogies).name)
        self.analogy_file.setToolTip(self._analogies)
        self.pairs_files.setText(", ".join(pairs_name(p, self._pairs) for p in self._pairs))
        self.pairs_files.setToolTip("\n".join(self._pairs))

    def _on_option_changed(self, *_args) -> None:
        self.options_changed.emit(self.options())

    def _on_choose_analogies_clicked(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Analogy questions", str(Path(self._analogies).parent), FILE_FILTER
        )
        if path:
            self.use_analogies.setChecked(True)
            self.set_files(analogies=path)

    def _on_choose_pairs_clicked(self) -> None:
        folder = str(Path(self._pairs[0]).parent) if self._pairs else ""
        paths, _ = QFileDialog.getOpenFileNames(
            self, "Word pairs with similarity scores", folder, FILE_FILTER
        )
        if paths:
            self.use_pairs.setChecked(True)
            self.set_files(pairs=paths)

    def _on_bundled_clicked(self) -> None:
        self.set_files(str(BUNDLED_ANALOGIES), list(map(str, BUNDLED_PAIRS)))
