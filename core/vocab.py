"""Vocabulary: counting, pruning, subsampling and the noise distribution.

One pass over the corpus (:func:`scan`) counts every distinct token and records the
whole text as provisional integer ids. A :class:`Vocab` is then cut from the counts for
any ``min_count`` / ``max_vocab_size`` without reading the text again, and the id array
is remapped into the :class:`TokenStream` the trainer consumes.
"""

from __future__ import annotations

import ctypes
import threading
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass, field

import numpy as np

from w2v_gui.core import scanpair
from w2v_gui.core.corpus import NEWLINE, Corpus, ReadStats
from w2v_gui.core.errors import Cancelled, CorpusError
from w2v_gui.core.nearest import sorted_order
from w2v_gui.core.tokencache import TokenFile
from w2v_gui.core.tokenids import TokenIds

_REMAP_SLICE = 1 << 20  # tokens per slice when counting and remapping (~25 MB of temporaries)
_PART_TOKENS = 1 << 22  # 16 MB of int32 ids
# `w2v train` keeps the ids of corpora over this many tokens in a file on disk
# (core/tokencache.py): a 47M-word corpus then trains in about the memory of a 2M one.
CACHE_OVER_TOKENS = 1 << 24


@dataclass(frozen=True, eq=False)
class Vocab:
    """Words sorted by descending count (ties: alphabetical), with their counts."""

    words: tuple[str, ...]
    counts: np.ndarray
    index: dict[str, int] = field(repr=False)

    @classmethod
    def from_counts(cls, words, counts) -> Vocab:
        words = list(words)
        order = _count_order(words, counts)
        return cls._ordered(words, np.asarray(counts, dtype=np.int64), order)

    @classmethod
    def _ordered(cls, words: list[str], counts: np.ndarray, order: np.ndarray) -> Vocab:
        # map/zip over builtins run in C: the trainer builds a vocabulary on a worker
        # thread while the window paints, and a Python loop per word there held the
        # interpreter lock in 1 ms turns against the GUI thread for ~0.2 s (demo corpus).
        words = tuple(map(words.__getitem__, order.tolist()))
        counts = counts[order]
        counts.flags.writeable = False
        return cls(words, counts, dict(zip(words, range(len(words)), strict=True)))

    def __len__(self) -> int:
        return len(self.words)

    def __contains__(self, word: object) -> bool:
        return word in self.index

    @property
    def total(self) -> int:
        """Number of corpus tokens covered by the vocabulary."""
        return int(self.counts.sum())

    def keep_probability(self, sample: float) -> np.ndarray:
        """word2vec.c's subsampling: P(keep) = (sqrt(c / t) + 1) · t / c with t = sample·total.

        Capped at 1; ``sample == 0`` keeps everything.
        """
        if sample <= 0 or len(self) == 0:
            return np.ones(len(self))
        t = sample * self.total
        c = self.counts.astype(np.float64)
        return np.minimum(1.0, (np.sqrt(c / t) + 1.0) * t / c)

    def noise_distribution(self, ns_exponent: float) -> np.ndarray:
        """P(noise word = w) ∝ count(w) ** ns_exponent, as float64 summing to 1."""
        p = self.counts.astype(np.float64) ** ns_exponent
        return p / p.sum()


@dataclass(frozen=True, eq=False)
class TokenStream:
    """The corpus as vocabulary ids, out-of-vocabulary words removed.

    ``sentence_starts`` holds the index in ``ids`` where each sentence after the first
    begins (strictly increasing); windows never reach across them.
    """

    ids: np.ndarray | TokenFile  # a TokenFile for corpora scanned with ``cache_over``
    sentence_starts: np.ndarray
    raw_words: int

    def __len__(self) -> int:
        return len(self.ids)


def _count_order(words: list[str], counts) -> np.ndarray:
    """Indices of ``words`` by descending count, ties alphabetical: the same order as
    sorting on (-count, word), with the key lookups in C (a tuple key took 3 s for
    250,000 words) and the strings sorted by NumPy on UTF-8 bytes, equal to sorted()."""
    counts = np.asarray(counts, dtype=np.int64)
    by_word = sorted_order(words).astype(np.intp)
    return by_word[np.argsort(-counts[by_word], kind="stable")]


