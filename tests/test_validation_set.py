"""The validation set (labels of whole shared/corpus documents, without their text) still
points at the sentences that were labelled, bad rows are reported with file and line, and the
benchmarks that score on it (accuracy.py, settings.py, learning_curve.py) say what they measured."""

import os
import re
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np
import pytest

import measures
import measures.evaluation
from measures.labelled_data import read_labelled
from measures.cleaning import clean
from measures.reading import read_document
from measures.splitting import split_sentences

from conftest import ROOT, SHARED, needs_shared

sys.path.insert(0, str(ROOT / "benchmarks"))
import accuracy  # noqa: E402  (a script folder, not a package)
import context  # noqa: E402
import learning_curve  # noqa: E402
import primary_order  # noqa: E402
import settings  # noqa: E402
import threshold_stability  # noqa: E402

CORPUS = SHARED / "corpus"
needs_corpus = pytest.mark.skipif(not CORPUS.exists(), reason=f"no shared corpus at {CORPUS}")


@pytest.mark.parametrize("script", ["accuracy", "settings", "learning_curve", "ruled_corpus", "primary_order",
                                    "situation_statements", "context", "threshold_stability"])
def test_a_benchmark_measures_the_checkout_it_sits_in_not_an_installed_copy(tmp_path, script):
    # as `python benchmarks/SCRIPT.py` starts: its own folder first on the path
    found = subprocess.run([sys.executable, "-c", f"import sys; sys.path.insert(0, {str(ROOT / 'benchmarks')!r}); "
                            f"import {script}, measures; print(measures.__file__)"],
                           capture_output=True, text=True, cwd=tmp_path, check=True)
    assert Path(found.stdout.strip()) == ROOT / "measures" / "__init__.py"


def test_the_speed_and_memory_benchmarks_time_the_checkout_too(tmp_path, monkeypatch):
    # their commands run in processes of their own, given this checkout first on the path
    # from wherever the benchmark is started
    import processes

    assert processes.CHECKOUT["PYTHONPATH"].split(os.pathsep)[0] == str(ROOT)
    monkeypatch.chdir(tmp_path)
    out, *_ = processes.watch([sys.executable, "-c", "import measures; print(measures.__file__)"])
    assert Path(out.strip()) == ROOT / "measures" / "__init__.py"


def test_rows_follow_the_guide_and_the_second_annotation_is_a_subset():
    rows = accuracy.validation_rows()
    assert len(rows) == len({(doc, index) for doc, index, *_ in rows}) == 3677
    agreed = accuracy.agreement(rows)
    assert 0 < agreed["sentences"] < len(rows)


@needs_shared
@needs_corpus
def test_every_sentence_of_every_document_is_labelled_and_found_again():
    rows = accuracy.validation_rows()
    texts, labels = accuracy.resolve(rows, CORPUS), [labels for *_, labels, _ in rows]
    assert len(texts) == len(labels) == 3677
    by_document = defaultdict(list)
    for (doc, *_), text in zip(rows, texts):
        by_document[doc].append(text)
    for doc, found in by_document.items():
        assert found == split_sentences(clean(read_document(CORPUS / doc))), doc


def _write(tmp_path, *rows):
    path = tmp_path / "validation.tsv"
    path.write_text("\n".join(rows) + "\n", "utf-8")
    return path


@pytest.mark.parametrize("row, message", [
    ("a.txt\tx\t0123456789\ttesting", "validation.tsv:2: expected a document, a sentence number"),
    ("a.txt\t0\t0123456789\ttestin", "validation.tsv:2: unknown label id 'testin'"),
    ("a.txt\t0\t0123456789\tother|testing", "validation.tsv:2: 'other' is never combined"),
    ("a.txt\t0\t0123456789", "validation.tsv:2: expected a document"),
])
def test_bad_rows_name_file_and_line(tmp_path, row, message):
    path = _write(tmp_path, "doc\tindex\thash\tlabels", row)
    with pytest.raises(accuracy.ValidationSetError, match=message):
        accuracy.validation_rows(path)


