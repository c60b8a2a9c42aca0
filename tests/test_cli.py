import codecs
import csv
import gzip
import hashlib
import io
import json
import os
import pty
import re
import shlex
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

import measures
from measures.persistence import shipped_model_path

from conftest import EXAMPLES, measures_command, needs_shared, run_cli, seed_files

SPEECH = EXAMPLES / "speech_deployment_meeting.txt"


def test_tag_prints_a_readable_summary():
    result = run_cli("tag", SPEECH)
    assert result.returncode == 0, result.stderr.decode()
    out = result.stdout.decode()
    assert out.startswith(f"{SPEECH}: ")
    assert "核酸检测 testing" in out and "隔离转运 isolation_transfer" in out


def test_tag_several_documents_ends_with_a_comparison():
    out = run_cli("tag", *sorted(EXAMPLES.glob("*.txt"))).stdout.decode()
    table = out[out.rindex("\ncategory"):].splitlines()[1:]
    assert table[-1].startswith("sentences") and len(table[-1].split()) == 4  # one column a document
    assert any(line.startswith("核酸检测 testing") for line in table)


def test_tag_json_from_stdin():
    result = run_cli("tag", "-", "--format", "json", stdin="全市开展全员核酸检测。对密接人员集中隔离。".encode())
    documents = json.loads(result.stdout)
    assert documents[0]["source"] == "<stdin>"
    assert [s["labels"][0] for s in documents[0]["sentences"]] == ["testing", "isolation_transfer"]
    assert documents[0]["summary"]["categories"]["testing"]["count"] == 1


def test_csv_opens_as_a_table(tmp_path):
    out = tmp_path / "out.csv"
    assert run_cli("tag", SPEECH, "--format", "csv", "--bom", "-o", out).returncode == 0
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows and {"source", "primary", "labels_zh", "oxcgrt", "score_testing", "text"} <= set(rows[0])
    assert [row["sentence"] for row in rows[:3]] == ["0", "1", "2"]  # as doc.sentences[i]; the report counts from 1


def test_one_bad_file_does_not_stop_the_others(tmp_path):
    bad = tmp_path / "scan.txt"
    bad.write_bytes(bytes(range(256)) * 10)
    out = tmp_path / "out.jsonl"
    result = run_cli("tag", SPEECH, bad, tmp_path / "missing.txt", "--format", "jsonl", "-o", out)
    assert result.returncode == 1
    err = result.stderr.decode()
    assert "scan.txt: binary" in err and "missing.txt: no such file" in err
    lines = out.read_text("utf-8").splitlines()
    assert len(lines) == 1 and json.loads(lines[0])["source"] == str(SPEECH)


@pytest.mark.parametrize("command, verb", [(["train", "-o", "model"], "trains on"), (["evaluate"], "scores")])
def test_bad_labelled_data_is_refused_by_line_with_the_way_on(tmp_path, command, verb):
    data = tmp_path / "mine.tsv"
    data.write_text("text\tlabels\n全市开展核酸检测。\ttesting\n加强隔离。\tisolaton\n", "utf-8")
    result = run_cli(command[0], data, *[tmp_path / arg if arg == "model" else arg for arg in command[1:]])
    assert result.returncode == 1
    assert f"{data}:3: unknown label id 'isolaton'; did you mean 'isolation_transfer'?" in result.stderr.decode()
    assert result.stderr.decode().endswith(f"(--skip-bad-rows {verb} the other rows)\n")
    assert not (tmp_path / "model").exists()


HEADER_HINT = "(--skip-bad-rows leaves out bad rows, not a whole file that cannot be used)"


@pytest.mark.parametrize("content, message, hint", [
    ("text,labels\n全市开展核酸检测。,testing\n".encode(), "mine.tsv:1: header must name the columns", HEADER_HINT),
    ("全市开展核酸检测。\ttesting\n".encode(), "mine.tsv:1: header must name the columns", HEADER_HINT),
    # an unreadable file stops the reading before any row: no hint about rows at all
    ("text\tlabels\n全市开展核酸检测。\ttesting\n".encode("gbk"), "mine.tsv:2: not UTF-8 text", None),
], ids=["comma-separated", "no-header", "gbk"])
def test_skipping_bad_rows_does_not_drop_a_whole_file(tmp_path, content, message, hint):
    data = tmp_path / "mine.tsv"
    data.write_bytes(content)
    result = run_cli("train", "bundled", data, "--skip-bad-rows", "-o", tmp_path / "model")
    err = result.stderr.decode()
    # refused, not trained on the bundled corpus alone, and no advice to do what was done
    assert result.returncode == 1 and message in err and "trained on" not in result.stdout.decode()
    assert "(--skip-bad-rows trains on the other rows)" not in err
    assert err.endswith(f"{hint}\n") if hint else "--skip-bad-rows" not in err
    assert not (tmp_path / "model").exists()


def test_train_then_evaluate_and_explain(tmp_path):
    data = tmp_path / "mine.tsv"
    # each sentence in four places: copies of one sentence would count once
    rows = [f"{place}{row}" for place in ("", "东区", "西区", "南区")
            for row in ["全市开展核酸检测。\ttesting", "对密接人员集中隔离。\tisolation_transfer",
                        "分享到微信\tother", "组织核酸采样。\ttesting", "转运至隔离点。\tisolation_transfer",
                        "版权所有\tother"]]
    data.write_text("text\tlabels\n" + "\n".join(rows) + "\n", "utf-8")
    trained = run_cli("train", data, "-o", tmp_path / "model")
    assert trained.returncode == 0
    # a model of one's own file alone lacks the labels it has no sentence of: said, not hidden
    missing = "vaccination, border_import, case_report, organization, publicity, economy; the model will never give them"
    said = trained.stderr.decode()
    assert "measures: warning: no sentence is labelled disinfection, supply, medical_treatment, community_control, " \
           "tracing, " + missing in said
    assert said.count("no sentence is labelled") == 1 and "Warning" not in said  # measures.train's, said once
    result = run_cli("evaluate", data, "--model", tmp_path / "model", "--format", "json")
    assert json.loads(result.stdout)["macro_f1"] > 0.9
    # scored on its own training file: the figures are flattered, and the user is told,
    # under any name, and under its name when a spreadsheet saved it again
    said = f"note: the model was trained on {data} (the same bytes): these figures say how it fits"
    assert said in result.stderr.decode()
    copy = tmp_path / "test_set.tsv"
    copy.write_bytes(data.read_bytes())
    assert "trained on " + str(copy) + " (the same bytes)" in run_cli("evaluate", copy, "--model",
                                                                       tmp_path / "model").stderr.decode()
    excel = tmp_path / "excel" / "mine.tsv"
    excel.parent.mkdir()
    excel.write_bytes(data.read_bytes().replace(b"\n", b"\r\n"))
    assert "note: the model was trained on 24 of the 24 sentences scored: " in run_cli(
        "evaluate", excel, "--model", tmp_path / "model").stderr.decode()
    # a model that keeps no hashes of its sentences knows the file by its name
    assert run_cli("train", data, "-o", tmp_path / "private", "--no-training-keys").returncode == 0
    assert f"trained on {excel} (by its name, mine.tsv; if it is that file)" in run_cli(
        "evaluate", excel, "--model", tmp_path / "private").stderr.decode()
    assert "note:" not in run_cli("evaluate", data).stderr.decode()  # the shipped model was not
    # the shipped model, trained on the bundled corpus, knows its sentences under any file's
    # name, and a file named as one of its files is not taken for it
    corpus = measures.load_training_data()
    bundled = tmp_path / "other.tsv"
    bundled.write_text("text\tlabels\n" + "".join(f"{text}\t{labels}\n" for text, labels in
                                                   zip(corpus.texts[:12], corpus.y[:12])) + "东湖区开展核酸检测。\ttesting\n",
                       "utf-8")
    noted = run_cli("evaluate", bundled).stderr.decode()
    assert noted.count("note:") == 1
    assert "note: the model was trained on 12 of the 13 sentences scored (of the bundled corpus)" in noted
    assert "of which not trained on (1 sentence)" in run_cli("evaluate", bundled).stdout.decode()
    bundled.write_text("text\tlabels\n" + "".join(f"{text}\t{labels}\n" for text, labels in
                                                   zip(corpus.texts[:9], corpus.y[:9]))
                       + "".join(f"东湖区第{k}小区开展核酸检测。\ttesting\n" for k in range(10)), "utf-8")
    # 9, under half of those scored, are too few to flatter a figure
    assert "note:" not in run_cli("evaluate", bundled).stderr.decode()
    # a model saved before models recorded their files' sha256 (or their sentences'
    # hashes): known by the file's name
    config = tmp_path / "private" / "config.json"
    recorded = json.loads(config.read_text("utf-8"))
    del recorded["training_data"]["file_sha256"]
    config.write_text(json.dumps(recorded), "utf-8")
    assert f"trained on {data} (by its name, mine.tsv; if it is that file)" in run_cli(
        "evaluate", data, "--model", tmp_path / "private").stderr.decode()
    # a model whose config records its training data otherwise still scores, its sentences
    # known by the hashes its weights keep
    config = tmp_path / "model" / "config.json"
    config.write_text(json.dumps({**json.loads(config.read_text("utf-8")), "training_data": "our corpus, 2023"}), "utf-8")
    edited = run_cli("evaluate", data, "--model", tmp_path / "model")
    assert edited.returncode == 0 and "macro-F1" in edited.stdout.decode()
    assert "note: the model was trained on 24 of the 24 sentences scored: " in edited.stderr.decode()
    explained = run_cli("explain", "组织全员核酸采样。", "--model", tmp_path / "model").stdout.decode()
    assert "labels: testing" in explained and "because of" in explained


