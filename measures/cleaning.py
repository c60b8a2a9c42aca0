"""Cleaning of scraped web text: small pure ``str -> str`` steps chained into :func:`clean`.

Each step can be used alone. :func:`clean_document` runs the same chain line by line and
also keeps, for every character of the cleaned text, its position in the original, so
that sentences can point back at the document the user gave us.
"""
from __future__ import annotations

import bisect
import html
from array import array
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable, Iterable, Iterator, Optional, Sequence, Tuple

from .inputs import text_argument
from .splitting import BREAKS, LINE_BREAK, TERMINATORS, TRAILERS

__all__ = [
    "replace_surrogates", "text_name", "normalize_width", "remove_invisible", "unescape_references",
    "strip_markdown", "drop_links", "strip_pinyin", "remove_markup", "to_simplified",
    "normalize_whitespace",
    "strip_tags", "normalize_line_breaks", "drop_boilerplate_lines", "collapse_blank_lines", "is_boilerplate", "normalize",
    "clean", "clean_document", "CleanText",
]

# --- character-level steps -------------------------------------------------------------

# A lone surrogate (valid in JSON as "\ud800", and in Python strings) cannot be encoded, so
# the converter and every writer would fail on it; it is mojibake, shown as U+FFFD.
_SURROGATES = dict.fromkeys(range(0xD800, 0xE000), 0xFFFD)


def replace_surrogates(text: str) -> str:
    """Lone surrogate code points to U+FFFD, the replacement character."""
    return text.translate(_SURROGATES)


def text_name(name):
    """A document's name as text that every output can hold (others as they are).

    Python gives a file name's bytes that are not UTF-8 as lone surrogates, which no UTF-8
    file takes: such a part of the path is read as GB18030 when it can be (the GBK names of
    files unpacked from a zip archive made on Chinese Windows), else its bad bytes become
    U+FFFD, as do other lone surrogates (a JSONL id of "\\udc80")."""
    if not isinstance(name, str):
        return name
    try:
        name.encode("utf-8")
        return name
    except UnicodeEncodeError:
        return "/".join(_text_part(part) for part in name.split("/"))


def _text_part(part: str) -> str:
    try:
        raw = part.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # surrogates that stand for no byte
        return replace_surrogates(part)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("gb18030")
    except UnicodeDecodeError:
        return raw.decode("utf-8", "replace")


# Full-width ASCII variants and the ideographic space fold to ASCII, as NFKC would; CJK
# punctuation such as 。、“” has no ASCII twin and stays.
_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
_WIDTH[0x3000] = 0x20


def normalize_width(text: str) -> str:
    """Full-width letters, digits, punctuation and spaces to their half-width forms."""
    return text.translate(_WIDTH)


# Zero-width spaces and joiners, direction marks, BOMs, soft hyphens, and the control codes
# that are no whitespace (C0, DEL, C1): those that are separate words (tab and the unit
# separator 1F become spaces in whitespace's step) or lines (vertical tab, form feed, the
# separators 1C-1E, NEL: LINE_BREAK).
_INVISIBLE = re.compile("[\u200b-\u200f\u2060\ufeff\u00ad\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f]")


def remove_invisible(text: str) -> str:
    """Drop characters a reader does not see: zero-width ones and control codes.

    Before the other steps that match words: a zero-width space inside ``長(zh\u200bǎng)``
    hid the annotation from :func:`strip_pinyin`, so cleaning twice gave another text; a
    NUL in a sentence named its terms wrongly."""
    return _INVISIBLE.sub("", text)


#: How many passes a step makes over a line before its result is taken as it is (the four
#: steps of remove_markup a pass each in turn; tags 16, and one more each time a line is
#: cleaned again). Each pass reads the whole line, and markup nested in itself needs a pass
#: for each level (<<<b>b>b>): a line of 24,000 such characters took 12 s, and one of a
#: million would take hours. Real pages nest two or three deep (&amp;amp;nbsp;); text
#: nested deeper than this is an attack or garbage, left with some of its markup in place
#: (cleaning it again removes more), as a parser gives up on too deep a tree.
_ROUNDS = 16
#: how many times a line is cleaned again for tags that cleaning made (<&#8203;p>)
_RECLEANS = 2


# An HTML character reference left in plain text (JSONL scraped from pages keeps &nbsp;
# and &ldquo;), only with its semicolon: "R&D" and "&copy2020" are not references.
_REFERENCE = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")


def _referenced(match: re.Match) -> str:
    # What a reference stands for, as the earlier steps leave characters (&#65307; a
    # half-width ";", &#8203; nothing); a line break or tab is a space, since the line
    # was cut before this step and cleaning again must not cut it there.
    character = remove_invisible(normalize_width(html.unescape(match.group())))
    return " " if character.isspace() else character


def unescape_references(text: str) -> str:
    """HTML character references to what they stand for: ``&ldquo;`` -> “, ``&#20840;`` ->
    全, ``&nbsp;`` and ``&#10;`` -> a space, ``&amp;amp;`` -> &."""
    return _references_decoded(text)[0]


def _references_decoded(text: str, rounds: int = _ROUNDS) -> _Mapped:
    return _substituted(_REFERENCE, _referenced, text, rounds)


# Markdown's marks in text scraped as Markdown (under any name: reposts saved as .txt): bold
# (**), code (`), a backslash's escapes, and a link's target ([转载自某网](https://…) ->
# [转载自某网]: the brackets stay, so that what goes never depends on what a sentence
# cut inside the link's text leaves out, and a span of it cleans to the same text).
# Bold's stars go in runs (组****长**, from **组**+**长**), but not between digits: a
# masked number (138****5678) stays as it was written.
_MARKDOWN = re.compile(r"(?<![\d*])\*{2,}|\*{2,}(?![\d*])|`|\\(?=[!-/:-@\[-`{-~])|(?<=\])\([!-'*-~]*\)")


def strip_markdown(text: str) -> str:
    """Remove Markdown's marks and keep its text: ``**作者：**张三`` -> ``作者：张三``,
    ``[原文](https://a.cn)`` -> ``[原文]``, ``w\\_yw`` -> ``w_yw``."""
    return _markdown_stripped(text)[0]


def _markdown_stripped(text: str, rounds: int = _ROUNDS) -> _Mapped:
    return _substituted(_MARKDOWN, lambda match: "", text, rounds)


# A web address, up to its last letter, digit or slash (a full stop after it is the
# sentence's; its ";" and "?" cut sentences, so scraped links made short pieces), and
# with it the brackets it stands in alone, as in Markdown's [转载自某网](https://…).
# Its characters are those of addresses, not "," ";" ":" (a folded "，" "；" "：" after it, then
# "24小时" that must stay), except a port's ":" and a parameter's ";" (:8080, ;v=2).
_ADDRESS = (r"(?:(?:https?|ftp)://|www\.)(?:[A-Za-z0-9._~/?#@!$&*+=%-]|:(?=\d)|[;,](?=[A-Za-z0-9_]+=))*"
            r"[A-Za-z0-9/=_#%&+~-]")
# (spaces, not line breaks: normalize() given several lines reads each as clean does)
_LINK = re.compile(rf"[(\[<【][^\S{BREAKS}]*{_ADDRESS}[^\S{BREAKS}]*[)\]>】]|{_ADDRESS}|网页链接$", re.IGNORECASE)


def drop_links(text: str) -> str:
    """Web addresses to a space (which whitespace's step removes between Chinese
    characters): ``详见http://www.nhc.gov.cn/a.html?id=1;v=2。`` -> ``详见 。``, and
    Weibo's 网页链接 closing a post. A space, so that what closes up around an address is
    never a new address or reference."""
    return _links_dropped(text)[0]


