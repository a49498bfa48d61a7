"""``w2v train``: train on text, continue a stopped run, and keep what Ctrl-C interrupted.

    w2v train CORPUS [CORPUS...] -o OUT [--vector-size N ...]
    w2v train --resume MODEL.npz [CORPUS...] [-o OUT]

Ctrl-C stops after the batches in flight and saves what was trained (to a ``.npz``,
the run can be continued with ``--resume``); a second Ctrl-C while saving leaves the
old file. Files found in folders that cannot be read are skipped and listed on stderr.
"""

from __future__ import annotations

import argparse
import os
import signal
import threading
import time
from typing import TextIO

from w2v_gui.core.config import TrainingConfig
from w2v_gui.core.errors import CorpusError, W2VError

_OUTPUT_EXTENSIONS = (".npz", ".bin", ".txt", ".vec")
EXIT_INTERRUPTED = 130


def add_arguments(t: argparse.ArgumentParser) -> None:
    """The options of ``train`` that are not TrainingConfig fields."""
    t.add_argument(
        "corpus",
        nargs="*",
        help="text files or folders (.txt .gz .bz2 .xz .zip); with --resume, "
        "the corpus the model records when omitted",
    )
    t.add_argument(
        "-o",
        "--output",
        help="output file; the extension picks the format: .npz (native model, can be "
        "continued), .bin (word2vec binary), .txt or .vec (word2vec text); with "
        "--resume, the resumed file when omitted",
    )
    t.add_argument(
        "--resume",
        metavar="MODEL.npz",
        help="continue the stopped run saved in MODEL.npz (by w2v train or the app), "
        "with its own settings, on the same text",
    )
    t.add_argument("-q", "--quiet", action="store_true", help="no progress bar")


def train(args, err: TextIO, progress_line) -> int:
    from w2v_gui.core import cli_phrases
    from w2v_gui.core.corpus import Corpus
    from w2v_gui.core.formats import check_writable, native
    from w2v_gui.core.vocab import CACHE_OVER_TOKENS, scan

    options = {
        k: getattr(args, k)
        for k in TrainingConfig.__dataclass_fields__
        if getattr(args, k, None) is not None
    }
    model = None
    if args.resume:
        model, config, paths = _resumable(args.resume, options, args.corpus)
        out = args.output or args.resume
    else:
        if not args.corpus:
            raise ValueError("give the corpus to train on (files or folders), or --resume")
        if not args.output:
            raise ValueError("give the output file with -o (e.g. -o model.npz)")
        config, paths, out = TrainingConfig(**options), args.corpus, args.output
    ext = os.path.splitext(out)[1].lower()
    if ext not in _OUTPUT_EXTENSIONS:
        raise ValueError(f"output {out!r}: use .npz, .bin, .txt or .vec")
    check_writable(out)  # now, not after an hour of training
    corpus = Corpus.from_config(paths, config)
    tty = err.isatty() and not args.quiet

    def read_progress(done: int, total: int) -> None:
        if tty:
            err.write(f"\rreading {done / max(total, 1) * 100:5.1f}%")
            err.flush()

    t0 = time.perf_counter()
    # Big corpora keep their ids on disk (core/tokencache.py): memory stays bounded. The
    # phrase pass reads the ids whole, so with phrases they stay in memory.
    sc = scan(corpus, read_progress, cache_over=None if config.phrases else CACHE_OVER_TOKENS)
    if tty:
        err.write("\r\033[K")
    for s in sc.stats.skipped:  # always, even with -q: the person should know
        err.write(f"w2v: skipped {s}\n")
    vocab, stream = cli_phrases.build(sc, config, err, args.quiet)  # phrases first, if asked
    if not args.quiet:
        bad = f", {sc.stats.invalid_bytes} invalid bytes replaced" if sc.stats.invalid_bytes else ""
        skipped = f", {len(sc.stats.skipped)} skipped" if sc.stats.skipped else ""
        err.write(
            f"{sc.raw_words:,} words, vocabulary {len(vocab):,} at min_count "
            f"{config.min_count} ({time.perf_counter() - t0:.1f}s{bad}{skipped})\n"
        )
    start = {} if model is None else _start_from(model, sc, vocab)
    from w2v_gui.core.resume import corpus_record
    from w2v_gui.core.sgns import Trainer

    trainer = Trainer(config, vocab, stream, report_interval=0.5 if tty else 5.0, **start)
    stop = threading.Event()
    rec = None
    interrupted = False
    run = trainer.run(stop=stop)
    try:
        for rec in run:
            if not args.quiet:
                err.write(("\r" if tty else "") + progress_line(rec) + ("" if tty else "\n"))
                err.flush()
    except KeyboardInterrupt:
        stop.set()
        run.close()  # (if Ctrl-C came while printing) run()'s finally joins the workers
        interrupted = True
    if tty:
        err.write("\n")
    finished = trainer.finished
    emb = trainer.snapshot()
    # A second Ctrl-C now would leave a half-saved file's temporary: finish the save first.
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN) if _main_thread() else None
    try:
        if ext == ".npz":
            state = {
                **trainer.state(),
                "corpus": corpus_record(paths, sc, config),
                "finished": finished,
            }
            native.save(out, emb, context=trainer.context_snapshot(), config=config, state=state)
        else:
            from w2v_gui.core.formats import save_embeddings

            save_embeddings(emb, out)
    finally:
        if previous is not None:
            signal.signal(signal.SIGINT, previous)
    seconds = f" ({rec.elapsed:.1f}s training)" if rec is not None else ""
    if interrupted or not finished:
        again = (
            f"; continue with: w2v train --resume {out}"
            if ext == ".npz"
            else " (save as .npz to be able to continue)"
        )
        err.write(
            f"interrupted: saved the {len(emb):,} vectors trained so far to {out}{seconds}{again}\n"
        )
        return EXIT_INTERRUPTED
    if not args.quiet:
        err.write(
            f"saved {len(emb):,} vectors of {config.vector_size} dimensions to {out}{seconds}\n"
        )
    return 0


