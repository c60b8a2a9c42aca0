import json
import re
import unicodedata
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy.sparse import csr_matrix, diags
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.model_selection import GridSearchCV, KFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer
from sklearn.svm import LinearSVC

from conftest import EXAMPLES, loaded_modules, run_cli

import measures
from measures.classifier import MeasureClassifier, binarize
from measures.datasets import load_training_data
from measures.labelled_data import DataError, sentence_key
from measures.labels import OTHER, LabelError
from measures.model import decide


@pytest.fixture(scope="module")
def sample():
    data = load_training_data()
    rng = np.random.default_rng(0)
    keep = rng.choice(len(data), size=900, replace=False)
    y = data.y
    return [data.texts[i] for i in keep], [y[i] for i in keep]


@pytest.fixture(scope="module")
def fitted(sample):
    X, y = sample
    return MeasureClassifier(cv=3).fit(X, y)


def test_follows_scikit_learn_conventions(sample):
    estimator = MeasureClassifier(C=0.25, char_ngrams=None)
    assert estimator.get_params()["C"] == 0.25
    twin = clone(estimator)
    assert twin.get_params() == estimator.get_params() and twin is not estimator
    X, y = sample
    assert estimator.fit(X, y) is estimator
    assert {"classes_", "coef_", "thresholds_", "vocabulary_", "idf_", "model_"} <= set(vars(estimator))
    assert not hasattr(twin, "coef_")


@pytest.mark.parametrize("check", ["check_get_params_invariance", "check_set_params",
                                   "check_no_attributes_set_in_init", "check_parameters_default_constructible",
                                   "check_estimator_repr", "check_mixin_order", "check_estimator_cloneable",
                                   "check_valid_tag_types"])
def test_passes_scikit_learns_checks_that_do_not_fit_on_numbers(check):
    # check_estimator skips the estimator as a whole (it takes text); its other checks fit
    # on matrices of numbers, which a text classifier refuses
    import sklearn.utils.estimator_checks as checks

    if not hasattr(checks, check):
        pytest.skip(f"{check} is not in this scikit-learn")
    getattr(checks, check)("MeasureClassifier", MeasureClassifier())


def test_works_in_a_pipeline_and_grid_search(sample):
    X, y = sample
    pipeline = make_pipeline(FunctionTransformer(lambda rows: [r.strip() for r in rows]),
                             MeasureClassifier(thresholds=0.5))
    # KFold, as the README shows: "a|b" label strings are not classes to stratify on
    search = GridSearchCV(pipeline, {"measureclassifier__C": [0.1, 1.0]}, cv=KFold(2, shuffle=True, random_state=0))
    search.fit(X[:400], y[:400])
    # C reached the estimator through the pipeline: the two settings scored differently
    low, high = search.cv_results_["mean_test_score"]
    assert low != high
    assert search.best_score_ > 0.3  # macro-F1 of a model that learnt, through the pipeline
    assert len(search.predict(X[:5])) == 5


def test_predictions_follow_the_guide(fitted, sample):
    X, _ = sample
    for row in fitted.predict(X[:300]):
        labels = row.split("|")
        assert len(labels) == len(set(labels)) >= 1
        assert OTHER not in labels or labels == [OTHER]
    probabilities = fitted.predict_proba(X[:10])
    assert probabilities.shape == (10, len(fitted.classes_))
    assert np.all((probabilities >= 0) & (probabilities <= 1))


def test_learns_something_beyond_the_majority(fitted, sample):
    X, y = sample
    assert fitted.score(X, y) > 0.8            # training fit
    assert fitted.cv_scores_["macro_f1"] > 0.5  # out of fold


def test_features_and_scores_are_scikit_learns(fitted, sample):
    # The fit counts terms once and weighs them itself; scikit-learn's TfidfVectorizer
    # on the same terms must give the same vocabulary, idf and so the same scores.
    X, _ = sample
    reference = TfidfVectorizer(analyzer=fitted.analyzer_, min_df=fitted.min_df, sublinear_tf=True).fit(X)
    assert list(reference.get_feature_names_out()) == list(fitted.vocabulary_)
    np.testing.assert_allclose(reference.idf_, fitted.idf_, rtol=1e-6)
    margins = reference.transform(X[:200]) @ fitted.coef_.T + fitted.intercept_
    np.testing.assert_allclose(fitted.predict_proba(X[:200]), 1 / (1 + np.exp(-margins)), atol=1e-5)
    model = fitted.to_model()
    assert model.predict(X[:200]) == list(fitted.predict(X[:200]))


@pytest.mark.parametrize("row, thresholds, expected", [
    ([0.9, 0.8, 0.1], [0.5, 0.5, 0.5], ("a", "b")),
    ([0.3, 0.2, 0.1], [0.5, 0.5, 0.5], ("a",)),          # none over threshold: the best one
    ([0.7, 0.2, 0.9], [0.5, 0.5, 0.5], ("other",)),      # other is best: alone
    ([0.9, 0.2, 0.8], [0.5, 0.5, 0.5], ("a",)),          # other is dropped otherwise
    ([0.4, 0.35, 0.1], [0.3, 0.3, 0.5], ("a", "b")),     # per-label thresholds
    ([0.9, 0.45, 0.1], [0.5, 0.4, 0.5], ("a", "b")),     # each label against its own, not the primary's
])
def test_decide(row, thresholds, expected):
    assert decide(np.array([row]), np.array(thresholds), ["a", "b", "other"])[0] == expected


def test_a_threshold_is_chosen_for_its_f1_not_its_precision():
    from measures.classifier import _f1_threshold

    probabilities, truth = np.array([0.9, 0.6, 0.3, 0.2]), np.array([1, 0, 1, 0])
    # F1 at 0.25, 0.5 and 0.85: 0.8, 0.5, 0.67 (precision would take 0.85)
    assert _f1_threshold(probabilities, truth, np.array([0.25, 0.5, 0.85])) == 0.25


@pytest.mark.parametrize("row, primary, expected", [
    ([0.9, 0.8, 0.1], [0.1, 0.7, -1.0], ("b", "a")),     # the primary scores (context) reorder
    ([0.9, 0.2, 0.1], [-0.2, 0.4, -1.0], ("b", "a")),    # and may name a label under threshold
    ([0.9, 0.8, 0.1], [0.1, 0.2, 0.9], ("other",)),      # other as primary stands alone
    ([0.2, 0.1, 0.9], [0.5, 0.1, 0.2], ("a",)),          # other is never a further label
])
def test_decide_with_primary_scores(row, primary, expected):
    decided = decide(np.array([row]), np.array([0.5, 0.5, 0.5]), ["a", "b", "other"],
                     primary_scores=np.array([primary]))
    assert decided[0] == expected


def test_max_labels_caps_the_labels():
    decided = decide(np.array([[0.9, 0.8, 0.7, 0.0]]), np.full(4, 0.5), ["a", "b", "c", "other"], max_labels=2)
    assert decided[0] == ("a", "b")


def test_opening_terms_can_be_turned_off(fitted, sample):
    X, y = sample
    plain = MeasureClassifier(prefix=0, thresholds=0.5).fit(X[:300], y[:300])
    assert any(term.startswith("^") for term in fitted.vocabulary_)
    assert not any(term.startswith("^") for term in plain.vocabulary_)


def test_a_sentence_read_alone_is_primary_in_its_most_probable_label(fitted, sample):
    X, _ = sample
    probabilities = fitted.predict_proba(X[:200])
    primary = [labels.split("|")[0] for labels in fitted.predict(X[:200])]
    assert primary == [fitted.classes_[k] for k in np.argmax(probabilities, axis=1)]


def test_explain_names_the_terms(fitted):
    model = fitted.to_model()
    result = model.explain("全市开展全员核酸检测，完成采样46万人。")
    assert result["labels"][0] == "testing"
    terms = [term for term, _ in result["terms"]["testing"]]
    # the sentence's testing words (or their characters) explain the label, not 全市 or 开展
    assert terms and all(set(term.lstrip("#^")) & set("核酸检测采样") for term in terms[:3])


def test_fitting_in_parallel_gives_the_same_model(fitted, sample):
    X, y = sample
    parallel = MeasureClassifier(cv=3, n_jobs=2).fit(X, y)
    np.testing.assert_array_equal(parallel.coef_, fitted.coef_)
    np.testing.assert_array_equal(parallel.thresholds_, fitted.thresholds_)
    assert parallel.cv_scores_ == fitted.cv_scores_


def test_grouped_folds_hold_out_whole_groups(sample):
    X, y = sample
    groups = np.arange(len(X)) % 5
    estimator = MeasureClassifier(cv=3)
    for train, test in estimator._folds(np.zeros((len(X), 1)), groups, X):
        assert not set(groups[train]) & set(groups[test])
    fitted = estimator.fit(X, y, groups=groups)
    assert fitted.cv_scores_["sentences"] == len(X)
    # through fit: two wordings of every sentence, each pair a group. Without groups a fold
    # scores sentences whose twin it was fitted on; with them never, and it shows
    twins, twin_y = [f"{x}（一）" for x in X[:450]] + [f"{x}（二）" for x in X[:450]], list(y[:450]) * 2
    pairs = list(range(450)) * 2
    grouped = MeasureClassifier(cv=3).fit(twins, twin_y, groups=pairs).cv_scores_
    ungrouped = MeasureClassifier(cv=3).fit(twins, twin_y).cv_scores_
    assert grouped["micro_f1"] < ungrouped["micro_f1"] - 0.05


def _with_rare_economy(sample, n: int, weighed: int):
    """The sample without economy, then ``n`` economy sentences, and the first seed whose
    KFold folds hold the last ``weighed`` of them in one fold."""
    data = load_training_data()
    X = [x for x, labels in zip(*sample) if "economy" not in labels]
    y = [labels for labels in sample[1] if "economy" not in labels]
    X += [x for x, labels in zip(data.texts, data.y) if labels == "economy"][:n]
    y += ["economy"] * n
    rare = set(range(len(X) - weighed, len(X)))
    together = next(seed for seed in range(100)
                    if any(rare <= set(test) for _, test in
                           KFold(3, shuffle=True, random_state=seed).split(np.arange(len(X)))))
    return X, y, rare, MeasureClassifier(cv=3, random_state=together), data.texts[20000:21000]


def test_a_label_of_a_few_sentences_is_in_every_folds_training_part(sample):
    # KFold can put all of a rare label's sentences in one fold; that fold's model never
    # saw the label, and its threshold gave it to most sentences (822 of 1,000)
    X, y, rare, estimator, others = _with_rare_economy(sample, 3, 3)
    for train, _ in estimator._folds(binarize(y)[1], None, [sentence_key(x) for x in X]):
        assert rare & set(train)
    assert sum("economy" in labels for labels in estimator.fit(X, y).predict(others)) < 50


