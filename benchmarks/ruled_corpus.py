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
counted. Where two records rule one sentence differently, the later record's ruling is
taken and the conflict is named on stderr (record and line of both). The bundled files
are never written.
"""
from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

import accuracy  # noqa: F401  first: it puts this checkout's measures on the path

from measures.datasets import training_files
from measures.labels import label_tuple


def rulings(records: list[str]) -> tuple[dict[str, tuple[str, str]], list[str]]:
    """text -> (labels the corpus had when read, labels ruled), for rows ruled wrong, and
    the conflicts: a sentence two rows rule differently (a ruling that the corpus was
    right among them), the later ruling taken."""
    ruled: dict[str, tuple[str, str]] = {}
    where: dict[str, str] = {}
    conflicts = []
    for record in records:
        with open(record, encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
            for row in reader:
                verdict, text = row["verdict"], row["text"]
                if verdict == "second right":
                    ruling = (row["corpus_labels"], row["labels"])
                elif verdict.startswith("neither:"):
                    ruling = (row["corpus_labels"], verdict.partition(":")[2])
                elif verdict == "corpus right":
                    ruling = (row["corpus_labels"], row["corpus_labels"])
                else:
                    continue
                here = f"{record}:{reader.line_num}"
                if text in ruled and label_tuple(ruled[text][1]) != label_tuple(ruling[1]):
                    conflicts.append(f"{text[:30]}: ruled {ruled[text][1]} at {where[text]} and {ruling[1]} at "
                                     f"{here}; taking {ruling[1]}")
                ruled[text], where[text] = ruling, here
    wrong = {text: (was, now) for text, (was, now) in ruled.items() if label_tuple(was) != label_tuple(now)}
    return wrong, conflicts


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("records", nargs="+", metavar="RECORD.tsv")
    parser.add_argument("-o", "--output", required=True, metavar="FOLDER")
    args = parser.parse_args(argv)
    files = training_files()
    output = Path(args.output)
    if output.resolve() == files[0].parent.resolve():
        parser.error(f"{args.output} is the bundled corpus; write the ruled copy elsewhere")
    ruled, conflicts = rulings(args.records)
    for conflict in conflicts:
        print(f"ruled_corpus: two rulings of one sentence: {conflict}", file=sys.stderr)
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
