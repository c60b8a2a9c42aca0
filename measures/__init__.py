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

__version__ = "0.2.0"

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
}

__all__ = sorted(_EXPORTS) + ["__version__"]


def __getattr__(name):
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'measures' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__():
    return __all__
