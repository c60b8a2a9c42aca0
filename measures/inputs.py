"""Checks of what users pass in: a text, a list of sentences. Iterating over the wrong
kind fails far from the mistake (a lone string as a list gives its characters; an empty
pandas cell is a float NaN), so the public functions check first and say what they got."""
from __future__ import annotations

import numbers
import os
import re
import stat
from collections.abc import Mapping

__all__ = ["text_argument", "sentence_list", "is_whole", "as_real"]


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


def is_whole(value, least: int) -> bool:
    """Whether ``value`` is a whole number (numpy's too, not a bool) of at least ``least``."""
    return isinstance(value, numbers.Integral) and not isinstance(value, bool) and int(value) >= least


def text_argument(text, what: str = "text"):
    """``text`` itself when it is a string, else a TypeError naming what was given."""
    if not isinstance(text, str):
        raise TypeError(f"expected the {what} as a string, got {type(text).__name__}")
    return text


# what a file's name looks like: a folder in it, or an extension ("speech.txt", "a/b"),
# which begins with a letter (a text may end in a number: "累计检测3.5", "通报 2022.12")
_PATH_LIKE = re.compile(r"[/\\]|\.[A-Za-z][A-Za-z0-9]{0,4}$")


def listed(names: list[str], most: int = 3) -> str:
    """The first ``most`` of ``names`` for a message, and how many more there are."""
    return ", ".join(names[:most]) + (f" and {len(names) - most} more" if len(names) > most else "")


def is_device(fd: int) -> bool:
    """Whether descriptor ``fd`` is a device other than a terminal: read whole, /dev/zero
    would fill the memory. A terminal, a pipe and a file are read."""
    try:
        mode = os.fstat(fd).st_mode
    except OSError:
        return False
    return (stat.S_ISCHR(mode) or stat.S_ISBLK(mode)) and not os.isatty(fd)


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
    if isinstance(sentences, Mapping):  # it iterates over its keys
        raise TypeError("expected a list of sentences, not a dict (its values: list(d.values()))")
    if isinstance(sentences, (set, frozenset)):  # its order is no order: labels would match no sentence
        raise TypeError("expected a list of sentences, not a set, which has no order to give the labels "
                        "back in (sorted(s) or list(s) first)")
    # a table iterates over its column names: df[["text"]] would be one sentence, "text"
    if getattr(sentences, "ndim", 1) != 1:
        shape = "x".join(map(str, getattr(sentences, "shape", ())))
        raise TypeError(f"expected a list of sentences or one column (a pandas Series, df['text']), "
                        f"got a {type(sentences).__name__} of shape {shape}")
    items = list(sentences)
    bad = next((i for i, item in enumerate(items) if not isinstance(item, str)), None)
    if bad is not None:
        raise TypeError(f"sentence {bad} is {type(items[bad]).__name__} {items[bad]!r}, not a string")
    return items
