"""Model folders: ``config.json`` (metadata), ``weights.npz`` (arrays), ``README.md`` (card).

The weights are plain numpy arrays read with ``allow_pickle=False``: loading a model
folder never runs code, whoever made it. Pickle-based files (joblib, pickle) can hold
any code, so they load only when the caller says ``trusted=True``; skops files load
with an explicit list of trusted types.
"""
from __future__ import annotations

import copy
import hashlib
import json
import os
import re
import shutil
import stat
import tempfile
import warnings
import zipfile
import zlib
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from .outputs import (UNFINISHED, OutputError, as_the_kernel_reads, default_mode, file_in_the_way, sync_file,
                      sync_folder, temporary_file, temporary_prefix, writable)
from .cleaning import text_name
from .labels import zh_name
from .inputs import as_real, flag_argument, in_message, is_whole, is_link_loop, listed, model_name, path_argument, shown
from .model import CONTEXT_WINDOW, ForeignTermError, Model, labels_problem, settings_problem

if TYPE_CHECKING:
    from .classifier import MeasureClassifier

__all__ = ["ModelFileError", "save_model", "check_save_path", "is_model_folder", "load_model", "shipped_model_path",
           "FORMAT", "FORMAT_VERSION", "SKOPS_TRUSTED", "save_estimator"]

FORMAT = "measures-model"
# 2: measures 0.2, which has no primary-label layer; version 1 (measures 0.1) files are
# refused, since 0.1 read some of them differently
FORMAT_VERSION = 2
SHIPPED_NAME = "policy-measures-zh"
#: What a model folder holds, all written by saving it.
MODEL_FILES = ("config.json", "weights.npz", "README.md")
#: Types a skops file of a MeasureClassifier may contain; anything else is refused.
SKOPS_TRUSTED = [
    "measures.classifier.MeasureClassifier", "measures.features.Analyzer",
    "measures.segmenting.Segmenter", "measures.model.Model", "measures.vectorizing.TermIndex",
    "measures.vectorizing._Table", "measures.vectorizing._Words",
    "numpy.float32", "numpy.int64", "numpy.dtype", "builtins.frozenset",
]

# Pickled estimators: they can run any code when loaded, so loading them takes trust.
_PICKLES = (".joblib", ".pkl", ".pickle")


class ModelFileError(RuntimeError):
    """A model file that cannot be used, with the reason and what to do."""


def _version() -> str:
    from . import __version__

    return __version__


def shipped_model_path() -> Path:
    """Where the model that ships with the package lives: beside the package imported when
    that is a checkout, else where it was installed. The checkout comes first: an editable
    install maps ``measures.models`` to the checkout it was made from, so another checkout
    (an older commit, to re-run its benchmarks) would load, and `--record` into, that one's
    model."""
    checkout = Path(__file__).resolve().parent.parent / "models" / SHIPPED_NAME
    if (checkout / "config.json").exists():
        return checkout
    try:
        return Path(str(resources.files("measures.models").joinpath(SHIPPED_NAME)))
    except ModuleNotFoundError:
        return checkout


def _sha256(path: Path) -> str:
    with open(path, "rb") as handle:
        return _digest(handle)


def _digest(handle) -> str:
    """The sha256 of an open binary file, read from where it stands to its end."""
    digest = hashlib.sha256()
    for block in iter(lambda: handle.read(1 << 20), b""):
        digest.update(block)
    return digest.hexdigest()


# The fields of config.json that turn the weights into labels. The weights' checksum does
# not cover them, and a hand edit within their bounds (a threshold, a prefix of 8 for 12)
# changes labels silently; a digest of each, written when saving, names the one edited.
_SETTINGS = ("classes", "thresholds", "max_labels", "analyzer", "context")


def _settings_digests(config: dict) -> dict[str, str]:
    return {name: hashlib.sha256(json.dumps(config[name], sort_keys=True, separators=(",", ":"),
                                            default=json_value).encode()).hexdigest()[:16]
            for name in _SETTINGS}


def _edited_settings(config: dict) -> str | None:
    """What says that config.json's settings are not those the model was saved with, or
    None. A folder saved before the digests were written has none, and is not checked; a
    setting that a later measures adds is checked in the folders that have its digest."""
    if "settings_sha256" not in config:
        return None
    saved = config["settings_sha256"]
    if not isinstance(saved, dict) or not saved:
        return "'settings_sha256' must be an object of digests; the file is damaged or was edited by hand"
    edited = [name for name, digest in _settings_digests(config).items() if name in saved and saved[name] != digest]
    if not edited:
        return None
    fields = " and ".join(", ".join(repr(name) for name in edited).rsplit(", ", 1))
    return (f"{fields} {'is' if len(edited) == 1 else 'are'} not what the model was saved with "
            "(by 'settings_sha256'); the file is damaged or was edited by hand. Settings are changed by "
            "training with them (MeasureClassifier's parameters), or by making a Model with them in Python "
            "and saving that")


def is_model_folder(path: Path) -> bool:
    """Whether ``path`` is a folder holding a measures model's config.json."""
    try:
        config = _json_file(path / "config.json")
    except (OSError, ValueError, ModelFileError):
        return False
    return isinstance(config, dict) and config.get("format") == FORMAT


