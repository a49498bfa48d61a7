"""The training panel: Train / Pause / Stop, progress with ETA, and the live loss plot.

Plot items are created once and updated with ``setData`` from a throttled timer (at most
10 redraws a second, and only when a record arrived); records go into a NumPy buffer that
grows by doubling. Arriving records therefore cost an append, never a redraw.

The view ranges are set by hand and change only when the data leaves them: pyqtgraph's
auto-range re-lays out and repaints every axis on each update, which is Python code that
must win the GIL back from the trainer's threads call after call (measured: 50–120 ms
stalls of the event loop; tools/probe_latency.py).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from html import escape

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QGraphicsItem,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from w2v_gui.core.progress import TrainingProgress
from w2v_gui.session import IDLE, PAUSED, STOPPING, TRAINING, State
from w2v_gui.text import format_duration

LOSS_COLOUR = "#9db8d9"
# The legend's share of the plot's width plus its share of the height may be this much:
# beyond it, it reaches the learning-rate line (from top left to bottom right).
LEGEND_ROOM = 0.9
AXIS_TITLE_ROOM = 100  # pixels: "loss per pair" and "learning rate" fit, rotated
SMOOTH_COLOUR = "#1f4e8c"
EPOCH_COLOUR = "#d9822b"
LR_COLOUR = "#4f9a4f"
# Said by the legend, or by the plot's tooltip when the legend would cover the lines.
KEY = (
    "Thin blue: loss per report · thick blue: smoothed · orange dots: epoch means · "
    "green dashes: learning rate (right axis)"
)
SMOOTHING = 0.15  # weight of the newest point in the smoothed (bias-corrected EMA) line


class GrowingBuffer:
    """Rows of floats appended one at a time; storage doubles when full."""

    def __init__(self, columns: int, capacity: int = 256):
        self._data = np.empty((capacity, columns))
        self._n = 0

    def append(self, row) -> None:
        if self._n == len(self._data):
            bigger = np.empty((2 * len(self._data), self._data.shape[1]))
            bigger[: self._n] = self._data
            self._data = bigger
        self._data[self._n] = row
        self._n += 1

    def clear(self) -> None:
        self._n = 0

    def __len__(self) -> int:
        return self._n

    def column(self, i: int) -> np.ndarray:
        return self._data[: self._n, i]


def stored_epoch_losses(state: Mapping) -> list[float]:
    """Mean loss per pair of each epoch a model file's training state has counted."""
    loss, pairs = state.get("epoch_loss") or {}, state.get("epoch_pairs") or {}
    out = []
    for epoch in sorted(pairs, key=int):
        n = pairs[epoch]
        if n and str(epoch) in {str(k) for k in loss}:
            out.append(float(loss.get(epoch, loss.get(str(epoch), 0.0))) / n)
    return out


def _action(text: str, shortcuts: list[str], tip: str, parent: QWidget) -> QAction:
    action = QAction(text, parent)
    action.setShortcuts([QKeySequence(s) for s in shortcuts])
    action.setToolTip(f"{tip} ({' or '.join(shortcuts)})")
    action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
    return action


