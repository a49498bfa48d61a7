"""How numbers are written for people: sizes, counts and durations."""

from __future__ import annotations

import math


def format_bytes(n: float) -> str:
    """1234567 -> '1.2 MB' (decimal units, as file managers show them)."""
    for unit in ("bytes", "kB", "MB", "GB"):
        if n < 1000 or unit == "GB":
            return f"{n:,.0f} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1000
    return ""


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
