"""Word .docx files are read as their text; files that are not text are named for what they are."""
import bz2
import gzip
import zipfile

import pytest

from conftest import run_cli
from measures import word_files
from measures.reading import DocumentError, iter_pieces, read_document

W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def paragraph(*runs):
    return "<w:p>" + "".join(f"<w:r>{run}</w:r>" for run in runs) + "</w:p>"


BODY = "".join([
    paragraph("<w:t>关于进一步加强疫情防控工作的通告</w:t>"),
    # one sentence split over runs (bold, a changed font) is one line
    paragraph("<w:t>一、全市开展</w:t>", '<w:t xml:space="preserve">全员核酸检测</w:t>', "<w:t>。</w:t>"),
    # a deleted revision and a field code are not text; a tab and a line break are
    paragraph("<w:t>二、</w:t>", "<w:tab/>", "<w:t>加强社区管控。</w:t>", "<w:br/>", "<w:t>严格查验健康码。</w:t>"),
    '<w:p><w:del><w:r><w:delText>已删除的句子。</w:delText></w:r></w:del>'
    '<w:r><w:instrText>PAGE</w:instrText></w:r><w:r><w:t>三、做好物资保供。</w:t></w:r></w:p>',
    # a table's cells hold paragraphs
    "<w:tbl><w:tr><w:tc>" + paragraph("<w:t>采样点</w:t>") + "</w:tc><w:tc>"
    + paragraph("<w:t>开放时间</w:t>") + "</w:tc></w:tr></w:tbl>",
    # a text box inside a paragraph: its own line, not read twice
    '<w:p><w:r><w:t>正文。</w:t></w:r><w:r><w:pict><w:txbxContent>'
    + paragraph("<w:t>文本框里的提示。</w:t>") + "</w:txbxContent></w:pict></w:r></w:p>",
    # Word 2010 and later save a text box twice, its modern form and a fallback: read once
    '<w:p><w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><w:txbxContent>'
    + paragraph("<w:t>请佩戴口罩。</w:t>") + "</w:txbxContent></w:drawing></mc:Choice><mc:Fallback><w:pict>"
    "<w:txbxContent>" + paragraph("<w:t>请佩戴口罩。</w:t>") + "</w:txbxContent></w:pict></mc:Fallback>"
    "</mc:AlternateContent></w:r></w:p>",
    # moved text is read where it went; tab stops in the paragraph's settings are no tabs;
    # hidden text and the pinyin above characters are not what a reader reads
    '<w:p><w:pPr><w:tabs><w:tab w:val="left" w:pos="2000"/></w:tabs></w:pPr>'
    '<w:moveFrom><w:r><w:t>挪走的字</w:t></w:r></w:moveFrom><w:r><w:t>姓名</w:t><w:tab/><w:t>张三</w:t></w:r>'
    '<w:r><w:rPr><w:vanish/></w:rPr><w:t>隐藏文字。</w:t></w:r>'
    '<w:r><w:rPr><w:vanish w:val="false"/></w:rPr><w:t>COVID</w:t><w:noBreakHyphen/><w:t>19</w:t></w:r>'
    '<w:r><w:ruby><w:rt><w:r><w:t>hé suān</w:t></w:r></w:rt><w:rubyBase><w:r><w:t>核酸</w:t></w:r></w:rubyBase></w:ruby></w:r>'
    '<w:moveTo><w:r><w:t>挪走的字</w:t></w:r></w:moveTo></w:p>',
])
TEXT = ("关于进一步加强疫情防控工作的通告\n一、全市开展全员核酸检测。\n二、\t加强社区管控。\n严格查验健康码。\n"
        "三、做好物资保供。\n采样点\n开放时间\n文本框里的提示。\n正文。\n请佩戴口罩。\n\n"
        "姓名\t张三COVID-19核酸挪走的字")
MC = 'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"'
STRICT = 'xmlns:w="http://purl.oclc.org/ooxml/wordprocessingml/main"' 


RELATIONSHIP = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"