def _main_thread() -> bool:
    return threading.current_thread() is threading.main_thread()


def _resumable(path: str, options: dict, corpus: list[str]):
    """(model, config, corpus paths) of the stopped run in ``path``; ValueError if none."""
    from w2v_gui.core.cli import _must_exist
    from w2v_gui.core.formats import NATIVE, detect_format, native
    from w2v_gui.core.resume import resume_problem

    _must_exist(path)
    if detect_format(path) != NATIVE:
        raise ValueError(f"{path}: only a native .npz model can be continued")
    model = native.load(path)
    problem = resume_problem(model)
    if problem is not None:
        raise W2VError(f"{path}: cannot continue: {problem}")
    config = model.config
    differ = sorted(k for k, v in options.items() if getattr(config, k) != v)
    if differ:
        flags = ", ".join("--" + k.replace("_", "-") for k in differ)
        raise ValueError(
            f"{path}: a continued run keeps its own settings; drop {flags} (or train anew)"
        )
    return model, config, corpus or list(model.state["corpus"]["paths"])


def _start_from(model, sc, vocab) -> dict:
    """Trainer arguments that continue ``model`` on the text just scanned."""
    from w2v_gui.core.resume import scan_checksum

    then = model.state["corpus"]
    checksum = then.get("checksum")
    if sc.raw_words != then["raw_words"] or checksum not in (None, scan_checksum(sc)):
        raise CorpusError(
            f"{sc.source}: the corpus changed since the model was saved ({sc.raw_words:,} "
            f"words now, {then['raw_words']:,} then); training can only continue on the "
            f"same text"
        )
    if tuple(vocab.words) != tuple(model.embeddings.words):
        raise CorpusError(
            f"{sc.source}: the text gives another vocabulary ({len(vocab):,} words) than "
            f"the model was trained on ({len(model.embeddings):,})"
        )
    return {"vectors": model.embeddings.vectors, "context": model.context, "state": model.state}
