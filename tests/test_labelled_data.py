import gzip
import itertools
import json
import pickle
import random
import re
import warnings
from pathlib import Path

import pytest

from conftest import run_cli
from measures.datasets import training_files
from measures.labelled_data import (DataError, agreement, check_data, format_check, labelled_pairs, near_duplicates,
                                   read_labelled, read_texts)
from measures.labels import LABEL_IDS, LabelError, parse_labels
from measures.classifier import MeasureClassifier
from measures.training import file_names, train


def write(tmp_path, text, name="data.tsv"):
    path = tmp_path / name
    path.write_text(text, "utf-8")
    return path


def test_reads_rows_and_ignores_extra_columns(tmp_path):
    path = write(tmp_path, "text\tlabels\tdoc\n全市开展核酸检测。\ttesting\ta.txt\n加强隔离。\tisolation_transfer|testing\tb.txt\n")
    data = read_labelled(path)
    assert data.texts == ["全市开展核酸检测。", "加强隔离。"]
    assert data.y == ["testing", "isolation_transfer|testing"]
    assert data.locations[1] == (str(path), 3)


@pytest.mark.parametrize("row, message", [
    ("全市开展核酸检测。\ttestng", "did you mean 'testing'"),
    ("全市开展核酸检测。\tother|testing", "never combined"),
    ("   \ttesting", "empty text"),
    # empty once the model has normalised it: nothing to learn from, and every such row the
    # same sentence as every other
    ("https://example.com/a?b=1\ttesting", "is empty once normalised (a web address, markup or invisible"),
    ("\u200b\tsupply", "is empty once normalised"),
    ("&nbsp;**\tsupply", "is empty once normalised"),
    ("全市开展核酸检测。", "columns"),
    ("全市开展核酸检测。\ttesting|testing", "repeated"),
    ("全市开展核酸检测。\t", "no labels given"),
    ("全市开展核酸检测。\ttesting||supply", "empty label in 'testing||supply'"),
    ("全市开展核酸检测。", "(every line after the header is a row: text<TAB>labels)"),
])
def test_bad_rows_are_reported_with_file_and_line(tmp_path, row, message):
    path = write(tmp_path, f"text\tlabels\n好句子。\tother\n{row}\n")
    with pytest.raises(DataError) as caught:
        read_labelled(path)
    assert f"{path}:3:" in str(caught.value)
    assert message in str(caught.value)


@pytest.mark.parametrize("first, second", [
    ("testing", "community_control"),
    ("testing", "testing|community_control"),
    # the same labels with another primary: the primary label is what primary accuracy scores
    ("border_import|isolation_transfer", "isolation_transfer|border_import"),
])
def test_conflicting_labels_for_the_same_sentence(tmp_path, first, second):
    a = write(tmp_path, f"text\tlabels\n全市开展核酸检测。\t{first}\n", "a.tsv")
    b = write(tmp_path, f"text\tlabels\n全市开展核酸检测。\t{second}\n", "b.tsv")
    with pytest.raises(DataError) as caught:
        read_labelled([a, b])
    assert str(caught.value).endswith(f"b.tsv:2: same sentence labelled '{first}' at {a}:2 and '{second}' here")


def test_the_same_labels_in_another_order_after_the_primary_are_no_conflict(tmp_path):
    path = write(tmp_path, "text\tlabels\n检测、隔离和消杀。\ttesting|isolation_transfer|disinfection\n"
                           "检测、隔离和消杀。\ttesting|disinfection|isolation_transfer\n")
    assert len(read_labelled(path)) == 2


def test_skip_bad_rows_keeps_the_good_ones(tmp_path):
    path = write(tmp_path, "text\tlabels\n全市开展核酸检测。\ttesting\n坏行。\tnonsense\n")
    data = read_labelled(path, skip_bad_rows=True)
    assert data.texts == ["全市开展核酸检测。"] and len(data.problems) == 1


@pytest.mark.parametrize("content, message", [
    ("", "data.tsv:1: empty file"),
    ("sentence\tlabel\n句子。\tother\n", "data.tsv:1: header must name the columns 'text' and 'labels', got "
                                          "'sentence\\tlabel'; did you mean 'sentence' for 'text' and 'label' for 'labels'?"),
    ("text\tlabel\n句子。\tother\n", "did you mean 'label' for 'labels'?"),
    ("文本\t标签\n句子。\tother\n", "did you mean '文本' for 'text' and '标签' for 'labels'?"),
    ("text\tcolour\n句子。\tother\n", "got 'text\\tcolour'\n"),       # nothing near: no guess
    # a file saved without its header: the message named the first row as a bad header only
    ("全市开展核酸检测。\ttesting\n句子。\tother\n", "got '全市开展核酸检测。\\ttesting'; that line reads as a "
                                                   "labelled row: add the header line 'text<TAB>labels' above it\n"),
    # a spreadsheet's blank first row
    ("\ntext\tlabels\n句子。\tother\n", "data.tsv:1: the first line is empty: the header, naming the columns "
                                          "'text' and 'labels', must be the first line"),
    # a header and nothing under it adds nothing to what it is trained with, without a word
    ("text\tlabels\n", "data.tsv:1: no rows under the header: the file labels no sentence"),
    ("text\tlabels\n\n  \n", "data.tsv:1: no rows under the header"),
])
def test_bad_files(tmp_path, content, message):
    with pytest.raises(DataError) as caught:
        read_labelled(write(tmp_path, content, "data.tsv"))
    assert message in str(caught.value) + "\n"


@pytest.mark.parametrize("content", ["", "text,labels\n全市开展核酸检测。,testing\n", "全市开展核酸检测。\ttesting\n",
                                     "text\tlabels\n",
                                     # a corrected column added beside the model's: which is meant?
                                     "text\tlabels\tmargin\tlabels\n全市开展核酸检测。\ttesting\t0.1\tother\n"],
                         ids=["empty", "comma-separated", "no-header", "header-only", "labels-twice"])
def test_skipping_bad_rows_does_not_drop_a_whole_file(tmp_path, content):
    good = write(tmp_path, "text\tlabels\n全市开展核酸检测。\ttesting\n", "good.tsv")
    bad = write(tmp_path, content, "bad.tsv")
    with pytest.raises(DataError, match=r"bad.tsv:1: .*\n\(skip_bad_rows=True leaves out bad rows, not a whole file"):
        read_labelled([good, bad], skip_bad_rows=True)
    with pytest.raises(DataError, match="bad.tsv:1"):
        train(bad, skip_bad_rows=True)
    # the data check lists it beside the good file's counts instead of stopping
    report = check_data([good, bad])
    assert report["rows"] == 1 and [p.split(": ")[0] for p in report["problems"]] == [f"{bad}:1"]


