"""Grab every tab at a few window sizes: ``python -m tools.size_screenshots [--out DIR]``.

For checking the layout by eye (issue 14 item 7: fit and stay usable at 1024 × 600): the
demo corpus, one quick epoch, two more runs with other seeds for Stability (so the
Neighbours and Analogy tables mark what the seed decides), watch words, a neighbours query
and an analogy, then one PNG per tab per size, named ``SIZE-TAB.png``. Fresh settings in a
temporary folder.
"""

from __future__ import annotations

import sys

from tools.screenshots import arguments, open_window, settle, wait_for

SIZES = [(1024, 600), (1280, 800), (1400, 900)]


def main(argv: list[str] | None = None) -> int:
    parser = arguments(__doc__)
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--runs", type=int, default=2, help="stability runs (0: none)")
    args = parser.parse_args(argv)
    app, window, out, tmp = open_window(parser, args)  # noqa: F841 - app: keep it alive
    config = window.parameters.config()
    window.parameters.set_config(config.replace(epochs=args.epochs))
    window.watch.set_words(["king", "queen", "man", "woman", "dog"])
    window.training.train_button.click()
    wait_for(window.training_finished, 1200)
    if args.runs:
        window.stability.runs_count.setValue(args.runs)
        window.stability.train_button.click()
        wait_for(window.stability.runs_measured, 1200)
        window.stability.word.setText("king")
        window.stability.word.returnPressed.emit()
    window.neighbours.set_query("king")
    window.analogy.set_words("man", "king", "woman")
    settle()
    pages = [("train", window.tabs, window.tabs.widget(0))]
    explore = window.explore
    pages += [(f"explore{i}", explore, explore.widget(i)) for i in range(explore.count())]
    models = window.models_tabs
    pages += [(f"models{i}", models, models.widget(i)) for i in range(models.count())]
    pages.append(("learn", window.tabs, window.learn))
    for w, h in SIZES:
        window.resize(w, h)
        settle(500)
        for name, tabs, page in pages:
            top = window.tabs.widget(0) if tabs is explore else tabs
            if tabs is not window.tabs:
                window.tabs.setCurrentWidget(top if tabs is explore else models)
            tabs.setCurrentWidget(page)
            settle(400)
            window.grab().save(str(out / f"{w}x{h}-{name}.png"))
    # As the README's Map picture has it (tools/screenshots.py): a shrunken loss plot.
    from PySide6.QtWidgets import QSplitter

    window.resize(1280, 800)
    window.tabs.setCurrentIndex(0)
    explore.setCurrentWidget(window.map)
    window.findChild(QSplitter, "rightSplitter").setSizes([250, 550])
    settle(400)
    window.grab().save(str(out / "1280x800-map-shrunken-plot.png"))
    window.session.dirty = False
    window.models.models.clear()  # nothing to save: close without asking
    window.close()
    tmp.cleanup()
    print(f"wrote {len(SIZES) * len(pages)} pictures to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
