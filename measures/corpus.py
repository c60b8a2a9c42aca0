"""Many documents: where they come from (files, folders, JSONL, stdin) and tagging them
in one process or several, in input order, with bounded memory."""
from __future__ import annotations

import codecs
import ctypes
import json
import os
import signal
import sys
from collections import deque
from dataclasses import dataclass
from itertools import chain
from pathlib import Path
from typing import Callable, Iterable, Iterator

from .document import Document, SentenceStream
from .forking import fork_context, quiet_worker, running
from .reading import DocumentError, decode, is_large, iter_pieces, read_document

__all__ = ["Source", "iter_sources", "tag_sources", "DOCUMENT_SUFFIXES"]

DOCUMENT_SUFFIXES = (".txt", ".text", ".md", ".html", ".htm", ".xhtml")


@dataclass
class Source:
    """One document to tag: its name, and its text or the error that stopped reading it.
    A file too large to hold has ``pieces`` instead of ``text``: a function that opens
    it as consecutive pieces of whole lines."""

    name: str
    text: str | None = None
    error: str | None = None
    pieces: Callable[[], Iterator[str]] | None = None


def _jsonl(name: str, lines: Iterable[bytes], first_number: int = 1) -> Iterator[Source]:
    """The records of JSONL ``lines`` (bytes): a line that is not UTF-8 or not a JSON
    object with a text is reported by number and the others go on."""
    for number, raw in enumerate(lines, start=first_number):
        where = f"{name}:{number}"
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError:
            yield Source(where, error=f"{where}: not UTF-8 (JSONL input must be UTF-8)")
            continue
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            yield Source(where, error=f"{where}: not a JSON object ({error.msg})")
            continue
        if not isinstance(record, dict) or not isinstance(record.get("text"), str):
            yield Source(where, error=f"{where}: expected an object with a string field 'text'")
            continue
        yield Source(record_name(record, where), record["text"])


def record_name(record: dict, where: str) -> str:
    """A JSONL record's source name: its ``id``, else its ``source``, else ``where`` it
    was read (a null counts as absent)."""
    name = next((record[key] for key in ("id", "source") if record.get(key) is not None), where)
    return str(name)


def _file(path: Path) -> Iterator[Source]:
    if path.suffix.lower() == ".jsonl":
        try:
            with open(path, "rb") as handle:
                lines = chain([handle.readline().removeprefix(codecs.BOM_UTF8)], handle)
                yield from _jsonl(str(path), lines)
        except OSError as error:
            yield Source(str(path), error=f"{path}: cannot read ({error.strerror})")
        return
    try:
        if is_large(path):
            # One decoding pass first, so a bad byte deep inside is reported before any
            # of the document is written.
            for _ in iter_pieces(path):
                pass
            yield Source(str(path), pieces=lambda: iter_pieces(path))
        else:
            yield Source(str(path), read_document(path))
    except DocumentError as error:
        yield Source(str(path), error=str(error))


def _stdin(stream) -> Iterator[Source]:
    """Standard input: a JSONL stream when its first non-blank line opens a JSON object
    (read line by line, so it may be endless), else one document."""
    first = stream.readline()
    blank = b""
    while first and not first.strip():
        blank += first
        first = stream.readline()
    if first.removeprefix(codecs.BOM_UTF8).lstrip().startswith(b"{"):
        lines = chain([first.removeprefix(codecs.BOM_UTF8)], stream)
        yield from _jsonl("<stdin>", lines, 1 + blank.count(b"\n"))
        return
    try:
        yield Source("<stdin>", decode(blank + first + stream.read(), "<stdin>"))
    except DocumentError as error:
        yield Source("<stdin>", error=str(error))


def read_from_folder(path: Path, folder: Path) -> bool:
    """Whether a file found in the input ``folder`` (at any depth) is read as a document:
    a document or ``.jsonl`` file with no hidden part below the folder (``.git``, or
    ``.ipynb_checkpoints``, whose files are copies of a notebook user's documents)."""
    hidden = any(part.startswith(".") for part in path.relative_to(folder).parts)
    return not hidden and path.suffix.lower() in DOCUMENT_SUFFIXES + (".jsonl",)


def iter_sources(inputs: Iterable[str]) -> Iterator[Source]:
    """Documents named on a command line: files, folders (their document files, sorted,
    recursively, hidden ones left out), ``.jsonl`` files (one ``{"id", "text"}`` object a line) and ``-``
    (standard input: JSONL when its first non-blank line opens a JSON object, else one
    document)."""
    for item in inputs:
        if item == "-":
            yield from _stdin(sys.stdin.buffer)
            continue
        path = Path(item)
        if path.is_dir():
            found = False
            for root, dirs, files in os.walk(path):
                dirs[:] = sorted(name for name in dirs if not name.startswith("."))
                for name in sorted(files):
                    child = Path(root) / name
                    if read_from_folder(child, path):
                        found = True
                        yield from _file(child)
            if not found:
                yield Source(str(path), error=f"{path}: no document files ({', '.join(DOCUMENT_SUFFIXES)}, .jsonl) in this folder")
        elif path.exists():
            yield from _file(path)
        else:
            yield Source(str(path), error=f"{path}: no such file or folder")


# --- tagging ------------------------------------------------------------------------------

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
    return list(_WORKER_MODEL.tag_many([text for _, text in items], [name for name, _ in items]))


# Consecutive small documents are tagged (and sent to workers) in groups of about this
# many characters: classifying their sentences together is much faster than one by one.
GROUP_CHARS = 20_000


def _groups(sources: Iterable[Source]) -> Iterator[list[Source]]:
    """Consecutive readable, in-memory sources in groups; any other source alone."""
    group, size = [], 0
    for source in sources:
        if source.error is None and source.pieces is None:
            group.append(source)
            size += len(source.text)
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
    return group[0].error is None and group[0].pieces is None


def _in_process(model, source: Source, stream_large: bool):
    if source.error is not None:
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
                yield from zip(group, model.tag_many([s.text for s in group], [s.name for s in group]))
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
