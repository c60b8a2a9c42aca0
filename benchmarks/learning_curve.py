"""How the model's accuracy on real text grows with the size of its training corpus.

    python benchmarks/learning_curve.py [--fractions 0.1 0.25 0.5 0.75] [--repeats 3]
                                        [--labels FILE ...] [--shared ../shared]
                                        [--seed 0] [--jobs -1] [SETTING=VALUE ...]

Trains the estimator, with its default settings or those given as in
``benchmarks/settings.py`` (``nb_power=0``: how a setting fares on smaller corpora, such
as users retrain on), on random parts of the bundled corpus
(each repeat draws one random order of the sentences and takes its first 10%, 25%, ...,
so that a larger part holds the smaller ones) and on the whole of it, and scores every
model as ``benchmarks/settings.py`` does: each validation sentence in its document.
Prints, for each size, macro-F1, primary accuracy and micro-F1 (the mean over the
repeats, and their lowest and highest). A curve still rising at the whole corpus says
more sentences of the kinds we write would help; a flat one says they would not. The
dev set is not scored.
"""
from __future__ import annotations

import argparse
import random
import sys
import time

import accuracy  # noqa: F401  first: it puts this checkout's measures on the path
import numpy as np
from settings import add_scoring_arguments, change, scored, sentence_counts, sets_or_message

import measures
from measures.classifier import MeasureClassifier
from measures.labelled_data import DataError


def fraction(text: str) -> float:
    """A part of the corpus, above 0 and below 1, for argparse."""
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 < value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a fraction above 0 and below 1 (the whole corpus is always scored)")
    return value


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--fractions", nargs="+", type=fraction, default=[0.1, 0.25, 0.5, 0.75],
                        help="parts of the corpus to train on besides the whole (default: 0.1 0.25 0.5 0.75)")
    parser.add_argument("--repeats", type=int, default=3, help="random parts drawn for each size (default: 3)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the random orders (default: 0)")
    add_scoring_arguments(parser)
    parser.add_argument("changes", nargs="*", type=change, metavar="SETTING=VALUE",
                        help="estimator settings for every model, JSON values (default: none, the defaults)")
    args = parser.parse_args(argv)
    if args.repeats < 1:
        parser.error("--repeats must be at least 1")
    settings = dict(args.changes)
    try:
        MeasureClassifier(n_jobs=args.jobs, **settings)._check_params()
    except ValueError as error:
        parser.error(f"--jobs or a setting: {error}")
    if (found := sets_or_message(args, "learning_curve")) is None:
        return 2
    corpus_folder, sets = found
    data = measures.load_training_data()
    corpus_texts, corpus_labels = data.texts, data.y  # y is built anew on each reading
    rng = random.Random(args.seed)
    orders = [rng.sample(range(len(data)), len(data)) for _ in range(args.repeats)]
    print(f"bundled corpus: {len(data)} sentences; scored in their documents; " + sentence_counts(sets))
    print("settings: " + (", ".join(f"{name}={value!r}" for name, value in settings.items()) or "the defaults"))
    print(f"mean of {args.repeats} random parts (lowest–highest) for each size below the whole\n")
    print(f"{'sentences':>10}" + "".join(f"{name[-54:]:>56}" for name in sets))
    print(f"{'':>10}" + "".join(f"{'macro / primary / micro [ranges: macro, primary]':>56}" for _ in sets))
    for part in [*sorted(set(args.fractions)), 1.0]:
        started = time.perf_counter()
        size = round(part * len(data))
        runs = []  # one [set][metric] table of figures for each repeat
        for order in orders if part < 1 else orders[:1]:
            chosen = sorted(order[:size])
            estimator = MeasureClassifier(n_jobs=args.jobs, **settings)
            try:
                model = estimator.fit([corpus_texts[i] for i in chosen], [corpus_labels[i] for i in chosen]).to_model({})
            except DataError as error:  # a part too small to train on (too few of a label, say)
                print(f"\nlearning_curve: a part of {size} sentences: {error}", file=sys.stderr)
                return 2
            runs.append(scored(model, sets, corpus_folder))
        figures = np.array(runs)  # repeat, set, metric
        cells = ""
        for k in range(len(sets)):
            mean = " / ".join(f"{v:.3f}" for v in figures[:, k].mean(axis=0))
            low, high = figures[:, k, :2].min(axis=0), figures[:, k, :2].max(axis=0)
            spread = f" [{low[0]:.3f}–{high[0]:.3f}, {low[1]:.3f}–{high[1]:.3f}]" if len(runs) > 1 else ""
            cells += f"{mean + spread:>56}"
        print(f"{size:>10}{cells}   {time.perf_counter() - started:.0f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