def json_value(value):
    """numpy's numbers and arrays as JSON's (a parameter taken from a numpy grid, say);
    ``json.dumps``' ``default``."""
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    raise TypeError(f"{type(value).__name__} {value!r:.60} is not a JSON value")


def check_save_path(path) -> None:
    """Raise ModelFileError if :func:`save_model` would refuse ``path``: saving replaces
    what is there, so only nothing, an empty folder or a model folder holding nothing but
    its own files may be there, and a user's file or folder of other files is never
    deleted by a mistyped path. Through a symbolic link, what it leads to is judged (a
    link that leads nowhere yet is where the model will be). Commands
    call it before their work; saving calls it again."""
    target = _where_saved(path)
    if not os.path.lexists(target):
        # a new folder of that name would be taken for such a file; what is there already
        # is judged below as under any name (a model folder saved before is saved over)
        suffix = Path(path).suffix
        if suffix.lower() in (".skops", *_PICKLES):
            raise ModelFileError(f"{in_message(path)}: a model is saved as a folder, not as a {suffix} file (a fitted "
                                 "MeasureClassifier is saved as one with measures.persistence.save_estimator)")
        return
    if os.path.islink(target):  # still a link once followed: a loop
        raise ModelFileError(f"{in_message(path)}: not saving the model here: it is a symbolic link that leads round in a "
                             f"loop; choose a new path")
    if target.is_dir():
        # the folder saved over is renamed away: a process inside it is left in a folder
        # that no longer exists, where its relative paths reach nothing
        where = _holds_the_working_directory(target)
        if where:
            raise ModelFileError(f"{in_message(path)}: not saving the model here: saving replaces the whole folder, and it "
                                 f"is {where}; choose a new path, such as my-model")
        entries = list(target.iterdir())
        if not entries:
            return
        if not is_model_folder(target):
            raise ModelFileError(f"{in_message(path)}: not saving the model here: the folder holds files and is not a "
                                 f"measures model folder; choose a new path or an empty folder")
        # The whole folder is replaced: notes or evaluations a user kept beside the model
        # would go with it.
        extra = sorted(in_message(entry.name) + ("/" if entry.is_dir() else "") for entry in entries
                       if entry.name not in MODEL_FILES)
        if extra:
            raise ModelFileError(f"{in_message(path)}: not saving the model here: saving replaces the whole folder, "
                                 f"and it also holds {listed(extra, 5)}; move them out or choose a new path")
        # as an output file is: a model someone protected is not replaced
        locked = next((entry for entry in [target, *entries] if not writable(entry)), None)
        if locked is not None:
            raise ModelFileError(f"{in_message(path)}: not saving the model here: {in_message(locked)} is read-only; make it "
                                 f"writable or choose a new path")
        return
    raise ModelFileError(f"{in_message(path)}: not saving the model here: it is a file; choose a new path or an empty folder")


def _holds_the_working_directory(folder: Path) -> str | None:
    """Whether ``folder`` is the current working directory or holds it, in words; None if neither."""
    try:
        here = Path(os.path.realpath(os.getcwd()))
    except OSError:  # gone already
        return None
    real = Path(os.path.realpath(folder))
    if real == here:
        return "the current working directory"
    return "a folder the current working directory is in" if real in here.parents else None


def _where_saved(path) -> Path:
    """The folder a model saved at ``path`` goes to: where a symbolic link leads (the
    link stays a link, as an output file's does)."""
    target = as_the_kernel_reads(path)
    if ".." in target.parts:  # before the "..", no folder: nothing, or a file
        raise ModelFileError(f"{in_message(path)}: cannot save there: {in_message(target.parent)} is no folder")
    target = Path(os.path.abspath(target))
    return Path(os.path.realpath(target)) if os.path.islink(target) else target


def _keep_modes(new: Path, old: Path) -> None:
    """Give the folder ``new`` and its files the permissions of the folder ``old`` they
    replace and of its files of the same names: a model kept private stays private."""
    if not old.is_dir():
        return
    for made, was in [(new, old), *((entry, old / entry.name) for entry in new.iterdir())]:
        if was.exists():
            made.chmod(stat.S_IMODE(was.stat().st_mode))


def _reason(error: OSError, target: Path) -> str:
    """An OSError in words, naming the file it concerns when that is not ``target``."""
    reason = error.strerror or str(error)
    if error.filename and Path(os.path.abspath(error.filename)) != target:
        reason += f" ({in_message(error.filename)})"
    return reason


def _check_folder(path, target: Path) -> None:
    # As for any output: a mistyped path is not created.
    blocker = file_in_the_way(target)
    if blocker is not None:
        raise ModelFileError(f"{in_message(path)}: cannot write the model there: {in_message(blocker)} is a file, not a folder")
    if not target.parent.exists():
        raise ModelFileError(f"{in_message(path)}: cannot write the model there: folder {in_message(target.parent)} "
                             "does not exist")


