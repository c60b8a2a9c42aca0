"""Tagging on a real local Dask cluster (two worker processes) gives what one process gives."""
import json
import re

import pytest

dask_bag = pytest.importorskip("dask.bag", reason="the Dask test needs dask[distributed] (pip install '.[dask]')")
distributed = pytest.importorskip("dask.distributed", reason="needs dask[distributed]")

from measures import load_model  # noqa: E402
from measures.distributed import read_jsonl, tag_bag, tag_records  # noqa: E402

from conftest import EXAMPLES, run_cli  # noqa: E402


@pytest.fixture(scope="module")
def records():
    texts = [path.read_text("utf-8") for path in sorted(EXAMPLES.glob("*.txt"))]
    # several partitions' worth, with the texts cut at different places
    return [{"id": f"doc{i}", "text": texts[i % len(texts)][(i * 37) % 200:]} for i in range(24)]


@pytest.fixture(scope="module")
def client():
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                       dashboard_address=None, silence_logs=40)
    with distributed.Client(cluster) as client:
        yield client
    cluster.close()


def _positions(records, npartitions):
    """(partition, position from 1) of each record of dask.bag.from_sequence."""
    bag = dask_bag.from_sequence(range(len(records)), npartitions=npartitions)
    return [(p, n) for p, part in enumerate(bag.to_delayed()) for n in range(1, len(part.compute()) + 1)]


def test_two_worker_cluster_gives_the_one_process_result(client, records, tmp_path):
    assert len(client.scheduler_info()["workers"]) == 2
    bag = dask_bag.from_sequence(records, npartitions=6)
    on_cluster = tag_bag(bag).compute()
    in_process = tag_records(records)
    assert [r.pop("input") for r in in_process] == [f"<records>:{n}" for n in range(1, len(records) + 1)]
    assert [r.pop("input") for r in on_cluster] == [f"<partition {p}>:{n}" for p, n in _positions(records, 6)]
    assert on_cluster == in_process
    # and the same records `measures tag --format jsonl` writes
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), "utf-8")
    out = tmp_path / "out.jsonl"
    assert run_cli("tag", corpus, "--format", "jsonl", "-o", out).returncode == 0
    from_cli = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    # but for where each was read: a file's line there
    assert [r.pop("input") for r in from_cli] == [f"{corpus}:{n}" for n in range(1, len(records) + 1)]
    assert on_cluster == from_cli
    assert [r["source"] for r in on_cluster] == [r["id"] for r in records]
    assert all(r["sentences"] for r in on_cluster)


def test_records_without_an_id_are_named_by_position_and_bad_ones_skipped(records, caplog):
    results = tag_records([records[0]["text"], {"id": None, "text": records[1]["text"]},
                           {"body": "no text field"}, records[2]])
    assert [r["source"] for r in results] == ["<records>:1", "<records>:2", "doc2"]
    assert "<records>:3: expected a text or an object with a string field 'text'" in caplog.text


def test_on_the_cluster_records_are_named_by_partition_and_position(client, records):
    texts = [r["text"] for r in records[:4]]
    results = tag_bag(dask_bag.from_sequence(texts + [42], npartitions=2)).compute()
    assert [r["source"] for r in results] == ["<partition 0>:1", "<partition 0>:2", "<partition 0>:3",
                                              "<partition 1>:1"]


