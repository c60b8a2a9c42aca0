import json
import os
import re
import signal
import subprocess
import shutil
import sys
import warnings
from pathlib import Path

import joblib
import numpy as np
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError

import measures
from measures.classifier import MeasureClassifier
from measures.datasets import bundled_texts
from measures.persistence import ModelFileError, load_model, save_estimator, shipped_model_path
from measures.report import write_report
from measures.segmenting import Segmenter

from conftest import measures_command, run_cli

SENTENCES = ["全市开展全员核酸检测。", "对密接人员实行集中隔离。", "分享到微信", "加强生活物资保供。"] * 6
LABELS = ["testing", "isolation_transfer", "other", "supply"] * 6


@pytest.fixture(scope="module")
def estimator():
    return MeasureClassifier(thresholds=0.5, min_df=1).fit(SENTENCES, LABELS)


def test_shipped_model_loads_with_its_metadata(model):
    assert (shipped_model_path() / "config.json").exists()
    assert model.classes == measures.LABEL_IDS
    meta = model.metadata
    assert meta["training_data"]["rows"] >= 6000
    assert {"measures_version", "sklearn_version", "weights_sha256", "settings_sha256"} <= set(meta)


def test_shipped_model_is_built_from_the_bundled_corpus_with_the_default_settings(model):
    """What `measures train` builds today: a corpus edit or a changed default without a
    retrained model fails here."""
    data = measures.load_training_data()
    recorded = model.metadata["training_data"]
    assert recorded["sha256"] == data.sha256
    assert recorded["rows"] == len(data)
    assert recorded["files"] == sorted({Path(p).name for p, _ in data.locations})
    assert recorded["file_sha256"] == sorted(set(data.file_sha256.values()))
    defaults = MeasureClassifier(n_jobs=-1).get_params()
    assert model.metadata["estimator_params"] == json.loads(json.dumps(defaults))


def test_thresholds_are_saved_exactly(tmp_path):
    # a threshold from a grid of 1/3: rounded to 4 places it labelled sentences otherwise
    fitted = MeasureClassifier(thresholds=1 / 3, min_df=1).fit(SENTENCES, LABELS)
    fitted.to_model().save(tmp_path / "m")
    again = load_model(tmp_path / "m")
    np.testing.assert_array_equal(again.thresholds, fitted.thresholds_)
    assert json.loads((tmp_path / "m" / "config.json").read_text("utf-8"))["thresholds"][0] == 0.33333334


def test_save_and_load_round_trip(tmp_path, estimator):
    model = estimator.to_model({"name": "tiny"})
    model.save(tmp_path / "tiny")
    assert sorted(p.name for p in (tmp_path / "tiny").iterdir()) == ["README.md", "config.json", "weights.npz"]
    again = load_model(tmp_path / "tiny")
    np.testing.assert_allclose(again.predict_proba(SENTENCES), model.predict_proba(SENTENCES), atol=1e-6)
    assert "tiny" in (tmp_path / "tiny" / "README.md").read_text("utf-8")
    # saving again replaces atomically and leaves no temporary folders behind
    model.save(tmp_path / "tiny")
    assert [p.name for p in tmp_path.iterdir()] == ["tiny"]
    # the folder is as readable as any folder the user makes (not mkdtemp's private mode)
    (tmp_path / "plain").mkdir()
    assert (tmp_path / "tiny").stat().st_mode & 0o777 == (tmp_path / "plain").stat().st_mode & 0o777


def test_a_model_saved_over_the_folder_while_it_loads_is_never_mixed_with_it(tmp_path, estimator, monkeypatch):
    """Another process saving a retrained model over the folder between the weights'
    checksum and their arrays: the weights read were the new model's, the thresholds,
    classes and name the old one's, and no check saw it (4% of loads in a loop of saves)."""
    import measures.persistence as persistence

    old = estimator.to_model({"name": "old"})
    new = MeasureClassifier(thresholds=0.3, min_df=1, char_ngrams=(1, 2)).fit(SENTENCES, LABELS).to_model({"name": "new"})
    folder = tmp_path / "m"
    old.save(folder)
    checked = persistence._check_array_headers

    def saved_over_first(weights):
        new.save(folder)
        return checked(weights)

    monkeypatch.setattr(persistence, "_check_array_headers", saved_over_first)
    loaded = load_model(folder)
    assert loaded.metadata["name"] == "old"
    assert loaded.terms == old.terms
    np.testing.assert_array_equal(loaded.thresholds, old.thresholds)


def test_damaged_weights_are_detected(tmp_path, estimator):
    estimator.to_model().save(tmp_path / "m")
    weights = tmp_path / "m" / "weights.npz"
    weights.write_bytes(weights.read_bytes()[:-10] + b"0123456789")
    with pytest.raises(ModelFileError, match="checksum"):
        load_model(tmp_path / "m")


@pytest.mark.parametrize("version", [1, 99])  # 1: measures 0.1, with a primary-label layer
def test_another_format_version_is_explained(tmp_path, estimator, version):
    estimator.to_model().save(tmp_path / "m")
    config = json.loads((tmp_path / "m" / "config.json").read_text("utf-8"))
    config.update(format_version=version, measures_version="0.1.0")
    (tmp_path / "m" / "config.json").write_text(json.dumps(config), "utf-8")
    with pytest.raises(ModelFileError, match=f"format version {version} but this measures .* reads version 2; "
                                             r"retrain with `measures train` or install .* \(0\.1\.0\)"):
        load_model(tmp_path / "m")


def test_pickles_need_explicit_trust(tmp_path, estimator):
    path = tmp_path / "colleague.joblib"
    save_estimator(estimator, path)
    with pytest.raises(ModelFileError, match="trusted=True"):
        load_model(path)
    model = load_model(path, trusted=True)
    assert model.predict(["全市开展全员核酸检测。"]) == ["testing"]
    # a string is true to `if`: only True unlocks a pickle
    for value in ("false", "no", 1):
        with pytest.raises(TypeError, match=f"trusted is True or False, not {type(value).__name__}"):
            load_model(path, trusted=value)


@pytest.mark.parametrize("name", ["shared.joblib", "shared.skops"])
def test_estimator_files_get_the_usual_mode(tmp_path, estimator, name):
    pytest.importorskip("skops")
    umask = os.umask(0o022)
    try:
        save_estimator(estimator, tmp_path / name)
    finally:
        os.umask(umask)
    assert (tmp_path / name).stat().st_mode & 0o777 == 0o644


def test_saving_into_a_missing_folder_is_refused_and_creates_nothing(tmp_path, estimator):
    model = estimator.to_model()
    for save in (model.save, lambda path: save_estimator(estimator, path.with_suffix(".joblib"))):
        with pytest.raises(ModelFileError, match="folder .*typo does not exist"):
            save(tmp_path / "typo" / "my-model")
    assert not (tmp_path / "typo").exists()


@pytest.mark.parametrize("name", ["shared.joblib", "shared.skops"])
def test_an_estimator_file_segments_with_the_backend_asked_for(tmp_path, estimator, name):
    # as a model folder does: the argument was ignored for estimator files
    pytest.importorskip("skops")
    save_estimator(estimator, tmp_path / name)
    for backend in ("jieba", "rjieba", "auto"):
        if backend == "rjieba" and Segmenter("auto").backend != "rjieba":
            continue  # not installed
        loaded = load_model(tmp_path / name, trusted=True, segmenter=backend)
        assert loaded.analyzer.segmenter.backend == Segmenter(backend).backend
        assert loaded.predict(SENTENCES) == estimator.to_model().predict(SENTENCES)


def test_a_malicious_pickle_is_not_run_without_trust(tmp_path):
    marker = tmp_path / "ran"

    class Evil:
        def __reduce__(self):
            return (open, (str(marker), "w"))

    path = tmp_path / "evil.pkl"
    joblib.dump(Evil(), path)
    with pytest.raises(ModelFileError):
        load_model(path)
    assert not marker.exists()


def test_skops_files_load_with_the_trusted_type_list(tmp_path, estimator):
    pytest.importorskip("skops")
    path = tmp_path / "shared.skops"
    save_estimator(estimator, path)
    model = load_model(path)
    assert model.predict(["对密接人员实行集中隔离。"]) == ["isolation_transfer"]


def test_a_pickle_from_measures_0_1_with_a_primary_label_layer_is_refused(tmp_path, estimator):
    old = clone(estimator)
    old.__dict__.update({k: v for k, v in estimator.__dict__.items() if k.endswith("_")})
    # what unpickling an estimator fitted by measures 0.1 gives: a multi-class SVM's weights
    # that chose the primary label, which this version would silently ignore
    old.primary_layer_ = (np.zeros_like(estimator.coef_), np.zeros_like(estimator.intercept_))
    path = tmp_path / "old.joblib"
    save_estimator(old, path)
    with pytest.raises(ModelFileError, match=r"old\.joblib: made by measures 0\.1.*retrain"):
        load_model(path, trusted=True)
    # a 0.1 Model without a layer (0.1 read its sentences alone, context 0): refused as well,
    # rather than sorting out which 0.1 pickles would still label as they did
    model = estimator.to_model()
    model.primary_layer, model.context = None, 0.0
    joblib.dump(model, tmp_path / "old-model.joblib")
    with pytest.raises(ModelFileError, match=r"old-model\.joblib: made by measures 0\.1"):
        load_model(tmp_path / "old-model.joblib", trusted=True)


