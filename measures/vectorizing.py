"""From sentences to (sentence, term) index pairs, in bulk.

:class:`measures.features.Analyzer` builds every term as a string, which is what
scikit-learn's vectorizer needs at training time. Tagging needs only the indices of the
terms in the model's vocabulary, and building ~4 strings per character to look them up
one by one is most of the time a document takes. :class:`TermIndex` finds the same
indices without the strings: character n-grams and the opening pairs become integers
(code points packed 21 bits apiece) looked up with one ``searchsorted`` per batch, and
words become small integer ids whose adjacent pairs are looked up the same way. Only the
segmenter and a dictionary look-up per word stay in Python. The result equals looking up
``Analyzer(sentence)`` term by term; a test checks that.
"""
from __future__ import annotations

import re
from itertools import chain
from typing import Sequence

import numpy as np

from .cleaning import HAN
from .features import _LATIN, Analyzer

__all__ = ["TermIndex"]

_BITS = 21                      # every Unicode code point fits in 21 bits
_BREAK = -2                     # the word id of the line break between two sentences
_NON_WORD = re.compile(r"\W")   # the complement of the runs char n-grams are taken from


def _pack(codes: np.ndarray, starts: np.ndarray, n: int) -> np.ndarray:
    key = codes[starts]
    for k in range(1, n):
        key = (key << _BITS) | codes[starts + k]
    return key


def _text_key(text: str) -> int:
    key = 0
    for char in text:
        key = (key << _BITS) | ord(char)
    return key