def _atomic_folder(path: Path, write) -> None:
    # Write everything into a sibling temporary folder, then swap it in: a crash at any
    # moment leaves either the old complete model or the new complete one.
    from .forking import signals_held

    target = _where_saved(path)  # "." and ".." have no name to swap under; this has
    tmp = None
    try:
        check_save_path(path)
        _check_folder(path, target)
        tmp = Path(tempfile.mkdtemp(prefix=temporary_prefix(target), dir=target.parent))
        UNFINISHED.add(str(tmp))
        tmp.chmod(default_mode(folder=True))  # mkdtemp's folder is private; a model folder is not
        write(tmp)
        _keep_modes(tmp, target)
        # on the disk before the swap: swapped first, a power cut could leave the new
        # model's files empty, and the old model gone
        for file in tmp.iterdir():
            sync_file(file)
        sync_folder(tmp)
        with signals_held():  # Ctrl-C between the two renames of a swap left no model at all
            if os.path.lexists(target):
                _swap(tmp, target)
            else:
                os.replace(tmp, target)
        sync_folder(target.parent)
    except OSError as error:
        raise ModelFileError(f"{in_message(path)}: cannot write the model: {_reason(error, target)}") from None
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)
            UNFINISHED.discard(str(tmp))


def _swap(new: Path, path: Path) -> None:
    """Put folder ``new`` at ``path`` in place of what is there; if that fails, what was
    there is put back."""
    old = Path(tempfile.mkdtemp(prefix=temporary_prefix(path) + "old.", dir=path.parent))
    try:
        os.replace(path, old / path.name)
    except OSError:
        old.rmdir()
        raise
    try:
        os.replace(new, path)
    except OSError:
        os.replace(old / path.name, path)
        old.rmdir()
        raise
    shutil.rmtree(old, ignore_errors=True)


def _stored_coef(coef: np.ndarray) -> np.ndarray:
    """The weights as saved: at half precision, so that the file stays a few MB
    (MeasureClassifier rounds its weights the same way, so a trained model is saved as it
    was fitted); as float32 when one is past half precision's range (a Model built in
    Python), where it would be saved as infinite and the model refused by loading."""
    with np.errstate(over="ignore"):
        half = coef.astype(np.float16)
    return half if np.isfinite(half).all() else coef.astype(np.float32)


def save_model(model: Model | MeasureClassifier, path, training_keys: bool = True) -> None:
    """Write ``model`` as a folder at ``path`` (replacing any model there, atomically).
    A fitted :class:`~measures.classifier.MeasureClassifier` is saved as its model.

    ``training_keys=False`` leaves out the hashes of the sentences it was trained on
    (``model.training_keys``): with them, anyone holding the folder and a sentence can
    tell whether it was trained on; without them, ``measures evaluate`` knows its
    training data only by the files' checksums and names."""
    if not isinstance(model, Model):
        from .classifier import MeasureClassifier

        if not isinstance(model, MeasureClassifier):
            raise TypeError(f"expected a measures Model or a fitted MeasureClassifier, got {type(model).__name__}")
        model = model.to_model()  # NotFittedError for an estimator not yet fitted
    path = Path(path_argument(path, "model path"))
    keys = model.training_keys if flag_argument(training_keys, "training_keys") else None
    name = model.metadata.get("name")
    if name is not None:  # it titles the card: one line (an older version wrote any name, or none)
        try:
            model_name(name)
        except ValueError as error:
            raise ModelFileError(f"{in_message(path)}: the model's {error}; set model.metadata['name'] to one that can, "
                                 "then save it") from None
    problem = settings_problem(model.max_labels, model.context, **model.analyzer.config())
    if problem:  # an attribute set after the model was built (context)
        raise ModelFileError(f"{in_message(path)}: {problem}; the model cannot be saved so")

    # what loading would refuse is not written: the same limits, before any work
    vocabulary = np.array(model.terms, dtype=str)
    coef = _stored_coef(model.coef)
    arrays: dict[str, Any] = {"vocabulary": vocabulary, "idf": model.idf, "coef": coef, "intercept": model.intercept,
                              **({"training_keys": keys} if keys is not None else {})}
    size = sum(array.nbytes for array in arrays.values())
    if size > MAX_WEIGHT_BYTES:
        raise ModelFileError(f"{in_message(path)}: the model's arrays take {size} bytes, more than a model file may "
                             f"hold ({MAX_WEIGHT_BYTES}); train with a larger min_df")

    def write(folder: Path):
        weights = folder / "weights.npz"
        np.savez_compressed(weights, **arrays)
        config = dict(model.metadata)
        config.update({
            "format": FORMAT, "format_version": FORMAT_VERSION,
            "measures_version": config.get("measures_version", _version()),
            "classes": list(model.classes),
            # the shortest decimal that reads back as the same float32 (0.275, 0.33333334):
            # rounded further, a threshold of 1/3 labelled 15 corpus sentences otherwise
            "thresholds": [float(np.format_float_positional(np.float32(t), unique=True)) for t in model.thresholds],
            "max_labels": model.max_labels,
            "analyzer": model.analyzer.config(),
            "context": model.context,
            "weights_sha256": _sha256(weights),
        })
        config["settings_sha256"] = _settings_digests(config)
        try:
            text = json.dumps(config, ensure_ascii=False, indent=2, default=json_value)
            size = len(text.encode("utf-8")) + 1  # UnicodeEncodeError, a ValueError: a lone surrogate
        except (TypeError, ValueError) as error:
            raise ModelFileError(f"{in_message(path)}: the model's settings and metadata cannot be saved as JSON "
                                 f"({error})") from None
        if size > MAX_CONFIG_BYTES:
            raise ModelFileError(f"{in_message(path)}: the model's settings and metadata take more than a config.json may "
                                 f"hold ({MAX_CONFIG_BYTES} bytes); keep less in its metadata")
        (folder / "config.json").write_text(text + "\n", "utf-8")
        (folder / "README.md").write_text(model_card(json.loads(text)), "utf-8")

    _atomic_folder(path, write)


