"""Which sentences to label next: the ones the model is least sure of, without near-duplicates.

    >>> picks = measures.suggest(model, documents, n=200)
    >>> measures.suggesting.write_suggestions(picks, "to_label.tsv")

The TSV is in the guide's format (``text<TAB>labels``, the model's guess as the labels,
primary first) with extra columns that readers ignore; correct the labels and train on
it with ``measures train bundled to_label.tsv -o my-model``.

Uncertainty is the *margin* of a sentence (:func:`margins`): how far a single label's
probability would have to move to change what :func:`measures.model.decide` makes of
the probabilities. The model's probabilities are calibrated per label and each label
has its own threshold, so the margin is a distance to the actual decision boundary,
not to 0.5.
"""
from __future__ import annotations

import collections
import heapq
import itertools
import os
from dataclasses import dataclass
from typing import Iterable, Sequence

import numpy as np

from .splitting import LINE_BREAK, TERMINATORS
from .document import Document
from .features import Analyzer
from .inputs import as_real, flag_argument, in_message, is_whole, iterable_argument, looks_like_a_path
from .labelled_data import char_grams, holds_labels, unquoted_cell, sentence_key
from .model import decide
from .outputs import OutputError, descriptor, inert_cell

__all__ = ["Suggestion", "margins", "suggest", "write_suggestions", "COLUMNS"]

#: Columns of the suggestions TSV; ``measures.read_labelled`` reads ``text`` and
#: ``labels`` and ignores the others.
COLUMNS = ("text", "labels", "margin", "scores", "source", "sentence", "document")


@dataclass(frozen=True)
class Suggestion:
    """A sentence to label: the model's guess (primary first), its margin (smaller is
    less certain), its most probable labels with their probabilities, and where it is
    (document name, sentence number and document number, counted from 0: two documents
    may share a name, such as JSONL records whose ``source`` is their publisher)."""

    text: str
    labels: tuple[str, ...]
    margin: float
    scores: tuple[tuple[str, float], ...]
    source: str | None = None
    sentence: int = 0
    document: int = 0

    def row(self) -> list[str]:
        return [_text_cell(self.text), "|".join(self.labels), f"{self.margin:.4f}",
                ", ".join(f"{label} {p:.2f}" for label, p in self.scores),
                inert_cell(_cell(self.source or "")), str(self.sentence), str(self.document)]


def _cell(value: str) -> str:
    return " ".join(value.replace("\t", " ").splitlines())


def _text_cell(text: str) -> str:
    """A sentence as its TSV cell: one that a spreadsheet would run as a formula
    (``=各社区…``, ``@所有居民``) gets an apostrophe first, which reading labelled data
    drops; one that a reader would take for a spreadsheet's quoted cell ("外防输入""内防反弹")
    is quoted as a spreadsheet would, so it reads back as itself."""
    cell = inert_cell(_cell(text))
    return '"' + cell.replace('"', '""') + '"' if unquoted_cell(cell) != cell else cell


def margins(probabilities: np.ndarray, thresholds: np.ndarray, classes: Sequence[str],
            max_labels: int, cutoff: float = np.inf) -> np.ndarray:
    """The decision margin of each row of ``probabilities`` (shape ``(n, n_classes)``):
    how far one label's probability must move to change the set of labels that
    :func:`measures.model.decide` gives.

    The labels depend on the probabilities only through comparisons: of a label with its
    threshold, and of labels with one another (which is most probable, whether ``other``
    comes first, which labels fill the ``max_labels`` places). So the labels can change
    only where one probability crosses such a breakpoint: its threshold, the most
    probable label's probability, the second's (for the most probable label), that of
    a label over its threshold, or those on either side of the ``max_labels`` cut (the
    model's own, ``model.max_labels``: a default would be another rule). The breakpoints
    are tried nearest first and the margin is the distance to the first one whose
    crossing changes the labels. Asking ``decide`` itself keeps the margin true to
    whatever rules it has.

    The probabilities are calibrated and every label has its own threshold, so the
    margin is a distance to the real decision boundary, not to 0.5; near 0 is a coin
    toss. The order of the labels (which one is primary) does not count: a probability
    near 1 says a label is present, not that it comes first. A document's context, which
    can change the primary label and with it the label set, is left out too: the margin
    is that of the sentence read alone. Rows whose margin is at
    least ``cutoff`` get a lower bound ``>= cutoff`` (the search stops there).
    """
    p = np.asarray(probabilities, dtype=np.float64)
    # rows are independent: in slices, the (rows, labels, labels) arrays stay small for a
    # document of a hundred thousand sentences (they took 900 MB at once)
    return np.concatenate([_margins(p[first:first + MARGIN_ROWS], thresholds, classes, max_labels, cutoff)
                           for first in range(0, len(p), MARGIN_ROWS)] or [np.zeros(0)])


