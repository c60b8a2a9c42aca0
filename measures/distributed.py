"""Tagging a corpus on a Dask cluster.

Each worker process loads the model once (model folders load in a fraction of a second
and need no pickling of the model itself); the texts travel, the model does not.

    from dask.distributed import Client
    from measures.distributed import read_jsonl, tag_bag, write_jsonl

    client = Client("scheduler-address:8786")          # or Client() for a local cluster
    client.forward_logging("measures")                 # files and lines left out, said here
    records = read_jsonl("archive/*.jsonl")            # {"id": ..., "text": ...} a line
    write_jsonl(tag_bag(records), "tagged/*.jsonl")

The result of every record is what ``measures tag --format jsonl`` writes for it, so a
cluster run and a one-process run give the same records, and ``write_jsonl`` writes them
in the same bytes: the files joined (``cat tagged/*.jsonl``) are the command's output.
"""
from __future__ import annotations

import logging
import operator
import os
from functools import lru_cache

from .inputs import in_message, is_whole, iterable_argument, path_argument
from .sources import RecordErrors, RecordFields, read_once

__all__ = ["read_jsonl", "tag_bag", "tag_records", "write_jsonl"]

log = logging.getLogger(__name__)


def _stamp(path) -> tuple | None:
    """What tells a model saved at ``path`` from one saved there before (its files' times,
    sizes and inodes): a worker lives on between runs, and a model saved again over the
    same folder must be loaded again. None when they cannot be read: loading says why."""
    from pathlib import Path

    from .persistence import shipped_model_path

    target = shipped_model_path() if path is None else Path(path)
    files = [target / "config.json", target / "weights.npz"] if target.is_dir() else [target]
    try:
        return tuple((s.st_mtime_ns, s.st_size, s.st_ino) for s in map(os.stat, files))
    except OSError:
        return None


def _loaded(path, trusted):
    return _model(path, trusted, _stamp(path))


@lru_cache(maxsize=4)
def _model(path, trusted, stamp):
    from .persistence import load_model

    return load_model(path, trusted=trusted)


def tag_records(records, model_path=None, trusted: bool = False, examples: int = 3,
                name: str = "<records>") -> list[dict]:
    """Tag an iterable of records, each a text or a dict with ``"text"`` (and optionally
    ``"id"`` or ``"source"``), into ``measures tag --format jsonl`` records. This is what
    runs on a worker; it is also a plain function for any other engine.

    A record without an id or source is named ``name:N``, N its position from 1, as the
    CLI names a JSONL line without one by file and line; each result's ``input`` is the
    record's own ``input`` (``read_jsonl`` gives its ``file:line``), else ``name:N``. A
    record's ``fields``, a dict (``read_jsonl(..., keep_fields=...)`` gives the fields asked
    for), is carried into its result after ``input``, as ``measures tag --keep-fields``
    writes it. A record that is neither a text
    nor such a dict is left out and logged as a warning naming it, as the CLI reports
    and skips a bad line, so one bad record does not fail the rest. The records are
    tagged together, as ``Model.tag_many`` tags small documents, which is faster than one
    by one."""
    from .document import tag_documents
    from .sources import record_name
    from .export import document_record

    iterable_argument(records, "an iterable of records (texts or dicts with a 'text')",
                      one="tag_records([text]) for one", mapping="tag_records([record]) for one")
    model = _loaded(None if model_path is None else str(model_path), trusted)
    texts: list[str] = []
    sources: list[str] = []
    wheres: list[str] = []
    kept: list[dict | None] = []
    for number, record in enumerate(records, start=1):
        where = f"{name}:{number}"
        if isinstance(record, str):
            texts.append(record)
            sources.append(where)
            wheres.append(where)
            kept.append(None)
        elif isinstance(record, dict) and isinstance(record.get("text"), str):
            texts.append(record["text"])
            sources.append(record_name(record, where))
            # read_jsonl's records say where they were read: file:line, as the CLI writes it
            wheres.append(record["input"] if isinstance(record.get("input"), str) else where)
            kept.append(record["fields"] if isinstance(record.get("fields"), dict) else None)
        else:
            log.warning("%s: expected a text or an object with a string field 'text', got %s",
                        in_message(where), type(record).__name__)
    # tag_documents, not tag_many: these texts are records' texts, never a path given for
    # one, so tag_many's warning for a text that names a file would be a false alarm
    return [document_record(document, examples, where, fields)
            for document, where, fields in zip(tag_documents(model, list(zip(texts, sources))), wheres, kept)]


