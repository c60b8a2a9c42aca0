"""The trainable estimator: TF-IDF over words, word pairs and characters, one linear SVM
per label over the terms scaled by their naive-Bayes log-count ratio for it (NBSVM),
calibrated to probabilities (Platt scaling) and given per-label thresholds, both from
out-of-fold predictions; the most probable label is primary.

It follows scikit-learn's conventions (parameters only in ``__init__``, ``fit`` returns
self, fitted attributes end in ``_``), so it can be cloned, put in a ``Pipeline`` and
tuned with ``GridSearchCV``. :meth:`MeasureClassifier.to_model` turns the fitted
estimator into the numpy-only :class:`measures.model.Model` that is shipped and loaded.
"""
from __future__ import annotations

import copy
import datetime
import json
import math
import multiprocessing
import numbers
import os
import sys
import warnings
from collections import Counter
from collections.abc import Mapping
from concurrent.futures import ProcessPoolExecutor

import numpy as np
from joblib import effective_n_jobs
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.svm import LinearSVC
from sklearn.model_selection import GroupKFold, KFold
from sklearn.preprocessing import normalize
from sklearn.utils import check_random_state
from scipy.sparse import csr_matrix

from .features import Analyzer
from .segmenting import check_backend
from .forking import fork_context, quiet_worker, running
from .labelled_data import DataError, Problem, empty_problem, key_hashes, label_rows, repeat_problem, sentence_key
from .labels import LABEL_IDS, label_tuple
from .inputs import as_real, is_whole, listed, one_per_sentence, sentence_list, weights_argument
from .model import Model, decide, settings_problem
from .vectorizing import count_terms, supports

__all__ = ["MeasureClassifier", "binarize"]


# liblinear's stopping tolerance: 1e-3 instead of scikit-learn's 1e-4 fits the label SVMs a
# quarter faster and moves no weight by more than 3e-4, far below the half precision the
# weights are stored in.
_TOL = 1e-3
_FLOAT32_RANGE = (float(np.finfo(np.float32).tiny), float(np.finfo(np.float32).max))  # floats: no cast

# What a forked worker process fits on: its pool's initializer sets it, from arguments the
# fork hands over without copying them. A module-wide value set by the parent instead was
# overwritten by a fit running at the same time in another thread (GridSearchCV with a
# threading backend): its workers fitted on the other fit's matrix.
_SHARED: tuple = ()


def _recorded(value):
    """A parameter as a model's config.json records it: numpy's numbers as numbers, and
    what JSON cannot hold (a ``RandomState``, which scikit-learn allows) as its repr, so
    that the model still saves."""
    from .persistence import json_value

    try:
        return json_value(value)
    except TypeError:
        return repr(value)


def _share(shared: tuple) -> None:
    global _SHARED
    quiet_worker()
    _SHARED = shared


def _run_part(task):
    estimator, *rest = task
    return estimator._fit_part(*_SHARED, *rest)


def _jobs(n_jobs) -> int:
    """Processes to fit in: one inside a worker process of a pool (a cross-validation run
    with joblib's multiprocessing backend), which may not start processes of its own, as
    scikit-learn's nested ``n_jobs`` fall back to one."""
    return 1 if multiprocessing.current_process().daemon else effective_n_jobs(n_jobs)


def _run_parts(tasks, shared, n_jobs) -> list:
    """``estimator._fit_part(*shared, *rest)`` for each task ``(estimator, *rest)``, in
    forked processes when there are several jobs and the platform forks safely
    (:func:`measures.forking.fork_context`)."""
    jobs = min(_jobs(n_jobs), len(tasks))
    context = fork_context()
    if jobs == 1 or context is None:
        return [estimator._fit_part(*shared, *rest) for estimator, *rest in tasks]
    with running(ProcessPoolExecutor(jobs, mp_context=context, initializer=_share, initargs=(shared,))) as pool:
        # submit, not map: map cancels its futures when interrupted, which the pool's
        # own clean-up then trips over (see forking.running)
        futures = [pool.submit(_run_part, task) for task in tasks]
        return [future.result() for future in futures]


def binarize(y):
    """Label strings (``"a|b"``) or label sequences, already checked against the guide,
    to ``(classes, indicator matrix)``: the labels given, in the guide's order."""
    rows = [label_tuple(v) for v in y]
    seen = {label for row in rows for label in row}
    classes = [label for label in LABEL_IDS if label in seen]
    index = {label: k for k, label in enumerate(classes)}
    matrix = np.zeros((len(rows), len(classes)), dtype=np.int8)
    for i, row in enumerate(rows):
        for label in row:
            matrix[i, index[label]] = 1
    return classes, matrix


def _label_rows(y) -> list[tuple[str, ...]]:
    """Each row of ``y`` checked against the guide as a labelled file's rows are: a
    :class:`DataError` names every bad row as ``y[i]``."""
    if isinstance(y, (str, Mapping, set, frozenset)) or not hasattr(y, "__iter__") or getattr(y, "ndim", 1) == 2:
        return label_rows(y, "y")  # which says what is wrong with it
    y = list(y)
    if y and all(isinstance(value, numbers.Integral) for value in y):
        # what CalibratedClassifierCV, VotingClassifier(voting="soft") and
        # cross_val_predict(method="predict_proba") pass on after encoding "a|b" as classes
        raise TypeError("y holds integers, not label strings: a meta-estimator encoded the labels as "
                        "classes before fitting; this estimator needs 'primary|second' strings "
                        "(GridSearchCV, cross_val_score, cross_validate, Pipeline and "
                        "cross_val_predict with method='predict' pass them on)")
    return label_rows(y, "y")


