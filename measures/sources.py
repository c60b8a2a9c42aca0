"""Where documents come from: files, folders, JSONL corpora and standard input, each
yielded as a :class:`Source` (its text, its pieces when too large to hold, or the error
that stopped reading it), so one bad input is reported and the others go on."""
from __future__ import annotations

import codecs
import json
import math
import numbers
import os
import re
import shlex
import shutil
import stat
import sys
import tempfile
import weakref
from dataclasses import dataclass, replace
from itertools import chain
from pathlib import Path
from typing import Callable, Iterable, Iterator

import numpy as np

from . import reading
from .cleaning import replace_surrogates, text_name
from .inputs import (in_message, is_device, is_missing, listed, looks_like_a_path, missing, reads_for_ever,
                     shell_word, whole_number_name)
from .outputs import descriptor
from .reading import (HTML_SUFFIXES, MHTML, DocumentError, document_text, is_large, is_lock_file, iter_pieces, open_document,
                      read_document)

__all__ = ["Source", "iter_sources", "jsonl_source", "record_name", "read_from_folder", "not_jsonl", "DOCUMENT_SUFFIXES"]

DOCUMENT_SUFFIXES = (".txt", ".text", ".md", *HTML_SUFFIXES, ".docx", ".docm")
JSONL_SUFFIXES = (".jsonl", ".ndjson")  # one JSON object a line, by either name


@dataclass
class Source:
    """One document to tag: its name, and its text or the error that stopped reading it.
    A file too large to hold has ``pieces`` instead of ``text``: a function that opens
    it as consecutive pieces of whole lines. A ``note`` is no document and no failure: what
    a folder held that was passed over. Exactly one of the four is set.

    A JSONL record's Source also has ``where`` it was read (``file:line``), which joins
    an output back to its record when names repeat, and ``fields``, those of the record's
    fields that were asked for, which outputs carry along (a date, an address)."""

    name: str
    text: str | None = None
    error: str | None = None
    pieces: Callable[[], Iterator[str]] | None = None
    note: str | None = None
    where: str | None = None
    fields: dict | None = None
    #: whether an error is said on its own line (False: counted, and said in a note after)
    said: bool = True
    #: a bad JSONL record's kind of error, as a note counting such records names it and
    #: says what to do (they are counted past the first few)
    problem: tuple[str, str] | None = None

    def __post_init__(self):
        if sum(part is not None for part in (self.text, self.error, self.pieces, self.note)) != 1:
            raise ValueError("a Source has exactly one of text, error, pieces and note")
        # named in messages as in outputs (a GBK file name read as such)
        self.name, self.error, self.note = text_name(self.name), text_name(self.error), text_name(self.note)
        self.where = self.name if self.where is None else text_name(self.where)


@dataclass(frozen=True)
class RecordFields:
    """What of a JSONL record is read: its text from the field ``text``, and the fields
    ``keep`` carried into the output (``--text-field``, ``--keep-fields``)."""

    text: str = "text"
    keep: tuple[str, ...] = ()

    def __post_init__(self):
        # the one check of read_jsonl's keep_fields and the command line's --keep-fields,
        # each caller saying which of its own it was
        if not all(name.strip() for name in self.keep):
            raise ValueError(f"names an empty field: {list(self.keep)!r}")
        twice = sorted({name for name in self.keep if self.keep.count(name) > 1})
        if twice:
            raise ValueError(f"names a field twice: {', '.join(map(repr, twice))}")
        if self.text in self.keep:  # the text would be copied into every result
            raise ValueError(f"{self.text!r} is the document, tagged sentence by sentence; name other fields")