@pytest.mark.parametrize("name, hint", [
    ("-", "-: cannot be read (No such file or directory); labelled data is read from files, not standard input"),
    ("bundled", "bundled: cannot be read (No such file or directory); 'bundled' names the bundled corpus for "
                "`measures train` and `measures check-data`; elsewhere, and in Python, give its files: "
                "measures.datasets.training_files()"),
    ("mine.tsv", "mine.tsv: cannot be read (No such file or directory)\n"),
])
def test_a_name_that_is_not_a_file_says_what_it_might_have_meant(tmp_path, monkeypatch, name, hint):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(DataError) as caught:
        train([name, *map(str, training_files())])
    assert str(caught.value).startswith(hint.rstrip("\n")) and (str(caught.value) + "\n").count(hint) == 1
    if name != "bundled":  # which the command line reads as the bundled corpus
        result = run_cli("check-data", name, cwd=tmp_path)
        assert result.returncode == 1 and hint in result.stderr.decode() + "\n"


def test_bundled_given_twice_is_refused_once():
    # each of its files was named as given twice, one line each
    result = run_cli("check-data", "bundled", "bundled")
    assert result.returncode == 2
    assert result.stderr.decode() == "measures: bundled is given more than once: its rows would count twice\n"


def test_a_column_named_twice_is_refused_by_name(tmp_path):
    path = write(tmp_path, "text\tLabels\tmargin\tlabels \n全市开展核酸检测。\ttesting\t0.1\tother\n")
    with pytest.raises(DataError, match=r"data.tsv:1: the column 'labels' is named twice; keep one"):
        read_labelled(path)
    twice = write(tmp_path, "text\tText\n甲。\t乙。\n", "texts.tsv")
    with pytest.raises(DataError, match=r"texts.tsv:1: the column 'text' is named twice"):
        read_texts(twice)
    assert read_texts(path) == ["全市开展核酸检测。"]  # its labels columns are not read there


def test_a_header_error_shows_the_start_of_a_huge_first_line(tmp_path):
    with pytest.raises(DataError) as error:
        read_labelled(write(tmp_path, "全市开展全员核酸检测，" * 200_000))
    assert "got '全市开展全员核酸检测，" in str(error.value) and len(str(error.value)) < 300


def test_non_utf8_file_is_refused_with_its_line(tmp_path):
    path = tmp_path / "gbk.tsv"
    path.write_bytes("text\tlabels\n核酸检测。\ttesting\n".encode("gbk"))
    with pytest.raises(DataError, match=r"gbk.tsv:2: not UTF-8"):
        read_labelled(path)


def test_parse_labels():
    assert parse_labels("testing|tracing") == ("testing", "tracing")
    with pytest.raises(LabelError, match="did you mean 'isolation_transfer'"):
        parse_labels("isolation")


def test_near_duplicates_and_check(tmp_path):
    texts = ["全市各区今天开展第三轮全员核酸检测工作，确保不漏一户、不落一人",
             "全市各区今天开展第四轮全员核酸检测工作，确保不漏一户、不落一人", "加强生活物资保供"]
    pairs = near_duplicates(texts)
    assert [(i, j) for i, j, _ in pairs] == [(0, 1)]
    path = write(tmp_path, "text\tlabels\n" + "".join(f"{t}\ttesting\n" for t in texts) + "x\tbad\n")
    report = check_data([path])
    assert report["rows"] == 3 and report["near_duplicate_rows"] == 2
    assert report["labels"]["testing"] == 3 and len(report["problems"]) == 1


def test_near_duplicates_are_measured_on_the_sentences_as_the_model_reads_them(tmp_path):
    # the same edit of one sentence, typed once with "，" and once with ",": 0.43 as written,
    # 0.76 once normalised, as copies are told apart (sentence_key)
    texts = ["青枫县明日起，对城区居民开展第三轮核酸筛查，各小区按楼栋错峰采样。",
             "青枫县明日起,对城区居民开展第四轮核酸筛查,各小区按楼栋错峰采样。", "加强生活物资保供。"]
    path = write(tmp_path, "text\tlabels\n" + "".join(f"{t}\ttesting\n" for t in texts))
    report = check_data([path])
    assert report["exact_duplicates"] == 0 and report["near_duplicate_rows"] == 2
    assert [(p["a"], p["b"]) for p in report["near_duplicate_examples"]] == [(f"{path}:2", f"{path}:3")]


def test_every_near_duplicate_pair_is_in_the_json_and_the_text_says_how_many_it_leaves_out(tmp_path):
    texts = [f"全市各区今天开展全员核酸检测工作，确保不漏一户、不落一人，做到应检尽检（{n}）" for n in "一二三四五六七八九十"]
    path = write(tmp_path, "text\tlabels\n" + "".join(f"{t}\ttesting\n" for t in texts))
    report = check_data([path])
    pairs = len(near_duplicates(texts))
    assert len(report["near_duplicate_examples"]) == pairs > 30
    lines = format_check(report).splitlines()
    assert sum(line.startswith("near-duplicate: ") for line in lines) == 30
    assert f"… and {pairs - 30} more near-duplicate pairs (all of them with --format json)" in lines


def test_a_file_given_as_its_own_second_reading_is_a_problem_not_perfect_agreement(tmp_path):
    ours = write(tmp_path, "text\tlabels\n全市开展全员核酸检测。\ttesting\n", "ours.tsv")
    report = check_data([ours], [ours])
    assert any(p.startswith(f"{ours}: given as the data and as the second reading") for p in report["problems"])
    assert run_cli("check-data", ours, "--second-reading", ours).returncode == 1


def _all_pairs(texts, threshold):
    """Every pair of different texts, each named by its first position."""
    first = {}
    for position, text in enumerate(texts):
        first.setdefault(text, position)
    grams = {text: {text[k:k + 4] for k in range(max(1, len(text) - 3))} for text in first}
    return [(first[a], first[b]) for a, b in itertools.combinations(first, 2)
            if len(grams[a] & grams[b]) / len(grams[a] | grams[b]) >= threshold]


