"""How changes to the estimator's settings score on real text.

    python benchmarks/settings.py [--labels FILE ...] [--shared ../shared] [--jobs N] SETTING=VALUE ...

Trains the estimator on the bundled corpus with its default settings, then once for each
``SETTING=VALUE`` given (one change each; the value is JSON: ``C=0.3``,
``class_weight=null``, ``char_ngrams=[1,4]``), and scores every model as
``benchmarks/accuracy.py --on validation`` scores the shipped one: each sentence in its
document. ``--labels`` (repeatable) scores against validation files of one's own (the
header and some rows of ``benchmarks/data/corpus_validation.tsv``, say the rows one has
read for errors and those one has not), so that a change chosen on some rows can be
checked on others. Prints macro-F1, primary accuracy and micro-F1, and each change's
difference from the defaults. The dev set is not scored: settings are chosen without it.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import accuracy  # first: it puts this checkout's measures on the path

import measures
from measures.classifier import MeasureClassifier
from measures.evaluation import scores
from measures.labels import LABEL_IDS

METRICS = ("macro_f1", "primary_accuracy", "micro_f1")


def change(text: str) -> tuple[str, object]:
    """``name=value`` (value JSON) as an estimator setting, for argparse."""
    name, sep, value = text.partition("=")
    if not sep or name not in MeasureClassifier().get_params():
        known = ", ".join(sorted(MeasureClassifier().get_params()))
        raise argparse.ArgumentTypeError(f"{text!r} is not SETTING=VALUE with one of: {known}")
    try:
        parsed = json.loads(value)
    except json.JSONDecodeError:
        raise argparse.ArgumentTypeError(f"{text!r}: the value must be JSON (null, 0.3, [1, 4], \"balanced\")") from None
    return name, tuple(parsed) if isinstance(parsed, list) else parsed


def add_scoring_arguments(parser: argparse.ArgumentParser) -> None:
    """``--labels``, ``--shared`` and ``--jobs``, for the scripts that train models and
    score them on validation rows (this one and ``learning_curve.py``)."""
    parser.add_argument("--labels", action="append", metavar="FILE",
                        help=f"validation labels to score against (default: {accuracy._shown(accuracy.VALIDATION)})")
    parser.add_argument("--shared", default=str(accuracy.SHARED),
                        help="the shared material (default: $MEASURES_SHARED or ../shared)")
    parser.add_argument("--jobs", type=int, default=-1, help="processes fitting each model (default: all cores)")


def sentence_counts(sets: dict) -> str:
    """How many sentences each validation set has, for a report's first line."""
    return "; ".join(f"{name}: {len(texts)} sentences" for name, (texts, _, _) in sets.items())


def validation_sets(labels: list[str] | None, shared: str) -> tuple[Path, dict]:
    """The corpus folder and, for each validation file (default: the whole set), its
    sentences, their documents and their labels, by the file's shown name."""
    corpus_folder = Path(shared) / "corpus"
    if not corpus_folder.is_dir():
        raise accuracy.ValidationSetError(f"{corpus_folder} is missing; pass --shared")
    sets = {}
    for path in map(Path, labels or [accuracy.VALIDATION]):
        rows = accuracy.validation_rows(path)
        texts = accuracy.resolve(rows, corpus_folder, path)
        sets[accuracy._shown(path)] = texts, [doc for doc, *_ in rows], [gold for *_, gold, _ in rows]
    return corpus_folder, sets


def sets_or_message(args: argparse.Namespace, script: str) -> tuple[Path, dict] | None:
    """:func:`validation_sets` for ``--labels`` and ``--shared``, or None once what is
    missing is said on stderr, named by ``script``."""
    try:
        return validation_sets(args.labels, args.shared)
    except accuracy.ValidationSetError as error:
        print(f"{script}: {error}", file=sys.stderr)
        return None


def scored(model, sets: dict, corpus_folder: Path) -> list[list[float]]:
    """``METRICS`` of ``model`` on each set, each sentence tagged in its document."""
    figures = []
    for texts, documents, gold in sets.values():
        predicted = accuracy.in_documents(model, texts, documents, [corpus_folder])[0]
        result = scores(gold, predicted, LABEL_IDS)
        figures.append([result[key] for key in METRICS])
    return figures


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("changes", nargs="*", type=change, metavar="SETTING=VALUE")
    add_scoring_arguments(parser)
    args = parser.parse_args(argv)
    checks = [("--jobs", "n_jobs", args.jobs), *((f"{n}={json.dumps(v)}", n, v) for n, v in args.changes)]
    for shown, name, value in checks:  # refused before hours of training, not after
        try:
            MeasureClassifier(**{name: value})._check_params()
        except ValueError as error:
            print(f"settings: {shown}: {error}", file=sys.stderr)
            return 2
    if (found := sets_or_message(args, "settings")) is None:
        return 2
    corpus_folder, sets = found
    data = measures.load_training_data()
    print(f"trained on the bundled corpus ({len(data)} sentences); scored in their documents; "
          + sentence_counts(sets))
    print()
    header = f"{'setting':<28}" + "".join(f"{name[-30:]:>32}" for name in sets)
    print(header)
    print(f"{'':<28}" + "".join(f"{'macro / primary / micro':>32}" for _ in sets))
    default = None
    for name, value in [(None, None), *args.changes]:
        started = time.perf_counter()
        estimator = MeasureClassifier(n_jobs=args.jobs)
        if name is not None:
            estimator.set_params(**{name: value})
        model = estimator.fit(data.texts, data.y).to_model({})
        figures = scored(model, sets, corpus_folder)
        title = "defaults" if name is None else f"{name}={json.dumps(value)}"
        cells = ""
        for k, row in enumerate(figures):
            shown = row if default is None else [a - b for a, b in zip(row, default[k])]
            cells += f"{' / '.join(f'{v:.3f}' if default is None else f'{v:+.3f}' for v in shown):>32}"
        print(f"{title:<28}{cells}   {time.perf_counter() - started:.0f} s", flush=True)
        if default is None:
            default = figures
    if args.changes:
        print("\nchanges are shown as their difference from the defaults")
    return 0


if __name__ == "__main__":
    sys.exit(main())
