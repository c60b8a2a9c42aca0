"""From a sentence to the terms the linear model weighs: words, word pairs, characters.

:class:`Analyzer` defines the terms as strings; training and tagging find the same terms
in bulk (:mod:`measures.vectorizing`, checked against these strings by tests), so the
estimator and the numpy-only :class:`measures.model.Model` see the same terms.
"""
from __future__ import annotations

import re

import numpy as np

from .cleaning import HAN, normalize_sentence
from .segmenting import Segmenter

__all__ = ["Analyzer"]

# Numbers carry their context, not their value: 66例 and 1542例 should look alike.
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
# Outside Chinese, jieba and rjieba group Latin, digits and symbols differently
# (COVID-19 vs COVID, -, 19); re-splitting those tokens makes both give the same terms.
LATIN_WORD = re.compile(r"[a-z]+|0")
WORD_RUN = re.compile(r"[\w]+")


class Analyzer:
    """Turn a sentence into terms: words (``核酸检测``), adjacent word pairs
    (``全员 核酸检测``), character n-grams marked with ``#`` (``#核酸``) and the
    character pairs of the sentence's opening marked with ``^`` (``^严格``).

    ``word_ngrams`` and ``char_ngrams`` are inclusive ``(min, max)`` ranges; ``None``
    turns a kind off. ``prefix`` is how many opening characters give ``^`` terms
    (0: none); they let a linear model see which measure a sentence names first, which
    the guide makes the primary one.
    """

    def __init__(self, word_ngrams=(1, 2), char_ngrams=(1, 3), segmenter="auto", prefix=0):
        self.word_ngrams = tuple(word_ngrams) if word_ngrams else None
        self.char_ngrams = tuple(char_ngrams) if char_ngrams else None
        self.prefix = int(prefix)
        self.segmenter = segmenter if isinstance(segmenter, Segmenter) else Segmenter(segmenter)

    def config(self) -> dict:
        """What a model file records to rebuild this analyzer (the backend is not part
        of it: every backend gives the same terms)."""
        return {"word_ngrams": list(self.word_ngrams) if self.word_ngrams else None,
                "char_ngrams": list(self.char_ngrams) if self.char_ngrams else None,
                "prefix": self.prefix}

    @classmethod
    def from_config(cls, config: dict, segmenter="auto") -> "Analyzer":
        return cls(config.get("word_ngrams"), config.get("char_ngrams"), segmenter, config.get("prefix", 0))

    @staticmethod
    def _prepare(sentence: str, cleaned: bool = False) -> str:
        # Sentences cut from cleaned text are already normalised (a property test holds
        # this), so tagging skips that step. A sentence given alone is one line: a line
        # break in it (a paragraph's, from text split on 。) is a space, not a term
        # ("^\n" made the opening pairs of "\n全市…" other than those of "全市…").
        return _NUMBER.sub("0", (sentence if cleaned else normalize_sentence(sentence)).lower())

    def read_as(self, sentence: str) -> str:
        """A sentence as the model reads it: normalised (Simplified characters, half-width
        punctuation, markup and web addresses gone), lower case, every number as 0."""
        return self._prepare(sentence)

    def words(self, sentence: str) -> list[str]:
        """The words of a sentence as the model sees them (normalised, numbers as 0)."""
        return self._words(self._prepare(sentence))

    def _words(self, text: str) -> list[str]:
        words = []
        for token in self.segmenter.words(text):
            if HAN.search(token):
                words.append(token)
            else:
                words.extend(LATIN_WORD.findall(token))
        return words

    def __call__(self, sentence: str) -> list[str]:
        terms: list[str] = []
        text = self._prepare(sentence)
        if self.word_ngrams:
            words = self._words(text)
            low, high = self.word_ngrams
            for n in range(low, high + 1):
                terms.extend(" ".join(words[i:i + n]) for i in range(len(words) - n + 1))
        if self.char_ngrams:
            low, high = self.char_ngrams
            for run in WORD_RUN.findall(text):
                for n in range(low, high + 1):
                    terms.extend("#" + run[i:i + n] for i in range(len(run) - n + 1))
        if self.prefix:
            opening = text[:self.prefix]
            terms.extend("^" + opening[i:i + 2] for i in range(len(opening) - 1))
        return terms

    def foreign_term(self, terms) -> str | None:
        """The first of ``terms`` (an array of strings: a model's vocabulary) that this
        analyzer never makes, or None: a model file whose analyzer was edited by hand
        reads its sentences otherwise than its weights were fitted on."""
        terms = np.asarray(terms, dtype=str)
        kinds, sizes = terms.astype("U1"), np.char.str_len(terms) - 1
        chars, pairs = kinds == "#", kinds == "^"
        words = ~(chars | pairs)
        made = np.zeros(len(terms), dtype=bool)
        if self.char_ngrams:
            low, high = self.char_ngrams
            made |= chars & (sizes >= low) & (sizes <= high)
        if self.prefix >= 2:
            made |= pairs & (sizes == 2)
        if self.word_ngrams:
            low, high = self.word_ngrams
            count = np.char.count(terms, " ") + 1
            made |= words & (count >= low) & (count <= high)
        foreign = np.flatnonzero(~made)
        return str(terms[foreign[0]]) if foreign.size else None

    def __repr__(self) -> str:
        return (f"Analyzer(word_ngrams={self.word_ngrams}, char_ngrams={self.char_ngrams}, "
                f"segmenter={self.segmenter.backend!r}, prefix={self.prefix})")