class RecordErrors:
    """Counts the bad records of one JSONL file (or one block of it) by what is wrong
    with them: the first few of a kind are said one by one, the rest in one line after
    (a corpus whose text is under another name, or that is GBK, gave a line for each of
    its records, millions for a large one)."""

    NAMED = 3

    def __init__(self, name: str, part: str = ""):
        self.name, self.part = name, part  # part: " in lines 1–5000", a block's
        self.seen: dict[tuple[str, str], list[int]] = {}  # Source.problem: [count, last line]

    def said(self, source: Source, number: int) -> bool:
        """Whether ``source``'s error (line ``number``) is said on its own line."""
        if source.problem is None:
            return True
        seen = self.seen.setdefault(source.problem, [0, 0])
        seen[0], seen[1] = seen[0] + 1, number
        return seen[0] <= self.NAMED

    def notes(self) -> list[str]:
        """The lines that say the others, a line a kind."""
        return [f"{in_message(self.name)}: {count - self.NAMED} more records {kind}, the last on line {last} "
                f"({count}{self.part or ' in all'}; {hint})"
                for (kind, hint), (count, last) in self.seen.items() if count > self.NAMED]


# A JSONL line ends at "\n", "\r\n" or a lone "\r" (old Mac files), where bytes.splitlines
# ends one, and nowhere else: U+2028, U+0085 or a form feed may stand unescaped inside a
# JSON string (str.splitlines would cut there). A "\r" never may (JSON escapes it), and no
# JSON writer puts one between values, so a lone one is a line end, not a record's whitespace.
def split_lines(chunks: Iterable[bytes]) -> Iterator[bytes]:
    """The lines of consecutive ``chunks`` of bytes, each with its line end (the last
    without one if the bytes do not end in one). A line spanning chunks is joined, and a
    "\r" that ends a chunk is held until the next one says whether "\n" follows it."""
    held: list[bytes] = []  # the start of a line whose end has not come yet
    cr = False  # a "\r" ended the chunk before
    for chunk in chunks:
        if cr:
            chunk = b"\r" + chunk
        cr = chunk.endswith(b"\r")
        lines = (chunk[:-1] if cr else chunk).splitlines(keepends=True)
        if not lines:
            continue
        if len(lines) == 1 and not lines[0].endswith((b"\n", b"\r")):
            # a line longer than a chunk: its pieces are joined once, at its end (joined at
            # each chunk, a record of 80 MB took 32 s, copied again and again)
            held.append(lines[0])
            continue
        if held:
            lines[0] = b"".join([*held, lines[0]])
            held.clear()
        if not lines[-1].endswith((b"\n", b"\r")):
            held.append(lines.pop())
        yield from lines
    if cr:
        held.append(b"\r")
    if held:
        yield b"".join(held)


def _lines_of(stream, head: bytes = b"") -> Iterator[bytes]:
    """The lines of ``head`` and what is left of binary ``stream``, a UTF-8 byte-order
    mark dropped. Read a buffer's worth at a time (read1), so that records on a pipe are
    read as they come, as its lines were."""
    read = getattr(stream, "read1", stream.read)
    lines = split_lines(chain([head], iter(lambda: read(1 << 16), b"")))
    first = next(lines, None)
    if first is not None:
        yield first.removeprefix(codecs.BOM_UTF8)
        yield from lines


def _jsonl(name: str, lines: Iterable[bytes], record_fields: RecordFields = RecordFields()) -> Iterator[Source]:
    """The records of JSONL ``lines`` (bytes): a line that is not UTF-8 or not a JSON
    object with a text is reported by number and the others go on; past the first few
    of a kind, the others are failures said in one note at the end."""
    errors = RecordErrors(name)
    for number, raw in enumerate(lines, start=1):
        where = f"{name}:{number}"
        source = jsonl_source(raw.decode("utf-8", "surrogateescape"), where, record_fields)
        if source is None:
            continue
        yield source if errors.said(source, number) else replace(source, said=False)
    for note in errors.notes():
        yield Source(name, note=note)


def _record_fields(fields) -> RecordFields:
    """A RecordFields, or the names of fields to keep as given before there was one."""
    return fields if isinstance(fields, RecordFields) else RecordFields(keep=tuple(fields))


