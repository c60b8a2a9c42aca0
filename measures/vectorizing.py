"""From sentences to terms as integers, in bulk: for tagging and for training.

:class:`measures.features.Analyzer` builds every term as a string, which is the
reference definition of the terms. Building ~4 strings per character and looking them up
one by one is most of the time tagging or training takes, so here the same terms are
found as integer keys, a batch at a time: character n-grams and the opening character
pairs are code points packed 21 bits apiece, words are small integer ids from a memo of
the segmenter's tokens, word pairs are two ids packed in one integer. Only segmentation
and one dictionary look-up per distinct token stay in Python.

:class:`TermIndex` maps the keys of a batch to a model's vocabulary (tagging);
:func:`count_terms` counts them into a term-count matrix and names each column with the
analyzer's string for it (training). Tests check both against the analyzer's strings.
"""
from __future__ import annotations

import re
from itertools import chain
from typing import Sequence

import numpy as np

from .cleaning import HAN
from .features import LATIN_WORD, Analyzer

__all__ = ["TermIndex", "count_terms"]

_BITS = 21                      # every Unicode code point fits in 21 bits
_MASK = (1 << _BITS) - 1
_BREAK = -2                     # the word id of the line break between two sentences
_NON_WORD = re.compile(r"\W")   # the complement of the runs char n-grams are taken from
WORD, PAIR, CHAR, OPENING = "word", "pair", "char", "opening"


def supports(analyzer: Analyzer) -> bool:
    """Whether the integer keys cover this analyzer's settings (character n-grams up to
    3, word n-grams up to 2); otherwise its strings are used."""
    return ((not analyzer.char_ngrams or analyzer.char_ngrams[1] <= 3)
            and (not analyzer.word_ngrams or analyzer.word_ngrams[1] <= 2))


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


def _key_texts(mark: str, keys: np.ndarray, n: int) -> list[str]:
    """``mark`` + the ``n`` characters of each packed key."""
    codes = np.empty((len(keys), n + 1), dtype="<u4")
    codes[:, 0] = ord(mark)
    for k in range(n):
        codes[:, k + 1] = (keys >> (_BITS * (n - 1 - k))) & _MASK
    return codes.view(f"<U{n + 1}").ravel().tolist()


class _Words:
    """Word ids of the segmenter's tokens, through a memo of every token seen.

    ``grow=False`` (tagging): a word outside ``ids`` is -1. ``grow=True`` (training):
    it gets the next id. Outside Chinese the analyzer re-splits tokens into letters and
    0s, so a token can stand for several words, or none (punctuation)."""

    def __init__(self, ids: dict[str, int], grow: bool):
        self.ids, self.grow = ids, grow
        self._known: dict[str, tuple[int, ...]] = {word: (i,) for word, i in ids.items()}
        self._known["\n"] = (_BREAK,)
        self._memo = dict(self._known)
        self._limit = len(self._known) + 200_000

    def _id(self, word: str) -> int:
        return self.ids.setdefault(word, len(self.ids)) if self.grow else self.ids.get(word, -1)

    def _resolve(self, token: str) -> tuple[int, ...]:
        if HAN.search(token):
            return (self._id(token),)
        return tuple(self._id(piece) for piece in LATIN_WORD.findall(token))

    def __call__(self, segmenter, texts) -> tuple[np.ndarray, np.ndarray]:
        """(sentence row, word id) of every word of ``texts``.

        The batch is segmented in one call, sentences joined by line breaks: the
        segmenters cut Chinese runs independently of what lies outside them, so the
        words are those of each sentence, and the line breaks mark the rows."""
        joined = "\n".join(texts)
        if joined.count("\n") != len(texts) - 1:  # a line break inside a sentence is only a space to words
            joined = "\n".join(t.replace("\n", " ") for t in texts)
        tokens = segmenter.words(joined)
        memo = self._memo
        resolved: list = list(map(memo.get, tokens))  # every None is filled below
        for i in [i for i, r in enumerate(resolved) if r is None]:
            token = tokens[i]
            found = memo.get(token)  # seen earlier in this batch
            resolved[i] = found if found is not None else memo.setdefault(token, self._resolve(token))
        if not self.grow and len(memo) > self._limit:  # unseen words of a long run: start afresh
            self._memo = dict(self._known)
        lengths = np.fromiter(map(len, resolved), dtype=np.int64, count=len(resolved))
        ids = np.fromiter(chain.from_iterable(resolved), dtype=np.int64, count=int(lengths.sum()))
        boundary = ids == _BREAK
        return np.cumsum(boundary)[~boundary], ids[~boundary]


