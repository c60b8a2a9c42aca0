"""Per-document category summaries, and several documents side by side."""
from __future__ import annotations

import heapq
import os
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Iterator, Sequence

from .inputs import CONTROL, counted, flag_argument, is_whole, iterable_argument
from .labels import LABEL_IDS, OTHER, zh_name

if TYPE_CHECKING:
    import pandas as pd

    from .document import Document

__all__ = ["CategorySummary", "Summary", "summarize", "compare", "summaries_frame"]


@dataclass(frozen=True)
class CategorySummary:
    """How much of a document one category covers."""

    count: int
    share: float
    examples: tuple[str, ...] = ()

    def to_dict(self) -> dict:
        return {"count": self.count, "share": round(self.share, 4), "examples": list(self.examples)}


@dataclass(frozen=True)
class Summary:
    """Category counts of one document. ``categories`` holds every label of the model,
    in label-set order, so summaries of different documents line up column for column.
    A sentence with several labels counts once for each of them."""

    source: str | None
    sentences: int
    # compared, not hashed (a dict has no hash): summaries can go in a set
    categories: dict[str, CategorySummary] = field(default_factory=dict, hash=False)

    def to_dict(self, *, source: bool = True) -> dict:
        """The summary as JSON-ready values; ``source=False`` leaves out the document's
        name, for a record that gives it already (``measures tag``'s)."""
        named = {"source": self.source} if source else {}
        return {**named, "sentences": self.sentences,
                "categories": {label: c.to_dict() for label, c in self.categories.items()}}

    def top(self, n: int | None = None, include_other: bool = False) -> list[tuple[str, CategorySummary]]:
        """Categories present in the document, most frequent first (the first ``n`` of
        them when ``n`` is given); categories of equal counts in the label set's order."""
        if n is not None and not is_whole(n, 1):
            raise ValueError(f"n must be a whole number, 1 or more, or None, not {n!r}")
        include_other = flag_argument(include_other, "include_other")  # "false" is true to `if`
        items = [(label, c) for label, c in self.categories.items()
                 if c.count and (include_other or label != OTHER)]
        items.sort(key=lambda item: -item[1].count)
        return items[:n]

    def to_frame(self) -> pd.DataFrame:
        """A pandas DataFrame, one row per category (needs pandas)."""
        try:
            import pandas as pd
        except ImportError:  # pragma: no cover - depends on the user's environment
            raise ImportError("Summary.to_frame() needs pandas: pip install pandas (or, in a checkout, pip install '.[pandas]')") from None
        rows = [{"category": label, "name": zh_name(label), "count": c.count, "share": c.share,
                 "examples": list(c.examples)} for label, c in self.categories.items()]
        return pd.DataFrame(rows).set_index("category")

    def plot(self, ax=None, include_other: bool = False, sort: bool = False):
        """A horizontal bar chart of category shares (needs matplotlib): see
        :func:`~measures.charts.plot_summary`."""
        from .charts import plot_summary

        return plot_summary(self, ax=ax, include_other=include_other, sort=sort)

    def __str__(self) -> str:
        title = one_line(self.source) if self.source else "document"
        lines = [f"{title}: {counted(self.sentences, 'sentence')}"]
        rows = self.top(include_other=True)
        if not rows:
            lines.append("  (no sentences)")
        for label, c in rows:
            lines.append(f"  {_fit(f'{zh_name(label)} {label}', 28, right=False)} {c.count:>4}  {share_text(c.share, 1):>6}")
            for example in c.examples[:1]:
                lines.append(f"      e.g. {_shorten(example)}")
        return "\n".join(lines)


def _shorten(text: str, width: int = 60) -> str:
    return text if len(text) <= width else text[:width - 1] + "…"


