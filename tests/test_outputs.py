"""What the commands write: never over one of their inputs, checked before any work,
with ordinary file modes, cleaned up when the run is stopped, safe to open in Excel."""
from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from pathlib import Path

import pytest

from measures.outputs import OutputError, open_output
from measures.suggesting import write_suggestions
from measures.summary import SummaryBuilder

from conftest import EXAMPLES, ROOT, measures_command, run_cli

SPEECH = EXAMPLES / "speech_deployment_meeting.txt"
LABELLED = "text\tlabels\n全市开展核酸检测。\ttesting\n对密接人员集中隔离。\tisolation_transfer\n"


def _at(work, command):
    """``command`` with its file arguments (all but the subcommand and options) in ``work``."""
    return [command[0], *(arg if arg.startswith("-") else f"{work}/{arg}" for arg in command[1:])]


@pytest.fixture
def work(tmp_path):
    shutil.copy(SPEECH, tmp_path / "pb.txt")
    (tmp_path / "corrected.tsv").write_text(LABELLED, "utf-8")
    (tmp_path / "docs").mkdir()
    shutil.copy(SPEECH, tmp_path / "docs" / "a.txt")
    return tmp_path


@pytest.mark.parametrize("command, output", [
    (["tag", "pb.txt", "-o", "pb.txt"], "pb.txt"),
    (["tag", "pb.txt", "-o", "./docs/../pb.txt"], "pb.txt"),
    (["report", "pb.txt", "-o", "pb.txt"], "pb.txt"),
    (["suggest", "docs", "--exclude", "corrected.tsv", "-o", "corrected.tsv"], "corrected.tsv"),
    (["train", "corrected.tsv", "-o", "corrected.tsv"], "corrected.tsv"),
    (["train", "docs/a.txt", "-o", "docs"], "docs/a.txt"),
    (["tag", "docs", "-o", "docs/a.txt"], "docs/a.txt"),
    (["tag", "link.txt", "-o", "pb.txt"], "pb.txt"),
])
def test_an_output_that_would_replace_an_input_is_refused(work, command, output):
    os.link(work / "pb.txt", work / "link.txt")
    before = (work / output).read_bytes()
    result = run_cli(*_at(work, command))
    assert result.returncode == 1
    err = result.stderr.decode()
    assert err.startswith(f"measures: {work}/{command[-1]}: ") and "input" in err and err.count("\n") == 1, err
    assert (work / output).read_bytes() == before


@pytest.mark.parametrize("command", [["tag", "pb.txt"], ["report", "pb.txt"]])
@pytest.mark.parametrize("name", ["config.json", "weights.npz", "notes.txt"])
def test_an_output_inside_the_model_folder_in_use_is_refused(work, command, name):
    model = work / "model"
    shutil.copytree(ROOT / "models" / "policy-measures-zh", model)
    before = {p.name: p.read_bytes() for p in model.iterdir()}
    result = run_cli(*_at(work, command), "--model", model, "-o", model / name)
    assert result.returncode == 1
    assert result.stderr.decode() == (f"measures: {model}/{name}: is inside the model folder {model}; "
                                      "write the output elsewhere\n")
    assert {p.name: p.read_bytes() for p in model.iterdir()} == before


@pytest.mark.parametrize("name", ["config.json", "weights.npz", "README.md"])
def test_an_output_over_a_file_of_another_model_is_refused(work, name):
    # only the model in use was protected: a report over another one's config.json broke it
    other = work / "other-model"
    shutil.copytree(ROOT / "models" / "policy-measures-zh", other)
    before = {p.name: p.read_bytes() for p in other.iterdir()}
    result = run_cli(*_at(work, ["tag", "pb.txt"]), "-o", other / name)
    assert result.returncode == 1
    assert result.stderr.decode() == (f"measures: {other}/{name}: a file of the model at {other}, which would not "
                                      "load again; write the output elsewhere\n")
    assert {p.name: p.read_bytes() for p in other.iterdir()} == before
    # a file of its own beside the model's is written
    assert run_cli(*_at(work, ["tag", "pb.txt"]), "-o", other / "pb.txt").returncode == 0
    with pytest.raises(OutputError, match="a file of the model at"):
        write_suggestions([], other / "README.md")  # the library's writers too
    # but a model's own figures are recorded in its files (benchmarks/accuracy.py --record)
    with open_output(other / "README.md", model_file=True) as stream:
        stream.write("# other-model\n")
    assert (other / "README.md").read_text("utf-8") == "# other-model\n"


@pytest.mark.parametrize("command", [["tag", "pb.txt"], ["report", "pb.txt"], ["suggest", "pb.txt"]])
def test_an_output_inside_the_shipped_model_folder_is_refused_when_no_model_is_named(work, command):
    # where the command's own interpreter finds the shipped model (an installed package's
    # may not be this checkout's)
    found = subprocess.run([sys.executable, "-c", "from measures.persistence import shipped_model_path as p; print(p())"],
                           capture_output=True, text=True, cwd=work, check=True)
    model = Path(found.stdout.strip())
    before = {p.name: p.read_bytes() for p in model.iterdir()}
    try:
        result = run_cli(*_at(work, command), "-o", model / "notes.txt")
        assert result.returncode == 1
        assert result.stderr.decode() == (f"measures: {model}/notes.txt: is inside the model folder {model}; "
                                          "write the output elsewhere\n")
    finally:
        (model / "notes.txt").unlink(missing_ok=True)
    assert {p.name: p.read_bytes() for p in model.iterdir()} == before


def test_an_output_inside_an_input_folder_is_refused_only_if_the_folder_would_read_it_back(work):
    docs = work / "docs"
    assert run_cli("tag", docs, "--format", "csv", "-o", docs / "out.csv").returncode == 0
    assert run_cli("tag", docs, "--format", "csv", "-o", docs / "out.csv").returncode == 0  # not a document
    for name in ("out.jsonl", "out.txt", "sub/out.jsonl"):
        (docs / "sub").mkdir(exist_ok=True)
        result = run_cli("tag", docs, "--format", "jsonl", "-o", docs / name)
        assert result.returncode == 1
        assert f"{docs}/{name}: would be read as a document of the input folder {docs}" in result.stderr.decode()
        assert not (docs / name).exists()


