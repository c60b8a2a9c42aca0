"""Model folders: ``config.json`` (metadata), ``weights.npz`` (arrays), ``README.md`` (card).

The weights are plain numpy arrays read with ``allow_pickle=False``: loading a model
folder never runs code, whoever made it. Pickle-based files (joblib, pickle) can hold
any code, so they load only when the caller says ``trusted=True``; skops files load
with an explicit list of trusted types.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import warnings
from importlib import resources
from pathlib import Path

import numpy as np

from .labels import label_info
from .model import Model

__all__ = ["ModelFileError", "save_model", "load_model", "shipped_model_path", "FORMAT",
           "FORMAT_VERSION", "SKOPS_TRUSTED", "save_estimator"]

FORMAT = "measures-model"
FORMAT_VERSION = 1
SHIPPED_NAME = "policy-measures-zh"
#: Types a skops file of a MeasureClassifier may contain; anything else is refused.
SKOPS_TRUSTED = [
    "measures.classifier.MeasureClassifier", "measures.features.Analyzer",
    "measures.segmenting.Segmenter", "measures.model.Model", "measures.vectorizing.TermIndex",
    "measures.vectorizing._Table", "measures.vectorizing._Words",
    "numpy.float32", "numpy.int64", "numpy.dtype", "builtins.frozenset",
]


class ModelFileError(RuntimeError):
    """A model file that cannot be used, with the reason and what to do."""


def _version() -> str:
    from . import __version__

    return __version__


def shipped_model_path() -> Path:
    """Where the model that ships with the package lives (installed or in a checkout)."""
    try:
        path = Path(str(resources.files("measures.models").joinpath(SHIPPED_NAME)))
        if (path / "config.json").exists():
            return path
    except ModuleNotFoundError:
        pass
    return Path(__file__).resolve().parent.parent / "models" / SHIPPED_NAME


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _atomic_folder(path: Path, write) -> None:
    # Write everything into a sibling temporary folder, then swap it in: a crash at any
    # moment leaves either the old complete model or the new complete one.
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{path.name}.", dir=path.parent))
    try:
        umask = os.umask(0)
        os.umask(umask)
        tmp.chmod(0o777 & ~umask)  # mkdtemp's folder is private; a model folder is not
        write(tmp)
        if path.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{path.name}.old.", dir=path.parent))
            os.replace(path, old / path.name)
            os.replace(tmp, path)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(tmp, path)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def save_model(model: Model, path) -> None:
    """Write ``model`` as a folder at ``path`` (replacing any model there, atomically)."""
    path = Path(path)

    def write(folder: Path):
        weights = folder / "weights.npz"
        # Weights at half precision: the file stays a few MB (MeasureClassifier rounds its
        # weights the same way, so a trained model is saved as it was fitted).
        arrays = {"vocabulary": np.array(model.terms, dtype=str), "idf": model.idf,
                  "coef": model.coef.astype(np.float16), "intercept": model.intercept}
        if model.primary_layer is not None:
            arrays["primary_coef"] = model.primary_layer[0].astype(np.float16)
            arrays["primary_intercept"] = model.primary_layer[1]
        np.savez_compressed(weights, **arrays)
        config = dict(model.metadata)
        config.update({
            "format": FORMAT, "format_version": FORMAT_VERSION,
            "measures_version": config.get("measures_version", _version()),
            "classes": list(model.classes),
            "thresholds": [round(float(t), 4) for t in model.thresholds],
            "max_labels": model.max_labels,
            "analyzer": model.analyzer.config(),
            "primary_layer": model.primary_layer is not None,
            "weights_sha256": _sha256(weights),
        })
        (folder / "config.json").write_text(json.dumps(config, ensure_ascii=False, indent=2) + "\n", "utf-8")
        (folder / "README.md").write_text(model_card(config), "utf-8")

    _atomic_folder(path, write)


def _read_config(folder: Path) -> dict:
    config_path = folder / "config.json"
    try:
        config = json.loads(config_path.read_text("utf-8"))
    except FileNotFoundError:
        raise ModelFileError(f"{folder}: not a model folder (no config.json)") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ModelFileError(f"{config_path}: not valid JSON ({error})") from None
    if config.get("format") != FORMAT:
        raise ModelFileError(f"{config_path}: not a measures model (format {config.get('format')!r})")
    if config.get("format_version") != FORMAT_VERSION:
        raise ModelFileError(
            f"{config_path}: model format version {config.get('format_version')} but this measures "
            f"({_version()}) reads version {FORMAT_VERSION}; retrain with `measures train` or "
            f"install the measures version the model was made with ({config.get('measures_version')})")
    return config


def _load_folder(folder: Path, segmenter: str) -> Model:
    config = _read_config(folder)
    weights = folder / "weights.npz"
    if not weights.exists():
        raise ModelFileError(f"{folder}: weights.npz is missing")
    actual = _sha256(weights)
    if actual != config.get("weights_sha256"):
        raise ModelFileError(
            f"{weights}: checksum {actual[:12]}… does not match config.json "
            f"({str(config.get('weights_sha256'))[:12]}…); the file is damaged or was replaced")
    made_with = str(config.get("measures_version", "?"))
    if made_with.split(".")[:2] != _version().split(".")[:2]:
        warnings.warn(f"{folder}: model made with measures {made_with}, running {_version()}; "
                      f"predictions may differ slightly", stacklevel=3)
    try:
        with np.load(weights, allow_pickle=False) as arrays:
            primary = ((arrays["primary_coef"], arrays["primary_intercept"])
                       if "primary_coef" in arrays.files else None)
            return Model(arrays["vocabulary"].tolist(), arrays["idf"], arrays["coef"],
                         arrays["intercept"], config["thresholds"], config["classes"],
                         config["analyzer"], config.get("max_labels", 3), config, segmenter, primary)
    except (KeyError, ValueError, OSError) as error:
        raise ModelFileError(f"{weights}: unreadable model weights ({error})") from None


def load_model(path=None, trusted: bool = False, segmenter: str = "auto") -> Model:
    """Load a model: the shipped one when ``path`` is None, else a model folder.

    A ``.joblib``/``.pkl`` file (a pickled :class:`MeasureClassifier` or
    :class:`Model`) can run arbitrary code when loaded and is refused unless
    ``trusted=True``. A ``.skops`` file is loaded with :data:`SKOPS_TRUSTED` only.
    """
    if path is None:
        path = shipped_model_path()
        if not (path / "config.json").exists():
            raise ModelFileError(f"the shipped model is missing at {path}; reinstall measures or pass a model path")
    path = Path(path)
    if path.is_dir():
        return _load_folder(path, segmenter)
    if not path.exists():
        raise ModelFileError(f"{path}: no such model folder or file")
    suffix = path.suffix.lower()
    if suffix == ".skops":
        return _from_estimator(_load_skops(path), path)
    if suffix in (".joblib", ".pkl", ".pickle"):
        if not trusted:
            raise ModelFileError(
                f"{path}: a {suffix} file is a pickle and can run any code when loaded; load it "
                f"only if you trust its source, with load_model(path, trusted=True) or "
                f"`--trust` on the command line (model folders need no trust)")
        import joblib

        return _from_estimator(joblib.load(path), path)
    raise ModelFileError(f"{path}: not a model folder, .skops, or (trusted) .joblib file")


def _load_skops(path: Path):
    import skops.io as sio

    untrusted = [t for t in sio.get_untrusted_types(file=path) if t not in SKOPS_TRUSTED]
    if untrusted:
        raise ModelFileError(f"{path}: refusing to load types outside the trusted list: {', '.join(untrusted)}")
    return sio.load(path, trusted=SKOPS_TRUSTED)


def _from_estimator(obj, path: Path) -> Model:
    if isinstance(obj, Model):
        return obj
    if hasattr(obj, "to_model"):
        return obj.to_model({"name": path.stem, "source_file": str(path)})
    raise ModelFileError(f"{path}: holds a {type(obj).__name__}, not a measures model")


def save_estimator(estimator, path) -> None:
    """Save a fitted :class:`MeasureClassifier` as ``.skops`` (safe to share) or
    ``.joblib``, atomically."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    os.close(fd)
    try:
        if path.suffix.lower() == ".skops":
            import skops.io as sio

            sio.dump(estimator, tmp)
        else:
            import joblib

            joblib.dump(estimator, tmp)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


