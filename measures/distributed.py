"""Tagging a corpus on a Dask cluster.

Each worker process loads the model once (model folders load in a fraction of a second
and need no pickling of the model itself); the texts travel, the model does not.

    import json
    from dask.distributed import Client
    from measures.distributed import read_jsonl, tag_bag

    client = Client("scheduler-address:8786")          # or Client() for a local cluster
    records = read_jsonl("archive/*.jsonl")            # {"id": ..., "text": ...} a line
    tag_bag(records).map(json.dumps, ensure_ascii=False).to_textfiles("tagged/*.jsonl", last_endline=True)

The result of every record is what ``measures tag --format jsonl`` writes for it, so a
cluster run and a one-process run give the same records (``last_endline=True`` ends each
file with a line break, as ``measures tag`` does, so that the files can be joined).
"""
from __future__ import annotations

import logging
import operator
import os
from functools import lru_cache

__all__ = ["read_jsonl", "tag_bag", "tag_records"]

log = logging.getLogger(__name__)


@lru_cache(maxsize=4)
def _model(path, trusted):
    from .persistence import load_model

    return load_model(path, trusted=trusted)


def tag_records(records, model_path=None, trusted: bool = False, examples: int = 3,
                name: str = "<records>") -> list[dict]:
    """Tag an iterable of records, each a text or a dict with ``"text"`` (and optionally
    ``"id"`` or ``"source"``), into ``measures tag --format jsonl`` records. This is what
    runs on a worker; it is also a plain function for any other engine.

    A record without an id or source is named ``name:N``, N its position from 1, as the
    CLI names a JSONL line without one by file and line. A record that is neither a text
    nor such a dict is left out and logged as a warning naming it, as the CLI reports
    and skips a bad line, so one bad record does not fail the rest."""
    from .sources import record_name
    from .export import document_record

    model = _model(None if model_path is None else str(model_path), trusted)
    out = []
    for number, record in enumerate(records, start=1):
        where = f"{name}:{number}"
        if isinstance(record, str):
            text, source = record, where
        elif isinstance(record, dict) and isinstance(record.get("text"), str):
            text, source = record["text"], record_name(record, where)
        else:
            log.warning("%s: expected a text or an object with a string field 'text', got %s",
                        where, type(record).__name__)
            continue
        out.append(document_record(model.tag(text, source=source), examples))
    return out


def _dask_bag():
    try:
        import dask
        import dask.bag
    except ImportError:
        raise ImportError("measures.distributed needs dask: pip install 'dask[distributed]' (or, in a checkout, pip install '.[dask]')") from None
    return dask, dask.bag


def read_jsonl(urlpath, blocksize="64 MiB"):
    """JSONL files (a path, a glob or a list, as ``dask.bag.read_text`` takes them) as a
    bag of ``{"id", "text"}`` records, their lines read as ``measures tag`` reads them: a
    byte-order mark dropped, blank lines skipped, a record without an id named
    ``file:line`` (the file as Dask names it, a full path), and a line that is not UTF-8
    or not a JSON object with a text logged as a warning and left out, the others going on.

    A file is cut into partitions of about ``blocksize`` bytes (a number or a string such
    as ``"64 MiB"``) at line ends, so that one large file is spread over the workers; a
    compressed file (``.gz``, ``.bz2``, ...), which cannot be read from the middle, and
    every file when ``blocksize`` is None, is one partition. The records and their order
    do not depend on it."""
    dask, db = _dask_bag()
    from dask.utils import parse_bytes
    from fsspec.utils import infer_compression

    size = None if blocksize is None else parse_bytes(blocksize)
    if size is not None and size <= 0:
        raise ValueError(f"blocksize must be a positive size (such as 64 MiB) or None for one partition "
                         f"a file, got {blocksize!r}")
    parse = dask.delayed(_block_records, pure=True)
    parts = []
    for fs, path in _files(urlpath):
        compression = infer_compression(path)
        if size is None or compression:
            whole = dask.delayed(_file_bytes, pure=True)(fs, path, compression)
            parts.append(parse(whole, path, 0))
            continue
        # blocks of whole lines, as dask.bytes.read_bytes cuts them, from the file named (a
        # name with "*" or "[1]" in it is that file, not a pattern); lines end at "\n" only,
        # as the CLI's: a lone "\r" inside a record is no line break. A block's first line
        # is one past the lines of the blocks before it.
        lines_before = 0
        for offset in range(0, max(fs.size(path), 1), size):
            block = dask.delayed(_file_block, pure=True)(fs, path, offset, size)
            parts.append(parse(block, path, lines_before))
            lines_before = dask.delayed(operator.add, pure=True)(lines_before, dask.delayed(bytes.count, pure=True)(block, b"\n"))
    return db.from_delayed(parts)


def _files(urlpath) -> list:
    """(filesystem, path) of each file ``urlpath`` names: a name of a file that exists is
    that file, anything else a pattern, expanded in sorted order (as dask.bag.read_text)."""
    from fsspec.core import url_to_fs

    found = []
    for pattern in [urlpath] if isinstance(urlpath, (str, os.PathLike)) else list(urlpath):
        fs, path = url_to_fs(os.fspath(pattern))
        if fs.isfile(path):
            found.append((fs, path))
        else:
            found += [(fs, match) for match in sorted(fs.glob(path)) if fs.isfile(match)]
    if not found:
        raise FileNotFoundError(f"no files match {urlpath!r}")
    return found


def _file_block(fs, path: str, offset: int, size: int) -> bytes:
    from fsspec.utils import read_block

    with fs.open(path, "rb") as handle:
        return read_block(handle, offset, size, delimiter=b"\n")


def _file_bytes(fs, path: str, compression: str | None) -> bytes:
    with fs.open(path, "rb", compression=compression) as handle:
        return handle.read()


def _block_records(block: bytes, path: str, lines_before: int) -> list[dict]:
    """The records of a run of whole lines of ``path``, the first of them line
    ``lines_before + 1`` of the file."""
    from .sources import jsonl_source

    out = []
    lines = block.decode("utf-8", "surrogateescape").split("\n")
    if lines and not lines[-1]:  # the block ends with a line end: no line after it
        lines.pop()
    for number, line in enumerate(lines, start=lines_before + 1):
        source = jsonl_source(line.removeprefix("\ufeff") if number == 1 else line, f"{path}:{number}")
        if source is None:
            continue
        if source.error:
            log.warning("%s", source.error)
        else:
            out.append({"id": source.name, "text": source.text})
    return out


def tag_bag(bag, model_path=None, trusted: bool = False, examples: int = 3):
    """A ``dask.bag.Bag`` of texts or ``{"id", "text"}`` dicts -> a bag of result dicts,
    in the same order, one partition at a time on the cluster's workers. A record
    without an id is named ``<partition P>:N``, its partition and position in it."""
    dask, db = _dask_bag()
    tag = dask.delayed(tag_records, pure=True)
    return db.from_delayed([tag(part, model_path, trusted, examples, f"<partition {p}>")
                            for p, part in enumerate(bag.to_delayed())])
