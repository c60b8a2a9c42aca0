"""Accuracy on real text: the shipped model against two baselines, on the dev set.

    python benchmarks/accuracy.py [--shared ../shared] [--model PATH] [--record]

Scores, on ``shared/dev/sentences.tsv`` (real sentences, labelled by the guide):
  1. the shipped model (or --model);
  2. a keyword matcher built from the cue words of the annotation guide;
  3. a character n-gram TF-IDF + linear SVM model trained on the same bundled corpus.
Prints micro-F1, macro-F1, primary-label accuracy and per-label P/R/F1 for each.
``--record`` writes the shipped model's dev figures into its config.json and model card.
The dev set is only measured here; nothing is fitted on it.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
import time
from pathlib import Path

import numpy as np

import measures
from measures.cleaning import normalize
from measures.evaluation import scores
from measures.labelled_data import read_labelled
from measures.labels import LABEL_IDS, OTHER


def guide_cues(guide: Path) -> dict[str, list[str]]:
    cues = {}
    for line in guide.read_text("utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 4 and cells[0].startswith("`") and cells[0].strip("`") in LABEL_IDS:
            cues[cells[0].strip("`")] = [c.strip() for c in re.split(r"[,，]", cells[3]) if c.strip()]
    return cues


def keyword_matcher(cues: dict[str, list[str]]):
    measures_only = {label: words for label, words in cues.items() if label != OTHER}

    def predict(sentences):
        out = []
        for sentence in sentences:
            text = normalize(sentence)
            found = []
            for label, words in measures_only.items():
                positions = [text.find(w) for w in words if w in text]
                if positions:
                    found.append((min(positions), label))
            out.append("|".join(label for _, label in sorted(found)) or OTHER)
        return out
    return predict


def char_ngram_baseline(texts, y):
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.multiclass import OneVsRestClassifier
    from sklearn.preprocessing import MultiLabelBinarizer
    from sklearn.svm import LinearSVC

    binarizer = MultiLabelBinarizer(classes=list(LABEL_IDS))
    Y = binarizer.fit_transform([labels.split("|") for labels in y])
    vectorizer = TfidfVectorizer(analyzer="char", ngram_range=(1, 3), sublinear_tf=True, min_df=2)
    X = vectorizer.fit_transform([normalize(t) for t in texts])
    classifier = OneVsRestClassifier(LinearSVC(C=1.0, class_weight="balanced")).fit(X, Y)

    def predict(sentences):
        margins = classifier.decision_function(vectorizer.transform([normalize(s) for s in sentences]))
        out = []
        for row in margins:
            order = np.argsort(-row)
            chosen = [LABEL_IDS[k] for k in order[:3] if row[k] > 0 and LABEL_IDS[k] != OTHER]
            if LABEL_IDS[order[0]] == OTHER or not chosen:
                chosen = [LABEL_IDS[order[0]]]
            out.append("|".join(chosen))
        return out
    return predict


def table(results: dict[str, dict]) -> str:
    names = list(results)
    lines = [f"{'':<22}" + "".join(f"{n:>22}" for n in names)]
    for key, title in (("micro_f1", "micro-F1"), ("macro_f1", "macro-F1"),
                       ("primary_accuracy", "primary accuracy"), ("exact_match", "exact match")):
        lines.append(f"{title:<22}" + "".join(f"{results[n][key]:>22.3f}" for n in names))
    lines.append("")
    lines.append(f"{'label (support)':<22}" + "".join(f"{'P / R / F1':>22}" for _ in names))
    for label in LABEL_IDS:
        support = results[names[0]]["per_label"][label]["support"]
        cells = "".join(f"{r['per_label'][label]['precision']:>8.2f}{r['per_label'][label]['recall']:>7.2f}"
                        f"{r['per_label'][label]['f1']:>7.2f}" for r in results.values())
        lines.append(f"{label + f' ({support})':<22}" + cells)
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shared", default=str(Path(__file__).resolve().parents[2] / "shared"))
    parser.add_argument("--model", help="model folder (default: the shipped model)")
    parser.add_argument("--record", action="store_true", help="write the figures into the model's card")
    args = parser.parse_args(argv)
    shared = Path(args.shared)
    dev_path = shared / "dev" / "sentences.tsv"
    if not dev_path.exists():
        print(f"accuracy: no dev set at {dev_path}; pass --shared", file=sys.stderr)
        return 2
    dev = read_labelled(dev_path)
    model = measures.load_model(args.model)
    corpus = measures.load_training_data()
    started = time.perf_counter()
    results = {
        "shipped model": scores(dev.y, model.predict(dev.texts), LABEL_IDS),
        "keyword matcher": scores(dev.y, keyword_matcher(guide_cues(shared / "annotation-guide.md"))(dev.texts), LABEL_IDS),
        "char n-gram TF-IDF": scores(dev.y, char_ngram_baseline(corpus.texts, corpus.y)(dev.texts), LABEL_IDS),
    }
    print(f"dev set: {dev_path} ({len(dev)} real sentences); training corpus: {len(corpus)} bundled "
          f"sentences; {time.perf_counter() - started:.1f} s\n")
    print(table(results))
    if args.record:
        from measures.persistence import model_card, shipped_model_path

        folder = Path(args.model) if args.model else shipped_model_path()
        config = json.loads((folder / "config.json").read_text("utf-8"))
        result = results["shipped model"]
        config.setdefault("evaluation", {})["dev set (real documents)"] = {
            "data": f"shared/dev/sentences.tsv, {len(dev)} real sentences from 45 documents",
            "command": "python benchmarks/accuracy.py --record",
            **{k: round(result[k], 4) for k in ("sentences", "micro_f1", "macro_f1", "primary_accuracy", "exact_match")},
            "per_label_f1": {label: round(v["f1"], 3) for label, v in result["per_label"].items()},
        }
        (folder / "config.json").write_text(json.dumps(config, ensure_ascii=False, indent=2) + "\n", "utf-8")
        (folder / "README.md").write_text(model_card(config), "utf-8")
        print(f"\nrecorded in {folder}/config.json and README.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
