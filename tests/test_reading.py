import os

import pytest

from measures.reading import DocumentError, decode, html_to_text, iter_pieces, read_document
from measures.cleaning import text_name

TEXT = "長春市開展全員核酸檢測，确保应检尽检。\n第二段：加强社区管控。"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "gb18030", "big5"])
def test_encodings_are_detected(tmp_path, encoding):
    text = TEXT if encoding != "gb18030" else "长春市开展全员核酸检测，确保应检尽检。\n第二段：加强社区管控，做好生活物资保障。"
    if encoding == "big5":
        text = "長春市開展全員核酸檢測，確保應檢盡檢。\n第二段：加強社區管控，做好生活物資保障。"
    path = tmp_path / f"doc-{encoding}.txt"
    path.write_bytes(text.encode(encoding))
    assert read_document(path) == text


def test_html_is_reduced_to_text(tmp_path):
    page = ("<!DOCTYPE html><html><head><title>通告</title><style>p{color:red}</style>"
            "<script>var x = '不要';</script></head><body><div>第一条：全员核酸。</div>"
            "<p>第二条：居家隔离&amp;监测。<br>第三条</p></body></html>")
    path = tmp_path / "page.html"
    path.write_text(page, "utf-8")
    assert read_document(path) == "通告\n第一条：全员核酸。\n第二条：居家隔离&监测。\n第三条"


def test_binary_files_are_refused_by_name(tmp_path):
    path = tmp_path / "scan.txt"
    path.write_bytes(bytes(range(256)) * 40)
    with pytest.raises(DocumentError, match="scan.txt: binary or undecodable"):
        read_document(path)


def test_empty_input_is_empty_text(tmp_path):
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    assert read_document(path) == ""
    assert decode(b"") == ""


def test_a_folder_is_not_a_document(tmp_path):
    with pytest.raises(DocumentError, match="is a directory"):
        read_document(tmp_path)


def test_html_keeps_block_structure():
    assert html_to_text("<ul><li>一</li><li>二</li></ul>") == "一\n二"