# The fields of a record measures tag writes (Document.to_dict) that no corpus record has
_TAGGED = {"sentences", "summary"}

# Source.problem of a bad JSONL record: how a note counting such records names them, and what to do
_NOT_UTF8 = ("that are not UTF-8", "JSONL input must be UTF-8; iconv -f gb18030 -t utf-8 converts a GBK file")
_NOT_JSON = ("that are not JSON objects", "JSONL has one JSON object a line")


def jsonl_source(line: str, where: str, record_fields: RecordFields = RecordFields()) -> Source | None:
    """One JSONL line read at ``where`` (``file:line``), decoded as UTF-8 with
    ``surrogateescape``: None when blank, else the record's Source, or one with the error
    that the line is not UTF-8 or not a JSON object with a string text (in the field
    ``record_fields.text``); its ``fields`` are those of ``record_fields.keep`` it has (None
    when none are asked for). The CLI and :func:`measures.distributed.read_jsonl` read
    lines so."""
    try:
        line.encode("utf-8")
    except UnicodeEncodeError:  # a byte that was not UTF-8
        return Source(where, error=f"{in_message(where)}: not UTF-8 (JSONL input must be UTF-8)", problem=_NOT_UTF8)
    if not line.strip():
        return None
    try:
        # without its line break: a string cut off at the line's end is unterminated, not
        # a string holding a control character
        record = json.loads(line.rstrip("\r\n"), parse_constant=_no_number, parse_float=_finite)
    except json.JSONDecodeError as error:
        # some of json's messages end in "at" (Invalid control character at)
        return Source(where, error=f"{in_message(where)}: not a JSON object ({error.msg.removesuffix(' at')} at column "
                                   f"{error.colno})", problem=_NOT_JSON)
    except (RecursionError, ValueError) as error:  # nested past Python's stack, a number past its limit
        return Source(where, error=f"{in_message(where)}: a JSON value this reader cannot hold ({type(error).__name__})")
    record_fields = _record_fields(record_fields)
    text_field, keep = record_fields.text, record_fields.keep
    if not isinstance(record, dict):
        return Source(where, error=f"{in_message(where)}: not a JSON object ({_json_kind(record)}; a record is "
                                   f"{json.dumps({text_field: '…'}, ensure_ascii=False)})", problem=_NOT_JSON)
    if not isinstance(record.get(text_field), str):
        has = ("" if not record else
               f" (its fields: {listed([repr(key) for key in record], 6)})" if text_field not in record else
               f" (it is {json.dumps(record[text_field], ensure_ascii=False)[:20]})")
        if _TAGGED <= record.keys() and text_field not in record:
            # tag's own output given back to it: its text is in its sentences, already labelled
            return Source(where, error=f"{in_message(where)}: a document measures tag wrote{has}, not one to tag; "
                                       f"tag the documents it came from, or read it with Document.from_dict",
                          problem=("that measures tag wrote", "tag the documents they came from"))
        return Source(where, error=f"{in_message(where)}: expected an object with a string field {text_field!r}{has}",
                      problem=(f"without a string field {text_field!r}",
                               "--text-field names the field that holds the text"))
    # only the fields asked for: the others (a scraped page's HTML) would be held until written
    return Source(record_name(record, where), record[text_field], where=where,
                  fields={key: record[key] for key in keep if key in record} if keep else None)


def _json_kind(value) -> str:
    """A JSON value that is not an object, as JSON names it."""
    if value is None or isinstance(value, bool):
        return json.dumps(value)
    return "an array" if isinstance(value, list) else "a string" if isinstance(value, str) else "a number"


def _no_number(constant: str) -> None:
    """Python's reader takes NaN and Infinity, which JSON has not and no JSON output may
    hold (a field kept with --keep-fields): read as null."""
    return None


def _finite(text: str) -> float | None:
    """A JSON number as a float, or null for one past a float's range (1e400), as
    :func:`_no_number` reads Infinity."""
    value = float(text)
    return value if math.isfinite(value) else None