def write_docx(path, body=BODY, document_xml=None, part="word/document.xml", namespace=W, parts=(),
               related=()):
    """A .docx file; ``parts``: more (name, XML) members; ``related``: (type, target) pairs
    the main document's relationships list."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        archive.writestr("_rels/.rels", '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/'
                         'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
                         f'officeDocument/2006/relationships/officeDocument" Target="{part}"/></Relationships>')
        if document_xml is not False:
            archive.writestr(part.lstrip("/"), document_xml or f'<?xml version="1.0" encoding="UTF-8"?>'
                                                   f'<w:document {namespace} {MC}><w:body>{body}</w:body></w:document>')
        if related:
            folder, name = part.lstrip("/").rsplit("/", 1)
            archive.writestr(f"{folder}/_rels/{name}.rels", '<Relationships xmlns="http://schemas.openxmlformats.org/'
                             'package/2006/relationships">' + "".join(
                                 f'<Relationship Id="rId{i}" Type="{RELATIONSHIP}{kind}" Target="{target}"/>'
                                 for i, (kind, target) in enumerate(related)) + "</Relationships>")
        for name, xml in parts:
            archive.writestr(name, xml)
    return path


def notes(root, *texts, separators=True):
    """A footnotes or endnotes part (``root``) holding a note per text, after the rule and
    its continuation that Word always writes."""
    element = root[:-1]
    rules = (f'<w:{element} w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:{element}>'
             f'<w:{element} w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/>'
             f'</w:r></w:p></w:{element}>') if separators else ""
    return (f'<w:{root} {W}>{rules}' + "".join(
        f'<w:{element} w:id="{i}"><w:p><w:r><w:{element}Ref/></w:r><w:r><w:t xml:space="preserve"> {text}</w:t>'
        f'</w:r></w:p></w:{element}>' for i, text in enumerate(texts, start=1)) + f"</w:{root}>")


NOTES = {"parts": [("word/footnotes.xml", notes("footnotes", "混检即多人样本合并检测。")),
                   ("word/endnotes.xml", notes("endnotes", "本通告自发布之日起施行。"))],
         "related": [("styles", "styles.xml"), ("endnotes", "endnotes.xml"), ("footnotes", "footnotes.xml"),
                     ("header", "header1.xml"), ("footer", "footer1.xml")]}


def test_a_word_file_is_read_as_its_paragraphs(tmp_path):
    path = write_docx(tmp_path / "通告.docx")
    assert read_document(path) == TEXT
    assert "".join(iter_pieces(path, piece=64)) == TEXT  # the large-file path reads it whole


def test_a_paragraph_whose_mark_is_a_deleted_revision_runs_on_into_the_next(tmp_path):
    # deletions are read as made, and a deleted paragraph mark joins two paragraphs into
    # one: its sentence was cut in two at the mark (Word, once the change is accepted,
    # shows one paragraph); a mark moved away is the same, an inserted one parts them
    mark = '<w:pPr><w:rPr><w:{0} w:id="1" w:author="a"/></w:rPr></w:pPr>'
    body = ("<w:p>" + mark.format("del") + "<w:r><w:t>所有来返人员须</w:t></w:r></w:p>"
            + paragraph("<w:t>持48小时核酸阴性证明。</w:t>")
            + "<w:p>" + mark.format("ins") + "<w:r><w:t>新增一段。</w:t></w:r></w:p>"
            + "<w:p>" + mark.format("moveFrom") + "<w:r><w:t>最后</w:t></w:r></w:p>"
            + "<w:p>" + mark.format("del") + "<w:r><w:t>一句。</w:t></w:r></w:p>")
    assert read_document(write_docx(tmp_path / "修订.docx", body=body)) == \
        "所有来返人员须持48小时核酸阴性证明。\n新增一段。\n最后一句。"


@pytest.mark.parametrize("options", [{"part": "word/document2.xml"}, {"part": "/word/document.xml"},
                                     {"namespace": STRICT}], ids=["word-online", "absolute-target", "strict"])
def test_the_main_document_is_found_where_the_package_says_and_in_strict_form(tmp_path, options):
    assert read_document(write_docx(tmp_path / "通告.docx", **options)) == TEXT


def test_a_file_saved_by_a_word_processor_is_read_as_written(tmp_path):
    docx = pytest.importorskip("docx")  # python-docx writes the files Word does
    document = docx.Document()
    document.add_heading("关于进一步加强疫情防控工作的通告", level=1)
    body = document.add_paragraph("一、全市开展")
    body.add_run("全员核酸检测").bold = True
    body.add_run("。")
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "采样点", "开放时间"
    document.add_paragraph("二、加强社区管控。")
    document.save(tmp_path / "notice.docx")
    assert read_document(tmp_path / "notice.docx").split("\n") == [
        "关于进一步加强疫情防控工作的通告", "一、全市开展全员核酸检测。", "采样点", "开放时间", "二、加强社区管控。"]


def test_a_word_file_is_tagged_alone_and_from_a_folder(tmp_path):
    write_docx(tmp_path / "通告.docx")
    result = run_cli("tag", tmp_path, "--format", "jsonl")
    assert result.returncode == 0, result.stderr.decode()
    out = result.stdout.decode()
    assert "通告.docx" in out and "全员核酸检测" in out and "testing" in out


@pytest.mark.parametrize("make, message", [
    (lambda p: p.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n" + bytes(range(256)) * 8), "a PDF file; extract its text first"),
    (lambda p: p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(range(256)) * 8), "an old Word .doc"),
    (lambda p: p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(range(256)) * 8
                             + "EncryptedPackage".encode("utf-16-le")), "a password-protected Office file"),
    (lambda p: write_docx(p, document_xml=False), "a zip archive without a Word document in it, not a .docx file"),
    (lambda p: write_docx(p, document_xml="<w:document><w:body>"), "its document XML is not well-formed"),
    (lambda p: write_docx(p, document_xml='<?xml version="1.0" encoding="GBK"?><a/>'), "not a readable .docx file"),
    (lambda p: p.write_bytes(word_files.ZIP_MAGIC + b"\x00" * 100), "not a readable .docx file"),
    (lambda p: p.write_bytes(_damaged(write_docx(p))), "not a readable .docx file"),
    # a PDF written without compression is mostly ASCII, and would decode
    (lambda p: p.write_bytes(b"%PDF-1.4\n%\xac\xdc\xab\xba\n" + b"1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n" * 20),
     "a PDF file; extract its text first"),
    # a compressed JSONL or text under a plain name, or piped
    (lambda p: p.write_bytes(gzip.compress("全市开展核酸检测。".encode() * 50)),
     r"compressed data \(gzip, bzip2, xz or zstd\); decompress it first"),
    (lambda p: p.write_bytes(bz2.compress("全市开展核酸检测。".encode() * 50)), r"compressed data"),
], ids=["pdf", "doc", "encrypted", "zip", "broken-xml", "gbk-xml", "broken-zip", "damaged-data", "plain-pdf",
        "gzip", "bzip2"])
def test_what_is_not_a_text_document_is_named_for_what_it_is(tmp_path, make, message):
    path = tmp_path / "file.bin"
    make(path)
    with pytest.raises(DocumentError, match=f"file.bin: {message}"):
        read_document(path)


def _damaged(path):
    """The file's bytes with the compressed document garbled, its CRC left as it was."""
    data = bytearray(path.read_bytes())
    start = data.index(b"word/document.xml") + len("word/document.xml")
    data[start + 10:start + 50] = bytes(range(40))
    return bytes(data)


