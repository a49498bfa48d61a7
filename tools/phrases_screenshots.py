"""Screenshots of "Detect phrases": ``python -m tools.phrases_screenshots [--out DIR]``.

Opens the demo corpus (or ``--corpus``) in the real window, ticks Detect phrases and waits
for the preview, then grabs the window at 1400 × 900 and 1024 × 600 with the form scrolled
to the preview (15-phrases-1400x900.png, 16-phrases-1024x600.png). Also prints how long
the preview took and the longest stall of the event loop meanwhile (a 10 ms timer), to
show the pass runs off the GUI thread. Fresh settings in a temporary folder.
"""

from __future__ import annotations

import os
import sys
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QPoint  # noqa: E402
from PySide6.QtWidgets import QScrollArea  # noqa: E402

from tools.learn_screenshots import settle_until  # noqa: E402
from tools.probe_latency import Probe, report  # noqa: E402
from tools.screenshots import arguments, open_window, settle  # noqa: E402

SIZES = ((1400, 900), (1024, 600))


def main(argv: list[str] | None = None) -> int:
    parser = arguments(__doc__)
    args = parser.parse_args(argv)
    app, window, out, tmp = open_window(parser, args)  # noqa: F841 - app: keep it alive
    form = window.parameters
    section = form.phrases
    probe = Probe()
    probe.start()
    started = time.perf_counter()
    section.check.click()
    settle_until(lambda: section.current(form.config()) is not None, 120)
    took = time.perf_counter() - started
    report("event loop while the preview ran", probe.stop())
    print(f"preview: {len(section.preview.phrases):,} phrases in {took:.1f} s (with the debounce)")
    print(form.estimate_label.text())
    names = []
    for i, (w, h) in enumerate(SIZES):
        window.resize(w, h)
        settle()
        # The option at the top of the form's view; on the small screen, the preview's
        # status line (the settings above it are a scroll away).
        top = section.check if h >= 900 else section.status
        scroll = window.findChild(QScrollArea, "parametersScroll")
        scroll.verticalScrollBar().setValue(top.mapTo(form, QPoint(0, 0)).y() - 4)
        settle()
        name = f"{15 + i}-phrases-{w}x{h}.png"
        window.grab().save(str(out / name))
        names.append(name)
    window.close()
    tmp.cleanup()
    print(f"wrote {', '.join(names)} to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
