"""Picking the sentences to label next: uncertainty, diversity, the TSV, and retraining on it."""
import collections
import itertools
import os
import subprocess
from collections import Counter
from itertools import combinations
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from conftest import EXAMPLES, measures_command, run_cli

import measures
from measures.features import Analyzer
from measures.labelled_data import char_grams, read_labelled
from measures.model import decide
from measures.suggesting import COLUMNS, _Pool, margins, suggest, write_suggestions

slow = pytest.mark.skipif(os.environ.get("MEASURES_SKIP_SLOW") == "1",
                          reason="trains a model (~20 s); MEASURES_SKIP_SLOW=1 is set")


def _jaccard(a, b):
    a, b = char_grams(a), char_grams(b)
    return len(a & b) / len(a | b)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """Real documents in a folder: every paragraph of the bundled examples as its own
    file, so there are many documents of a few sentences each."""
    folder = tmp_path_factory.mktemp("corpus")
    for path in sorted(EXAMPLES.glob("*.txt")):
        paragraphs = [line for line in path.read_text("utf-8").splitlines() if line.strip()]
        for k, paragraph in enumerate(paragraphs):
            (folder / f"{path.stem}_{k:02d}.txt").write_text(paragraph + "\n", "utf-8")
    return folder


@pytest.fixture(scope="module")
def eligible(model, corpus):
    """Every sentence of the corpus that suggest may pick, with its margin."""
    texts = {}
    for path in sorted(corpus.glob("*.txt")):
        document = model.tag(path.read_text("utf-8"), source=str(path))
        rows = [s for s in document.sentences if len(s.text) >= 6]
        probabilities = np.array([[s.scores[c] for c in model.classes] for s in rows])
        for s, m in zip(rows, margins(probabilities, model.thresholds, model.classes, model.max_labels)):
            texts.setdefault(s.text, float(m))
    return texts


def test_margin_is_how_far_one_probability_must_move_to_change_the_labels(model):
    rng = np.random.default_rng(7)
    probabilities = rng.random((400, len(model.classes))) ** rng.choice([1, 3, 8], size=(400, 1))
    found = margins(probabilities, model.thresholds, model.classes, model.max_labels)
    assert found.shape == (400,) and (found >= 0).all() and np.isfinite(found).all()

    def labels(row):
        return set(decide(row[None, :], model.thresholds, model.classes, model.max_labels)[0])

    reached = 0
    for row, margin in zip(probabilities, found):
        before, changed = labels(row), False
        for k in range(len(row)):
            for sign in (-1, 1):
                moved = row.copy()
                moved[k] += sign * margin * 0.999
                assert labels(moved) == before
                moved[k] = row[k] + sign * (margin * 1.001 + 1e-9)
                changed |= labels(moved) != before
        reached += changed
    assert reached == len(probabilities)


def test_suggest_writes_the_guides_tsv_with_diverse_uncertain_sentences(model, corpus, eligible, tmp_path):
    out = tmp_path / "to_label.tsv"
    result = run_cli("suggest", corpus, "-n", 20, "--per-document", 2, "-o", out)
    assert result.returncode == 0, result.stderr.decode()
    assert "wrote 20 sentences" in result.stderr.decode()

    lines = out.read_text("utf-8").splitlines()
    assert lines[0].split("\t") == list(COLUMNS)
    data = read_labelled(str(out))
    assert len(data) == 20
    rows = [dict(zip(COLUMNS, line.split("\t"))) for line in lines[1:]]
    # the model's guess, primary first and read in its document as `measures tag` reads it,
    # as the labels to correct
    tagged = {s.text: "|".join(s.labels) for path in sorted(corpus.glob("*.txt"))
              for s in model.tag(path.read_text("utf-8")).sentences}
    assert data.y == [tagged[text] for text in data.texts]
    # most uncertain first, at most two a document, no near-duplicates
    picked = [float(row["margin"]) for row in rows]
    assert picked == sorted(picked)
    assert max(collections.Counter(row["source"] for row in rows).values()) <= 2
    assert all(_jaccard(a, b) < 0.5 for a, b in combinations(data.texts, 2))
    # less certain than the sentences left out
    left_out = [m for text, m in eligible.items() if text not in set(data.texts)]
    assert picked == pytest.approx([eligible[text] for text in data.texts], abs=1e-4)
    assert picked[0] == pytest.approx(min(eligible.values()), abs=1e-4)
    assert max(picked) <= np.median(left_out)
    assert np.mean(picked) < np.mean(left_out) / 2


