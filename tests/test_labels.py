"""The label set: the guide's 14 ids, with Chinese names and the codes of other datasets."""
import json
import re

import pytest

from measures.labels import LABEL_IDS, LABELS, LabelError, label_info, label_tuple, parse_labels


def test_the_guides_label_set_in_its_order():
    assert len(LABEL_IDS) == 14 and LABEL_IDS[0] == "testing" and LABEL_IDS[-1] == "other"


@pytest.mark.parametrize("label, zh, oxcgrt", [
    ("testing", "核酸检测", "H2 Testing policy"),
    ("tracing", "流调溯源", "H3 Contact tracing"),
    ("vaccination", "疫苗接种", "H7 Vaccination policy"),
    ("border_import", "外防输入", "C8 International travel controls"),
])
def test_names_and_codes(label, zh, oxcgrt):
    info = label_info(label)
    assert info.zh == zh
    assert oxcgrt in info.oxcgrt
    record = info.as_dict()
    assert record["id"] == label and record["zh"] == zh and record["oxcgrt"] == list(info.oxcgrt)
    json.dumps(record)  # plain JSON, ready to join with those datasets


def test_every_label_has_a_chinese_name_and_other_has_no_codes():
    assert all(info.zh and info.en for info in LABELS)
    assert label_info("other").oxcgrt == () and label_info("other").who_phsm == ()


@pytest.mark.parametrize("value, hint", [
    ("核酸检测", "did you mean 'testing'?"),             # the guide's Chinese name
    ("TESTING", "did you mean 'testing'?"),
    ("Isolation_Transfer", "did you mean 'isolation_transfer'?"),
    ("isolation transfer", "did you mean 'isolation_transfer'?"),
    ("Case-Report", "did you mean 'case_report'?"),
    ("testing;supply", "labels are joined by '|': 'testing|supply'"),
    ("testing, Supply", "labels are joined by '|': 'testing|supply'"),
    ("核酸检测、隔离转运", "labels are joined by '|': 'testing|isolation_transfer'"),
    ("testing supply", "labels are joined by '|': 'testing|supply'"),
    ("isolaton", "did you mean 'isolation_transfer'?"),
    ("xyz", "known ids: testing, isolation_transfer"),
])
def test_an_unknown_label_gets_the_hint_that_fits_the_mistake(value, hint):
    with pytest.raises(LabelError, match=re.escape(f"unknown label id {value!r}; {hint}")):
        parse_labels(value)


@pytest.mark.parametrize("value, expected", [
    ("testing|tracing", ("testing", "tracing")),
    (" testing | tracing ", ("testing", "tracing")),  # as parse_labels reads it
    (["testing ", "tracing"], ("testing", "tracing")),
    (("other",), ("other",)),
])
def test_label_tuple(value, expected):
    assert label_tuple(value) == expected
