"""A tagged document: its sentences, where they stand in the original, and their labels."""
from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Iterable, Iterator

import numpy as np

from .cleaning import LINE_END, clean_document, text_name
from .inputs import is_missing, iterable_argument, whole_number_name
from .model import CONTEXT_WINDOW, add_context
from .splitting import sentence_spans

if TYPE_CHECKING:
    from .summary import Summary

__all__ = ["Sentence", "Document", "SentenceStream", "document_name", "iter_sentences", "tag_text",
           "tag_documents"]

# Documents are scored in slices of this many sentences: large enough for numpy to
# pay off, small enough that a huge document never holds all its per-term arrays at once.
BATCH = 512


@dataclass(frozen=True)
class Sentence:
    """One sentence: cleaned ``text``, its ``[start, end)`` span in the original
    document, its labels (primary first) and the probability of every label."""

    text: str
    start: int
    end: int
    labels: tuple[str, ...]
    # compared, not hashed (a dict has no hash): sentences can go in a set
    scores: dict[str, float] = field(repr=False, hash=False)

    def __post_init__(self):
        # as a model makes them (a tuple, fast), or as JSON gives them back (a list): made a
        # tuple, so that one built from to_dict() hashes, and has the labels, of the one it
        # came from (its scores are to_dict()'s, rounded)
        if type(self.labels) is not tuple:
            if isinstance(self.labels, (str, bytes, set, frozenset)) or not hasattr(self.labels, "__iter__"):
                raise TypeError(f"labels must be a sequence of label ids, primary first (a set has no order), not "
                                f"{type(self.labels).__name__} {self.labels!r:.40}")
            object.__setattr__(self, "labels", tuple(self.labels))
        if type(self.scores) is not dict and not isinstance(self.scores, Mapping):
            raise TypeError(f"scores must map label ids to probabilities, not {type(self.scores).__name__}")

    @property
    def primary(self) -> str:
        return self.labels[0]

    def to_dict(self) -> dict:
        return {"text": self.text, "start": self.start, "end": self.end,
                "labels": list(self.labels),
                "scores": {label: round(score, 4) for label, score in self.scores.items()}}


_SENTENCE_KEYS = ("text", "start", "end", "labels", "scores")


def _sentence_from(item, where: str, labels: Mapping) -> Sentence:
    """A sentence of a JSON record (``where`` names it in an error), its labels among
    ``labels``."""
    if not isinstance(item, Mapping):
        raise ValueError(f"{where} is {type(item).__name__}: a sentence is an object with {', '.join(_SENTENCE_KEYS)}")
    missing = [key for key in _SENTENCE_KEYS if key not in item]
    if missing:
        raise ValueError(f"{where} has no {', '.join(map(repr, missing))}: a sentence is an object with "
                         f"{', '.join(_SENTENCE_KEYS)}")
    text, start, end, scores = item["text"], item["start"], item["end"], item["scores"]
    if not isinstance(text, str):
        raise ValueError(f"{where}: text must be a string, not {type(text).__name__}")
    whole = [name for name, value in (("start", start), ("end", end))
             if not isinstance(value, int) or isinstance(value, bool)]
    if whole:
        raise ValueError(f"{where}: {' and '.join(whole)} must be {'whole numbers' if len(whole) > 1 else 'a whole number'}")
    if not isinstance(scores, Mapping) or not all(
            label in labels and isinstance(v, (int, float)) and not isinstance(v, bool) for label, v in scores.items()):
        raise ValueError(f"{where}: scores must map the summary's label ids to probabilities (numbers)")
    given = item["labels"]
    if isinstance(given, (str, bytes)) or not isinstance(given, (list, tuple)) or \
            not all(isinstance(label, str) for label in given):
        raise ValueError(f"{where}: labels must be a list of label ids, primary first, not {given!r:.40}")
    if not given:
        raise ValueError(f"{where}: labels is empty; a tagged sentence has one label at least")
    unknown = [label for label in given if label not in labels]
    if unknown:
        raise ValueError(f"{where}: labels {', '.join(map(repr, unknown))} not among the summary's categories")
    return Sentence(text, start, end, tuple(given), dict(scores))


