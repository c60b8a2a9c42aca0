"""Tagging many documents (the :class:`~measures.sources.Source` objects of
:mod:`measures.sources`) in one process or several, in input order, with bounded memory."""
from __future__ import annotations

import ctypes
import os
import signal
import sys
from collections import deque
from typing import Iterable, Iterator, cast

from .document import Document, SentenceStream, tag_documents
from .forking import fork_context, quiet_worker, running
from .sources import Source

__all__ = ["tag_sources"]

_WORKER_MODEL = None
_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>


def _init_worker(parent: int, load: bool, model_path, trusted):
    """Set up a worker: it ends with its parent, and loads the model unless it was
    forked with it (``load`` false)."""
    global _WORKER_MODEL
    quiet_worker()
    if sys.platform.startswith("linux"):
        # Killed with the parent, however it ends (kill -9 included), instead of waiting
        # forever for work from a process that is gone.
        ctypes.CDLL(None).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    if os.getppid() != parent:  # the parent ended before the line above
        os._exit(1)
    if load:
        from .persistence import load_model

        _WORKER_MODEL = load_model(model_path, trusted=trusted)


def _tag_texts(items):
    return list(tag_documents(_WORKER_MODEL, [(text, name) for name, text in items]))


# Consecutive small documents are tagged (and sent to workers) in groups of about this
# many characters: classifying their sentences together is much faster than one by one.
# Each document counts for DOCUMENT_CHARS besides its text, so that a run of empty texts
# (failed scrapes in a JSONL file) closes its group at 500 too, not at the run's end.
GROUP_CHARS = 20_000
DOCUMENT_CHARS = 40


def _groups(sources: Iterable[Source]) -> Iterator[list[Source]]:
    """Consecutive readable, in-memory sources in groups; any other source alone."""
    group, size = [], 0
    for source in sources:
        if source.text is not None:
            group.append(source)
            size += len(source.text) + DOCUMENT_CHARS
            if size >= GROUP_CHARS:
                yield group
                group, size = [], 0
            continue
        if group:
            yield group
            group, size = [], 0
        yield [source]
    if group:
        yield group


def _plain(group: list[Source]) -> bool:
    return group[0].text is not None


def _in_process(model, source: Source, stream_large: bool):
    if source.pieces is None:  # it could not be read: source.error says why
        return None
    stream = SentenceStream(model, source.pieces(), source.name)
    return stream if stream_large else Document(list(stream), source.name, stream.labels)


def tag_sources(model, sources: Iterable[Source], jobs: int = 1, model_path=None,
                trusted: bool = False, stream_large: bool = False) -> Iterator[tuple[Source, object]]:
    """Yield ``(source, document or None)`` in input order.

    Small documents are tagged in groups (see GROUP_CHARS). With ``jobs > 1`` the
    groups are tagged in worker processes; at most ``4 * jobs`` groups are in flight at
    once, so memory stays bounded however long the input is. A large file
    (``source.pieces``) is tagged in this process, piece by piece; with
    ``stream_large`` it comes as a :class:`~measures.document.SentenceStream` to be
    iterated once, so not even its sentences are held.
    """
    if jobs <= 1:
        for group in _groups(sources):
            if _plain(group):
                # tag_documents, not tag_many: these texts were read from files and records,
                # so tag_many's warning about texts that are file names does not apply
                # (a plain group's sources all have their text: _groups makes them so)
                yield from zip(group, tag_documents(model, [(cast(str, s.text), s.name) for s in group]))
            else:
                yield group[0], _in_process(model, group[0], stream_large)
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    global _WORKER_MODEL
    context, load = fork_context(), False
    if context is not None:
        # Forked workers share this process's model and segmenter dictionary (loaded
        # here first) page for page, instead of each loading its own copy.
        model.predict(["预热"])
        _WORKER_MODEL = model
    else:
        context, load = multiprocessing.get_context("spawn"), True
    pool = ProcessPoolExecutor(jobs, mp_context=context, initializer=_init_worker,
                               initargs=(os.getpid(), load, model_path, trusted))
    with running(pool):
        yield from _in_order(pool, model, sources, jobs, stream_large)


def _in_order(pool, model, sources, jobs: int, stream_large: bool):
    """tag_sources' results with ``pool``'s workers, in input order."""
    pending: deque = deque()

    def oldest():
        group, future = pending.popleft()
        return zip(group, future.result())

    for group in _groups(sources):
        if not _plain(group):
            while pending:  # keep input order
                yield from oldest()
            yield group[0], _in_process(model, group[0], stream_large)
            continue
        pending.append((group, pool.submit(_tag_texts, [(s.name, s.text) for s in group])))
        while len(pending) >= 4 * jobs:
            yield from oldest()
    while pending:
        yield from oldest()
