"""Rebuild the bundled demo corpus from the WordNet 3.0 database (stdlib only).

    python assets/build_demo_corpus.py [--wordnet-dir /usr/share/wordnet] \
        [-o assets/wordnet-demo.txt.gz]

Debian's ``wordnet-base`` package provides the database files. One line per sentence,
gzip-compressed with a fixed timestamp so rebuilds are byte-identical. For every synset:

* each of its words followed by each definition: ``king : a male sovereign``;
* its example sentences;
* each word placed under its hypernyms: ``king is a sovereign : <the sovereign's
  definition>`` (the definition after the first word only), or ``to run is to travel``;
* its words as one list: ``king , male monarch``.

Instances of people (lexicographer file ``noun.person``) are left out, and other
instances give just their definitions and examples: thousands of biographies otherwise
pull *king* towards *son* and proper names. Written so that word2vec sees words next to
what defines them; with the app's defaults king − man + woman gives queen.
"""

from __future__ import annotations

import argparse
import gzip
import os
import re
from collections.abc import Iterator

POS_FILES = (("noun", "n"), ("verb", "v"), ("adj", "a"), ("adv", "r"))
ADJ_MARK = re.compile(r"\((?:a|p|ip)\)$")
QUOTE = re.compile(r'"([^"]*)"?')
PERSON_LEXFILE = "18"  # noun.person


def parse_line(line: str) -> dict:
    """One synset from a ``data.*`` line (format: wndb(5))."""
    data, _, gloss = line.partition(" | ")
    f = data.split()
    offset, lexfile, sstype, wcnt = f[0], f[1], f[2], int(f[3], 16)
    words = [ADJ_MARK.sub("", f[4 + 2 * i]) for i in range(wcnt)]
    i = 4 + 2 * wcnt
    pcnt = int(f[i])
    i += 1
    pointers = []
    for _ in range(pcnt):
        pointers.append((f[i], f[i + 1], f[i + 2], f[i + 3]))  # symbol, offset, pos, src/dst
        i += 4
    gloss = gloss.strip()
    examples = [m.group(1).strip() for m in QUOTE.finditer(gloss)]
    definitions = [d.strip() for d in QUOTE.sub(";", gloss).split(";") if d.strip()]
    return {
        "offset": offset,
        "lexfile": lexfile,
        "pos": sstype,
        "words": words,
        "pointers": pointers,
        "definitions": definitions,
        "examples": examples,
    }


def read_synsets(wordnet_dir: str) -> dict[tuple[str, str], dict]:
    synsets = {}
    for name, pos in POS_FILES:
        with open(os.path.join(wordnet_dir, "data." + name), encoding="utf-8") as fh:
            for line in fh:
                if line.startswith(" "):  # the licence header
                    continue
                s = parse_line(line.rstrip("\n"))
                synsets[("a" if s["pos"] == "s" else pos, s["offset"])] = s
    return synsets


def sentences(synsets: dict[tuple[str, str], dict]) -> Iterator[str]:
    def synset(pos: str, offset: str) -> dict:
        return synsets[("a" if pos == "s" else pos, offset)]

    def article(word: str) -> str:
        return ("an " if word[0].lower() in "aeiou" else "a ") + word

    def phrase(word: str) -> str:
        return word.replace("_", " ")

    for s in synsets.values():
        words = [phrase(w) for w in s["words"]]
        instance = any(p[0] == "@i" for p in s["pointers"])
        if instance:
            if s["lexfile"] == PERSON_LEXFILE:
                continue
            yield from s["definitions"]
            yield from s["examples"]
            continue
        for head in words:
            for d in s["definitions"]:
                yield f"{head} : {d}"
        yield from s["examples"]
        hypernyms = [synset(pos, off) for sym, off, pos, _ in s["pointers"] if sym in ("@", "@i")]
        for i, head in enumerate(words):
            for h in hypernyms:
                names = " , ".join(phrase(w) for w in h["words"])
                if s["pos"] != "n":
                    yield f"to {head} is to {names}"
                    continue
                line = f"{head} is {article(names)}"
                if i == 0:
                    line += " : " + " ; ".join(h["definitions"])
                yield line
        if len(words) > 1:
            yield " , ".join(words)


def main() -> None:
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--wordnet-dir", default="/usr/share/wordnet")
    ap.add_argument("-o", "--output", default=os.path.join(here, "wordnet-demo.txt.gz"))
    args = ap.parse_args()
    lines = 0
    with (
        open(args.output, "wb") as raw,
        gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as gz,
    ):
        for text in sentences(read_synsets(args.wordnet_dir)):
            gz.write((text + "\n").encode("utf-8"))
            lines += 1
    print(f"wrote {lines:,} lines to {args.output}")


if __name__ == "__main__":
    main()