@pytest.mark.parametrize("blocksize", [None, 300, "64 MiB"])
def test_jsonl_files_read_on_the_cluster_give_what_the_cli_writes(client, records, tmp_path, blocksize):
    # a byte-order mark, a blank line, a bad line and records without an id, as the CLI takes them
    lines = [json.dumps(records[0], ensure_ascii=False), "", "{not json", json.dumps({"text": records[1]["text"]}),
             json.dumps({"id": None, "source": "晚报", "text": records[2]["text"]})]
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text("\ufeff" + "\n".join(lines) + "\n", "utf-8")
    second = tmp_path / "more.jsonl"
    # a line that is not UTF-8, and lines that end in a lone CR or CRLF, as the CLI ends them
    second.write_bytes(b'{"text": "caf\xe9"}\r{"text": "a"}\r\n{"text": "b"}\r'
                       + json.dumps(records[3], ensure_ascii=False).encode() + b"\r")
    bag = read_jsonl([str(corpus), str(second)], blocksize=blocksize)
    # 300 bytes: the first file in several partitions, its lines numbered across them
    assert bag.npartitions == 2 if blocksize != 300 else bag.npartitions > 10
    on_cluster = tag_bag(bag).compute()
    out = tmp_path / "out.jsonl"
    result = run_cli("tag", corpus, second, "--format", "jsonl", "-o", out)
    assert result.returncode == 1 and f"{corpus}:3: not a JSON object" in result.stderr.decode()
    assert f"{second}:1: not UTF-8" in result.stderr.decode() and f"{second}:2: not" not in result.stderr.decode()
    assert on_cluster == [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert [r["source"] for r in on_cluster] == ["doc0", f"{corpus}:4", "晚报", f"{second}:2", f"{second}:3", "doc3"]


def test_fields_kept_on_the_cluster_are_those_the_cli_keeps(client, records, tmp_path):
    lines = [{"id": "a", "date": "2022-04-01", "url": "http://x/1", "html": "<p>" * 50, "text": records[0]["text"]},
             {"date": None, "n": float("nan"), "text": records[1]["text"]},
             {"n": [1, 2], "text": records[2]["text"]}]
    corpus = tmp_path / "news.jsonl"
    corpus.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in lines), "utf-8")
    bag = read_jsonl(str(corpus), blocksize=200, keep_fields=["date", "n"])
    assert [r["fields"] for r in bag.compute()] == [{"date": "2022-04-01", "n": None}, {"date": None, "n": None},
                                                    {"date": None, "n": [1, 2]}]
    on_cluster = tag_bag(bag).compute()
    result = run_cli("tag", corpus, "--format", "jsonl", "--keep-fields", "date,n")
    assert result.returncode == 0
    assert on_cluster == [json.loads(line) for line in result.stdout.decode().splitlines()]
    assert list(on_cluster[0]) == ["source", "input", "fields", "sentences", "summary"]
    # the text under another name, as --text-field reads it
    renamed = tmp_path / "renamed.jsonl"
    renamed.write_text("".join(json.dumps({"body" if k == "text" else k: v for k, v in r.items()}, ensure_ascii=False)
                               + "\n" for r in lines), "utf-8")
    from_cli = run_cli("tag", renamed, "--format", "jsonl", "--keep-fields", "date,n", "--text-field", "body")
    assert [r["sentences"] for r in tag_bag(read_jsonl(str(renamed), keep_fields=["date", "n"],
                                                       text_field="body")).compute()] == \
        [json.loads(line)["sentences"] for line in from_cli.stdout.decode().splitlines()] == \
        [r["sentences"] for r in on_cluster]
    # without keep_fields no field is held, and none is written
    assert "fields" not in read_jsonl(str(corpus)).compute()[0]
    with pytest.raises(TypeError, match=r"not a string \(keep_fields=\['date'\] for one\)"):
        read_jsonl(str(corpus), keep_fields="date")
    assert "fields" not in read_jsonl(str(corpus), keep_fields=None).compute()[0]
    for names, message in [(["text"], "keep_fields: 'text' is the document"),
                           (["date", "date"], "keep_fields: names a field twice: 'date'"),
                           (["", "date"], r"keep_fields: names an empty field: \['', 'date'\]")]:
        with pytest.raises(ValueError, match=message):
            read_jsonl(str(corpus), keep_fields=names)


