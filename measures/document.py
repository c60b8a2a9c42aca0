"""A tagged document: its sentences, where they stand in the original, and their labels."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, Iterator

from .cleaning import clean_document
from .splitting import sentence_spans

__all__ = ["Sentence", "Document", "SentenceStream", "iter_sentences", "tag_text"]

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


def iter_sentences(model, pieces: Iterable[str]) -> Iterator[Sentence]:
    """Tag a document given as consecutive pieces of whole lines (one piece: the whole
    text), yielding its sentences with spans into the joined pieces. Each piece is
    cleaned on its own, so page-level rules (the cut after a trailing "related articles"
    heading) apply within a piece."""
    offset = 0
    for piece in pieces:
        cleaned = clean_document(piece)
        spans = sentence_spans(cleaned.text)
        for first in range(0, len(spans), BATCH):
            batch = spans[first:first + BATCH]
            texts = [cleaned.text[a:b] for a, b in batch]
            probabilities, decided = model.classify(texts, cleaned=True)
            for (a, b), sentence, labels, row in zip(batch, texts, decided, probabilities):
                start, end = cleaned.to_original(a, b)
                scores = {label: float(p) for label, p in zip(model.classes, row)}
                yield Sentence(sentence, start + offset, end + offset, labels, scores)
        offset += len(piece)


def tag_text(model, text: str, source: str | None = None) -> Document:
    return Document(list(iter_sentences(model, [text])), source, tuple(model.classes))


class SentenceStream:
    """A document too large to hold, tagged as its sentences are iterated (once).
    ``measures tag`` writes such documents sentence by sentence."""

    def __init__(self, model, pieces: Iterable[str], source: str | None = None):
        self.source, self.labels = source, tuple(model.classes)
        self._sentences = iter_sentences(model, pieces)

    def __iter__(self) -> Iterator[Sentence]:
        return self._sentences
