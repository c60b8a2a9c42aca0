"""Summaries as a pandas DataFrame and as matplotlib charts (the optional extras)."""
import dataclasses
import sys

import pytest

from conftest import EXAMPLES, loaded_modules

import measures
from measures.labels import LABEL_IDS, OTHER
from measures.summary import CategorySummary, Summary, share_table

MEASURE_IDS = [label for label in LABEL_IDS if label != OTHER]


def _summary(source, counts, sentences=10):
    return Summary(source, sentences, {label: CategorySummary(counts.get(label, 0), counts.get(label, 0) / sentences)
                                       for label in LABEL_IDS})


A = _summary("a.txt", {"testing": 5, "isolation_transfer": 2, OTHER: 3})
B = _summary("b.txt", {"supply": 4, "economy": 1}, sentences=5)


@pytest.fixture(scope="module")
def documents(model):
    return [model.tag(p.read_text("utf-8"), source=p.name) for p in sorted(EXAMPLES.glob("*.txt"))]


@pytest.fixture
def plt():
    matplotlib = pytest.importorskip("matplotlib", reason="charts need matplotlib: pip install '.[plot]'")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    yield plt
    plt.close("all")


@pytest.fixture
def pd():
    return pytest.importorskip("pandas", reason="summaries_frame needs pandas: pip install '.[pandas]'")


def test_importing_measures_loads_neither_pandas_nor_matplotlib():
    code = ("import measures, measures.charts, measures.summary, measures.suggesting; "
            "measures.plot_summary, measures.summaries_frame, measures.suggest")
    assert loaded_modules(code, ("pandas", "matplotlib")) == []