@pytest.mark.parametrize("markup, text", [
    ("<html><head><title>通知</title></head><body><p>全市开展核酸检测。</p></body></html>",
     "通知\n全市开展核酸检测。"),
    # HTML lets a page leave out </head>, even <body>: the text is still the page's
    ("<html><head><title>通知</title><body><p>全市开展核酸检测。</p><p>做好物资保供。</p></body></html>",
     "通知\n全市开展核酸检测。\n做好物资保供。"),
    ("<html><head><meta charset=utf-8><title>通知</title><div>全市开展核酸检测。</div>",
     "通知\n全市开展核酸检测。"),
    ("<head><style>p {color: red}</style><script>var a = 1;</script></head><p>加强社区管控。</p>",
     "加强社区管控。"),
    ("<p>加强社区管控。<script>track('疫情');</script></p><noscript>请启用脚本</noscript>",
     "加强社区管控。"),
    # a body that starts with plain text or an inline tag, the head left open
    ("<html><head><title>通知</title>\n全市开展核酸检测。<br>做好物资保供。",
     "通知\n全市开展核酸检测。\n做好物资保供。"),
    ("<html><head><title>通知</title><span>全市开展核酸检测。</span>", "通知\n全市开展核酸检测。"),
    ("<html><head><meta charset=utf-8><title>通知</title><font>全市开展核酸检测。</font>", "通知\n全市开展核酸检测。"),
    ("<head><title>通知</title><link rel=stylesheet href=a.css>\n  \n<a href=x>全市开展核酸检测。</a>",
     "通知\n全市开展核酸检测。"),
    # an icon's title is no page title; the page's own comes first wherever the page puts it
    ("<html><head><meta charset=utf-8></head><body><p>关于做好疫情防控的通知。</p>"
     "<svg><title>分享到微信</title></svg><p>各区落实检测。</p></body></html>",
     "关于做好疫情防控的通知。\n各区落实检测。"),
    ("<html><head><svg><title>图标</title></svg><title>通知 &amp; 公告</title></head><p>各区落实检测。</p>",
     "通知 & 公告\n各区落实检测。"),
    # a title whose headline the page shows, after a breadcrumb or with the site's name
    # added, is not a sentence of its own (it was counted twice); one it does not show is
    ("<title>关于加强防控的通告_某市人民政府门户网站</title><div>首页 > 通知公告</div><h1>关于加强防控的通告</h1>"
     "<p>全体市民须完成一次核酸检测。</p>", "首页 > 通知公告\n关于加强防控的通告\n全体市民须完成一次核酸检测。"),
    ("<title>关于加强防控的通告 - 某某网</title><h1>关于加强防控的通告</h1><p>各区落实检测。</p>",
     "关于加强防控的通告\n各区落实检测。"),
    ("<title>关于加强防控的通告_某市人民政府门户网站</title><p>各区落实检测。</p><p>某市人民政府门户网站</p>",
     "关于加强防控的通告_某市人民政府门户网站\n各区落实检测。\n某市人民政府门户网站"),
    # a site's name first, shown as the page's header, or a headline's first half: the title stays
    ("<title>某市卫生健康委员会 - 关于加强防控的通告</title><div>某市卫生健康委员会</div><p>各区落实检测。</p>",
     "某市卫生健康委员会 - 关于加强防控的通告\n某市卫生健康委员会\n各区落实检测。"),
    ("<title>抗疫一线——记某社区志愿者_某网</title><div>抗疫一线</div><p>各区落实检测。</p>",
     "抗疫一线——记某社区志愿者_某网\n抗疫一线\n各区落实检测。"),
    # portals' titles: the headline with the site's, a column's or an account's name
    *[(f"<title>{title}</title><div>首页</div><h1>关于进一步加强疫情防控工作的通告</h1><p>各区落实检测。</p>",
       "首页\n关于进一步加强疫情防控工作的通告\n各区落实检测。")
      for title in ("关于进一步加强疫情防控工作的通告 - 某市卫生健康委员会",
                    "关于进一步加强疫情防控工作的通告_通知公告_某市人民政府门户网站",
                    "关于进一步加强疫情防控工作的通告_首都之窗_北京市人民政府门户网站",
                    "关于进一步加强疫情防控工作的通告|上海发布", "关于进一步加强疫情防控工作的通告_疫情防控_某市卫健委",
                    "某市卫健委 - 关于进一步加强疫情防控工作的通告")],
    # headlines that end as an account's or a column's name might, beside a column the menu shows
    *[(f"<title>{title}</title><ul><li>首页</li><li>要闻</li><li>时政</li></ul><p>各区落实检测。</p>",
       f"{title}\n首页\n要闻\n时政\n各区落实检测。")
      for title in ("毫不放松抓好常态化疫情防控_要闻_某市人民政府", "《新冠肺炎防控方案（第九版）》发布--时政--人民网")],
    # a title left open ends at the next tag
    ("<html><head><title>通知<body><p>各区落实检测。</p></body></html>", "通知\n各区落实检测。"),
    # a table's cells are lines, as a Word table's; hidden elements are not text
    ("<table><tr><th>2</th><td>对密接人员一律集中隔离</td><td>各小区实行封闭管理</td></tr></table>",
     "2\n对密接人员一律集中隔离\n各小区实行封闭管理"),
    ('<div>各区落实检测。</div><div style="display: none">分享到微信<div>扫一扫</div></div><p>做好保供。</p>',
     "各区落实检测。\n做好保供。"),
    ("<div hidden>隐藏的文字。</div><p>做好保供。</p><span hidden>又一段。</span>", "做好保供。"),
    # hidden by an inline style or the attribute, any element whose end tag HTML requires,
    # with what it holds: a share link, a keyword list, a heading were read as sentences
    ('<p>做好保供。</p><a href="#" style="display:none">分享到微信</a><font style="DISPLAY: NONE !important">'
     '关键词：<font>核酸</font>检测</font><h2 hidden>相关阅读</h2>',
     "做好保供。"),
    ('<div style="color: red; visibility:hidden">扫一扫<span>分享</span><div>二维码</div></div><p>做好保供。</p>',
     "做好保供。"),
    # a declaration of its own, not the end of another property's name
    ('<div style="mso-display:none; -x-visibility: hidden">各区落实检测。</div>', "各区落实检测。"),
    # a <p> may leave out its end tag: marked hidden, it hides nothing after it
    ("<p hidden>提示<p>做好保供。", "提示\n做好保供。"),
    ('<p style="display:none">提示<li style="visibility:hidden">做好保供。', "提示\n做好保供。"),
    # a paragraph's source wrapped by its editor is one line, as the page shows it: nothing
    # between Chinese characters, a space elsewhere; a <pre> shows its source's lines
    ("<p>即日起，全市中小学\n暂停线下教学，\r\n    改为线上授课。</p><p>请市民配合。</p>",
     "即日起，全市中小学暂停线下教学，改为线上授课。\n请市民配合。"),
    ("<p>截至4月10日\n24时，全市累计采样\n120万人。</p>", "截至4月10日 24时，全市累计采样 120万人。"),
    # a line break beside a tag too: read node by node, 落实 and 核酸 were parted by a space,
    # which the cleaning keeps between two pairs of Chinese characters as a clause's end
    ("<p>各区落实\n<b>核酸\n检测</b>。</p>", "各区落实核酸检测。"),
    ("<p><span>全市</span>\n<span>暂停</span>线下教学。</p>", "全市暂停线下教学。"),
    ("<p>全市中小学<!-- 注 -->\r\n  暂停线下教学。</p>", "全市中小学暂停线下教学。"),
    ("<p>Covid\n<b>test</b>\n全市\x00开展</p><pre>甲\x00乙</pre>", "Covid test 全市开展\n甲乙"),
    # a title wrapped as its <h1> is, is the headline the page shows, not a line again
    ("<title>关于全市中小学\n暂停线下教学的通知</title><h1>关于全市中小学\n暂停线下教学的通知</h1><p>即日起执行。</p>",
     "关于全市中小学暂停线下教学的通知\n即日起执行。"),
    ("<p>全市开展核酸检测。<br>\n做好物资保供。</p>", "全市开展核酸检测。\n做好物资保供。"),
    ("<pre>第一条\n第二条</pre><p>各区\n落实。</p>", "第一条\n第二条\n各区落实。"),
])
def test_html_text_is_the_visible_text(markup, text):
    assert html_to_text(markup) == text