def test_records_without_a_text_are_logged_three_at_a_time(tmp_path, caplog):
    # a corpus whose text is under another name logged a warning for each of its records
    corpus = tmp_path / "news.jsonl"
    corpus.write_text("".join(json.dumps({"id": k, "body": "全市开展核酸检测。"}) + "\n" for k in range(8)), "utf-8")
    assert read_jsonl(str(corpus), blocksize=None).compute(scheduler="sync") == []
    warnings = [r.getMessage() for r in caplog.records if r.name == "measures.distributed"]
    assert warnings == [*(f"{corpus}:{n}: expected an object with a string field 'text' (its fields: 'id', 'body')"
                          for n in (1, 2, 3)),
                        f"{corpus}: 5 more records without a string field 'text', the last on line 8 (8 in all; "
                        "--text-field names the field that holds the text)"]
    assert len(read_jsonl(str(corpus), text_field="body").compute(scheduler="sync")) == 8
    # cut into blocks, each block's note says which lines it counts, not the file's total
    caplog.clear()
    corpus.write_text("".join(json.dumps({"id": k, "body": "全市开展核酸检测。"}) + "\n" for k in range(40)), "utf-8")
    read_jsonl(str(corpus), blocksize=500).compute(scheduler="sync")
    notes = [r.getMessage() for r in caplog.records if "more records" in r.getMessage()]
    assert notes and all(re.search(r"\(\d+ in lines \d+–\d+;", note) for note in notes), notes


def test_a_large_file_is_spread_over_partitions_and_numbered_as_one(client, tmp_path):
    import gzip

    # records without ids, named by line, and blank and bad lines among them
    lines = []
    for i in range(60):
        lines.append(json.dumps({"text": f"全市第{i}轮核酸检测。"}, ensure_ascii=False) if i % 7 else ("" if i % 2 else "{bad"))
    corpus = tmp_path / "big.jsonl"
    corpus.write_text("\n".join(lines) + "\n", "utf-8")
    packed = tmp_path / "big.jsonl.gz"
    packed.write_bytes(gzip.compress(corpus.read_bytes()))
    whole = read_jsonl(str(corpus), blocksize=None).compute()
    assert [r["id"] for r in whole] == [f"{corpus}:{i + 1}" for i in range(60) if i % 7]
    for blocksize in (50, 128, 1000):
        bag = read_jsonl(str(corpus), blocksize=blocksize)
        assert bag.npartitions > 1 and bag.compute() == whole
    # a compressed file cannot be cut: one partition, the same records
    bag = read_jsonl(str(packed), blocksize=50)
    assert bag.npartitions == 1
    assert [r["text"] for r in bag.compute()] == [r["text"] for r in whole]


def test_a_pattern_that_matches_no_file_is_named(tmp_path):
    with pytest.raises(FileNotFoundError, match="no files match"):
        read_jsonl(str(tmp_path / "*.jsonl"))


@pytest.mark.parametrize("blocksize", [None, 64])
def test_a_name_that_looks_like_a_pattern_is_its_file(tmp_path, blocksize):
    # a glob's matches are read as the files they are, and a listed name that exists is
    # that file, "*" and "[1]" in it included
    for name, text in [("star*.jsonl", "a"), ("starX.jsonl", "b"), ("br[1].jsonl", "c"), ("br1.jsonl", "d")]:
        (tmp_path / name).write_text(json.dumps({"text": text}) + "\n", "utf-8")
    found = read_jsonl(str(tmp_path / "sta*.jsonl"), blocksize=blocksize).compute(scheduler="sync")
    assert [r["text"] for r in found] == ["a", "b"]
    found = read_jsonl(str(tmp_path / "star*.jsonl"), blocksize=blocksize).compute(scheduler="sync")
    assert [r["text"] for r in found] == ["a"]
    found = read_jsonl([str(tmp_path / "br[1].jsonl")], blocksize=blocksize).compute(scheduler="sync")
    assert [(r["id"], r["text"]) for r in found] == [(f"{tmp_path / 'br[1].jsonl'}:1", "c")]


@pytest.mark.parametrize("blocksize", [0, "0 B", -1, "-5", True, 1000.5])  # True was 1 byte
def test_a_block_size_that_cannot_cut_is_refused(tmp_path, blocksize):
    path = tmp_path / "a.jsonl"
    path.write_text('{"text": "a"}\n', "utf-8")
    with pytest.raises(ValueError, match="blocksize must be a positive size"):
        read_jsonl(str(path), blocksize=blocksize)


