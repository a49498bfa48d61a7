"""Reading text sources into token streams.

A corpus is one or more files (plain, .gz, .bz2, .xz, .zip) or folders of them. Text is
decoded as UTF-8 with invalid bytes replaced and counted, read in chunks of bounded size
(a 100 MB file without a single newline is fine), lowercased and split by a regular
expression. Each line is a sentence: context windows never cross a line break.
"""

from __future__ import annotations

import bz2
import codecs
import gzip
import io
import lzma
import os
import re
import threading
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from w2v_gui.core.config import DEFAULT_TOKEN_PATTERN
from w2v_gui.core.errors import CorpusError

TEXT_SUFFIXES = {".txt", ".text", ".gz", ".bz2", ".xz", ".zip", ".md", ".csv", ".tsv", ""}
# Tokenizing a chunk holds the interpreter lock (~70 ms per MB): small enough that a GUI
# reading in another thread stays responsive, large enough to amortise the per-chunk cost.
CHUNK_BYTES = 1 << 20
# Marks a line break inside a chunk's token list (cannot collide: tokens never hold "\n").
NEWLINE = "\n"

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
    """What a full pass over the corpus saw."""

    files: int
    bytes_read: int
    invalid_bytes: int


def expand_paths(paths: Sequence[str | os.PathLike]) -> list[Path]:
    """Turn files and folders into a sorted list of readable files.

    Folders are searched recursively; hidden files and files with suffixes that are
    clearly not text (images, executables, ...) are skipped.
    """
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            found = sorted(
                f
                for f in p.rglob("*")
                if f.is_file()
                and not any(part.startswith(".") for part in f.relative_to(p).parts)
                and f.suffix.lower() in TEXT_SUFFIXES
            )
            if not found:
                raise CorpusError(
                    f"{p}: the folder holds no text files (.txt, .gz, .bz2, .xz, .zip)"
                )
            out.extend(found)
        elif p.is_file():
            out.append(p)
        elif p.exists():
            raise CorpusError(f"{p}: not a regular file")
        else:
            raise CorpusError(f"{p}: no such file or folder")
    if not out:
        raise CorpusError("no corpus files given")
    return out


def _open_binary(path: Path) -> Iterator[tuple[str, io.BufferedIOBase]]:
    """Yield (display name, byte stream) for each text member of ``path``."""
    suffix = path.suffix.lower()
    try:
        if suffix == ".gz":
            yield str(path), gzip.open(path, "rb")
        elif suffix == ".bz2":
            yield str(path), bz2.open(path, "rb")
        elif suffix == ".xz":
            yield str(path), lzma.open(path, "rb")
        elif suffix == ".zip":
            with zipfile.ZipFile(path) as zf:
                names = sorted(
                    n
                    for n in zf.namelist()
                    if not n.endswith("/") and Path(n).suffix.lower() in TEXT_SUFFIXES - {".zip"}
                )
                if not names:
                    raise CorpusError(f"{path}: the zip archive holds no text files")
                for name in names:
                    with zf.open(name) as fh:
                        yield f"{path}:{name}", fh
                return
        else:
            yield str(path), open(path, "rb")
    except (OSError, zipfile.BadZipFile, EOFError, lzma.LZMAError) as exc:
        raise CorpusError(f"{path}: cannot be read ({exc})") from None


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


class Corpus:
    """Text files read as a restartable stream of token chunks.

    Parameters
    ----------
    paths : files or folders (plain, .gz, .bz2, .xz, .zip).
    lowercase : fold text to lower case first.
    token_pattern : regular expression a token must match.
    """

    def __init__(
        self,
        paths: Sequence[str | os.PathLike] | str | os.PathLike,
        *,
        lowercase: bool = True,
        token_pattern: str = DEFAULT_TOKEN_PATTERN,
        chunk_bytes: int = CHUNK_BYTES,
    ):
        self.files = expand_paths(paths)
        self.lowercase = lowercase
        self.token_pattern = token_pattern
        try:
            # Line breaks are kept as tokens so sentence ends survive chunking.
            self._regex = re.compile(r"\n|" + f"(?:{token_pattern})")
        except re.error as exc:
            raise CorpusError(f"token pattern is not a valid regular expression: {exc}") from None
        self.chunk_bytes = chunk_bytes
        self.total_bytes = sum(f.stat().st_size for f in self.files)
        self.last_stats: ReadStats | None = None

    @classmethod
    def from_config(cls, paths, config) -> Corpus:
        return cls(paths, lowercase=config.lowercase, token_pattern=config.token_pattern)

    def __repr__(self) -> str:
        return f"Corpus({[str(f) for f in self.files]!r})"

    def tokenize(self, text: str) -> list[str]:
        """Tokens of ``text`` with ``NEWLINE`` marking line breaks."""
        if self.lowercase:
            text = text.lower()
        return self._regex.findall(text)

    def preview(self, max_chars: int = 2000) -> str:
        """The first ``max_chars`` characters of the first file, decoded for display."""
        for name, raw in _open_binary(self.files[0]):
            with raw:
                head = raw.read(max_chars * 4)
            _sniff_binary(head[:4096], name)
            decoder, head = self._make_decoder(head, _InvalidCounter())
            return decoder.decode(head)[:max_chars]
        return ""

    def iter_chunks(
        self, progress: Callable[[int, int], None] | None = None
    ) -> Iterator[list[str]]:
        """Yield token lists of bounded size; ``NEWLINE`` tokens mark sentence ends.

        ``progress(bytes_done, total_bytes)`` is called after each chunk (compressed
        bytes for compressed files). Statistics of the pass land in ``last_stats``.
        """
        counter = _InvalidCounter()
        done_before = 0
        nbytes = 0
        for path in self.files:
            size = path.stat().st_size
            for name, raw in _open_binary(path):
                with raw:
                    decoder = None
                    tail = ""
                    while True:
                        try:
                            block = raw.read(self.chunk_bytes)
                        except (OSError, EOFError, lzma.LZMAError, zipfile.BadZipFile) as exc:
                            raise CorpusError(f"{name}: cannot be read ({exc})") from None
                        if decoder is None:
                            _sniff_binary(block[:4096], name)
                            decoder, block = self._make_decoder(block, counter)
                        nbytes += len(block)
                        text = tail + decoder.decode(block, final=not block)
                        if block:
                            # Keep the last partial word for the next chunk.
                            cut = _last_break(text)
                            text, tail = text[:cut], text[cut:]
                        else:
                            tail = ""
                        tokens = self.tokenize(text)
                        if tokens:
                            yield tokens
                        if progress is not None:
                            pos = _raw_position(raw)
                            progress(
                                done_before + min(pos, size) if pos is not None else done_before,
                                self.total_bytes,
                            )
                        if not block:
                            break
                    # A file's end ends a sentence.
                    yield [NEWLINE]
            done_before += size
            if progress is not None:
                progress(done_before, self.total_bytes)
        self.last_stats = ReadStats(len(self.files), nbytes, counter.count)

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
