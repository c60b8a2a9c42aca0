"""A self-contained HTML report of tagged documents.

One HTML file, with no network access needed to view it: inline CSS, inline SVG charts and
a few lines of inline JavaScript that only add tap-to-see tooltips (the page reads fully
without it; the same information is in each sentence's ``title``). Every piece of document
text is HTML-escaped, so a document containing markup shows it as text.

    >>> from measures.report import render_report, write_report
    >>> html = render_report([model.tag(text, source="speech.txt")], title="本周文件")
    >>> write_report(documents, "report.html")          # written atomically
"""
from __future__ import annotations

import datetime
import os
from html import escape
from typing import Iterable, Sequence

from .cleaning import text_name
from .labels import LABEL_IDS, OTHER, zh_name
from .summary import share_text, shown_names

__all__ = ["COLORS", "render_report", "write_report"]

#: One colour a label, in label-set order; sentences are tinted with a light mix of it.
#: Chosen so that every two tints differ by a CIE76 distance of 10 or more (a test holds
#: it): 14 tints of a light mix cannot all differ by much, and the legend's filter is the
#: sure way to tell them apart.
COLORS: dict[str, str] = {
    "testing": "#1e69f0",
    "isolation_transfer": "#c3002d",
    "disinfection": "#0fb496",
    "supply": "#e14b2d",
    "medical_treatment": "#d269f0",
    "community_control": "#7869c3",
    "tracing": "#b45a78",
    "vaccination": "#0fa53c",
    "border_import": "#69a500",
    "case_report": "#0087d2",
    "organization": "#5a690f",
    "publicity": "#d2871e",
    "economy": "#e10087",
    OTHER: "#9aa3ad",
}
_FALLBACK = "#6b7280"
# How much of the label colour goes into a sentence's background (the rest is white).
_TINT = 0.26
# Other scores shown in a tooltip besides the sentence's own labels.
_RUNNERS_UP = 2

_FONTS = ('-apple-system, BlinkMacSystemFont, "Segoe UI", Roboto, "Helvetica Neue", Arial, '
          '"Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Hiragino Sans GB", '
          '"Microsoft YaHei", "WenQuanYi Micro Hei", sans-serif')


def _color(label: str) -> str:
    return COLORS.get(label, _FALLBACK)