def _links_dropped(text: str, rounds: int = _ROUNDS) -> _Mapped:
    return _substituted(_LINK, lambda match: " ", text, rounds)


_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ"
# A parenthesised syllable carrying a tone mark: the reading aids that some reposts put
# after every Traditional character, e.g. 長(zhǎng)春. Plain Latin in brackets (WHO) stays.
_SYLLABLE = rf"[a-zü]*[{_TONED}][a-zü{_TONED}]*"
_PINYIN = re.compile(
    rf"[(（][^\S{BREAKS}]*{_SYLLABLE}(?:[^\S{BREAKS}]+{_SYLLABLE})*[^\S{BREAKS}]*[)）]"
    # the same annotation after a character lost to mis-decoding (日?qǐng)?bào)): the lost
    # character is marked, as U+FFFD marks bytes that cannot be decoded, for a sentence
    # without it can say the opposite (本地?zé)o癥狀 is 本地无症状, not 本地症状)
    rf"|(?P<lost>(?:\?{_SYLLABLE}[)）][a-z]*)+)"
)


def strip_pinyin(text: str) -> str:
    """Remove inline pinyin annotations: ``長(zhǎng)春`` -> ``長春``; one after a
    character lost to mis-decoding leaves U+FFFD in its place: ``本地?zé)o癥狀`` ->
    ``本地\ufffd癥狀``."""
    return _pinyin_stripped(text)[0]


def _pinyin_stripped(text: str, rounds: int = _ROUNDS) -> _Mapped:
    return _substituted(_PINYIN, lambda match: "\ufffd" if match.group("lost") else "", text, rounds)


# The four steps above, run in turn until none has more to do (``_ROUNDS`` times at most):
# each can make another's match (&am**p;, *(zhǎng)*, &#104;ttp://), and cleaning twice must
# give what cleaning once gave. Each runs only on text holding what all of its matches
# hold: most lines need none.
_MARKUP_STEPS: tuple[tuple[Callable[[str, int], _Mapped], Callable[[str], bool]], ...] = (
    (_references_decoded, lambda text: "&" in text),
    (_markdown_stripped, lambda text: any(mark in text for mark in ("*", "`", "\\", "]("))),
    (_links_dropped, lambda text: "//" in text or "www." in text.lower() or "网页链接" in text),
    (_pinyin_stripped, lambda text: ")" in text or "）" in text),
)


def remove_markup(text: str) -> str:
    """:func:`unescape_references`, :func:`strip_markdown`, :func:`drop_links` and
    :func:`strip_pinyin` in turn, until none of them changes the text (the step
    :func:`clean` runs; ``_ROUNDS`` times at most)."""
    return _markup_removed(text)[0]


def _markup_removed(text: str) -> _Mapped:
    current, firsts, lasts = text, None, None
    changed, rounds = True, 0
    while changed and rounds < _ROUNDS:
        changed, rounds = False, rounds + 1
        for step, needed in _MARKUP_STEPS:
            if needed(current):
                result, step_firsts, step_lasts = step(current, 1)  # a pass of each step a round
                if step_firsts is not None:
                    firsts, lasts = _followed(firsts, lasts, step_firsts, step_lasts)
                    current, changed = result, True
    return current, firsts, lasts


#: A step's result, and for each of its characters the index in the step's input of the
#: first and of the last character it comes from (None: the input, unchanged). Two, as a
#: decoded "&hellip;" ending a sentence must take the whole reference into its span.
#: Maps are arrays of machine integers: a one-line file's piece is a million characters,
#: and lists of Python ints and one-character strings took hundreds of MiB to clean it.
_Map = Sequence[int]
_Mapped = Tuple[str, Optional[_Map], Optional[_Map]]


def _index_map(values: Iterable[int] = ()) -> array[int]:
    return array("q", values)


def _substituted(pattern: re.Pattern, replace: Callable[[re.Match], str], text: str,
                 rounds: int = _ROUNDS) -> _Mapped:
    """``pattern``'s matches in ``text`` replaced, until none is left to replace, with
    where each character comes from. Spans need that: matched by character instead, the
    ``)`` of a removed ``(tú)`` took the place of a kept one after it, and a sentence lost
    its last character. Replacing again makes the step idempotent: removing one
    annotation can close up another, as in ((zhǎng)zhǎng), and ``&amp;nbsp;`` is a
    reference once decoded. At most ``rounds`` rounds (see ``_ROUNDS``)."""
    current, firsts, lasts = text, None, None
    for _ in range(rounds):
        first, last = firsts or range(len(text)), lasts or range(len(text))
        out: list[str] = []  # the result so far, in pieces
        new_firsts, new_lasts = _index_map(), _index_map()
        pos = 0
        for match in pattern.finditer(current):
            new = replace(match)
            if new == match.group():
                continue
            start, end = match.span()
            out += (current[pos:start], new)
            new_firsts.extend(first[pos:start])
            new_firsts.extend([first[start]] * len(new))
            new_lasts.extend(last[pos:start])
            new_lasts.extend([last[end - 1]] * len(new))
            pos = end
        if not out:
            break
        current = "".join(out) + current[pos:]
        new_firsts.extend(first[pos:])
        new_lasts.extend(last[pos:])
        firsts, lasts = new_firsts, new_lasts
    return current, firsts, (firsts if lasts == firsts else lasts)  # lasts as firsts where they agree: one map


@lru_cache(maxsize=1)
def _converter():
    import opencc  # deferred: most documents need no conversion and start-up time matters

    return opencc.OpenCC("hk2s")


#: A Chinese character (unified ideographs, extension A, compatibility ideographs). Text
#: without one needs no OpenCC call, and a line without one is not for the model.
HAN_RANGES = "\u3400-\u9fff\uf900-\ufaff"
HAN = re.compile(f"[{HAN_RANGES}]")


def to_simplified(text: str) -> str:
    """Traditional to Simplified Chinese with OpenCC's ``hk2s`` phrase tables: ``t2s``
    with Hong Kong's forms too (衞生 is 卫生 there)."""
    if not HAN.search(text):
        return text
    return _converter().convert(text)


_SPACES = re.compile(r"[^\S\n]+")
_CJK = f"\u3000-\u303f{HAN_RANGES}\uff00-\uffef"
# A space between Chinese characters is dropped (HTML extraction's stray spaces, a page's
# letter spacing: 疫 情 防 控) unless two Chinese characters stand on each side of it, or a
# figure and its unit before it (…达1071万 细化考场…): then it parts two clauses of a
# headline (…境外输入压力持续较大 做好防控措施落实是关键) and stays, so that no word or
# character n-gram runs across it. Letter spacing puts a space after every character, so
# never has two of them, or a digit and one, before a space. Only characters of the
# sentence decide, so a sentence cut from its document cleans alone to itself.
_SPACE_BETWEEN_CJK = re.compile(
    rf"(?<=[{_CJK}]) (?=[{_CJK}])(?!(?:(?<=[{HAN_RANGES}]{{2}} )|(?<=[0-9][{HAN_RANGES}] ))[{HAN_RANGES}]{{2}})")


def normalize_whitespace(text: str) -> str:
    """Collapse runs of spaces, trim lines, and remove the stray spaces that HTML
    extraction leaves between Chinese characters, keeping one between two headline
    clauses."""
    text = _SPACES.sub(" ", text)
    text = _SPACE_BETWEEN_CJK.sub("", text)
    return "\n".join(line.strip() for line in text.split("\n"))


# --- line-level step: page chrome, footers, spam ----------------------------------------

def _anycase(word: str) -> str:
    """``word``'s letters in either case: an expression compiled with IGNORECASE, or with
    an inline (?i:), loses the search for its first characters that makes it fast."""
    return "".join(f"[{ch.upper()}{ch.lower()}]" if ch.isalpha() else re.escape(ch) for ch in word)


