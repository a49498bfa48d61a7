"""What a training run will cost before it starts: memory and time, and the memory free.

The trainer refuses a run that does not fit (:class:`~w2v_gui.core.sgns.Trainer`); the GUI's
parameter form shows the same figures as the settings change.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from w2v_gui.core.config import TrainingConfig
from w2v_gui.core.kernels import JOB_TOKENS, SHUFFLE_TOKENS

# estimate say it alike).
MEMORY_ADVICE = "raise min_count, set max_vocab_size or lower vector_size"


def available_memory() -> int | None:
    """Bytes of memory the system can still give this process (None if unknown)."""
    try:
        with open("/proc/meminfo") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return None


@dataclass(frozen=True)
class Estimate:
    """What a run will cost, before it starts."""

    memory_bytes: int  # token array + both matrices + shuffle windows + batch buffers
    seconds: float  # at the speed measured in benchmarks/, scaled by the settings


# Training-only speed measured by benchmarks/bench_train.py on the 2-core development
# machine with the default settings (2026-12-01: 1 worker 254k words/s, 2 workers 398k).
_REFERENCE_WORDS_PER_SEC_PER_WORKER = 255_000
_TWO_WORKER_EXPONENT = 0.65  # 2 ** 0.65 = 1.57, the measured two-worker gain


def estimate(
    config: TrainingConfig,
    vocab_size: int,
    tokens: int,
    raw_words: int,
    *,
    tokens_on_disk: bool = False,
) -> Estimate:
    """Rough memory and time of training ``config`` on a scanned corpus (whose token ids
    are in a file, not in memory, with ``tokens_on_disk``: core/tokencache.py)."""
    d = config.vector_size
    matrices = 2 * vocab_size * d * 4
    batch = config.batch_words
    buffers = config.workers * (JOB_TOKENS * 24 + batch * (2 * config.window + 1) * d * 4 * 6)
    # Two windows (5 bytes a token) alive at an epoch's or window's turn.
    windows = min(tokens, SHUFFLE_TOKENS * 3 // 2) * 10 if config.shuffle else 0
    # On disk, only the window being read (4 bytes a token) is in memory.
    ids = min(tokens, SHUFFLE_TOKENS * 3 // 2) * 4 if tokens_on_disk else tokens * 4
    mem = ids + matrices + buffers + windows + vocab_size * 64
    # Cost per word grows with dimensions and with pairs (window) and negatives.
    work = (d / 100) * (0.5 + 0.5 * (config.window + 1) / 6) * (0.6 + 0.4 * config.negative / 5)
    speed = (
        _REFERENCE_WORDS_PER_SEC_PER_WORKER * min(config.workers, 2) ** _TWO_WORKER_EXPONENT / work
    )
    return Estimate(int(mem), raw_words * config.epochs / speed)