def test_evaluate_knows_a_model_s_training_sentences_in_any_file(tmp_path):
    """A model scored on its own training sentences copied into another file (another
    name, another order) is said to be, with the figures on the sentences it was not
    trained on; new sentences, or a few stock lines among them, are not."""
    rows = [f"{place}{row}" for place in ("", "东区", "西区", "南区")
            for row in ["全市开展核酸检测。\ttesting", "对密接人员集中隔离。\tisolation_transfer",
                        "分享到微信\tother", "组织核酸采样。\ttesting", "转运至隔离点。\tisolation_transfer",
                        "版权所有\tother"]]
    data = tmp_path / "mine.tsv"
    data.write_text("text\tlabels\n" + "\n".join(rows) + "\n", "utf-8")
    assert run_cli("train", data, "-o", tmp_path / "model").returncode == 0
    copied = tmp_path / "held_out.tsv"
    # a copy in another order, a space after each sentence, and two sentences that are new
    copied.write_text("text\tlabels\n" + "\n".join(reversed(rows)).replace("。", "。 ") + "\n"
                      "北区开展核酸检测。\ttesting\n北区对密接人员集中隔离。\tisolation_transfer\n", "utf-8")
    result = run_cli("evaluate", copied, "--model", tmp_path / "model")
    err = result.stderr.decode()
    assert result.returncode == 0 and err.count("note:") == 1
    assert "note: the model was trained on 24 of the 26 sentences scored: these figures say how it fits" in err
    out = result.stdout.decode()
    assert "sentences 26 " in out and "of which not trained on (2 sentences)\nsentences 2 " in out
    figures = json.loads(run_cli("evaluate", copied, "--model", tmp_path / "model", "--format", "json").stdout)
    assert figures["sentences"] == 26 and figures["not_trained_on"]["sentences"] == 2
    # every sentence trained on: no figures on new ones to give
    assert json.loads(run_cli("evaluate", data, "--model", tmp_path / "model", "--format", "json").stdout
                      )["not_trained_on"] is None
    # new sentences with two stock lines the training file has too: no note, one set of figures
    new = tmp_path / "new.tsv"
    new.write_text("text\tlabels\n版权所有\tother\n分享到微信\tother\n" + "".join(
        f"{place}开展核酸检测。\ttesting\n{place}对密接人员集中隔离。\tisolation_transfer\n"
        for place in ("北区", "中区", "新区")), "utf-8")
    fresh = run_cli("evaluate", new, "--model", tmp_path / "model", "--format", "json")
    assert fresh.returncode == 0 and "note:" not in fresh.stderr.decode()
    assert "not_trained_on" not in json.loads(fresh.stdout)
    # saved without them: known by its files' checksums and names alone, as before
    trained = run_cli("train", data, "-o", tmp_path / "private", "--no-training-keys")
    assert trained.returncode == 0
    with np.load(tmp_path / "private" / "weights.npz") as arrays:
        assert "training_keys" not in arrays.files
    assert "note:" not in run_cli("evaluate", copied, "--model", tmp_path / "private").stderr.decode()
    assert f"trained on {data} (the same bytes)" in run_cli("evaluate", data, "--model",
                                                            tmp_path / "private").stderr.decode()
    # a folder of an earlier measures, whose weights.npz holds no such array, loads and scores as before
    weights = tmp_path / "model" / "weights.npz"
    with np.load(weights) as stored:
        kept = {name: stored[name] for name in stored.files if name != "training_keys"}
    np.savez_compressed(weights, **kept)
    config = json.loads((tmp_path / "model" / "config.json").read_text("utf-8"))
    config["weights_sha256"] = hashlib.sha256(weights.read_bytes()).hexdigest()
    (tmp_path / "model" / "config.json").write_text(json.dumps(config), "utf-8")
    old = run_cli("evaluate", copied, "--model", tmp_path / "model")
    assert old.returncode == 0 and "macro-F1" in old.stdout.decode() and "note:" not in old.stderr.decode()
    assert f"trained on {data} (the same bytes)" in run_cli("evaluate", data, "--model",
                                                            tmp_path / "model").stderr.decode()


def test_new_sentences_in_a_file_named_as_the_training_file_are_not_taken_for_it(tmp_path):
    # each round of the labelling loop is a to_label.tsv: the model of round 1, scored on
    # round 2's new sentences, was said to be trained on them "by its name", and the figures
    # "of which not trained on" were all of them again; its sentences' hashes say it was not
    rows = ["全市开展核酸检测。\ttesting", "对密接人员集中隔离。\tisolation_transfer", "分享到微信\tother"]
    first, second = tmp_path / "round1" / "to_label.tsv", tmp_path / "round2" / "to_label.tsv"
    for path, places in ((first, ("", "东区", "西区", "南区")), (second, ("北区", "中区", "新区", "老区"))):
        path.parent.mkdir()
        path.write_text("text\tlabels\n" + "".join(f"{place}{row}\n" for place in places for row in rows), "utf-8")
    assert run_cli("train", first, "-o", tmp_path / "model").returncode == 0
    result = run_cli("evaluate", second, "--model", tmp_path / "model")
    assert result.returncode == 0 and "note:" not in result.stderr.decode()
    assert "not trained on" not in result.stdout.decode()
    # its own file, saved again in other bytes, is still said to be, by its sentences
    first.write_text(first.read_text("utf-8").replace("\n", "\r\n"), "utf-8")
    assert "note: the model was trained on 12 of the 12 sentences scored: " in run_cli(
        "evaluate", first, "--model", tmp_path / "model").stderr.decode()


def test_explain_shows_the_sentence_as_read_and_refuses_one_normalisation_empties():
    shown = run_cli("explain", "全市開展12輪核酸檢測。", "□□□").stdout.decode().splitlines()
    assert shown[:2] == ["全市開展12輪核酸檢測。", "  read as: 全市开展0轮核酸检测。"]
    # a line of marks has no term the model knows: its label is the bias's
    assert "  other because of: no term of the sentence; the label's bias" in shown
    refused = run_cli("explain", "&nbsp;")
    assert refused.returncode == 2 and "'&nbsp;' is empty once normalised" in refused.stderr.decode()


def test_untrusted_pickle_model_is_refused(tmp_path):
    fake = tmp_path / "model.joblib"
    fake.write_bytes(b"not even a pickle")
    result = run_cli("tag", SPEECH, "--model", fake)
    assert result.returncode == 1 and "--trust" in result.stderr.decode()


def test_version_and_help():
    assert run_cli("--version").stdout.decode().startswith("measures ")
    assert "examples:" in run_cli("tag", "--help").stdout.decode()


@needs_shared
def test_seeds_as_json_have_no_chrome_pinyin_or_traditional():
    from measures.cleaning import to_simplified

    result = run_cli("tag", *seed_files(), "--format", "json")
    assert result.returncode == 0, result.stderr.decode()
    documents = json.loads(result.stdout)
    assert len(documents) == 5
    chrome = re.compile(r"登录|注册|版权|ICP|公网安备|分享|回复|责任编辑|Powered|Copyright|相关文章|最新评论|许可证|报料|精品|在线播放")
    for document in documents:
        original = open(document["source"], encoding="utf-8").read()
        for s in document["sentences"]:
            assert not chrome.search(s["text"]), s["text"]
            assert original[s["start"]:s["end"]].strip()
    seed_002 = next(d for d in documents if "002_" in d["source"])
    for s in seed_002["sentences"]:
        assert not re.search(r"[āáǎàēéěèīíǐìōóǒòūúǔù]", s["text"]), s["text"]
        assert to_simplified(s["text"]) == s["text"], s["text"]


def _stderr_on_a_terminal(*args):
    """Run the CLI with its stderr on a pseudo-terminal; return (status, what it showed)."""
    status, shown = _on_a_terminal(args, stdout=subprocess.DEVNULL, stderr=None)
    return status, shown.decode("utf-8", "replace")


def _on_a_terminal(args, env=None, **streams):
    """Run the CLI with the stream given as None on a pseudo-terminal and the other as
    given; return (status, the bytes the terminal got)."""
    leader, follower = pty.openpty()
    streams = {name: follower if stream is None else stream for name, stream in streams.items()}
    process = subprocess.Popen(measures_command() + [str(a) for a in args], env=env, **streams)
    os.close(follower)
    shown = b""
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # the terminal closes when the process ends
            break
        if not chunk:
            break
        shown += chunk
    os.close(leader)
    return process.wait(timeout=600), shown


def test_training_says_it_has_begun_on_a_terminal_only(tmp_path):
    data = tmp_path / "mine.tsv"
    data.write_text("text\tlabels\n" + "".join(f"{place}{text}\t{label}\n" for place in "东西南北" for text, label in [
        ("区开展全员核酸检测。", "testing"), ("区对密接人员集中隔离。", "isolation_transfer"),
        ("区新闻分享到微信", "other")]), "utf-8")
    args = ["train", data, "-o", tmp_path / "m", "--jobs", "1"]
    status, shown = _on_a_terminal(args, stdout=subprocess.DEVNULL, stderr=None)
    assert status == 0 and "measures: training on 12 sentences: cross-validating, then fitting ..." in shown.decode()
    assert "training on" not in run_cli(*args[:3], tmp_path / "m2", "--jobs", "1").stderr.decode()


def test_a_terminal_that_cannot_show_a_character_gets_a_question_mark(tmp_path):
    # a GBK terminal has no emoji: the summary is shown, not a traceback
    (tmp_path / "emoji.txt").write_text("全市开展核酸检测😀。各小区封闭管理。", "utf-8")
    status, shown = _on_a_terminal(["tag", tmp_path / "emoji.txt", "--format", "csv"],
                                   env=dict(os.environ, PYTHONIOENCODING="gbk"), stdout=None, stderr=subprocess.DEVNULL)
    assert status == 0
    assert "全市开展核酸检测?。" in shown.decode("gbk")


def test_progress_shows_on_a_terminal_only(tmp_path):
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text("".join(json.dumps({"id": f"d{i}", "text": f"第{i}次会议要求，全市开展核酸检测。"},
                                         ensure_ascii=False) + "\n" for i in range(45)), "utf-8")
    status, shown = _stderr_on_a_terminal("tag", corpus, "--format", "jsonl")
    assert status == 0
    assert "tagged 20 documents" in shown and "tagged 45 documents" in shown
    assert "characters/s" in shown
    status, shown = _stderr_on_a_terminal("tag", corpus, "--format", "jsonl", "--quiet")
    assert status == 0 and "tagged" not in shown
    piped = run_cli("tag", corpus, "--format", "jsonl")  # stderr is a pipe, not a terminal
    assert piped.returncode == 0 and b"tagged" not in piped.stderr
    # a bad line after the progress has shown: its message on a line of its own
    with corpus.open("a", encoding="utf-8") as more:
        more.write("not json\n" + json.dumps({"id": "last", "text": "加强生活物资保供。"}, ensure_ascii=False) + "\n")
    status, shown = _stderr_on_a_terminal("tag", corpus, "--format", "jsonl")
    assert status == 1 and "characters/s" in shown
    assert [line.strip("\r").split("\r")[-1] for line in shown.splitlines() if "corpus.jsonl:46" in line] == \
        [f"measures: {corpus}:46: not a JSON object (Expecting value at column 1)"]


def test_jsonl_on_stdin_is_read_line_by_line_and_bad_lines_are_named():
    lines = [json.dumps({"id": "a", "text": "全市开展全员核酸检测。"}, ensure_ascii=False).encode(),
             b'{"id": "b", "text": "\xff\xfe"}',
             b"not json",
             json.dumps({"id": "c", "text": "对密接人员集中隔离。"}, ensure_ascii=False).encode()]
    stdin = b"\n" + b"\n".join(lines) + b"\n"
    result = run_cli("tag", "-", "--format", "jsonl", stdin=stdin)
    assert result.returncode == 1
    assert [json.loads(line)["source"] for line in result.stdout.decode().splitlines()] == ["a", "c"]
    errors = result.stderr.decode()
    assert "<stdin>:3:" in errors and "<stdin>:4:" in errors and "2 input(s) could not be tagged" in errors


@pytest.mark.parametrize("end", ["\n", "\r\n", "\r"], ids=["lf", "crlf", "cr"])
def test_jsonl_lines_may_end_in_lf_crlf_or_a_lone_cr_and_bad_ones_are_named_by_line(tmp_path, end):
    # U+2028, U+0085 and \x1c stand unescaped in a JSON string and end no line
    records = [json.dumps({"id": "a", "text": "全市开展全员核酸检测。\u2028对密接人员集中隔离。"}, ensure_ascii=False),
               "", "not json",
               json.dumps({"id": "b", "note": "x\x85y\x1cz", "text": "加强生活物资保供。"}, ensure_ascii=False)]
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_bytes(codecs.BOM_UTF8 + end.join(records).encode() + end.encode())
    for command in (["tag", corpus], ["tag", "-"]):
        result = run_cli(*command, "--format", "jsonl", "--keep-fields", "note",
                         stdin=corpus.read_bytes() if command[1] == "-" else None)
        name = "<stdin>" if command[1] == "-" else corpus
        assert result.returncode == 1
        assert result.stderr.decode().splitlines()[0] == \
            f"measures: {name}:3: not a JSON object (Expecting value at column 1)"
        # not splitlines(): the output has them unescaped too
        tagged = [json.loads(line) for line in result.stdout.decode().split("\n")[:-1]]
        assert [(r["source"], r["input"], r["fields"]) for r in tagged] == \
            [("a", f"{name}:1", {"note": None}), ("b", f"{name}:4", {"note": "x\x85y\x1cz"})]
        assert len(tagged[0]["sentences"]) == 2