# Two kinds of chrome that a line can be, or can end with after a story's last sentence
# (…请广大市民积极配合。本文禁止转载。): a short notice against reposting (本文禁止转载。;
# 未经许可禁止转载，违者必究), not a rule against spreading rumours (禁止转载、传播未经证实的…,
# 对涉疫谣言信息一律禁止转载。, 三、涉疫谣言禁止转载、传播。); and a forum's prompt in its own
# words, not a platform's rule or a service (用户实名登录后才可以发表评论。, 二、用户登录后才能评论,
# 市民登录后才可以下载健康码截图。).
_SHORT_REPOSTING_NOTICE = r"[^。！？!?,，、]{0,4}禁止转载[^。！？!?]{0,12}[。.!！]?\s*$"
_FORUM_PROMPT = (r"(?:游客[,，]?\s*|请)?登录后才可以(?:回复|回帖|发帖|发表|评论|查看帖子|浏览帖子|查看本帖|查看附件|下载附件)"
                 r"[^。！？!?]{0,12}[！!~～]?\s*$")
_AFTER_A_SENTENCE = r"[。！？!?]\s*"
# Three kinds of chrome alone on a line, or closing it after its last sentence, where they
# are cut too, or the document would keep as a sentence what cleans alone to nothing
# (…保障市场供应。2020年6月14日): a date (a page's stamp, a notice's signature); a caption
# that says where a picture came from (视频截图, 图片来自网络), not a sentence that goes on
# (图片来自网络经核实为旧图); a repost's credits (编辑整理：某某；校对整合：某某；), roles a
# notice's steps do not have (审核：社区逐户上门核实； is one, so the bylines' names end
# without a semicolon).
_DATE_ALONE = r"\d{4}[-/年]\d{1,2}[-/月]\d{1,2}日?\s*(?:\d{1,2}:\d{2}(?::\d{2})?)?\s*$"
_CAPTION = r"(?:(?:视频|网络|网页|屏幕|直播)截图|图片(?:来自|来源于)(?:网络|互联网))\s*$"
_REPOST_CREDITS = r"(?:(?:编辑整理|校对整合)\s*[:：]\s*[^\s?？!！。;；,，]{1,12}\s*[;；]?\s*)+$"
# each of the above, and a notice against reposting or a forum's prompt, closing a line
# after its last sentence (…请广大市民积极配合。本文禁止转载。)
_CLOSING_A_LINE = (_AFTER_A_SENTENCE + "(?:" + "|".join([_SHORT_REPOSTING_NOTICE, _FORUM_PROMPT, _DATE_ALONE, _CAPTION,
                                                         _REPOST_CREDITS]) + ")")

# What a Markdown repost from a news "farm" (…农场) keeps of its links as lines of its own,
# never a sentence's words: the repost's own credit (某某农场 [转载自GNews]: a farm's,
# GNews's or a translators' name, not a headline), a platform's links left as their
# titles (YouTube:[某某农场]、[某某工作室];, [Gettr: 某某农场 时事]: short, without a comma or
# an end mark), a link's label whose address went (原文链接:, 参考连结:, 新闻链接), a caption
# alone (_CAPTION), and what follows a link split at its title's end mark (据[标题!](某某报
# 发布时间: 2022-04-10 10:00), [标题!]引用完毕: the title is text and stays; after the title's
# end mark too, in _CHROME_ANYWHERE). The farms' credits (编辑:某甲, 播报:… -【…】) and
# calls to follow them are left: their words are a notice's too (审核：社区网格员上门核实,
# 广而告之：…欢迎加入我们的志愿者队伍), and no rule we tried told them apart.
_AFTER_A_LINKS_TITLE = (r"\]\s*(?:[(（][^()（）]{0,20}发布时间\s*[:：]\s*\d{4}-\d{1,2}-\d{1,2}[^()（）]{0,10}[)）]|引用完毕)"
                        r"\s*$")
_PLATFORMS = "|".join([*map(_anycase, ("Discord", "YouTube", "G-News", "GNews", "G-TV", "GTV", "Gettr", "Twitter",
                                       "Telegram")), "盖特", "推特", "油管", "电报"])
_LINKED = r"\[(?:[^\[\]\n]|\[[^\[\]\n]*\])+\]"  # a link's title, in its brackets (one pair inside)
_REPOSTS_LINKS = (
    rf"(?:\#{{1,6}}|>|[-+])?\s*(?:"  # (after a Markdown heading's or a list's mark: - [Gettr: …])
    rf"(?:{_PLATFORMS})\s*[:：]\s*{_LINKED}(?:\s*[、,，]?\s*{_LINKED})*\s*[;；。]?\s*$"
    rf"|\[\s*(?:{_PLATFORMS})\s*[:：][^\[\],，。；;！？!?]{{1,20}}\]\s*$"
    rf"|[^。！？!?\[\],，]{{0,24}}(?:农场|翻译组|{_anycase('G-')}|{_anycase('GNews')})[^。！？!?\[\],，]{{0,24}}"
    r"\[\s*(?:转载自|转自)\s*" + _anycase("GNews") + r"\s*\]\s*$"
    r"|(?:原文|参考|新闻|新闻参考|相关|来源|盖特|推特)(?:链接|连结|链结)\s*[:：]?\s*$"
    r"|" + _CAPTION + "|" + _REPOST_CREDITS + "|" + _AFTER_A_LINKS_TITLE + ")")