def test_near_duplicates_and_document_limits(model):
    base = "下一步，将根据风险研判情况，对重点区域和重点人群继续开展滚动筛查。"
    variants = [base.replace("下一步", f"第{k}步") for k in range(1, 6)]
    assert all(_jaccard(base, v) >= 0.5 for v in variants)
    clear = ["全市开展新一轮全员核酸检测。", "对密接人员一律集中隔离。", "各地要加强疫苗接种工作。"]
    documents = [(f"copy{k}", text) for k, text in enumerate([base] + variants)]
    documents.append(("mixed", "".join(clear + variants[:1])))
    picks = suggest(model, iter(documents), n=10, per_document=None)
    near = [p for p in picks if _jaccard(p.text, base) >= 0.5]
    assert len(near) == 1  # one of the five alike, wherever the model's margins put it
    assert {p.source for p in picks} >= {"mixed"}

    one_document = "".join(clear + [base])
    assert len(suggest(model, [one_document], n=10, per_document=2)) == 2
    assert len(suggest(model, [one_document], n=10, per_document=None)) == 4
    assert suggest(model, [one_document], n=0) == []


@pytest.mark.parametrize("setting, message", [
    ({"n": 2.5}, "n must be a whole number"),
    ({"n": "3"}, "n must be a whole number"),
    ({"n": -1}, "n must be a whole number"),
    ({"per_document": 0}, "per_document must be None \\(no limit\\) or a whole number of at least 1"),
    ({"similarity": 0}, "similarity must be a number above 0"),
    ({"similarity": 1.5}, "similarity must be"),
    ({"min_chars": None}, "min_chars must be"),
    ({"pool": 0}, "pool must be None"),
])
def test_bad_settings_are_refused_before_any_document_is_read(model, setting, message):
    def documents():
        raise AssertionError("read a document")
        yield
    with pytest.raises(ValueError, match=message):
        suggest(model, documents(), **setting)


def test_exclude_and_short_sentences(model):
    text = "谢谢大家。下一步，将根据风险研判情况，对重点区域和重点人群继续开展滚动筛查。全市开展新一轮全员核酸检测。"
    texts = [p.text for p in suggest(model, [text], n=5)]
    assert "谢谢大家。" not in texts and len(texts) == 2
    kept = suggest(model, [text], n=5, exclude=[texts[0]])
    assert [p.text for p in kept] == texts[1:]


def test_exclude_matches_sentences_as_labelled_files_hold_them(model):
    # a labelled file keeps the writer's full-width punctuation; tagged sentences are normalised
    text = "下一步，将根据风险研判情况，对重点区域和重点人群继续开展滚动筛查。全市开展新一轮全员核酸检测（第三轮）。"
    picks = suggest(model, [text], n=5, min_chars=0)
    assert len(picks) == 2
    as_written = ["下一步，将根据风险研判情况，对重点区域和重点人群继续开展滚动筛查。", "全市开展新一轮全员核酸检测（第三轮）。"]
    assert suggest(model, [text], n=5, min_chars=0, exclude=as_written) == []
    assert suggest(model, [text], n=5, min_chars=0, exclude=None) == picks
    # any iterable, a pandas column of a labelled file say
    assert suggest(model, [text], n=5, min_chars=0, exclude=pd.Series(as_written)) == []


@pytest.mark.parametrize("call, message", [
    (lambda model: suggest(model, "全市开展核酸检测。"), "expected an iterable of documents, not a string"),
    (lambda model: suggest(model, ["全市开展核酸检测。"], exclude="全市开展核酸检测。"),
     r"expected an iterable of sentences to exclude, not a string \(for one sentence: \[sentence\]\)"),
    # list(5) would say "'int' object is not iterable", naming neither exclude nor what it takes
    (lambda model: suggest(model, ["全市开展核酸检测。"], exclude=5), "expected an iterable of sentences to exclude, got int"),
    (lambda model: suggest(model, ["全市开展核酸检测。"], exclude=pd.Series(["甲。", float("nan")])),
     "exclude takes sentences as strings, got float nan"),
])
def test_a_string_where_an_iterable_belongs_is_refused(model, call, message):
    with pytest.raises(TypeError, match=message):
        call(model)


