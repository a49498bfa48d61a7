"""One question before a trained, unsaved model is thrown away: Save / Discard / Cancel.

Train (a new run replaces the model), Quit and Close model ask it the same way. Save runs
the usual Save (asking for a file name if the model has none) and, once the file is
written, does what was asked; if the file dialog is cancelled or the save fails, nothing
else happens. A run still going (or paused) is stopped first, keeping what it learned,
then saved. Quit also names what else it would lose (``others``: stability runs training,
open models in no file); when only those are at stake it asks Discard / Cancel.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QMessageBox, QWidget

from w2v_gui.session import IDLE, PAUSED, SAVING, SCANNING, Session

Button = QMessageBox.StandardButton


class UnsavedGuard(QObject):
    """Asks before losing a model and carries out the answer.

    Parameters
    ----------
    window : the dialogs' parent
    session : the session whose model is at stake
    save : starts a save the way File → Save does (may show a file dialog)
    others : what else quitting would lose, in words (empty if nothing)
    """

    def __init__(
        self,
        window: QWidget,
        session: Session,
        save: Callable[[], None],
        others: Callable[[], str] = lambda: "",
    ):
        super().__init__(window)
        self._window, self._session, self._save = window, session, save
        self._others = others
        self._then: Callable[[], None] | None = None
        session.document_changed.connect(self._on_document_changed)
        session.training_finished.connect(self._on_training_finished)
        session.failed.connect(self._forget)
        session.task_cancelled.connect(self._forget)

    def at_stake(self) -> str:
        """What would be lost now, in words; empty if nothing."""
        s = self._session
        if s.state == PAUSED:
            return "Training is paused; the model it is training is not saved."
        if s.state == SAVING:
            return "The save is not finished (the old file stays as it was)."
        if s.state not in (IDLE, SCANNING):
            return "Training is running; the model it is training is not saved."
        if s.dirty:
            return "The trained model is not saved."
        return ""

    def proceed(self, doing: str, later: Callable[[], None], others: bool = False) -> bool:
        """True if the caller may go ahead now: nothing would be lost, or Discard.

        Otherwise asks; on Save, saves (stopping a run first) and calls ``later`` once the
        model is saved; on Cancel, or a save that does not happen, nothing follows.
        ``doing`` names the action, e.g. "Train a new model" or "Quit"; with ``others``
        the question also names what else would be lost (Discard loses it too).
        """
        what = self.at_stake()
        also = self._others() if others else ""
        if not (what or also):
            return True
        can_save = bool(what) and self._session.state != SAVING
        buttons = Button.Discard | Button.Cancel | (Button.Save if can_save else Button.NoButton)
        said = f"{what} {also}".strip()
        text = (
            f"{said} Save the model first, or discard {'all' if also else 'it'} and "
            f"{doing[0].lower() + doing[1:]}?"
            if can_save
            else f"{said} {doing} anyway?"
        )
        answer = QMessageBox.question(
            self._window, doing, text, buttons, Button.Save if can_save else Button.Cancel
        )
        if answer == Button.Discard:
            return True
        if answer == Button.Save:
            self._then = later
            if self._session.state == IDLE:
                self._start_save()
            else:
                self._session.stop()  # the save follows when the run has ended
        return False

    def _start_save(self) -> None:
        self._save()
        if self._session.state != SAVING:  # the file dialog was cancelled
            self._then = None

    def _on_training_finished(self, _outcome) -> None:
        if self._then is not None and self._session.state == IDLE:
            self._start_save()

    def _on_document_changed(self) -> None:
        s = self._session
        if self._then is not None and s.state == IDLE and not s.dirty:
            then, self._then = self._then, None
            then()

    def _forget(self, *_args) -> None:
        self._then = None
