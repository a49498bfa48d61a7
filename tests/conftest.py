"""Loaded by pytest before it imports any test module.

One BLAS thread per caller, as the app's entry points arrange by importing ``w2v_gui``
first. The setting only counts before NumPy is loaded, and test modules import NumPy
before ``w2v_gui`` (third-party imports sort first): without this, a run that collected
``tests/core`` first gave OpenBLAS its own pool of threads inside every trainer worker,
and on a loaded two-core machine a 300-dimension training in
``test_a_vocabulary_too_large_for_memory_is_refused_with_the_estimate`` took over the
test's 30 seconds (6 s with one thread).
"""

import sys

from w2v_gui.core import prefer_single_threaded_blas

assert "numpy" not in sys.modules, "NumPy was loaded before the BLAS thread setting"
prefer_single_threaded_blas()
