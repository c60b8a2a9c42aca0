"""The bundled corpus with the labels a reading of it ruled, to retrain on and compare.

    python benchmarks/ruled_corpus.py RECORD.tsv [RECORD.tsv ...] -o FOLDER
    measures train FOLDER/*.tsv -o MODEL
    python benchmarks/accuracy.py --on validation --model MODEL --against models/policy-measures-zh

A record (``benchmarks/data/training_*reading*.tsv``: text, labels, corpus_labels, verdict,
note) holds a second annotator's labels for corpus rows and a third's ruling where the two
differed. This writes every bundled training file to FOLDER, each row that a record rules
wrong carrying the ruled labels (``second right``: the record's ``labels``; ``neither: L``:
L) and every other row as it is. A row whose corpus labels are neither the record's
``corpus_labels`` nor the ruled ones (relabelled otherwise since) is left as it is and
counted. The bundled files are
never written.
"""
from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

import accuracy  # noqa: F401  first: it puts this checkout's measures on the path

from measures.datasets import training_files
from measures.labels import label_tuple


def rulings(records: list[str]) -> dict[str, tuple[str, str]]:
    """text -> (labels the corpus had when read, labels ruled), for rows ruled wrong."""
    ruled: dict[str, tuple[str, str]] = {}
    for record in records:
        with open(record, encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE):
                verdict = row["verdict"]
                if verdict == "second right":
                    ruled[row["text"]] = (row["corpus_labels"], row["labels"])
                elif verdict.startswith("neither:"):
                    ruled[row["text"]] = (row["corpus_labels"], verdict.partition(":")[2])
    return ruled


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("records", nargs="+", metavar="RECORD.tsv")
    parser.add_argument("-o", "--output", required=True, metavar="FOLDER")
    args = parser.parse_args(argv)
    files = training_files()
    output = Path(args.output)
    if output.resolve() == files[0].parent.resolve():
        parser.error(f"{args.output} is the bundled corpus; write the ruled copy elsewhere")
    ruled = rulings(args.records)
    output.mkdir(parents=True, exist_ok=True)
    changed = already = stale = 0
    for path in files:
        lines = path.read_text("utf-8").split("\n")
        for number, line in enumerate(lines[1:], start=1):
            text, sep, rest = line.partition("\t")
            if not sep or text not in ruled:
                continue
            labels, _, more = rest.partition("\t")
            was, now = ruled[text]
            if label_tuple(labels) == label_tuple(now):
                already += 1
                continue
            if label_tuple(labels) != label_tuple(was):
                stale += 1
                continue
            lines[number] = "\t".join([text, "|".join(label_tuple(now))] + ([more] if more else []))
            changed += 1
        (output / path.name).write_text("\n".join(lines), "utf-8")
    print(f"{len(files)} files written to {output}; of the rows ruled wrong, {changed} take the ruled "
          f"labels, {already} have them already, {stale} were relabelled otherwise since (left as they are)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
