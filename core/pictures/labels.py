"""Which labels of a crowded scatter plot to draw (:func:`thin_labels`), so none overlaps
another."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True, eq=False)
class Labels:
    """Labels chosen by :func:`thin_labels`: point indices, in priority order, the side
    of its point each label sits on (+1 right, −1 left), and how many pixels it is moved
    down (negative: up) from being centred on its point."""

    index: np.ndarray
    side: np.ndarray
    lift: np.ndarray

    def __len__(self) -> int:
        return len(self.index)


def thin_labels(
    xy: np.ndarray,
    widths: np.ndarray,
    height: float,
    view: tuple[float, float, float, float],
    size: tuple[float, float],
    priority: np.ndarray | None = None,
    max_labels: int = 400,
    offset: float = 5.0,
    always: int = 0,
    radius: float = 4.0,
    avoid_points: int = 300,
    prefer: np.ndarray | None = None,
) -> Labels:
    """Which labels to draw so that none overlaps another: a greedy pass in priority order.

    Parameters
    ----------
    xy : (n, 2) data coordinates of the points.
    widths : (n,) label widths in pixels; ``height`` is the label height in pixels.
    view : (x_min, x_max, y_min, y_max), the data range shown; ``size`` its (width,
        height) in pixels. A label sits ``offset`` pixels right of its point, or left
        of it when the right is taken, vertically centred; only labels wholly inside
        the view are drawn (no cut words).
    priority : (n,) smaller draws first (default: the point's index).
    max_labels : stop after this many.
    always : the first ``always`` points in priority order (a query's own words) are
        labelled whenever they are in view: moved up or down by a line or two when both
        sides are taken, overlapping others only if that fails too.
    prefer : (n,) the side to try first for each label: +1 right (the default), −1 left
        (e.g. away from lines drawn between points).
    radius, avoid_points : with at most ``avoid_points`` points in view, labels also
        keep off the other points (discs of ``radius`` < ``offset`` pixels); in a
        denser crowd that would leave few labels, so there they may cover points.

    The greedy pass is a Python loop, so candidates are first cut down in NumPy: points
    outside the view go, and of the points whose anchors share a cell smaller than any
    label, only the first two in priority stay (one label could go right of its point,
    one left; any third would overlap one of them).
    What is left is at most a few hundred per screen, whatever the number of points.
    """
    empty = Labels(*(np.zeros(0, dtype=np.int64),) * 3)
    xy = np.asarray(xy, dtype=np.float64)
    n = len(xy)
    x0, x1, y0, y1 = view
    w_px, h_px = size
    if n == 0 or max_labels <= 0 or not (x1 > x0 and y1 > y0 and w_px > 0 and h_px > 0):
        return empty
    widths = np.asarray(widths, dtype=np.float64)
    order = np.arange(n) if priority is None else np.argsort(priority, kind="stable")
    forced = np.zeros(n, dtype=bool)
    forced[:always] = True  # positions in ``order``
    px = (xy[order, 0] - x0) * (w_px / (x1 - x0))
    top = (y1 - xy[order, 1]) * (h_px / (y1 - y0)) - height / 2  # screen y grows down
    w = widths[order]
    left_first = np.zeros(n, dtype=bool) if prefer is None else np.asarray(prefer)[order] < 0
    fits_right = px + offset + w <= w_px
    fits_left = px - offset - w >= 0
    cy = top + height / 2
    inside = (
        (px >= 0) & (px <= w_px) & (top >= 0) & (top + height <= h_px) & (fits_right | fits_left)
    )
    # A forced label whose point is in view is kept even where its centred label would
    # stick out at the top or bottom: the loop shifts it inside. (The outermost points
    # sit on the view's edge, and they were often the very words a person typed.)
    point_in_view = (px >= 0) & (px <= w_px) & (cy >= 0) & (cy <= h_px)
    inside |= forced & point_in_view & (fits_right | fits_left)
    keep = inside.copy()
    if np.any(inside & ~forced):
        cell_w = max(1.0, float(w.min()))
        cells = np.floor(px / cell_w).astype(np.int64) * 1_000_003 + np.floor(top / height).astype(
            np.int64
        )
        free = np.flatnonzero(inside & ~forced)
        # The best two of each cell stay (one label may go right and one left).
        by_cell = free[np.lexsort((free, cells[free]))]
        c = cells[by_cell]
        starts = np.flatnonzero(np.r_[True, c[1:] != c[:-1]])
        rank = np.arange(len(c)) - np.repeat(starts, np.diff(np.r_[starts, len(c)]))
        keep[free] = False
        keep[by_cell[rank < 2]] = True
    pos = np.flatnonzero(keep)
    if len(pos) == 0:
        return empty

    # Boxes kept so far, bucketed by grid cell of (widest label × height): a new box can
    # only meet boxes in its own and the neighbouring buckets.
    bw = float(w[pos].max()) + offset
    grid: dict[tuple[int, int], list[tuple[float, float, float, float]]] = {}

    def clashes(bx0: float, by0: float, bx1: float, by1: float) -> bool:
        gx, gy = int(bx0 // bw), int(by0 // height)
        for cx in (gx - 1, gx, gx + 1):
            for cy in (gy - 1, gy, gy + 1):
                for ox0, oy0, ox1, oy1 in grid.get((cx, cy), ()):
                    if bx0 < ox1 and ox0 < bx1 and by0 < oy1 and oy0 < by1:
                        return True
        return False

    cy_all = top + height / 2
    visible = np.flatnonzero(
        (px >= -radius) & (px <= w_px + radius) & (cy_all >= -radius) & (cy_all <= h_px + radius)
    )
    if len(visible) <= avoid_points:
        # The points as obstacles in the same buckets. A label starts ``offset`` pixels
        # from its own point, so with radius < offset it never meets its own disc.
        for k in visible.tolist():
            cy = float(cy_all[k])
            box = (float(px[k]) - radius, cy - radius, float(px[k]) + radius, cy + radius)
            grid.setdefault((int(box[0] // bw), int(box[1] // height)), []).append(box)

    kept: list[int] = []
    sides: list[int] = []
    lifts: list[float] = []
    for k in pos.tolist():
        x, y, wi = float(px[k]), float(top[k]), float(w[k])
        if forced[k]:
            # Within the view first (a point on its edge), then a line or two up or down.
            base = min(max(y, 0.0), h_px - height) - y
            lifts_to_try = tuple(base + d for d in (0.0, height, -height, 2 * height, -2 * height))
        else:
            lifts_to_try = (0.0,)
        boxes = []
        for lift in lifts_to_try:
            if not 0 <= y + lift <= h_px - height:
                continue
            pair = []
            if fits_right[k]:
                pair.append((1, lift, (x + offset, y + lift, x + offset + wi, y + lift + height)))
            if fits_left[k]:
                pair.append((-1, lift, (x - offset - wi, y + lift, x - offset, y + lift + height)))
            boxes.extend(pair[::-1] if left_first[k] else pair)
        chosen = next((b for b in boxes if not clashes(*b[2])), None)
        if chosen is None:
            if not forced[k]:
                continue
            chosen = boxes[0]
        side, lift, box = chosen
        grid.setdefault((int(box[0] // bw), int(box[1] // height)), []).append(box)
        kept.append(int(order[k]))
        sides.append(side)
        lifts.append(lift)
        if len(kept) >= max_labels:
            break
    return Labels(
        np.asarray(kept, dtype=np.int64),
        np.asarray(sides, dtype=np.int64),
        np.asarray(lifts, dtype=np.float64),
    )
