"""Where the bundled files live (the demo corpus)."""

from __future__ import annotations

from pathlib import Path

from w2v_gui.core import assets_dir

DEMO_CORPUS = "wordnet-demo.txt.gz"


def demo_corpus_path() -> Path | None:
    """The bundled demo corpus, or None if this installation has none."""
    path = assets_dir() / DEMO_CORPUS
    return path if path.is_file() else None
