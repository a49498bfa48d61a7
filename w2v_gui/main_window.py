"""The main window: lays out the panels and wires them to the session. No logic of its own."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QMainWindow,
    QMessageBox,
    QTabWidget,
    QWidget,
)

from w2v_gui.closing import ModelCloser
from w2v_gui.core.config import TrainingConfig
from w2v_gui.explore.analogy import AnalogyPanel
from w2v_gui.explore.axes import AxesView
from w2v_gui.explore.compare import CompareView
from w2v_gui.explore.compare_words import CompareWordsPanel
from w2v_gui.explore.evaluate import EvaluatePanel
from w2v_gui.explore.map2d import MapPanel
from w2v_gui.explore.neighbours import NeighboursPanel
from w2v_gui.explore.run_marks import RunMarks
from w2v_gui.explore.stability import StabilityView
from w2v_gui.explore.strips import StripsPanel
from w2v_gui.explore.vocabulary import VocabularyPanel
from w2v_gui.explore.words import Vocabulary
from w2v_gui.help_menu import add_help_menu
from w2v_gui.jobs import CORPUS_FAILED
from w2v_gui.learn.panel import LearnPanel
from w2v_gui.models import OpenModels
from w2v_gui.session import IDLE, LOADING, SAVING, SCANNING, CorpusInfo, Session, State
from w2v_gui.settings import Settings
from w2v_gui.train.corpus import CorpusPanel
from w2v_gui.train.files import FileActions
from w2v_gui.train.parameters import ParametersPanel
from w2v_gui.train.training import TrainingPanel
from w2v_gui.train.watch import WatchPanel
from w2v_gui.unsaved import UnsavedGuard
from w2v_gui.widgets.layout import group_box, neighbours_column, splitter
from w2v_gui.widgets.scrolling import ScrollingTabs, scrolled
from w2v_gui.widgets.task_status import TaskStatus
from w2v_gui.worker import settle_garbage_soon

APP_NAME = "w2v-gui"
DEFAULT_SIZE = (1280, 800)
# .txt is left out: plain text is far more often a corpus than word2vec text vectors.
MODEL_SUFFIXES = {".npz", ".bin", ".vec"}


class MainWindow(QMainWindow):
    """Corpus and hyperparameters on the left; training, watch words and exploring right."""

    training_finished = Signal(object)  # TrainingOutcome, when a run ends (done or stopped)

    def __init__(self, settings: Settings | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.settings = settings or Settings()
        self.session = Session(self)
        self.vocabulary = Vocabulary(self)
        self.files = FileActions(self, self.settings)

        self.corpus_panel = CorpusPanel(self.files.open_corpus, self.files.open_folder)
        self.parameters = ParametersPanel(self.settings.config())
        self.training = TrainingPanel()
        self.watch = WatchPanel(self.vocabulary, self.settings.watched())
        self.run_marks = RunMarks(self)  # the stability runs, for marks on the tables
        self.neighbours = NeighboursPanel(self.vocabulary, self.run_marks)
        self.neighbours.query.setText(self.settings.neighbours_query())
        self.analogy = AnalogyPanel(self.vocabulary, self.run_marks)
        for edit, word in zip(self.analogy.inputs, self.settings.analogy() or (), strict=False):
            edit.setText(word)
        self.compare_words = CompareWordsPanel()
        self.map = MapPanel(self.vocabulary, self.analogy.words())
        self.strips = StripsPanel(self.analogy.words())
        self.vocabulary_view = VocabularyPanel(self.settings.config())
        self.evaluate = EvaluatePanel(self.settings.evaluation())
        self.learn = LearnPanel(self.settings.config())
        self.models = OpenModels(self.session, self)  # every model trained or opened
        self.compare = CompareView(self.models)
        self.axes = AxesView(self.models)
        self.stability = StabilityView(self.models)
        self.stability.set_source(lambda: (self.session.corpus, self.parameters.config()))
        self._build_layout()
        self._build_menus()
        self._wire()
        self.unsaved = UnsavedGuard(
            self, self.session, self.files.save.trigger, lambda: self.closer.at_stake()
        )
        self.closer = ModelCloser(self, self.session, self.models, self.unsaved, self.stability)
        self.file_menu.insertMenu(self._before_quit, self.closer.menu)
        self.closer.shown_closed.connect(self.training.clear)

        self.corpus_panel.set_recent(self.settings.recent_corpora())
        self.session.ask(
            watched=self.watch.words,
            neighbours=self.neighbours.query.text(),
            analogy=self.analogy.words(),
        )
        config = self.parameters.config()
        if config is not None:
            self.corpus_panel.set_vocab_settings(config.min_count, config.max_vocab_size)
        self.settings.restore_window(self, self._splitters, DEFAULT_SIZE)
        self._on_session_state_changed(IDLE)
        self._on_session_document_changed()

    # -- layout --------------------------------------------------------------------------
    def _build_layout(self) -> None:
        scroll = scrolled(self.parameters, "parametersScroll")
        # As wide as the form needs: narrower, its spin boxes lost their arrows.
        scroll.setMinimumWidth(
            self.parameters.minimumSizeHint().width()
            + scroll.verticalScrollBar().sizeHint().width()
        )
        left = splitter(
            Qt.Orientation.Vertical,
            "leftSplitter",
            [
                group_box("Corpus", self.corpus_panel, "corpusGroup"),
                group_box("Hyperparameters", scroll, "parametersGroup"),
            ],
            [380, 420],
        )
        top = splitter(
            Qt.Orientation.Horizontal,
            "trainingSplitter",
            [
                group_box("Training", self.training, "trainingGroup"),
                group_box("Watch words", self.watch, "watchGroup"),
            ],
            [580, 360],
        )
        words = neighbours_column(self.neighbours, self.compare_words)
        bottom = splitter(
            Qt.Orientation.Horizontal,
            "exploreSplitter",
            [words, group_box("Analogy", self.analogy, "analogyGroup")],
            [400, 540],
        )
        # Each page scrolls rather than holding the window at its own minimum size (the
        # Map's controls alone made it 1240 wide; issue 14 asks for 1024 × 600).
        self.explore = ScrollingTabs(objectName="exploreTabs")
        for widget, title in (
            (bottom, "Neighbours && analogy"),
            (self.map, "Map"),
            (self.strips, "Strips"),
            (self.vocabulary_view, "Vocabulary"),
            (self.evaluate, "Evaluate"),
        ):
            self.explore.addTab(widget, title)
        right = splitter(Qt.Orientation.Vertical, "rightSplitter", [top, self.explore], [400, 400])
        # A smaller window takes its height from the loss plot first, the exploring tabs
        # last (at 1024 × 600 the neighbours list showed 2–3 rows); a taller one gives it back.
        right.setStretchFactor(0, 1)
        right.setStretchFactor(1, 0)
        main = splitter(Qt.Orientation.Horizontal, "mainSplitter", [left, right], [330, 950])
        main.setStretchFactor(1, 1)
        main.setContentsMargins(4, 4, 4, 0)
        self._splitters = [left, top, bottom, right, main]
        self.tabs = QTabWidget(objectName="mainTabs", documentMode=True)
        self.tabs.addTab(main, "Train and explore")
        self.models_tabs = QTabWidget(objectName="modelsTabs")
        self.models_tabs.addTab(self.compare, "Compare two models")
        self.models_tabs.addTab(self.axes, "Axes")
        self.models_tabs.addTab(self.stability, "Stability")
        self.tabs.addTab(self.models_tabs, "Compare && axes")
        self.tabs.addTab(self.learn, "Learn")
        self.setCentralWidget(self.tabs)
        self.statusBar().setSizeGripEnabled(True)
        self.task_status = TaskStatus()
        self.statusBar().addPermanentWidget(self.task_status)

    def _build_menus(self) -> None:
        f = self.files
        file_menu = self.file_menu = self.menuBar().addMenu("&File")
        file_menu.addActions([f.open_corpus, f.open_folder])
        file_menu.addMenu(self.corpus_panel.recent_menu)
        file_menu.addSeparator()
        file_menu.addActions([f.open_model, f.save, f.save_as, f.export])
        self._before_quit = file_menu.addSeparator()  # File ▸ Close model goes above
        file_menu.addAction(f.quit)
        t = self.training
        training_menu = self.menuBar().addMenu("&Training")
        training_menu.addActions([t.train_action, t.pause_action, t.stop_action, t.continue_action])
        explore_menu = self.menuBar().addMenu("&Explore")
        self.find_action = QAction("Find &neighbours", self)
        self.find_action.setShortcut(QKeySequence("Ctrl+F"))
        explore_menu.addActions([self.find_action, self.evaluate.run_action])
        self.help_menu = add_help_menu(self, lambda: self.tabs.setCurrentWidget(self.learn))

    def _wire(self) -> None:
        s, f, c, p, t = self.session, self.files, self.corpus_panel, self.parameters, self.training
        f.corpus_chosen.connect(self.open_corpus)
        c.paths_dropped.connect(self.open_dropped)
        c.recent_chosen.connect(self.open_corpus)
        c.cancel_requested.connect(s.cancel)
        self.task_status.cancel_requested.connect(s.cancel)
        f.model_chosen.connect(s.open_model)
        f.save_chosen.connect(s.save_model)
        f.export_chosen.connect(s.export)
        t.train_action.triggered.connect(self._on_train_triggered)
        t.pause_action.triggered.connect(s.toggle_pause)
        t.stop_action.triggered.connect(s.stop)
        t.continue_action.triggered.connect(s.continue_training)
        self.find_action.triggered.connect(self.neighbours.focus_query)
        p.config_changed.connect(self._on_parameters_config_changed)
        p.config_changed.connect(self.learn.set_config)
        p.validity_changed.connect(self._update_actions)
        self.watch.watched_changed.connect(self._on_watch_watched_changed)
        self.neighbours.query_changed.connect(self._on_neighbours_query_changed)
        self.analogy.query_changed.connect(self._on_analogy_query_changed)
        for view in (self.map, self.strips):
            self.analogy.query_changed.connect(view.set_analogy)
        # One route for the vectors: every view that shows them, one signature.
        for view in (
            self.vocabulary,
            self.watch,
            self.neighbours,
            self.analogy,
            self.compare_words,
            self.map,
            self.strips,
            self.vocabulary_view,
            self.evaluate,
            self.learn,
        ):
            s.embeddings_changed.connect(view.set_embeddings)
        for view in (self.watch, self.neighbours, self.analogy):
            s.answered.connect(view.set_answers)
        s.embeddings_described.connect(self.evaluate.set_label)
        self.stability.runs_measured.connect(self.run_marks.set_runs)
        s.corpus_loaded.connect(self.vocabulary_view.set_corpus)
        self.evaluate.run_action.triggered.connect(self._on_evaluate_run_triggered)
        self.evaluate.options_changed.connect(self.settings.set_evaluation)
        p.config_changed.connect(self.vocabulary_view.set_config)

        s.state_changed.connect(self._on_session_state_changed)
        s.scan_progressed.connect(self._on_session_scan_progressed)
        s.corpus_loaded.connect(self._on_session_corpus_loaded)
        s.config_loaded.connect(p.set_config)
        s.model_opened.connect(self._on_session_model_opened)
        s.training_started.connect(self._on_session_training_started)
        s.training_progressed.connect(t.add_progress)
        s.training_finished.connect(self._on_session_training_finished)
        s.training_failed.connect(t.fail)
        s.training_cancelled.connect(t.cancel)
        s.document_changed.connect(self._on_session_document_changed)
        s.failed.connect(self._on_session_failed)
        s.task_cancelled.connect(self._on_session_task_cancelled)

    # -- what the app and tests call -------------------------------------------------------
    def open_corpus(self, paths: Sequence[str]) -> None:
        """Read ``paths`` (files or folders) with the current tokenizer settings."""
        config = self.parameters.config() or TrainingConfig()
        self.session.open_corpus(paths, config)

    def open_model(self, path: str) -> None:
        self.session.open_model(path)

    def open_dropped(self, paths: Sequence[str]) -> None:
        """A dropped model file (.npz, .bin, .vec) opens as vectors; anything else as text."""
        if len(paths) == 1 and Path(paths[0]).suffix.lower() in MODEL_SUFFIXES:
            self.open_model(paths[0])
        else:
            self.open_corpus(paths)

    # -- handlers --------------------------------------------------------------------------
    def _on_train_triggered(self) -> None:
        config = self.parameters.config()
        # A new run replaces the model: ask first if it is not saved (after Save, again).
        if config is not None and self.unsaved.proceed("Train a new model", self._train_again):
            self.settings.set_config(config)
            self.session.train(config)

    def _train_again(self) -> None:
        self._on_train_triggered()

    def _on_parameters_config_changed(self, config: TrainingConfig) -> None:
        self.settings.set_config(config)
        self.corpus_panel.set_vocab_settings(config.min_count, config.max_vocab_size)
        self.session.apply_config(config)

    def _update_actions(self, *_args) -> None:
        s = self.session
        idle = s.state == IDLE
        can_train = s.corpus is not None and self.parameters.config() is not None
        self.training.set_state(s.state, can_train, s.can_continue)
        self.training.set_blocker(self.parameters.problem() if idle else "")
        for action in (self.files.open_corpus, self.files.open_folder, self.files.open_model):
            action.setEnabled(idle)
        self.corpus_panel.recent_menu.setEnabled(idle)
        for action in (self.files.save, self.files.save_as, self.files.export):
            action.setEnabled(idle and s.model is not None)
        self.parameters.setEnabled(idle)

    def _on_session_state_changed(self, state: State) -> None:
        self.corpus_panel.set_scanning(state == SCANNING)
        if state == LOADING:
            self.task_status.start("Opening the model…")
        elif state == SAVING:
            self.task_status.start(
                "Saving…", "Stop saving; the old file stays as it was", in_bytes=False
            )
        else:
            self.task_status.finish()
        self._update_actions()
        if state != IDLE:
            self.statusBar().showMessage(f"{state.value.capitalize()}…")
        else:
            self.statusBar().clearMessage()

    def _on_session_scan_progressed(self, progress: tuple[int, int]) -> None:
        if self.session.state in (LOADING, SAVING):
            self.task_status.set_progress(*progress)
        else:
            self.corpus_panel.set_scan_progress(*progress)

    def _on_session_corpus_loaded(self, info: CorpusInfo) -> None:
        self.corpus_panel.set_corpus(info)
        self.parameters.set_scan(info.scan)
        self.corpus_panel.set_recent(self.settings.add_recent_corpus(info.paths))
        self.files.suggested_name = Path(info.paths[0]).name.split(".")[0] or "model"
        self._update_actions()
        self._on_session_document_changed()
        self.statusBar().showMessage(f"Read {info.name}: {info.scan.raw_words:,} tokens.", 5000)
        self.learn.set_corpus(info.name, info.scan, self.parameters.config())
        settle_garbage_soon()

    def _on_session_model_opened(self, path: str, model) -> None:
        epochs = model.config.epochs if model.config is not None else None
        self.training.show_stored(Path(path).name, model.state, epochs)

    def _on_session_training_started(self, config: TrainingConfig) -> None:
        self.training.start_run(config.epochs, config.alpha)

    def _on_evaluate_run_triggered(self) -> None:
        self.explore.setCurrentWidget(self.evaluate)  # the shortcut works from any tab

    def _on_watch_watched_changed(self, words: tuple[str, ...]) -> None:
        self.settings.set_watched(words)
        self.session.ask(watched=words)

    def _on_neighbours_query_changed(self, text: str) -> None:
        self.settings.set_neighbours_query(text)
        self.session.ask(neighbours=text)

    def _on_analogy_query_changed(self, words: tuple[str, str, str]) -> None:
        self.settings.set_analogy(words)
        self.session.ask(analogy=words)

    def _on_session_training_finished(self, outcome) -> None:
        self._update_actions()
        self.training_finished.emit(outcome)

    def _on_session_document_changed(self) -> None:
        s = self.session
        self.files.document_path = s.path
        if s.path:
            name = Path(s.path).name
        elif s.model is not None:
            name = "Untitled model"
        elif s.corpus is not None:
            name = s.corpus.name
        else:
            name = "No corpus"
        self.setWindowTitle(f"{name}[*] — {APP_NAME}")
        self.setWindowModified(s.dirty)
        self._update_actions()

    def _on_session_task_cancelled(self, message: str) -> None:
        self.statusBar().showMessage(message, 5000)

    def _on_session_failed(self, title: str, message: str) -> None:
        self.statusBar().showMessage(title, 5000)
        if title == CORPUS_FAILED:  # the panel shows the corpus still open, and why
            self.corpus_panel.set_failure(message)
        QMessageBox.critical(self, title, message)

    # -- settings and closing ---------------------------------------------------------------
    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        # Save: closes when saved. Others: stability runs training, models in no file.
        if not self.unsaved.proceed("Quit w2v-gui", self.close, others=True):
            event.ignore()
            return
        self.settings.save_window(self, self._splitters)
        self.shutdown()
        event.accept()

    def shutdown(self) -> None:
        """Stop any worker and wait for its thread (also called when the app quits)."""
        self.learn.shutdown()
        self.parameters.shutdown()  # a running phrase preview
        self.evaluate.shutdown()
        for view in (self.compare, self.axes, self.stability):
            view.shutdown()
        self.session.shutdown()
