"""A tagged document: its sentences, where they stand in the original, and their labels."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, Iterator

from .cleaning import clean_document
from .splitting import sentence_spans

__all__ = ["Sentence", "Document", "SentenceStream", "iter_sentences", "tag_text", "tag_documents"]

# Documents are classified in slices of this many sentences: large enough for numpy to
# pay off, small enough that a huge document never holds all its scores at once.
BATCH = 512


@dataclass(frozen=True)
class Sentence:
    """One sentence: cleaned ``text``, its ``[start, end)`` span in the original
    document, its labels (primary first) and the probability of every label."""

    text: str
    start: int
    end: int
    labels: tuple[str, ...]
    scores: dict[str, float] = field(repr=False)

    @property
    def primary(self) -> str:
        return self.labels[0]

    def to_dict(self) -> dict:
        return {"text": self.text, "start": self.start, "end": self.end,
                "labels": list(self.labels),
                "scores": {label: round(score, 4) for label, score in self.scores.items()}}


@dataclass
class Document:
    """The result of :meth:`measures.Model.tag`."""

    sentences: list[Sentence]
    source: str | None = None
    labels: tuple[str, ...] = ()

    def summary(self, examples: int = 3):
        """Per category: sentence count, share of the document's sentences and the
        ``examples`` most confident sentences. See :class:`measures.summary.Summary`."""
        from .summary import summarize

        return summarize(self, examples=examples)

    def to_dict(self, examples: int = 3) -> dict:
        """The JSON shape of ``measures tag --format json``."""
        return {"source": self.source,
                "sentences": [s.to_dict() for s in self.sentences],
                "summary": self.summary(examples).to_dict()}

    def __len__(self) -> int:
        return len(self.sentences)

    def __iter__(self):
        return iter(self.sentences)


def _prepare(text: str):
    cleaned = clean_document(text)
    return cleaned, sentence_spans(cleaned.text)


def _tag_prepared(model, prepared, offsets=None) -> list[list[Sentence]]:
    """The sentences of several cleaned and split texts, classified together in
    slices of BATCH (many small documents cost about what one large one does)."""
    texts = [cleaned.text[a:b] for cleaned, spans in prepared for a, b in spans]
    classes = model.classes
    results = []
    for first in range(0, len(texts), BATCH):
        probabilities, decided = model.classify(texts[first:first + BATCH], cleaned=True)
        results.extend(zip(probabilities.tolist(), decided))
    out, k = [], 0
    for (cleaned, spans), offset in zip(prepared, offsets or [0] * len(prepared)):
        sentences = []
        for a, b in spans:
            row, labels = results[k]
            start, end = cleaned.to_original(a, b)
            sentences.append(Sentence(texts[k], start + offset, end + offset, labels, dict(zip(classes, row))))
            k += 1
        out.append(sentences)
    return out


def iter_sentences(model, pieces: Iterable[str]) -> Iterator[Sentence]:
    """Tag a document given as consecutive pieces of whole lines (one piece: the whole
    text), yielding its sentences with spans into the joined pieces. Each piece is
    cleaned on its own, so page-level rules (the cut after a trailing "related articles"
    heading) apply within a piece."""
    offset = 0
    for piece in pieces:
        yield from _tag_prepared(model, [_prepare(piece)], [offset])[0]
        offset += len(piece)


def tag_text(model, text: str, source: str | None = None) -> Document:
    return Document(_tag_prepared(model, [_prepare(text)])[0], source, tuple(model.classes))


def tag_documents(model, items: Iterable[tuple[str, str | None]]) -> Iterator[Document]:
    """Tag ``(text, source)`` pairs in order, lazily, classifying the sentences of
    consecutive documents together: what :meth:`Model.tag_many` and ``measures tag``
    use for corpora of small documents."""
    labels = tuple(model.classes)
    waiting, sources, count = [], [], 0
    for text, source in items:
        waiting.append(_prepare(text))
        sources.append(source)
        count += len(waiting[-1][1])
        if count >= BATCH:
            for sentences, name in zip(_tag_prepared(model, waiting), sources):
                yield Document(sentences, name, labels)
            waiting, sources, count = [], [], 0
    for sentences, name in zip(_tag_prepared(model, waiting), sources):
        yield Document(sentences, name, labels)


class SentenceStream:
    """A document too large to hold, tagged as its sentences are iterated (once).
    ``measures tag`` writes such documents sentence by sentence."""

    def __init__(self, model, pieces: Iterable[str], source: str | None = None):
        self.source, self.labels = source, tuple(model.classes)
        self._sentences = iter_sentences(model, pieces)

    def __iter__(self) -> Iterator[Sentence]:
        return self._sentences
