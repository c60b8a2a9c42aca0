"""The fitted model as users hold it: TF-IDF weights and a linear layer in plain numpy.

A :class:`Model` needs neither scikit-learn nor pickle to predict, so it loads fast and a
model file cannot run code. :class:`measures.classifier.MeasureClassifier` trains one.
"""
from __future__ import annotations

import json
import os
import warnings
from collections import Counter
from typing import TYPE_CHECKING, Iterable, Iterator, Sequence

import numpy as np

from .cleaning import clean, emptied
from .features import Analyzer
from .forking import ForkSafeLock
from .inputs import as_real, is_whole, iterable_argument, names_a_file, sentence_list, shown, text_argument
from .labels import LABEL_IDS, OTHER
from .splitting import pieces_shown, split_sentences
from .vectorizing import TermIndex, supports

if TYPE_CHECKING:
    from .document import Document

__all__ = ["Model", "decide", "add_context", "settings_problem"]

#: Sentences on each side whose label scores a sentence borrows to choose its primary label
#: (see add_context).
CONTEXT_WINDOW = 2


_END = object()
_BUILDING = ForkSafeLock()  # a model's term index, built on first use


def _documents(texts, sources):
    """``(text, source)`` pairs of ``tag_many``'s arguments, checked as they come: every
    text a string, and as many sources as texts when sources are given."""
    from .document import document_name  # it imports this module

    texts = iter(texts)
    sources = iter(sources) if sources is not None else None
    for i, text in enumerate(texts):
        if not isinstance(text, str):
            raise TypeError(f"texts[{i}] is {type(text).__name__}, not a string")
        # the user's frame iterates tag_documents' generator, which iterates this one
        _warn_if_a_file(text, f"tag_many() labels the texts it is given (texts[{i}])", stacklevel=4)
        if sources is None:
            yield text, None
            continue
        source = next(sources, _END)
        if source is _END:
            raise ValueError(f"sources ended before texts[{i}]: give one source per text")
        try:
            source = document_name(source)
        except TypeError as error:
            raise TypeError(f"sources[{i}]: {error}") from None
        yield text, source
    if sources is not None and next(sources, _END) is not _END:
        raise ValueError("more sources than texts: give one source per text")


class ForeignTermError(ValueError):
    """A vocabulary holding a term its analyzer never makes: the weights were fitted on
    sentences read otherwise. ``term`` is the first such term, ``settings`` the analyzer's
    config on one line, as a model's config.json holds it."""

    def __init__(self, term: str, analyzer: dict):
        self.term = term
        self.settings = json.dumps({key: analyzer.get(key) for key in ("word_ngrams", "char_ngrams", "prefix")})
        super().__init__(f"the analyzer {self.settings} never makes the term {shown(term)} of the vocabulary")


def settings_problem(max_labels, context, word_ngrams, char_ngrams, prefix) -> str | None:
    """What is wrong with the settings that turn terms and weights into labels, or None.

    One check for every place they come from, so that whatever the estimator accepts a
    saved model file may hold: the estimator's parameters, a model file's config and a
    :class:`Model` built in Python."""
    if not is_whole(max_labels, 1):
        return f"max_labels must be a whole number of at least 1, got {shown(max_labels)}"
    number = as_real(context)
    if number is None or not 0 <= number <= MAX_CONTEXT:
        return f"context must be a finite number from 0 to {MAX_CONTEXT}, got {shown(context)}"
    for name, span in (("word_ngrams", word_ngrams), ("char_ngrams", char_ngrams)):
        # bounded: each n up to the largest is counted, and a model file may be anyone's
        if span is not None and not (isinstance(span, (list, tuple)) and len(span) == 2
                                     and all(is_whole(n, 1) for n in span) and span[0] <= span[1] <= MAX_NGRAM):
            return f"{name} must be None or (min, max) with 1 <= min <= max <= {MAX_NGRAM}, got {shown(span)}"
    if word_ngrams is None and char_ngrams is None:
        return "word_ngrams and char_ngrams cannot both be None: the model would see no words or characters"
    if not (is_whole(prefix, 0) and prefix <= MAX_PREFIX):
        return f"prefix must be a whole number from 0 to {MAX_PREFIX}, got {shown(prefix)}"
    return None


