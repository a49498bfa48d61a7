"""What made a model: its corpus and settings, so that a comparison says what it compares.

Native model files keep the training configuration (``config_json``) and, in their
state, a record of the corpus (``state["corpus"]``: paths, raw word count, and a
checksum of the tokens when the app trained it). Other formats hold only vectors; their
description says so.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, fields
from typing import Any

from w2v_gui.core.config import TrainingConfig


@dataclass(frozen=True)
class ModelInfo:
    """A model's name and what is known of how it was made."""

    name: str
    config: TrainingConfig | None = None
    corpus: dict[str, Any] | None = None

    @classmethod
    def from_native(cls, name: str, model: Any) -> ModelInfo:
        """From a :class:`~w2v_gui.core.formats.native.NativeModel` (its config and state)."""
        corpus = model.state.get("corpus") if isinstance(model.state, dict) else None
        return cls(name, model.config, corpus if isinstance(corpus, dict) else None)

    def corpus_label(self) -> str:
        """'a.txt (+1 more), 1,234,567 words', or 'corpus unknown'."""
        c = self.corpus or {}
        paths = c.get("paths")
        if not (isinstance(paths, list) and paths and all(isinstance(p, str) for p in paths)):
            return "corpus unknown"
        label = os.path.basename(os.path.normpath(paths[0])) or paths[0]
        if len(paths) > 1:
            label += f" (+{len(paths) - 1} more)"
        words = c.get("raw_words")
        if isinstance(words, int):
            label += f", {words:,} words"
        return label

    def summary(self) -> str:
        """One line: name, corpus, the main settings."""
        cfg = self.config
        if cfg is None and self.corpus is None:
            return f"{self.name}: vectors only (no record of corpus or settings)"
        parts = [f"{self.name}: {self.corpus_label()}"]
        if cfg is not None:
            parts.append(
                f"{cfg.vector_size} dims, window {cfg.window}, {cfg.epochs} epochs, "
                f"min_count {cfg.min_count}, seed {cfg.seed}"
            )
        return "; ".join(parts)


def corpus_record(paths: Any, raw_words: int, config: TrainingConfig) -> dict[str, Any]:
    """What a model file keeps of its corpus (``state["corpus"]``), as the app writes it."""
    return {
        "paths": [os.path.abspath(p) for p in paths],
        "raw_words": int(raw_words),
        "lowercase": config.lowercase,
        "token_pattern": config.token_pattern,
    }


def same_corpus(a: ModelInfo, b: ModelInfo) -> bool | None:
    """True or False when both records say; None when either does not know."""
    ca, cb = a.corpus or {}, b.corpus or {}
    if not (ca.get("paths") and cb.get("paths")):
        return None
    if ca.get("checksum") is not None and cb.get("checksum") is not None:
        return ca["checksum"] == cb["checksum"] and ca.get("raw_words") == cb.get("raw_words")
    keys = ("paths", "raw_words")
    return all(ca.get(k) == cb.get(k) for k in keys)


def setting_differences(a: ModelInfo, b: ModelInfo) -> list[str]:
    """Settings that differ, as 'seed 1 vs 2'; empty when equal or unknown."""
    if a.config is None or b.config is None:
        return []
    return [
        f"{f.name} {getattr(a.config, f.name)} vs {getattr(b.config, f.name)}"
        for f in fields(TrainingConfig)
        if getattr(a.config, f.name) != getattr(b.config, f.name)
    ]


def comparison_note(a: ModelInfo, b: ModelInfo) -> str:
    """Three lines: what A is, what B is, and how they differ."""
    same = same_corpus(a, b)
    diffs = setting_differences(a, b)
    corpus = {True: "same corpus", False: "different corpora", None: "corpora unknown"}[same]
    if a.config is None or b.config is None:
        settings = "settings unknown"
    else:
        settings = "settings differ: " + ", ".join(diffs) if diffs else "same settings"
    return f"A = {a.summary()}\nB = {b.summary()}\n{corpus}; {settings}"
