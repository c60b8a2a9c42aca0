import re

import pytest

from measures.cleaning import clean
from measures.splitting import MAX_SENTENCE, last_sentence_end, sentence_spans, split_sentences

from conftest import needs_shared, seed_files


@pytest.mark.parametrize("text, expected", [
    ("全市开展核酸检测。加强社区管控！", ["全市开展核酸检测。", "加强社区管控！"]),
    ("一是加强检测;二是加强管控;三是做好保供", ["一是加强检测;", "二是加强管控;", "三是做好保供"]),
    ("你们准备好了吗?准备好了!", ["你们准备好了吗?", "准备好了!"]),
    ("标题\n正文第一句。正文第二句。", ["标题", "正文第一句。", "正文第二句。"]),
    # the guide's sentence ends at its mark inside a quotation too; the closing quote is its own
    ("他说：“要应检尽检。不漏一人。”随后离开。", ["他说：“要应检尽检。", "不漏一人。”", "随后离开。"]),
    ("“要应检尽检。”他说。下一句。", ["“要应检尽检。”", "他说。", "下一句。"]),
    ("通知指出「一是加强检测；二是做好保供。」各区落实。", ["通知指出「一是加强检测；", "二是做好保供。」", "各区落实。"]),
    ("习近平指出，“志合者，不以山海为远。”友谊长存。", ["习近平指出，“志合者，不以山海为远。”", "友谊长存。"]),
    ("他说：“要应检尽检。 ”随后离开。", ["他说：“要应检尽检。 ”", "随后离开。"]),  # a space before the quote
    ("开展检测。 随后离开。", ["开展检测。", "随后离开。"]),
    ("第一句话   \n第二句\t", ["第一句话", "第二句"]),  # spaces before a line end or the text's end
    ('他说："要应检尽检。 "随后离开。', ['他说："要应检尽检。 "', '随后离开。']),
    ("开展检测。\u2028”随后离开。", ["开展检测。", "”随后离开。"]),  # a line break ends it
    ("他说：“要应检尽检。不漏一人。", ["他说：“要应检尽检。", "不漏一人。"]),  # unbalanced quote: split anyway
    ("真的吗？！是的。", ["真的吗？！", "是的。"]),
    # a straight quote after a sentence end closes a quotation the sentence opened, or opens one
    ('他说:"要落实。"随后离开。', ['他说:"要落实。"', '随后离开。']),
    ('全市开展核酸检测。"四早"要求必须落实到位。', ['全市开展核酸检测。', '"四早"要求必须落实到位。']),
    ("要求'四早'。'四早'要落实。", ["要求'四早'。", "'四早'要落实。"]),
    # a quotation of several sentences: its closing quote is the last one's
    ('他强调:"要全面开展核酸检测。要严格落实隔离措施。"会议要求各地抓好落实。',
     ['他强调:"要全面开展核酸检测。', '要严格落实隔离措施。"', '会议要求各地抓好落实。']),
    ("●持续加强社会面管控\n——\n", ["持续加强社会面管控"]),
    ("", []),
    ("。。。", []),
])
def test_split_sentences(text, expected):
    assert split_sentences(text) == expected


def test_spans_point_at_the_sentences():
    text = "  第一句。\n\n● 第二句；第三句"
    spans = sentence_spans(text)
    assert [text[a:b] for a, b in spans] == ["第一句。", "第二句；", "第三句"]


@pytest.mark.parametrize("text, expected", [
    ("全市开展检测。加强管控", "全市开展检测。"),
    ("他说：“要落实。”各区跟进", "他说：“要落实。”"),  # closing marks belong to the sentence
    ("落实检测（详见附件。）加强", "落实检测（详见附件。）"),
    ("开展检测。加强管控。", "开展检测。"),  # the last mark may yet be followed by its quote
    ("开展检测。加强管控。”", "开展检测。"),
    ("开展检测。加强管控。 ", "开展检测。"),  # a closing quote may follow the space
    ("开展检测。 ”加强管控", "开展检测。 ”"),
    ("开展检测。\u2028”随后", "开展检测。"),  # not past a line break
    ("要落实。”", ""),
    ("检测。。。", ""),
    ("没有句号", ""),
    ("", ""),
])
def test_last_sentence_end_is_where_the_splitter_would_surely_cut(text, expected):
    end = last_sentence_end(text)
    assert (text[:end] if end >= 0 else "") == expected


def test_overlong_runs_are_cut_at_commas():
    text = "，".join(["加强核酸检测工作"] * 120)
    pieces = split_sentences(text)
    assert len(pieces) > 1 and all(len(p) <= MAX_SENTENCE for p in pieces)
    assert "".join(pieces) == text
    # cut after a comma: it ends the piece before, as a full stop would
    assert all(p.endswith("，") for p in pieces[:-1]) and not any(p.startswith("，") for p in pieces)


@needs_shared
@pytest.mark.parametrize("path", seed_files(), ids=lambda p: p.name)
def test_seed_sentences_lose_no_chinese_character(path):
    cleaned = clean(path.read_text("utf-8"))
    han = lambda s: re.findall(r"[\u4e00-\u9fff]", s)
    assert han("".join(split_sentences(cleaned))) == han(cleaned)


@pytest.mark.parametrize("line_break", ["\n", "\r\n", "\r", "\u2028", "\u2029", "\x85", "\x0b", "\x0c"])
def test_a_sentence_ends_at_any_line_break(line_break):
    # split_sentences is offered on its own, on text that has not been cleaned
    text = f"第一句话{line_break}第二句话"
    assert split_sentences(text) == ["第一句话", "第二句话"]
    assert [text[start:end] for start, end in sentence_spans(text)] == ["第一句话", "第二句话"]