# A model folder may be anyone's: its files are read only when they are regular files of
# a plausible size, so that /dev/zero or a FIFO named config.json is refused, not read forever.
MAX_CONFIG_BYTES = 1 << 20
MAX_WEIGHT_BYTES = 1 << 30  # the arrays as read; the shipped model's are 21 MB
# Compressed, the arrays are no larger than they are, but for deflate's and the zip's
# framing (some kilobytes to a gigabyte): a larger file is refused before it is hashed,
# which took 36 s for a sparse file of 8 GB.
MAX_WEIGHTS_FILE_BYTES = MAX_WEIGHT_BYTES + (MAX_WEIGHT_BYTES >> 6)


def _regular_file(path: Path, limit: int | None = None) -> None:
    """Raise ModelFileError unless ``path`` is a regular file (of at most ``limit`` bytes);
    FileNotFoundError passes through."""
    try:
        info = path.stat()
    except FileNotFoundError:
        raise
    except OSError as error:
        raise ModelFileError(f"{in_message(path)}: cannot be read ({error.strerror or error})") from None
    if not stat.S_ISREG(info.st_mode):
        raise ModelFileError(f"{in_message(path)}: cannot be read (a folder, device or pipe, not a regular file)")
    if limit is not None and info.st_size > limit:
        raise ModelFileError(f"{in_message(path)}: {info.st_size} bytes, more than a model's {limit}; not a measures model file")


def _json_file(path: Path):
    """A JSON file's value; ValueError (for JSONDecodeError, a number past Python's digit
    limit or nesting past its stack) and OSError as they come."""
    _regular_file(path, MAX_CONFIG_BYTES)
    try:
        return json.loads(path.read_text("utf-8"))
    except RecursionError:
        raise ValueError("nested too deeply") from None


def _read_config(folder: Path) -> dict:
    config_path = folder / "config.json"
    try:
        config = _json_file(config_path)
    except FileNotFoundError:
        raise ModelFileError(f"{in_message(folder)}: not a model folder (no config.json)") from None
    except ValueError as error:  # UnicodeDecodeError and JSONDecodeError are ValueErrors
        raise ModelFileError(f"{in_message(config_path)}: not valid JSON ({error})") from None
    except OSError as error:
        raise ModelFileError(f"{in_message(config_path)}: cannot be read ({error.strerror or error})") from None
    if not isinstance(config, dict):
        raise ModelFileError(f"{in_message(config_path)}: not a measures model (a JSON {type(config).__name__}, not an object)")
    if config.get("format") != FORMAT:
        raise ModelFileError(f"{in_message(config_path)}: not a measures model (format {shown(config.get('format'))})")
    version = config.get("format_version")
    if version != FORMAT_VERSION:
        if not is_whole(version, 0):
            raise ModelFileError(f"{in_message(config_path)}: 'format_version' must be a whole number, got {shown(version)}; "
                                 "the file is damaged or was edited by hand")
        made_with = config.get("measures_version")
        other = (f" or install the measures version the model was made with ({_made_with(config)})"
                 if made_with and made_with != _version() else "")
        raise ModelFileError(f"{in_message(config_path)}: model format version {shown(version)} but this measures ({_version()}) "
                             f"reads version {FORMAT_VERSION}; retrain with `measures train`{other}")
    problem = _label_fields_problem(config)
    if problem:
        raise ModelFileError(f"{in_message(config_path)}: {problem}; the file is damaged or was edited by hand")
    return config


def _made_with(config: dict) -> str:
    """The measures version config.json names, for a message: as it is when it reads as a
    version, else shown (a line break in it would print a line of its own)."""
    made_with = config.get("measures_version", "?")
    return made_with if isinstance(made_with, str) and re.fullmatch(r"[\w.+!-]{1,40}", made_with, re.ASCII) \
        else shown(made_with)


def _label_fields_problem(config: dict) -> str | None:
    """What is wrong with the fields that turn the weights into labels, or None.

    The weights' checksum does not cover them, so they are checked here: training
    writes the classes as distinct guide ids in the guide's order, which catches a
    renamed or reordered class list, and a threshold for every class."""
    problem = labels_problem(config.get("classes"), config.get("thresholds"))
    if problem:
        return problem
    analyzer = config.get("analyzer")
    if not (isinstance(analyzer, dict) and {"word_ngrams", "char_ngrams", "prefix"} <= set(analyzer)):
        return "'analyzer' must be an object with word_ngrams, char_ngrams and prefix"
    if not {"max_labels", "context"} <= set(config):
        return "'max_labels' and 'context' must be given"
    return settings_problem(config["max_labels"], config["context"], analyzer["word_ngrams"],
                            analyzer["char_ngrams"], analyzer["prefix"])