SPEECH = "全市开展新一轮全员核酸检测。\n各小区实行封闭管理，加强生活物资保供。"


@pytest.mark.parametrize("items, message", [
    ({"讲话": SPEECH}, r"not a dict \(for names and texts: d.items\(\)\)"),
    ([(SPEECH, "讲话")], r"texts_or_documents\[0\]: a pair is \(name, text\), and this name looks like a text"),
    # one line of a few sentences beside a file name: zip(texts, names) of a JSONL corpus
    ([("全市开展核酸检测。各小区封闭。", "a.txt")], r"texts_or_documents\[0\]: a pair is \(name, text\)"),
    ([("全市开展全员核酸检测,各小区实行封闭管理.", "a.txt")], r"texts_or_documents\[0\]: a pair is \(name, text\)"),
    ([("讲话", SPEECH), 3], "texts_or_documents.1.: expected a tagged Document, a text or a .name, text. pair, got int 3"),
    ([Path("讲话.txt")], "got PosixPath|got WindowsPath"),
])
def test_what_is_not_a_document_is_refused_by_its_number(model, items, message):
    with pytest.raises(TypeError, match=message):
        suggest(model, items, n=3, min_chars=1)


@pytest.mark.parametrize("text", ["全市新增确诊病例12例，累计检测人次达3.5", "本周疫情通报 2022.12",
                                  "全市日均检测能力达到120万人次/日。", "全市开展核酸检测/隔离转运!",
                                  "2022/12/07 全市开展新一轮全员核酸检测"])
def test_a_text_ending_in_a_number_or_holding_a_slash_is_not_taken_for_a_file_name(model, text):
    picks = suggest(model, [("通报", text)], n=3, min_chars=1)
    assert [p.source for p in picks] == ["通报"] * len(picks) and picks


def test_a_title_longer_than_its_text_is_a_name(model):
    picks = suggest(model, [("如何做好防控？专家解答。", "全市开展全员核酸检测")], n=3, min_chars=1)
    assert [p.source for p in picks] == ["如何做好防控？专家解答。"]


def test_names_and_texts_come_as_pairs_of_either_kind(model):
    as_tuples = suggest(model, {"讲话": SPEECH}.items(), n=3, min_chars=1)
    assert as_tuples and {s.source for s in as_tuples} == {"讲话"}
    assert suggest(model, [["讲话", SPEECH]], n=3, min_chars=1) == as_tuples


def test_takes_tagged_documents_and_keeps_a_bounded_pool(model):
    documents = [model.tag(p.read_text("utf-8"), source=p.name) for p in sorted(EXAMPLES.glob("*.txt"))]
    everything = suggest(model, documents, n=12, per_document=None)
    small_pool = suggest(model, iter(documents), n=12, per_document=None, pool=3)
    assert [p.margin for p in everything] == sorted(p.margin for p in everything)
    # the pool bounds what is kept: the 3 most uncertain, picked from as from all of them
    assert 0 < len(small_pool) <= 3 and small_pool == everything[:len(small_pool)]


def test_write_suggestions_to_a_file_is_atomic_and_tab_safe(model, tmp_path):
    picks = suggest(model, [("名字\t带制表符", "下一步，对重点区域和重点人群继续开展滚动筛查。")], n=1)
    out = tmp_path / "out.tsv"
    assert write_suggestions(picks, str(out)) == 1
    line = out.read_text("utf-8").splitlines()[1].split("\t")
    assert len(line) == len(COLUMNS) and line[COLUMNS.index("source")] == "名字 带制表符"
    assert [p.name for p in tmp_path.iterdir()] == ["out.tsv"]  # no temporary file left


