"""Where a training run stands: the queue of jobs, what the workers counted, the reports.

:class:`Schedule` is the part of :class:`~w2v_gui.core.sgns.Trainer` that needs no NumPy
kernel: which (job, first batch) comes next (stopped jobs first), the state a stopped run
resumes from, the tally after worker processes (:mod:`w2v_gui.core.workers`), and the
:class:`TrainingProgress` records.
"""

from __future__ import annotations

from w2v_gui.core.errors import TrainingDiverged
from w2v_gui.core.progress import Tally, TrainingProgress
from w2v_gui.core.workers import ProcessWorkers


class Schedule:
    """Mixed into the trainer, whose ``__init__`` sets the attributes used here."""

    def state(self) -> dict:
        """Where the schedule stands: enough to resume with the same learning rates and draws."""
        with self._lock:
            return {
                "next_job": self._next_job,
                "partial_jobs": [list(p) for p in self._pending],
                "words_done": self._tally.words,
                "elapsed": self._elapsed,
                "epoch_loss": {str(k): v for k, v in self._tally.epoch_loss.items()},
                "epoch_pairs": {str(k): v for k, v in self._tally.epoch_pairs.items()},
            }

    def _record(self, dt, words_last, loss_last, pairs_last, paused) -> TrainingProgress:
        with self._lock:
            t = self._tally
            pairs = t.pairs - pairs_last
            if pairs:
                self._last_loss = (t.loss - loss_last) / pairs
            loss = self._last_loss
            done_epochs = sorted(e for e, n in t.epoch_jobs_left.items() if n == 0)
            epoch_losses = tuple(
                t.epoch_loss.get(e, 0.0) / max(t.epoch_pairs.get(e, 0), 1) for e in done_epochs
            )
            words = min(int(round(t.words)), self.words_total)
            epoch = min(int(t.words / max(self.stream.raw_words, 1)) + 1, self.config.epochs)
        return TrainingProgress(
            epoch=epoch,
            epochs=self.config.epochs,
            words_done=words,
            words_total=self.words_total,
            loss=loss,
            lr=self._lr(words / max(self.words_total, 1)),
            words_per_sec=float((t.words - words_last) / dt) if dt > 0 else 0.0,
            elapsed=self._elapsed,
            epoch_losses=epoch_losses,
            paused=paused,
        )

    def _lr(self, progress: float) -> float:
        c = self.config
        return max(c.min_alpha, c.alpha - (c.alpha - c.min_alpha) * progress)

    def _take_job(self) -> tuple[int, int] | None:
        """The next (job, first batch): stopped jobs first, then the schedule."""
        with self._lock:
            if self._pending:
                return self._pending.pop(0)
            if self._next_job >= len(self._jobs):
                return None
            self._next_job += 1
            return self._next_job - 1, 0

    def _queue(self) -> list[tuple[int, int]]:
        """Every (job, first batch) :meth:`_take_job` would give, in its order."""
        return self._pending + [(j, 0) for j in range(self._next_job, len(self._jobs))]

    def _settle(self, pool: ProcessWorkers, base: Tally) -> None:
        """After worker processes: where the schedule stands, what they counted, raised."""
        taken, queued = pool.taken(), len(self._pending)
        self._next_job += max(0, taken - queued)
        self._pending = self._pending[taken:] + pool.stopped_jobs()
        self._tally = base.plus(pool.sums(), self.config.epochs)
        try:
            pool.check()
        except TrainingDiverged as exc:
            self.diverged, self._error = True, exc
        except RuntimeError as exc:
            self._error = exc
