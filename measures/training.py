"""Training a :class:`~measures.model.Model` from labelled sentences in one call."""
from __future__ import annotations

import os
import warnings
from pathlib import Path
from typing import TYPE_CHECKING

from .cleaning import text_name
from .inputs import flag_argument, iterable_argument, looks_like_a_path, model_name, path_argument
from .labelled_data import DataError, LabelledData, labelled_pairs, read_labelled
from .labels import LABEL_IDS

if TYPE_CHECKING:
    from .model import Model

__all__ = ["train"]


def file_names(paths: list[str]) -> list[str]:
    """The files rows came from, as the model card names them: each by its name, or, where
    files share a name (``r1/to_label.tsv``, ``r2/to_label.tsv``), by as many of its last
    folders as tell them apart; never a whole path of the machine it was trained on. A
    name that is not UTF-8 is given as text (cleaning.text_name): config.json, which is
    UTF-8, could not hold it, and the model trained would not save."""
    # as text first: two names that are not UTF-8 can read alike once they are
    unique = sorted({Path(text_name(os.path.abspath(path))).parts[1:] for path in paths})  # the root is no folder
    names = []
    for parts in unique:
        depth = 1
        while depth < len(parts) and any(other != parts and other[-depth:] == parts[-depth:] for other in unique):
            depth += 1
        names.append("/".join(parts[-depth:]))
    return sorted(names)


def _as_data(data, skip_bad_rows: bool) -> LabelledData:
    if data is None:
        from .datasets import load_training_data

        return load_training_data()
    if isinstance(data, LabelledData):
        return data
    if isinstance(data, (str, bytes, os.PathLike)):  # one path (bytes: refused, not iterated as numbers)
        return read_labelled([str(path_argument(data, "TSV path"))], skip_bad_rows)
    if isinstance(data, dict):
        raise TypeError("expected TSV paths or (text, labels) pairs, not a dict (pass list(data.items()))")
    if hasattr(data, "columns"):  # a table iterates over its column names
        raise TypeError("expected TSV paths or (text, labels) pairs, not a table "
                        "(pass zip(df['text'], df['labels']))")
    items = list(iterable_argument(data, "TSV paths or (text, labels) pairs"))
    if items and all(isinstance(item, (str, os.PathLike)) for item in items):
        # sentences without their labels, most likely (one may look like a path: 详见附件/通知。);
        # names that all look like files' (a typo: mine.tvs) are read, and named as missing
        if not (any(map(os.path.exists, items)) or all(looks_like_a_path(str(item)) for item in items)):
            raise TypeError(f"expected TSV paths or (text, labels) pairs; none of these strings is a file: "
                            f"{str(items[0])!r:.60}")
        return read_labelled([str(item) for item in items], skip_bad_rows)
    return labelled_pairs(items, skip_bad_rows)


def train(data=None, *, name: str = "custom", skip_bad_rows: bool = False, folds_by_file: bool = False,
          **params) -> Model:
    """Train a model.

    ``data`` is None (the bundled corpus), one or more TSV paths, a
    :class:`~measures.labelled_data.LabelledData`, or ``(text, labels)`` pairs where
    labels is ``"primary|second"`` or a list. ``params`` go to
    :class:`~measures.classifier.MeasureClassifier`. ``folds_by_file`` makes the
    cross-validation behind the calibration, the thresholds and the figures hold out whole
    files (the rows of one file, like those of one document, are alike); it needs at
    least ``cv`` files, files that share a sentence counting as one.

    Raises :class:`~measures.labelled_data.DataError` for rows that break the guide
    (unless ``skip_bad_rows``) and for data too small to train on.
    """
    from .classifier import MeasureClassifier
    from .datasets import bundled_texts, training_files

    model_name(name)
    skip_bad_rows = flag_argument(skip_bad_rows, "skip_bad_rows")
    folds_by_file = flag_argument(folds_by_file, "folds_by_file")
    labelled = _as_data(data, skip_bad_rows)
    if labelled.problems and not isinstance(data, LabelledData):
        # read here and left out: the caller has no other way to know (the command line lists them)
        warnings.warn(f"{len(labelled.problems)} bad row(s) left out of training (skip_bad_rows), the first: "
                      f"{labelled.problems[0]}", stacklevel=2)
    given = {label for labels in labelled.labels for label in labels}
    missing = [label for label in LABEL_IDS if label not in given]
    if missing and len(labelled):  # said before the fit, which can take minutes, to be stopped
        # a model of one's own file alone never gives them (page chrome comes out as some
        # measure without 'other'); the estimator stays quiet, as fits on a part of the data
        # (GridSearchCV's, cross_val_score's) would warn of what the split left out
        warnings.warn(f"no sentence is labelled {', '.join(missing)}; the model will never give "
                      f"{'it' if len(missing) == 1 else 'them'} (train on the bundled corpus beside your "
                      f"sentences to have every label: 'bundled' on the command line, "
                      f"measures.datasets.training_files() in Python)", stacklevel=2)
    if folds_by_file and any(line is None for _, line in labelled.locations):
        raise ValueError("folds_by_file needs labelled files: rows given in Python have none "
                         "(MeasureClassifier.fit takes groups of your own)")
    groups = [path for path, _ in labelled.locations] if folds_by_file else None
    estimator = MeasureClassifier(**params)
    if groups is not None and isinstance(estimator.cv, int) and len(set(groups)) < estimator.cv:  # it speaks of groups
        raise DataError(message=f"folds by file hold out whole files: {estimator.cv}-fold cross-validation needs "
                                f"at least {estimator.cv} labelled files, got {len(set(groups))} "
                                f"({', '.join(file_names(sorted(set(groups))))})")
    estimator.fit(labelled.texts, labelled.y, groups=groups)
    files = file_names([path for path, line in labelled.locations if line is not None])
    # The model card says whose sentences a model learnt from: ours, the user's, or both.
    # A row read from a file is the file's: a user's 同志们： is in our corpus too, and
    # counted by text it made their rows ours. Pairs given in Python carry no file, so
    # they are told by text.
    bundled = bundled_texts() if any(line is None for _, line in labelled.locations) else set()
    our_files = {os.path.realpath(path) for path in training_files()}
    ours = {path: os.path.realpath(path) in our_files
            for path in {path for path, line in labelled.locations if line is not None}}
    bundled_rows = sum(ours[path] if line is not None else text in bundled
                       for text, (path, line) in zip(labelled.texts, labelled.locations))
    metadata = {"name": name,
                "training_data": {"files": files, "rows": len(labelled), "bundled_rows": bundled_rows,
                                  "sha256": labelled.sha256,
                                  **({"file_sha256": sorted(set(labelled.file_sha256.values()))}
                                     if labelled.file_sha256 else {}),
                                  **({"skipped_rows": len(labelled.problems)} if labelled.problems else {})}}
    return estimator.to_model(metadata)