@pytest.mark.parametrize("command", [
    ["tag", "pb.txt", "-o", "typo/out.jsonl"],
    ["report", "pb.txt", "-o", "typo/report.html"],
    ["train", "corrected.tsv", "-o", "typo/model"],
])
def test_an_output_in_a_missing_folder_is_refused_before_any_work(work, command):
    result = run_cli(*_at(work, command))
    assert result.returncode == 1
    assert result.stderr.decode() == (f"measures: {work}/{command[-1]}: cannot write there: "
                                      f"folder {work}/typo does not exist\n")
    assert not (work / "typo").exists()


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs Linux's /proc, a folder that takes no new files")
@pytest.mark.parametrize("command", [
    ["tag", "pb.txt", "-o", "/proc/out.jsonl"],
    ["report", "pb.txt", "-o", "/proc/report.html"],
    ["train", "corrected.tsv", "-o", "/proc/model"],
])
def test_a_folder_that_takes_no_files_is_not_called_missing(work, command):
    result = run_cli(*_at(work, command[:-1]), command[-1])
    assert result.returncode == 1
    assert result.stderr.decode() == (f"measures: {command[-1]}: cannot write there: "
                                      "folder /proc takes no new files\n")


@pytest.mark.parametrize("command", [["tag", "pb.txt", "missing.txt"], ["report", "pb.txt", "missing.txt"],
                                     ["suggest", "pb.txt", "missing.txt"]])
@pytest.mark.parametrize("output, message", [("docs", "docs: is a folder"),
                                             ("pb.txt/x.txt", "pb.txt/x.txt: cannot write there: pb.txt is a file")])
def test_an_output_that_cannot_be_written_is_refused_before_any_work(work, command, output, message):
    result = run_cli(*_at(work, [*command, "-o", output]))
    err = result.stderr.decode()
    assert result.returncode == 1 and err.startswith(f"measures: {work}/{message}".replace(" pb.txt", f" {work}/pb.txt"))
    # one line, and nothing about the missing input: no input was read
    assert err.count("\n") == 1 and "missing.txt" not in err


def test_a_model_that_cannot_be_written_is_refused_before_training(work):
    result = run_cli("train", work / "corrected.tsv", "-o", work / "pb.txt" / "model")
    assert result.returncode == 1
    assert result.stderr.decode() == f"measures: {work}/pb.txt/model: cannot write there: {work}/pb.txt is a file, not a folder\n"


@pytest.mark.parametrize("command, path", [
    (["train", "nope.tsv", "-o", "model"], "nope.tsv"),
    (["train", "docs", "-o", "model"], "docs"),
    (["check-data", "nope.tsv"], "nope.tsv"),
    (["evaluate", "nope.tsv"], "nope.tsv"),
    (["suggest", "pb.txt", "--exclude", "nope.tsv"], "nope.tsv"),
])
def test_a_missing_or_unreadable_tsv_is_one_line_naming_it(work, command, path):
    result = run_cli(*_at(work, command))
    err = result.stderr.decode()
    assert result.returncode == 1 and "Traceback" not in err
    assert err.startswith("measures: ") and path in err and err.count("\n") == 1, err
    assert not (work / "model").exists()


@pytest.mark.parametrize("command", [["tag"], ["suggest", "-n", "3"]])
def test_new_files_get_the_usual_mode_and_replaced_ones_keep_theirs(work, command):
    kept, new = work / "out", work / "new"
    kept.write_text("old", "utf-8")
    kept.chmod(0o640)
    umask = os.umask(0o022)
    try:
        for target in (kept, new):
            assert run_cli(*command, work / "pb.txt", "-o", target).returncode == 0
    finally:
        os.umask(umask)
    assert kept.stat().st_mode & 0o777 == 0o640 and kept.read_text("utf-8") != "old"
    assert new.stat().st_mode & 0o777 == 0o644


@pytest.mark.parametrize("command", [["tag"], ["report"], ["suggest", "-n", "3"]])
def test_a_read_only_file_is_not_replaced(work, command):
    target = work / "keep.out"
    target.write_text("precious", "utf-8")
    target.chmod(0o444)
    result = run_cli(*command, work / "pb.txt", "-o", target)
    assert result.returncode == 1
    assert result.stderr.decode() == f"measures: {target}: cannot write (the file is read-only)\n"
    assert target.read_text("utf-8") == "precious" and target.stat().st_mode & 0o777 == 0o444


def test_dev_stdout_into_a_pipe_is_written_through(work):
    result = run_cli("tag", work / "pb.txt", "--format", "jsonl", "-o", "/dev/stdout")
    assert result.returncode == 0, result.stderr.decode()
    assert json.loads(result.stdout.decode())["summary"]["sentences"] > 10


def _measures(*args, stdout, env=None):
    command = measures_command() + [str(a) for a in args]
    return subprocess.run(command, stdout=stdout, stderr=subprocess.PIPE, timeout=600, env=env)


@pytest.mark.skipif(not Path("/dev/fd").is_dir(), reason="no /dev/fd on this system")
@pytest.mark.parametrize("output", ["/dev/stdout", "/dev/fd/1", "//dev/stdout", "/dev/./stdout",
                                    "/proc/self/fd/1", "/proc/thread-self/fd/1", "log-link",
                                    "through-linked-folder"])
def test_dev_stdout_appending_to_a_file_writes_at_its_end(work, output):
    # followed to the file and replaced, the file lost what it held before the run
    if output == "log-link":  # a log path linked to standard output, as container images have
        (work / "log-link").symlink_to("/dev/stdout")
        output = work / "log-link"
    if output == "through-linked-folder":  # lk/L -> real/sub; real/sub/out -> ../fd1 -> /dev/stdout
        (work / "real" / "sub").mkdir(parents=True)
        (work / "real" / "fd1").symlink_to("/dev/stdout")
        (work / "real" / "sub" / "out").symlink_to("../fd1")
        (work / "L").symlink_to(work / "real" / "sub")
        output = f"{work}/L/out"
    log = work / "all.txt"
    log.write_text("earlier results\n", "utf-8")
    with open(log, "a", encoding="utf-8") as appended:
        result = _measures("tag", work / "pb.txt", "-o", output, stdout=appended)
    assert result.returncode == 0, result.stderr.decode()
    first, rest = log.read_text("utf-8").split("\n", 1)
    assert first == "earlier results" and rest.startswith(f"{work / 'pb.txt'}: ")


def test_a_file_beside_a_linked_folder_is_a_file_not_the_descriptor_its_namesake_is(work):
    # L/../fd1 is real/fd1 (a file), not the fd1 beside L (a link to standard output)
    (work / "real" / "sub").mkdir(parents=True)
    (work / "real" / "fd1").write_text("", "utf-8")
    (work / "fd1").symlink_to("/dev/stdout")
    (work / "L").symlink_to(work / "real" / "sub")
    result = run_cli("tag", work / "pb.txt", "--format", "jsonl", "-o", f"{work}/L/../fd1")
    assert result.returncode == 0 and result.stdout == b""
    assert json.loads((work / "real" / "fd1").read_text("utf-8"))["summary"]["sentences"] > 10