# a sentence that names two measures, so that a model that labels it at all gives both
# (one that named one, and a second by a threshold, lost it when the model was retrained)
TWO_MEASURES = "对密接人员一律集中隔离，并在隔离期间开展三次核酸检测。"


def test_a_model_saved_again_over_the_same_folder_is_loaded_again(tmp_path):
    import measures

    record = [{"id": "r", "text": "全市开展新一轮全员核酸检测。" + TWO_MEASURES}]
    folder = tmp_path / "my-model"
    measures.load_model().save(folder)
    before = tag_records(record, model_path=folder)[0]["sentences"][1]["labels"]
    assert len(before) == 2  # isolation_transfer and testing, by the guide and the shipped thresholds
    stricter = measures.load_model()
    stricter.thresholds[:] = 0.999  # only the primary label passes
    stricter.save(folder)
    after = tag_records(record, model_path=folder)[0]["sentences"][1]["labels"]
    assert after == before[:1]


def test_every_name_that_matches_no_file_is_named_and_a_folder_is_refused(tmp_path):
    good = tmp_path / "good.jsonl"
    good.write_text('{"text": "全市开展核酸检测。"}\n', "utf-8")
    with pytest.raises(FileNotFoundError, match=r"no files match '.*missing\.jsonl', '.*\*\.ndjson'$"):
        read_jsonl([str(good), str(tmp_path / "missing.jsonl"), str(tmp_path / "*.ndjson")])
    with pytest.raises(FileNotFoundError, match=r": a folder; name its files, such as .*\*\.jsonl"):
        read_jsonl(str(tmp_path))
    (tmp_path / "more").mkdir()
    with pytest.raises(FileNotFoundError, match=r"no files match '.*missing\.jsonl'; .*: a folder; .*more: a folder"):
        read_jsonl([str(tmp_path / "missing.jsonl"), str(tmp_path), str(tmp_path / "more")])
    with pytest.raises(FileNotFoundError, match=r"no files given \(an empty list\)"):
        read_jsonl([])  # an empty glob.glob(), say


@pytest.mark.parametrize("call, message", [
    (lambda: tag_records("全市开展核酸检测。"), r"expected an iterable of records .*, not a string \(tag_records\(\[text\]\) for one\)"),
    (lambda: tag_records({"text": "全市开展核酸检测。"}), r"not a dict \(tag_records\(\[record\]\) for one\)"),
    (lambda: tag_records(None), "expected an iterable of records .*, got NoneType"),
    (lambda: read_jsonl(5), "expected a path, a glob or a list of them, got int"),
    (lambda: read_jsonl([None]), "expected the JSONL path as a string or a path, got NoneType"),
    (lambda: tag_bag(["全市开展核酸检测。"]), r"expected a dask.bag.Bag .*, got list"),
    (lambda: read_jsonl(b"a.jsonl"), r"got bytes \(os.fsdecode\(path\) decodes it\)"),
])
def test_arguments_of_the_wrong_kind_are_named(call, message):
    with pytest.raises(TypeError, match=message):
        call()


def test_a_model_that_cannot_be_used_is_said_before_any_work(tmp_path):
    from measures.persistence import ModelFileError

    (tmp_path / "notes").mkdir()
    with pytest.raises(ModelFileError, match="notes: not a model folder"):
        tag_bag(dask_bag.from_sequence(["全市开展核酸检测。"]), model_path=tmp_path / "notes")