@dataclass
class Document:
    """The result of :meth:`measures.Model.tag`: its ``sentences``, its ``source`` (the
    name it was tagged with) and ``labels``, the label ids of the model that tagged it in
    label-set order: every label a sentence could get, not those found (see
    :meth:`summary`)."""

    sentences: list[Sentence]
    source: str | None = None  # given as a path or a whole-number id, kept as text (document_name)
    labels: tuple[str, ...] = ()
    #: indices of the sentences that begin a new line of the document (None: not known,
    #: as for a document streamed in pieces); the HTML report lays out paragraphs by them.
    #: Not compared: the same sentences and labels are the same document.
    line_starts: tuple[int, ...] | None = field(default=None, compare=False)

    def __post_init__(self):
        iterable_argument(self.sentences, "the document's sentences (a list of Sentence)",
                          one="Model.tag(text) tags a text")
        if not isinstance(self.sentences, (list, tuple)):
            self.sentences = list(self.sentences)  # a generator would be spent by one reading
        wrong = next((s for s in self.sentences if not isinstance(s, Sentence)), None)
        if wrong is not None:
            raise TypeError(f"a document's sentences are Sentence objects, got {type(wrong).__name__} {wrong!r:.40}")
        self.source = document_name(self.source)

    @classmethod
    def from_dict(cls, record: Mapping) -> Document:
        """The document a JSON record gives back: :meth:`to_dict`'s, or a line of
        ``measures tag --format jsonl`` (what the command adds is passed over), so that
        a corpus tagged once can be summarised and compared in Python without tagging it
        again. ``labels`` are the categories of the record's summary, in its order;
        scores are as the record rounded them. A part that is not what the command
        writes is a ValueError naming it."""
        if not isinstance(record, Mapping):
            raise TypeError(f"expected a dict, as Document.to_dict() or a line of measures tag's JSONL gives "
                            f"it, not {type(record).__name__}")
        items = record.get("sentences")
        if not isinstance(items, (list, tuple)):
            raise ValueError(f"record['sentences'] must be a list of sentences, not {type(items).__name__}")
        summary = record.get("summary", {})
        categories = summary.get("categories") if isinstance(summary, Mapping) else None
        if not isinstance(categories, Mapping) or not all(isinstance(label, str) for label in categories):
            raise ValueError("record['summary']['categories'] must map the model's label ids to counts, as "
                             "measures tag writes it")
        return cls([_sentence_from(item, f"record['sentences'][{k}]", categories) for k, item in enumerate(items)],
                   source=record.get("source"), labels=tuple(categories))

    def summary(self, examples: int = 3) -> Summary:
        """Per category: sentence count, share of the document's sentences and the
        ``examples`` most confident sentences. See :class:`measures.summary.Summary`."""
        from .summary import summarize

        return summarize(self, examples=examples)

    def to_dict(self, examples: int = 3) -> dict:
        """The JSON shape of ``measures tag --format json``, without what the command adds:
        where the document was read (``input``) and each sentence's label codes
        (``labels_zh``, ``oxcgrt``, ``who_phsm``)."""
        return {"source": self.source, "sentences": [s.to_dict() for s in self.sentences],
                "summary": self.summary(examples).to_dict(source=False)}

    def __len__(self) -> int:
        return len(self.sentences)

    def __iter__(self):
        return iter(self.sentences)


def document_name(source) -> str | None:
    """A document's ``source`` as text every output can hold: a string as
    :func:`~measures.cleaning.text_name` gives it, a path as its text, a whole-number id
    (a JSONL or table id, 7 or 7.0) as its digits, an empty table cell (NaN, ``pd.NA``)
    as None.
    Anything else is refused now: kept, it broke the report, ``compare`` and JSON output
    far from where it was passed."""
    if is_missing(source):  # pandas' empty cells
        return None
    if isinstance(source, os.PathLike):
        source = os.fsdecode(source)
    digits = None if isinstance(source, str) else whole_number_name(source)
    if digits is not None:
        return digits
    if not isinstance(source, str):
        raise TypeError(f"a document's source is its name: a string, a path or a whole-number id, "
                        f"not {type(source).__name__} {source!r:.40}")
    return text_name(source)


def _prepare(text: str):
    cleaned = clean_document(text)
    return cleaned, sentence_spans(cleaned.text)


def _score_texts(model, texts: list[str]):
    """(probabilities, log-odds) of cleaned sentences, scored in slices of BATCH (many
    small documents cost about what one large one does)."""
    parts = [model._score(texts[first:first + BATCH], cleaned=True) for first in range(0, len(texts), BATCH)]
    if not parts:
        return np.zeros((0, len(model.classes))), np.zeros((0, len(model.classes)))
    return np.vstack([p for p, _ in parts]), np.vstack([q for _, q in parts])


def _sentences(model, texts, spans, probabilities, decided) -> Iterator[Sentence]:
    # One at a time: a streamed piece's sentences are written as they are made.
    classes = model.classes
    for text, (start, end), row, labels in zip(texts, spans, probabilities, decided):
        yield Sentence(text, start, end, labels, dict(zip(classes, row.tolist())))


def _line_starts(text: str, sentences: list[Sentence]) -> tuple[int, ...]:
    """The sentences that a line break of the original text (of any kind, or a block
    element's tag: <p>) separates from the one before."""
    return tuple(k for k in range(1, len(sentences))
                 if LINE_END.search(text, sentences[k - 1].end, sentences[k].start))


