"""Labelled sentences in the guide's TSV format: reading, validating, and the data check.

Every problem is reported with its file and line, all at once, so a user fixes a
spreadsheet export in one pass instead of one error per run.
"""
from __future__ import annotations

import collections
import hashlib
import math
import os
from dataclasses import dataclass, field
from typing import Iterable, Sequence, Union

from .cleaning import clean, emptied, normalize_sentence
from .inputs import check_ordered, flag_argument, in_message, is_device, iterable_argument, path_argument
from .outputs import needs_an_apostrophe
from .labels import LABEL_IDS, LabelError, joined_labels, parse_labels, reads_as_labels
from .reading import is_compressed, line_number
from .splitting import LINE_BREAK, pieces_shown, split_sentences

# one labelled file or several, each named by a string or a path
Paths = Union[str, "os.PathLike[str]", Iterable[Union[str, "os.PathLike[str]"]]]

__all__ = ["Problem", "DataError", "LabelledData", "read_labelled", "labelled_pairs", "check_data",
           "agreement", "format_check"]


@dataclass(frozen=True)
class Problem:
    """A bad row: ``line`` of file ``path``, or, with ``line`` None, the row ``path``
    names by itself (``data[3]`` of data given in memory)."""

    path: str
    line: int | None
    message: str
    #: the row has a text and no label (a copy someone labels part of leaves the rest empty)
    unlabelled: bool = False

    @property
    def where(self) -> str:
        """``path:line`` as a message names it; the data check's JSON gives the path as it is."""
        return in_message(_where((self.path, self.line)))

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


def _where(location: tuple[str, int | None]) -> str:
    """``path:line``, or for a row given in memory its own name (``data[3]``)."""
    path, line = location
    return path if line is None else f"{path}:{line}"


class DataError(ValueError):
    """Labelled data that cannot be used: ``problems`` lists every bad row, or is empty
    when ``message`` says what is wrong with the data as a whole (too little to train on)."""

    def __init__(self, problems: Sequence[Problem] = (), message: str | None = None):
        self.problems = list(problems)
        if message is None and len(self.problems) == 1:
            message = str(self.problems[0])
        elif message is None:
            shown = "\n".join(str(p) for p in self.problems[:20])
            more = f"\n… and {len(self.problems) - 20} more" if len(self.problems) > 20 else ""
            # line 1 is a file's header: a problem there is the file's, not a row's
            kind = ("files that cannot be used" if all(p.line == 1 for p in self.problems) else
                    "bad rows" if all(p.line != 1 for p in self.problems) else "problems")
            message = f"{len(self.problems)} {kind} in labelled data:\n{shown}{more}"
        super().__init__(message)

    def __reduce__(self):
        # as it was made, so it crosses to and from worker processes intact
        return type(self), (self.problems, str(self))