def test_a_file_that_is_not_jsonl_text_is_said_once_and_the_others_are_read(tmp_path, caplog):
    import gzip

    good = tmp_path / "good.jsonl"
    good.write_text("".join(json.dumps({"id": f"g{i}", "text": "全市开展核酸检测。"}) + "\n" for i in range(3)), "utf-8")
    lines = "".join(json.dumps({"text": f"第{i}条"}, ensure_ascii=False) + "\n" for i in range(40))
    (tmp_path / "wide.jsonl").write_bytes(lines.encode("utf-16"))
    (tmp_path / "packed.jsonl").write_bytes(gzip.compress(lines.encode()))
    (tmp_path / "cut.jsonl.gz").write_bytes(gzip.compress(lines.encode())[:60])
    names = [str(tmp_path / name) for name in ("good.jsonl", "wide.jsonl", "packed.jsonl", "cut.jsonl.gz")]
    for blocksize in (None, 100):
        caplog.clear()
        found = read_jsonl(names, blocksize=blocksize).compute(scheduler="sync")
        assert [r["id"] for r in found] == ["g0", "g1", "g2"]
        warnings = sorted(r.getMessage() for r in caplog.records)  # in the order the tasks ran
        assert len(warnings) == 3, warnings
        assert warnings[0].startswith(f"{names[3]}: cannot be read (") and warnings[0].endswith("); left out")
        assert f"{names[2]}: compressed, not JSONL text" in warnings[1]
        assert f"{names[1]}: UTF-16 or binary, not JSONL" in warnings[2]


def test_no_block_of_a_file_is_held_as_a_result_of_its_own(tmp_path):
    # the line counts that number a cut file's lines are handed on as numbers: a task that
    # returned a block would be held by the scheduler until the block is parsed
    import dask

    corpus = tmp_path / "c.jsonl"
    corpus.write_text(json.dumps({"text": "全市开展新一轮全员核酸检测，各区做好采样组织工作。" * 10}, ensure_ascii=False)
                      .__add__("\n") * 20, "utf-8")
    bag = read_jsonl(str(corpus), blocksize=1000)
    graph = dict(bag.__dask_graph__())
    results = dask.get(graph, list(graph))
    assert bag.npartitions > 5
    assert not any(isinstance(result, bytes) for result in results)
    assert len(bag.compute(scheduler="sync")) == 20


def test_a_line_of_json_that_is_no_object_is_said_to_be_not_an_object(tmp_path, caplog):
    # it was said to be "without a string field 'body'", as a record of other fields is
    corpus = tmp_path / "news.jsonl"
    corpus.write_text('[1, 2]\n{"body": "全市开展核酸检测。"}\n"对密接人员集中隔离。"\n', "utf-8")
    said = [f'{corpus}:1: not a JSON object (an array; a record is {{"body": "…"}})',
            f'{corpus}:3: not a JSON object (a string; a record is {{"body": "…"}})']
    assert len(read_jsonl(str(corpus), blocksize=None, text_field="body").compute(scheduler="sync")) == 1
    assert [r.getMessage() for r in caplog.records if r.name == "measures.distributed"] == said
    result = run_cli("tag", corpus, "--text-field", "body", "--format", "jsonl")
    assert result.returncode == 1 and len(result.stdout.splitlines()) == 1
    assert [line.removeprefix("measures: ") for line in result.stderr.decode().splitlines()][:2] == said


def test_a_stray_nul_is_its_lines_error_however_the_file_is_cut(tmp_path, caplog):
    # a NUL in the first 4 KiB left out every record of a scraped corpus (one further on,
    # only its own line)
    lines = [json.dumps({"id": f"r{i}", "text": "全市开展新一轮全员核酸检测。"}, ensure_ascii=False).encode() for i in range(60)]
    lines[30] = b'{"id": "r30", "text": "a\x00b"}'  # past the first small block, within the first 4 KiB
    corpus = tmp_path / "nul.jsonl"
    corpus.write_bytes(b"\n".join(lines) + b"\n")
    for blocksize in (None, 500, 1000, 5000):
        caplog.clear()
        found = read_jsonl(str(corpus), blocksize=blocksize).compute(scheduler="sync")
        assert [r["id"] for r in found] == [f"r{i}" for i in range(60) if i != 30], blocksize
        assert [r.getMessage() for r in caplog.records] == [
            f"{corpus}:31: not a JSON object (Invalid control character at column 25)"]
    # binary data, its NULs throughout, is still one error for the file
    corpus.write_bytes(bytes(range(256)) * 20)
    caplog.clear()
    assert read_jsonl(str(corpus), blocksize=None).compute(scheduler="sync") == []
    assert [r.getMessage() for r in caplog.records] == [f"{corpus}: UTF-16 or binary, not JSONL (JSONL input must "
                                                        "be UTF-8); left out"]


