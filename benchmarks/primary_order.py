"""Ordering the labels given by where the sentence names them, a lever tried and not taken.

    python benchmarks/primary_order.py choose [--where half|first]
    python benchmarks/primary_order.py labels OUT --where half --weight 6 [--labels ROWS]
    python benchmarks/accuracy.py --on validation --labels ROWS --against-labels OUT

The guide's rule 3 makes the first-named measure primary unless another dominates. Here,
among the measure labels a sentence is given (probability at its threshold or above, or
the primary), the primary becomes the best of its score minus ``weight`` times where in
the sentence that label's evidence lies (0 at the start, 1 at the end): the positive
contributions (term weight times idf) of its words, word pairs and character n-grams,
taken in order, reach half of their sum there (``half``), or the first of them reaches a
quarter of the largest (``first``). Whether ``other`` or a measure is primary, and which
labels are given, stay as they were.

``choose`` trains the default estimator on two thirds of the bundled corpus and prints the
primary accuracy on the other third for each weight: the weight is chosen there, not on
real text. ``labels`` writes the reordered labels of the validation rows (read in their
documents, as ``accuracy.py`` reads the shipped model) for ``--against-labels``, which then
prints the shipped model minus the reordered one. docs/primary-accuracy.md gives the figures.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

import accuracy  # first: it puts this checkout's measures on the path

import measures
from measures.classifier import MeasureClassifier
from measures.cleaning import HAN
from measures.features import LATIN_WORD, WORD_RUN
from measures.labels import OTHER
from measures.model import Model, decide

WEIGHTS = (0, 0.5, 1, 2, 3, 4, 6, 8, 12, 20)


def _occurrences(analyzer, sentence: str) -> list[tuple[str, float]]:
    """(term, where it starts, 0 to 1) for a cleaned sentence's words, word pairs and
    character n-grams, as the analyzer makes them."""
    text = analyzer._prepare(sentence, cleaned=True)
    size = max(len(text), 1)
    words, offset = [], 0
    for token in analyzer.segmenter.words(text):
        start = max(text.find(token, offset), offset)
        if HAN.search(token):
            words.append((token, start))
        else:
            words.extend((m.group(), start + m.start()) for m in LATIN_WORD.finditer(token))
        offset = start + len(token)
    found = []
    low, high = analyzer.word_ngrams
    for n in range(low, high + 1):
        found.extend((" ".join(w for w, _ in words[i:i + n]), words[i][1] / size)
                     for i in range(len(words) - n + 1))
    low, high = analyzer.char_ngrams
    for run in WORD_RUN.finditer(text):
        for n in range(low, high + 1):
            found.extend(("#" + run.group()[i:i + n], (run.start() + i) / size)
                         for i in range(len(run.group()) - n + 1))
    return found


def evidence_places(model: Model, sentence: str, where: str) -> np.ndarray:
    """For each label, where in the sentence its positive evidence lies (1.0: none)."""
    places = np.ones(len(model.classes))
    known = [(model.vocabulary[term], at) for term, at in _occurrences(model.analyzer, sentence)
             if term in model.vocabulary]
    if not known:
        return places
    known.sort(key=lambda pair: pair[1])
    terms = np.array([term for term, _ in known])
    at = np.array([place for _, place in known])
    evidence = np.maximum(model.coef[terms] * model.idf[terms][:, None], 0)
    for k in range(len(model.classes)):
        column = evidence[:, k]
        if column.sum() <= 0:
            continue
        if where == "half":
            places[k] = at[np.searchsorted(np.cumsum(column), 0.5 * column.sum())]
        else:
            places[k] = at[np.argmax(column >= 0.25 * column.max())]
    return places


def reordered(model: Model, sentences, probabilities, scores, where: str, weight: float) -> np.ndarray:
    """``scores`` with each sentence's primary measure chosen by the rule above."""
    other = list(model.classes).index(OTHER)
    scores = np.array(scores, dtype=np.float64)
    for sentence, row, score in zip(sentences, probabilities, scores):
        best = int(np.argmax(score))
        given = [k for k in range(len(row)) if k != other and (row[k] >= model.thresholds[k] or k == best)]
        if best == other or len(given) < 2:
            continue
        places = evidence_places(model, sentence, where)
        chosen = max(given, key=lambda k: score[k] - weight * places[k])
        if chosen != best:
            score[chosen] = score[best] + 1e-6
    return scores


class Reordered(Model):
    """The shipped model, tagging documents with the primary label reordered. The model
    scores sentences in slices and then decides on all of them; it remembers the
    sentences it scored since its last decision."""

    where = "half"
    weight = 0.0

    def _score(self, sentences, cleaned=False):
        sentences = list(sentences)
        self._scored = getattr(self, "_scored", []) + sentences
        return super()._score(sentences, cleaned)

    def _decide(self, probabilities, primary_scores):
        sentences, self._scored = self._scored, []
        return super()._decide(probabilities, reordered(self, sentences, probabilities, primary_scores,
                                                        self.where, self.weight))


def choose(where: str) -> None:
    corpus = measures.load_training_data()
    held = np.random.RandomState(0).rand(len(corpus)) < 1 / 3
    texts, labels = list(corpus.texts), list(corpus.y)
    model = MeasureClassifier().fit([t for t, h in zip(texts, held) if not h],
                                    [y for y, h in zip(labels, held) if not h]).to_model()
    sentences = [t for t, h in zip(texts, held) if h]
    truth = [y.split("|")[0] for y, h in zip(labels, held) if h]
    probabilities, log_odds = model._score(sentences)
    for weight in WEIGHTS:
        decided = decide(probabilities, model.thresholds, model.classes, model.max_labels,
                         reordered(model, sentences, probabilities, log_odds, where, weight))
        right = np.mean([labels[0] == first for labels, first in zip(decided, truth)])
        print(f"{where}, weight {weight:g}: primary accuracy {right:.4f} on {len(sentences)} held-out "
              "training sentences", flush=True)


def write_labels(out: Path, where: str, weight: float, rows_path: Path) -> None:
    rows = accuracy.validation_rows(rows_path)
    corpus = accuracy.SHARED / "corpus"
    texts = accuracy.resolve(rows, corpus, rows_path)
    model = measures.load_model()
    model.__class__ = Reordered
    model.where, model.weight = where, weight
    labels, _ = accuracy.in_documents(model, texts, [doc for doc, *_ in rows], [corpus])
    accuracy.save_labels(out, "validation", texts, labels)
    print(f"wrote the labels of {len(texts)} sentences to {out}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("step", choices=("choose", "labels"))
    parser.add_argument("out", nargs="?", help="with labels: the JSON file to write")
    parser.add_argument("--where", choices=("half", "first"), default="half")
    parser.add_argument("--weight", type=float, default=6.0)
    parser.add_argument("--labels", default=str(accuracy.VALIDATION), help="validation rows (default: all)")
    args = parser.parse_args(argv)
    if args.step == "choose":
        choose(args.where)
    elif not args.out:
        parser.error("labels needs OUT")
    else:
        write_labels(Path(args.out), args.where, args.weight, Path(args.labels))
    return 0


if __name__ == "__main__":
    sys.exit(main())