MARGIN_ROWS = 4096

def _margins(p: np.ndarray, thresholds, classes, max_labels: int, cutoff: float) -> np.ndarray:
    n = len(p)
    if p.size == 0:
        return np.zeros(n)
    t = np.asarray(thresholds, dtype=np.float64)
    k_count = p.shape[1]
    rows = np.arange(n)
    order = np.argsort(-p, axis=1, kind="stable")
    best, second = order[:, 0], order[:, min(1, k_count - 1)]
    over = p >= t
    # breakpoint[i, k, j]: a value of p[i, k] where the labels may change; j == k is k's
    # threshold, j != k is label j's probability.
    breakpoint = np.broadcast_to(p[:, None, :], (n, k_count, k_count)).copy()
    diagonal = np.arange(k_count)
    breakpoint[:, diagonal, diagonal] = t
    useful = np.zeros((n, k_count, k_count), dtype=bool)
    useful[:, diagonal, diagonal] = True
    useful |= over[:, None, :]
    useful[rows, :, best] = True
    useful[rows, best, second] = True
    for place in (max_labels - 1, max_labels):  # the last place under the cap, the first over it
        if 0 < place < k_count:
            useful[rows, :, order[:, place]] = True
    distance = np.where(useful, np.abs(p[:, :, None] - breakpoint), np.inf).reshape(n, -1)
    tries = np.argsort(distance, axis=1, kind="stable")
    before = [set(labels) for labels in decide(p, t, classes, max_labels)]
    margin = np.full(n, np.inf)
    active = rows
    for step in range(tries.shape[1]):
        flat = tries[active, step]
        gap = distance[active, flat]
        give_up = gap >= cutoff
        margin[active[give_up]] = gap[give_up]
        active, flat, gap = active[~give_up], flat[~give_up], gap[~give_up]
        if not len(active):
            break
        k, j = flat // k_count, flat % k_count
        target = breakpoint[active, k, j]
        moved = p[active].copy()
        # just past the breakpoint, away from where the probability is now
        step_past = np.where(target > p[active, k], 1e-9, -1e-9)
        moved[np.arange(len(active)), k] = target + step_past
        after = decide(moved, t, classes, max_labels)
        changed = np.array([set(labels) != before[i] for labels, i in zip(after, active)])
        margin[active[changed]] = gap[changed]
        active = active[~changed]
    return margin


# A pair's name longer than this and than its text is a text: (text, name) was given.
_LONGEST_NAME = 1000


def _swapped(name: str, text: str) -> bool:
    """Whether a ``(name, text)`` pair looks like ``(text, name)``: its name has a line
    break or is longer than its text and very long, or its text is written as a file's
    name (without a sentence's end) and its name, not written so, is longer or has a
    sentence's end (a one-line document beside "a.txt")."""
    if LINE_BREAK.search(name) or len(name) > max(len(text), _LONGEST_NAME):
        return True
    # a sentence's end is no file name's ("全市累计检测120万人次/日。"), and a name shorter
    # than its text, without one, is a name ("n2" beside "2022/12/07 全市开展核酸检测")
    if not looks_like_a_path(text) or looks_like_a_path(name) or TERMINATORS.intersection(text):
        return False
    return len(name) > len(text) or bool(TERMINATORS.intersection(name))