class SummaryBuilder:
    """Builds a :class:`Summary` sentence by sentence, keeping only counts and the
    ``examples`` most confident sentences per category, so a document of any length
    is summarised in bounded memory."""

    def __init__(self, labels: Sequence[str] = (), examples: int = 3, source: str | None = None):
        if not is_whole(examples, 0):
            raise ValueError(f"examples must be a whole number, 0 or more, not {examples!r}")
        self.labels = tuple(labels) or LABEL_IDS
        self.examples, self.source = examples, source
        self.sentences = 0
        self.counts = dict.fromkeys(self.labels, 0)
        self._best: dict[str, list] = {label: [] for label in self.labels}

    def add(self, sentence) -> None:
        for label in sentence.labels:
            if label not in self.counts:
                continue
            self.counts[label] += 1
            if self.examples:
                # the most probable first; among equals, the earliest
                item = (sentence.scores.get(label, 0.0), -self.sentences, sentence.text)
                best = self._best[label]
                if any(text == sentence.text for *_, text in best):
                    continue  # a sentence repeated (a bulletin's formula) is one example, the first
                if len(best) < self.examples:
                    heapq.heappush(best, item)
                elif item > best[0]:
                    heapq.heapreplace(best, item)
        self.sentences += 1

    def build(self) -> Summary:
        total = self.sentences
        return Summary(self.source, total, {
            label: CategorySummary(count=self.counts[label],
                                   share=self.counts[label] / total if total else 0.0,
                                   examples=tuple(text for *_, text in sorted(self._best[label], reverse=True)))
            for label in self.labels})


def summarize(document, examples: int = 3) -> Summary:
    builder = SummaryBuilder(document.labels, examples, document.source)
    for sentence in document.sentences:
        builder.add(sentence)
    return builder.build()


def compare(summaries: Sequence[Summary | Document], include_other: bool = False) -> str:
    """A text table of category shares, one column per document (summaries or tagged
    documents); "—" where a document's model has no such category."""
    summaries = summary_list(summaries)
    if not summaries:
        return ""
    labels, names, rows = share_table(summaries, include_other)
    header = _fit("category", 30, right=False) + "".join("  " + _fit(name, 14) for name in shown_names(names, 14))
    lines = [header, "-" * _columns(header)]
    for k, label in enumerate(labels):
        cells = "".join(f"{'—' if row[k] is None else share_text(row[k], 1):>16}" for row in rows)
        lines.append(_fit(f"{zh_name(label)} {label}", 30, right=False) + cells)
    lines.append(_fit("sentences", 30, right=False) + "".join(f"{s.sentences:>16}" for s in summaries))
    return "\n".join(lines)


def _columns(text: str) -> int:
    """Terminal columns ``text`` takes: Chinese characters are two wide."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _fit(text: str, width: int, right: bool = True) -> str:
    """``text`` padded to ``width`` terminal columns. Too wide, it is cut: right-aligned
    text loses its start to "…" (the end of a file name tells documents apart), left-
    aligned text its end."""
    if _columns(text) > width:
        while _columns(text) > width - 1:
            text = text[1:] if right else text[:-1]
        text = "…" + text if right else text + "…"
    pad = " " * (width - _columns(text))
    return pad + text if right else text + pad


def fit_name(name: str, width: int) -> str:
    """A document's name in at most ``width`` terminal columns: whole when it fits, else
    cut at its start (its end, the file name, tells documents apart)."""
    return _fit(one_line(name), width).strip()


def one_line(name: str) -> str:
    """A document's name as one line of a title or a table: its line breaks, tabs and
    terminal escapes (a JSONL id may hold any) shown as spaces, so that none passes for a
    line of the output's own or reaches the terminal."""
    return CONTROL.sub(" ", name)


def share_text(share: float, decimals: int | None = None) -> str:
    """A share as a percentage with ``decimals`` decimals, by default whole percents and
    one decimal below 10% (so that a measure with one sentence in 300 is not shown as 0%);
    a share that would round to 0% or 100% without being it is shown as under or over
    the nearest figure that can be shown (<0.1%, >99%; >99.9% with a decimal)."""
    if decimals is None:
        decimals = 0 if share >= 0.095 or share == 0 else 1
    if 0 < share and f"{share * 100:.{decimals}f}" == f"{0:.{decimals}f}":
        return f"<{10 ** -decimals:.{decimals}f}%"
    if share < 1 and f"{share * 100:.{decimals}f}" == f"{100:.{decimals}f}":
        return f">{100 - 10 ** -decimals:.{decimals}f}%"
    return f"{share * 100:.{decimals}f}%"


