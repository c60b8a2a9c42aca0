"""Writing tagged documents as text, JSON, JSONL or CSV, to a stream (files are opened
safely by :mod:`measures.outputs`)."""
from __future__ import annotations

import csv
import json

from .cleaning import replace_surrogates
from .labels import label_info
# where they were before measures.outputs held them: code that imports them from here runs on
from .outputs import OutputError, check_not_input, check_output, inert_cell, open_output, temporary_file  # noqa: F401
from .summary import Summary, SummaryBuilder, compare

__all__ = ["FORMATS", "document_record", "Writer"]

FORMATS = ("text", "json", "jsonl", "csv")
#: The text format ends with a side-by-side table when a run tags this many documents or fewer.
COMPARE_AT_MOST = 12


def _label_codes(labels) -> dict:
    infos = [label_info(label) for label in labels]
    return {"labels_zh": [i.zh for i in infos],
            "oxcgrt": sorted({code for i in infos for code in i.oxcgrt}),
            "who_phsm": sorted({code for i in infos for code in i.who_phsm})}


def json_text(value) -> str:
    """``value`` as JSON, Chinese as it is; a lone surrogate from a record's ``"\\udc80"``,
    which no UTF-8 output takes, escaped as the record had it."""
    return json.dumps(value, ensure_ascii=False).encode("utf-8", "backslashreplace").decode("utf-8")


def _field_cell(value) -> str:
    """A record's field as a CSV cell: a string as it is, nothing for a field it lacks
    (or a null), any other value as JSON writes it (3, true, ["a", "b"])."""
    if value is None:
        return ""
    if isinstance(value, str):
        return inert_cell(replace_surrogates(value))  # a lone surrogate ("\\udc80"), which UTF-8 cannot hold
    # a number is no formula, though a negative one starts like one
    return json_text(value) if isinstance(value, (int, float)) else inert_cell(json_text(value))


def _sentence_item(sentence) -> dict:
    item = sentence.to_dict()
    item.update(_label_codes(sentence.labels))
    return item


def document_record(document, examples: int = 3, where: str | None = None, fields: dict | None = None) -> dict:
    """The JSON record of one tagged document, as ``--format json``/``jsonl`` write it:
    :meth:`Document.to_dict`, with ``input`` (``where`` it was read; default: its source)
    after its source, then ``fields`` when given (``--keep-fields``), and each sentence's
    Chinese label names and its OxCGRT and WHO PHSM codes."""
    record = document.to_dict(examples)
    source = record.pop("source")
    record = {"source": source, "input": document.source if where is None else where,
              **({} if fields is None else {"fields": fields}), **record}
    record["sentences"] = [_sentence_item(s) for s in document.sentences]
    return record


class Writer:
    """Writes documents one by one in the chosen format (JSON arrays are closed at
    :meth:`close`; every other format is complete after each document).

    A document's sentences are written as they come, and its summary is built as they
    pass, so a :class:`~measures.document.SentenceStream` of any length is written in
    bounded memory, in the same bytes as the whole document would be."""

    def __init__(self, stream, fmt: str, examples: int = 3, classes=(), keep_fields=()):
        if fmt not in FORMATS:
            raise ValueError(f"unknown format {fmt!r}; choose from {', '.join(FORMATS)}")
        self.stream, self.fmt, self.examples = stream, fmt, examples
        self.count = 0
        self.summaries: list[Summary] = []
        self.classes = list(classes)
        self.keep_fields = tuple(keep_fields)
        if fmt == "csv":
            self.csv = csv.writer(stream)
            # named as pandas.json_normalize names the JSON's fields, and apart from the columns of our own
            self.csv.writerow(["source", "input", *[f"fields.{name}" for name in self.keep_fields], "sentence",
                               "start", "end", "primary", "labels", "labels_zh", "oxcgrt", "who_phsm",
                               *[f"score_{c}" for c in self.classes], "text"])

    def write(self, document, where: str | None = None, fields: dict | None = None) -> int:
        """Write one Document or SentenceStream; returns its characters of sentences.
        ``where`` it was read (a JSONL record's ``file:line``; default: its source) is
        written as ``input``; of a JSONL record's other ``fields``, those the writer was
        made to keep, as ``fields`` in JSON (null where the record has none) and as
        ``fields.NAME`` columns in CSV."""
        fmt, stream = self.fmt, self.stream
        builder = SummaryBuilder(document.labels, self.examples, document.source)
        chars = 0
        where = document.source if where is None else where
        kept = {name: (fields or {}).get(name) for name in self.keep_fields}
        if fmt in ("json", "jsonl"):
            stream.write(("[\n" if self.count == 0 else ",\n") if fmt == "json" else "")
            stream.write('{"source": ' + json.dumps(document.source, ensure_ascii=False)
                         + ', "input": ' + json.dumps(where, ensure_ascii=False)
                         + (', "fields": ' + json_text(kept) if self.keep_fields else "") + ', "sentences": [')
        elif fmt == "csv":
            cells = [inert_cell(document.source), inert_cell(where), *map(_field_cell, kept.values())]
        for k, s in enumerate(document):
            builder.add(s)
            chars += len(s.text)
            if fmt in ("json", "jsonl"):
                stream.write((", " if k else "") + json.dumps(_sentence_item(s), ensure_ascii=False))
            elif fmt == "csv":
                codes = _label_codes(s.labels)
                self.csv.writerow([*cells, k, s.start, s.end, s.primary, "|".join(s.labels),
                                   "|".join(codes["labels_zh"]), "|".join(codes["oxcgrt"]),
                                   "|".join(codes["who_phsm"]),
                                   *[f"{s.scores.get(c, 0.0):.4f}" for c in self.classes], inert_cell(s.text)])
        summary = builder.build()
        if fmt in ("json", "jsonl"):
            stream.write('], "summary": ' + json.dumps(summary.to_dict(source=False), ensure_ascii=False) + "}")
            stream.write("\n" if fmt == "jsonl" else "")
        elif fmt == "text":
            stream.write(("\n" if self.count else "") + str(summary) + "\n")
            if len(self.summaries) <= COMPARE_AT_MOST:
                self.summaries.append(summary)
        self.count += 1
        if fmt != "json":
            stream.flush()
        return chars

    def close(self) -> None:
        if self.fmt == "json":
            self.stream.write("[]\n" if self.count == 0 else "\n]\n")
        elif self.fmt == "text" and 1 < len(self.summaries) <= COMPARE_AT_MOST:
            self.stream.write("\n" + compare(self.summaries) + "\n")
        self.stream.flush()