# Chrome is what a line starts as (_CHROME_START, tried at its start only) or holds
# anywhere (_CHROME_ANYWHERE): one expression with both tried every alternative at every
# character of every line, and took a third of cleaning's time.
_CHROME_START = re.compile(
    r"""
    # a line of buttons and links alone (打印本页 关闭窗口: whitespace's step joins them).
    # Each row of words is read one way only (no word is two others, 微信朋友圈 is 微信 and
    # 朋友圈; spaces go to one place): a row that fails at its end took time that grew
    # tenfold with every word, as the engine tried every way of reading it.
    (?:(?:找回密码|注册|登录|立即登录|打印|跳转到指定楼层|快速回复|快速回复主题|发表回复|发表主题|
        回到顶部|返回顶部|返回列表|关闭窗口|打印本页|打印此页|关闭本页|关闭|
        \[?复制链接\]?|收藏|分享|分享到|分享到\S{1,6}$|分享到\s*[:：]|扫一扫|使用道具|举报|回复|本版积分规则|
        # where a share button sends the page (分享到：微信 微博 QQ空间)
        微信好友|微信|朋友圈|新浪微博|腾讯微博|微博|QQ空间|QQ好友|QQ|人人网|豆瓣|百度贴吧|
        支持\s*反对|[xX]|\d+\s*\#|\d+楼|楼主|沙发|板凳|点赞|评论|
        # a WeChat article's buttons and prompts (点赞 在看 分享, 阅读原文)
        在看|轻触阅读原文|阅读原文|写留言|留言|预览时标签不可点|继续滑动看下一个|向上滑动看下一个|喜欢此内容的人还喜欢|
        [【\[]\s*(?:关闭窗口|打印本页|打印此页|关闭本页|关闭|打印|收藏)(?:\s*[】\]])?)\s*(?:[|｜丨·]\s*)?)+$
    # a WeChat article's prompt to follow its account (点击蓝字关注我们, 长按识别二维码关注,
    # 微信扫一扫关注该公众号), not a notice's to scan a code (扫描二维码预约核酸检测)
    | (?:点击(?:上方|下方|标题下)?\s*(?:蓝字|[“"「][^”"」]{1,20}[”"」])\s*(?:一键)?
       | (?:长按(?:识别)?(?:图中|下方)?二维码|(?:微信)?扫一扫|扫描(?:下方|上方)?二维码)\s*(?:即可|立即)?)
      (?:关注|订阅)(?:我们|该公众号|本公众号|公众号|[“"「][^”"」]{1,20}[”"」])?\s*[!！。~～]*$
    | 长按(?:识别)?(?:图中|下方)?二维码\s*$
    # links to the articles around (上一篇：…, 上一篇关于…的通知, a title without an end
    # mark), not a sentence that refers to one (上一篇报道中提到的…。)
    | 相关热词搜索 | (?:上一篇|下一篇)\s*(?:[:：>》]|[^。！？!?]*$)
    # a page's notice against reposting (本站原创文章，禁止转载; 本文禁止转载。; 未经许可禁止转载，
    # 违者必究), not a rule against spreading rumours (禁止转载、传播未经证实的…, 各网站平台
    # 对…一律禁止转载。, 本网格内居民禁止转载…, 本文件所列…禁止转载…)
    | (?:本站|本网站|本网(?![格点])|本文(?![件])|本报)[^。！？!?]{0,10}禁止转载
    # (and a few characters around 禁止转载, _SHORT_REPOSTING_NOTICE, and a forum's prompt,
    # _FORUM_PROMPT, after this expression)
    # a source's remark ending with its notice (图片来源于网络，禁止转载)
    | [^。！？!?,，]{0,12}[,，]\s*禁止转载\s*[。.!！]?\s*$
    # government portals: breadcrumbs, the site's organisers (not a notice's sentence that
    # names an event's: 主办单位：市卫健委，活动期间所有人员须…。)
    | 当前位置\s*[:：] | 您(?:现在)?的位置\s*[:：]
    # (a line without a sentence's end: a notice that names an event's organisers is a sentence)
    | (?:主办|承办|协办)(?:单位)?\s*[:：][^。！？!?]*$
    # a breadcrumb alone on its line (首页 > 新闻中心 > 通知公告), not an app's path in a
    # notice's step (首页→核酸检测→预约采样，选择…) nor one a one-line page runs on from
    | (?:网站首页|首页|主页)\s*(?:>>?|›|»)\s*(?:[^\s>›»,，。；;！？!?:：]{1,12}\s*(?:>>?|›|»)\s*)*
      [^\s>›»,，。；;！？!?:：]{1,12}\s*$
    # a footer's row of links (网站地图 | 联系我们 | 关于我们)
    | (?:(?:首页|网站首页|网站地图|网站导航|网站声明|联系我们|关于我们|返回顶部|手机版|免责声明|隐私政策|设为首页|
        加入收藏|意见反馈)\s*[|｜丨·]?\s*){2,}$
    # a site's menu, from its home page on (首页 | 新闻 | 国内 | 国际); not a row of short
    # words alone, which a notice's list (停课|停工|停业) or a table's row is too
    | (?:网站首页|首页)\s*[|｜丨]\s*(?:[^\d\s|｜丨,，。；;！？!?]{1,6}\s*[|｜丨]\s*){1,}[^\d\s|｜丨,，。；;！？!?]{1,6}\s*$
    # a comment box's prompt alone, not a rule on comments (用户登录后方可发表评论);
    # not part of _FORUM_PROMPT: no wording matches both, and one closing a story's line
    # (…。请登录后发表评论) stays with the story, where a forum's prompt is cut off it
    | 请?登录后(?:才能|方可|即可)?(?:发表|参与)评论\s*$
    # a copyright line whose © was lost to decoding
    | \?\s*\d{4}-\d{4}
    # a contact line, not a notice's sentence that ends with its number (…，联系电话：…)
    # (one that sets up or publishes a channel for reports or help is the guide's publicity)
    | (?![^,，。；;！？!?]{0,40}(?:设立|开通|公布|举报))(?![^,，。；;！？!?]{0,30}(?:心理|援助)[^,，。；;！？!?]{0,10}联系电话)
      [^,，。；;！？!?]{0,40}联系电话\s*[:：]
    | 联系人\s*[:：]
    # a feedback link alone or opening a contact line
    | (?:意见反馈|给\S{1,10}提意见)(?:邮箱|电话|热线)?\s*(?:$|[:：|｜丨·])
    # bylines: 编辑：张敏 审核：王立, 记者：张三 通讯员：李四, 责编：张三, 本报记者：张三; names,
    # not a reporter's question (记者：核酸检测免费吗？)
    | (?:(?:本报|本台|本网|本刊)?(?:特约|见习|实习)?(?:编辑|责编|审核|审校|校对|记者|通讯员|摄影|摄像|监制|终审|初审|复审|编审|制作|撰稿|发稿|审核校对|上传排版)
        \s*[:：]\s*[^\s?？!！。]{1,8}?(?:\ [^\s?？!！。]{1,8}?)?\s*)+$
    | 免责声明\s*[:：]
    | \s*-\s*\S{1,12}(?:微博|公众号|抖音号|客户端|头条号)\s*$
    # a byline, not one a repost glued to the story's first sentence (来源：某发布 今日，…)
    | (?:来源|发布时间|发布日期|作者)\s*[:：][^,，。！？!?]{0,40}$
    # a short phrase in brackets on its own: a byline or source ((来源:人民网), (记者张三),
    # (某日报某记者站), a bulletin's (某省卫健委))
    | [(\[【][^()\[\]【】,，。！？!?]{1,20}[)\]】]$
    """
    + "|" + r"\s*-\s*(?:" + _anycase("IP") + r"\s+" + _anycase("SHANGHAI") + "|" + _anycase("SIXTH") + r"\s+"
    + _anycase("TONE") + r")\s*$"
    + "|" + _SHORT_REPOSTING_NOTICE + "|" + _FORUM_PROMPT + "|" + _REPOSTS_LINKS + "|" + _DATE_ALONE,
    re.VERBOSE,
)
_CHROME_ANYWHERE = re.compile(
    r"""
    上一主题 | 下一主题 | 使用道具
    | 只看该作者 | 倒序浏览 | 阅读模式 | 回帖奖励 | 发表于\s*\d{4}-\d | 查看\s*[:：]\s*\d+\s*\|\s*回复
    # a forum's login prompt, not a service's (市民登录后才可以查询…, 没有账号注册的老年人…)
    | 您需要\s*登录\s*(?:后\s*)?才(?:可以|能)\s*(?:下载|查看|浏览|回复|回帖|发帖|发表)
    | 没有[帐账]号\s*(?:[?？]\s*(?:立即)?|立即)注册(?!的)
    # government portals: font-size switches, view counters, "open on your phone"
    | 字体\s*[:：]?\s*[【\[]?\s*大\s*中\s*小 | (?:浏览|阅读|访问)次数\s*[:：]
    | 扫一扫在手机(?:上)?打开 | 网站标识码
    | ©\s*\d{4} | \s\?\s*\d{4}-\d{4}
    # a page's notice (未经授权，禁止转载; the short ones are among the lines' starts above)
    | 版权所有 | 版权说明 | 版权声明 | 版权保护\s*[:：] | 未经[^。！？!?,，]{0,20}授权[^。！？!?]{0,10}禁止转载
    # a site's licence (B2-20090059), not the permits of firms a notice is about
    | 公网安备 | 增值电信业务经营许可证\s*[:：(（]?\s*[京津沪渝冀晋辽吉黑苏浙皖闽赣鲁豫鄂湘粤琼川贵云陕甘青蒙桂藏宁新]?[A-Za-z]\d-?\d
    | 违法和不良信息举报
    | 报料热线 | 报料邮箱
    # a feedback link in brackets or between links; not a channel or duty a sentence names
    # (畅通意见反馈渠道, 落实意见反馈机制：)
    | [|｜丨·]\s*(?:意见反馈|给\S{1,10}提意见)(?:邮箱|电话|热线)?\s*(?:$|[:：|｜丨·])
    | [【\[]意见反馈[】\]]
    | (?:首页|网站地图|网站声明|联系我们|关于我们|返回顶部|手机版|免责声明|隐私政策)\s*[|｜丨·]?\s*意见反馈
    | 意见反馈\s*[|｜丨·]?\s*(?:首页|网站地图|网站声明|联系我们|关于我们|返回顶部|手机版|免责声明|隐私政策)
    | 小黑屋 | 责任编辑
    | 编辑\s*[:：]\s*\S{1,4}\s*$
    # a notice against reposting, a forum's prompt or its buttons closing a line after its
    # last sentence (…请广大市民积极配合。本文禁止转载。)
    | [。！？!?]\s*(?:本站|本网站|本报|本文)[^。！？!?]{0,10}禁止转载[^。！？!?]{0,12}[。.!！]?\s*$
    | [。！？!?]\s*(?:(?:快速回复|返回顶部|返回列表|回到顶部|发表回复)\s*[|｜丨·]?\s*)+$
    # (and _CLOSING_A_LINE, after this expression)
    # the same, closing a line after its last sentence (…当日解除医学观察187人。(某省卫健委))
    | [。！？!?;；][(\[【][^()\[\]【】,，。！？!?]{1,20}[)\]】]$
    """
    + "|" + "|".join([_anycase("Powered") + r"\s+" + _anycase("by"),
                      _anycase("Processed") + r"\s+" + _anycase("in") + r"\s+[\d.]+\s+" + _anycase("second"),
                      _anycase("GMT") + r"\+8", _anycase("Copyright"), _anycase("ICP") + r"\s*(?:备|证)?\s*\d",
                      r"手机版\s*\|\s*" + _anycase("Archiver"),
                      _CLOSING_A_LINE,
                      r"[。！？!?]" + _AFTER_A_LINKS_TITLE]),
    re.VERBOSE,
)

