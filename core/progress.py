"""What a running trainer reports: one frozen record per report interval."""

from __future__ import annotations

from dataclasses import dataclass, field


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