@pytest.fixture
def far():
    """A folder on another file system (/dev/shm), with a subfolder ``sub`` to link to."""
    if not Path("/dev/shm").is_dir():
        pytest.skip("no /dev/shm (a second file system) here")
    folder = Path(tempfile.mkdtemp(dir="/dev/shm"))
    (folder / "sub").mkdir()
    yield folder
    shutil.rmtree(folder)


def test_up_from_a_linked_folder_on_another_disk_is_where_the_link_leads(work, far):
    # L/.. is the parent of L's target; the temporary file was made in the parent of L
    # (textually), on another disk, and its rename failed after all the work
    (work / "L").symlink_to(far / "sub")
    result = run_cli("tag", work / "pb.txt", "--format", "jsonl", "-o", f"{work}/L/../out.jsonl")
    assert result.returncode == 0, result.stderr.decode()
    assert json.loads((far / "out.jsonl").read_text("utf-8"))["summary"]["sentences"] > 10
    assert sorted(p.name for p in far.iterdir()) == ["out.jsonl", "sub"]


def test_a_model_saved_up_from_a_linked_folder_loads_from_the_same_path(tmp_path, monkeypatch):
    from measures import load_model

    (tmp_path / "real" / "sub").mkdir(parents=True)
    (tmp_path / "L").symlink_to(tmp_path / "real" / "sub")
    monkeypatch.chdir(tmp_path)
    model = load_model()
    model.save("L/../m2")
    assert (tmp_path / "real" / "m2" / "config.json").is_file() and not (tmp_path / "m2").exists()
    assert load_model("L/../m2").predict(["全市开展核酸检测。"]) == model.predict(["全市开展核酸检测。"])


@pytest.mark.parametrize("up_from", ["nope", "pb.txt"])
@pytest.mark.parametrize("command", [["train", "bundled", "--C", "0.5"], ["tag", "pb.txt"]])
def test_up_from_a_folder_that_does_not_exist_is_refused_before_the_work(work, command, up_from):
    # nope/.. and pb.txt/.. are no folders to the kernel; read textually, they were here,
    # and the model was saved here after a training that the README says is not begun
    result = run_cli(*command, "-o", f"{up_from}/../out", cwd=work)
    assert result.returncode == 1 and result.stderr.decode().startswith(f"measures: {up_from}/../out: cannot ")
    assert up_from in result.stderr.decode().partition(": cannot ")[2] and not (work / "out").exists()
    assert result.stdout == b""


@pytest.mark.parametrize("up_from", ["nope", "afile"])
def test_a_model_is_not_saved_up_from_a_folder_that_does_not_exist(tmp_path, monkeypatch, up_from):
    from measures import load_model
    from measures.persistence import ModelFileError

    monkeypatch.chdir(tmp_path)
    (tmp_path / "afile").write_text("", "utf-8")
    with pytest.raises(ModelFileError, match=rf"^{up_from}/\.\./m: cannot save there: {up_from}/\.\. is no folder$"):
        load_model().save(f"{up_from}/../m")
    assert [p.name for p in tmp_path.iterdir()] == ["afile"]


@pytest.mark.skipif(not Path("/dev/fd").is_dir(), reason="no /dev/fd on this system")
def test_a_descriptor_open_for_reading_only_is_refused_by_name(work):
    with open(work / "docs" / "a.txt", "rb") as reading:
        result = subprocess.run(measures_command() + ["tag", str(work / "pb.txt"), "-o", "/dev/fd/0"],
                                stdin=reading, capture_output=True, timeout=600)
    assert result.returncode == 1
    assert result.stderr.decode() == "measures: /dev/fd/0: cannot write (open for reading only)\n"


def test_output_to_a_pipe_is_utf8_whatever_the_locale(work):
    # Chinese Windows writes redirected output in GBK, which has no emoji: a traceback
    (work / "emoji.txt").write_text("全市开展核酸检测😀。各小区封闭管理。", "utf-8")
    env = dict(os.environ, PYTHONIOENCODING="gbk")
    result = _measures("tag", work / "emoji.txt", "--format", "csv", "--bom", stdout=subprocess.PIPE, env=env)
    assert result.returncode == 0, result.stderr.decode()
    assert result.stdout.decode("utf-8-sig").count("😀") == 1


@pytest.mark.parametrize("command", [["tag", "pb.txt"], ["report", "pb.txt"], ["suggest", "pb.txt"]])
def test_an_output_ending_in_a_slash_names_a_missing_folder(work, command):
    result = run_cli(*_at(work, command), "-o", f"{work}/results/")
    assert result.returncode == 1
    assert result.stderr.decode() == f"measures: {work}/results/: no such folder; give the name of a file to write\n"
    assert not (work / "results").exists()


def test_a_symbolic_link_stays_a_link_and_its_file_gets_the_output(work):
    (work / "real.json").write_text("old", "utf-8")
    (work / "link.json").symlink_to(work / "real.json")
    assert run_cli("tag", work / "pb.txt", "--format", "json", "-o", work / "link.json").returncode == 0
    assert (work / "link.json").is_symlink()
    assert json.loads((work / "real.json").read_text("utf-8"))[0]["source"].endswith("pb.txt")
    assert sorted(p.name for p in work.iterdir()) == ["corrected.tsv", "docs", "link.json", "pb.txt", "real.json"]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes")
def test_a_named_pipe_is_written_in_place_not_replaced(work):
    """A device or a pipe (/dev/null, a FIFO) must not be replaced by a file."""
    fifo = work / "pipe"
    os.mkfifo(fifo)
    received = []
    # The reader's open waits for the command to open the other end: a thread, so that a
    # command that replaces the pipe instead fails the test rather than hanging it.
    reader = threading.Thread(target=lambda: received.append(fifo.read_text("utf-8")), daemon=True)
    reader.start()
    done = run_cli("tag", work / "pb.txt", "--format", "jsonl", "-o", fifo)
    reader.join(timeout=10)
    assert done.returncode == 0, done.stderr.decode()
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
    assert json.loads(received[0].splitlines()[0])["source"].endswith("pb.txt")


