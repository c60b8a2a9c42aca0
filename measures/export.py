"""Writing tagged documents as text, JSON, JSONL or CSV, to a file or a stream.

Output to a file goes to a temporary file that replaces the target only when complete,
so an interrupted run never leaves a half-written result behind.
"""
from __future__ import annotations

import contextlib
import csv
import json
import os
import sys
import tempfile
from pathlib import Path

from .labels import label_info
from .summary import compare

__all__ = ["FORMATS", "open_output", "document_record", "Writer"]

FORMATS = ("text", "json", "jsonl", "csv")
#: The text format ends with a side-by-side table when a run tags this many documents or fewer.
COMPARE_AT_MOST = 12


@contextlib.contextmanager
def open_output(path: str | None, bom: bool = False):
    """A text stream for ``path`` (``None`` or ``-``: standard output), committed atomically."""
    encoding = "utf-8-sig" if bom else "utf-8"
    if path in (None, "-"):
        if bom:
            sys.stdout.write("\ufeff")
        yield sys.stdout
        sys.stdout.flush()
        return
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding=encoding, newline="") as handle:
            yield handle
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def _label_codes(labels) -> dict:
    infos = [label_info(label) for label in labels]
    return {"labels_zh": [i.zh for i in infos],
            "oxcgrt": sorted({code for i in infos for code in i.oxcgrt}),
            "who_phsm": sorted({code for i in infos for code in i.who_phsm})}


def document_record(document, examples: int = 3) -> dict:
    """The JSON record of one tagged document, as ``--format json``/``jsonl`` write it:
    :meth:`Document.to_dict` plus each sentence's Chinese label names and its OxCGRT and
    WHO PHSM codes."""
    record = document.to_dict(examples)
    for sentence, item in zip(document.sentences, record["sentences"]):
        item.update(_label_codes(sentence.labels))
    return record


class Writer:
    """Writes documents one by one in the chosen format (JSON arrays are closed at
    :meth:`close`; every other format is complete after each document)."""

    def __init__(self, stream, fmt: str, examples: int = 3, classes=()):
        if fmt not in FORMATS:
            raise ValueError(f"unknown format {fmt!r}; choose from {', '.join(FORMATS)}")
        self.stream, self.fmt, self.examples = stream, fmt, examples
        self.count = 0
        self.summaries = []
        self.classes = list(classes)
        if fmt == "csv":
            self.csv = csv.writer(stream)
            self.csv.writerow(["source", "sentence", "start", "end", "primary", "labels", "labels_zh",
                               "oxcgrt", "who_phsm", *[f"score_{c}" for c in self.classes], "text"])

    def write(self, document) -> None:
        fmt = self.fmt
        if fmt == "text":
            summary = document.summary(self.examples)
            if self.count:
                self.stream.write("\n")
            self.stream.write(str(summary) + "\n")
            if len(self.summaries) <= COMPARE_AT_MOST:
                self.summaries.append(summary)
        elif fmt in ("json", "jsonl"):
            line = json.dumps(document_record(document, self.examples), ensure_ascii=False)
            if fmt == "json":
                self.stream.write(("[\n" if self.count == 0 else ",\n") + line)
            else:
                self.stream.write(line + "\n")
        else:
            for k, s in enumerate(document.sentences):
                codes = _label_codes(s.labels)
                self.csv.writerow([document.source, k, s.start, s.end, s.primary, "|".join(s.labels),
                                   "|".join(codes["labels_zh"]), "|".join(codes["oxcgrt"]),
                                   "|".join(codes["who_phsm"]),
                                   *[f"{s.scores.get(c, 0.0):.4f}" for c in self.classes], s.text])
        self.count += 1
        if fmt != "json":
            self.stream.flush()

    def close(self) -> None:
        if self.fmt == "json":
            self.stream.write("[]\n" if self.count == 0 else "\n]\n")
        elif self.fmt == "text" and 1 < len(self.summaries) <= COMPARE_AT_MOST:
            self.stream.write("\n" + compare(self.summaries) + "\n")
        self.stream.flush()
