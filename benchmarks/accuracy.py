"""Accuracy on real text: the shipped model against two baselines.

    python benchmarks/accuracy.py [--on dev|validation] [--shared ../shared] [--model PATH]
                                  [--against PATH] [--labels FILE] [--save-labels FILE]
                                  [--against-labels FILE] [--record]

Scores, on real sentences labelled by the guide:
  1. the shipped model (or --model);
  2. a keyword matcher built from the cue words of the annotation guide;
  3. a character n-gram TF-IDF + linear SVM model trained on the same bundled corpus.
Prints micro-F1, macro-F1, primary-label accuracy and per-label P/R/F1 for each, how many
primary labels are wrong only in their order, the leads over the baselines, and micro-F1
and primary accuracy on each collection of documents.

``--on dev`` (the default) scores ``shared/dev/sentences.tsv``: the held-out benchmark, only
ever measured. ``--on validation`` scores every sentence of 280 whole documents of
``shared/corpus`` that we labelled ourselves (``benchmarks/data/corpus_validation.tsv`` holds
document, sentence number, a hash of the sentence and its labels, never the text): the
real-text set on which configurations and training data are compared, so that the dev set
never has to be.
``--against PATH`` scores another model folder beside them (say, the previous shipped model,
from ``git show REV:models/policy-measures-zh/...``), with the lead over it. ``--labels FILE``
scores the validation sentences against another labelling of them (same columns, e.g. an
earlier version of the file).
``--save-labels FILE`` writes the model's label for every sentence (JSON) and
``--against-labels FILE`` scores such a file, for the same sentences, beside the model, with
the lead over it:
for a model this version cannot load, saved in a checkout of its own commit with this script
copied in and ``PYTHONPATH=.``.
``--record`` writes the shipped model's figures into its config.json and model card.
"""
from __future__ import annotations

import argparse
import functools
import hashlib
import json
import re
import shlex
import sys
import time
from pathlib import Path

import numpy as np
from corpora import SHARED

# The checkout's measures, not an installed copy: `python benchmarks/x.py` puts only
# benchmarks/ on the path, and --record writes into the model folder of what is imported.
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import measures  # noqa: E402
from measures.cleaning import clean, normalize
from measures.evaluation import scores
from measures.outputs import OutputError, check_output, open_output
from measures.labelled_data import file_lines, read_labelled
from measures.labels import LABEL_IDS, OTHER, LabelError, parse_labels
from measures.persistence import ModelFileError
from measures.reading import DocumentError, read_document
from measures.splitting import split_sentences

DATA = Path(__file__).resolve().parent / "data"
VALIDATION = DATA / "corpus_validation.tsv"
# A second annotator's labels for part of the same sentences, labelled blind: how
# consistently we read the guide.
SECOND = DATA / "corpus_validation_second.tsv"
COLUMNS = ["doc", "index", "hash", "labels"]


class ValidationSetError(ValueError):
    """A row of a validation file that cannot be used; the message names file and line."""


def _digest(sentence: str) -> str:
    return hashlib.sha1(sentence.encode("utf-8")).hexdigest()[:10]


def validation_rows(path: Path = VALIDATION) -> list[tuple[str, int, str, str, int]]:
    """(document, sentence number, hash, labels, line) for each row, checked."""
    rows = []
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            lines = handle.read().splitlines()
    except OSError as error:
        raise ValidationSetError(f"{path}: cannot be read ({error.strerror or error})") from None
    except UnicodeDecodeError as error:
        raise ValidationSetError(f"{path}: not UTF-8 text ({error.reason} at byte {error.start})") from None
    if not lines or lines[0].split("\t") != COLUMNS:
        raise ValidationSetError(f"{path}:1: the header must be {chr(9).join(COLUMNS)!r}")
    for line, row in enumerate(lines[1:], start=2):
        cells = row.split("\t")
        if len(cells) != 4 or not cells[1].isdigit() or len(cells[2]) != 10:
            raise ValidationSetError(f"{path}:{line}: expected a document, a sentence number, "
                                     f"a 10-character hash and labels, got {row!r}")
        try:
            parse_labels(cells[3])
        except LabelError as error:
            raise ValidationSetError(f"{path}:{line}: {error}") from None
        rows.append((cells[0], int(cells[1]), cells[2], cells[3], line))
    return rows


