"""Regenerate the Learn screenshots: ``python -m tools.learn_screenshots [--out DIR]``.

07-learn-window.png: the window on the Learn tab, step 5 after training the toy slice
1,000 steps. 08-learn-step.png: step 3, the window sliding with a shrunken reach. Uses
the demo corpus (or ``--corpus``) and fresh settings in a temporary folder.
"""

from __future__ import annotations

import os
import sys
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from tools.screenshots import arguments, open_window, settle, wait_for  # noqa: E402


def settle_until(condition, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"waited {timeout_s} s in vain")
        settle(50)


def main(argv: list[str] | None = None) -> int:
    parser = arguments(__doc__)
    args = parser.parse_args(argv)
    app, window, out, tmp = open_window(parser, args)  # noqa: F841 - app: keep it alive
    learn = window.learn
    window.tabs.setCurrentWidget(learn)
    wait_for(learn.data_changed, 120)

    learn.go_to(4)
    step = learn.steps[4]
    step.train(1000)
    settle_until(lambda: not step.training, 60)
    step.pair.setCurrentIndex(1)
    settle()
    window.grab().save(str(out / "07-learn-window.png"))

    learn.go_to(2)
    sliding = learn.steps[2]
    story = learn.story
    # A centre whose drawn reach is shorter than the window shows dynamic shrinking.
    for _ in range(50):
        sliding.advance()
        c = story.centre
        if 2 <= c < len(story.tokens()) - 2 and story.reach[c] < story.window:
            break
        if c >= len(story.tokens()) - 1:
            story.pick_sentence()
    settle()
    learn.grab().save(str(out / "08-learn-step.png"))
    window.close()
    tmp.cleanup()
    print(f"wrote 07-learn-window.png, 08-learn-step.png to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