@pytest.mark.parametrize("make, message", [
    (lambda path: None, "cannot be read \\(No such file"),
    (lambda path: path.mkdir(), "cannot be read \\(Is a directory"),
    (lambda path: path.write_bytes("doc\tindex\thash\tlabels\n".encode() + "标签".encode("gbk")), "not UTF-8 text"),
], ids=["missing", "directory", "gbk"])
@needs_shared
def test_a_labels_file_that_cannot_be_read_is_named(tmp_path, capsys, make, message):
    path = tmp_path / "mine.tsv"
    make(path)
    with pytest.raises(accuracy.ValidationSetError, match=f"mine.tsv: {message}"):
        accuracy.validation_rows(path)
    # the command says so in one line instead of a traceback
    assert accuracy.main(["--on", "validation", "--labels", str(path), "--shared", str(SHARED)]) == 2
    assert f"mine.tsv: {message.split(' ')[0]}" in capsys.readouterr().err


def test_a_wrong_header_is_reported(tmp_path):
    with pytest.raises(accuracy.ValidationSetError, match="validation.tsv:1: the header must be"):
        accuracy.validation_rows(_write(tmp_path, "text\tlabels", "x\ttesting"))


@needs_shared
@needs_corpus
def test_a_changed_or_missing_sentence_is_reported(tmp_path):
    doc, index, digest, labels, _ = accuracy.validation_rows()[0]
    stale = _write(tmp_path, "doc\tindex\thash\tlabels", f"{doc}\t{index}\t0000000000\t{labels}")
    with pytest.raises(accuracy.ValidationSetError, match=rf"validation.tsv:2: sentence {index} of {doc}"):
        accuracy.resolve(accuracy.validation_rows(stale), CORPUS, stale)
    gone = _write(tmp_path, "doc\tindex\thash\tlabels", f"no/such.txt\t0\t{digest}\t{labels}")
    with pytest.raises(accuracy.ValidationSetError, match="validation.tsv:2: .*such.txt"):
        accuracy.resolve(accuracy.validation_rows(gone), CORPUS, gone)


@needs_shared
@needs_corpus
def test_a_shifted_sentence_number_still_finds_its_sentence(tmp_path):
    doc, index, digest, labels, _ = accuracy.validation_rows()[5]
    shifted = _write(tmp_path, "doc\tindex\thash\tlabels", f"{doc}\t{index + 2}\t{digest}\t{labels}")
    found = accuracy.resolve(accuracy.validation_rows(shifted), CORPUS, shifted)
    assert found == [split_sentences(clean(read_document(CORPUS / doc)))[index]]


def test_sentences_take_the_labels_of_their_own_place_in_the_tagged_document(tmp_path):
    pairs = ([(f"第{k}区开展全员核酸检测。", "testing") for k in range(8)]
             + [(f"第{k}区加快疫苗接种。", "vaccination") for k in range(8)]
             + [(f"第{k}版权所有。", "other") for k in range(8)])
    # without the naive-Bayes scale, whose ratios on 24 sentences tilt a sentence of
    # unseen words towards one label: it must be read as other alone for the test to tell
    # a reading in the document from one alone
    model = measures.train(pairs, min_df=1, thresholds=0.5, nb_power=0)
    # words the model never saw: alone it reads them as other, in a document their
    # neighbours decide
    unknown = "甲乙丙丁戊。"
    testing, vaccination = "全区开展全员核酸检测。各区开展核酸检测。", "各区加快疫苗接种。全区加快疫苗接种。"
    (tmp_path / "doc.txt").write_text(testing + unknown + testing + vaccination + unknown + vaccination, "utf-8")
    texts = [unknown, unknown, "全区开展全员核酸", "甲乙丙丁戊。"]
    documents = ["doc.txt", "doc.txt", "doc.txt", "absent.txt"]
    labels, found = accuracy.in_documents(model, texts, documents, [tmp_path])
    # the sentence said twice takes each place in turn; one cut differently and one
    # without its document are read alone
    assert labels == ["testing", "vaccination", model.predict(["全区开展全员核酸"])[0], "other"]
    assert found == 2


def test_margins_resample_whole_documents():
    gold = ["testing", "other", "supply|economy", "testing", "other", "economy"]
    documents = ["a", "a", "b", "b", "c", "c"]
    right = list(gold)
    wrong = ["other", "testing", "economy", "other", "testing", "supply"]
    report = accuracy.margins(gold, documents, {"good": right, "same": right, "bad": wrong}, resamples=50)
    lines = report.splitlines()
    assert "3 documents" in lines[0]
    # identical predictions: no lead and no spread on any resampling
    assert "macro-F1 +0.000 [+0.000, +0.000]" in lines[1]
    # every label right against every primary label wrong: a full lead on every resampling
    assert "primary accuracy +1.000 [+1.000, +1.000]" in lines[2]