def test_missing_paths_are_named(tmp_path):
    with pytest.raises(ModelFileError, match="no such model"):
        load_model(tmp_path / "nowhere")
    (tmp_path / "empty").mkdir()
    with pytest.raises(ModelFileError, match="no config.json"):
        load_model(tmp_path / "empty")


def test_a_missing_model_path_with_a_line_break_is_named_on_one_line(tmp_path):
    with pytest.raises(ModelFileError) as raised:
        load_model(tmp_path / "my\nmodel")
    assert str(raised.value) == f"{tmp_path}/my\\nmodel: no such model folder or file"


def _left_in(folder):
    return sorted(p.name for p in folder.iterdir())


@pytest.mark.parametrize("occupant", ["file", "folder of other files", "current folder"])
def test_save_refuses_to_replace_what_is_not_a_model(tmp_path, monkeypatch, estimator, occupant):
    model = estimator.to_model()
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "keep.txt").write_text("mine", "utf-8")
    (tmp_path / "important.txt").write_text("mine", "utf-8")
    monkeypatch.chdir(tmp_path / "notes")
    target = {"file": tmp_path / "important.txt", "folder of other files": tmp_path / "notes",
              "current folder": "."}[occupant]
    with pytest.raises(ModelFileError, match="not saving the model here"):
        model.save(target)
    assert _left_in(tmp_path) == ["important.txt", "notes"]
    assert _left_in(tmp_path / "notes") == ["keep.txt"]
    assert (tmp_path / "important.txt").read_text("utf-8") == "mine"


@pytest.mark.parametrize("kept", ["evaluation.txt", "round1"])
def test_save_refuses_a_model_folder_that_also_holds_a_users_files(tmp_path, estimator, kept):
    # saving replaces the whole folder: what a user kept beside the model would be lost
    model = estimator.to_model()
    model.save(tmp_path / "m")
    extra = tmp_path / "m" / kept
    if kept == "round1":
        extra.mkdir()
        (extra / "labels.tsv").write_text("text\tlabels\n", "utf-8")
    else:
        extra.write_text("micro-F1 0.9", "utf-8")
    with pytest.raises(ModelFileError, match=f"also holds {kept}"):
        model.save(tmp_path / "m")
    assert kept in _left_in(tmp_path / "m")
    assert _left_in(tmp_path) == ["m"]
    extra.unlink() if kept != "round1" else shutil.rmtree(extra)
    model.save(tmp_path / "m")  # a model folder and nothing else is replaced as before
    assert _left_in(tmp_path / "m") == ["README.md", "config.json", "weights.npz"]


def test_save_fills_an_empty_folder(tmp_path, estimator):
    (tmp_path / "m").mkdir()
    estimator.to_model().save(tmp_path / "m")
    assert _left_in(tmp_path / "m") == ["README.md", "config.json", "weights.npz"]
    assert _left_in(tmp_path) == ["m"]


def test_save_under_a_file_is_a_clear_error_and_writes_nothing(tmp_path, estimator):
    # the message named the temporary folder the save had tried to make there
    (tmp_path / "data.tsv").write_text("text\tlabels\n", "utf-8")
    model = estimator.to_model()
    for save, name in ((model.save, "model"), (lambda path: save_estimator(estimator, path), "model.joblib")):
        for under in ("data.tsv", "data.tsv/deeper"):
            with pytest.raises(ModelFileError) as refused:
                save(tmp_path / under / name)
            message = str(refused.value)
            assert message.startswith(f"{tmp_path / under / name}: cannot write")
            assert message.endswith(f" there: {tmp_path}/data.tsv is a file, not a folder")
    assert _left_in(tmp_path) == ["data.tsv"]
    assert (tmp_path / "data.tsv").read_text("utf-8") == "text\tlabels\n"


@pytest.mark.parametrize("edit, message", [
    (lambda config: [config], "a JSON list"),
    (lambda config: {**config, "analyzer": "words"}, "'analyzer' must be an object"),
    (lambda config: {**config, "analyzer": {**config["analyzer"], "char_ngrams": [3, 1]}}, "char_ngrams"),
    (lambda config: {**config, "thresholds": config["thresholds"][:-1]}, "'thresholds' must be 4 numbers"),
    (lambda config: {**config, "classes": config["classes"][::-1]}, "'classes' must list"),
    (lambda config: {**config, "classes": ["testng"] + config["classes"][1:]}, "'classes' must list"),
    (lambda config: {**config, "max_labels": "3"}, "max_labels must be a whole number"),
    (lambda config: {**config, "context": -0.2}, "context must be a finite number"),
    (lambda config: {**config, "context": float("inf")}, "context must be a finite number"),
    (lambda config: {**config, "context": -10**400}, "context must be a finite number"),
    # format 2 always writes them: a model without them was edited, and must not fall back
    # on defaults that read it differently
    (lambda config: {k: v for k, v in config.items() if k != "context"}, "'max_labels' and 'context' must be given"),
    (lambda config: {**config, "format_version": "2"}, "'format_version' must be a whole number, got '2'"),
    (lambda config: {k: v for k, v in config.items() if k != "format_version"}, "got None"),
])
def test_a_damaged_or_hand_edited_config_is_refused(tmp_path, estimator, edit, message):
    estimator.to_model().save(tmp_path / "m")
    config_path = tmp_path / "m" / "config.json"
    config_path.write_text(json.dumps(edit(json.loads(config_path.read_text("utf-8")))), "utf-8")
    with pytest.raises(ModelFileError, match=message) as caught:
        load_model(tmp_path / "m")
    assert str(config_path) in str(caught.value)


@pytest.mark.parametrize("name", ["config.json", "weights.npz"])
def test_a_folder_in_place_of_a_model_file_is_refused(tmp_path, estimator, name):
    estimator.to_model().save(tmp_path / "m")
    (tmp_path / "m" / name).unlink()
    (tmp_path / "m" / name).mkdir()
    with pytest.raises(ModelFileError, match=f"{name}: cannot be read"):
        load_model(tmp_path / "m")


@pytest.mark.parametrize("name, content", [("empty.joblib", b""), ("junk.skops", b"not a zip archive")])
def test_damaged_estimator_files_are_refused_clearly(tmp_path, name, content):
    if name.endswith(".skops"):
        pytest.importorskip("skops")
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(ModelFileError, match=f"{name}: not a readable"):
        load_model(path, trusted=True)


def test_train_refuses_a_folder_of_other_files_before_reading_its_data(tmp_path):
    # The data file is bad, so the refusal can only come from the check before training.
    data = tmp_path / "empty.tsv"
    data.write_text("text\tlabels\n", "utf-8")
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "keep.txt").write_text("mine", "utf-8")
    result = run_cli("train", data, "-o", tmp_path / "notes")
    assert result.returncode == 1
    assert "not saving the model here" in result.stderr.decode()
    assert _left_in(tmp_path / "notes") == ["keep.txt"]


def test_the_model_card_says_whose_sentences_a_model_learnt_from_and_where_it_was_measured(tmp_path):
    from measures.persistence import model_card

    shipped = model_card(json.loads((shipped_model_path() / "config.json").read_text("utf-8")))
    assert (shipped_model_path() / "README.md").read_text("utf-8") == shipped  # the card is its config's
    assert ("TF-IDF over word 1-2-grams, character 1-3-grams and the character pairs of a sentence's first "
            "12 characters (words by jieba)") in shipped
    assert "Trained only on sentences written for this purpose by the measures authors" in shipped
    assert "see the figures measured on real documents above" in shipped
    mine = tmp_path / "mine.tsv"
    rows = [f"{place}{row}" for place in ("", "东区", "西区", "南区")
            for row in ["全市开展核酸检测。\ttesting", "对密接人员集中隔离。\tisolation_transfer", "点击分享本页\tother",
                        "组织核酸采样。\ttesting", "转运至隔离点。\tisolation_transfer", "版权所有\tother"]]
    mine.write_text("text\tlabels\n" + "\n".join(rows) + "\n", "utf-8")
    measures.train(mine, min_df=1).save(tmp_path / "custom")
    card = (tmp_path / "custom" / "README.md").read_text("utf-8")
    assert "Trained only on sentences given by whoever trained it" in card
    assert "Not measured on real documents" in card
    assert "measures authors" not in card and "real documents above" not in card
    # the README's way of adding one's own sentences: pairs, no files
    corpus, own = measures.load_training_data(), measures.read_labelled(mine)
    pairs = list(zip(corpus.texts[:600], corpus.y[:600])) + list(zip(own.texts, own.y))
    measures.train(pairs, thresholds=0.5).save(tmp_path / "mixed")
    card = (tmp_path / "mixed" / "README.md").read_text("utf-8")
    assert json.loads((tmp_path / "mixed" / "config.json").read_text("utf-8"))["training_data"]["files"] == []
    assert f"Trained on 600 sentences written by the measures authors and {len(own)} given by whoever" in card


