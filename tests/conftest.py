import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("MEASURES_SHARED", ROOT.parent / "shared"))
EXAMPLES = ROOT / "examples"

needs_shared = pytest.mark.skipif(
    not (SHARED / "annotation-guide.md").exists(),
    reason=f"the shared material (seeds, dev set, corpus) is not at {SHARED}; "
           f"CI has it beside the checkout, a fresh clone does not")


def pytest_sessionstart(session):
    # CI sets it: the no-copy and real-text tests must run there, not skip for want of the
    # material, as the browser test must (MEASURES_REQUIRE_BROWSER)
    if os.environ.get("MEASURES_REQUIRE_SHARED") == "1" and not (SHARED / "annotation-guide.md").exists():
        raise pytest.UsageError(f"MEASURES_REQUIRE_SHARED=1, but the shared material is not at {SHARED}")


def seed_files():
    return sorted((SHARED / "seeds").glob("*.txt")) if SHARED.exists() else []


@pytest.fixture(scope="session")
def model():
    import measures

    return measures.load_model()


def measures_command() -> list[str]:
    """The ``measures`` command of the environment running the tests: its script beside
    this Python (not the first one on PATH, which may be another installation's), else the
    module."""
    script = shutil.which("measures", path=str(Path(sys.executable).parent))
    return [script] if script else [sys.executable, "-m", "measures"]


def run_cli(*args, stdin=None, cwd=None):
    """Run the ``measures`` command (:func:`measures_command`)."""
    return subprocess.run(measures_command() + [str(a) for a in args], input=stdin, capture_output=True,
                          cwd=cwd, timeout=600)


def loaded_modules(code: str, names) -> list[str]:
    """Which of the modules ``names`` a fresh interpreter holds after running ``code``."""
    probe = f"import sys\n{code}\nprint(*(name for name in {tuple(names)!r} if name in sys.modules))"
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return result.stdout.split()
