"""Reading text sources into token streams.

A corpus is one or more files (plain, .gz, .bz2, .xz, .zip) or folders of them. Text is
decoded as UTF-8 with invalid bytes replaced and counted, read in chunks of bounded size
(a 100 MB file without a single newline is fine), lowercased and split by a regular
expression. Each line is a sentence: context windows never cross a line break.
"""

from __future__ import annotations

import codecs
import os
import re
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from w2v_gui.core.config import DEFAULT_TOKEN_PATTERN, token_pattern_problem
from w2v_gui.core.errors import CorpusError
from w2v_gui.core.sources import (
    DECODE_ERRORS,
    TEXT_SUFFIXES,  # noqa: F401 - part of this module's interface
    Skipped,
    describe,
    expand,
    open_members,
)

# Tokenizing a chunk holds the interpreter lock (~70 ms per MB): small enough that a GUI
# reading in another thread stays responsive, large enough to amortise the per-chunk cost.
CHUNK_BYTES = 1 << 20
# Marks a line break inside a chunk's token list (cannot collide: tokens never hold "\n").
NEWLINE = "\n"
# A chunk is binary when more than these shares of its bytes are control characters
# (text has none but whitespace; random bytes 12 %) or invalid UTF-8 (French in Latin-1
# reaches 17 %; random bytes about half).
CONTROL_SHARE = 0.05
INVALID_SHARE = 0.30
_MIN_BAD = 8  # ... and at least this many, so one short line is never "binary"
_CONTROL = bytes(sorted(set(range(32)) - {9, 10, 11, 12, 13, 27})) + b"\x7f"

_BINARY_MAGIC = (
    b"\x89PNG",
    b"GIF8",
    b"\xff\xd8\xff",
    b"%PDF",
    b"\x7fELF",
    b"PK\x03\x04",
    b"\x00\x00\x01\x00",
    b"RIFF",
    b"OggS",
    b"ID3",
    b"\x1f\x8b",
)


@dataclass(frozen=True)
class ReadStats:
    """What a full pass over the corpus saw.

    ``skipped`` lists the files (or zip members) that were not read, or not to the end,
    and why: files found in folders are skipped rather than ending the whole pass.
    """

    files: int
    bytes_read: int
    invalid_bytes: int
    skipped: tuple[Skipped, ...] = ()


def expand_paths(paths: Sequence[str | os.PathLike]) -> list[Path]:
    """Turn files and folders into a sorted list of readable files (see
    :func:`w2v_gui.core.sources.expand`, which also says what was skipped)."""
    return expand(paths)[0]


class _InvalidCounter:
    """Counts the bytes that the shared "w2v-count" error handler replaced in this thread.

    One handler is registered once for the process; each decoding pass installs its
    counter in a thread-local slot, so concurrent passes do not mix their counts.
    """

    name = "w2v-count"
    _local = threading.local()

    def __init__(self) -> None:
        self.count = 0
        _InvalidCounter._local.current = self

    @staticmethod
    def handle(exc: UnicodeDecodeError) -> tuple[str, int]:
        current = getattr(_InvalidCounter._local, "current", None)
        if current is not None:
            current.count += exc.end - exc.start
        return "\ufffd", exc.end


codecs.register_error(_InvalidCounter.name, _InvalidCounter.handle)


def _utf16_without_bom(head: bytes) -> str | None:
    """ "utf-16-le"/"utf-16-be" if ``head`` reads as mostly-ASCII UTF-16 without a BOM.

    Windows tools write such files; their every other byte is zero, which would otherwise
    make them look binary.
    """
    pairs = len(head) // 2
    if pairs < 4:
        return None
    even, odd = head[0 : 2 * pairs : 2], head[1 : 2 * pairs : 2]
    for zeros, other, encoding in ((odd, even, "utf-16-le"), (even, odd, "utf-16-be")):
        if zeros.count(0) >= 0.9 * pairs and other.count(0) == 0:
            return encoding
    return None


def _sniff_binary(head: bytes, name: str) -> None:
    if head.startswith(_BINARY_MAGIC) or (
        head
        and head.count(b"\x00") > len(head) // 10
        and not head.startswith((b"\xff\xfe", b"\xfe\xff"))
        and _utf16_without_bom(head) is None
    ):
        raise CorpusError(f"{name}: looks like a binary file, not text")