def _dask_bag():
    try:
        import dask
        import dask.bag
    except ImportError:
        raise ImportError("measures.distributed needs dask: pip install 'dask[distributed]' (or, in a checkout, pip install '.[dask]')") from None
    return dask, dask.bag


def read_jsonl(urlpath, blocksize="4 MiB", keep_fields=(), text_field="text"):
    """JSONL files (a path, a glob or a list, as ``dask.bag.read_text`` takes them) as a
    bag of ``{"id", "input", "text"}`` records, their lines read as ``measures tag`` reads
    them: ``input`` the line's ``file:line`` (the file as Dask names it, a full path), a
    byte-order mark dropped, blank lines skipped, a record without an id named by its
    source, else its ``file:line``, and a line that is not UTF-8
    or not a JSON object with a text logged as a warning and left out, the others going on.
    ``keep_fields`` (names, such as ``["date", "url"]``) adds ``fields``, those fields of the
    line (None where it has none; NaN and Infinity as None), which :func:`tag_records`
    carries into each result as ``measures tag --keep-fields`` does; the other fields are
    not held. ``text_field`` names the field that holds the text (``measures tag
    --text-field``).
    A file that is not JSONL text (compressed under a plain name, UTF-16) or that cannot be
    read (a damaged ``.gz``) is logged once and left out, the other files going on.

    A file is cut into partitions of about ``blocksize`` bytes (a number or a string such
    as ``"4 MiB"``) at line ends, so that one large file is spread over the workers; a
    compressed file (``.gz``, ``.bz2``, ...), which cannot be read from the middle, and
    every file when ``blocksize`` is None, is one partition. The records and their order
    do not depend on it. A partition's tagged results are held in its worker's memory
    until written, as Python objects of 10 to 15 times its bytes for news and notices
    (``benchmarks/partition_memory.py``), more for texts of many short sentences."""
    dask, db = _dask_bag()
    from dask.utils import parse_bytes
    from fsspec.utils import infer_compression

    keep_fields = () if keep_fields is None else tuple(iterable_argument(
        keep_fields, "an iterable of field names", one=f"keep_fields=[{keep_fields!r}] for one"))
    if not all(isinstance(field, str) for field in keep_fields):
        raise TypeError(f"keep_fields must be names (strings), got {keep_fields!r}")
    if not isinstance(text_field, str) or not text_field.strip():
        raise TypeError(f"text_field must name a field (a string), got {text_field!r}")
    try:
        record_fields = RecordFields(text_field, keep_fields)
    except ValueError as error:
        raise ValueError(f"keep_fields: {error}") from None
    # True is 1 to Python (a graph of a task a byte), and 1000.5 no count of bytes
    unsized = isinstance(blocksize, bool) or isinstance(blocksize, float) and not blocksize.is_integer()
    size = None if blocksize is None or unsized else parse_bytes(blocksize)
    if unsized or size is not None and size <= 0:
        raise ValueError(f"blocksize must be a positive size (such as 4 MiB) or None for one partition "
                         f"a file, got {blocksize!r}")
    parse = dask.delayed(_block_records, pure=True)
    count = dask.delayed(_block_lines, pure=True)
    parts = []
    for fs, path in _files(urlpath):
        compression = infer_compression(path)
        if size is None or compression:
            parts.append(parse(fs, path, None, None, compression, 0, record_fields))
            continue
        # blocks of whole lines, as dask.bytes.read_bytes cuts them, from the file named (a
        # name with "*" or "[1]" in it is that file, not a pattern), cut at "\n", so never
        # inside a "\r\n"; a file whose lines end at a lone "\r" is one block. A block's first line
        # is one past the lines of the blocks before it, counted by tasks of their own that
        # hand on a number, not the block: a block is read when it is parsed, and not held
        # until then.
        lines_before = 0
        for offset in range(0, max(fs.size(path), 1), size):
            parts.append(parse(fs, path, offset, size, None, lines_before, record_fields))
            lines_before = dask.delayed(operator.add, pure=True)(lines_before, count(fs, path, offset, size))
    return db.from_delayed(parts)


