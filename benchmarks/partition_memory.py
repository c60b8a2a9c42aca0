"""What one Dask partition costs a worker: `measures.distributed.tag_records` on the
records of a JSONL partition of a given size, built by repeating the texts under shared/
(real documents, whole), as a worker runs it.

    python benchmarks/partition_memory.py [--shared ../shared] [--mb 4]

Prints the time and the growth of the process's peak resident memory while the partition
is tagged (the model loaded and warmed up before), per MiB of JSONL: a partition's results
are held as Python objects until they are written, which is what `read_jsonl`'s
`blocksize` bounds. Each size runs in a new process, so that the peaks do not mix.
"""
from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from corpora import SHARED, build_jsonl, shared_texts

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def measure(path: Path) -> None:
    """Tag the records of one JSONL file in this process and print the figures."""
    from measures.distributed import tag_records

    records = [json.loads(line) for line in path.read_text("utf-8").splitlines()]
    tag_records(records[:20])  # the model loaded and the segmenter warmed up
    before = _peak_mib()
    started = time.perf_counter()
    results = tag_records(records)
    seconds = time.perf_counter() - started
    grown = _peak_mib() - before
    mib = path.stat().st_size / 2**20
    sentences = sum(len(r["sentences"]) for r in results)
    print(f"{mib:5.1f} MiB, {len(records)} records, {sentences} sentences: {seconds:.1f} s, peak memory "
          f"+{grown:.0f} MiB ({grown / mib:.0f} MiB per MiB of JSONL)")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shared", default=str(SHARED))
    parser.add_argument("--mb", type=float, action="append", help="partition sizes in MiB (default: 1 and 4)")
    parser.add_argument("--measure", help=argparse.SUPPRESS)  # the child process's own run
    args = parser.parse_args(argv)
    if args.measure:
        measure(Path(args.measure))
        return 0
    if any(mb <= 0 for mb in args.mb or []):
        parser.error("--mb takes a size above 0")
    texts = shared_texts(Path(args.shared))
    if not texts:
        print(f"partition_memory: no texts under {args.shared}; pass --shared", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as folder:
        for mb in args.mb or [1, 4]:
            path = Path(folder) / f"{mb}.jsonl"
            build_jsonl(texts, path, mb * 2**20)
            subprocess.run([sys.executable, __file__, "--measure", str(path)], check=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
