"""Loaded by pytest before it imports any test module.

One BLAS thread per caller, as the app's entry points arrange by importing ``w2v_gui``
first. The setting only counts before NumPy is loaded, and test modules import NumPy
before ``w2v_gui`` (third-party imports sort first): without this, a run that collected
``tests/core`` first gave OpenBLAS its own pool of threads inside every trainer worker,
and on a loaded two-core machine a 300-dimension training in
``test_a_vocabulary_too_large_for_memory_is_refused_with_the_estimate`` took over the
test's 30 seconds (6 s with one thread).
"""

import io
import sys

import pytest

from w2v_gui.core import prefer_single_threaded_blas

assert "numpy" not in sys.modules, "NumPy was loaded before the BLAS thread setting"
prefer_single_threaded_blas()


class CtrlC(io.StringIO):
    """A terminal where Ctrl-C is pressed while the first progress bar is printed."""

    def __init__(self):
        super().__init__()
        self.pressed = False

    def isatty(self):
        return True

    def write(self, text):
        if not self.pressed and "epoch" in text and "[" in text:
            self.pressed = True
            raise KeyboardInterrupt
        return super().write(text)


@pytest.fixture
def ctrl_c(monkeypatch):
    """``CtrlC`` terminals for ``w2v train``, with the trainer reporting every 20 ms.

    At the default 0.5 s, a small run on a quiet machine finished before its first progress
    bar, so the Ctrl-C landed on a finished model and ``--resume`` refused it ("already
    finished"): seen with ``-n 2`` on an idle machine, never on a loaded one.
    """
    from w2v_gui.core.sgns import Trainer

    init = Trainer.__init__

    def reporting_often(self, *args, **kwargs):
        kwargs.setdefault("report_interval", 0.02)
        init(self, *args, **kwargs)

    monkeypatch.setattr(Trainer, "__init__", reporting_often)
    return CtrlC
