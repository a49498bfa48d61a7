"""The w2v-gui engine: corpus reading, vocabulary, the SGNS trainer, vectors, file formats.

Pure Python + NumPy/SciPy; never imports Qt.
"""

import importlib.resources
import os
from pathlib import Path


def prefer_single_threaded_blas() -> None:
    """Ask BLAS for one thread per caller unless the user chose otherwise.

    The trainer's worker threads (and the GUI's) do the parallel work; BLAS threads inside
    each small matrix product only oversubscribe the cores (small NumPy calls measured
    10–40× slower on a busy 2-core machine). Effective only before NumPy is imported, so
    the entry points (``w2v``, ``w2v-gui``) call it first.
    """
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(var, "1")


def assets_dir() -> Path:
    """The folder of bundled data (demo corpus, evaluation sets): ``w2v_gui.assets``.

    Installed, it is a package inside ``w2v_gui``; in a checkout that was never installed it
    is the ``assets/`` folder beside this one.
    """
    try:
        path = Path(str(importlib.resources.files("w2v_gui.assets")))
        if path.is_dir():
            return path
    except (ModuleNotFoundError, NotADirectoryError, TypeError, ValueError):
        pass
    return Path(__file__).resolve().parents[1] / "assets"
