"""Closing an open model (File ▸ Close model ▸ …), and what Quit would lose besides it.

Every model trained or opened stays open (:mod:`w2v_gui.models`) until it is closed here.
A model in no file is not closed without asking Save / Discard / Cancel: the session's
own model through the session's question (:class:`~w2v_gui.unsaved.UnsavedGuard`), any
other (an earlier run, a stability run) here, where Save writes it to a file of its own.
Closing the session's model empties the exploring panels; the Compare, Axes and Stability
views drop it and show another model or nothing.
"""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QFileDialog, QMenu, QMessageBox, QWidget

from w2v_gui.jobs import save_model
from w2v_gui.models import OpenModel, OpenModels
from w2v_gui.session import Session
from w2v_gui.tasks import Task, run_task
from w2v_gui.train.files import SAVE_FILTER
from w2v_gui.unsaved import UnsavedGuard

Button = QMessageBox.StandardButton


class ModelCloser(QObject):
    """The Close model menu and what it does; ``at_stake()`` for the Quit question.

    Parameters
    ----------
    window : the dialogs' parent
    session, models : the session and every open model
    guard : asks before the session's own model is lost
    stability : the Stability view (runs it trains are lost if the app quits)
    """

    shown_closed = Signal()  # the session's own model was closed: its views are empty

    def __init__(
        self,
        window: QWidget,
        session: Session,
        models: OpenModels,
        guard: UnsavedGuard,
        stability,
    ):
        super().__init__(window)
        self._window, self._session, self._models = window, session, models
        self._guard, self._stability = guard, stability
        self._saving: Task | None = None
        self.menu = QMenu("C&lose model", window, objectName="closeModelMenu")
        self.menu.setToolTipsVisible(True)
        models.changed.connect(self._rebuild)
        session.state_changed.connect(self._rebuild)
        session.document_changed.connect(self._rebuild)
        self._rebuild()

    def _rebuild(self, *_args) -> None:
        self.menu.clear()
        shown = self._session.model
        for entry in self._models.models:
            mine = entry.model is shown
            unsaved = self._session.dirty if mine else self._models.file_of(entry) is None
            notes = [n for n, on in (("shown", mine), ("not saved", unsaved)) if on]
            action = self.menu.addAction(" — ".join([entry.label, *notes]))
            action.setObjectName(f"close:{entry.label}")
            # The session's model is not closed under a run, a load or a save.
            action.setEnabled(self._saving is None and not (mine and self._session.busy))
            action.triggered.connect(lambda _=False, e=entry: self.close(e))
        self.menu.setEnabled(bool(self._models.models))

    def close(self, entry: OpenModel) -> None:
        """Close ``entry``, asking first if it is in no file (Save saves, then closes)."""
        if entry not in self._models.models or self._saving is not None:
            return
        if entry.model is self._session.model:
            if not self._session.busy and self._guard.proceed(
                f"Close {entry.label}", lambda: self.close(entry)
            ):
                self._session.close_model()
                self._models.remove(entry)
                self.shown_closed.emit()
            return
        if self._models.file_of(entry) is None:
            answer = QMessageBox.question(
                self._window,
                f"Close {entry.label}",
                f"{entry.label} is in no file. Save it first, or discard it and close it?",
                Button.Save | Button.Discard | Button.Cancel,
                Button.Save,
            )
            if answer == Button.Save:
                self._save_then_close(entry)
                return
            if answer != Button.Discard:
                return
        self._models.remove(entry)

    def _save_then_close(self, entry: OpenModel) -> None:
        name = re.sub(r"[^\w.-]+", "-", entry.label.split(":", 1)[-1]).strip("-") or "model"
        path, _ = QFileDialog.getSaveFileName(
            self._window, f"Save {entry.label}", f"{name}.npz", SAVE_FILTER
        )
        if not path:
            return
        if Path(path).suffix.lower() != ".npz":
            path += ".npz"

        def saved(path: str) -> None:
            self._saving = None
            self._models.mark_saved(entry, path)
            self._models.remove(entry)

        def failed(message: str) -> None:
            self._saving = None
            self._rebuild()
            QMessageBox.critical(self._window, "Cannot save the model", message)

        self._saving = run_task(
            self, save_model(entry.model, path), saved, failed, "saving a model"
        )
        self._rebuild()

    def at_stake(self) -> str:
        """What quitting would lose besides the session's model, in words; empty if nothing."""
        said = []
        if self._stability.training:
            said.append("Stability runs are still training; quitting stops and loses them.")
        if self._saving is not None:
            said.append("A model is still being saved.")
        unsaved = self._models.unsaved()
        if unsaved:
            names = ", ".join(m.label for m in unsaved[:3]) + (", …" if len(unsaved) > 3 else "")
            said.append(
                f"{len(unsaved)} other open model{'s are' if len(unsaved) > 1 else ' is'} "
                f"in no file ({names}); File ▸ Close model can save each."
            )
        return " ".join(said)