@dataclass(eq=False)
class Scan:
    """Every distinct token of a corpus with its count, and the text as provisional ids."""

    words: list[str]
    counts: np.ndarray
    ids: np.ndarray | TokenFile
    newline_id: int
    raw_words: int
    stats: ReadStats
    source: str = ""  # the files, for messages ("a.txt, b.txt, ...")

    def _word_counts(self) -> np.ndarray:
        counts = self.counts.copy()
        if self.newline_id >= 0:
            counts[self.newline_id] = 0  # line breaks are not words
        return counts

    def _kept(self, min_count: int, max_vocab_size: int | None) -> np.ndarray:
        counts = self._word_counts()
        kept = np.flatnonzero(counts >= min_count)
        if max_vocab_size is not None and len(kept) > max_vocab_size:
            # Same choice as Vocab.from_counts' order (count descending, then word), with
            # only the words at the cut-off count sorted by word: sorting a million-word
            # vocabulary in Python took 0.8 s.
            c = counts[kept]
            cut = np.partition(c, len(c) - max_vocab_size)[len(c) - max_vocab_size]
            above = kept[c > cut]
            ties = sorted(kept[c == cut].tolist(), key=self.words.__getitem__)
            kept = np.sort(
                np.concatenate(
                    [above, np.array(ties[: max_vocab_size - len(above)], dtype=above.dtype)]
                )
            )
        return kept

    def vocab_size(self, min_count: int, max_vocab_size: int | None = None) -> int:
        """Size of the vocabulary these settings would give (cheap, no text pass)."""
        n = int(np.count_nonzero(self._word_counts() >= min_count))
        return n if max_vocab_size is None else min(n, max_vocab_size)

    def token_count(self, min_count: int, max_vocab_size: int | None = None) -> int:
        """Corpus tokens covered by the vocabulary these settings would give."""
        c = self._word_counts()
        c = c[c >= min_count]
        if max_vocab_size is not None and len(c) > max_vocab_size:
            c = np.partition(c, len(c) - max_vocab_size)[len(c) - max_vocab_size :]
        return int(c.sum())

    def build(self, min_count: int, max_vocab_size: int | None = None) -> tuple[Vocab, TokenStream]:
        """Cut the vocabulary and encode the text with it."""
        result = self._build(min_count, max_vocab_size)
        _return_freed_memory()  # once the temporaries are gone with _build's frame
        return result

    def _build(self, min_count: int, max_vocab_size: int | None) -> tuple[Vocab, TokenStream]:
        kept = self._kept(min_count, max_vocab_size)
        if len(kept) == 0:
            top = int(self._word_counts().max(initial=0))
            raise CorpusError(
                (f"{self.source}: " if self.source else "")
                + f"no word occurs at least {min_count} times (the most frequent occurs "
                f"{top} times); lower min_count or add text"
            )
        words = list(map(self.words.__getitem__, kept.tolist()))
        order = _count_order(words, self.counts[kept])
        vocab = Vocab._ordered(words, self.counts[kept], order)
        remap = np.full(len(self.words), -1, dtype=np.int32)
        remap[kept[order]] = np.arange(len(order), dtype=np.int32)
        if self.newline_id >= 0:
            remap[self.newline_id] = -2
        # Remap in slices so the temporaries stay bounded on a 100M-token corpus, straight
        # into the result (its length is known: joining the slices needed it twice), or
        # into a file of its own when the scan's ids are on disk.
        on_disk = isinstance(self.ids, TokenFile)
        ids = TokenFile() if on_disk else np.empty(int(self.counts[kept].sum()), dtype=np.int32)
        start_parts, kept_before = [], 0
        for lo in range(0, len(self.ids), _REMAP_SLICE):
            final = remap[self.ids[lo : lo + _REMAP_SLICE]]
            keep = final >= 0
            # Kept tokens before each line break = where the next sentence starts.
            start_parts.append(np.cumsum(keep, dtype=np.int64)[final == -2] + kept_before)
            part = final[keep]
            if on_disk:
                ids.append(part)
            else:
                ids[kept_before : kept_before + len(part)] = part
            kept_before += len(part)
        assert kept_before == len(ids)  # the counts came from these very ids
        starts = np.concatenate(start_parts) if start_parts else np.zeros(0, np.int64)
        # Already sorted (kept-token counts only grow): drop repeats (empty lines) in one
        # pass; np.unique's hashing took 1.3 s for 3M lines.
        starts = starts[np.diff(starts, prepend=-1) > 0]
        starts = starts[(starts > 0) & (starts < len(ids))]
        return vocab, TokenStream(ids, starts, self.raw_words)