def resolve(rows, corpus: Path, path: Path = VALIDATION) -> list[str]:
    """The sentence of each row, found again by cleaning and splitting its document as
    ``measures tag`` does: the one with the row's hash, nearest the row's sentence number
    (so a change that shifts sentence numbers does not lose the labels)."""
    split, texts = {}, []
    for doc, index, digest, _, line in rows:
        if doc not in split:
            try:
                sentences = split_sentences(clean(read_document(corpus / doc)))
            except DocumentError as error:
                raise ValidationSetError(f"{path}:{line}: {error}") from None
            split[doc] = sentences, [_digest(sentence) for sentence in sentences]
        sentences, digests = split[doc]
        found = [k for k, other in enumerate(digests) if other == digest]
        if not found:
            raise ValidationSetError(f"{path}:{line}: sentence {index} of {doc} (hash {digest}) is no "
                                     "longer in the document as measures splits it; did cleaning or "
                                     "splitting change?")
        texts.append(sentences[min(found, key=lambda k: abs(k - index))])
    return texts


def in_documents(model, texts: list[str], documents_of: list[str], folders: list[Path]) -> tuple[list[str], int]:
    """A model's labels for sentences read in their documents, as ``measures tag`` labels
    them: each document is tagged, and each sentence takes the labels of the same
    sentence there, looked for from just after the one before it in that document (so a
    sentence said twice takes its own place). Returns the labels and how many sentences
    were found; the others (cut differently from how measures splits, or without their
    document) are read alone."""
    labels = model.predict(texts)
    tagged: dict[str, list | None] = {}
    next_from: dict[str, int] = {}
    found = 0
    for k, (text, doc) in enumerate(zip(texts, documents_of)):
        if doc not in tagged:
            path = next((folder / doc for folder in folders if (folder / doc).is_file()), None)
            tagged[doc] = None if path is None else model.tag(read_document(path)).sentences
        sentences = tagged[doc]
        if sentences is None:
            continue
        # validation sentences are cut from cleaned documents already; dev sentences are
        # as their annotators copied them
        wanted = {text, clean(text).strip()}
        start = next_from.get(doc, 0)
        at = next((j for j in [*range(start, len(sentences)), *range(start)] if sentences[j].text in wanted), None)
        if at is None:
            continue
        next_from[doc] = at + 1
        labels[k] = "|".join(sentences[at].labels)
        found += 1
    return labels, found


def _sentences_digest(texts: list[str]) -> str:
    return hashlib.sha256("\n".join(texts).encode("utf-8")).hexdigest()


def saved_labels(path: Path, on: str, texts: list[str]) -> list[str]:
    """The labels a ``--save-labels`` run wrote, checked to be for these very sentences
    and to follow the guide."""
    try:
        saved = json.loads(path.read_text("utf-8"))
    except OSError as error:
        raise ValidationSetError(f"{path}: cannot be read ({error.strerror or error})") from None
    except (UnicodeDecodeError, ValueError) as error:
        raise ValidationSetError(f"{path}: not labels written by --save-labels ({error})") from None
    labels = saved.get("labels") if isinstance(saved, dict) else None
    if not (isinstance(labels, list) and all(isinstance(row, str) for row in labels)):
        raise ValidationSetError(f"{path}: not labels written by --save-labels (no list of label strings)")
    if saved.get("on") != on or saved.get("sentences") != _sentences_digest(texts):
        raise ValidationSetError(f"{path}: labels of different sentences (--on {saved.get('on')}, "
                                 f"{len(labels)} sentences), not of these {len(texts)}")
    for i, row in enumerate(labels):
        try:
            parse_labels(row)
        except LabelError as error:
            raise ValidationSetError(f"{path}: label {i}: {error}") from None
    return labels


def save_labels(path: Path, on: str, texts: list[str], labels: list[str]) -> None:
    """Write labels for ``--against-labels``, atomically."""
    with open_output(str(path)) as stream:
        json.dump({"on": on, "sentences": _sentences_digest(texts), "labels": labels}, stream, ensure_ascii=False)