def _load_folder(folder: Path, segmenter: str) -> Model:
    config = _read_config(folder)
    weights = folder / "weights.npz"
    try:
        _regular_file(weights, MAX_WEIGHTS_FILE_BYTES)
        handle = open(weights, "rb")
    except FileNotFoundError:
        raise ModelFileError(f"{in_message(folder)}: weights.npz is missing") from None
    except OSError as error:
        raise ModelFileError(f"{in_message(weights)}: cannot be read ({error.strerror or error})") from None
    # One handle for the checksum, the headers and the arrays: opened by name for each, a
    # model saved over this folder in between (retrained, or saved by another process) gave
    # its weights with the thresholds, classes and analyzer of the config read before it.
    with handle:
        return _load_weights(folder, config, handle, segmenter)


def _load_weights(folder: Path, config: dict, handle, segmenter: str) -> Model:
    """The model of ``folder`` from its ``config`` and its weights.npz, open as ``handle``:
    the weights checked against the config's checksum, their arrays' headers before their
    data, and the settings against their digests."""
    weights = folder / "weights.npz"
    try:
        actual = _digest(handle)
    except OSError as error:
        raise ModelFileError(f"{in_message(weights)}: cannot be read ({error.strerror or error})") from None
    expected = config.get("weights_sha256")
    if actual != expected:
        said = f"{expected[:12]}…" if isinstance(expected, str) and re.fullmatch("[0-9a-f]{64}", expected) \
            else shown(expected)
        raise ModelFileError(f"{in_message(weights)}: checksum {actual[:12]}… does not match config.json ({said}); "
                             "the file is damaged or was replaced")
    if str(config.get("measures_version", "?")).split(".")[:2] != _version().split(".")[:2]:
        warnings.warn(f"{in_message(folder)}: model made with measures {_made_with(config)}, running {_version()}; "
                      f"predictions may differ slightly", stacklevel=4)
    config_path = folder / "config.json"
    try:
        handle.seek(0)
        weighed = _check_array_headers(handle)
    except _UNREADABLE_WEIGHTS as error:
        raise ModelFileError(f"{in_message(weights)}: unreadable model weights ({error})") from None
    if weighed != len(config["classes"]):  # the weights' checksum holds: the config was edited
        raise ModelFileError(f"{in_message(config_path)}: {len(config['classes'])} classes, but weights.npz weighs "
                             f"{weighed}; the file is damaged or was edited by hand")
    try:
        handle.seek(0)
        with np.load(handle, allow_pickle=False) as arrays:
            model = Model(arrays["vocabulary"].tolist(), arrays["idf"], arrays["coef"],
                          arrays["intercept"], config["thresholds"], config["classes"],
                          config["analyzer"], config["max_labels"], config, segmenter, config["context"],
                          arrays["training_keys"] if "training_keys" in arrays.files else None)
    except ForeignTermError as error:  # the weights' checksum holds, so the mismatch is the config's
        raise ModelFileError(f"{in_message(config_path)}: its analyzer {error.settings} never makes the term {shown(error.term)} "
                             "that weights.npz weighs; the file is damaged or was edited by hand") from None
    except _UNREADABLE_WEIGHTS as error:
        raise ModelFileError(f"{in_message(weights)}: unreadable model weights ({error})") from None
    # last, so that an edit the checks above can judge is named by them
    edited = _edited_settings(config)
    if edited:
        raise ModelFileError(f"{in_message(config_path)}: {edited}")
    return model


try:  # Python may be built without lzma, and zipfile then reads no LZMA member at all
    from lzma import LZMAError
    _LZMA_ERROR: tuple[type[BaseException], ...] = (LZMAError,)
except ImportError:
    _LZMA_ERROR = ()

# What reading a weights file can raise besides ModelFileError: RuntimeError and
# NotImplementedError are zipfile's words for a member marked encrypted or compressed by a
# method it does not know; zlib's and lzma's, a member's damaged data.
_UNREADABLE_WEIGHTS: tuple[type[BaseException], ...] = (
    KeyError, ValueError, TypeError, EOFError, OSError, RuntimeError, NotImplementedError,
    zipfile.BadZipFile, zlib.error, *_LZMA_ERROR)

_ARRAYS = {"vocabulary": ("U", 1), "idf": ("f", 1), "coef": ("f", 2), "intercept": ("f", 1)}
# arrays a folder may hold or not: one saved before measures wrote them, or with them left out
_OPTIONAL_ARRAYS = {"training_keys": ("u", 1)}
_HEADER_READERS = {(1, 0): np.lib.format.read_array_header_1_0, (2, 0): np.lib.format.read_array_header_2_0}