def test_footnotes_and_endnotes_follow_the_body_and_headers_and_footers_are_not_read(tmp_path):
    headers = [("word/header1.xml", f"<w:hdr {W}>{paragraph('<w:t>某市人民政府文件</w:t>')}</w:hdr>"),
               ("word/footer1.xml", f"<w:ftr {W}>{paragraph('<w:t>第1页</w:t>')}</w:ftr>")]
    body = paragraph("<w:t>开展混检</w:t>", '<w:footnoteReference w:id="1"/>', "<w:t>。</w:t>")
    path = write_docx(tmp_path / "通告.docx", body=body, parts=NOTES["parts"] + headers, related=NOTES["related"])
    assert read_document(path) == "开展混检。\n 混检即多人样本合并检测。\n 本通告自发布之日起施行。"


@pytest.mark.parametrize("options, expected", [
    # the main document's own folder: Word Online's name for it, and an absolute target
    ({"part": "word/document2.xml"}, "正文。\n 注一。"),
    ({"related": [("footnotes", "/word/footnotes.xml")]}, "正文。\n 注一。"),
    # a note part that is listed but missing, or present but not listed, is no text
    ({"parts": []}, "正文。"),
    ({"related": []}, "正文。"),
    # an empty body: the notes alone
    ({"body": ""}, " 注一。"),
])
def test_notes_are_found_where_the_main_document_lists_them(tmp_path, options, expected):
    settings = {"body": paragraph("<w:t>正文。</w:t>"), "parts": [("word/footnotes.xml", notes("footnotes", "注一。"))],
                "related": [("footnotes", "footnotes.xml")], **options}
    assert read_document(write_docx(tmp_path / "a.docx", **settings)) == expected