def test_each_result_says_where_it_was_read_and_carries_the_fields_asked_for(tmp_path):
    # records of one paper without ids: their names repeat, and a bad line between them
    corpus = tmp_path / "news.jsonl"
    corpus.write_text("\n".join([
        json.dumps({"source": "新华网", "date": "2022-01-01", "text": "全区开展核酸检测。"}, ensure_ascii=False),
        json.dumps({"source": "新华网", "date": "2022-01-02", "text": 123}),
        json.dumps({"id": 5, "source": "新华网", "date": "2022-01-03", "tags": ["a"], "text": "对密接一律集中隔离。"},
                   ensure_ascii=False),
        '{"source": "\\udc80", "text": "加强生活物资保供。"}']) + "\n", "utf-8")
    speech = tmp_path / "speech.txt"
    speech.write_text("全市开展全员核酸检测。", "utf-8")
    results = {}
    for jobs in ("1", "2"):
        result = run_cli("tag", corpus, speech, "--format", "jsonl", "--keep-fields", "date,id,tags,source",
                         "--jobs", jobs)
        assert result.returncode == 1 and f"{corpus}:2: expected an object" in result.stderr.decode()
        results[jobs] = [json.loads(line) for line in result.stdout.decode("utf-8").splitlines()]
    assert results["1"] == results["2"]
    assert [(r["source"], r["input"], r["fields"]) for r in results["1"]] == [
        ("新华网", f"{corpus}:1", {"date": "2022-01-01", "id": None, "tags": None, "source": "新华网"}),
        ("5", f"{corpus}:3", {"date": "2022-01-03", "id": 5, "tags": ["a"], "source": "新华网"}),
        ("\ufffd", f"{corpus}:4", {"date": None, "id": None, "tags": None, "source": "\udc80"}),  # as it came
        (str(speech), str(speech), {"date": None, "id": None, "tags": None, "source": None})]
    rows = list(csv.DictReader(io.StringIO(run_cli("tag", corpus, "--format", "csv", "--keep-fields", "date,id,tags")
                                           .stdout.decode("utf-8"))))
    # numbers JSON has not (Python's reader takes them) become null; a negative number is no formula
    odd = tmp_path / "odd.jsonl"
    odd.write_text('{"id": "\\udcc4\\udce3", "text": "全市开展核酸检测。", "a": NaN, "b": [1e400, -3], "c": -3, '
                   '"d": "\\udcc4\\udce3"}\n', "utf-8")
    assert json.loads(run_cli("tag", odd, "--format", "jsonl", "--keep-fields", "a,b,c").stdout,
                      parse_constant=pytest.fail)["fields"] == {"a": None, "b": [None, -3], "c": -3}
    row = next(csv.DictReader(io.StringIO(run_cli("tag", odd, "--format", "csv", "--keep-fields", "a,b,c,d")
                                          .stdout.decode("utf-8"))))
    # an id that is an object, with the same bytes
    obj = tmp_path / "obj.jsonl"
    obj.write_text('{"id": {"k": "\\udcc4\\udce3"}, "text": "全市开展核酸检测。"}\n', "utf-8")
    assert next(csv.DictReader(io.StringIO(run_cli("tag", obj, "--format", "csv").stdout.decode())))["source"] == \
        '{"k": "\ufffd\ufffd"}'
    # lone surrogates in a field are no file name's bytes, to be read as GB18030 (你)
    assert (row["fields.a"], row["fields.b"], row["fields.c"], row["fields.d"]) == ("", "[null, -3]", "-3", "\ufffd" * 2)
    assert row["source"] == "\ufffd" * 2  # the id's the same bytes, read alike
    assert [(r["input"], r["fields.date"], r["fields.id"], r["fields.tags"]) for r in rows] == [
        (f"{corpus}:1", "2022-01-01", "", ""), (f"{corpus}:3", "2022-01-03", "5", '["a"]'), (f"{corpus}:4", "", "", "")]
    # without the option, where it was read and nothing more
    plain = json.loads(run_cli("tag", corpus, "--format", "jsonl").stdout.decode().splitlines()[0])
    assert list(plain) == ["source", "input", "sentences", "summary"]


def test_a_file_met_again_as_standard_input_or_a_named_pipe_is_read_once(tmp_path):
    speech = tmp_path / "speech.txt"
    speech.write_text("全市开展全员核酸检测。", "utf-8")
    for args, note in [(["speech.txt", "-"], "<stdin>: the same file as speech.txt; read once"),
                       (["-", "speech.txt"], "speech.txt: the same file as standard input (-); read once")]:
        with open(speech, "rb") as stdin:
            result = subprocess.run(measures_command() + ["tag", *args, "--format", "jsonl"], stdin=stdin,
                                    capture_output=True, cwd=tmp_path, timeout=600)
        assert result.returncode == 0 and len(result.stdout.splitlines()) == 1
        assert result.stderr.decode() == f"measures: {note}\n"
    # a named pipe read a second time waited for ever for a writer
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    writer = subprocess.Popen(["sh", "-c", f"printf '全市开展全员核酸检测。' > {shlex.quote(str(pipe))}"])
    try:
        result = subprocess.run(measures_command() + ["tag", str(pipe), str(pipe), "--format", "jsonl"],
                                capture_output=True, timeout=60)
    finally:
        writer.kill()
    assert result.returncode == 0 and len(result.stdout.splitlines()) == 1
    assert result.stderr.decode() == f"measures: {pipe}: given more than once; read once\n"


def test_standard_input_closed_is_named_not_a_traceback():
    command = " ".join(map(shlex.quote, measures_command())) + " tag - <&-"
    result = subprocess.run(["sh", "-c", command], capture_output=True, timeout=600)
    assert result.returncode == 1
    assert result.stderr.decode() == ("measures: <stdin>: standard input is closed\n"
                                      "measures: no input could be tagged\n")


def test_a_folder_whose_files_were_read_already_gets_one_note(tmp_path):
    (tmp_path / "docs" / "sub").mkdir(parents=True)
    for n in range(5):
        (tmp_path / "docs" / "sub" / f"n{n}.txt").write_text(f"第{n}轮全员核酸检测。", "utf-8")
    result = run_cli("tag", "docs", "docs/sub", "--format", "jsonl", cwd=tmp_path)
    assert result.returncode == 0 and len(result.stdout.decode().splitlines()) == 5
    assert result.stderr.decode() == ("measures: docs/sub: 5 file(s) met already, not read again: n0.txt (as "
                                      "docs/sub/n0.txt), n1.txt (as docs/sub/n1.txt), n2.txt (as docs/sub/n2.txt) "
                                      "and 2 more\n")
    # a hard link beside its file, a folder given twice, a refused file met twice: each said once
    os.link(tmp_path / "docs" / "sub" / "n0.txt", tmp_path / "docs" / "n0-link.txt")
    (tmp_path / "docs" / "sub" / "scan.pdf").write_bytes(b"%PDF-1.4 ...")
    result = run_cli("tag", "docs/sub", "docs", "docs", "--format", "jsonl", cwd=tmp_path)
    assert result.returncode == 1 and len(result.stdout.decode().splitlines()) == 5
    assert result.stderr.decode().splitlines() == [
        "measures: docs/sub/scan.pdf: a PDF file; extract its text first (for example with pdftotext)",
        "measures: docs: 7 file(s) met already, not read again: n0-link.txt (as docs/sub/n0.txt), sub/n0.txt (as "
        "docs/sub/n0.txt), sub/n1.txt (as docs/sub/n1.txt) and 4 more",
        "measures: docs: given more than once; read once",
        "measures: 1 input(s) could not be tagged; 5 tagged"]


