"""Training hyperparameters: one frozen dataclass, validated in one place.

Names and defaults follow gensim's ``Word2Vec`` where gensim has the parameter, so a
gensim user can carry settings over unchanged. Every field carries its bounds and a
plain-words help text in its metadata; the GUI form and the CLI are generated from it,
so there is no second copy of defaults or limits anywhere.
"""

from __future__ import annotations

import math
import os
import re
from dataclasses import MISSING, asdict, dataclass, field, fields
from typing import Any

DEFAULT_TOKEN_PATTERN = r"[^\W\d_]+(?:['’][^\W\d_]+)*|\d+"
# Text a token pattern is tried on: letters, digits, punctuation and every kind of
# whitespace a corpus holds, so that a pattern that matches across them shows it.
_PATTERN_PROBE = "The cat's 42 mats, e.g. x-ray\nÉcole\tzweite Zeile 3.14\r\nxx  _a_ ab\n"


def token_pattern_problem(pattern: str) -> str | None:
    """Why ``pattern`` cannot split text into words, or None if it can.

    A token pattern must compile, have no capturing groups (the tokenizer takes whole
    matches; write ``(?:...)``), never match the empty string (``x*`` finds an empty
    word between every two characters) and never match whitespace (a token holding a
    space or a line break cannot be saved in any vector format, and a line break is
    where a sentence ends).
    """
    try:
        regex = re.compile(pattern)
    except re.error as exc:
        return f"not a valid regular expression: {exc}"
    except (TypeError, ValueError, OverflowError, RecursionError) as exc:
        return f"not a valid regular expression: {exc}"
    if regex.groups:
        return (
            f"it has {regex.groups} capturing group(s); a token is the whole match, so "
            f"write (?:...) instead of (...)"
        )
    for m in regex.finditer(_PATTERN_PROBE):
        if m.end() == m.start():
            return "it can match an empty string, which makes empty words; use + rather than * or ?"
        if any(c.isspace() for c in m.group()):
            return (
                f"it matches whitespace ({m.group()[:30]!r}); a token may not contain spaces "
                f"or line breaks"
            )
    if regex.match("") is not None:
        return "it can match an empty string, which makes empty words; use + rather than * or ?"
    return None


def _param(
    default: Any,
    lo: float | None,
    hi: float | None,
    help: str,
    *,
    label: str,
    kind: type = int,
    optional: bool = False,
    log: bool = False,
) -> Any:
    """A dataclass field with its bounds and help text kept beside it."""
    return field(
        default=default,
        metadata={
            "lo": lo,
            "hi": hi,
            "help": help,
            "label": label,
            "kind": kind,
            "optional": optional,
            "log": log,
        },
    )