@pytest.mark.parametrize("name, expected", [
    ("docs/公告.txt", "docs/公告.txt"),
    # a file name's bytes that are not UTF-8, as Python gives them: GBK read as such
    (os.fsdecode("docs/".encode() + "公告.txt".encode("gbk")), "docs/公告.txt"),
    (os.fsdecode(b"docs/\xff\xfe.txt"), "docs/\ufffd\ufffd.txt"),
    ("\udc80x", "\ufffdx"),  # a JSON id's lone surrogate that stands for no byte
    ("\ud800x", "\ufffdx"),
    (None, None),
])
def test_text_name(name, expected):
    assert text_name(name) == expected


@pytest.mark.parametrize("name, text, expected", [
    # a notice that mentions two tags is text: its spans index the file as it is
    ("notes.txt", "说明：网页中的<p>和<br>标签会被去掉。\n全市开展核酸检测。\n", "说明：网页中的<p>和<br>标签会被去掉。\n全市开展核酸检测。\n"),
    # a page saved under another name begins with its markup
    ("saved.txt", "\n<html><body><p>全市开展核酸检测。</p><p>做好保供。</p></body></html>", "全市开展核酸检测。\n做好保供。"),
    ("fragment", "<div>全市开展核酸检测。</div><br>做好保供。", "全市开展核酸检测。\n做好保供。"),
    # a page saved after a line of its address, or with HTTP headers before it (curl -i)
    ("saved_page.txt", "https://example.org/a\n<!DOCTYPE html><html><head><title>通知</title>"
     "<style>p{color:red}</style></head><body><p>全市开展核酸检测。</p><p>做好保供。</p></body></html>",
     "通知\nhttps://example.org/a\n全市开展核酸检测。\n做好保供。"),
    ("zero-width", "\u200b<div>全市开展核酸检测。</div><br>做好保供。", "\u200b\n全市开展核酸检测。\n做好保供。"),
])
def test_markup_under_another_name_is_html_only_when_the_text_begins_with_it(tmp_path, name, text, expected):
    path = tmp_path / name
    path.write_text(text, "utf-8")
    assert read_document(path) == expected