def test_documents_that_give_no_sentence_are_noted_in_one_line(tmp_path):
    (tmp_path / "en.txt").write_text("Hello world. COVID testing.\n", "utf-8")
    (tmp_path / "empty.jsonl").write_bytes(b"\n")
    records = [{"id": "a1", "text": ""}, {"text": "全市开展核酸检测。"}] + [{"text": "Hello"}] * 4  # named by line
    (tmp_path / "scraped.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records), "utf-8")
    (tmp_path / "download.docx").write_bytes(b"")
    result = run_cli("tag", "en.txt", "empty.jsonl", "scraped.jsonl", "download.docx", "--format", "jsonl",
                     cwd=tmp_path)
    assert result.returncode == 1  # the Word file that is no Word file
    assert [json.loads(line)["input"] for line in result.stdout.decode().splitlines()] == [
        "en.txt", *(f"scraped.jsonl:{n}" for n in range(1, 7))]
    assert result.stderr.decode().splitlines() == [
        "measures: empty.jsonl: no records (a JSONL file with no line of text)",
        "measures: download.docx: an empty file (0 bytes), not a Word document",
        "measures: note: 6 documents gave no sentence (en.txt, scraped.jsonl:1, scraped.jsonl:3 and 3 more): "
        "cleaning keeps the lines that hold Chinese text, and drops page chrome",
        "measures: 1 input(s) could not be tagged; 7 tagged"]

@pytest.mark.parametrize("command, output", [("report", "r.html"), ("suggest", "to_label.tsv")])
def test_report_and_suggest_note_documents_that_give_no_sentence(tmp_path, command, output):
    (tmp_path / "notice.txt").write_text("全市开展全员核酸检测。对密接人员一律集中隔离。", "utf-8")
    (tmp_path / "en.txt").write_text("Hello world. COVID testing.\n", "utf-8")
    (tmp_path / "menu.txt").write_text("首页 | 登录 | 注册\n", "utf-8")
    result = run_cli(command, "notice.txt", "en.txt", "menu.txt", "-o", output, cwd=tmp_path)
    assert result.returncode == 0 and (tmp_path / output).stat().st_size
    assert ("measures: note: 2 documents gave no sentence (en.txt, menu.txt): cleaning keeps the lines that "
            "hold Chinese text, and drops page chrome") in result.stderr.decode().splitlines()



def test_a_symbolic_link_loop_is_named_as_one_in_and_out(tmp_path):
    # Path.resolve raised RuntimeError from the output check: a traceback
    (tmp_path / "a").symlink_to("b")
    (tmp_path / "b").symlink_to("a")
    (tmp_path / "ok.txt").write_text("全市开展全员核酸检测。", "utf-8")
    for command in (["tag", "a", "ok.txt", "-o", "x.jsonl"], ["report", "a", "ok.txt", "-o", "r.html"]):
        result = run_cli(*command, cwd=tmp_path)
        assert result.returncode == 1 and "measures: a: a symbolic-link loop\n" in result.stderr.decode()
        assert (tmp_path / command[-1]).stat().st_size  # the other input is tagged
    result = run_cli("tag", "ok.txt", "-o", "a", cwd=tmp_path)
    assert (result.returncode, result.stderr.decode()) == (
        1, "measures: a: a symbolic-link loop; write the output elsewhere\n")
    result = run_cli("train", "a", "-o", "m", cwd=tmp_path)
    assert result.returncode == 1 and "Traceback" not in result.stderr.decode()


def test_a_file_met_again_is_tagged_once(tmp_path):
    # in a folder and by name, by a hard link's name, by its own name twice: counted twice otherwise
    (tmp_path / "docs").mkdir()
    notice = tmp_path / "docs" / "notice.txt"
    notice.write_text("全市开展全员核酸检测。对密接人员集中隔离。", "utf-8")
    os.link(notice, tmp_path / "linked.txt")
    (tmp_path / "other.txt").write_text("全市开展全员核酸检测。对密接人员集中隔离。", "utf-8")  # a copy is a document
    result = run_cli("tag", "docs", "docs/notice.txt", "linked.txt", "other.txt", "other.txt", "--format", "jsonl",
                     cwd=tmp_path)
    assert result.returncode == 0
    assert [json.loads(line)["source"] for line in result.stdout.decode().splitlines()] == ["docs/notice.txt",
                                                                                           "other.txt"]
    assert result.stderr.decode().splitlines() == [
        "measures: docs/notice.txt: given more than once; read once",
        "measures: linked.txt: the same file as docs/notice.txt; read once",
        "measures: other.txt: given more than once; read once"]


def test_records_whose_text_is_under_another_name_are_read_with_text_field(tmp_path):
    records = [{"id": f"n{k}", "date": "2022-04-01", "content": "全市开展全员核酸检测。", "text": "编者按"}
               for k in range(8)]
    corpus = tmp_path / "news.jsonl"
    corpus.write_text("".join(json.dumps({k: v for k, v in r.items() if k != "text"}, ensure_ascii=False) + "\n"
                              for r in records), "utf-8")
    # one line a record for the first few, then one for the rest: 500,000 records gave 500,000 lines
    result = run_cli("tag", corpus, "--format", "jsonl")
    assert result.returncode == 1 and not result.stdout
    assert result.stderr.decode().splitlines() == [
        *(f"measures: {corpus}:{n}: expected an object with a string field 'text' (its fields: 'id', 'date', "
          "'content')" for n in (1, 2, 3)),
        f"measures: {corpus}: 5 more records without a string field 'text', the last on line 8 (8 in all; "
        "--text-field names the field that holds the text)",
        "measures: no input could be tagged"]
    result = run_cli("tag", corpus, "--format", "jsonl", "--text-field", "content", "--keep-fields", "date")
    assert result.returncode == 0 and not result.stderr
    lines = [json.loads(line) for line in result.stdout.decode().splitlines()]
    assert [(r["source"], r["fields"]["date"], r["sentences"][0]["labels"][0]) for r in lines] == [
        (f"n{k}", "2022-04-01", "testing") for k in range(8)]
    # the field read as the text is no field to keep; 'text' then is one like any other
    corpus.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), "utf-8")
    result = run_cli("tag", corpus, "--format", "jsonl", "--text-field", "content", "--keep-fields", "content")
    assert result.returncode == 2 and "--keep-fields: 'content' is the document" in result.stderr.decode()
    result = run_cli("tag", corpus, "--format", "jsonl", "--text-field", "content", "--keep-fields", "text")
    assert [json.loads(line)["fields"] for line in result.stdout.decode().splitlines()] == [{"text": "编者按"}] * 8
    for command in (["report", corpus, "-o", tmp_path / "r.html"], ["suggest", corpus, "-n", "2"]):
        assert run_cli(*command, "--text-field", " content").returncode == 0  # its name trimmed, as --keep-fields'
    # a text that is there but no string is said to be what it is
    corpus.write_text('{"id": "p1", "text": null}\n', "utf-8")
    assert run_cli("tag", corpus).stderr.decode().startswith(
        f"measures: {corpus}:1: expected an object with a string field 'text' (it is null)\n")


def test_tags_own_output_given_back_is_named_as_such(tmp_path):
    speech = tmp_path / "speech.txt"
    speech.write_text("全市开展全员核酸检测。\n各小区实行封闭管理。", "utf-8")
    tagged = tmp_path / "tagged.jsonl"
    assert run_cli("tag", speech, "--format", "jsonl", "-o", tagged).returncode == 0
    result = run_cli("tag", tagged)
    assert result.returncode == 1 and result.stderr.decode().splitlines() == [
        f"measures: {tagged}:1: a document measures tag wrote (its fields: 'source', 'input', 'sentences', "
        "'summary'), not one to tag; tag the documents it came from, or read it with Document.from_dict",
        "measures: no input could be tagged"]
    # as the message says: the document comes back whole, labels and all
    record = json.loads(tagged.read_text("utf-8"))
    document = measures.Document.from_dict(record)
    assert [s.text for s in document.sentences] == ["全市开展全员核酸检测。", "各小区实行封闭管理。"]
    assert all(s.labels for s in document.sentences)
    # a record of a corpus that has a text is read as one, whatever else it holds
    tagged.write_text(json.dumps({**record, "text": "全市开展全员核酸检测。"}, ensure_ascii=False) + "\n", "utf-8")
    assert run_cli("tag", tagged).returncode == 0


@pytest.mark.parametrize("option, message", [
    ("date,text", "'text' is the document"),
    ("date,,url", "names fields with commas between (date,url)"),
    ("date,date", "--keep-fields: names a field twice: 'date'"),
])
def test_fields_to_keep_are_named_plainly(tmp_path, option, message):
    result = run_cli("tag", "-", "--format", "jsonl", "--keep-fields", option, stdin=b"")
    assert result.returncode == 2 and message in result.stderr.decode()


def test_fields_are_refused_for_the_text_summary(tmp_path):
    result = run_cli("tag", "-", "--keep-fields", "date", stdin='{"text": "全市开展核酸检测。"}\n'.encode())
    assert result.returncode == 2 and "--keep-fields is for json, jsonl and csv output" in result.stderr.decode()


@pytest.mark.parametrize("content, why", [
    (gzip.compress(b'{"text": "a"}\n' * 5000), "compressed, not JSONL text; decompress it first"),
    ('{"text": "全市开展全员核酸检测。"}\n'.encode("utf-16") * 3, "UTF-16 or binary, not JSONL"),
    (b"\x28\xb5\x2f\xfd" + b"\n" * 50, "compressed, not JSONL text"),  # zstd's magic, line ends after it
    # binary data that opens with text (a database's header), NULs throughout after it
    (b"SQLite format 3\x00" + (b"\x00" * 60 + b"\n\x01\x02") * 70, "UTF-16 or binary, not JSONL"),
], ids=["gzip", "utf-16", "zstd", "binary"])
def test_a_jsonl_file_that_is_not_utf8_text_is_one_error_not_one_a_line(tmp_path, content, why):
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_bytes(content)
    result = run_cli("tag", corpus, EXAMPLES / "press_briefing.txt", "--format", "jsonl")
    assert result.returncode == 1
    first, *others = result.stderr.decode().splitlines()
    assert first.startswith(f"measures: {corpus}: {why}")
    assert others == ["measures: 1 input(s) could not be tagged; 1 tagged"]


def test_standard_input_by_its_device_name_and_after_a_bom_and_a_blank_line_is_still_jsonl(tmp_path):
    corpus = tmp_path / "c.jsonl"
    corpus.write_bytes(codecs.BOM_UTF8 + b"\n\n" + '{"id": "a", "text": "全市开展全员核酸检测。"}\n'.encode())
    for command in (["tag", "-"], ["tag", "/dev/stdin"]):  # a file on standard input: no name to go by
        with corpus.open("rb") as stdin:
            result = subprocess.run(measures_command() + command + ["--format", "jsonl"], stdin=stdin,
                                    capture_output=True, timeout=120)
        assert result.returncode == 0, result.stderr.decode()
        assert [json.loads(line)["source"] for line in result.stdout.decode().splitlines()] == ["a"]


def test_stdin_of_one_document_with_a_brace_later_is_one_document():
    text = "全市开展全员核酸检测。\n{附件} 见下文\n对密接人员集中隔离。"
    result = run_cli("tag", "-", "--format", "jsonl", stdin=text.encode())
    assert result.returncode == 0
    (record,) = [json.loads(line) for line in result.stdout.decode().splitlines()]
    assert record["source"] == "<stdin>" and len(record["sentences"]) == 3


def test_evaluate_counts_gold_labels_the_model_does_not_know(tmp_path):
    data = tmp_path / "mine.tsv"
    rows = [f"{place}{row}" for place in ("", "东区", "西区", "南区")
            for row in ["全市开展核酸检测。\ttesting", "对密接人员集中隔离。\tisolation_transfer", "分享到微信\tother",
                        "组织核酸采样。\ttesting", "转运至隔离点。\tisolation_transfer", "版权所有\tother"]]
    data.write_text("text\tlabels\n" + "\n".join(rows) + "\n", "utf-8")
    assert run_cli("train", data, "-o", tmp_path / "model").returncode == 0
    gold = tmp_path / "gold.tsv"
    gold.write_text("text\tlabels\n" + "\n".join(rows[:6] + ["有序推动企业复工复产。\teconomy"]) + "\n", "utf-8")
    result = json.loads(run_cli("evaluate", gold, "--model", tmp_path / "model", "--format", "json").stdout)
    assert result["per_label"]["economy"] == {"precision": 0.0, "recall": 0.0, "f1": 0.0, "support": 1,
                                              "predicted": 0}
    known = [v["f1"] for label, v in result["per_label"].items() if label != "economy"]
    assert result["macro_f1"] == pytest.approx(sum(known) / (len(known) + 1))
    text = run_cli("evaluate", gold, "--model", tmp_path / "model").stdout.decode()
    assert "\neconomy " in text


def test_the_evaluate_table_keeps_weighed_supports_in_their_columns():
    from measures import LABEL_IDS, scores
    from measures.evaluation import format_scores

    result = scores(["testing"], ["testing"], LABEL_IDS, weights=[1234567.5])
    assert format_scores(result).splitlines()[2].split() == ["testing", "1.000", "1.000", "1.000", "1234567.5",
                                                            "1234567.5"]


def test_the_evaluate_table_tells_a_label_left_out_of_macro_f1_from_one_scored_zero(tmp_path):
    gold = tmp_path / "gold.tsv"
    gold.write_text("text\tlabels\n全市开展新一轮全员核酸检测。\tother\n对密接人员一律集中隔离。\tisolation_transfer\n", "utf-8")
    lines = run_cli("evaluate", gold).stdout.decode().splitlines()
    assert lines[2].split() == ["label", "P", "R", "F1", "support", "predicted"]
    rows = {line.split()[0]: line.split()[1:] for line in lines[3:-1]}
    assert rows["testing"] == ["0.000", "0.000", "0.000", "0", "1"]  # given wrongly: a 0 in macro-F1
    assert rows["supply"] == ["—", "—", "—", "0", "0"]
    assert lines[-1] == "—: neither given nor predicted, left out of macro-F1"
    scored = [label for label, row in rows.items() if row[0] != "—"]
    macro = float(lines[1].split("macro-F1 ")[1].split()[0])
    assert macro == pytest.approx(sum(float(rows[label][2]) for label in scored) / len(scored), abs=5e-4)
    # and in JSON: null, which no average of the F1s takes for a 0
    result = json.loads(run_cli("evaluate", gold, "--format", "json").stdout)
    assert result["per_label"]["supply"] == {"precision": None, "recall": None, "f1": None, "support": 0,
                                             "predicted": 0}
    f1s = [v["f1"] for v in result["per_label"].values() if v["f1"] is not None]
    assert {label: result["per_label"][label]["f1"] is not None for label in rows} == {
        label: label in scored for label in rows}
    assert result["macro_f1"] == pytest.approx(sum(f1s) / len(f1s))


