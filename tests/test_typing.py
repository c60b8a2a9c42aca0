"""What type checkers and editors see of measures: the installed package says it is typed
(``py.typed``), and the names ``measures`` imports lazily have their real types."""
import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

import measures

PACKAGE = Path(measures.__file__).parent

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
"""


def test_every_lazy_name_is_declared_for_type_checkers():
    tree = ast.parse((PACKAGE / "__init__.py").read_text("utf-8"))
    blocks = [node for node in tree.body
              if isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING"]
    assert len(blocks) == 1
    declared = {alias.name: node.module for node in blocks[0].body for alias in node.names
                if alias.asname == alias.name}  # the form that re-exports a name
    assert declared == measures._EXPORTS


def test_a_user_script_is_checked_against_the_installed_package(tmp_path):
    pytest.importorskip("mypy")
    if PACKAGE.parent.name != "site-packages":
        pytest.skip("measures is not installed in site-packages (an editable install); type "
                    "checkers read an installed copy: pip install .")
    assert (PACKAGE / "py.typed").is_file()
    script = tmp_path / "user.py"
    script.write_text(USER_SCRIPT, encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "mypy", "--no-implicit-reexport", "--cache-dir", str(tmp_path / "cache"), "user.py"],
                            cwd=tmp_path, capture_output=True, text=True, timeout=600)
    # mypy versions differ in how they spell builtins and typing's names
    revealed = [re.sub(r"\b(builtins|typing|collections\.abc)\.", "", found)
                for found in re.findall(r'note: Revealed type is "(.*)"', result.stdout)]
    assert revealed[:5] == [
        "measures.model.Model",
        "measures.document.Document",
        "measures.summary.Summary",
        "tuple[str, ...]",
        "Iterator[measures.document.Document]",
    ], result.stdout
    assert revealed[5].endswith("-> measures.model.Model"), result.stdout
    assert revealed[6].endswith("-> measures.classifier.MeasureClassifier"), result.stdout
    assert revealed[7] == "list[str]", result.stdout
    errors = [line for line in result.stdout.splitlines() if ": error:" in line]
    assert len(errors) == 1 and errors[0].startswith("user.py:14:"), result.stdout
    assert 'has type "list[str]", variable has type "str"' in errors[0]
