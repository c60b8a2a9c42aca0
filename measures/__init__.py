"""measures: which epidemic-control policy measures a Chinese document contains.

    >>> import measures
    >>> model = measures.load_model()                # the shipped model
    >>> doc = model.tag(open("speech.txt", encoding="utf-8").read())
    >>> print(doc.summary())
    >>> model.predict(["全市开展新一轮全员核酸检测。"])
    ['testing']

Names are imported lazily so that ``measures tag`` starts fast: scikit-learn is only
loaded when a model is trained.
"""
from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

__version__ = "0.3.0.dev0"

_EXPORTS = {
    "load_model": "persistence", "save_model": "persistence", "ModelFileError": "persistence",
    "train": "training",
    "Model": "model",
    "MeasureClassifier": "classifier",
    "Document": "document", "Sentence": "document",
    "Summary": "summary", "compare": "summary", "summaries_frame": "summary",
    "plot_summary": "charts", "plot_comparison": "charts",
    "suggest": "suggesting",
    "LABELS": "labels", "LABEL_IDS": "labels", "label_info": "labels",
    "clean": "cleaning", "split_sentences": "splitting", "cut": "segmenting",
    "Segmenter": "segmenting",
    "read_labelled": "labelled_data", "DataError": "labelled_data",
    "read_document": "reading", "DocumentError": "reading",
    "load_training_data": "datasets",
    "scores": "evaluation",
    "OutputError": "outputs",
}

__all__ = sorted(_EXPORTS) + ["__version__"]

# The lazy names as type checkers and editors see them (a test keeps this equal to
# _EXPORTS); "x as x" marks each as exported, for mypy --strict too.
if TYPE_CHECKING:
    from .charts import plot_comparison as plot_comparison, plot_summary as plot_summary
    from .classifier import MeasureClassifier as MeasureClassifier
    from .cleaning import clean as clean
    from .document import Document as Document, Sentence as Sentence
    from .evaluation import scores as scores
    from .datasets import load_training_data as load_training_data
    from .labelled_data import DataError as DataError, read_labelled as read_labelled
    from .labels import LABEL_IDS as LABEL_IDS, LABELS as LABELS, label_info as label_info
    from .model import Model as Model
    from .outputs import OutputError as OutputError
    from .persistence import ModelFileError as ModelFileError, load_model as load_model, save_model as save_model
    from .reading import DocumentError as DocumentError, read_document as read_document
    from .segmenting import Segmenter as Segmenter, cut as cut
    from .splitting import split_sentences as split_sentences
    from .suggesting import suggest as suggest
    from .summary import Summary as Summary, compare as compare, summaries_frame as summaries_frame
    from .training import train as train


if not TYPE_CHECKING:  # seen by type checkers, it would make a misspelt name Any instead of an error
    def __getattr__(name):
        module = _EXPORTS.get(name)
        if module is None:
            raise AttributeError(f"module 'measures' has no attribute {name!r}")
        value = getattr(importlib.import_module(f".{module}", __name__), name)
        globals()[name] = value
        return value


def __dir__():
    return __all__
