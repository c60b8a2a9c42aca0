"""The validation set (labels of whole shared/corpus documents, without their text) still
points at the sentences that were labelled, and bad rows are reported with file and line."""

import sys
from collections import defaultdict

import pytest

from measures.cleaning import clean
from measures.reading import read_document
from measures.splitting import split_sentences

from conftest import ROOT, SHARED, needs_shared

sys.path.insert(0, str(ROOT / "benchmarks"))
import accuracy  # noqa: E402  (a script folder, not a package)

CORPUS = SHARED / "corpus"
needs_corpus = pytest.mark.skipif(not CORPUS.exists(), reason=f"no shared corpus at {CORPUS}")


def test_rows_follow_the_guide_and_the_second_annotation_is_a_subset():
    rows = accuracy.validation_rows()
    assert len(rows) == len({(doc, index) for doc, index, *_ in rows}) == 3775
    agreed = accuracy.agreement(rows)
    assert 0 < agreed["sentences"] < len(rows)


@needs_shared
@needs_corpus
def test_every_sentence_of_every_document_is_labelled_and_found_again():
    rows = accuracy.validation_rows()
    texts, labels = accuracy.resolve(rows, CORPUS), [labels for *_, labels, _ in rows]
    assert len(texts) == len(labels) == 3775
    by_document = defaultdict(list)
    for (doc, *_), text in zip(rows, texts):
        by_document[doc].append(text)
    for doc, found in by_document.items():
        assert found == split_sentences(clean(read_document(CORPUS / doc))), doc


def _write(tmp_path, *rows):
    path = tmp_path / "validation.tsv"
    path.write_text("\n".join(rows) + "\n", "utf-8")
    return path


@pytest.mark.parametrize("row, message", [
    ("a.txt\tx\t0123456789\ttesting", "validation.tsv:2: expected a document, a sentence number"),
    ("a.txt\t0\t0123456789\ttestin", "validation.tsv:2: unknown label id 'testin'"),
    ("a.txt\t0\t0123456789\tother|testing", "validation.tsv:2: 'other' is never combined"),
    ("a.txt\t0\t0123456789", "validation.tsv:2: expected a document"),
])
def test_bad_rows_name_file_and_line(tmp_path, row, message):
    path = _write(tmp_path, "doc\tindex\thash\tlabels", row)
    with pytest.raises(accuracy.ValidationSetError, match=message):
        accuracy.validation_rows(path)


def test_a_wrong_header_is_reported(tmp_path):
    with pytest.raises(accuracy.ValidationSetError, match="validation.tsv:1: the header must be"):
        accuracy.validation_rows(_write(tmp_path, "text\tlabels", "x\ttesting"))


@needs_shared
@needs_corpus
def test_a_changed_or_missing_sentence_is_reported(tmp_path):
    doc, index, digest, labels, _ = accuracy.validation_rows()[0]
    stale = _write(tmp_path, "doc\tindex\thash\tlabels", f"{doc}\t{index}\t0000000000\t{labels}")
    with pytest.raises(accuracy.ValidationSetError, match=rf"validation.tsv:2: sentence {index} of {doc}"):
        accuracy.resolve(accuracy.validation_rows(stale), CORPUS, stale)
    gone = _write(tmp_path, "doc\tindex\thash\tlabels", f"no/such.txt\t0\t{digest}\t{labels}")
    with pytest.raises(accuracy.ValidationSetError, match="validation.tsv:2: .*such.txt"):
        accuracy.resolve(accuracy.validation_rows(gone), CORPUS, gone)


@needs_shared
@needs_corpus
def test_a_shifted_sentence_number_still_finds_its_sentence(tmp_path):
    doc, index, digest, labels, _ = accuracy.validation_rows()[5]
    shifted = _write(tmp_path, "doc\tindex\thash\tlabels", f"{doc}\t{index + 2}\t{digest}\t{labels}")
    found = accuracy.resolve(accuracy.validation_rows(shifted), CORPUS, shifted)
    assert found == [split_sentences(clean(read_document(CORPUS / doc)))[index]]


def test_margins_resample_whole_documents():
    gold = ["testing", "other", "supply|economy", "testing", "other", "economy"]
    documents = ["a", "a", "b", "b", "c", "c"]
    right = list(gold)
    wrong = ["other", "testing", "economy", "other", "testing", "supply"]
    report = accuracy.margins(gold, documents, {"good": right, "same": right, "bad": wrong}, resamples=50)
    lines = report.splitlines()
    assert "3 documents" in lines[0]
    # identical predictions: no lead and no spread on any resampling
    assert "macro-F1 +0.000 [+0.000, +0.000]" in lines[1]
    # every label right against every primary label wrong: a full lead on every resampling
    assert "primary accuracy +1.000 [+1.000, +1.000]" in lines[2]


def test_record_refuses_other_labels_before_any_work(tmp_path, capsys):
    other = _write(tmp_path, "doc\tindex\thash\tlabels", "a.txt\t0\t0123456789\tother")
    assert accuracy.main(["--on", "validation", "--labels", str(other), "--record",
                          "--shared", str(tmp_path / "absent")]) == 2
    assert "--record scores against the committed labels only" in capsys.readouterr().err


@needs_shared
@needs_corpus
def test_other_labels_and_another_model_are_scored_beside_the_shipped_model(tmp_path, capsys):
    rows = accuracy.validation_rows()
    doc = rows[0][0]
    kept = [r for r in rows if r[0] == doc]
    # the sentences of one document, every label turned to other
    relabelled = _write(tmp_path, "doc\tindex\thash\tlabels",
                        *[f"{d}\t{i}\t{h}\tother" for d, i, h, _, _ in kept])
    assert accuracy.main(["--on", "validation", "--labels", str(relabelled),
                          "--against", str(ROOT / "models" / "policy-measures-zh")]) == 0
    out = capsys.readouterr().out
    assert str(relabelled) in out and f"{len(kept)} sentences of 1 shared/corpus documents" in out
    # the same model as --against: its column equals the shipped model's, and its lead is nil
    assert "--against model     macro-F1 +0.000 [+0.000, +0.000]" in out


@needs_shared
@needs_corpus
def test_labels_saved_by_one_run_are_compared_in_another_and_only_for_the_same_sentences(tmp_path, capsys):
    rows = accuracy.validation_rows()
    first, second = rows[0][0], next(r[0] for r in rows if r[0] != rows[0][0])

    def one_document(doc):
        return _write(tmp_path, "doc\tindex\thash\tlabels",
                      *[f"{d}\t{i}\t{h}\t{labels}" for d, i, h, labels, _ in rows if d == doc])

    saved = tmp_path / "saved.json"
    assert accuracy.main(["--on", "validation", "--labels", str(one_document(first)),
                          "--save-labels", str(saved)]) == 0
    capsys.readouterr()
    assert accuracy.main(["--on", "validation", "--labels", str(one_document(first)),
                          "--against-labels", str(saved)]) == 0
    # the same model's labels: the lead over them is nil on every resampling
    assert "--against-labels    macro-F1 +0.000 [+0.000, +0.000]" in capsys.readouterr().out
    assert accuracy.main(["--on", "validation", "--labels", str(one_document(second)),
                          "--against-labels", str(saved)]) == 2
    assert f"{saved}: labels of different sentences" in capsys.readouterr().err
    saved.write_text("text\tlabels\n", "utf-8")  # a labelled file given by mistake
    assert accuracy.main(["--on", "validation", "--labels", str(one_document(first)),
                          "--against-labels", str(saved)]) == 2
    assert f"{saved}: not labels written by --save-labels" in capsys.readouterr().err
