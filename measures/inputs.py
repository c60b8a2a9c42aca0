"""Checks of what users pass in: a text, a list of sentences. Iterating over the wrong
kind fails far from the mistake (a lone string as a list gives its characters; an empty
pandas cell is a float NaN), so the public functions check first and say what they got."""
from __future__ import annotations

import errno
import math
import numbers
import os
import re
import shlex
import stat
import unicodedata
from collections.abc import Hashable, Mapping
from pathlib import Path

import numpy as np

__all__ = ["text_argument", "path_argument", "iterable_argument", "sentence_list", "check_ordered", "is_whole",
           "as_real", "one_per_sentence", "is_missing", "weights_argument", "flag_argument", "shown", "in_message",
           "shell_word"]

# What would end a line of a message or title, or reach the terminal as its command: C0
# and C1 control characters (line breaks, tabs, escapes), DEL, and U+2028 and U+2029,
# which some readers break lines at.
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def in_message(name) -> str:
    """A path or a document's name as a message names it: as it is, unless it holds a
    CONTROL character (a file may be named with any), each of which is then written as
    Python escapes it ("\\n", "\\x1b", "\\u2028"), so that the message stays one line and
    leaves the terminal alone while the file can still be told."""
    return CONTROL.sub(lambda found: found.group().encode("unicode_escape").decode("ascii"), str(name))


# What of a name a command in a message cannot hold as it is: the CONTROL characters, and
# the lone surrogates that stand for a file name's bytes that are not UTF-8 (written to
# stderr as "\udcc4", which names another file)
_UNSHOWN = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\udc80-\udcff]+")


def shell_word(path) -> str:
    """A path as a command a message suggests names it, to be copied into a POSIX shell:
    quoted by :func:`shlex.quote` (a space, $ or ' would split or change it), what
    :func:`in_message` escapes and bytes that are not UTF-8 written as $'\\x1b' (as
    bash, zsh and ksh read it, and GNU ls quotes such names), so that the message stays
    one line and names the file, and a relative path that begins with "-" as ./-x, which
    no command takes for an option."""
    text = str(path)
    if text.startswith("-"):
        text = "./" + text
    words, start = [], 0
    for found in _UNSHOWN.finditer(text):
        if found.start() > start:
            words.append(shlex.quote(text[start:found.start()]))
        escaped = "".join(f"\\x{byte:02x}" for byte in found.group().encode("utf-8", "surrogateescape"))
        words.append(f"$'{escaped}'")
        start = found.end()
    if start < len(text) or not words:
        words.append(shlex.quote(text[start:]))
    return "".join(words)


def shown(value, most: int = 60) -> str:
    """``value`` as a message shows what a file or a caller gave: its repr, in which a line
    break or a terminal's escape cannot pass for the message's own text, cut to ``most``
    characters, so that a megabyte given is not a megabyte of message."""
    try:
        text = repr(value)
    except (ValueError, RecursionError):  # an int past Python's digit limit, a list nested past the stack
        return f"a {type(value).__name__} too large to show"
    return text if len(text) <= most else text[:most - 1] + "…"