@pytest.mark.skipif(not hasattr(signal, "SIGXFSZ"), reason="no file-size limit signal")
def test_a_failed_write_names_the_output_and_leaves_nothing(work):
    """A full disk, shown by a file-size limit: writes fail with EFBIG once the limit is
    passed (the limit's signal is ignored, as a full disk sends none)."""
    import resource

    def limited():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (2000, 2000))

    command = [sys.executable, "-m", "measures", "tag", work / "pb.txt", "--format", "json", "-o", work / "out.json"]
    done = subprocess.run(command, capture_output=True, preexec_fn=limited, timeout=120)
    assert done.returncode == 1
    assert done.stderr.decode() == f"measures: {work / 'out.json'}: cannot write (File too large)\n"
    assert sorted(p.name for p in work.iterdir()) == ["corrected.tsv", "docs", "pb.txt"]


@pytest.mark.parametrize("command, output", [(["tag", "--format", "jsonl"], "out.jsonl"), (["report"], "out.html"),
                                             (["suggest"], "out.tsv")])
def test_a_file_name_that_is_not_utf8_is_written_as_text(work, command, output):
    # a GBK name, as files unpacked from a zip archive made on Chinese Windows have
    folder = os.fsencode(work / "gbk")
    os.mkdir(folder)
    shutil.copy(SPEECH, folder + b"/" + "公告.txt".encode("gbk"))
    result = run_cli(command[0], work / "gbk", *command[1:], "-o", work / output)
    assert result.returncode == 0, result.stderr.decode()
    assert "gbk/公告.txt" in (work / output).read_text("utf-8")


def test_a_file_that_is_not_utf8_by_name_is_named_alike_when_it_fails(work):
    folder = os.fsencode(work / "gbk")
    os.mkdir(folder)
    with open(folder + b"/" + "坏.txt".encode("gbk"), "wb") as handle:
        handle.write(bytes(range(256)) * 8)
    result = run_cli("tag", work / "gbk")
    assert result.returncode == 1 and f"{work}/gbk/坏.txt: binary" in result.stderr.decode()


def test_csv_cells_that_start_like_a_formula_are_made_inert():
    record = {"id": "@SUM(1)", "text": '=HYPERLINK("http://x.cn","点击")全市开展核酸检测。\n+1 对密接人员集中隔离。\n'
                                       '@张三 对密接人员集中隔离。\n做好核酸检测。'}
    result = run_cli("tag", "-", "--format", "csv", stdin=json.dumps(record, ensure_ascii=False).encode())
    assert result.returncode == 0, result.stderr.decode()
    rows = list(csv.DictReader(io.StringIO(result.stdout.decode())))
    assert [row["text"][:2] for row in rows] == ["'=", "'+", "'@", "做好"]
    assert {row["source"] for row in rows} == {"'@SUM(1)"}
    # JSON keeps the text as it is
    result = run_cli("tag", "-", "--format", "jsonl", stdin=json.dumps(record, ensure_ascii=False).encode())
    assert json.loads(result.stdout)["sentences"][0]["text"].startswith("=HYPERLINK")


def test_a_csv_row_of_a_document_without_a_source_has_an_empty_source_cell():
    from measures import load_model
    from measures.export import Writer

    model, stream = load_model(), io.StringIO()
    writer = Writer(stream, "csv", classes=model.classes)
    writer.write(model.tag("=全市开展核酸检测。"))
    writer.close()
    (row,) = csv.DictReader(io.StringIO(stream.getvalue()))
    assert row["source"] == "" and row["text"] == "'=全市开展核酸检测。"


def test_the_text_format_ends_with_a_side_by_side_table_for_a_few_documents_only(model):
    from measures.export import COMPARE_AT_MOST, Writer

    def written(n):
        stream = io.StringIO()
        writer = Writer(stream, "text", classes=model.classes)
        for k in range(n):
            writer.write(model.tag(f"第{k}轮全员核酸检测。", source=f"{k}.txt"))
        writer.close()
        return stream.getvalue(), writer

    table = "category "  # the head of compare()'s table
    one, _ = written(1)
    few, _ = written(2)
    many, writer = written(COMPARE_AT_MOST + 1)
    assert table not in one and few.count(table) == 1
    assert table not in many and many.count(": 1 sentence") == COMPARE_AT_MOST + 1
    # a corpus of any size keeps no more summaries than a table could show
    assert len(writer.summaries) == COMPARE_AT_MOST + 1
    assert len(written(3 * COMPARE_AT_MOST)[1].summaries) == COMPARE_AT_MOST + 1


@pytest.mark.parametrize("command", [["tag", SPEECH, "--examples", "-1"], ["tag", SPEECH, "--jobs", "0"],
                                     ["tag", SPEECH, "--jobs", "1.5"], ["train", SPEECH, "--C", "abc"],
                                     ["suggest", SPEECH, "--similarity", "half"], ["train", SPEECH, "--jobs", "all"],
                                     ["suggest", SPEECH, "-n", "-5"], ["suggest", SPEECH, "--similarity", "2"],
                                     ["suggest", SPEECH, "--similarity", "0"],
                                     ["suggest", SPEECH, "--per-document", "-1"], ["explain", "核酸检测。", "--top", "-1"],
                                     ["train", SPEECH, "--C", "0"]])
def test_out_of_range_numbers_are_refused_as_usage_errors(command):
    result = run_cli(*command)
    err = result.stderr.decode()
    assert result.returncode == 2 and "Traceback" not in err
    assert f"argument {command[2]}" in err and "must be" in err


def test_a_summary_with_negative_examples_is_refused():
    with pytest.raises(ValueError, match="examples must be a whole number, 0 or more, not -1"):
        SummaryBuilder(examples=-1)


# --- stopping a run ---------------------------------------------------------------------

linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads processes from /proc")


def _wait_for(condition, seconds: float = 120) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


def _stat(pid: int) -> list[str] | None:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        fields = _stat(int(entry.name)) if entry.name.isdigit() else None
        if fields and int(fields[1]) == pid:
            found.append(int(entry.name))
    return found


def _running(pid: int) -> bool:
    fields = _stat(pid)
    return fields is not None and fields[0] not in ("Z", "X")


def _ignore_hangup():
    signal.signal(signal.SIGHUP, signal.SIG_IGN)  # what `nohup` does before it runs the command