def test_folds_spread_a_sentence_of_two_rare_labels_without_stranding_either():
    from measures.classifier import _spread_labels

    # moving sentence 8 (both labels) spread one label and stranded the other, back and forth
    fold_of = np.array([0, 0, 1, 1, 1, 2, 2, 2, 0])
    Y = np.zeros((9, 2), dtype=np.int8)
    Y[[0, 1, 8], 0] = 1
    Y[[3, 4, 8], 1] = 1
    _spread_labels(fold_of, np.arange(9), Y, None, ["economy", "vaccination"])
    assert all(len(set(fold_of[np.flatnonzero(Y[:, k])])) > 1 for k in range(2))


def test_folds_are_spread_by_a_swap_where_no_single_move_does():
    # two folds; a single move of either testing sentence strands supply or economy
    for seed in range(12):
        fitted = MeasureClassifier(cv=2, min_df=1, random_state=seed).fit(
            ["全市开展核酸检测并保障物资供应。", "全市开展核酸检测并帮助企业复工。", "超市保障蔬菜物资供应。", "企业有序复工复产。"],
            ["testing|supply", "testing|economy", "supply", "economy"])
        assert list(fitted.classes_) == ["testing", "supply", "economy"]


def test_folds_are_spread_where_neither_a_move_nor_a_swap_does():
    labels = ["testing|isolation_transfer|disinfection", "economy|publicity", "isolation_transfer|supply|publicity",
              "isolation_transfer", "supply", "testing|supply", "disinfection|economy"]
    texts = ["全市开展核酸检测并转运隔离人员、消毒。", "帮助企业复工并宣传政策。", "转运隔离人员、保障物资并宣传。",
             "转运密接人员至隔离点。", "保障生活物资供应。", "核酸检测并保障物资。", "消毒后企业复工复产。"]
    for seed in range(30):
        assert MeasureClassifier(cv=2, min_df=1, random_state=seed).fit(texts, labels).cv_scores_["sentences"] == 7


def test_a_label_whose_groups_weigh_nothing_but_one_is_refused_with_groups(sample):
    # weight 0 for testing outside group 0: GroupKFold holds group 0 out in one fold, whose
    # model never sees testing (it gave testing to 857 of 1,000 sentences)
    X, y = sample
    groups = np.arange(len(X)) % 3
    weights = np.array([0.0 if "testing" in labels and group else 1.0 for labels, group in zip(y, groups)])
    with pytest.raises(DataError, match=r"'testing' \(all in 0\), held out together; spread its sentences "
                                        r"\(of weight above 0\) over more groups"):
        MeasureClassifier(cv=3).fit(X, y, groups=groups, sample_weight=weights)


def test_folds_spread_the_sentences_that_weigh(sample):
    # three economy sentences of weight 0 beside three that weigh: the three that weigh
    # must not share a fold (a fold held them together, and economy went to 843 of 1,000)
    X, y, weighed, estimator, others = _with_rare_economy(sample, 6, 3)
    weights = np.ones(len(X))
    weights[-6:-3] = 0
    for train, _ in estimator._folds(binarize(y)[1], None, [sentence_key(x) for x in X], weights, ["economy"]):
        assert weighed & set(train)
    given = estimator.fit(X, y, sample_weight=weights).predict(others)
    assert sum("economy" in labels for labels in given) < 50
    weights[-2:] = 0
    with pytest.raises(DataError, match="sentence of 'economy': one sentence of weight above 0, and at least 2"):
        MeasureClassifier(cv=3).fit(X, y, sample_weight=weights)


def test_a_fit_the_folds_refuse_leaves_the_previous_fit():
    # the folds are drawn before any work, as the other checks of the data run: a refused
    # fit left the estimator half cleared, with the classes of the data it refused
    estimator = MeasureClassifier(cv=2, min_df=1).fit(SMALL_X, SMALL_Y)
    before = estimator.predict(SMALL_X)
    X, y = SMALL_X + ["追踪密接人员。", "追踪次密接人员。"], SMALL_Y + ["tracing"] * 2
    with pytest.raises(DataError, match="sentence of 'tracing': one sentence of weight above 0"):
        estimator.fit(X, y, sample_weight=[1] * 25 + [0])
    groups = [0, 1, 2] * 8 + [0, 0]
    with pytest.raises(DataError, match=r"'tracing' \(all in 0\), held out together"):
        estimator.fit(X, y, groups=groups)
    assert list(estimator.classes_) == ["testing", "isolation_transfer", "supply", "other"]
    assert np.array_equal(estimator.predict(SMALL_X), before)


def test_a_fit_refused_or_failing_after_the_folds_leaves_the_previous_fit(monkeypatch):
    # the terms are checked, and the SVMs fitted, after the folds: a fit that stopped there
    # left only classes_ (or no model_), and scikit-learn's check took it for fitted
    from sklearn.utils.validation import check_is_fitted

    estimator = MeasureClassifier(cv=2, min_df=1).fit(SMALL_X, SMALL_Y)
    before = estimator.predict(SMALL_X)
    with pytest.raises(DataError, match="no term occurs in 5000 or more"):
        estimator.set_params(min_df=5000).fit(SMALL_X[:8], SMALL_Y[:8])

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(MeasureClassifier, "_calibrate", interrupted)
    with pytest.raises(KeyboardInterrupt):
        estimator.set_params(min_df=1).fit(SMALL_X[:12], SMALL_Y[:12])
    assert list(estimator.classes_) == ["testing", "isolation_transfer", "supply", "other"]
    assert np.array_equal(estimator.predict(SMALL_X), before)
    check_is_fitted(estimator)
    cleared = clone(estimator)
    cleared.classes_ = estimator.classes_  # fitted is a whole fit, not any attribute ending in _
    with pytest.raises(NotFittedError):
        check_is_fitted(cleared)


@pytest.mark.parametrize("weight, primary_weight, index", [
    (1e39, 3.0, 7), (2e38, 3.0, 7), (1e-46, 3.0, 7), (2e38, 1.0, None)])
def test_a_weight_the_svms_cannot_hold_is_refused_by_index_before_any_work(weight, primary_weight, index):
    weights = np.ones(len(SMALL_X))
    weights[7] = weight
    estimator = MeasureClassifier(cv=2, min_df=1, primary_weight=primary_weight)
    if index is None:  # in range once primary_weight no longer multiplies it
        assert estimator.fit(SMALL_X, SMALL_Y, sample_weight=weights).predict(SMALL_X[:1]).shape == (1,)
        return
    with pytest.raises(ValueError, match=re.escape(f"sample_weight[{index}] is {weight!r}: a weight must be 0 or from")):
        estimator.fit(SMALL_X, SMALL_Y, sample_weight=weights)


# six different sentences of each of four labels
SMALL_X = [f"{place}{sentence}" for place in ("东城", "西城", "南岗", "北林", "中原", "河口")
           for sentence in ("全市开展全员核酸检测。", "对密接人员实行集中隔离。", "分享到微信", "加强生活物资保供。")]
SMALL_Y = ["testing", "isolation_transfer", "other", "supply"] * 6


@pytest.mark.parametrize("y, message", [
    (SMALL_Y[:-1] + ["testng"], "y[23]: unknown label id 'testng'; did you mean 'testing'?"),
    (SMALL_Y[:-1] + [["other", "testing"]], "y[23]: 'other' is never combined"),
])
def test_labels_are_checked_against_the_guide(y, message):
    with pytest.raises(DataError, match=re.escape(message)):
        MeasureClassifier(thresholds=0.5).fit(SMALL_X, y)
    with pytest.raises(DataError, match=re.escape(message.replace("y[", "data["))):
        measures.train(list(zip(SMALL_X, y)), thresholds=0.5)


@pytest.mark.parametrize("X, y, params, message", [
    ([], [], {}, "no labelled sentences"),
    (SMALL_X[:4], SMALL_Y[:4], {}, "'testing' has 1, 'isolation_transfer' has 1, 'supply' has 1, 'other' has 1; "
                                   ".* at least 3 different sentences of every label"),
    (SMALL_X[:2], SMALL_Y[:2], {}, "3-fold cross-validation needs at least 3 different sentences, got 2"),
    (SMALL_X[:8] + ["新增一句。"], SMALL_Y[:8] + ["tracing"], {"cv": 2}, "'tracing' has 1; .* at least 2"),
    (["甲乙", "丙丁", "戊己", "庚辛", "壬癸", "子丑"], ["testing", "other"] * 3, {},
     "no term occurs in 2 or more of the sentences"),
    (["甲乙", "丙丁"], ["testing", "other"], {"thresholds": 0.5}, "no term occurs"),
    (SMALL_X[:6], ["testing"] * 6, {}, r"every sentence is labelled 'testing': training needs sentences of at least two "
                                       r"labels \(for instance some 'other'\)"),
    (SMALL_X[:6], ["other"] * 6, {}, r"every sentence is labelled 'other': training needs sentences of at least two "
                                     r"labels \(sentences of the measures as well\)"),
])
def test_too_little_data_is_a_clear_error(X, y, params, message):
    with pytest.raises(DataError, match=message):
        MeasureClassifier(**params).fit(X, y)


def test_groups_that_share_a_sentence_are_folded_as_one(sample):
    # a copy in each of two groups would be fitted in one fold and scored in another
    X, y = sample
    X, y = X[:600], list(y[:600])
    groups = [i % 5 for i in range(600)]
    copied = [i for i in range(600) if groups[i] == 0][:60]
    X2, y2 = X + [X[i] for i in copied], y + [y[i] for i in copied]
    as_given = groups + [4] * len(copied)
    as_one = [0 if g == 4 else g for g in as_given]
    with pytest.warns(UserWarning, match="groups that share a sentence are one group in the folds, .*: 0 with 4$") \
            as caught:
        given = MeasureClassifier(cv=3).fit(X2, y2, groups=as_given)
    assert [warning.filename for warning in caught] == [__file__]   # the line that called fit
    joined = MeasureClassifier(cv=3).fit(X2, y2, groups=as_one)
    assert given.cv_scores_ == joined.cv_scores_
    assert np.array_equal(given.thresholds_, joined.thresholds_)
    # three files, one sharing a sentence with another: two groups for three folds
    with pytest.raises(DataError, match=r"needs at least 3 groups, got 2 \(3 given; groups that share a sentence "
                                        r"count as one, .*: a with b\)"), pytest.warns(UserWarning):
        MeasureClassifier().fit(SMALL_X + SMALL_X[:1], SMALL_Y + SMALL_Y[:1],
                                groups=["a", "b", "c"] * 8 + ["b"])
    # a label held only in a group joined to another is named by the group that holds it
    groups = ["d" if labels == "supply" else "abc"[i % 3] for i, labels in enumerate(SMALL_Y)]
    with pytest.raises(DataError, match=r"'supply' \(all in d\)"), pytest.warns(UserWarning, match="a with d"):
        MeasureClassifier().fit(SMALL_X + SMALL_X[:1], SMALL_Y + SMALL_Y[:1], groups=groups + ["d"])