def test_write_suggestions_leaves_a_corrected_file_as_it_was(model, tmp_path):
    # a notebook's cell run again after its file was corrected by hand, as the command run
    # again from the shell's history, which refuses it without --overwrite
    out = tmp_path / "to_label.tsv"
    picks = suggest(model, [("通告", "全市开展新一轮全员核酸检测。对密接人员一律集中隔离。")], n=2)
    write_suggestions(picks, out)
    corrected = out.read_text("utf-8").replace("\ttesting\t", "\ttesting|tracing\t")
    out.write_text(corrected, "utf-8")
    with pytest.raises(measures.OutputError, match=r"to_label\.tsv: holds labelled sentences.*overwrite=True"):
        write_suggestions(picks, out)
    assert out.read_text("utf-8") == corrected
    assert write_suggestions(picks, out, overwrite=True) == len(picks)
    assert out.read_text("utf-8") != corrected
    # what holds no labels yet is written as before, and so is standard output
    (tmp_path / "notes.tsv").write_text("text\n全市开展核酸检测。\n", "utf-8")
    assert write_suggestions(picks, tmp_path / "notes.tsv") == len(picks)


def test_suggest_reports_unreadable_inputs(corpus, tmp_path):
    result = run_cli("suggest", corpus, tmp_path / "missing.txt", "-n", 3)
    assert result.returncode == 1
    assert "missing.txt: no such file" in result.stderr.decode()
    assert len(result.stdout.decode().splitlines()) == 4  # header and three sentences


def test_fewer_picks_than_asked_for_are_said_with_what_limits_them(tmp_path):
    # 2 of 10, silently, looked like a fault of the command
    (tmp_path / "a.txt").write_text("全市开展核酸检测。今天天气晴。", "utf-8")
    (tmp_path / "b.txt").write_text("密接人员集中隔离十四天。", "utf-8")
    result = run_cli("suggest", tmp_path / "a.txt", tmp_path / "b.txt", "-n", 10, "--per-document", 1,
                     "--min-chars", 7, "-o", tmp_path / "out.tsv")
    assert result.returncode == 0
    assert result.stderr.decode().splitlines()[0] == (
        "measures: note: 2 of the 10 sentences asked for; what limits them: at most 1 a document "
        "(--per-document), none alike another at 0.5 (--similarity), none under 7 characters (--min-chars)")
    enough = run_cli("suggest", tmp_path / "a.txt", tmp_path / "b.txt", "-n", 2, "-o", tmp_path / "two.tsv")
    assert enough.stderr.decode().splitlines() == ["wrote 2 sentences to label to " + str(tmp_path / "two.tsv")]


def test_the_excludes_an_error_points_to_run_in_a_shell_as_printed(corpus, tmp_path):
    # "--exclude round 1.tsv --exclude round 2.tsv" gave a shell four names, as the commands
    # of the other errors did before they were quoted
    first, second = tmp_path / "round 1.tsv", tmp_path / "round 2.tsv"
    for path in (first, second):
        path.write_text("text\tlabels\n全市开展核酸检测。\ttesting\n", "utf-8")
    result = run_cli("suggest", "--exclude", first, second, corpus, "-n", 4)
    assert result.returncode == 2 and result.stderr.decode() == (
        f"measures: {second}: a labelled file among the inputs; give each file to leave out its own --exclude "
        f"(--exclude '{first}' --exclude '{second}')\n")