@dataclass(frozen=True)
class TrainingConfig:
    """Hyperparameters of one skip-gram negative-sampling run.

    Construct with keywords; invalid values raise ``ValueError`` naming the field and
    the allowed range. Use :meth:`replace` to derive a changed copy.
    """

    vector_size: int = _param(
        100,
        2,
        1000,
        label="Vector size",
        help="Number of dimensions of each word vector. More dimensions can hold finer "
        "distinctions but need more text and memory; 50–300 is usual.",
    )
    window: int = _param(
        5,
        1,
        50,
        label="Window",
        help="How many words on each side of a word count as its context. Small windows "
        "(2–5) make words that can replace each other similar (cat ~ dog); large "
        "windows (10+) make words about the same topic similar (cat ~ fur).",
    )
    negative: int = _param(
        5,
        1,
        50,
        label="Negative samples",
        help="How many random 'noise' words each true (word, context) pair is contrasted "
        "with. 5–20 suits small corpora, 2–5 large ones.",
    )
    ns_exponent: float = _param(
        0.75,
        -2.0,
        2.0,
        kind=float,
        label="Noise exponent",
        help="Negatives are drawn with probability proportional to count^exponent. 0.75 "
        "(word2vec's choice) draws rare words more often than their frequency; 1 "
        "follows the frequency; 0 is uniform.",
    )
    sample: float = _param(
        1e-3,
        0.0,
        1.0,
        kind=float,
        log=True,
        label="Subsampling",
        help="Frequent words are randomly dropped so that 'the' and 'of' do not dominate: "
        "a word with frequency f is kept with probability (sqrt(f/sample)+1)·sample/f. "
        "Smaller values drop more; 0 turns it off.",
    )
    min_count: int = _param(
        5,
        1,
        1_000_000,
        label="Minimum count",
        help="Words seen fewer times than this are ignored. Rare words get poor vectors "
        "and cost memory.",
    )
    max_vocab_size: int | None = _param(
        None,
        1,
        100_000_000,
        optional=True,
        label="Maximum vocabulary",
        help="Keep at most this many of the most frequent words (empty: no limit).",
    )
    alpha: float = _param(
        0.025,
        1e-6,
        1.0,
        kind=float,
        log=True,
        label="Learning rate",
        help="Initial step size of stochastic gradient descent. Too high and training "
        "diverges, too low and it learns slowly.",
    )
    min_alpha: float = _param(
        0.0001,
        0.0,
        1.0,
        kind=float,
        log=True,
        label="Final learning rate",
        help="The learning rate falls linearly from the initial value to this one over all epochs.",
    )
    epochs: int = _param(
        5, 1, 1000, label="Epochs", help="Passes over the corpus. Small corpora need more passes."
    )
    seed: int = _param(
        1,
        0,
        2**31 - 1,
        label="Seed",
        help="Seed of the random numbers. With one worker, the same seed gives identical vectors.",
    )
    workers: int = _param(
        min(2, os.cpu_count() or 1),
        1,
        64,
        label="Worker threads",
        help="Threads that train at once. NumPy releases the interpreter lock, so up to "
        "the number of CPU cores helps.",
    )
    batch_words: int = _param(
        1024,
        64,
        8192,
        label="Centre words per batch",
        help="Centre words updated together in one vectorized step. Larger is faster "
        "per word; the engine caps each row's step so large batches stay stable.",
    )
    shuffle: bool = _param(
        True,
        None,
        None,
        kind=bool,
        label="Shuffle sentences",
        help="Train the sentences of each epoch in a new random order (within windows of "
        "4 million words). Text that repeats itself line after line, or sorted by "
        "topic, trains markedly better shuffled; word windows never cross sentences, "
        "so only the order of the updates changes. Off: the file's order, as "
        "word2vec.c and gensim train.",
    )
    lowercase: bool = _param(
        True,
        None,
        None,
        kind=bool,
        label="Lowercase",
        help="Fold text to lower case before counting words.",
    )
    token_pattern: str = _param(
        DEFAULT_TOKEN_PATTERN,
        None,
        None,
        kind=str,
        label="Token pattern",
        help="Regular expression a token must match. The default takes runs of letters "
        "(with inner apostrophes) and runs of digits.",
    )

    def __post_init__(self) -> None:
        for f in fields(self):
            # Frozen, so normalise (e.g. 5.0 -> 5 from a JSON file) through object.__setattr__.
            object.__setattr__(self, f.name, _check_field(f, getattr(self, f.name)))
        if self.min_alpha > self.alpha:
            raise ValueError(f"min_alpha ({self.min_alpha}) must not exceed alpha ({self.alpha})")

    def replace(self, **changes: Any) -> TrainingConfig:
        """Return a copy with ``changes`` applied (validated like the constructor)."""
        return TrainingConfig(**{**asdict(self), **changes})

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> TrainingConfig:
        """Build from a mapping, ignoring unknown keys (files from newer versions)."""
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in values.items() if k in known})

    @classmethod
    def field_info(cls) -> list[ParamInfo]:
        """Describe every field: name, default, bounds, help, kind. For forms and CLIs."""
        out = []
        for f in fields(cls):
            m = f.metadata
            default = f.default if f.default is not MISSING else None
            out.append(
                ParamInfo(
                    f.name,
                    m["label"],
                    m["kind"],
                    default,
                    m["lo"],
                    m["hi"],
                    m["help"],
                    m["optional"],
                    m["log"],
                )
            )
        return out


@dataclass(frozen=True)
class ParamInfo:
    name: str
    label: str
    kind: type
    default: Any
    lo: float | None
    hi: float | None
    help: str
    optional: bool
    log: bool


def format_bound(x: float) -> str:
    """A bound as people write it: 2147483647, not 2.14748e+09; 1e-06 stays short."""
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


def _check_field(f: Any, value: Any) -> Any:
    m = f.metadata
    kind, lo, hi, name = m["kind"], m["lo"], m["hi"], f.name
    if value is None:
        if m["optional"]:
            return None
        raise ValueError(f"{name} is required")
    if kind is bool:
        if not isinstance(value, bool):
            raise ValueError(f"{name} must be true or false, got {value!r}")
        return value
    if kind is str:
        if not isinstance(value, str) or not value:
            raise ValueError(f"{name} must be a non-empty string, got {value!r}")
        if name == "token_pattern":
            problem = token_pattern_problem(value)
            if problem is not None:
                raise ValueError(f"token_pattern {value[:60]!r}: {problem}")
        return value
    between = f"between {format_bound(lo)} and {format_bound(hi)}"
    if kind is int:
        if isinstance(value, bool) or not isinstance(value, int):
            # Accept integral floats (e.g. 5.0 from a JSON file) but nothing fractional.
            if isinstance(value, float) and math.isfinite(value) and value.is_integer():
                value = int(value)
            else:
                raise ValueError(f"{name} must be a whole number {between}, got {value!r}")
    else:
        if (
            isinstance(value, bool)
            or not isinstance(value, (int, float))
            or not math.isfinite(value)
        ):
            raise ValueError(f"{name} must be a finite number {between}, got {value!r}")
    if not (lo <= value <= hi):
        raise ValueError(f"{name} must be {between}, got {value!r}")
    return float(value) if kind is float else value
