"""A document too large to hold is read in pieces and written sentence by sentence,
with the same result as reading it whole."""
import codecs
import io
import itertools
import json
import random
import re
import sys

import pytest

from measures.cleaning import HAN

import measures
from measures import reading
from measures.corpus import tag_sources
from measures.sources import Source, iter_sources
from measures.document import iter_sentences
from measures.export import Writer
from measures.reading import DocumentError, iter_pieces, read_document

from conftest import EXAMPLES

SPEECH = (EXAMPLES / "speech_deployment_meeting.txt").read_text("utf-8")


@pytest.fixture
def small_limits(monkeypatch):
    # "Large" from 4 KB, pieces of 1 KB: the streaming path on files a test can write.
    monkeypatch.setattr(reading, "LARGE_FILE", 4096)
    monkeypatch.setattr(reading, "PIECE", 1024)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "big5", "utf-16"])
@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])  # "\r": old Mac files
def test_pieces_join_to_the_whole_text(tmp_path, encoding, newline):
    text = SPEECH if encoding != "big5" else SPEECH.encode("big5", "ignore").decode("big5")
    path = tmp_path / "doc.txt"
    path.write_bytes((text * 3).replace("\n", newline).encode(encoding))
    pieces = list(iter_pieces(path, piece=1000))  # cuts fall inside multi-byte characters and \r\n
    assert len(pieces) > 5
    assert "".join(pieces) == read_document(path)
    assert all(p.endswith("\n") for p in pieces[:-1])


def test_a_file_without_line_breaks_is_cut_at_sentence_ends(tmp_path, model, monkeypatch):
    # One line of about 130 KB: without a bound it would be one piece, however long.
    text = "".join(line.strip() for line in SPEECH.splitlines() if line.strip()) * 30
    assert "\n" not in text and len(text) > 10 * reading.LONG_LINE * 1000
    path = tmp_path / "one_line.txt"
    path.write_text(text, "utf-8")
    pieces = list(iter_pieces(path, piece=1000))
    assert "".join(pieces) == read_document(path)
    assert len(pieces) > 5 and all(len(p) <= (reading.LONG_LINE + 1) * 1000 for p in pieces)
    assert all(p[-1] in "。！？；!?;" for p in pieces[:-1])
    # cut where the splitter cuts, inside quotation marks too: the same sentences either way
    assert "“" in text
    monkeypatch.setattr(reading, "LARGE_FILE", 4096)
    monkeypatch.setattr(reading, "PIECE", 1000)
    assert written(model, [str(path)], "jsonl") == written_whole(model, path)


@pytest.mark.parametrize("sentence", ["各区要落实核酸检测（详见附件。）", "他说：“要落实。”", "请各单位遵照执行！！"])
def test_a_long_line_is_not_cut_between_a_sentence_and_its_closing_marks(tmp_path, sentence):
    path = tmp_path / "one_line.txt"
    path.write_text(sentence * 400, "utf-8")
    for piece in (97, 100, 101):  # blocks that end at every place in the sentence
        pieces = list(iter_pieces(path, piece=piece))
        assert "".join(pieces) == sentence * 400 and len(pieces) > 5
        assert all(p.endswith(sentence) for p in pieces[:-1])


@pytest.mark.parametrize("encoding", ["gb18030", "big5", "utf-8"])
def test_an_ascii_start_leaves_the_encoding_to_the_first_chinese_bytes(tmp_path, encoding):
    # an English header longer than a piece, then the document: read whole, it is GB18030
    # (or Big5); read in pieces it used to be taken for UTF-8 and refused at the first Chinese
    text = "Exported from the archive, page 1 of 1\n" * 60 + SPEECH.encode("big5", "ignore").decode("big5") * 3
    path = tmp_path / "doc.txt"
    path.write_bytes(text.encode(encoding))
    pieces = list(iter_pieces(path, piece=1000))
    assert len(pieces) >= 2 and pieces[0].isascii()
    assert "".join(pieces) == read_document(path) == text