def _documents(model, items) -> Iterable:
    for i, item in enumerate(items):
        if isinstance(item, str):
            yield model.tag(item, source=f"doc{i + 1}")
        elif isinstance(item, Document):
            yield item
        elif isinstance(item, (tuple, list)) and len(item) == 2 and isinstance(item[1], str):
            name, text = item
            # zip(texts, names) gives (text, name): the names would be tagged as text
            if isinstance(name, str) and _swapped(name, text):
                raise TypeError(f"texts_or_documents[{i}]: a pair is (name, text), and this name looks like "
                                f"a text ({len(name)} characters): {name!r:.40}; for zip(texts, names), "
                                f"pass zip(names, texts)")
            yield model.tag(text, source=name)
        else:
            raise TypeError(f"texts_or_documents[{i}]: expected a tagged Document, a text or a (name, text) "
                            f"pair, got {type(item).__name__} {item!r:.40}")


def _as_read(text: str) -> str:
    """A cleaned sentence as the model reads it: lower case, every number 0. Two days'
    bulletins (``12月1日…新增5例`` and ``12月2日…新增17例``) are one sentence to the model,
    with one margin, and their figures alone kept their 4-grams under the similarity
    cutoff: ``n`` picks could all be the same bulletin."""
    return Analyzer._prepare(text, cleaned=True)


class _Pool:
    """The ``size`` most uncertain candidates seen, no two alike: of two whose read forms'
    character-4-gram Jaccard similarity is >= ``similarity``, the more uncertain stays
    (the one seen first, at equal margins). A notice repeated day after day with another
    district's name and its date in Chinese numerals is a new sentence to the model each
    time; its copies, kept apart only by exact read forms, filled the pool, and the final
    picks took one of them: ``n=50`` gave 2 picks where 31 differed.

    A candidate's shared 4-grams are counted through an inverted index of the entries'
    4-grams, not entry by entry: the pool (thousands) meets every sentence under its
    cutoff, hundreds of thousands in a large corpus."""

    def __init__(self, size: int, similarity: float):
        self.size, self.similarity = size, similarity
        self.heap: list = []  # (-margin, tie, suggestion): the most certain entry on top
        self.entries: dict[int, tuple] = {}  # tie -> its heap entry
        self.grams: dict[int, frozenset] = {}  # tie -> its read form's 4-grams
        self.index: dict[str, set[int]] = collections.defaultdict(set)  # 4-gram -> ties
        # read form -> the entry that is it or kept it out. A sentence read so is left out
        # before its margin, the costly part, is worked out: a bulletin's sentences come back
        # day after day, a district's name changed (3010 bulletins of 20 districts took 4.3 s
        # without it, 2.2 s with it). In another document its neighbours may make it a little
        # more uncertain (a model's context), but the copy seen first stands for it: one of
        # them is asked about either way
        self.reads: dict[str, int] = {}
        self.stands_for: dict[int, list[str]] = {}  # tie -> its read forms in reads
        self.tie = itertools.count()

    def cutoff(self) -> float:
        """A sentence less uncertain than this is out (the pool is full of more uncertain ones)."""
        return -self.heap[0][0] if len(self.heap) >= self.size else np.inf

    def _alike(self, grams: frozenset) -> list[int]:
        # Jaccard >= similarity, counted from the shared 4-grams alone
        shared = collections.Counter(itertools.chain.from_iterable(self.index[gram] for gram in grams
                                                                   if gram in self.index))
        return [tie for tie, count in shared.items()
                if count >= self.similarity * (len(grams) + len(self.grams[tie]) - count)]

    # read forms held at most: they only spare margins, and a corpus of hundreds of
    # thousands of documents may hold as many variants of its bulletins
    remembered = 100_000

    def _stand_for(self, tie: int, read: str) -> None:
        if len(self.reads) < self.remembered:
            self.reads[read] = tie
            self.stands_for[tie].append(read)

    def _place(self, suggestion: Suggestion, read: str) -> tuple[frozenset, list[int]] | None:
        """The 4-grams of ``read``, ``suggestion``'s read form, and the entries alike that it
        would take the place of, or None when it does not enter: less uncertain than every
        entry of the full pool, or than one alike."""
        if suggestion.margin > self.cutoff():
            return None
        grams = char_grams(read)
        alike = self._alike(grams)
        for tie in alike:
            if self.entries[tie][0] >= -suggestion.margin:
                self._stand_for(tie, read)
                return None
        return grams, alike

    def add(self, suggestion: Suggestion, read: str) -> bool:
        """Put in ``suggestion``, read by the model as ``read``, if it enters, in the place
        of the entries alike or, the pool full, of the most certain one; whether it entered."""
        if (place := self._place(suggestion, read)) is None:
            return False
        grams, gone = place
        if gone:
            self.heap = [entry for entry in self.heap if entry[1] not in gone]
            heapq.heapify(self.heap)
        elif len(self.heap) >= self.size:
            gone = [heapq.heappop(self.heap)[1]]
        for tie in gone:
            del self.entries[tie]
            for form in self.stands_for.pop(tie):
                if self.reads.get(form) == tie:
                    del self.reads[form]
            for gram in self.grams.pop(tie):
                self.index[gram].discard(tie)
                if not self.index[gram]:  # the stream's every 4-gram would stay
                    del self.index[gram]
        entry = (-suggestion.margin, next(self.tie), suggestion)
        heapq.heappush(self.heap, entry)
        self.entries[entry[1]], self.grams[entry[1]], self.stands_for[entry[1]] = entry, grams, []
        self._stand_for(entry[1], read)
        for gram in grams:
            self.index[gram].add(entry[1])
        return True

    def by_margin(self) -> list[Suggestion]:
        return sorted((entry[2] for entry in self.heap), key=lambda s: s.margin)


