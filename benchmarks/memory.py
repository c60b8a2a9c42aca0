"""Peak memory of `measures tag` on inputs too large to hold: a JSONL corpus of about
1 GB, one document of about 200 MB, and one of about 50 MB without a single line break,
all built by repeating the texts under shared/. (0 MB skips an input.)

    python benchmarks/memory.py [--shared ../shared] [--jsonl-mb 1000] [--doc-mb 200]
                                [--one-line-mb 50] [--jobs 2]

Each run is a new `measures tag` process writing JSONL to /dev/null. Peak memory is the
largest sum over the process and its workers, sampled every 0.2 s from /proc (Linux), of
their proportional set size (shared pages divided among the processes sharing them) and,
for comparison, of their resident set size; alongside the time and Chinese characters
per second. The inputs
are written to a temporary folder and deleted afterwards.
"""
from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

from corpora import SHARED, build_document, build_jsonl, shared_texts
from processes import watch


def run(command: list[str]) -> tuple[float, float, float]:
    """(seconds, peak MB of the process tree as PSS, and as RSS)."""
    _, seconds, pss, rss = watch(command, keep_output=False)
    return seconds, pss, rss


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", type=Path, default=SHARED)
    parser.add_argument("--jsonl-mb", type=int, default=1000)
    parser.add_argument("--doc-mb", type=int, default=200)
    parser.add_argument("--one-line-mb", type=int, default=50)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args(argv)
    texts = shared_texts(args.shared, (".txt", ".md", ".html", ".htm"))
    if not texts:
        sys.exit(f"no texts under {args.shared}")
    measures = [sys.executable, "-m", "measures", "tag", "--format", "jsonl", "-q"]
    folder = Path(tempfile.mkdtemp(prefix="measures-memory-"))
    rows = []
    try:
        if args.jsonl_mb:
            corpus = folder / "corpus.jsonl"
            documents, chars, _ = build_jsonl(texts, corpus, args.jsonl_mb << 20)
            label = f"JSONL corpus, {corpus.stat().st_size / 2**20:,.0f} MiB ({documents:,} documents), --jobs {args.jobs}"
            rows.append((label, chars, *run(measures + ["--jobs", str(args.jobs), str(corpus)])))
            corpus.unlink()
        for size, line_breaks, kind in ((args.doc_mb, True, ""), (args.one_line_mb, False, ", no line breaks")):
            if size:
                document = folder / "one_document.txt"
                chars = build_document(texts, document, size << 20, line_breaks)
                label = f"one document, {document.stat().st_size / 2**20:,.0f} MiB{kind}"
                rows.append((label, chars, *run(measures + [str(document)])))
                document.unlink()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    print(f"{'input':<58}{'seconds':>9}{'chars/s':>11}{'peak MiB (PSS)':>15}{'(RSS sum)':>11}")
    for label, chars, seconds, pss, rss in rows:
        print(f"{label:<58}{seconds:>9.0f}{chars / seconds:>11,.0f}{pss:>15.0f}{rss:>11.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