def test_groups_of_mixed_types_are_folded(sample):
    X, y = sample
    groups = np.array([[1, "a", 2.5, "b", 3][i % 5] for i in range(len(X))], dtype=object)
    assert MeasureClassifier(cv=3).fit(X, y, groups=groups).cv_scores_["sentences"] == len(X)


def test_groups_given_as_a_list_stay_as_given():
    # numpy would read 1 and "1" as one group, "1"; six groups are enough for 6 folds
    groups = [0, 1, 2, "0", "1", "2"] * 4
    assert MeasureClassifier(cv=6).fit(SMALL_X, SMALL_Y, groups=groups).cv_scores_["sentences"] == 24


def test_training_with_too_few_groups_is_a_clear_error():
    with pytest.raises(DataError, match="needs at least 3 groups, got 2"):
        MeasureClassifier().fit(SMALL_X, SMALL_Y, groups=[0, 1] * 12)
    # every 'supply' sentence in group "a", the others spread over three groups
    groups = ["a" if labels == "supply" else "abc"[i % 3] for i, labels in enumerate(SMALL_Y)]
    with pytest.raises(DataError, match=r"cannot be calibrated: 'supply' \(all in a\), held out together; spread"):
        MeasureClassifier().fit(SMALL_X, SMALL_Y, groups=groups)
    # in two groups that GroupKFold puts in one fold (largest groups first, each to the
    # lightest fold: A and B fill two folds, v1, v2 and C the third)
    others = iter(["A"] * 8 + ["B"] * 8 + ["C"] * 2)
    supply = iter(["v1"] * 3 + ["v2"] * 3)
    groups = [next(supply) if labels == "supply" else next(others) for labels in SMALL_Y]
    with pytest.raises(DataError, match=r"cannot be calibrated: 'supply' \(all in v1, v2\), held out together"):
        MeasureClassifier().fit(SMALL_X, SMALL_Y, groups=groups)


@pytest.mark.parametrize("params, message", [
    ({"C": 0}, "C must be a finite positive number"), ({"C": -1.0}, "C must be a finite positive number"),
    ({"C": float("inf")}, "C must be a finite positive number"), ({"cv": 1}, "cv must be"),
    ({"thresholds": 2}, "thresholds must be"), ({"thresholds": True}, "thresholds must be"),
    # whole numbers beyond a float are refused, not an OverflowError
    ({"C": 10**400}, "C must be a finite positive number"), ({"C": -10**400}, "C must be a finite positive number"),
    ({"context": 10**400}, "context must be"), ({"context": -10**400}, "context must be"),
    ({"context": -1}, "context must be"), ({"context": float("inf")}, "context must be"),
    ({"context": float("nan")}, "context must be"), ({"context": "x"}, "context must be"),
    # what the estimator accepts a model file may hold: these are refused at fit, not at load
    ({"max_labels": 0}, "max_labels must be"), ({"prefix": -2}, "prefix must be"),
    ({"word_ngrams": (2, 1)}, "word_ngrams must be"), ({"char_ngrams": (0, 3)}, "char_ngrams must be"),
    ({"word_ngrams": None, "char_ngrams": None}, "cannot both be None"), ({"word_ngrams": 2}, "word_ngrams must be"),
    ({"min_df": 0}, "min_df must be"), ({"min_df": 0.5}, "min_df must be"), ({"class_weight": "x"}, "class_weight must be"),
    ({"primary_weight": 0}, "primary_weight must be a finite positive number"),
    ({"primary_weight": -2}, "primary_weight must be"), ({"primary_weight": float("nan")}, "primary_weight must be"),
    ({"primary_weight": "3"}, "primary_weight must be"),
    # out of a 32-bit float's range: infinite, or 0 for every sentence of a label's own
    ({"primary_weight": 1e40}, "primary_weight must be .* a 32-bit float holds \\(1.2e-38 to 3.4e\\+38\\)"),
    ({"primary_weight": 1e-50}, "primary_weight must be"),
    ({"nb_power": -0.5}, "nb_power must be a number from 0 to 1, got -0.5"), ({"nb_power": 1.5}, "nb_power must be"),
    ({"nb_power": float("nan")}, "nb_power must be"), ({"nb_power": "0.5"}, "nb_power must be"),
    ({"nb_power": None}, "nb_power must be"),
    ({"segmenter": "foo"}, "unknown segmenter backend 'foo'; choose from 'auto', 'rjieba', 'jieba'"),
    ({"n_jobs": 0}, "n_jobs must be None, a whole number of processes or -1 for all cores \\(not 0\\)"),
    ({"n_jobs": 1.5}, "n_jobs must be"),
])
def test_bad_settings_are_refused_before_fitting(params, message):
    with pytest.raises(ValueError, match=message):
        MeasureClassifier(**params).fit(SMALL_X, SMALL_Y)


def test_primary_weight_makes_the_most_probable_label_the_primary_one_more_often(sample):
    X, y = sample
    several = [i for i, labels in enumerate(y) if "|" in labels]
    right = {}
    for weight in (1, 3):
        predicted = MeasureClassifier(primary_weight=weight).fit(X, y).predict([X[i] for i in several])
        right[weight] = sum(got.split("|")[0] == y[i].split("|")[0] for got, i in zip(predicted, several))
    # on the 900 rows it was fitted on: 156 and 216 of 311 when this test was written
    assert right[3] > right[1] + len(several) // 10


# Four sentences over three terms (the values are TF-IDF weights: only whether a sentence
# holds a term counts), the first of the label and three of others.
HELD = csr_matrix(np.array([[0.3, 0.7, 0.0], [1.0, 0.0, 0.0], [0.0, 0.4, 0.9], [0.0, 0.0, 0.5]], dtype=np.float32))


@pytest.mark.parametrize("power", [1, 0.5, 0])
def test_each_term_is_scaled_by_its_naive_bayes_log_count_ratio(power):
    scales = MeasureClassifier(nb_power=power)._nb_scales(HELD, np.array([[1], [0], [0], [0]], dtype=np.int8), None)
    if power == 0:
        assert scales is None
        return
    # the label's sentence holds terms 0 and 1: counts plus one 2, 2, 1 of 5; the others
    # hold 0 once, 1 once and 2 twice: 2, 2, 3 of 7 (shares of the terms counted, not of
    # the sentences, which would give log((2/2) / (2/4)) for term 0)
    ratios = np.log(np.array([2 / 5, 2 / 5, 1 / 5]) / np.array([2 / 7, 2 / 7, 3 / 7]))
    np.testing.assert_allclose(scales[:, 0], np.sign(ratios) * np.abs(ratios) ** power, rtol=1e-6)


def test_the_naive_bayes_ratio_counts_each_sentence_by_its_weight():
    estimator = MeasureClassifier(nb_power=1)
    Y = np.array([[1, 0], [1, 1], [0, 1], [0, 0]], dtype=np.int8)
    weighted = estimator._nb_scales(HELD, Y, np.array([1.0, 1.0, 2.0, 0.0], dtype=np.float32))
    # the third sentence twice, the fourth not at all
    repeated = estimator._nb_scales(HELD[[0, 1, 2, 2]], Y[[0, 1, 2, 2]], None)
    np.testing.assert_allclose(weighted, repeated, rtol=1e-6)
    assert not np.allclose(weighted, estimator._nb_scales(HELD, Y, None))


def test_the_naive_bayes_scale_folds_into_the_weights():
    # the model reads plain TF-IDF rows, and its margins are those of each label's SVM fitted on the scaled rows
    estimator = MeasureClassifier(thresholds=0.5, min_df=1, nb_power=1, primary_weight=1).fit(SMALL_X, SMALL_Y)
    rows, terms, weights = estimator.model_._vectorize(SMALL_X)
    X = csr_matrix((weights, (rows, terms)), shape=(len(SMALL_X), len(estimator.vocabulary_)))
    classes, Y = binarize(SMALL_Y)
    scales = estimator._nb_scales(X, Y, None)
    probabilities = estimator.predict_proba(SMALL_X)
    for k in range(len(classes)):
        scaled = X @ diags(scales[:, k])
        svm = LinearSVC(C=0.5, class_weight="balanced", tol=1e-3, max_iter=5000, random_state=0).fit(scaled, Y[:, k])
        np.testing.assert_allclose(probabilities[:, k], 1 / (1 + np.exp(-svm.decision_function(scaled))), atol=2e-3)


def test_nb_power_changes_the_weights_but_not_the_terms():
    plain = MeasureClassifier(thresholds=0.5, min_df=1, nb_power=0).fit(SMALL_X, SMALL_Y)
    scaled = MeasureClassifier(thresholds=0.5, min_df=1).fit(SMALL_X, SMALL_Y)
    assert plain.vocabulary_ == scaled.vocabulary_ and not np.allclose(plain.coef_, scaled.coef_)
    assert list(scaled.predict(SMALL_X)) == SMALL_Y


def test_a_header_only_file_is_a_one_line_error_on_the_command_line(tmp_path):
    data = tmp_path / "empty.tsv"
    data.write_text("text\tlabels\n", "utf-8")
    result = run_cli("train", data, "-o", tmp_path / "model")
    assert result.returncode == 1
    assert result.stderr.decode().splitlines() == [f"measures: {data}:1: no rows under the header: the file labels "
                                                   f"no sentence"]


def test_no_sentences_give_no_predictions(model):
    assert model.predict([]) == [] and model.predict_labels([]) == []
    assert model.predict_proba([]).shape == (0, len(model.classes))


def test_a_lone_string_is_refused(model):
    estimator = MeasureClassifier(thresholds=0.5).fit(SMALL_X, SMALL_Y)
    for method in (estimator.predict, estimator.predict_proba, model.predict_proba, model.predict_labels):
        with pytest.raises(TypeError, match="list of sentences"):
            method("全市开展全员核酸检测。")
    with pytest.raises(TypeError, match="list of sentences"):
        MeasureClassifier().fit("全市开展全员核酸检测。", ["testing"] * 11)
    assert estimator.predict_proba([]).shape == (0, 4)
    with pytest.raises(TypeError, match="not a string .to tag one document, use tag"):
        model.tag_many("全市开展全员核酸检测。")


