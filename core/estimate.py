"""What a training run will cost before it starts: memory and time, and the memory free.

The trainer refuses a run that does not fit (:class:`~w2v_gui.core.sgns.Trainer`); the GUI's
parameter form shows the same figures as the settings change.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from w2v_gui.core.config import TrainingConfig
from w2v_gui.core.kernels import (
    JOB_TOKENS,
    SHUFFLE_TOKENS,
    centres_per_batch,
    negative_pools,
)
from w2v_gui.core.workers import available as processes_available

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

    memory_bytes: int  # the process at its peak: see estimate()
    seconds: float  # at the speed measured in benchmarks/, scaled by the settings
    process_bytes: int = 0  # of memory_bytes, the running program itself

    @property
    def new_bytes(self) -> int:
        """What the run adds to the running program: compare this with the memory free."""
        return self.memory_bytes - self.process_bytes


# Training-only speed on the 2-core development machine with the default settings, 2M
# words of dict8 (2026-12-07, 6 alternating rounds, medians): 1 worker 533k words/s; 2
# worker processes 1.0M (1.87×), 2 worker threads 740k (1.39×: the interpreter lock). The
# demo corpus's short sentences train slower: 5 epochs (22.9M words) took 29–36 s with 2
# processes, ~400k a worker. Between the two, so the demo's estimate is not optimistic.
_REFERENCE_WORDS_PER_SEC_PER_WORKER = 450_000
_TWO_WORKER_EXPONENT = (0.47, 0.9)  # threads, processes: 2 ** 0.9 = 1.87


# Measured by benchmarks/bench_estimate.py (w2v train, peak RSS; results/estimate.md):
# the interpreter with NumPy, SciPy and this package loaded, and the bytes a vocabulary
# word costs as Python objects all through a run (its str, the scan's word list, the
# vocabulary's tuple and index, counts) and at the save (the file's word table).
_PROCESS_BYTES = 52 << 20
_WORD_BYTES = 260
_SAVE_WORD_BYTES = 110
_JOB_BYTES_PER_TOKEN = 80  # a job's draws, masks and padded ids (kernels.py's _run_job)
# A worker process beyond its job and batch arrays: the interpreter's pages it writes
# (copied from the parent), NumPy's temporaries. The demo corpus, one epoch, process tree
# PSS (2026-12-07): 1 worker 165 MB, 2 processes 205 MB, 4 processes 277 MB.
_WORKER_PROCESS_BYTES = 28 << 20

# Phrase detection before training (core/phrases.py), measured by
# benchmarks/bench_phrase_cost.py (gensim's defaults; 2026-12-07, 2-core machine shared,
# load 1.5-4.7; seconds are CPU time per million tokens read):
#   demo corpus (5.07M tokens, 97k words): 1 pass 0.18 s (0.24 with connector words),
#     2 passes 0.58 s, 3 passes 0.76 s; peak 71-72 bytes a token;
#   /work/data/dict8.txt (5.60M tokens, 222k words): 1 pass 0.41 s, 2 passes 0.74 s;
#     peak 90 bytes a token with 1 pass, 109 with 2.
# A later pass reads fewer tokens but counts phrase tokens by spelling, in Python. The
# larger figures are taken: per pass 0.4 s per million tokens, 110 bytes a token for the
# pass's arrays (int64 keys, positions, the sort's copies, the joined ids; more distinct
# pairs, more bytes) on top of the scan. Whole runs (`w2v train --epochs 1 --workers 1
# --min-count 1`, peak RSS from /usr/bin/time -v): demo --phrases 1 446 MiB measured, 581
# estimated (243 without these terms); dict8 --phrases 2 691 MiB measured, 720 estimated
# (374 without).
_PHRASE_FIRST_PASS_SECONDS_PER_TOKEN = 0.4e-6
_PHRASE_LATER_PASS_SECONDS_PER_TOKEN = 0.4e-6
_PHRASE_BYTES_PER_TOKEN = 110


def estimate(
    config: TrainingConfig,
    vocab_size: int,
    tokens: int,
    raw_words: int,
    *,
    tokens_on_disk: bool = False,
    phrase_passes: int = 0,
    phrase_tokens: int | None = None,
) -> Estimate:
    """Rough memory (peak resident bytes) and time of training ``config`` on a scanned corpus.

    The peak is the process, the words as Python objects, the token ids (one window of
    them with ``tokens_on_disk``: core/tokencache.py), both V × d matrices, and then the
    larger of what training adds (each worker's job and batch arrays, the shuffle
    windows) and what the save adds (the file's word table): the snapshots and the save
    use the matrices themselves.

    ``phrase_passes``: phrase detection still to run before training (the form, before
    Train; the trainer gets tokens already phrased and leaves it 0). It adds its time, and
    its arrays may set the peak: they live before the matrices exist. ``phrase_tokens``:
    the tokens it reads (default ``raw_words``); ``vocab_size``, ``tokens`` and
    ``raw_words`` are then best those of the phrased text, when known.
    """
    d = config.vector_size
    matrices = 2 * vocab_size * d * 4
    batch = centres_per_batch(config.sg, config.batch_words)  # as the trainer asks, uncapped
    centres_per_pool, pool = negative_pools(config.sg, config.window, config.negative)
    pooled = batch // centres_per_pool * pool
    # Per batch, rows of d floats: the gathered centre, band and negative rows, their
    # updates, padded copies, the summed updates and the gathers of the scatter.
    rows = 10 * batch + 4 * pooled
    buffers = config.workers * (JOB_TOKENS * _JOB_BYTES_PER_TOKEN + rows * d * 4)
    # A job builds its own shuffled tokens from its window's sentence order
    # (windows.plan_slice); with ids on disk each worker process reads the window's ids.
    procs = config.workers > 1 and processes_available()
    on_disk_window = min(tokens, SHUFFLE_TOKENS * 3 // 2) * 4
    processes = 0
    if procs:  # each worker process has its own pages, and reads its own window from disk
        processes = _WORKER_PROCESS_BYTES * config.workers
        processes += on_disk_window * (config.workers - 1) if tokens_on_disk else 0
    training = buffers + processes
    saving = vocab_size * _SAVE_WORD_BYTES
    # On disk, only the window being read (4 bytes a token) is in memory.
    ids = min(tokens, SHUFFLE_TOKENS * 3 // 2) * 4 if tokens_on_disk else tokens * 4
    mem = _PROCESS_BYTES + ids + vocab_size * _WORD_BYTES + matrices + max(training, saving)
    phrasing = 0.0
    if phrase_passes > 0:
        read = raw_words if phrase_tokens is None else phrase_tokens
        # The scan's ids (4 bytes a token) stay; the pass's arrays come and go before training.
        before = _PROCESS_BYTES + vocab_size * _WORD_BYTES + read * (4 + _PHRASE_BYTES_PER_TOKEN)
        mem = max(mem, before)
        phrasing = read * (
            _PHRASE_FIRST_PASS_SECONDS_PER_TOKEN
            + (phrase_passes - 1) * _PHRASE_LATER_PASS_SECONDS_PER_TOKEN
        )
    # Cost per word grows with dimensions and with pairs (window) and negatives.
    work = (d / 100) * (0.5 + 0.5 * (config.window + 1) / 6) * (0.6 + 0.4 * config.negative / 5)
    speed = (
        _REFERENCE_WORDS_PER_SEC_PER_WORKER
        * min(config.workers, 2) ** _TWO_WORKER_EXPONENT[procs]
        / work
    )
    return Estimate(int(mem), raw_words * config.epochs / speed + phrasing, _PROCESS_BYTES)