def _check_settings(n, per_document, similarity, min_chars, pool) -> None:
    """Refuse settings that would quietly pick nothing or crash inside, before any work."""
    if not is_whole(n, 0):
        raise ValueError(f"n must be a whole number of at least 0, got {n!r}")
    if per_document is not None and not is_whole(per_document, 1):
        raise ValueError(f"per_document must be None (no limit) or a whole number of at least 1, got {per_document!r}")
    if (fraction := as_real(similarity)) is None or not 0 < fraction <= 1:
        raise ValueError(f"similarity must be a number above 0 and at most 1, got {similarity!r}")
    if not is_whole(min_chars, 0):
        raise ValueError(f"min_chars must be a whole number of at least 0, got {min_chars!r}")
    if pool is not None and not is_whole(pool, 1):
        raise ValueError(f"pool must be None (5 * n) or a whole number of at least 1, got {pool!r}")


def suggest(model, texts_or_documents: Iterable, n: int = 200, per_document: int | None = 5,
            similarity: float = 0.5, min_chars: int = 6, exclude: Iterable[str] = (),
            pool: int | None = None) -> list[Suggestion]:
    """The ``n`` sentences the model is least sure of, most uncertain first.

    ``texts_or_documents`` is an iterable (it is read once, one document at a time) of
    tagged :class:`~measures.document.Document` objects, document texts or
    ``(name, text)`` pairs; texts are tagged with ``model``, a text given alone named
    ``doc1``, ``doc2``, … by its place counted from 1 (a :class:`Suggestion`'s
    ``document`` counts from 0, as Python does). Uncertainty is the decision
    margin (:func:`margins`). The picks are diverse: of two sentences whose
    character-4-gram Jaccard similarity is >= ``similarity``, both read as the model reads
    them, the less uncertain is left out, a document gives at most ``per_document``
    sentences (None: no limit), sentences shorter than ``min_chars`` and sentences in
    ``exclude`` (e.g. those already labelled) are left out.

    The candidates are a pool of the ``pool`` most uncertain sentences (default ``5 * n``),
    no two of them alike, so that the variants of one bulletin hold one place, and the
    picks are its ``n`` most uncertain. Besides the pool, memory holds the read forms of
    up to 100,000 sentences its entries kept out, whose copies are then left out unread.
    """
    if not callable(getattr(model, "tag_many", None)):
        hint = "; a fitted MeasureClassifier: suggest(estimator.to_model(), ...)" if hasattr(model, "to_model") else ""
        raise TypeError(f"expected a Model (measures.load_model()) to tag with, got {type(model).__name__}{hint}")
    _check_settings(n, per_document, similarity, min_chars, pool)
    iterable_argument(texts_or_documents, "an iterable of documents", one="for one document: [text]",
                      mapping="for names and texts: d.items()")
    exclude = () if exclude is None else list(iterable_argument(exclude, "an iterable of sentences to exclude",
                                                                one="for one sentence: [sentence]"))
    for text in exclude:
        if not isinstance(text, str):
            raise TypeError(f"exclude takes sentences as strings, got {type(text).__name__} {text!r:.40} "
                            "(an empty cell of a table, say: drop those first)")
    if n == 0:
        return []
    held = _Pool(pool or 5 * n, similarity)
    # as the sentences of a tagged document are: normalised (full-width ， is ,), and as
    # the model reads them (a labelled bulletin leaves out the next day's, read the same)
    excluded = {_as_read(sentence_key(text)) for text in exclude}
    thresholds, classes = np.asarray(model.thresholds), list(model.classes)
    for number, document in enumerate(_documents(model, texts_or_documents)):
        sentences = [(k, s, read) for k, s in enumerate(document.sentences) if len(s.text) >= min_chars
                     and (read := _as_read(s.text)) not in excluded and read not in held.reads]
        if not sentences:
            continue
        probabilities = np.array([[s.scores.get(c, 0.0) for c in classes] for _, s, _ in sentences])
        margin = margins(probabilities, thresholds, classes, model.max_labels, held.cutoff())
        ranked = []
        for m, (k, s, read), row in sorted(zip(margin, sentences, probabilities), key=lambda item: item[0]):
            top = np.argsort(-row, kind="stable")[:3]
            ranked.append((Suggestion(s.text, tuple(s.labels), float(m), tuple((classes[j], float(row[j])) for j in top),
                                      document.source, k, number), read))
        # most uncertain first, a sentence alike an earlier one of the document is kept out
        # as one alike any entry is, and one kept out takes none of the document's places
        taken = 0
        for suggestion, read in ranked:
            if taken == per_document:
                break
            if held.add(suggestion, read):
                taken += 1
    return held.by_margin()[:n]


