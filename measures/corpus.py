"""Many documents: where they come from (files, folders, JSONL, stdin) and tagging them
in one process or several, in input order, with bounded memory."""
from __future__ import annotations

import codecs
import json
import os
import sys
from collections import deque
from dataclasses import dataclass
from itertools import chain
from pathlib import Path
from typing import Callable, Iterable, Iterator

from .document import Document, SentenceStream
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


def _jsonl(path: str, handle, first_number: int = 1) -> Iterator[Source]:
    for number, line in enumerate(handle, start=first_number):
        if not line.strip():
            continue
        where = f"{path}:{number}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            yield Source(where, error=f"{where}: not a JSON object ({error.msg})")
            continue
        if not isinstance(record, dict) or not isinstance(record.get("text"), str):
            yield Source(where, error=f"{where}: expected an object with a string field 'text'")
            continue
        name = record.get("id", record.get("source", where))
        yield Source(str(name), record["text"])


def _file(path: Path) -> Iterator[Source]:
    if path.suffix.lower() == ".jsonl":
        try:
            with open(path, encoding="utf-8-sig") as handle:
                yield from _jsonl(str(path), handle)
        except UnicodeDecodeError:
            yield Source(str(path), error=f"{path}: JSONL input must be UTF-8")
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
        start = 1 + blank.count(b"\n")
        yield from _jsonl("<stdin>", _decoded_lines(lines, "<stdin>", start), start)
        return
    try:
        yield Source("<stdin>", decode(blank + first + stream.read(), "<stdin>"))
    except DocumentError as error:
        yield Source("<stdin>", error=str(error))


def _decoded_lines(lines, name: str, first_number: int) -> Iterator[str]:
    # A line that is not UTF-8 becomes one that _jsonl reports as not JSON, by number.
    for number, line in enumerate(lines, start=first_number):
        try:
            yield line.decode("utf-8")
        except UnicodeDecodeError:
            yield f"<line {number} of {name} is not UTF-8>"


def iter_sources(inputs: Iterable[str]) -> Iterator[Source]:
    """Documents named on a command line: files, folders (their document files, sorted,
    recursively), ``.jsonl`` files (one ``{"id", "text"}`` object a line) and ``-``
    (standard input: one document, or JSONL when every line is a JSON object)."""
    for item in inputs:
        if item == "-":
            yield from _stdin(sys.stdin.buffer)
            continue
        path = Path(item)
        if path.is_dir():
            found = False
            for root, dirs, files in os.walk(path):
                dirs.sort()
                for name in sorted(files):
                    child = Path(root) / name
                    if child.suffix.lower() in DOCUMENT_SUFFIXES + (".jsonl",):
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


def _init_worker(model_path, trusted):
    global _WORKER_MODEL
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

    from .forking import fork_context

    global _WORKER_MODEL
    context, initializer, initargs = fork_context(), None, ()
    if context is not None:
        # Forked workers share this process's model and segmenter dictionary (loaded
        # here first) page for page, instead of each loading its own copy.
        model.predict(["预热"])
        _WORKER_MODEL = model
    else:
        context, initializer, initargs = multiprocessing.get_context("spawn"), _init_worker, (model_path, trusted)
    with ProcessPoolExecutor(jobs, mp_context=context, initializer=initializer, initargs=initargs) as pool:
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