MAX_NGRAM = 20
MAX_PREFIX = 1000
# far past any weight that helps (0.1 to 0.5 were measured): 1e308 made the scores
# infinite, and the primary labels wrong
MAX_CONTEXT = 100


def labels_problem(classes, thresholds) -> str | None:
    """What is wrong with a model's classes and thresholds, or None: training gives the
    classes as distinct guide ids in the guide's order, and a threshold from 0 to 1 for
    each (a renamed, reordered or injected class is caught here, whatever the source)."""
    if not isinstance(classes, (str, bytes, dict)) and hasattr(classes, "__iter__"):
        classes = list(classes)  # a tuple, a list, a numpy array of names
    if not (isinstance(classes, list) and classes and all(isinstance(c, str) and c in LABEL_IDS for c in classes)
            and classes == sorted(set(classes), key=LABEL_IDS.index)):
        return f"'classes' must list distinct label ids of the guide in its order ({', '.join(LABEL_IDS)})"
    values = [as_real(t) for t in np.asarray(thresholds, dtype=object).ravel()] \
        if np.ndim(thresholds) == 1 else None
    if not (values is not None and len(values) == len(classes) and all(v is not None and 0 <= v <= 1 for v in values)):
        return f"'thresholds' must be {len(classes)} numbers from 0 to 1, one per class"
    return None


def weights_problem(vocabulary: Sequence, idf: np.ndarray, coef: np.ndarray, intercept: np.ndarray) -> str | None:
    """What is wrong with a model's terms and weights, or None (their shapes aside)."""
    if not len(vocabulary):
        return "the vocabulary holds no terms: the model would label every sentence by its intercepts alone"
    if not all(isinstance(term, str) and term for term in vocabulary):
        return "the vocabulary must be non-empty strings"
    if len(set(vocabulary)) != len(vocabulary):
        repeated = next(term for term, n in Counter(vocabulary).items() if n > 1)
        return f"the vocabulary holds the term {shown(repeated)} more than once"
    for name, array in (("idf", idf), ("coef", coef), ("intercept", intercept)):
        if array.dtype.kind not in "fiu":
            return f"{name} must hold real numbers, not {array.dtype}"
        # read as float32 only when wider: the model converts it anyway, and a float16 or
        # float32 array (what a model file holds) is finite as it is or not at all
        if not np.isfinite(array if array.dtype.itemsize <= 4 else array.astype(np.float32)).all():
            return f"{name} holds a value that is not a finite float32"
    if len(idf) and idf.min() <= 0:
        return "idf must be positive"
    return None


def decide(probabilities: np.ndarray, thresholds: np.ndarray, classes: Sequence[str],
           max_labels: int = 4, primary_scores: np.ndarray | None = None) -> list[tuple[str, ...]]:
    """Labels from per-label probabilities, as the guide wants them.

    The primary label is the best of ``primary_scores`` (a score per label, such as the
    log-odds with a document's context added) when given, else the most probable label.
    Further labels are those whose probability reaches their threshold, most probable
    first, up to ``max_labels`` in all. ``other`` is never combined: it stands alone when
    primary and is dropped otherwise.
    """
    classes = list(classes)
    other = classes.index(OTHER) if OTHER in classes else -1
    probabilities = np.asarray(probabilities)
    firsts = (np.argmax(probabilities, axis=1) if primary_scores is None
              else np.argmax(np.asarray(primary_scores), axis=1))
    decided: list[tuple[str, ...]] = []
    for row, best in zip(probabilities, firsts):
        if best == other:
            decided.append((OTHER,))
            continue
        order = np.argsort(-row, kind="stable")
        rest = [k for k in order if row[k] >= thresholds[k] and k != other and k != best]
        decided.append(tuple(classes[k] for k in [best] + rest[:max_labels - 1]))
    return decided


