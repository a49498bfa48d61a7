"""The w2v-gui engine: corpus reading, vocabulary, the SGNS trainer, vectors, file formats.

Pure Python + NumPy/SciPy; never imports Qt.
"""

import os


def prefer_single_threaded_blas() -> None:
    """Ask BLAS for one thread per caller unless the user chose otherwise.

    The trainer's worker threads (and the GUI's) do the parallel work; BLAS threads inside
    each small matrix product only oversubscribe the cores (small NumPy calls measured
    10–40× slower on a busy 2-core machine). Effective only before NumPy is imported, so
    the entry points (``w2v``, ``w2v-gui``) call it first.
    """
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(var, "1")