@pytest.mark.parametrize("pieces_before", [1, 2])   # the first piece, a later one
@pytest.mark.parametrize("gap", [8, 40, 100, 1000])
def test_a_few_chinese_bytes_at_the_end_of_an_ascii_piece_do_not_decide_the_encoding_alone(tmp_path, gap,
                                                                                           pieces_before):
    # Big5 that begins ``gap`` bytes before a piece ends: judged on those bytes among a piece
    # of English, it read as GB18030 and the whole document came out garbled
    import opencc

    piece = 1 << 20
    header = ("Exported from the archive, page 1 of 1\n" * 60_000)[:pieces_before * piece - gap]
    traditional = opencc.OpenCC("s2t").convert(SPEECH).encode("big5", "ignore").decode("big5")
    text = header + traditional * 3
    path = tmp_path / "doc.txt"
    path.write_bytes(text.encode("big5"))
    assert "".join(iter_pieces(path, piece=piece)) == read_document(path) == text


@pytest.mark.parametrize("encoding, end", [("utf-8", "\n"), ("utf-16", "\n"), ("gb18030", "\r")])
def test_a_bad_byte_deep_inside_is_reported_with_its_offset_and_line(tmp_path, encoding, end):
    path = tmp_path / "doc.txt"
    good = (SPEECH * 4).replace("\n", end).encode(encoding)
    bad = b"\xff\xfe\xfa" if encoding != "utf-16" else b"\x00\xdc"  # a lone low surrogate in UTF-16
    path.write_bytes(good + bad + good.removeprefix(codecs.BOM_UTF16))
    line = (SPEECH * 4).count("\n") + 1
    with pytest.raises(DocumentError, match=rf"doc.txt: bytes near offset {len(good)} \(line {line}\) do not "
                                            rf"decode as {encoding}"):
        list(iter_pieces(path, piece=1000))


def test_a_large_file_with_a_bad_byte_deep_inside_is_refused_whole_before_any_piece_is_tagged(tmp_path, small_limits):
    path = tmp_path / "big.txt"
    path.write_bytes((SPEECH * 4).encode("utf-8") + b"\xff\xfe" + (SPEECH * 4).encode("utf-8"))
    (source,) = iter_sources([str(path)])
    assert source.error and "big.txt" in source.error and source.pieces is None


def written(model, inputs, fmt):
    out = io.StringIO()
    writer = Writer(out, fmt, classes=model.classes)
    for _source, document in tag_sources(model, iter_sources(inputs), stream_large=True):
        writer.write(document)
    writer.close()
    return out.getvalue()


def written_whole(model, path):
    out = io.StringIO()
    writer = Writer(out, "jsonl", classes=model.classes)
    writer.write(model.tag(read_document(path), source=str(path)))
    writer.close()
    return out.getvalue()


@pytest.mark.parametrize("fmt", ["jsonl", "json", "csv", "text"])
def test_streamed_output_equals_whole_document_output(tmp_path, monkeypatch, model, fmt):
    # No trailing "related articles" heading: then cleaning in pieces changes nothing.
    path = tmp_path / "big.txt"
    path.write_text(SPEECH * 5, "utf-8")
    whole = written(model, [str(path)], fmt)
    monkeypatch.setattr(reading, "LARGE_FILE", 4096)
    monkeypatch.setattr(reading, "PIECE", 1024)
    (source,) = iter_sources([str(path)])
    assert source.pieces is not None and source.text is None
    streamed = written(model, [str(path)], fmt)
    assert streamed == whole
    if fmt == "jsonl":
        record = json.loads(streamed)
        sentences = record["sentences"]
        text = path.read_text("utf-8")
        assert record["summary"]["sentences"] == len(sentences) > 50
        for s in sentences[::7]:  # spans index the whole file
            assert HAN.findall(s["text"]) == HAN.findall(text[s["start"]:s["end"]])