def test_control_codes_that_decode_are_still_not_a_document():
    # every byte decodes as UTF-8 here: refused for what it reads as, not for failing to decode
    with pytest.raises(DocumentError, match="x.txt: binary or undecodable"):
        decode(bytes(range(1, 128)) * 40, "x.txt")


@pytest.mark.parametrize("text, encoding", [
    ("通告", "gbk"), ("附件:", "gbk"), ("好消息!", "gbk"), ("第1号", "gbk"),   # a title alone: it was 籵豢
    ("体温≥37.3℃者请勿入内。", "gbk"),                                      # symbols GB2312 encodes
    ("①全员核酸检测；②居家隔离；③环境消杀。", "gbk"),
    ("★★★紧急通知★★★", "gbk"), ("第Ⅱ期临床试验", "gbk"), ("Xīnguān yìmiáo jiēzhòng。", "gbk"),
    ("這裏是香港，恒常檢測，市民須配合。這裏的碁局照常進行。", "cp950"),      # Windows' Big5: 裏 恒 碁
    ("香港特別行政區政府今日公佈，全港市民須於三日內完成核酸檢測。", "big5"),
])
def test_short_files_and_symbols_in_legacy_encodings_are_read(tmp_path, text, encoding):
    path = tmp_path / "doc.txt"
    path.write_bytes(text.encode(encoding))
    assert read_document(path) == text


PAGE = ('<!DOCTYPE html><html><head>{meta}<title>{title}</title><link rel="stylesheet" href="/css/a.css">'
        '<script src="/js/jquery.min.js"></script></head><body><div class="nav"><a href="/">home</a></div>'
        '<p>{title}。</p></body></html>')


@pytest.mark.parametrize("meta", ['<meta charset="gbk">', "<meta charset=GB2312>",
                                  '<meta http-equiv="Content-Type" content="text/html; charset=gb2312">'])
def test_a_page_is_read_in_the_chinese_encoding_it_declares(tmp_path, meta):
    # without the declaration these bytes read as Big5 as well, and are taken for it
    path = tmp_path / "page.html"
    path.write_bytes(PAGE.format(meta=meta, title="健康码").encode("gbk"))
    assert read_document(path) == "健康码\nhome\n健康码。"


@pytest.mark.parametrize("title, encoding, meta", [
    ("續測體溫", "cp950", '<meta charset="big5">'),   # read by the bytes alone as GB18030
    ("寶坻區", "cp950", '<meta http-equiv="Content-Type" content="text/html; charset=big5">'),
    ("简评", "gbk", '<meta charset="gbk">'),          # and as Big5
])
def test_a_few_declared_characters_are_read_as_declared(tmp_path, title, encoding, meta):
    path = tmp_path / "page.html"
    path.write_bytes(PAGE.format(meta=meta, title=title).encode(encoding))
    assert read_document(path).startswith(title)


@pytest.mark.parametrize("meta, encoding, title", [
    ('<meta charset="big5">', "gbk", "关于全市开展全员核酸检测的通告，请广大市民积极配合。"),  # Big5 cannot read it
    ('<meta charset="big5">', "gbk", "关于开展核酸检测的通告"),   # Big5 can, as nonsense: the bytes decide
    ('<meta charset="gb2312">', "cp950", "關於開展全員核酸檢測的通告"),  # and the other way round
    ('<meta charset="windows-1252">', "gbk", "关于全市开展全员核酸检测的通告"),  # not a Chinese encoding
    ('<meta charset="gbk">', "utf-8", "关于全市开展全员核酸检测的通告"),  # saved as UTF-8 since: UTF-8 first
])
def test_a_declaration_the_bytes_speak_against_is_not_followed(tmp_path, meta, encoding, title):
    path = tmp_path / "page.html"
    path.write_bytes(PAGE.format(meta=meta, title=title).encode(encoding))
    assert read_document(path).startswith(title)