def _term_keys(analyzer: Analyzer, texts: Sequence[str], words: _Words):
    """Yield ``(kind, rows, keys)``: every term occurrence of the prepared ``texts``
    (unknown words, id -1, and pairs with one are left out)."""
    if not texts:  # the joins below assume a text at least
        return
    if analyzer.word_ngrams:
        row, word = words(analyzer.segmenter, texts)
        low, high = analyzer.word_ngrams
        if low <= 1:
            known = word >= 0
            yield WORD, row[known], word[known]
        if high >= 2 and len(word) > 1:
            a, b = word[:-1], word[1:]
            pair = np.flatnonzero((a >= 0) & (b >= 0) & (row[:-1] == row[1:]))
            yield PAIR, row[pair], (a[pair] << 32) | b[pair]
    if not (analyzer.char_ngrams or analyzer.prefix):
        return
    lengths = np.fromiter((len(t) for t in texts), dtype=np.int64, count=len(texts))
    joined = "\x00".join(texts) + "\x00"
    row = np.repeat(np.arange(len(texts), dtype=np.int64), lengths + 1)
    if analyzer.char_ngrams:
        # Non-word characters become 0, so an n-gram is valid where no 0 falls in it.
        codes = np.frombuffer(_NON_WORD.sub("\x00", joined).encode("utf-32-le"), dtype=np.uint32)
        codes = codes.astype(np.int64)
        valid = codes != 0
        low, high = analyzer.char_ngrams
        span_ok = valid.copy()
        for n in range(1, high + 1):
            if n > 1:
                span_ok = span_ok[:-1] & valid[n - 1:]
            if n >= low:
                starts = np.flatnonzero(span_ok)
                yield CHAR, row[starts], _pack(codes, starts, n)
    if analyzer.prefix:
        codes = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32).astype(np.int64)
        first = np.concatenate([[0], np.cumsum(lengths + 1)[:-1]])
        offset = np.arange(len(codes), dtype=np.int64) - np.repeat(first, lengths + 1)
        limit = np.minimum(lengths, analyzer.prefix)
        starts = np.flatnonzero(offset[:-1] + 1 < np.repeat(limit, lengths + 1)[:-1])
        yield OPENING, row[starts], _pack(codes, starts, 2)


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
    """A model vocabulary's look-up of an analyzer's terms, a batch at a time."""

    def __init__(self, vocabulary: dict[str, int], analyzer: Analyzer):
        self.analyzer = analyzer
        ids: dict[str, int] = {}
        entries: dict[str, list[tuple[int, int]]] = {WORD: [], PAIR: [], CHAR: [], OPENING: []}
        strings = []
        # A term the analyzer never makes (in a hand-edited vocabulary: four characters
        # after "#", three words) is left out: it could never be matched, and its key would
        # not fit the table's integers.
        for term, j in vocabulary.items():
            if term[:1] == "#":
                if 1 <= len(term) - 1 <= 3:
                    entries[CHAR].append((_text_key(term[1:]), j))
            elif term[:1] == "^":
                if len(term) == 3:
                    entries[OPENING].append((_text_key(term[1:]), j))
            elif len(words := term.split(" ")) <= 2 and all(words):
                strings.append((words, j))
        # A word pair needs both its words seen, so the words of unigrams and pairs have
        # ids for every pair in the vocabulary.
        for words, j in strings:
            parts = [ids.setdefault(word, len(ids)) for word in words]
            if len(parts) == 1:
                entries[WORD].append((parts[0], j))
            else:
                entries[PAIR].append(((parts[0] << 32) | parts[1], j))
        self.words = _Words(ids, grow=False)
        self.tables = {kind: _Table(pairs) for kind, pairs in entries.items()}

    def __call__(self, sentences: Sequence[str], cleaned: bool = False) -> tuple[np.ndarray, np.ndarray]:
        """(row, term) arrays: one pair per occurrence of a known term. ``cleaned``:
        the sentences come from :func:`measures.cleaning.clean` text."""
        texts = [self.analyzer._prepare(s, cleaned) for s in sentences]
        rows, terms = [np.zeros(0, dtype=np.int64)], [np.zeros(0, dtype=np.int64)]
        for kind, row, keys in _term_keys(self.analyzer, texts, self.words):
            known, found = self.tables[kind].find(keys)
            rows.append(row[known])
            terms.append(found)
        return np.concatenate(rows), np.concatenate(terms)


def count_terms(analyzer: Analyzer, sentences: Sequence[str]):
    """``(counts, terms)``: a CSR matrix of term counts, one row a sentence, and the
    analyzer's string for each column, columns in string order (as scikit-learn's
    CountVectorizer(analyzer=analyzer) gives them)."""
    from scipy.sparse import csr_matrix

    texts = [analyzer._prepare(s) for s in sentences]
    words = _Words({}, grow=True)
    parts = list(_term_keys(analyzer, texts, words))
    by_id = list(words.ids)
    names: list[str] = []
    rows, columns = [], []
    for kind, row, keys in parts:
        unique, inverse = np.unique(keys, return_inverse=True)
        if kind == WORD:
            names.extend(by_id[k] for k in unique.tolist())
        elif kind == PAIR:
            names.extend(f"{by_id[k >> 32]} {by_id[k & 0xFFFFFFFF]}" for k in unique.tolist())
        elif kind == CHAR:  # keys of n characters lie in [2**(21*(n-1)), 2**(21*n))
            for n in (1, 2, 3):
                size = unique[(unique >= (1 << _BITS * (n - 1)) - (n == 1)) & (unique < 1 << _BITS * n)]
                names.extend(_key_texts("#", size, n))
        else:
            names.extend(_key_texts("^", unique, 2))
        rows.append(row)
        columns.append(inverse.ravel() + (len(names) - len(unique)))
    # Column order: the terms' string order, as CountVectorizer's.
    order = sorted(range(len(names)), key=names.__getitem__)
    rank = np.empty(len(names), dtype=np.int64)
    rank[order] = np.arange(len(names))
    row = np.concatenate(rows) if rows else np.zeros(0, dtype=np.int64)
    column = rank[np.concatenate(columns)] if columns else np.zeros(0, dtype=np.int64)
    counts = csr_matrix((np.ones(len(row), dtype=np.float32), (row, column)),
                        shape=(len(sentences), len(names)))
    counts.sum_duplicates()
    return counts, [names[i] for i in order]
