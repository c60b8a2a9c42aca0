"""The label set: the guide's 14 ids, with Chinese names and the codes of other datasets."""
import dataclasses
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


def test_label_info_takes_a_label_and_looks_it_up_by_its_id():
    assert all(label_info(label) is label for label in LABELS)
    # one kept from before isolation_transfer lost OxCGRT C6: the guide's codes as they are now
    kept = dataclasses.replace(label_info("isolation_transfer"), oxcgrt=("C6 Stay at home requirements",))
    assert label_info(kept) is label_info("isolation_transfer") and label_info(kept).oxcgrt == ()
    with pytest.raises(LabelError, match="unknown label id 'mine'; known ids: testing, isolation_transfer, "):
        label_info(dataclasses.replace(LABELS[0], id="mine"))


@pytest.mark.parametrize("value, message", [
    # an index names no label by itself: a model's classes_ need not be in the guide's order
    (0, "expected a label id as a string, got int 0; known ids: " + ", ".join(LABEL_IDS)),
    (None, "expected a label id as a string, got NoneType None; known ids: testing, "),
    (b"testing", "expected a label id as a string, got bytes b'testing'; known ids: testing, "),
    (("testing", "tracing"), "expected a label id as a string, got tuple ('testing', 'tracing'); one at a time: "
                             "[label_info(i) for i in labels]; known ids: testing, "),
    # "did you mean 'tracing'?" dropped the first of them
    ("testing|tracing", "expected one label id, got 'testing|tracing', labels joined by '|'; one at a time: "
                        "[label_info(i) for i in 'testing|tracing'.split('|')]"),
], ids=["index", "none", "bytes", "a-sentences-labels", "joined"])
def test_label_info_names_what_is_not_one_label_id(value, message):
    with pytest.raises(LabelError) as caught:
        label_info(value)
    assert str(caught.value).startswith(message)


@pytest.mark.parametrize("value, hint", [
    ("核酸检测", "did you mean 'testing'?"),             # the guide's Chinese name
    ("TESTING", "did you mean 'testing'?"),
    ("Isolation_Transfer", "did you mean 'isolation_transfer'?"),
    ("isolation transfer", "did you mean 'isolation_transfer'?"),
    ("Case-Report", "did you mean 'case_report'?"),
    ("testing;supply", "labels are joined by '|': 'testing|supply'"),
    ("testing, Supply", "labels are joined by '|': 'testing|supply'"),
    ("核酸检测、隔离转运", "labels are joined by '|': 'testing|isolation_transfer'"),
    ("testing｜tracing", "labels are joined by '|': 'testing|tracing'"),   # a Chinese input method's bar
    ("testing supply", "labels are joined by '|': 'testing|supply'"),
    # joined, they would still break the guide: not offered as they are
    ("disinfection、other", "labels are joined by '|', though 'disinfection|other' breaks the guide too: "
                            "'other' is never combined with another label"),
    ("testing,testing", "labels are joined by '|', though 'testing|testing' breaks the guide too: repeated label"),
    ("isolaton", "did you mean 'isolation_transfer'?"),
    ("xyz", "known ids: testing, isolation_transfer"),
    ("ｔｅｓｔｉｎｇ", "did you mean 'testing'?"),              # full-width letters of an input method
])
def test_an_unknown_label_gets_the_hint_that_fits_the_mistake(value, hint):
    with pytest.raises(LabelError, match=re.escape(f"unknown label id {value!r}; {hint}")):
        parse_labels(value)