@pytest.mark.parametrize("call, error, message", [
    (lambda m: m.predict(["核酸检测。", None]), TypeError, "sentence 1 is NoneType None, not a string"),
    (lambda m: m.predict([float("nan")]), TypeError, "sentence 0 is float nan, not a string"),
    (lambda m: m.predict(pd.DataFrame({"text": ["核酸检测。", "隔离。"], "doc": ["a", "b"]})), TypeError,
     "one column (a pandas Series, df['text'], or a table of one column), got a DataFrame of shape 2x2"),
    (lambda m: m.predict_proba(np.array([["核酸检测。", "a"], ["隔离。", "b"]])), TypeError,
     "got a ndarray of shape 2x2"),
    (lambda m: m.tag(None), TypeError, "expected the document's text as a string, got NoneType"),
    (lambda m: m.tag(Path("speech.txt")), TypeError, "Path (to read a file: measures.read_document(path))"),
    (lambda m: list(m.tag_many(["核酸检测。", 3])), TypeError, "texts[1] is int, not a string"),
    (lambda m: m.explain(None), TypeError, "expected the sentence as a string, got NoneType"),
    (lambda m: m.explain(["甲。", "乙。"]), TypeError, "expected the sentence as a string, got list"),
    (lambda m: list(m.tag_many(["甲。", "乙。", "丙。"], sources=["a", "b"])), ValueError, "sources ended before texts[2]"),
    (lambda m: list(m.tag_many(["甲。"], sources=["a", "b"])), ValueError, "more sources than texts"),
    (lambda m: m.tag_many(["甲。", "乙。"], sources="ab"), TypeError, "one source per document, not a string"),
    # bytes iterate as numbers, which would become the documents' sources
    (lambda m: m.tag_many(["甲。", "乙。"], sources=b"ab"), TypeError, "one source per document, not bytes (for one document: sources=[name])"),
    (lambda m: m.explain("核酸检测。", top=0), ValueError, "top must be a whole number, 1 or more"),
    (lambda m: m.explain("&nbsp;\u200b"), ValueError, "is empty once normalised (a web address, markup"),
    (lambda m: m.tag("甲。").summary(examples=1.5), ValueError, "examples must be a whole number"),
    (lambda m: m.tag("全市开展核酸检测。").summary().top(0), ValueError, "n must be a whole number"),
    (lambda m: measures.compare(m.tag("甲。")), TypeError, "expected a list of summaries or tagged documents"),
    (lambda m: measures.clean(None), TypeError, "expected the text as a string, got NoneType"),
    (lambda m: measures.split_sentences(5), TypeError, "expected the text as a string, got int"),
    (lambda m: measures.cut(b"x"), TypeError, "expected the text as a string, got bytes"),
    (lambda m: measures.label_info(None), LabelError, "expected a label id as a string, got NoneType"),
    # a dict iterates over its keys: the names would be tagged as texts
    (lambda m: m.tag_many({"讲话": "全市开展核酸检测。"}), TypeError, "tag_many(texts.values(), sources=texts.keys())"),
    (lambda m: m.predict({"讲话": "全市开展核酸检测。"}), TypeError, "not a dict"),
    (lambda m: m.predict(None), TypeError, "expected a list of sentences, got NoneType"),
    (lambda m: m.predict_proba(3), TypeError, "expected a list of sentences, got int 3"),
    # a set's order is no order: the labels could not be matched to the sentences
    (lambda m: m.predict({"全市开展核酸检测。", "加强社区管控。"}), TypeError, "not a set"),
    (lambda m: m.tag("甲。", source=1.5), TypeError, "a string, a path or a whole-number id, not float 1.5"),
    (lambda m: list(m.tag_many(["甲。"], sources=[["a"]])), TypeError, "not list ['a']"),
    (lambda m: measures.summaries_frame(m.tag("甲。")), TypeError, "not one ([a, b])"),
    (lambda m: measures.summaries_frame(m.tag("甲。").summary()), TypeError, "not one ([a, b])"),
    (lambda m: measures.Segmenter("jieba").cut(None), TypeError, "expected the text as a string, got NoneType"),
])
def test_what_is_not_text_is_refused_by_name(model, call, error, message):
    """An empty pandas cell (NaN), None, or sources that do not pair with the texts: a
    clear error, not an internal one, and never a document silently dropped."""
    with pytest.raises(error, match=re.escape(message)):
        call(model)


def test_a_path_or_a_whole_number_id_names_a_document_as_text(model, tmp_path):
    """read_document takes a path, and JSONL and table ids are often numbers: kept as given,
    they broke compare, the report and JSON output later on."""
    path = tmp_path / "讲话.txt"
    documents = [model.tag("全市开展全员核酸检测。", source=path),
                 *model.tag_many(["加强生活物资保供。", "各小区封闭管理。"], sources=[np.int64(7), 8])]
    assert [d.source for d in documents] == [str(path), "7", "8"]
    # a pandas id column with an empty cell holds floats, NaN for the empty one
    ids = pd.Series([101, 102, None])
    assert [d.source for d in model.tag_many(["甲。", "乙。", "丙。"], sources=ids)] == ["101", "102", None]
    nullable = pd.Series([101, None, 103], dtype="Int64")  # after convert_dtypes(): pd.NA
    assert [d.source for d in model.tag_many(["甲。", "乙。", "丙。"], sources=nullable)] == ["101", None, "103"]
    with pytest.raises(TypeError, match=r"sources\[1\]: a document's source is its name"):
        list(model.tag_many(["甲。", "乙。"], sources=["a", 2.5]))
    assert measures.compare(documents).splitlines()[0].split()[-2:] == ["7", "8"]
    assert json.loads(json.dumps(documents[0].to_dict()))["source"] == str(path)
    from measures.report import render_report

    assert "讲话.txt" in render_report(documents)
    assert [s.source for s in measures.suggest(model, documents, n=3, min_chars=1)] != []


def test_sentences_and_summaries_can_be_kept_in_sets(model):
    document = model.tag("全市开展全员核酸检测。全市开展全员核酸检测。加强生活物资保供。")
    assert len(set(document.sentences)) == 3  # the same text at another place is another sentence
    assert len({document.summary(), model.tag(document_text := "加强生活物资保供。").summary(),
                model.tag(document_text).summary()}) == 2


def test_a_summarys_dict_names_its_document_and_a_documents_names_it_once(model):
    document = model.tag("全市开展全员核酸检测。加强生活物资保供。", source="讲话.txt")
    summaries = json.loads(json.dumps([document.summary().to_dict()], ensure_ascii=False))
    assert summaries[0]["source"] == "讲话.txt" and summaries[0]["sentences"] == 2
    record = document.to_dict()
    assert record["source"] == "讲话.txt" and "source" not in record["summary"]


def test_a_segmenter_replaces_lone_surrogates():
    assert measures.Segmenter("jieba").cut("核酸\ud800检测") == ["核酸", "\ufffd", "检测"]


def test_explain_names_the_terms_the_whole_vocabulary_names(model):
    sentence = "全市开展新一轮全员核酸检测，各小区实行封闭管理。"
    explained = model.explain(sentence, top=50)
    rows, indices, contributions = model._contributions([sentence])
    terms = model.terms
    for label, reasons in explained["terms"].items():
        column = contributions[:, model.classes.index(label)]
        expected = [(terms[int(indices[i])], round(float(column[i]), 4)) for i in np.argsort(-column)[:50] if column[i] > 0]
        assert reasons == expected and len(reasons) > 3
    # the terms are those of the sentence as the model reads it, which explain gives
    read_as = model.explain("全市開展12輪全員核酸檢測，ＡＢ。")["read_as"]
    assert read_as == "全市开展0轮全员核酸检测,ab。"
    reasons = model.explain("全市開展12輪全員核酸檢測，ＡＢ。", top=50)["terms"]["testing"]
    assert reasons and {term for term, _ in reasons} <= set(model.analyzer(read_as))


def test_summary_counts_shares_and_examples_follow_the_sentences(model):
    document = model.tag((EXAMPLES / "speech_deployment_meeting.txt").read_text("utf-8"))
    summary = document.summary(examples=3)
    n = len(document.sentences)
    assert summary.sentences == n and n > 20
    for label, category in summary.categories.items():
        having = [s for s in document.sentences if label in s.labels]
        assert category.count == len(having)
        assert category.share == pytest.approx(len(having) / n)
        # the most confident first: the summary's "e.g." line shows the first
        scores = {s.text: s.scores[label] for s in having}
        shown = [scores[text] for text in category.examples]
        assert shown == sorted(shown, reverse=True) and len(shown) == min(3, len(scores)), label
        rest = [score for text, score in scores.items() if text not in category.examples]
        assert not shown or not rest or min(shown) >= max(rest), label


def test_a_span_is_its_sentence_and_nothing_cleaning_dropped_after_it(model):
    text = "全市开展核酸检测。\u200b  加强管控。\n"
    assert [text[s.start:s.end] for s in model.tag(text).sentences] == ["全市开展核酸检测。", "加强管控。"]


def test_compare_takes_documents_as_well_as_summaries(model):
    documents = [model.tag("全市开展全员核酸检测。", source="a"), model.tag("加强生活物资保供。", source="b")]
    table = measures.compare(documents)
    assert table == measures.compare([d.summary() for d in documents])
    assert table.splitlines()[-1].split() == ["sentences", "1", "1"]


def test_input_tags_say_sentences():
    tags = MeasureClassifier().__sklearn_tags__()
    assert tags.input_tags.string and not tags.input_tags.two_d_array
    assert tags.estimator_type == "classifier"


def test_a_refit_keeps_nothing_of_the_previous_fit():
    estimator = MeasureClassifier().fit(SMALL_X, SMALL_Y)
    assert estimator.cv_scores_["sentences"] == len(SMALL_X)
    estimator.set_params(thresholds=0.5).fit(SMALL_X, SMALL_Y)
    assert not hasattr(estimator, "cv_scores_")
    assert np.all(estimator.thresholds_ == 0.5)


def test_score_counts_gold_labels_the_model_does_not_know():
    estimator = MeasureClassifier(thresholds=0.5).fit(SMALL_X, SMALL_Y)
    X = SMALL_X[:4]
    assert estimator.score(X, SMALL_Y[:4]) == 1.0
    # 'publicity' is never predicted and 'supply' wrongly: two F1s of 0 beside three of 1.0
    assert estimator.score(X, SMALL_Y[:3] + ["publicity"]) == pytest.approx(3 / 5)
    # labels with spaces around the ids, which fit reads, are scored as fit reads them
    assert estimator.score(X, [f" {labels.replace('|', ' | ')} " for labels in SMALL_Y[:4]]) == 1.0


def _columns(line: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in line)


def test_compare_lines_up_columns_for_chinese_document_names(model):
    sources = ["关于进一步加强疫情防控工作的通告.txt", "发布会.txt", "speech.txt"]
    documents = model.tag_many(["全员核酸检测。", "小区实行封闭管理。", "加强宣传引导。"], sources=sources)
    lines = measures.compare(documents).splitlines()
    assert len({_columns(line) for line in lines}) == 1, lines
    header = lines[0]
    assert "…作的通告.txt" in header and "发布会.txt" in header
    # every name ends where the figures under it end
    ends = [_columns(header[:header.index(name) + len(name)]) for name in ("通告.txt", "发布会.txt", "speech.txt")]
    assert ends == [30 + 16 * k for k in (1, 2, 3)]