def test_a_damaged_zip_is_left_out_and_the_other_files_read(tmp_path, caplog):
    import zipfile

    good = tmp_path / "good.jsonl"
    good.write_text('{"id": "g", "text": "全市开展核酸检测。"}\n', "utf-8")
    packed = tmp_path / "cut.jsonl.zip"
    with zipfile.ZipFile(packed, "w") as archive:
        archive.writestr("cut.jsonl", '{"text": "对密接人员集中隔离。"}\n' * 200)
    packed.write_bytes(packed.read_bytes()[:80])
    found = read_jsonl([str(good), str(packed)]).compute(scheduler="sync")
    assert [r["id"] for r in found] == ["g"]
    assert f"{packed}: cannot be read (BadZipFile: " in caplog.text


def test_results_held_from_a_run_are_not_taken_for_a_model_saved_over_its_folder(client, tmp_path):
    import measures

    folder = tmp_path / "my-model"
    measures.load_model().save(folder)
    bag = dask_bag.from_sequence(["全市开展新一轮全员核酸检测。" + TWO_MEASURES] * 2, npartitions=2)
    kept = tag_bag(bag, model_path=folder).persist()  # an earlier run's results, still on the cluster
    before = kept.compute()[0]["sentences"][1]["labels"]
    stricter = measures.load_model()
    stricter.thresholds[:] = 0.999
    stricter.save(folder)
    after = tag_bag(bag, model_path=folder).compute()[0]["sentences"][1]["labels"]
    assert len(before) == 2 and after == before[:1]
    del kept


def test_a_record_whose_text_names_a_file_is_tagged_as_text_without_a_warning(tmp_path, monkeypatch):
    # a record's text is text (the CLI tags a JSONL line "核酸检测.txt" without a word);
    # tag_many warns of such a string, as a path given where its contents were meant
    import warnings

    monkeypatch.chdir(tmp_path)
    (tmp_path / "核酸检测.txt").write_text("全市开展全员核酸检测。", "utf-8")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        found = tag_records(["核酸检测.txt", {"id": "n2", "text": "核酸检测.txt"}])
    assert [str(w.message) for w in caught] == []
    assert [(r["source"], r["sentences"][0]["text"]) for r in found] == [("<records>:1", "核酸检测.txt"),
                                                                        ("n2", "核酸检测.txt")]
    with pytest.warns(UserWarning, match="'核酸检测.txt' is the name of a file"):
        list(load_model().tag_many(["核酸检测.txt"]))


def test_ids_given_in_python_are_named_as_tag_many_names_them(caplog):
    # a numpy integer or a date failed the whole run deep in json; a pandas id column with
    # an empty cell (floats) named 1 as "1.0" and the empty one "nan"
    import numpy as np
    import pandas as pd

    import measures

    text = "全市开展新一轮全员核酸检测。"
    ids = [np.int64(57), 1.0, float("nan"), pd.NA, pd.Timestamp("2022-04-01"), "", 2.5, True]
    found = tag_records([{"id": value, "text": text} for value in ids])
    assert [r["source"] for r in found] == ["57", "1", "<records>:3", "<records>:4", "2022-04-01 00:00:00",
                                            "<records>:6", "2.5", "true"]
    assert [d.source for d in measures.load_model().tag_many([text] * 3, sources=ids[:3])] == \
        [r["source"] for r in found[:2]] + [None]


def test_a_file_named_twice_is_read_once(tmp_path, caplog):
    # as the command line reads it: read twice, it counted twice in every total
    for name in ("a", "b"):
        (tmp_path / f"{name}.jsonl").write_text(
            "".join(json.dumps({"id": f"{name}{k}", "text": "全市开展核酸检测。"}) + "\n" for k in range(2)), "utf-8")
    (tmp_path / "c.link").symlink_to(tmp_path / "b.jsonl")
    found = read_jsonl([str(tmp_path / "*.jsonl"), str(tmp_path / "b.jsonl"), str(tmp_path / "c.link")])
    assert [r["id"] for r in found.compute(scheduler="sync")] == ["a0", "a1", "b0", "b1"]
    assert [r.getMessage() for r in caplog.records] == [
        f"{tmp_path / 'b.jsonl'}: given more than once; read once",
        f"{tmp_path / 'c.link'}: the same file as {tmp_path / 'b.jsonl'}; read once"]


