"""The story the Learn steps share: the corpus cut into a vocabulary, the vectors, and
the sentence being walked."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from w2v_gui.core.config import TrainingConfig
from w2v_gui.core.vectors import Embeddings
from w2v_gui.core.vocab import Scan, TokenStream, Vocab
from w2v_gui.core.walkthrough import SkipGramPair, draw_reach, sentence_bounds, skipgram_pairs

SENTENCE_LENGTH = (8, 14)  # words in a sentence the window step shows


@dataclass(frozen=True)
class LearnData:
    """A corpus read and cut into a vocabulary, and the sentences the steps may show."""

    name: str
    scan: Scan
    vocab: Vocab
    stream: TokenStream
    starts: np.ndarray
    ends: np.ndarray
    shown: np.ndarray  # indices of sentences of a showable length
    config: TrainingConfig  # the settings the vocabulary was cut with

    def sentence(self, i: int) -> list[str]:
        ids = self.stream.ids[self.starts[i] : self.ends[i]]
        return [self.vocab.words[j] for j in ids]


def prepare(name: str, scan: Scan, config: TrainingConfig) -> LearnData:
    """Cut the vocabulary (slow on a big corpus: run in a worker) and index sentences."""
    vocab, stream = scan.build(config.min_count, config.max_vocab_size)
    starts, ends = sentence_bounds(stream)
    length = ends - starts
    shown = np.flatnonzero((length >= SENTENCE_LENGTH[0]) & (length <= SENTENCE_LENGTH[1]))
    if len(shown) == 0:
        shown = np.flatnonzero(length >= 2)
    if len(shown) == 0:
        shown = np.array([int(np.argmax(length))])
    return LearnData(name, scan, vocab, stream, starts, ends, shown, config)


class Story:
    """What the steps share: the corpus, the vectors, and the sentence being walked."""

    def __init__(self, config: TrainingConfig):
        self.config = config
        self.data: LearnData | None = None
        self.embeddings: Embeddings | None = None  # the app's model or snapshot
        self.quick: Embeddings | None = None  # a quick model trained here
        self.rng = np.random.default_rng(config.seed)
        self.sentence_index = 0
        self.window = min(config.window, 3)  # the article's size: the slide stays visible
        self.dynamic = True
        self.reach = np.zeros(0, dtype=int)
        self.centre = -1  # where the sliding window is

    def set_data(self, data: LearnData | None) -> None:
        self.data = data
        self.quick = None
        self.rng = np.random.default_rng(self.config.seed)
        if data is not None:
            self.pick_sentence(first=True)

    def vectors(self) -> Embeddings | None:
        return self.embeddings if self.embeddings is not None else self.quick

    # -- the sentence of the window step ---------------------------------------------------
    def pick_sentence(self, first: bool = False) -> None:
        """A new sentence (the first showable one at the start, then random ones)."""
        d = self.data
        self.sentence_index = int(d.shown[0] if first else self.rng.choice(d.shown))
        self.draw_reach()
        self.centre = -1

    def draw_reach(self) -> None:
        n = len(self.tokens())
        self.reach = (
            draw_reach(n, self.window, self.rng) if self.dynamic else np.full(n, self.window)
        )

    def set_window(self, window: int, dynamic: bool) -> None:
        self.window, self.dynamic = window, dynamic
        self.draw_reach()

    def tokens(self) -> list[str]:
        return self.data.sentence(self.sentence_index) if self.data is not None else []

    def pairs(self, upto: int | None = None) -> list[SkipGramPair[str]]:
        """The skip-gram table of the sentence, for centres up to ``upto`` (default: all)."""
        pairs = skipgram_pairs(self.tokens(), self.window, self.reach)
        return pairs if upto is None else [p for p in pairs if p.centre <= upto]

    def slice_sentences(self, max_words: int = 24) -> list[list[str]]:
        """The window step's sentence and the ones after it, up to ``max_words`` distinct
        words: the toy slice of the training step."""
        d = self.data
        out: list[list[str]] = []
        seen: set[str] = set()
        i = self.sentence_index
        while i < len(d.starts) and len(out) < 12:
            s = d.sentence(i)
            if len(seen | set(s)) > max_words and out:
                break
            if len(s) >= 2:
                out.append(s)
                seen |= set(s)
            i += 1
        return out
