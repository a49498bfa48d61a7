"""How numbers are written for people: counts and durations (sizes: ``core.units``)."""

from __future__ import annotations

import math


def format_count(n: int) -> str:
    """9999 -> '9,999', 105000 -> '105k', 22911935 -> '22.9M': a count read at a glance."""
    if n < 10_000:
        return f"{n:,}"
    if n < 1_000_000:
        return f"{n / 1000:.0f}k"
    return f"{n / 1_000_000:.1f}M"


def format_duration(seconds: float) -> str:
    """75 -> '1:15', 3725 -> '1:02:05' (rounded up: an ETA should not promise too much)."""
    seconds = max(0, int(math.ceil(seconds)))
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"
