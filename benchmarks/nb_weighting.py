"""Naive-Bayes weighted features (NBSVM, Wang and Manning 2012), a lever tried and not taken.

    python benchmarks/nb_weighting.py OUT [--power 0.5] [--counts binary|tfidf] [--jobs N]
    python benchmarks/accuracy.py --on validation --labels ROWS --model OUT --against models/policy-measures-zh

Trains the default estimator on the bundled corpus, except that each label's SVM sees the
TF-IDF rows scaled, term by term, by that label's naive-Bayes log-count ratio
``r = log((p / |p|) / (q / |q|))``, with ``p`` and ``q`` the term's counts (``binary``:
sentences holding it; ``tfidf``: its summed weights) in the label's sentences and in the
others, plus one. ``--power`` softens the scale to ``sign(r) * |r| ** power``. The
scale folds into the SVM's weights, so the saved model is an ordinary model folder, and
``accuracy.py`` scores it as it scores the shipped one. docs/primary-accuracy.md gives the
figures and why the estimator does not use it.
"""
from __future__ import annotations

import argparse
import sys

import numpy as np
from scipy.sparse import diags

import accuracy  # noqa: F401  (first: it puts this checkout's measures on the path)

from measures import classifier
from measures.datasets import load_training_data


class NBWeighted(classifier.MeasureClassifier):
    """The estimator with each label's terms scaled by its log-count ratio (the settings
    of the scale are class attributes, so that ``clone`` and the fold workers keep them)."""

    power = 0.5
    counts = "binary"

    def _fit_label(self, X, column, weight=None):
        if column.min() == column.max():
            return super()._fit_label(X, column, weight)
        present = X.copy()
        if self.counts == "binary":
            present.data[:] = 1.0
        p = np.asarray(present[column == 1].sum(axis=0)).ravel() + 1.0
        q = np.asarray(present[column == 0].sum(axis=0)).ravel() + 1.0
        ratio = np.log((p / p.sum()) / (q / q.sum()))
        scale = (np.sign(ratio) * np.abs(ratio) ** self.power).astype(np.float32)
        coef, intercept = super()._fit_label(X @ diags(scale), column, weight)  # the estimator's own SVM
        return coef * scale, intercept


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out", help="model folder to write")
    parser.add_argument("--power", type=float, default=0.5, help="exponent of |r| (default: %(default)s)")
    parser.add_argument("--counts", choices=("binary", "tfidf"), default="binary",
                        help="what the ratio counts (default: %(default)s)")
    parser.add_argument("--jobs", type=int, default=-1, help="processes fitting the model (default: all cores)")
    args = parser.parse_args(argv)
    NBWeighted.power, NBWeighted.counts = args.power, args.counts
    data = load_training_data()
    estimator = NBWeighted(n_jobs=args.jobs).fit(data.texts, data.y)
    print(f"cross-validation on the training corpus: {estimator.cv_scores_}")
    name = f"nb-weighted-{args.counts}-{args.power:g}"
    estimator.to_model({"name": name}).save(args.out)
    print(f"saved {name} to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