def flag_argument(value, name: str) -> bool:
    """``value`` as a bool when it is True or False (numpy's too), else a TypeError naming
    ``name``: "false", a non-empty string, is true to ``if``, and would switch it on."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} is True or False, not {type(value).__name__} {value!r:.40}")
    return bool(value)


def as_real(value) -> float | None:
    """``value`` as a float when it is a real number (numpy's too, not a bool) that a float
    can hold, else None: a whole number too large for a float is refused, not an
    OverflowError from deep inside."""
    if not isinstance(value, numbers.Real) or isinstance(value, bool):
        return None
    try:
        return float(value)
    except (OverflowError, ValueError):
        return None


def whole_number_name(value) -> str | None:
    """The digits of an id that is a whole number (7, 7.0, numpy's 7), else None: how a
    document given a number for a name is named, whether by Model.tag_many or in a record
    (a table's id column with an empty cell holds floats)."""
    if isinstance(value, numbers.Integral) and not isinstance(value, (bool, np.bool_)):
        return str(int(value))
    number = as_real(value)
    return str(int(number)) if number is not None and number.is_integer() else None


def is_whole(value, least: int) -> bool:
    """Whether ``value`` is a whole number (numpy's too, not a bool) of at least ``least``."""
    return isinstance(value, numbers.Integral) and not isinstance(value, bool) and int(value) >= least


def text_argument(text, what: str = "text"):
    """``text`` itself when it is a string, else a TypeError naming what was given (and, for
    a path, how to read the file: a newcomer passes tag() the file's name)."""
    if not isinstance(text, str):
        hint = " (to read a file: measures.read_document(path))" if isinstance(text, os.PathLike) else ""
        raise TypeError(f"expected the {what} as a string, got {type(text).__name__}{hint}")
    return text


def path_argument(path, what: str = "path"):
    """``path`` itself when it is a non-empty string or path: pathlib would take an empty
    one for the current folder, and name neither the argument nor the mistake for None."""
    if isinstance(path, bytes):
        raise TypeError(f"expected the {what} as a string or a path, got bytes (os.fsdecode(path) decodes it)")
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"expected the {what} as a string or a path, got {type(path).__name__}")
    if not os.fspath(path):
        raise ValueError(f"the {what} is empty")
    return path


def iterable_argument(value, what: str, one: str | None = None, mapping: str | None = None):
    """``value`` itself when it can be iterated over, else a TypeError saying what was
    expected: iterating over None or a number fails deep inside, naming neither. Given
    ``one`` (how to pass a single item), a lone string or bytes is refused too, as it would
    iterate as characters or numbers; given ``mapping`` (how to pass a dict's contents), a
    mapping is, as it would iterate as its keys. (iter(), not isinstance Iterable: a
    sequence with only __getitem__ iterates too; iter() does not consume a generator.)"""
    if one is not None and isinstance(value, (str, bytes)):
        raise TypeError(f"expected {what}, not {'a string' if isinstance(value, str) else 'bytes'} ({one})")
    if mapping is not None and isinstance(value, Mapping):
        raise TypeError(f"expected {what}, not a dict ({mapping})")
    try:
        iter(value)
    except TypeError:
        raise TypeError(f"expected {what}, got {type(value).__name__}") from None
    return value


# what a file's name looks like: a folder in it, or an extension ("speech.txt", "a/b"),
# which begins with a letter (a text may end in a number: "累计检测3.5", "通报 2022.12")
_PATH_LIKE = re.compile(r"[/\\]|\.[A-Za-z][A-Za-z0-9]{0,4}$")


def counted(n: int, noun: str) -> str:
    """``n`` and ``noun``, plural unless ``n`` is 1 ("1 sentence", "2 sentences")."""
    return f"{n} {noun}{'' if n == 1 else 's'}"


def listed(names: list[str], most: int = 3, total: int | None = None) -> str:
    """The first ``most`` of ``names`` for a message, and how many more there are: of
    ``total`` when given (a caller that keeps only the first few of many), else of ``names``."""
    total = len(names) if total is None else total
    return ", ".join(names[:most]) + (f" and {total - most} more" if total > most else "")


def is_device(fd: int) -> bool:
    """Whether descriptor ``fd`` is a device other than a terminal: read whole, /dev/zero
    would fill the memory. A terminal, a pipe and a file are read."""
    try:
        status = os.fstat(fd)
    except OSError:
        return False
    return reads_for_ever(status) and not os.isatty(fd)


def reads_for_ever(status: os.stat_result) -> bool:
    """Whether a file of this ``os.stat`` is a device that may be read for ever (/dev/zero,
    a disk), not /dev/null, which reads as empty as an empty pipe does."""
    if not (stat.S_ISCHR(status.st_mode) or stat.S_ISBLK(status.st_mode)):
        return False
    try:
        return status.st_rdev != os.stat(os.devnull).st_rdev
    except OSError:
        return True


def looks_like_a_path(text: str) -> bool:
    """Whether ``text`` is written as a file's name ("speech.txt", "a/b"), not as text."""
    return 0 < len(text) < 1024 and "\n" not in text and bool(_PATH_LIKE.search(text))


def names_a_file(text: str) -> bool:
    """Whether ``text`` is the name of an existing file rather than text to label: a
    path passed where its contents were meant, which would be labelled as a sentence.
    Cheap for real text (no file system call unless it looks like a file's name), so it
    can look at every document of a corpus."""
    return looks_like_a_path(text) and os.path.isfile(text)


def sentence_list(sentences) -> list[str]:
    """``sentences`` as a list of strings, refusing a lone string (iterating over one
    would give its characters as sentences) and any item that is not a string (an empty
    pandas cell is a float NaN, not an empty sentence)."""
    if isinstance(sentences, str):
        raise TypeError("expected a list of sentences, not a string (to label a document, use tag())")
    check_ordered(sentences, "expected a list of sentences", " to give the labels back in (sorted(s) or list(s) first)")
    # a table iterates over its column names: df[["text"]] would be one sentence, "text";
    # a table of one column (as a ColumnTransformer hands on a column) is that column
    shape = tuple(getattr(sentences, "shape", ()))
    if len(shape) == 2 and shape[1] == 1:
        sentences = sentences.iloc[:, 0] if hasattr(sentences, "iloc") else np.asarray(sentences)[:, 0]
    elif getattr(sentences, "ndim", 1) != 1:
        raise TypeError(f"expected a list of sentences or one column (a pandas Series, df['text'], or a table "
                        f"of one column), got a {type(sentences).__name__} of shape {'x'.join(map(str, shape))}")
    items = list(sentences)
    bad = next((i for i, item in enumerate(items) if not isinstance(item, str)), None)
    if bad is not None:
        raise TypeError(f"sentence {bad} is {type(items[bad]).__name__} {items[bad]!r}, not a string")
    return items


def check_ordered(values, expected: str, unordered: str = "") -> None:
    """Refuse what cannot be one item per sentence, in order: something that is not
    iterable, a dict (it iterates over its keys) or a set (its order is no order, so
    results would go to other sentences). ``expected`` opens each message, ``unordered``
    closes the one for a set."""
    if not hasattr(values, "__iter__"):
        raise TypeError(f"{expected}, got {type(values).__name__} {values!r:.60}")
    if isinstance(values, Mapping):
        raise TypeError(f"{expected}, not a dict (its values: list(d.values()))")
    if isinstance(values, (set, frozenset)):
        raise TypeError(f"{expected}, not a set, which has no order{unordered}")


def one_per_sentence(values, n: int, name: str, counted: str = "", as_given: bool = False) -> np.ndarray:
    """``groups`` or ``sample_weight`` as a one-dimensional array of ``n`` values, or a
    ValueError that says what is wrong with it (``counted``: what there are ``n`` of,
    "X has n sentences" by default). ``as_given`` keeps a list's values as they are:
    numpy would read 1 and "1" as one value, "1"."""
    if isinstance(values, (str, bytes, dict)) or not hasattr(values, "__iter__"):
        raise ValueError(f"{name} must hold one value per sentence, got {type(values).__name__} {values!r:.60}")
    values = values if hasattr(values, "__len__") else list(values)
    try:
        array = np.asarray(values, dtype=object if as_given and not hasattr(values, "dtype") else None)
    except ValueError:  # ragged: numpy's "inhomogeneous shape"
        raise ValueError(f"{name} must hold one value per sentence, not sequences of different lengths") from None
    if array.ndim != 1:
        raise ValueError(f"{name} must hold one value per sentence (one dimension), got shape {array.shape}")
    if len(array) != n:
        raise ValueError(f"{counted or f'X has {n} sentences'} but {name} has {len(array)} entries")
    missing = [i for i, value in enumerate(array) if is_missing(value)]
    if missing:
        raise ValueError(f"{name}[{missing[0]}] is missing ({array[missing[0]]!r}); every sentence needs one")
    unnamed = next((i for i, value in enumerate(array) if not isinstance(value, Hashable)), None)
    if unnamed is not None:
        raise ValueError(f"{name}[{unnamed}] is a {type(array[unnamed]).__name__}, not one value "
                         f"({array[unnamed]!r:.60})")
    return array


def is_missing(value) -> bool:
    """Whether ``value`` is an empty table cell: None, a NaN of any float type, pandas' NA
    (which refuses to be a truth value) or a missing date."""
    if value is None or type(value).__name__ in ("NAType", "NaTType"):
        return True
    if isinstance(value, (np.datetime64, np.timedelta64)):  # a pandas date Series's missing date
        return bool(np.isnat(value))
    return isinstance(value, (float, np.floating)) and math.isnan(value)


def weights_argument(sample_weight, n: int, name: str = "sample_weight", counted: str = "", *,
                     purpose: str) -> np.ndarray | None:
    """``sample_weight`` (or the ``name``d weights) checked: None, or ``n`` finite numbers
    of at least 0, not all 0 (there would be nothing to ``purpose``, "learn from"), as an
    array; a ValueError says what is wrong."""
    if sample_weight is None:
        return None
    # a list's values as given, to name the one that is text ([1, "2"] would all be text)
    weights = one_per_sentence(sample_weight, n, name, counted, as_given=True)
    # numbers only: numpy reads "1.5" as one; and real ones: a complex weight lost its
    # imaginary part with a ComplexWarning
    for said, kinds, types in (("text", "SUa", (str, bytes)), ("a complex number", "c", (complex, np.complexfloating))):
        if weights.dtype.kind in kinds:
            at: int | None = 0
        elif weights.dtype.kind == "O":
            at = next((i for i, value in enumerate(weights) if isinstance(value, types)), None)
        else:
            continue
        if at is not None:
            raise ValueError(f"{name}[{at}] is {said} ({weights[at]!r:.40}): {name} must be numbers of at least 0")
    try:
        weights = weights.astype(np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be numbers, got {weights.dtype}") from None
    bad = ~np.isfinite(weights) | (weights < 0)
    if bad.any():
        at = int(np.argmax(bad))
        raise ValueError(f"{name}[{at}] is {weights[at]}: {name} must be finite numbers of at least 0")
    if n and not weights.any():
        raise ValueError(f"{name} has no value above 0: there is nothing to {purpose}")
    return weights


def resolved(path) -> Path | None:
    """``path`` made absolute with its links followed; None for a symbolic-link loop
    (Path.resolve raises RuntimeError for one before Python 3.13, OSError since)."""
    try:
        return Path(path).resolve()
    except RuntimeError:
        return None
    except OSError as error:  # a current folder deleted, say: said where it is met
        if error.errno == errno.ELOOP:
            return None
        raise


def is_link_loop(path) -> bool:
    """Whether ``path`` is a symbolic link that leads back to itself (so it does not exist,
    but is not missing)."""
    return os.path.islink(path) and resolved(path) is None


def missing(path) -> str:
    """Why a path that does not exist is no input: a symbolic-link loop is not a missing file."""
    return "a symbolic-link loop" if is_link_loop(path) else "no such file or folder"


def model_name(name) -> str:
    """``name`` when it can title a model card: a string of one line, not blank (a line
    break, U+2028 among them, would end the card's heading, and the rest would read as its
    text)."""
    if not isinstance(name, str) or not name.strip():
        raise ValueError(f"name must be a model's name (it titles the model card), got {shown(name)}")
    if CONTROL.search(name):
        raise ValueError(f"name must be one line, without line breaks, tabs or other control characters "
                         f"(it titles the model card), got {shown(name)}")
    if any(unicodedata.category(char) == "Cs" for char in name):  # what Python makes of bytes not UTF-8
        raise ValueError(f"name must be text that UTF-8 can hold, without lone surrogates (config.json is UTF-8), "
                         f"got {shown(name)}")
    return name
