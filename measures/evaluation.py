"""The figures every benchmark reports: micro/macro F1, per-label P/R/F1, primary accuracy."""
from __future__ import annotations

from typing import Iterable, Sequence

import numpy as np

from .inputs import sentence_list, weights_argument
from .labelled_data import key_hashes, label_rows, sentence_key
from .labels import LABEL_IDS

__all__ = ["scores", "format_scores", "trained_on"]


def trained_on(model, sentences: Sequence[str]):
    """Which of ``sentences`` ``model`` was trained on, as a numpy array of booleans, told
    by the hashes of its training sentences it keeps (``model.training_keys``), so under
    any file's name and in any order: the same sentence as the model reads it (cleaned
    and trimmed, :func:`~measures.labelled_data.sentence_key`) counts. None for a model
    that keeps none (saved with ``training_keys=False``, or before measures kept them)."""
    if model.training_keys is None:
        return None
    return np.isin(key_hashes(sentence_key(text) for text in sentence_list(sentences)), model.training_keys)


def scores(truth: Sequence, predicted: Sequence, classes: Sequence[str] = LABEL_IDS,
           weights: Iterable[float] | None = None) -> dict:
    """Compare label rows (``"a|b"`` strings or sequences, primary first).

    ``macro_f1`` averages the F1 of the labels that occur in ``truth`` or in
    ``predicted`` (a label absent from both has no defined F1 and is left out: its
    precision, recall and F1 are None, null in JSON, not a 0 that an average would count);
    ``per_label`` lists ``classes`` and, after them, any label of ``truth`` or
    ``predicted`` that ``classes`` lacks (a model without a category misses all of its
    sentences, and that counts; default: the guide's 14). ``primary_accuracy`` is the share of sentences whose first
    label matches. ``weights`` (one per sentence, else 1; finite numbers of at least 0) weigh
    each sentence's counts, supports included. Rows are checked against the guide: a
    :class:`DataError` names each bad one as ``truth[i]`` or ``predicted[i]``; ``classes``
    must be label ids of the guide, each once; no rows at all is a ValueError.
    """
    truth = label_rows(truth, "truth")
    predicted = label_rows(predicted, "predicted")
    if not truth and not predicted:  # its figures would be 0.0, which reads as measured
        raise ValueError("no rows to score: truth and predicted are empty")
    if isinstance(classes, str) or not hasattr(classes, "__iter__"):
        raise TypeError(f"classes: expected a list of label ids, got {type(classes).__name__} {classes!r:.40}")
    classes = list(classes)
    unknown = [label for label in classes if label not in LABEL_IDS]
    if unknown or len(set(classes)) < len(classes):
        raise ValueError(f"classes must be label ids of the guide, each once; got {classes!r}")
    given = {label for row in truth + predicted for label in row}
    classes += [label for label in LABEL_IDS if label in given and label not in classes]
    if len(truth) != len(predicted):
        raise ValueError(f"{len(truth)} true rows but {len(predicted)} predictions")
    # whole numbers without weights, which the tables print as such
    checked = weights_argument(weights, len(truth), "weights", f"{len(truth)} true rows", purpose="score")
    w: list[float] = [1] * len(truth) if checked is None else checked.tolist()
    rows = list(zip(truth, predicted, w))
    per_label = {}
    tp_all: float = 0
    fp_all: float = 0
    fn_all: float = 0
    for label in classes:
        tp = sum(v for t, p, v in rows if label in t and label in p)
        fp = sum(v for t, p, v in rows if label not in t and label in p)
        fn = sum(v for t, p, v in rows if label in t and label not in p)
        tp_all, fp_all, fn_all = tp_all + tp, fp_all + fp, fn_all + fn
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        defined = bool(tp + fn or tp + fp)
        per_label[label] = {"precision": precision if defined else None, "recall": recall if defined else None,
                            "f1": f1 if defined else None, "support": tp + fn, "predicted": tp + fp}
    present = [v["f1"] for v in per_label.values() if v["f1"] is not None]
    micro_p = tp_all / (tp_all + fp_all) if tp_all + fp_all else 0.0
    micro_r = tp_all / (tp_all + fn_all) if tp_all + fn_all else 0.0
    micro_f1 = 2 * micro_p * micro_r / (micro_p + micro_r) if micro_p + micro_r else 0.0
    total = sum(w)
    primary = sum(v for t, p, v in rows if t and p and t[0] == p[0])
    exact = sum(v for t, p, v in rows if set(t) == set(p))
    return {
        "sentences": len(truth),
        "micro_f1": micro_f1,
        "macro_f1": sum(present) / len(present) if present else 0.0,
        "primary_accuracy": primary / total if total else 0.0,
        "exact_match": exact / total if total else 0.0,
        "per_label": per_label,
    }


def format_scores(result: dict, title: str = "") -> str:
    """A plain-text table of :func:`scores`' result."""
    lines = [title] if title else []
    lines.append(f"sentences {result['sentences']}  micro-F1 {result['micro_f1']:.3f}  "
                 f"macro-F1 {result['macro_f1']:.3f}  primary accuracy {result['primary_accuracy']:.3f}  "
                 f"exact match {result['exact_match']:.3f}")
    lines.append(f"{'label':<20}{'P':>7}{'R':>7}{'F1':>7}{'support':>9}{'predicted':>11}")
    unscored = False
    for label, v in result["per_label"].items():
        if v["f1"] is not None:
            figures = f"{v['precision']:>7.3f}{v['recall']:>7.3f}{v['f1']:>7.3f}"
        else:  # no F1 to speak of: not a 0 that macro-F1 averages
            figures, unscored = f"{'—':>7}{'—':>7}{'—':>7}", True
        lines.append(f"{label:<20}{figures} {_count(v['support']):>8} {_count(v['predicted']):>10}")
    if unscored:
        lines.append("—: neither given nor predicted, left out of macro-F1")
    return "\n".join(lines)


def _count(value) -> str:
    """A support: whole, or weighed (``weights``) to one decimal, never in exponent form."""
    return f"{value:.1f}" if isinstance(value, float) else str(value)