@pytest.mark.parametrize("scores, before, after, expected", [
    ([[1.0], [3.0], [5.0]], None, None, [[1.0 + 0.5 * 4.0], [3.0 + 0.5 * 3.0], [5.0 + 0.5 * 2.0]]),
    ([[2.0]], None, None, [[2.0]]),                          # no neighbours: unchanged
    ([[2.0]], [[9.0], [0.0], [4.0]], [[6.0]], [[2.0 + 0.5 * (0.0 + 4.0 + 6.0) / 3]]),  # two before at most
    ([[1.0, -1.0], [0.0, 2.0]], None, [[4.0, 0.0]], [[1.0 + 0.5 * 4.0 / 2, -1.0 + 0.5 * 2.0 / 2],
                                                    [0.0 + 0.5 * 5.0 / 2, 2.0 + 0.5 * -1.0 / 2]]),
])
def test_add_context_adds_the_mean_of_up_to_two_neighbours_each_side(scores, before, after, expected):
    from measures.model import add_context

    np.testing.assert_allclose(add_context(np.array(scores), 0.5, before, after), expected)
    assert add_context(np.array(scores), 0.0, before, after).tolist() == scores


def test_tag_reads_primary_labels_in_the_document_and_predict_reads_sentences_alone(model):
    from measures.model import add_context

    text = "4月3日全市疫情情况。新增本土确诊病例12例。其中男性7例，女性5例。均为集中隔离点发现。小区继续封控管理。"
    sentences = model.tag(text).sentences
    texts = [s.text for s in sentences]
    probabilities, log_odds = model._score(texts)
    assert model.context > 0
    assert [s.labels for s in sentences] == model._decide(probabilities, add_context(log_odds, model.context))
    plain = measures.load_model()
    plain.context = 0.0
    assert [s.labels for s in plain.tag(text).sentences] == plain.predict_labels(texts)


def test_documents_tagged_together_read_as_each_tagged_alone(monkeypatch):
    # Context never crosses from one document into the next, however they are batched: with
    # a context weight so large that neighbours decide, one-sentence documents of different
    # measures would take each other's labels if it did.
    from measures import document

    model = measures.load_model()
    model.context = 100.0
    texts = ["全市开展全员核酸检测。", "小区实行封闭管理。", "今日新增确诊病例5例。", "加强宣传引导。",
             "对密接人员一律集中隔离。", ""] + [path.read_text("utf-8") for path in sorted(EXAMPLES.glob("*.txt"))]
    alone = [[(s.text, s.start, s.labels) for s in model.tag(text).sentences] for text in texts]
    assert [doc[0][2][0] for doc in alone[:5]] == [
        "testing", "community_control", "case_report", "publicity", "isolation_transfer"]
    for batch in (7, 512):
        monkeypatch.setattr(document, "BATCH", batch)
        together = [[(s.text, s.start, s.labels) for s in doc.sentences] for doc in model.tag_many(texts)]
        assert together == alone


@pytest.mark.parametrize("option, value, message", [
    ("--jobs", "0", "must not be 0"), ("--C", "inf", "must be a finite number above 0"),
])
def test_train_refuses_a_setting_it_cannot_use_as_a_usage_error(tmp_path, option, value, message):
    result = run_cli("train", "-o", tmp_path / "model", option, value)
    assert result.returncode == 2
    assert message in result.stderr.decode() and "Traceback" not in result.stderr.decode()
    assert not (tmp_path / "model").exists()


def test_a_summary_lines_up_its_figures_whatever_the_chinese_name(model):
    text = "全市开展全员核酸检测。小区实行封闭管理。会议由市长主持。今天天气晴朗。加强宣传引导。"
    rows = [line for line in str(model.tag(text).summary()).splitlines() if "%" in line]
    assert any("其他" in line for line in rows) and len(rows) >= 3
    assert len({_columns(line) for line in rows}) == 1, rows



def test_a_lone_surrogate_is_segmented_as_a_replacement_character():
    assert measures.cut("核酸\ud800检测。") == ["核酸", "\ufffd", "检测", "。"]


@pytest.mark.parametrize("y, message", [
    (["testing", None], "y[1]: expected labels as 'primary|second' or a list of ids, got NoneType"),
    (["testing", float("nan")], "y[1]: expected labels as 'primary|second' or a list of ids, got float nan"),
    (["testing", 3], "y[1]: expected labels as 'primary|second' or a list of ids, got int"),
    # a set's order, so the row's primary label, changed with the process's hash seed
    (["testing", {"testing", "publicity"}], "y[1]: expected labels in order, primary first"),
    (["testing", frozenset({"publicity"})], "y[1]: expected labels in order, primary first"),
])
def test_label_rows_that_are_not_labels_are_named_by_row(y, message):
    with pytest.raises(DataError, match=re.escape(message)):
        MeasureClassifier().fit(["全市开展核酸检测。", "加强宣传。"], y)


@pytest.mark.parametrize("y, message", [
    ("testing", "y: expected one label row per sentence, not a string"),
    (None, "y: expected one label row per sentence, got NoneType"),
    (np.array([[1, 0], [0, 1]]), r"got a matrix of numbers of shape \(2, 2\) \(an indicator matrix has no primary label"),
    ({0: "testing", 1: "publicity"}, r"not a dict \(its values: list\(d.values\(\)\)\)"),   # was "y holds integers"
    ({"testing", "publicity"}, "not a set, which has no order"),
])
def test_labels_that_are_not_rows_are_refused(y, message):
    with pytest.raises(TypeError, match=message):
        MeasureClassifier().fit(["全市开展核酸检测。", "加强宣传。"], y)


@pytest.mark.parametrize("data, error, message", [
    ([("全市开展核酸检测。", "testing"), ("加强宣传。", None)], DataError, "data[1]: expected labels as"),
    ([("全市开展核酸检测。", "testing"), (None, "other")], DataError,
     "data[1]: expected a (text, labels) pair, got a pair whose text is no string: (None, 'other')"),
    ([("全市开展核酸检测。", "testing", "x")], DataError, "data[0]: expected a (text, labels) pair, got 3 items"),
    # the dev file's rows as a table gives them: one mistake, said as one
    ([("全市开展核酸检测。", "testing", "doc1")] * 5, DataError,
     "every row has 3 items, where a row is a (text, labels) pair: keep those two, as df[['text', 'labels']].values "
     "does for a table; data[0]: expected"),
    (["全市开展核酸检测。", "加强宣传。"], TypeError, "none of these strings is a file: '全市开展核酸检测。'"),
    # a mistyped file name alone is named as missing, as it is beside a file that is there
    (["mine.tvs"], DataError, "mine.tvs: cannot be read (No such file or directory)"),
    (["全市开展核酸检测。", "详见附件/通知。"], TypeError, "none of these strings is a file: '全市开展核酸检测。'"),
    ({"全市开展核酸检测。": "testing"}, TypeError, "not a dict (pass list(data.items()))"),
    (pd.DataFrame({"text": ["全市开展核酸检测。"], "labels": ["testing"]}), TypeError,
     "not a table (pass zip(df['text'], df['labels']))"),
])
def test_train_names_what_it_cannot_train_on(data, error, message):
    with pytest.raises(error, match=re.escape(message)):
        measures.train(data)


def test_rows_of_a_tables_values_are_pairs(sample):
    X, y = sample
    table = pd.DataFrame({"text": X[:60], "labels": y[:60]})
    from measures.labelled_data import labelled_pairs

    assert labelled_pairs(table.values).sha256 == labelled_pairs(zip(X[:60], y[:60])).sha256
    assert labelled_pairs(table.to_numpy(dtype=str)).texts == X[:60]


def test_a_model_saved_from_the_estimator_says_what_made_it(fitted, sample, tmp_path):
    """save_model(estimator) and estimator.to_model() are the README's ways too: their
    model card gave no parameters, versions or cross-validation figures."""
    metadata = fitted.to_model().metadata
    assert metadata["estimator_params"] == {**fitted.get_params(), "word_ngrams": [1, 2], "char_ngrams": [1, 3]}
    assert metadata["sklearn_version"] and metadata["training_data"] == {"rows": len(sample[0])}
    assert metadata["evaluation"]["cross_validation"]["macro_f1"] == fitted.cv_scores_["macro_f1"]
    measures.save_model(fitted, tmp_path / "m")
    card = (tmp_path / "m" / "README.md").read_text("utf-8")
    assert '"C": 0.5' in card and "scikit-learn None" not in card and "cross_validation" in card
    assert f"{len(sample[0])} labelled sentences from pairs given in Python." in card
    assert fitted.to_model({"name": "mine"}).metadata["name"] == "mine"
    # a section given adds to the fit's: its cross-validation figures stay
    added = fitted.to_model({"evaluation": {"dev": {"macro_f1": 0.8}}, "training_data": {"files": ["mine.tsv"]}})
    assert set(added.metadata["evaluation"]) == {"dev", "cross_validation"}
    assert added.metadata["training_data"] == {"files": ["mine.tsv"], "rows": len(sample[0])}
    # what a model's user notes in its metadata is that model's, not the fit's
    added.metadata["evaluation"]["dev"]["macro_f1"] = 0.5
    added.metadata["training_data"]["note"] = "relabelled"
    fitted.to_model().metadata["evaluation"]["mine"] = {"macro_f1": 0.7}
    again = fitted.to_model()
    assert set(again.metadata["evaluation"]) == {"cross_validation"}
    assert again.metadata["training_data"] == {"rows": len(sample[0])}


@pytest.mark.parametrize("random_state", [None, np.random.RandomState(0)])
def test_a_fit_drawing_its_seed_records_the_seed_that_repeats_it(sample, tmp_path, random_state):
    # scikit-learn's convention allows None or a RandomState; neither says how to fit again
    X, y = sample
    estimator = MeasureClassifier(random_state=random_state, cv=2).fit(X[:400], y[:400])
    measures.save_model(estimator, tmp_path / "m")
    params = json.loads((tmp_path / "m" / "config.json").read_text("utf-8"))["estimator_params"]
    assert isinstance(params["random_state"], int)
    again = MeasureClassifier(**params).fit(X[:400], y[:400])
    np.testing.assert_array_equal(again.coef_, estimator.coef_)
    np.testing.assert_array_equal(again.thresholds_, estimator.thresholds_)