def test_a_bad_number_of_examples_is_refused_before_the_work():
    import dask.bag as db

    with pytest.raises(ValueError, match="examples must be a whole number, 0 or more, not -1"):
        tag_bag(db.from_sequence(["全市开展核酸检测。"]), examples=-1)


def test_files_written_on_the_cluster_joined_are_the_clis_output(client, records, tmp_path):
    import gzip

    from measures.distributed import write_jsonl

    # a kept field holding half an emoji, as a scraper that cuts strings by UTF-16 units
    # leaves it: json.dumps(ensure_ascii=False) and to_textfiles failed the run on it
    corpus = tmp_path / "news.jsonl"
    corpus.write_text(json.dumps({"id": "a", "title": "通告\ud83d", "text": records[0]["text"]}) + "\n"
                      + json.dumps({"id": "b", "text": records[1]["text"]}) + "\n", "utf-8")
    # left out, its partition empty: to_textfiles(last_endline=True) wrote it as a blank line
    packed = tmp_path / "packed.jsonl"
    packed.write_bytes(gzip.compress(corpus.read_bytes()))
    bag = read_jsonl([str(corpus), str(packed)], keep_fields=["title"])
    assert bag.npartitions == 2
    paths = write_jsonl(tag_bag(bag), str(tmp_path / "tagged" / "*.jsonl"))
    assert len(paths) == 2
    out = tmp_path / "out.jsonl"
    assert run_cli("tag", corpus, packed, "--keep-fields", "title", "-o", out).returncode == 1
    assert b"".join(open(path, "rb").read() for path in sorted(paths)) == out.read_bytes()
    assert '"title": "通告\\ud83d"' in out.read_text("utf-8")


def test_files_left_out_on_the_cluster_are_said_where_the_client_forwards_the_log(client, tmp_path, caplog):
    # logged on a worker, a file left out reached no one; the README's example forwards the log
    import gzip
    import logging
    import time

    good = tmp_path / "good.jsonl"
    good.write_text(json.dumps({"id": "g", "text": "全市开展核酸检测。"}) + "\n", "utf-8")
    packed = tmp_path / "packed.jsonl"
    packed.write_bytes(gzip.compress(good.read_bytes()))
    client.forward_logging("measures", level=logging.WARNING)
    try:
        with caplog.at_level(logging.WARNING, logger="measures"):
            assert [r["id"] for r in read_jsonl([str(good), str(packed)]).compute()] == ["g"]
            deadline = time.monotonic() + 30
            while not any("compressed, not JSONL text" in r.getMessage() for r in caplog.records):
                assert time.monotonic() < deadline, [r.getMessage() for r in caplog.records]
                time.sleep(0.1)
    finally:
        client.unforward_logging("measures")
    assert any(r.getMessage().startswith(f"{packed}: compressed, not JSONL text") for r in caplog.records)


def test_writing_results_refuses_last_endline(tmp_path):
    # the README's old recipe passed last_endline=True to to_textfiles: given to write_jsonl,
    # whose lines are ended already, it wrote a blank line at the end of every file
    from measures.distributed import write_jsonl

    results = dask_bag.from_sequence([{"source": "a", "sentences": []}], npartitions=1)
    with pytest.raises(TypeError, match="last_endline would add a blank line to every file"):
        write_jsonl(results, str(tmp_path / "tagged" / "*.jsonl"), last_endline=True)
    assert not (tmp_path / "tagged").exists()
    paths = write_jsonl(results, str(tmp_path / "tagged" / "*.jsonl"), scheduler="sync")
    assert [open(path, "rb").read() for path in paths] == [b'{"source": "a", "sentences": []}\n']