@pytest.mark.parametrize("encoding", ["utf-8", "gb18030", "utf-16"])
def test_a_large_document_on_standard_input_is_read_in_pieces_as_its_file_is(tmp_path, monkeypatch, model, encoding):
    # held whole, a document on standard input took about 18 times its size
    path = tmp_path / "big.txt"
    path.write_bytes((SPEECH * 5).encode(encoding))
    whole = written(model, [str(path)], "jsonl")
    monkeypatch.setattr(reading, "LARGE_FILE", 4096)
    monkeypatch.setattr(reading, "PIECE", 1024)
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(path.read_bytes())))
    (source,) = iter_sources(["-"])
    assert source.name == "<stdin>" and source.text is None and "".join(source.pieces()) == read_document(path)
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(path.read_bytes())))
    assert written(model, ["-"], "jsonl") == whole.replace(json.dumps(str(path)), json.dumps("<stdin>"))
    # a bad byte deep inside: named as standard input's, before any of it is tagged
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(path.read_bytes() + b"\xff\xfe\x00\xd8" * 2
                                                                  + path.read_bytes())))
    (source,) = iter_sources(["-"])
    found = re.match(r"<stdin>: bytes near offset (\d+) \(line \d+\) do not decode", source.error)
    assert found and len(path.read_bytes()) <= int(found[1]) < len(path.read_bytes()) + 8 and source.pieces is None


def test_large_files_keep_input_order_with_workers(tmp_path, small_limits, model):
    small = tmp_path / "a.txt"
    small.write_text(SPEECH[:300], "utf-8")
    big = tmp_path / "b.txt"
    big.write_text(SPEECH * 3, "utf-8")
    names = [src.name for src, doc in tag_sources(model, iter_sources([str(small), str(big), str(small)]),
                                                  jobs=2, stream_large=False)]
    assert names == [str(small), str(big), str(small)]


def test_sources_mark_only_large_files(tmp_path, small_limits):
    small = tmp_path / "a.txt"
    small.write_text("全市开展核酸检测。", "utf-8")
    big = tmp_path / "b.txt"
    big.write_text(SPEECH * 3, "utf-8")
    a, b = iter_sources([str(small), str(big)])
    assert a.text and a.pieces is None
    assert b.text is None and "".join(b.pieces()) == read_document(big)
    assert reading.is_large(big) and not reading.is_large(small)


def test_a_jsonl_line_that_is_not_utf8_is_named_and_the_rest_are_read(tmp_path):
    corpus_file = tmp_path / "mixed.jsonl"
    lines = [json.dumps({"id": f"d{i}", "text": f"第{i}次会议要求，全市开展核酸检测。"}, ensure_ascii=False)
             for i in range(1, 2001)]
    corpus_file.write_bytes(codecs.BOM_UTF8 + b"\n".join(line.encode("gbk" if i == 1001 else "utf-8")
                                                         for i, line in enumerate(lines, start=1)) + b"\n")
    sources = list(iter_sources([str(corpus_file)]))
    assert len(sources) == 2000
    assert [s.error for s in sources if s.error] == [f"{corpus_file}:1001: not UTF-8 (JSONL input must be UTF-8)"]
    assert [s.name for s in sources if not s.error] == [f"d{i}" for i in range(1, 2001) if i != 1001]


def test_a_jsonl_record_with_a_null_or_empty_id_is_named_by_file_and_line(tmp_path):
    corpus_file = tmp_path / "c.jsonl"
    corpus_file.write_text('{"id": null, "text": "核酸检测。"}\n{"id": null, "source": "s", "text": "隔离。"}\n'
                           '{"id": "", "source": "", "text": "消杀。"}\n{"id": 0, "text": "保供。"}\n', "utf-8")
    assert [s.name for s in iter_sources([str(corpus_file)])] == [f"{corpus_file}:1", "s", f"{corpus_file}:3", "0"]


