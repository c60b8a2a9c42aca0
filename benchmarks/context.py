"""How much a sentence's primary label should lean on its neighbours: the context weight.

    python benchmarks/context.py [--labels ROWS] [--model PATH]

Tags every validation document once with the model (default: the shipped one), then
decides every sentence's labels again under each context below and prints macro-F1,
primary accuracy and primary errors, as ``accuracy.py --on validation`` would score the
model with that context in its config.json:

- one weight for every sentence (``add_context``): 0 (each sentence alone), 0.1, 0.2 (the
  shipped default), 0.3 and 0.5;
- the length-adaptive context, a lever tried and not taken (docs/primary-accuracy.md): a short
  sentence has little evidence of its own (一是"降"。), so its weight is raised to
  ``min(1, 0.2 * max(1, T / characters))`` for T of 20, 30 and 40; sentences of T
  characters or more keep 0.2.

Sentences that are not found in their document are read alone, as ``accuracy.py`` reads
them. Only validation rows are scored: the context is chosen there, never on dev.
"""
from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np

import accuracy  # first: it puts this checkout's measures on the path

import measures
from measures.document import Document
from measures.evaluation import scores
from measures.labels import LABEL_IDS
from measures.model import add_context

WEIGHTS = (0.0, 0.1, 0.2, 0.3, 0.5)
SHORT = (20, 30, 40)
BASE = 0.2


def adaptive_weights(texts: list[str], base: float, short: float) -> np.ndarray:
    """Each sentence's context weight: ``base``, raised for a sentence under ``short``
    characters in proportion to how much shorter it is, up to 1."""
    sizes = np.array([max(len(text), 1) for text in texts], dtype=np.float64)
    return np.minimum(1.0, base * np.maximum(1.0, short / sizes))


def with_context(log_odds: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """``add_context`` with a weight per sentence."""
    log_odds = np.asarray(log_odds, dtype=np.float64)
    neighbours = add_context(log_odds, 1.0) - log_odds
    return log_odds + weights[:, None] * neighbours


class Retold:
    """The model's documents, scored once, told again under one context: what
    ``accuracy.in_documents`` needs of a model (``predict`` and ``tag``)."""

    def __init__(self, model):
        self.model, self.scored, self.weigh = model, {}, None
        model.context = 0.0  # scored once without context; each variant adds its own

    def predict(self, texts):
        return self.model.predict(texts)

    def tag(self, text):
        if text not in self.scored:
            sentences = self.model.tag(text).sentences
            cleaned = [s.text for s in sentences]
            self.scored[text] = (sentences, *self.model._score(cleaned, cleaned=True))
        sentences, probabilities, log_odds = self.scored[text]
        decided = self.model._decide(probabilities, self.primary_scores([s.text for s in sentences], log_odds))
        return Document([replace(s, labels=labels) for s, labels in zip(sentences, decided)])

    def primary_scores(self, texts, log_odds):
        """What a document's sentences choose their primary label from."""
        return with_context(log_odds, self.weigh(texts))


def arguments(argv, doc: str) -> argparse.Namespace:
    """``--labels`` and ``--model``, for this script and ``primary_choice.py``."""
    parser = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--labels", default=str(accuracy.VALIDATION), help="validation rows (default: all)")
    parser.add_argument("--model", help="model folder (default: the shipped model)")
    return parser.parse_args(argv)


def tell_each(retold: Retold, variants: list, set_variant, rows_path: Path, heading: str) -> None:
    """For each ``(name, value)`` of ``variants``, ``set_variant(retold, value)``, then
    print the macro-F1, primary accuracy and primary errors of ``retold`` on the
    validation rows of ``rows_path``, each sentence read in its document."""
    rows = accuracy.validation_rows(rows_path)
    corpus = accuracy.SHARED / "corpus"
    texts = accuracy.resolve(rows, corpus, rows_path)
    gold = [labels for *_, labels, _ in rows]
    documents_of = [doc for doc, *_ in rows]
    print(f"{rows_path}: {len(gold)} validation sentences of {len(set(documents_of))} documents")
    print(f"{heading:<36}{'macro-F1':>10}{'primary accuracy':>18}{'primary errors':>16}")
    for name, value in variants:
        set_variant(retold, value)
        labels, found = accuracy.in_documents(retold, texts, documents_of, [corpus])
        result = scores(gold, labels, LABEL_IDS)
        errors = sum(g.split("|")[0] != p.split("|")[0] for g, p in zip(gold, labels))
        print(f"{name:<36}{result['macro_f1']:>10.3f}{result['primary_accuracy']:>18.4f}{errors:>16}", flush=True)
    print(f"({found} of {len(texts)} sentences read in their documents, the rest alone)")


def main(argv=None) -> int:
    args = arguments(argv, __doc__)
    variants = [(f"weight {w:g}", lambda t, w=w: np.full(len(t), w)) for w in WEIGHTS]
    variants += [(f"{BASE:g}, raised under {n} characters", lambda t, n=n: adaptive_weights(t, BASE, n))
                 for n in SHORT]
    tell_each(Retold(measures.load_model(args.model)), variants, lambda retold, weigh: setattr(retold, "weigh", weigh),
              Path(args.labels), "context")
    return 0


if __name__ == "__main__":
    sys.exit(main())