@pytest.mark.parametrize("threshold", [0.5, 0.7, 0.9, 1.0])
def test_near_duplicates_finds_every_pair_even_among_sentences_sharing_a_common_phrase(threshold):
    rng = random.Random(threshold)
    phrase = "各地要切实做好疫情防控工作"
    texts = [phrase + str(k) + "。" for k in range(250)]  # a phrase hundreds of sentences share
    texts += ["甲" + phrase + "。", "乙" + phrase + "。", "核酸", "核酸", ""]
    for _ in range(150):  # sentences and their edited copies
        words = "".join(rng.choice("全市开展核酸检测加强社区管控做好物资保供") for _ in range(rng.randint(3, 30)))
        edited = list(words)
        for _ in range(rng.randint(0, 4)):
            edited[rng.randrange(len(edited))] = rng.choice("隔离转运消杀")
        texts += [words, "".join(edited)]
    found = [(i, j) for i, j, _ in near_duplicates(texts, threshold)]
    assert found == sorted(_all_pairs(texts, threshold))
    assert (250, 251) in _all_pairs(texts, 0.7)  # the pair the phrase once hid


def test_copies_are_exact_duplicates_not_pairs_of_near_ones(tmp_path):
    # 3,000 copies would be 4.5 million pairs; they are one text, named by its first row
    texts = (["全市各区今天开展第三轮全员核酸检测工作，确保不漏一户、不落一人"] * 3000
             + ["全市各区今天开展第四轮全员核酸检测工作，确保不漏一户、不落一人"])
    assert [(i, j) for i, j, _ in near_duplicates(texts)] == [(0, 3000)]
    path = write(tmp_path, "text\tlabels\n" + "".join(f"{t}\ttesting\n" for t in texts))
    report = check_data([path])
    # every copy of a text in a pair is a near-duplicate row
    assert (report["exact_duplicates"], report["near_duplicate_rows"]) == (2999, 3001)
    assert [(p["a"], p["b"]) for p in report["near_duplicate_examples"]] == [(f"{path}:2", f"{path}:3002")]


@pytest.mark.parametrize("separator", ["\u2028", "\u2029", "\x85", "\x0b", "\x0c", "\x1c", "\r"])
def test_rows_end_at_line_feeds_only(tmp_path, separator):
    # str.splitlines would cut the first sentence in two, the second half a row without labels
    path = write(tmp_path, f"text\tlabels\r\n全市开展{separator}核酸检测。\ttesting\r\n坏行。\ttestng\r\n")
    with pytest.raises(DataError) as caught:
        read_labelled(path)
    assert [str(p) for p in caught.value.problems] == [f"{path}:3: unknown label id 'testng'; did you mean 'testing'?"]
    data = read_labelled(path, skip_bad_rows=True)
    assert data.texts == [f"全市开展{separator}核酸检测。"] and data.y == ["testing"]
    assert data.locations == [(str(path), 2)]


@pytest.mark.parametrize("pairs, message", [
    ([("全市开展核酸检测。", "testing"), ("加强隔离。", "testng")], "data[1]: unknown label id 'testng'; did you mean 'testing'?"),
    ([("全市开展核酸检测。", ["other", "testing"])], "data[0]: 'other' is never combined"),
    ([("  ", "testing")], "data[0]: empty text"),
    ([("全市开展核酸检测。", "testing"), ("全市开展核酸检测。", "tracing")],
     "data[1]: same sentence labelled 'testing' at data[0] and 'tracing' here"),
])
def test_pairs_are_checked_like_rows(pairs, message):
    with pytest.raises(DataError, match=re.escape(message)):
        labelled_pairs(pairs)
    assert len(labelled_pairs(pairs, skip_bad_rows=True).problems) == 1


def test_data_errors_survive_pickling_to_and_from_worker_processes(tmp_path):
    with pytest.raises(DataError) as caught:
        read_labelled(write(tmp_path, "text\tlabels\n坏行。\ttestng\n"))
    for error in (caught.value, DataError(message="no labelled sentences to train on")):
        again = pickle.loads(pickle.dumps(error))
        assert str(again) == str(error) and again.problems == error.problems


def test_pairs_get_a_checksum_of_their_rows():
    pairs = [("全市开展核酸检测。", "testing"), ("加强隔离。", ["isolation_transfer"])]
    data = labelled_pairs(pairs)
    assert len(data.sha256) == 64 and data.sha256 == labelled_pairs(list(pairs)).sha256
    assert labelled_pairs([pairs[0], ("加强隔离。", "other")]).sha256 != data.sha256


def test_a_second_reading_is_matched_by_text_and_compared(tmp_path):
    ours = write(tmp_path, "text\tlabels\n全市开展全员核酸检测。\ttesting\n对入境人员实行集中隔离。\tborder_import|isolation_transfer\n"
                           "加强生活物资保供。\tsupply\n", "ours.tsv")
    theirs = write(tmp_path, "text\tlabels\n对入境人员实行集中隔离。\tisolation_transfer|border_import\n"
                             "全市开展全员核酸检测。\ttesting\n一句不在数据里的话。\tother\n", "theirs.tsv")
    second = check_data([ours], [theirs])["second_reading"]
    assert (second["rows"], second["not_in_data"]) == (2, 1)
    assert second["primary_agreement"] == 0.5 and second["exact_match"] == 1.0 and second["micro_f1"] == 1.0
    assert second["differences"] == [{"where": f"{ours}:3", "labels": "border_import|isolation_transfer",
                                      "second": "isolation_transfer|border_import", "second_where": f"{theirs}:2",
                                      "text": "对入境人员实行集中隔离。"}]
    assert "second_reading" not in check_data([ours])


def test_readings_given_in_python_are_compared_and_their_rows_named_by_index():
    ours = labelled_pairs([("全市开展全员核酸检测。", "testing"), ("加强生活物资保供。", "supply")])
    theirs = labelled_pairs([("加强生活物资保供。", "supply|economy"), ("全市开展全员核酸检测。", "testing")])
    result = agreement(ours, theirs)
    assert result["rows"] == 2 and result["exact_match"] == 0.5
    assert result["differences"] == [{"where": "data[1]", "labels": "supply", "second": "supply|economy",
                                      "second_where": "data[0]", "text": "加强生活物资保供。"}]