# A site's licence number (许可证：11120170002, 许可证 京网文〔2021〕…, 许可证：（京）字…),
# which a sentence that ends (发放通行许可证3000余张。) is not; the permits notices require
# (须持通行许可证的车辆, 持通行许可证（纸质版）的车辆) have no number or colon after the word.
_PROVINCES = "[京津沪渝冀晋辽吉黑苏浙皖闽赣鲁豫鄂湘粤琼川贵云陕甘青蒙桂藏宁新]"
_PROVINCE = _PROVINCES + "(?:[A-Za-z]?\\d|网文|ICP)"
_LICENCE = re.compile(rf"许可证(?:号|编号)?\s*(?:[:：]\s*(?:[A-Za-z]?\d|[（(]|新出|{_PROVINCE})"
                      # without a colon, a number of six digits or more (许可证3000余张 is a count)
                      rf"|[A-Za-z]?\d{{6}}|新出|{_PROVINCE}|[（(]{_PROVINCES}[）)])")
_SENTENCE_END = re.compile("[。！？!?]")

# Sections after which a page carries only lists of other articles or comments.
_TAIL = re.compile(r"^(?:本帖子中包含更多资源|相关文章|相关阅读|相关新闻|相关推荐|延伸阅读|推荐阅读|热门推荐|猜你喜欢|最新评论|网友评论|热门评论|精彩推荐|往期推荐|往期回顾|往期精彩)\s*[:：]?$")

# Spam: keyword-stuffed lines of short comma-separated fragments with adult/video/gambling
# vocabulary, as injected into hijacked pages.
_SPAM_WORDS = re.compile(r"视频|精品|在线播放|免费|午夜|福利|字幕|久久|彩票|博彩|娱乐城|下载|高清|成人|国产|日韩|欧美")


def _is_chrome(text: str) -> bool:
    text = text.strip("* ")  # Markdown's italics around a credit (*审核：某某*)
    if not HAN.search(text):
        return True  # the model reads Chinese only: "- +1", "x", "IP SHANGHAI"
    if _CHROME_START.match(text) or _CHROME_ANYWHERE.search(text):
        return True
    if _LICENCE.search(text) and not _SENTENCE_END.search(text):
        return True
    # Keyword-stuffed spam is mostly its vocabulary, and varied; a policy sentence that
    # offers free testing, a download and a video meeting is not, nor one that names 免费
    # four times or travellers from 欧美 and 日韩.
    words = _SPAM_WORDS.findall(text)
    return (len(set(words)) >= 3 and len(re.split(r"[,，、|]", text)) >= 4
            and sum(map(len, words)) >= 0.5 * len(HAN.findall(text)))


def is_boilerplate(line: str) -> bool:
    """True when a cleaned line is page chrome, a footer, a byline or spam, or holds no
    Chinese character, and goes whole (:func:`drop_boilerplate_lines` cuts the chrome out
    of a line that also holds text)."""
    return _text_parts(line) is None


# A portal's header or a bracketed byline that a page scraped onto one line puts before its
# story (字体：大 中 小 全市开展…, 发布时间：2022-04-10 浏览次数：1234 全市开展…, 【责任编辑：王翔】全市开展…):
# it is cut off, so that it does not make the story's first sentence chrome.
_HEADER = re.compile(
    r"""(?:\s*(?:
        [【\[]?\s*字体\s*[:：]?\s*[【\[]?\s*大\s*中\s*小\s*[】\]]?
      # a date or a source only before another part of the header: a date that opens the
      # story stays with it (时间：2022年4月10日起，…, 日期：2022-04-10 起，…)
      | (?:发布时间|发布日期|更新时间|时间|日期)\s*[:：]\s*\d{4}[-/年.]\d{1,2}[-/月.]\d{1,2}日?(?:\s*\d{1,2}:\d{2}(?::\d{2})?)?
        (?=\s*(?:来源\s*[:：]|作者\s*[:：]|(?:浏览|阅读|访问|点击)次数|字体|[【\[](?:打印|关闭|责任编辑|来源)))
      | (?:来源|作者)\s*[:：]\s*[^\s,，。|｜]{1,20}?
        (?=\s*(?:发布时间|发布日期|更新时间)\s*[:：]|\s*(?:浏览|阅读|访问|点击)次数|\s*字体)
      | (?:浏览|阅读|访问|点击)次数\s*[:：]\s*\d+(?!\d)
      | [【\[(](?:责任编辑|编辑|责编|来源|作者|记者|通讯员)\s*[:：]?[^【】\[\]()]{1,20}[】\])]
      | [【\[](?:打印|关闭|打印本页|关闭窗口|收藏)[】\]]
    ))+\s*""",
    re.VERBOSE,
)

# A byline that closes a line, glued to its story's last sentence (…一律集中隔离【责任编辑：
# 王翔】, …一律集中隔离(记者张三), …一律集中隔离 责任编辑：王翔, whose space is gone by then):
# cut off, so that it does not make that sentence chrome, end mark or not.
_TRAILER = re.compile(
    r"""\s*(?:[【\[(（](?:责任编辑|编辑|责编|来源|作者|记者|通讯员)\s*[:：]?[^【】\[\]()（）]{1,20}[】\])）]
         | (?:责任编辑|责编)\s*[:：]\s*\S{1,8}(?:\ \S{1,8})?)\s*$""",
    re.VERBOSE,
)
# what such a line ends with, or holds (责任编辑, 责编): every line is judged, few have one
_TRAILER_ENDS = "】])）"

