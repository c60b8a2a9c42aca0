"""The HTML report: its markup, the ``measures report`` command, and the page as a real
browser (headless Chromium) renders it."""
import dataclasses
import itertools
import json
import math
import os
import re
import shutil
import struct
import subprocess
import zlib
from html import escape
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import EXAMPLES, run_cli
from measures.document import Document, Sentence
from measures.labels import LABEL_IDS, label_info
from measures.outputs import OutputError
from measures.report import render_report, write_report

DOCUMENTS = sorted(EXAMPLES.glob("*.txt"))
# The few HTML names the report is built from, and nothing a document could smuggle in.
OWN_TAGS = {"html", "head", "meta", "title", "style", "body", "main", "header", "h1", "h2", "p",
            "small", "section", "ul", "li", "span", "code", "div", "table", "thead", "tbody", "tr",
            "th", "td", "a", "figure", "figcaption", "svg", "g", "text", "rect", "i", "wbr", "script", "button"}


class Page(HTMLParser):
    """What the tests look at in a report: its sentences (attributes and text), charts,
    the rows of the overview table, the legend's text and every tag used."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.sentences, self.charts, self.table_rows, self.tags, self.attributes = [], 0, 0, set(), set()
        self.legend, self._stack, self._sentence, self._depth = "", [], None, 0
        self.keys = []  # the legend's buttons
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        classes = (attrs.get("class") or "").split()
        self.tags.add(tag)
        self.attributes.update(attrs)
        if tag not in ("meta", "rect"):  # the void elements the report uses
            self._stack.append(classes)
        if tag == "span" and "s" in classes:
            self._sentence = dict(attrs, text="")
            self.sentences.append(self._sentence)
            self._depth = len(self._stack)
        if tag == "button" and "key" in classes:
            self.keys.append(attrs)
        if tag == "svg" and "chart" in classes:
            self.charts += 1
        if tag == "tr" and any("overview" in c for c in self._stack):
            self.table_rows += 1

    def handle_endtag(self, tag):
        if self._sentence is not None and tag == "span" and len(self._stack) == self._depth:
            self._sentence = None
        if self._stack and tag not in ("meta", "rect"):
            self._stack.pop()

    def handle_data(self, data):
        if self._sentence is not None:
            self._sentence["text"] += data
        if any("legend" in c for c in self._stack):
            self.legend += data


def _document(*sentences, source="doc.txt"):
    """A Document made by hand: ``(text, labels)`` pairs, scores 0.9 for the labels."""
    made, at = [], 0
    for text, labels in sentences:
        scores = {label: (0.9 if label in labels else 0.05) for label in LABEL_IDS}
        made.append(Sentence(text, at, at + len(text), tuple(labels), scores))
        at += len(text) + 1
    return Document(made, source, LABEL_IDS)


def test_every_sentence_is_one_element_with_its_category(model):
    document = model.tag(DOCUMENTS[0].read_text("utf-8"), source=DOCUMENTS[0].name)
    page = Page(render_report([document]))
    assert [s["text"] for s in page.sentences] == [s.text for s in document.sentences]
    for shown, sentence in zip(page.sentences, document.sentences):
        assert shown["data-primary"] == sentence.primary
        assert shown["data-labels"] == "|".join(sentence.labels)
        assert f"c-{sentence.primary}" in shown["class"].split()
        for label in sentence.labels:  # the tooltip names every label with its score
            assert f"{label_info(label).zh} {label}: {sentence.scores[label]:.2f}" in shown["title"]
    # numbered from 1 for readers, beside the number tag's CSV and JSON give it (from 0)
    assert [s["title"].split("\n")[0] for s in page.sentences[:2]] == ["第 1 句 · sentence 0", "第 2 句 · sentence 1"]


def test_the_tooltip_calls_the_labels_left_out_not_given_whatever_their_scores():
    document = _document(("会议强调，各级党组织要切实担起责任。", ["other"]))
    document.sentences[0].scores["organization"] = 0.68  # over its threshold, left out as other is primary
    (shown,) = Page(render_report([document])).sentences
    assert "未给出 not given: 组织保障 0.68" in shown["title"] and "threshold" not in shown["title"]


def test_document_text_is_escaped_everywhere():
    evil = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    document = _document((f"全市开展核酸检测{evil}。", ["testing"]), ("</span></p><b>粗体", ["other"]),
                         source=f'"><svg onload=alert(2)>{evil}')
    html = render_report([document, document], title=f"标题{evil}")
    page = Page(html)
    assert page.tags <= OWN_TAGS
    assert not [name for name in page.attributes if name.startswith("on")]  # no event handlers
    assert html.count("<script") == 1 and "<img" not in html and "<b>" not in html
    assert [s["text"] for s in page.sentences] == [s.text for s in document.sentences] * 2
    assert f"<title>标题{escape(evil)}</title>" in html and f'title="{escape(document.source)}"' in html
    # the table shows the name's end, numbered: two documents share it
    assert f"{escape(document.source[-12:])} (1)</a>" in html and f"{escape(document.source[-12:])} (2)</a>" in html


def test_a_title_of_undecodable_bytes_is_written_as_a_file_name_would_be(tmp_path):
    # `--title` typed in a GBK terminal: Python gives its bytes as lone surrogates
    title = "本周".encode("gbk").decode("utf-8", "surrogateescape")
    write_report([_document(("全市开展核酸检测。", ["testing"]))], tmp_path / "r.html", title=title)
    assert "<h1>本周</h1>" in (tmp_path / "r.html").read_text("utf-8")


def test_legend_chart_and_chinese_names():
    document = _document(("全市开展核酸检测。", ["testing"]), ("对密接人员集中隔离。", ["isolation_transfer", "tracing"]),
                         ("大家下午好。", ["other"]))
    html = render_report([document])
    page = Page(html)
    for label in LABEL_IDS:
        assert label_info(label).zh in page.legend and label in page.legend
    # each key says how many sentences it picks out, primary or further label
    counts = {key["data-only"]: key["title"] for key in page.keys}
    assert counts["tracing"] == counts["testing"] == "1 句 sentences" and counts["supply"] == "0 句 sentences"
    assert page.charts == 1
    assert html.count('<g class="bar"') == 4  # testing, isolation_transfer, tracing, other
    assert "核酸检测" in html and '"Noto Sans CJK SC"' in html and "PingFang SC" in html
    assert 'name="viewport"' in html and "@media (max-width" in html
    assert page.table_rows == 0  # one document: no overview table
    assert "http://" not in html and "https://" not in html  # nothing fetched from the network


def test_a_measure_of_one_sentence_in_thousands_is_shown_as_present():
    long = _document(*[("大家下午好。", ["other"])] * 2500, ("全市开展核酸检测。", ["testing"]), source="long.txt")
    short = _document(("全市开展核酸检测。", ["testing"]), source="short.txt")
    html = render_report([long, short])
    assert Page(html).table_rows == 3
    cells = re.findall(r'<td data-label="testing"[^>]*>([^<]*)</td>', html)
    assert cells == ["&lt;0.1%", "100%"]  # a share too small for one decimal, not 0.0%
    assert "&gt;99% · 2500" in html  # other's bar: not all of the document, so not 100%
    assert "<0.1" not in html and "0.0%" not in html


def test_several_documents_get_the_overview_table(model):
    documents = [model.tag(path.read_text("utf-8"), source=path.name) for path in DOCUMENTS]
    page = Page(render_report(documents, title="三份文件"))
    assert page.table_rows == 1 + len(documents)  # header and one row a document
    assert page.charts == len(documents)
    assert len(page.sentences) == sum(len(d) for d in documents)


def test_the_table_names_documents_by_what_tells_them_apart(model):
    # the folder they share is left out; a long name keeps its end, whole in the tooltip
    long = "/data/corpus/2022/关于进一步做好疫情防控和复工复产工作的补充通知.txt"
    names = ["/data/corpus/2020/dxy_10488.txt", "/data/corpus/2020/dxy_1030.txt", long]
    html = render_report([model.tag("全市开展全员核酸检测。", source=name) for name in names])
    shown = re.findall(r'<th scope="row" title="([^"]*)"><a href="#doc-\d+">([^<]*)</a>', html)
    assert shown[:2] == [(names[0], "2020/dxy_10488.txt"), (names[1], "2020/dxy_1030.txt")]
    assert shown[2][0] == long and shown[2][1].startswith("…") and shown[2][1].endswith("补充通知.txt")


def test_empty_input_still_renders():
    html = render_report([_document(source="empty.txt")])
    assert Page(html).sentences == [] and Page(html).charts == 0 and "no sentences" in html
    assert "no documents" in render_report([])


def test_write_report_is_atomic_and_readable(tmp_path):
    target = tmp_path / "out" / "report.html"
    target.parent.mkdir()
    umask = os.umask(0o022)
    try:
        write_report([_document(("全市开展核酸检测。", ["testing"]))], target)
    finally:
        os.umask(umask)
    assert target.read_text("utf-8").startswith("<!DOCTYPE html>")
    assert [p.name for p in target.parent.iterdir()] == ["report.html"]  # no temporary file left
    assert target.stat().st_mode & 0o777 == 0o644  # as any file the user writes, not a temporary file's 0600


# --- the command --------------------------------------------------------------------------

def test_report_command(tmp_path):
    out = tmp_path / "report.html"
    result = run_cli("report", *DOCUMENTS, "-o", out, "--title", "本周<文件>")
    assert result.returncode == 0, result.stderr.decode()
    html = out.read_text("utf-8")
    assert "<title>本周&lt;文件&gt;</title>" in html
    page = Page(html)
    assert page.table_rows == 1 + len(DOCUMENTS) and page.charts == len(DOCUMENTS)


@pytest.mark.parametrize("title", ["", " "])
def test_report_refuses_a_blank_title(tmp_path, title):
    out = tmp_path / "report.html"
    result = run_cli("report", *DOCUMENTS, "-o", out, "--title", title)
    assert result.returncode == 2 and not out.exists()
    assert "--title: is empty: give a title, or leave --title out for the default" in result.stderr.decode()


def test_report_names_bad_files_and_reports_the_others(tmp_path):
    bad = tmp_path / "scan.txt"
    bad.write_bytes(bytes(range(256)) * 10)
    out = tmp_path / "report.html"
    result = run_cli("report", DOCUMENTS[0], bad, tmp_path / "missing.txt", "-o", out)
    assert result.returncode == 1
    err = result.stderr.decode()
    assert "scan.txt: binary" in err and "missing.txt: no such file" in err
    assert str(DOCUMENTS[0]) in out.read_text("utf-8")
    nothing = run_cli("report", tmp_path / "missing.txt", "-o", tmp_path / "none.html")
    assert nothing.returncode == 1 and not (tmp_path / "none.html").exists()


def test_a_corpus_of_no_documents_is_no_failure(tmp_path):
    # as tag (no output) and suggest (a header): an empty JSONL corpus is read, not failed
    empty = tmp_path / "corpus.jsonl"
    empty.write_text("\n\n", "utf-8")
    results = {command: run_cli(command, empty, *extra) for command, extra in
               (("tag", ["--format", "jsonl"]), ("report", ["-o", tmp_path / "r.html"]), ("suggest", []))}
    assert {command: result.returncode for command, result in results.items()} == {"tag": 0, "report": 0, "suggest": 0}
    assert results["tag"].stdout == b"" and results["suggest"].stdout.decode().startswith("text\t")
    assert Page((tmp_path / "r.html").read_text("utf-8")).sentences == []


def test_report_usage():
    assert run_cli("report", DOCUMENTS[0]).returncode == 2  # -o is required
    text = run_cli("report", "--help").stdout.decode()
    assert "measures report" in text and "--title" in text and "--model" in text


# --- in a real browser --------------------------------------------------------------------

def _chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found:
        return found
    reason = "headless Chromium is not installed (Debian: apt-get install chromium)"
    if os.environ.get("MEASURES_REQUIRE_BROWSER") == "1":
        pytest.fail(f"{reason}, and MEASURES_REQUIRE_BROWSER=1 requires it")
    pytest.skip(reason)


def _browser(report: Path, profile: Path, *args, fragment: str = "") -> subprocess.CompletedProcess:
    command = [_chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
               "--no-first-run", "--disable-background-networking", "--disable-component-update",
               "--disable-sync", "--host-resolver-rules=MAP * ~NOTFOUND", f"--user-data-dir={profile}",
               *args, report.as_uri() + fragment]
    # its crash reports and settings go to the profile's folder, not the user's home
    home = {"HOME": str(profile), "XDG_CONFIG_HOME": str(profile / "config"), "XDG_CACHE_HOME": str(profile / "cache")}
    result = subprocess.run(command, capture_output=True, timeout=180, env={**os.environ, **home})
    assert result.returncode == 0, result.stderr.decode(errors="replace")[-2000:]
    return result


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    out = tmp_path_factory.mktemp("report") / "report.html"
    result = run_cli("report", *DOCUMENTS, "-o", out)
    assert result.returncode == 0, result.stderr.decode()
    return out


def test_browser_renders_every_sentence(report, model, tmp_path):
    dom = _browser(report, tmp_path / "profile", "--dump-dom").stdout.decode("utf-8")
    page = Page(dom)
    documents = [model.tag(path.read_text("utf-8")) for path in DOCUMENTS]
    expected = [s for d in documents for s in d.sentences]
    assert len(page.sentences) == len(expected) > 50
    assert [s["data-primary"] for s in page.sentences] == [s.primary for s in expected]
    assert page.charts == len(DOCUMENTS) and page.table_rows == 1 + len(DOCUMENTS)
    # the script ran: tooltips moved from title= to data-tip= for the tap-friendly box
    assert all("data-tip" in s and "title" not in s for s in page.sentences)


def test_a_legend_key_picks_out_the_sentences_of_its_category(report, tmp_path):
    # as a click on the key leaves it: the page's address names the category, and a
    # sentence that has it as a further label is picked out too
    page = Page(_browser(report, tmp_path / "profile", "--dump-dom", fragment="#only=testing").stdout.decode("utf-8"))
    picked = [s for s in page.sentences if "dim" not in s["class"].split()]
    assert picked and len(picked) < len(page.sentences)
    assert all("testing" in s["data-labels"].split("|") for s in picked)
    assert all("testing" not in s["data-labels"].split("|") for s in page.sentences if s not in picked)
    assert any(s["data-primary"] != "testing" for s in picked)
    assert [k["data-only"] for k in page.keys if k["aria-pressed"] == "true"] == ["testing"]
    plain = Page(_browser(report, tmp_path / "profile", "--dump-dom").stdout.decode("utf-8"))
    assert not any("dim" in s["class"].split() for s in plain.sentences)
    assert all(k["aria-pressed"] == "false" for k in plain.keys) and plain.keys


def test_an_address_naming_no_category_of_the_page_picks_out_nothing(tmp_path):
    # a label of a Document built by hand, with a character an address escapes
    odd = Document([Sentence("全市开展核酸检测。", 0, 9, ("a%b",), {"a%b": 0.9}),
                    Sentence("加强宣传。", 10, 15, ("other",), {"other": 0.9})], "odd.txt", ("a%b", "other"))
    report = tmp_path / "odd.html"
    write_report([odd], report)
    for fragment, pressed in [("#only=nosuch", []), ("#only=%E0", []), ("#only=a%25b", ["a%b"])]:
        page = Page(_browser(report, tmp_path / "profile", "--dump-dom", fragment=fragment).stdout.decode("utf-8"))
        assert [k["data-only"] for k in page.keys if k["aria-pressed"] == "true"] == pressed, fragment
        assert [("dim" in s["class"].split()) for s in page.sentences] == ([False, True] if pressed else [False] * 2)
        assert all("data-tip" in s for s in page.sentences)  # the script ran to its end


def test_the_table_tells_a_category_a_documents_model_lacks_from_none(model):
    shipped = model.tag("全市开展全员核酸检测。有序推动企业复工复产。", source="shipped.txt")
    mine = Document([dataclasses.replace(s, labels=("testing",) if "testing" in s.labels else ("other",))
                     for s in shipped.sentences], "mine.txt", ("testing", "other"))
    html = render_report([shipped, mine])
    cells = re.findall(r'<td data-label="economy"[^>]*>([^<]*)</td>', html)
    assert cells[0].endswith("%") and cells[1] == "n/a"
    assert re.findall(r'<td data-label="supply"[^>]*>([^<]*)</td>', html) == ["–", "n/a"]


def _png_size_and_colours(path: Path):
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    chunks, at = [], 8
    while at < len(data):
        length, kind = struct.unpack(">I4s", data[at:at + 8])
        if kind == b"IDAT":
            chunks.append(data[at + 8:at + 8 + length])
        at += 12 + length
    pixels = zlib.decompress(b"".join(chunks))
    # Filtered scanlines of a one-colour image are nearly all zero bytes; text and
    # coloured highlights give hundreds of different byte values.
    return width, height, len(set(pixels))


def test_browser_screenshot(report, tmp_path):
    shot = tmp_path / "report.png"
    _browser(report, tmp_path / "profile", f"--screenshot={shot}", "--window-size=1200,1600",
             "--hide-scrollbars")
    assert shot.exists() and shot.stat().st_size > 20_000
    width, height, colours = _png_size_and_colours(shot)
    assert (width, height) == (1200, 1600)
    assert colours > 100


def test_one_document_is_a_report_of_one_and_what_is_not_a_document_is_named(model, tmp_path):
    document = model.tag("全市开展全员核酸检测。加强社区管控。")
    assert render_report(document).count('class="card doc"') == render_report([document]).count('class="card doc"') == 1
    with pytest.raises(TypeError, match=r"documents\[1\] is str, not a tagged Document"):
        render_report([document, "全市开展全员核酸检测。"])
    with pytest.raises(TypeError, match=r"not a string \(for one text: model.tag\(text\) first\)"):
        render_report("全市开展全员核酸检测。")
    with pytest.raises(TypeError, match="title must be a string, got int 123"):   # not html's AttributeError
        render_report(document, title=123)
    for blank in ("", "  "):  # the default put in its place would be a title not asked for
        with pytest.raises(ValueError, match="title is blank: give one, or None for the default"):
            render_report(document, title=blank)


def test_a_report_is_not_written_over_a_document_it_shows(model, tmp_path):
    source = tmp_path / "speech.txt"
    source.write_text("全市开展全员核酸检测。", "utf-8")
    document = model.tag(source.read_text("utf-8"), source=str(source))
    with pytest.raises(OutputError, match="speech.txt: is the input .*speech.txt; write the output elsewhere"):
        write_report([document], source)
    assert source.read_text("utf-8") == "全市开展全员核酸检测。"
    write_report([document], tmp_path / "report.html")
    assert "全市开展全员核酸检测" in (tmp_path / "report.html").read_text("utf-8")
    # nor over it by another name, nor over the folder that holds it
    (tmp_path / "link.html").symlink_to(source)
    os.link(source, tmp_path / "hard.html")
    for path, clash in [(tmp_path / "link.html", "is the input"), (tmp_path / "hard.html", "is the input"),
                        (tmp_path, "is a folder holding the input")]:
        with pytest.raises(OutputError, match=f"{re.escape(str(path))}: {clash} .*speech.txt"):
            write_report([document], path)
    assert source.read_text("utf-8") == "全市开展全员核酸检测。"


@pytest.mark.parametrize("path", [None, "-"])
def test_a_report_without_a_path_goes_to_standard_output(model, tmp_path, monkeypatch, capsys, path):
    monkeypatch.chdir(tmp_path)
    write_report([model.tag("全市开展全员核酸检测。")], path)
    assert capsys.readouterr().out.startswith("<!DOCTYPE html>") and list(tmp_path.iterdir()) == []


def test_paragraphs_follow_the_documents_lines_not_the_spaces_between_sentences(model):
    document = model.tag("全市开展核酸检测。 加强社区管控。 做好物资保供。\n\n各地要加快疫苗接种。\r坚持动态清零。"
                         "\u2029做好物资保供。")
    assert document.line_starts == (3, 4, 5)  # any kind of line break, a lone \r or U+2029 too
    html = render_report([document])
    assert html.count('<p><span class="s ') == 4  # four paragraphs of sentences, not six
    # where the lines break is layout, not content: the same sentences are the same document
    assert document == Document(document.sentences, document.source, document.labels)
    assert json.loads(json.dumps(dataclasses.asdict(document)))["line_starts"] == [3, 4, 5]
    # markup left in text: a block element's tag ends a line, as cleaning reads it
    assert model.tag("<p>全市开展核酸检测。</p><p>加强社区管控。<b>做好物资保供。</b></p>").line_starts == (1,)


def test_every_label_has_its_own_colour():
    from measures.labels import LABEL_IDS
    from measures.report import COLORS

    assert list(COLORS) == list(LABEL_IDS) and len(set(COLORS.values())) == len(COLORS)


def _lab(hex_color: str) -> tuple[float, float, float]:
    """CIE L*a*b* (D65) of an sRGB colour."""
    def linear(c):
        c /= 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(int(hex_color[i:i + 2], 16)) for i in (1, 3, 5))
    x, y, z = ((0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047, 0.2126 * r + 0.7152 * g + 0.0722 * b,
               (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883)
    f = [t ** (1 / 3) if t > 0.008856 else 7.787 * t + 16 / 116 for t in (x, y, z)]
    return 116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])


def test_every_two_sentence_tints_can_be_told_apart():
    # CIE76 distance; a reader found testing and case_report (5.8 apart) alike, and
    # border_import and publicity were 3.2 apart
    from measures.report import COLORS, _tint

    tints = {label: _lab(_tint(color)) for label, color in COLORS.items()}
    closest = min((math.dist(tints[a], tints[b]), a, b) for a, b in itertools.combinations(tints, 2))
    assert closest[0] >= 10, closest


def test_on_a_phone_the_tables_document_names_are_not_cut_again(model, tmp_path):
    # shown_names cuts a long name at its start to fit the column, keeping the end that tells
    # documents apart; the column's CSS then cut it at its end as well, and on a phone every
    # row of a folder read "…y_news_2020/…"
    sources = [f"/archive/dxy_news_2020/dxy_{n}.txt" for n in (10488, 10522, 12195)] + ["/archive/cctv/0506.txt"]
    documents = [model.tag("全市开展全员核酸检测。", source=source) for source in sources]
    probe = ("<script>document.body.dataset.cut=[].filter.call(document.querySelectorAll('.heat tbody th'),"
             "function(th){return th.scrollWidth>th.clientWidth;}).length;</script></body>")
    report = tmp_path / "report.html"
    report.write_text(render_report(documents).replace("</body>", probe), "utf-8")
    for width in (390, 1200):
        dom = _browser(report, tmp_path / "profile", "--dump-dom", f"--window-size={width},900").stdout.decode()
        assert re.search(r'<body data-cut="(\d+)"', dom).group(1) == "0", width