def _start_tagging(tmp_path, jobs: int, nohup: bool = False):
    """`measures tag - --format jsonl -o out.jsonl` on a JSONL stream that stays open, so
    the run is still going whenever the test stops it; returns (process, its .part file).
    The run has a process group of its own, as a terminal's foreground job does."""
    command = [sys.executable, "-m", "measures", "tag", "-", "--format", "jsonl", "-o", tmp_path / "out.jsonl",
               "--jobs", str(jobs)]
    process = subprocess.Popen(command, stdin=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True,
                               preexec_fn=_ignore_hangup if nohup else None)
    line = json.dumps({"id": "speech", "text": SPEECH.read_text("utf-8")}, ensure_ascii=False) + "\n"
    process.stdin.write(line.encode() * 400)  # more than the groups in flight with --jobs 2
    process.stdin.flush()
    parts = lambda: [p for p in tmp_path.glob(".out.jsonl.*.part") if p.stat().st_size]  # noqa: E731
    assert _wait_for(lambda: parts() or process.poll() is not None)
    assert process.poll() is None, process.stderr.read().decode()
    return process, parts()[0]


def _ended_by(process, stop, code: int, message: str, workers) -> None:
    """Send ``stop`` to the run and check it ends with ``code`` and ``message`` at once,
    its workers gone."""
    stop()
    assert process.wait(timeout=60) == code
    assert process.stderr.read().decode().endswith(f"measures: {message}\n")
    assert _wait_for(lambda: not any(map(_running, workers))), "workers outlived the run"


# Ctrl-C signals every process of the terminal's group, workers included: the run must
# still end at once (it used to hang now and then, waiting on a worker the signal had
# caught mid-queue, so that case is tried several times).
# A closed terminal or a dropped SSH connection hangs up the whole group as well.
# A second Ctrl-C while the first cleans up must not cut the cleanup short.
STOPS = [("sigterm", 1), ("sigterm", 2), ("sighup", 2), ("ctrl-c twice", 2), ("ctrl-c twice", 1)] + [("ctrl-c", 2)] * 4


@linux_only
@pytest.mark.parametrize("stop, jobs", STOPS)
def test_a_stopped_run_removes_the_partial_output_and_ends_the_workers(tmp_path, stop, jobs):
    process, part = _start_tagging(tmp_path, jobs)
    workers = _children(process.pid)
    assert len(workers) == (jobs if jobs > 1 else 0)
    if stop == "sigterm":
        _ended_by(process, lambda: process.send_signal(signal.SIGTERM), 143, "terminated", workers)
    elif stop == "sighup":
        _ended_by(process, lambda: os.killpg(process.pid, signal.SIGHUP), 129, "hung up", workers)
    elif stop == "ctrl-c twice":
        def twice():  # and a third if two came as one and the run is still cleaning up
            os.killpg(process.pid, signal.SIGINT)
            time.sleep(0.002)
            os.killpg(process.pid, signal.SIGINT)
            if not _wait_for(lambda: process.poll() is not None, 10):
                os.killpg(process.pid, signal.SIGINT)
        _ended_by(process, twice, 130, "interrupted", workers)
    else:
        _ended_by(process, lambda: os.killpg(process.pid, signal.SIGINT), 130, "interrupted", workers)
    process.stdin.close()
    assert not part.exists() and not (tmp_path / "out.jsonl").exists()


@linux_only
def test_a_run_under_nohup_outlives_the_hang_up(tmp_path):
    process, _ = _start_tagging(tmp_path, 2, nohup=True)
    workers = _children(process.pid)
    os.killpg(process.pid, signal.SIGHUP)
    time.sleep(0.5)
    assert process.poll() is None and all(map(_running, workers))
    process.stdin.close()
    assert process.wait(timeout=300) == 0, process.stderr.read().decode()
    assert len((tmp_path / "out.jsonl").read_text("utf-8").splitlines()) == 400


@linux_only
def test_ctrl_c_during_training_ends_it_at_once(tmp_path):
    command = [sys.executable, "-m", "measures", "train", "-o", tmp_path / "m", "--jobs", "2"]
    process = subprocess.Popen(command, stderr=subprocess.PIPE, start_new_session=True)
    assert _wait_for(lambda: len(_children(process.pid)) == 2 or process.poll() is not None)
    assert process.poll() is None, process.stderr.read().decode()
    _ended_by(process, lambda: os.killpg(process.pid, signal.SIGINT), 130, "interrupted", _children(process.pid))
    assert list(tmp_path.iterdir()) == []


@linux_only
def test_workers_end_when_the_parent_is_killed(tmp_path):
    process, _ = _start_tagging(tmp_path, jobs=2)
    workers = _children(process.pid)
    assert len(workers) == 2
    process.kill()
    process.wait(timeout=120)
    process.stdin.close()
    process.stderr.close()
    assert _wait_for(lambda: not any(map(_running, workers))), "workers outlived a killed parent"


def test_a_run_whose_worker_fails_exits_instead_of_hanging(tmp_path):
    # A worker fails (a fault injected into the tagging the workers inherit) while much
    # work is still queued: the workers are ended, and the queue's feeder thread, blocked
    # on the pipe to them, must not keep the command waiting at exit. It waited for ever.
    corpus = tmp_path / "corpus.jsonl"
    with corpus.open("w", encoding="utf-8") as out:
        for k in range(20000):
            text = "故障" if k == 3000 else "全市开展新一轮全员核酸检测。" * 5
            out.write(json.dumps({"id": k, "text": text}, ensure_ascii=False) + "\n")
    script = textwrap.dedent("""
        import sys
        from measures import cli, document

        score = document._score_texts
        def failing(model, texts):
            if "故障" in texts:
                raise RuntimeError("injected fault")
            return score(model, texts)
        document._score_texts = failing
        sys.argv = ["measures", *sys.argv[1:]]
        cli.run()
    """)
    for _ in range(5):  # the old code hung in about one run of eight
        result = subprocess.run([sys.executable, "-c", script, "tag", str(corpus), "--format", "jsonl", "--jobs",
                                 "2", "-o", str(tmp_path / "out.jsonl")], capture_output=True, timeout=30)
        assert result.returncode == 1
        assert "injected fault" in result.stderr.decode()
        assert not (tmp_path / "out.jsonl").exists()


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full on this system")
@pytest.mark.parametrize("command", [
    ["tag", str(EXAMPLES / "press_briefing.txt"), "--format", "jsonl"],
    ["explain", "全市开展全员核酸检测。"],
    ["evaluate", "mine.tsv"],
    ["check-data", "--format", "json"],
])
def test_a_full_disk_behind_standard_output_is_named(command, tmp_path):
    (tmp_path / "mine.tsv").write_text("text\tlabels\n全市开展全员核酸检测。\ttesting\n本页二维码已过期，请刷新\tother\n", "utf-8")
    with open("/dev/full", "w") as full:
        result = subprocess.run([*measures_command(), *command], cwd=tmp_path,
                                stdout=full, stderr=subprocess.PIPE, timeout=120)
    assert result.returncode == 1
    assert result.stderr.decode() == "measures: <standard output>: cannot write (No space left on device)\n"



