"""Full garbage collections on the GUI thread skip the app's startup objects.

Left in the oldest generation, the ~90k objects that imports and the window create were
walked by every full collection: a 240-295 ms stall of the event loop each time
(``python -m tools.probe_stalls``). They are frozen when the first worker starts.
"""

from __future__ import annotations

import gc

from tests.gui.conftest import load
from w2v_gui.main_window import MainWindow


def test_startup_objects_are_frozen_out_of_full_collections(qtbot, window, corpus_file):
    load(qtbot, window, [corpus_file])  # starts a worker: the collector is installed
    assert gc.get_freeze_count() > 50_000
    # Objects from the start (the window's class, imported before any worker) are out of
    # the collector's lists: a full collection no longer walks them.
    assert not any(o is MainWindow for o in gc.get_objects())
    assert not gc.isenabled()  # the collector stays on the GUI thread's timer
