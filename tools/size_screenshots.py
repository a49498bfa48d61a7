"""Grab every tab at a few window sizes: ``python -m tools.size_screenshots [--out DIR]``.

For checking the layout by eye (issue 14 item 7: fit and stay usable at 1024 × 600): the
demo corpus, one quick epoch, watch words, a neighbours query and an analogy, then one
PNG per tab per size, named ``SIZE-TAB.png``. Fresh settings in a temporary folder.
"""

from __future__ import annotations

import sys

from tools.screenshots import arguments, open_window, settle, wait_for

SIZES = [(1024, 600), (1280, 800), (1400, 900)]


def main(argv: list[str] | None = None) -> int:
    parser = arguments(__doc__)
    parser.add_argument("--epochs", type=int, default=1)
    args = parser.parse_args(argv)
    app, window, out, tmp = open_window(parser, args)  # noqa: F841 - app: keep it alive
    config = window.parameters.config()
    window.parameters.set_config(config.replace(epochs=args.epochs))
    window.watch.set_words(["king", "queen", "man", "woman", "dog"])
    window.training.train_button.click()
    wait_for(window.training_finished, 1200)
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
    window.session.dirty = False
    window.models.models.clear()  # nothing to save: close without asking
    window.close()
    tmp.cleanup()
    print(f"wrote {len(SIZES) * len(pages)} pictures to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
