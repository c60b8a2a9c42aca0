"""Word segmentation with jieba and the shipped domain dictionary.

jieba is the reference. ``rjieba`` (the Rust port of jieba: same dictionary, same
algorithm) is used when installed because it segments about an order of magnitude
faster; :class:`Segmenter` hides which one runs. Neither touches the user's global
``jieba`` state: each segmenter owns its own dictionary instance.
"""
from __future__ import annotations

import contextlib
import logging
import re
from functools import lru_cache
from importlib import resources

from .cleaning import replace_surrogates
from .forking import ForkSafeLock
from .inputs import text_argument

__all__ = ["Segmenter", "cut", "domain_words", "check_backend", "BACKENDS"]

BACKENDS = ("rjieba", "jieba")


@lru_cache(maxsize=1)
def domain_words() -> tuple[tuple[str, int], ...]:
    """The shipped domain dictionary as ``(word, frequency)`` pairs."""
    path = resources.files("measures").joinpath("data/domain_words.txt")
    return dictionary_entries(path.read_text("utf-8"), str(path))


def dictionary_entries(text: str, name: str) -> tuple[tuple[str, int], ...]:
    """The ``word frequency`` lines of a dictionary in jieba's format, each with its
    frequency, as the shipped file gives every word one (``#`` opens a comment line); a
    line that is not one is a ValueError naming ``name`` and the line, so that an edit to
    the shipped file that breaks it says where."""
    words = []
    for number, line in enumerate(text.splitlines(), 1):
        cells = line.split()
        if not cells or cells[0].startswith("#"):
            continue
        if len(cells) < 2 or not re.fullmatch("[0-9]+", cells[1]):  # not isdigit: ² is a digit
            raise ValueError(f"{name}:{number}: expected a word and its frequency (a whole number), "
                             f"got {line.strip()!r}")
        words.append((cells[0], int(cells[1])))
    return tuple(words)


_LOADING = ForkSafeLock()


@contextlib.contextmanager
def _quiet_jieba():
    # jieba logs its dictionary loading at DEBUG to stderr; silence it for the duration
    # only, so the user's own logging configuration of jieba is left as it was.
    logger = logging.getLogger("jieba")
    level = logger.level
    logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        logger.setLevel(level)


def _available(name: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(name) is not None


def _own_hmm_splits(engine) -> None:
    """Give a jieba Tokenizer's HMM step a set of words to split of its own. jieba keeps
    that set in one global of ``jieba.finalseg``, filled by every ``del_word`` (or
    ``add_word(word, 0)``) on any tokenizer, the user's global one included: a user's
    ``jieba.del_word("阳康")`` changed the words, so the terms and labels, of measures'
    own tokenizer. measures deletes no word, so its set stays empty. (jieba 0.42's
    internals; a jieba that differs is used as it is.)"""
    import types

    import jieba
    import jieba.finalseg as finalseg

    method = getattr(jieba.Tokenizer, "_Tokenizer__cut_DAG", None)
    if method is None or not callable(getattr(finalseg, "cut", None)) or "finalseg" not in vars(jieba):
        return
    hmm = types.SimpleNamespace(cut=types.FunctionType(
        finalseg.cut.__code__, {**vars(finalseg), "Force_Split_Words": frozenset()}))
    engine._Tokenizer__cut_DAG = types.MethodType(
        types.FunctionType(method.__code__, {**vars(jieba), "finalseg": hmm}), engine)


def check_backend(backend) -> None:
    """Raise ValueError unless ``backend`` names a segmenter backend or ``"auto"``."""
    if not isinstance(backend, str) or backend != "auto" and backend not in BACKENDS:
        raise ValueError(f"unknown segmenter backend {backend!r}; choose from 'auto', {', '.join(map(repr, BACKENDS))}")


class Segmenter:
    """A jieba-compatible segmenter loaded with the domain dictionary.

    ``backend`` is ``"auto"`` (rjieba when installed, else jieba), ``"rjieba"`` or
    ``"jieba"``. Both give the same words on Chinese text; see the README for the
    measured agreement of the labels they lead to.
    """

    def __init__(self, backend: str = "auto"):
        check_backend(backend)
        self.backend = backend if backend != "auto" else "rjieba" if _available("rjieba") else "jieba"
        self._cut = None

    def _load(self):
        # one load however many threads use a new model at once (each thread's load took
        # seconds and hundreds of MB, and their swaps of jieba's log level crossed)
        with _LOADING:
            if self._cut is None:
                self._cut = self._loaded()
        return self._cut

    def _loaded(self):
        if self.backend == "rjieba":
            import rjieba

            engine = rjieba.Jieba()
            for word, freq in domain_words():
                engine.add_word(word, freq, None)
            cut = engine.cut
        else:
            import jieba

            with _quiet_jieba():
                engine = jieba.Tokenizer()
                engine.initialize()
                for word, freq in domain_words():
                    engine.add_word(word, freq)
            _own_hmm_splits(engine)
            cut = engine.lcut
        return cut

    def cut(self, text: str) -> list[str]:
        """The words of ``text`` (precise mode, HMM on), whitespace tokens included."""
        # a lone surrogate (possible in a Python string) cannot be passed to the segmenter
        return self.words(replace_surrogates(text_argument(text)))

    def words(self, text: str) -> list[str]:
        """:meth:`cut` without its checks, for text measures has cleaned (no surrogates)."""
        return (self._cut or self._load())(text)

    def __repr__(self) -> str:
        return f"Segmenter(backend={self.backend!r})"

    # A loaded dictionary is a native object; workers rebuild it instead of pickling it.
    def __getstate__(self):
        return {"backend": self.backend}

    def __setstate__(self, state):
        self.backend = state["backend"]
        self._cut = None


@lru_cache(maxsize=None)
def _default(backend: str) -> Segmenter:
    return Segmenter(backend)


def cut(text: str, backend: str = "auto") -> list[str]:
    """Segment ``text`` with a shared default :class:`Segmenter`, like ``jieba.lcut``."""
    check_backend(backend)  # before the cache, which cannot hold a list
    return _default(backend).cut(text)
