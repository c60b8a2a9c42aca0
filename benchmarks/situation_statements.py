"""How the bundled corpus and our validation labels read a statement of how an epidemic
stands or moves that names no case figure or count (全国疫情形势总体平稳, 疫情仍在高位).

    python benchmarks/situation_statements.py [--model PATH]

Prints, for sentences that say how something stands or moves and name no count of cases,
patients or people (the patterns below; most are about an epidemic, some about a market or
a flow of people, and some hold a measure as well):
  1. the corpus rows among them by primary label, and how many have `case_report` at all:
     96 before the corpus took the reading of ``benchmarks/data/training_situation_reading.tsv``
     (December 2026), where each of those is read, ruled or agreed; since, the 12 it agreed
     on, which name a count the patterns miss (docs/labelling.md);
  2. the validation rows read for errors (1-2,262) among them by our primary label, and
     the primary label the model gives those we labelled `other`.
It needs the shared material beside the checkout for 2 (see ``accuracy.py``).
"""
from __future__ import annotations

import argparse
import collections
import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import accuracy

from measures.datasets import load_training_data

STANDS_OR_MOVES = re.compile("平稳|下降|上升|拐点|高位|蔓延|扩散|反弹|态势|趋势|形势|可控|向好|峰值|见顶|回落|下行|攀升|"
                             "平台期|高峰|流行|散发|胶着|反复|加速|放缓|缓解|好转|稳定")
A_COUNT = re.compile("[0-9０-９]|[零一二三四五六七八九十百千万两]+[例人名个]|新增|感染者|病例|确诊|阳性|治愈|出院|死亡|"
                     "病亡|无症状|重症|患者")
READ_ROWS = 2262  # 2,286 until cleaning dropped 22 lines of reposts' links, 2,264 until it dropped two credits (all within them)


def is_situation_statement(text: str) -> bool:
    return bool(STANDS_OR_MOVES.search(text) and not A_COUNT.search(text))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", default=str(accuracy.ROOT / "models" / "policy-measures-zh"))
    args = parser.parse_args(argv)
    data = load_training_data()
    found = [(text, y.split("|")) for text, y in zip(data.texts, data.y) if is_situation_statement(text)]
    primary = collections.Counter(labels[0] for _, labels in found)
    print(f"corpus: {len(found)} such rows; primary label: {dict(primary.most_common())}; "
          f"with case_report at all: {sum('case_report' in labels for _, labels in found)}")
    rows = accuracy.validation_rows()[:READ_ROWS]
    texts = accuracy.resolve(rows, accuracy.SHARED / "corpus")
    with tempfile.TemporaryDirectory() as folder:
        ours = Path(folder) / "rows.tsv"
        lines = accuracy.VALIDATION.read_text("utf-8").split("\n")
        ours.write_text("\n".join(lines[:READ_ROWS + 1]) + "\n", "utf-8")
        saved = Path(folder) / "labels.json"
        subprocess.run([sys.executable, str(Path(__file__).with_name("accuracy.py")), "--on", "validation",
                        "--labels", str(ours), "--model", args.model, "--save-labels", str(saved)],
                       check=True, stdout=subprocess.DEVNULL)
        predicted = json.loads(saved.read_text("utf-8"))["labels"]
    gold = collections.Counter()
    given_to_other = collections.Counter()
    for row, text, labels in zip(rows, texts, predicted):
        if is_situation_statement(text):
            ours_primary = row[3].split("|")[0]
            gold[ours_primary] += 1
            if ours_primary == "other":
                given_to_other[labels.split("|")[0]] += 1
    print(f"validation rows 1-{READ_ROWS}: {sum(gold.values())} such rows; our primary label: "
          f"{dict(gold.most_common())}; the model's primary label for those we labelled other: "
          f"{dict(given_to_other.most_common())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
