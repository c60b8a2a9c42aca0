"""Charts of category summaries with matplotlib (an optional extra: ``plot``).

    >>> doc.summary().plot()                                   # one document
    >>> measures.plot_comparison([doc_a, doc_b, doc_c])        # documents × categories

matplotlib is imported only when a chart is drawn, so ``import measures`` never loads it.
Category names are drawn in Chinese with their ids (``核酸检测 testing``) when a font that
has the characters is installed (the configured one, else a known CJK family); without
one the charts show the ids alone instead of empty boxes.
"""
from __future__ import annotations

import functools
import math

from .inputs import counted, flag_argument
from .labels import LABELS, zh_name
from .summary import as_summary, fit_name, share_table, share_text, shown_names

__all__ = ["plot_summary", "plot_comparison"]

#: CJK font families tried, in order, when the configured font lacks Chinese characters.
CJK_FAMILIES = (
    "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "Source Han Sans CN",
    "WenQuanYi Zen Hei", "WenQuanYi Micro Hei", "Droid Sans Fallback", "SimHei",
    "Microsoft YaHei", "PingFang SC", "Hiragino Sans GB", "Heiti SC", "STHeiti",
    "Noto Serif CJK SC", "Source Han Serif SC", "SimSun", "Songti SC", "AR PL UMing CN",
    "AR PL UKai CN", "Arial Unicode MS",
)
_SAMPLE = "".join(label.zh for label in LABELS)


def _pyplot():
    try:
        import matplotlib.pyplot as plt
    except ImportError:
        raise ImportError("measures' charts need matplotlib: pip install matplotlib (or, in a checkout, pip install '.[plot]')") from None
    return plt


def _covers(path, text: str) -> bool:
    try:
        from matplotlib import font_manager

        # get_font, not FT2Font: a path into a font collection (.ttc) names one of its faces
        font = font_manager.get_font(path)
        return all(font.get_char_index(ord(c)) for c in set(text))
    except Exception:  # unreadable or unsupported font file: not usable
        return False


@functools.lru_cache(maxsize=1)
def _cjk_font():
    """FontProperties that draw the Chinese label names, or None when no installed font
    has them. The configured font is kept when it has them."""
    from matplotlib import font_manager

    configured = font_manager.FontProperties()
    try:
        if _covers(font_manager.findfont(configured, fallback_to_default=True), _SAMPLE):
            return configured
    except Exception:
        pass
    # By family, not by file: one collection file holds the Japanese, Korean and Chinese
    # faces of a family, and bold and regular are files of the same family; findfont picks
    # the regular face of the family asked for.
    names = {entry.name for entry in font_manager.fontManager.ttflist}
    candidates = [family for family in CJK_FAMILIES if family in names]
    candidates += sorted(name for name in names if "CJK" in name and name not in candidates)
    for family in candidates:
        font = font_manager.FontProperties(family=family)
        try:
            path = font_manager.findfont(font, fallback_to_default=False)
        except ValueError:
            continue
        if _covers(path, _SAMPLE):
            return font
    return None


def _tick_labels(labels, font):
    if font is None:
        return list(labels)
    return [label if zh_name(label) == label else f"{zh_name(label)} {label}" for label in labels]


def _set_ticks(axis, positions, labels, font, **kwargs):
    axis.set_ticks(positions)
    axis.set_ticklabels(_tick_labels(labels, font), fontproperties=font, **kwargs)


def _check_axes(ax) -> None:
    """A TypeError for an ``ax`` that is no matplotlib Axes, rather than one from inside."""
    from matplotlib.axes import Axes

    if ax is not None and not isinstance(ax, Axes):
        raise TypeError(f"ax must be a matplotlib Axes (plt.subplots()[1]) or None, not {type(ax).__name__}")