# A line's sentences for judging chrome: each up to and with its end marks.
_MARKS = "".join(sorted(TERMINATORS))
# (with the closing quotes and brackets after its end, as the splitter has them)
_CLOSERS = "".join(sorted(TRAILERS))
_PIECE = re.compile(f"[^{_MARKS}]+(?:[{_MARKS}]+[{_CLOSERS}]*)?|[{_MARKS}]+[{_CLOSERS}]*")


def _text_parts(line: str) -> list[tuple[int, int]] | None:
    """The (start, end) parts of a cleaned line that are text: the whole line, or none
    (None), or, in a line with chrome in it, its sentences that are prose.

    Prose is kept where it is most (2/3) of the line, as in a notice closed by a
    "咨询电话：" or a whole document written on one line, and where chrome only follows it,
    bylines or a footer glued to a story's last sentence (对密接人员一律集中隔离。【责任编辑：
    王翔】); not in a footer of several sentences with a remark among them (版权所有：某某网。
    未经授权禁止转载。如需使用请联系。). A last sentence without its end mark, after prose,
    is prose when it has 8 Chinese characters or more (各区要继续做好疫苗接种工作).
    """
    stripped = line.strip()
    trailer = _TRAILER.search(line) if stripped[-1:] in _TRAILER_ENDS or "责" in stripped else None
    if trailer and HAN.search(line, 0, trailer.start()) and not _is_chrome(line[:trailer.start()].strip()):
        return _text_parts(line[:trailer.start()])
    if not stripped or not _is_chrome(stripped):
        return [(0, len(line))]
    header = _HEADER.match(line)
    # what follows a header is a story only if it has a sentence's end
    if header and re.search(f"[{_MARKS}]", line[header.end():]):
        parts = _text_parts(line[header.end():])
        return None if parts is None else [(a + header.end(), b + header.end()) for a, b in parts]
    pieces = [match.span() for match in _PIECE.finditer(line) if match.group().strip()]
    chrome = [_is_chrome(line[a:b].strip()) for a, b in pieces]
    prose = [not is_chrome and line[a:b].rstrip(_CLOSERS).strip()[-1:] in TERMINATORS
             for (a, b), is_chrome in zip(pieces, chrome)]
    a, b = pieces[-1]
    if not chrome[-1] and any(prose) and len(HAN.findall(line, a, b)) >= 8:
        prose[-1] = True  # a document's last sentence, without its end mark
    if all(prose):  # the chrome spans two sentences (全市开展核酸检测 ? 2014-2020 …): text
        return [(0, len(line))]
    kept = [span for span, is_prose in zip(pieces, prose) if is_prose]
    if sum(b - a for a, b in kept) < 2 / 3 * len(stripped):
        first = prose.index(False)
        if not all(chrome[first:]):
            return None
        kept = pieces[:first]  # prose, then chrome only
    # each part without the spaces around it: cleaning again leaves the line as it is
    parts = [(a + len(line[a:b]) - len(line[a:b].lstrip()), b - len(line[a:b]) + len(line[a:b].rstrip()))
             for a, b in kept]
    return parts or None


# After a "related articles" heading, a story's paragraphs on this many lines running
# (blank lines aside) start an article again: a digest's next story, a thread's next post
# saved in one file. A page's tail is teasers, headlines and comments, which are not
# written so: a paragraph has a clause before its end and ends with 。, where a headline
# shouts (紧急提醒！…) and a comment opens with its author (网友甲：…).
_ARTICLE_AGAIN = 3
_PARAGRAPH = re.compile(rf"^(?![^,，:：。]{{1,12}}[:：])[^-*·•●▪►>#!?！？][^!?！？]*[,，][^!?！？]*。[{_CLOSERS}]*$")


def _is_prose_line(line: str) -> bool:
    stripped = line.strip()
    return (len(HAN.findall(stripped)) >= 20 and _PARAGRAPH.match(stripped) is not None
            and not _is_chrome(stripped))


def _tail_end(lines: Sequence[str], start: int) -> int:
    """Where the tail that a heading opens before ``lines[start]`` ends: at the first of
    _ARTICLE_AGAIN lines of prose running, or at the end."""
    run: list[int] = []
    for i in range(start, len(lines)):
        if not lines[i].strip():
            continue
        if not _is_prose_line(lines[i]):
            run = []
            continue
        run.append(i)
        if len(run) == _ARTICLE_AGAIN:
            return run[0]
    return len(lines)


def _kept_parts(lines: Sequence[str]) -> list[list[tuple[int, int]] | None]:
    total = sum(len(line) for line in lines) or 1
    kept: list[list[tuple[int, int]] | None] = []
    seen = i = 0
    while i < len(lines):
        line = lines[i]
        parts = _text_parts(line)
        # the heading as cleaning leaves it too (相关阅读【责任编辑：王翔】 is 相关阅读 once its
        # byline goes): cleaning again must find no heading that cleaning once left
        if _TAIL.match(line.strip()) or parts and _TAIL.match("".join(line[a:b] for a, b in parts).strip()):
            # Near the top such a heading is navigation; further down the article is over,
            # and what follows is its tail, until an article starts again
            end = _tail_end(lines, i + 1) if seen > 0.4 * total else i + 1
            kept.extend([None] * (end - i))
            seen += sum(len(line) for line in lines[i + 1:end])
            i = end
            continue
        kept.append(parts)
        seen += len(line)
        i += 1
    return kept


def drop_boilerplate_lines(text: str) -> str:
    """Remove lines of page chrome (navigation, share buttons, login prompts, copyright,
    ICP and record numbers, bylines), spam lines, lines without a Chinese character (the
    model reads Chinese only: an English line is dropped too), and the tail after a
    "related articles" or comments heading below the top of the text (to the end, or to
    where a story's paragraphs run again: a digest's next story, see ``_ARTICLE_AGAIN``);
    from a line that also holds text, cut the
    chrome sentences out (:func:`_text_parts` says which)."""
    lines = text.split("\n")
    return "\n".join("".join(line[a:b] for a, b in parts)
                     for line, parts in zip(lines, _kept_parts(lines)) if parts is not None)


# Markup in text that came as text (a JSONL record's field, a string given to tag(), a
# page's source pasted into a .txt file); a file or stream that begins with markup is read
# as HTML whole (reading.html_to_text). A tag does not run over a line break, so that
# clean_document can read it a line at a time, and its brackets may be escaped or
# full-width (&lt;br&gt;, ＜p＞), which normalising would make into a tag after the fact.
_SPACE = rf"[^\S{BREAKS}]"
_OPEN = r"(?:<|&lt;|&#0*60;|&#[xX]0*3[cC];|＜)"
_CLOSE = r"(?:>|&gt;|&#0*62;|&#[xX]0*3[eE];|＞)"
# an attribute, a name and perhaps a value, so that 当 a<b 且 c>d is no tag
_VALUE = (rf"(?:\"[^\"{BREAKS}]{{0,2000}}\"|'[^'{BREAKS}]{{0,2000}}'|&quot;[^<>&{BREAKS}]{{0,500}}&quot;"
          rf"|[^\s\"'=<>`&＞](?:[^\s\"'<>`&＞]|&(?!gt;|#0*62;|#[xX]0*3[eE];)){{0,499}})")
_ATTRIBUTE = rf"{_SPACE}+[A-Za-z_:][-A-Za-z0-9_:.]{{0,40}}(?:{_SPACE}*={_SPACE}*{_VALUE})?"
_INSIDE_A_TAG = rf"(?:{_ATTRIBUTE}){{0,30}}{_SPACE}*/?{_CLOSE}"
_BLOCK_NAMES = ("p|div|br|hr|li|ul|ol|dl|dt|dd|tr|td|th|table|thead|tbody|tfoot|caption|h[1-6]|section|article|"
                "header|footer|nav|aside|main|blockquote|pre|center|figure|figcaption|form|title|head|body|html|"
                "script|style|iframe|noscript|option|select|textarea")