def model_card(config: dict) -> str:
    """The short README.md that goes with a model folder."""
    training = config.get("training_data", {})
    lines = [
        f"# {config.get('name', 'measures model')}",
        "",
        "A sentence classifier for Chinese epidemic-control policy documents, made by "
        "[measures](https://pypi.org/project/measures/) `measures train`. It labels each sentence "
        "with the policy measures of the annotation guide (multi-label, primary first).",
        "",
        "## Model",
        f"- TF-IDF over {config['analyzer']} terms; one linear SVM per label, its margin "
        f"calibrated to a probability (Platt scaling) and its threshold chosen, both on "
        f"cross-validated predictions over the training data"
        + ("; a multi-class linear SVM over the same terms picks the primary label." if config.get("primary_layer")
           else "; the most probable label is primary."),
        f"- {len(config['classes'])} labels; estimator parameters: `{json.dumps(config.get('estimator_params', {}), ensure_ascii=False)}`.",
        f"- made with measures {config.get('measures_version')}, scikit-learn {config.get('sklearn_version')}, "
        f"numpy {config.get('numpy_version')}; weights sha256 `{config.get('weights_sha256', '')[:16]}…`.",
        "",
        "## Training data",
        f"- {training.get('rows', '?')} labelled sentences from {', '.join(training.get('files', [])) or '?'} "
        f"(sha256 `{str(training.get('sha256', ''))[:16]}…`).",
        "",
        "## Labels and thresholds",
        "| id | 中文 | threshold |",
        "|---|---|---|",
    ]
    for label, threshold in zip(config["classes"], config["thresholds"]):
        try:
            zh = label_info(label).zh
        except ValueError:
            zh = ""
        lines.append(f"| `{label}` | {zh} | {threshold:.3f} |")
    evaluation = config.get("evaluation", {})
    if evaluation:
        lines += ["", "## Evaluation"]
        for name, result in evaluation.items():
            lines.append(f"- **{name}** ({result.get('data', '')}; `{result.get('command', '')}`): "
                         f"macro-F1 {result['macro_f1']:.3f}, micro-F1 {result['micro_f1']:.3f}, "
                         f"primary-label accuracy {result['primary_accuracy']:.3f} on {result['sentences']} sentences.")
    lines += ["", "## Limits",
              "- Trained only on sentences written for this purpose by the measures authors; "
              "real documents differ, see the figures measured on real documents above.",
              "- Chinese text only; Traditional input is converted to Simplified before tagging.", ""]
    return "\n".join(lines)