def _copies_joined(groups: np.ndarray, keys: list[str]) -> tuple[np.ndarray, list[tuple]]:
    """Each sentence's group as a whole number, groups that share a sentence (as the model
    reads it) made one: a copy in each of two groups would otherwise be fitted in one fold
    and scored in another, which flatters the thresholds and the figures. Also the pairs
    of groups as given that a shared sentence joined. Numbers, as groups of mixed types
    (1 and "a") cannot be sorted into folds."""
    order: dict = {}
    joins: list[tuple] = []
    parent: dict = {}

    def root(group):
        while parent[group] != group:
            parent[group] = group = parent[parent[group]]
        return group

    holder: dict[str, object] = {}
    for group, key in zip(groups.tolist(), keys):
        if group not in parent:
            parent[group] = group
            order[group] = len(order)
        other = holder.setdefault(key, group)
        a, b = root(group), root(other)
        if a != b:
            first, later = sorted((a, b), key=order.__getitem__)
            parent[later] = first
            joins.append((other, group))
    return np.array([order[root(group)] for group in groups.tolist()], dtype=np.int64), joins


def _holders(ids: np.ndarray, Y, weights) -> list[np.ndarray]:
    """For each label (column of ``Y``), the units (``ids``: each row's) of its rows that
    weigh (``weights`` > 0): a sentence of weight 0 teaches a fold's model nothing of it."""
    counted = np.ones(len(ids), dtype=bool) if weights is None else weights > 0
    return [np.unique(ids[np.flatnonzero((Y[:, k] > 0) & counted)]) for k in range(Y.shape[1])]


def _alone(holders: list[np.ndarray], fold_of: np.ndarray) -> list[int]:
    """The labels whose units (:func:`_holders`) are all in one fold (``fold_of``, each
    unit's). That fold's training part lacks the label: its calibration would come from
    margins of a model that never saw it, and its threshold would give it to nearly every
    sentence."""
    return [k for k, held in enumerate(holders) if len(held) and len(np.unique(fold_of[held])) == 1]


def _spread_labels(fold_of: np.ndarray, ids: np.ndarray, Y, weights, classes) -> None:
    """Move sentences between folds (``fold_of``, one fold per distinct sentence; ``ids``,
    each row's sentence) until no label is :func:`_alone`. KFold's folds of a label with a
    few sentences can fall so; when no label does, as in any corpus of some size, the
    folds stay KFold's."""
    holders = _holders(ids, Y, weights)
    kfold = fold_of.copy()

    def spread_one(stuck: list[int]) -> bool:
        # The first move of a sentence of a lone label that leaves fewer labels alone (a
        # sentence of two rare labels can strand one while it spreads the other); else the
        # first such swap with a sentence of the fold it goes to.
        sizes = np.bincount(fold_of)
        for swap in (False, True):
            for k in stuck:
                here = fold_of[holders[k][0]]
                for sentence in holders[k][::-1]:
                    for fold in np.argsort(sizes, kind="stable"):
                        if fold == here:
                            continue
                        fold_of[sentence] = fold
                        for other in np.flatnonzero(fold_of == fold) if swap else [sentence]:
                            fold_of[other] = here if other != sentence else fold
                            if len(_alone(holders, fold_of)) < len(stuck):
                                return True
                            fold_of[other] = fold
                    fold_of[sentence] = here
        return False

    def shuffled() -> bool:
        # a few data sets of a handful of sentences need more than a move or a swap: folds
        # of KFold's sizes, drawn at random
        rng = np.random.RandomState(0)
        for _ in range(200):
            trial = rng.permutation(kfold)
            if not _alone(holders, trial):
                fold_of[:] = trial
                return True
        return False

    while stuck := _alone(holders, fold_of):
        single = [k for k in stuck if len(holders[k]) < 2]
        if single or not (spread_one(stuck) or shuffled()):
            named = listed([repr(classes[k]) for k in single or stuck])
            reason = ("one sentence of weight above 0, and at least 2 are needed" if single else
                      "no arrangement of the sentences in folds that was tried spreads them all")
            fewer = ", or train with fewer folds (cv)" if fold_of.max() > 1 else ""
            raise DataError(message=f"cross-validation cannot give every fold's training part a sentence of {named}: "
                                    f"{reason}; add sentences of it{fewer}")


def _outside_the_package() -> int:
    """The ``stacklevel`` of a warning that names the line that called into measures,
    whether it called ``fit`` or ``measures.train`` (Python 3.12's ``skip_file_prefixes``)."""
    package = os.path.dirname(os.path.abspath(__file__)) + os.sep
    frame, level = sys._getframe(1), 1
    while frame.f_back is not None and os.path.abspath(frame.f_code.co_filename).startswith(package):
        frame, level = frame.f_back, level + 1
    return level


def _joined_named(joins: list[tuple]) -> str:
    return listed([f"{a} with {b}" for a, b in joins])


def _paired_rows(y, n: int) -> list[tuple[str, ...]]:
    """The label rows of ``y``, checked, one for each of the ``n`` sentences of ``X``."""
    rows = _label_rows(y)
    if len(rows) != n:
        raise ValueError(f"X has {n} sentences but y has {len(rows)} label rows")
    return rows