def test_check_data_reports_a_second_reading(tmp_path):
    ours = write(tmp_path, "text\tlabels\n全市开展全员核酸检测。\ttesting\n加强生活物资保供。\tsupply\n对密接人员一律集中隔离。\t"
                           "isolation_transfer\n", "ours.tsv")
    # a colleague's copy: a row left unlabelled, as asked, is not a problem
    theirs = write(tmp_path, "text\tlabels\n加强生活物资保供。\tsupply|economy\n全市开展全员核酸检测。\ttestng\n"
                             "对密接人员一律集中隔离。\t\n各小区实行封闭管理。\n", "theirs.tsv")   # the last: its tab trimmed
    result = run_cli("check-data", ours, "--second-reading", theirs)
    out = result.stdout.decode()
    # the bad row of the second reading is a problem of the check, and is left out of the comparison
    assert result.returncode == 1 and f"problem: {theirs}:3: unknown label id 'testng'" in out
    assert "second reading: 1 rows matched by text (0 not in the data, 2 left unlabelled)  primary agreement 1.000" in out
    assert "no labels given" not in out and "columns" not in out
    assert f"differs: {ours}:3  supply  second: supply|economy  加强生活物资保供。" in out


def test_a_second_reading_with_no_usable_row_is_a_problem_not_agreement_zero(tmp_path):
    ours = write(tmp_path, "text\tlabels\n全市开展全员核酸检测。\ttesting\n", "ours.tsv")
    misnamed = write(tmp_path, "text\tlabel\n全市开展全员核酸检测。\ttesting\n", "misnamed.tsv")  # 'label', not 'labels'
    elsewhere = write(tmp_path, "text\tlabels\n全县开展全员核酸检测。\ttesting\n", "elsewhere.tsv")  # another sentence
    unlabelled = write(tmp_path, "text\tlabels\n全市开展全员核酸检测。\t\n", "unlabelled.tsv")
    for second, problem in ((misnamed, "labels"), (elsewhere, "none of its sentences is in the data"),
                            (unlabelled, f"{unlabelled}: no usable row to compare")):
        report = check_data([ours], [second])
        assert report["second_reading"]["rows"] == 0 and report["second_reading"]["primary_agreement"] is None
        assert any(problem in p for p in report["problems"]), report["problems"]
    # one path, not in a list, is named as such
    assert f"{elsewhere}: none of its sentences is in the data" in " ".join(check_data([ours], elsewhere)["problems"])
    result = run_cli("check-data", ours, "--second-reading", elsewhere)
    assert result.returncode == 1 and "agreement" not in result.stdout.decode()


def test_a_sentence_given_twice_in_the_second_reading_is_compared_once(tmp_path):
    ours = write(tmp_path, "text\tlabels\n全市开展全员核酸检测。\ttesting\n", "ours.tsv")
    twice = write(tmp_path, "text\tlabels\n全市开展全员核酸检测。\ttesting|tracing\n全市开展全员核酸检测。\ttesting|tracing\n",
                  "twice.tsv")
    second = check_data([ours], [twice])["second_reading"]
    assert second["rows"] == 1 and len(second["differences"]) == 1


def test_the_second_reading_option_takes_one_file_and_leaves_the_data_files_alone(tmp_path):
    ours = write(tmp_path, "text\tlabels\n全市开展全员核酸检测。\ttesting\n", "ours.tsv")
    theirs = write(tmp_path, "text\tlabels\n全市开展全员核酸检测。\ttesting\n", "theirs.tsv")
    out = run_cli("check-data", "--second-reading", theirs, ours, "--format", "json").stdout
    report = json.loads(out)
    assert report["rows"] == 1 and report["second_reading"]["rows"] == 1  # ours.tsv is the data, not the bundled corpus


def test_a_second_reading_gives_each_labels_f1_between_the_readings(tmp_path):
    ours = write(tmp_path, "text\tlabels\n全市开展全员核酸检测。\ttesting\n加强生活物资保供。\tsupply|organization\n", "ours.tsv")
    theirs = write(tmp_path, "text\tlabels\n全市开展全员核酸检测。\ttesting\n加强生活物资保供。\tsupply\n", "theirs.tsv")
    second = check_data([ours], [theirs])["second_reading"]
    assert second["label_f1"] == {"testing": 1.0, "supply": 1.0, "organization": 0.0}
    out = run_cli("check-data", ours, "--second-reading", theirs).stdout.decode()
    assert "label F1 between the readings, lowest first: organization 0.00, testing 1.00, supply 1.00" in out


@pytest.mark.parametrize("line_end", ["\n", "\r\n", "\r"], ids=["LF", "CRLF", "CR"])
def test_rows_end_at_any_line_end_a_spreadsheet_writes(tmp_path, line_end):
    # CR alone (old Mac exports) read as one header line and no rows, without a word
    path = tmp_path / "data.tsv"
    path.write_bytes(line_end.join(["text\tlabels", "全市开展核酸检测。\ttesting", "加强隔离。\tisolation_transfer", ""]
                                   ).encode())
    data = read_labelled(path)
    assert data.texts == ["全市开展核酸检测。", "加强隔离。"]
    assert data.locations == [(str(path), 2), (str(path), 3)]
    assert read_texts(path) == data.texts


@pytest.mark.parametrize("content, message", [
    ("text\tlabels\n全市开展核酸检测。\ttesting\n".encode("utf-16"),
     "data.tsv:1: UTF-16 text (a spreadsheet's 'Unicode text'); save it as UTF-8"),
    ("text\tlabels\n全市开展核酸检测。\ttesting\n".encode("gbk"),
     "data.tsv:2: not UTF-8 text: it reads as GBK/GB18030; save it as UTF-8"),
    ("text\tlabels\r好。\tother\r全市开展核酸检测。\ttesting\r".encode("gbk"),   # CR alone ends its lines
     "data.tsv:2: not UTF-8 text: it reads as GBK/GB18030; save it as UTF-8"),
    (b"text\tlabels\n\x81\x30\xff\n", "data.tsv:2: not UTF-8 text; save it as UTF-8"),
    ("text,labels\n全市开展核酸检测。,testing\n".encode(),
     "data.tsv:1: header must name the columns 'text' and 'labels', got 'text,labels'; the file is "
     "comma-separated: save it as tab-separated text (TSV)"),
    # no comma in it: the labels column is missing, the file is not comma-separated
    ("text\n全市开展核酸检测。\n".encode(), "data.tsv:1: header must name the columns 'text' and 'labels', got 'text'"),
    (gzip.compress("text\tlabels\n全市开展核酸检测。\ttesting\n".encode()),
     "data.tsv:1: compressed data (gzip, bzip2, xz or zstd), not text; decompress it first"),
], ids=["utf-16", "gbk", "gbk-cr", "neither", "comma-separated", "no-labels-column", "gzip"])
def test_a_file_saved_the_wrong_way_says_how_to_save_it(tmp_path, content, message):
    path = tmp_path / "data.tsv"
    path.write_bytes(content)
    with pytest.raises(DataError) as caught:
        read_labelled(path)
    assert message in str(caught.value)
    assert ("comma-separated" in str(caught.value)) == ("comma-separated" in message)
    # the data check lists it with the other files' problems and reports those files
    good = write(tmp_path, "text\tlabels\n全市开展核酸检测。\ttesting\n", "good.tsv")
    if "header" not in message:  # no file could be read, named twice or not: nothing to report
        with pytest.raises(DataError, match=re.escape(message)):
            check_data([path, path])
    report = check_data([path, good, tmp_path / "missing.tsv"])
    assert report["rows"] == 1 and report["labels"]["testing"] == 1
    assert [p for p in report["problems"] if message in p]
    assert f"{tmp_path / 'missing.tsv'}: cannot be read (No such file or directory)" in report["problems"]