def _files(urlpath) -> list:
    """(filesystem, path) of each file ``urlpath`` names: a name of a file that exists is
    that file, anything else a pattern, expanded in sorted order (as dask.bag.read_text).
    A folder, or a name that is no file and matches none, is an error naming it."""
    from fsspec.core import url_to_fs

    if isinstance(urlpath, (str, bytes, os.PathLike)):  # one path (bytes: refused, not iterated)
        patterns = [urlpath]
    else:
        patterns = list(iterable_argument(urlpath, "a path, a glob or a list of them"))
    if not patterns:  # an empty glob.glob() of the caller's, most likely
        raise FileNotFoundError("no files given (an empty list)")
    found, unmatched, folders = [], [], []
    for pattern in patterns:
        fs, path = url_to_fs(os.fspath(path_argument(pattern, "JSONL path")))
        if fs.isfile(path):
            found.append((fs, path))
        elif fs.isdir(path):
            folders.append(str(pattern))
        else:
            matches = [(fs, match) for match in sorted(fs.glob(path)) if fs.isfile(match)]
            found += matches
            if not matches:
                unmatched.append(str(pattern))
    problems = [f"no files match {', '.join(map(repr, unmatched))}"] if unmatched else []
    problems += [f"{in_message(folder)}: a folder; name its files, such as {in_message(os.path.join(folder, '*.jsonl'))}"
                 for folder in folders]
    if problems:
        raise FileNotFoundError("; ".join(problems))
    # a file named twice (by a glob and by name, or by a link) is read once, as the
    # command line reads it: read twice, it would count twice in every total of the results
    once: list = []
    first_as: dict = {}
    for fs, path in found:
        key = _identity(fs, path)
        if key in first_as:
            log.warning("%s", read_once(path, first_as[key]))
        else:
            first_as[key] = path
            once.append((fs, path))
    return once


def _identity(fs, path: str):
    """What tells one file from another: a local file's device and inode (a link or a
    second name is the same file), else its path on its file system."""
    if "file" in (fs.protocol if isinstance(fs.protocol, tuple) else (fs.protocol,)):
        try:
            status = os.stat(path)
            return status.st_dev, status.st_ino
        except OSError:
            pass
    return type(fs).__name__, path


def _read(fs, path: str, offset, size, compression) -> bytes:
    """A block of whole lines (``offset`` None: the whole file, decompressed)."""
    from fsspec.utils import read_block

    with fs.open(path, "rb", compression=compression) as handle:
        return handle.read() if offset is None else read_block(handle, offset, size, delimiter=b"\n")


def _head(fs, path: str) -> bytes:
    """The file's first bytes, by which a file named as JSONL is told to be something else."""
    with fs.open(path, "rb") as handle:
        return handle.read(4096)


def _block_lines(fs, path: str, offset: int, size: int) -> int:
    try:
        return len(_read(fs, path, offset, size, None).splitlines())
    except OSError:  # said by the block's own parsing
        return 0


def _block_records(fs, path: str, offset, size, compression, lines_before: int,
                   record_fields: RecordFields) -> list[dict]:
    """The records of a run of whole lines of ``path``, the first of them line
    ``lines_before + 1`` of the file; none, and one warning, from a file that cannot be
    read or is not JSONL text."""
    from .sources import jsonl_source, not_jsonl

    first = offset in (None, 0)
    try:
        block = _read(fs, path, offset, size, compression)
        # every block of a cut file is judged by the file's head, so that all its blocks,
        # however small, agree on whether it is JSONL text
        start = block[:4096] if offset is None else _head(fs, path)
    except Exception as error:  # noqa: BLE001  each decompressor has its own errors for a damaged file
        if first:
            log.warning("%s: cannot be read (%s: %s); left out", in_message(path), type(error).__name__, error)
        return []
    wrong = not_jsonl(start)
    if wrong:
        if first:
            log.warning("%s: %s; left out", in_message(path), wrong)
        return []
    out = []
    # lines as the CLI ends them (sources.split_lines: at "\n", "\r\n" or "\r"); no UTF-8
    # character holds either byte, so each line decodes as it would in the whole
    lines = [line.decode("utf-8", "surrogateescape") for line in block.splitlines(keepends=True)]
    # a block's, said as the CLI says a file's
    part = "" if offset is None else f" in lines {lines_before + 1}–{lines_before + len(lines)}"
    errors = RecordErrors(path, part)
    for number, line in enumerate(lines, start=lines_before + 1):
        source = jsonl_source(line.removeprefix("\ufeff") if number == 1 else line, f"{path}:{number}",
                              record_fields)
        if source is None:
            continue
        if source.error:
            if errors.said(source, number):
                log.warning("%s", source.error)
        else:
            record: dict = {"id": source.name, "input": source.where, "text": source.text}
            if record_fields.keep:
                record["fields"] = {name: (source.fields or {}).get(name) for name in record_fields.keep}
            out.append(record)
    for note in errors.notes():
        log.warning("%s", note)
    return out


