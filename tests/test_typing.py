"""What type checkers and editors see of measures: the installed package says it is typed
(``py.typed``), the names ``measures`` imports lazily have their real types, and mypy finds
nothing wrong in the package with the project's settings (setup.cfg)."""
import ast
import importlib.metadata
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import measures

PACKAGE = Path(measures.__file__).parent
ROOT = Path(__file__).resolve().parents[1]

USER_SCRIPT = """\
import measures
from measures import MeasureClassifier

model = measures.load_model()
doc = model.tag("全市开展新一轮全员核酸检测。", source="speech.txt")
reveal_type(model)
reveal_type(doc)
reveal_type(doc.summary())
reveal_type(doc.sentences[0].labels)
reveal_type(model.tag_many(["a", "b"]))
reveal_type(measures.train)
reveal_type(MeasureClassifier().fit)
reveal_type(measures.read_labelled("mine.tsv").texts)
labels: str = model.predict(["全市开展新一轮全员核酸检测。"])
measures.lod_model()
"""


def _mypy(tmp_path, *args, config=None, env=None) -> tuple[int, str]:
    """mypy's exit status and output, run in ``tmp_path`` with ``config`` (default: an
    empty configuration, so that a user's own mypy settings cannot change the result)."""
    pytest.importorskip("mypy")
    if config is None:
        config = tmp_path / "mypy.ini"
        config.write_text("[mypy]\n", "utf-8")
    result = subprocess.run([sys.executable, "-m", "mypy", "--config-file", str(config),
                             "--cache-dir", str(tmp_path / "cache"), *args],
                            cwd=tmp_path, capture_output=True, text=True, timeout=600, env=env)
    return result.returncode, result.stdout + result.stderr


def test_every_lazy_name_is_declared_for_type_checkers():
    tree = ast.parse((PACKAGE / "__init__.py").read_text("utf-8"))
    blocks = [node for node in tree.body
              if isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING"]
    assert len(blocks) == 1
    declared = {alias.name: node.module for node in blocks[0].body for alias in node.names
                if alias.asname == alias.name}  # the form that re-exports a name
    assert declared == measures._EXPORTS


def test_the_installed_package_says_it_is_typed():
    # the distribution pip installed, whichever copy of measures the tests import
    files = [str(f).replace("\\", "/") for f in importlib.metadata.files("measures-zh") or []]
    if "measures/__init__.py" not in files:
        pytest.skip("measures is installed in editable mode, which holds no copy of the package: pip install .")
    assert "measures/py.typed" in files


def test_a_user_script_is_checked_against_the_types_of_measures(tmp_path):
    (tmp_path / "user.py").write_text(USER_SCRIPT, encoding="utf-8")
    env = dict(os.environ)
    if ROOT in PACKAGE.parents:  # the tests import the checkout: point mypy at the same source
        env["MYPYPATH"] = str(ROOT)
    # silent: the package's own errors are the next test's business, not the user's
    _, out = _mypy(tmp_path, "--no-implicit-reexport", "--follow-imports=silent", "user.py", env=env)
    # mypy versions differ in how they spell builtins and typing's names
    revealed = [re.sub(r"\b(builtins|typing|collections\.abc)\.", "", found)
                for found in re.findall(r'note: Revealed type is "(.*)"', out)]
    assert revealed[:5] == [
        "measures.model.Model",
        "measures.document.Document",
        "measures.summary.Summary",
        "tuple[str, ...]",
        "Iterator[measures.document.Document]",
    ], out
    assert revealed[5].endswith("-> measures.model.Model"), out
    assert revealed[6].endswith("-> measures.classifier.MeasureClassifier"), out
    assert revealed[7] == "list[str]", out
    errors = [line for line in out.splitlines() if ": error:" in line]
    assert len(errors) == 2 and all(line.startswith("user.py:") for line in errors), out
    assert errors[0].startswith("user.py:14:") and 'has type "list[str]", variable has type "str"' in errors[0]
    assert errors[1].startswith("user.py:15:") and 'has no attribute "lod_model"' in errors[1]


def test_mypy_finds_nothing_wrong_in_the_package(tmp_path):
    status, out = _mypy(tmp_path, str(ROOT / "measures"), config=ROOT / "setup.cfg")
    assert status == 0, out


STRICT_SCRIPT = """\
from pathlib import Path

import measures
from measures import MeasureClassifier
from measures.suggesting import write_suggestions

model = measures.load_model()
doc = model.tag("全市开展新一轮全员核酸检测。", source=Path("speech.txt"))
frame = doc.summary().to_frame()
estimator = MeasureClassifier(C=0.5)
table: str = measures.compare([doc, doc.summary()])
data = measures.read_labelled(Path("mine.tsv"))
rows: int = write_suggestions(measures.suggest(model, [doc]), Path("to-label.tsv"))
"""


def test_the_readmes_calls_pass_mypy_strict(tmp_path):
    """A user whose project runs mypy --strict: the calls the README shows (a path as a
    source or a file, documents to compare, an estimator, a summary's table) type-check."""
    (tmp_path / "user.py").write_text(STRICT_SCRIPT, encoding="utf-8")
    env = dict(os.environ)
    if ROOT in PACKAGE.parents:
        env["MYPYPATH"] = str(ROOT)
    status, out = _mypy(tmp_path, "--strict", "--follow-imports=silent", "user.py", env=env)
    assert status == 0, out