def add_context(scores: np.ndarray, weight: float, before: np.ndarray | None = None,
                after: np.ndarray | None = None) -> np.ndarray:
    """Label scores (log-odds) of consecutive sentences of one document, each plus
    ``weight`` times the mean of its neighbours' (up to CONTEXT_WINDOW on each side), from
    which a sentence's primary label is chosen. A heading, a fragment or a story's
    sentence in a real document is often about what the sentences around it are about,
    and read alone is often taken for ``other``. ``before`` and ``after`` are the rows
    just outside ``scores`` in the same document (a streamed document's pieces)."""
    scores = np.asarray(scores, dtype=np.float64)
    if not weight or not len(scores):
        return scores
    window, width = CONTEXT_WINDOW, scores.shape[1]
    left = np.empty((0, width)) if before is None else np.asarray(before, dtype=np.float64)[-window:]
    right = np.empty((0, width)) if after is None else np.asarray(after, dtype=np.float64)[:window]
    rows = np.vstack([left, scores, right])
    sums = np.vstack([np.zeros((1, width)), np.cumsum(rows, axis=0)])
    at = np.arange(len(scores)) + len(left)
    low, high = np.maximum(at - window, 0), np.minimum(at + window + 1, len(rows))
    count = (high - low - 1)[:, None]
    neighbours = (sums[high] - sums[low] - rows[at]) / np.maximum(count, 1)
    return scores + weight * neighbours


def _warn_if_a_file(text: str, what: str, stacklevel: int = 3) -> None:
    """Warn, at the line of the user's call (``stacklevel`` frames up), when ``text`` is a
    file's name rather than text."""
    if names_a_file(text):
        warnings.warn(f"{text!r} is the name of a file, labelled here as text: {what}; "
                      "read the file first (measures.read_document(path))", stacklevel=stacklevel)


def _warn_if_several(sentence: str, stacklevel: int = 3) -> None:
    """Warn when ``sentence`` is several sentences as a document's text is split: explain
    reads it as one, so its labels and terms are those of them all together, where
    tagging the text labels each apart (a paragraph pasted whole, say)."""
    pieces = split_sentences(clean(sentence))
    if len(pieces) > 1:
        warnings.warn(f"the text is {len(pieces)} sentences as measures splits a document ({pieces_shown(pieces)}), "
                      f"explained as one: the labels and terms are those of all of it; explain each sentence "
                      f"(tagging the text labels them one by one)", stacklevel=stacklevel)


def _training_keys(keys) -> np.ndarray:
    """``keys`` sorted, each once, or a ValueError unless they are 64-bit hashes."""
    keys = np.asarray(keys)
    if keys.ndim != 1 or keys.dtype != np.uint64:
        raise ValueError(f"training_keys must be a 1-dimensional array of uint64 sentence hashes (or None), "
                         f"got a {keys.ndim}-dimensional {keys.dtype} array")
    return np.unique(keys)


