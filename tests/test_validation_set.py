"""The validation set (labels of whole shared/corpus documents, without their text) still
points at the sentences that were labelled, and its labels follow the guide."""

import sys

import pytest

from measures.labels import LABEL_IDS, OTHER

from conftest import ROOT, SHARED, needs_shared

sys.path.insert(0, str(ROOT / "benchmarks"))
accuracy = pytest.importorskip("accuracy")


@needs_shared
def test_every_labelled_sentence_is_found_again_by_cleaning_and_splitting():
    texts, labels = accuracy.corpus_validation(SHARED / "corpus")
    assert len(texts) == len(labels) > 1000
    assert all(texts)


def test_labels_follow_the_guide():
    rows = accuracy.VALIDATION.read_text("utf-8").splitlines()
    assert rows[0] == "doc\tindex\thash\tlabels"
    for line, row in enumerate(rows[1:], start=2):
        doc, index, digest, labels = row.split("\t")
        ids = labels.split("|")
        assert set(ids) <= set(LABEL_IDS) and len(set(ids)) == len(ids), line
        assert OTHER not in ids or ids == [OTHER], line
        assert doc.endswith(".txt") and index.isdigit() and len(digest) == 10, line


@needs_shared
def test_a_changed_sentence_is_reported_with_file_and_line(tmp_path, monkeypatch):
    rows = accuracy.VALIDATION.read_text("utf-8").splitlines()
    doc, index, digest, labels = rows[1].split("\t")
    changed = tmp_path / "validation.tsv"
    changed.write_text(f"{rows[0]}\n{doc}\t{index}\t0000000000\t{labels}\n", "utf-8")
    monkeypatch.setattr(accuracy, "VALIDATION", changed)
    with pytest.raises(SystemExit, match=rf"validation.tsv:2: sentence {index} of {doc}"):
        accuracy.corpus_validation(SHARED / "corpus")