def test_a_sentence_typed_with_full_width_punctuation_is_the_one_suggest_wrote(tmp_path):
    # suggest writes sentences cleaned ("，" as ","); a user types or pastes "，": the model
    # reads both as one sentence, so they are one sentence to every check
    typed, suggested = "勤洗手，戴口罩。", "勤洗手,戴口罩。"
    a = write(tmp_path, f"text\tlabels\n{suggested}\tpublicity\n", "a.tsv")
    b = write(tmp_path, f"text\tlabels\n{typed}\tcommunity_control\n", "b.tsv")
    with pytest.raises(DataError, match=f"b.tsv:2: same sentence labelled 'publicity' at {a}:2"):
        read_labelled([a, b])
    same = write(tmp_path, f"text\tlabels\n{typed}\tpublicity\n", "same.tsv")
    assert check_data([a, same])["exact_duplicates"] == 1
    report = check_data([a], second_reading=[same])["second_reading"]
    assert (report["rows"], report["not_in_data"], report["primary_agreement"]) == (1, 0, 1.0)


@pytest.mark.parametrize("cell, text", [
    ('"天津港实行""先消毒、后作业""。"', '天津港实行"先消毒、后作业"。'),   # as a spreadsheet saves it
    ('天津港实行"先消毒、后作业"。', '天津港实行"先消毒、后作业"。'),       # as suggest wrote it
    ('"先消毒、后作业"', '"先消毒、后作业"'),                               # quotes that are the text's own
    ('"甲""乙"丙"', '"甲""乙"丙"'),                                         # not a spreadsheet's quoting
])
def test_a_cell_quoted_by_a_spreadsheet_is_read_as_its_sentence(tmp_path, cell, text):
    path = write(tmp_path, f"text\tlabels\n{cell}\tdisinfection\n")
    assert read_labelled(path).texts == [text]
    assert read_texts(path) == [text]


def test_a_file_that_quotes_every_cell_is_read_as_its_sentences_and_labels(tmp_path):
    # an export set to quote all text cells (LibreOffice), R's write.table, pandas' QUOTE_ALL
    import csv

    path = tmp_path / "quoted.tsv"
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter="\t", quoting=csv.QUOTE_ALL, lineterminator="\n")
        writer.writerows([["text", "labels", "doc"], ["全市开展新一轮全员核酸检测。", "testing", "a"],
                          ['对入境人员实行"14+7"隔离。', "isolation_transfer|border_import", "a"],
                          ['"先消毒、后作业"', "disinfection", "b"]])
    data = read_labelled(path)
    assert data.texts == ["全市开展新一轮全员核酸检测。", '对入境人员实行"14+7"隔离。', '"先消毒、后作业"']
    assert data.y == ["testing", "isolation_transfer|border_import", "disinfection"]
    assert read_texts(path) == data.texts
    plain = write(tmp_path, "text\tlabels\n全市开展新一轮全员核酸检测。\tother\n", "plain.tsv")
    assert any("same sentence labelled 'testing'" in p for p in check_data([path, plain])["problems"])
    # a trailing tab, as in an unquoted file, and pandas' index column, named ""
    trailing = write(tmp_path, '"text"\t"labels"\n"全市开展核酸检测。"\t"testing"\t\n"加强物资保供。"\t"supply"\n', "t.tsv")
    assert read_labelled(trailing).y == ["testing", "supply"]
    indexed = write(tmp_path, '""\t"text"\t"labels"\n"0"\t"对入境人员实行""14+7""隔离。"\t"isolation_transfer|border_import"\n'
                              '1\t"全市开展核酸检测。"\t"testing"\n', "indexed.tsv")   # QUOTE_NONNUMERIC leaves 1 bare
    assert read_labelled(indexed).texts == ['对入境人员实行"14+7"隔离。', "全市开展核酸检测。"]
    assert read_texts(indexed) == ['对入境人员实行"14+7"隔离。', "全市开展核酸检测。"]
    # quotes on a column name alone: the name is read, and the text keeps its own quotes
    assert read_labelled(write(tmp_path, '"text"\tlabels\n"先消毒"\tdisinfection\n', "names.tsv")).texts == ['"先消毒"']


def test_copies_in_two_widths_are_one_exact_duplicate_not_also_a_near_duplicate(tmp_path):
    long = "各区要严格落实四方责任，加强重点场所管理，做好人员排查和健康监测工作。"
    path = write(tmp_path, f"text\tlabels\n{long}\tcommunity_control\n{long.replace('，', ',')}\tcommunity_control\n")
    report = check_data([path])
    assert (report["exact_duplicates"], report["near_duplicate_rows"]) == (1, 0)


def test_a_header_again_inside_a_file_is_named_as_one(tmp_path):
    # two files joined with cat (one saved with a BOM): the second header was an unknown label id 'labels'
    path = write(tmp_path, "text\tlabels\n全市开展核酸检测。\ttesting\n\ufefftext\tlabels\n各小区封闭管理。\tcommunity_control\n")
    with pytest.raises(DataError) as caught:
        read_labelled(path)
    assert str(caught.value) == f"{path}:3: the header again, as files joined into one (cat a.tsv b.tsv) have it: delete this line"
    assert read_labelled(path, skip_bad_rows=True).texts == ["全市开展核酸检测。", "各小区封闭管理。"]
    # a header of other columns, or in another order: a suggest round's file joined with one of two columns
    for again in ("text\tlabels\tmargin\tscores\tsource\tsentence\tdocument", "labels\ttext"):
        path = write(tmp_path, f"text\tlabels\n全市开展核酸检测。\ttesting\n{again}\n")
        assert str(read_labelled(path, skip_bad_rows=True).problems[0]) == (
            f"{path}:3: the header again, as files joined into one (cat a.tsv b.tsv) have it: delete this line")