def record_name(record: dict, where: str) -> str:
    """A record's source name: its ``id``, else its ``source``, else ``where`` it was read
    (a null, an empty string or an empty table cell counts as absent). A whole-number id
    is its digits, as :meth:`Model.tag_many` names one (7, 7.0 and numpy's 7 alike)."""
    name = next((record[key] for key in ("id", "source")
                 if not is_missing(record.get(key)) and not (isinstance(record[key], str) and not record[key])), where)
    if name is where:  # a file's name: its bytes that are not UTF-8 are read as a file name's
        return name
    if isinstance(name, str):
        # lone surrogates in an id come from JSON's escapes ("\\udcc4"), not from a file
        # name's bytes: U+FFFD, as in the fields kept beside it
        return replace_surrogates(name)
    digits = whole_number_name(name)
    if digits is not None:
        return digits
    if isinstance(name, np.bool_):  # named as JSON's true is
        name = bool(name)
    if isinstance(name, numbers.Real) and not isinstance(name, bool):
        return str(name)  # 2.5; numpy's float32 0.1 as 0.1, not as its double
    # an id that is not a string or a number is named as the JSON spells it (true, not True);
    # one no JSON holds (a date of pandas, in records given in Python) as Python writes it
    try:
        return replace_surrogates(json.dumps(name, ensure_ascii=False))
    except (TypeError, ValueError):
        return replace_surrogates(str(name))


def _file(path: Path, record_fields: RecordFields = RecordFields()) -> Iterator[Source]:
    # a device is read for ever (/dev/zero) or waits on a terminal; a named pipe given by
    # name is a stream someone meant (bash's <(...)), so it is read
    try:
        status = path.stat()
        mode, endless = status.st_mode, reads_for_ever(status)
    except OSError:  # reading it says why
        mode, endless = stat.S_IFREG, False
    if endless:
        yield Source(str(path), error=f"{in_message(path)}: a device, not a document file")
        return
    if path.suffix.lower() in _NOT_DOCUMENTS:
        yield Source(str(path), error=f"{in_message(path)}: {_NOT_DOCUMENTS[path.suffix.lower()]}")
        return
    if stat.S_ISFIFO(mode):  # no name to go by: read as standard input is
        try:
            with open(path, "rb") as handle:
                yield from _stream(handle, str(path), record_fields)
        except OSError as error:
            yield Source(str(path), error=f"{in_message(path)}: cannot read ({error.strerror})")
        return
    if path.suffix.lower() in JSONL_SUFFIXES or (_is_descriptor(path) and _opens_an_object(path)):
        try:
            with open(path, "rb") as handle:
                wrong = not_jsonl(handle.peek(4096)[:4096])
                if wrong:
                    yield Source(str(path), error=f"{in_message(path)}: {wrong}")
                    return
                empty = True
                for source in _jsonl(str(path), _lines_of(handle), record_fields=record_fields):
                    empty = False
                    yield source
                if empty:
                    yield Source(str(path), note=f"{in_message(path)}: no records (a JSONL file with no line of text)")
        except OSError as error:
            yield Source(str(path), error=f"{in_message(path)}: cannot read ({error.strerror})")
        return
    try:
        if is_large(path):
            yield _in_pieces(path, open_document(path))
        else:
            yield Source(str(path), read_document(path))
    except DocumentError as error:
        yield Source(str(path), error=str(error))


def _in_pieces(path: Path, handle) -> Source:
    """A large document as a Source of pieces, read from ``handle`` (binary, its own:
    closed with the Source, read or not); DocumentError if a byte does not decode.

    One decoding pass first, so a bad byte deep inside is reported before any of the
    document is written; the file stays open for the second, so a file renamed or deleted
    in between is still read, not a run ended half-written."""
    try:
        for _ in iter_pieces(path, handle=handle):
            pass
    except BaseException:
        handle.close()
        raise
    source = Source(str(path), pieces=lambda: iter_pieces(path, handle=handle))
    weakref.finalize(source, handle.close)
    return source