def tag_bag(bag, model_path=None, trusted: bool = False, examples: int = 3):
    """A ``dask.bag.Bag`` of texts or ``{"id", "text"}`` dicts -> a bag of result dicts,
    in the same order, one partition at a time on the cluster's workers. A record
    without an id is named ``<partition P>:N``, its partition and position in it.
    A ``model_path`` that exists here is loaded here first, so that a model that cannot
    be used is said now, not by every worker once the work has started (the workers
    read it at the same path)."""
    dask, db = _dask_bag()
    if not isinstance(bag, db.Bag):
        raise TypeError(f"expected a dask.bag.Bag (read_jsonl(...) or dask.bag.from_sequence(texts)), "
                        f"got {type(bag).__name__}")
    if not is_whole(examples, 0):  # here, not in every worker once the work has started
        raise ValueError(f"examples must be a whole number, 0 or more, not {examples!r}")
    local = model_path is None or os.path.exists(path_argument(model_path, "model path"))
    if model_path is not None and local:
        _loaded(str(model_path), trusted)
    # the model's stamp in the tasks' keys: results of an earlier run still held on the
    # cluster are not taken for those of a model saved over the same folder since
    stamp = _stamp(None if model_path is None else str(model_path)) if local else None
    tag = dask.delayed(_tag_partition, pure=True)
    return db.from_delayed([tag(part, model_path, trusted, examples, f"<partition {p}>", stamp)
                            for p, part in enumerate(bag.to_delayed())])


def _tag_partition(records, model_path, trusted, examples, name, stamp) -> list[dict]:
    """:func:`tag_records`, keyed also by the stamp of the model it is meant to use."""
    return tag_records(records, model_path, trusted, examples, name)


def write_jsonl(results, urlpath, **options) -> list[str]:
    """Write a bag of :func:`tag_bag`'s results as JSONL files, one a partition, named as
    ``Bag.to_textfiles`` names them (``"tagged/*.jsonl"``; ``options`` such as
    ``name_function`` or ``storage_options`` go to it), each line what ``measures tag
    --format jsonl`` writes for the document; returns the files' paths (with
    ``compute=False``, to_textfiles' delayed writes). ``last_endline`` is refused: each
    line is ended already, and it would add a blank line to every file.

    Not ``.map(json.dumps, ensure_ascii=False).to_textfiles(..., last_endline=True)``: a kept
    field holding a lone surrogate (``"\\ud83d"``, an emoji cut in two by a scraper) failed
    the whole run with a UnicodeEncodeError, where the command writes it escaped, and a
    partition with no records (a file left out, a block of bad lines) became a blank line."""
    _, db = _dask_bag()
    if not isinstance(results, db.Bag):
        raise TypeError(f"expected a dask.bag.Bag of results (tag_bag(...)), got {type(results).__name__}")
    if "last_endline" in options:  # kept from the old recipe, it added a blank line to every file
        raise TypeError("write_jsonl ends each line itself: last_endline would add a blank line to every file; "
                        "leave it out")
    return results.map_partitions(_jsonl_text).to_textfiles(urlpath, **options)


def _jsonl_text(results) -> list[str]:
    """A partition's results as one item, its lines each ended: an empty partition is an
    empty file, with nothing to join between files."""
    from .export import json_text

    return ["".join(json_text(result) + "\n" for result in results)]
