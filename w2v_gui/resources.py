"""Where the bundled files live (the demo corpus)."""

from __future__ import annotations

import importlib.resources
from pathlib import Path

DEMO_CORPUS = "wordnet-demo.txt.gz"


def _assets_dir() -> Path | None:
    try:
        # Installed wheels: ``assets`` is a package with data files.
        root = importlib.resources.files("assets")
        path = Path(str(root))
        if path.is_dir():
            return path
    except (ModuleNotFoundError, NotADirectoryError, TypeError, ValueError):
        # A namespace ``assets`` (no __init__.py) under an editable install cannot be
        # resolved by importlib.resources on Python 3.11; the source tree still can.
        pass
    path = Path(__file__).resolve().parent.parent / "assets"
    return path if path.is_dir() else None


def demo_corpus_path() -> Path | None:
    """The bundled demo corpus, or None if this installation has none."""
    folder = _assets_dir()
    if folder is None:
        return None
    path = folder / DEMO_CORPUS
    return path if path.is_file() else None
