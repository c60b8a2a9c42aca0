"""Property tests: cleaning and splitting hold up on any text."""
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from measures.cleaning import clean, clean_document, normalize, strip_tags
from measures.splitting import sentence_spans, split_sentences

HAN = re.compile(r"[\u4e00-\u9fff]")
# Text that looks like scraped Chinese: characters, both punctuation widths, quotes,
# pinyin-like brackets, spaces, line breaks, a lone surrogate (JSON's "\ud800"), a zero-width
# space and a soft hyphen.
scraped = st.text(alphabet=st.sampled_from(list("核酸检测隔离转运长長春發佈會市区。，,；;！!？?“”()（）zhǎng \n\t　●-ab12\ud800\u200b\u00ad")),
                  max_size=200)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_cleaning_and_splitting_never_raise(text):
    cleaned = clean(text)
    split_sentences(cleaned)
    assert isinstance(cleaned, str)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=300), scraped))
def test_cleaning_is_idempotent(text):
    once = clean(text)
    assert clean(once) == once


@settings(max_examples=300, deadline=None)
@given(scraped)
def test_splitting_keeps_every_chinese_character(text):
    cleaned = clean(text)
    assert HAN.findall("".join(split_sentences(cleaned))) == HAN.findall(cleaned)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("核酸检测隔离转运市区。，,；;！？“” \n\t　●ab12\u200b\u00ad")), max_size=200))
def test_spans_point_at_the_right_text(text):
    cleaned = clean_document(text)
    for a, b in sentence_spans(cleaned.text):
        start, end = cleaned.to_original(a, b)
        assert 0 <= start <= end <= len(text)
        assert HAN.findall(text[start:end]) == HAN.findall(cleaned.text[a:b])
        # the span neither starts nor ends on a character cleaning dropped
        assert normalize(text[start]) == cleaned.text[a] and normalize(text[end - 1]) == cleaned.text[b - 1]


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=300), scraped))
def test_sentences_of_cleaned_text_need_no_more_normalizing(text):
    # Tagging skips normalize() on sentences cut from cleaned text; this is why it may.
    for sentence in split_sentences(clean(text)):
        assert normalize(sentence) == sentence


# Reposts with reading aids: a character with its pinyin, annotations that lose their
# character, brackets of both widths around them.
PINYIN_TOKENS = ["長(zhǎng)", "圖(tú)", "(tú)", "（", "）", "(", ")", "核酸", "檢測", "春", "。", "，", "\n", " ",
                 "市", "zhǎng", "?qǐng)"]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(PINYIN_TOKENS), max_size=40))
def test_spans_cover_a_sentence_with_its_pinyin_removed(tokens):
    text = "".join(tokens)
    cleaned = clean_document(text)
    for a, b in sentence_spans(cleaned.text):
        start, end = cleaned.to_original(a, b)
        # the span cleans to the sentence itself: not one character short after a (tú)
        assert normalize(text[start:end]) == cleaned.text[a:b]


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=300), scraped,
                 st.text(alphabet=st.sampled_from(list("核酸检测。版权所有责任编辑：张三分享到微信\n\r\u2028\x0c ")), max_size=200),
                 st.lists(st.sampled_from(["<p>", "</p>", "<b>", "</b>", "<br/>", "<", ">", "<!--", "-->", "p", "核酸",
                                           "。", "\n", "\r", " ", "&lt;", "&gt;", "＜", "＞", "\u200b", "&#8203;",
                                           "<script>", "</script>", "br"]), max_size=40).map("".join)))
def test_clean_is_the_chain_of_its_published_steps(text):
    # each step is offered alone; chained, they are clean itself
    from measures import cleaning as c

    chained = c.collapse_blank_lines(c.drop_boilerplate_lines(without_tags(c.normalize_line_breaks(text))))
    assert chained == clean(text)


def without_tags(text):
    """normalize(strip_tags(text)) until no tag is left: normalising can make one (a
    zero-width space or a reference in it, <&#8203;p>), which clean reads as any other."""
    while (once := normalize(strip_tags(text))) != text:
        text = once
    return text


# Text scraped from pages into plain text: HTML references, web addresses and the pieces
# they are made of, tags (block and inline, pieces of them, comments), next to Chinese,
# pinyin and the marks that end sentences.
WEB_TOKENS = ["&amp;", "&nbsp;", "&ldquo;", "&rdquo;", "&hellip;", "&#10;", "&#20840;", "&#65307;", "&#8203;", "&",
              "amp;", "nbsp", ";", "http://", "https://", "www.", "a.cn", "/x?y=1", "?", ".", "。", "核酸", "检测",
              "長(zhǎng)", "(", ")", "\n", " ", "R&D", "#", "**", "*", "`", "\\_", "[", "](", "]",
              "<p>", "</p>", "<div class=\"a\">", "</div>", "<br/>", "<b>", "</b>", "<a href=\"x.html\">", "</a>",
              "<!-- x -->", "<!--", "-->", "<", ">", "p", "/", "<5岁", "《通告》", "&lt;", "&gt;", "＜", "＞", "\u200b",
              " class=", "&quot;", "<script>", "</script>", "<style>", "</style>"]


@settings(max_examples=700, deadline=None)
@given(st.lists(st.sampled_from(WEB_TOKENS), max_size=40))
def test_references_links_and_tags_clean_once_and_spans_cover_them(tokens):
    text = "".join(tokens)
    cleaned = clean_document(text)
    assert clean(cleaned.text) == cleaned.text
    for a, b in sentence_spans(cleaned.text):
        start, end = cleaned.to_original(a, b)
        # a sentence that ends in a decoded &hellip; takes the whole reference; a sentence
        # holds no block tag (it ends a line), and its inline tags are removed
        assert without_tags(text[start:end]) == cleaned.text[a:b]


def test_folds_leave_no_label_alone_and_refuse_only_what_cannot_be_folded():
    # small multi-label sets, drawn at random: where a label would lack a fold's training
    # part, sentences are moved; a refusal must be true, which trying every assignment shows
    import itertools

    import numpy as np
    from sklearn.model_selection import KFold

    from measures.classifier import _spread_labels
    from measures.labelled_data import DataError

    rng = np.random.RandomState(1)
    tried = refused = 0
    for trial in range(1500):
        n, cv, width = rng.randint(4, 9), rng.choice([2, 3]), rng.randint(2, 5)
        Y = (rng.rand(n, width) < 0.35).astype(np.int8)
        Y[np.arange(n), rng.randint(0, width, n)] = 1
        if (Y.sum(0) < cv).any():
            continue  # refused before folding: fewer sentences than folds
        tried += 1
        folds = np.empty(n, dtype=np.int64)
        for k, (_, test) in enumerate(KFold(cv, shuffle=True, random_state=trial).split(np.arange(n))):
            folds[test] = k
        try:
            _spread_labels(folds, np.arange(n), Y, None, [str(k) for k in range(width)])
        except DataError:
            refused += 1
            assert not any(len(set(a)) == cv and all(len(set(np.array(a)[Y[:, k] > 0])) > 1 for k in range(width))
                           for a in itertools.product(range(cv), repeat=n))
            continue
        assert len(set(folds)) == cv
        assert all(len(set(folds[Y[:, k] > 0])) > 1 for k in range(width))
    assert tried > 800  # sets that reach the folding (892)
