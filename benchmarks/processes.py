"""Running a benchmark step in its own process tree and measuring it: wall time and peak
memory summed over the process and all its workers (Linux /proc)."""
from __future__ import annotations

import os
import re
import subprocess
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
#: The environment of every measured command: this checkout's measures first on the path,
#: not an installed copy (`python -c` and `-m` would otherwise find what is installed).
CHECKOUT = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}


def tree_memory(pid: int) -> tuple[int, int]:
    """(PSS, RSS) in kB summed over a process and all its descendants. PSS divides each
    shared page among the processes sharing it (forked workers share the model), so its
    sum is the tree's real footprint; the RSS sum counts shared pages once per process."""
    pss = rss = 0
    stack = [pid]
    while stack:
        p = stack.pop()
        try:
            rollup = Path(f"/proc/{p}/smaps_rollup").read_text()
            pss += int(re.search(r"^Pss:\s+(\d+)", rollup, re.M).group(1))
            rss += int(re.search(r"^Rss:\s+(\d+)", rollup, re.M).group(1))
            for task in Path(f"/proc/{p}/task").iterdir():
                stack.extend(int(c) for c in (task / "children").read_text().split())
        except (OSError, AttributeError):
            continue
    return pss, rss


def watch(command: list[str], keep_output: bool = True) -> tuple[str, float, float, float]:
    """Run ``command``, sampling its process tree's memory every 0.2 s. Returns (its
    standard output, or "" when not kept, seconds, peak MiB as PSS, peak MiB as RSS); a
    failed command ends the benchmark with its error output. Output goes to temporary
    files, not pipes, so a command that writes much cannot block while it is watched."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        process = subprocess.Popen(command, stdout=out if keep_output else subprocess.DEVNULL, stderr=err,
                                   env=CHECKOUT)
        peak_pss = peak_rss = 0
        while process.poll() is None:
            pss, rss = tree_memory(process.pid)
            peak_pss, peak_rss = max(peak_pss, pss), max(peak_rss, rss)
            time.sleep(0.2)
        seconds = time.perf_counter() - started
        out.seek(0)
        err.seek(0)
        if process.returncode:
            raise SystemExit(f"{' '.join(command)[:200]} failed: {err.read().decode(errors='replace')[-2000:]}")
        return out.read().decode(), seconds, peak_pss / 1024, peak_rss / 1024
