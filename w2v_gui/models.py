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
    """The session's models, oldest first; ``changed`` after one is added."""

    changed = Signal()

    def __init__(self, session, parent: QObject | None = None):
        super().__init__(parent)
        self._session = session
        self.models: list[OpenModel] = []
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

    def _on_session_changed(self, *_args) -> None:
        s = self._session
        model = s.model
        if model is None or any(m.model is model for m in self.models):
            return
        if s.path:
            self.add(model, Path(s.path).name)
            return
        n = len(self.models) + 1
        corpus = ModelInfo.from_native("", model).corpus_label().split(",")[0]
        seed = f", seed {model.config.seed}" if model.config is not None else ""
        self.add(model, f"run {n}", f"{corpus}{seed} (trained)")
