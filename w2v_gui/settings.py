"""GUI preferences kept between runs (QSettings): geometry, folders, recent files, form.

Hyperparameters are stored as the JSON of ``TrainingConfig.to_dict()`` and read back
through ``TrainingConfig.from_dict``, so QSettings' type guessing never touches them and
a stored value that is no longer valid falls back to the defaults.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings
from PySide6.QtWidgets import QSplitter, QWidget

from w2v_gui.core.config import TrainingConfig

ORGANIZATION = "w2v-gui"
APPLICATION = "w2v-gui"
MAX_RECENT = 8
DEFAULT_WATCHED = ("king", "queen", "dog", "red")


class Settings:
    """Typed access to the app's QSettings (the default location unless tests moved it)."""

    def __init__(self, qsettings: QSettings | None = None):
        # INI everywhere (not the registry or plists): one format to read, and one place
        # (QSettings.setPath) for tests to redirect.
        self._s = (
            qsettings
            if qsettings is not None
            else QSettings(
                QSettings.Format.IniFormat, QSettings.Scope.UserScope, ORGANIZATION, APPLICATION
            )
        )

    def _json(self, key: str, default):
        raw = self._s.value(key)
        if not isinstance(raw, str):
            return default
        try:
            return json.loads(raw)
        except ValueError:
            return default

    def _set_json(self, key: str, value) -> None:
        self._s.setValue(key, json.dumps(value))

    # -- window ----------------------------------------------------------------------
    def geometry(self) -> QByteArray | None:
        value = self._s.value("window/geometry")
        return value if isinstance(value, QByteArray) else None

    def set_geometry(self, geometry: QByteArray) -> None:
        self._s.setValue("window/geometry", geometry)

    def splitters(self) -> dict[str, str]:
        value = self._json("window/splitters", {})
        return value if isinstance(value, dict) else {}

    def set_splitters(self, states: dict[str, str]) -> None:
        self._set_json("window/splitters", states)

    def restore_window(
        self, window: QWidget, splitters: Sequence[QSplitter], default_size: tuple[int, int]
    ) -> None:
        """Put ``window`` and its ``splitters`` back as they were (or at ``default_size``)."""
        geometry = self.geometry()
        if geometry is None or not window.restoreGeometry(geometry):
            window.resize(*default_size)
        states = self.splitters()
        for splitter in splitters:
            state = states.get(splitter.objectName())
            if isinstance(state, str):
                splitter.restoreState(QByteArray.fromBase64(state.encode()))

    def save_window(self, window: QWidget, splitters: Sequence[QSplitter]) -> None:
        """Remember ``window``'s geometry and its ``splitters`` (by object name)."""
        self.set_geometry(window.saveGeometry())
        self.set_splitters(
            {s.objectName(): bytes(s.saveState().toBase64()).decode() for s in splitters}
        )
        self.sync()

    # -- files -----------------------------------------------------------------------
    def last_folder(self) -> str:
        folder = self._s.value("files/last_folder")
        return folder if isinstance(folder, str) and Path(folder).is_dir() else str(Path.home())

    def remember_folder(self, path: str) -> None:
        p = Path(path)
        self._s.setValue("files/last_folder", str(p if p.is_dir() else p.parent))

    def recent_corpora(self) -> list[list[str]]:
        value = self._json("files/recent_corpora", [])
        if not isinstance(value, list):
            return []
        return [
            e for e in value if isinstance(e, list) and e and all(isinstance(p, str) for p in e)
        ]

    def add_recent_corpus(self, paths: Sequence[str]) -> list[list[str]]:
        entry = [str(p) for p in paths]
        recent = [entry] + [e for e in self.recent_corpora() if e != entry]
        self._set_json("files/recent_corpora", recent[:MAX_RECENT])
        return recent[:MAX_RECENT]

    # -- form --------------------------------------------------------------------------
    def config(self) -> TrainingConfig:
        values = self._json("training/config", None)
        if isinstance(values, dict):
            try:
                return TrainingConfig.from_dict(values)
            except (TypeError, ValueError):
                pass  # written by another version, or edited by hand: use the defaults
        return TrainingConfig()

    def set_config(self, config: TrainingConfig) -> None:
        self._set_json("training/config", config.to_dict())

    def watched(self) -> tuple[str, ...]:
        value = self._json("explore/watched", None)
        if isinstance(value, list) and all(isinstance(w, str) for w in value):
            return tuple(value)
        return DEFAULT_WATCHED

    def set_watched(self, words: Sequence[str]) -> None:
        self._set_json("explore/watched", list(words))

    def neighbours_query(self) -> str:
        value = self._s.value("explore/neighbours_query", "")
        return value if isinstance(value, str) else ""

    def set_neighbours_query(self, text: str) -> None:
        self._s.setValue("explore/neighbours_query", text)

    def analogy(self) -> tuple[str, str, str] | None:
        """The analogy's three words as last typed, or None (the panel's defaults)."""
        value = self._json("explore/analogy", None)
        if isinstance(value, list) and len(value) == 3 and all(isinstance(w, str) for w in value):
            return tuple(value)
        return None

    def set_analogy(self, words: Sequence[str]) -> None:
        self._set_json("explore/analogy", list(words))

    # -- evaluation ------------------------------------------------------------------
    def evaluation(self) -> dict:
        """The Evaluate panel's choices; missing or mistyped entries are left out (the panel
        uses its defaults for them). Files are paths, or None for the bundled sets."""
        value = self._json("evaluate/options", {})
        if not isinstance(value, dict):
            return {}
        types = {"restrict_vocab": int, "method": str, "use_analogies": bool, "use_pairs": bool}
        out = {k: v for k, v in value.items() if k in types and type(v) is types[k]}
        if isinstance(value.get("analogies"), str):
            out["analogies"] = value["analogies"]
        pairs = value.get("pairs")
        if isinstance(pairs, list) and all(isinstance(p, str) for p in pairs):
            out["pairs"] = pairs
        return out

    def set_evaluation(self, options: dict) -> None:
        self._set_json("evaluate/options", options)

    def sync(self) -> None:
        self._s.sync()
