"""The Help menu: keyboard shortcuts, the way to the Learn tab, About with versions."""

from __future__ import annotations

import numpy
import PySide6

from w2v_gui.help_menu import shortcut_rows


def test_help_lists_the_shortcuts_and_stop_is_not_esc(window, dialogs):
    rows = dict(shortcut_rows(window))
    assert rows["Stop"] == "Ctrl+." and rows["Train"].startswith("Ctrl+T")
    assert not any("Esc" in keys for keys in rows.values())
    window.help_menu.shortcuts_action.trigger()
    [(title, text)] = dialogs.of("information")
    assert title == "Keyboard shortcuts" and "Ctrl+." in text and "Ctrl+Q" in text


def test_help_opens_the_learn_tab(window):
    window.help_menu.learn_action.trigger()
    assert window.tabs.currentWidget() is window.learn


def test_about_names_the_versions(window, dialogs):
    window.help_menu.about_action.trigger()
    [(title, text)] = dialogs.of("information")
    assert title == "About w2v-gui"
    assert PySide6.__version__ in text and numpy.__version__ in text and "Python" in text