def _check_array_headers(weights) -> int:
    """How many labels the arrays of ``weights`` (a path or an open file) weigh; a ValueError unless they are the
    four a model holds (and its training keys, or not), of kinds, shapes and sizes that fit together, read from their
    headers before any data is: a small file of compressed zeros declaring a huge array
    would otherwise take all the memory there is before its shape was found wrong."""
    shapes, size = {}, 0
    with zipfile.ZipFile(weights) as archive:
        members = {Path(name).stem: name for name in archive.namelist()}
        if not set(_ARRAYS) <= set(members) <= {*_ARRAYS, *_OPTIONAL_ARRAYS} or len(members) != len(archive.namelist()):
            raise ValueError(f"arrays {sorted(members)}, expected {sorted(_ARRAYS)} (and {', '.join(_OPTIONAL_ARRAYS)})")
        for name, (kind, ndim) in {**_ARRAYS, **_OPTIONAL_ARRAYS}.items():
            if name not in members:
                continue
            with archive.open(members[name]) as member:
                version = np.lib.format.read_magic(member)
                if version not in _HEADER_READERS:
                    raise ValueError(f"{name} is in .npy format version {version}")
                shape, _, dtype = _HEADER_READERS[version](member)
            if dtype.kind != kind or len(shape) != ndim:
                raise ValueError(f"{name} is a {len(shape)}-dimensional {dtype} array")
            shapes[name] = shape
            size += int(np.prod(shape, dtype=object)) * dtype.itemsize
    if size > MAX_WEIGHT_BYTES:
        raise ValueError(f"arrays of {size} bytes, more than a model's {MAX_WEIGHT_BYTES}")
    n, labels = shapes["vocabulary"][0], shapes["intercept"][0]
    if (shapes["idf"], shapes["coef"]) != ((n,), (n, labels)):
        raise ValueError("model weights do not match the vocabulary and label set")
    return labels


def load_model(path=None, trusted: bool = False, segmenter: str = "auto") -> Model:
    """Load a model: the shipped one when ``path`` is None, else a model folder.

    A ``.joblib``/``.pkl`` file (a pickled :class:`MeasureClassifier` or
    :class:`Model`) can run arbitrary code when loaded and is refused unless
    ``trusted=True``. A ``.skops`` file is loaded with :data:`SKOPS_TRUSTED` only.
    ``segmenter`` chooses the backend that cuts words ("auto": rjieba when installed,
    else jieba; "jieba" or "rjieba"): the words, so the labels, are the same either way.
    """
    from .segmenting import check_backend

    check_backend(segmenter)  # the caller's mistake, before any file is blamed for it
    trusted = flag_argument(trusted, "trusted")  # only True unlocks a pickle
    if path is None:
        path = shipped_model_path()
        if not (path / "config.json").exists():
            raise ModelFileError(f"the shipped model is missing at {in_message(path)}; reinstall measures or pass a model path")
    path = Path(path_argument(path, "model path (None: the shipped model)"))
    if path.is_dir():
        return _load_folder(path, segmenter)
    if not path.exists():
        raise ModelFileError(f"{in_message(path)}: " + ("a symbolic-link loop, not a model" if is_link_loop(path)
                                            else "no such model folder or file"))
    suffix = path.suffix.lower()
    if suffix not in (".skops", *_PICKLES):
        raise ModelFileError(f"{in_message(path)}: not a model folder, .skops, or (trusted) .joblib file")
    _regular_file(path)  # as a model folder's files are: a FIFO would be waited on for ever, /dev/zero read to the end
    if suffix == ".skops":
        return _from_estimator(_load_skops(path), path, segmenter)
    if not trusted:
        raise ModelFileError(
            f"{in_message(path)}: a {suffix} file is a pickle and can run any code when loaded; load it "
            f"only if you trust its source, with load_model(path, trusted=True) or "
            f"`--trust` on the command line (model folders need no trust)")
    import joblib

    try:
        obj = joblib.load(path)
    except Exception as error:  # unpickling fails in any way a damaged file leads it to
        raise _unreadable(path, error) from None
    return _from_estimator(obj, path, segmenter)


def _skops(path: Path):
    """skops.io, an optional dependency: without it a .skops file is refused by name."""
    try:
        import skops.io as sio
    except ImportError as error:
        if isinstance(error, ModuleNotFoundError) and (error.name or "").split(".")[0] == "skops":
            raise ModelFileError(f"{in_message(path)}: .skops files need skops: pip install skops (or, in a checkout, "
                                 f"pip install '.[skops]')") from None
        # installed, and failing on what it needs (skops 0.9 on scikit-learn 1.6)
        raise ModelFileError(f"{in_message(path)}: skops is installed but does not import ({error}); pip install -U skops "
                             f"gives one that fits this scikit-learn") from None
    return sio


def _load_skops(path: Path):
    sio = _skops(path)
    try:
        untrusted = [t for t in sio.get_untrusted_types(file=path) if t not in SKOPS_TRUSTED]
        if not untrusted:
            return sio.load(path, trusted=SKOPS_TRUSTED)
    except Exception as error:  # a damaged archive fails in whatever step meets the damage
        raise _unreadable(path, error) from None
    raise ModelFileError(f"{in_message(path)}: refusing to load types outside the trusted list: {', '.join(untrusted)}")


def _unreadable(path: Path, error: Exception) -> ModelFileError:
    detail = str(error) or "the file is empty or cut short"
    return ModelFileError(f"{in_message(path)}: not a readable {path.suffix} model file ({type(error).__name__}: {detail})")