def _is_descriptor(path: Path) -> bool:
    """Whether ``path`` names an open descriptor (/dev/stdin, bash's /dev/fd/63): a name
    that says nothing of what it holds."""
    return descriptor(path) is not None


def _opens_an_object(path: Path) -> bool:
    """Whether a file's first line that is not blank opens a JSON object, as standard
    input is told JSONL (a file redirected to /dev/stdin is read in place, not spooled);
    in UTF-16 too, which the JSONL reader then refuses as a file of it is."""
    try:
        with open(path, "rb") as handle:
            start = handle.read(1 << 16)
    except OSError:  # reading it says why
        return False
    return _opens_object(start) or _utf16_object(start)


def _opens_object(data: bytes) -> bool:
    """Whether bytes that start after any blank lines open a JSON object."""
    return data.removeprefix(codecs.BOM_UTF8).lstrip().startswith(b"{")


def _utf16_object(data: bytes) -> bool:
    """Whether bytes of UTF-16, with its byte-order mark or without, open a JSON object:
    each character of JSON's syntax is its byte beside a NUL."""
    text = data.removeprefix(codecs.BOM_UTF16_LE).removeprefix(codecs.BOM_UTF16_BE)
    return text.lstrip(b" \t\r\n\x00").startswith(b"{\x00")


def not_jsonl(start: bytes) -> str | None:
    """What a file named as JSONL is instead, by its first bytes, or None: such a file
    would give an error for every line (or every 0x0A byte in it)."""
    if reading.is_compressed(start):
        return "compressed, not JSONL text; decompress it first (zcat, bzcat, xzcat or zstdcat FILE | measures tag -)"
    # UTF-16 has a NUL in every character of JSON's syntax, binary data NULs throughout; a
    # stray NUL in a scraped record is that line's error, not every line's
    if start.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or b"\x00" in start[:2] or \
            start.count(b"\x00") * 8 > len(start):
        return "UTF-16 or binary, not JSONL (JSONL input must be UTF-8)"
    return None


def _descriptor_of(stream) -> int:
    try:
        return stream.fileno()
    except (AttributeError, OSError, ValueError):  # a stream in memory (tests, notebooks)
        return -1


def _stdin(stream, record_fields: RecordFields = RecordFields()) -> Iterator[Source]:
    if is_device(_descriptor_of(stream)):
        yield Source("<stdin>", error="<stdin>: a device, not a document (such as /dev/zero, read for ever)")
        return
    yield from _stream(stream, "<stdin>", record_fields)


def _stream(stream, name: str, record_fields: RecordFields = RecordFields()) -> Iterator[Source]:
    """Standard input or a named pipe: a JSONL stream when its first non-blank line opens
    a JSON object (read line by line, so it may be endless), else one document."""
    # lines read up to LARGE_FILE bytes at a time: input without a line break (binary
    # data, /dev/zero piped in) is judged as a large document, not held whole first
    limit = reading.LARGE_FILE
    first = stream.readline(limit)
    blank = b""
    while first and len(blank) <= limit and not first.removeprefix(codecs.BOM_UTF8 if not blank else b"").strip():
        blank += first
        first = stream.readline(limit)
    if _utf16_object(first):  # JSONL as a file of it is refused (not_jsonl), not one document of JSON's syntax
        yield Source(name, error=f"{in_message(name)}: UTF-16 text that opens a JSON object: JSONL input must be UTF-8 "
                                 f"(iconv -f utf-16 -t utf-8 converts it)")
        return
    if _opens_object(first):
        # the blank lines read again, so that lines are counted as the JSONL reader ends them
        yield from _jsonl(name, _lines_of(stream, blank + first), record_fields=record_fields)
        return
    head = blank + first
    while len(head) <= reading.LARGE_FILE:
        more = stream.read(reading.LARGE_FILE + 1 - len(head))
        if not more:
            break
        head += more
    try:
        if len(head) <= reading.LARGE_FILE:  # the whole of it
            yield Source(name, document_text(head, name))
            return
        # Too large to hold as text (it takes about 18 times its size): kept in a
        # temporary file and read in pieces, as a large file given by name is.
        spool = tempfile.TemporaryFile()
        try:
            spool.write(head)
            del head
            shutil.copyfileobj(stream, spool, 1 << 20)
        except BaseException:
            spool.close()
            raise
        yield _in_pieces(Path(name), spool)
    except DocumentError as error:
        yield Source(name, error=str(error))
    except OSError as error:  # the temporary file: a full disk
        yield Source(name, error=f"{in_message(name)}: cannot keep it in a temporary file to read it in pieces "
                                 f"({error.strerror or error})")


