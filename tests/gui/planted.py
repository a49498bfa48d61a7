"""A small corpus with planted structure: gender × status × age.

Each line is one person word with context words drawn from its three attributes, so
king − man + woman lands on queen and nowhere else.
"""

from __future__ import annotations

import random

PEOPLE = {
    ("m", "royal", "adult"): "king",
    ("f", "royal", "adult"): "queen",
    ("m", "common", "adult"): "man",
    ("f", "common", "adult"): "woman",
    ("m", "royal", "young"): "prince",
    ("f", "royal", "young"): "princess",
    ("m", "common", "young"): "boy",
    ("f", "common", "young"): "girl",
}
CONTEXT = {
    "m": ["he", "his", "him", "himself", "sir", "beard"],
    "f": ["she", "her", "hers", "herself", "madam", "gown"],
    "royal": ["crown", "throne", "palace", "reign", "court", "royal"],
    "common": ["street", "farm", "market", "village", "work", "house"],
    "adult": ["adult", "old", "elder", "grown", "mature", "aged"],
    "young": ["young", "child", "small", "little", "youth", "junior"],
}


def planted_text(lines: int = 3000, seed: int = 0) -> str:
    rnd = random.Random(seed)
    people = list(PEOPLE.items())
    out = []
    for _ in range(lines):
        attributes, person = rnd.choice(people)
        words = [person] + [w for a in attributes for w in rnd.sample(CONTEXT[a], 2)]
        rnd.shuffle(words)
        out.append(" ".join(words))
    return "\n".join(out) + "\n"