def shown_names(names: Sequence[str], width: int) -> list[str]:
    """Document names for columns ``width`` terminal columns wide, each document told apart:
    the folder all of them share left out; a name too long cut at its start (the end, the
    file name, usually tells documents apart); names that still look alike (files of one
    series, differing by a date at their start) shown by where they differ; and names
    still the same (records that share a source) numbered."""
    names = [one_line(name) for name in names]
    shared = os.path.commonprefix(list(names)) if len(names) > 1 else names[0] if names else ""
    cut = shared.rfind("/") + 1
    names = [name[cut:] or name for name in names]
    shown = [_fit(name, width).strip() for name in names]
    groups: dict[str, list[int]] = {}
    for k, text in enumerate(shown):
        groups.setdefault(text, []).append(k)
    for members in groups.values():
        different = sorted({names[k] for k in members})
        if len(different) < 2:
            continue
        start = len(os.path.commonprefix(different))
        end = len(os.path.commonprefix([name[::-1] for name in different]))
        for k in members:
            name = names[k]
            core = name[max(0, start - 4):max(start + 1, len(name) - end + 4)]
            text = ("…" if start > 4 else "") + core + ("…" if end > 4 else "")
            shown[k] = _fit(text, width, right=False).strip()
    total = Counter(shown)
    seen: Counter = Counter()
    for k, text in enumerate(shown):
        if total[text] > 1:
            seen[text] += 1
            shown[k] = _fit(text, width - 4 - len(str(seen[text]))).strip() + f" ({seen[text]})"
    return shown


def as_summary(item, examples: int = 3) -> Summary:
    """``item`` if it is a :class:`Summary`, else the summary of a tagged document (with
    ``examples`` sentences a category)."""
    if isinstance(item, Summary):
        return item
    if callable(getattr(item, "summary", None)):
        return item.summary(examples)
    hint = " (a record of measures tag's JSON: Document.from_dict(record))" if isinstance(item, dict) else ""
    raise TypeError(f"expected a Summary or a tagged Document, got {type(item).__name__}{hint}")


def summaries_of(items, examples: int = 3) -> Iterator[Summary]:
    """The summaries of several summaries or tagged documents, one at a time as they are
    asked for. One of them alone is refused, now: a document iterates over its
    sentences, which are neither."""
    if isinstance(items, Summary) or callable(getattr(items, "summary", None)):
        raise TypeError("expected a list of summaries or tagged documents, not one ([a, b])")
    return (as_summary(item, examples) for item in iterable_argument(items, "a list of summaries or tagged documents"))


def summary_list(items) -> list[Summary]:
    """The summaries of several summaries or tagged documents, as a list."""
    return list(summaries_of(items))


def share_table(items, include_other: bool = False, values: str = "share"):
    """``(labels, names, rows)`` of several documents: the label ids in label-set order,
    one name per document (its source, else ``docN``) and per document one row of
    category shares (or counts, with ``values="count"``) in label order; None where the
    document's model has no such category (trained without it), which is no measured 0.
    Documents are summarised one at a time, without examples, and only their figures
    kept: a corpus given as a generator is not held."""
    if values not in ("share", "count"):
        raise ValueError(f"values must be 'share' or 'count', not {values!r}")
    include_other = flag_argument(include_other, "include_other")  # "false" is true to `if`
    figures = [(s.source, {label: getattr(c, values) for label, c in s.categories.items()})
               for s in summaries_of(items, examples=0)]
    # every document's categories: models trained on other label sets list others
    present = {label for _, row in figures for label in row}
    labels = [label for label in LABEL_IDS
              if (label in present or not figures) and (include_other or label != OTHER)]
    names = [source or f"doc{i + 1}" for i, (source, _) in enumerate(figures)]
    rows = [[row.get(label) for label in labels] for _, row in figures]
    return labels, names, rows


def summaries_frame(documents_or_summaries, include_other: bool = True, values: str = "share"):
    """A pandas DataFrame with one row per document (indexed by its source) and one
    column per category id, holding the category's share of the document's sentences
    (or its sentence count, with ``values="count"``); NaN (``<NA>`` for counts) where a
    document's model has no such category. Needs pandas."""
    try:
        import pandas as pd
    except ImportError:
        raise ImportError("summaries_frame() needs pandas: pip install pandas (or, in a checkout, pip install '.[pandas]')") from None
    labels, names, rows = share_table(documents_or_summaries, include_other, values)
    frame = pd.DataFrame(rows, index=pd.Index(names, name="source"),
                         columns=pd.Index(labels, name="category"))
    missing = any(value is None for row in rows for value in row)
    return frame.astype(float if values == "share" else "Int64" if missing else int)