def test_primary_errors_are_split_into_wrong_order_and_missing_label():
    gold = ["testing|tracing", "supply|economy", "other", "economy", "tracing"]
    predicted = {"a": ["tracing|testing", "supply", "testing", "supply|economy", "other"],
                 "b": gold}
    lines = accuracy.primary_errors(gold, predicted).splitlines()
    # a: testing given second (order), economy given second (order); other and tracing not given
    assert lines[1].split()[-2:] == ["2", "0"] and lines[2].split()[-2:] == ["2", "0"]
    # other -> testing and tracing -> other: two of a's four errors have other on one side
    assert lines[3].split()[-2:] == ["2", "0"]


def test_primary_errors_read_label_rows_as_the_scores_do():
    # "testing | tracing" is testing and tracing to scores(), and so to the split of its
    # errors: a row right in primary accuracy is no primary-label error
    gold = ["testing | tracing", " supply|economy", "other"]
    predicted = {"a": ["testing|tracing", "economy|supply", "other"]}
    assert measures.evaluation.scores(gold, predicted["a"])["primary_accuracy"] == 2 / 3
    lines = accuracy.primary_errors(gold, predicted).splitlines()
    # one error (supply given second), counted as wrong order, with other on neither side
    assert [line.split()[-1] for line in lines[1:]] == ["1", "0", "0"]


def test_a_blank_line_in_the_dev_file_does_not_shift_the_documents(tmp_path):
    # read_labelled skips a line of blanks (an empty spreadsheet row, "\t\t"); the doc
    # column must skip it too, or every later sentence is paired with the wrong document
    dev = _write(tmp_path, "text\tlabels\tdoc", "全市开展核酸检测。\ttesting\ta/1.txt", "\t\t", "\t \t",
                 "加强冷链物品检测。\tborder_import|testing\tb/2.txt")
    assert len(read_labelled(dev).texts) == 2
    assert accuracy._column(dev, "doc") == ["a/1.txt", "b/2.txt"]


def test_a_dev_row_without_its_doc_cell_is_named(tmp_path):
    dev = _write(tmp_path, "text\tlabels\tdoc", "全市开展核酸检测。\ttesting\ta/1.txt", "加强冷链物品检测。\tborder_import")
    with pytest.raises(accuracy.ValidationSetError, match=r"validation.tsv:3: no 'doc' cell"):
        accuracy._column(dev, "doc")


def test_collections_are_scored_apart_by_folder():
    gold = ["testing", "supply|economy", "other", "economy", "tracing"]
    documents = ["news/a.txt", "news/b.txt", "seeds/c.txt", "seeds/c.txt", "web/d.txt"]
    predicted = ["testing", "supply", "testing", "economy|supply", "other"]
    lines = accuracy.by_source(gold, documents, {"model": predicted}).splitlines()
    rows = {line.split()[0]: line.split()[1:] for line in lines[2:]}
    assert list(rows) == ["news", "seeds", "web"]
    # sentences, documents, micro-F1 / primary accuracy
    assert rows["news"] == ["2", "2", "0.800", "/", "1.000"]
    assert rows["seeds"] == ["2", "1", "0.400", "/", "0.500"]
    assert rows["web"] == ["1", "1", "0.000", "/", "0.000"]


def test_record_names_the_command_that_scores_the_same_model_again():
    assert accuracy.record_command("dev", None, str(accuracy.SHARED)) == "python benchmarks/accuracy.py --on dev --record"
    assert accuracy.record_command("validation", "my model", "/data/shared") == (
        "python benchmarks/accuracy.py --on validation --model 'my model' --shared /data/shared --record")


def test_record_refuses_other_labels_before_any_work(tmp_path, capsys):
    other = _write(tmp_path, "doc\tindex\thash\tlabels", "a.txt\t0\t0123456789\tother")
    assert accuracy.main(["--on", "validation", "--labels", str(other), "--record",
                          "--shared", str(tmp_path / "absent")]) == 2
    assert "--record scores against the committed labels only" in capsys.readouterr().err