def _shown(path: Path) -> str:
    """A path as the figures name it: relative to the checkout when inside it."""
    try:
        return str(path.resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


def agreement(rows, strict: bool = True) -> dict | None:
    """Scores of the second annotator's labels against the first's (``rows``, the
    validation set's), on the rows both labelled. A second-annotation row missing from
    ``rows`` is an error when ``strict``, else (another labelling, e.g. a subset) there is
    no agreement to report: None."""
    first = {(doc, index): labels for doc, index, _, labels, _ in rows}
    second = validation_rows(SECOND)
    missing = [line for doc, index, *_, line in second if (doc, index) not in first]
    if missing and not strict:
        return None
    if missing:
        raise ValidationSetError(f"{SECOND}:{missing[0]}: not a row of {VALIDATION.name}")
    return scores([first[doc, index] for doc, index, *_ in second],
                  [labels for *_, labels, _ in second], LABEL_IDS)


def _column(path: Path, name: str) -> list[str]:
    # rows split as read_labelled splits them (at line feeds only), so they stay aligned
    lines = file_lines(str(path))[1]
    header = lines[0].split("\t") if lines else []
    if name not in header:
        raise ValidationSetError(f"{path}:1: no {name!r} column in the header")
    at = header.index(name)
    values = []
    for number, line in enumerate(lines[1:], start=2):
        if not line.strip():  # read_labelled skips a blank line (an empty spreadsheet row, "\t\t"): so must this
            continue
        cells = line.split("\t")
        if at >= len(cells):
            raise ValidationSetError(f"{path}:{number}: no {name!r} cell")
        values.append(cells[at])
    return values


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


def char_ngram_margins(texts, y):
    """The char n-gram baseline's SVMs, trained on ``texts`` and their labels ``y``: a
    function from sentences to their margins, one column per label in LABEL_IDS order."""
    vectorizer, classifier = _char_ngram_fit(tuple(texts), tuple(y))
    return lambda sentences: classifier.decision_function(vectorizer.transform([normalize(s) for s in sentences]))


# main() may run several times in one process (the tests, a notebook), each time on the
# bundled corpus: the baseline is fitted once for it (12 s), not again for each run
@functools.lru_cache(maxsize=1)
def _char_ngram_fit(texts: tuple, y: tuple):
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.multiclass import OneVsRestClassifier
    from sklearn.preprocessing import MultiLabelBinarizer
    from sklearn.svm import LinearSVC

    binarizer = MultiLabelBinarizer(classes=list(LABEL_IDS))
    Y = binarizer.fit_transform([labels.split("|") for labels in y])
    vectorizer = TfidfVectorizer(analyzer="char", ngram_range=(1, 3), sublinear_tf=True, min_df=2)
    X = vectorizer.fit_transform([normalize(t) for t in texts])
    return vectorizer, OneVsRestClassifier(LinearSVC(C=1.0, class_weight="balanced")).fit(X, Y)


def char_ngram_baseline(texts, y):
    margins_of = char_ngram_margins(texts, y)

    def predict(sentences):
        margins = margins_of(sentences)
        out = []
        for row in margins:
            order = np.argsort(-row)
            chosen = [LABEL_IDS[k] for k in order[:3] if row[k] > 0 and LABEL_IDS[k] != OTHER]
            if LABEL_IDS[order[0]] == OTHER or not chosen:
                chosen = [LABEL_IDS[order[0]]]
            out.append("|".join(chosen))
        return out
    return predict


def margins(gold: list[str], documents: list[str], predicted: dict[str, list[str]],
            resamples: int = 500, seed: int = 0) -> str:
    """How far the first system is ahead of each other one on macro-F1 and primary
    accuracy, with a 90% interval from resampling whole documents (sentences of one
    document are not independent), so that a lead within the noise reads as such."""
    names = list(predicted)
    by_document: dict[str, list[int]] = {}
    for i, document in enumerate(documents):
        by_document.setdefault(document, []).append(i)
    groups = list(by_document.values())
    rng = np.random.default_rng(seed)
    draws = [np.concatenate([groups[k] for k in rng.integers(0, len(groups), len(groups))])
             for _ in range(resamples)]
    metrics = (("macro_f1", "macro-F1"), ("primary_accuracy", "primary accuracy"))

    def both(labels, rows):
        result = scores([gold[i] for i in rows], [labels[i] for i in rows], LABEL_IDS)
        return np.array([result[key] for key, _ in metrics])

    everything = range(len(gold))
    first = predicted[names[0]]
    first_whole, first_draws = both(first, everything), [both(first, rows) for rows in draws]
    lines = [f"{names[0]} minus each baseline, 90% interval over {resamples} resamplings of the "
             f"{len(groups)} documents:"]
    width = max(len(name) for name in names) + 2
    for name in names[1:]:
        whole = first_whole - both(predicted[name], everything)
        spread = np.array([mine - both(predicted[name], rows) for mine, rows in zip(first_draws, draws)])
        low, high = np.percentile(spread, [5, 95], axis=0)
        lines.append(f"  {name:<{width}}" + "   ".join(
            f"{title} {whole[k]:+.3f} [{low[k]:+.3f}, {high[k]:+.3f}]" for k, (_, title) in enumerate(metrics)))
    return "\n".join(lines)


def by_source(gold: list[str], documents: list[str], predicted: dict[str, list[str]]) -> str:
    """Each system's micro-F1 and primary accuracy on the sentences of each collection
    (news broadcasts, bulletins, reposted web pages...), so that a user can see how it
    does on text like theirs. Macro-F1 is left out: a collection of a few dozen sentences
    has several labels with one or two examples, whose F1 is noise."""
    rows_of: dict[str, list[int]] = {}
    for i, document in enumerate(documents):
        # the folder: a source under shared/corpus or shared/dev/docs, or seeds
        rows_of.setdefault(document.split("/")[0], []).append(i)
    names = list(predicted)
    lines = [f"{'collection':<26}{'sentences':>10}{'documents':>10}"
             + "".join(f"{name[:20]:>22}" for name in names),
             f"{'':<46}" + "".join(f"{'micro-F1 / primary':>22}" for _ in names)]
    for source, rows in sorted(rows_of.items()):
        cells = ""
        for name in names:
            result = scores([gold[i] for i in rows], [predicted[name][i] for i in rows], LABEL_IDS)
            cells += f"{result['micro_f1']:>14.3f} / {result['primary_accuracy']:.3f}"
        lines.append(f"{source:<26}{len(rows):>10}{len({documents[i] for i in rows}):>10}" + cells)
    return "\n".join(lines)


def _figures(v: dict) -> str:
    """A label's P, R and F1, or dashes for a label neither given nor predicted (a set of
    rows given with --labels may lack one)."""
    if v["f1"] is None:
        return f"{'—':>8}{'—':>7}{'—':>7}"
    return f"{v['precision']:>8.2f}{v['recall']:>7.2f}{v['f1']:>7.2f}"


def table(results: dict[str, dict]) -> str:
    names = list(results)
    rows = {label: f"{label} ({results[names[0]]['per_label'][label]['support']})" for label in LABEL_IDS}
    first = max(22, *(len(row) + 1 for row in rows.values()))  # isolation_transfer (69) is 23
    lines = [f"{'':<{first}}" + "".join(f"{n:>22}" for n in names)]
    for key, title in (("micro_f1", "micro-F1"), ("macro_f1", "macro-F1"),
                       ("primary_accuracy", "primary accuracy"), ("exact_match", "exact match")):
        lines.append(f"{title:<{first}}" + "".join(f"{results[n][key]:>22.3f}" for n in names))
    lines.append("")
    lines.append(f"{'label (support)':<{first}}" + "".join(f"{'P / R / F1':>22}" for _ in names))
    for label in LABEL_IDS:
        cells = "".join(_figures(r["per_label"][label]) for r in results.values())
        lines.append(f"{rows[label]:<{first}}" + cells)
    return "\n".join(lines)


def primary_errors(gold: list[str], predicted: dict[str, list[str]]) -> str:
    """The sentences whose primary label is wrong, split by whether the right one was given
    as a later label (the order is wrong) or not at all: two problems with different cures."""
    lines = [f"{'primary-label errors':<34}" + "".join(f"{n:>22}" for n in predicted)]
    # each model's wrong rows: (the right primary label, the labels given), each row read
    # as scores() reads it ("testing | tracing" is testing and tracing)
    gold_rows = [parse_labels(g) for g in gold]
    wrong = {name: [(right[0], given) for right, given in zip(gold_rows, map(parse_labels, labels))
                    if right[0] != given[0]] for name, labels in predicted.items()}
    kinds = [("right label given, not first", lambda right, given: right in given),
             ("right label not given", lambda right, given: right not in given),
             # the border between no measure and some measure, where a sentence alone says least
             ("of these, other on either side", lambda right, given: OTHER in (right, given[0]))]
    for title, kind in kinds:
        counts = [sum(kind(right, given) for right, given in errors) for errors in wrong.values()]
        lines.append(f"  {title:<32}" + "".join(f"{c:>22}" for c in counts))
    return "\n".join(lines)


def record_command(on: str, model: str | None, shared: str) -> str:
    """The command a model card names for these figures: the one that scores the same
    model on the same shared material again."""
    return shlex.join(["python", "benchmarks/accuracy.py", "--on", on, *(["--model", model] if model else []),
                       *(["--shared", shared] if Path(shared) != SHARED else []), "--record"])


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--on", choices=("dev", "validation"), default="dev",
                        help="the dev set (default) or our validation set of corpus documents")
    parser.add_argument("--shared", default=str(SHARED),
                        help="the shared material (default: $MEASURES_SHARED or ../shared)")
    parser.add_argument("--model", help="model folder (default: the shipped model)")
    parser.add_argument("--against", metavar="PATH", help="another model folder to score and compare with")
    parser.add_argument("--labels", metavar="FILE", default=str(VALIDATION),
                        help="with --on validation: the labels to score against (default: %(default)s)")
    parser.add_argument("--save-labels", metavar="FILE",
                        help="write the model's labels for these sentences to FILE (JSON, for --against-labels)")
    parser.add_argument("--against-labels", metavar="FILE",
                        help="labels written by --save-labels for the same sentences, to score and compare with")
    parser.add_argument("--record", action="store_true", help="write the figures into the model's card")
    args = parser.parse_args(argv)
    committed = Path(args.labels).resolve() == VALIDATION
    if args.record and not committed:
        # the model card's validation figures are those on the committed labels
        print("accuracy: --record scores against the committed labels only; drop --labels", file=sys.stderr)
        return 2
    try:
        check_output(args.save_labels)  # before the work, not after it
    except OutputError as error:
        print(f"accuracy: {error}", file=sys.stderr)
        return 2
    shared = Path(args.shared)
    needed = [shared / "annotation-guide.md",
              shared / "dev" / "sentences.tsv" if args.on == "dev" else shared / "corpus"]
    for path in needed:
        if not path.exists():
            print(f"accuracy: {path} is missing; pass --shared", file=sys.stderr)
            return 2
    if args.on == "dev":
        dev = read_labelled(needed[1])
        texts, gold = list(dev.texts), list(dev.y)
        try:
            documents_of = _column(needed[1], "doc")
        except ValidationSetError as error:
            print(f"accuracy: {error}", file=sys.stderr)
            return 2
        if len(documents_of) != len(texts):  # rows and documents would pair off wrongly, without a word
            print(f"accuracy: {needed[1]}: {len(texts)} labelled rows but {len(documents_of)} 'doc' cells",
                  file=sys.stderr)
            return 2
        documents = len(set(documents_of))
        data = f"shared/dev/sentences.tsv, {len(gold)} real sentences from {documents} documents"
        key = "dev set (real documents)"
    else:
        try:
            labels_path = Path(args.labels)
            rows = validation_rows(labels_path)
            texts = resolve(rows, needed[1], labels_path)
            agreed = agreement(rows, strict=committed)
        except ValidationSetError as error:
            print(f"accuracy: {error}", file=sys.stderr)
            return 2
        gold = [labels for *_, labels, _ in rows]
        documents_of = [doc for doc, *_ in rows]
        documents = len(set(documents_of))
        data = (f"{_shown(labels_path)}, {len(gold)} sentences of {documents} shared/corpus "
                "documents labelled by us; " +
                ("used to choose the configuration and to find error patterns for new training "
                 "sentences, so these figures are optimistic" if labels_path.resolve() == VALIDATION.resolve() else
                 "rows chosen with --labels: the README says which rows of the validation set were read "
                 "for errors and which never were"))
        key = "validation set (real documents)"
        if agreed is not None:
            print(f"two of our annotators, {agreed['sentences']} sentences labelled by both: primary accuracy "
                  f"{agreed['primary_accuracy']:.3f}, micro-F1 {agreed['micro_f1']:.3f}, "
                  f"macro-F1 {agreed['macro_f1']:.3f}")
    try:
        model = measures.load_model(args.model)
        against = measures.load_model(args.against) if args.against else None
        earlier = saved_labels(Path(args.against_labels), args.on, texts) if args.against_labels else None
    except (ModelFileError, ValidationSetError, ValueError, TypeError) as error:  # (an empty --model too)
        print(f"accuracy: {error}", file=sys.stderr)
        return 2
    corpus = measures.load_training_data()
    started = time.perf_counter()
    folders = [shared / "dev" / "docs", shared] if args.on == "dev" else [needed[1]]
    shipped, found = in_documents(model, texts, documents_of, folders)
    # a model given with --model is named so, not as the shipped one it may be scored against
    subject = "shipped model" if args.model is None else "--model model"
    predicted = {
        subject: shipped,
        "keyword matcher": keyword_matcher(guide_cues(shared / "annotation-guide.md"))(texts),
        "char n-gram TF-IDF": char_ngram_baseline(corpus.texts, corpus.y)(texts),
    }
    if model.context:  # as the baselines read: how much of the lead over them the documents give
        predicted[f"{subject}, alone"] = model.predict(texts)
    if against is not None:
        predicted["--against model"] = in_documents(against, texts, documents_of, folders)[0]
    if earlier is not None:
        predicted["--against-labels"] = earlier
    if args.save_labels:
        try:
            save_labels(Path(args.save_labels), args.on, texts, shipped)
        except OutputError as error:
            print(f"accuracy: {error}", file=sys.stderr)
            return 2
    results = {name: scores(gold, labels, LABEL_IDS) for name, labels in predicted.items()}
    print(f"{args.on}: {data}; the char n-gram baseline trained on the {len(corpus)} bundled sentences; "
          f"{time.perf_counter() - started:.1f} s")
    if model.context:
        rest = ("" if found == len(texts) else
                "; the rest, cut differently from how measures splits or without their document, alone")
        print(f"the {subject} reads {found} of the {len(texts)} sentences in their documents, as "
              f"`measures tag` does (context {model.context}){rest}")
    print()
    print(table(results))
    print()
    print(primary_errors(gold, predicted))
    print()
    print(margins(gold, documents_of, predicted))
    print()
    print(by_source(gold, documents_of, predicted))
    if args.record:
        from measures.persistence import model_card, shipped_model_path

        folder = Path(args.model) if args.model else shipped_model_path()
        config = json.loads((folder / "config.json").read_text("utf-8"))
        result = results[subject]
        config.setdefault("evaluation", {})[key] = {
            "data": data,
            "command": record_command(args.on, args.model, args.shared),
            # rounded as the table prints them: rounding 4 places and then 3 can differ
            **{k: round(result[k], 3) for k in ("sentences", "micro_f1", "macro_f1", "primary_accuracy", "exact_match")},
            "per_label_f1": {label: None if v["f1"] is None else round(v["f1"], 3)
                             for label, v in result["per_label"].items()},
            # the baselines on the same sentences, and the model reading them alone as they
            # do (not --against columns, which the recorded command would not give again)
            "beside": {shown: {k: round(results[name][k], 3) for k in ("micro_f1", "macro_f1", "primary_accuracy")}
                       for name, shown in (("keyword matcher", "keyword matcher"),
                                           ("char n-gram TF-IDF", "char n-gram TF-IDF"),
                                           (f"{subject}, alone", "this model reading sentences alone"))
                       if name in results},
        }
        # each file replaced whole, so an interrupted run leaves the model loadable
        for name, content in (("config.json", json.dumps(config, ensure_ascii=False, indent=2) + "\n"),
                              ("README.md", model_card(config))):
            with open_output(str(folder / name), model_file=True) as stream:
                stream.write(content)
        print(f"\nrecorded in {folder}/config.json and README.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