def _binary_block(block: bytes, invalid: int, utf8: bool) -> bool:
    """True if ``block`` (with ``invalid`` bytes the decoder replaced) is not text."""
    control = len(block) - len(block.translate(None, _CONTROL)) if utf8 else 0
    return (control >= _MIN_BAD and control > CONTROL_SHARE * len(block)) or (
        invalid >= _MIN_BAD and invalid > INVALID_SHARE * len(block)
    )


class Corpus:
    """Text files read as a restartable stream of token chunks.

    Parameters
    ----------
    paths : files or folders (plain, .gz, .bz2, .xz, .zip; compression is told by the
        content). A file given here that cannot be read ends a pass with
        :class:`CorpusError`; files found in folders, and zip members, that cannot be
        read are skipped and listed in ``last_stats.skipped`` (and :attr:`skipped`).
    lowercase : fold text to lower case first.
    token_pattern : regular expression a token must match (checked by
        :func:`w2v_gui.core.config.token_pattern_problem`).
    """

    def __init__(
        self,
        paths: Sequence[str | os.PathLike] | str | os.PathLike,
        *,
        lowercase: bool = True,
        token_pattern: str = DEFAULT_TOKEN_PATTERN,
        chunk_bytes: int = CHUNK_BYTES,
    ):
        self.files, self._listing_skipped = expand(paths)
        given = {Path(p) for p in ([paths] if isinstance(paths, (str, os.PathLike)) else paths)}
        self._explicit = {f for f in self.files if f in given}
        self.lowercase = lowercase
        self.token_pattern = token_pattern
        problem = token_pattern_problem(token_pattern)
        if problem is not None:
            raise CorpusError(f"token pattern {token_pattern!r}: {problem}")
        # Line breaks are kept as tokens so sentence ends survive chunking.
        self._regex = re.compile(r"\n|" + f"(?:{token_pattern})")
        self.chunk_bytes = chunk_bytes
        self.total_bytes = sum(_size(f) for f in self.files)
        self.last_stats: ReadStats | None = None

    @classmethod
    def from_config(cls, paths, config) -> Corpus:
        return cls(paths, lowercase=config.lowercase, token_pattern=config.token_pattern)

    def __repr__(self) -> str:
        return f"Corpus({[str(f) for f in self.files]!r})"

    @property
    def skipped(self) -> tuple[Skipped, ...]:
        """What was not read: found while listing folders, and in the last full pass."""
        if self.last_stats is not None:
            return self.last_stats.skipped
        return tuple(self._listing_skipped)

    def tokenize(self, text: str) -> list[str]:
        """Tokens of ``text`` with ``NEWLINE`` marking line breaks."""
        if self.lowercase:
            text = text.lower()
        return self._regex.findall(text)

    def preview(self, max_chars: int = 2000) -> str:
        """The first ``max_chars`` characters of the first readable file, for display."""
        first_error: CorpusError | None = None
        for path in self.files:
            try:
                for m in open_members(path):
                    if m.raw is None:
                        continue
                    with m.raw:
                        try:
                            head = m.raw.read(max_chars * 4)
                        except DECODE_ERRORS as exc:
                            raise CorpusError(f"{m.name}: {describe(exc)}") from None
                    _sniff_binary(head[:4096], m.name)
                    decoder, head = self._make_decoder(head, _InvalidCounter())
                    return decoder.decode(head)[:max_chars]
            except CorpusError as exc:
                if path in self._explicit:
                    raise
                first_error = first_error or exc
        return ""

    def iter_chunks(
        self, progress: Callable[[int, int], None] | None = None
    ) -> Iterator[list[str]]:
        """Yield token lists of bounded size; ``NEWLINE`` tokens mark sentence ends.

        ``progress(bytes_done, total_bytes)`` is called after each chunk (compressed
        bytes for compressed files). Statistics of the pass land in ``last_stats``.

        Raises
        ------
        CorpusError
            A file given explicitly cannot be read to its end (damaged, truncated,
            binary), or nothing at all could be read; one line naming the file.
        """
        for text in self.iter_texts(progress):
            tokens = self._regex.findall(text)
            if tokens:
                yield tokens

    def iter_texts(self, progress: Callable[[int, int], None] | None = None) -> Iterator[str]:
        """The pass of :meth:`iter_chunks` as text: chunks cut at whitespace, already
        lowercased if ``lowercase``, and ``NEWLINE`` after each file.

        ``self.regex.findall`` of each gives the chunks of :meth:`iter_chunks` (the
        vocabulary scan splits them faster itself, see :mod:`w2v_gui.core.tokenids`).
        Same progress, statistics and errors as :meth:`iter_chunks`.
        """
        counter = _InvalidCounter()
        done_before = 0
        nbytes = 0
        files = 0
        skipped = list(self._listing_skipped)
        for path in self.files:
            size = _size(path)
            read_any = False
            try:
                for m in open_members(path):
                    if m.raw is None:
                        skipped.append(Skipped(m.name, m.reason))
                        continue
                    with m.raw:
                        done = 0
                        invalid = counter.count  # as of the last chunk that was used
                        try:
                            for text, n in self._read(m, counter, progress, done_before, size):
                                nbytes += n
                                done += n
                                invalid = counter.count
                                read_any = True
                                yield text
                        except CorpusError as exc:
                            # The refused chunk's replaced bytes were never used: uncount them.
                            counter.count = invalid
                            if path in self._explicit and m.name == str(path):
                                raise
                            # What came before the damage was counted already: say so.
                            kept = f" (its first {done:,} bytes were read)" if done else ""
                            skipped.append(Skipped(m.name, _reason(exc, m.name) + kept))
                    # A file's end ends a sentence.
                    yield NEWLINE
            except CorpusError as exc:
                if path in self._explicit:
                    raise
                skipped.append(Skipped(str(path), _reason(exc, str(path))))
            files += read_any
            done_before += size
            if progress is not None:
                progress(done_before, self.total_bytes)
        self.last_stats = ReadStats(files, nbytes, counter.count, tuple(skipped))
        if not files and skipped:
            more = f" (and {len(skipped) - 1} more)" if len(skipped) > 1 else ""
            raise CorpusError(f"nothing could be read: {skipped[0]}{more}")

    @property
    def regex(self) -> re.Pattern:
        """``NEWLINE`` or a token: what :meth:`tokenize` finds."""
        return self._regex

    def _read(self, m, counter, progress, done_before: int, size: int):
        """(text, bytes) of one stream, chunk by chunk (lowercased if ``lowercase``)."""
        raw, name = m.raw, m.name
        decoder = None
        tail = ""
        utf8 = True  # control bytes count as binary only in UTF-8 (UTF-16 is full of NULs)
        offset = 0
        while True:
            try:
                block = raw.read(self.chunk_bytes)
            except DECODE_ERRORS as exc:
                raise CorpusError(f"{name}: {describe(exc)}") from None
            if decoder is None:
                _sniff_binary(block[:4096], name)
                decoder, block = self._make_decoder(block, counter)
                utf8 = isinstance(decoder, _DECODER_UTF8)
            before = counter.count
            text = tail + decoder.decode(block, final=not block)
            if block and _binary_block(block, counter.count - before, utf8):
                where = f" from byte {offset:,}" if offset else ""
                raise CorpusError(
                    f"{name}: looks like a binary file, not text{where} (too many of the "
                    f"bytes there are control codes or not valid UTF-8)"
                )
            offset += len(block)
            if block:
                # Keep the last partial word for the next chunk.
                cut = _last_break(text)
                text, tail = text[:cut], text[cut:]
            else:
                tail = ""
            yield (text.lower() if self.lowercase else text), len(block)
            if progress is not None:
                pos = _raw_position(raw)
                progress(
                    done_before + min(pos, size) if pos is not None else done_before,
                    self.total_bytes,
                )
            if not block:
                break

    @staticmethod
    def _make_decoder(block: bytes, counter: _InvalidCounter):
        encoding = "utf-8"
        if block.startswith(codecs.BOM_UTF8):
            block = block[3:]
        elif block.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            encoding = "utf-16"
        else:
            encoding = _utf16_without_bom(block[:4096]) or encoding
        return codecs.getincrementaldecoder(encoding)(errors=counter.name), block


_DECODER_UTF8 = type(codecs.getincrementaldecoder("utf-8")())


def _last_break(text: str) -> int:
    """Index just after the last whitespace in ``text``, so no word is split in two."""
    i = max(text.rfind("\n"), text.rfind(" "), text.rfind("\t"), text.rfind("\r"))
    # A chunk without any whitespace: cut anyway rather than grow without bound.
    return i + 1 if i >= 0 else len(text)


def _raw_position(raw) -> int | None:
    for obj in (getattr(raw, "fileobj", None), getattr(raw, "_fp", None), raw):
        if obj is None:
            continue
        try:
            return obj.tell()
        except (OSError, AttributeError, ValueError):
            continue
    return None


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0  # gone since it was listed: reading it will say so


def _reason(exc: CorpusError, name: str) -> str:
    """The message of ``exc`` without the file name it starts with."""
    text = str(exc)
    return text[len(name) + 2 :] if text.startswith(name + ": ") else text