def test_streamed_labels_equal_whole_labels_when_pieces_hold_few_sentences(tmp_path, monkeypatch):
    # Pieces of one sentence, or none: a sentence's context (two sentences each side) then
    # spans several pieces, and must be read as in the whole text. A heavy context weight
    # makes any neighbour missed change labels.
    model = measures.load_model()
    model.context = 5.0
    rng = random.Random(3)
    sentences = [s for s in re.split(r"(?<=。)", SPEECH) if len(s) > 8]
    monkeypatch.setattr(reading, "LARGE_FILE", 4096)
    monkeypatch.setattr(reading, "PIECE", 1024)
    for k in range(12):
        lines = []
        for _ in range(14):
            line = rng.choice(sentences)
            if rng.random() < 0.3:  # one long sentence, a piece on its own
                line = (line.rstrip("。") * (1 + 900 // len(line)))[:900] + "。"
            if lines and rng.random() < 0.2:  # markup in text (not first: a file that opens with it is HTML)
                line = f"<p>{line[:5]}<b>{line[5:]}</b></p><script>var a = '<p>';</script>"
                line = rng.choice([line, f"<style>\n{line}\n</style>"])  # on its line, or not
            lines.append(line)
            lines.extend([""] * rng.choice([0, 0, 1, 700]))  # and stretches of nothing but line breaks
        path = tmp_path / f"doc{k}.txt"
        path.write_text("\n".join(lines), "utf-8")
        (source,) = iter_sources([str(path)])
        assert source.pieces is not None
        streamed = [(s.text, s.start, s.labels) for s in iter_sentences(model, source.pieces())]
        whole = [(s.text, s.start, s.labels) for s in model.tag(path.read_text("utf-8")).sentences]
        assert streamed == whole, k


@pytest.mark.parametrize("parts", [{}, {"text": "全市开展核酸检测。", "error": "x: cannot read"},
                                   {"text": "全市开展核酸检测。", "pieces": lambda: iter(())},
                                   {"error": "x: cannot read", "note": "x: passed over 1 file"}])
def test_a_source_is_a_text_an_error_pieces_or_a_note_never_none_or_two(parts):
    # tagging tells the four kinds apart by which one is set
    with pytest.raises(ValueError, match="exactly one of text, error, pieces and note"):
        Source("x", **parts)


@pytest.mark.parametrize("data, piece", [
    (b"a" * 30 + b"\r\nb", 16),  # a CRLF at the end of a block of a line too long to hold
    (b"\xef\xbb\xbfabc\r\n", 2),  # a byte-order mark longer than the piece asked for
    ("关于加强疫情防控工作的通知。\r\n".encode("utf-16-le") * 3, 17),  # UTF-16 in an odd piece size
])
def test_pieces_join_to_the_whole_text_at_any_piece_size(tmp_path, data, piece):
    path = tmp_path / "doc.txt"
    path.write_bytes(data)
    assert "".join(iter_pieces(path, piece=piece)) == read_document(path)


def test_a_large_file_renamed_or_deleted_after_its_check_is_still_read_whole(tmp_path, small_limits, model):
    # its check pass and its tagging are apart in time (a folder of many files): it was
    # opened again by name, and a file gone meanwhile ended the whole run half-written
    big, small = tmp_path / "a_big.txt", tmp_path / "b_small.txt"
    big.write_text(SPEECH * 2, "utf-8")
    small.write_text("全市开展全员核酸检测。", "utf-8")
    expected = written(model, [str(big), str(small)], "jsonl")
    sources = iter_sources([str(big), str(small)])
    first = next(sources)
    assert first.pieces is not None
    big.unlink()
    out = io.StringIO()
    writer = Writer(out, "jsonl", classes=model.classes)
    for _source, document in tag_sources(model, [first, *sources], stream_large=True):
        writer.write(document)
    writer.close()
    assert out.getvalue() == expected


def test_a_large_files_source_closes_its_file_whether_or_not_it_is_read(tmp_path, small_limits, monkeypatch):
    import gc
    import measures.sources

    # the handles themselves, not a ResourceWarning: one raised while an object is
    # collected never reaches the test
    opened = []

    def open_document(path):
        opened.append(reading.open_document(path))
        return opened[-1]

    monkeypatch.setattr(measures.sources, "open_document", open_document)
    for name in ("a.txt", "b.txt"):
        (tmp_path / name).write_text(SPEECH * 2, "utf-8")
    sources = list(iter_sources([str(tmp_path)]))
    assert all(source.pieces is not None for source in sources) and len(opened) == 2
    text = "".join(sources[0].pieces())
    assert "".join(sources[0].pieces()) == text == read_document(tmp_path / "a.txt")  # read again
    assert not any(handle.closed for handle in opened)  # open while their Sources live
    del sources
    gc.collect()
    assert all(handle.closed for handle in opened)


def test_a_long_run_of_documents_without_sentences_is_tagged_a_batch_at_a_time(model):
    # empty texts (failed scrapes) and English ones give no sentence: a run of them is
    # yielded as it goes, not held until a document with a sentence comes
    from measures.document import BATCH

    taken = 0

    def texts():
        nonlocal taken
        for k in range(100 * BATCH):
            taken += 1
            yield "" if k % 2 else "Breaking news, in English only."
        yield "全市开展全员核酸检测。"

    first = next(model.tag_many(texts()))
    assert first.sentences == [] and taken <= BATCH

    # and measures tag's groups of them close too (GROUP_CHARS counts each document)
    from measures.corpus import DOCUMENT_CHARS, GROUP_CHARS

    taken = 0

    def sources():
        nonlocal taken
        for k in range(100 * BATCH):
            taken += 1
            yield Source(f"{k}.txt", text="")

    (_, document), = itertools.islice(tag_sources(model, sources()), 1)
    assert document.sentences == [] and taken <= GROUP_CHARS // DOCUMENT_CHARS + 1


class _Counted(io.BytesIO):
    """A stream that remembers the most it handed over in one call."""

    most = 0

    def readline(self, size=-1):
        line = super().readline(size)
        self.most = max(self.most, len(line))
        return line


@pytest.mark.parametrize("data", [b"\0" * 20_000, b"\n" * 20_000 + b"\0" * 20_000])
def test_standard_input_without_line_breaks_is_read_a_large_files_worth_at_a_time(small_limits, data):
    # /dev/zero piped in was read into memory whole, to find its first line's end (or
    # the first that is not blank)
    from measures.sources import _stream

    stream = _Counted(data)
    (source,) = _stream(stream, "<stdin>")
    assert stream.most <= reading.LARGE_FILE
    assert source.pieces is not None or source.error.startswith("<stdin>: binary or undecodable data")
    if data.startswith(b"\0"):
        assert source.error.startswith("<stdin>: binary or undecodable data")


def test_a_jsonl_record_longer_than_a_large_file_is_read_whole(small_limits):
    from measures.sources import _stream

    record = json.dumps({"id": 1, "text": "全市开展全员核酸检测。" * 1000}, ensure_ascii=False).encode()
    assert len(record) > reading.LARGE_FILE
    sources = list(_stream(io.BytesIO(record + b"\n" + record + b"\n"), "<stdin>"))
    assert [source.text for source in sources] == ["全市开展全员核酸检测。" * 1000] * 2


@pytest.mark.parametrize("size", [1, 2, 3, 7, 4096])
def test_jsonl_lines_are_the_same_however_the_bytes_come_in_chunks(size):
    from measures.sources import split_lines

    data = '{"text": "全市开展核酸检测。"}\r\n\r{"text": "隔离。"}\r\r\n{"a": "x\u2028y"}\n\n{"text": "保供。"}\r'.encode()
    chunks = [data[i:i + size] for i in range(0, len(data), size)]
    assert list(split_lines(chunks)) == data.splitlines(keepends=True)
    unended = data + '{"text": "消杀。"}'.encode()  # the last line without its end
    assert list(split_lines([unended[:5], unended[5:]])) == unended.splitlines(keepends=True)


def test_a_record_longer_than_many_chunks_comes_out_whole():
    # its pieces are joined once, at its end (joined at each chunk, a record of 80 MB took
    # 32 s: a speed for a benchmark, not a test, to time)
    from measures.sources import split_lines

    record = json.dumps({"text": "全市开展核酸检测。" * 60_000}, ensure_ascii=False).encode() + b"\r"
    chunks = [record[i:i + 1024] for i in range(0, len(record), 1024)]  # 1.6 MB in 1,600 chunks
    assert list(split_lines([*chunks, b'{"text": "x"}\n'])) == [record, b'{"text": "x"}\n']