@pytest.mark.parametrize("xml", [f"<w:footnotes {W}><w:footnote>", f"<w:document {W}/>",
                                 f"<w:footnotes {W}><w:footnote><w:p><w:r><w:t>&nbsp;</w:t></w:r></w:p></w:footnote></w:footnotes>"],
                         ids=["cut-short", "not-notes", "html-entity"])
def test_a_damaged_note_part_loses_the_notes_not_the_body(tmp_path, xml):
    path = write_docx(tmp_path / "a.docx", body=paragraph("<w:t>各单位要加强核酸检测。</w:t>"),
                      parts=[("word/footnotes.xml", xml), ("word/endnotes.xml", notes("endnotes", "尾注。"))],
                      related=[("footnotes", "footnotes.xml"), ("endnotes", "endnotes.xml")])
    assert read_document(path) == "各单位要加强核酸检测。\n 尾注。"


def test_a_word_file_whose_notes_run_too_far_is_refused(tmp_path, monkeypatch):
    # the limit is on the body and the notes together: each alone is under it
    monkeypatch.setattr(word_files, "MAX_BODY", 1 << 12)
    settings = {"body": paragraph("<w:t>核酸检测。</w:t>") * 30, "related": [("footnotes", "footnotes.xml")]}
    under = [("word/footnotes.xml", notes("footnotes", *["注释。"] * 10, separators=False))]
    assert read_document(write_docx(tmp_path / "a.docx", parts=under, **settings)).endswith(" 注释。")
    over = [("word/footnotes.xml", notes("footnotes", *["注释。"] * 30, separators=False))]
    assert len(over[0][1].encode()) < 1 << 12
    with pytest.raises(DocumentError, match="a Word file whose text runs past 4,096 bytes of XML; refused"):
        read_document(write_docx(tmp_path / "b.docx", parts=over, **settings))


def test_a_word_file_whose_text_runs_too_far_is_refused_as_it_is_read(tmp_path, monkeypatch):
    monkeypatch.setattr(word_files, "MAX_BODY", 1 << 12)
    path = write_docx(tmp_path / "big.docx", body=paragraph("<w:t>核酸检测。</w:t>") * 500)
    with pytest.raises(DocumentError, match="big.docx: a Word file whose text runs past 4,096 bytes of XML; refused"):
        read_document(path)


def test_a_word_lock_file_is_no_document(tmp_path):
    write_docx(tmp_path / "通告.docx")
    lock = tmp_path / "~$通告.docx"
    lock.write_bytes(b"\x08reviewer" + b" " * 46 + "reviewer".encode("utf-16-le") + b"\x00" * 40)
    with pytest.raises(DocumentError, match="a lock file Word keeps beside an open document"):
        read_document(lock)
    result = run_cli("tag", tmp_path, "--format", "jsonl")
    assert result.returncode == 0 and len(result.stdout.decode().splitlines()) == 1  # the document, not its lock


def test_an_excel_or_powerpoint_file_is_not_read_as_an_empty_document(tmp_path):
    path = write_docx(tmp_path / "sheet.xlsx", part="xl/workbook.xml",
                      document_xml='<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"/>')
    with pytest.raises(DocumentError, match="sheet.xlsx: an Office file that is not a Word document"):
        read_document(path)