@pytest.mark.parametrize("name, check", [
    ("out.csv", lambda text: text.startswith("source,")),
    ("out.jsonl", lambda text: all(json.loads(line)["sentences"] for line in text.splitlines())),
    ("out.ndjson", lambda text: all(json.loads(line)["sentences"] for line in text.splitlines())),
    ("out.JSON", lambda text: json.loads(text)),
    ("out.txt", lambda text: "sentences" in text.splitlines()[0] and not text.startswith("{")),
])
def test_the_output_format_follows_the_files_extension(tmp_path, name, check):
    assert run_cli("tag", SPEECH, "-o", tmp_path / name).returncode == 0
    written = (tmp_path / name).read_text("utf-8")
    assert check(written)
    # a --format that the name contradicts is a mistake, and the file stays as it was
    result = run_cli("tag", SPEECH, "-o", tmp_path / name, "--format", "csv" if name.lower().endswith("json") else "json")
    if name.endswith(".txt"):  # a name of no format's: --format decides
        assert result.returncode == 0 and json.loads((tmp_path / name).read_text("utf-8"))
    else:
        assert result.returncode == 2 and "its name says" in result.stderr.decode()
        assert (tmp_path / name).read_text("utf-8") == written


def test_a_compressed_name_written_uncompressed_must_agree_with_the_format(tmp_path):
    result = run_cli("tag", SPEECH, "-o", tmp_path / "out.jsonl.gz", "--format", "csv")
    assert result.returncode == 2 and "its name says jsonl, and --format says csv" in result.stderr.decode()
    assert run_cli("tag", SPEECH, "-o", tmp_path / "out.csv.gz", "--format", "csv").returncode == 0
    assert (tmp_path / "out.csv.gz").read_text("utf-8").startswith("source,input,")


@pytest.mark.parametrize("name, fmt", [("out.xlsx", "csv"), ("out.tsv", "csv"), ("out.html", "json")])
def test_data_is_not_written_under_the_name_of_a_format_tag_does_not_write(tmp_path, name, fmt):
    result = run_cli("tag", SPEECH, "-o", tmp_path / name, "--format", fmt)
    assert result.returncode == 2 and f"--format {fmt} is not {name.split('.')[1]}" in result.stderr.decode()
    assert not (tmp_path / name).exists()
    # the summary may go under any such name
    assert run_cli("tag", SPEECH, "-o", tmp_path / name, "--format", "text").returncode == 0


@pytest.mark.parametrize("name", ["r.json", "r.csv", "r.jsonl", "r.xlsx"])
def test_a_report_is_not_written_under_the_name_of_another_format(tmp_path, name):
    result = run_cli("report", SPEECH, "-o", tmp_path / name)
    assert result.returncode == 2 and "report writes an HTML page; name it .html" in result.stderr.decode()
    assert not (tmp_path / name).exists()


@pytest.mark.parametrize("command, message", [
    (["tag", SPEECH, "--format", "jsonl", "--bom"], "--bom is for csv and text output"),
    (["tag", SPEECH, "-o", "out.json", "--bom"], "--bom is for csv and text output"),
    (["tag", "-", "-"], "- (standard input) is given more than once"),
    # formats tag does not write are not given the text summary under their name
    (["tag", SPEECH, "-o", "r.html"], "tag writes text, csv, json or jsonl, not html (measures report"),
    (["tag", SPEECH, "-o", "out.xlsx"], "not xlsx (-o NAME.csv --bom writes CSV that Excel opens"),
    # a compressed name would get plain text (the summary, not even the records)
    (["tag", SPEECH, "-o", "out.jsonl.gz"], "tag does not compress its output; pipe it instead (measures tag ... "
                                            "--format jsonl | gzip > out.jsonl.gz)"),
    (["tag", SPEECH, "-o", "out.tgz"], "tag does not compress its output"),
    (["tag", SPEECH, "-o", "out.jsonl.lz4"], "tag does not compress its output"),
    (["tag", "-", "/dev/stdin"], "- (standard input) is given more than once"),
    (["tag", "-", "/proc/self/fd/0"], "- (standard input) is given more than once"),
    # however it is spelt
    (["tag", "-", "//dev/stdin"], "- (standard input) is given more than once"),
    (["tag", "/dev/fd/0", "/proc/self/fd/../fd/0"], "- (standard input) is given more than once"),
    # an empty model name is not the current folder, which a model may be and -o may name
    (["tag", SPEECH, "--model", "", "-o", "config.json"], "the model name is empty"),
    (["explain", "全市开展核酸检测。", "--model", ""], "the model name is empty"),
    (["report", "-", "-", "-o", "r.html"], "- (standard input) is given more than once"),
])
def test_what_cannot_work_is_refused_before_any_input_is_read(tmp_path, command, message):
    result = run_cli(*[tmp_path / arg if arg in ("out.json", "r.html", "out.xlsx", "out.jsonl.gz", "out.tgz", "out.jsonl.lz4") else arg
                       for arg in command],
                     stdin="全市开展全员核酸检测。".encode())
    assert result.returncode == 2 and message in result.stderr.decode() and not result.stdout  # a usage error
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("line", [b'{"text": "a", "x": ' + b"[" * 100_000, b'{"text": "a", "x": ' + b"1" * 5000 + b"}"],
                         ids=["nested-past-the-stack", "number-past-the-limit"])
def test_a_jsonl_line_no_reader_can_hold_is_one_bad_line(tmp_path, line):
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_bytes(line + '\n{"text": "全市开展全员核酸检测。"}\n'.encode())
    result = run_cli("tag", SPEECH, corpus, "--format", "jsonl", "-o", tmp_path / "out.jsonl")
    assert result.returncode == 1 and f"{corpus}:1: a JSON value this reader cannot hold" in result.stderr.decode()
    assert len((tmp_path / "out.jsonl").read_text("utf-8").splitlines()) == 2  # the speech and line 2


def test_an_output_name_as_long_as_a_file_name_may_be_is_written(tmp_path, model):
    # 82 Chinese characters and ".jsonl" are 252 bytes; the temporary name must fit too
    out = tmp_path / ("长" * 82 + ".jsonl")
    doc = tmp_path / "a.txt"
    doc.write_text("全市开展全员核酸检测。", "utf-8")
    result = run_cli("tag", doc, "--format", "jsonl", "-o", out)
    assert result.returncode == 0, result.stderr.decode()
    assert json.loads(out.read_text("utf-8"))["source"] == str(doc)
    model.save(tmp_path / ("模" * 84))   # a model folder's name too


