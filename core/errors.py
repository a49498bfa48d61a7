"""Exceptions of the engine: each carries a message a person can act on."""

from __future__ import annotations


class W2VError(Exception):
    """Base of every error the engine raises on purpose (bad input, not bugs)."""


class CorpusError(W2VError, ValueError):
    """A corpus cannot be read or gives nothing to train on (names the file)."""


class FormatError(W2VError, ValueError):
    """A vector or model file is malformed. Names the file and, where known, the byte offset."""

    def __init__(self, message: str, path: object = None, offset: int | None = None):
        where = ""
        if path is not None:
            where = f"{path}"
            if offset is not None:
                where += f" (byte {offset})"
            where += ": "
        super().__init__(where + message)
        self.path = path
        self.offset = offset


class UnknownWordError(W2VError, KeyError):
    """A query names a word that is not in the vocabulary."""

    def __init__(self, word: str):
        super().__init__(word)
        self.word = word

    def __str__(self) -> str:
        return f"word {self.word!r} is not in the vocabulary"


class TrainingDiverged(W2VError, FloatingPointError):
    """Training produced NaN or infinite values."""


class DuplicateWordWarning(UserWarning):
    """A vector file lists a word more than once; the first vector was kept."""


class Cancelled(W2VError):
    """A long operation was stopped by its caller."""


class InsufficientMemory(W2VError, MemoryError):
    """A run would need more memory than the machine has; refused before allocating."""
