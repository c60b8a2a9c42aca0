"""How much the per-label thresholds move with the folds that choose them, and what
choosing them on a smoothed F1 curve does.

    python benchmarks/threshold_stability.py [--seeds 0 1 2 3 4] [--window 0.05]
                                             [--labels FILE ...] [--shared ../shared] [--jobs N]

Trains the estimator on the bundled corpus once for each seed (the seed shuffles the
cross-validation folds whose out-of-fold probabilities choose each label's threshold) with
two rules for the threshold: the grid point of the highest F1 (``argmax``), and the grid
point of the highest F1 averaged over the points within ``--window`` of it (``smoothed``).
A label's F1 curve is often flat near its top, and the highest point of a flat, noisy
curve jumps when the folds are drawn again. Prints, for each label, the range of its
threshold over the seeds under each rule, their mean, and each rule's macro-F1 and primary
accuracy on the validation rows (``--labels``, repeatable, as in ``settings.py``), each
sentence tagged in its document, for every seed and as the mean over the seeds.
"""
from __future__ import annotations

import argparse
import sys

import numpy as np

import accuracy  # noqa: F401  first: it puts this checkout's measures on the path
from settings import add_scoring_arguments, scored, sentence_counts, sets_or_message

import measures
from measures import classifier
from measures.classifier import MeasureClassifier


def smoothed_top(grid: np.ndarray, curve: np.ndarray, window: float) -> float:
    """The grid point where ``curve`` averaged over the points within ``window`` is highest."""
    near = np.abs(grid[:, None] - grid[None, :]) <= window + 1e-9
    return float(grid[int(np.argmax((near * curve).sum(1) / near.sum(1)))])


def smoothed_threshold(window: float):
    def choose(probabilities, truth, grid, weights=None) -> float:
        return smoothed_top(grid, np.array(classifier._f1_curve(probabilities, truth, grid, weights)), window)
    return choose


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2, 3, 4])
    parser.add_argument("--window", type=float, default=0.05)
    add_scoring_arguments(parser)
    args = parser.parse_args(argv)
    if (found := sets_or_message(args, "threshold_stability")) is None:
        return 2
    corpus_folder, sets = found
    data = measures.load_training_data()
    print(f"trained on the bundled corpus ({len(data)} sentences), seeds {args.seeds}; " + sentence_counts(sets))
    chosen_by = classifier._f1_threshold
    rules = {"argmax": chosen_by, "smoothed": smoothed_threshold(args.window)}
    thresholds: dict[str, list[np.ndarray]] = {rule: [] for rule in rules}
    figures: dict[str, list] = {rule: [] for rule in rules}
    try:
        for seed in args.seeds:
            for rule, choose in rules.items():
                classifier._f1_threshold = choose
                fitted = MeasureClassifier(random_state=seed, n_jobs=args.jobs).fit(data.texts, data.y)
                thresholds[rule].append(fitted.thresholds_)
                figures[rule].append(scored(fitted.to_model({}), sets, corpus_folder))
                cells = "  ".join(f"{name}: macro {m:.3f} primary {p:.3f}"
                                  for name, (m, p, _) in zip(sets, figures[rule][-1]))
                print(f"seed {seed} {rule:<9}{cells}", flush=True)
    finally:
        classifier._f1_threshold = chosen_by
    labels = list(fitted.classes_)
    print(f"\n{'label':<20}" + "".join(f"{rule + ' range':>16}" for rule in rules))
    ranges = {rule: np.ptp(np.array(values), axis=0) for rule, values in thresholds.items()}
    for k, label in enumerate(labels):
        print(f"{label:<20}" + "".join(f"{ranges[rule][k]:>16.3f}" for rule in rules))
    print(f"{'mean':<20}" + "".join(f"{ranges[rule].mean():>16.3f}" for rule in rules))
    print("\nmean over the seeds (macro-F1 / primary accuracy):")
    for rule in rules:
        mean = np.mean(np.array(figures[rule]), axis=0)
        print(f"  {rule:<9}" + "  ".join(f"{name}: {m:.4f} / {p:.4f}" for name, (m, p, _) in zip(sets, mean)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