def plot_summary(summary, ax=None, include_other: bool = False, sort: bool = False):
    """A horizontal bar chart of one document's category shares.

    ``summary`` is a :class:`~measures.summary.Summary` or a tagged Document. One bar per
    category in label-set order (``sort=True``: largest share first), each annotated with
    its sentence count; ``other`` only with ``include_other``. Draws on ``ax`` (a new
    figure if None) and returns the matplotlib Axes.
    """
    plt = _pyplot()
    from matplotlib.ticker import PercentFormatter

    summary = as_summary(summary)
    labels, _, rows = share_table([summary], include_other)
    sort = flag_argument(sort, "sort")
    _check_axes(ax)
    own_figure = ax is None
    if own_figure:
        _, ax = plt.subplots(figsize=(7, 1.2 + 0.32 * len(labels)))
    held = not own_figure and ax.has_data()  # a chart drawn there before, whose bars stay in view
    shares = rows[0]
    if sort:
        order = sorted(range(len(labels)), key=lambda k: -shares[k])
        labels, shares = [labels[k] for k in order], [shares[k] for k in order]
    positions = list(range(len(labels)))
    bars = ax.barh(positions, shares, color="#4C72B0")
    for bar, label in zip(bars, labels):
        count = summary.categories[label].count
        if count:
            ax.annotate(str(count), (bar.get_width(), bar.get_y() + bar.get_height() / 2),
                        xytext=(3, 0), textcoords="offset points", va="center", fontsize=8)
    font = _cjk_font()
    _set_ticks(ax.yaxis, positions, labels, font)
    if not ax.yaxis_inverted():  # first category on top; a second call on this ax does not flip it back
        ax.invert_yaxis()
    ax.set_xlim(0, max(max(shares, default=0) * 1.15, 0.05, ax.get_xlim()[1] if held else 0))
    ax.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=None))  # 2.5% is not "2%"
    ax.set_xlabel("share of sentences")
    # a document's name is often Chinese (通告.txt): drawn in the font that has its glyphs;
    # a long one cut at its start, as tables cut names, so that its end and the count show
    name = fit_name(summary.source, TITLE_COLUMNS) if summary.source else "document"
    ax.set_title(f"{name} ({counted(summary.sentences, 'sentence')})", fontproperties=font)
    if own_figure:
        ax.figure.tight_layout()
    return ax


#: Terminal columns (a Chinese character is two) of a document's name in a chart's title:
#: what a 7-inch figure holds beside the sentence count.
TITLE_COLUMNS = 52

#: Documents side by side in one heat map at most.
MAX_COMPARED = 60


def plot_comparison(summaries, ax=None, include_other: bool = False, annotate: bool = True):
    """A heat map of category shares: one row per category, one column per document.

    ``summaries`` are Summaries or tagged Documents. Cells are annotated with their share
    in percent (``annotate=False`` leaves them blank). Draws on ``ax`` (a new figure if
    None) and returns the matplotlib Axes; its image is ``ax.images[0]``.
    """
    plt = _pyplot()
    from matplotlib.ticker import PercentFormatter

    labels, names, rows = share_table(summaries, include_other)
    annotate = flag_argument(annotate, "annotate")
    _check_axes(ax)
    if not rows:
        raise ValueError("plot_comparison needs at least one summary")
    if len(rows) > MAX_COMPARED:  # a 280-document figure was 44,000 pixels wide and took 1 GB
        raise ValueError(f"plot_comparison draws at most {MAX_COMPARED} documents, got {len(rows)}: plot a "
                         "selection, or compare many with summaries_frame() or the HTML report")
    own_figure = ax is None
    if own_figure:
        # the colorbar in a column of its own: tight_layout() then makes room for its ticks and
        # label; in the share of the heat map's cell that colorbar(ax=ax) takes, a figure of 1 to
        # 3 documents was too narrow for them and "share of sentences" was cut off at its edge
        _, (ax, colorbar_ax) = plt.subplots(1, 2, figsize=(2.5 + 1.3 * len(names), 1.2 + 0.32 * len(labels)),
                                            width_ratios=(1.3 * len(names), 0.2))
    # rows: categories; columns: documents; NaN (left blank) where a document's model has
    # no such category
    matrix = [[math.nan if row[k] is None else row[k] for row in rows] for k in range(len(labels))]
    top = max((v for r in matrix for v in r if v == v), default=0) or 1.0
    cmap = plt.get_cmap("Blues").with_extremes(bad="#e5e7eb")  # grey, not the white of a share of 0
    image = ax.imshow(matrix, cmap=cmap, vmin=0, vmax=top, aspect="auto")
    if annotate:
        for k, line in enumerate(matrix):
            for j, share in enumerate(line):
                ax.text(j, k, "—" if share != share else share_text(share), ha="center", va="center", fontsize=8,
                        color="white" if share > 0.6 * top else "black")
    font = _cjk_font()
    _set_ticks(ax.yaxis, range(len(labels)), labels, font)
    ax.set_xticks(range(len(names)))
    ax.set_xticklabels(shown_names(names, 24), rotation=30, ha="right", fontproperties=font)
    ax.figure.colorbar(image, **({"cax": colorbar_ax} if own_figure else {"ax": ax}),
                       format=PercentFormatter(1.0, decimals=None), label="share of sentences")
    ax.set_title("category shares by document")
    if own_figure:
        ax.figure.tight_layout()
    return ax