def test_evaluating_a_file_of_no_sentences_is_an_error_not_a_score_of_zero(tmp_path):
    header_only = tmp_path / "mine.tsv"
    header_only.write_text("text\tlabels\n", "utf-8")
    result = run_cli("evaluate", header_only)
    assert result.returncode == 1 and not result.stdout
    assert result.stderr.decode() == f"measures: {header_only}:1: no rows under the header: the file labels no sentence\n"
    # every row left out: nothing to score either
    header_only.write_text("text\tlabels\n全市开展核酸检测。\ttestng\n", "utf-8")
    result = run_cli("evaluate", header_only, "--skip-bad-rows")
    assert result.returncode == 1 and not result.stdout
    assert f"{header_only}: no labelled sentences to score" in result.stderr.decode()


@pytest.mark.parametrize("command", [
    ["tag", "--format", "jsonl"], ["tag", "--format", "csv"], ["suggest", "--overwrite", "-n", "5"], ["report"],
])
def test_an_output_is_left_as_it_was_when_no_input_can_be_read(tmp_path, command):
    # a mistyped input in the labelling loop must not wipe out the hand-corrected file, even
    # where --overwrite lets suggest write over it
    kept = tmp_path / {"tag": f"earlier.{command[-1]}", "report": "earlier.html", "suggest": "to_label.tsv"}[command[0]]
    kept.write_text("text\tlabels\n全市开展全员核酸检测。\ttesting\n", "utf-8")
    binary = tmp_path / "scan.pdf"
    binary.write_bytes(bytes(range(256)) * 4)
    result = run_cli(*command, tmp_path / "archivee", binary, "-o", kept)
    err = result.stderr.decode()
    assert result.returncode == 1
    assert f"no input could be {'read' if command[0] == 'suggest' else 'tagged'}; {kept} not written" in err
    assert "archivee" in err and "Traceback" not in err
    assert kept.read_text("utf-8") == "text\tlabels\n全市开展全员核酸检测。\ttesting\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["scan.pdf", kept.name])


@pytest.mark.parametrize("fmt, expected", [("json", "[]"), ("csv", "source,input,sentence,")])
def test_standard_output_gets_the_empty_result_when_no_input_can_be_tagged(tmp_path, fmt, expected):
    # JSON wrote nothing at all where CSV wrote its header: a JSON reader got no list
    binary = tmp_path / "scan.pdf"
    binary.write_bytes(bytes(range(256)) * 4)
    result = run_cli("tag", binary, "--format", fmt)
    assert result.returncode == 1
    assert result.stdout.decode("utf-8-sig").startswith(expected)
    assert f"{binary}: binary or undecodable" in result.stderr.decode()


def test_a_model_is_trained_into_a_folder_not_a_file_named_as_one(tmp_path):
    result = run_cli("train", "-o", tmp_path / "mine.skops")
    assert result.returncode == 1 and "a model is saved as a folder, not as a .skops file" in result.stderr.decode()
    assert "save_estimator" in result.stderr.decode() and list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("command, shown", [
    (["tag", ""], "an input"), (["report", SPEECH, "", "-o", "r.html"], "an input"), (["suggest", ""], "an input"),
    (["train", "", "-o", "m"], "a data file"), (["evaluate", ""], "a data file"), (["check-data", ""], "a data file"),
    (["check-data", "--second-reading", ""], "a --second-reading file"), (["suggest", SPEECH, "--exclude", ""], "an --exclude file"),
])
def test_an_empty_input_name_is_a_usage_error_not_the_current_folder(tmp_path, command, shown):
    (tmp_path / "notes.txt").write_text("全市开展核酸检测。", "utf-8")  # what the current folder would give
    result = run_cli(*command, cwd=tmp_path)
    assert result.returncode == 2 and not result.stdout
    assert result.stderr.decode() == f"measures: {shown}'s name is empty: give a file or folder name (. for the current folder)\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


@pytest.mark.parametrize("command, wanted", [
    (["tag", SPEECH], "a file name, or - for standard output"), (["report", SPEECH], "a file name, or - for standard output"),
    (["suggest", SPEECH], "a file name, or - for standard output"), (["train"], "the model's folder name")])