def test_a_page_saved_as_one_file_is_named_not_read_as_nothing(tmp_path):
    page = tmp_path / "page.txt"   # MHTML under any name: its HTML is quoted-printable
    page.write_bytes(b"From: <Saved by Blink>\r\nSubject: =?utf-8?Q?=E9=80=9A=E5=91=8A?=\r\nMIME-Version: 1.0\r\n"
                     b"Content-Type: multipart/related;\r\n\ttype=\"text/html\";\r\n\tboundary=\"--x\"\r\n\r\n"
                     b"----x\r\nContent-Type: text/html\r\n\r\n<p>=E9=80=9A=E5=91=8A</p>\r\n----x--\r\n")
    with pytest.raises(DocumentError, match=r"page.txt: a page saved as a single file \(MHTML\)"):
        read_document(page)


def test_pages_of_servers_with_includes_are_read_as_html(tmp_path):
    from measures.sources import DOCUMENT_SUFFIXES

    path = tmp_path / "index.shtml"
    path.write_text("<div>全市开展核酸检测。</div>", "utf-8")  # no <html>: only its name says it is a page
    assert read_document(path) == "全市开展核酸检测。" and ".shtml" in DOCUMENT_SUFFIXES


@pytest.mark.parametrize("at", [1 / 2, 1 / 10, 1 / 50])  # early in the file too
@pytest.mark.parametrize("encoding", ["utf-8", "gbk"])
def test_a_byte_lost_anywhere_in_a_long_file_is_found(tmp_path, at, encoding):
    from conftest import EXAMPLES

    data = (EXAMPLES / "speech_deployment_meeting.txt").read_text("utf-8").encode(encoding) * 4
    lost = int(len(data) * at)
    while data[lost] < 0x80:  # a byte of a Chinese character
        lost += 1
    path = tmp_path / "doc.txt"
    path.write_bytes(data[:lost] + data[lost + 1:])
    with pytest.raises(DocumentError, match=r"bytes near offset (\d+) .* damaged there") as caught:
        read_document(path)
    assert abs(int(caught.value.args[0].split("offset ")[1].split(" ")[0]) - lost) <= 200


def test_a_stray_nul_in_utf8_text_is_read_as_in_pieces_and_as_text_of_utf16_is(tmp_path):
    # one NUL sent the whole file to the UTF-16 and legacy guesses, which refused it as
    # binary; read in pieces (a large file) it was UTF-8, NUL and all
    from measures.reading import iter_pieces

    text = "全市开展新一轮全员核酸检测。\n" * 20 + "\x00" + "对密接人员一律集中隔离。\n"
    path = tmp_path / "nul.txt"
    path.write_bytes(text.encode("utf-8"))
    assert read_document(path) == "".join(iter_pieces(path, piece=64)) == text
    ascii_text = "Notice No. 7: testing for all residents.\n" * 5
    path.write_bytes(ascii_text.encode("utf-16-le"))  # valid UTF-8, a NUL in every other character
    assert read_document(path) == ascii_text


def test_a_binary_file_that_opens_like_text_is_still_binary(tmp_path):
    path = tmp_path / "doc.txt"
    path.write_bytes("关于开展全员核酸检测的通告\n".encode() * 8 + bytes(range(256)) * 40)
    with pytest.raises(DocumentError, match="binary or undecodable data"):
        read_document(path)