@dataclass
class LabelledData:
    """Sentences and their labels, with where each row came from."""

    texts: list[str] = field(default_factory=list)
    labels: list[tuple[str, ...]] = field(default_factory=list)
    # (file, line), or (data[i], None) for pairs given in memory
    locations: list[tuple[str, int | None]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    sha256: str = ""
    #: each file's sha256, by its path: a model records those it was trained on, so that
    #: scoring it on one of them, under any name, is said to be that
    file_sha256: dict[str, str] = field(default_factory=dict)

    @property
    def y(self) -> list[str]:
        """Labels as ``"primary|second"`` strings, as ``fit`` takes them; a new list at each
        reading (``labels`` may change), so take it once rather than ``data.y[i]`` in a loop."""
        return ["|".join(labels) for labels in self.labels]

    def __len__(self) -> int:
        return len(self.texts)


def file_lines(path: str):
    """A labelled file's bytes and its lines as text (UTF-8, with or without BOM), or a
    DataError naming the file (and the line of bytes that do not decode)."""
    read = _file_lines(path)
    if isinstance(read, Problem):
        # the whole file is unreadable, not one row: no row list, so no "skip the bad rows"
        raise DataError(message=str(read))
    return read


def _file_lines(path: str):
    """:func:`file_lines`' bytes and lines, or the Problem that keeps the file from being read."""
    try:
        with open(path, "rb") as handle:
            if is_device(handle.fileno()):  # /dev/zero is read for ever
                return Problem(path, None, "a device, not a TSV file")
            raw = handle.read()
    except OSError as error:
        return Problem(path, None, f"cannot be read ({error.strerror or error}){_not_a_file(path)}")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        return Problem(path, line_number(raw, error.start), _not_utf8(raw))
    # Rows end at "\n" (a "\r" before it is a Windows line end), or at "\r" in a file
    # without any "\n" (old Mac exports, which read as one header line and no rows
    # otherwise); not str.splitlines, which would also cut a sentence at U+2028, U+0085
    # and the like.
    lines = text.split("\n" if "\n" in text else "\r")
    if lines[-1] == "":
        lines.pop()
    return raw, [line[:-1] if line.endswith("\r") else line for line in lines]


def _not_a_file(path: str) -> str:
    """What a missing file's name was more likely meant to be, as a hint."""
    if path == "-":
        return "; labelled data is read from files, not standard input: save it as a .tsv file"
    if path == "bundled":
        return ("; 'bundled' names the bundled corpus for `measures train` and `measures check-data`; "
                "elsewhere, and in Python, give its files: measures.datasets.training_files()")
    return ""


def _not_utf8(raw: bytes) -> str:
    """Why a labelled file cannot be read, with what to do: spreadsheets save "Unicode
    text" as UTF-16 and, on Chinese Windows, plain text as GBK."""
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff"):
        found = "UTF-16 text (a spreadsheet's 'Unicode text')"
    elif is_compressed(raw):
        return ("compressed data (gzip, bzip2, xz or zstd), not text; decompress it first (zcat, bzcat, xzcat or "
                "zstdcat FILE > mine.tsv)")
    elif raw[:4] == b"PK\x03\x04":
        return ("a zip archive, not text (a workbook or a Word file?); save it as tab-separated text in UTF-8, "
                "the guide's TSV format")
    elif raw[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        # the compound-file signature of .xls and .doc before 2007
        return ("an old Office file, not text (an .xls workbook or a .doc?); save it as tab-separated text in "
                "UTF-8, the guide's TSV format")
    else:
        try:
            raw.decode("gb18030")
            found = "not UTF-8 text: it reads as GBK/GB18030"
        except UnicodeDecodeError:
            found = "not UTF-8 text"
    return f"{found}; save it as UTF-8 (the guide's TSV format is UTF-8)"


def label_rows(values: Iterable, name: str) -> list[tuple[str, ...]]:
    """Each label row (``"a|b"`` or a sequence of ids) checked against the guide as a
    labelled file's rows are: a :class:`DataError` names every bad one as ``name[i]``."""
    if isinstance(values, str):  # iterating over it would give its characters as label rows
        raise TypeError(f"{name}: expected one label row per sentence, not a string")
    check_ordered(values, f"{name}: expected one label row per sentence")
    if getattr(values, "ndim", 1) == 2 and hasattr(values, "columns"):  # it iterates over its column names
        raise TypeError(f"{name}: expected one label row per sentence, got a {type(values).__name__}; give its "
                        f"column of labels (df['labels'])")
    if getattr(values, "ndim", 1) == 2 and getattr(getattr(values, "dtype", None), "kind", "O") in "biuf":
        raise TypeError(f"{name}: expected one label row per sentence ('primary|second' or a list of ids), got "
                        f"a matrix of numbers of shape {getattr(values, 'shape', None)} (an indicator matrix "
                        f"has no primary label, which a row gives first; MultiLabelBinarizer's inverse_transform "
                        f"gives each row in its classes' order, not primary first)")
    rows, problems = [], []
    for i, value in enumerate(values):
        try:
            rows.append(parse_labels(joined_labels(value)))
        except LabelError as error:
            problems.append(Problem(f"{name}[{i}]", None, str(error)))
    if problems:
        raise DataError(problems)
    return rows


def sentence_key(text: str) -> str:
    """A sentence as cleaning leaves it, for telling copies apart: normalised and trimmed,
    so that one typed with "，" and the same one as ``suggest`` wrote it, with ",", are one
    sentence (the model gives them the same labels). The model's features go further
    (lower case, every number as 0); sentences that differ only so, such as two days'
    bulletins, stay different sentences here. A line break in it is a space, as the model
    reads it."""
    return normalize_sentence(text).strip()


def key_hashes(keys: Iterable[str]):
    """A 64-bit hash of each :func:`sentence_key` (the first 8 bytes of its UTF-8's
    blake2b, little-endian), as a numpy uint64 array: how a model records the sentences it
    was trained on, so that the same sentence in another file, in another process or on
    another machine has the same hash (Python's ``hash()`` of a string differs from one
    process to the next)."""
    import numpy as np

    digests = b"".join(hashlib.blake2b(key.encode("utf-8", "surrogatepass"), digest_size=8).digest() for key in keys)
    return np.frombuffer(digests, dtype="<u8").astype(np.uint64)


def repeat_problem(first_seen: dict, key: str, labels: tuple[str, ...], where: str, shown: str) -> str | None:
    """What is wrong with the sentence of :func:`sentence_key` ``key`` labelled ``labels``
    (given as ``shown``) at ``where``, when ``first_seen`` (key -> (labels, where), filled
    here) holds it labelled otherwise; else None. The primary label counts as much as the
    set (primary accuracy scores it); the order of the others means nothing."""
    earlier = first_seen.setdefault(key, (labels, where))
    if earlier[0][0] != labels[0] or set(earlier[0]) != set(labels):
        return f"same sentence labelled {'|'.join(earlier[0])!r} at {earlier[1]} and {shown!r} here"
    return None


def empty_problem(text: str, key: str) -> str | None:
    """What is wrong with a row's text whose :func:`sentence_key` is ``key`` when there is
    no sentence in it, or None."""
    if not text.strip():
        return "empty text"
    if not key:
        return f"the text {emptied(text.strip())}: no sentence to learn from"
    return None


def _add_row(data: LabelledData, first_seen: dict, text: str, value: str, path: str,
             line: int | None) -> bool:
    """Check a row against the guide and add it to ``data``, or add its problem to
    ``data.problems``; whether the row was added."""
    def refuse(message: str, unlabelled: bool = False) -> bool:
        data.problems.append(Problem(path, line, message, unlabelled))
        return False

    text, value = text.strip(), value.strip()
    key = sentence_key(text)
    empty = empty_problem(text, key)
    if empty:
        return refuse(empty)
    try:
        labels = parse_labels(value)
    except LabelError as error:
        return refuse(str(error), unlabelled=not value)
    repeated = repeat_problem(first_seen, key, labels, Problem(path, line, "").where, value)
    if repeated:
        return refuse(repeated)
    data.texts.append(text)
    data.labels.append(labels)
    return True


def _quoted_line_break(lines: list[str], number: int, needed: int, text_col: int) -> int:
    """The number of the line that closes a quoted cell opened on line ``number`` (1-based),
    as a spreadsheet quotes a cell holding a line break; else 0. The cell opens on a line
    short of the ``needed`` cells, or in the text cell ending a full row (a file whose
    labels come first); the lines between hold no tab, and the lines joined make a row: a
    sentence opening with a quote that a later row closes is no such cell."""
    cells = lines[number - 1].split("\t")
    if len(cells) >= needed:
        if text_col != len(cells) - 1 or not _opens_quote(cells[text_col]):
            return 0
        closing_tabs = False  # the text ends the row: its closing line has no further cell
    elif any(_opens_quote(cell) for cell in cells):
        closing_tabs = True
    else:
        return 0
    for after in range(number, min(len(lines), number + 20)):
        line = lines[after]
        if line.count('"') % 2:
            if "\t" in line and not closing_tabs:
                return 0
            joined = "\n".join(lines[number - 1:after + 1])
            return after + 1 if joined.count("\t") + 1 >= needed else 0
        if "\t" in line:
            return 0
    return 0


def _opens_quote(cell: str) -> bool:
    """Whether a cell opens a spreadsheet's quoted cell that it does not close."""
    return cell.lstrip().startswith('"') and cell.count('"') % 2 == 1


def _identity(path: str) -> object:
    """What tells a file from another, however it is named (a link, a hard link)."""
    try:
        found = os.stat(path)
    except OSError:  # reading it says why
        return os.path.realpath(path)
    return found.st_dev, found.st_ino


def _moved_text(cells: list[str], labels_col: int) -> bool:
    """Whether the labels cell of a row with an extra empty cell holds the second half of
    a text a tab cut, not labels mistyped before a trailing tab: it does not read as
    labels, and either the next cell does or it ends as a sentence does."""
    value = cells[labels_col].strip()
    if reads_as_labels(value):
        return False
    after = cells[labels_col + 1] if labels_col + 1 < len(cells) else ""
    return reads_as_labels(after) or value.endswith(tuple("。！？；!?;”\""))


def _quoted_labels(cell: str) -> bool:
    """Whether a labels cell is in quotes: no label holds a '"', so its row comes from an
    export that quotes every cell but its header's, and its text is in quotes too."""
    cell = cell.strip()
    return len(cell) > 2 and cell[0] == cell[-1] == '"'


def _row_text(cells: list[str], text_col: int, labels_col: int | None, all_quoted: bool) -> str:
    """A row's sentence from its cells as split at tabs, as every reader of labelled files
    reads it: unquoted as an export quotes it (every cell, or every cell but the header's,
    which its labels cell in quotes shows), without a formula's apostrophe."""
    quoted = all_quoted or (labels_col is not None and labels_col < len(cells) and _quoted_labels(cells[labels_col]))
    return as_written(unquoted_cell(cells[text_col], quoted).strip())


def _tab_hint(cells: list[str], columns: int, labels_col: int) -> str | None:
    """Why a row's labels cell may not read as labels, told by the cells around it: a tab
    typed in the text moves the labels one cell on, past the last column (the labels'
    cell then holds the end of the text: mistyped, or words, as 核酸检测 is both a label's
    Chinese name and words) or into a column the file names after them (``doc``)."""
    if len(cells) > columns:
        return f"or does the text hold a tab? the row has {len(cells)} cells, the header names {columns} columns"
    after = cells[labels_col + 1].strip() if labels_col + 1 < len(cells) else ""
    if after and reads_as_labels(after):
        return f"the cell after it, {after!r}, reads as labels: does the text hold a tab, or the row one too many?"
    return None


def unquoted_cell(cell: str, all_quoted: bool = False) -> str:
    """A cell as the sentence or labels it holds: a spreadsheet saving tab-separated text
    quotes a cell that holds a '"' and doubles its quotes ("实行""先消毒""。" for
    实行"先消毒"。), and some exports quote every cell (``all_quoted``: the header's are);
    left quoted, the sentence would match no other copy of it."""
    cell = cell.strip()
    inner = cell[1:-1]
    if len(cell) >= 2 and cell[0] == cell[-1] == '"' and '"' not in inner.replace('""', "") and (
            all_quoted or '""' in inner):
        return inner.replace('""', '"')
    return cell


def as_written(text: str) -> str:
    """A text cell's sentence without the apostrophe that :func:`~measures.outputs.inert_cell`
    puts before a formula's first character (``'=各社区…``), as ``measures suggest`` writes
    the sentences that users correct and train on."""
    return text[1:] if text[:1] == "'" and needs_an_apostrophe(text[1:]) else text


def _all_quoted(lines: list[str]) -> bool:
    """Whether a file quotes every cell, as its header shows ("text"<TAB>"labels": an
    export set to quote all text cells, R's write.table, pandas' QUOTE_ALL)."""
    cells = [cell.strip() for cell in lines[0].split("\t")] if lines else []
    # pandas names its index column "" (to_csv(quoting=QUOTE_ALL) with the index kept)
    return any(len(cell) > 2 for cell in cells) and all(len(cell) >= 2 and cell[0] == cell[-1] == '"'
                                                        for cell in cells)


def _header(lines: list[str]) -> list[str]:
    """A file's column names, as the readers match them (case, spaces and quotes aside)."""
    return [unquoted_cell(name, True).strip().lower() for name in lines[0].split("\t")] if lines else []


def holds_labels(path) -> bool:
    """Whether ``path`` is a file whose header names a 'labels' column, such as the one the
    labelling loop has someone correct: hours of work that an output written over it loses."""
    if not os.path.isfile(path):  # a named pipe would be read, and its writer's data lost
        return False
    try:
        with open(path, "rb") as handle:
            first = handle.readline(1 << 16)
    except OSError:
        return False
    return "labels" in _header([first.decode("utf-8", "replace").lstrip("\ufeff").rstrip("\r\n")])


def _named_twice(header: list[str], names) -> str | None:
    """What is wrong when one of the columns read is named twice: which one would be meant
    is a guess (a corrected 'labels' column added beside the model's, say)."""
    for name in names:
        if header.count(name) > 1:
            return f"the column {name!r} is named twice; keep one (or rename the other)"
    return None


def _header_shown(lines: list[str]) -> str:
    """A file's first line as an error quotes it: cut short, as a whole file may be one line."""
    first = lines[0] if lines else ""
    return repr(first if len(first) <= 80 else first[:80] + "…")


def _bad_header(lines: list[str], wanted: str) -> str:
    """What is wrong with a header that does not name ``wanted``, with how to save a
    comma-separated file."""
    comma = bool(lines) and "," in lines[0] and "text" in {name.strip().lower() for name in lines[0].split(",")}
    if lines and not lines[0].strip():
        return f"the first line is empty: the header, naming {wanted}, must be the first line"
    names = _header(lines)
    near = []
    for column in (column for column in ("text", "labels") if f"'{column}'" in wanted and column not in names):
        name = next((name for name in names if name in _NEAR_NAMES[column]), None)
        if name is not None:
            near.append(f"{name!r} for {column!r}")
    # a file saved without its header: its first row is taken for one
    row = "text" not in names and not near and any(reads_as_labels(cell.strip()) for cell in lines[0].split("\t")[1:])
    return (f"header must name {wanted}, got {_header_shown(lines)}"
            + ("; the file is comma-separated: save it as tab-separated text (TSV)" if comma else "")
            + (f"; did you mean {' and '.join(near)}?" if near and not comma else "")
            + ("; that line reads as a labelled row: add the header line 'text<TAB>labels' above it"
               if row and not comma else ""))


# column names that people write for the guide's two
_NEAR_NAMES = {"text": ("texts", "sentence", "sentences", "句子", "文本"),
               "labels": ("label", "tags", "tag", "category", "categories", "标签", "类别")}


def _path_list(paths: Paths) -> list[str]:
    """One path or several, as a list of strings."""
    if isinstance(paths, (str, bytes, os.PathLike)):  # one path (bytes: refused, not iterated as numbers)
        return [str(path_argument(paths, "TSV path"))]
    return [str(path_argument(path, "TSV path")) for path in iterable_argument(paths, "one or more TSV paths")]


def read_labelled(paths: Paths, skip_bad_rows: bool = False) -> LabelledData:
    """Read one or more TSV files with a ``text`` and a ``labels`` column.

    Further columns are ignored. Bad rows (unknown label ids, ``other`` combined with a
    measure, empty text, missing columns, the same sentence with conflicting labels)
    raise :class:`DataError` naming file and line, unless ``skip_bad_rows`` is true; then
    they are left out and listed in ``problems``. A file that is empty, whose header
    does not name both columns or that has no row under it is always an error: skipping
    its rows would drop the whole file without a word.
    """
    skip_bad_rows = flag_argument(skip_bad_rows, "skip_bad_rows")  # before any file is read
    data = _read_files(paths)
    unusable = [p for p in data.problems if p.line == 1]
    if skip_bad_rows and unusable:
        raise files_refused(unusable, "skip_bad_rows=True")
    if data.problems and not skip_bad_rows:
        raise DataError(data.problems)
    return data


def files_refused(problems: list[Problem], option: str) -> DataError:
    """The error for files refused whole while ``option`` asked to skip bad rows."""
    return DataError(problems, "\n".join(map(str, problems))
                     + f"\n({option} leaves out bad rows, not a whole file that cannot be used)")


def _read_files(paths: Paths, unreadable: list | None = None) -> LabelledData:
    """The usable rows of TSV files, every problem listed in ``problems``; a problem on
    line 1 (an empty file, an unusable header) means none of that file's rows were read.
    A file that cannot be read (not UTF-8, missing) is a DataError, or, given a list
    ``unreadable`` (the data check, which reports every file), a problem listed as the
    others are and in that list."""
    data = LabelledData()
    digest = hashlib.sha256()
    first_seen: dict[str, tuple[tuple[str, ...], str]] = {}
    given: dict[object, str] = {}
    for path in _path_list(paths):
        same = _identity(path)
        if same in given:
            data.problems.append(Problem(path, 1, f"the same file as {in_message(given[same])}, given twice: its rows "
                                                  "would count twice"))
            continue
        given[same] = path
        read = _file_lines(path)
        if isinstance(read, Problem):
            if unreadable is None:  # the whole file is unreadable, not one row, as file_lines says
                raise DataError(message=str(read))
            data.problems.append(read)
            unreadable.append(read)
            continue
        raw, lines = read
        digest.update(raw)
        data.file_sha256[path] = hashlib.sha256(raw).hexdigest()
        if not any(line.strip() for line in lines):
            data.problems.append(Problem(path, 1, "empty file: expected a header 'text<TAB>labels'"))
            continue
        header = _header(lines)
        if "text" not in header or "labels" not in header:
            data.problems.append(Problem(path, 1, _bad_header(lines, "the columns 'text' and 'labels'")))
            continue
        twice = _named_twice(header, ("text", "labels"))
        if twice:
            data.problems.append(Problem(path, 1, twice))
            continue
        if not any(line.strip() for line in lines[1:]):
            data.problems.append(Problem(path, 1, "no rows under the header: the file labels no sentence"))
            continue
        text_col, labels_col = header.index("text"), header.index("labels")
        all_quoted = _all_quoted(lines)
        quoted_to = 0
        for number, line in enumerate(lines[1:], start=2):
            if number <= quoted_to or not line.strip():
                continue
            # read as a row, it was an unknown label id 'labels'; another file's header may name
            # other columns too (a suggest round's, joined with a file of two columns)
            if {"text", "labels"} <= set(_header([line.lstrip("\ufeff")])):
                data.problems.append(Problem(path, number, "the header again, as files joined into one (cat a.tsv "
                                                           "b.tsv) have it: delete this line"))
                continue
            # a file that quotes every cell is read as its cells, unquoted once
            raw = line.split("\t")
            cells = [unquoted_cell(cell, True) for cell in raw] if all_quoted else raw
            quoted_to = _quoted_line_break(lines, number, max(text_col, labels_col) + 1, text_col)
            if quoted_to:
                data.problems.append(Problem(path, number, f"a quoted cell holds a line break (lines {number}–"
                                                           f"{quoted_to}, as a spreadsheet saves a cell of two "
                                                           f"lines), which the guide's text never does: put its "
                                                           f"sentence on one line"))
                continue
            if len(cells) <= max(text_col, labels_col):
                # a trailing empty labels cell an editor trimmed away
                unlabelled = labels_col >= len(cells) > text_col and bool(cells[text_col].strip())
                data.problems.append(Problem(path, number, f"expected at least {max(text_col, labels_col) + 1} "
                                                           f"tab-separated columns, got {len(cells)} (every line "
                                                           f"after the header is a row: text<TAB>labels)",
                                             unlabelled))
                continue
            if any(cell.strip() for cell in cells[len(header):]) or (
                    len(cells) > len(header) and _moved_text(cells, labels_col)):
                # a column the header does not name: most often a tab typed inside the text,
                # which moved the labels one cell on (into a named column left empty, the
                # extra cell is empty too; an empty cell after the last is no column)
                data.problems.append(Problem(path, number, f"{len(cells)} tab-separated cells, where the header "
                                                           f"names {len(header)} columns: does the text hold a "
                                                           f"tab? (the guide's text never does)"))
                continue
            before = len(data.problems)
            labels = cells[labels_col].strip()
            if not all_quoted and _quoted_labels(labels):
                labels = labels[1:-1]
            text = _row_text(raw, text_col, labels_col, all_quoted)
            if _add_row(data, first_seen, text, labels, path, number):
                data.locations.append((path, number))
            elif not reads_as_labels(labels):
                hint = _tab_hint(cells, len(header), labels_col)
                if hint:
                    problem = data.problems[before]
                    data.problems[before] = Problem(problem.path, problem.line, f"{problem.message} ({hint})",
                                                    problem.unlabelled)
    data.sha256 = digest.hexdigest()
    return data


def read_texts(paths: Paths) -> list[str]:
    """The ``text`` column of TSV files, whatever their labels say (sentences to leave
    out, such as those already labelled: a mistyped label must not bring its sentence
    back). A file without a ``text`` column is a :class:`DataError`."""
    texts = []
    for path in _path_list(paths):
        lines = file_lines(path)[1]
        if not lines:  # as read_labelled says, not an IndexError from the header's check
            raise DataError(message=str(Problem(path, 1, "empty file: expected a header naming a 'text' column")))
        header = _header(lines)
        if "text" not in header:
            raise DataError(message=str(Problem(path, 1, _bad_header(lines, "a 'text' column"))))
        twice = _named_twice(header, ("text",))
        if twice:
            raise DataError(message=str(Problem(path, 1, twice)))
        at, all_quoted = header.index("text"), _all_quoted(lines)
        labels_at = header.index("labels") if "labels" in header else None
        texts += [_row_text(cells, at, labels_at, all_quoted)
                  for cells in (line.split("\t") for line in lines[1:]) if len(cells) > at]
    return [text for text in texts if text]


def labelled_pairs(pairs: Iterable[tuple[str, object]], skip_bad_rows: bool = False) -> LabelledData:
    """``(text, labels)`` pairs, labels ``"primary|second"`` or a sequence of ids, checked
    as :func:`read_labelled` checks a file's rows; a bad pair is named by its index
    (``data[3]``)."""
    skip_bad_rows = flag_argument(skip_bad_rows, "skip_bad_rows")
    data = LabelledData()
    first_seen: dict[str, tuple[tuple[str, ...], str]] = {}
    # the shapes of rows that are no pair: every row of one size is one mistake, said once
    sizes: collections.Counter = collections.Counter()
    count = 0
    for count, pair in enumerate(pairs, start=1):
        i = count - 1
        # a row of a table's .values or .to_numpy() is an array: a pair as well
        sized = not isinstance(pair, (str, bytes, dict)) and hasattr(pair, "__len__")
        if not (sized and len(pair) == 2 and isinstance(tuple(pair)[0], str)):
            shape = (f"{len(pair)} items" if sized and len(pair) != 2 else
                     "a pair whose text is no string" if sized else type(pair).__name__)
            sizes[shape] += 1
            data.problems.append(Problem(f"data[{i}]", None, f"expected a (text, labels) pair, got {shape}: {pair!r:.80}"))
            continue
        text, labels = str(tuple(pair)[0]), tuple(pair)[1]  # numpy's str_ as str
        try:
            labels = joined_labels(labels)
        except LabelError as error:
            data.problems.append(Problem(f"data[{i}]", None, str(error)))
            continue
        if _add_row(data, first_seen, text, labels, f"data[{i}]", None):
            data.locations.append((f"data[{i}]", None))
    # no file to hash: the rows themselves, as a TSV of them would read
    rows = "".join(f"{text}\t{label}\n" for text, label in zip(data.texts, data.y))
    data.sha256 = hashlib.sha256(rows.encode("utf-8")).hexdigest()
    if data.problems and not skip_bad_rows:
        shape, n = sizes.most_common(1)[0] if sizes else ("", 0)
        if n == count > 1 and shape.endswith(" items"):  # a table of more columns than two, most likely
            raise DataError(data.problems, f"every row has {shape}, where a row is a (text, labels) pair: keep "
                                           f"those two, as df[['text', 'labels']].values does for a table; "
                                           f"{data.problems[0]}")
        raise DataError(data.problems)
    return data


# --- the data check ---------------------------------------------------------------------

# Rows where two readings differ that the text report lists; JSON lists them all.
SHOWN_DIFFERENCES = 30


def char_grams(text: str, n: int = 4) -> frozenset:
    """The character ``n``-grams of ``text``, for near-duplicate similarity (Jaccard)."""
    return frozenset(text[i:i + n] for i in range(max(1, len(text) - n + 1)))


def near_duplicates(texts: Sequence[str], threshold: float = 0.7) -> list[tuple[int, int, float]]:
    """Pairs ``(i, j, jaccard)``, ``i < j``, of different texts with character-4-gram
    Jaccard similarity >= threshold, each text named by its first position (copies of a
    text are exact duplicates, not pairs here: k copies would make k² pairs). All of
    them, found fast on tens of thousands of sentences by prefix filtering (Bayardo et
    al., "Scaling up all pairs similarity search", 2007): with each text's 4-grams
    ordered rarest first, two sets of Jaccard >= t share at least one of their first
    |A| - ceil(t|A|) + 1 grams, so only texts that share one of those, mostly rare,
    grams are compared."""
    if not 0 < threshold <= 1:
        raise ValueError(f"threshold must be in (0, 1], got {threshold!r}")
    first: dict[str, int] = {}
    for position, text in enumerate(texts):
        first.setdefault(text, position)
    distinct = list(first)
    grams = [char_grams(t) for t in distinct]
    frequency = collections.Counter(gram for g in grams for gram in g)
    index: dict[str, list[int]] = collections.defaultdict(list)
    pairs = []
    for j, g in enumerate(grams):
        ordered = sorted(g, key=lambda gram: (frequency[gram], gram))
        prefix = ordered[:len(g) - math.ceil(threshold * len(g) - 1e-9) + 1]
        candidates = {i for gram in prefix for i in index[gram]}
        for i in sorted(candidates):
            # a set of size s cannot reach t against one smaller than t * s
            if min(len(g), len(grams[i])) < threshold * max(len(g), len(grams[i])) - 1e-9:
                continue
            jaccard = len(g & grams[i]) / len(g | grams[i])
            if jaccard >= threshold:
                pairs.append((first[distinct[i]], first[distinct[j]], jaccard))
        for gram in prefix:
            index[gram].append(j)
    return sorted(pairs)


def agreement(data: LabelledData, second: LabelledData) -> dict:
    """How a second labelling of some of the same sentences (matched by their text as
    :func:`sentence_key` gives it), made without seeing the first, agrees with ``data``'s
    labels: the scores of the first reading taken as truth (None when no sentence
    matched), and every row where the two differ, in labels or in their order."""
    from .evaluation import scores

    first = {sentence_key(text): (labels, where) for text, labels, where in zip(data.texts, data.labels, data.locations)}
    seen: dict[str, tuple] = {}  # a sentence given twice the same way is compared once
    for text, labels, where in zip(second.texts, second.labels, second.locations):
        seen.setdefault(sentence_key(text), (labels, where, text))
    pairs = [(first[key], reading[:2], reading[2]) for key, reading in seen.items() if key in first]
    result = scores([a[0] for a, _, _ in pairs], [b[0] for _, b, _ in pairs], LABEL_IDS) if pairs else {}
    return {
        "rows": len(pairs),
        "not_in_data": len(seen) - len(pairs),
        # no figures without a sentence to compare, rather than agreement 0
        "primary_agreement": result.get("primary_accuracy"),
        "exact_match": result.get("exact_match"),
        "micro_f1": result.get("micro_f1"),
        "macro_f1": result.get("macro_f1"),
        # where two annotators part most: each label's F1 between the readings, for the
        # labels either of them gave
        "label_f1": {label: v["f1"] for label, v in result.get("per_label", {}).items() if v["f1"] is not None},
        "differences": [{"where": _where(a[1]), "labels": "|".join(a[0]),
                         "second": "|".join(b[0]), "second_where": _where(b[1]), "text": text}
                        for a, b, text in pairs if a[0] != b[0]],
    }


def _not_one_sentence(text: str) -> str | None:
    """What is wrong with a row that is not one sentence as measures splits text (the
    guide's unit), or None: the model would read its parts apart."""
    brk = LINE_BREAK.search(text.strip())
    if brk:
        return (f"the text holds a line break ({', '.join(f'U+{ord(c):04X}' for c in brk.group())}), which the "
                "guide's text never does; give each line its own row")
    # as a document holding the text is read: cleaning first takes away what would cut it
    # and is no sentence (a web address's "?" and ";", a footnote's [1])
    pieces = split_sentences(clean(text))
    if len(pieces) > 1:
        return (f"the text is {len(pieces)} sentences as measures splits it ({pieces_shown(pieces)}); the "
                f"guide's unit is one sentence: give each its own row")
    return None


def not_one_sentence(data: LabelledData) -> list[Problem]:
    """The rows of ``data`` that are not one sentence as measures splits text."""
    return [Problem(*location, problem) for text, location in zip(data.texts, data.locations)
            if (problem := _not_one_sentence(text))]


def check_data(paths: Paths,
               second_reading: Paths | None = None) -> dict:
    """Per-label counts, multi-label rate, exact and near-duplicate rates, and the rows
    that break the guide, for the data check command; with ``second_reading`` (files of
    another annotator's labels for some of the same sentences) also how the two agree."""
    # a file without a usable header, or one that cannot be read, is listed with the bad
    # rows, not a reason to stop; when no file can be read, there is nothing to report
    unreadable: list[Problem] = []
    data = _read_files(paths, unreadable)
    if unreadable and len(unreadable) == len({_identity(path) for path in _path_list(paths)}):  # each file once
        raise DataError(unreadable)
    problems = [str(p) for p in data.problems]
    compared = None
    if second_reading is not None:
        # a file read against itself agrees perfectly and says nothing
        data_files = {_identity(path) for path in _path_list(paths)}
        problems += [f"{in_message(path)}: given as the data and as the second reading; the second reading is another "
                     f"annotator's labels of the same sentences" for path in _path_list(second_reading)
                     if _identity(path) in data_files]
        second = _read_files(second_reading, [])
        compared = agreement(data, second)
        # a colleague labels some rows of a copy and leaves the rest empty, as asked: those
        # are rows not read, not problems
        compared["not_labelled"] = sum(p.unlabelled for p in second.problems)
        problems += [str(p) for p in second.problems if not p.unlabelled]
        if not compared["rows"]:
            named = ", ".join(map(in_message, _path_list(second_reading)))
            problems.append(f"{named}: no usable row to compare" if not len(second) else
                            f"{named}: none of its sentences is in the data (sentences are matched by their text, cleaned as the model reads it)")
    any_position = collections.Counter(label for labels in data.labels for label in labels)
    primary = collections.Counter(labels[0] for labels in data.labels)
    problems += [str(problem) for problem in not_one_sentence(data)]
    keys = [sentence_key(text) for text in data.texts]
    # each copy of a sentence (as the model reads it) after its first row
    first: dict[str, int] = {}
    copies = [(first[key], k) for k, key in enumerate(keys) if first.setdefault(key, k) != k]
    # similarity of the sentences as the model reads them, as copies are told: the same
    # sentence typed with "，" and with "," is a copy, and an edited one is a near-duplicate
    # whichever commas each has (on the texts as written, the width of the commas alone
    # put such a pair under the threshold); copies are exact duplicates, not pairs here
    pairs = near_duplicates(keys)
    # every row of a sentence in a pair, its copies too
    near_keys = {keys[i] for i, _, _ in pairs} | {keys[j] for _, j, _ in pairs}
    near = [k for k, key in enumerate(keys) if key in near_keys]
    n = len(data) or 1
    return {
        "rows": len(data),
        "labels": {label: any_position.get(label, 0) for label in LABEL_IDS},
        "primary": {label: primary.get(label, 0) for label in LABEL_IDS},
        "multi_label_rate": sum(len(l) > 1 for l in data.labels) / n,
        "exact_duplicates": len(copies),
        "exact_duplicate_examples": [{"a": _where(data.locations[i]), "b": _where(data.locations[j])}
                                     for i, j in copies],
        "near_duplicate_rows": len(near),
        "near_duplicate_rate": len(near) / n,
        "near_duplicate_examples": [
            {"a": _where(data.locations[i]), "b": _where(data.locations[j]), "jaccard": round(s, 3)}
            for i, j, s in pairs],
        "problems": problems,
        "sha256": data.sha256,
        **({"second_reading": compared} if compared is not None else {}),
    }


def format_check(report: dict) -> str:
    lines = [f"rows {report['rows']}  multi-label {report['multi_label_rate']:.1%}  "
             f"exact duplicates {report['exact_duplicates']}  "
             f"near-duplicate rows {report['near_duplicate_rows']} ({report['near_duplicate_rate']:.1%})",
             f"{'label':<20}{'rows':>7}{'primary':>9}"]
    for label in LABEL_IDS:
        lines.append(f"{label:<20}{report['labels'][label]:>7}{report['primary'][label]:>9}")
    copies = report["exact_duplicate_examples"]
    for pair in copies[:SHOWN_DIFFERENCES]:
        lines.append(f"duplicate: {in_message(pair['a'])} = {in_message(pair['b'])}")
    lines += _and_more(len(copies), "duplicates")
    near = report["near_duplicate_examples"]
    for pair in near[:SHOWN_DIFFERENCES]:
        lines.append(f"near-duplicate: {in_message(pair['a'])} ~ {in_message(pair['b'])} ({pair['jaccard']})")
    lines += _and_more(len(near), "near-duplicate pairs")
    for problem in report["problems"]:
        lines.append(f"problem: {problem}")
    second = report.get("second_reading")
    if second is not None:
        matched = (f"second reading: {second['rows']} rows matched by text ({second['not_in_data']} not in the data, "
                   f"{second['not_labelled']} left unlabelled)")
        if second["rows"]:
            matched += (f"  primary agreement {second['primary_agreement']:.3f}  exact match {second['exact_match']:.3f}"
                        f"  micro-F1 {second['micro_f1']:.3f}  macro-F1 {second['macro_f1']:.3f}")
        lines.append(matched)
        if second["label_f1"]:
            weakest = sorted(second["label_f1"].items(), key=lambda item: item[1])
            lines.append("label F1 between the readings, lowest first: "
                         + ", ".join(f"{label} {f1:.2f}" for label, f1 in weakest))
        for row in second["differences"][:SHOWN_DIFFERENCES]:
            lines.append(f"differs: {in_message(row['where'])}  {row['labels']}  second: {row['second']}  {row['text']}")
        lines += _and_more(len(second["differences"]), "differences")
    return "\n".join(lines)


def _and_more(count: int, what: str) -> list[str]:
    """The line that says how many of ``what`` the text leaves out, if any."""
    if count <= SHOWN_DIFFERENCES:
        return []
    return [f"… and {count - SHOWN_DIFFERENCES} more {what} (all of them with --format json)"]