def read_from_folder(path: Path, folder: Path) -> bool:
    """Whether a file found in the input ``folder`` (at any depth) is read as a document:
    a document or ``.jsonl`` file with no hidden part below the folder (``.git``, or
    ``.ipynb_checkpoints``, whose files are copies of a notebook user's documents), and
    not a lock file Word keeps beside an open document (``~$通告.docx``)."""
    return not _hidden(path, folder) and path.suffix.lower() in DOCUMENT_SUFFIXES + JSONL_SUFFIXES


def _hidden(path: Path, folder: Path) -> bool:
    return any(part.startswith(".") for part in path.relative_to(folder).parts) or is_lock_file(path)


# Documents people keep beside their text files that measures cannot read: named, so that
# a folder run does not look complete when it left them out.
COMPRESSED_SUFFIXES = (".gz", ".tgz", ".bz2", ".tbz2", ".xz", ".txz", ".lzma", ".lz", ".lz4", ".z", ".zst", ".zip",
                       ".7z", ".rar", ".tar")  # lower case: ".Z" is ".z"
_COMPRESSED = dict.fromkeys(COMPRESSED_SUFFIXES,
                            "a compressed file or archive; unpack it first (for JSONL: zcat, bzcat, xzcat or "
                            "zstdcat FILE | measures tag -)")
# Given by name, these are refused by their name: read as text, a table or a JSON array
# would be one document of markup. In a folder, a table beside the documents is most
# often their index, and is passed over; a PDF or .doc given by name is told by its
# content (reading._not_text).
_AS_JSONL = "give its texts as JSONL, one {\"id\": …, \"text\": …} object a line"
_NOT_DOCUMENTS = {**_COMPRESSED,
                  **dict.fromkeys((".csv", ".json", ".xlsx", ".xls", ".ods", ".parquet"),
                                  f"a table or JSON file, not a document; {_AS_JSONL}"),
                  # most often labelled sentences, which are scored, not tagged
                  ".tsv": f"a table, not a document; for labelled sentences, measures evaluate FILE scores a "
                          f"model on them (and suggest --exclude FILE leaves them out); else {_AS_JSONL}"}
# Never a document, so not worth a word when a folder passes them over.
_MEDIA = frozenset((".jpg", ".jpeg", ".png", ".gif", ".bmp", ".webp", ".svg", ".ico", ".tif", ".tiff", ".heic", ".mp3",
                    ".wav", ".m4a", ".mp4", ".mov", ".avi", ".flv", ".mkv", ".css", ".js", ".woff", ".woff2", ".ttf",
                    ".otf", ".exe", ".dll", ".so", ".pyc", ".ds_store"))
_PASSED_SILENTLY = frozenset(_NOT_DOCUMENTS) | _MEDIA
_NOT_READ = {".pdf": "a PDF file; extract its text first (for example with pdftotext)",
             **dict.fromkeys((".doc", ".wps", ".rtf", ".odt"), "a word-processor file measures does not "
                             "read; save it as .docx or .txt"),
             **dict.fromkeys((".mht", ".mhtml"), MHTML),
             **_COMPRESSED}


