"""Pictures of the Map's t-SNE: ``python -m tools.map_screenshots MODEL [--words N]``.

Opens ``MODEL`` in the real window (offscreen, fresh settings), shows the ``--words`` most
frequent words as a t-SNE coloured by ``--colour``, waits for it, and saves the whole
window at each ``--size`` and, with ``--plot-only``, the map's plot alone.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QSettings  # noqa: E402

from tools.screenshots import settle, wait_for  # noqa: E402
from w2v_gui.app import make_application  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("model")
    p.add_argument("--words", type=int, default=100_000)
    p.add_argument("--colour", default="kmeans", choices=("plain", "bands", "kmeans"))
    p.add_argument("--layout", default="tsne", choices=("pca", "tsne"))
    p.add_argument("--find", default="", help="a word to ring")
    p.add_argument("--size", action="append", help="WIDTHxHEIGHT (repeatable)")
    p.add_argument("--out", default="assets/screenshots/10-tsne.png")
    a = p.parse_args(argv)
    sizes = [tuple(int(v) for v in s.split("x")) for s in (a.size or ["1400x900"])]

    tmp = tempfile.TemporaryDirectory()
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, tmp.name)
    app = make_application()
    from PySide6.QtWidgets import QSplitter, QTabWidget

    from w2v_gui.explore import map2d
    from w2v_gui.main_window import MainWindow

    window = MainWindow()
    window.resize(*sizes[0])
    window.show()
    window.open_model(str(a.model))
    wait_for(window.session.embeddings_changed, 300)
    window.findChild(QSplitter, "rightSplitter").setSizes([150, 650])  # room for the map
    window.findChild(QTabWidget, "exploreTabs").setCurrentWidget(window.map)
    panel = window.map
    extras = panel.extras
    extras.layout_box.setCurrentIndex(extras.layout_box.findData(a.layout))
    extras.colour.setCurrentIndex(extras.colour.findData(a.colour))
    panel.set_mode(map2d.FREQUENT, count=a.words)
    start = time.monotonic()
    settle()
    while panel.busy:
        settle(200)
    print(f"map of {len(panel.shown_words()):,} words in {time.monotonic() - start:.0f} s")
    if a.find:
        extras.find.setText(a.find)
        extras.find.returnPressed.emit()
    out = Path(a.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    for i, (w, h) in enumerate(sizes):
        window.resize(w, h)
        settle(600)
        name = out if i == 0 else out.with_name(f"{out.stem}-{w}x{h}{out.suffix}")
        window.grab().save(str(name))
        print(name)
    del app
    tmp.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