def test_sample_weight_weighs_sentences_in_the_fit(sample):
    X, y = list(sample[0][:500]), list(sample[1][:500])
    plain = MeasureClassifier(cv=2).fit(X, y)
    ones = MeasureClassifier(cv=2).fit(X, y, sample_weight=np.ones(len(X)))
    np.testing.assert_array_equal(ones.coef_, plain.coef_)
    np.testing.assert_array_equal(ones.thresholds_, plain.thresholds_)
    assert ones.cv_scores_ == plain.cv_scores_
    # sentences that teach the wrong label: without weight they teach nothing, with a
    # large one they win
    wrong = [f"{place}开展第{n}轮全员核酸检测" for place in ("东城", "西城", "南城", "北城") for n in range(2, 9)]
    texts, labels = X + wrong, y + ["other"] * len(wrong)
    for weight, expected in ((0.0, "testing"), (20.0, "other")):
        weights = np.r_[np.ones(len(X)), np.full(len(wrong), weight)]
        fitted = MeasureClassifier(thresholds=0.5).fit(texts, labels, sample_weight=weights)
        assert [label.split("|")[0] for label in fitted.predict(wrong)] == [expected] * len(wrong)
    with pytest.raises(ValueError, match="sample_weight"):
        MeasureClassifier(thresholds=0.5).fit(X, y, sample_weight=-np.ones(len(X)))
    with pytest.raises(ValueError, match="sample_weight"):
        MeasureClassifier(thresholds=0.5).fit(X, y, sample_weight=np.ones(3))


def test_a_label_whose_sentences_all_weigh_nothing_is_never_given(sample):
    # the data never shows it: an SVM given one class of weight learnt it backwards and
    # gave it to most sentences
    X, y = list(sample[0][:600]), list(sample[1][:600])
    weights = np.array([0.0 if "vaccination" in labels.split("|") else 1.0 for labels in y])
    assert 10 < (weights == 0).sum() < 100
    fitted = MeasureClassifier(cv=2).fit(X, y, sample_weight=weights)
    assert not any("vaccination" in labels for labels in fitted.predict(X))
    assert fitted.model_.metadata["training_data"]["weighted"] is True
    assert fitted.cv_scores_ and "sentences weighed by sample_weight" in \
        fitted.model_.metadata["evaluation"]["cross_validation"]["data"]
    with pytest.raises(ValueError, match="sample_weight has no value above 0: there is nothing to learn from"):
        MeasureClassifier(cv=2).fit(X, y, sample_weight=np.zeros(len(X)))


def test_a_grid_search_passes_sample_weight_to_fit(sample):
    X, y = list(sample[0][:300]), list(sample[1][:300])
    search = GridSearchCV(MeasureClassifier(thresholds=0.5), {"C": [0.5, 1.0]}, cv=KFold(2, shuffle=True, random_state=0))
    search.fit(X, y, sample_weight=np.linspace(0.5, 2, len(X)))
    assert search.best_estimator_.predict(X[:3]).shape == (3,)
    assert np.isfinite(search.cv_results_["mean_test_score"]).all()


def test_numpy_settings_of_a_grid_search_are_saved_as_numbers(sample, tmp_path):
    X, y = sample
    estimator = MeasureClassifier(min_df=np.int64(2), C=np.float64(0.5), word_ngrams=(np.int64(1), 2),
                                  thresholds=0.5).fit(X[:300], y[:300])
    measures.save_model(estimator, tmp_path / "m")
    params = json.loads((tmp_path / "m" / "config.json").read_text("utf-8"))["estimator_params"]
    assert params["min_df"] == 2 and params["word_ngrams"] == [1, 2]


def test_settings_changed_after_fitting_do_not_split_predict_from_to_model(fitted, sample):
    X, _ = sample
    before = list(fitted.predict(X[:200]))
    changed = clone(fitted).set_params(max_labels=1)
    changed.__dict__.update({k: v for k, v in fitted.__dict__.items() if k.endswith("_")})
    # the fitted model decides as it was fitted until the estimator is fitted again
    assert list(changed.predict(X[:200])) == changed.to_model().predict(X[:200]) == before
    assert any("|" in labels for labels in before)


def test_a_fragment_takes_the_measure_of_the_sentences_around_it(model):
    text = "全市开展新一轮全员核酸检测。目前已完成两轮。各采样点有序运转。"
    assert model.predict(["目前已完成两轮。"]) == ["other"]  # read alone: no measure named
    assert model.tag(text).sentences[1].labels == ("testing",)
    alone = measures.load_model()
    alone.context = 0.0
    assert alone.tag(text).sentences[1].labels == ("other",)


def test_copies_of_a_sentence_share_a_fold_so_they_do_not_flatter_the_cross_validation(fitted, sample):
    X, y = sample
    doubled = MeasureClassifier(cv=3).fit(X + X, y + y)
    # a copy scored by a fold fitted on its twin would read as learnt (0.93 against 0.77
    # when the copies were split); kept together, the figures are those of the data once
    assert abs(doubled.cv_scores_["macro_f1"] - fitted.cv_scores_["macro_f1"]) < 0.02
    assert abs(doubled.cv_scores_["primary_accuracy"] - fitted.cv_scores_["primary_accuracy"]) < 0.02
    for train, test in doubled._folds(binarize(y + y)[1], None, X + X):
        assert not {X[i % len(X)] for i in train} & {X[i % len(X)] for i in test}


def test_copies_in_other_punctuation_widths_share_a_fold_too(sample):
    # the model reads "，" as ","; a user's file may hold a sentence both ways
    X = [x for x in sample[0] if "，" in x]
    twins = [x.replace("，", ",") for x in X]
    assert len(X) > 500

    keys = [sentence_key(x) for x in X + twins]  # as fit gives them to the folds
    for train, test in MeasureClassifier(cv=3)._folds(np.zeros((len(keys), 1)), None, keys):
        assert not {X[i % len(X)] for i in train} & {X[i % len(X)] for i in test}


def test_a_label_whose_sentences_are_copies_of_one_is_refused_not_learnt_backwards(sample):
    X, y = sample
    kept = [(x, labels) for x, labels in zip(X, y) if "supply" not in labels]
    copies = [("做好生活物资保障供应工作。", "supply")] * 3
    with pytest.raises(DataError, match="'supply' has 1; .* at least 3 different sentences of every label"):
        MeasureClassifier(cv=3).fit(*zip(*(kept + copies)))
    # one sentence typed three ways is one sentence to the model, and to this check
    typed = [("做好生活物资，保障供应工作。", "supply"), ("做好生活物资,保障供应工作。", "supply"),
             ("做好生活物資，保障供應工作。", "supply")]
    with pytest.raises(DataError, match="'supply' has 1; .* at least 3 different sentences of every label"):
        MeasureClassifier(cv=3).fit(*zip(*(kept + typed)))
    # three different sentences in one fold or several: the label is still learnt, not turned around
    different = [("做好生活物资保障供应工作。", "supply"), ("加强生活物资保供。", "supply"), ("保障蔬菜肉蛋供应。", "supply")]
    model = MeasureClassifier(cv=3).fit(*zip(*(kept + different)))
    assert model.predict(["做好生活物资保障供应工作。"])[0].startswith("supply")


def test_cross_validation_needs_as_many_different_sentences_as_folds():
    with pytest.raises(DataError, match="3-fold cross-validation needs at least 3 different sentences, got 2"):
        MeasureClassifier(cv=3).fit(["全市开展核酸检测。", "版权所有。"] * 3, ["testing", "other"] * 3)


def test_a_file_name_given_as_text_is_labelled_with_a_warning(model, tmp_path):
    path = tmp_path / "讲话.txt"
    path.write_text("全市开展全员核酸检测。", "utf-8")
    for call in (lambda: model.tag(str(path)), lambda: model.explain(str(path)),
                 lambda: list(model.tag_many(["全市开展全员核酸检测。", str(path)]))):
        with pytest.warns(UserWarning, match="is the name of a file, labelled here as text") as caught:
            call()
        assert caught[0].filename == __file__  # the caller's line, not one inside measures
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model.tag(path.read_text("utf-8"))
        model.tag(path.name)  # not a file from here: a name, as a sentence may be
        list(model.tag_many([path.read_text("utf-8"), "核酸检测 3.5万人。"]))
    with pytest.raises(ValueError, match="an empty sentence: nothing to explain"):
        model.explain("  ")
    result = run_cli("explain", path)  # usage errors, as argparse's own
    assert result.returncode == 2 and f"{path}: a file; explain labels the sentences" in result.stderr.decode()
    result = run_cli("explain", "")
    assert result.returncode == 2 and "an empty sentence" in result.stderr.decode()


def test_explaining_several_sentences_as_one_says_so(model):
    # a paragraph pasted whole was explained as one sentence without a word: its labels
    # and terms were those of all of it, where tagging it labels each sentence
    with pytest.warns(UserWarning, match=r"the text is 2 sentences as measures splits a document "
                                         r"\(甲地开展全员核酸检测 / 乙地对密接人员集中隔\), explained as one") as caught:
        model.explain("甲地开展全员核酸检测。乙地对密接人员集中隔离。")
    assert caught[0].filename == __file__  # the caller's line, not one inside measures
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model.explain("全市开展全员核酸检测，完成采样46万人。")  # one sentence, commas and all
    result = run_cli("explain", "全市开展全员核酸检测。", "甲地开展全员核酸检测。乙地对密接人员集中隔离。")
    assert result.returncode == 0 and "labels: " in result.stdout.decode()
    assert result.stderr.decode().count("measures: warning: the text is 2 sentences") == 1


@pytest.mark.parametrize("settings", [{}, {"char_ngrams": (1, 4), "word_ngrams": None, "prefix": 0}],
                         ids=["bulk-counting", "string-analyzer"])
def test_sentences_without_a_single_term_are_a_data_error_on_either_counting_path(settings):
    estimator = MeasureClassifier(min_df=1, thresholds=0.5, **settings)
    with pytest.raises(DataError, match="no term occurs in 1 or more of the sentences"):
        estimator.fit(["。", "！", "？"], ["testing", "other", "testing"])


def test_groups_of_another_length_than_the_sentences_are_refused_before_any_work():
    with pytest.raises(ValueError, match="X has 4 sentences but groups has 2 entries"):
        MeasureClassifier().fit(SMALL_X[:4], SMALL_Y[:4], groups=[0, 1])


@pytest.mark.parametrize("change, message", [
    ({"thresholds": lambda m: m.thresholds[:3]}, "'thresholds' must be 14 numbers from 0 to 1"),
    ({"thresholds": lambda m: m.thresholds + 1}, "'thresholds' must be 14 numbers from 0 to 1"),
    ({"classes": lambda m: ("other",) + m.classes[:-1]}, "'classes' must list distinct label ids"),
    ({"max_labels": lambda m: 0}, "max_labels must be a whole number of at least 1"),
    ({"context": lambda m: float("nan")}, "context must be a finite number"),
])
def test_a_model_built_by_hand_is_checked_as_a_model_file_is(model, change, message):
    (name, value), = change.items()
    settings = {"thresholds": model.thresholds, "max_labels": model.max_labels, "context": model.context,
                "classes": model.classes}
    settings[name] = value(model)
    with pytest.raises(ValueError, match=message):
        measures.Model(model.terms, model.idf, model.coef, model.intercept, settings["thresholds"], settings["classes"],
                       model.analyzer.config(), settings["max_labels"], None, "auto", settings["context"])


