"""File actions (menu entries and shortcuts) and their dialogs.

Each action asks for a path and hands it on as a signal; reading and writing is done by
the session's workers through ``core.formats``.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QFileDialog, QWidget

from w2v_gui.core.formats import (
    GLOVE,
    NATIVE,
    PROJECTOR,
    WORD2VEC_BINARY,
    WORD2VEC_TEXT,
    format_from_extension,
)
from w2v_gui.settings import Settings

CORPUS_FILTER = "Text (*.txt *.text *.md *.csv *.tsv *.gz *.bz2 *.xz *.zip);;All files (*)"
MODEL_FILTER = (
    "Vectors (*.npz *.bin *.txt *.vec);;w2v-gui model (*.npz);;"
    "word2vec binary (*.bin);;word2vec text (*.txt *.vec);;All files (*)"
)
SAVE_FILTER = "w2v-gui model (*.npz)"
# Every format the command line writes; the chosen filter decides (GloVe and word2vec
# text share .txt), a typed extension of another format overrides it.
EXPORT_FILTERS = {
    "word2vec binary (*.bin)": (WORD2VEC_BINARY, ".bin"),
    "word2vec text (*.txt)": (WORD2VEC_TEXT, ".txt"),
    "fastText text (*.vec)": (WORD2VEC_TEXT, ".vec"),
    "GloVe text, no header (*.txt)": (GLOVE, ".txt"),
    "TensorFlow Projector vectors.tsv + metadata.tsv (*.tsv)": (PROJECTOR, ".tsv"),
    "vectors only, w2v-gui .npz (*.npz)": (NATIVE, ".npz"),
}


def _with_suffix(path: str, suffixes: tuple[str, ...]) -> str:
    return path if Path(path).suffix.lower() in suffixes else path + suffixes[0]


class FileActions(QObject):
    """Open corpus / folder / model, save, save as, export, quit."""

    corpus_chosen = Signal(list)
    model_chosen = Signal(str)
    save_chosen = Signal(str)
    export_chosen = Signal(str, str)  # path, core.formats name

    def __init__(self, window: QWidget, settings: Settings):
        super().__init__(window)
        self._window = window
        self._settings = settings
        self.document_path: str | None = None
        self.suggested_name = "model"

        def act(text: str, shortcut: str | None, slot, tip: str) -> QAction:
            action = QAction(text, window)
            if shortcut:
                action.setShortcut(QKeySequence(shortcut))
                action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            action.setToolTip(tip)
            action.setStatusTip(tip)
            action.triggered.connect(slot)
            window.addAction(action)
            return action

        self.open_corpus = act(
            "Open &corpus…", "Ctrl+O", self._on_open_corpus_triggered, "Open text files to train on"
        )
        self.open_folder = act(
            "Open corpus &folder…",
            None,
            self._on_open_folder_triggered,
            "Open every text file in a folder",
        )
        self.open_model = act(
            "Open &model…",
            "Ctrl+Shift+O",
            self._on_open_model_triggered,
            "Open vectors (.npz, word2vec .bin/.txt) to explore",
        )
        self.save = act(
            "&Save model",
            "Ctrl+S",
            self._on_save_triggered,
            "Save vectors, training settings and state (.npz)",
        )
        self.save_as = act(
            "Save model &as…",
            "Ctrl+Shift+S",
            self._on_save_as_triggered,
            "Save the model under a new name",
        )
        self.export = act(
            "&Export vectors…",
            "Ctrl+E",
            self._on_export_triggered,
            "Write the vectors for other tools: word2vec .bin or .txt, fastText .vec, GloVe, "
            "TensorFlow Projector .tsv",
        )
        self.quit = act("&Quit", "Ctrl+Q", window.close, "Quit w2v-gui")
        self.open_corpus.setIconText("Open files…")
        self.open_folder.setIconText("Open folder…")

    def _folder(self) -> str:
        return self._settings.last_folder()

    def _remember(self, path: str) -> None:
        self._settings.remember_folder(path)

    def _on_open_corpus_triggered(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(
            self._window, "Open corpus", self._folder(), CORPUS_FILTER
        )
        if paths:
            self._remember(paths[0])
            self.corpus_chosen.emit(paths)

    def _on_open_folder_triggered(self) -> None:
        folder = QFileDialog.getExistingDirectory(
            self._window, "Open corpus folder", self._folder()
        )
        if folder:
            self._remember(folder)
            self.corpus_chosen.emit([folder])

    def _on_open_model_triggered(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self._window, "Open model", self._folder(), MODEL_FILTER
        )
        if path:
            self._remember(path)
            self.model_chosen.emit(path)

    def _on_save_triggered(self) -> None:
        if self.document_path and Path(self.document_path).suffix.lower() == ".npz":
            self.save_chosen.emit(self.document_path)
        else:
            self._on_save_as_triggered()

    def _start(self, suffix: str) -> str:
        """Where a save dialog starts: the open file's folder and name, with ``suffix``;
        else the last folder and a name from the corpus."""
        if self.document_path:
            return str(Path(self.document_path).with_suffix(suffix))
        return str(Path(self._folder()) / f"{self.suggested_name}{suffix}")

    def _on_save_as_triggered(self) -> None:
        start = self._start(".npz")
        path, _ = QFileDialog.getSaveFileName(self._window, "Save model", start, SAVE_FILTER)
        if path:
            path = _with_suffix(path, (".npz",))
            self._remember(path)
            self.save_chosen.emit(path)

    def _on_export_triggered(self) -> None:
        path, chosen = QFileDialog.getSaveFileName(
            self._window, "Export vectors", self._start(".bin"), ";;".join(EXPORT_FILTERS)
        )
        if path:
            fmt, suffix = EXPORT_FILTERS.get(chosen, (WORD2VEC_BINARY, ".bin"))
            ext = Path(path).suffix.lower()
            if not ext:
                path += suffix
            elif ext != suffix:
                fmt = format_from_extension(path) or fmt
            self._remember(path)
            self.export_chosen.emit(path, fmt)
