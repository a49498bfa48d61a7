"""Sizes written for people, the same in the engine's messages and in the GUI."""

from __future__ import annotations


def format_bytes(n: float) -> str:
    """1234567 -> '1.2 MB' (decimal units, as file managers show them).

    Each size gets the largest unit it reaches once rounded: a few MB are never
    '0.0 GB', and 999,999,999 bytes are '1.0 GB', not '1000.0 MB'.
    """
    if n < 999.5:
        return f"{n:,.0f} bytes"
    for unit in ("kB", "MB", "GB", "TB"):
        n /= 1000
        if n < 999.95 or unit == "TB":
            return f"{n:,.1f} {unit}"
    raise AssertionError("unreachable")
