"""The models open in this session: every model trained or opened stays until the app closes.

The session holds one model (the one Save writes and the exploring panels show); this
list keeps the earlier ones too, so a second model (another corpus, another seed) can be
trained or opened without losing the first, and the Compare and Axes views can pick any
of them. Only immutable objects are kept (:class:`~w2v_gui.core.formats.native.NativeModel`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from w2v_gui.core.formats.native import NativeModel
from w2v_gui.core.provenance import ModelInfo
from w2v_gui.core.vectors import Embeddings


@dataclass(frozen=True, eq=False)
class OpenModel:
    """One open model: a unique label for pickers, its vectors and what made them."""

    label: str
    model: NativeModel
    info: ModelInfo

    @property
    def embeddings(self) -> Embeddings:
        return self.model.embeddings


class OpenModels(QObject):
    """The session's models, oldest first; ``changed`` after one is added or closed."""

    changed = Signal()

    def __init__(self, session, parent: QObject | None = None):
        super().__init__(parent)
        self._session = session
        self.models: list[OpenModel] = []
        self._files: dict[OpenModel, str] = {}  # the file each saved or opened model is in
        # Both fire after a model is opened or a run ends (and on saves, which add nothing).
        session.document_changed.connect(self._on_session_changed)
        session.training_finished.connect(self._on_session_changed)

    def __len__(self) -> int:
        return len(self.models)

    def labels(self) -> list[str]:
        return [m.label for m in self.models]

    def find(self, label: str) -> OpenModel | None:
        return next((m for m in self.models if m.label == label), None)

    def add(self, model: NativeModel, name: str, label: str | None = None) -> OpenModel:
        """Keep ``model``, described as ``name``, listed as ``label`` (default: the name),
        numbered so that two files of one name stay apart."""
        for m in self.models:
            if m.model is model:
                return m
        n = len(self.models) + 1
        info = ModelInfo.from_native(name, model)
        entry = OpenModel(f"{n}: {label or name}", model, info)
        self.models.append(entry)
        self.changed.emit()
        return entry

    def entry(self, model: NativeModel | None) -> OpenModel | None:
        """The entry that keeps ``model``, if it is open."""
        return next((m for m in self.models if m.model is model), None)

    def remove(self, entry: OpenModel) -> None:
        """Close ``entry`` (the views that showed it pick another or go empty)."""
        if entry in self.models:
            self.models.remove(entry)
            self._files.pop(entry, None)
            self.changed.emit()

    def file_of(self, entry: OpenModel) -> str | None:
        """The file ``entry`` was opened from or saved to; None if it is in no file."""
        return self._files.get(entry)

    def mark_saved(self, entry: OpenModel, path: str) -> None:
        self._files[entry] = path

    def unsaved(self) -> list[OpenModel]:
        """Open models in no file, except the session's own (the session says if it is
        saved): earlier runs and stability runs, lost when the app closes."""
        model = self._session.model
        return [m for m in self.models if m.model is not model and m not in self._files]

    def _on_session_changed(self, *_args) -> None:
        s = self._session
        model = s.model
        known = self.entry(model)
        if known is not None:
            if s.path and not s.dirty:  # saved (or opened) as this file
                self._files[known] = s.path
            return
        if model is None:
            return
        if s.path:
            name = Path(s.path).name
            if s.dirty:  # trained on from that file (Continue): not what the file holds
                self.add(model, f"{name} (changed)")
            else:
                self._files[self.add(model, name)] = s.path
            return
        n = len(self.models) + 1
        corpus = ModelInfo.from_native("", model).corpus_label().split(",")[0]
        seed = f", seed {model.config.seed}" if model.config is not None else ""
        self.add(model, f"run {n}", f"{corpus}{seed} (trained)")
