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

# Words (letters with inner apostrophes, or digits), several joined by "_" staying one token:
# phrased text (new_york, from `w2v phrases` or word2phrase) reads back with its phrases.
_WORD = r"(?:[^\W\d_]+(?:['’][^\W\d_]+)*|\d+)"
DEFAULT_TOKEN_PATTERN = _WORD + r"(?:_" + _WORD + r")*"
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
    """Hyperparameters of one word2vec run (skip-gram or CBOW, negative sampling).

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
    sg: int = _param(
        1,
        0,
        1,
        label="Skip-gram (1) or CBOW (0)",
        help="1: skip-gram, each word predicts its neighbours (what the Learn tab shows; "
        "better for rare words). 0: CBOW, the neighbours together predict the word "
        "(gensim's default mode; about 3× cheaper per word). The loss is then per word, "
        "not per (word, neighbour) pair.",
    )
    cbow_mean: int = _param(
        1,
        0,
        1,
        label="CBOW mean",
        help="CBOW only. 1: the neighbours' vectors are averaged; 0: they are summed, and "
        "each gets its share of the error (gensim's cbow_mean).",
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
        label="Workers",
        help="Workers that train at once: processes sharing the vectors on Linux, threads "
        "elsewhere. Up to the number of CPU cores helps. With one, a seed gives the same "
        "vectors every time.",
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
        "(with inner apostrophes) and runs of digits, and keeps words joined by '_' "
        "(phrases such as new_york) as one token.",
    )

    phrases: int = _param(
        0,
        0,
        3,
        label="Phrase passes",
        help="Join frequent word pairs such as 'new york' into one token 'new_york' before "
        "training (gensim's Phrases, word2vec.c's word2phrase). Each pass can join a "
        "token with one more word: 2 passes form 'new_york_times'. 0: off.",
    )
    # Above 0 for both scorings: a negative npmi threshold (gensim allows down to -1) would
    # join pairs seen less often than chance, and only a field's own bounds let the form
    # put back a refused value.
    phrase_threshold: float = _param(
        10.0,
        1e-6,
        1e6,
        kind=float,
        log=True,
        label="Phrase threshold",
        help="A pair is joined when its score exceeds this. Higher: fewer phrases. Default "
        "scoring: 10 is gensim's default; npmi scoring: at most 1, e.g. 0.5.",
    )
    phrase_min_count: int = _param(
        5,
        1,
        1_000_000,
        label="Phrase minimum count",
        help="Pairs seen fewer times than this never become phrases.",
    )
    phrase_scoring: str = _param(
        "default",
        None,
        None,
        kind=str,
        label="Phrase scoring",
        help="'default': (count(ab) − min count) / (count(a)·count(b)) · vocabulary size, as "
        "Mikolov et al. and gensim; 'npmi': normalised pointwise mutual information, "
        "between -1 and 1.",
    )
    phrase_connectors: bool = _param(
        False,
        None,
        None,
        kind=bool,
        label="Phrase connectors",
        help="Let phrases hold English connector words (a, the, of, and, ...) inside, never at "
        "their ends, so 'bank_of_america' can form (gensim's ENGLISH_CONNECTOR_WORDS).",
    )

    def __post_init__(self) -> None:
        for f in fields(self):
            # Frozen, so normalise (e.g. 5.0 -> 5 from a JSON file) through object.__setattr__.
            object.__setattr__(self, f.name, _check_field(f, getattr(self, f.name)))
        if self.min_alpha > self.alpha:
            raise ValueError(f"min_alpha ({self.min_alpha}) must not exceed alpha ({self.alpha})")
        _check_phrase_settings(self.phrase_scoring, self.phrase_threshold)

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


def _check_phrase_settings(scoring: str, threshold: float) -> None:
    if scoring not in ("default", "npmi"):
        raise ValueError(f"phrase_scoring must be 'default' or 'npmi', got {scoring!r}")
    if scoring == "npmi" and threshold > 1:  # npmi scores lie in [-1, 1]
        raise ValueError(
            f"phrase_threshold must be at most 1 for 'npmi' scoring (e.g. 0.5), got {threshold:g}"
        )


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
