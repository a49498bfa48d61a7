"""The Help menu: keyboard shortcuts, the way to the Learn tab, and About with versions."""

from __future__ import annotations

import platform
from collections.abc import Callable
from html import escape
from importlib import metadata

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu, QMessageBox


def versions() -> list[tuple[str, str]]:
    """(name, version) of this app and what it runs on, for About and bug reports."""
    import numpy
    import pyqtgraph
    import PySide6
    from PySide6.QtCore import qVersion

    try:
        own = metadata.version("w2v-gui")
    except metadata.PackageNotFoundError:  # run from a source tree
        own = "source tree"
    return [
        ("w2v-gui", own),
        ("Python", platform.python_version()),
        ("NumPy", numpy.__version__),
        ("PySide6", PySide6.__version__),
        ("Qt", qVersion()),
        ("pyqtgraph", pyqtgraph.__version__),
    ]


def shortcut_rows(window: QMainWindow) -> list[tuple[str, str]]:
    """(what, keys) for every action of the window's menus that has a shortcut."""
    rows: list[tuple[str, str]] = []
    seen: set[int] = set()
    for menu in window.menuBar().findChildren(QMenu):
        for action in menu.actions():
            if id(action) in seen or not action.shortcuts():
                continue
            seen.add(id(action))
            keys = " or ".join(
                s.toString(QKeySequence.SequenceFormat.NativeText) for s in action.shortcuts()
            )
            rows.append((action.text().replace("&", ""), keys))
    return rows


def add_help_menu(window: QMainWindow, show_learn: Callable[[], None]) -> QMenu:
    """Add Help → Keyboard shortcuts, How word2vec works (the Learn tab), About."""
    menu = window.menuBar().addMenu("&Help")

    def action(text: str, slot, shortcut: QKeySequence | None = None) -> QAction:
        a = QAction(text, window)
        if shortcut is not None:
            a.setShortcut(shortcut)
        a.triggered.connect(slot)
        menu.addAction(a)
        return a

    def show_shortcuts() -> None:
        rows = "".join(
            f"<tr><td>{escape(what)}</td><td>&nbsp;&nbsp;<b>{escape(keys)}</b></td></tr>"
            for what, keys in shortcut_rows(window)
        )
        QMessageBox.information(
            window,
            "Keyboard shortcuts",
            f"<table>{rows}</table><p>Space presses the focused button; Esc closes a list "
            "or a dialog and never stops training.</p>",
        )

    def show_about() -> None:
        rows = "".join(
            f"<tr><td>{escape(n)}</td><td>&nbsp;&nbsp;{escape(v)}</td></tr>" for n, v in versions()
        )
        QMessageBox.information(
            window,
            "About w2v-gui",
            "<p><b>w2v-gui</b>: train word2vec (skip-gram with negative sampling) on your "
            "own text, watch it learn, and explore the vectors.</p>"
            f"<table>{rows}</table>",
        )

    menu.shortcuts_action = action(  # type: ignore[attr-defined]
        "&Keyboard shortcuts", show_shortcuts, QKeySequence(QKeySequence.StandardKey.HelpContents)
    )
    menu.learn_action = action("How word2vec &works (Learn tab)", show_learn)  # type: ignore[attr-defined]
    menu.addSeparator()
    menu.about_action = action("&About w2v-gui", show_about)  # type: ignore[attr-defined]
    return menu
