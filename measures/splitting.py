"""Sentence splitting as the annotation guide defines a sentence.

A sentence ends at 。！？； (or their half-width forms !?;) or at a line break, inside a
quotation too (the guide's sentence is the text between them); the closing marks after a
terminator are its sentence's. Spans are ``(start, end)`` offsets into the text given.
"""
from __future__ import annotations

import re

from .inputs import text_argument

__all__ = ["sentence_spans", "split_sentences", "last_sentence_end", "MAX_SENTENCE", "TERMINATORS"]

TERMINATORS = frozenset("。！？；!?;")
#: The characters that break a line, as a regular expression's class.
BREAKS = "\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029"
#: Every line break, of any kind; "\r\n" is one.
LINE_BREAK = re.compile(f"\r\n|[{BREAKS}]")
_TERMINATOR = re.compile("[" + re.escape("".join(sorted(TERMINATORS))) + "]")
# A terminator takes closing quotes and brackets that follow it: 他说：“要落实。”; a
# straight quote only where it closes one opened before it on the line (。"四早"要求 opens one).
TRAILERS = frozenset("”」』)）】》’")
_STRAIGHT = frozenset("\"'")
_ENDING = TERMINATORS | TRAILERS | _STRAIGHT
# Spaces that are not line breaks (a line break always ends a sentence).
_BLANKS = re.compile(f"[^\\S{BREAKS}]+")
_BLANKS_TO_END = re.compile(f"[^\\S{BREAKS}]*\\Z")
# Leading bullets and list markers carry no meaning for the classifier or the reader.
_LEAD = re.compile(r"[\s●○■□◆◇▲△▶►•·\-—*#>]+")
_HAS_WORD = re.compile(r"\w")

#: A run this long without any terminator is cut at its last comma (or hard): real
#: sentences never get there, but scraped tables and garbled dumps do.
MAX_SENTENCE = 400


def _closes(text: str, i: int, start: int) -> bool:
    """Whether ``text[i]`` closes what came before it: a closing quote or bracket, or a
    straight quote that closes one opened since ``start`` (its line's start)."""
    return text[i] in TRAILERS or text[i] in _STRAIGHT and text.count(text[i], start, i) % 2 == 1


def _sentence_end(text: str, at: int, stop: int, start: int = 0) -> int:
    """Just past the sentence whose terminator is at ``at``: the terminators and closing
    marks that follow it, up to ``stop``, belong to it, and the spaces before such a mark
    ("要落实。 ”"), but not a line break."""
    end = at + 1
    while end < stop:
        if text[end] in TERMINATORS or _closes(text, end, start):
            end += 1
            continue
        blank = _BLANKS.match(text, end, stop)
        if not (blank and blank.end() < stop and _closes(text, blank.end(), start)):
            break
        end = blank.end() + 1
    return end


def last_sentence_end(text: str) -> int:
    """Just past the last sentence that surely ends inside ``text``, a piece of a longer
    line (marks and spaces running to its end may go on in what follows), or -1 if there
    is none."""
    at = max(text.rfind(mark) for mark in TERMINATORS)
    if at >= 0 and _BLANKS_TO_END.match(text, _sentence_end(text, at, len(text))):
        while at > 0 and (text[at - 1] in _ENDING or _BLANKS.match(text, at - 1, at)):  # before the marks at the end
            at -= 1
        at = max(text.rfind(mark, 0, at) for mark in TERMINATORS)
    return -1 if at < 0 else _sentence_end(text, at, len(text))


def _lines(text: str):
    """(start, end) of each line of ``text``, whatever its line breaks."""
    pos = 0
    for brk in LINE_BREAK.finditer(text):
        yield pos, brk.start()
        pos = brk.end()
    yield pos, len(text)


def _raw_spans(text: str):
    for pos, end_of_line in _lines(text):
        start = pos
        for mark in _TERMINATOR.finditer(text, pos, end_of_line):
            if mark.start() < start:  # taken by the sentence before, as one of its closing marks
                continue
            start_next = _sentence_end(text, mark.start(), end_of_line, pos)  # quotes paired across the line
            yield start, start_next
            start = start_next
        if start < end_of_line:
            yield start, end_of_line


def _cut_long(text: str, start: int, end: int):
    while end - start > MAX_SENTENCE:
        window = text[start:start + MAX_SENTENCE]
        cut = max(window.rfind("，"), window.rfind(","), window.rfind("、"))
        stop = start + (cut + 1 if cut > MAX_SENTENCE // 4 else MAX_SENTENCE)
        yield start, stop
        start = stop
    yield start, end


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """The spans of the sentences of ``text``, trimmed of whitespace and bullets.

    Pieces without a letter, digit or Chinese character (a lone "●" or "——") are dropped.
    """
    spans = []
    for raw_start, raw_end in _raw_spans(text):
        for start, end in _cut_long(text, raw_start, raw_end):
            lead = _LEAD.match(text, start, end)
            if lead:
                start = lead.end()
            while end > start and text[end - 1].isspace():
                end -= 1
            if end > start and _HAS_WORD.search(text, start, end):
                spans.append((start, end))
    return spans


def split_sentences(text: str) -> list[str]:
    """The sentences of ``text`` as strings."""
    return [text[start:end] for start, end in sentence_spans(text_argument(text))]


def pieces_shown(pieces: list[str]) -> str:
    """The sentences a text meant as one splits into, as a message shows them: the first
    three, ten characters each."""
    return " / ".join(piece[:10] for piece in pieces[:3]) + (" / …" if len(pieces) > 3 else "")