def test_a_dev_file_without_its_doc_column_is_named(tmp_path, capsys):
    # a dev set given with --shared whose header lacks the documents: one line, no traceback
    (tmp_path / "dev").mkdir()
    (tmp_path / "corpus").mkdir()
    (tmp_path / "annotation-guide.md").write_text("# guide\n", "utf-8")
    dev = tmp_path / "dev" / "sentences.tsv"
    dev.write_text("text\tlabels\n全市开展核酸检测。\ttesting\n", "utf-8")
    assert accuracy.main(["--shared", str(tmp_path)]) == 2
    assert capsys.readouterr().err == f"accuracy: {dev}:1: no 'doc' column in the header\n"


@needs_shared
@needs_corpus
def test_other_labels_and_another_model_are_scored_beside_the_shipped_model(tmp_path, capsys):
    rows = accuracy.validation_rows()
    doc = rows[0][0]
    kept = [r for r in rows if r[0] == doc]
    # the sentences of one document, every label turned to other
    relabelled = _write(tmp_path, "doc\tindex\thash\tlabels",
                        *[f"{d}\t{i}\t{h}\tother" for d, i, h, _, _ in kept])
    shipped = str(ROOT / "models" / "policy-measures-zh")
    assert accuracy.main(["--on", "validation", "--labels", str(relabelled), "--model", shipped,
                          "--against", shipped]) == 0
    out = capsys.readouterr().out
    assert str(relabelled) in out and f"{len(kept)} sentences of 1 shared/corpus documents" in out
    # the same model as --against: its column equals --model's, and its lead is nil
    assert re.search(r"--against model +macro-F1 \+0\.000 \[\+0\.000, \+0\.000\]", out)
    # a model given with --model is named so, not as the shipped model, whatever it is
    assert "--model model minus each baseline" in out and "shipped model" not in out


@needs_shared
@needs_corpus
def test_labels_saved_by_one_run_are_compared_in_another_and_only_for_the_same_sentences(tmp_path, capsys):
    rows = accuracy.validation_rows()
    first, second = rows[0][0], next(r[0] for r in rows if r[0] != rows[0][0])

    def one_document(doc):
        return _write(tmp_path, "doc\tindex\thash\tlabels",
                      *[f"{d}\t{i}\t{h}\t{labels}" for d, i, h, labels, _ in rows if d == doc])

    saved = tmp_path / "saved.json"
    assert accuracy.main(["--on", "validation", "--labels", str(one_document(first)),
                          "--save-labels", str(saved)]) == 0
    capsys.readouterr()
    assert accuracy.main(["--on", "validation", "--labels", str(one_document(first)),
                          "--against-labels", str(saved)]) == 0
    # the same model's labels: the lead over them is nil on every resampling
    assert re.search(r"--against-labels +macro-F1 \+0\.000 \[\+0\.000, \+0\.000\]", capsys.readouterr().out)
    assert accuracy.main(["--on", "validation", "--labels", str(one_document(second)),
                          "--against-labels", str(saved)]) == 2
    assert f"{saved}: labels of different sentences" in capsys.readouterr().err
    saved.write_text("text\tlabels\n", "utf-8")  # a labelled file given by mistake
    assert accuracy.main(["--on", "validation", "--labels", str(one_document(first)),
                          "--against-labels", str(saved)]) == 2
    assert f"{saved}: not labels written by --save-labels" in capsys.readouterr().err


@pytest.mark.parametrize("change, message", [
    ("C=-1", "C=-1: C must be a finite positive number"),
    ("word_ngrams=[2,1]", "word_ngrams=\\[2, 1\\]: word_ngrams must be None or"),
    ("--jobs=0", "--jobs: n_jobs must be"),
    ("n_jobs=0", "n_jobs=0: n_jobs must be"),
])
def test_settings_refuses_a_bad_value_before_training(capsys, change, message):
    # checked before the shared material is even looked for, so before any training
    assert settings.main([change, "--shared", "/nowhere"]) == 2
    assert re.search(message, capsys.readouterr().err)


@pytest.mark.parametrize("change", ["foo=1", "C=x"])
def test_settings_names_a_setting_it_cannot_read(capsys, change):
    with pytest.raises(SystemExit) as exit:
        settings.main([change])
    assert exit.value.code == 2 and f"{change!r}" in capsys.readouterr().err