def _from_estimator(obj, path: Path, segmenter: str) -> Model:
    # Pickles keep whatever attributes they were made with: one from measures 0.1 may carry
    # a primary-label layer this version would silently ignore, and a 0.1 estimator
    # without one read sentences alone where this version reads their context. Rather than
    # sort out which 0.1 pickles would still label as they did, each is refused.
    if any(name in getattr(obj, "__dict__", {}) for name in ("primary_C", "primary_layer", "primary_layer_")):
        raise ModelFileError(f"{in_message(path)}: made by measures 0.1, whose primary-label layer this version "
                             f"({_version()}) no longer has; retrain with `measures train`")
    if not isinstance(obj, Model) and not hasattr(obj, "to_model"):
        raise ModelFileError(f"{in_message(path)}: holds a {type(obj).__name__}, not a measures model")
    try:
        model = obj if isinstance(obj, Model) else obj.to_model(_file_metadata(path))
        # built again: an archive restores the object's attributes as stored, so it is
        # checked as any model is (a class name with markup in it, weights that are NaN),
        # and it segments with the backend asked for, as a model folder does
        return Model(model.terms, model.idf, model.coef, model.intercept, model.thresholds, model.classes,
                     model.analyzer.config(), model.max_labels, model.metadata, segmenter, model.context,
                     model.training_keys)
    except (AttributeError, TypeError, ValueError, KeyError) as error:
        raise ModelFileError(f"{in_message(path)}: not a usable measures model ({error})") from None


def _file_metadata(path: Path) -> dict:
    """What a model read from an estimator's file notes of it: the file, and the file's
    name for the model's when that can title its card (as text, when it is not UTF-8)."""
    metadata = {"source_file": text_name(str(path))}
    try:
        metadata["name"] = model_name(text_name(path.stem))
    except ValueError:  # a tab in it: the model keeps the name it was fitted with
        pass
    return metadata


def save_estimator(estimator, path, training_keys: bool = True) -> None:
    """Save a fitted :class:`MeasureClassifier` as ``.skops`` (safe to share) or
    ``.joblib`` (``.pkl``, ``.pickle``), atomically; other names are refused, so a mistyped
    path cannot replace a data file with a pickle that loading would refuse anyway.
    ``training_keys=False`` leaves out the hashes of its training sentences, as
    :func:`save_model` does."""
    from sklearn.utils.validation import check_is_fitted

    from .classifier import MeasureClassifier

    if not isinstance(estimator, MeasureClassifier):
        raise TypeError(f"expected a fitted MeasureClassifier, got {type(estimator).__name__}")
    check_is_fitted(estimator)  # an unfitted one would save, and fail only when used
    if not flag_argument(training_keys, "training_keys"):
        # copies: the caller's estimator keeps its keys
        estimator = copy.copy(estimator)
        estimator.model_ = copy.copy(estimator.model_)
        estimator.model_.training_keys = None
    path = Path(path_argument(path, "estimator's path"))
    suffix = path.suffix.lower()
    if suffix not in (".skops", *_PICKLES):
        raise ModelFileError(f"{in_message(path)}: an estimator is saved as a .skops or .joblib file (a model "
                             "folder, loaded without trust, with model.save or measures train)")
    sio = _skops(path) if suffix == ".skops" else None
    try:
        fd, tmp = temporary_file(path)
    except OutputError as error:
        raise ModelFileError(str(error)) from None
    os.close(fd)
    try:
        if sio is not None:
            sio.dump(estimator, tmp)
        else:
            import joblib

            joblib.dump(estimator, tmp)
        sync_file(tmp)
        os.replace(tmp, path)
        sync_folder(path.parent)
    except BaseException:
        os.unlink(tmp)
        raise


def _terms(analyzer: dict) -> str:
    """The analyzer's settings in words, for the model card."""
    kinds = [f"{name} {span[0]}-{span[1]}-grams" if span[0] != span[1] else f"{name} {span[0]}-grams"
             for name, span in (("word", analyzer.get("word_ngrams")), ("character", analyzer.get("char_ngrams")))
             if span]
    if analyzer.get("prefix"):
        kinds.append(f"the character pairs of a sentence's first {analyzer['prefix']} characters")
    return ", ".join(kinds[:-1]) + " and " + kinds[-1] if len(kinds) > 1 else kinds[0]


def _figures(result) -> str | None:
    """An evaluation entry's figures in words; None for one that holds none (metadata a
    user added in another shape)."""
    if not isinstance(result, dict):
        return None
    named = [f"{name} {result[key]:.3f}" for key, name in (("macro_f1", "macro-F1"), ("micro_f1", "micro-F1"),
                                                          ("primary_accuracy", "primary-label accuracy"))
             if isinstance(result.get(key), (int, float))]
    if not named:
        return None
    sentences = f" on {result['sentences']} sentences" if "sentences" in result else ""
    return ", ".join(named) + sentences


def _decision(config: dict) -> str:
    """How the fit turned each label's margin into a probability and a label, from the
    parameters it records (a model made in Python with fixed thresholds has no folds)."""
    params = config.get("estimator_params")
    params = params if isinstance(params, dict) else {}
    if params.get("thresholds", "cv") == "cv":
        folds = params.get("cv")
        return ("its margin calibrated to a probability (Platt scaling) and its threshold chosen, both on "
                f"{f'{folds}-fold ' if is_whole(folds, 2) else ''}cross-validated predictions over the training data")
    return ("its margin read as a probability through the logistic function, not calibrated, and one "
            f"threshold, {params['thresholds']}, for every label")


def _setting(config: dict, name: str) -> float | None:
    """An estimator setting the fit recorded, as a number; None for a model made before it
    (or in Python, with no parameters recorded)."""
    params = config.get("estimator_params")
    return as_real(params.get(name)) if isinstance(params, dict) else None