class TrainingPanel(QWidget):
    """Controls and live view of one training run."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.train_action = _action("&Train", ["Ctrl+T", "F5"], "Train on the corpus", self)
        # Never a key people press for other reasons: Esc closes lists and dialogs (a
        # window-wide Esc stopped runs when it was pressed to close the autocomplete),
        # Space presses the focused button (as a window-wide Pause it paused instead).
        self.pause_action = _action("&Pause", ["Ctrl+P", "Pause"], "Pause or resume", self)
        self.stop_action = _action(
            "&Stop", ["Ctrl+."], "Stop; the vectors learned so far are kept", self
        )
        self.continue_action = _action(
            "&Continue",
            ["Ctrl+Shift+T"],
            "Continue the stopped run of the open model where it left off (same schedule, "
            "same corpus)",
            self,
        )
        self.train_button = self._button(self.train_action, "trainButton")
        self.pause_button = self._button(self.pause_action, "pauseButton")
        self.stop_button = self._button(self.stop_action, "stopButton")
        self.continue_button = self._button(self.continue_action, "continueButton")
        self.train_button.setDefault(True)

        self.progress_bar = QProgressBar(objectName="progressBar", textVisible=True)
        self.progress_bar.setRange(0, 1000)
        self.progress_bar.setValue(0)
        self.progress_bar.setFormat("Ready")
        self.status = QLabel(objectName="trainingStatus")
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.status.setWordWrap(True)  # a failure's message can be long

        controls = QHBoxLayout()
        for b in (self.train_button, self.pause_button, self.stop_button, self.continue_button):
            controls.addWidget(b)
        controls.addWidget(self.progress_bar, 1)

        self.plot = pg.PlotWidget(background="w")
        self.plot.setObjectName("lossPlot")
        self.plot.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        # Low enough for 1024 × 600 (the legend steps aside when the plot is this small).
        self.plot.setMinimumHeight(90)
        self._build_plot()

        # Why Train is off, where the eye is (the form's own error line may be scrolled
        # out of sight).
        self.blocker = QLabel(objectName="trainBlocked", wordWrap=True, visible=False)
        self.blocker.setStyleSheet("color: #b00020;")

        layout = QVBoxLayout(self)
        layout.addLayout(controls)
        layout.addWidget(self.blocker)
        layout.addWidget(self.status)
        layout.addWidget(self.plot, 1)

        self._records = GrowingBuffer(4)  # x (epochs), loss, smoothed loss, lr
        self._ema = 0.0
        self._ema_weight = 0.0
        self._epoch_losses: tuple[float, ...] = ()
        self._dirty = False
        self._redraw = QTimer(self, interval=100)
        self._redraw.timeout.connect(self._on_redraw_timeout)
        self.set_state(IDLE, can_train=False)

    @staticmethod
    def _button(action: QAction, name: str) -> QPushButton:
        button = QPushButton(action.text().replace("&", ""), objectName=name)
        button.setToolTip(action.toolTip())
        button.clicked.connect(action.trigger)
        action.enabledChanged.connect(button.setEnabled)
        button.setEnabled(action.isEnabled())
        return button

    def _build_plot(self) -> None:
        item = self.plot.getPlotItem()
        item.showGrid(x=True, y=True, alpha=0.15)
        item.setLabel("bottom", "epoch")
        item.setLabel("left", "loss per pair")
        item.setDownsampling(auto=True, mode="peak")
        item.setClipToView(True)
        item.setMenuEnabled(False)
        item.disableAutoRange()
        item.setYRange(0, 1, padding=0)
        self._y_range = (0.0, 1.0)
        legend = item.addLegend(offset=(-10, 10), labelTextSize="8pt")
        self._loss = item.plot(pen=pg.mkPen(LOSS_COLOUR, width=1), name="loss (per report)")
        self._smooth = item.plot(pen=pg.mkPen(SMOOTH_COLOUR, width=2.5), name="smoothed")
        self._epochs = pg.ScatterPlotItem(
            symbol="o",
            size=9,
            pen=pg.mkPen("w", width=1.5),
            brush=pg.mkBrush(EPOCH_COLOUR),
            name="epoch mean",
        )
        item.addItem(self._epochs)  # named items join the legend by themselves
        # Learning rate on its own axis at the right: a second ViewBox sharing x.
        self._lr_view = pg.ViewBox(enableMouse=False)
        self._lr_view.disableAutoRange()
        item.showAxis("right")
        item.scene().addItem(self._lr_view)
        right = item.getAxis("right")
        right.linkToView(self._lr_view)
        right.enableAutoSIPrefix(False)
        right.setLabel("learning rate", color=LR_COLOUR)
        right.setPen(pg.mkPen(LR_COLOUR))
        right.setTextPen(pg.mkPen(LR_COLOUR))
        self._lr_view.setXLink(item)
        self._lr = pg.PlotDataItem(pen=pg.mkPen(LR_COLOUR, width=1.5, style=Qt.PenStyle.DashLine))
        self._lr_view.addItem(self._lr)
        legend.addItem(self._lr, "learning rate")
        item.getViewBox().sigResized.connect(self._on_view_resized)
        # Axes and legend change rarely: let Qt repaint them from a pixmap instead of
        # calling their Python paint() (and taking the GIL) on every curve update.
        for static in [*(item.getAxis(a) for a in ("left", "bottom", "right")), legend]:
            static.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self._hint = pg.TextItem(
            "Press Train (Ctrl+T) and watch the loss fall.", color="#555555", anchor=(0.5, 0.5)
        )
        item.addItem(self._hint, ignoreBounds=True)
        self._hint.setPos(0.5, 0.5)
        # No data, nothing to explain: hidden, the legend cannot cover the hint (it did in
        # a small window).
        self._legend = legend
        self._plotted = False
        self._titled = True  # the side axes show their titles
        legend.setVisible(False)

    # -- state -------------------------------------------------------------------------
    def set_state(self, state: State, can_train: bool, can_continue: bool = False) -> None:
        running = state in (TRAINING, PAUSED, STOPPING)
        self.train_action.setEnabled(state == IDLE and can_train)
        self.continue_action.setEnabled(state == IDLE and can_continue)
        self.continue_button.setVisible(state == IDLE and can_continue)
        self.pause_action.setEnabled(state in (TRAINING, PAUSED))
        self.stop_action.setEnabled(state in (TRAINING, PAUSED))
        text = "Resume" if state == PAUSED else "Pause"
        self.pause_action.setText(f"&{text}")
        self.pause_button.setText(text)
        if state == PAUSED:
            self.progress_bar.setFormat("Paused · %p%")
        elif state == STOPPING:
            self.progress_bar.setFormat("Stopping…")
        if running and not self._redraw.isActive():
            self._redraw.start()
        elif not running:
            self._redraw.stop()
            self._on_redraw_timeout()

    def set_blocker(self, reason: str) -> None:
        """Say why Train cannot start ("" hides it)."""
        self.blocker.setText(f"Train is off: {escape(reason)}" if reason else "")
        self.blocker.setVisible(bool(reason))

    # -- records -----------------------------------------------------------------------
    def start_run(self, epochs: int, alpha: float) -> None:
        self._records.clear()
        self._hint.setVisible(False)
        self._plotted = True
        self._fit_legend()
        self._ema = self._ema_weight = 0.0
        self._epoch_losses = ()
        self.progress_bar.setValue(0)
        self.progress_bar.setFormat("Starting…")
        self.status.setText(f"Training {epochs} epochs…")
        self.plot.getPlotItem().setXRange(0, epochs, padding=0.02)
        self._lr_view.setYRange(0, alpha * 1.05, padding=0)
        self._y_range = (math.inf, -math.inf)  # the first points set it
        self._dirty = True

    def add_progress(self, p: TrainingProgress) -> None:
        words_per_epoch = p.words_total / max(p.epochs, 1)
        x = p.words_done / words_per_epoch if words_per_epoch else 0.0
        if math.isfinite(p.loss):
            self._ema = (1 - SMOOTHING) * self._ema + SMOOTHING * p.loss
            self._ema_weight = (1 - SMOOTHING) * self._ema_weight + SMOOTHING
            self._records.append((x, p.loss, self._ema / self._ema_weight, p.lr))
        self._epoch_losses = p.epoch_losses
        self._dirty = True
        self.progress_bar.setValue(int(1000 * p.fraction))
        if p.done:
            how = "Stopped" if p.stopped else "Finished"
            self.progress_bar.setFormat(f"{how} · %p%")
            last = f", last epoch's loss {p.epoch_losses[-1]:.3f}" if p.epoch_losses else ""
            self.status.setText(
                f"{how} after {format_duration(p.elapsed)}: {p.words_done:,} words{last}."
                + (" The vectors learned so far are kept." if p.stopped else "")
            )
            return
        if not p.paused:
            eta = p.eta
            self.progress_bar.setFormat(
                "%p%" + (f" · ETA {format_duration(eta)}" if eta is not None else "")
            )
        loss = f"{p.loss:.3f}" if math.isfinite(p.loss) else "–"
        self.status.setText(
            f"Epoch {p.epoch} of {p.epochs} · {p.words_per_sec:,.0f} words/s · loss {loss} · "
            f"learning rate {p.lr:.4g} · {format_duration(p.elapsed)} elapsed"
        )

    def clear(self) -> None:
        """The model whose run this showed was closed: back to the empty plot."""
        self._records.clear()
        self._epoch_losses = ()
        self._dirty = True
        self._on_redraw_timeout()
        self._plotted = False
        self._fit_legend()
        self._hint.setText("Press Train (Ctrl+T) and watch the loss fall.")
        self._hint.setVisible(True)
        self.progress_bar.setValue(0)
        self.progress_bar.setFormat("Ready")
        self.status.clear()

    def show_stored(self, name: str, state: Mapping, epochs: int | None) -> None:
        """An opened model's per-epoch mean losses, as stored in its file (no live run).

        ``state`` is the file's training state (``epoch_loss``/``epoch_pairs`` per epoch).
        """
        losses = stored_epoch_losses(state)
        self._records.clear()
        self._epoch_losses = tuple(losses)
        self._dirty = True
        if not losses:
            self.status.setText(f"{escape(name)} holds no training history.")
            self._hint.setText("Open a corpus (Ctrl+O) to train a model of your own.")
            self._on_redraw_timeout()
            return
        self._hint.setVisible(False)
        self._plotted = True
        self._fit_legend()
        n = max(len(losses), epochs or 0)
        self.plot.getPlotItem().setXRange(0, n + 0.5, padding=0.02)
        self._y_range = (math.inf, -math.inf)
        self._fit_y(min(losses), max(losses))
        self._on_redraw_timeout()
        self.progress_bar.setValue(int(1000 * min(len(losses) / n, 1.0)))
        self.progress_bar.setFormat(f"{len(losses)} of {n} epochs trained")
        self.status.setText(
            f"Loss per epoch stored in {escape(name)}: "
            + ", ".join(f"{x:.3f}" for x in losses[:12])
            + ("…" if len(losses) > 12 else "")
        )

    def cancel(self) -> None:
        """The run was stopped before its first step: nothing was trained."""
        self.progress_bar.setFormat("Stopped")
        self.status.setText("Stopped before training began; nothing was trained.")

    def fail(self, message: str) -> None:
        """The run ended in an error: say so where its progress was shown."""
        self.progress_bar.setFormat("Failed")
        self.status.setText(
            f"<span style='color:#b00020'>Training failed: {escape(message)}</span>"
        )

    def _on_redraw_timeout(self) -> None:
        if not self._dirty:
            return
        self._dirty = False
        r = self._records
        x = r.column(0)
        self._loss.setData(x, r.column(1))
        self._smooth.setData(x, r.column(2))
        self._lr.setData(x, r.column(3))
        n = len(self._epoch_losses)
        self._epochs.setData(np.arange(1, n + 1, dtype=float), np.asarray(self._epoch_losses))
        if len(r):
            self._fit_y(float(r.column(1).min()), float(r.column(1).max()))

    def _fit_y(self, lo: float, hi: float) -> None:
        """Widen the loss axis to whole tenths around [lo, hi], only if the data left it."""
        y0, y1 = self._y_range
        if y0 <= lo and hi <= y1:
            return
        self._y_range = (
            math.floor(min(lo, y0) * 10) / 10 - 0.1,
            math.ceil(max(hi, y1) * 10) / 10 + 0.1,
        )
        self.plot.getPlotItem().setYRange(*self._y_range, padding=0)

    def _on_view_resized(self) -> None:
        self._lr_view.setGeometry(self.plot.getPlotItem().getViewBox().sceneBoundingRect())
        self._fit_legend()

    def _fit_legend(self) -> None:
        """Show the legend only where it leaves the lines alone.

        It sits at the top right, where the falling learning-rate line starts; in a small
        plot (a small window, or the Map page's shrunken top) it covered it: then the
        plot's tooltip gives the key instead.
        """
        view = self.plot.getPlotItem().getViewBox().sceneBoundingRect()
        box = self._legend.sceneBoundingRect()
        room = (
            view.width() > 0
            and view.height() > 0
            and box.width() / view.width() + box.height() / view.height() <= LEGEND_ROOM
        )
        show = self._plotted and room
        self._legend.setVisible(show)
        self.plot.setToolTip("" if show or not self._plotted else KEY)
        # The side axes' titles need the height of their text, or they are cut off.
        titled = view.height() >= AXIS_TITLE_ROOM
        if titled != self._titled:
            self._titled = titled
            for side in ("left", "right"):
                self.plot.getPlotItem().getAxis(side).showLabel(titled)

    def data(self) -> dict[str, np.ndarray]:
        """What the plot shows (for tests and screenshots)."""
        r = self._records
        return {
            "x": r.column(0).copy(),
            "loss": r.column(1).copy(),
            "smoothed": r.column(2).copy(),
            "lr": r.column(3).copy(),
            "epoch_losses": np.asarray(self._epoch_losses),
        }
