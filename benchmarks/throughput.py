"""Throughput, cold start and peak memory: the plain jieba + scikit-learn pipeline against
the measures reference path (jieba) and fast path (rjieba, 1 and 2 jobs).

    python benchmarks/throughput.py [--shared ../shared] [--mb 10]

The corpus is every text under shared/ repeated until it reaches --mb megabytes of UTF-8.
Each measurement runs in its own process, so peak memory is that path's alone: the
proportional set size summed over the process and its workers (benchmarks/processes.py).
Also reports how often the reference and fast paths give the same labels on every
sentence of the shared texts.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from corpora import SHARED, build_jsonl, shared_files, shared_texts
from processes import CHECKOUT, watch

ROOT = Path(__file__).resolve().parents[1]
SPEECH = ROOT / "examples" / "speech_deployment_meeting.txt"

# The pipeline everyone writes first: split, jieba.lcut, TfidfVectorizer, a linear model.
PLAIN_TRAIN = r"""
import sys, joblib, jieba, measures
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.multiclass import OneVsRestClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import MultiLabelBinarizer
from sklearn.svm import LinearSVC
def words(text):
    return jieba.lcut(text)
data = measures.load_training_data()
Y = MultiLabelBinarizer().fit_transform([y.split("|") for y in data.y])
pipe = make_pipeline(TfidfVectorizer(tokenizer=words, token_pattern=None, ngram_range=(1, 2), sublinear_tf=True),
                     OneVsRestClassifier(LinearSVC()))
pipe.fit(data.texts, Y)
joblib.dump(pipe, sys.argv[1])
"""
PLAIN_TAG = r"""
import json, re, sys, time
started = time.perf_counter()
import jieba, joblib
def words(text):
    return jieba.lcut(text)
pipe = joblib.load(sys.argv[1])
n_sent = n_chars = 0
for path in sys.argv[2:]:
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            text = json.loads(line)["text"] if path.endswith(".jsonl") else line
            sentences = [s for s in re.split(r"[。！？；!?;\n]", text) if s.strip()]
            for i in range(0, len(sentences), 512):
                pipe.predict(sentences[i:i + 512])
            n_sent += len(sentences); n_chars += len(re.findall(r"[\u4e00-\u9fff]", text))
print(json.dumps({"sentences": n_sent, "chars": n_chars, "seconds": time.perf_counter() - started}))
"""
MEASURES_TAG = r"""
import json, re, sys, time
started = time.perf_counter()
import measures
from measures.corpus import tag_sources
from measures.sources import iter_sources
segmenter, jobs = sys.argv[1], int(sys.argv[2])
model = measures.load_model(segmenter=segmenter)
n_sent = n_chars = 0
for source, doc in tag_sources(model, iter_sources(sys.argv[3:]), jobs=jobs):
    n_sent += len(doc.sentences); n_chars += len(re.findall(r"[\u4e00-\u9fff]", source.text))
print(json.dumps({"sentences": n_sent, "chars": n_chars, "seconds": time.perf_counter() - started}))
"""
AGREEMENT = r"""
import json, sys, measures
from measures.cleaning import clean
from measures.splitting import split_sentences
sentences = []
for path in sys.argv[1:]:
    sentences += split_sentences(clean(open(path, encoding="utf-8").read()))
reference = measures.load_model(segmenter="jieba").predict(sentences)
fast = measures.load_model(segmenter="rjieba").predict(sentences)
differ = [(s, r, f) for s, r, f in zip(sentences, reference, fast) if r != f]
print(json.dumps({"sentences": len(sentences), "same": len(sentences) - len(differ), "differ": differ[:10]}, ensure_ascii=False))
"""


def run(code: str, *args) -> tuple[dict, float, float]:
    """Run ``code`` in a new Python; return its JSON output, wall seconds and peak memory
    (MB, PSS summed over the process and its workers)."""
    out, seconds, pss, _ = watch([sys.executable, "-c", code, *map(str, args)])
    return (json.loads(out) if out.strip() else {}), seconds, pss


def cold(command: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True, env=CHECKOUT)
    return time.perf_counter() - started


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shared", default=str(SHARED))
    parser.add_argument("--mb", type=float, default=10.0)
    args = parser.parse_args(argv)
    texts = shared_texts(Path(args.shared))
    if not texts:
        print(f"throughput: no texts under {args.shared}", file=sys.stderr)
        return 2
    work = Path(tempfile.mkdtemp(prefix="measures-bench-"))
    try:
        return measure(args, texts, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def measure(args, texts, work: Path) -> int:
    corpus = work / "corpus.jsonl"
    _, _, rounds = build_jsonl(texts, corpus, args.mb * 1e6)
    print(f"corpus: {corpus.stat().st_size / 1e6:.1f} MB of JSONL ({len(texts)} shared texts x {rounds})")

    plain_model = work / "plain.joblib"
    run(PLAIN_TRAIN, plain_model)
    rows = {}
    rows["plain jieba + sklearn"] = run(PLAIN_TAG, plain_model, corpus)
    rows["measures reference (jieba)"] = run(MEASURES_TAG, "jieba", 1, corpus)
    rows["measures fast (rjieba), 1 job"] = run(MEASURES_TAG, "rjieba", 1, corpus)
    rows["measures fast (rjieba), 2 jobs"] = run(MEASURES_TAG, "rjieba", 2, corpus)

    plain_cold = min(cold([sys.executable, "-c", PLAIN_TAG, str(plain_model), str(SPEECH)]) for _ in range(3))
    measures_cmd = [sys.executable, "-m", "measures", "tag", str(SPEECH)]
    fast_cold = min(cold(measures_cmd) for _ in range(3))
    reference_cold = min(cold([sys.executable, "-c", MEASURES_TAG, "jieba", "1", str(SPEECH)]) for _ in range(3))

    base = rows["plain jieba + sklearn"][0]
    base_rate = base["chars"] / base["seconds"]
    print(f"\n{'path':<34}{'chars/s':>12}{'sentences/s':>13}{'peak MiB':>9}{'x plain':>9}")
    for name, (result, _, peak) in rows.items():
        rate = result["chars"] / result["seconds"]
        print(f"{name:<34}{rate:>12,.0f}{result['sentences'] / result['seconds']:>13,.0f}{peak:>9.0f}{rate / base_rate:>9.1f}")
    print("(peak MiB: proportional set size summed over the process and its workers, sampled every 0.2 s)")
    print(f"\ncold start on {SPEECH.name} (best of 3, new process each):")
    print(f"  plain pipeline script       {plain_cold:6.2f} s")
    print(f"  measures reference (jieba)  {reference_cold:6.2f} s   ratio {reference_cold / plain_cold:.2f}")
    print(f"  measures tag (fast)         {fast_cold:6.2f} s   ratio {fast_cold / plain_cold:.2f}")

    agreement, _, _ = run(AGREEMENT, *shared_files(Path(args.shared)))
    share = agreement["same"] / agreement["sentences"]
    print(f"\nsame labels from jieba and rjieba paths: {agreement['same']} of {agreement['sentences']} "
          f"sentences under shared/ ({share:.2%})")
    for sentence, reference, fast in agreement["differ"]:
        print(f"  differs: {reference} vs {fast}: {sentence[:50]}")

    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "measures", "train", "-o", str(work / "model")], check=True,
                   capture_output=True, env=CHECKOUT)
    print(f"\ntraining on the bundled corpus, `measures train` (new process, incl. imports and "
          f"saving; {os.cpu_count()} cores): {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
