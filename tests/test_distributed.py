"""Tagging on a real local Dask cluster (two worker processes) gives what one process gives."""
import json

import pytest

dask_bag = pytest.importorskip("dask.bag", reason="the Dask test needs dask[distributed] (pip install '.[dask]')")
distributed = pytest.importorskip("dask.distributed", reason="needs dask[distributed]")

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


def test_two_worker_cluster_gives_the_one_process_result(client, records, tmp_path):
    assert len(client.scheduler_info()["workers"]) == 2
    bag = dask_bag.from_sequence(records, npartitions=6)
    on_cluster = tag_bag(bag).compute()
    assert on_cluster == tag_records(records)
    # and the same records `measures tag --format jsonl` writes
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), "utf-8")
    out = tmp_path / "out.jsonl"
    assert run_cli("tag", corpus, "--format", "jsonl", "-o", out).returncode == 0
    from_cli = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
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
    # a line that is not UTF-8, and a lone CR, which ends no line for the CLI
    second.write_bytes(b'{"text": "caf\xe9"}\n{"text": "a"}\r{"text": "b"}\n'
                       + json.dumps(records[3], ensure_ascii=False).encode() + b"\n")
    bag = read_jsonl([str(corpus), str(second)], blocksize=blocksize)
    # 300 bytes: the first file in several partitions, its lines numbered across them
    assert bag.npartitions == 2 if blocksize != 300 else bag.npartitions > 10
    on_cluster = tag_bag(bag).compute()
    out = tmp_path / "out.jsonl"
    result = run_cli("tag", corpus, second, "--format", "jsonl", "-o", out)
    assert result.returncode == 1 and f"{corpus}:3: not a JSON object" in result.stderr.decode()
    assert f"{second}:1: not UTF-8" in result.stderr.decode() and f"{second}:2: not a JSON object" in result.stderr.decode()
    assert on_cluster == [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert [r["source"] for r in on_cluster] == ["doc0", f"{corpus}:4", "晚报", "doc3"]


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


@pytest.mark.parametrize("blocksize", [0, "0 B", -1, "-5"])
def test_a_block_size_that_cannot_cut_is_refused(tmp_path, blocksize):
    path = tmp_path / "a.jsonl"
    path.write_text('{"text": "a"}\n', "utf-8")
    with pytest.raises(ValueError, match="blocksize must be a positive size"):
        read_jsonl(str(path), blocksize=blocksize)