class Model:
    """A trained sentence classifier plus the document path around it.

    Build one with :func:`measures.train` or load one with :func:`measures.load_model`.
    """

    # here too, for a Model pickled before models had them: it has no record of its sentences
    training_keys: np.ndarray | None = None

    def __init__(self, vocabulary: Sequence[str], idf: np.ndarray, coef: np.ndarray,
                 intercept: np.ndarray, thresholds: np.ndarray, classes: Sequence[str],
                 analyzer: dict, max_labels: int = 4, metadata: dict | None = None,
                 segmenter: str = "auto", context: float = 0.0, training_keys: np.ndarray | None = None):
        # as a model file's config is checked: what decides labels must make sense
        # whatever the model came from (a file, a pickle, a .skops archive, Python): a
        # damaged or hand-made one is refused here rather than giving wrong labels
        problem = (settings_problem(max_labels, context, analyzer.get("word_ngrams"), analyzer.get("char_ngrams"),
                                    analyzer.get("prefix", 0))
                   or labels_problem(classes, thresholds)
                   or weights_problem(vocabulary, *map(np.asarray, (idf, coef, intercept))))
        if problem:
            raise ValueError(problem)
        self.classes = tuple(classes)
        self.vocabulary = {term: i for i, term in enumerate(vocabulary)}
        self.idf = np.asarray(idf, dtype=np.float32)
        self.coef = np.asarray(coef, dtype=np.float32)          # (n_terms, n_classes)
        self.intercept = np.asarray(intercept, dtype=np.float32)
        self.thresholds = np.asarray(thresholds, dtype=np.float32)
        self.max_labels = int(max_labels)
        # How much a sentence's primary label leans on its neighbours' when a whole
        # document is tagged (add_context); predict() reads sentences alone.
        self.context = float(context)
        self.analyzer = Analyzer.from_config(analyzer, segmenter)
        self.metadata = dict(metadata or {})
        # The hashes of the sentences it was fitted on (labelled_data.key_hashes), or None:
        # evaluation tells by them which sentences scored it learnt from, under any file's name
        self.training_keys = None if training_keys is None else _training_keys(training_keys)
        self._term_index: TermIndex | None = None
        n_terms = len(self.vocabulary)
        if self.idf.shape != (n_terms,) or self.coef.shape != (n_terms, len(self.classes)) or \
                self.intercept.shape != (len(self.classes),):
            raise ValueError("model weights do not match the vocabulary and label set")
        foreign = self.analyzer.foreign_term(vocabulary)
        if foreign is not None:
            raise ForeignTermError(foreign, analyzer)

    # --- sentences --------------------------------------------------------------------

    @property
    def _index(self) -> TermIndex | None:
        # Built on first use: a model that is trained and saved never needs it; once, when
        # threads use a new model at once
        if self._term_index is None and supports(self.analyzer):
            with _BUILDING:
                if self._term_index is None:
                    self._term_index = TermIndex(self.vocabulary, self.analyzer)
        return self._term_index

    def _vectorize(self, sentences: Sequence[str], cleaned: bool = False):
        """Sparse TF-IDF rows as (row, term, weight) arrays sorted by row, as
        scikit-learn's TfidfVectorizer(sublinear_tf=True, norm="l2") computes them."""
        if self._index is not None:
            rows, terms = self._index(sentences, cleaned)
        else:
            rows, terms = self._lookup(sentences)
        if not len(terms):
            empty = np.zeros(0, dtype=np.int64)
            return empty, empty, np.zeros(0, dtype=np.float32)
        n_terms = len(self.vocabulary)
        keys, counts = np.unique(rows * n_terms + terms, return_counts=True)
        rows, terms = keys // n_terms, keys % n_terms
        weights = (1.0 + np.log(counts)) * self.idf[terms]
        norms = np.sqrt(np.bincount(rows, weights=weights * weights, minlength=len(sentences)))
        weights = weights / norms[rows]
        return rows, terms, weights.astype(np.float32)

    def _lookup(self, sentences: Sequence[str]):
        # The analyzer's term strings looked up one by one: for analyzer settings that
        # TermIndex does not cover.
        lookup = self.vocabulary.get
        rows, terms = [], []
        for i, sentence in enumerate(sentences):
            found = [j for j in map(lookup, self.analyzer(sentence)) if j is not None]
            terms.extend(found)
            rows.extend([i] * len(found))
        return np.asarray(rows, dtype=np.int64), np.asarray(terms, dtype=np.int64)

    def _contributions(self, sentences: Sequence[str], cleaned: bool = False):
        """Per (sentence, term) pair: its row, its term and what it adds to each label's
        score, shape ``(pairs, labels)``."""
        rows, terms, weights = self._vectorize(sentences, cleaned)
        return rows, terms, self.coef[terms] * weights[:, None]

    def _scores(self, rows: np.ndarray, contributions: np.ndarray, n_sentences: int):
        """(probabilities, log-odds), one row per sentence; the log-odds are what the
        primary label is chosen from (with a document's context, see add_context)."""
        scores = np.zeros((n_sentences, contributions.shape[1]), dtype=np.float64)
        if len(rows):
            # rows are sorted: sum each sentence's slice of pairs in one call
            present, first = np.unique(rows, return_index=True)
            scores[present] = np.add.reduceat(contributions, first, axis=0, dtype=np.float64)
        scores += self.intercept
        return 1.0 / (1.0 + np.exp(-scores)), scores

    def _score(self, sentences: Sequence[str], cleaned: bool = False):
        sentences = sentence_list(sentences)
        rows, _, contributions = self._contributions(sentences, cleaned)
        return self._scores(rows, contributions, len(sentences))

    def predict_proba(self, sentences: Sequence[str]) -> np.ndarray:
        """Per-label probabilities, shape ``(n_sentences, n_classes)``, columns in
        :attr:`classes` order. Labels are scored independently (multi-label)."""
        return self._score(sentences)[0]

    def classify(self, sentences: Sequence[str]) -> tuple[np.ndarray, list[tuple[str, ...]]]:
        """``(probabilities, labels)``: :meth:`predict_proba` and :meth:`predict_labels`
        from one pass over the sentences."""
        probabilities, log_odds = self._score(sentences)
        return probabilities, self._decide(probabilities, log_odds)

    def _decide(self, probabilities, primary_scores):
        return decide(probabilities, self.thresholds, self.classes, self.max_labels, primary_scores)

    def predict_labels(self, sentences: Sequence[str]) -> list[tuple[str, ...]]:
        """Labels per sentence as tuples, primary first."""
        return self.classify(sentences)[1]

    def predict(self, sentences: Sequence[str]) -> list[str]:
        """One ``"primary|second|…"`` string per sentence, like the training data."""
        return ["|".join(labels) for labels in self.predict_labels(sentences)]

    def explain(self, sentence: str, top: int = 5) -> dict:
        """Labels, probabilities and, for each label given, the terms that pushed the
        sentence towards it (term weight times TF-IDF value, largest first; none when only
        the label's bias did). The sentence is read alone, as :meth:`predict` reads it;
        ``read_as`` is its text as the model reads it, in which the terms occur."""
        text_argument(sentence, "sentence")
        if not sentence.strip():
            raise ValueError("an empty sentence: nothing to explain")
        read_as = self.analyzer.read_as(sentence)
        if not read_as.strip():
            raise ValueError(f"{emptied(sentence)}: nothing to explain")
        _warn_if_a_file(sentence, "explain() labels the sentence it is given")
        _warn_if_several(sentence)
        if not is_whole(top, 1):
            raise ValueError(f"top must be a whole number, 1 or more, not {top!r}")
        rows, indices, contributions = self._contributions([sentence])
        probabilities, log_odds = self._scores(rows, contributions, 1)
        labels = self._decide(probabilities, log_odds)[0]
        probabilities = probabilities[0]
        # the sentence's own terms, not the whole vocabulary inverted (13 ms a call)
        terms = {self.vocabulary[term]: term for term in self.analyzer(sentence) if term in self.vocabulary}
        reasons = {}
        for label in labels:
            column = contributions[:, self.classes.index(label)]
            order = np.argsort(-column)[:top]
            reasons[label] = [(terms[int(indices[i])], round(float(column[i]), 4))
                              for i in order if column[i] > 0]
        return {"text": sentence, "read_as": read_as, "labels": list(labels),
                "scores": {c: round(float(p), 4) for c, p in zip(self.classes, probabilities)},
                "terms": reasons}

    # --- documents --------------------------------------------------------------------

    def tag(self, text: str, source: str | os.PathLike[str] | int | None = None) -> Document:
        """Clean ``text``, split it into sentences and label each one.

        ``source`` names the document in its summary and in comparisons (a file's path,
        an id; given as a path or a whole number, it is kept as text). Returns a
        :class:`measures.document.Document`; its ``summary()`` gives the per-category
        counts, shares and examples.
        """
        from .document import tag_text

        _warn_if_a_file(text_argument(text, "document's text"), "tag() labels the text it is given")
        return tag_text(self, text, source)

    def tag_many(self, texts: Iterable[str],
                 sources: Iterable[str | os.PathLike[str] | int | None] | None = None) -> Iterator[Document]:
        """Tag several documents, lazily and in order (a corpus need not fit in memory);
        the sentences of consecutive small documents are classified together, which is
        faster than tagging them one by one."""
        from .document import tag_documents

        # now, not when the first document is asked for
        iterable_argument(texts, "an iterable of documents", one="to tag one document, use tag()",
                          mapping="for names and texts: tag_many(texts.values(), sources=texts.keys())")
        if sources is not None:
            iterable_argument(sources, "one source per document", one="for one document: sources=[name]")
        return tag_documents(self, _documents(texts, sources))

    # --- persistence ------------------------------------------------------------------

    def save(self, path, training_keys: bool = True) -> None:
        """Write the model folder (``config.json``, ``weights.npz``, ``README.md``);
        ``training_keys=False`` leaves out the hashes of its training sentences
        (:func:`measures.persistence.save_model`)."""
        from .persistence import save_model

        save_model(self, path, training_keys)

    @property
    def terms(self) -> list[str]:
        """The vocabulary in weight order."""
        out = [""] * len(self.vocabulary)
        for term, j in self.vocabulary.items():
            out[j] = term
        return out

    def __repr__(self) -> str:
        name = self.metadata.get("name", "unnamed")
        return f"<measures.Model {name!r}: {len(self.classes)} labels, {len(self.vocabulary)} terms>"