def test_tagging_a_text_loads_none_of_the_file_readers():
    # a first tag() pays for what it uses: the readers of files (HTML, Word, JSONL) are not that
    assert loaded_modules("import measures; measures.load_model().tag('全市开展核酸检测。')",
                          ("measures.reading", "measures.sources", "measures.word_files")) == []


def test_a_sentence_repeated_in_a_document_is_one_example(model):
    # bulletins repeat a formula sentence per case; three copies are not three examples
    formula = "所有密切接触者均已落实集中隔离医学观察。"
    doc = model.tag(f"{formula}\n对密接人员一律集中隔离。\n{formula}\n{formula}\n全市开展全员核酸检测。")
    isolation = doc.summary(examples=3).categories["isolation_transfer"]
    assert isolation.count == 4
    assert sorted(isolation.examples) == sorted({formula, "对密接人员一律集中隔离。"})


def test_labels_a_meta_estimator_encoded_as_integers_are_named_as_such():
    # CalibratedClassifierCV and soft voting encode "a|b" strings as classes before fitting
    from sklearn.model_selection import cross_val_predict

    with pytest.raises(TypeError, match="y holds integers, not label strings: a meta-estimator encoded"):
        cross_val_predict(MeasureClassifier(), SMALL_X, SMALL_Y, cv=KFold(2), method="predict_proba")


def test_fit_refuses_what_a_labelled_file_would_empty_text_and_conflicting_copies():
    X = SMALL_X + ["  ", SMALL_X[0], "https://example.com/a?b=1"]
    y = SMALL_Y + ["other", "other" if SMALL_Y[0] != "other" else "testing", "testing"]
    with pytest.raises(DataError) as caught:
        MeasureClassifier().fit(X, y)
    message = str(caught.value)
    assert f"X[{len(SMALL_X)}]: empty text" in message
    assert f"X[{len(SMALL_X) + 1}]: same sentence labelled {SMALL_Y[0]!r} at X[0]" in message
    assert f"X[{len(SMALL_X) + 2}]: the text 'https://example.com/a?b=1' is empty once normalised" in message


def test_fits_running_at_once_in_threads_each_fit_their_own_data():
    # GridSearchCV or Dask with a threading backend fits several estimators at once; each
    # one's worker processes must fit its own matrix
    from concurrent.futures import ThreadPoolExecutor

    corpus = measures.load_training_data()
    parts = [(corpus.texts[k::40], corpus.y[k::40]) for k in range(4)]
    alone = [MeasureClassifier(n_jobs=1).fit(X, y).coef_ for X, y in parts]
    with ThreadPoolExecutor(4) as threads:
        together = list(threads.map(lambda part: MeasureClassifier(n_jobs=2).fit(*part).coef_, parts))
    for a, b in zip(alone, together):
        np.testing.assert_array_equal(a, b)


def test_a_model_built_by_hand_takes_as_many_labels_as_the_estimator_gives():
    import inspect

    from measures.model import Model, decide

    for function in (Model, decide):
        assert inspect.signature(function).parameters["max_labels"].default == MeasureClassifier().max_labels


def test_score_reads_and_checks_labels_as_fit_does():
    estimator = MeasureClassifier(thresholds=0.5).fit(SMALL_X, SMALL_Y)
    X, y = SMALL_X[:4], SMALL_Y[:4]
    expected = estimator.score(X, y)
    # a column of labels (df[["labels"]].values) and a generator, which fit takes too
    assert estimator.score(X, np.array(y).reshape(-1, 1)) == expected
    assert estimator.score(X, (labels for labels in y)) == expected
    # labels fit refuses are refused by name, not scored as labels nobody gives
    for bad, message in [(y[:3] + ["tracng"], r"y\[3\].*did you mean 'tracing'"),
                         (["testing,supply"] + y[1:], r"y\[0\]"),
                         (y[:3] + [None], r"y\[3\]")]:
        with pytest.raises(DataError, match=message):
            estimator.score(X, bad)
    with pytest.raises(ValueError, match="X has 4 sentences but y has 3 label rows"):
        estimator.score(X, y[:3])


def test_score_weighs_sentences():
    estimator = MeasureClassifier(thresholds=0.5).fit(SMALL_X, SMALL_Y)
    X, y = SMALL_X[:4], SMALL_Y[:3] + ["publicity"]
    # a sentence of weight 0 counts for nothing: as if it were not there
    assert estimator.score(X, y, sample_weight=[1, 1, 1, 0]) == estimator.score(X[:3], y[:3]) == 1.0
    assert estimator.score(X, y, sample_weight=[2, 2, 2, 2]) == estimator.score(X, y)
    for bad, message in [([1, 1, 1], "X has 4 sentences but sample_weight has 3"),
                         ([1, 1, 1, -1], "at least 0"), ([[1, 1, 1, 1]], "one dimension"),
                         # named as score() was given it, not as scores() takes it
                         ([0, 0, 0, 0], "sample_weight has no value above 0: there is nothing to score")]:
        with pytest.raises(ValueError, match=message):
            estimator.score(X, y, sample_weight=bad)


def test_a_line_break_around_a_sentence_does_not_change_its_terms(model):
    sentence = "新增病例溯源尚在进行中，目前尚未找到与此前病例的直接关联。"
    variants = [sentence, "\n" + sentence, "\r\n" + sentence + "\n", " \u2028" + sentence]
    assert len({tuple(model.analyzer(v)) for v in variants}) == 1
    assert len(set(model.predict(variants))) == 1
    fitted = MeasureClassifier(thresholds=0.5).fit(["\n" + x for x in SMALL_X], SMALL_Y)
    assert not [term for term in fitted.vocabulary_ if "\n" in term]


def test_copies_that_differ_by_a_line_break_are_one_sentence():
    # the model reads a line break in a sentence as a space, and so does the check for copies
    with pytest.raises(DataError, match="same sentence"):
        MeasureClassifier().fit(SMALL_X + ["全市开展新一轮全员核酸检测。", "全市开展新一轮\n全员核酸检测。"],
                                SMALL_Y + ["testing", "supply"])


@pytest.mark.parametrize("classes, weights, message", [
    (measures.LABEL_IDS, [1], "3 true rows but weights has 1 entries"),
    (measures.LABEL_IDS, [1, -1, 1], r"weights\[1\] is -1.0: weights must be finite numbers of at least 0"),
    (measures.LABEL_IDS, [1, 1, float("inf")], r"weights\[2\] is inf: weights must be finite numbers of at least 0"),
    (measures.LABEL_IDS, [1, float("nan"), 1], r"weights\[1\] is missing"),
    (measures.LABEL_IDS, ["1", "1", "1"], r"weights\[0\] is text \('1'\): weights must be numbers of at least 0"),
    (measures.LABEL_IDS, [1, "2", 1], r"weights\[1\] is text \('2'\): weights must be numbers of at least 0"),
    (measures.LABEL_IDS, [1, 1, 1 + 1j], r"weights\[2\] is a complex number \(\(1\+1j\)\): weights must be numbers"),
    (measures.LABEL_IDS, 2, "weights must hold one value per sentence, got int"),
    (["testing", "testing"], None, "classes must be label ids of the guide, each once"),
    (["testng"], None, "classes must be label ids of the guide, each once; got .'testng'."),
    (measures.LABEL_IDS, [0, 0, 0], "weights has no value above 0: there is nothing to score"),
])
def test_scores_refuse_weights_and_classes_they_cannot_use(classes, weights, message):
    # a weight of -1 gave a primary accuracy of -1.0; a class named twice, its counts twice
    with pytest.raises(ValueError, match=message):
        measures.scores(["testing", "supply", "supply"], ["testing"] * 3, classes, weights=weights)


def test_scores_take_the_guides_labels_when_none_are_given():
    truth, predicted = ["testing", "supply|testing", "other"], ["testing", "supply", "testing"]
    assert measures.scores(truth, predicted) == measures.scores(truth, predicted, measures.LABEL_IDS)
    assert list(measures.scores(truth, predicted)["per_label"]) == list(measures.LABEL_IDS)


def test_scores_refuse_a_string_for_rows_or_classes():
    with pytest.raises(TypeError, match="classes: expected a list of label ids, got str 'testing'"):
        measures.scores(["testing"], ["testing"], "testing")
    with pytest.raises(TypeError, match="classes: expected a list of label ids, got NoneType"):
        measures.scores(["testing"], ["testing"], None)
    # a table iterates over its column names: they were scored as 14 rows
    table = pd.DataFrame([[1] + [0] * 13] * 14, columns=measures.LABEL_IDS)
    with pytest.raises(TypeError, match=r"truth: expected one label row per sentence, got a DataFrame; give its "
                                        r"column of labels \(df\['labels'\]\)"):
        measures.scores(table, ["testing"] * 14, measures.LABEL_IDS)
    with pytest.raises(TypeError, match="truth: expected one label row per sentence, not a string"):
        measures.scores("testing", "testing", measures.LABEL_IDS)


@pytest.mark.parametrize("truth, predicted, message", [
    (["Testing", "testing"], ["testing", "testing"], r"truth\[0\]: unknown label id 'Testing'"),
    (["testing", None], ["testing", "testing"], r"truth\[1\]: expected labels"),
    (["testing"], ["testing|tracing|testing"], r"predicted\[0\]: repeated label"),
])
def test_scores_name_a_bad_row(truth, predicted, message):
    with pytest.raises(DataError, match=message):
        measures.scores(truth, predicted, measures.LABEL_IDS)


def test_scores_of_no_rows_are_refused():
    with pytest.raises(ValueError, match="no rows to score"):
        measures.scores([], [])


def test_scores_count_the_labels_that_classes_lack():
    # a model without 'tracing' misses its sentence, and macro-F1 says so
    result = measures.scores(["testing", "tracing"], ["testing", "testing"], ["testing"])
    assert list(result["per_label"]) == ["testing", "tracing"]
    assert result["per_label"]["tracing"] == {"precision": 0.0, "recall": 0.0, "f1": 0.0, "support": 1, "predicted": 0}
    assert result["macro_f1"] == pytest.approx((2 / 3 + 0) / 2)
    assert result["micro_f1"] == pytest.approx(0.5)  # 1 right, 1 wrongly given, 1 missed


def _fit_in_a_pool_worker(n_jobs):
    estimator = MeasureClassifier(n_jobs=n_jobs).fit(SMALL_X, SMALL_Y)
    return list(estimator.predict(SMALL_X[:4]))


