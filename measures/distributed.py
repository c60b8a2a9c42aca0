"""Tagging a corpus on a Dask cluster.

Each worker process loads the model once (model folders load in a fraction of a second
and need no pickling of the model itself); the texts travel, the model does not.

    import dask.bag as db
    from dask.distributed import Client
    from measures.distributed import tag_bag

    client = Client("scheduler-address:8786")          # or Client() for a local cluster
    records = db.read_text("archive/*.jsonl").map(json.loads)   # {"id": ..., "text": ...}
    tag_bag(records).map(json.dumps).to_textfiles("tagged/*.jsonl")

The result of every record is what ``measures tag --format jsonl`` writes for it, so a
cluster run and a one-process run give the same records.
"""
from __future__ import annotations

from functools import lru_cache

__all__ = ["tag_bag", "tag_records"]


@lru_cache(maxsize=4)
def _model(path, trusted):
    from .persistence import load_model

    return load_model(path, trusted=trusted)


def tag_records(records, model_path=None, trusted: bool = False, examples: int = 3) -> list[dict]:
    """Tag an iterable of records, each a text or a dict with ``"text"`` (and optionally
    ``"id"`` or ``"source"``), into ``measures tag --format jsonl`` records. This is what
    runs on a worker; it is also a plain function for any other engine."""
    from .export import document_record

    model = _model(None if model_path is None else str(model_path), trusted)
    out = []
    for record in records:
        if isinstance(record, str):
            text, source = record, None
        elif isinstance(record, dict) and isinstance(record.get("text"), str):
            text, source = record["text"], record.get("id", record.get("source"))
        else:
            raise ValueError(f"expected a text or a dict with a string 'text', got {type(record).__name__}")
        document = model.tag(text, source=None if source is None else str(source))
        out.append(document_record(document, examples))
    return out


def tag_bag(bag, model_path=None, trusted: bool = False, examples: int = 3):
    """A ``dask.bag.Bag`` of texts or ``{"id", "text"}`` dicts -> a bag of result dicts,
    in the same order, one partition at a time on the cluster's workers."""
    return bag.map_partitions(tag_records, model_path=model_path, trusted=trusted, examples=examples)
