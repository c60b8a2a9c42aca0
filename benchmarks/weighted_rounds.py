"""Weighting the corpus's rounds written in the style of real documents: a lever tried and
not taken.

    python benchmarks/weighted_rounds.py W OUT

Fits the shipped model's estimator, with its settings, on the bundled corpus, the
sentences of the files written in the style of real documents (``real*.tsv``) weighing
``W`` and the seven files written first weighing 1 (``sample_weight``), and saves the
model to the folder ``OUT``. Score it with ``python benchmarks/accuracy.py --on
validation --labels ROWS --model OUT --against models/policy-measures-zh``.
docs/primary-accuracy.md gives the figures.
"""
from __future__ import annotations

import argparse
from pathlib import Path

import measures
from measures.classifier import MeasureClassifier
from measures.datasets import load_training_data


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("weight", type=float, metavar="W", help="the weight of a real*.tsv sentence")
    parser.add_argument("output", metavar="OUT", help="the model folder to write")
    args = parser.parse_args()
    data = load_training_data()
    weights = [args.weight if Path(path).name.startswith("real") else 1.0 for path, _ in data.locations]
    params = measures.load_model().metadata["estimator_params"]
    estimator = MeasureClassifier(**params).fit(data.texts, data.y, sample_weight=weights)
    measures.save_model(estimator.to_model({"name": f"real-style rounds weighing {args.weight:g}"}), args.output)
    print(f"{sum(w != 1 for w in weights)} of {len(weights)} sentences weigh {args.weight:g}; saved {args.output}")


if __name__ == "__main__":
    main()
