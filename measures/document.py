"""A tagged document: its sentences, where they stand in the original, and their labels."""
from __future__ import annotations

from dataclasses import dataclass, field

from .cleaning import clean_document
from .splitting import sentence_spans

__all__ = ["Sentence", "Document", "tag_text"]

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


def tag_text(model, text: str, source: str | None = None) -> Document:
    cleaned = clean_document(text)
    spans = sentence_spans(cleaned.text)
    sentences: list[Sentence] = []
    for first in range(0, len(spans), BATCH):
        batch = spans[first:first + BATCH]
        texts = [cleaned.text[a:b] for a, b in batch]
        probabilities, decided = model.classify(texts, cleaned=True)
        for (a, b), sentence, labels, row in zip(batch, texts, decided, probabilities):
            start, end = cleaned.to_original(a, b)
            scores = {label: float(p) for label, p in zip(model.classes, row)}
            sentences.append(Sentence(sentence, start, end, labels, scores))
    return Document(sentences, source, tuple(model.classes))