@pytest.mark.parametrize("damage", [
    lambda data: data[:len(data) // 2] + data[len(data) // 2 + 1:],          # a byte lost
    lambda data: data[:len(data) // 2] + b"\xff\xff" + data[len(data) // 2:],  # two bytes of noise
])
@pytest.mark.parametrize("encoding", ["utf-8", "gbk"])
def test_a_small_file_damaged_in_the_middle_is_refused_with_the_place(tmp_path, damage, encoding):
    from conftest import EXAMPLES

    data = (EXAMPLES / "speech_deployment_meeting.txt").read_text("utf-8").encode(encoding)
    path = tmp_path / "doc.txt"
    path.write_bytes(damage(data))
    with pytest.raises(DocumentError) as caught:
        read_document(path)
    message = str(caught.value)
    offset = int(message.split("bytes near offset ")[1].split(" ")[0])
    line = int(message.split("(line ")[1].split(")")[0])
    assert len(data) // 2 - 2 <= offset <= len(data) // 2 + 200        # near the damage
    assert line == damage(data)[:offset].count(b"\n") + 1
    assert "do not decode as" in message and "damaged there" in message


def test_a_big5_file_that_lost_a_byte_is_refused_where_it_did_not_read_as_garbage(tmp_path):
    # a Big5 reading of Hong Kong's extensions went on through the lost byte, out of step,
    # and read the rest as other characters
    data = ("全市開展全員核酸檢測，請市民配合。\n" * 20 + "確診病例已送往定點醫院隔離治療。\n" * 20).encode("cp950")
    lost = len(data) // 2
    while data[lost] < 0x80:
        lost += 1
    path = tmp_path / "doc.txt"
    path.write_bytes(data[:lost] + data[lost + 1:])
    with pytest.raises(DocumentError, match=r"doc.txt: bytes near offset \d+ \(line 20\) do not decode as cp950"):
        read_document(path)


@pytest.mark.parametrize("line, error", [
    ('{"id": 1, "text": "全市开展\n', "x.jsonl:3: not a JSON object (Unterminated string starting at column 19)"),
    ('{"id": 1, "text": "全市开展', "x.jsonl:3: not a JSON object (Unterminated string starting at column 19)"),
    ('{"id": 1, "text": "全市\t开展"}\n', "x.jsonl:3: not a JSON object (Invalid control character at column 22)"),
    ("not json\n", "x.jsonl:3: not a JSON object (Expecting value at column 1)"),
    # JSON, but no object: said to be "without a string field 'text'"
    ("[1, 2]\n", 'x.jsonl:3: not a JSON object (an array; a record is {"text": "…"})'),
    ('"全市开展核酸检测。"\n', 'x.jsonl:3: not a JSON object (a string; a record is {"text": "…"})'),
    ("3\n", 'x.jsonl:3: not a JSON object (a number; a record is {"text": "…"})'),
    ("null\n", 'x.jsonl:3: not a JSON object (null; a record is {"text": "…"})'),
    ("false\n", 'x.jsonl:3: not a JSON object (false; a record is {"text": "…"})'),
], ids=["cut-off", "cut-off-at-the-end", "control-character", "not-json", "array", "string", "number", "null",
        "false"])
def test_a_jsonl_line_that_is_not_json_is_named_by_its_cause(line, error):
    # the line's own break made a cut-off string "a control character", and json's
    # "...character at" read "at at column"
    from measures.sources import jsonl_source

    assert jsonl_source(line, "x.jsonl:3").error == error


@pytest.mark.parametrize("record, name", [
    ('{"id": "d7"}', "d7"), ('{"id": 7}', "7"), ('{"id": 7.5}', "7.5"), ('{"id": true}', "true"),
    ('{"id": {"a": "甲"}}', '{"a": "甲"}'), ('{"id": [1, 2]}', "[1, 2]"), ('{"id": null, "source": "s.txt"}', "s.txt"),
    ('{"id": ""}', "x.jsonl:3"),
])
def test_a_jsonl_record_is_named_by_its_id_as_json_spells_it(record, name):
    from measures.sources import jsonl_source

    assert jsonl_source(record[:-1] + ', "text": "加强生活物资保供。"}', "x.jsonl:3").name == name


def test_a_jsonl_record_keeps_only_the_fields_asked_for():
    # the others (a scraped page's HTML beside its text) would be held until written
    from measures.sources import RecordFields, jsonl_source

    line = '{"id": 1, "html": "<p>…</p>", "date": "2022-04-01", "text": "加强生活物资保供。"}'
    assert jsonl_source(line, "x.jsonl:3").fields is None
    assert jsonl_source(line, "x.jsonl:3", RecordFields(keep=("date", "url"))).fields == {"date": "2022-04-01"}
    assert jsonl_source(line, "x.jsonl:3", ("date", "url")).fields == {"date": "2022-04-01"}  # as before RecordFields


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="no /dev/zero on this system")
def test_a_device_is_no_document_and_is_not_read():
    # read whole, /dev/zero would fill the memory; /dev/null reads as an empty file
    with pytest.raises(DocumentError, match=r"^/dev/zero: a device, not a document file$"):
        read_document("/dev/zero")
    with pytest.raises(DocumentError, match=r"^/dev/zero: a device, not a document file$"):
        list(iter_pieces("/dev/zero"))
    assert read_document(os.devnull) == ""