def test_a_worker_that_dies_is_named_not_a_traceback_and_nothing_is_written(tmp_path):
    import time

    corpus = tmp_path / "big.jsonl"
    corpus.write_text("".join(json.dumps({"id": str(i), "text": "全市开展全员核酸检测，各区做好组织工作。" * 20}) + "\n"
                              for i in range(40_000)), "utf-8")
    out = tmp_path / "out.jsonl"
    process = subprocess.Popen(measures_command() + ["tag", str(corpus), "--jobs", "2", "--format", "jsonl", "-o", str(out)],
                               stderr=subprocess.PIPE)
    def children(task):
        try:
            return (task / "children").read_text().split()
        except FileNotFoundError:  # a thread that ended since the folder was listed
            return []

    workers: list[int] = []
    for _ in range(600):  # the workers start once the model is loaded
        time.sleep(0.05)
        try:
            tasks = list(Path(f"/proc/{process.pid}/task").iterdir())
        except FileNotFoundError:  # the command has ended
            tasks = []
        workers = [int(pid) for task in tasks for pid in children(task)]
        if workers or process.poll() is not None:
            break
    assert workers, "no worker process started"
    os.kill(workers[0], signal.SIGKILL)
    _, err = process.communicate(timeout=600)
    assert process.returncode == 1
    assert f"a worker process ended unexpectedly (killed, or out of memory?); nothing was written to {out}; " \
        "try fewer --jobs" in err.decode() and "Traceback" not in err.decode()
    assert not out.exists() and [p.name for p in tmp_path.iterdir()] == ["big.jsonl"]


@pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork on this system")
def test_a_worker_stopped_before_its_initializer_ends_without_a_traceback():
    # a pool whose worker died ends the others; one just forked still had the run's
    # handler, and multiprocessing printed the _Terminated it raised as a traceback
    script = ("import os, signal\n"
              "from measures import cli\n"
              "cli._run_pid = os.getpid()\n"
              "signal.signal(signal.SIGTERM, cli._stopped)\n"
              "pid = os.fork()\n"
              "if pid == 0:\n"
              "    os.kill(os.getpid(), signal.SIGTERM)\n"
              "    os._exit(3)\n"
              "status = os.waitpid(pid, 0)[1]\n"
              "print(os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGTERM)\n")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, timeout=120)
    assert result.stdout == b"True\n" and result.stderr == b""


@linux_only
def test_a_run_killed_outright_leaves_its_temporary_file_and_the_next_run_names_it(tmp_path):
    # SIGKILL (the out-of-memory killer, kill -9) lets no process clean up: the hidden
    # file stays, gigabytes of it at corpus scale, where ls does not show it
    process, part = _start_tagging(tmp_path, 1)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=60)
    process.stdin.close()
    process.stderr.close()
    assert part.exists()
    result = run_cli("tag", SPEECH, "--format", "jsonl", "-o", tmp_path / "out.jsonl")
    assert result.returncode == 0 and (tmp_path / "out.jsonl").stat().st_size
    assert result.stderr.decode() == (f"measures: note: {part} beside {tmp_path / 'out.jsonl'}: left by a run that "
                                      f"was killed before it finished; remove it unless a run is writing "
                                      f"{tmp_path / 'out.jsonl'} now\n")
    part.unlink()
    assert run_cli("tag", SPEECH, "--format", "jsonl", "-o", tmp_path / "out.jsonl").stderr == b""


def test_only_an_outputs_own_temporary_files_are_named_as_left_behind(tmp_path):
    from measures.outputs import left_behind

    (tmp_path / ".out.csv.gz.zzzz1111.part").write_text("")  # another output's
    (tmp_path / ".out.csv.abcd1234.part").write_text("")
    (tmp_path / ".model.k3j4h5g6").mkdir()                     # a model folder's, and one swapped out
    (tmp_path / ".model.old.a1b2c3d4").mkdir()
    (tmp_path / ".model.notes").mkdir()
    (tmp_path / "real").mkdir()
    (tmp_path / "real" / ".data.csv.qwer5678.part").write_text("")
    (tmp_path / "link.csv").symlink_to(tmp_path / "real" / "data.csv")  # made beside what the link leads to
    assert left_behind(tmp_path / "out.csv") == [tmp_path / ".out.csv.abcd1234.part"]
    assert left_behind(tmp_path / "model", folder=True) == [tmp_path / ".model.k3j4h5g6", tmp_path / ".model.old.a1b2c3d4"]
    assert left_behind(tmp_path / "link.csv") == [tmp_path / "real" / ".data.csv.qwer5678.part"]
    assert left_behind("-") == left_behind(None) == []


def test_a_model_a_killed_swap_took_out_is_named_to_be_put_back(tmp_path):
    # killed between the swap's two renames: the old model is only in .model.old.XXXXXXXX
    (tmp_path / ".model.old.a1b2c3d4" / "model").mkdir(parents=True)
    (tmp_path / ".model.k3j4h5g6").mkdir()
    result = run_cli("tag", SPEECH, "-o", tmp_path / "out.jsonl", cwd=tmp_path)  # another output: nothing said
    assert result.returncode == 0 and result.stderr == b""
    from measures.cli import _check_output

    said = io.StringIO()
    with contextlib.redirect_stderr(said):  # what train -o model says before any work
        _check_output(str(tmp_path / "model"), [], folder=True)
    lines = said.getvalue().splitlines()
    old = tmp_path / ".model.old.a1b2c3d4" / "model"
    assert lines == [f"measures: note: {old} is the model that was at {tmp_path / 'model'}, which a run killed while "
                     f"replacing it took out; mv {old} {tmp_path / 'model'} puts it back",
                     f"measures: note: {tmp_path / '.model.k3j4h5g6'} beside {tmp_path / 'model'}: left by a run that "
                     f"was killed before it finished; remove it unless a run is writing {tmp_path / 'model'} now"]