def _is_model(folder: Path) -> bool:
    from .persistence import is_model_folder

    return is_model_folder(folder)


def _meant(name: str) -> str:
    """What a name that is no file was more likely meant as, as a hint: a web address, or a
    sentence (written with a sentence's marks, which a file's name hardly has) to tag."""
    if _WEB_ADDRESS.match(name):
        return "; a web address: measures reads files, so save the page (as HTML) and give its file"
    if _SENTENCE_MARK.search(name) and not looks_like_a_path(name):
        # quoted as a sentence, not as a file's name (shell_word writes -x as ./-x)
        return f"; text to tag is read from standard input: echo {shlex.quote(in_message(name))} | measures tag -"
    return ""


_WEB_ADDRESS = re.compile(r"(?i)(?:https?|ftp)://")
_SENTENCE_MARK = re.compile("[。！？；，]")


def _walk(folder: Path, passed_over: list[str]) -> Iterator[tuple[Path, str | None]]:
    """(file, None) for each document file under ``folder``, sorted, at any depth, and
    (path, why) for what is not read but should not pass unnoticed: a subfolder that
    cannot be listed, a link, a PDF or .doc. A model folder (whose README.md is no policy
    document) is left out. Files of any other kind are added to ``passed_over`` (their
    paths below the folder), except tables, which are most often the documents' index, and
    images and other media.

    A linked subfolder or document is named, not followed: an output written through it
    would be outside the input folder by its real path, so the check that keeps outputs
    from replacing inputs (outputs.check_not_input) would not see it."""
    errors: list[OSError] = []
    for root, dirs, files in os.walk(folder, onerror=errors.append):
        for error in errors:
            yield Path(error.filename or root), f"cannot read this folder ({error.strerror or error})"
        errors.clear()
        kept = []
        for name in sorted(dirs):
            child = Path(root) / name
            if name.startswith(".") or _is_model(child):
                continue
            if child.is_symlink():
                yield child, "a linked folder, not followed; give it as an input of its own"
            else:
                kept.append(name)
        dirs[:] = kept
        for name in sorted(files):
            child = Path(root) / name
            if read_from_folder(child, folder):
                yield child, _unread(child)
            elif _hidden(child, folder):
                continue
            elif child.suffix.lower() in _NOT_READ:
                yield child, _NOT_READ[child.suffix.lower()]
            elif child.suffix.lower() not in _PASSED_SILENTLY:  # a page saved as .php, or with no extension
                passed_over.append(in_message(text_name(str(child.relative_to(folder)))))  # a GBK name as text
    for error in errors:  # the folder itself
        yield Path(error.filename or folder), f"cannot read this folder ({error.strerror or error})"


def _unread(child: Path) -> str | None:
    """Why a document file of a folder is not read, or None: a link is not followed, and
    what is not a regular file (a named pipe that nothing writes to waits for ever) is not
    a document."""
    try:
        mode = child.lstat().st_mode
    except OSError:  # gone since the listing: reading it says so
        return None
    if stat.S_ISLNK(mode):
        return "a linked file, not followed; give it as an input of its own"
    if not stat.S_ISREG(mode):
        return "not a regular file (a named pipe or a device), not read"
    return None


def read_once(name: str, first: str) -> str:
    """The note on a file met again under ``name``, first met as ``first``: it is read
    once (read twice, it would count twice in every total made of the output)."""
    again = "given more than once" if first == name else f"the same file as {in_message(first)}"
    return f"{in_message(name)}: {again}; read once"