class _Table:
    """A sorted integer key -> term index map, looked up in bulk."""

    def __init__(self, pairs: list[tuple[int, int]]):
        pairs.sort()
        self.keys = np.array([k for k, _ in pairs], dtype=np.int64)
        self.terms = np.array([t for _, t in pairs], dtype=np.int64)

    def find(self, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(positions in ``keys`` that are known, their term indices)."""
        if not len(self.keys) or not len(keys):
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        at = np.minimum(np.searchsorted(self.keys, keys), len(self.keys) - 1)
        known = np.flatnonzero(self.keys[at] == keys)
        return known, self.terms[at[known]]


class TermIndex:
    """Vocabulary look-up for an :class:`Analyzer`'s terms, vectorised over a batch.

    ``supports(analyzer)`` tells whether the analyzer's settings are covered (character
    n-grams up to 3, word n-grams up to 2); :class:`measures.model.Model` falls back to
    the analyzer's strings otherwise.
    """

    def __init__(self, vocabulary: dict[str, int], analyzer: Analyzer):
        self.analyzer = analyzer
        self.word_ids: dict[str, int] = {}
        unigrams, bigrams, chars, openings = [], [], [], []
        for term, j in vocabulary.items():
            if term[0] == "#":
                chars.append((_text_key(term[1:]), j))
            elif term[0] == "^":
                openings.append((_text_key(term[1:]), j))
            elif " " in term:
                bigrams.append((term, j))
            else:
                unigrams.append((term, j))
        # A word pair needs both words seen, so ids for the words of unigrams and pairs
        # cover every pair in the vocabulary.
        for term, _ in unigrams + bigrams:
            for word in term.split(" "):
                self.word_ids.setdefault(word, len(self.word_ids))
        self.unigram_term = np.full(len(self.word_ids) + 1, -1, dtype=np.int64)  # id -1 -> last
        for term, j in unigrams:
            self.unigram_term[self.word_ids[term]] = j
        n = len(self.word_ids)
        self.n_words = n
        self.bigrams = _Table([(self.word_ids[a] * n + self.word_ids[b], j)
                               for a, b, j in ((*term.split(" "), j) for term, j in bigrams)])
        self.chars = _Table(chars)
        self.openings = _Table(openings)
        # token -> its word ids, for every token seen; "\n" separates sentences
        self._known = {word: (i,) for word, i in self.word_ids.items()}
        self._known["\n"] = (_BREAK,)
        self._memo = dict(self._known)
        self._memo_limit = len(self._known) + 200_000

    @staticmethod
    def supports(analyzer: Analyzer) -> bool:
        return ((not analyzer.char_ngrams or analyzer.char_ngrams[1] <= 3)
                and (not analyzer.word_ngrams or analyzer.word_ngrams[1] <= 2))

    def __call__(self, sentences: Sequence[str], cleaned: bool = False) -> tuple[np.ndarray, np.ndarray]:
        """(row, term) arrays: one pair per occurrence of a known term. ``cleaned``:
        the sentences come from :func:`measures.cleaning.clean` text."""
        analyzer = self.analyzer
        texts = [analyzer._prepare(s, cleaned) for s in sentences]
        rows, terms = [], []
        if analyzer.word_ngrams:
            self._words(texts, rows, terms)
        if analyzer.char_ngrams or analyzer.prefix:
            self._chars(texts, rows, terms)
        if not rows:
            empty = np.zeros(0, dtype=np.int64)
            return empty, empty
        return np.concatenate(rows), np.concatenate(terms)

    def _word_ids(self, texts) -> tuple[np.ndarray, np.ndarray]:
        """(sentence row, word id) of every word, -1 for words outside the vocabulary.

        The batch is segmented in one call, sentences joined by line breaks: the
        segmenters cut Chinese runs independently of what lies outside them, so the
        words are those of each sentence, and the line breaks mark the rows."""
        joined = "\n".join(texts)
        if joined.count("\n") != len(texts) - 1:  # a line break inside a sentence is only a space to words
            joined = "\n".join(t.replace("\n", " ") for t in texts)
        tokens = self.analyzer.segmenter.cut(joined)
        memo = self._memo
        resolved = list(map(memo.get, tokens))
        for i in [i for i, r in enumerate(resolved) if r is None]:
            resolved[i] = memo[tokens[i]] = self._resolve(tokens[i])
        if len(memo) > self._memo_limit:  # unseen words of a long run: start afresh
            self._memo = dict(self._known)
        lengths = np.fromiter(map(len, resolved), dtype=np.int64, count=len(resolved))
        ids = np.fromiter(chain.from_iterable(resolved), dtype=np.int64, count=int(lengths.sum()))
        boundary = ids == _BREAK
        return np.cumsum(boundary)[~boundary], ids[~boundary]

    def _resolve(self, token: str) -> tuple[int, ...]:
        if HAN.search(token):
            return (-1,)
        # outside Chinese the analyzer re-splits tokens into letters and 0s
        return tuple(self.word_ids.get(piece, -1) for piece in _LATIN.findall(token))

    def _words(self, texts, rows, terms):
        row, word = self._word_ids(texts)
        low, high = self.analyzer.word_ngrams
        if low <= 1:
            found = self.unigram_term[word]  # -1 indexes the trailing -1
            keep = found >= 0
            rows.append(row[keep])
            terms.append(found[keep])
        if high >= 2 and len(word) > 1:
            a, b = word[:-1], word[1:]
            pair = np.flatnonzero((a >= 0) & (b >= 0) & (row[:-1] == row[1:]))
            known, found = self.bigrams.find(a[pair] * self.n_words + b[pair])
            rows.append(row[pair[known]])
            terms.append(found)

    def _chars(self, texts, rows, terms):
        lengths = np.fromiter((len(t) for t in texts), dtype=np.int64, count=len(texts))
        joined = "\x00".join(texts) + "\x00"
        row = np.repeat(np.arange(len(texts), dtype=np.int64), lengths + 1)
        if self.analyzer.char_ngrams:
            # Non-word characters become 0, so an n-gram is valid where no 0 falls in it.
            codes = np.frombuffer(_NON_WORD.sub("\x00", joined).encode("utf-32-le"), dtype=np.uint32)
            codes = codes.astype(np.int64)
            valid = codes != 0
            low, high = self.analyzer.char_ngrams
            span_ok = valid.copy()
            for n in range(1, high + 1):
                if n > 1:
                    span_ok = span_ok[:-1] & valid[n - 1:]
                if n >= low:
                    starts = np.flatnonzero(span_ok)
                    known, found = self.chars.find(_pack(codes, starts, n))
                    rows.append(row[starts[known]])
                    terms.append(found)
        if self.analyzer.prefix:
            codes = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32).astype(np.int64)
            first = np.concatenate([[0], np.cumsum(lengths + 1)[:-1]])
            offset = np.arange(len(codes), dtype=np.int64) - np.repeat(first, lengths + 1)
            limit = np.minimum(lengths, self.analyzer.prefix)
            starts = np.flatnonzero(offset[:-1] + 1 < np.repeat(limit, lengths + 1)[:-1])
            known, found = self.openings.find(_pack(codes, starts, 2))
            rows.append(row[starts[known]])
            terms.append(found)