def test_sentences_of_an_exclude_file_stay_out_whatever_their_labels(corpus, tmp_path):
    first = tmp_path / "round1.tsv"
    assert run_cli("suggest", corpus, "-n", 4, "-o", first).returncode == 0
    rows = first.read_text("utf-8").splitlines()
    # an annotator's typo in a label, and an empty one: their sentences are labelled all the same
    rows[1] = "\t".join([rows[1].split("\t")[0], "testng", *rows[1].split("\t")[2:]])
    rows[2] = "\t".join([rows[2].split("\t")[0], "", *rows[2].split("\t")[2:]])
    first.write_text("\n".join(rows) + "\n", "utf-8")
    second = tmp_path / "round2.tsv"
    assert run_cli("suggest", corpus, "-n", 4, "--exclude", first, "-o", second).returncode == 0
    before = {line.split("\t")[0] for line in rows[1:]}
    after = {line.split("\t")[0] for line in second.read_text("utf-8").splitlines()[1:]}
    assert len(after) == 4 and not before & after
    # given before the inputs, as options often are, it takes its own file only (it took the
    # inputs too: "the following arguments are required: FILE"), and it may be repeated
    third = tmp_path / "round3.tsv"
    assert run_cli("suggest", "--exclude", first, "--exclude", second, corpus, "-n", 4, "-o", third).returncode == 0
    # the form that gave --exclude two files is named, before any work
    result = run_cli("suggest", "--exclude", first, second, corpus, "-n", 4, "-o", tmp_path / "r4.tsv")
    assert result.returncode == 2 and result.stderr.decode() == (
        f"measures: {second}: a labelled file among the inputs; give each file to leave out its own --exclude "
        f"(--exclude {first} --exclude {second})\n")
    assert not {line.split("\t")[0] for line in third.read_text("utf-8").splitlines()[1:]} & (before | after)
    headless = tmp_path / "headless.tsv"
    headless.write_text("\n".join(rows[1:]) + "\n", "utf-8")
    result = run_cli("suggest", corpus, "--exclude", headless)
    err = result.stderr.decode()
    # one file's header, not "bad rows"
    assert result.returncode == 1 and err.startswith(f"measures: {headless}:1: header must name a 'text' column")


@slow
def test_round_trip_suggest_correct_train(corpus, tmp_path):
    suggested = tmp_path / "to_label.tsv"
    assert run_cli("suggest", corpus, "-n", 15, "-o", suggested).returncode == 0
    lines = suggested.read_text("utf-8").splitlines()
    # an annotator corrects the first sentence's labels and saves the file
    cells = lines[1].split("\t")
    cells[1] = "publicity|organization"
    lines[1] = "\t".join(cells)
    mine = tmp_path / "mine.tsv"
    mine.write_text("\n".join(lines) + "\n", "utf-8")
    assert read_labelled(str(mine)).labels[0] == ("publicity", "organization")

    result = run_cli("train", mine, "bundled", "-o", tmp_path / "my-model")
    assert result.returncode == 0, result.stderr.decode()
    retrained = measures.load_model(tmp_path / "my-model")
    bundled = len(measures.load_training_data())
    assert retrained.metadata["training_data"]["rows"] == bundled + 15
    assert "mine.tsv" in retrained.metadata["training_data"]["files"]


def test_documents_that_share_a_name_are_each_their_own_document(model):
    # JSONL records named by a "source" that is their publisher: 6 documents, not 2
    # (numbered in words: sentences that differ in figures alone are one to the model, one pick)
    texts = [f"第{i}号通告。全市开展第{i}轮全员核酸检测。各小区实行封闭管理，居民足不出户。加强生活物资保供。"
             f"对密接人员一律集中隔离。大家下午好。" for i in "一二三四五六"]
    documents = [model.tag(text, source="新华社" if i % 2 else "央视") for i, text in enumerate(texts)]
    picks = measures.suggest(model, documents, n=50, per_document=2, similarity=1.0)
    per_document = Counter(pick.document for pick in picks)
    assert len(per_document) == 6 and max(per_document.values()) <= 2
    assert {pick.source for pick in picks} == {"新华社", "央视"}


def test_margins_in_slices_are_the_margins_of_the_whole(model, monkeypatch):
    import measures.suggesting as suggesting

    rng = np.random.default_rng(3)
    probabilities = rng.random((300, len(model.classes))) ** rng.choice([1, 3, 8], size=(300, 1))
    whole = margins(probabilities, model.thresholds, model.classes, model.max_labels, cutoff=0.2)
    monkeypatch.setattr(suggesting, "MARGIN_ROWS", 7)
    np.testing.assert_array_equal(margins(probabilities, model.thresholds, model.classes, model.max_labels,
                                          cutoff=0.2), whole)
    assert margins(probabilities[:0], model.thresholds, model.classes, model.max_labels).shape == (0,)