def iter_sources(inputs: Iterable[str], record_fields: RecordFields = RecordFields()) -> Iterator[Source]:
    """Documents named on a command line: files, folders (their document files, sorted,
    recursively, hidden ones left out), ``.jsonl`` files (one ``{"id", "text", ...}`` object
    a line, its text in the field ``record_fields.text``, of whose other fields those in
    ``record_fields.keep`` are kept) and ``-`` (standard
    input: JSONL when its first non-blank line opens a JSON object, else one document). A
    file met again (named twice, by a hard link's name, or in a folder and by name) is read
    once, with a note (one for a folder): read twice, it would count twice in every total
    made of the output."""
    record_fields = _record_fields(record_fields)
    seen: dict[tuple[int, int], str] = {}
    refused: dict[tuple[int, int], str] = {}
    walked: set[Path] = set()

    def read_before(name: str, status: os.stat_result | None, met: dict | None = None) -> str | None:
        """The name a file was first met by in ``met`` (default: those read), or None (and
        it is met now). A named pipe read a second time would wait for ever for a writer;
        other devices are not files."""
        if status is None or not (stat.S_ISREG(status.st_mode) or stat.S_ISFIFO(status.st_mode)):
            return None
        met = seen if met is None else met
        key = (status.st_dev, status.st_ino)
        first = met.get(key)
        if first is None:
            met[key] = name
        return first

    def status_of(path: Path) -> os.stat_result | None:
        try:
            return path.stat()
        except OSError:  # reading it says why
            return None

    for item in inputs:
        if item == "-":
            if sys.stdin is None:  # started with it closed (measures tag - <&-)
                yield Source("<stdin>", error="<stdin>: standard input is closed")
                continue
            try:  # standard input redirected from a file given by name too (measures tag f.txt - < f.txt)
                status = os.fstat(sys.stdin.fileno())
            except (AttributeError, OSError, ValueError):  # a stream in memory (tests, notebooks)
                status = None
            first = read_before("standard input (-)", status)
            if first is None:
                yield from _stdin(sys.stdin.buffer, record_fields)
            else:
                yield Source("<stdin>", note=read_once("<stdin>", first))
            continue
        path = Path(item)
        if path.is_dir() and _is_model(path):
            yield Source(str(path), error=f"{in_message(path)}: a model folder, not documents "
                                          f"(for a model, --model {shell_word(path)})")
        elif path.is_dir() and path.resolve() in walked:
            yield Source(str(path), note=read_once(str(path), str(path)))
        elif path.is_dir():
            walked.add(path.resolve())
            found = False
            passed_over: list[str] = []
            again: list[str] = []
            for child, problem in _walk(path, passed_over):
                found = True
                # a file not read (a link, not followed) is met apart: given by name, it is read
                first = read_before(str(child), status_of(child), refused if problem else None)
                if first is not None:  # said when it was first met
                    again.append(f"{in_message(text_name(str(child.relative_to(path))))} (as {in_message(first)})")
                elif problem:
                    yield Source(str(child), error=f"{in_message(child)}: {problem}")
                else:
                    yield from _file(child, record_fields)
            # a scraped page saved as .php or with no extension is a document too
            others = (f"passed over {len(passed_over)} file(s) of other kinds ({listed(passed_over)}): give one "
                      "by name to read it as a document")
            if not found:
                yield Source(str(path), error=f"{in_message(path)}: no document files "
                                             f"({', '.join(DOCUMENT_SUFFIXES + JSONL_SUFFIXES)}) in this folder"
                                             + (f"; {others}" if passed_over else ""))
            elif passed_over:
                yield Source(str(path), note=f"{in_message(path)}: {others}")
            if again:
                yield Source(str(path), note=f"{in_message(path)}: {len(again)} file(s) met already, not read again: "
                                             f"{listed(again)}")
        elif path.exists():
            first = read_before(str(path), status_of(path))
            if first is None:
                yield from _file(path, record_fields)
            else:
                yield Source(str(path), note=read_once(str(path), first))
        else:
            # named as given: Path() makes "https://a.cn/b" "https:/a.cn/b", a name no one gave
            yield Source(str(path), error=f"{in_message(item)}: {missing(path)}{_meant(item)}")