def refuse_labelled_output(path: str | os.PathLike[str] | None, overwrite: bool, option: str) -> None:
    """An OutputError, naming ``option`` as the way past it, when ``path`` holds labelled
    sentences: the round's file, corrected by hand, is what the call or the command that
    wrote it, run again from a notebook or the shell's history, would write over."""
    # (written through a descriptor, /dev/stdout >> file, as through -o -, nothing is replaced)
    if path is not None and path != "-" and not overwrite and descriptor(path) is None and holds_labels(path):
        raise OutputError(f"{in_message(os.fspath(path))}: holds labelled sentences, perhaps ones you corrected; "
                          f"write the suggestions to another file, or give {option} to replace it")


def write_suggestions(suggestions: Iterable[Suggestion], path: str | os.PathLike[str] | None,
                      overwrite: bool = False) -> int:
    """Write suggestions as TSV (header :data:`COLUMNS`) to ``path`` (``None`` or ``-``:
    standard output), atomically. Returns the number of rows. A file whose header names a
    ``labels`` column is left as it is, with an :class:`~measures.OutputError`, unless
    ``overwrite`` is true."""
    from .outputs import open_output

    refuse_labelled_output(path, flag_argument(overwrite, "overwrite"), "overwrite=True")
    count = 0
    with open_output(path) as stream:
        stream.write("\t".join(COLUMNS) + "\n")
        for suggestion in suggestions:
            stream.write("\t".join(suggestion.row()) + "\n")
            count += 1
    return count