@pytest.mark.parametrize("text, cell", [
    ('"外防输入""内防反弹"', '"""外防输入""""内防反弹"""'),
    ('"先消毒、后作业"', '"先消毒、后作业"'),
    ('实行"先消毒、后作业"。', '实行"先消毒、后作业"。'),
    # what a spreadsheet would run as a formula, and save as #NAME? in the sentence's place
    ("=各社区对楼道进行消毒。", "'=各社区对楼道进行消毒。"),
    ("+86热线电话已开通。", "'+86热线电话已开通。"),
    ("-全面开展核酸检测。", "'-全面开展核酸检测。"),
    ("@所有居民:明天上午做核酸。", "'@所有居民:明天上午做核酸。"),
    ('="先消毒"。', '\'="先消毒"。'),
    ("'=已有撇号。", "''=已有撇号。"),     # an apostrophe before, kept: one more goes first
    ("'全市开展核酸检测。", "'全市开展核酸检测。"),
])
def test_a_suggested_sentence_reads_back_as_itself(tmp_path, text, cell):
    # a sentence that looks like a spreadsheet's quoted cell is written quoted, so that
    # training and --exclude read the sentence, not its unquoted form
    from measures.labelled_data import read_texts
    from measures.suggesting import Suggestion

    out = tmp_path / "to_label.tsv"
    write_suggestions([Suggestion(text, ("other",), 0.1, (("other", 0.6),), "=doc", 0, 0)], out)
    row = out.read_text("utf-8").splitlines()[1].split("\t")
    assert row[0] == cell and row[COLUMNS.index("source")] == "'=doc"
    assert read_labelled(out).texts == [text] and read_texts(out) == [text]


def test_records_of_one_source_are_told_apart_by_their_document_number(tmp_path):
    import json

    corpus = tmp_path / "news.jsonl"
    corpus.write_text("".join(json.dumps({"source": "本地日报", "text": text}, ensure_ascii=False) + "\n" for text in
                              ("东湖街道今天起对三个小区实行封闭管理。", "西山镇卫生院开设了发热门诊。")), "utf-8")
    out = tmp_path / "to_label.tsv"
    assert run_cli("suggest", corpus, "--min-chars", 1, "--similarity", 1, "-o", out).returncode == 0
    rows = [dict(zip(COLUMNS, line.split("\t"))) for line in out.read_text("utf-8").splitlines()[1:]]
    assert {row["source"] for row in rows} == {"本地日报"}
    assert sorted((row["document"], row["sentence"]) for row in rows) == [("0", "0"), ("1", "0")]


def test_an_output_holding_labelled_sentences_is_kept_unless_overwrite_is_given(corpus, tmp_path):
    # the round's file, corrected by hand, and the command that wrote it again from the history
    corrected = tmp_path / "to_label.tsv"
    corrected.write_bytes("\ufefftext\tlabels\n全市开展核酸检测。\ttesting|publicity\n".encode("utf-8"))
    before = corrected.read_bytes()
    refused = run_cli("suggest", corpus, "-n", 5, "-o", corrected)
    assert refused.returncode == 1 and corrected.read_bytes() == before
    assert f"{corrected}: holds labelled sentences, perhaps ones you corrected; write the suggestions to another " \
           "file, or give --overwrite to replace it" in refused.stderr.decode()
    assert run_cli("suggest", corpus, "-n", 5, "-o", corrected, "--overwrite").returncode == 0
    assert len(read_labelled(str(corrected))) == 5
    # a file of another kind is written over, as every command's -o is
    notes = tmp_path / "notes.tsv"
    notes.write_text("text\tsource\n全市开展核酸检测。\tnews\n", "utf-8")
    assert run_cli("suggest", corpus, "-n", 5, "-o", notes).returncode == 0
    assert len(read_labelled(str(notes))) == 5


def test_an_output_through_a_descriptor_replaces_no_labelled_file(corpus, tmp_path):
    # -o /dev/stdout appended to the round's file (>>) adds to it, as -o - does: it was
    # refused as a file "to replace", where -o - was written
    corrected = tmp_path / "to_label.tsv"
    corrected.write_text("text\tlabels\n全市开展核酸检测。\ttesting\n", "utf-8")
    with open(corrected, "ab") as stdout:
        result = subprocess.run(measures_command() + ["suggest", str(corpus), "-n", "2", "-o", "/dev/stdout"],
                                stdout=stdout, stderr=subprocess.PIPE, timeout=600)
    assert result.returncode == 0, result.stderr.decode()
    assert corrected.read_text("utf-8").startswith("text\tlabels\n全市开展核酸检测。\ttesting\ntext\tlabels\t")