def test_a_users_file_holding_a_sentence_the_bundled_corpus_has_too_is_the_users_in_the_card(tmp_path):
    # a speech's 同志们： or 谢谢大家！ is in our corpus too; the file is the user's, and the
    # card counted its rows ours ("2 sentences written by the measures authors"), and with
    # the bundled files, more of ours than the corpus holds
    mine = tmp_path / "mine.tsv"
    rows = [f"{place}{row}" for place in ("", "东区", "西区", "南区")
            for row in ["全市开展核酸检测。\ttesting", "对密接人员集中隔离。\tisolation_transfer", "点击分享本页\tother"]]
    mine.write_text("text\tlabels\n" + "\n".join(rows + ["同志们：\tother", "谢谢大家！\tother"]) + "\n", "utf-8")
    assert {"同志们：", "谢谢大家！"} <= bundled_texts()
    model = measures.train(mine, min_df=1)
    assert model.metadata["training_data"]["bundled_rows"] == 0
    model.save(tmp_path / "custom")
    assert "Trained only on sentences given by whoever trained it" in (tmp_path / "custom" / "README.md").read_text("utf-8")


def test_rows_left_out_by_skip_bad_rows_are_warned_of_and_counted_in_the_card(tmp_path):
    mine = tmp_path / "mine.tsv"
    rows = [f"{place}{row}" for place in ("", "东区", "西区", "南区", "北区", "新区", "老区", "高新区")
            for row in ["全市开展核酸检测。\ttesting", "对密接人员集中隔离。\tisolation_transfer", "版权所有\tother"]]
    mine.write_text("text\tlabels\n" + "\n".join(rows) + "\n加强消杀。\tdisinfecton\n点击分享\tother|testing\n", "utf-8")
    # from Python, nothing else says so: the rows were dropped without a word
    with pytest.warns(UserWarning, match=rf"^2 bad row\(s\) left out of training \(skip_bad_rows\), the first: "
                                         rf"{re.escape(str(mine))}:26: unknown label id 'disinfecton'"):
        model = measures.train(mine, skip_bad_rows=True, min_df=1)
    assert model.metadata["training_data"]["rows"] == 24 and model.metadata["training_data"]["skipped_rows"] == 2
    model.save(tmp_path / "m")
    card = (tmp_path / "m" / "README.md").read_text("utf-8")
    assert "24 labelled sentences from mine.tsv" in card and "2 rows that break the guide were left out" in card
    # the command line lists the rows itself, and the card says the same
    result = run_cli("train", mine, "--skip-bad-rows", "-o", tmp_path / "cli")
    assert result.returncode == 0 and "Warning" not in result.stderr.decode()
    assert "2 rows that break the guide were left out" in (tmp_path / "cli" / "README.md").read_text("utf-8")
    # none left out, none said
    with warnings.catch_warnings():
        warnings.filterwarnings("error", "bad row")
        whole = measures.train([tuple(row.split("\t")) for row in rows], min_df=1)
    assert "skipped_rows" not in whole.metadata["training_data"]


@pytest.mark.parametrize("name", ["", "  "])
def test_a_model_needs_a_name(tmp_path, name):
    with pytest.raises(ValueError, match="name must be a model's name"):
        measures.train([("全市开展核酸检测。", "testing"), ("版权所有", "other")] * 5, name=name)
    result = run_cli("train", "bundled", "--name", name, "-o", tmp_path / "m")
    assert result.returncode == 2 and "--name: is empty: give the model a name" in result.stderr.decode()


@pytest.mark.parametrize("name", ["a\nb", "政策\r", "a\tb", "我的\u2028模型"])
def test_a_models_name_is_one_line(tmp_path, name):
    # a line break ended the card's heading, and the rest read as the card's text
    with pytest.raises(ValueError, match="name must be one line, without line breaks"):
        measures.train([("全市开展核酸检测。", "testing"), ("版权所有", "other")] * 5, name=name)
    rows = [(f"{place}开展核酸检测。", "testing") for place in "东西南北"] + [(f"{place}版权所有", "other") for place in "东西南北"]
    model = measures.train(rows, min_df=1)
    model.metadata["name"] = name  # set by hand, or by to_model({"name": ...})
    with pytest.raises(ModelFileError, match="the model's name must be one line.*; set model.metadata"):
        measures.save_model(model, tmp_path / "by-hand")
    assert not (tmp_path / "by-hand").exists()
    result = run_cli("train", "bundled", "--name", name, "-o", tmp_path / "m")
    assert result.returncode == 2 and "--name: must be one line" in result.stderr.decode()
    assert not (tmp_path / "m").exists()


@pytest.mark.parametrize("name", ["train.tsv", "my-model", "model.json"])
def test_an_estimator_is_saved_only_under_a_name_loading_reads(tmp_path, estimator, name):
    # a mistyped path once replaced a data file with a pickle that load_model then refused
    path = tmp_path / name
    if name == "train.tsv":
        path.write_text("text\tlabels\n全市开展核酸检测。\ttesting\n", "utf-8")
    before = path.read_bytes() if path.exists() else None
    with pytest.raises(ModelFileError, match=f"{name}: an estimator is saved as a .skops or .joblib file"):
        save_estimator(estimator, path)
    assert (path.read_bytes() if path.exists() else None) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == (["train.tsv"] if before else [])


def test_without_skops_a_skops_file_is_refused_by_name(tmp_path, estimator, monkeypatch):
    # as on a machine where the optional skops is not installed
    monkeypatch.setitem(sys.modules, "skops.io", None)
    (tmp_path / "colleague.skops").write_bytes(b"PK\x03\x04")
    for act in (lambda: load_model(tmp_path / "colleague.skops"),
                lambda: save_estimator(estimator, tmp_path / "mine.skops")):
        with pytest.raises(ModelFileError, match=r"\.skops files need skops: pip install skops \(or, in a checkout, pip install '\.\[skops\]'\)"):
            act()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["colleague.skops"]


