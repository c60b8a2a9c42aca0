"""The bundled corpus meets the bar the training-corpus issue set, and copies nothing."""

import os
import re
import subprocess
import sys

import pytest

from measures.cleaning import is_boilerplate, normalize
from measures.datasets import load_training_data, training_files
from measures.labelled_data import check_data, read_labelled
from measures.labels import LABEL_IDS, label_tuple
from measures.reading import read_document
from measures.splitting import split_sentences

from conftest import ROOT, SHARED, needs_shared

RUN = 20
WHOLE = 10
NOT_ADOPTED = sorted((ROOT / "benchmarks" / "data").glob("round*/*.tsv"))


@pytest.fixture(scope="module")
def report():
    return check_data([str(p) for p in training_files()])


def test_size_balance_and_multi_label_rate(report):
    assert report["problems"] == []
    assert report["rows"] >= 6000
    for label in LABEL_IDS:
        assert report["labels"][label] >= (1000 if label == "other" else 250), label
    assert report["multi_label_rate"] >= 0.20


def test_no_near_duplicates(report):
    # the issue allows 5%; the README says there are none, and a new one is a mistake
    assert report["exact_duplicates"] == 0
    assert report["near_duplicate_rows"] == 0, report["near_duplicate_examples"]


def test_every_row_is_one_sentence_as_the_splitter_sees_it():
    data = load_training_data()
    broken = [f"{path}:{line}" for text, (path, line) in zip(data.texts, data.locations)
              if len(split_sentences(text)) > 1]
    assert broken == []


def test_no_sentence_labelled_with_a_measure_is_taken_for_page_chrome():
    # cleaning drops lines as chrome; one of our measure sentences on a line of its own
    # must survive it (a licence rule and a byline rule once dropped two)
    data = load_training_data()
    dropped = [(text, labels) for text, labels in zip(data.texts, data.y)
               if labels != "other" and is_boilerplate(normalize(text))]
    assert dropped == []


_WHITESPACE = re.compile(r"\s+")
_NOT_A_WORD_CHARACTER = re.compile(r"[\W_]+")


def without_whitespace(text: str) -> str:
    """``text`` normalised with every whitespace gone, line breaks too: normalize keeps a
    space between two headline clauses (and a full-width one), so a passage copied without
    it, or one a shared text wraps onto the next line, shares no run of RUN with it."""
    return _WHITESPACE.sub("", normalize(text))


def without_punctuation(text: str) -> str:
    """``text`` normalised with only its characters, letters and digits left: a passage
    copied with its commas turned to 、 or ；, or its quotation marks dropped, holds the
    same run of characters as the original."""
    return _NOT_A_WORD_CHARACTER.sub("", normalize(text))


def shared_forms(text: str) -> list[str]:
    """The forms of a shared file's text a copy is looked for in: each line as written and
    as measures outputs it (`tag` and `suggest` give sentences cleaned: ，as ",", spaces
    between Chinese characters gone, Traditional as Simplified; a third of the shared
    sentences share no raw run with their cleaned form), and the whole text without
    whitespace and without punctuation."""
    return ([form for line in text.split("\n") for form in {line, normalize(line)}]
            + [without_whitespace(text), without_punctuation(text)])


def our_forms(text: str) -> set[str]:
    return {text, normalize(text), without_whitespace(text), without_punctuation(text)}


def windows(forms) -> set[str]:
    return {form[i:i + RUN] for form in forms for i in range(len(form) - RUN + 1)}


def shares_a_run(text: str, runs: set[str]) -> bool:
    """Whether ``text``, in any of its forms, holds one of ``runs`` (:func:`windows`)."""
    return any(form[i:i + RUN] in runs for form in our_forms(text) for i in range(len(form) - RUN + 1))


def test_a_copy_is_found_whatever_its_spacing_width_or_script():
    # made-up text (none of the shared material's), written again in each way
    passage = "青枫县明日起,对城区居民开展第3轮核酸筛查工作,各小区按楼栋错峰采样"
    written_again = {
        "full-width": "青枫县明日起，对城区居民开展第３轮核酸筛查工作，各小区按楼栋错峰采样",
        "traditional": "青楓縣明日起,對城區居民開展第3輪核酸篩查工作,各小區按樓棟錯峰採樣",
        "spaced clauses": "青枫县明日起,对城区 居民开展第3轮核酸筛查 工作,各小区按楼栋错峰采样",
        "ideographic spaces": "青枫县明日起,对城区\u3000居民开展第3轮核酸筛查\u3000工作,各小区按楼栋错峰采样",
        "wrapped lines": "青枫县明日起,对城区居民开展第\n3轮核酸筛查工作,各小区按楼栋\n错峰采样",
        "other punctuation": "青枫县明日起、对城区居民开展“第3轮”核酸筛查工作；各小区按楼栋错峰采样",
    }
    for how, shared in written_again.items():
        assert shares_a_run(passage, windows(shared_forms(shared))), how
        assert shares_a_run(shared.replace("\n", ""), windows(shared_forms(passage))), how
    assert len(passage[:RUN]) == RUN and not shares_a_run(passage[:RUN], windows(shared_forms(passage[1:])))