def _tag_prepared(model, prepared) -> list[list[Sentence]]:
    """The sentences of several cleaned and split texts, classified together; each
    text's primary labels read its own sentences' context (add_context)."""
    texts = [cleaned.text[a:b] for cleaned, spans in prepared for a, b in spans]
    probabilities, log_odds = _score_texts(model, texts)
    k = 0
    for _, spans in prepared:
        log_odds[k:k + len(spans)] = add_context(log_odds[k:k + len(spans)], model.context)
        k += len(spans)
    decided = model._decide(probabilities, log_odds)
    out, k = [], 0
    for cleaned, spans in prepared:
        n = len(spans)
        out.append(list(_sentences(model, texts[k:k + n], [cleaned.to_original(a, b) for a, b in spans],
                                   probabilities[k:k + n], decided[k:k + n])))
        k += n
    return out


def iter_sentences(model, pieces: Iterable[str]) -> Iterator[Sentence]:
    """Tag a document given as consecutive pieces of whole lines (one piece: the whole
    text), yielding its sentences with spans into the joined pieces. Each piece is
    cleaned on its own, so page-level rules (the cut after a trailing "related articles"
    heading) apply within a piece. A sentence is labelled once the sentences after it
    that its context reads are scored, so sentences at a seam read their neighbours as in
    the whole text, however few sentences a piece holds."""
    window = CONTEXT_WINDOW if model.context else 0
    offset, waiting, before = 0, None, None
    for piece in pieces:
        texts, places = _cut(piece, offset)
        offset += len(piece)
        if texts:
            scored = (texts, places, *_score_texts(model, texts))
            waiting = scored if waiting is None else _joined(waiting, scored)
            ready = len(waiting[0]) - window
            if ready > 0:
                done, waiting = _parted(waiting, ready)
                yield from _decided(model, done, before, waiting[3])
                before = _last(before, done[3], window)
    if waiting is not None:
        yield from _decided(model, waiting, before, None)


def _joined(first, second):
    texts, places, probabilities, log_odds = first
    return (texts + second[0], places + second[1], np.vstack([probabilities, second[2]]),
            np.vstack([log_odds, second[3]]))


def _parted(scored, k):
    """(the first k sentences, the rest) of scored sentences."""
    return tuple(tuple(part[a:b] for part in scored)
                 for a, b in ((0, k), (k, None)))


def _last(before, log_odds, window):
    """The last ``window`` rows of log-odds so far: the context a later sentence reads."""
    if not window:
        return None
    return (log_odds if before is None else np.vstack([before, log_odds]))[-window:]


def _cut(piece: str, offset: int) -> tuple[list[str], list[tuple[int, int]]]:
    """A piece's cleaned sentences and their spans in the joined pieces. The cleaned text
    and its offset map, the bulk of a piece's memory, are freed on return, not kept
    while the next piece is cleaned."""
    cleaned, spans = _prepare(piece)
    return ([cleaned.text[a:b] for a, b in spans],
            [tuple(offset + x for x in cleaned.to_original(a, b)) for a, b in spans])


def _decided(model, scored, before, after) -> Iterator[Sentence]:
    texts, places, probabilities, log_odds = scored
    log_odds = add_context(log_odds, model.context, before, after)
    return _sentences(model, texts, places, probabilities, model._decide(probabilities, log_odds))


def tag_text(model, text: str, source: str | os.PathLike[str] | int | None = None) -> Document:
    sentences = _tag_prepared(model, [_prepare(text)])[0]
    return Document(sentences, document_name(source), tuple(model.classes), _line_starts(text, sentences))


def tag_documents(model, items: Iterable[tuple[str, str | None]]) -> Iterator[Document]:
    """Tag ``(text, source)`` pairs in order, lazily, classifying the sentences of
    consecutive documents together: what :meth:`Model.tag_many` and ``measures tag``
    use for corpora of small documents."""
    labels = tuple(model.classes)
    waiting: list = []
    texts: list[str] = []
    sources: list = []
    count = 0

    def tagged() -> Iterator[Document]:
        for sentences, text, name in zip(_tag_prepared(model, waiting), texts, sources):
            yield Document(sentences, name, labels, _line_starts(text, sentences))

    items = iter(items)
    while True:
        try:
            text, source = next(items)
        except StopIteration:
            break
        except Exception:
            # the documents before a bad item (texts[3] None) come first: a caller who writes
            # them as they come then knows where to go on from
            yield from tagged()
            raise
        waiting.append(_prepare(text))
        texts.append(text)
        sources.append(source)
        # a document without sentences counts as one: a run of them (empty texts, English
        # ones) is yielded in batches too, not held until a sentence comes
        count += max(1, len(waiting[-1][1]))
        if count >= BATCH:
            yield from tagged()
            waiting, texts, sources, count = [], [], [], 0
    yield from tagged()


class SentenceStream:
    """A document too large to hold, tagged as its sentences are iterated (once).
    ``measures tag`` writes such documents sentence by sentence."""

    def __init__(self, model, pieces: Iterable[str], source: str | os.PathLike[str] | int | None = None):
        self.source, self.labels = document_name(source), tuple(model.classes)
        self._sentences = iter_sentences(model, pieces)

    def __iter__(self) -> Iterator[Sentence]:
        return self._sentences
