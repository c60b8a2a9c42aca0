"""The example scripts run end to end and leave their outputs where they are told."""
import csv
import hashlib
import re
import shlex
import subprocess
import sys

import pytest

from conftest import EXAMPLES

import measures
from measures.labels import LABEL_IDS


def run_example(name, *args, code=0):
    result = subprocess.run([sys.executable, str(EXAMPLES / name), *map(str, args)],
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == code, result.stderr
    return result.stdout if code == 0 else result.stderr


def test_notebook_flow_writes_the_frame_and_the_charts(tmp_path):
    pytest.importorskip("pandas", reason="the example needs pandas: pip install '.[pandas]'")
    pytest.importorskip("matplotlib", reason="the example needs matplotlib: pip install '.[plot]'")
    out = run_example("notebook_flow.py", tmp_path / "out")
    with open(tmp_path / "out" / "shares.csv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [row["source"] for row in rows] == sorted(p.stem for p in EXAMPLES.glob("*.txt"))
    assert set(rows[0]) == {"source", *LABEL_IDS}
    for name in ("summary.png", "comparison.png"):
        assert (tmp_path / "out" / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "most frequent measure per document" in out


@pytest.mark.parametrize("missing", ["matplotlib", "pandas"])
def test_notebook_flow_without_its_extras_says_what_to_install(tmp_path, missing):
    # as in the README's base install, which has neither
    blocked = (f"import runpy, sys; sys.modules[{missing!r}] = None; "
               f"sys.argv = ['notebook_flow.py', {str(tmp_path / 'out')!r}]; "
               f"runpy.run_path({str(EXAMPLES / 'notebook_flow.py')!r}, run_name='__main__')")
    result = subprocess.run([sys.executable, "-c", blocked], capture_output=True, text=True, timeout=600)
    assert result.returncode == 1
    assert result.stderr == f"notebook_flow.py needs {missing}: pip install '.[pandas,plot]' in a checkout " \
                            "(or pip install pandas matplotlib)\n"
    assert not (tmp_path / "out").exists()


def test_labelling_loop_writes_a_file_to_correct_and_train_on(tmp_path):
    folder = tmp_path / "round 1"  # the commands it prints run as printed, a space and all
    out = run_example("labelling_loop.py", folder)
    data = measures.read_labelled(str(folder / "to_label.tsv"))
    assert 0 < len(data) <= 20 and f"wrote {len(data)} sentences" in out
    command = re.search(r"\(or: (measures train .*)\)", out).group(1)
    assert shlex.split(command) == ["measures", "train", "bundled", str(folder / "to_label.tsv"),
                                    "-o", str(folder / "my-model")]


def test_labelling_loop_retrains_on_the_corrected_file_not_the_models_guesses(tmp_path):
    # --retrain read back the file it had just written and trained on the model's guesses
    run_example("labelling_loop.py", tmp_path)
    to_label = tmp_path / "to_label.tsv"
    said = run_example("labelling_loop.py", tmp_path, "--retrain", code=1)
    assert said == f"{to_label}: every row still has the model's guess as its labels; correct the 'labels' column " \
                   f"first (if every guess is right: measures train bundled {to_label} -o {tmp_path / 'my-model'})\n"
    assert not (tmp_path / "my-model").exists()
    header, first, *rest = to_label.read_text("utf-8").splitlines(keepends=True)
    text, guess, *columns = first.split("\t")
    to_label.write_text("".join([header, "\t".join([text, "other" if guess != "other" else "testing", *columns]),
                                 *rest]), "utf-8")
    out = run_example("labelling_loop.py", tmp_path, "--retrain")
    assert f"{len(rest) + 1} rows read, 1 of them labelled otherwise than the model guessed" in out
    trained = measures.load_model(tmp_path / "my-model").metadata["training_data"]
    assert "to_label.tsv" in trained["files"]
    assert hashlib.sha256(to_label.read_bytes()).hexdigest() in trained["file_sha256"]  # the corrected bytes
    assert run_example("labelling_loop.py", tmp_path / "none", "--retrain", code=1) == \
           f"{tmp_path / 'none' / 'to_label.tsv'} does not exist: run without --retrain first to write it, then " \
           "correct it\n"


def test_quickstart_runs_end_to_end():
    out = run_example("quickstart.py")
    assert "speech_deployment_meeting.txt:" in out             # the summary
    assert "with-my-sentences" in out                          # the retrained model
    # the side-by-side table: a column per example document, its sentences counted at the foot
    assert re.search(r"^category +…\S+ +…\S+ +…\S+$", out, re.M)
    assert re.search(r"^sentences +\d+ +\d+ +\d+$", out, re.M)


def test_the_readmes_first_python_block_runs_as_written(tmp_path):
    # it used names it never defined (other_doc, texts, names) and a speech.txt of the
    # reader's; run from a checkout, as the README's set-up has it, saving under tmp_path
    readme = (EXAMPLES.parent / "README.md").read_text("utf-8")
    block = re.search(r"## Python\n\n```python\n(.*?)```", readme, re.S).group(1)
    assert block.count('"my-model"') == 2
    (tmp_path / "examples").symlink_to(EXAMPLES)
    result = subprocess.run([sys.executable, "-c", block], cwd=tmp_path, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    assert "speech: 46 sentences" in result.stdout and "briefing ['testing'," in result.stdout
    assert sorted(p.name for p in (tmp_path / "my-model").iterdir()) == ["README.md", "config.json", "weights.npz"]


def test_the_readmes_sentence_read_otherwise_in_its_document_is(tmp_path):
    # the README's example of a primary label read alone that its document changes (two
    # earlier examples went stale when the model was retrained)
    readme = (EXAMPLES.parent / "README.md").read_text("utf-8")
    opening, ending, alone, in_document = re.search(
        r"in\nthe bundled speech, (\S+?)……(\S+?) read alone is\n`(\w+)` first; among [^`]+?,\n`(\w+)`\)",
        readme).groups()
    model = measures.load_model()
    document = model.tag((EXAMPLES / "speech_deployment_meeting.txt").read_text("utf-8"))
    (sentence,) = [s for s in document if s.text.startswith(opening.replace("，", ",")) and s.text.endswith(ending)]
    assert sentence.labels[0] == in_document != alone == model.predict_labels([sentence.text])[0][0]
