"""Every typed word gets a label on the Map, also the outermost ones on the view's edge
(issue 14 Friction: of 10 typed words, "girl" and "princess" got none)."""

from __future__ import annotations

import numpy as np

from w2v_gui.core.pictures.labels import thin_labels


def test_forced_labels_on_the_top_and_bottom_edge_are_moved_inside():
    # Ten words spread as a map would show them: auto-range puts the extremes on the edge.
    rng = np.random.default_rng(3)
    xy = np.vstack(
        [[[0.1, 1.0], [-0.3, -1.0], [1.0, 0.2], [-1.0, -0.4]], rng.uniform(-0.8, 0.8, (6, 2))]
    )
    widths = np.full(len(xy), 55.0)
    view, size, height = (-1.0, 1.0, -1.0, 1.0), (500.0, 300.0), 14.0
    kept = thin_labels(xy, widths, height, view, size, always=len(xy))
    assert sorted(kept.index.tolist()) == list(range(len(xy)))
    # and each sits inside the view
    px = (xy[kept.index, 0] + 1) / 2 * size[0]
    top = (1 - xy[kept.index, 1]) / 2 * size[1] - height / 2 + kept.lift
    assert np.all(top >= 0) and np.all(top + height <= size[1])
    x0 = np.where(kept.side > 0, px + 5, px - 5 - widths[kept.index])
    assert np.all(x0 >= 0) and np.all(x0 + widths[kept.index] <= size[0])


def test_unforced_labels_on_the_edge_are_still_left_out():
    xy = np.array([[0.0, 1.0], [0.0, 0.0]])
    kept = thin_labels(xy, np.full(2, 40.0), 14.0, (-1, 1, -1, 1), (400.0, 300.0))
    assert kept.index.tolist() == [1]