def _shipped_on_one_document(tmp_path, capsys):
    """A validation file of the first document's rows, and the shipped model's macro-F1,
    primary accuracy and micro-F1 on it as accuracy.py prints them."""
    rows = accuracy.validation_rows()
    doc = rows[0][0]
    labels = _write(tmp_path, "doc\tindex\thash\tlabels",
                    *[f"{d}\t{i}\t{h}\t{labels}" for d, i, h, labels, _ in rows if d == doc])
    assert accuracy.main(["--on", "validation", "--labels", str(labels)]) == 0
    table = capsys.readouterr().out
    return labels, [re.search(rf"^{title} +(\d\.\d+)", table, re.M).group(1)
                    for title in ("macro-F1", "primary accuracy", "micro-F1")]


@needs_shared
@needs_corpus
def test_settings_scores_the_defaults_as_the_shipped_model_and_changes_by_difference(tmp_path, capsys):
    labels, shipped = _shipped_on_one_document(tmp_path, capsys)
    assert settings.main(["min_df=3", "--labels", str(labels), "--jobs", "2"]) == 0
    out = capsys.readouterr().out.splitlines()
    defaults = next(line for line in out if line.startswith("defaults"))
    changed = next(line for line in out if line.startswith("min_df=3"))
    # the shipped model is the defaults trained on the bundled corpus
    assert defaults.split()[1:6:2] == shipped
    assert re.match(r"min_df=3 +[+-]\d\.\d{3} / [+-]\d\.\d{3} / [+-]\d\.\d{3} ", changed)


def test_the_smoothed_threshold_takes_a_broad_top_over_a_spike():
    # F1 by threshold: a spike at 0.3 (one point high) and a plateau from 0.6 to 0.7 a little lower
    grid = np.arange(0.15, 0.86, 0.025)
    curve = np.where(np.isclose(grid, 0.3), 0.9, np.where((grid > 0.599) & (grid < 0.701), 0.85, 0.2))
    assert grid[np.argmax(curve)] == pytest.approx(0.3)
    assert threshold_stability.smoothed_top(grid, curve, 0.05) == pytest.approx(0.65)
    assert threshold_stability.smoothed_top(grid, curve, 0.0) == pytest.approx(0.3)


@pytest.mark.parametrize("args, message", [
    (["--fractions", "1"], "'1' is not a fraction above 0 and below 1"),
    (["--fractions", "half"], "'half' is not a fraction"),
    (["--repeats", "0"], "--repeats must be at least 1"),
    (["--jobs", "0"], "--jobs or a setting: n_jobs must be"),
    (["nb_power=2"], "--jobs or a setting: nb_power must be a number from 0 to 1, got 2"),
    (["nb_pwr=0"], "'nb_pwr=0' is not SETTING=VALUE"),
])
def test_learning_curve_refuses_bad_arguments_before_training(capsys, args, message):
    with pytest.raises(SystemExit) as exit:
        learning_curve.main([*args, "--shared", "/nowhere"])
    assert exit.value.code == 2 and message in capsys.readouterr().err


@needs_shared
@needs_corpus
def test_learning_curve_names_a_part_too_small_to_train_on(capsys):
    assert learning_curve.main(["--fractions", "0.0002", "--repeats", "1", "--jobs", "1", "nb_power=0", "C=1"]) == 2
    out, err = capsys.readouterr()
    assert re.search(r"learning_curve: a part of \d+ sentences: too few sentences to train on", err)
    assert "settings: nb_power=0, C=1" in out.splitlines()


@needs_shared
@needs_corpus
def test_learning_curve_ends_with_the_shipped_model_on_the_whole_corpus(tmp_path, capsys):
    labels, figures = _shipped_on_one_document(tmp_path, capsys)
    shipped = " / ".join(figures)
    assert learning_curve.main(["--fractions", "0.1", "--repeats", "2", "--labels", str(labels), "--jobs", "2"]) == 0
    out = capsys.readouterr().out.splitlines()
    size = len(measures.load_training_data())
    part = next(line.split() for line in out if line.strip().startswith(f"{round(0.1 * size)} "))
    whole = next(line.split() for line in out if line.strip().startswith(f"{size} "))
    # two random parts: their mean and the range of macro-F1 and primary accuracy
    assert re.fullmatch(r"\[\d\.\d{3}–\d\.\d{3},", part[6]) and re.fullmatch(r"\d\.\d{3}–\d\.\d{3}\]", part[7])
    assert " ".join(whole[1:6]) == shipped  # the whole corpus with the defaults is the shipped model