@pytest.mark.parametrize("value, message", [
    ("TESTING|TRACING", "unknown label ids 'TESTING', 'TRACING'; did you mean 'testing|tracing'?"),
    ("隔离转运|supply|流调溯源", "unknown label ids '隔离转运', '流调溯源'; did you mean 'isolation_transfer|supply|tracing'?"),
    ("testng|supplly", "unknown label ids 'testng', 'supplly'; did you mean 'testing|supply'?"),   # typos
    ("TESTING|xyz", "unknown label ids 'TESTING' (did you mean 'testing'?), 'xyz'"),
    # a corrected row the guide would refuse is not offered, and it is said why
    ("TESTING|TESTING", "unknown label ids 'TESTING' (did you mean 'testing'?), 'TESTING' (did you mean 'testing'?); "
                        "and 'testing|testing' would break the guide: repeated label"),
    ("其他|核酸检测", "unknown label ids '其他' (did you mean 'other'?), '核酸检测' (did you mean 'testing'?); "
                  "and 'other|testing' would break the guide: 'other' is never combined with another label"),
    ("testing|Other", "unknown label id 'Other'; did you mean 'other'?; and 'testing|other' would break the guide: "
                      "'other' is never combined with another label"),
    ("testng|testing", "unknown label id 'testng'; did you mean 'testing'?; and 'testing|testing' would break the "
                       "guide: repeated label"),
])
def test_every_unknown_id_of_a_row_is_named_at_once(value, message):
    with pytest.raises(LabelError, match=re.escape(message)):
        parse_labels(value)


@pytest.mark.parametrize("value, expected", [
    ("testing|tracing", ("testing", "tracing")),
    (" testing | tracing ", ("testing", "tracing")),  # as parse_labels reads it
    (["testing ", "tracing"], ("testing", "tracing")),
    (("other",), ("other",)),
])
def test_label_tuple(value, expected):
    assert label_tuple(value) == expected



# The indicators' and categories' own codes and names: OxCGRT's codebook and the WHO PHSM
# taxonomy (its levels 1-3, as far as the labels use them).
OXCGRT = {"C1 School closing", "C2 Workplace closing", "C3 Cancel public events", "C4 Restrictions on gatherings",
          "C5 Close public transport", "C6 Stay at home requirements", "C7 Restrictions on internal movement",
          "C8 International travel controls", "E1 Income support", "E2 Debt/contract relief", "E3 Fiscal measures",
          "E4 International support", "H1 Public information campaigns", "H2 Testing policy", "H3 Contact tracing",
          "H4 Emergency investment in healthcare", "H5 Investment in vaccines", "H6 Facial coverings",
          "H7 Vaccination policy", "H8 Protection of elderly people"}
WHO_PHSM = {"1.4 Wearing a mask", "2.1 Cleaning and disinfecting surfaces and objects", "2.2 Improving air ventilation",
            "3 Surveillance and response measures", "3.1.2 Active case detection", "3.1.3 Isolation",
            "3.2.1 Contact tracing", "3.2.2 Quarantine of contacts", "4 Social and physical distancing measures",
            "4.5 Domestic travel", "5 International travel measures", "6.2 Using medications for treatment",
            "7.2 Using vaccines for prevention", "8.1 Legal and policy regulations", "8.2 Scaling up",
            "8.3 Financial packages", "8.4 Communications and engagement"}


@pytest.mark.parametrize("label", LABELS, ids=lambda label: label.id)
def test_codes_are_the_datasets_own(label):
    # a code under another's name would join a sentence to the wrong measure
    assert set(label.oxcgrt) <= OXCGRT and set(label.who_phsm) <= WHO_PHSM
    # every measure has a WHO category (OxCGRT has no indicator for some); other has none
    assert bool(label.who_phsm) == (label.id != "other") and (label.id != "other" or not label.oxcgrt)


def test_isolation_is_not_a_stay_at_home_order():
    # OxCGRT codebook, C6 "Stay at home requirements": "Record orders to 'shelter-in-place'
    # and otherwise confine to the home", a rule for the whole population (a lockdown, as
    # community_control's); it has no indicator for isolating cases or quarantining contacts.
    # WHO PHSM: 3.1.3 Isolation, 3.2.2 Quarantine of contacts.
    isolation = label_info("isolation_transfer")
    assert isolation.oxcgrt == ()
    assert isolation.who_phsm == ("3.1.3 Isolation", "3.2.2 Quarantine of contacts")
    assert "C6 Stay at home requirements" in label_info("community_control").oxcgrt