def test_missing_extras_raise_import_error_with_the_pip_command(monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(ImportError, match=r"pip install matplotlib \(or, in a checkout, pip install '\.\[plot\]'\)"):
        measures.plot_summary(A)
    with pytest.raises(ImportError, match=r"pip install matplotlib \(or, in a checkout, pip install '\.\[plot\]'\)"):
        A.plot()
    with pytest.raises(ImportError, match=r"pip install matplotlib \(or, in a checkout, pip install '\.\[plot\]'\)"):
        measures.plot_comparison([A, B])
    with pytest.raises(ImportError, match=r"pip install pandas \(or, in a checkout, pip install '\.\[pandas\]'\)"):
        measures.summaries_frame([A, B])
    from measures import distributed

    monkeypatch.setitem(sys.modules, "dask", None)
    monkeypatch.setitem(sys.modules, "dask.bag", None)
    for call in (lambda: distributed.read_jsonl("corpus.jsonl"), lambda: distributed.tag_bag([])):
        with pytest.raises(ImportError, match=r"pip install 'dask\[distributed\]' \(or, in a checkout, pip install '\.\[dask\]'\)"):
            call()


def test_summaries_frame_has_a_row_per_document_and_a_column_per_category(pd):
    frame = measures.summaries_frame([A, B])
    assert frame.shape == (2, len(LABEL_IDS))
    assert list(frame.index) == ["a.txt", "b.txt"] and list(frame.columns) == list(LABEL_IDS)
    assert frame.loc["a.txt", "testing"] == pytest.approx(0.5)
    assert frame.loc["b.txt", "supply"] == pytest.approx(0.8)
    assert frame.loc["b.txt", "testing"] == 0.0
    counts = measures.summaries_frame([A, B], include_other=False, values="count")
    assert counts.shape == (2, len(MEASURE_IDS)) and counts.loc["a.txt", "testing"] == 5
    with pytest.raises(ValueError, match="values"):
        measures.summaries_frame([A], values="ratio")


# a model trained without 'economy' (on a user's own rows) gives summaries without it
NO_ECONOMY = Summary("mine.txt", 4, {label: CategorySummary(1 if label == "testing" else 0,
                                                            0.25 if label == "testing" else 0.0)
                                     for label in LABEL_IDS if label != "economy"})


def test_a_category_a_documents_model_lacks_is_not_a_measured_zero(pd, plt):
    frame = measures.summaries_frame([NO_ECONOMY, B])
    assert pd.isna(frame.loc["mine.txt", "economy"]) and frame.loc["mine.txt", "supply"] == 0.0
    assert frame.loc["b.txt", "economy"] == pytest.approx(0.2)
    counts = measures.summaries_frame([NO_ECONOMY, B], values="count")
    assert pd.isna(counts.loc["mine.txt", "economy"]) and counts.loc["b.txt", "economy"] == 1
    assert measures.summaries_frame([A, B], values="count").dtypes.eq(int).all()  # no model lacks one
    lines = {line.split()[1]: line.split()[2:] for line in measures.compare([NO_ECONOMY, B]).splitlines()[2:-1]}
    assert lines["economy"] == ["—", "20.0%"] and lines["supply"] == ["0.0%", "80.0%"]
    ax = measures.plot_comparison([NO_ECONOMY, B])
    texts = [t.get_text() for t in ax.texts]
    assert texts.count("—") == 1
    image = ax.images[0]  # the missing cell grey, not the white of a share of 0
    grey, white = image.cmap(image.norm(float("nan"))), image.cmap(image.norm(0.0))
    assert grey[:3] != white[:3]


def test_a_summarys_frame_has_a_row_per_category_with_its_name_count_share_and_examples(pd):
    summary = Summary("a.txt", 4, {"testing": CategorySummary(3, 0.75, ("全市开展全员核酸检测。", "做好核酸采样。")),
                                   "supply": CategorySummary(0, 0.0), OTHER: CategorySummary(1, 0.25, ("同志们：",))})
    frame = summary.to_frame()
    assert frame.index.name == "category" and list(frame.index) == ["testing", "supply", OTHER]
    assert list(frame.columns) == ["name", "count", "share", "examples"]
    assert frame.loc["testing"].to_dict() == {"name": "核酸检测", "count": 3, "share": 0.75,
                                              "examples": ["全市开展全员核酸检测。", "做好核酸采样。"]}
    assert frame.loc["supply", "count"] == 0 and frame.loc[OTHER, "name"] == "其他"


def test_documents_tagged_by_models_of_other_label_sets_keep_all_their_categories():
    # a model trained on three labels lists only those; in either order nothing is lost
    three = Summary("three.txt", 4, {label: CategorySummary(1, 0.25) for label in ("testing", "supply", OTHER)})
    two = Summary("two.txt", 5, {"isolation_transfer": CategorySummary(2, 0.4), OTHER: CategorySummary(3, 0.6)})
    for summaries in ([three, two], [two, three]):
        labels, names, rows = share_table(summaries, include_other=True, values="count")
        assert labels == ["testing", "isolation_transfer", "supply", OTHER]
        counts = dict(zip(names, rows))
        # None: a category the document's model does not have, which is no measured 0
        assert counts["two.txt"] == [None, 2, None, 3] and counts["three.txt"] == [1, None, 1, 1]
        assert "isolation_transfer" in measures.compare(summaries) and "supply" in measures.compare(summaries)


def test_summaries_frame_takes_tagged_documents(pd, documents):
    frame = measures.summaries_frame(documents)
    assert frame.shape == (3, len(LABEL_IDS))
    for document, (_, row) in zip(documents, frame.iterrows()):
        summary = document.summary()
        assert row.name == document.source
        assert row.to_dict() == pytest.approx({label: c.share for label, c in summary.categories.items()})
        assert row.sum() >= 1.0 - 1e-9  # every sentence has at least one label


def test_plot_summary_draws_one_bar_per_category_with_its_share(plt, monkeypatch):
    from measures import charts

    monkeypatch.setattr(charts, "_cjk_font", lambda: None)  # as on a machine without CJK fonts
    ax = measures.plot_summary(A)
    assert len(ax.patches) == len(MEASURE_IDS)
    assert [bar.get_width() for bar in ax.patches] == pytest.approx([A.categories[k].share for k in MEASURE_IDS])
    assert [t.get_text() for t in ax.get_yticklabels()] == MEASURE_IDS
    assert "a.txt" in ax.get_title() and "10 sentences" in ax.get_title()
    assert sorted(t.get_text() for t in ax.texts) == ["2", "5"]  # counts beside the non-empty bars

    with_other = A.plot(include_other=True)
    assert len(with_other.patches) == len(LABEL_IDS)
    assert with_other.patches[-1].get_width() == pytest.approx(0.3)
    ranked = [t.get_text() for t in A.plot(sort=True).get_yticklabels()]   # plot took no sort once
    assert ranked == [t.get_text() for t in measures.plot_summary(A, sort=True).get_yticklabels()]


def _font_with_chinese():
    """An installed font file that has the glyphs of a Chinese label name, or None; read
    with matplotlib's own font reader, not with the code under test."""
    from matplotlib import font_manager
    from matplotlib.ft2font import FT2Font

    for entry in font_manager.fontManager.ttflist:
        try:
            if all(FT2Font(entry.fname).get_char_index(ord(c)) for c in "核酸检测"):
                return entry.fname
        except Exception:  # a font matplotlib cannot read is no candidate
            continue
    return None


@pytest.fixture
def chinese_font(plt):
    from measures import charts

    charts._cjk_font.cache_clear()
    if _font_with_chinese() is None:
        pytest.skip("no installed font has Chinese glyphs (CI installs fonts-noto-cjk)")
    yield charts._cjk_font()
    charts._cjk_font.cache_clear()


def _face(font):
    """The family and style of the face matplotlib draws a FontProperties with."""
    from matplotlib.font_manager import findfont, get_font

    face = get_font(findfont(font))
    return face.family_name, face.style_name


def test_a_font_with_chinese_glyphs_is_found_when_one_is_installed(chinese_font):
    from matplotlib import font_manager

    face = font_manager.get_font(font_manager.findfont(chinese_font))
    assert all(face.get_char_index(ord(c)) for c in "核酸检测隔离转运")
    # a collection's Simplified Chinese face at the regular weight, not the first face of
    # whichever file (bold, Japanese) was listed first, when the family has one
    regular = {entry.name for entry in font_manager.fontManager.ttflist if entry.weight in (400, "normal", "regular")}
    if face.family_name in regular:
        assert "Bold" not in face.style_name
    if "Noto Sans CJK SC" in regular:
        assert _face(chinese_font) == ("Noto Sans CJK SC", "Regular")


def test_plot_summary_names_categories_in_chinese_with_that_font(plt, chinese_font):
    _, ax = plt.subplots()
    assert measures.plot_summary(A, ax=ax, sort=True) is ax
    ticks = ax.get_yticklabels()
    assert [t.get_text() for t in ticks][:2] == ["核酸检测 testing", "隔离转运 isolation_transfer"]  # sorted by share
    assert _face(ticks[0].get_fontproperties()) == _face(chinese_font)
    # a Chinese document name in the title too
    _, titled = plt.subplots()
    measures.plot_summary(dataclasses.replace(A, source="南湖区通告.txt"), ax=titled)
    assert titled.title.get_text().startswith("南湖区通告.txt")
    measures.plot_summary(dataclasses.replace(A, source="r1/南湖区通告.txt"), ax=titled)  # short: whole
    assert titled.title.get_text() == "r1/南湖区通告.txt (10 sentences)"
    measures.plot_summary(_summary("通告.txt", {"testing": 1}, sentences=1), ax=titled)
    assert titled.title.get_text() == "通告.txt (1 sentence)"  # was "(1 sentences)"
    assert _face(titled.title.get_fontproperties()) == _face(chinese_font)
    # a long name loses its folder and its start, not its end or the count, nor the figure's edge
    figure, long = plt.subplots(figsize=(7, 5))
    measures.plot_summary(dataclasses.replace(A, source="/data/archive/" + "上海市疫情防控新闻发布会实录" * 5 + ".txt"),
                          ax=long)
    title = long.title.get_text()
    assert title.startswith("…") and title.endswith("发布会实录.txt (10 sentences)") and "/data" not in title
    figure.canvas.draw()
    box = long.title.get_window_extent()
    assert 0 <= box.x0 and box.x1 <= figure.bbox.x1
    widths = [bar.get_width() for bar in ax.patches]
    assert widths == sorted(widths, reverse=True)


def test_plot_comparison_is_a_heat_map_of_documents_by_categories(plt, documents, tmp_path):
    ax = measures.plot_comparison(documents)
    image = ax.images[0].get_array()
    assert image.shape == (len(MEASURE_IDS), 3)
    for j, document in enumerate(documents):
        summary = document.summary()
        assert list(image[:, j]) == pytest.approx([summary.categories[k].share for k in MEASURE_IDS])
    assert [t.get_text() for t in ax.get_xticklabels()][:2] == [documents[0].source, documents[1].source]
    assert len(ax.texts) == len(MEASURE_IDS) * 3
    out = tmp_path / "comparison.png"
    ax.figure.savefig(out)
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

    summaries = [d.summary() for d in documents]
    assert measures.plot_comparison(summaries, include_other=True, annotate=False).images[0].get_array().shape \
        == (len(LABEL_IDS), 3)


def test_an_id_outside_the_guide_is_shown_once_on_an_axis():
    from measures.charts import _tick_labels

    assert _tick_labels(["testing", "my_label"], font=object()) == ["核酸检测 testing", "my_label"]
    assert _tick_labels(["testing", "my_label"], font=None) == ["testing", "my_label"]


@pytest.mark.parametrize("names, width, shown", [
    (["a.txt", "b.txt"], 14, ["a.txt", "b.txt"]),
    (["docs/a.txt", "docs/b.txt"], 26, ["a.txt", "b.txt"]),            # the folder they share left out
    (["x/y/speech.txt"], 26, ["speech.txt"]),
    # a series of files differing at their start: shown where they differ, not cut alike
    (["2022-04-10 关于加强疫情防控的通告.txt", "2022-04-11 关于加强疫情防控的通告.txt"], 14,
     ["…04-10 关于加…", "…04-11 关于加…"]),
    (["北京市/关于进一步加强疫情防控工作的通告.txt", "上海市/关于进一步加强疫情防控工作的通告.txt"], 14,
     ["北京市/关于…", "上海市/关于…"]),
    (["通告", "通告", "a.txt"], 14, ["通告 (1)", "通告 (2)", "a.txt"]),   # records of one source
    (["关于进一步加强疫情防控工作的通告.txt"], 14, ["…作的通告.txt"]),     # alone: its end, as before
])
def test_names_in_narrow_columns_tell_documents_apart(names, width, shown):
    from measures.summary import _columns, shown_names

    assert shown_names(names, width) == shown
    assert all(_columns(text) <= width for text in shown)


def test_compare_columns_of_look_alike_names_differ():
    same = [_summary(f"2022-04-1{d} 关于加强疫情防控的通告.txt", {"testing": d + 1}) for d in range(2)]
    header = measures.compare(same).splitlines()[0]
    assert "04-10" in header and "04-11" in header


@pytest.mark.parametrize("share, text, one_decimal", [
    (0, "0%", "0.0%"), (0.003, "0.3%", "0.3%"), (0.05, "5.0%", "5.0%"), (0.25, "25%", "25.0%"), (1, "100%", "100.0%"),
    (1 / 2001, "<0.1%", "<0.1%"), (0.0005, "0.1%", "0.1%"), (0.9995, ">99%", ">99.9%"), (0.994, "99%", "99.4%"),
    (0.995, ">99%", "99.5%"),
])
def test_share_text_shows_a_measure_present_as_more_than_nothing(share, text, one_decimal):
    from measures.summary import share_text

    assert share_text(share) == text and share_text(share, 1) == one_decimal


@pytest.mark.parametrize("share, decimals, text", [(0.003, 0, "<1%"), (0.0003, 2, "0.03%"), (0.00003, 2, "<0.01%"),
                                                   (0.99999, 2, ">99.99%"), (0.999, 0, ">99%")])
def test_share_text_at_any_number_of_decimals(share, decimals, text):
    from measures.summary import share_text

    assert share_text(share, decimals) == text


def test_the_text_summary_and_compare_tell_one_sentence_in_thousands_from_none():
    rare = _summary("rare.txt", {"testing": 1, "other": 2499}, sentences=2500)
    none = _summary("none.txt", {"other": 2500}, sentences=2500)
    assert "<0.1%" in str(rare) and ">99.9%" in str(rare)
    testing = next(line for line in measures.compare([rare, none]).splitlines() if "testing" in line)
    assert testing.split()[-2:] == ["<0.1%", "0.0%"]


def test_chart_percentages_are_where_they_say(plt):
    # ticks every 2.5% were labelled "2%", "8%", "12%", "18%"
    ax = measures.plot_summary(_summary("a.txt", {"testing": 23, "supply": 1}, sentences=125))
    ax.figure.canvas.draw()
    for tick, label in zip(ax.get_xticks(), ax.get_xticklabels()):
        if label.get_text():
            assert float(label.get_text().rstrip("%")) == pytest.approx(tick * 100)
    cells = measures.plot_comparison([_summary("a.txt", {"testing": 1}, sentences=300), A]).texts
    assert "0.3%" in [t.get_text() for t in cells]


def test_a_comparison_of_too_many_documents_is_refused(plt):
    many = [_summary(f"{k}.txt", {"testing": 1}) for k in range(61)]
    with pytest.raises(ValueError, match="plot_comparison draws at most 60 documents, got 61"):
        measures.plot_comparison(many)


@pytest.mark.parametrize("call, message", [
    (lambda: A.top(include_other="false"), "include_other is True or False, not str 'false'"),
    (lambda: measures.compare([A, B], include_other="no"), "include_other is True or False"),
    (lambda: measures.plot_summary(A, sort="false"), "sort is True or False"),
    (lambda: measures.plot_comparison([A, B], annotate="false"), "annotate is True or False"),
    (lambda: A.plot(ax="x"), r"ax must be a matplotlib Axes \(plt.subplots\(\)\[1\]\) or None, not str"),
])
def test_switches_and_axes_of_another_kind_are_named(plt, call, message):
    # "false" is true to `if`: it switched other on
    with pytest.raises(TypeError, match=message):
        call()


def test_a_name_with_a_line_break_keeps_the_table_one_line_a_row():
    two = dataclasses.replace(A, source="a\nb")
    lines = measures.compare([two, B]).splitlines()
    assert lines[0].split() == ["category", "a", "b", "b.txt"] and len(lines) == 2 + len(MEASURE_IDS) + 1


def test_a_name_with_a_line_break_or_an_escape_keeps_the_text_summary_and_a_charts_title_one_line():
    # a JSONL id is anyone's: it printed a line of its own ("fake: 99 sentences") and sent
    # its escape to the terminal
    odd = dataclasses.replace(A, source="a\nfake: 99 sentences\x1b[31m")
    lines = str(odd).splitlines()
    assert lines[0] == "a fake: 99 sentences [31m: 10 sentences"
    assert all(line.startswith("  ") for line in lines[1:])
    from measures.summary import fit_name

    assert fit_name("a\nb\u2028c", 20) == "a b c"


@pytest.mark.parametrize("documents_shown", [1, 2, 3, 8])
def test_a_comparison_of_few_documents_keeps_its_colorbar_label_inside_the_figure(plt, documents_shown):
    # tight_layout() left the colorbar its share of a narrow figure: "share of sentences"
    # was cut off at the right edge of the README's comparison of two documents
    ax = measures.plot_comparison([_summary(f"{k}.txt", {"testing": 3, "supply": 1}) for k in range(documents_shown)])
    figure = ax.figure
    figure.canvas.draw()
    renderer = figure.canvas.get_renderer()
    for axes in figure.axes:  # the heat map and its colorbar
        box = axes.get_tightbbox(renderer)
        assert box.x0 >= -0.5 and box.y0 >= -0.5, axes
        assert box.x1 <= figure.bbox.x1 + 0.5 and box.y1 <= figure.bbox.y1 + 0.5, axes
    figure.tight_layout()  # as a notebook may call it again: no layout engine that refuses it


def test_a_second_summary_on_the_same_axes_keeps_the_first_category_on_top_and_both_in_view(plt):
    # invert_yaxis() toggles: a second call flipped the order (testing at the bottom), and
    # the second document's scale cut the first's bars (B's 80% under A's 57.5%)
    _, ax = plt.subplots()
    measures.plot_summary(B, ax=ax)
    measures.plot_summary(A, ax=ax)
    assert ax.yaxis_inverted()
    assert ax.get_xlim()[1] >= 0.8
    _, fresh = plt.subplots()
    assert measures.plot_summary(A, ax=fresh).get_xlim()[1] == pytest.approx(0.575)  # not the empty axes' 1.0