def test_a_fit_inside_a_pool_worker_runs_in_that_process():
    # a pool's workers are daemonic and may not start processes; cross-validation with
    # joblib's multiprocessing backend runs fits there
    import multiprocessing

    with multiprocessing.get_context("fork").Pool(1) as pool:
        assert pool.apply(_fit_in_a_pool_worker, (2,)) == _fit_in_a_pool_worker(None)


@pytest.mark.parametrize("random_state", [-1, 2**40, 1.5, "a", np.random.default_rng(0)])
def test_a_bad_random_state_is_refused_before_any_work(random_state):
    with pytest.raises(ValueError, match="random_state must be None, a whole number from 0 to 2\\*\\*32 - 1"):
        MeasureClassifier(random_state=random_state).fit(SMALL_X, SMALL_Y)


def test_a_random_state_object_gives_the_same_model_whatever_the_jobs():
    one = MeasureClassifier(random_state=np.random.RandomState(3)).fit(SMALL_X, SMALL_Y)
    two = MeasureClassifier(random_state=np.random.RandomState(3), n_jobs=2).fit(SMALL_X, SMALL_Y)
    np.testing.assert_array_equal(one.coef_, two.coef_)
    np.testing.assert_array_equal(one.thresholds_, two.thresholds_)


@pytest.mark.parametrize("groups, message", [
    ([0, 1, 2] * 7 + [0, 1, None], r"groups\[23\] is missing"),
    ([0, 1, 2] * 7 + [0, 1, float("nan")], r"groups\[23\] is missing"),
    (np.zeros((24, 2)), "one dimension"),
    (3, "groups must hold one value per sentence, got int"),
    (pd.array(["a", "b", "c"] * 7 + ["a", "b", pd.NA], dtype="string"), r"groups\[23\] is missing"),
    (np.array([0, 1, 2] * 7 + [0, 1, np.nan], dtype=np.float32), r"groups\[23\] is missing"),
    ("abc", "groups must hold one value per sentence, got str"),
    ([[0]] + [[1, 1]] * 23, r"groups\[0\] is a list, not one value"),
    ([{}] * 24, r"groups\[0\] is a dict, not one value"),
    (pd.Series(pd.to_datetime(["2020-01-01", "2020-02-01", "2020-03-01"] * 7 + ["2020-01-01", "2020-02-01", None])),
     r"groups\[23\] is missing"),
])
def test_groups_are_checked_before_any_work(groups, message):
    with pytest.raises(ValueError, match=message):
        MeasureClassifier().fit(SMALL_X, SMALL_Y, groups=groups)


def test_groups_may_come_from_a_generator():
    groups = (i % 3 for i in range(len(SMALL_X)))
    fitted = MeasureClassifier().fit(SMALL_X, SMALL_Y, groups=groups)
    assert fitted.cv_scores_["sentences"] == len(SMALL_X)


def test_classes_are_an_array_to_index_with(fitted, sample):
    X, _ = sample
    assert isinstance(fitted.classes_, np.ndarray)
    assert list(fitted.classes_[fitted.predict_proba(X[:5]).argmax(axis=1)]) == \
        [fitted.classes_[k] for k in fitted.predict_proba(X[:5]).argmax(axis=1)]


def test_a_sentence_from_its_json_is_a_sentence_and_bad_parts_are_named(model):
    import json

    sentence = model.tag("对密接人员一律集中隔离。").sentences[0]
    again = measures.Sentence(**json.loads(json.dumps(sentence.to_dict())))
    assert again.labels == sentence.labels and isinstance(again.labels, tuple) and {again}  # hashable
    with pytest.raises(TypeError, match="labels must be a sequence of label ids"):
        measures.Sentence("x", 0, 1, "testing", {"testing": 0.9})  # primary was 't'
    with pytest.raises(TypeError, match="scores must map label ids to probabilities"):
        measures.Sentence("x", 0, 1, ("testing",), None)
    with pytest.raises(TypeError, match=r"not a string \(Model.tag\(text\) tags a text\)"):
        measures.Document("abc")
    with pytest.raises(TypeError, match="a document's sentences are Sentence objects, got str"):
        measures.Document(["abc"])
    assert measures.Document(iter([sentence])).sentences == [sentence]  # a generator read once, kept
    with pytest.raises(ValueError, match="unknown segmenter backend"):
        measures.cut("核酸", backend=[])
    with pytest.raises(TypeError, match="expected a Model"):
        measures.suggest(None, ["全市开展核酸检测。"])


def test_a_corpus_tagged_by_the_command_is_read_back_as_documents(tmp_path):
    # tagged once at corpus scale, summarised in Python without tagging again
    out = tmp_path / "out.jsonl"
    speeches = sorted(EXAMPLES.glob("*.txt"))[:2]
    assert run_cli("tag", *speeches, "-o", out).returncode == 0
    records = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    documents = [measures.Document.from_dict(record) for record in records]
    for record, document in zip(records, documents, strict=True):
        summary = document.summary().to_dict()
        assert document.source == record["source"] and len(document) == record["summary"]["sentences"] > 0
        assert {label: c["count"] for label, c in summary["categories"].items()} == \
            {label: c["count"] for label, c in record["summary"]["categories"].items()}
        assert document.sentences[0].labels == tuple(record["sentences"][0]["labels"])
    frame = measures.summaries_frame(documents)
    assert list(frame.index) == [r["source"] for r in records] and list(frame.columns)[0] == "testing"


def _record(**sentence):
    return {"sentences": [{"text": "x", "start": 0, "end": 1, "labels": ["testing"], "scores": {"testing": 0.9},
                           **sentence}], "summary": {"categories": {"testing": {}, "other": {}}}}


@pytest.mark.parametrize("record, error, message", [
    ("{}", TypeError, "expected a dict, as Document.to_dict"),
    ({"source": "a"}, ValueError, r"record\['sentences'\] must be a list of sentences, not NoneType"),
    ({"sentences": [{"text": "x", "start": 0, "end": 1, "labels": ["testing"]}], "summary": {"categories": {}}},
     ValueError,
     r"record\['sentences'\]\[0\] has no 'scores': a sentence is an object with text, start, end, labels, scores"),
    ({"sentences": ["x"], "summary": {"categories": {}}}, ValueError, r"record\['sentences'\]\[0\] is str"),
    (_record(labels="testing"), ValueError, r"\[0\]: labels must be a list of label ids, primary first, not 'testing'"),
    (_record(labels=None), ValueError, r"\[0\]: labels must be a list of label ids"),
    (_record(labels=[["a"]]), ValueError, r"\[0\]: labels must be a list of label ids"),
    (_record(scores={"x": 1.0}), ValueError, r"\[0\]: scores must map the summary's label ids"),
    ({**_record(), "summary": []}, ValueError, r"record\['summary'\]\['categories'\] must map the model's label ids"),
    ({**_record(), "summary": {"categories": None}}, ValueError, r"record\['summary'\]\['categories'\] must map"),
    (_record(start="0"), ValueError, r"record\['sentences'\]\[0\]: start must be a whole number"),
    (_record(start=0.5, end=None), ValueError, r"\[0\]: start and end must be whole numbers"),
    (_record(text=None), ValueError, r"record\['sentences'\]\[0\]: text must be a string, not NoneType"),
    (_record(scores={"testing": "a"}), ValueError, r"\[0\]: scores must map the summary.s label ids to probabilities"),
    (_record(labels=["nope"]), ValueError, r"\[0\]: labels 'nope' not among the summary's categories"),
    (_record(labels=[]), ValueError, r"\[0\]: labels is empty; a tagged sentence has one label at least"),
])
def test_a_record_that_is_no_document_is_named(record, error, message):
    with pytest.raises(error, match=message):
        measures.Document.from_dict(record)


def test_fitted_attributes_are_laid_out_as_scikit_learn_has_them(fitted, sample):
    # coef_ was one row a term, where every linear classifier of scikit-learn has one row a
    # class: coef_[k] gave feature k's weights, not class k's
    assert fitted.coef_.shape == (len(fitted.classes_), len(fitted.vocabulary_))
    testing = list(fitted.classes_).index("testing")
    top = set(np.argsort(fitted.coef_[testing])[-20:])
    assert any("核酸" in term or "检测" in term for term, column in fitted.vocabulary_.items() if column in top)
    assert fitted.coef_[testing, fitted.vocabulary_["核酸"]] > 0  # term -> its column, as a vectorizer's
    # a table of one column, as a ColumnTransformer hands on the text column, is that column
    X, _ = sample
    assert list(fitted.predict(pd.DataFrame({"text": X[:20]}))) == list(fitted.predict(X[:20])) == \
        list(fitted.predict(np.array(X[:20], dtype=object).reshape(-1, 1)))


def test_an_estimator_pickled_with_the_old_layout_reads_as_the_new(fitted):
    import copy
    import pickle

    old = copy.deepcopy(fitted)  # as measures 0.2 fitted it: one row a term, the terms an array
    old.coef_, old.vocabulary_ = fitted.coef_.T.copy(), np.asarray(list(fitted.vocabulary_), dtype=object)
    # nor had it the settings added since, which fitted as 1 and 0 fit
    del old.primary_weight, old.nb_power
    again = pickle.loads(pickle.dumps(old))
    assert again.coef_.shape == fitted.coef_.shape and np.array_equal(again.coef_, fitted.coef_)
    assert again.vocabulary_ == fitted.vocabulary_
    assert again.get_params()["primary_weight"] == 1.0 and again.get_params()["nb_power"] == 0.0
    assert clone(again).nb_power == 0.0


def test_documents_before_a_bad_item_come_before_its_error(model):
    # a NaN among a corpus's texts lost the batch of documents tagged before it
    text = "全市开展新一轮全员核酸检测。"
    for texts, sources, message in [([text, text, text, None, text], list("abcde"), "texts[3] is NoneType"),
                                    ([text] * 5, ["a", "b", [1], "d", "e"], "sources[2]: a document's source")]:
        got = []
        with pytest.raises(TypeError, match=re.escape(message)):
            for document in model.tag_many(texts, sources=sources):
                got.append(document.source)
        assert got == sources[:len(got)] and len(got) == (3 if texts[3] is None else 2)


def test_a_table_of_documents_given_as_a_generator_has_their_shares(model):
    # read one document at a time and only its figures kept (summaries_frame(tag_many(...))
    # held every summary, examples and all: a memory benchmark's matter, not a test's)
    from measures.summary import share_table

    text = (EXAMPLES / "press_briefing.txt").read_text("utf-8")
    labels, names, rows = share_table(model.tag_many(iter([text, text]), sources=["a", "b"]))
    whole = model.tag(text).summary()
    assert names == ["a", "b"] and rows[0] == rows[1] == [whole.categories[label].share for label in labels]
    with pytest.raises(TypeError, match=r"got dict \(a record of measures tag's JSON: Document.from_dict\(record\)\)"):
        measures.summaries_frame([{"source": "a"}])
