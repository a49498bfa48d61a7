"""Full garbage collections on the GUI thread skip the app's startup objects.

Left in the oldest generation, the ~90k objects that imports and the window create were
walked by every full collection: a 240-295 ms stall of the event loop each time
(``python -m tools.probe_stalls``). They are frozen when the first worker starts.
"""

from __future__ import annotations

import gc

from tests.gui.conftest import load


def test_startup_objects_are_frozen_out_of_full_collections(qtbot, window, corpus_file):
    load(qtbot, window, [corpus_file])  # starts a worker: the collector is installed
    frozen = gc.get_freeze_count()
    assert frozen > 50_000
    # What a full collection still walks is the small part made since then.
    assert len(gc.get_objects(generation=2)) < frozen / 2
    assert not gc.isenabled()  # the collector stays on the GUI thread's timer