def _primary_weight(config: dict) -> str:
    weight = _setting(config, "primary_weight")
    if weight is None or weight == 1:  # models made before the setting, or with it off
        return ""
    return f" (in which a sentence whose primary label it is weighs {weight:g} times)"


def _nb_power(config: dict) -> str:
    power = _setting(config, "nb_power")
    if not power:  # models made before the setting, or with it off
        return ""
    return (f" over the terms scaled by their naive-Bayes log-count ratio for the label to the power "
            f"{power:g} (NBSVM)")


def model_card(config: dict) -> str:
    """The short README.md that goes with a model folder."""
    training = config.get("training_data")
    training = training if isinstance(training, dict) else {}
    files = training.get("files")
    lines = [
        f"# {config.get('name', 'measures model')}",
        "",
        "A sentence classifier for Chinese epidemic-control policy documents, made with "
        "measures. It labels each sentence "
        "with the policy measures of the annotation guide (multi-label, primary first).",
        "",
        "## Model",
        f"- TF-IDF over {_terms(config['analyzer'])} (words by jieba); one linear SVM per label"
        f"{_primary_weight(config)}{_nb_power(config)}, {_decision(config)}; the most probable label is primary."
        + (f" When a document is tagged, the primary label is chosen from each sentence's label log-odds "
           f"plus {config['context']} times the mean of those of up to {CONTEXT_WINDOW} sentences on each side; "
           "`predict` reads sentences alone."
           if config.get("context") else ""),
        f"- {len(config['classes'])} labels; estimator parameters: `{json.dumps(config.get('estimator_params', {}), ensure_ascii=False)}`.",
        f"- made with measures {config.get('measures_version')}, scikit-learn {config.get('sklearn_version')}, "
        f"numpy {config.get('numpy_version')}; weights sha256 `{config.get('weights_sha256', '')[:16]}…`.",
        "",
        "## Training data",
        f"- {training.get('rows', '?')} labelled sentences from "
        f"{', '.join(map(str, files)) if isinstance(files, list) and files else 'pairs given in Python'}"
        + (f" (sha256 `{str(training['sha256'])[:16]}…`)." if training.get("sha256") else ".")
        + (f" {training['skipped_rows']} "
           f"{'row that breaks the guide was' if training['skipped_rows'] == 1 else 'rows that break the guide were'} "
           f"left out (`skip_bad_rows`)." if is_whole(training.get("skipped_rows"), 1) else "")
        + (" Each sentence weighed as given (`sample_weight`)." if training.get("weighted") is True else ""),
        "",
        "## Labels and thresholds",
        "| id | 中文 | threshold |",
        "|---|---|---|",
    ]
    for label, threshold in zip(config["classes"], config["thresholds"]):
        zh = zh_name(label)
        lines.append(f"| `{label}` | {zh if zh != label else ''} | {threshold:.3f} |")
    evaluation = config.get("evaluation")
    evaluation = {name: _figures(result) for name, result in (evaluation if isinstance(evaluation, dict) else {}).items()}
    evaluation = {name: figures for name, figures in evaluation.items() if figures}
    if evaluation:
        lines += ["", "## Evaluation"]
        for name, figures in evaluation.items():
            result = config["evaluation"][name]
            source = "; ".join(str(part) for part in [result.get("data"), result.get("command") and
                                                      f"`{result['command']}`"] if part)
            lines.append(f"- **{name}**{f' ({source})' if source else ''}: {figures}.")
            per_label = result.get("per_label_f1")
            if isinstance(per_label, dict) and per_label:
                lines.append("  - F1 by label: " + ", ".join(
                    f"`{label}` {'n/a' if f1 is None else f'{f1:.3f}'}" for label, f1 in per_label.items()
                    if f1 is None or isinstance(f1, (int, float))) + ".")
            beside = result.get("beside")
            beside = {other: _figures(value) for other, value in beside.items()} if isinstance(beside, dict) else {}
            if any(beside.values()):  # baselines scored on the same sentences
                lines.append("  - On the same sentences: " + "; ".join(
                    f"{other}, {figures}" for other, figures in beside.items() if figures) + ".")
    rows, bundled = training.get("rows"), training.get("bundled_rows")
    lines += ["", "## Limits"]
    # metadata a user noted by hand may hold anything: the sentence needs two counts
    if is_whole(bundled, 0) and is_whole(rows, 0):
        lines.append("- Trained only on sentences written for this purpose by the measures authors, not on real "
                     "documents." if bundled == rows else
                     f"- Trained on {bundled} sentences written by the measures authors and {rows - bundled} "
                     "given by whoever trained it." if bundled else
                     "- Trained only on sentences given by whoever trained it, not on the corpus bundled with measures.")
    lines.append("- Real documents differ from training sentences: see the figures measured on real documents above."
                 if set(evaluation) - {"cross_validation"} else
                 "- Not measured on real documents; `measures evaluate labelled.tsv --model FOLDER` scores it on "
                 "labelled sentences of your own. Cross-validation measures sentences like the training ones.")
    lines += ["- Chinese text only; Traditional input is converted to Simplified before tagging.", ""]
    return "\n".join(lines)
