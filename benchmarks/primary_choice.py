"""Three more ways of choosing the primary label, levers tried and not taken.

    python benchmarks/primary_choice.py [--labels ROWS] [--model PATH]

Tags every validation document once with the model (default: the shipped one) and
chooses each sentence's primary label again, the labels given otherwise as they were,
then prints macro-F1, primary accuracy and primary errors as ``accuracy.py --on
validation`` would score the model so changed:

- the margin over each label's threshold: the log-odds with the document's context (as
  shipped) minus ``s`` times the log-odds of the label's threshold, for ``s`` of 0 (the
  shipped model), 0.5 and 1. A label whose threshold is low (``vaccination``) is given on
  less evidence, and a probable label with a high threshold (``case_report``) may be
  primary only because it is common in the corpus;
- the char n-gram baseline as a second opinion: the same log-odds plus ``a`` times the
  baseline's SVM margins (``accuracy.char_ngram_margins``, trained on the bundled corpus,
  each sentence read alone), for ``a`` of 1 and 2. Two models of one corpus that see the
  text differently may err on different sentences;
- a prior on which of two labels is primary, from the bundled corpus: for a sentence given
  two or more labels, each given label L gains ``b`` times the sum, over the other given
  labels M, of log((rows with L primary and M given + 1) / (rows with M primary and L
  given + 1)), for ``b`` of 0.5 and 1. Of a pair of labels, the corpus may put one first
  far more often than the model's probabilities do.

Sentences not found in their document are read alone, as ``accuracy.py`` reads them, and
keep the shipped model's labels (every one of the rows read for errors is found). Only validation rows
are scored, never dev. docs/primary-accuracy.md gives the figures.
"""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

import accuracy  # first: it puts this checkout's measures on the path
import context

import measures
from measures.labels import LABEL_IDS

SHIFTS = (0.0, 0.5, 1.0)
SECOND_OPINION = (1.0, 2.0)


PAIR_PRIOR = (0.5, 1.0)


class Chosen(context.Retold):
    """The model's documents told again, the primary label chosen from the shipped
    context's log-odds plus ``extra(texts, log_odds)``."""

    def __init__(self, model):
        super().__init__(model)
        self.weigh = lambda texts: np.full(len(texts), context.BASE)
        self.extra = lambda texts, log_odds: 0.0

    def primary_scores(self, texts, log_odds):
        return super().primary_scores(texts, log_odds) + self.extra(texts, log_odds)


def pair_odds(rows) -> np.ndarray:
    """``odds[L, M]``: the log of how much more often the corpus puts label L first with M
    also given than M first with L also given (one added to each count)."""
    counts = np.zeros((len(LABEL_IDS), len(LABEL_IDS)))
    for labels in rows:
        ids = [LABEL_IDS.index(label) for label in labels.split("|")]
        for also in ids[1:]:
            counts[ids[0], also] += 1
    return np.log((counts + 1) / (counts.T + 1))


def pair_prior(odds: np.ndarray, thresholds: np.ndarray, b: float):
    """The extra primary score of each label a sentence is given, when it is given two or
    more besides ``other``: ``b`` times its pair odds over the others given."""
    other = LABEL_IDS.index("other")

    def extra(texts, log_odds):
        given = (1 / (1 + np.exp(-log_odds)) >= thresholds) & (np.arange(len(LABEL_IDS)) != other)
        added = np.zeros_like(log_odds)
        for i in np.flatnonzero(given.sum(axis=1) >= 2):
            labels = np.flatnonzero(given[i])
            added[i, labels] = b * odds[np.ix_(labels, labels)].sum(axis=1)
        return added
    return extra


def main(argv=None) -> int:
    args = context.arguments(argv, __doc__)
    model = measures.load_model(args.model)
    if list(model.classes) != list(LABEL_IDS):
        raise SystemExit(f"the model's labels are not the guide's 14 in order: {model.classes}")
    thresholds = np.clip(np.asarray(model.thresholds, dtype=np.float64), 1e-6, 1 - 1e-6)
    threshold_odds = np.log(thresholds / (1 - thresholds))
    training = measures.load_training_data()
    margins_of = accuracy.char_ngram_margins(training.texts, training.y)
    variants = [(f"margin over threshold, s = {s:g}", lambda t, lo, s=s: -s * threshold_odds) for s in SHIFTS]
    variants += [(f"char n-gram margins, a = {a:g}", lambda t, lo, a=a: a * margins_of(t) if t else 0.0)
                 for a in SECOND_OPINION]
    odds = pair_odds(training.y)
    variants += [(f"pair prior, b = {b:g}", pair_prior(odds, np.asarray(model.thresholds), b)) for b in PAIR_PRIOR]
    context.tell_each(Chosen(model), variants, lambda chosen, extra: setattr(chosen, "extra", extra),
                      Path(args.labels), "primary label from")
    return 0


if __name__ == "__main__":
    sys.exit(main())