def _positive(value) -> bool:
    number = as_real(value)
    return number is not None and 0 < number < math.inf


def _half(weights: np.ndarray) -> np.ndarray:
    return weights.astype(np.float16).astype(np.float32)


def _weigh(counts, idf):
    """Counts to L2-normalised sublinear TF-IDF rows (a new matrix)."""
    weighted = counts.copy()
    weighted.data = (1.0 + np.log(weighted.data)) * idf[weighted.indices]
    return normalize(weighted, copy=False)


def _weighed_presence(column: np.ndarray, weight: np.ndarray | None) -> bool | None:
    """True when a label is on every sentence that weighs (weight above 0), False when on
    none, else None: a label whose sentences all weigh 0 is one the data never shows, and
    an SVM given one class of weight would learn it the wrong way round."""
    shown = column if weight is None else column[weight > 0]
    if not len(shown):
        return False
    if shown.min() == shown.max():
        return bool(shown[0])
    return None


def _f1_curve(probabilities: np.ndarray, truth: np.ndarray, grid: np.ndarray,
              weights: np.ndarray | None = None) -> list[float]:
    """A label's F1 with each threshold of ``grid``."""
    weights = np.ones(len(truth)) if weights is None else weights
    curve = []
    for t in grid:
        predicted = probabilities >= t
        tp = np.sum(weights[predicted & (truth == 1)])
        denominator = np.sum(weights[predicted]) + np.sum(weights[truth == 1])
        curve.append(2 * tp / denominator if denominator else 0.0)
    return curve


def _f1_threshold(probabilities: np.ndarray, truth: np.ndarray, grid: np.ndarray,
                  weights: np.ndarray | None = None) -> float:
    best, best_f1 = 0.5, -1.0
    for t, f1 in zip(grid, _f1_curve(probabilities, truth, grid, weights)):
        if f1 > best_f1 + 1e-9:
            best, best_f1 = float(t), f1
    return best