@pytest.fixture(scope="module")
def shared_lines():
    # every file under shared/, whatever its name (a file of another suffix was left out)
    return [form for path in sorted(SHARED.rglob("*")) if path.is_file()
            for form in shared_forms(read_document(path))]


def our_sentences():
    return [(text, f"{p}:{n}") for data in (load_training_data(), read_labelled(NOT_ADOPTED))
            for text, (p, n) in zip(data.texts, data.locations)]


@needs_shared
def test_nothing_is_copied_from_the_shared_material(shared_lines):
    runs = windows(shared_lines)
    copied = [where for text, where in our_sentences() if shares_a_run(text, runs)]
    assert copied == []


@needs_shared
def test_no_sentence_of_ours_is_a_shorter_passage_of_the_shared_material(shared_lines):
    # under 20 characters a run is stock wording, but a whole sentence of ours found as it
    # stands in a shared text (a headline, a seed's garbled line) was copied from it; one of
    # RUN characters or more found so shares a run, which the test above looks for
    whole = "\n".join(shared_lines)
    copied = [where for text, where in our_sentences()
              for form in our_forms(text) if WHOLE <= len(form.rstrip("。！？；;!?")) < RUN
              and form.rstrip("。！？；;!?") in whole]
    assert copied == []


def test_rows_written_and_not_adopted_are_clean_and_out_of_the_corpus():
    # benchmarks/data/round16, round17 and round18 (docs/primary-accuracy.md): written as the corpus is, kept out of it
    # (an exact duplicate would be a row in both)
    report = check_data([str(p) for p in training_files()] + [str(p) for p in NOT_ADOPTED])
    assert report["problems"] == [] and report["exact_duplicates"] == 0
    assert report["near_duplicate_rows"] == 0, report["near_duplicate_examples"]
    # round 17 less one row dropped as a near copy of a corpus row (a comma's width apart)
    assert len(read_labelled(NOT_ADOPTED).texts) == 711 + 4944 + 364


RECORDS = sorted((ROOT / "benchmarks" / "data").glob("training_*reading*.tsv"))


def test_every_reading_record_reads_rows_of_the_corpus():
    # the records of second readings describe this corpus: each row they read is in it
    import csv

    texts = set(load_training_data().texts)
    assert len(RECORDS) == 6
    for record in RECORDS:
        with open(record, encoding="utf-8", newline="") as handle:
            missing = [row["text"] for row in csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
                       if row["text"] not in texts]
        assert missing == [], record.name