# (inline names only, not block elements': a block tag that removing an inline one
# makes, <<b>p>, is read as a block tag by _clean_lines)
_INLINE_NAMES = ("span|(?-i:[abisu])|em|strong|font|img|sup|sub|small|big|mark|abbr|cite|code|label|input|button|"
                 "meta|link|source|video|audio|o:p|st1:[a-z]+|w:[a-z]+")
#: a block element's tag, which ends a line as a line break does; a script or style
#: element's opening tag names it (group ``element``): its code goes with it
BLOCK_TAG = re.compile(rf"(?i:{_OPEN}(?:(?P<element>script|style)|/?(?:{_BLOCK_NAMES})){_INSIDE_A_TAG})")
_TAG = re.compile(rf"(?i:{_OPEN}/?(?:{_INLINE_NAMES}){_INSIDE_A_TAG}"
                  rf"|{_OPEN}!--[^{BREAKS}]{{0,500}}?--{_CLOSE}|{_OPEN}!doctype[^<>{BREAKS}]{{0,200}}{_CLOSE})")
_MAY_HOLD_A_TAG = re.compile("[<&＜]")
# a comment's opening: a block tag inside it (commented-out markup) ends no line
_COMMENT = rf"(?P<comment>{_OPEN}!--)"
# what closes a script or style element, or a comment, on the same line
_CLOSING = {**{name: re.compile(rf"(?i:{_OPEN}/{name}{_SPACE}*{_CLOSE})") for name in ("script", "style")},
            "!--": re.compile(rf"--{_CLOSE}")}
_BLOCK_TAG_OR_COMMENT = re.compile(rf"{BLOCK_TAG.pattern}|(?i:{_COMMENT})")


def _line_ends(text: str, breaks: re.Pattern) -> Iterator[tuple[int, int]]:
    """Where ``breaks`` (line breaks and block tags, or block tags alone) end the lines of
    ``text``, as (start, end): a script or style element ends one whole, up to its closing
    tag on the same line, as its code is no text. (On the same line: a large file is read
    in pieces of whole lines, and must clean as it would whole. Each closing tag is looked
    for once a line at most: a line of a million unclosed ``<script>`` stays linear.)"""
    unclosed: set[tuple[str, int]] = set()  # (element or comment, end of its line)
    line_end = -1
    pos = 0
    while (match := breaks.search(text, pos)) is not None:
        start, end = match.span()
        kind = "!--" if match.group("comment") else (match.group("element") or "").lower()
        if kind:
            if end > line_end:
                brk = LINE_BREAK.search(text, end)
                line_end = brk.start() if brk else len(text)
            closing = None if (kind, line_end) in unclosed else _CLOSING[kind].search(text, end, line_end)
            if closing is None:
                unclosed.add((kind, line_end))
            if kind == "!--":  # passed over whole, to be removed with the other tags
                pos = closing.end() if closing else end
                continue
            if closing:
                end = closing.end()
        yield start, end
        pos = end


def _lines(text: str, breaks: re.Pattern) -> Iterator[tuple[int, int]]:
    """The (start, end) of each line of ``text`` between :func:`_line_ends`, the last too."""
    pos = 0
    for start, end in _line_ends(text, breaks):
        yield pos, start
        pos = end
    yield pos, len(text)


def strip_tags(text: str) -> str:
    """HTML left in text: a block element's tag (``<p>``, ``</div>``, ``<br/>``) and a
    script or style element whole as a line break, and any other tag or comment removed:
    ``<p>全市开展<b>核酸检测</b>。</p>`` -> ``\n全市开展核酸检测。\n``. Only tags of HTML's
    elements, with attributes as HTML writes them, so ``<5岁``, 《通告》 or ``a<b 且 c>d``
    stay; escaped or full-width brackets (``&lt;br&gt;``, ``＜p＞``) are tags too."""
    return "\n".join(_tags_stripped(text[start:end])[0] for start, end in _lines(text, _BLOCK_TAG_OR_COMMENT))


def _tags_stripped(line: str, rounds: int = _ROUNDS) -> _Mapped:
    if not _MAY_HOLD_A_TAG.search(line):
        return line, None, None
    return _substituted(_TAG, lambda match: "", line, rounds)


def normalize_line_breaks(text: str) -> str:
    """Every kind of line break ("\r\n", "\r", U+2028, form feed, ...) as "\n": text from
    JSONL, Python or old files keeps them, and a byline on a line of its own must not join
    the story's line."""
    return LINE_BREAK.sub("\n", text)


def collapse_blank_lines(text: str) -> str:
    """One blank line where there were several, so paragraph breaks survive, and none at
    the start or the end."""
    return _BLANK_RUN.sub("\n\n", text).strip("\n")


_BLANK_RUN = re.compile(r"\n{3,}")


# --- the chain ----------------------------------------------------------------------------

_LINE_STEPS: tuple[Callable[[str], str], ...] = (
    replace_surrogates, normalize_width, remove_invisible, remove_markup, to_simplified, normalize_whitespace,
)
# Steps that say which characters they keep, rather than leave it to _align to guess.
_MAPPED_STEPS: dict[Callable[[str], str], Callable[[str], _Mapped]] = {remove_markup: _markup_removed}


def normalize(text: str) -> str:
    """The character-level steps of :func:`clean` (width, invisible characters, markup:
    HTML references, Markdown's marks, web addresses and pinyin, script, whitespace)
    without dropping any line: what a single sentence needs before classification."""
    for step in _LINE_STEPS:
        text = step(text)
    return text


# A line break between Chinese characters, in a sentence given alone or in a page's
# source, wraps a line: read as nothing, where a space there may part a headline's
# clauses (normalize_whitespace).
_WRAP_BETWEEN_CJK = re.compile(rf"(?<=[{_CJK}])[^\S{BREAKS}]*(?:{LINE_BREAK.pattern})\s*(?=[{_CJK}])")


def unwrap_lines(text: str, mark: str | None = None) -> str:
    """``text``'s lines as one line, as text that wraps where its writer's editor did: a
    line break is a space, or nothing between two Chinese characters
    (``全市中小学\n暂停线下教学`` -> ``全市中小学暂停线下教学``).

    With ``mark``, the line breaks unwrapped are those written as that character, and
    the text's own line breaks stay: a page's text, whose source line breaks its reader
    marks so that one between two Chinese characters is nothing even where a tag stands
    beside it (``落实\n<b>核酸</b>``), each element's text read apart from the next."""
    if mark is None:
        return LINE_BREAK.sub(" ", _WRAP_BETWEEN_CJK.sub("", text))
    either = rf"(?:[^\S{BREAKS}]|{re.escape(mark)})*"
    between = re.compile(rf"(?<=[{_CJK}]){either}{re.escape(mark)}{either}(?=[{_CJK}])")
    return between.sub("", text).replace(mark, " ")


def normalize_sentence(text: str) -> str:
    """:func:`normalize` for a sentence given alone, which is one line: a line break in it
    (a paragraph's, in text split on 。) is a space, or nothing between two Chinese
    characters (:func:`unwrap_lines`), as the model and the check for copies of a
    sentence read it."""
    return normalize(unwrap_lines(text))


def emptied(text: str) -> str:
    """What to call a text that :func:`normalize_sentence` leaves empty, in a message."""
    return f"{text[:30]!r} is empty once normalised (a web address, markup or invisible characters alone)"