def test_an_empty_file_to_leave_out_is_named(tmp_path):
    # suggest --exclude of an empty file (a run that wrote nothing) ended in an IndexError
    path = write(tmp_path, "")
    with pytest.raises(DataError, match=r"^.*data.tsv:1: empty file: expected a header naming a 'text' column$"):
        read_texts(path)


def test_a_comma_separated_file_to_leave_out_says_how_to_save_it(tmp_path):
    path = write(tmp_path, "text,labels\n全市开展核酸检测。,testing\n")
    with pytest.raises(DataError, match="the file is comma-separated: save it as tab-separated text"):
        read_texts(path)


NOT_ONE_SENTENCE = [
    ("全市开展核酸检测。小区实行封闭管理。", "the text is 2 sentences as measures splits it (全市开展核酸检测。 / 小区实行封闭管理。)"),
    ("口罩\u2028要戴好吗？", "the text holds a line break (U+2028)"),
    ("口罩要\r戴好。", "the text holds a line break (U+000D)"),
    ("他说：“要应检尽检。不漏一人。”", "the text is 2 sentences"),
]


@pytest.mark.parametrize("text, words", NOT_ONE_SENTENCE)
def test_check_data_names_rows_that_are_not_one_sentence(tmp_path, text, words):
    # the guide's unit is one sentence, and its text never holds a line break
    path = write(tmp_path, f"text\tlabels\n加强生活物资保供。\tsupply\n{text}\ttesting\n")
    report = check_data([path])
    assert report["rows"] == 2
    assert [p for p in report["problems"] if words in p and p.startswith(f"{path}:3: ")] == report["problems"]


def test_training_on_rows_that_are_not_one_sentence_warns_naming_the_first(tmp_path):
    # the file alone, without the bundled corpus: the warning is about its rows, and a
    # model of 8 sentences trains in seconds
    path = write(tmp_path, "text\tlabels\n加强生活物资保供。\tsupply\n"
                           + "".join(f"{text}\ttesting\n" for text, _ in NOT_ONE_SENTENCE)
                           + "".join(f"{place}加强生活物资保供。\tsupply\n" for place in ("东区", "西区", "南区")))
    result = run_cli("train", path, "-o", tmp_path / "m")
    assert result.returncode == 0
    assert f"4 rows are not one sentence as measures splits text (the first: {path}:3)" in result.stderr.decode()
    # scored, such a row is read as one sentence too, where `tag` reads its text as several
    result = run_cli("evaluate", path)
    assert result.returncode == 0
    assert f"4 rows are not one sentence as measures splits text (the first: {path}:3)" in result.stderr.decode()


def test_check_data_keeps_one_sentence_rows_and_trailing_line_ends(tmp_path):
    path = write(tmp_path, "text\tlabels\n“门口有人守着，进出都要刷卡。”\tcommunity_control\n加强生活物资保供。 \tsupply\n"
                           # read in a document, cleaning takes the address and the note mark away first
                           "市民可登录http://a.example.gov.cn/yy?id=12;type=2预约核酸检测。\ttesting\n加强检测。[1]\ttesting\n")
    assert check_data([path])["problems"] == []


def test_check_data_names_both_lines_of_an_exact_duplicate(tmp_path):
    path = write(tmp_path, "text\tlabels\n加强生活物资保供。\tsupply\n全市开展核酸检测。\ttesting\n加强生活物资保供。\tsupply\n")
    report = check_data([path])
    assert report["exact_duplicates"] == 1
    assert report["exact_duplicate_examples"] == [{"a": f"{path}:2", "b": f"{path}:4"}]
    assert f"duplicate: {path}:2 = {path}:4" in run_cli("check-data", path).stdout.decode()
    many = write(tmp_path, "text\tlabels\n" + "".join(f"第{n}轮全员核酸检测。\ttesting\n" for n in range(40)) * 2, "many.tsv")
    assert len(check_data([many])["exact_duplicate_examples"]) == 40
    shown = run_cli("check-data", many).stdout.decode()
    assert shown.count("duplicate: ") == 30 and "… and 10 more duplicates (all of them with --format json)" in shown


def test_a_tab_inside_the_text_is_named_as_such(tmp_path):
    path = write(tmp_path, "text\tlabels\n多一个\ttab的行。\ttesting\n加强生活物资保供。\tsupply\t\n")
    with pytest.raises(DataError) as caught:
        read_labelled(path)
    problems = caught.value.problems
    assert [(p.line, p.message) for p in problems] == [
        (2, "3 tab-separated cells, where the header names 2 columns: does the text hold a tab? "
            "(the guide's text never does)")]  # an empty cell after the labels is no column


def test_a_tab_inside_the_text_is_named_when_a_named_column_is_left_empty(tmp_path):
    # text<TAB>labels<TAB>doc with the doc left empty: the tab moves the labels into `doc`,
    # the extra cell is empty, and the labels cell holds the text's second half
    path = write(tmp_path, "text\tlabels\tdoc\n多一个\ttab的行。\ttesting\t\n加强生活物资保供。\tsupply\t\n"
                           "开展全员核酸检测。\ttesting\t甲\t\n")
    with pytest.raises(DataError) as caught:
        read_labelled(path)
    assert [(p.line, p.message) for p in caught.value.problems] == [
        (2, "4 tab-separated cells, where the header names 3 columns: does the text hold a tab? "
            "(the guide's text never does)")]  # rows 3 and 4: a trailing empty cell, labels fine


def test_a_tab_inside_the_text_is_named_when_the_labels_moved_into_a_named_column(tmp_path):
    # the dev file's layout, text<TAB>labels<TAB>doc, every cell filled: no cell is extra
    path = write(tmp_path, "text\tlabels\tdoc\n全市\t开展核酸检测。\ttesting\n对密接人员集中隔离\t\tisolation_transfer\n"
                           "各区加强环境消杀。\tdisinfection\tdocA\n加强宣传\t引导。\t甲\n")
    problems = read_labelled(path, skip_bad_rows=True).problems
    hint = "reads as labels: does the text hold a tab, or the row one too many?"
    assert [(p.line, p.message.endswith(f"{hint})")) for p in problems] == [(2, True), (3, True), (5, False)]
    assert problems[0].message.startswith("unknown label id '开展核酸检测。'")
    assert problems[1].message == f"no labels given (the cell after it, 'isolation_transfer', {hint})"