def test_an_empty_output_name_is_a_usage_error(tmp_path, command, wanted):
    result = run_cli(*command, "-o", "", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.decode() == f"measures: the output name is empty: give {wanted}\n"
    assert not list(tmp_path.iterdir())


def test_a_model_is_not_trained_to_standard_output(tmp_path):
    # -o - made a folder named "-", where every other command writes standard output
    result = run_cli("train", "-o", "-", cwd=tmp_path)
    assert result.returncode == 2 and result.stderr.decode() == (
        "measures: -o -: a model is a folder of files, which standard output cannot take; give the model's folder "
        "name (-o my-model)\n")
    assert not list(tmp_path.iterdir())


def test_running_out_of_memory_is_one_line_that_says_what_was_left(tmp_path):
    # an out-of-memory cannot be made alike on every machine: the scoring fails as it would
    code = ("import sys, measures.document as d\n"
            "def full(*args): raise MemoryError\n"
            "d._score_texts = full\n"
            "from measures.cli import main\n"
            "sys.exit(main(sys.argv[1:]))\n")
    out = tmp_path / "out.jsonl"
    result = subprocess.run([sys.executable, "-c", code, "tag", str(SPEECH), "--format", "jsonl", "-o", str(out)],
                            capture_output=True, cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.decode() == (f"measures: out of memory, on a document too large to hold at once or too "
                                      f"many at once; nothing was written to {out}\n")
    assert not list(tmp_path.iterdir())


def test_a_folder_input_leaves_hidden_files_and_folders_out(tmp_path):
    archive = tmp_path / "archive"
    for name in ("a.txt", "sub/c.txt", ".notes.txt", ".git/x.txt", ".ipynb_checkpoints/a-checkpoint.txt"):
        (archive / name).parent.mkdir(parents=True, exist_ok=True)
        (archive / name).write_text("全市开展全员核酸检测。", "utf-8")
    out = archive / ".tagged.jsonl"  # hidden, so not read back as a document next time
    assert run_cli("tag", archive, "--format", "jsonl", "-o", out).returncode == 0
    assert run_cli("tag", archive, "--format", "jsonl", "-o", out).returncode == 0
    sources = [json.loads(line)["source"] for line in out.read_text("utf-8").splitlines()]
    assert sources == [str(archive / "a.txt"), str(archive / "sub" / "c.txt")]


def test_a_folder_names_what_it_holds_but_cannot_read_and_leaves_model_folders_out(tmp_path, model):
    archive = tmp_path / "archive"
    for name in ("a.txt", "scans/b.pdf", "old/c.doc", "linked/d.txt", ".hidden/e.pdf", "~$f.doc", "photo.jpg",
                 "saved/g.mhtml", "saved/h.shtml", "index.csv", "saved/content_12.php", "saved/notice"):
        (archive / name).parent.mkdir(parents=True, exist_ok=True)
        (archive / name).write_text("全市开展全员核酸检测。", "utf-8")
    (archive / "link").symlink_to(archive / "linked")    # a linked folder: named, not followed
    (archive / "z.txt").symlink_to(archive / "a.txt")    # a linked document too: -o through it would
                                                         # replace an input the output check cannot see
    model.save(archive / "my-model")                     # its README.md is no policy document
    result = run_cli("tag", archive, "--format", "jsonl")
    err = result.stderr.decode()
    assert result.returncode == 1 and "Traceback" not in err
    sources = [json.loads(line)["source"] for line in result.stdout.decode().splitlines()]
    assert sources == [str(archive / "a.txt"), str(archive / "linked" / "d.txt"), str(archive / "saved" / "h.shtml")]
    assert f"{archive / 'link'}: a linked folder, not followed; give it as an input of its own" in err
    assert f"{archive / 'z.txt'}: a linked file, not followed; give it as an input of its own" in err
    assert f"{archive / 'scans' / 'b.pdf'}: a PDF file; extract its text first" in err
    assert f"{archive / 'old' / 'c.doc'}: a word-processor file measures does not read" in err
    assert f"{archive / 'saved' / 'g.mhtml'}: a page saved as a single file (MHTML)" in err
    assert "e.pdf" not in err and "f.doc" not in err and "photo" not in err
    # a page saved as .php or with no extension may be a document: counted and named, not a
    # failure (images, an index table and hidden files are not worth the word)
    assert (f"{archive}: passed over 2 file(s) of other kinds ({Path('saved/content_12.php')}, "
            f"{Path('saved/notice')}): give one by name to read it as a document") in err
    # a model folder given as an input (--model forgotten) is named, its card not tagged
    result = run_cli("tag", archive / "my-model", archive / "a.txt", "--format", "jsonl")
    assert result.returncode == 1 and f"{archive / 'my-model'}: a model folder, not documents" in result.stderr.decode()
    assert [json.loads(line)["source"] for line in result.stdout.decode().splitlines()] == [str(archive / "a.txt")]


def test_the_command_a_misplaced_name_is_pointed_to_runs_in_a_shell_as_printed(tmp_path):
    # unquoted, "my notice.txt" and "my model" were two names each to the shell
    (tmp_path / "my notice.txt").write_text("全市开展全员核酸检测。", "utf-8")
    result = run_cli("explain", "my notice.txt", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.decode().rstrip("\n").endswith("(for a document: measures tag 'my notice.txt')")
    (tmp_path / "my model").mkdir()
    shutil.copy(shipped_model_path() / "config.json", tmp_path / "my model")
    result = run_cli("tag", "my model", "--format", "jsonl", cwd=tmp_path)
    assert result.returncode == 1
    assert "my model: a model folder, not documents (for a model, --model 'my model')" in result.stderr.decode()


def test_a_folder_of_files_of_other_kinds_names_them(tmp_path):
    # with nothing to read, the error named no file, where the hint matters most
    pages = tmp_path / "pages"
    pages.mkdir()
    (pages / "content_12.php").write_text("<p>小区实行封闭管理。</p>", "utf-8")
    result = run_cli("tag", pages)
    assert result.returncode == 1
    assert (f"{pages}: no document files (.txt, .text, .md, .html, .htm, .xhtml, .shtml, .shtm, .docx, .docm, "
            ".jsonl, .ndjson) in this folder; passed over 1 file(s) of other kinds (content_12.php): give one by "
            "name to read it as a document") in result.stderr.decode()
    if os.name == "posix" and sys.platform != "darwin":  # a file name of GBK bytes, as an old archive's
        (pages / "a.txt").write_text("全市开展核酸检测。", "utf-8")
        (pages / "通告.aspx").write_text("全市开展核酸检测。", "utf-8")
        os.close(os.open(bytes(pages) + "/公告.php".encode("gbk"), os.O_CREAT | os.O_WRONLY))
        err = run_cli("tag", pages).stderr.decode()
        assert "passed over 3 file(s) of other kinds (content_12.php, 通告.aspx, 公告.php)" in err


@pytest.mark.skipif(not hasattr(os, "mkfifo") or not os.path.exists("/dev/zero"), reason="no named pipes or devices")
def test_a_named_pipe_in_a_folder_and_a_device_are_named_not_read(tmp_path):
    # read, a pipe nothing writes to waited for ever, and /dev/zero filled the memory
    archive = tmp_path / "archive"
    archive.mkdir()
    (archive / "a.txt").write_text("全市开展全员核酸检测。", "utf-8")
    os.mkfifo(archive / "b.txt")
    result = subprocess.run(measures_command() + ["tag", str(archive), "/dev/zero", "--format", "jsonl"],
                            capture_output=True, timeout=120)
    err = result.stderr.decode()
    assert result.returncode == 1 and "Traceback" not in err
    assert [json.loads(line)["source"] for line in result.stdout.decode().splitlines()] == [str(archive / "a.txt")]
    assert f"{archive / 'b.txt'}: not a regular file (a named pipe or a device), not read" in err
    assert "/dev/zero: a device, not a document file" in err


@pytest.mark.skipif(not os.path.exists("/dev/null"), reason="no /dev/null")
def test_dev_null_reads_as_empty_as_an_empty_pipe_does():
    # it was refused as a device, given by name or as standard input, where an empty
    # pipe (printf '' | measures tag -) gave an empty summary
    with open(os.devnull, "rb") as null:
        result = subprocess.run(measures_command() + ["tag", "-", "/dev/null", "--format", "jsonl"], stdin=null,
                                capture_output=True, timeout=120)
    assert result.returncode == 0, result.stderr.decode()
    records = [json.loads(line) for line in result.stdout.decode().splitlines()]
    assert [(r["source"], r["sentences"]) for r in records] == [("<stdin>", []), ("/dev/null", [])]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes")
@pytest.mark.parametrize("content, sources", [
    # bash's <(zcat corpus.jsonl.gz): a pipe has no extension to tell JSONL by
    ('{"id": "a", "text": "全市开展全员核酸检测。"}\n{"id": "b", "text": "加强生活物资保供。"}\n', ["a", "b"]),
    ("全市开展全员核酸检测。\n加强生活物资保供。\n", ["PIPE"]),
], ids=["jsonl", "document"])
def test_a_named_pipe_given_as_an_input_is_read_as_standard_input_is(tmp_path, content, sources):
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    process = subprocess.Popen(measures_command() + ["tag", str(pipe), "--format", "jsonl"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    with open(pipe, "w", encoding="utf-8") as writer:
        writer.write(content)
    out, err = process.communicate(timeout=120)
    assert process.returncode == 0, err.decode()
    assert [json.loads(line)["source"] for line in out.decode().splitlines()] == \
        [str(pipe) if name == "PIPE" else name for name in sources]


def test_ndjson_is_jsonl_and_tables_and_compressed_files_are_refused_by_name(tmp_path):
    archive = tmp_path / "archive"
    archive.mkdir()
    (archive / "corpus.ndjson").write_text('{"id": "a", "text": "全市开展全员核酸检测。"}\n', "utf-8")
    (archive / "index.csv").write_text("id,title\na,核酸检测\n", "utf-8")     # the folder's index: passed over
    (archive / "more.jsonl.gz").write_bytes(b"\x1f\x8b\x08\x00" + bytes(40))  # named, not read
    (archive / "old.tar").write_bytes(bytes(512))
    (tmp_path / "mine.tsv").write_text("text\tlabels\n全市开展全员核酸检测。\ttesting\n", "utf-8")
    result = run_cli("tag", archive, archive / "index.csv", tmp_path / "mine.tsv", "--format", "jsonl")
    err = result.stderr.decode()
    assert result.returncode == 1 and "Traceback" not in err
    assert [json.loads(line)["source"] for line in result.stdout.decode().splitlines()] == ["a"]
    assert err.count("index.csv") == 1 and f"{archive / 'index.csv'}: a table or JSON file, not a document; " \
        'give its texts as JSONL, one {"id": …, "text": …} object a line' in err
    assert f"{archive / 'more.jsonl.gz'}: a compressed file or archive; unpack it first (for JSONL: zcat, bzcat, " \
        "xzcat or zstdcat FILE | measures tag -)" in err
    assert f"{archive / 'old.tar'}: a compressed file or archive" in err
    # labelled sentences, most often: scored, not tagged
    assert f"{tmp_path / 'mine.tsv'}: a table, not a document; for labelled sentences, measures evaluate FILE " \
        "scores a model on them" in err


def test_the_command_exits_whatever_threads_are_left(tmp_path):
    """A worker pool's thread left waiting on a worker stopped mid-message (the output's
    pipe closed, the disk full) kept the interpreter's exit waiting for ever; a thread
    that never ends stands for it."""
    script = ("import sys, threading, time\n"
              "threading.Thread(target=time.sleep, args=(3600,)).start()\n"
              f"sys.argv = ['measures', 'tag', {str(EXAMPLES / 'press_briefing.txt')!r}, '-q']\n"
              "from measures.cli import run\n"
              "run()\n")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, timeout=120)
    assert result.returncode == 0 and b"press_briefing.txt" in result.stdout


def test_a_run_with_standard_output_closed_succeeds(tmp_path):
    # cron and daemons start commands with descriptor 1 closed: Python's sys.stdout is None
    result = subprocess.run(measures_command() + ["tag", str(EXAMPLES / "press_briefing.txt"), "-o",
                                                  str(tmp_path / "out.jsonl")],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=120,
                            preexec_fn=lambda: os.close(1))
    assert result.returncode == 0, result.stderr.decode()
    assert (tmp_path / "out.jsonl").read_text("utf-8").count("\n") == 1


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="no /dev/zero")
@pytest.mark.parametrize("command", [["check-data", "/dev/zero"], ["train", "/dev/zero", "-o", "m"],
                                     ["tag", "-"]])
def test_a_device_read_for_ever_is_refused_wherever_it_is_given(tmp_path, command):
    with open("/dev/zero", "rb") as zero:
        result = subprocess.run(measures_command() + command, stdin=zero, capture_output=True, timeout=120,
                                cwd=tmp_path)
    err = result.stderr.decode()
    assert result.returncode == 1 and "Traceback" not in err and "a device" in err


def test_a_subfolder_that_cannot_be_listed_is_named(tmp_path):
    # root reads a folder whatever its mode, unless it gives up the capabilities to
    command = [*measures_command(), "tag", str(tmp_path / "archive"), "--format", "jsonl"]
    if os.geteuid() == 0:
        if not shutil.which("setpriv"):
            pytest.skip("running as root without setpriv to drop the capability to read any folder")
        command = ["setpriv", "--inh-caps=-dac_override,-dac_read_search",
                   "--bounding-set=-dac_override,-dac_read_search", *command]
    archive = tmp_path / "archive"
    (archive / "locked").mkdir(parents=True)
    (archive / "a.txt").write_text("全市开展全员核酸检测。", "utf-8")
    (archive / "locked" / "b.txt").write_text("加强生活物资保供。", "utf-8")
    (archive / "locked").chmod(0)
    try:
        result = subprocess.run(command, capture_output=True, timeout=600)
    finally:
        (archive / "locked").chmod(0o755)
    assert result.returncode == 1
    assert f"{archive / 'locked'}: cannot read this folder (Permission denied)" in result.stderr.decode()


def test_standard_input_is_read_as_a_file_is(tmp_path):
    # an HTML page piped in is its visible text, and CRLF line ends give the file's spans
    page = tmp_path / "page.html"
    page.write_text("<html><head><title>发布会</title><script>var x='核酸';</script></head><body>"
                    "<p>全市开展全员核酸检测。</p>\r\n<p>加强生活物资保供。</p></body></html>", "utf-8")
    crlf = tmp_path / "notice.txt"
    crlf.write_bytes("关于开展核酸检测的通告\r\n全市开展全员核酸检测。\r\n加强生活物资保供。\r\n".encode("utf-8"))
    for path in (page, crlf):
        from_file = run_cli("tag", path, "--format", "jsonl").stdout
        piped = run_cli("tag", "-", "--format", "jsonl", stdin=path.read_bytes()).stdout
        record, piped_record = json.loads(from_file), json.loads(piped)
        assert piped_record["sentences"] == record["sentences"]
        assert "var x" not in piped.decode() and len(record["sentences"]) >= 2


def test_a_deleted_current_folder_is_named_as_such(tmp_path):
    import shlex

    from conftest import measures_command

    gone = tmp_path / "gone"
    gone.mkdir()
    out = tmp_path / "out.jsonl"
    command = shlex.join([*measures_command(), "tag", str(SPEECH), "-o"])
    script = f"cd {shlex.quote(str(gone))} && rmdir {shlex.quote(str(gone))} && "
    # an absolute output is written; a relative one is named, not a bare "[Errno 2]"
    absolute = subprocess.run(["bash", "-c", script + command + " " + shlex.quote(str(out))], capture_output=True)
    assert absolute.returncode == 0 and out.exists()
    gone.mkdir()
    relative = subprocess.run(["bash", "-c", script + command + " out.jsonl"], capture_output=True)
    assert relative.returncode == 1
    assert relative.stderr.decode() == ("measures: the current folder no longer exists: give absolute paths, or cd to "
                                        "a folder that exists\n")


def test_more_jobs_than_cpus_are_warned_of(tmp_path):
    # forked at once, each holding what it tags: --jobs 200 by mistake can exhaust memory
    from joblib import cpu_count

    cpus = cpu_count()
    (tmp_path / "a.txt").write_text("全市开展全员核酸检测。", "utf-8")
    result = run_cli("tag", tmp_path / "a.txt", "--jobs", cpus + 1, "-o", tmp_path / "out.jsonl")
    assert result.returncode == 0 and (tmp_path / "out.jsonl").exists()
    assert result.stderr.decode() == (f"measures: warning: --jobs {cpus + 1} starts {cpus + 1} worker processes on "
                                      f"{cpus} CPU{'s' if cpus > 1 else ''}; more than {cpus} are no faster and "
                                      "each takes memory\n")
    assert run_cli("tag", tmp_path / "a.txt", "--jobs", cpus, "-o", tmp_path / "out.jsonl").stderr == b""


STOP_AT_THE_FIRST_RECORD = (
    "import io, os, signal, sys\n"
    "from measures import reading\n"
    "reading.LARGE_FILE, reading.PIECE = int(os.environ['LARGE']), 1024\n"
    "class Watching(io.StringIO):\n"
    "    stopped = False\n"
    "    def write(self, text):\n"
    "        if Watching.stopped and os.environ.get('READER_GONE'):\n"
    "            raise BrokenPipeError(32, 'Broken pipe')\n"
    "        n = super().write(text)\n"
    "        if '\"sentences\": [' in text and not Watching.stopped:\n"
    "            Watching.stopped = True\n"
    "            os.kill(os.getpid(), signal.SIGINT)\n"
    "        return n\n"
    "sys.stdout = out = Watching()\n"
    "from measures.cli import main\n"
    "code = main(sys.argv[1:])\n"
    "sys.__stdout__.write(out.getvalue())\n"
    "sys.exit(code)\n")
WAITING = "measures: interrupted: stopping when the document being written to standard output is whole (again to stop at once)"


@pytest.mark.parametrize("streamed", [False, True])
@pytest.mark.parametrize("fmt", ["jsonl", "json"])
def test_a_stop_while_a_record_goes_to_standard_output_waits_for_its_end(tmp_path, streamed, fmt):
    # a pipe (| jq, | gzip) got half a JSONL record when Ctrl-C came as it was written, and
    # a JSON array without its end; the signal is sent as the record begins, so that it
    # comes in the middle every time
    big = tmp_path / "big.txt"
    big.write_text(SPEECH.read_text("utf-8") * 3, "utf-8")
    result = subprocess.run([sys.executable, "-c", STOP_AT_THE_FIRST_RECORD, "tag", str(big), str(SPEECH),
                             "--format", fmt], capture_output=True, cwd=tmp_path,
                            env={**os.environ, "LARGE": str(4096 if streamed else 1 << 30)})
    assert result.returncode == 130
    records = [json.loads(line) for line in result.stdout.decode().splitlines()] if fmt == "jsonl" else \
        json.loads(result.stdout.decode())
    (record,) = records
    assert len(record["sentences"]) == record["summary"]["sentences"] > 100
    assert result.stderr.decode().splitlines() == [WAITING, "measures: interrupted"]


def test_a_stop_whose_record_then_meets_a_closed_pipe_is_still_a_stop(tmp_path):
    # Ctrl-C in a terminal stops the pipe's reader too: the record then failed on a closed
    # pipe, and the run ended with status 0 as if the reader had taken what it wanted
    result = subprocess.run([sys.executable, "-c", STOP_AT_THE_FIRST_RECORD, "tag", str(SPEECH), str(SPEECH),
                             "--format", "jsonl"], capture_output=True, cwd=tmp_path,
                            env={**os.environ, "LARGE": str(1 << 30), "READER_GONE": "1"})
    assert result.returncode == 130
    assert result.stderr.decode().splitlines() == [WAITING, "measures: interrupted"]



def test_a_reader_leaving_standard_error_ends_the_messages_not_the_run(tmp_path):
    # `measures tag ... 2>&1 | head -3`: the fourth message broke the run off, with nothing
    # written and status 0
    bad = [tmp_path / f"a{k}.pdf" for k in range(4)]
    for path in bad:
        path.write_bytes(b"%PDF-1.4 scanned")
    out = tmp_path / "out.jsonl"
    read, write = os.pipe()
    os.close(read)  # the reader has gone
    try:
        result = subprocess.run(measures_command() + ["tag", *map(str, bad), str(SPEECH), "-o", str(out)],
                                stdout=subprocess.PIPE, stderr=write, timeout=600)
    finally:
        os.close(write)
    assert result.returncode == 1  # inputs failed, as said to no one
    assert [json.loads(line)["source"] for line in out.read_text("utf-8").splitlines()] == [str(SPEECH)]


def test_a_reader_leaving_standard_output_after_a_failed_input_is_no_success(tmp_path):
    bad = tmp_path / "scan.pdf"
    bad.write_bytes(b"%PDF-1.4 scanned")
    read, write = os.pipe()
    os.close(read)
    try:
        result = subprocess.run(measures_command() + ["tag", str(bad), str(SPEECH), "--format", "jsonl"],
                                stdout=write, stderr=subprocess.PIPE, timeout=600)
    finally:
        os.close(write)
    assert result.returncode == 1 and result.stderr.decode().startswith(f"measures: {bad}: a PDF file")
    read, write = os.pipe()
    os.close(read)
    try:
        result = subprocess.run(measures_command() + ["tag", str(SPEECH), "--format", "jsonl"],
                                stdout=write, stderr=subprocess.PIPE, timeout=600)
    finally:
        os.close(write)
    assert result.returncode == 0 and not result.stderr  # | head took what it wanted


def test_standard_output_redirected_into_an_input_folder_is_refused(tmp_path):
    # `measures tag archive > archive/out.txt` read its own growing output as a document
    archive = tmp_path / "archive"
    archive.mkdir()
    shutil.copy(SPEECH, archive / "speech.txt")
    for name in ("out.txt", "out.jsonl"):
        with open(archive / name, "wb") as stdout:
            result = subprocess.run(measures_command() + ["tag", str(archive)], stdout=stdout,
                                    stderr=subprocess.PIPE, timeout=600)
        assert result.returncode == 1 and result.stderr.decode() == (
            f"measures: standard output ({archive / name}): would be read as a document of the input folder "
            f"{archive}; write the output elsewhere\n")
        assert (archive / name).read_bytes() == b""
    with open(tmp_path / "out.txt", "wb") as stdout:  # beside the folder it is no document of it
        assert subprocess.run(measures_command() + ["tag", str(archive)], stdout=stdout, timeout=600).returncode == 0
    assert "speech.txt" in (tmp_path / "out.txt").read_text("utf-8")


@pytest.mark.parametrize("command, name", [(["tag"], "out.txt"), (["report"], "out.html"), (["suggest"], "out.tsv")])
def test_an_output_over_the_file_standard_input_is_redirected_from_is_refused(tmp_path, command, name):
    # `measures tag - -o f.txt < f.txt` replaced the document it read (as /dev/stdin did not)
    document = tmp_path / name
    shutil.copy(SPEECH, document)
    with open(document, "rb") as stdin:
        result = subprocess.run(measures_command() + [*command, "-", "-o", str(document)], stdin=stdin,
                                capture_output=True, timeout=600)
    assert result.returncode == 1 and result.stderr.decode() == (
        f"measures: {document}: is the input standard input ({document}); write the output elsewhere\n")
    assert document.read_bytes() == SPEECH.read_bytes()


@pytest.mark.parametrize("command, message", [
    (["tag", str(SPEECH)], "measures: standard output is closed, and tag writes its result there; give -o FILE"),
    # the name of descriptor 1 would have been the null device's
    (["tag", str(SPEECH), "-o", "/dev/stdout"],
     "measures: standard output is closed, and tag writes its result there; give -o FILE"),
    (["explain", "全市开展核酸检测。"], "measures: standard output is closed, and explain writes its result there"),
])
def test_a_closed_standard_output_is_said_plainly(command, message):
    # cron or a daemon may start the command with its descriptor 1 closed
    result = subprocess.run(["bash", "-c", 'exec "$@" >&-', "-", *measures_command(), *command],
                            capture_output=False, stderr=subprocess.PIPE, timeout=600)
    assert result.returncode == 1 and result.stderr.decode() == message + "\n"


def test_a_closed_standard_output_does_not_stop_a_command_that_writes_a_file(tmp_path):
    out = tmp_path / "out.jsonl"
    result = subprocess.run(["bash", "-c", 'exec "$@" >&-', "-", *measures_command(), "tag", str(SPEECH), "-o",
                             str(out)], stderr=subprocess.PIPE, timeout=600)
    assert result.returncode == 0 and not result.stderr and json.loads(out.read_text("utf-8"))


def test_records_of_one_kind_of_error_are_said_three_at_a_time(tmp_path):
    # a GBK corpus, or pretty-printed JSON under a .jsonl name, gave a line for each of
    # its millions of lines
    records = "".join(json.dumps({"id": k, "text": "全市开展核酸检测。"}, ensure_ascii=False) + "\n" for k in range(8))
    wide = tmp_path / "gbk.jsonl"
    wide.write_bytes(records.encode("gb18030"))
    pretty = tmp_path / "pretty.jsonl"
    pretty.write_text(json.dumps([{"id": 1, "text": "全市开展核酸检测。"}], ensure_ascii=False, indent=2), "utf-8")
    nul = tmp_path / "nul.jsonl"  # a stray NUL early in a file is its line's error, not the file's
    nul.write_bytes(records.replace("\"id\": 1,", "\"id\": 1,\x00").encode())
    result = run_cli("tag", wide, pretty, nul, "--format", "jsonl")
    assert result.returncode == 1
    assert result.stderr.decode().splitlines() == [
        *(f"measures: {wide}:{n}: not UTF-8 (JSONL input must be UTF-8)" for n in (1, 2, 3)),
        f"measures: {wide}: 5 more records that are not UTF-8, the last on line 8 (8 in all; JSONL input must be "
        f"UTF-8; iconv -f gb18030 -t utf-8 converts a GBK file)",
        f"measures: {pretty}:1: not a JSON object (Expecting value at column 2)",
        f"measures: {pretty}:2: not a JSON object (Expecting property name enclosed in double quotes at column 4)",
        f"measures: {pretty}:3: not a JSON object (Extra data at column 9)",
        f"measures: {pretty}: 3 more records that are not JSON objects, the last on line 6 (6 in all; JSONL has "
        f"one JSON object a line)",
        f"measures: {nul}:2: not a JSON object (Expecting property name enclosed in double quotes at column 10)",
        "measures: 15 input(s) could not be tagged; 7 tagged"]
    assert [json.loads(line)["source"] for line in result.stdout.decode().splitlines()] == \
        ["0", "2", "3", "4", "5", "6", "7"]


@pytest.mark.parametrize("command", [["suggest", "-n", "20"], ["report"]])
def test_suggest_and_report_take_workers_and_write_what_one_process_writes(tmp_path, command):
    archive = tmp_path / "archive"
    archive.mkdir()
    for example in sorted(EXAMPLES.glob("*.txt")):
        shutil.copy(example, archive / example.name)
    def written(path):  # a report says the minute it was made
        return re.sub(r"\d{4}-\d\d-\d\d \d\d:\d\d", "WHEN", path.read_text("utf-8"))

    outputs = []
    for jobs in ("1", "2"):
        out = tmp_path / f"out{jobs}.{'html' if command[0] == 'report' else 'tsv'}"
        assert run_cli(command[0], archive, *command[1:], "-o", out, "--jobs", jobs).returncode == 0
        outputs.append(written(out))
    assert outputs[0] == outputs[1]
    assert len(outputs[0].splitlines()) > 5
    if command[0] == "report":
        assert "speech_deployment_meeting" in outputs[0]
    # the workers are asked for: on one CPU, two of them are warned of, as tag warns
    one_cpu = subprocess.run(measures_command() + [command[0], str(archive), *command[1:], "-o",
                                                   str(tmp_path / f"again{out.suffix}"), "--jobs", "2"],
                             capture_output=True, timeout=600,
                             preexec_fn=lambda: os.sched_setaffinity(0, {min(os.sched_getaffinity(0))}))
    assert one_cpu.returncode == 0
    assert "warning: --jobs 2 starts 2 worker processes on 1 CPU" in one_cpu.stderr.decode()
    assert written(tmp_path / f"again{out.suffix}") == outputs[0]


def test_output_to_the_name_of_standard_output_is_told_as_standard_output(tmp_path):
    # -o /dev/stdout is written as it goes: "/dev/stdout not written" after its "[]" was wrong
    bad = tmp_path / "scan.pdf"
    bad.write_bytes(b"%PDF-1.4 scanned")
    result = run_cli("tag", bad, "-o", "/dev/stdout", "--format", "json")
    assert result.returncode == 1 and result.stdout == b"[]\n"
    assert result.stderr.decode().splitlines()[-1] == "measures: no input could be tagged"
    result = run_cli("suggest", SPEECH, "-n", "2", "-o", "/dev/stdout")
    assert result.returncode == 0 and not result.stderr and len(result.stdout.decode().splitlines()) == 3


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_jsonl_on_standard_input_is_refused_as_a_file_of_it_is(encoding):
    # it was one document of JSON's syntax ({"text":"…"), tagged with status 0, or an error a line
    corpus = '{"id": "a", "text": "全市开展全员核酸检测。"}\n{"id": "b", "text": "对密接人员集中隔离。"}\n'
    result = run_cli("tag", "-", "--format", "jsonl", stdin=corpus.encode(encoding))
    assert result.returncode == 1 and result.stdout == b""
    assert result.stderr.decode().splitlines() == [
        "measures: <stdin>: UTF-16 text that opens a JSON object: JSONL input must be UTF-8 "
        "(iconv -f utf-16 -t utf-8 converts it)", "measures: no input could be tagged"]
    document = run_cli("tag", "-", "--format", "jsonl", stdin="全市开展全员核酸检测。\n".encode(encoding))
    assert document.returncode == 0 and json.loads(document.stdout)["sentences"][0]["labels"] == ["testing"]


def test_utf16_jsonl_redirected_to_dev_stdin_is_refused_as_a_file_of_it_is(tmp_path):
    corpus = tmp_path / "c.jsonl"
    corpus.write_bytes('{"id": "a", "text": "全市开展全员核酸检测。"}\n'.encode("utf-16"))
    with corpus.open("rb") as stdin:
        result = subprocess.run(measures_command() + ["tag", "/dev/stdin", "--format", "jsonl"], stdin=stdin,
                                capture_output=True, timeout=120)
    assert result.returncode == 1 and result.stdout == b""
    assert result.stderr.decode().startswith("measures: /dev/stdin: UTF-16 or binary, not JSONL")


def test_a_progress_line_that_gets_shorter_leaves_nothing_of_the_longer_one(capsys):
    from measures import cli

    started = time.perf_counter() - 1000  # rates of 1000k, then 10k characters a second
    cli._progress(20, 10 ** 9, started)
    cli._progress(40, 10 ** 7, started, final=True)
    shown = capsys.readouterr().err
    # as a terminal shows it: each carriage return writes over the line from its start
    line = ""
    for part in shown.rstrip("\n").split("\r")[1:]:
        line = part + line[len(part):]
    assert line.rstrip() == "tagged 40 documents, 10k characters/s"


def test_training_with_more_jobs_than_cpus_is_warned_of_as_tagging_is(tmp_path):
    # each label's and fold's fit is forked with its own copy of the terms: --jobs 64 on a
    # laptop took gigabytes without a word, where tag --jobs 64 warns
    from joblib import cpu_count

    cpus = cpu_count()
    rows = "".join(f"第{i}轮全市开展核酸检测。\ttesting\n第{i}批密接人员集中隔离。\tisolation_transfer\n"
                   f"第{i}次会议部署工作。\tother\n" for i in range(4))
    (tmp_path / "mine.tsv").write_text("text\tlabels\n" + rows, "utf-8")
    result = run_cli("train", tmp_path / "mine.tsv", "-o", tmp_path / "m", "--jobs", cpus + 1)
    assert result.returncode == 0, result.stderr.decode()
    assert (f"measures: warning: --jobs {cpus + 1} starts up to {cpus + 1} worker processes on {cpus} "
            f"CPU{'s' if cpus > 1 else ''}; more than {cpus} are no faster and each takes memory") \
        in result.stderr.decode().splitlines()
    quiet = run_cli("train", tmp_path / "mine.tsv", "-o", tmp_path / "m", "--jobs", cpus)
    assert quiet.returncode == 0 and "--jobs" not in quiet.stderr.decode()


def test_a_field_to_keep_that_no_record_has_is_noted(tmp_path):
    # a mistyped name (dat for date) gave a column of nulls without a word
    corpus = tmp_path / "c.jsonl"
    corpus.write_text("".join(json.dumps({"id": f"d{i}", "date": "2022-12-07", "text": "全市开展全员核酸检测。"},
                                         ensure_ascii=False) + "\n" for i in range(3)), "utf-8")
    result = run_cli("tag", corpus, "--keep-fields", "dat,date,link", "--format", "csv")
    assert result.returncode == 0
    assert result.stderr.decode().splitlines() == [
        "measures: note: --keep-fields: none of the 3 records has the fields 'dat', 'link', so they are null "
        "throughout (names are matched as the JSONL spells them)"]
    assert [row["fields.date"] for row in csv.DictReader(io.StringIO(result.stdout.decode()))] == ["2022-12-07"] * 3
    found = run_cli("tag", corpus, EXAMPLES / "press_briefing.txt", "--keep-fields", "date", "--format", "jsonl")
    assert found.returncode == 0 and found.stderr == b""  # a document file has no fields to lack


@pytest.mark.parametrize("name, expected", [
    ("plain.tsv", "plain.tsv"),
    ("政策/通知 2020\u3000第1号.txt", "政策/通知 2020\u3000第1号.txt"),  # an ideographic space is no control
    ("a\\nb.txt", "a\\nb.txt"),  # a backslash as it is: only a name holding a control changes
    ("bad\nname.tsv", "bad\\nname.tsv"),
    ("a\tb\r\n", "a\\tb\\r\\n"),
    ("\x1b[31mred\x1b[0m.txt", "\\x1b[31mred\\x1b[0m.txt"),
    ("nul\x00del\x7f", "nul\\x00del\\x7f"),
    ("c1\x85\x9b\x9f", "c1\\x85\\x9b\\x9f"),
    ("\xa0no-break", "\xa0no-break"),  # past C1
    ("a\u2028b\u2029", "a\\u2028b\\u2029"),
    (Path("docs") / "bad\nname.txt", "docs/bad\\nname.txt"),
])
def test_a_name_in_a_message_has_its_controls_escaped(name, expected):
    from measures.inputs import in_message

    assert in_message(name) == expected


def _named_with_a_line_break(folder: Path, content: str) -> Path:
    path = folder / "bad\nname.tsv"
    try:
        path.write_text(content, "utf-8")
    except OSError:
        pytest.skip("this file system refuses a line break in a file's name")
    return path


def test_a_labelled_file_named_with_a_line_break_is_named_on_one_line(tmp_path):
    bad = _named_with_a_line_break(tmp_path, "text\tlabels\n全市开展核酸检测。\ttestng\n对密接人员集中隔离。\tisolation_transfer\n"
                                             "对密接人员集中隔离。\ttesting\n各区开展消杀。\tdisinfection\n"
                                             "各区开展消杀。\tdisinfection\n")
    result = run_cli("train", bad.name, "-o", "m", cwd=tmp_path)
    assert result.returncode == 1 and not (tmp_path / "m").exists()
    assert result.stderr.decode().splitlines() == [
        "measures: 2 bad rows in labelled data:",
        "bad\\nname.tsv:2: unknown label id 'testng'; did you mean 'testing'?",
        "bad\\nname.tsv:4: same sentence labelled 'isolation_transfer' at bad\\nname.tsv:3 and 'testing' here",
        "(--skip-bad-rows trains on the other rows)"]
    check = run_cli("check-data", bad.name, cwd=tmp_path)
    assert check.returncode == 1
    assert check.stdout.decode().splitlines()[-3:] == [
        "duplicate: bad\\nname.tsv:5 = bad\\nname.tsv:6",
        "problem: bad\\nname.tsv:2: unknown label id 'testng'; did you mean 'testing'?",
        "problem: bad\\nname.tsv:4: same sentence labelled 'isolation_transfer' at bad\\nname.tsv:3 and 'testing' here"]
    # the JSON report gives the file's name as it is
    report = json.loads(run_cli("check-data", bad.name, "--format", "json", cwd=tmp_path).stdout)
    assert report["exact_duplicate_examples"] == [{"a": "bad\nname.tsv:5", "b": "bad\nname.tsv:6"}]


def test_the_scores_of_a_file_named_with_a_line_break_have_a_one_line_title(tmp_path):
    good = _named_with_a_line_break(tmp_path, "text\tlabels\n全市开展新一轮全员核酸检测。\ttesting\n")
    result = run_cli("evaluate", good.name, cwd=tmp_path)
    assert result.returncode == 0, result.stderr.decode()
    assert result.stdout.decode().splitlines()[:2] == [
        "bad name.tsv (1 sentence)",
        "sentences 1  micro-F1 1.000  macro-F1 1.000  primary accuracy 1.000  exact match 1.000"]


def test_a_missing_input_named_with_a_line_break_is_named_on_one_line(tmp_path):
    result = run_cli("tag", "bad\nname.txt", "\x1b[2Jgone.txt", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.decode().splitlines() == [
        "measures: bad\\nname.txt: no such file or folder",
        "measures: \\x1b[2Jgone.txt: no such file or folder",
        "measures: no input could be tagged"]


def test_a_missing_input_is_named_as_given_and_what_it_was_meant_as_is_said(tmp_path):
    # Path() made the address 'https:/www.gov.cn/…', a name no one gave; a journalist's
    # address or sentence is no file, and the message says what measures reads instead
    result = run_cli("tag", "https://www.gov.cn/xinwen/a.htm", "全市开展核酸检测。", "通告.txt", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.decode().splitlines() == [
        "measures: https://www.gov.cn/xinwen/a.htm: no such file or folder; a web address: measures reads files, "
        "so save the page (as HTML) and give its file",
        "measures: 全市开展核酸检测。: no such file or folder; text to tag is read from standard input: "
        "echo '全市开展核酸检测。' | measures tag -",
        "measures: 通告.txt: no such file or folder",
        "measures: no input could be tagged"]
    # a sentence is quoted as one: as a file's name, -x was ./-x
    result = run_cli("tag", "--", "-全市停课。", cwd=tmp_path)
    assert "echo '-全市停课。' | measures tag -" in result.stderr.decode()


def test_training_into_the_shipped_models_folder_says_so_before_it_trains(tmp_path, monkeypatch, capsys):
    # a retrain aimed at the wrong folder replaced the model of every later command, without a word
    from measures import cli, persistence

    rows = "".join(f"第{i}轮全市开展核酸检测。\ttesting\n第{i}批密接人员集中隔离。\tisolation_transfer\n"
                   f"第{i}次会议部署工作。\tother\n" for i in range(4))
    (tmp_path / "mine.tsv").write_text("text\tlabels\n" + rows, "utf-8")
    shipped = tmp_path / "models" / "policy-measures-zh"
    shipped.mkdir(parents=True)
    monkeypatch.setattr(persistence, "shipped_model_path", lambda: shipped)
    monkeypatch.chdir(tmp_path)
    assert cli.main(["train", "mine.tsv", "-o", "models/../models/policy-measures-zh", "--jobs", "1"]) == 0
    err = capsys.readouterr().err
    assert ("measures: note: models/../models/policy-measures-zh is the shipped model's folder: the model trained "
            "now replaces it for every command and load_model() that names no model") in err
    assert (shipped / "weights.npz").exists()
    assert cli.main(["train", "mine.tsv", "-o", "elsewhere", "--jobs", "1"]) == 0
    assert "shipped" not in capsys.readouterr().err
