"""Stability: runs of one corpus with other seeds, and which neighbours survive them all.

Train the same text again with another seed (every run stays open), tick the runs here:
the view reports each run's mean top-10 overlap with the others over the 1,000 most
frequent words, and for any word marks which of its neighbours recur in every run
(``core.stability``, after Antoniak & Mimno 2018).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from w2v_gui.core import phrases
from w2v_gui.core.config import TrainingConfig
from w2v_gui.core.errors import Cancelled, UnknownWordError
from w2v_gui.core.formats.native import NativeModel
from w2v_gui.core.provenance import same_corpus
from w2v_gui.core.sgns import Trainer
from w2v_gui.core.stability import DEFAULT_K, SUMMARY_WORDS, Stability
from w2v_gui.core.workers import BACKGROUND_NICENESS
from w2v_gui.jobs import CorpusInfo
from w2v_gui.models import OpenModel, OpenModels
from w2v_gui.tasks import Task, cancel_task, run_task, stop_tasks

STABLE = QColor("#e4f0d8")
HOW = (
    "Train more runs of the open corpus with other seeds here (or train again with "
    "another seed: every run stays open), tick two or more runs, and press Measure."
)
DEFAULT_RUNS = 3


def train_runs_job(info: CorpusInfo, config: TrainingConfig, seeds: list[int]):
    """``fn(progress, stop)``: train one model per seed on the scanned corpus, in turn."""
    # What the session records with its runs, so these say what made them too.
    corpus = {
        "paths": list(info.paths),
        "raw_words": info.scan.raw_words,
        "checksum": info.checksum,
        "lowercase": info.lowercase,
        "token_pattern": info.token_pattern,
    }

    def run(progress, stop) -> list[NativeModel]:
        vocab, stream = phrases.build(info.scan, config)  # the same phrases as the run
        out = []
        for i, seed in enumerate(seeds):
            cfg = config.replace(seed=seed)
            trainer = Trainer(cfg, vocab, stream, niceness=BACKGROUND_NICENESS)
            for rec in trainer.run(stop=stop):
                progress(int((i + rec.fraction) * 1000), len(seeds) * 1000)
            if stop.is_set():
                raise Cancelled("training the runs was cancelled")
            state = {**trainer.state(), "corpus": corpus, "finished": True}
            out.append(NativeModel(trainer.snapshot(), trainer.context_snapshot(), cfg, state))
        return out

    return run


def _table(name: str, headers: list[str]) -> QTableWidget:
    t = QTableWidget(0, len(headers), objectName=name)
    t.setHorizontalHeaderLabels(headers)
    t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    t.verticalHeader().setVisible(False)
    t.verticalHeader().setDefaultSectionSize(20)
    t.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    t.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
    return t


class StabilityView(QWidget):
    """Tick runs; see one number per run and, for a word, its neighbours that recur."""

    measured = Signal(object)  # StabilityReport
    # The measured runs' vectors (empty once one of them is closed): the Neighbours and
    # Analogy tables mark what does not recur in all of them.
    runs_measured = Signal(tuple)

    def __init__(self, models: OpenModels, parent: QWidget | None = None):
        super().__init__(parent)
        self._models = models
        self._stability: Stability | None = None
        self._runs: list[OpenModel] = []
        self._task: Task | None = None
        self._training: Task | None = None
        self._source = lambda: (None, None)
        self.runs_count = QSpinBox(objectName="stabilityRunsCount", minimum=1, maximum=20)
        self.runs_count.setValue(DEFAULT_RUNS)
        self.train_button = QPushButton("Train runs", objectName="stabilityTrain")
        self.train_button.setToolTip(
            "Train the open corpus again with the form's settings and other seeds, in the "
            "background; the runs are added to the list and measured."
        )
        self.runs = QListWidget(objectName="stabilityRuns")
        self.measure_button = QPushButton("Measure", objectName="stabilityMeasure")
        self.summary = _table("stabilitySummary", ["Run", f"Mean top-{DEFAULT_K} overlap"])
        self.word = QLineEdit(objectName="stabilityWord", clearButtonEnabled=True)
        self.word.setPlaceholderText("A word: which of its neighbours recur in every run?")
        self.neighbours = _table(
            "stabilityNeighbours", ["Neighbour (first ticked run)", "In every run"]
        )
        self.message = QLabel(HOW, objectName="stabilityMessage", wordWrap=True)

        left = QWidget()
        lv = QVBoxLayout(left)
        lv.setContentsMargins(0, 0, 0, 0)
        train = QHBoxLayout()
        train.addWidget(QLabel("Train"))
        train.addWidget(self.runs_count)
        train.addWidget(QLabel("more runs, other seeds"))
        train.addStretch(1)
        train.addWidget(self.train_button)
        lv.addLayout(train)
        lv.addWidget(QLabel("Runs of one corpus:"))
        lv.addWidget(self.runs, 1)
        lv.addWidget(self.measure_button)
        lv.addWidget(self.summary, 1)
        right = QWidget()
        rv = QVBoxLayout(right)
        rv.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        row.addWidget(QLabel("Word:"))
        row.addWidget(self.word, 1)
        rv.addLayout(row)
        rv.addWidget(self.neighbours, 1)
        split = QSplitter(Qt.Orientation.Horizontal, childrenCollapsible=False)
        split.addWidget(left)
        split.addWidget(right)
        layout = QVBoxLayout(self)
        layout.addWidget(split, 1)
        layout.addWidget(self.message)

        self.measure_button.clicked.connect(self.measure)
        self.train_button.clicked.connect(self._on_train_clicked)
        self.word.returnPressed.connect(self._on_word_entered)
        models.changed.connect(self._on_models_changed)
        self._on_models_changed()

    # -- training runs ---------------------------------------------------------------------
    def set_source(self, source) -> None:
        """``source()`` gives (the open CorpusInfo or None, the form's config or None)."""
        self._source = source

    def _on_train_clicked(self) -> None:
        if self._training is not None:
            cancel_task(self._training)
            return
        info, config = self._source()
        if info is None or config is None:
            self.message.setText("Open a corpus (and fix any invalid setting) to train runs.")
            return
        # Seeds not used yet by an open run (a repeated seed would agree with itself).
        used = {m.model.config.seed for m in self._models.models if m.model.config is not None}
        seeds: list[int] = []
        seed = config.seed
        while len(seeds) < self.runs_count.value():
            seed += 1
            if seed not in used:
                seeds.append(seed)
        self.train_button.setText("Cancel runs")
        self.message.setText(f"Training {len(seeds)} runs of {info.name}…")
        self._training = run_task(
            self,
            train_runs_job(info, config, seeds),
            lambda models: self._on_runs_trained(info, models),
            self._on_runs_failed,
            "training runs for stability",
            lambda done, total: self.message.setText(
                f"Training {len(seeds)} runs of {info.name}… {done / max(total, 1):.0%}"
            ),
            cancelled=lambda: self._on_runs_failed("Training the runs was cancelled."),
        )

    def _on_runs_failed(self, message: str) -> None:
        self._training = None
        self.train_button.setText("Train runs")
        self.message.setText(message)

    def _on_runs_trained(self, info: CorpusInfo, models: list[NativeModel]) -> None:
        self._training = None
        self.train_button.setText("Train runs")
        for m in models:
            n = len(self._models) + 1
            self._models.add(m, f"run {n}", f"{info.name}, seed {m.config.seed} (stability run)")
        # Tick the runs of this corpus: the new ones and any earlier run of the same text.
        first = self._models.models[-1].info
        for i in range(self.runs.count()):
            m = self._models.find(self.runs.item(i).text())
            same = m is not None and same_corpus(first, m.info) is True
            self.runs.item(i).setCheckState(
                Qt.CheckState.Checked if same else Qt.CheckState.Unchecked
            )
        self.measure()

    # -- measuring -------------------------------------------------------------------------
    @property
    def training(self) -> bool:
        """Runs are being trained (quitting would lose them)."""
        return self._training is not None

    def _on_models_changed(self) -> None:
        if self._runs and any(m not in self._models.models for m in self._runs):
            self._forget_measure("A measured run was closed: tick the runs and measure again.")
        listed = [self.runs.item(i).text() for i in range(self.runs.count())]
        ticked = {label for i, label in enumerate(listed) if self._ticked(i)}
        self.runs.clear()
        for label in self._models.labels():
            item = QListWidgetItem(label)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            on = label in ticked or label not in listed  # a new run is ticked
            item.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)
            self.runs.addItem(item)

    def _ticked(self, i: int) -> bool:
        return self.runs.item(i).checkState() == Qt.CheckState.Checked

    def chosen(self) -> list[OpenModel]:
        found = [self._models.find(self.runs.item(i).text()) for i in range(self.runs.count())]
        return [m for i, m in enumerate(found) if m is not None and self._ticked(i)]

    def measure(self) -> None:
        runs = self.chosen()
        if self._task is not None:
            return
        if len(runs) < 2:
            self.message.setText("Tick at least two runs. " + HOW)
            return
        self.message.setText(f"Measuring {len(runs)} runs…")
        self.measure_button.setEnabled(False)

        def job(progress, stop):
            st = Stability([m.embeddings for m in runs])
            return runs, st, st.report(DEFAULT_K, SUMMARY_WORDS)

        self._task = run_task(self, job, self._on_measured, self._on_failed, "measuring stability")

    def _forget_measure(self, message: str) -> None:
        self._runs, self._stability = [], None
        self.summary.setRowCount(0)
        self.neighbours.setRowCount(0)
        self.message.setText(message)
        self.runs_measured.emit(())

    def _on_failed(self, message: str) -> None:
        self._task = None
        self.measure_button.setEnabled(True)
        self.message.setText(message)

    def _on_measured(self, result) -> None:
        self._task = None
        self.measure_button.setEnabled(True)
        self._runs, self._stability, report = result
        if any(m not in self._models.models for m in self._runs):  # closed meanwhile
            self._forget_measure("A run was closed while it was measured: measure again.")
            return
        self.summary.setRowCount(len(self._runs))
        for i, (m, value) in enumerate(zip(self._runs, report.per_model.tolist(), strict=True)):
            self.summary.setItem(i, 0, QTableWidgetItem(m.label))
            item = QTableWidgetItem(f"{value:.3f}")
            item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.summary.setItem(i, 1, item)
        self.message.setText(
            f"Share of top-{report.k} neighbours each run has in common with the others, "
            f"over the {report.words:,} most frequent words (1 = every run agrees). "
            + self._caveat()
        )
        self.measured.emit(report)
        self.runs_measured.emit(tuple(m.embeddings for m in self._runs))
        if self.word.text().strip():
            self._on_word_entered()

    def _caveat(self) -> str:
        first = self._runs[0].info
        if any(same_corpus(first, m.info) is False for m in self._runs[1:]):
            return (
                "These runs are of different corpora: their disagreement is not only the "
                "noise of training."
            )
        return "Between runs of one text, disagreement is the noise of training."

    def _on_word_entered(self) -> None:
        word = self.word.text().strip()
        st = self._stability
        if st is None or not word:
            return
        try:
            recurring = set(st.recurring(word, DEFAULT_K))
            ids = st.neighbour_ids([st.position(word)], DEFAULT_K)[0][0]
        except UnknownWordError as exc:
            self.neighbours.setRowCount(0)
            self.message.setText(str(exc).capitalize() + " of every ticked run.")
            return
        self.neighbours.setRowCount(len(ids))
        for row, i in enumerate(ids.tolist()):
            w = st.words[i]
            cells = [QTableWidgetItem(w), QTableWidgetItem("yes" if w in recurring else "–")]
            for col, item in enumerate(cells):
                if w in recurring:
                    item.setBackground(QBrush(STABLE))
                self.neighbours.setItem(row, col, item)
        self.message.setText(
            f"{len(recurring)} of {len(ids)} neighbours of “{word}” recur in all "
            f"{len(self._runs)} runs; the others depend on the seed."
        )

    def recurring_shown(self) -> dict[str, bool]:
        t = self.neighbours
        return {t.item(r, 0).text(): t.item(r, 1).text() == "yes" for r in range(t.rowCount())}

    def shutdown(self) -> None:
        cancel_task(self._task)
        cancel_task(self._training)
        stop_tasks(self)