class _IdBuffer:
    """Token ids collected in large fixed-size parts, joined once at the end.

    Joining one small array per chunk needed twice the id array at the end; here ``join``
    frees each part as soon as it is copied, so the peak is the id array plus one part.
    Past ``cache_over`` tokens, full parts go to a :class:`TokenFile` instead, and
    ``join`` returns that file.
    """

    def __init__(self, cache_over: int | None = None) -> None:
        self._parts: list[np.ndarray] = []
        self._fill = _PART_TOKENS
        self._cache_over = cache_over
        self._file: TokenFile | None = None

    def _flush(self) -> None:
        """Move the (full) parts to the file once there is or should be one."""
        if self._file is None and self._cache_over is not None:
            if len(self._parts) * _PART_TOKENS > self._cache_over:
                self._file = TokenFile()
        if self._file is not None:
            while self._parts:
                self._file.append(self._parts.pop(0))

    def extend(self, ids: np.ndarray) -> None:
        while len(ids):
            if self._fill == _PART_TOKENS:
                self._flush()
                self._parts.append(np.empty(_PART_TOKENS, dtype=np.int32))
                self._fill = 0
            take = min(len(ids), _PART_TOKENS - self._fill)
            self._parts[-1][self._fill : self._fill + take] = ids[:take]
            self._fill += take
            ids = ids[take:]

    def join(self) -> np.ndarray | TokenFile:
        parts, self._parts = self._parts, []
        if parts:
            parts[-1] = parts[-1][: self._fill]
        if self._file is not None:
            for part in parts:
                self._file.append(part)
            return self._file
        out = np.empty(sum(len(p) for p in parts), dtype=np.int32)
        at = 0
        while parts:
            part = parts.pop(0)
            out[at : at + len(part)] = part
            at += len(part)
            del part  # unmapped now, not after the last copy
        return out


def _return_freed_memory() -> None:
    """Hand the C heap's free pages back to the system (glibc; elsewhere nothing).

    Reading frees hundreds of MB of mid-sized blocks (chunk texts, the word table as it
    grows) that glibc keeps in its heap, where the trainer's matrices, mapped fresh,
    cannot reuse them: a 100M-token run held ~700 MB of such free memory all through
    training (benchmarks/bench_memory.py).
    """
    try:
        trim = ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError, TypeError):
        return
    trim(0)


def scan(
    corpus: Corpus,
    progress: Callable[[int, int], None] | None = None,
    stop: threading.Event | None = None,
    cache_over: int | None = None,
) -> Scan:
    """Read ``corpus`` once: count tokens and record the text as provisional ids.

    With ``cache_over``, a corpus of more tokens keeps its ids in a temporary file
    (:class:`~w2v_gui.core.tokencache.TokenFile`), and so does the stream ``build`` cuts
    from it; the trainer reads them a window at a time.
    Raises :class:`CorpusError` if the corpus holds no words, :class:`Cancelled` if
    ``stop`` gets set.
    """
    result = _scan(corpus, progress, stop, cache_over)
    _return_freed_memory()  # once the word table and the last chunk are gone with _scan
    return result


def _scan(
    corpus: Corpus,
    progress: Callable[[int, int], None] | None,
    stop: threading.Event | None,
    cache_over: int | None = None,
) -> Scan:
    if scanpair.can_pair(corpus.total_bytes):  # tokenizing on two cores
        encoder = scanpair.PairEncoder(corpus.regex, corpus.token_pattern)
        chunks = encoder.encode_all(corpus.iter_texts(progress))
    else:
        encoder = TokenIds(corpus.regex, corpus.token_pattern)
        chunks = (encoder.encode(text) for text in corpus.iter_texts(progress))
    ids = _IdBuffer(cache_over)
    with closing(chunks):  # ends the helper process, also on Cancelled or an error
        for chunk_ids in chunks:
            if stop is not None and stop.is_set():
                raise Cancelled("reading the corpus was cancelled")
            ids.extend(chunk_ids)
    ids = ids.join()
    ids_of = encoder.ids_of
    del encoder  # its pieces: up to tens of MB the build below can use
    words = list(ids_of)
    # bincount copies its input to int64: counted in slices, that copy stays small (whole,
    # it doubled the peak of a 200 MB scan).
    counts = np.zeros(len(words), dtype=np.int64)
    for lo in range(0, len(ids), _REMAP_SLICE):
        counts += np.bincount(ids[lo : lo + _REMAP_SLICE], minlength=len(words))
    newline_id = ids_of.get(NEWLINE, -1)
    raw = len(ids) - (int(counts[newline_id]) if newline_id >= 0 else 0)
    stats = corpus.last_stats
    names = ", ".join(map(str, corpus.files[:3])) + (", …" if len(corpus.files) > 3 else "")
    if raw == 0:
        bad = stats.invalid_bytes
        extra = f" ({bad} bytes were not valid UTF-8)" if bad else ""
        raise CorpusError(f"{names}: contains no words{extra}")
    return Scan(words, counts, ids, newline_id, raw, stats, names)


def build(
    corpus: Corpus,
    min_count: int = 5,
    max_vocab_size: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[Vocab, TokenStream]:
    """Scan ``corpus`` and cut its vocabulary in one call."""
    return scan(corpus, progress).build(min_count, max_vocab_size)