class MeasureClassifier(ClassifierMixin, BaseEstimator):
    """Multi-label sentence classifier for the annotation guide's label set.

    Parameters
    ----------
    word_ngrams, char_ngrams : (min, max) or None
        Word n-grams over jieba's segmentation and character n-grams; None turns a kind off.
    min_df : int
        Terms seen in fewer training sentences are dropped (keeps the model small).
    C : float
        Inverse regularisation strength of each label's linear SVM. The defaults of ``C``
        and ``max_labels`` were chosen on our validation set of real corpus documents
        (``benchmarks/accuracy.py --on validation``): of C in {0.5, 1} and max_labels in
        {3, 4}, C 0.5 with 4 labels gave the best macro-F1 (0.805, the others 0.796-0.801;
        measured in measures 0.1, with its primary-label SVM); cross-validation on the
        training corpus could not tell them apart.
    class_weight : "balanced" or None
        Reweights each label's positives against its negatives.
    nb_power : float
        From 0 to 1. Each label's SVM sees every term's TF-IDF value scaled by
        ``sign(r) * |r| ** nb_power``, ``r`` the term's naive-Bayes log-count ratio for
        that label, ``log((p / sum(p)) / (q / sum(q)))``: ``p`` the label's sentences that
        hold the term and ``q`` the other sentences that do, each counted by their
        ``sample_weight`` and plus one, the sums over all terms (NBSVM, Wang and Manning
        2012, whose scale is ``r`` itself, 1 here). A term that tells the label apart then
        counts for more before the SVM weighs it. 0 turns it off. The scale folds into the
        weights, so the model predicts as fast. The plus one is in units of weight, so
        weights all multiplied by 100 give other scales; and on a few dozen sentences it
        can lean a sentence of words never seen towards a measure, where 0 reads it as
        ``other`` (from 300 sentences up it gained macro-F1 on our validation set, as on
        the whole corpus). 0.5 was chosen on our validation set, for the macro-F1 it gained
        on the rows read for errors and on those never read (docs/primary-accuracy.md).
    primary_weight : float
        In each label's SVM, a sentence whose primary label it is weighs this many times
        a sentence that only has it (or not), so that a label's probability is higher
        where it is the measure a sentence is about, and the most probable label, taken
        as primary, is more often the right one. 3 was chosen on our validation set (of
        1.5, 2 and 3, against 1; docs/accuracy-history.md); 1 weighs every sentence alike.
    thresholds : "cv" or float
        ``"cv"``: calibrate each label's margins to probabilities and choose its decision
        threshold (maximising its F1) on out-of-fold predictions from ``cv`` folds of the
        training data. A float: that threshold for every label, and no calibration (the
        probabilities are then a squashed margin, not calibrated).
    cv : int
        Folds for the calibration and thresholds (3 was as good as 4 on held-out files
        of the training corpus, and a quarter faster). Copies of a sentence are kept in
        one fold, unless ``fit`` is given ``groups``, whose folds are whole groups.
    max_labels : int
        At most this many labels per sentence.
    prefix : int
        Opening characters whose character pairs become extra ``^`` terms (0: none), so
        the model sees which measure a sentence names first.
    context : float
        From 0 to 100. When whole documents are tagged, the primary label is chosen from each
        sentence's label log-odds plus this weight times the mean of those of up to two
        sentences on each side (:func:`measures.model.add_context`); 0 reads every
        sentence alone, as :meth:`predict` always does. The training sentences have no
        documents, so it is not fitted. 0.2 was chosen on our validation set (then 1,645
        sentences), for the multi-class primary-label SVM of measures 0.1, and kept. On
        the validation set's first 2,264 rows (then), read for errors, the model shipped
        in December 2026 gave primary accuracy 0.813 at 0, 0.824 at 0.1, 0.829 at 0.2,
        0.830 at 0.3 and 0.832 at 0.5 (``benchmarks/context.py --labels`` with those
        rows, their labels as corrected in measures 0.2): any weight from 0.1 gains on 0,
        and none beats 0.2 by the 0.005 we ask of a change.
    segmenter : "auto", "rjieba" or "jieba"
        Segmentation backend (same words either way).
    n_jobs : int or None
        Processes fitting the final model and the cross-validation folds (joblib's
        convention: None is 1, -1 all cores). The result does not depend on it.
    random_state : int, RandomState or None
        Seeds the fold split and each label's LinearSVC (liblinear's order of visits:
        another seed moves a weight by up to about 5e-4). A RandomState or None gives
        one seed drawn at each fit.

    Attributes
    ----------
    classes_ : ndarray of label ids, in the guide's order
    vocabulary_ : dict, each term (word, character n-gram, ``^`` pair) to its column
    idf_ : ndarray (n_terms,)
    coef_ : ndarray (n_classes, n_terms), calibrated: a label's probability is
        ``sigmoid(tfidf @ coef_[k] + intercept_[k])``; kept at half precision
    intercept_, thresholds_ : ndarray (n_classes,)
    cv_scores_ : dict, the cross-validated figures (with ``thresholds="cv"``)
    model_ : :class:`~measures.model.Model`, what :meth:`to_model` gives; its
        ``training_keys`` are the hashes of the sentences fitted on, as it reads them
    """

    def __init__(self, word_ngrams=(1, 2), char_ngrams=(1, 3), min_df=2, C=0.5,
                 class_weight="balanced", nb_power=0.5, primary_weight=3.0, thresholds="cv", cv=3, max_labels=4, prefix=12,
                 context=0.2, segmenter="auto", n_jobs=None, random_state=0) -> None:
        self.word_ngrams = word_ngrams
        self.char_ngrams = char_ngrams
        self.min_df = min_df
        self.C = C
        self.class_weight = class_weight
        self.nb_power = nb_power
        self.primary_weight = primary_weight
        self.thresholds = thresholds
        self.cv = cv
        self.max_labels = max_labels
        self.prefix = prefix
        self.context = context
        self.segmenter = segmenter
        self.n_jobs = n_jobs
        self.random_state = random_state

    # --- fitting ----------------------------------------------------------------------

    def _analyzer(self) -> Analyzer:
        return Analyzer(self.word_ngrams, self.char_ngrams, self.segmenter, self.prefix)

    def _fit_part(self, counts, Y, primary, weights, train, test, labels):
        """Fit the SVMs of ``labels`` on the ``train`` rows of the term counts (each row
        weighed by ``weights``, None: all alike, and by ``primary_weight`` in the SVM of
        its ``primary`` label). Returns (kept columns, idf, coef, intercept) without
        ``test`` rows, else those rows' margins."""
        tfidf, keep, idf = self._tfidf(counts[train])
        coef = np.zeros((tfidf.shape[1], len(labels)), dtype=np.float32)
        intercept = np.zeros(len(labels), dtype=np.float32)
        weight = None if weights is None else weights[train]
        scales = self._nb_scales(tfidf, Y[train][:, labels], weight)
        for i, k in enumerate(labels):
            coef[:, i], intercept[i] = self._fit_label(tfidf, Y[train, k], self._label_weight(weight, primary[train] == k),
                                                       None if scales is None else scales[:, i])
        if test is None:
            return keep, idf, coef, intercept
        return _weigh(counts[test][:, keep], idf) @ coef + intercept

    def _label_weight(self, weight, is_primary):
        if self.primary_weight == 1:
            return weight
        boost = np.where(is_primary, np.float32(self.primary_weight), np.float32(1.0))
        return boost if weight is None else weight * boost

    def _nb_scales(self, tfidf, Y, weight):
        """Each label's (column's) scale of each term (row), ``sign(r) * |r| ** nb_power``
        (see ``nb_power``), from the sentences that hold the term, counted by their
        ``weight``; None when ``nb_power`` is 0."""
        if not self.nb_power:
            return None
        # which sentence holds which term, sharing the TF-IDF rows' indices; sums in 64
        # bits, as weights up to float32's range times many sentences overflow 32
        held = csr_matrix((np.ones(tfidf.nnz), tfidf.indices, tfidf.indptr), shape=tfidf.shape)
        weight = np.ones(tfidf.shape[0]) if weight is None else weight.astype(np.float64)
        inside = held.T @ (Y * weight[:, None]) + 1.0
        outside = (held.T @ weight)[:, None] - inside + 2.0
        ratio = np.log(inside / inside.sum(axis=0)) - np.log(outside / outside.sum(axis=0))
        return (np.sign(ratio) * np.abs(ratio) ** float(self.nb_power)).astype(np.float32)

    def _fit_label(self, X, column, weight=None, scale=None):
        present = _weighed_presence(column, weight)
        if present is not None:  # a label always or never present, among the sentences that weigh
            return 0.0, (10.0 if present else -10.0)
        svm = LinearSVC(C=self.C, class_weight=self.class_weight, max_iter=5000, tol=_TOL,
                        random_state=self.random_state)
        if scale is None:
            svm.fit(X, column, sample_weight=weight)
            return svm.coef_[0], svm.intercept_[0]
        # the scale folds into the weights: the model reads plain TF-IDF rows. Scaled in
        # place of a product with diags(scale): the same values (the zeros it drops dropped
        # too), so the same model, in a quarter of the time (0.03 s against 0.11 on the
        # bundled corpus)
        scaled = X.copy()
        scaled.data *= scale[scaled.indices]
        scaled.eliminate_zeros()
        svm.fit(scaled, column, sample_weight=weight)
        return svm.coef_[0] * scale, svm.intercept_[0]

    def _tfidf(self, counts):
        """(TF-IDF rows, kept columns, idf) as TfidfVectorizer(min_df, sublinear_tf=True)
        fitted on these rows would give: terms in fewer than ``min_df`` rows dropped,
        smooth idf, 1 + log(tf), rows scaled to unit length."""
        df = np.bincount(counts.indices, minlength=counts.shape[1])
        keep = np.flatnonzero(df >= self.min_df)
        idf = (np.log((1.0 + counts.shape[0]) / (1.0 + df[keep])) + 1.0).astype(np.float32)
        return _weigh(counts[:, keep], idf), keep, idf

    def fit(self, X, y, groups=None, sample_weight=None) -> MeasureClassifier:
        """Fit on sentences ``X`` and their labels ``y`` (``"a|b"`` strings or lists).

        ``groups`` (e.g. the file each sentence comes from) makes the folds behind the
        calibration and thresholds hold out whole groups, so they are chosen on text
        unlike the rest, as real documents are (groups that share a sentence count as one,
        so that no fold is scored on a copy of a sentence it was fitted on); with a float
        ``thresholds`` there are no folds and it is not used. ``sample_weight`` weighs each sentence in the SVMs, the
        naive-Bayes ratios (``nb_power``), the calibration, the choice of thresholds and the
        cross-validated figures (a sentence of weight 0 still counts towards the terms'
        document frequencies).

        A ``random_state`` of None or a ``RandomState`` draws one seed for the fit; the
        model's metadata records that seed as ``random_state``, so the fit can be
        repeated on the same data (and weights: the metadata says when there were)."""
        self._check_params()
        sentences = sentence_list(X)
        rows = _paired_rows(y, len(sentences))
        weights = weights_argument(sample_weight, len(sentences), purpose="learn from")
        if weights is not None:
            self._check_weight_range(weights)
        if groups is not None:
            groups = one_per_sentence(groups, len(sentences), "groups", as_given=True)
        keys = [sentence_key(sentence) for sentence in sentences]  # copies as the model reads them
        given = groups
        joins: list[tuple] = []
        if groups is not None:
            groups, joins = _copies_joined(groups, keys)
            if joins and self.thresholds == "cv":
                warnings.warn(f"groups that share a sentence are one group in the folds, so that no fold is "
                              f"scored on a sentence it was fitted on: {_joined_named(joins)}", UserWarning,
                              stacklevel=_outside_the_package())
        self._check_data(rows, groups, sentences, keys, given, joins)
        classes, Y = binarize(rows)
        # One seed for the folds and every SVM, drawn once from a RandomState (or None):
        # each process would otherwise draw from its own copy, and the result depend on n_jobs.
        seed = self.random_state
        if not is_whole(seed, 0):
            seed = int(check_random_state(seed).randint(np.iinfo(np.int32).max))
        worker = clone(self).set_params(random_state=seed)
        # the folds refuse data as _check_data does (a label a fold's training part would lack):
        # before any work
        folds = worker._folds(Y, groups, keys, weights, classes, given) if self.thresholds == "cv" else []
        index = {label: k for k, label in enumerate(classes)}
        primary = np.array([index[row[0]] for row in rows], dtype=np.int32)
        worker.classes_ = np.asarray(classes, dtype=object)  # an array, as scikit-learn's classifiers have it
        analyzer = worker._analyzer()
        # Terms are counted once; every fold and the final fit slice these counts.
        if supports(analyzer):
            counts, names = count_terms(analyzer, sentences)
        else:
            counter = CountVectorizer(analyzer=analyzer, dtype=np.float32)
            try:
                counts, names = counter.fit_transform(sentences).tocsr(), counter.get_feature_names_out()
            except ValueError:  # not one term in any sentence: _check_terms says so, as for the other path
                counts, names = csr_matrix((len(sentences), 0), dtype=np.float32), []
        counts.sort_indices()
        # The final fit and the folds' fits are independent: n_jobs processes run them,
        # each fit split in two halves of its labels when there is more than one.
        labels = np.arange(Y.shape[1])
        parts = [labels] if _jobs(worker.n_jobs) == 1 else np.array_split(labels, 2)
        fits = [(np.arange(len(sentences)), None), *folds]
        worker._check_terms(counts, fits)
        done = _run_parts([(worker, train, test, part) for train, test in fits for part in parts],
                          (counts, Y, primary, weights), worker.n_jobs)
        done = [done[i:i + len(parts)] for i in range(0, len(done), len(parts))]
        keep, worker.idf_ = done[0][0][:2]
        worker.coef_ = np.hstack([part[2] for part in done[0]])
        worker.intercept_ = np.concatenate([part[3] for part in done[0]])
        worker.vocabulary_ = np.asarray(names, dtype=object)[keep]
        if worker.thresholds == "cv":
            margins = np.zeros(Y.shape, dtype=np.float32)
            for (_, test), fold in zip(fits[1:], done[1:]):
                margins[test] = np.hstack(fold)
            scale, shift = worker._calibrate(margins, Y, weights)
            # Platt scaling is linear in the margin, so it folds into the weights and the
            # model stays sigmoid(x @ coef + intercept).
            worker.coef_ = worker.coef_ * scale
            worker.intercept_ = worker.intercept_ * scale + shift
            out_of_fold = 1.0 / (1.0 + np.exp(-(margins * scale + shift)))
            worker.thresholds_ = worker._thresholds(out_of_fold, Y, weights)
            worker.cv_scores_ = worker._summarize_cv(out_of_fold, rows, weights)
        else:
            worker.thresholds_ = np.full(len(worker.classes_), float(worker.thresholds), dtype=np.float32)
        # Weights are kept at half precision, as the model file stores them (it stays a few
        # MB); the fitted estimator and the saved model then predict the same.
        worker.coef_ = _half(worker.coef_)
        worker.analyzer_ = analyzer
        worker.model_ = Model(worker.vocabulary_, worker.idf_, worker.coef_, worker.intercept_, worker.thresholds_,
                              classes, analyzer.config(),
                              worker.max_labels, worker._fit_metadata(len(sentences), seed, groups is not None,
                                                                      weights is not None),
                              analyzer.segmenter, worker.context, key_hashes(keys))
        # as scikit-learn's linear models and vectorizers have them (the model keeps a
        # term's weights together, one row a term)
        worker.coef_ = worker.coef_.T
        worker.vocabulary_ = {term: k for k, term in enumerate(worker.vocabulary_)}
        # one column of text; scikit-learn's vectorizers leave this unset, but meta-estimators
        # (Pipeline, for one) report it from their first step
        worker.n_features_in_ = 1
        # The fit is made on the worker and replaces a previous one only when it is whole: a
        # fit refused or interrupted part way leaves the estimator as it was.
        for name in [name for name in vars(self) if name.endswith("_")]:  # nothing of a previous fit stays
            delattr(self, name)
        self.__dict__.update((name, value) for name, value in vars(worker).items() if name.endswith("_"))
        return self

    def _check_weight_range(self, weights: np.ndarray) -> None:
        """Refuse a weight the SVMs cannot hold, before any work: they take weights as
        32-bit floats, times ``primary_weight`` for a label's primary sentences."""
        low, high = _FLOAT32_RANGE
        high /= max(float(self.primary_weight), 1.0)
        bad = np.flatnonzero((weights > high) | ((weights > 0) & (weights < low)))
        if len(bad):
            raise ValueError(f"sample_weight[{bad[0]}] is {float(weights[bad[0]])!r}: a weight must be 0 or from "
                             f"{low:.1e} to {high:.1e} (the SVMs take 32-bit floats, times primary_weight "
                             f"{float(self.primary_weight):g})")

    def _fit_metadata(self, rows: int, seed: int, grouped: bool, weighted: bool) -> dict:
        """What a model saved from this fit records of it, whichever way it is saved
        (``measures.train`` names the data; a model saved from the estimator itself
        still says what made it and how it did in cross-validation)."""
        import sklearn

        from . import __version__

        metadata = {
            "name": "custom",
            "created": datetime.date.today().isoformat(),
            "measures_version": __version__,
            "sklearn_version": sklearn.__version__,
            "numpy_version": np.__version__,
            # the seed the fit used, which repeats it (None or a RandomState would not)
            "estimator_params": json.loads(json.dumps(dict(self.get_params(), random_state=seed), default=_recorded)),
            "training_data": {"rows": rows, **({"weighted": True} if weighted else {})},
            "evaluation": {},
        }
        if getattr(self, "cv_scores_", None):
            metadata["evaluation"]["cross_validation"] = dict(
                self.cv_scores_, data=f"{self.cv}-fold cross-validation on the training data"
                                      + (", each fold holding out whole groups" if grouped else "")
                                      + (", sentences weighed by sample_weight" if weighted else ""))
        return metadata

    def _check_params(self):
        """Refuse settings the SVMs or the folds cannot work with, before any work."""
        if not _positive(self.C):
            raise ValueError(f"C must be a finite positive number, got {self.C!r}")
        if not is_whole(self.min_df, 1):
            raise ValueError(f"min_df must be a whole number of at least 1, got {self.min_df!r}")
        check_backend(self.segmenter)
        if self.n_jobs is not None and (not is_whole(self.n_jobs, -2**31) or self.n_jobs == 0):
            raise ValueError(f"n_jobs must be None, a whole number of processes or -1 for all cores (not 0), "
                             f"got {self.n_jobs!r}")
        if not (self.random_state is None or isinstance(self.random_state, np.random.RandomState)
                or is_whole(self.random_state, 0) and self.random_state < 2**32):
            raise ValueError(f"random_state must be None, a whole number from 0 to 2**32 - 1 or a "
                             f"numpy RandomState, got {self.random_state!r}")
        if self.class_weight not in ("balanced", None):
            raise ValueError(f"class_weight must be 'balanced' or None, got {self.class_weight!r}")
        if (power := as_real(self.nb_power)) is None or not 0 <= power <= 1:
            raise ValueError(f"nb_power must be a number from 0 to 1, got {self.nb_power!r}")
        # the SVMs take weights as 32-bit floats: a weight out of their range would be 0 or infinite
        low, high = _FLOAT32_RANGE
        if not (_positive(self.primary_weight) and low <= float(self.primary_weight) <= high):
            raise ValueError(f"primary_weight must be a finite positive number a 32-bit float holds "
                             f"({low:.1e} to {high:.1e}), got {self.primary_weight!r}")
        problem = settings_problem(self.max_labels, self.context, self.word_ngrams, self.char_ngrams, self.prefix)
        if problem:
            raise ValueError(problem)
        if self.thresholds == "cv":
            if not is_whole(self.cv, 2):
                raise ValueError(f"cv must be a whole number of at least 2, got {self.cv!r}")
        elif (threshold := as_real(self.thresholds)) is None or not 0 <= threshold <= 1:
            raise ValueError(f"thresholds must be 'cv' or a number from 0 to 1, got {self.thresholds!r}")

    def _check_data(self, rows, groups, sentences, keys, named_groups=None, joins=()):
        """Refuse rows a labelled file would have refused (empty text, a sentence given
        again with other labels), and data too small to train on, saying what training needs."""
        if not rows:
            raise DataError(message="no labelled sentences to train on")
        problems, first_seen = [], {}
        for i, (sentence, key, row) in enumerate(zip(sentences, keys, rows)):
            problem = (empty_problem(sentence, key) or
                       repeat_problem(first_seen, key, row, f"X[{i}]", "|".join(row)))
            if problem:
                problems.append(Problem(f"X[{i}]", None, problem))
        if problems:
            raise DataError(problems)
        given = {label for row in rows for label in row}
        if len(given) < 2:
            label = given.pop()
            raise DataError(message=f"every sentence is labelled {label!r}: training needs sentences of at least "
                                    f"two labels ({'sentences of the measures as well' if label == 'other' else 'for instance some ' + repr('other')})")
        if self.thresholds != "cv":
            return
        if groups is None and len(set(keys)) < self.cv:
            raise DataError(message=f"{self.cv}-fold cross-validation needs at least {self.cv} different "
                                    f"sentences, got {len(set(keys))}")
        # without groups, copies of a sentence share a fold (see _folds), so they count once
        pairs = [(key, label) for key, row in zip(keys, rows) for label in row]
        counts = Counter(label for _, label in (set(pairs) if groups is None else pairs))
        short = [f"{label!r} has {counts[label]}" for label in LABEL_IDS if 0 < counts[label] < self.cv]
        if short:
            kind = "different sentences" if groups is None else "sentences"
            raise DataError(message=(
                f"too few sentences to train on: {', '.join(short)}; the thresholds are chosen by "
                f"{self.cv}-fold cross-validation, which needs at least {self.cv} {kind} of every label given"))
        if groups is None:
            return
        n_groups = len(set(groups.tolist()))
        if n_groups < self.cv:
            joined = (f" ({len(set(named_groups.tolist()))} given; groups that share a sentence count as one, so that "
                      f"no fold is scored on a sentence it was fitted on: {_joined_named(joins)})" if joins else "")
            raise DataError(message=f"{self.cv}-fold cross-validation over groups needs at least {self.cv} "
                                    f"groups, got {n_groups}{joined}")

    def _check_terms(self, counts, fits):
        """Refuse a fit, or a fold's fit, left with no term once ``min_df`` drops the rare ones."""
        for train, test in fits:
            df = np.bincount(counts[train].indices, minlength=counts.shape[1])
            if not np.any(df >= self.min_df):
                part = "the sentences" if test is None else "a cross-validation fold's training sentences"
                raise DataError(message=(
                    f"no term occurs in {self.min_df} or more of {part}, so there is nothing to learn "
                    f"from; training needs more sentences, with words in common"))

    def _folds(self, Y, groups, keys, weights=None, classes=(), given=None) -> list:
        """(train, test) row indices of the cross-validation folds, each training part
        holding every label that has sentences of weight above 0, or a :class:`DataError`;
        ``keys`` are the sentences' :func:`~measures.labelled_data.sentence_key`,
        ``classes`` the labels of ``Y``'s columns and ``given`` the groups as given, named
        in an error."""
        if groups is not None:
            folds = list(GroupKFold(self.cv).split(Y, groups=groups))
            fold_of = np.empty(len(Y), dtype=np.int64)
            for k, (_, test) in enumerate(folds):
                fold_of[test] = k
            holders = _holders(np.arange(len(Y)), Y, weights)
            # whole groups are held out, so no sentence can move to another fold
            stuck = _alone(holders, fold_of)
            if stuck:
                named = [f"{classes[k]!r} (all in {listed(sorted(map(str, {given[i] for i in holders[k]})))})"
                         for k in stuck]
                weighed = " (of weight above 0)" if weights is not None else ""
                raise DataError(message=(
                    f"a label that a cross-validation fold holding out whole groups leaves out of its training part "
                    f"cannot be calibrated: {', '.join(named)}, held out together; spread its sentences{weighed} "
                    f"over more groups, or train without groups"))
            return folds
        # Copies of a sentence (as the model reads it) go to one fold: a copy fitted on and
        # another scored would flatter the thresholds and the cross-validated figures.
        # Without copies these are KFold's folds of the rows.
        first: dict[str, int] = {}
        ids = np.array([first.setdefault(key, len(first)) for key in keys])
        fold_of = np.empty(len(first), dtype=np.int64)
        for k, (_, test) in enumerate(KFold(self.cv, shuffle=True, random_state=self.random_state)
                                      .split(np.arange(len(first)))):
            fold_of[test] = k
        _spread_labels(fold_of, ids, Y, weights, classes)
        return [(np.flatnonzero(fold_of[ids] != k), np.flatnonzero(fold_of[ids] == k)) for k in range(self.cv)]

    @staticmethod
    def _calibrate(margins, Y, weights):
        scale = np.ones(Y.shape[1], dtype=np.float32)
        shift = np.zeros(Y.shape[1], dtype=np.float32)
        for k in range(Y.shape[1]):
            if _weighed_presence(Y[:, k], weights) is not None:
                continue
            platt = LogisticRegression(C=100.0).fit(margins[:, k:k + 1], Y[:, k], sample_weight=weights)
            # a slope of 0 or less would turn the label's SVM around: its folds learnt
            # nothing of it (all its sentences in one fold), so its margins stay as they are
            if platt.coef_[0, 0] > 0:
                scale[k], shift[k] = platt.coef_[0, 0], platt.intercept_[0]
        return scale, shift

    @staticmethod
    def _thresholds(probabilities, Y, weights) -> np.ndarray:
        grid = np.arange(0.15, 0.86, 0.025)
        return np.array([_f1_threshold(probabilities[:, k], Y[:, k], grid, weights)
                         for k in range(Y.shape[1])], dtype=np.float32)

    def _summarize_cv(self, out_of_fold, y, weights) -> dict:
        from .evaluation import scores

        predicted = decide(out_of_fold, self.thresholds_, list(self.classes_), self.max_labels)
        result = scores(list(y), predicted, list(self.classes_), weights)
        return {key: round(result[key], 4) if isinstance(result[key], float) else result[key]
                for key in ("sentences", "micro_f1", "macro_f1", "primary_accuracy", "exact_match")}

    # --- predicting -------------------------------------------------------------------

    def __sklearn_is_fitted__(self) -> bool:
        # fitted is a whole fit, the model that predicts: scikit-learn's default (any
        # attribute ending in _) would also take one set by hand
        return hasattr(self, "model_")

    def _check_fitted(self):
        from sklearn.utils.validation import check_is_fitted

        check_is_fitted(self, "model_")

    def predict_proba(self, X) -> np.ndarray:
        """Per-label probabilities, columns in ``classes_`` order."""
        self._check_fitted()
        return self.model_.predict_proba(sentence_list(X))

    def predict(self, X) -> np.ndarray:
        """One ``"primary|second"`` string per sentence."""
        self._check_fitted()
        return np.array(self.model_.predict(sentence_list(X)), dtype=object)

    def score(self, X, y, sample_weight=None) -> float:
        """Macro-averaged F1 over labels (the figure the benchmarks report), so that
        ``GridSearchCV`` optimises it by default. It covers the guide's labels, those the
        model cannot give too (counted as missed, not absent). ``y`` is read and checked
        as :meth:`fit` reads it; ``sample_weight`` weighs each sentence's counts."""
        from .evaluation import scores

        predicted = list(self.predict(X))
        rows = _paired_rows(y, len(predicted))
        return scores(rows, predicted, LABEL_IDS, weights_argument(sample_weight, len(rows), purpose="score"))["macro_f1"]

    def __setstate__(self, state):
        super().__setstate__(state)
        # pickled before these settings existed: the values that fitted as it was fitted
        self.__dict__.setdefault("primary_weight", 1.0)
        self.__dict__.setdefault("nb_power", 0.0)
        # fitted before measures 0.3: coef_ was one row a term and vocabulary_ an array of
        # terms; read as the attributes are documented now (predictions never used them)
        vocabulary = self.__dict__.get("vocabulary_")
        if isinstance(vocabulary, np.ndarray):
            self.vocabulary_ = {term: k for k, term in enumerate(vocabulary.tolist())}
            self.coef_ = self.coef_.T

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.string = True  # X is a list of sentences, not a matrix of numbers
        tags.input_tags.two_d_array = False
        return tags

    def to_model(self, metadata: dict | None = None) -> Model:
        """The numpy-only :class:`~measures.model.Model` with these weights, deciding as
        :meth:`predict` does (with the settings of the fit, not any set since). Its
        metadata is what the fit recorded (versions, parameters, cross-validation), with
        ``metadata`` over it; a section given as a dict (``evaluation``) adds to the
        fit's section of that name."""
        self._check_fitted()
        merged = dict(self.model_.metadata)
        for key, value in (metadata or {}).items():
            fitted = merged.get(key)
            if isinstance(fitted, dict) and isinstance(value, dict):
                value = {**value, **{k: v for k, v in fitted.items() if k not in value}}
            merged[key] = value
        # each model its own sections: shared with the fit, figures noted in one model's
        # metadata["evaluation"] went into every model made from the fit after it, and its card
        merged = copy.deepcopy(merged)
        fitted = self.model_
        return Model(list(fitted.vocabulary), fitted.idf, fitted.coef, fitted.intercept, fitted.thresholds,
                     fitted.classes, fitted.analyzer.config(), fitted.max_labels, merged,
                     fitted.analyzer.segmenter, fitted.context, fitted.training_keys)