@pytest.mark.parametrize("folder, output", [
    (b"my models $HOME 'q'", "model"),  # quoted: a space, $ or ' would split or change the name
    (b"new\nline \x1b[31m", "model"),  # printed raw, the note was cut in two and the escape left to the terminal
    ("旧模型".encode("gbk"), "model"),  # a GBK name's bytes were printed as \udcbe..., another name
    (b"", "-x"),  # a relative name that is an option to mv
], ids=["metacharacters", "control-characters", "not-utf8", "dash"])
def test_the_mv_that_puts_a_model_back_runs_in_a_shell_as_printed(tmp_path, folder, output):
    base = tmp_path / os.fsdecode(folder)
    base.mkdir(exist_ok=True)
    old = base / f".{output}.old.a1b2c3d4" / output
    old.mkdir(parents=True)
    (old / "config.json").write_text("{}")
    target = output if output.startswith("-") else str(base / output)
    # the data is missing: the note is said before it is read
    result = run_cli("train", "none.tsv", f"--output={target}", cwd=base)
    note = result.stderr.split(b"\n")[0]
    assert note.startswith(b"measures: note: ") and note.endswith(b" puts it back") and b"\x1b" not in note
    command = note[note.index(b"; mv ") + 2:-len(b" puts it back")]
    assert subprocess.run([b"bash", b"-c", command], cwd=base, capture_output=True).returncode == 0
    assert (base / output / "config.json").read_text() == "{}"


def test_a_second_signal_ends_the_run_at_once_and_removes_its_temporary_outputs(tmp_path):
    """While the first Ctrl-C cleans up, a second ends the run there and then: a cleanup
    that hung (a worker pool waiting on a worker stopped mid-message) could not be stopped
    otherwise. What is being written goes with it."""
    part, folder = tmp_path / ".out.jsonl.x.part", tmp_path / ".model.x"
    script = ("import signal\n"
              "from measures import cli, outputs\n"
              f"open({str(part)!r}, 'w').write('half')\n"
              f"import os; os.mkdir({str(folder)!r})\n"
              f"outputs.UNFINISHED.update([{str(part)!r}, {str(folder)!r}])\n"
              "cli._stopping = signal.SIGTERM  # the first signal came\n"
              "cli._stopped(signal.SIGINT, None)\n"
              "print('not reached')\n")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, timeout=120)
    assert result.returncode == 143 and result.stdout == b""
    assert result.stderr.decode() == "measures: terminated\n"
    assert list(tmp_path.iterdir()) == []


def test_an_output_going_up_is_named_as_typed_when_it_cannot_be_written(work):
    result = run_cli("tag", work / "pb.txt", "-o", "../nothere/out.jsonl", cwd=work / "docs")
    assert result.returncode == 1
    assert result.stderr.decode().startswith("measures: ../nothere/out.jsonl: cannot write there")


def test_an_estimator_saved_up_from_a_linked_folder_on_another_disk(tmp_path, monkeypatch, far):
    from measures import MeasureClassifier, load_model
    from measures.persistence import save_estimator

    (tmp_path / "L").symlink_to(far / "sub")
    monkeypatch.chdir(tmp_path)
    texts = [f"{place}{text}" for place in ("", "东区", "西区") for text in ("全市开展核酸检测。", "分享到微信")]
    estimator = MeasureClassifier(cv=3).fit(texts, ["testing", "other"] * 3)
    save_estimator(estimator, "L/../e.joblib")
    assert sorted(p.name for p in far.iterdir()) == ["e.joblib", "sub"]
    assert load_model("L/../e.joblib", trusted=True).predict(["全市开展核酸检测。"]) == ["testing"]


@linux_only
def test_a_stop_that_comes_after_the_run_has_put_its_handlers_back_still_exits_with_its_code():
    # the second Ctrl-C of two, landing once main() had returned, was Python's own
    # KeyboardInterrupt out of run(): the process died of SIGINT (-2), not exit 130
    code = ("import os, signal; from measures import cli; "
            "cli.main = lambda: (os.kill(os.getpid(), signal.SIGINT), 0)[1]; cli.run()")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=60)
    assert result.returncode == 130 and b"Traceback" not in result.stderr


def test_the_output_names_are_still_importable_from_export():
    # they lived in measures.export until measures.outputs held them; code that imports
    # them from there (write_report's OutputError) keeps working
    from measures import export, outputs

    for name in ("OutputError", "open_output", "check_output", "check_not_input", "temporary_file"):
        assert getattr(export, name) is getattr(outputs, name)


def test_a_deleted_current_folder_leaves_absolute_names_as_they_are(tmp_path, monkeypatch):
    from measures.outputs import descriptor

    gone = tmp_path / "gone"
    gone.mkdir()
    monkeypatch.chdir(gone)
    gone.rmdir()
    assert descriptor("/dev/stdin") == 0 and descriptor(str(tmp_path)) is None
    assert descriptor("speech.txt") is None  # a relative name names nothing there


def _system_calls(tmp_path, command) -> list[str]:
    """The syncs and renames ``command`` makes, in order, as strace sees them."""
    strace = shutil.which("strace")
    if strace is None:
        pytest.skip("strace is not installed")
    trace = tmp_path / "trace.txt"
    result = subprocess.run([strace, "-f", "-qq", "-e", "trace=fsync,fdatasync,rename,renameat,renameat2",
                             "-o", str(trace), *command], capture_output=True, cwd=tmp_path, timeout=600)
    if not trace.exists() or "ptrace" in result.stderr.decode(errors="replace"):
        pytest.skip("strace cannot trace here")
    assert result.returncode == 0, result.stderr.decode()
    # each line is "PID  call(...) = result", the PID padded to a width (6498  fsync, 12345 fsync)
    return [line.split(None, 1)[1] for line in trace.read_text().splitlines() if " " in line]


def test_an_output_is_on_the_disk_before_it_replaces_the_old_one(tmp_path):
    # renamed before its data was written out, a power cut could leave out.jsonl empty,
    # in place of the whole one an earlier run had written
    calls = _system_calls(tmp_path, measures_command() + ["tag", str(SPEECH), "-o", "out.jsonl"])
    rename = next(k for k, call in enumerate(calls) if call.startswith("rename") and '"out.jsonl"' in call)
    assert ".part" in calls[rename]
    assert any(call.startswith(("fsync", "fdatasync")) for call in calls[:rename])
    assert any(call.startswith("fsync") for call in calls[rename + 1:])  # and the folder's new entry


def test_a_model_folder_is_on_the_disk_before_it_is_swapped_in(tmp_path):
    save = "import measures; measures.load_model().save('saved')"
    for _ in range(2):  # a new folder, then one swapped over the old
        calls = _system_calls(tmp_path, [sys.executable, "-c", save])
        renames = [k for k, call in enumerate(calls) if call.startswith("rename")
                   and call.split(" = ")[0].endswith('/saved")')]
        synced = [k for k, call in enumerate(calls) if call.startswith(("fsync", "fdatasync"))]
        # config.json, weights.npz, README.md and the folder, before it takes the name
        assert renames and sum(k < renames[-1] for k in synced) >= 4
