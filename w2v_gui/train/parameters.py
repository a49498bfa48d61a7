"""The hyperparameter form, generated from ``TrainingConfig.field_info()``.

Defaults, bounds and tooltips come from core; validation is ``TrainingConfig`` itself
(its ``ValueError`` names the field, which is then marked and the message shown inline).
Below the form: a live estimate of memory and time from ``core.sgns.estimate``.

Spin boxes validate what is *typed*, not their last accepted value: Qt's own spin boxes
swallow keys that leave the range (typing 5000 into a 2–1000 box gave 500) and keep the
old value behind text that shows something else (typing 0 showed 0 and trained with 100).
Here any number-like text stays visible, is checked by ``TrainingConfig`` as typed and,
if refused, disables training with core's message; leaving the field restores the value it
had before and says so.
"""

from __future__ import annotations

import re

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QValidator
from PySide6.QtWidgets import (
    QCheckBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from w2v_gui.core.config import ParamInfo, TrainingConfig
from w2v_gui.core.estimate import MEMORY_ADVICE, available_memory, estimate
from w2v_gui.core.tokencache import TokenFile
from w2v_gui.core.units import format_bytes
from w2v_gui.core.vocab import Scan
from w2v_gui.tasks import stop_tasks
from w2v_gui.text import format_duration
from w2v_gui.train.phrases import PhrasesSection

# Shown up front; the rest sit under "More settings". A choice of presentation only.
BASIC = ("vector_size", "window", "negative", "min_count", "epochs", "alpha")
# Under "Detect phrases", beside the preview of what they join.
PHRASES = ("phrases", "phrase_threshold", "phrase_min_count", "phrase_scoring", "phrase_connectors")
_INT_MAX = 2**31 - 1


# Text that is on its way to a number (or is one out of range): kept, and explained.
_INT_LIKE = re.compile(r"[+-]?[\d,.'\s\u00a0\u202f]*")
_FLOAT_LIKE = re.compile(r"[+-]?(\d*\.?\d*)?([eE][+-]?\d*)?")
_NON_FINITE = ("nan", "inf", "infinity")


def _partial_non_finite(text: str) -> bool:
    word = text.strip().lstrip("+-").lower()
    return bool(word) and any(w.startswith(word) for w in _NON_FINITE)


class IntSpinBox(QSpinBox):
    """A spin box that keeps out-of-range numbers visible (Intermediate), not swallowed."""

    def validate(self, text: str, pos: int):
        state, text, pos = super().validate(text, pos)
        if state == QValidator.State.Invalid and _INT_LIKE.fullmatch(text):
            state = QValidator.State.Intermediate
        return state, text, pos


class FloatSpinBox(QDoubleSpinBox):
    """A spin box showing floats as ``%g`` (0.001, 1e-05), stepping by ×2 on log fields."""

    def __init__(self, info: ParamInfo):
        super().__init__()
        self._log = info.log
        self.setDecimals(12)
        self.setRange(info.lo, info.hi)
        self.setSingleStep(0.05)

    def textFromValue(self, value: float) -> str:  # noqa: N802 - Qt override
        return f"{value:.6g}"

    def valueFromText(self, text: str) -> float:  # noqa: N802 - Qt override
        try:
            return float(text)
        except ValueError:
            return self.value()

    def validate(self, text: str, pos: int):
        try:
            value = float(text)
        except ValueError:
            partial = _FLOAT_LIKE.fullmatch(text) is not None or _partial_non_finite(text)
            return (
                QValidator.State.Intermediate if partial else QValidator.State.Invalid,
                text,
                pos,
            )
        ok = self.minimum() <= value <= self.maximum()
        return QValidator.State.Acceptable if ok else QValidator.State.Intermediate, text, pos

    def stepBy(self, steps: int) -> None:  # noqa: N802 - Qt override
        v = self.value()
        if self._log and v > 0:
            self.setValue(v * 2.0**steps)
        elif self._log:
            self.setValue(max(self.minimum(), 1e-5))
        else:
            super().stepBy(steps)


def _editor(info: ParamInfo) -> QWidget:
    if info.kind is bool:
        w = QCheckBox()
    elif info.kind is str:
        w = QLineEdit()
    elif info.kind is float:
        w = FloatSpinBox(info)
    else:
        w = IntSpinBox()
        lo = int(info.lo) - (1 if info.optional else 0)
        w.setRange(lo, int(min(info.hi, _INT_MAX)))
        if info.optional:
            w.setSpecialValueText("no limit")
        w.setGroupSeparatorShown(True)
    if isinstance(w, (QSpinBox, QDoubleSpinBox)):
        # The value changes when editing is done, not at each key: on the way to 5000 a
        # 2–1000 box would otherwise take 500, and keep it once 5000 is refused.
        w.setKeyboardTracking(False)
    w.setToolTip(f"<p>{info.help}</p><p><i>{info.name}</i></p>")
    w.setObjectName(f"param_{info.name}")
    return w


class ParametersPanel(QWidget):
    """Edits a :class:`TrainingConfig`; emits ``config_changed`` (debounced) when valid."""

    config_changed = Signal(object)  # TrainingConfig
    validity_changed = Signal(bool)

    def __init__(self, config: TrainingConfig, parent: QWidget | None = None):
        super().__init__(parent)
        self._infos = {i.name: i for i in TrainingConfig.field_info()}
        self._editors: dict[str, QWidget] = {}
        self._valid = True
        self._config = config
        self._scan: Scan | None = None
        self._refused: tuple[str, str, str] | None = None  # field, its text, core's message

        basic, more, phrase_form = QFormLayout(), QFormLayout(), QFormLayout()
        for form in (basic, more, phrase_form):
            form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for info in self._infos.values():
            editor = _editor(info)
            self._editors[info.name] = editor
            label = QLabel(info.label)
            label.setToolTip(editor.toolTip())
            form = basic if info.name in BASIC else phrase_form if info.name in PHRASES else more
            form.addRow(label, editor)

        self._more = QWidget()
        self._more.setLayout(more)
        more.setContentsMargins(0, 0, 0, 0)
        toggle = QToolButton(text="More settings", checkable=True)
        toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        toggle.setArrowType(Qt.ArrowType.RightArrow)
        toggle.setAutoRaise(True)
        toggle.toggled.connect(self._on_more_toggled)
        self._more.setVisible(False)
        self._more_toggle = toggle

        self.phrases = PhrasesSection(phrase_form)
        self.phrases.switched.connect(self._on_phrases_switched)
        self.phrases.previewed.connect(self._update_estimate)

        self.error_label = QLabel(objectName="parametersError", wordWrap=True)
        self.error_label.setStyleSheet("color: #b00020;")
        self.error_label.setVisible(False)
        self.estimate_label = QLabel(objectName="parametersEstimate", wordWrap=True)

        layout = QVBoxLayout(self)
        layout.addLayout(basic)
        layout.addWidget(toggle)
        layout.addWidget(self._more)
        layout.addWidget(self.phrases)
        layout.addWidget(self.error_label)
        layout.addWidget(self.estimate_label)
        layout.addStretch(1)

        self._debounce = QTimer(self, singleShot=True, interval=150)
        self._debounce.timeout.connect(self._on_debounce_timeout)
        self.set_config(config)
        for editor in self._editors.values():
            self._connect(editor)

    def _connect(self, editor: QWidget) -> None:
        if isinstance(editor, QCheckBox):
            editor.toggled.connect(self._on_editor_changed)
        elif isinstance(editor, QLineEdit):
            # A token pattern re-reads the corpus: only when editing is done.
            editor.editingFinished.connect(self._on_editor_changed)
        else:
            editor.valueChanged.connect(self._on_editor_changed)
            # Every keystroke, also those that leave the value unchanged (out of range).
            editor.lineEdit().textEdited.connect(self._on_editor_changed)
            editor.editingFinished.connect(self._on_spin_editing_finished)

    # -- reading and writing the form -------------------------------------------------
    def set_config(self, config: TrainingConfig) -> None:
        self._refused = None
        for name, editor in self._editors.items():
            value = getattr(config, name)
            editor.blockSignals(True)
            if isinstance(editor, QCheckBox):
                editor.setChecked(bool(value))
            elif isinstance(editor, QLineEdit):
                editor.setText(value)
            elif isinstance(editor, QSpinBox) and value is None:
                editor.setValue(editor.minimum())
            else:
                editor.setValue(value)
            editor.blockSignals(False)
        self._debounce.stop()
        if self._validate():
            self._on_debounce_timeout()
        else:
            self._update_estimate()

    def values(self) -> dict:
        """The form's values as typed (a spin box's text, even out of range)."""
        out = {}
        for name, editor in self._editors.items():
            if isinstance(editor, QCheckBox):
                out[name] = editor.isChecked()
            elif isinstance(editor, QLineEdit):
                out[name] = editor.text()
            else:
                out[name] = self._typed(name, editor)
        return out

    def _typed(self, name: str, editor: QSpinBox | QDoubleSpinBox):
        """The number in ``editor``'s text; the text itself if it is none (core says why)."""
        text = editor.cleanText().strip()
        if self._infos[name].optional and text == editor.specialValueText():
            return None
        if isinstance(editor, QSpinBox):
            digits = text.replace(editor.locale().groupSeparator(), "")
            for sep in (",", "'", " ", "\u00a0", "\u202f"):
                digits = digits.replace(sep, "")
            try:
                value = int(digits)
            except ValueError:
                try:
                    return float(digits)  # "2.5": core says it must be a whole number
                except ValueError:
                    return text
            # The box's minimum below the field's own is "no limit" (shown as such).
            return None if self._infos[name].optional and value == editor.minimum() else value
        try:
            return float(text)
        except ValueError:
            return text

    def config(self) -> TrainingConfig | None:
        """The form's config, or None while it is invalid."""
        return self._config if self._valid else None

    def problem(self) -> str:
        """Why the form is invalid ("" while it is valid), as its error line says it."""
        return "" if self._valid else self.error_label.text()

    def editor(self, name: str) -> QWidget:
        return self._editors[name]

    def shutdown(self) -> bool:
        """Cancel the phrase preview and wait for its thread (the window, when closing)."""
        return stop_tasks(self)

    # -- validation and estimate ------------------------------------------------------
    def _validate(self) -> bool:
        for editor in self._editors.values():
            editor.setStyleSheet("")
        try:
            self._config = TrainingConfig(**self.values())
        except ValueError as exc:
            message = str(exc)
            field = next(
                (n for n in sorted(self._editors, key=len, reverse=True) if message.startswith(n)),
                None,
            )
            if field is not None:
                self._editors[field].setStyleSheet("border: 1px solid #b00020;")
                editor = self._editors[field]
                if isinstance(editor, (QSpinBox, QDoubleSpinBox)):
                    self._refused = (field, editor.text(), message)
                message = f"{self._infos[field].label}: {message}"
            self.error_label.setText(message)
            valid = False
        else:
            valid = True
        self.error_label.setVisible(not valid)
        if valid != self._valid:
            self._valid = valid
            self.validity_changed.emit(valid)
        return valid

    def set_scan(self, scan: Scan | None) -> None:
        """The scanned corpus the estimate is for (None: no corpus)."""
        self._scan = scan
        self.phrases.set_scan(scan)
        self._update_estimate()

    def _update_estimate(self) -> None:
        if self._scan is None or not self._valid:
            self.estimate_label.setText("Estimate: open a corpus to see memory and time.")
            return
        cfg, raw = self._config, self._scan.raw_words
        vocab_size = self._scan.vocab_size(cfg.min_count, cfg.max_vocab_size)
        # With phrases: the vocabulary and words of the phrased text once the preview has
        # them (the very detection training runs), and the passes' own time and memory.
        words, which, passes = raw, "", ""
        phrased = self.phrases.current(cfg)
        if phrased is not None:
            vocab_size = phrased.vocab_size(cfg.min_count, cfg.max_vocab_size)
            words, which = phrased.words_after, ", phrases joined"
        elif cfg.phrases:
            which = ", before phrases (not counted yet)"
        if cfg.phrases:
            passes = f"{cfg.phrases} phrase pass{'es' if cfg.phrases > 1 else ''} and "
        # The in-vocabulary token count is at most the raw word count: a safe upper bound.
        # A big corpus's ids are on disk (jobs.scan_corpus), and the run's will be, unless
        # phrases are joined (the phrase pass reads them whole).
        on_disk = isinstance(self._scan.ids, TokenFile) and not cfg.phrases
        est = estimate(
            cfg,
            vocab_size,
            words,
            words,
            tokens_on_disk=on_disk,
            phrase_passes=cfg.phrases,
            phrase_tokens=raw,
        )
        text = (
            f"Estimate: about {format_bytes(est.memory_bytes)} of memory and "
            f"{format_duration(est.seconds)} for {passes}{cfg.epochs} "
            f"{'epoch' if cfg.epochs == 1 else 'epochs'} "
            f"on {vocab_size:,} words{which}."
        )
        # Said before Train is pressed; the trainer refuses such a run before allocating.
        free = available_memory()
        too_big = free is not None and est.new_bytes > free
        if too_big:
            text += f" Only {format_bytes(free)} is available: {MEMORY_ADVICE}."
        self.estimate_label.setText(text)
        self.estimate_label.setStyleSheet("color: #b00020;" if too_big else "")

    # -- handlers ---------------------------------------------------------------------
    def _on_more_toggled(self, shown: bool) -> None:
        self._more.setVisible(shown)
        self._more_toggle.setArrowType(Qt.ArrowType.DownArrow if shown else Qt.ArrowType.RightArrow)

    def _on_editor_changed(self, *_args) -> None:
        if self._validate():
            self._debounce.start()
        else:
            self._debounce.stop()
            self._update_estimate()

    def _on_spin_editing_finished(self) -> None:
        # Leaving a refused field: Qt has put the last accepted value back. Say so, or a
        # person who typed 5000 would see 100 come back without a word.
        refused, self._refused = self._refused, None
        if refused is None or not self._validate():
            return
        field, text, message = refused
        editor = self._editors[field]
        if editor.text() != text:
            self.error_label.setText(
                f"{self._infos[field].label}: {text!r} was not accepted "
                f"({message}); kept {editor.text()}."
            )
            self.error_label.setVisible(True)

    def _on_phrases_switched(self, on: bool) -> None:
        passes = self._editors["phrases"]
        if on != (passes.value() > 0):
            passes.setValue(1 if on else 0)  # validated and sent on as any edit

    def _on_debounce_timeout(self) -> None:
        if self._valid:
            self.phrases.set_config(self._config)
            self._update_estimate()
            self.config_changed.emit(self._config)