def test_ruled_corpus_writes_a_copy_with_the_rulings_and_leaves_the_corpus_alone(tmp_path, capsys):
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import ruled_corpus

    before = {p.name: p.read_bytes() for p in training_files()}
    record = ROOT / "benchmarks" / "data" / "training_targeted_reading.tsv"
    ruled, conflicts = ruled_corpus.rulings([str(record)])
    assert conflicts == []
    assert ruled_corpus.main([str(record), "-o", str(tmp_path)]) == 0
    assert {p.name: p.read_bytes() for p in training_files()} == before
    copy = read_labelled(sorted(str(p) for p in tmp_path.glob("*.tsv")))
    corpus = load_training_data()
    assert copy.texts == corpus.texts
    # rows the situation (2), whereabouts (9) and zones (10) readings relabelled after this
    # reading was made stay as they are (5 of them as this reading ruled)
    stale = {text for text, y in zip(corpus.texts, corpus.y)
             if text in ruled and label_tuple(y) != label_tuple(ruled[text][0])}
    assert len(stale) == 21
    for text, old, new in zip(corpus.texts, corpus.y, copy.y):
        assert label_tuple(new) == label_tuple(ruled[text][1] if text in ruled and text not in stale else old), text
    assert sum(label_tuple(a) != label_tuple(b) for a, b in zip(corpus.y, copy.y)) == len(ruled) - len(stale) > 1000
    assert "1919 take the ruled labels, 5 have them already, 16 were relabelled otherwise" in capsys.readouterr().out
    # the other readings are in the corpus already, but for the one slogan kept as `other`
    # (README, Training data); the targeted reading was tried and not adopted (docs/primary-accuracy.md)
    older = [str(p) for p in RECORDS if "targeted" not in p.name]
    ruled_corpus.main(older + ["-o", str(tmp_path / "older")])
    out, err = capsys.readouterr()
    assert "of the rows ruled wrong, 1 take the ruled labels, 508 have them" in out
    # the second reading ruled two situation statements case_report (one for the corpus,
    # "corpus right"); the later situation reading, other: named, and the later taken. So
    # with two lines of a case's movements, tracing then and case_report by the whereabouts
    # reading, and with a transfer the zones reading added to
    assert err.count("two rulings of one sentence") == 5
    assert "training_second_reading.tsv:647 and case_report at training_whereabouts_reading.tsv:" in err.replace(
        str(ROOT / "benchmarks" / "data") + "/", "")
    assert "training_second_reading.tsv:959 and other at " in err and "training_situation_reading.tsv:13; taking other" in err
    assert "training_second_reading.tsv:1387 and other at " in err and "training_situation_reading.tsv:73; taking other" in err
    with pytest.raises(SystemExit):
        ruled_corpus.main([str(record), "-o", str(training_files()[0].parent)])


# The readings of docs/labelling.md's forms of case bulletins: where a case went, lived or
# worked (every such row must hold case_report, and tracing leads only where an
# investigation found it), and cases taken to hospital or quarantine, counts of control
# zones and zones designated (rows of several kinds; their notes name each)
BULLETIN_FORMS = [("training_whereabouts_reading.tsv", 295, 115, {"case_report"}),
                  ("training_zones_reading.tsv", 386, 29, set())]


@pytest.mark.parametrize("name, rows, relabelled, held", BULLETIN_FORMS)
def test_the_corpus_reads_the_forms_of_case_bulletins_as_its_records_rule(name, rows, relabelled, held):
    import csv

    data = load_training_data()
    labels = dict(zip(data.texts, data.y))
    with open(ROOT / "benchmarks" / "data" / name, encoding="utf-8", newline="") as handle:
        record = list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    assert len(record) == rows and sum(row["verdict"] == "second right" for row in record) == relabelled
    for row in record:
        assert label_tuple(labels[row["text"]]) == label_tuple(row["labels"]), row["text"]
        if row["verdict"] == "second right":
            assert held <= set(label_tuple(row["labels"])), row["text"]


def test_the_corpus_reads_situation_statements_as_its_record_rules():
    # benchmarks/situation_statements.py picks the rows; the record read each of them, and
    # the corpus keeps case_report only on the 12 that name a count (docs/labelling.md)
    import csv

    sys.path.insert(0, str(ROOT / "benchmarks"))
    from situation_statements import is_situation_statement

    data = load_training_data()
    labels = dict(zip(data.texts, data.y))
    with_case_report = {text for text, y in labels.items()
                        if "case_report" in label_tuple(y) and is_situation_statement(text)}
    with open(ROOT / "benchmarks" / "data" / "training_situation_reading.tsv", encoding="utf-8", newline="") as handle:
        record = list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    assert len(record) == 96
    assert with_case_report == {row["text"] for row in record if row["verdict"] == "agree"}
    assert len(with_case_report) == 12
    for row in record:
        assert label_tuple(labels[row["text"]]) == label_tuple(row["labels"]), row["text"]


def test_a_run_that_requires_the_shared_material_fails_without_it(tmp_path):
    # CI requires it, so that the no-copy test cannot pass by being skipped
    env = {**os.environ, "MEASURES_SHARED": str(tmp_path / "nowhere"), "MEASURES_REQUIRE_SHARED": "1"}
    result = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--co", __file__],
                            capture_output=True, text=True, env=env, cwd=ROOT, timeout=300)
    assert result.returncode != 0
    assert f"MEASURES_REQUIRE_SHARED=1, but the shared material is not at {tmp_path / 'nowhere'}" in result.stderr
    env["MEASURES_REQUIRE_SHARED"] = "0"
    assert subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--co", __file__],
                          capture_output=True, env=env, cwd=ROOT, timeout=300).returncode == 0
