"""The engine never imports Qt: every core module loads in a fresh interpreter without it."""

import pkgutil
import subprocess
import sys

import w2v_gui.core as core


def test_core_modules_import_no_qt():
    names = sorted(m.name for m in pkgutil.walk_packages(core.__path__, "w2v_gui.core."))
    assert "w2v_gui.core.sgns" in names and "w2v_gui.core.formats.word2vec" in names
    code = (
        "import importlib, sys\n"
        f"for name in {names!r}:\n"
        "    importlib.import_module(name)\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in "
        "('PySide6', 'shiboken6', 'pyqtgraph', 'PyQt5', 'PyQt6'))\n"
        "print(','.join(bad))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert proc.stdout.strip() == ""
