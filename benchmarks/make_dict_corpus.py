"""Build a text8-like benchmark corpus from Debian's dictionary packages.

    apt-get install dict-gcide dict-foldoc dict-jargon
    python benchmarks/make_dict_corpus.py            # -> benchmarks/data/dict8.txt
    python benchmarks/make_dict_corpus.py --repeat 8 --out benchmarks/data/dict8-x8.txt

Like text8 (Wikipedia lowercased, letters only, one line): the definitions of GCIDE (the
GNU Collaborative International Dictionary of English, 1913 Webster and later additions;
GPL), FOLDOC (Free On-line Dictionary of Computing; GFDL) and the Jargon File (public
domain), lowercased, reduced to runs of the letters a–z (digits and punctuation dropped),
with the dictionaries' markup removed: source tags such as ``[1913 Webster]`` (with
etymologies, which are bracketed too), pronunciations ``\\A*buse"\\``, cross-reference
braces. There is no sentence structure: the running text is cut into lines of
``--line-words`` words (1,000; gensim's iterable mode drops words past 10,000 per
sentence, so one single text8 line would not be read alike by every engine). About 6.2M
words. The data stays out of git (benchmarks/data/ is ignored).

``--repeat N`` writes the text N times with its lines in a random order each time (the
corpus-scale benchmark of issue 15: ~50M words that cost like 50M words, with the same
vocabulary as the base).
"""

from __future__ import annotations

import argparse
import gzip
import random
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent
SOURCES = ("gcide", "foldoc", "jargon")
DICTD = Path("/usr/share/dictd")
# Markup: bracketed source tags and etymologies, backslashed pronunciations, and the
# headwords' syllable stars.
_MARKUP = re.compile(r"\[[^\]\n]*\]|\\[^\\\n]*\\|\*")
_WORD = re.compile(r"[a-z]+")


def words_of(name: str) -> list[str]:
    path = DICTD / f"{name}.dict.dz"  # dictzip is gzip with an index: gzip reads it
    if not path.exists():
        raise SystemExit(f"{path} is missing: apt-get install dict-{name}")
    with gzip.open(path, "rt", encoding="utf-8", errors="replace") as fh:
        text = fh.read()
    return _WORD.findall(_MARKUP.sub(" ", text).lower())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default=str(ROOT / "data" / "dict8.txt"))
    ap.add_argument("--line-words", type=int, default=1000)
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    words: list[str] = []
    for name in SOURCES:
        w = words_of(name)
        print(f"{name}: {len(w):,} words")
        words += w
    k = args.line_words
    lines = [" ".join(words[i : i + k]) + "\n" for i in range(0, len(words), k)]
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    rng = random.Random(args.seed)
    tmp = out.with_suffix(".tmp")
    with open(tmp, "w", encoding="ascii") as fh:
        for r in range(args.repeat):
            if r:
                rng.shuffle(lines)
            fh.writelines(lines)
    tmp.replace(out)
    print(f"{out}: {len(words) * args.repeat:,} words in {len(lines) * args.repeat:,} lines")


if __name__ == "__main__":
    main()
