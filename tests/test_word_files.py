"""Word .docx files are read as their text; files that are not text are named for what they are."""
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
])
TEXT = ("关于进一步加强疫情防控工作的通告\n一、全市开展全员核酸检测。\n二、\t加强社区管控。\n严格查验健康码。\n"
        "三、做好物资保供。\n采样点\n开放时间\n文本框里的提示。\n正文。")


def write_docx(path, body=BODY, document_xml=None):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        if document_xml is not False:
            archive.writestr("word/document.xml", document_xml or
                             f'<?xml version="1.0" encoding="UTF-8"?><w:document {W}><w:body>{body}</w:body></w:document>')
    return path


def test_a_word_file_is_read_as_its_paragraphs(tmp_path):
    path = write_docx(tmp_path / "通告.docx")
    assert read_document(path) == TEXT
    assert "".join(iter_pieces(path, piece=64)) == TEXT  # the large-file path reads it whole


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
    (lambda p: write_docx(p, document_xml=False), "a zip archive without word/document.xml, not a Word .docx file"),
    (lambda p: write_docx(p, document_xml="<w:document><w:body>"), "its word/document.xml is not well-formed XML"),
    (lambda p: p.write_bytes(word_files.ZIP_MAGIC + b"\x00" * 100), "not a readable .docx file"),
], ids=["pdf", "doc", "zip", "broken-xml", "broken-zip"])
def test_what_is_not_a_text_document_is_named_for_what_it_is(tmp_path, make, message):
    path = tmp_path / "file.bin"
    make(path)
    with pytest.raises(DocumentError, match=f"file.bin: {message}"):
        read_document(path)


def test_a_word_file_that_expands_too_far_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(word_files, "MAX_BODY", 1 << 10)
    path = write_docx(tmp_path / "big.docx", body=paragraph("<w:t>核酸检测。</w:t>") * 200)
    with pytest.raises(DocumentError, match="big.docx: a Word file whose text expands to [0-9,]+ bytes; refused above 1,024"):
        read_document(path)