def test_hidden_text_is_the_runs_own_setting(tmp_path):
    body = ('<w:p><w:r><w:rPr><w:rPrChange><w:rPr><w:vanish/></w:rPr></w:rPrChange></w:rPr>'
            '<w:t>又显示的字。</w:t></w:r>'  # hidden before a tracked change, visible now
            '<w:r><w:rPr><w:vanish/></w:rPr><w:pict><w:txbxContent>'
            + paragraph("<w:t>框里的字。</w:t>") + '</w:txbxContent></w:pict><w:t>隐藏。</w:t></w:r>'
            '<w:r><w:t>可见。</w:t></w:r></w:p>')
    # a hidden run's own text is left out; the text box's runs have settings of their own
    assert read_document(write_docx(tmp_path / "a.docx", body=body)) == "框里的字。\n又显示的字。可见。"


def test_an_oversized_relationship_list_falls_back_to_the_usual_part(tmp_path, monkeypatch):
    # the list names word/document2.xml; the usual word/document.xml holds other text
    usual = f'<w:document {W}><w:body>{paragraph("<w:t>通常的部分。</w:t>")}</w:body></w:document>'
    path = write_docx(tmp_path / "a.docx", part="word/document2.xml", parts=[("word/document.xml", usual)])
    assert read_document(path) == TEXT
    monkeypatch.setattr(word_files, "_MAX_RELATIONSHIPS", 64)  # the list is no longer read
    assert read_document(path) == "通常的部分。"


@pytest.mark.parametrize("symbol, expected", [
    ('w:font="Symbol" w:char="F0B3"', "≥"),  # from the Symbol font: its own encoding
    ('w:font="Symbol" w:char="F0B0"', "°"),
    ('w:font="Symbol" w:char="F061"', "α"),
    ('w:font="Symbol" w:char="F0E6"', ""),  # a piece of a tall bracket is no character
    ('w:font="Wingdings" w:char="F0FE"', ""),  # another symbol font's box has no fixed character
    ('w:font="宋体" w:char="2103"', "℃"),  # any other code is a Unicode character
    ('w:font="Symbol" w:char="B3"', "≥"),  # the same code without U+F000, as some writers save it
    ('w:font="Wingdings" w:char="FC"', ""),  # a tick, not "ü"
    ('w:font="宋体" w:char="B3"', "³"),  # in an ordinary font a Latin-1 code keeps its meaning
    ('w:font="Symbol" w:char="1F"', ""),  # a control code in either form
    ('w:font="Symbol" w:char="F085"', ""),
    ('w:font="MT Extra" w:char="FC"', ""),
    ('w:font="宋体" w:char="-1"', ""),  # damaged: one symbol lost, not the document
    ('w:font="宋体" w:char="FFFE"', ""),
    ('w:font="宋体" w:char="31350"', "\U00031350"),  # a 汉字 newer than some Unicode tables
    ('w:font="Symbol" w:char="zz"', ""),
    ('w:font="宋体" w:char="D800"', ""),
    ('w:font="宋体" w:char="2029"', ""),  # a paragraph separator would break the line
    ('w:font="宋体" w:char="0085"', ""),
    ('w:font="宋体" w:char="E000"', ""),  # a private-use code means nothing outside its font
    ('w:font="Symbol"', ""),
])
def test_a_symbol_is_read_as_its_character(tmp_path, symbol, expected):
    path = tmp_path / "通告.docx"
    write_docx(path, body=paragraph("<w:t>体温</w:t>", f"<w:sym {symbol}/>", "<w:t>37.3</w:t>"))
    assert read_document(path) == f"体温{expected}37.3"


def test_the_symbol_font_table_covers_both_halves_of_its_encoding():
    table = word_files._SYMBOL_FONT
    assert len(table) == 190 and table[0x20] == " " and table[0x7E] == "∼" and table[0xA0] == "€"
    assert table[0xF2] == "∫" and table[0xFE] == "\0"


def test_a_text_that_begins_with_a_compressors_letters_is_a_text(tmp_path):
    path = tmp_path / "b.txt"
    path.write_text("BZh我们开展核酸检测。", "utf-8")  # bzip2's first three bytes, and no more of its magic
    assert read_document(path) == "BZh我们开展核酸检测。"
