"""The labelled training sentences that ship inside the package (``measures/data/train``).

All of them were written and labelled by the measures authors for this purpose, following
the annotation guide; none is taken from a real document.
"""
from __future__ import annotations

from importlib import resources
from pathlib import Path

from .labelled_data import LabelledData, read_labelled, read_texts

__all__ = ["training_files", "load_training_data"]


def training_files() -> list[Path]:
    """The bundled TSV files, in a fixed order."""
    folder = resources.files("measures").joinpath("data/train")
    return sorted(Path(str(folder)).glob("*.tsv"))


def load_training_data() -> LabelledData:
    """All bundled labelled sentences, validated against the guide."""
    return read_labelled([str(p) for p in training_files()])


def bundled_texts() -> set[str]:
    """The bundled sentences' texts, read without checking their labels (a twentieth of
    the time): to tell which sentences of other data are ours."""
    return set(read_texts([str(p) for p in training_files()]))
