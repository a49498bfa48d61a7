"""The hyperparameter form, generated from ``TrainingConfig.field_info()``.

Defaults, bounds and tooltips come from core; validation is ``TrainingConfig`` itself
(its ``ValueError`` names the field, which is then marked and the message shown inline).
Below the form: a live estimate of memory and time from ``core.sgns.estimate``.
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

from core.config import ParamInfo, TrainingConfig
from core.sgns import estimate
from core.vocab import Scan

from ..text import format_bytes, format_duration

# Shown up front; the rest sit under "More settings". A choice of presentation only.
BASIC = ("vector_size", "window", "negative", "min_count", "epochs", "alpha")
_INT_MAX = 2**31 - 1


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
            partial = re.fullmatch(r"[+-]?(\d*\.?\d*)?([eE][+-]?\d*)?", text) is not None
            return (QValidator.State.Intermediate if partial else QValidator.State.Invalid,
                    text, pos)
        ok = self.minimum() <= value <= self.maximum()
        return QValidator.State.Acceptable if ok else QValidator.State.Intermediate, text, pos

    def stepBy(self, steps: int) -> None:  # noqa: N802 - Qt override
        v = self.value()
        if self._log and v > 0:
            self.setValue(v * 2.0 ** steps)
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
        w = QSpinBox()
        lo = int(info.lo) - (1 if info.optional else 0)
        w.setRange(lo, int(min(info.hi, _INT_MAX)))
        if info.optional:
            w.setSpecialValueText("no limit")
        w.setGroupSeparatorShown(True)
    w.setToolTip(f"<p>{info.help}</p><p><i>{info.name}</i></p>")
    w.setObjectName(f"param_{info.name}")
    return w


class ParametersPanel(QWidget):
    """Edits a :class:`TrainingConfig`; emits ``config_changed`` (debounced) when valid."""

    config_changed = Signal(object)   # TrainingConfig
    validity_changed = Signal(bool)

    def __init__(self, config: TrainingConfig, parent: QWidget | None = None):
        super().__init__(parent)
        self._infos = {i.name: i for i in TrainingConfig.field_info()}
        self._editors: dict[str, QWidget] = {}
        self._valid = True
        self._config = config
        self._scan: Scan | None = None

        basic, more = QFormLayout(), QFormLayout()
        for form in (basic, more):
            form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for info in self._infos.values():
            editor = _editor(info)
            self._editors[info.name] = editor
            label = QLabel(info.label)
            label.setToolTip(editor.toolTip())
            (basic if info.name in BASIC else more).addRow(label, editor)

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

        self.error_label = QLabel(objectName="parametersError", wordWrap=True)
        self.error_label.setStyleSheet("color: #b00020;")
        self.error_label.setVisible(False)
        self.estimate_label = QLabel(objectName="parametersEstimate", wordWrap=True)

        layout = QVBoxLayout(self)
        layout.addLayout(basic)
        layout.addWidget(toggle)
        layout.addWidget(self._more)
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

    # -- reading and writing the form -------------------------------------------------
    def set_config(self, config: TrainingConfig) -> None:
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
        out = {}
        for name, editor in self._editors.items():
            if isinstance(editor, QCheckBox):
                out[name] = editor.isChecked()
            elif isinstance(editor, QLineEdit):
                out[name] = editor.text()
            elif isinstance(editor, QSpinBox):
                v = editor.value()
                out[name] = None if self._infos[name].optional and v < self._infos[name].lo else v
            else:
                out[name] = editor.value()
        return out

    def config(self) -> TrainingConfig | None:
        """The form's config, or None while it is invalid."""
        return self._config if self._valid else None

    def editor(self, name: str) -> QWidget:
        return self._editors[name]

    # -- validation and estimate ------------------------------------------------------
    def _validate(self) -> bool:
        for editor in self._editors.values():
            editor.setStyleSheet("")
        try:
            self._config = TrainingConfig(**self.values())
        except ValueError as exc:
            message = str(exc)
            field = next((n for n in sorted(self._editors, key=len, reverse=True)
                          if message.startswith(n)), None)
            if field is not None:
                self._editors[field].setStyleSheet("border: 1px solid #b00020;")
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
        self._update_estimate()

    def _update_estimate(self) -> None:
        if self._scan is None or not self._valid:
            self.estimate_label.setText("Estimate: open a corpus to see memory and time.")
            return
        cfg, raw = self._config, self._scan.raw_words
        vocab_size = self._scan.vocab_size(cfg.min_count, cfg.max_vocab_size)
        # The in-vocabulary token count is at most the raw word count: a safe upper bound.
        est = estimate(cfg, vocab_size, raw, raw)
        self.estimate_label.setText(
            f"Estimate: about {format_bytes(est.memory_bytes)} of memory and "
            f"{format_duration(est.seconds)} to train {cfg.epochs} epochs "
            f"on {vocab_size:,} words.")

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

    def _on_debounce_timeout(self) -> None:
        if self._valid:
            self._update_estimate()
            self.config_changed.emit(self._config)