def _tint(hex_color: str, amount: float = _TINT) -> str:
    rgb = [int(hex_color[i:i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(255 - (255 - c) * amount):02x}" for c in rgb)


def _labels_of(documents: Sequence) -> list[str]:
    """The labels to show: the label set's, then any others of a Document built by hand
    (a model's labels are the guide's)."""
    seen = list(LABEL_IDS)
    for document in documents:
        for label in document.labels or ():
            if label not in seen:
                seen.append(label)
    return seen


# --- pieces -------------------------------------------------------------------------------

def _css(labels: Sequence[str]) -> str:
    rules = []
    for label in labels:
        color = _color(label)
        if label == OTHER:
            rules.append(f".c-{label}{{--c:{color}}}")
            continue
        rules.append(f".c-{label}{{--c:{color};background:{_tint(color)};"
                     f"border-bottom-color:{color}}}")
    return _BASE_CSS.replace("FONTS", _FONTS) + "\n".join(rules)


def _legend(labels: Sequence[str], counts: dict[str, int]) -> str:
    # each a button: 14 light tints cannot all be told apart at a glance, and showing one
    # category's sentences alone can; with how many sentences it picks out (0: none)
    items = "".join(
        f'<li><button type="button" class="key" data-only="{escape(label)}" aria-pressed="false" '
        f'title="{counts.get(label, 0)} 句 sentences"><span class="sw" style="background:'
        f'{_tint(_color(label), 0.45)};border-color:{_color(label)}"></span>{escape(zh_name(label))} '
        f'<code>{escape(label)}</code><span class="n">{counts.get(label, 0)}</span></button></li>'
        for label in labels)
    return (f'<section class="card legend" aria-label="图例 legend"><h2>图例 <small>Legend</small></h2>'
            f'<ul>{items}</ul><p class="hint">句子按主要类别着色；次要类别以句末圆点标出。'
            f'悬停或轻触句子可查看全部标签与得分；点击类别只突出含该类别的句子，再点一次恢复。 '
            f'Sentences are coloured by their primary category; dots mark further labels. Hover '
            f'or tap a sentence for its labels and scores; click a category to pick out the '
            f'sentences that have it, and again to show all.</p></section>')


def _text_width(text: str, size: int = 14) -> float:
    """Roughly how wide ``text`` is in pixels: CJK characters are square, others about half."""
    return sum(size if ord(ch) >= 0x2E80 else size * 0.6 for ch in text)


def _bar_chart(summary, labels: Sequence[str]) -> str:
    rows = [(label, summary.categories[label]) for label in labels
            if label in summary.categories and summary.categories[label].count]
    rows.sort(key=lambda item: (item[0] == OTHER, -item[1].count))
    if not rows:
        return '<p class="empty">没有句子 (no sentences)</p>'
    # Drawn at the size it is shown (the chart column is at most 340 px wide), so its text
    # is as large as the page's; the name column fits the longest name.
    bar_h, gap, right, width = 20, 7, 78, 340
    left = min(max(_text_width(zh_name(label)) for label, _ in rows), 150) + 12
    height = len(rows) * (bar_h + gap) + gap
    span = width - left - right
    top_share = max(c.share for _, c in rows) or 1.0
    parts = [f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" '
             f'preserveAspectRatio="xMinYMin meet" aria-label="类别占比 category shares">']
    for k, (label, c) in enumerate(rows):
        y = gap + k * (bar_h + gap)
        w = max(span * c.share / top_share, 2)
        mid = y + bar_h / 2
        parts.append(
            f'<g class="bar" data-label="{escape(label)}"><title>{escape(zh_name(label))} {escape(label)}: '
            f'{c.count} 句, {escape(share_text(c.share))}</title>'
            f'<text x="{left - 8}" y="{mid:.1f}" class="name" text-anchor="end" '
            f'dominant-baseline="central">{escape(zh_name(label))}</text>'
            f'<rect x="{left}" y="{y}" width="{w:.1f}" height="{bar_h}" rx="3" '
            f'fill="{_color(label)}"/>'
            f'<text x="{left + w + 8:.1f}" y="{mid:.1f}" class="value" '
            f'dominant-baseline="central">{escape(share_text(c.share))} · {c.count}</text></g>')
    parts.append("</svg>")
    return "".join(parts)


def _tooltip(index: int, sentence, classes: Sequence[str]) -> str:
    scores = sentence.scores
    # the reader's count from 1; "sentence" is the number tag's CSV and JSON give it, from 0
    lines = [f"第 {index} 句 · sentence {index - 1}"]
    lines += [f"{zh_name(label)} {label}: {scores.get(label, 0.0):.2f}" for label in sentence.labels]
    others = sorted((label for label in classes if label not in sentence.labels),
                    key=lambda label: -scores.get(label, 0.0))[:_RUNNERS_UP]
    if others:
        # "not given", not "below threshold": a label over its threshold is left out when
        # the sentence reads as other in its document, or past the most labels a sentence gets
        lines.append("未给出 not given: " + ", ".join(
            f"{zh_name(label)} {scores.get(label, 0.0):.2f}" for label in others))
    return "\n".join(lines)


def _sentences(document) -> str:
    if not document.sentences:
        return '<p class="empty">没有句子 (no sentences)</p>'
    classes = list(document.labels) or list(LABEL_IDS)
    paragraphs: list[list[str]] = []
    current: list[str] = []
    previous_end = None
    starts = None if document.line_starts is None else set(document.line_starts)
    for index, sentence in enumerate(document.sentences, start=1):
        # A paragraph ends at a line break of the document; when the document does not
        # say where those are (streamed in pieces), at any gap between sentences.
        new = (index - 1 in starts if starts is not None
               else previous_end is not None and sentence.start > previous_end)
        if new and current:
            paragraphs.append(current)
            current = []
        previous_end = sentence.end
        dots = "".join(f'<i class="dot" style="background:{_color(label)}"></i>'
                       for label in sentence.labels[1:])
        current.append(
            f'<span class="s c-{escape(sentence.primary)}" data-primary="{escape(sentence.primary)}" '
            f'data-labels="{escape("|".join(sentence.labels))}" '
            f'title="{escape(_tooltip(index, sentence, classes))}">{escape(sentence.text)}{dots}</span>')
    paragraphs.append(current)
    return "".join(f"<p>{''.join(p)}</p>" for p in paragraphs)


def _document(number: int, document, summary, labels: Sequence[str]) -> str:
    name = document.source or f"文档 {number}"
    top = [f'<span class="tag" style="border-color:{_color(label)}">{escape(zh_name(label))} '
           f'{escape(share_text(c.share))}</span>' for label, c in summary.top(3)]
    return (f'<section class="card doc" id="doc-{number}"><h2><span class="num">{number}</span>'
            f'{escape(name)}</h2><p class="meta">{summary.sentences} 句 sentences'
            f'{" · 主要措施 " if top else ""}{"".join(top)}</p>'
            f'<div class="grid"><figure><figcaption>类别占比 <small>Share of sentences by '
            f'category</small></figcaption>{_bar_chart(summary, labels)}</figure>'
            f'<div class="text" lang="zh-Hans">{_sentences(document)}</div></div></section>')


def _two_lines(name: str) -> str:
    """A four-character name that may break in the middle (核酸<wbr>检测) when the table is tight."""
    if len(name) == 4:
        return f"{escape(name[:2])}<wbr>{escape(name[2:])}"
    return escape(name)


def _table(documents: Sequence, summaries: Sequence, labels: Sequence[str]) -> str:
    head = "".join(f'<th scope="col" title="{escape(label)}"><span class="sw" style="background:'
                   f'{_color(label)}"></span>{_two_lines(zh_name(label))}</th>' for label in labels)
    rows = []
    names = [document.source or f"文档 {number}" for number, document in enumerate(documents, start=1)]
    for number, (summary, name, shown) in enumerate(zip(summaries, names, shown_names(names, 26)), start=1):
        cells = []
        for label in labels:
            c = summary.categories.get(label)
            if c is None:  # the document's model has no such category: no measured 0
                cells.append(f'<td data-label="{escape(label)}" class="na" title="该文档的模型无此类别 '
                             f'the model that tagged this document has no such category">n/a</td>')
                continue
            share = c.share
            alpha = min(share / 0.4, 1.0) * 0.85
            style = (f' style="background:rgba(38,84,160,{alpha:.2f});'
                     f'{"color:#fff" if alpha > 0.45 else ""}"' if share else "")
            cells.append(f'<td data-label="{escape(label)}"{style}>{escape(share_text(share)) if share else "–"}</td>')
        rows.append(f'<tr><th scope="row" title="{escape(name)}"><a href="#doc-{number}">{escape(shown)}</a></th>'
                    f'<td class="n">{summary.sentences}</td>{"".join(cells)}</tr>')
    return (f'<section class="card overview"><h2>文档 × 类别 <small>Documents × categories '
            f'(share of sentences)</small></h2><div class="scroll"><table class="heat">'
            f'<thead><tr><th scope="col">文档 document</th><th scope="col">句数</th>{head}</tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table></div></section>')


def _documents(documents) -> list:
    """Tagged documents as a list: one Document alone is a report of one."""
    from .document import Document

    if isinstance(documents, Document):
        return [documents]
    from .inputs import iterable_argument

    documents = list(iterable_argument(documents, "tagged documents (model.tag(text))",
                                       one="for one text: model.tag(text) first"))
    bad = next((i for i, d in enumerate(documents) if not isinstance(d, Document)), None)
    if bad is not None:
        raise TypeError(f"documents[{bad}] is {type(documents[bad]).__name__}, not a tagged Document (model.tag(text))")
    return documents


def render_report(documents: Iterable, title: str | None = None) -> str:
    """The report of tagged :class:`~measures.document.Document` objects as one HTML page:
    a colour legend, then per document a bar chart of category shares and its text with
    every sentence highlighted by its primary category; with several documents, a
    document × category table comes first."""
    from . import __version__

    if title is not None and not isinstance(title, str):
        raise TypeError(f"title must be a string, got {type(title).__name__} {title!r:.40}")
    if title is not None and not title.strip():  # not the default in its place, unasked
        raise ValueError("title is blank: give one, or None for the default")
    documents = _documents(documents)
    summaries = [document.summary(examples=0) for document in documents]
    labels = _labels_of(documents)
    # a title from the command line may hold undecodable bytes, as a file's name may
    title = "防控措施报告 · Policy measures report" if title is None else text_name(title)
    total = sum(s.sentences for s in summaries)
    stamp = datetime.datetime.now().strftime("%Y-%m-%d %H:%M")
    body = [f'<header><h1>{escape(title)}</h1><p class="meta">{len(documents)} 份文档 documents · '
            f'{total} 句 sentences · measures {escape(__version__)} · {stamp}</p></header>',
            _legend([label for label in labels if any(label in s.categories for s in summaries)]
                    or labels, {label: sum(s.categories[label].count for s in summaries if label in s.categories)
                                for label in labels})]
    if len(documents) > 1:
        body.append(_table(documents, summaries, [label for label in labels if label != OTHER]))
    if not documents:
        body.append('<p class="empty">没有文档 (no documents)</p>')
    body += [_document(number, document, summary, labels)
             for number, (document, summary) in enumerate(zip(documents, summaries), start=1)]
    return (f'<!DOCTYPE html>\n<html lang="zh-Hans"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f'<meta name="generator" content="measures {escape(__version__)}">'
            f'<title>{escape(title)}</title><style>{_css(labels)}</style></head>'
            f'<body><main>{"".join(body)}</main><div id="tip" role="tooltip" hidden></div>'
            f'<script>{_SCRIPT}</script></body></html>\n')


def write_report(documents: Iterable, path, title: str | None = None) -> None:
    """Write :func:`render_report` to ``path`` (UTF-8), atomically; ``None`` or ``"-"``:
    standard output. A path that would replace a file one of the documents was read from,
    or a folder holding one, is refused (OutputError), as on the command line."""
    from .inputs import path_argument
    from .outputs import check_not_input, open_output

    if path is not None and path != "-":
        path_argument(path, "report path")
    documents = _documents(documents)
    # a source that is no file (a name given to a text) has nothing to lose
    check_not_input(path, [d.source for d in documents if d.source and os.path.isfile(d.source)])
    html = render_report(documents, title=title)
    with open_output(path) as stream:
        stream.write(html)


_BASE_CSS = """
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;background:#f4f5f7;color:#1f2933;font-family:FONTS;font-size:16px;line-height:1.6}
main{max-width:1120px;margin:0 auto;padding:24px 20px 48px}
header h1{font-size:26px;line-height:1.3;margin:8px 0 4px;font-weight:700;letter-spacing:.01em}
h2{font-size:18px;margin:0 0 12px;font-weight:700;line-height:1.4;overflow-wrap:anywhere}
small{font-weight:400;color:#6b7785;font-size:.8em}
.meta{color:#5b6673;margin:0 0 16px;font-size:14px}
.card{background:#fff;border:1px solid #e3e6ea;border-radius:10px;padding:18px 20px;margin:0 0 18px;
box-shadow:0 1px 2px rgba(16,24,40,.04)}
.legend ul{list-style:none;margin:0;padding:0;display:grid;grid-template-columns:repeat(auto-fill,minmax(215px,1fr));
gap:6px 16px}
.legend li{min-width:0}
.key{font:inherit;font-size:14px;color:inherit;background:none;border:0;border-radius:5px;padding:2px 4px;
margin:0 -4px;width:100%;display:flex;align-items:center;gap:6px;white-space:nowrap;min-width:0;cursor:pointer;
text-align:left}
.key:hover{background:#f4f5f7}
.key .n{margin-left:auto;padding-left:6px;color:#6b7785;font-size:12px;font-variant-numeric:tabular-nums}
.key[aria-pressed="true"]{background:#e8ebef;box-shadow:inset 0 0 0 1px #9aa3ad}
.s.dim{background:none;border-bottom-color:transparent;color:#8a94a0}
.s.dim .dot{opacity:.35}
.legend code{color:#6b7785;font-size:11.5px;overflow:hidden;text-overflow:ellipsis}
.hint{color:#6b7785;font-size:13px;margin:12px 0 0}
.sw{display:inline-block;width:14px;height:14px;border-radius:3px;border:2px solid transparent;flex:none;
vertical-align:-2px;margin-right:4px}
.scroll{overflow-x:auto;-webkit-overflow-scrolling:touch}
table.heat{border-collapse:collapse;font-size:13px;min-width:100%}
.heat th,.heat td{padding:6px 5px;border-bottom:1px solid #edf0f3;text-align:center;white-space:nowrap}
.heat thead th{font-weight:600;color:#3e4a57;vertical-align:bottom;white-space:normal;word-break:keep-all;
line-height:1.35}
.heat thead .sw{width:10px;height:10px;border:0;display:block;margin:0 auto 4px}
.heat tbody th{text-align:left;font-weight:500;max-width:190px;white-space:normal;overflow-wrap:anywhere;padding-left:0}
.heat tbody th,.heat thead th:first-child{position:sticky;left:0;background:#fff;z-index:1}
.heat td.n{color:#5b6673}
.heat td.na{color:#9aa3ad;font-size:11px}
.heat a{color:#1f4fa3;text-decoration:none}
.heat a:hover{text-decoration:underline}
.doc h2 .num{display:inline-block;min-width:26px;height:26px;line-height:26px;border-radius:13px;background:#1f2933;
color:#fff;text-align:center;font-size:14px;margin-right:10px;vertical-align:1px;padding:0 6px}
.tag{display:inline-block;border-left:4px solid;padding:0 6px;margin:0 4px;background:#f4f5f7;border-radius:3px;
font-size:13px;color:#3e4a57}
.grid{display:grid;grid-template-columns:minmax(260px,340px) 1fr;gap:24px;align-items:start}
figure{margin:0;position:sticky;top:12px}
figcaption{font-size:14px;font-weight:600;color:#3e4a57;margin-bottom:6px}
svg.chart{width:100%;max-width:400px;height:auto;display:block;font-family:FONTS}
svg.chart .name{font-size:14px;fill:#1f2933}
svg.chart .value{font-size:12.5px;fill:#5b6673}
.text{font-size:16.5px;line-height:2;text-align:justify;overflow-wrap:anywhere}
.text p{margin:0 0 .9em}
.s{border-bottom:2px solid transparent;border-radius:2px;padding:1px 0;margin-right:2px;cursor:help;
-webkit-box-decoration-break:clone;box-decoration-break:clone}
.s:hover,.s.on{outline:2px solid var(--c,#9aa3ad);outline-offset:1px}
.dot{display:inline-block;width:8px;height:8px;border-radius:50%;margin:0 1px 0 3px;vertical-align:2px}
.empty{color:#6b7785;font-style:italic}
#tip{position:absolute;z-index:10;max-width:min(360px,92vw);background:#1f2933;color:#fff;font-size:13px;
line-height:1.5;padding:8px 10px;border-radius:6px;white-space:pre-line;box-shadow:0 4px 14px rgba(0,0,0,.2);
pointer-events:none}
@media (max-width:760px){
main{padding:14px 10px 32px}
header h1{font-size:21px}
.card{padding:14px 12px;border-radius:8px}
.grid{grid-template-columns:1fr;gap:14px}
figure{position:static}
.text{font-size:16px;line-height:1.9;text-align:left}
.legend ul{grid-template-columns:repeat(auto-fill,minmax(140px,1fr))}
.legend code{display:none}
.heat tbody th{max-width:120px;min-width:110px}
}
@media print{body{background:#fff}.card{box-shadow:none;break-inside:avoid-page}figure{position:static}}
"""

# Tooltips on hover and tap. The text stays readable and each sentence keeps its
# information without this: it only moves the ``title`` into a styled, tappable box.
_SCRIPT = """(function(){var tip=document.getElementById('tip'),cur=null;
function show(el){if(cur)cur.classList.remove('on');cur=el;el.classList.add('on');tip.textContent=el.dataset.tip;
tip.hidden=false;var r=el.getBoundingClientRect(),x=window.scrollX+r.left,y=window.scrollY+r.bottom+6;
tip.style.left=Math.max(6,Math.min(x,window.scrollX+document.documentElement.clientWidth-tip.offsetWidth-6))+'px';
tip.style.top=y+'px';}
function hide(){if(cur)cur.classList.remove('on');cur=null;tip.hidden=true;}
document.querySelectorAll('.s[title]').forEach(function(el){el.dataset.tip=el.title;el.removeAttribute('title');
el.addEventListener('mouseenter',function(){show(el);});el.addEventListener('mouseleave',hide);
el.addEventListener('click',function(e){e.stopPropagation();show(el);});});
document.addEventListener('click',hide);
function only(label){document.querySelectorAll('.key').forEach(function(k){
k.setAttribute('aria-pressed',String(k.dataset.only===label));});
document.querySelectorAll('.s').forEach(function(el){
el.classList.toggle('dim',label!==null&&el.dataset.labels.split('|').indexOf(label)<0);});
try{history.replaceState(null,'',label===null?location.pathname+location.search:'#only='+encodeURIComponent(label));}
catch(e){}}
document.querySelectorAll('.key').forEach(function(k){k.addEventListener('click',function(e){
e.stopPropagation();hide();only(k.getAttribute('aria-pressed')==='true'?null:k.dataset.only);});});
var m=/^#only=(.+)$/.exec(location.hash),label=null;if(m){try{label=decodeURIComponent(m[1]);}catch(e){}}
if(label!==null&&Array.prototype.some.call(document.querySelectorAll('.key'),function(k){
return k.dataset.only===label;}))only(label);})();"""