def test_a_skops_that_is_installed_but_cannot_load_is_not_called_missing(tmp_path, monkeypatch):
    # skops 0.9 on scikit-learn 1.6 fails on an import of its own: "pip install skops"
    # was no help to someone who had it
    package = tmp_path / "site" / "skops"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("", "utf-8")
    (package / "io.py").write_text("from sklearn.linear_model._sgd_fast import NoSuchLoss\n", "utf-8")
    for name in [name for name in sys.modules if name == "skops" or name.startswith("skops.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.syspath_prepend(str(tmp_path / "site"))
    (tmp_path / "colleague.skops").write_bytes(b"PK\x03\x04")
    with pytest.raises(ModelFileError, match=r"colleague\.skops: skops is installed but does not import \(.*NoSuchLoss.*\); "
                                             r"pip install -U skops"):
        load_model(tmp_path / "colleague.skops")


def test_an_estimator_file_is_not_written_over_a_folder(tmp_path, estimator):
    (tmp_path / "model.joblib").mkdir()
    with pytest.raises(ModelFileError, match=r"model\.joblib: is a folder; give the name of a file"):
        save_estimator(estimator, tmp_path / "model.joblib")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.joblib"]


def test_saving_what_is_not_a_fitted_model_is_refused_before_anything_is_written(tmp_path, estimator):
    with pytest.raises(NotFittedError):
        measures.save_model(MeasureClassifier(), tmp_path / "model")
    with pytest.raises(NotFittedError):
        save_estimator(MeasureClassifier(), tmp_path / "model.skops")
    with pytest.raises(TypeError, match="expected a measures Model or a fitted MeasureClassifier, got str"):
        measures.save_model("model", tmp_path / "model")
    with pytest.raises(TypeError, match="expected a fitted MeasureClassifier, got str"):
        save_estimator("model", tmp_path / "model.skops")
    assert list(tmp_path.iterdir()) == []
    # a fitted estimator is saved as its model
    measures.save_model(estimator, tmp_path / "model")
    assert measures.load_model(tmp_path / "model").predict(["全市开展核酸检测。"]) == estimator.predict(["全市开展核酸检测。"]).tolist()


def test_a_model_saves_whatever_its_user_noted_in_its_metadata(tmp_path, estimator):
    # evaluation entries and training notes of other shapes than measures writes
    model = estimator.to_model({"name": "noted"})
    model.metadata["evaluation"] = {"holdout": {"macro_f1": 0.81, "sentences": 200}, "notes": ["read by Li"],
                                    "pending": {"data": "next week"},
                                    "files": {"macro_f1": 0.7, "data": ["dev1.tsv", "dev2.tsv"]}}
    model.metadata["training_data"] = "our 2023 notices"
    model.save(tmp_path / "noted")
    card = (tmp_path / "noted" / "README.md").read_text("utf-8")
    assert "- **holdout**: macro-F1 0.810 on 200 sentences." in card
    assert "- **files** (['dev1.tsv', 'dev2.tsv']): macro-F1 0.700." in card
    assert "notes" not in card and "pending" not in card
    assert measures.load_model(tmp_path / "noted").metadata["evaluation"]["notes"] == ["read by Li"]


def test_a_bad_segmenter_is_named_as_the_argument_not_as_a_damaged_file():
    with pytest.raises(ValueError, match="unknown segmenter backend 'foo'") as caught:
        load_model(segmenter="foo")
    assert not isinstance(caught.value, ModelFileError)


def test_settings_from_a_numpy_grid_are_saved_as_plain_numbers(tmp_path):
    # as GridSearchCV's best_params_ give them from {"min_df": np.arange(1, 4)}
    model = measures.train(list(zip(SENTENCES, LABELS)), min_df=np.int64(1), C=np.float32(0.5),
                           thresholds=np.float32(0.5), max_labels=np.int64(3), context=np.float64(0.2))
    model.save(tmp_path / "grid")
    config = json.loads((tmp_path / "grid" / "config.json").read_text("utf-8"))
    assert config["estimator_params"]["min_df"] == 1 and config["max_labels"] == 3
    assert load_model(tmp_path / "grid").predict(SENTENCES[:3]) == model.predict(SENTENCES[:3])


def test_metadata_json_cannot_hold_is_refused_and_nothing_is_left(tmp_path, estimator):
    model = estimator.to_model({"name": "odd", "notes": object()})
    with pytest.raises(ModelFileError, match=r"odd-model: the model's settings and metadata cannot be saved as JSON"):
        model.save(tmp_path / "odd-model")
    assert list(tmp_path.iterdir()) == []


def _with_weights(tmp_path, estimator, **arrays):
    """A saved model whose weights.npz holds ``arrays`` in place of its own (a bytes value:
    the file itself), with a matching checksum, as anyone handing out a model could make."""
    import hashlib

    folder = tmp_path / "m"
    estimator.to_model().save(folder)
    weights = folder / "weights.npz"
    if isinstance(arrays.get("file"), bytes):
        weights.write_bytes(arrays["file"])
    else:
        with np.load(weights) as stored:
            kept = {name: stored[name] for name in stored.files}
        kept.update(arrays)
        np.savez_compressed(weights, **kept)
    config = json.loads((folder / "config.json").read_text("utf-8"))
    config["weights_sha256"] = hashlib.sha256(weights.read_bytes()).hexdigest()
    (folder / "config.json").write_text(json.dumps(config), "utf-8")
    return folder


@pytest.mark.parametrize("change, message", [
    (lambda a: {"coef": np.where(np.arange(a["coef"].size).reshape(a["coef"].shape) == 3, np.nan, a["coef"])},
     "coef holds a value that is not a finite float32"),
    (lambda a: {"idf": np.full_like(a["idf"], np.inf)}, "idf holds a value that is not a finite"),
    (lambda a: {"idf": -a["idf"]}, "idf must be positive"),
    (lambda a: {"coef": a["coef"] > 0}, "a 2-dimensional bool array"),
    (lambda a: {"coef": a["coef"].astype(np.complex64)}, "complex64"),
    (lambda a: {"vocabulary": np.array([""] + a["vocabulary"].tolist()[1:])}, "non-empty strings"),
    (lambda a: {"vocabulary": np.arange(len(a["vocabulary"]))}, "vocabulary is a 1-dimensional int"),
    (lambda a: {"file": b""}, "unreadable model weights"),
    # it loaded, and labelled every sentence alike
    (lambda a: {"vocabulary": a["vocabulary"][:0], "idf": a["idf"][:0], "coef": a["coef"][:0]},
     "the vocabulary holds no terms"),
    (lambda a: {"file": b"\x93NUMPY not a zip"}, "unreadable model weights"),
])
def test_weights_that_would_give_wrong_labels_are_refused_by_name(tmp_path, estimator, change, message):
    model = estimator.to_model()
    arrays = {"vocabulary": np.array(model.terms), "idf": model.idf, "coef": model.coef, "intercept": model.intercept}
    folder = _with_weights(tmp_path, estimator, **change(arrays))
    with pytest.raises(ModelFileError, match=message) as caught:
        load_model(folder)
    assert "weights.npz" in str(caught.value)


def test_a_small_weights_file_declaring_a_huge_array_is_refused_before_it_is_read(tmp_path, estimator):
    # compressed zeros (or a header alone) can declare gigabytes: the headers are checked first
    import io
    import zipfile

    model = estimator.to_model()
    arrays = {"vocabulary": np.array(model.terms), "idf": model.idf, "coef": model.coef, "intercept": model.intercept}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, array in arrays.items():
            with archive.open(f"{name}.npy", "w") as member:
                if name == "coef":
                    np.lib.format.write_array_header_1_0(
                        member, {"descr": "<f2", "fortran_order": False, "shape": (40_000_000, 4)})
                else:
                    np.lib.format.write_array(member, array)
    folder = _with_weights(tmp_path, estimator, file=buffer.getvalue())
    with pytest.raises(ModelFileError, match="do not match the vocabulary"):
        load_model(folder)


def test_a_pickled_model_is_checked_as_a_model_file_is(tmp_path, estimator):
    # an archive restores attributes as stored, past the constructor's checks: a label name
    # with markup in it would reach the HTML report
    model = estimator.to_model()
    model.classes = ("x</style><script>alert(1)</script>",) + model.classes[1:]
    joblib.dump(model, tmp_path / "m.joblib")
    with pytest.raises(ModelFileError, match=r"m.joblib: not a usable measures model \('classes' must list"):
        load_model(tmp_path / "m.joblib", trusted=True)
    model.classes = estimator.to_model().classes
    model.coef = model.coef.copy()  # not the fitted estimator's own array
    model.coef[0, 0] = np.nan
    joblib.dump(model, tmp_path / "nan.joblib")
    with pytest.raises(ModelFileError, match="coef holds a value that is not a finite"):
        load_model(tmp_path / "nan.joblib", trusted=True)


def _analyzer_edit(text, **change):
    config = json.loads(text)
    config["analyzer"].update(change)
    return json.dumps(config)


@pytest.mark.parametrize("edit, message", [
    (lambda text: "[" * 100_000 + "]" * 100_000, "not valid JSON"),
    (lambda text: text.replace('"max_labels": 4', '"max_labels": ' + "9" * 5000), "not valid JSON"),
    (lambda text: _analyzer_edit(text, char_ngrams=[1, 10**30]), "char_ngrams must be None or"),
    (lambda text: _analyzer_edit(text, prefix=2**63), "prefix must be a whole number from 0 to"),
    (lambda text: text + " " * (1 << 20), "more than a model's"),
])
def test_a_config_that_would_hang_or_overflow_is_refused_by_name(tmp_path, estimator, edit, message):
    estimator.to_model().save(tmp_path / "m")
    config = tmp_path / "m" / "config.json"
    text = config.read_text("utf-8")
    edited = edit(text)
    assert edited != text
    config.write_text(edited, "utf-8")
    with pytest.raises(ModelFileError, match=message) as caught:
        load_model(tmp_path / "m")
    assert "config.json" in str(caught.value)


@pytest.mark.parametrize("name", ["config.json", "weights.npz"])
def test_a_device_in_place_of_a_model_file_is_refused_not_read_forever(tmp_path, estimator, name):
    estimator.to_model().save(tmp_path / "m")
    (tmp_path / "m" / name).unlink()
    (tmp_path / "m" / name).symlink_to("/dev/zero")
    with pytest.raises(ModelFileError, match=f"{name}: cannot be read \\(a folder, device or pipe"):
        load_model(tmp_path / "m")


@pytest.mark.parametrize("term", ["#核酸检测", "^全", "全市 开展 全员"])
def test_a_vocabulary_term_the_analyzer_never_makes_is_refused(estimator, term):
    # weights fitted on terms the analyzer does not make were fitted on another reading
    model = estimator.to_model()
    with pytest.raises(ValueError, match=re.escape(f"never makes the term {term!r} of the vocabulary")):
        measures.Model(model.terms + [term], np.append(model.idf, 1), np.vstack([model.coef, np.ones(len(model.classes))]),
                       model.intercept, model.thresholds, model.classes, model.analyzer.config(), model.max_labels)


def test_what_saving_writes_loading_reads_and_what_loading_refuses_saving_does_not_write(tmp_path, estimator):
    # a term of 70 letters (a URL, say) is a term like any other
    words = ["请访问" + "a" * 70 + "网站预约核酸检测。", "加强生活物资保供。", "对密接人员一律集中隔离。"] * 4
    fitted = MeasureClassifier(thresholds=0.5, min_df=1).fit(words, ["testing", "supply", "isolation_transfer"] * 4)
    fitted.to_model().save(tmp_path / "long")
    assert load_model(tmp_path / "long").predict(words[:1]) == fitted.predict(words[:1])
    # classes given as a numpy array are the same classes
    model = estimator.to_model()
    again = measures.Model(model.terms, model.idf, model.coef, model.intercept, model.thresholds,
                           np.array(model.classes), model.analyzer.config(), model.max_labels)
    assert again.predict(SENTENCES) == model.predict(SENTENCES)
    # metadata past a config.json's limit is refused before anything is written
    model.metadata["notes"] = "很长的说明" * 100_000
    with pytest.raises(ModelFileError, match="more than a config.json may hold"):
        model.save(tmp_path / "noted")
    assert not (tmp_path / "noted").exists() and sorted(p.name for p in tmp_path.iterdir()) == ["long"]


def test_a_weights_file_declaring_more_than_a_model_holds_is_refused_by_its_headers(tmp_path, estimator):
    import io
    import zipfile

    model = estimator.to_model()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, array in {"idf": model.idf, "coef": model.coef.astype(np.float16), "intercept": model.intercept}.items():
            with archive.open(f"{name}.npy", "w") as member:
                np.lib.format.write_array(member, array)
        with archive.open("vocabulary.npy", "w") as member:
            np.lib.format.write_array_header_1_0(member, {"descr": "<U64", "fortran_order": False, "shape": (5_000_000,)})
    folder = _with_weights(tmp_path, estimator, file=buffer.getvalue())
    with pytest.raises(ModelFileError, match="more than a model's 1073741824"):
        load_model(folder)


def test_a_checkout_loads_its_own_model_whatever_else_is_installed(tmp_path):
    """Another checkout (an older commit, to re-run its benchmarks) imported by path must
    load, and `accuracy.py --record` write into, its own model, not that of the checkout
    an editable install was made from."""
    import shutil
    import subprocess

    other = tmp_path / "other-checkout"
    shutil.copytree(Path(measures.__file__).parent, other / "measures",
                    ignore=shutil.ignore_patterns("__pycache__", "train"))
    (other / "models" / "policy-measures-zh").mkdir(parents=True)
    (other / "models" / "policy-measures-zh" / "config.json").write_text("{}", "utf-8")
    found = subprocess.run([sys.executable, "-c", "from measures.persistence import shipped_model_path as p; print(p())"],
                           capture_output=True, text=True, env=dict(os.environ, PYTHONPATH=str(other)), cwd=tmp_path)
    assert found.stdout.strip() == str(other / "models" / "policy-measures-zh"), found.stderr


@pytest.mark.skipif(not hasattr(signal, "raise_signal"), reason="no signal.raise_signal")
def test_ctrl_c_during_the_swap_of_a_model_folder_waits_for_the_swap(tmp_path, monkeypatch, model):
    """Ctrl-C between the two renames that put a new model in place of the old left no
    model at the path: it is held until both are done."""
    model.save(tmp_path / "m")
    replace = os.replace

    def interrupted(source, target):
        replace(source, target)
        monkeypatch.setattr(os, "replace", replace)
        os.kill(os.getpid(), signal.SIGINT)  # as a Ctrl-C that lands right after the first

    monkeypatch.setattr(os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        model.save(tmp_path / "m")
    assert load_model(tmp_path / "m").predict(["全市开展全员核酸检测。"]) == ["testing"]
    assert [p.name for p in tmp_path.iterdir()] == ["m"]  # nothing left aside


def _rewrite_weights(folder: Path, edit) -> None:
    """Edit a model's weights.npz bytes and give config.json the new checksum, as a
    hand-made model would have it."""
    import hashlib

    weights = folder / "weights.npz"
    data = edit(bytearray(weights.read_bytes()))
    weights.write_bytes(bytes(data))
    config = json.loads((folder / "config.json").read_text("utf-8"))
    config["weights_sha256"] = hashlib.sha256(bytes(data)).hexdigest()
    (folder / "config.json").write_text(json.dumps(config), "utf-8")


@pytest.mark.parametrize("field, value, words", [
    (8, 9, "compression method"),     # Deflate64, which zipfile cannot read
    (6, 1, "encrypted"),              # the general-purpose flag's encryption bit
    (8, 14, ""),                      # LZMA, which the deflated data is not
])
def test_weights_zipfile_cannot_read_are_refused_by_name(tmp_path, estimator, field, value, words):
    import struct

    def edit(data):
        # in each local header (field at its offset) and central-directory entry (two bytes on)
        for signature, offset in ((b"PK\x03\x04", field), (b"PK\x01\x02", field + 2)):
            at = data.find(signature)
            while at >= 0:
                struct.pack_into("<H", data, at + offset, value)
                at = data.find(signature, at + 4)
        return data

    estimator.to_model().save(tmp_path / "m")
    _rewrite_weights(tmp_path / "m", edit)
    with pytest.raises(ModelFileError, match=f"weights.npz: unreadable model weights .*{words}"):
        load_model(tmp_path / "m")


def test_weights_whose_compressed_data_is_damaged_are_refused_by_name(tmp_path, estimator):
    def edit(data):
        start = 30 + int.from_bytes(data[26:28], "little") + int.from_bytes(data[28:30], "little")
        for k in range(start + 20, start + 40):  # inside the first member's deflated data
            data[k] ^= 0x5A
        return data

    estimator.to_model().save(tmp_path / "m")
    _rewrite_weights(tmp_path / "m", edit)
    with pytest.raises(ModelFileError, match="weights.npz: unreadable model weights"):
        load_model(tmp_path / "m")
    result = run_cli("tag", "-", "--model", tmp_path / "m", stdin="全市开展核酸检测。".encode())
    assert result.returncode == 1 and "Traceback" not in result.stderr.decode()


def test_a_vocabulary_holding_a_term_twice_is_named():
    with pytest.raises(ValueError, match="the vocabulary holds the term '#核' more than once"):
        measures.Model(["#核", "#酸", "#核"], np.ones(3), np.zeros((3, 2)), np.zeros(2), [0.5, 0.5],
                       ["testing", "other"], {"word_ngrams": None, "char_ngrams": [1, 1]})


def test_the_card_says_how_the_thresholds_were_chosen(tmp_path, estimator):
    estimator.to_model().save(tmp_path / "fixed")
    card = (tmp_path / "fixed" / "README.md").read_text("utf-8")
    assert "not calibrated, and one threshold, 0.5, for every label" in card
    assert "Platt" not in card and "cross-validated" not in card and "`measures train`" not in card
    places = [place for place in ("东区", "西区", "南区", "北区", "中区", "新区") for _ in range(4)]
    MeasureClassifier(cv=2, min_df=1).fit([p + s for p, s in zip(places, SENTENCES)], LABELS).to_model().save(
        tmp_path / "cv")
    card = (tmp_path / "cv" / "README.md").read_text("utf-8")
    assert "both on 2-fold cross-validated predictions over the training data" in card


@pytest.mark.parametrize("weight, said", [(3, "one linear SVM per label (in which a sentence whose primary label "
                                                  "it is weighs 3 times), its margin"),
                                          (2.5, "weighs 2.5 times"), (1, "one linear SVM per label, its margin")])
def test_the_card_says_how_much_a_sentence_weighs_for_its_primary_label(tmp_path, weight, said):
    MeasureClassifier(thresholds=0.5, min_df=1, primary_weight=weight, nb_power=0).fit(
        SENTENCES, LABELS).to_model().save(tmp_path / "m")
    card = (tmp_path / "m" / "README.md").read_text("utf-8")
    assert said in card and (weight != 1 or "weighs" not in card)


@pytest.mark.parametrize("power, said", [
    (0.5, "one linear SVM per label (in which a sentence whose primary label it is weighs 3 times) over the terms "
          "scaled by their naive-Bayes log-count ratio for the label to the power 0.5 (NBSVM), its margin"),
    (1, "to the power 1 (NBSVM)"), (0, "weighs 3 times), its margin")])
def test_the_card_says_how_the_terms_were_scaled(tmp_path, power, said):
    MeasureClassifier(thresholds=0.5, min_df=1, nb_power=power).fit(SENTENCES, LABELS).to_model().save(tmp_path / "m")
    card = (tmp_path / "m" / "README.md").read_text("utf-8")
    assert said in card and (power != 0 or "naive-Bayes" not in card)


def test_the_card_names_the_command_that_trained_the_model(tmp_path):
    mine = tmp_path / "mine.tsv"
    mine.write_text("text\tlabels\n" + "".join(f"{place}{row}\n" for place in ("", "东区", "西区", "南区") for row in (
        "全市开展核酸检测。\ttesting", "对密接人员集中隔离。\tisolation_transfer", "点击分享本页\tother")), "utf-8")
    result = run_cli("train", mine, "-o", tmp_path / "cli", "--name", "区 模型")
    assert result.returncode == 0, result.stderr.decode()
    cv = json.loads((tmp_path / "cli" / "config.json").read_text("utf-8"))["evaluation"]["cross_validation"]
    assert cv["command"] == f"measures train {mine} -o {tmp_path / 'cli'} --name '区 模型'"
    assert f"`{cv['command']}`" in (tmp_path / "cli" / "README.md").read_text("utf-8")
    # trained in Python there is no command to give
    measures.train(mine).save(tmp_path / "python")
    assert "command" not in json.loads((tmp_path / "python" / "config.json").read_text("utf-8"))["evaluation"][
        "cross_validation"]


def test_a_model_saved_over_another_keeps_its_permissions(tmp_path, estimator):
    folder = tmp_path / "private"
    estimator.to_model().save(folder)
    folder.chmod(0o700)
    for name in ("config.json", "weights.npz", "README.md"):
        (folder / name).chmod(0o600)
    estimator.to_model({"name": "again"}).save(folder)
    assert load_model(folder).metadata["name"] == "again"
    assert folder.stat().st_mode & 0o777 == 0o700
    assert {p.name: p.stat().st_mode & 0o777 for p in folder.iterdir()} == dict.fromkeys(
        ["config.json", "weights.npz", "README.md"], 0o600)


@pytest.mark.parametrize("locked", ["", "weights.npz"])
def test_a_read_only_model_folder_is_not_replaced(tmp_path, estimator, locked):
    folder = tmp_path / "kept"
    estimator.to_model({"name": "kept"}).save(folder)
    (folder / locked).chmod(0o555 if not locked else 0o444)
    try:
        with pytest.raises(ModelFileError, match="read-only"):
            estimator.to_model({"name": "new"}).save(folder)
        result = run_cli("train", tmp_path / "none.tsv", "-o", folder)  # refused before reading the data
        assert result.returncode == 1 and "read-only" in result.stderr.decode()
    finally:
        (folder / locked).chmod(0o755 if not locked else 0o644)
    assert load_model(folder).metadata["name"] == "kept"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kept"]


def test_a_model_saved_through_a_link_goes_where_the_link_leads(tmp_path, estimator):
    (tmp_path / "models").mkdir()
    estimator.to_model({"name": "first"}).save(tmp_path / "models" / "current")
    (tmp_path / "latest").symlink_to(tmp_path / "models" / "current")
    estimator.to_model({"name": "second"}).save(tmp_path / "latest")
    assert (tmp_path / "latest").is_symlink()
    assert load_model(tmp_path / "models" / "current").metadata["name"] == "second"
    assert sorted(p.name for p in (tmp_path / "models").iterdir()) == ["current"]
    # a link that leads nowhere yet: the model goes where it leads, as an output file does
    (tmp_path / "next").symlink_to(tmp_path / "models" / "next")
    estimator.to_model({"name": "third"}).save(tmp_path / "next")
    assert (tmp_path / "next").is_symlink() and load_model(tmp_path / "models" / "next").metadata["name"] == "third"
    # a loop of links is named as one
    (tmp_path / "a").symlink_to(tmp_path / "b")
    (tmp_path / "b").symlink_to(tmp_path / "a")
    with pytest.raises(ModelFileError, match="a symbolic link that leads round in a loop"):
        estimator.to_model().save(tmp_path / "a")


@pytest.mark.parametrize("call, error, message", [
    (lambda model: measures.load_model(123), TypeError, "expected the model path .* as a string or a path, got int"),
    (lambda model: measures.load_model(""), ValueError, "the model path .* is empty"),
    (lambda model: measures.save_model(model, None), TypeError, "expected the model path as a string or a path, got NoneType"),
    (lambda model: measures.save_model(model, ""), ValueError, "the model path is empty"),
    (lambda model: measures.read_labelled(None), TypeError, "expected one or more TSV paths, got NoneType"),
    (lambda model: measures.read_labelled(["a.tsv", None]), TypeError, "expected the TSV path as a string or a path, got NoneType"),
    (lambda model: measures.train(123), TypeError, r"expected TSV paths or \(text, labels\) pairs, got int"),
    (lambda model: measures.compare(None), TypeError, "expected a list of summaries or tagged documents, got NoneType"),
    (lambda model: measures.summaries_frame(5), TypeError, "expected a list of summaries or tagged documents, got int"),
    (lambda model: measures.suggest(model, None), TypeError, "expected an iterable of documents, got NoneType"),
    (lambda model: measures.Document(None), TypeError, r"expected the document's sentences \(a list of Sentence\), got NoneType"),
    (lambda model: model.tag_many(["全市开展核酸检测。"], sources=5), TypeError, "expected one source per document, got int"),
    (lambda model: model.tag_many(None), TypeError, "expected an iterable of documents, got NoneType"),
    (lambda model: write_report(None, "r.html"), TypeError, r"expected tagged documents \(model.tag\(text\)\), got NoneType"),
    (lambda model: measures.read_labelled(b"s.tsv"), TypeError, r"got bytes \(os.fsdecode\(path\) decodes it\)"),
    (lambda model: measures.train(b"s.tsv"), TypeError, r"got bytes \(os.fsdecode\(path\) decodes it\)"),
    (lambda model: model.tag_many(b"speech.txt"), TypeError, r"expected an iterable of documents, not bytes"),
    (lambda model: measures.suggest(model, b"speech.txt"), TypeError, r"expected an iterable of documents, not bytes"),
    (lambda model: measures.read_document(b"speech.txt"), TypeError, r"document path .*got bytes \(os.fsdecode"),
    (lambda model: write_report([], b"r.html"), TypeError, r"report path .*got bytes \(os.fsdecode"),
    (lambda model: measures.read_document(""), ValueError, "the document path is empty"),
])
def test_an_argument_of_the_wrong_kind_is_named_at_the_call(tmp_path, monkeypatch, model, call, error, message):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(error, match=message):
        call(model)  # at the call, even where the result is lazy
    assert list(tmp_path.iterdir()) == []


def test_a_model_is_saved_as_a_folder_not_under_a_model_files_name(tmp_path, model):
    for name in ("model.skops", "model.joblib", "model.PKL"):
        with pytest.raises(ModelFileError, match="a model is saved as a folder, not as a .* file .*save_estimator"):
            model.save(tmp_path / name)
    assert list(tmp_path.iterdir()) == []


class _Sequence:
    """A sequence that iterates through __getitem__ alone, as Python allows (a torch Dataset)."""

    def __init__(self, items):
        self.items = items

    def __getitem__(self, i):
        return self.items[i]

    def __len__(self):
        return len(self.items)


def test_a_sequence_without_iter_is_taken_where_an_iterable_is(model):
    texts = ["全市开展核酸检测。", "对密接人员集中隔离。"]
    documents = list(model.tag_many(_Sequence(texts), sources=_Sequence(["a", "b"])))
    assert [d.source for d in documents] == ["a", "b"]
    assert measures.compare(_Sequence([d.summary() for d in documents])).startswith("category")
    assert measures.Document(_Sequence(documents[0].sentences)).summary().sentences == 1


def test_a_model_folder_saved_under_a_model_files_name_before_is_saved_over(tmp_path, model):
    import shutil

    old = tmp_path / "old.pkl"
    shutil.copytree(shipped_model_path(), old)  # as earlier versions let one save it
    model.save(old)
    assert load_model(old).classes == model.classes


def test_the_working_directory_and_folders_that_hold_it_are_not_saved_over(estimator, tmp_path, monkeypatch):
    # saving renames the folder it replaces away: the process was left in a folder gone
    (tmp_path / "out" / "deeper").mkdir(parents=True)
    monkeypatch.chdir(tmp_path / "out")
    model = estimator.to_model()
    for path, where in [(".", "the current working directory"), (str(tmp_path / "out"), "the current working directory"),
                        ("..", "a folder the current working directory is in")]:
        with pytest.raises(ModelFileError, match=f"not saving the model here: saving replaces the whole folder, "
                                                 f"and it is {where}; choose a new path"):
            model.save(path)
    assert os.getcwd() == str(tmp_path / "out") and sorted(os.listdir(".")) == ["deeper"]
    model.save("deeper")
    assert sorted(os.listdir("deeper")) == ["README.md", "config.json", "weights.npz"]
    result = run_cli("train", "bundled", "-o", ".", cwd=tmp_path / "out")
    assert result.returncode == 1 and "and it is the current working directory" in result.stderr.decode()


@pytest.mark.parametrize("edit, term", [
    (lambda analyzer: analyzer.update(prefix=0), r"\^.."),
    (lambda analyzer: analyzer.update(char_ngrams=[1, 2]), "#..."),
    (lambda analyzer: analyzer.update(char_ngrams=None), "#.+"),
    (lambda analyzer: analyzer.update(word_ngrams=[1, 1]), "[^#^].* .*"),
    (lambda analyzer: analyzer.update(word_ngrams=None), "[^#^].*"),
])
def test_an_analyzer_edited_to_read_otherwise_than_the_weights_were_fitted_is_refused(tmp_path, edit, term):
    # each of these loaded without a word and changed the labels of 58 to 70 of 840 sentences
    folder = tmp_path / "m"
    shutil.copytree(shipped_model_path(), folder)
    config = json.loads((folder / "config.json").read_text("utf-8"))
    edit(config["analyzer"])
    (folder / "config.json").write_text(json.dumps(config), "utf-8")
    with pytest.raises(ModelFileError) as caught:
        load_model(folder)
    found = re.fullmatch(rf"{re.escape(str(folder / 'config.json'))}: its analyzer \{{.*\}} never makes the term "
                         r"'(.*)' that weights.npz weighs; the file is damaged or was edited by hand", str(caught.value))
    assert found and re.fullmatch(term, found[1])
    # nor is such a model made in Python, or saved
    model = load_model()
    with pytest.raises(ValueError, match="never makes the term"):
        measures.Model(model.terms, model.idf, model.coef, model.intercept, model.thresholds, model.classes,
                       config["analyzer"], model.max_labels)


def _edited_config(folder, edit):
    config = json.loads((folder / "config.json").read_text("utf-8"))
    edit(config)
    (folder / "config.json").write_text(json.dumps(config), "utf-8")


@pytest.mark.parametrize("edit, named", [
    # each within the bounds the other checks allow, and each changes what the model labels
    (lambda config: config["analyzer"].update(prefix=8), "'analyzer' is"),
    (lambda config: config["thresholds"].__setitem__(1, 0.3), "'thresholds' is"),
    (lambda config: config.update(max_labels=1, context=0.5), "'max_labels' and 'context' are"),
])
def test_a_setting_edited_within_its_bounds_is_named(tmp_path, estimator, edit, named):
    folder = tmp_path / "m"
    estimator.to_model().save(folder)
    _edited_config(folder, edit)
    with pytest.raises(ModelFileError, match=re.escape(
            f"{folder / 'config.json'}: {named} not what the model was saved with (by 'settings_sha256'); "
            "the file is damaged or was edited by hand. Settings are changed by training with them")):
        load_model(folder)


def test_a_folder_saved_before_settings_had_digests_loads_unchecked(tmp_path, estimator):
    folder = tmp_path / "m"
    estimator.to_model().save(folder)
    _edited_config(folder, lambda config: config.pop("settings_sha256"))
    assert load_model(folder).predict(SENTENCES[:4]) == LABELS[:4]
    for damaged in ("0123", None, {}):  # a null is no older folder's missing key
        _edited_config(folder, lambda config, damaged=damaged: config.update(settings_sha256=damaged))
        with pytest.raises(ModelFileError, match="'settings_sha256' must be an object of digests; the file is damaged"):
            load_model(folder)
    # a setting a later measures adds: checked where its digest was written, not missed elsewhere
    _edited_config(folder, lambda config: config.update(settings_sha256={"context": "0" * 16}))
    with pytest.raises(ModelFileError, match="'context' is not what the model was saved with"):
        load_model(folder)


def test_a_loaded_model_saved_again_carries_digests_of_its_own_settings(tmp_path, estimator):
    estimator.to_model().save(tmp_path / "m")
    model = load_model(tmp_path / "m")
    changed = measures.Model(model.terms, model.idf, model.coef, model.intercept, [0.4] * 4, model.classes,
                             model.analyzer.config(), 2, model.metadata)
    changed.save(tmp_path / "again")
    assert load_model(tmp_path / "again").thresholds.tolist() == pytest.approx([0.4] * 4)


def test_a_class_list_edited_to_fewer_labels_blames_the_config(tmp_path):
    # the weights' checksum still holds: the config is what was changed
    folder = tmp_path / "m"
    shutil.copytree(shipped_model_path(), folder)
    config = json.loads((folder / "config.json").read_text("utf-8"))
    del config["classes"][-1], config["thresholds"][-1]
    (folder / "config.json").write_text(json.dumps(config), "utf-8")
    with pytest.raises(ModelFileError, match=re.escape(f"{folder / 'config.json'}: 13 classes, but weights.npz "
                                                       "weighs 14; the file is damaged or was edited by hand")):
        load_model(folder)


@pytest.mark.parametrize("edit", [
    lambda config: config.update(format_version=3, measures_version="1.0; x\nmeasures: model verified OK\n"),
    lambda config: config.update(format_version=3, measures_version="1\x1b[2J\x1b[H"),
    lambda config: config.update(format="x" * 900_000),
    lambda config: config.update(format_version="2" * 900_000),
    lambda config: config.update(format_version=int("9" * 4000)),
    lambda config: config["analyzer"].update(word_ngrams=["x" * 900_000, 2]),
    lambda config: config["analyzer"].update(prefix=int("9" * 4000)),
    lambda config: config.update(context="\x1b[31m" + "x" * 900_000),
])
def test_a_config_value_in_a_message_is_shown_escaped_and_short(tmp_path, estimator, edit):
    # a value printed raw faked a line of the command's own, or sent escapes to the terminal
    folder = tmp_path / "m"
    estimator.to_model().save(folder)
    _edited_config(folder, edit)
    with pytest.raises(ModelFileError, match="config.json") as caught:
        load_model(folder)
    message = str(caught.value)
    assert "\n" not in message and "\x1b" not in message
    assert len(message) < len(str(folder)) + 400


def test_the_version_a_model_was_made_with_is_shown_escaped_in_the_warning(tmp_path, estimator):
    folder = tmp_path / "m"
    estimator.to_model().save(folder)
    _edited_config(folder, lambda config: config.update(measures_version="9.9.0\rmeasures: all good\x1b[8m"))
    with pytest.warns(UserWarning) as caught:
        load_model(folder)
    assert str(caught[0].message) == (f"{folder}: model made with measures '9.9.0\\rmeasures: all good\\x1b[8m', "
                                       f"running {measures.__version__}; predictions may differ slightly")


def test_the_command_says_a_model_of_another_version_as_its_own_warning(tmp_path, estimator):
    # it was Python's UserWarning line, with the path of persistence.py in it
    folder = tmp_path / "m"
    estimator.to_model().save(folder)
    _edited_config(folder, lambda config: config.update(measures_version="9.9.0"))
    result = run_cli("tag", "-", "--model", folder, "--format", "jsonl", stdin="全市开展全员核酸检测。".encode())
    assert result.returncode == 0, result.stderr.decode()
    assert result.stderr.decode() == (f"measures: warning: {folder}: model made with measures 9.9.0, running "
                                      f"{measures.__version__}; predictions may differ slightly\n")
    # said too when the model is then refused: the version can explain why
    _edited_config(folder, lambda config: config["thresholds"].__setitem__(1, 0.3))
    result = run_cli("tag", "-", "--model", folder, stdin="全市开展全员核酸检测。".encode())
    assert result.returncode == 1
    assert "measures: warning:" in result.stderr.decode() and "'thresholds' is not what" in result.stderr.decode()


def _labelled_file(path: Path) -> Path:
    rows = [f"{place}{row}" for place in ("", "东区", "西区", "南区", "北区", "新区", "老区", "高新区")
            for row in ["全市开展核酸检测。\ttesting", "对密接人员集中隔离。\tisolation_transfer", "版权所有\tother"]]
    path.write_text("text\tlabels\n" + "\n".join(rows) + "\n", "utf-8")
    return path


def test_names_that_are_not_utf8_do_not_lose_a_training_run(tmp_path):
    # Python gives such bytes as lone surrogates, which config.json (UTF-8) cannot hold:
    # the model trained, then failed to save with a UnicodeEncodeError
    data = _labelled_file(tmp_path / os.fsdecode("模型".encode("gbk") + b".tsv"))
    other = _labelled_file(tmp_path / "正常.tsv")  # UTF-8 beside it stays as it is
    result = run_cli("train", data, other, "--name", os.fsdecode("测试".encode("gbk")), "-o", tmp_path / "m")
    assert result.returncode == 0, result.stderr.decode()
    config = json.loads((tmp_path / "m" / "config.json").read_text("utf-8"))
    assert config["name"] == "测试" and config["training_data"]["files"] == ["模型.tsv", "正常.tsv"]
    command = config["evaluation"]["cross_validation"]["command"]
    assert "模型.tsv" in command and "正常.tsv" in command
    # two names that read alike once they are text are told apart by their folders
    from measures.training import file_names
    assert len(set(file_names([str(tmp_path / "a" / os.fsdecode(b"x\xff.tsv")),
                               str(tmp_path / "b" / os.fsdecode(b"x\xfe.tsv"))]))) == 2
    # from Python, a name UTF-8 cannot hold is refused before training, not after
    with pytest.raises(ValueError, match="name must be text that UTF-8 can hold"):
        measures.train(_labelled_file(tmp_path / "ok.tsv"), name="a\udcffb")


def test_a_model_loaded_from_a_file_whose_name_is_not_utf8_saves(tmp_path, estimator):
    path = tmp_path / os.fsdecode(b"m\xff.joblib")
    save_estimator(estimator, path)
    model = load_model(path, trusted=True)
    model.save(tmp_path / "again")
    assert load_model(tmp_path / "again").metadata["name"] == "m\ufffd"
    # metadata noted in Python: refused by name, not a UnicodeEncodeError
    model.metadata["note"] = "\udc80"
    with pytest.raises(ModelFileError, match="other: the model's settings and metadata cannot be saved as JSON"):
        model.save(tmp_path / "other")
    assert not (tmp_path / "other").exists()


@pytest.mark.parametrize("name, make", [
    ("f.skops", os.mkfifo),
    ("f.joblib", os.mkfifo),
    ("z.skops", lambda path: os.symlink("/dev/zero", path)),
])
def test_a_pipe_or_device_given_as_a_model_file_is_refused_not_read_forever(tmp_path, name, make):
    # a FIFO was waited on for ever; /dev/zero was read until memory ran out
    make(tmp_path / name)
    result = subprocess.run([*measures_command(), "tag", "-", "--trust", "--model", str(tmp_path / name)],
                            input="全市开展核酸检测。".encode(), capture_output=True, timeout=60)
    assert result.returncode == 1
    assert result.stderr.decode() == (f"measures: {tmp_path / name}: cannot be read (a folder, device or pipe, "
                                      "not a regular file)\n")


def test_a_symbolic_link_loop_given_as_a_model_is_named(tmp_path):
    (tmp_path / "loop").symlink_to(tmp_path / "loop")
    with pytest.raises(ModelFileError, match=re.escape(f"{tmp_path / 'loop'}: a symbolic-link loop, not a model")):
        load_model(tmp_path / "loop")


def test_weights_past_half_precision_are_saved_as_they_are(tmp_path, estimator):
    # they were saved as infinite, and loading refused the model saving had written
    model = estimator.to_model()
    coef = model.coef.copy()
    coef[0, 0] = 70000.0
    big = measures.Model(model.terms, model.idf, coef, model.intercept, model.thresholds, model.classes,
                         model.analyzer.config(), model.max_labels)
    big.save(tmp_path / "m")
    again = load_model(tmp_path / "m")
    assert again.coef[0, 0] == 70000.0
    np.testing.assert_array_equal(again.predict_proba(SENTENCES), big.predict_proba(SENTENCES))
    # a trained model's weights stay at half precision: its file stays small
    model.save(tmp_path / "trained")
    with np.load(tmp_path / "trained" / "weights.npz") as arrays:
        assert arrays["coef"].dtype == np.float16


@pytest.mark.parametrize("name, message", [
    ("a\nb", "the model's name must be one line, without line breaks"),
    (5, "the model's name must be a model's name (it titles the model card), got 5"),
])
def test_a_name_saving_would_refuse_loads_and_saving_says_how_to_mend_it(tmp_path, estimator, name, message):
    # measures 0.2 wrote any name: its models load (the name never changes a label), and
    # saving one again said a bare ValueError; now a ModelFileError that says what to do
    folder = tmp_path / "m"
    estimator.to_model().save(folder)
    _edited_config(folder, lambda config: config.update(name=name))
    loaded = load_model(folder)
    assert loaded.metadata["name"] == name
    with pytest.raises(ModelFileError, match=re.escape(f"{tmp_path / 'again'}: {message}") + ".*set model.metadata"):
        loaded.save(tmp_path / "again")
    loaded.metadata["name"] = "mended"
    loaded.save(tmp_path / "again")
    assert load_model(tmp_path / "again").metadata["name"] == "mended"
    # a pickled model keeps its name too; a file's name that cannot title a card is not taken for one
    model = estimator.to_model()
    model.metadata["name"] = name
    joblib.dump(model, tmp_path / "m.joblib")
    assert load_model(tmp_path / "m.joblib", trusted=True).metadata["name"] == name
    save_estimator(estimator, tmp_path / "a\tb.joblib")
    assert load_model(tmp_path / "a\tb.joblib", trusted=True).metadata["name"] == "custom"


def test_a_context_set_past_its_bound_is_not_saved(tmp_path):
    # it was saved, and loading then refused the file saving had written
    model = measures.load_model()
    model.context = 150
    with pytest.raises(ModelFileError, match="context must be a finite number from 0 to 100, got 150"):
        model.save(tmp_path / "m")
    assert not (tmp_path / "m").exists()


def test_a_context_past_its_bound_is_refused(tmp_path, estimator):
    # 1e308 loaded, and tagging made the scores infinite and the primary labels wrong
    folder = tmp_path / "m"
    estimator.to_model().save(folder)
    _edited_config(folder, lambda config: config.update(context=1e308))
    with pytest.raises(ModelFileError, match=re.escape(f"{folder / 'config.json'}: context must be a finite number "
                                                       "from 0 to 100, got 1e+308")):
        load_model(folder)
    with pytest.raises(ValueError, match="context must be a finite number from 0 to 100, got 101"):
        MeasureClassifier(context=101, thresholds=0.5, min_df=1).fit(SENTENCES, LABELS)
    assert MeasureClassifier(context=100, thresholds=0.5, min_df=1).fit(SENTENCES, LABELS).to_model().context == 100


def test_a_weights_file_larger_than_a_model_is_refused_before_it_is_hashed(tmp_path, estimator):
    # a sparse file of 8 GB was read whole for its checksum, for 36 s, before it was refused
    from measures.persistence import MAX_WEIGHTS_FILE_BYTES

    folder = tmp_path / "m"
    estimator.to_model().save(folder)
    os.truncate(folder / "weights.npz", MAX_WEIGHTS_FILE_BYTES + 1)  # sparse: takes no disk
    with pytest.raises(ModelFileError, match=re.escape(f"{folder / 'weights.npz'}: {MAX_WEIGHTS_FILE_BYTES + 1} "
                                                       f"bytes, more than a model's {MAX_WEIGHTS_FILE_BYTES}")):
        load_model(folder)


def test_a_model_keeps_the_hashes_of_its_training_sentences_unless_told_not_to(tmp_path, estimator):
    from measures.labelled_data import key_hashes, sentence_key

    # as the model reads them: "，" typed as "," and spaces around are the same sentence
    expected = np.unique(key_hashes(sentence_key(text) for text in SENTENCES))
    assert len(expected) == 4 and expected.dtype == np.uint64
    np.testing.assert_array_equal(key_hashes([sentence_key(" 全市开展全员核酸检测。 ")]),
                                  key_hashes([sentence_key("全市开展全员核酸检测。")]))
    model = estimator.to_model()
    np.testing.assert_array_equal(model.training_keys, expected)
    model.save(tmp_path / "kept")
    np.testing.assert_array_equal(load_model(tmp_path / "kept").training_keys, expected)
    model.save(tmp_path / "left-out", training_keys=False)
    with np.load(tmp_path / "left-out" / "weights.npz") as arrays:
        assert sorted(arrays.files) == ["coef", "idf", "intercept", "vocabulary"]
    assert load_model(tmp_path / "left-out").training_keys is None
    for name in ("e.skops", "e.joblib"):
        save_estimator(estimator, tmp_path / name, training_keys=False)
        assert load_model(tmp_path / name, trusted=True).training_keys is None
    assert estimator.model_.training_keys is not None  # the caller's estimator keeps its own
    save_estimator(estimator, tmp_path / "e.skops")
    np.testing.assert_array_equal(load_model(tmp_path / "e.skops").training_keys, expected)
    with pytest.raises(TypeError, match="training_keys"):
        model.save(tmp_path / "m", training_keys="no")


def test_a_folder_saved_before_models_kept_their_sentence_hashes_loads(tmp_path, estimator):
    import hashlib

    folder = tmp_path / "old"
    estimator.to_model().save(folder)
    weights = folder / "weights.npz"
    with np.load(weights) as stored:
        kept = {name: stored[name] for name in stored.files if name != "training_keys"}
    np.savez_compressed(weights, **kept)
    config = json.loads((folder / "config.json").read_text("utf-8"))
    config["weights_sha256"] = hashlib.sha256(weights.read_bytes()).hexdigest()
    (folder / "config.json").write_text(json.dumps(config), "utf-8")
    old = load_model(folder)
    assert old.training_keys is None
    assert old.predict(SENTENCES[:2]) == LABELS[:2]


@pytest.mark.parametrize("keys, words", [
    (np.arange(3, dtype=np.int64), "a 1-dimensional int64 array"),
    (np.zeros((2, 2), dtype=np.uint64), "a 2-dimensional uint64 array"),
])
def test_training_keys_that_are_no_sentence_hashes_are_refused(tmp_path, estimator, keys, words):
    model = estimator.to_model()
    with pytest.raises(ValueError, match=f"training_keys must be a 1-dimensional array of uint64 .* got {words}"):
        measures.Model(model.terms, model.idf, model.coef, model.intercept, model.thresholds, model.classes,
                       model.analyzer.config(), training_keys=keys)
    folder = _with_weights(tmp_path, estimator, training_keys=keys)
    with pytest.raises(ModelFileError, match="weights.npz: unreadable model weights"):
        load_model(folder)
