"""A corpus file with no line break at all streams in bounded memory.

Runs ``benchmarks/bench_no_newline.py`` on 20 MB in a fresh process (the benchmark's
default is 200 MB: reading peaked at +26 MB and scanning at +172 MB for a 117 MB id array).
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "benchmarks" / "bench_no_newline.py"
MB = 1 << 20

pytestmark = pytest.mark.skipif(
    not os.access("/proc/self/clear_refs", os.W_OK),
    reason="peak memory is measured through Linux's /proc/self/clear_refs",
)


@pytest.mark.slow
def test_a_file_without_newlines_is_read_and_scanned_in_bounded_memory(tmp_path):
    spec = importlib.util.spec_from_file_location("bench_no_newline", BENCH)
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    r = bench.run(20, folder=str(tmp_path))
    assert r["file_bytes"] == 20 * MB and r["tokens"] > 2_500_000
    # Reading holds a few 1 MB chunks, whatever the file's size; the text as Python
    # strings would take ~60 bytes a token (~180 MB here).
    assert r["max_chunk_tokens"] < 250_000
    assert r["read_peak_growth"] < 48 * MB, r
    # Scanning holds the int32 ids it returns plus bounded buffers.
    assert r["scan_peak_growth"] < 1.5 * r["ids_bytes"] + 64 * MB, r
