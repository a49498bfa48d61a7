"""What a running trainer reports: one frozen record per report interval."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np


@dataclass(frozen=True)
class TrainingProgress:
    """One report from a running trainer."""

    epoch: int  # 1-based epoch being trained
    epochs: int
    words_done: int  # raw corpus words processed, all epochs so far
    words_total: int  # raw corpus words × epochs
    loss: float  # mean loss per (centre, context) pair (CBOW: per centre) since last report
    lr: float
    words_per_sec: float  # raw words per second since the last report
    elapsed: float  # seconds of training (pauses excluded)
    epoch_losses: tuple[float, ...] = ()  # mean loss per pair of each finished epoch
    done: bool = False  # the run ended (completed or stopped)
    stopped: bool = False  # ended by a stop request before the last epoch finished
    paused: bool = False

    @property
    def fraction(self) -> float:
        return self.words_done / self.words_total if self.words_total else 1.0

    @property
    def eta(self) -> float | None:
        """Seconds left at the current speed, if known."""
        if self.words_per_sec <= 0:
            return None
        return (self.words_total - self.words_done) / self.words_per_sec


@dataclass
class Tally:
    """What the trainer's threads add up between two reports, and per epoch."""

    loss: float = 0.0
    pairs: int = 0
    words: float = 0.0
    epoch_loss: dict = field(default_factory=dict)
    epoch_pairs: dict = field(default_factory=dict)
    epoch_jobs_left: dict = field(default_factory=dict)

    def batch(self, epoch: int, words: float, loss: float, pairs: int, sampled: bool) -> None:
        """Count a batch's words and, if its loss was ``sampled``, its loss and pairs."""
        self.words += words
        if sampled:  # the mean loss per pair over the sampled batches
            self.loss += loss
            self.pairs += pairs
            self.epoch_loss[epoch] = self.epoch_loss.get(epoch, 0.0) + loss
            self.epoch_pairs[epoch] = self.epoch_pairs.get(epoch, 0) + pairs

    def job_done(self, epoch: int, words: float) -> None:
        self.words += words
        self.epoch_jobs_left[epoch] -= 1

    def plus(self, sums, epochs: int) -> Tally:
        """This tally plus worker processes' summed :class:`RowSink` rows."""
        E = epochs
        out = Tally(self.loss + sums[1], self.pairs + int(sums[2]), self.words + sums[0])
        out.epoch_loss, out.epoch_pairs = dict(self.epoch_loss), dict(self.epoch_pairs)
        for e in range(E):
            if sums[3 + E + e]:
                out.epoch_loss[e] = out.epoch_loss.get(e, 0.0) + float(sums[3 + e])
                out.epoch_pairs[e] = out.epoch_pairs.get(e, 0) + int(sums[3 + E + e])
        left = self.epoch_jobs_left
        out.epoch_jobs_left = {e: n - int(sums[3 + 2 * E + e]) for e, n in left.items()}
        return out


class RowSink:
    """A worker process's tally in its own row of a shared table (``row_width`` columns:
    words, loss, pairs, then per epoch the loss, pairs and finished jobs), which
    :meth:`Tally.plus` adds up."""

    def __init__(self, row: np.ndarray, pend: np.ndarray, epochs: int) -> None:
        self._row, self._pend, self._e = row, pend, epochs

    def batch(self, epoch: int, words: float, loss: float, pairs: int, sampled: bool) -> None:
        r = self._row
        r[0] += words
        if sampled:
            r[1] += loss
            r[2] += pairs
            r[3 + epoch] += loss
            r[3 + self._e + epoch] += pairs

    def job_done(self, epoch: int, words: float) -> None:
        self._row[0] += words
        self._row[3 + 2 * self._e + epoch] += 1

    def pend(self, index: int, first_batch: int) -> None:
        self._pend[:] = (index, first_batch)


def row_width(epochs: int) -> int:
    """Columns of a :class:`RowSink` row."""
    return 3 + 3 * epochs


class LockedTally:
    """Worker threads' view of one :class:`Tally`: each count under the trainer's lock."""

    def __init__(self, trainer) -> None:
        self._t = trainer

    def batch(self, *args) -> None:
        with self._t._lock:
            self._t._tally.batch(*args)

    def job_done(self, epoch: int, words: float) -> None:
        with self._t._lock:
            self._t._tally.job_done(epoch, words)

    def pend(self, index: int, first_batch: int) -> None:
        with self._t._lock:
            self._t._pending.append((index, first_batch))