def clean(text: str) -> str:
    """The whole chain: line breaks, width, invisible characters, markup (HTML references,
    Markdown's marks, web addresses, pinyin), Traditional -> Simplified, whitespace,
    boilerplate (with every line that holds no Chinese character: the model reads Chinese
    only), blank lines; with HTML's tags after the line breaks (:func:`strip_tags`); that is,
    ``collapse_blank_lines(drop_boilerplate_lines(normalize(strip_tags(normalize_line_breaks(text)))))``,
    with ``normalize(strip_tags(...))`` again while normalising makes a tag (``<&#8203;p>``)
    (computed line by line by :func:`clean_document`, which also maps the characters back).
    A sentence given alone (:func:`normalize`) keeps its tags: the model reads it as given.

    Blank lines are kept (one) so paragraph breaks survive; the result is idempotent
    (except for markup nested in itself more than ``_ROUNDS`` deep, which no page writes:
    that is cleaned a part at a time rather than for ever).
    """
    return clean_document(text).text


@dataclass(frozen=True)
class CleanText:
    """Cleaned text plus, for each of its characters, where it is in the original."""

    text: str
    _pieces: tuple  # (clean_start, orig_start, firsts, lasts as in _Mapped), one a line
    _starts: tuple  # the clean_start of each piece, for bisection

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a span ``[start, end)`` of :attr:`text` to the span of the original."""
        if start >= end:
            pos = self._position(start)
            return pos, pos
        return self._position(start), self._position(end - 1, last=True) + 1

    def _position(self, index: int, last: bool = False) -> int:
        k = bisect.bisect_right(self._starts, index) - 1
        if k < 0:
            return 0
        clean_start, orig_start, firsts, lasts = self._pieces[k]
        mapping = lasts if last else firsts
        offset = index - clean_start
        if mapping is None:
            return orig_start + offset
        if offset >= len(mapping):
            return orig_start + (mapping[-1] + 1 if mapping else 0)
        return orig_start + mapping[offset]


def _align(before: str, after: str) -> _Map:
    """For each character of ``after``, its index in ``before``.

    The cleaning steps only delete characters or replace them one for one, so a greedy
    walk that matches equal characters (or whitespace with whitespace) suffices; a step
    that does neither (a rare OpenCC phrase of another length) falls back to difflib.
    """
    mapping, j = _index_map(), 0
    for ch in after:
        while j < len(before) and before[j] != ch and not (ch.isspace() and before[j].isspace()):
            j += 1
        if j == len(before):
            break
        mapping.append(j)
        j += 1
    if len(mapping) == len(after):
        return mapping
    import difflib

    mapping = _index_map([0]) * len(after)
    last = 0
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        for k in range(j2 - j1):
            mapping[j1 + k] = min(i1 + k, max(i2 - 1, i1)) if tag != "insert" else last
        last = i2
    return mapping


def _composed(outer: _Map | None, inner: _Map) -> _Map:
    if outer is None:
        return inner
    # through a list is quicker for a line's worth; a one-line file's piece of a million
    # characters goes straight into the array, without a list of as many ints beside it
    return _index_map([outer[i] for i in inner] if len(inner) < 1 << 16 else map(outer.__getitem__, inner))


def _followed(firsts: _Map | None, lasts: _Map | None, step_firsts: _Map,
              step_lasts: _Map | None) -> tuple[_Map, _Map]:
    """Where the characters after a step come from, given where those before it came from."""
    same = firsts is lasts and step_firsts is step_lasts
    composed = _composed(firsts, step_firsts)
    return composed, composed if same else _composed(lasts, step_lasts or step_firsts)  # both or neither


def _line_mapping(line: str) -> _Mapped:
    current, firsts, lasts = line, None, None
    for step in _LINE_STEPS:
        if step in _MAPPED_STEPS:
            result, step_firsts, step_lasts = _MAPPED_STEPS[step](current)
        else:
            result = step(current)
            step_firsts = step_lasts = _align(current, result) if len(result) != len(current) else None
        if step_firsts is not None:
            firsts, lasts = _followed(firsts, lasts, step_firsts, step_lasts)
        current = result
    return current, firsts, lasts


def _clean_lines(line: str, depth: int = 0) -> list[_Mapped]:
    """A line cleaned (:func:`_line_mapping`, its tags first), with where its characters
    come from in ``line``. Where cleaning made a tag (a reference or a zero-width space in
    one: ``<&#8203;p>``), that tag is read as any other is, and the line may become several:
    no tag is left, and cleaning again changes nothing (unless markup is nested deeper
    than ``_ROUNDS`` levels: see there)."""
    # again, the tags cleaning made, one round: no page nests them (see _ROUNDS)
    text, firsts, lasts = _tags_stripped(line, _ROUNDS if depth == 0 else 1)
    text, step_firsts, step_lasts = _line_mapping(text)
    if step_firsts is not None:
        firsts, lasts = _followed(firsts, lasts, step_firsts, step_lasts)
    if depth == _RECLEANS or not (_MAY_HOLD_A_TAG.search(text) and (BLOCK_TAG.search(text) or _TAG.search(text))):
        return [(text, firsts, lasts)]
    whole_firsts = firsts if firsts is not None else _index_map(range(len(text)))
    whole_lasts = lasts if lasts is not None else whole_firsts
    out: list[_Mapped] = []
    for start, end in _lines(text, _BLOCK_TAG_OR_COMMENT):
        outer_firsts, outer_lasts = whole_firsts[start:end], whole_lasts[start:end]
        for piece, piece_firsts, piece_lasts in _clean_lines(text[start:end], depth + 1):
            out.append((piece,
                        outer_firsts if piece_firsts is None else _composed(outer_firsts, piece_firsts),
                        outer_lasts if piece_lasts is None else _composed(outer_lasts, piece_lasts)))
    return out


def _cut(mapping: _Map | None, length: int, parts: list[tuple[int, int]]) -> _Map:
    whole = mapping if mapping is not None else range(length)
    cut = _index_map()
    for a, b in parts:
        cut.extend(whole[a:b])
    return cut


#: what ends a line of a document: a line break, of any kind, or a block element's tag
LINE_END = re.compile(f"{LINE_BREAK.pattern}|{BLOCK_TAG.pattern}")
_LINE_END_OR_COMMENT = re.compile(f"{LINE_END.pattern}|{_COMMENT}")


def clean_document(text: str) -> CleanText:
    """Clean ``text`` and remember where each cleaned character came from. Every kind of
    line break ends a line (text from JSONL or Python keeps its "\r" and U+2028), so a
    byline on a line of its own never joins the story's line; so does a block element's
    tag, and a script or style element (:func:`strip_tags`)."""
    text = text_argument(text)
    cleaned, starts, maps = [], [], []
    for start, end in _lines(text, _LINE_END_OR_COMMENT):
        for line, firsts, lasts in _clean_lines(text[start:end]):
            cleaned.append(line)
            starts.append(start)
            maps.append((firsts, lasts))
    out: list[str] = []
    pieces, clean_pos, blank = [], 0, True
    for line, start, (firsts, lasts), parts in zip(cleaned, starts, maps, _kept_parts(cleaned)):
        if parts is None:
            continue
        if parts != [(0, len(line))]:  # chrome cut out of a line of text
            firsts, lasts = _cut(firsts, len(line), parts), _cut(lasts, len(line), parts)
            line = "".join(line[a:b] for a, b in parts)
        if not line:
            if blank:
                continue  # collapse runs of blank lines, drop leading ones
            blank = True
        else:
            blank = False
        if out:
            clean_pos += 1  # the "\n" joining lines maps nowhere in particular
        pieces.append((clean_pos, start, firsts, lasts))
        out.append(line)
        clean_pos += len(line)
    while out and not out[-1]:
        out.pop()
        pieces.pop()
    return CleanText("\n".join(out), tuple(pieces), tuple(p[0] for p in pieces))
