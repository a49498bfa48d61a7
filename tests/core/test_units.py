"""Sizes for people: the unit a size reaches once rounded, never '0.0 GB' or '1000.0 MB'."""

from __future__ import annotations

import pytest

from w2v_gui.core.units import format_bytes


@pytest.mark.parametrize(
    "n, text",
    [
        (0, "0 bytes"),
        (999, "999 bytes"),
        (999.6, "1.0 kB"),
        (1234, "1.2 kB"),
        (3 << 20, "3.1 MB"),
        (40_000_000, "40.0 MB"),
        (999_949_999, "999.9 MB"),
        (999_999_999, "1.0 GB"),
        (17_179_869_184, "17.2 GB"),
        (2.5e12, "2.5 TB"),
        (3e15, "3,000.0 TB"),
    ],
)
def test_format_bytes(n, text):
    assert format_bytes(n) == text