def test_sentences_the_model_reads_the_same_are_one_pick(model):
    # a daily bulletin's sentences differ from day to day in their figures alone: the model
    # reads every number as 0, so they are one sentence to it (one margin, the same labels),
    # but the figures kept their 4-grams under the similarity cutoff, and all n picks were
    # the same sentence of different days
    template = ("截至{m}月{d}日24时，累计报告本土确诊病例{a}例，现有{b}例在定点医院隔离治疗。"
                "{m}月{d}日，全市共采集核酸样本{a}万份，检出阳性{b}份。")
    bulletins = [template.format(m=1 + i // 28, d=1 + i % 28, a=100 + 7 * i, b=3 + i) for i in range(40)]
    others = ["农贸市场实行限流措施，每日消毒两次。", "企业实行弹性工作制，鼓励居家办公。",
              "养老机构实行封闭管理，暂停探视。", "发热门诊实行二十四小时接诊。"]
    picks = suggest(model, bulletins + others, n=10)
    read = Counter(map(Analyzer().read_as, (pick.text for pick in picks)))
    assert max(read.values()) == 1, picks
    assert {p.text for p in picks} >= {model.tag(o).sentences[0].text for o in others}
    # a labelled bulletin leaves out the other days' too
    labelled = bulletins[0].split("。")[0] + "。"
    assert not any(p.text.startswith("截至") for p in suggest(model, bulletins, n=10, exclude=[labelled]))


def test_near_duplicates_that_differ_in_names_and_dates_leave_the_pool_room(model):
    # a district's notice day after day: its district's name and its date in Chinese
    # numerals differ, so the model reads each as a sentence of its own, and its many
    # copies, the most uncertain sentences, filled the pool (5 * n): one pick was left
    # of them, the pool held nothing else, and n = 5 gave 1 pick
    template = "{}疫情防控指挥部通告:自十一月{}日起,花园路街道康乐里划定为高风险区,实行“足不出户、上门服务”。"
    notices = [template.format(district, day) for district in ("东城区", "西城区", "朝阳区", "海淀区", "丰台区", "通州区")
               for day in ("一", "三", "五", "七", "九", "十一", "十三", "十五", "十七", "十九", "二十一", "二十三", "二十五")]
    assert len(set(map(Analyzer().read_as, notices))) == len(notices)
    others = ["农贸市场实行限流措施，每日消毒两次。", "企业实行弹性工作制，鼓励居家办公。",
              "养老机构实行封闭管理，暂停探视。", "发热门诊实行二十四小时接诊。"]
    picks = suggest(model, notices + others, n=5)
    assert {p.text for p in picks} >= {model.tag(o).sentences[0].text for o in others}
    assert len(picks) == 5 and sum(p.text.endswith("上门服务”。") for p in picks) == 1
    # a document whose notice is kept out, alike a more uncertain one, gives its next sentence
    one_each = [notice + other for notice, other in zip(notices, itertools.cycle(others))]
    assert [p.text for p in suggest(model, one_each, n=5, per_document=1)] == [p.text for p in picks]


def test_read_forms_held_past_their_bound_change_no_pick(model, monkeypatch):
    # the read forms kept out only spare margins: with none held, the picks are the same
    template = "{}发布通告:自十二月{}日起,{}小区实行封闭管理,居民足不出户。"
    texts = [template.format(city, day, estate) for city in ("青枫县", "白沙区", "临江市")
             for day in ("二", "四", "六", "八") for estate in ("丽景", "和园", "康居", "东苑")] * 2
    texts += ["超市保供稳价，蔬菜每日配送到户。", "市民接种疫苗加强针，可预约上门服务。"]
    held = suggest(model, texts, n=6)
    monkeypatch.setattr(_Pool, "remembered", 0)
    assert [(p.text, p.margin) for p in suggest(model, texts, n=6)] == [(p.text, p.margin) for p in held]
