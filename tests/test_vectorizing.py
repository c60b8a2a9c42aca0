"""The bulk term look-up finds exactly the terms the analyzer's strings would."""
from collections import Counter

import numpy as np
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer

from measures.classifier import MeasureClassifier
from measures.cleaning import clean
from measures.datasets import load_training_data
from measures.splitting import split_sentences
from measures.vectorizing import count_terms, supports

from conftest import needs_shared, seed_files

TRICKY = [
    "",
    "。",
    "全市开展全员核酸检测，完成采样46.5万人。",
    "COVID-19疫情期间，3.5万人次入境 ABC-12 abc",
    "😷戴口罩😷，勤洗手",
    "İstanbul航班入境旅客一律落地检",
    "核酸,检测;;隔离 转运",
    "a b c 1 2 3",
    "长春市发布通告：即日起实行封控管理",
    "“应检尽检”“应隔尽隔”",
    "第一行开展核酸检测\n第二行实行隔离\r\n第三行",
    "隔\x00离", "\x00隔离\x1f",  # control codes are no text: once they named terms wrongly
]


@pytest.fixture(scope="module")
def model():
    data = load_training_data()
    rows = np.random.default_rng(1).choice(len(data), size=800, replace=False)
    y = data.y
    fitted = MeasureClassifier(thresholds=0.5).fit([data.texts[i] for i in rows], [y[i] for i in rows])
    return fitted.to_model()


def pairs(rows, terms):
    return Counter(zip(rows.tolist(), terms.tolist()))


def test_the_shipped_kind_of_analyzer_is_covered(model):
    assert supports(model.analyzer) and model._index is not None
    assert model.analyzer.prefix > 0


@pytest.mark.parametrize("sentence", TRICKY)
def test_same_terms_as_the_analyzer(model, sentence):
    assert pairs(*model._index([sentence])) == pairs(*model._lookup([sentence]))


def test_same_terms_for_the_tricky_sentences_in_one_batch(model):
    assert pairs(*model._index(TRICKY)) == pairs(*model._lookup(TRICKY))


def test_same_terms_in_a_batch_of_training_sentences(model):
    sentences = load_training_data().texts[:3000]
    found = pairs(*model._index(sentences))
    assert found == pairs(*model._lookup(sentences))
    assert len(found) > 30 * len(sentences)  # and it does find terms


@needs_shared
def test_same_terms_on_the_real_seeds(model):
    sentences = [s for path in seed_files() for s in split_sentences(clean(path.read_text("utf-8")))]
    assert pairs(*model._index(sentences, cleaned=True)) == pairs(*model._lookup(sentences))


def test_other_analyzer_settings_fall_back_to_strings():
    data = load_training_data()
    fitted = MeasureClassifier(char_ngrams=(2, 4), thresholds=0.5).fit(data.texts[:300], data.y[:300])
    model = fitted.to_model()
    assert model._index is None
    reference = TfidfVectorizer(analyzer=fitted.analyzer_, vocabulary=fitted.vocabulary_, sublinear_tf=True)
    reference.fit(data.texts[:300])
    reference.idf_ = fitted.idf_
    margins = reference.transform(data.texts[:50]) @ fitted.coef_.T + fitted.intercept_
    np.testing.assert_allclose(model.predict_proba(data.texts[:50]), 1 / (1 + np.exp(-margins)), atol=1e-5)


def test_counts_are_the_analyzers_terms_counted():
    sentences = load_training_data().texts[:1500] + TRICKY
    analyzer = MeasureClassifier()._analyzer()
    counts, terms = count_terms(analyzer, sentences)
    assert terms == sorted(set(terms))
    for i in (0, 7, 500, 1499, *range(1500, len(sentences))):
        row = counts.getrow(i)
        found = {terms[j]: int(c) for j, c in zip(row.indices, row.data)}
        assert found == Counter(analyzer(sentences[i])), sentences[i]