def test_a_labels_cell_in_quotes_is_read_when_the_header_has_none(tmp_path):
    # an export that quotes every cell but the header's: no label holds a '"'
    path = write(tmp_path, 'text\tlabels\n"全市开展核酸检测。"\t"testing"\n"对密接""一律""集中隔离。"\t"isolation_transfer"\n'
                           '加强宣传。\tpublicity\n')
    data = read_labelled(path)
    assert data.texts == ["全市开展核酸检测。", '对密接"一律"集中隔离。', "加强宣传。"]
    assert data.y == ["testing", "isolation_transfer", "publicity"]
    assert read_texts(path) == data.texts  # what suggest --exclude leaves out


def test_a_workbook_given_as_labelled_data_is_named_as_a_zip_archive(tmp_path):
    path = tmp_path / "labels.xlsx"
    path.write_bytes(b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00\xff\xfe")
    with pytest.raises(DataError, match=r"labels.xlsx:1: a zip archive, not text \(a workbook or a Word file\?\); "
                                        "save it as tab-separated text in UTF-8"):
        read_labelled(path)


def test_a_spreadsheet_cell_of_two_lines_is_named_and_its_second_line_not_read_as_a_row(tmp_path):
    # as csv.writer(delimiter="\t") and spreadsheets save a cell holding a line break
    path = write(tmp_path, 'text\tlabels\n全市开展核酸检测。\ttesting\n"东城区开展核酸检测，\n结果当天反馈。"\ttesting\n'
                           '"实行""先消毒""。"\tdisinfection\n')
    data = read_labelled(path, skip_bad_rows=True)
    assert data.texts == ["全市开展核酸检测。", '实行"先消毒"。']
    assert [(p.line, p.message) for p in data.problems] == [
        (3, "a quoted cell holds a line break (lines 3–4, as a spreadsheet saves a cell of two lines), which the "
            "guide's text never does: put its sentence on one line")]


@pytest.mark.parametrize("header, row", [
    ("text\tlabels", "全市开展\t核酸检测。\t"),                 # not labelled yet
    ("text\tlabels\tdoc", "全市开展\t核酸检测。\ttestng\t"),   # labels mistyped too
    ("text\tlabels", "全市开展\t核酸检测\t"),                  # a label's Chinese name, or words: both said
])
def test_a_tab_inside_the_text_is_named_whatever_the_labels(tmp_path, header, row):
    path = write(tmp_path, f"{header}\n{row}\n")
    (problem,) = read_labelled(path, skip_bad_rows=True).problems
    assert "does the text hold a tab?" in problem.message


def test_a_spreadsheet_line_break_in_a_text_that_ends_the_row_is_named(tmp_path):
    # labels first, text last: the opening line has all its cells
    path = write(tmp_path, 'labels\ttext\ntesting\t"全市开展\n核酸检测。"\nother\t"应检尽检。\n'
                           'community_control\t要加强管理。"\n')
    data = read_labelled(path, skip_bad_rows=True)
    assert data.texts == ['"应检尽检。', '要加强管理。"']          # a quotation over two rows stays
    assert [(p.line, p.message[:43]) for p in data.problems] == [(2, "a quoted cell holds a line break (lines 2–3")]


def test_a_trailing_empty_cell_leaves_a_rows_own_label_error(tmp_path):
    path = write(tmp_path, "text\tlabels\n全市开展核酸检测。\ttestng\t\n对密接人员集中隔离。\t\t\n"
                           "压实四方责任。\tother|testing\t\n")
    problems = read_labelled(path, skip_bad_rows=True).problems
    assert [p.line for p in problems] == [2, 3, 4] and "did you mean 'testing'" in problems[0].message
    assert problems[1].unlabelled and "never combined" in problems[2].message


def test_a_sentence_opening_with_a_quote_that_a_later_row_closes_is_no_spreadsheet_cell(tmp_path):
    # the splitter cuts a straight-quoted quotation so; an annotator left the first unlabelled
    path = write(tmp_path, 'text\tlabels\n"应检尽检，应收尽收。\n对密接人员集中隔离。\tisolation_transfer\n'
                           '加强物资保供。\tsupply\n要加强管理。"\tcommunity_control\n')
    data = read_labelled(path, skip_bad_rows=True)
    assert data.texts == ["对密接人员集中隔离。", "加强物资保供。", '要加强管理。"']
    assert [(p.line, p.unlabelled) for p in data.problems] == [(2, True)]


def test_an_old_office_workbook_given_as_labelled_data_is_named_as_such(tmp_path):
    path = tmp_path / "labels.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(range(256)) * 4)
    with pytest.raises(DataError, match=r"labels.xls:1: an old Office file, not text \(an .xls workbook or a "
                                        r"\.doc\?\); save it as tab-separated text in UTF-8"):
        read_labelled(path)


def test_a_file_given_twice_is_refused_not_counted_twice(tmp_path):
    path = write(tmp_path, "text\tlabels\n全市开展核酸检测。\ttesting\n点击分享本页\tother\n")
    (tmp_path / "hard.tsv").hardlink_to(path)
    for again in (path, tmp_path / "." / "data.tsv", tmp_path / "hard.tsv"):  # the same file, however named
        with pytest.raises(DataError) as caught:
            read_labelled([path, again], skip_bad_rows=True)  # the whole file: not a bad row to skip
        assert str(caught.value).startswith(f"{again}:1: the same file as {path}, given twice: its rows would "
                                            "count twice")


def test_the_model_card_names_files_of_one_name_by_their_folders(tmp_path):
    assert file_names([str(tmp_path / "b.tsv"), str(tmp_path / "a.tsv")] * 3) == ["a.tsv", "b.tsv"]
    assert file_names([str(tmp_path / "r2" / "to_label.tsv"), str(tmp_path / "r1" / "to_label.tsv"),
                       str(tmp_path / "r1" / "extra" / "mine.tsv")]) == ["mine.tsv", "r1/to_label.tsv", "r2/to_label.tsv"]
    # beside the bundled files, far from the user's folder: only the two of one name are qualified
    bundled = [str(path) for path in training_files()]
    assert file_names([*bundled, "r1/to_label.tsv", "r2/to_label.tsv"]) == \
        sorted([Path(path).name for path in bundled] + ["r1/to_label.tsv", "r2/to_label.tsv"])
    assert file_names(["/a/x/r1/t.tsv", "/b/x/r1/t.tsv"]) == ["a/x/r1/t.tsv", "b/x/r1/t.tsv"]
    assert file_names(["/x.tsv", "/home/x.tsv"]) == ["home/x.tsv", "x.tsv"]   # never the root's "/"


def test_folds_by_file_refuse_a_label_whose_sentences_are_all_in_one_file(tmp_path):
    rows = ["全市开展核酸检测。\ttesting", "对密接人员集中隔离。\tisolation_transfer", "点击分享本页\tother"]
    paths = [write(tmp_path, "text\tlabels\n" + "".join(f"{place}{row}\n" for row in rows)
                   + ("东区保障生活物资供应。\tsupply\n西区保障生活物资供应。\tsupply\n南区保障生活物资供应。\tsupply\n"
                      if k == 0 else ""), f"part{k}.tsv")
             for k, place in enumerate(("东区", "西区", "南区"))]
    with pytest.raises(DataError, match=rf"cannot be calibrated: 'supply' \(all in {re.escape(str(paths[0]))}\), held "
                                        "out together; spread its sentences over more groups, or train without groups"):
        train(paths, folds_by_file=True, min_df=1)
    assert "supply" in train(paths, min_df=1).classes  # folds of rows mix the files


def test_trains_warning_about_files_joined_points_at_its_caller(tmp_path):
    rows = ("全市开展核酸检测。\ttesting", "对密接人员集中隔离。\tisolation_transfer", "点击分享本页\tother")
    paths = [write(tmp_path, "text\tlabels\n" + "".join(f"{place}{row}\n" for row in rows), f"part{k}.tsv")
             for k, place in enumerate(("东区", "西区", "南区", "北区"))]
    with open(paths[3], "a", encoding="utf-8") as handle:
        handle.write("东区全市开展核酸检测。\ttesting\n")   # a copy of a row of part0
    with pytest.warns(UserWarning, match="part0.tsv with .*part3.tsv") as caught:
        train(paths, folds_by_file=True, min_df=1)
    assert [Path(warning.filename).name for warning in caught if "part0" in str(warning.message)] == \
           [Path(__file__).name]


def test_training_on_data_without_a_label_warns_of_it(tmp_path):
    # the command line said so; measures.train gave a model of 13 labels without a word
    rows = [(f"{place}开展{text}。", label) for place in ("东区", "西区", "南区") for label in LABEL_IDS
            if label != "economy" for text in ("核酸检测" if label == "testing" else label, label + "工作")]
    mine = write(tmp_path, "text\tlabels\n" + "".join(f"{text}\t{label}\n" for text, label in rows), "mine.tsv")
    with pytest.warns(UserWarning, match=r"^no sentence is labelled economy; the model will never give it "
                                         r"\(train on the bundled corpus beside your sentences to have every label: "
                                         r"'bundled' on the command line, measures.datasets.training_files\(\) "
                                         r"in Python\)$") as caught:
        model = train(mine, thresholds=0.5, min_df=1)
    assert len(caught) == 1 and caught[0].filename == __file__  # the caller's line, not one inside measures
    assert "economy" not in model.classes
    with warnings.catch_warnings():  # every label given: nothing to say
        warnings.simplefilter("error")
        train([*rows, ("东区支持企业复工复产。", "economy")], thresholds=0.5, min_df=1)
        # the estimator fits parts of the data too (GridSearchCV's): train says it, not fit
        MeasureClassifier(thresholds=0.5, min_df=1).fit([text for text, _ in rows], [label for _, label in rows])


def test_training_with_folds_by_file_holds_out_whole_files(tmp_path):
    paths = []
    for k, place in enumerate(("东区", "西区", "南区")):
        paths.append(write(tmp_path, "text\tlabels\n" + "".join(
            f"{place}{row}\n" for row in ("全市开展核酸检测。\ttesting", "对密接人员集中隔离。\tisolation_transfer",
                                          "点击分享本页\tother", "组织核酸采样。\ttesting",
                                          "转运至隔离点。\tisolation_transfer", "版权所有\tother")), f"part{k}.tsv"))
    model = train(paths, folds_by_file=True, min_df=1)
    cv = model.metadata["evaluation"]["cross_validation"]
    assert cv["data"] == "3-fold cross-validation on the training data, each fold holding out whole groups"
    assert train(paths, min_df=1).metadata["evaluation"]["cross_validation"]["data"] == \
        "3-fold cross-validation on the training data"
    with pytest.raises(DataError, match=r"folds by file hold out whole files: 3-fold cross-validation needs at least "
                                        r"3 labelled files, got 2 \(part0.tsv, part1.tsv\)"):
        train(paths[:2], folds_by_file=True, min_df=1)
    with pytest.raises(DataError, match="over groups needs at least 3 groups, got 2"):  # Python's own groups
        data = read_labelled(paths[:2])
        MeasureClassifier(min_df=1).fit(data.texts, data.y, groups=[0] * 6 + [1] * 6)
    with pytest.raises(ValueError, match="folds_by_file needs labelled files"):
        train([("全市开展核酸检测。", "testing"), ("点击分享本页", "other")] * 3, folds_by_file=True)
    result = run_cli("train", *paths, "-o", tmp_path / "m", "--folds-by-file")
    assert result.returncode == 0, result.stderr.decode()
    config = json.loads((tmp_path / "m" / "config.json").read_text("utf-8"))
    assert config["evaluation"]["cross_validation"]["data"].endswith("each fold holding out whole groups")


@pytest.mark.parametrize("call, message", [
    (lambda path: read_labelled([path], skip_bad_rows="false"), "skip_bad_rows is True or False, not str 'false'"),
    (lambda path: labelled_pairs([("全市开展核酸检测。", "testing")], skip_bad_rows=1),
     "skip_bad_rows is True or False, not int 1"),
    (lambda path: train(path, skip_bad_rows="no"), "skip_bad_rows is True or False, not str 'no'"),
    (lambda path: train(path, folds_by_file="no"), "folds_by_file is True or False, not str 'no'"),
])
def test_a_flag_given_as_anything_but_true_or_false_is_refused(tmp_path, call, message):
    # "false" is true to `if`: it switched skipping on, and bad rows went without a word
    path = write(tmp_path, "text\tlabels\n加强生活物资保供。\tsupply\n全市开展核酸检测。\ttesting|other\n")
    with pytest.raises(TypeError, match=f"^{re.escape(message)}$"):
        call(str(path))
