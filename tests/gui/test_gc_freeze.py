"""Full garbage collections on the GUI thread skip what the imports made.

Left in the oldest generation, the ~87k objects the imports create (modules, classes,
functions) were walked by every full collection: 142-295 ms of stalled event loop with
the demo corpus open (57-104 ms CPU); frozen before the window exists, 18-27 ms
(``python -m tools.probe_stalls`` and the measurement in w2v_gui/app.py).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

CODE = """
import gc, sys
from w2v_gui import app
code = app.main(["--quit-after-ms", "300"])
from w2v_gui.main_window import MainWindow
frozen = gc.get_freeze_count()
print(code, frozen, any(o is MainWindow for o in gc.get_objects()), len(gc.get_objects()))
"""


@pytest.mark.slow
def test_the_app_freezes_the_imports_before_its_window(tmp_path):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "HOME": str(tmp_path)}
    env["XDG_CONFIG_HOME"] = str(tmp_path)
    proc = subprocess.run(
        [sys.executable, "-c", CODE], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    code, frozen, class_tracked, tracked = proc.stdout.split()[-4:]
    assert code == "0", proc.stderr
    assert int(frozen) > 50_000
    assert class_tracked == "False"  # the window's class is out of the collector's lists
    assert int(tracked) < int(frozen) / 2  # what a full collection still walks