@pytest.mark.parametrize("short, expected", [(20, [0.8, 0.4, 0.2, 0.2]), (40, [1.0, 0.8, 0.2, 0.2])])
def test_the_adaptive_context_raises_only_short_sentences_weights_up_to_one(short, expected):
    texts = ["三是“帮”", "二是做好用工的对接。", "本区已为二十余家外贸企业办理出口退税三千多万元，并为六家物流企业发放一次性运营补贴共计四百万元。", "长" * 100]
    assert [len(t) for t in texts[:2]] == [5, 10] and len(texts[2]) > 40
    assert context.adaptive_weights(texts, 0.2, short).tolist() == pytest.approx(expected)


def test_the_context_benchmark_retells_a_document_as_tag_does_at_the_same_weight():
    text = ("某区出台八条举措帮扶中小企业渡过难关。\n一是“减”。\n对受疫情影响的小微企业减免三个月房租，降低水电气费用。\n"
            "二是“帮”。\n人社部门上门对接企业用工需求，一周内办结稳岗补贴。\n三是“返”。\n"
            "失业保险稳岗返还政策今年继续实施，返还比例最高提至90%。\n会议强调，当前疫情形势依然严峻复杂。")
    retold = context.Retold(measures.load_model())
    tagged = {}
    for weight in (0.0, 0.2, 0.5):
        model = measures.load_model()
        model.context = weight
        tagged[weight] = [s.labels for s in model.tag(text).sentences]
        retold.weigh = lambda texts, w=weight: np.full(len(texts), w)
        assert [s.labels for s in retold.tag(text).sentences] == tagged[weight]
    retold.weigh = lambda texts: context.adaptive_weights(texts, 0.2, 1000)  # every sentence at 1
    leaning = [s.labels for s in retold.tag(text).sentences]
    model.context = 1.0
    assert leaning == [s.labels for s in model.tag(text).sentences]
    # Points whose measure only their neighbours name (一是“减”。) are `other` read alone; leaning
    # on their neighbours, some become `economy`. Which ones depends on the model, so the test
    # asks only that the weight moves some point from `other` to `economy`, and only points,
    # each the document's way: to `economy`, or to `other` where a point read alone as another
    # measure loses it (三是“返”。, 返 as in travellers returning, has been `border_import`).
    moved = [i for i, (alone, leant) in enumerate(zip(tagged[0.0], leaning)) if alone[0] != leant[0]]
    assert moved and set(moved) <= {1, 3, 5}
    assert any(tagged[0.0][i][0] == "other" and leaning[i][0] == "economy" for i in moved)
    assert all(leaning[i][0] == "economy" or tagged[0.0][i][0] not in ("economy", "other") for i in moved)


def test_primary_order_places_each_measure_where_the_sentence_names_it():
    model = measures.load_model()
    sentence = clean("统筹抓好核酸筛查、流调追踪、人员转运和环境消杀。")  # the guide's rule 3
    places = dict(zip(model.classes, primary_order.evidence_places(model, sentence, "half")))
    assert places["testing"] < places["tracing"] < places["isolation_transfer"] < places["disinfection"] < 1


def test_primary_order_changes_only_which_given_label_comes_first():
    text = ("统筹抓好核酸筛查、流调追踪、人员转运和环境消杀。\n会议强调，当前疫情形势依然严峻复杂。\n"
            "各隔离点要每日对公共区域进行消毒。\n全市新增本土确诊病例5例。")
    shipped = measures.load_model().tag(text).sentences
    model = measures.load_model()
    model.__class__ = primary_order.Reordered
    model.where, model.weight = "half", 0.0
    assert [s.labels for s in model.tag(text).sentences] == [s.labels for s in shipped]
    model.weight = 1000.0
    reordered = model.tag(text).sentences
    assert [sorted(s.labels) for s in reordered] == [sorted(s.labels) for s in shipped]
    assert reordered[0].labels[0] == "testing" != shipped[0].labels[0]
    # the place named first leads, where our labels read the measure done (docs/labelling.md)
    assert reordered[2].labels == ("isolation_transfer", "disinfection") == shipped[2].labels[::-1]
    assert [reordered[k].labels for k in (1, 3)] == [shipped[k].labels for k in (1, 3)] == [("other",), ("case_report",)]


@needs_shared
def test_an_empty_model_name_is_said_not_a_traceback(capsys):
    assert accuracy.main(["--on", "dev", "--model", ""]) == 2
    assert "accuracy: the model path (None: the shipped model) is empty" in capsys.readouterr().err
