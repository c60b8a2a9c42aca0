"""Tagging a corpus on a Dask cluster.

Each worker process loads the model once (model folders load in a fraction of a second
and need no pickling of the model itself); the texts travel, the model does not.

    import json
    from dask.distributed import Client
    from measures.distributed import read_jsonl, tag_bag

    client = Client("scheduler-address:8786")          # or Client() for a local cluster
    records = read_jsonl("archive/*.jsonl")            # {"id": ..., "text": ...} a line
    tag_bag(records).map(json.dumps, ensure_ascii=False).to_textfiles("tagged/*.jsonl")

The result of every record is what ``measures tag --format jsonl`` writes for it, so a
cluster run and a one-process run give the same records.
"""
from __future__ import annotations

import logging
import operator
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
    from fsspec.core import get_fs_token_paths
    from fsspec.utils import infer_compression

    dask, db = _dask_bag()
    from dask.bytes import read_bytes

    _, _, paths = get_fs_token_paths(urlpath, mode="rb")
    if not paths:
        raise FileNotFoundError(f"no files match {urlpath!r}")
    parse = dask.delayed(_block_records, pure=True)
    parts = []
    for path in paths:
        compression = infer_compression(path)
        if blocksize is None or compression:
            whole = dask.delayed(_file_bytes, pure=True)(path, compression)
            parts.append(parse(whole, path, 0))
            continue
        # lines end at "\n" only, as the CLI's: a lone "\r" inside a record is no line break
        _, (blocks,) = read_bytes(path, delimiter=b"\n", blocksize=blocksize, sample=False)
        # a block's first line number is one more than the lines of the blocks before it
        lines_before = 0
        for block in blocks:
            parts.append(parse(block, path, lines_before))
            lines_before = dask.delayed(operator.add, pure=True)(lines_before, dask.delayed(bytes.count, pure=True)(block, b"\n"))
    return db.from_delayed(parts)


def _file_bytes(path: str, compression: str | None) -> bytes:
    import fsspec

    with fsspec.open(path, "rb", compression=compression) as handle:
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
