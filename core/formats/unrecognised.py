"""What to tell a person whose file is not a vector file we read, by what it looks like."""

from __future__ import annotations

GENERIC = (
    "not a recognised vector file (expected word2vec text or binary with a "
    "'<count> <dimensions>' first line, GloVe text with a word and its "
    "numbers on each line, a projector vectors.tsv, or a native .npz "
    "model)"
)

GENSIM_PICKLE = (
    "this is a Python pickle (gensim's model.save() writes these, as .model or .kv), "
    "which is never loaded here: unpickling runs code from the file. In gensim, write "
    "the vectors to a readable file with "
    "model.wv.save_word2vec_format('vectors.bin', binary=True) "
    "(or kv.save_word2vec_format(...) for KeyedVectors) and open vectors.bin"
)


def message(head: bytes) -> str:
    """The reason a file starting with ``head`` is refused, with the way out if known."""
    # Pickle protocols 2-5 start with PROTO (0x80) and the protocol number; gensim
    # saves with protocol 4. Protocols 0/1 have no signature and fall to the generic text.
    if len(head) >= 2 and head[0] == 0x80 and 2 <= head[1] <= 5:
        return GENSIM_PICKLE
    return GENERIC
