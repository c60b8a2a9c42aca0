"""Reading documents from files: encodings, HTML, binary and empty input.

Archives mix UTF-8 (with or without BOM), UTF-16 exports, GB18030/GBK and Big5 files and
saved HTML pages. This module turns any of them into text or refuses with a message that
names the file.
"""
from __future__ import annotations

import codecs
import contextlib
import os
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Iterator

from .cleaning import HAN_RANGES, remove_invisible, unwrap_lines
from .inputs import in_message, path_argument, reads_for_ever
from .splitting import LINE_BREAK, last_sentence_end
from .word_files import ZIP_MAGIC, WordFileError, docx_text

__all__ = ["DocumentError", "decode", "read_document", "iter_pieces", "is_large", "html_to_text", "looks_like_html"]


class DocumentError(ValueError):
    """An input that is not a text document (binary, undecodable)."""


_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")


def line_number(data: bytes, offset: int) -> int:
    """The line, counted from 1, that byte ``offset`` of a file's ``data`` is on: lines end
    at "\n", or at "\r" in a file without any "\n" (old Mac files)."""
    return data[:offset].count(b"\n" if b"\n" in data else b"\r") + 1


def _plausible(text: str) -> bool:
    if not text:
        return True
    controls = len(_CONTROL.findall(text[:20000]))
    return controls <= max(2, len(text[:20000]) // 200)


def decode(data: bytes, name: str = "<input>") -> str:
    """Bytes of a document to text, detecting its encoding (a Word .docx file gives its
    text); raises DocumentError."""
    if data.startswith(ZIP_MAGIC):
        try:
            return docx_text(data)
        except WordFileError as error:
            raise DocumentError(f"{in_message(name)}: {error}") from None
    return _detect(data, name, final=True)[1]


# The magic numbers of gzip, bzip2 (a block or the empty stream's end after the level), xz
# and zstd: a text may begin with the letters BZh
_COMPRESSED = re.compile(rb"\x1f\x8b\x08|BZh[1-9](?:1AY&SY|\x17rE8P\x90)|\xfd7zXZ\x00|\x28\xb5\x2f\xfd")


def is_compressed(data: bytes) -> bool:
    """Whether ``data`` begins as a gzip, bzip2, xz or zstd stream does."""
    return _COMPRESSED.match(data) is not None


def _not_text(data: bytes) -> str | None:
    """What a file people try that is not text is, with what to do, instead of "binary data"."""
    if data.startswith(b"%PDF-"):
        return "a PDF file; extract its text first (for example with pdftotext)"
    if is_compressed(data):  # under any name, or piped
        return ("compressed data (gzip, bzip2, xz or zstd); decompress it first (zcat, bzcat, xzcat or "
                "zstdcat FILE | measures tag -)")
    if data.startswith(b"\xd0\xcf\x11\xe0"):  # an OLE container: old Office files, encrypted new ones
        if "EncryptedPackage".encode("utf-16-le") in data:
            return "a password-protected Office file; remove the password, or save it as .txt"
        return "an old Word .doc (or other Office) file; save it as .docx or .txt"
    if _MHTML.match(data[:4096]):  # its HTML is quoted-printable: read as text, it cleans to nothing
        return MHTML
    return None


#: A page saved as a single file: MIME headers, then its parts.
_MHTML = re.compile(rb"(?:[\w-]+:[^\n]*\n|[ \t][^\n]*\n)*?Content-Type:\s*multipart/related", re.I)
MHTML = ("a page saved as a single file (MHTML), which measures does not read; save the page as HTML "
         "('Webpage, HTML only') or as text")


def _detect(data: bytes, name: str, final: bool) -> tuple[str, str]:
    """(encoding, text) of ``data``. ``final=False``: ``data`` is the start of a longer
    file, so a character cut at its end is not an error."""
    if not data:
        return "utf-8", ""
    # first: a PDF written without compression is mostly ASCII and decodes "plausibly"
    known = _not_text(data)
    if known:
        raise DocumentError(f"{in_message(name)}: {known}")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return encoding, _decoder(encoding).decode(data, final)
            except UnicodeDecodeError as error:
                raise DocumentError(f"{in_message(name)}: starts with a {encoding} byte-order mark but does not decode "
                                    f"({error.reason})") from None
    detected = _guess(data, final)
    if detected is None or not _plausible(detected[1]):
        raise DocumentError(f"{in_message(name)}: {_damage(data) or 'binary or undecodable data, not a text document'} "
                            f"(tried UTF-8, UTF-16, GB18030 and Big5)")
    return detected


def _damage(data: bytes) -> str | None:
    """Where a text file stops decoding, when a good part of it reads as one encoding: a few
    damaged bytes (a bad copy, a cut download) make the whole file undecodable, and the
    place tells the user what to mend."""
    reached = []
    for encoding in ("utf-8", "gb18030", "cp950"):
        try:
            data.decode(encoding)
        except UnicodeDecodeError as error:
            text = data[:error.start].decode(encoding)
            # text before the break, and either much of it or text again after it (a byte
            # lost early in a long file), not a binary file that opens like text
            if (error.start >= 64 and _plausible(text) and _readable(text) >= 0.9
                    and (error.start >= len(data) // 4 or _resumes(data[error.end:], encoding))):
                reached.append((error.start, encoding))
    if not reached:
        return None
    start, encoding = max(reached)
    return (f"bytes near offset {start} (line {line_number(data, start)}) do not decode as {encoding}, which the file reads as "
            f"before them: damaged there, or another encoding from there on")


def _resumes(rest: bytes, encoding: str) -> bool:
    """Whether the bytes after a break read as text again in ``encoding``: a few bad
    characters where it resynchronises, then readable text."""
    text = rest[:20000].decode(encoding, errors="replace")
    return (len(text) >= 32 and text.count("\ufffd") <= 2 + len(text) // 1000
            and _plausible(text) and _readable(text) >= 0.9)


def _guess(data: bytes, final: bool) -> tuple[str, str] | None:
    """(encoding, text) of ``data`` without a byte-order mark, or None."""
    detected: tuple[str, str] | None
    try:
        detected = "utf-8", _decoder("utf-8").decode(data, final)
    except UnicodeDecodeError:
        detected = _detect_legacy(data, final)
    else:
        # UTF-16 without a BOM decodes as UTF-8 full of NULs (one in every other character
        # of ASCII text); a stray NUL in UTF-8 text is dropped by cleaning, as it is from a
        # file large enough to be read in pieces
        if detected[1].count("\x00") * 8 > len(detected[1]):
            detected = _detect_legacy(data, final)
    return detected


# A page's own <meta charset="gbk"> or <meta http-equiv=... content="text/html; charset=big5">,
# looked for where browsers look (the start of the page).
_DECLARED = re.compile(rb"<meta\b[^>]{0,300}?charset\s*=\s*[\"']?\s*([a-z0-9_.:-]+)", re.I)
# The labels browsers read as GBK (GB18030 holds it) and as Big5 (cp950 here).
_DECLARED_ENCODINGS = {
    **dict.fromkeys(("gb2312", "gbk", "gb18030", "x-gbk", "cp936", "csgb2312", "chinese", "gb_2312-80",
                     "iso-ir-58", "csiso58gb231280"), "gb18030"),
    **dict.fromkeys(("big5", "big5-hkscs", "cn-big5", "csbig5", "x-x-big5", "cp950"), "cp950"),
}


def _declared(data: bytes) -> str | None:
    """The Chinese encoding a page declares at its start ("gb18030" or "cp950"), or None."""
    match = _DECLARED.search(data, 0, 4096)
    return _DECLARED_ENCODINGS.get(match.group(1).decode("ascii").lower()) if match else None


def _decoder(encoding: str):
    return codecs.getincrementaldecoder(encoding)()


# Chinese, ASCII, punctuation, and what GB2312 and Big5 themselves encode besides: Latin
# letters with pinyin's tone marks, Greek, Cyrillic, symbols (≥ ℃ ① Ⅱ ★) and kana. A notice
# of "体温≥37.3℃" was refused as binary without them.
_READABLE = re.compile(f"[{HAN_RANGES}\u3000-\u303f\uff00-\uffef\x20-\x7e\\s\u00a0-\u024f\u0370-\u04ff"
                       f"\u2000-\u27bf\u3040-\u30ff]")


def _readable(text: str) -> float:
    sample = text[:5000]
    return len(_READABLE.findall(sample)) / len(sample) if sample else 0.0


#: Bytes below which a file that reads as GB18030 and as Big5 alike is taken for GB18030:
#: four to ten characters, a title, on which the detector guessed wrong in most trials.
_SHORT = 32


def _detect_legacy(data: bytes, final: bool = True) -> tuple[str, str] | None:
    # A wrong decoding mostly still "succeeds", so candidates are ranked by how much of
    # the result is ordinary Chinese, ASCII and punctuation.
    candidates = []
    # cp950, Windows' Big5, which also has 裏, 恒, 碁 and the like that strict Big5 lacks
    encodings = ("utf-16-le", "utf-16-be", "gb18030", "cp950") if len(data) % 2 == 0 else ("gb18030", "cp950")
    for encoding in encodings:
        try:
            text = _decoder(encoding).decode(data, final)
        except UnicodeDecodeError:
            continue
        candidates.append((_readable(text), encoding, text))
    if not candidates:
        return None
    candidates.sort(key=lambda c: -c[0])
    best = candidates[0]
    if best[0] < 0.9:
        return None
    close = [c for c in candidates if best[0] - c[0] < 0.02 and c[1] in ("gb18030", "cp950")]
    if len(close) < 2:
        return best[1], best[2]
    # GB18030 and Big5 both read Chinese bytes as Chinese characters; charset-normalizer
    # tells which reading is language rather than noise, given enough of it: on a title of
    # a few characters it guesses, and the mainland's encoding is the likelier one. A page
    # that declares its encoding is read in it unless charset-normalizer finds that reading
    # noise: on markup with a few Chinese characters (a GBK page titled 健康码) its guess
    # is no better than a coin's, and a page is far likelier to declare right than wrong.
    readings = {c[1]: c[2] for c in close}
    declared = _declared(data)
    if len(data) < _SHORT:
        chosen = declared or "gb18030"
        return chosen, readings[chosen]
    from charset_normalizer import from_bytes

    # its readings, best first, with their chaos (its measure of noise)
    chaos = {("cp950" if match.encoding.replace("_", "").lower() == "big5" else "gb18030"): match.chaos
             for match in from_bytes(data, cp_isolation=["gb18030", "big5"])}
    # a declared reading it keeps is taken, one it drops as noise is not
    chosen = declared if declared in chaos else next(iter(chaos), "gb18030")
    return chosen, readings[chosen]


_HTML_HINT = re.compile(r"<\s*(?:!doctype\s+html|html|head|body|div|p|br|meta|title|article|span|table)\b", re.I)


def looks_like_html(text: str) -> bool:
    return len(_HTML_HINT.findall(text[:5000])) >= 2


# how the text extractor writes a line break of the page's source, outside a <pre>
_SOURCE_BREAK = "\x00"


class _TextExtractor(HTMLParser):
    _SKIP = {"script", "style", "noscript", "template", "svg"}
    _BLOCK = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "section",
              "article", "header", "footer", "blockquote", "pre", "table", "ul", "ol", "title", "dd", "dt",
              "td", "th", "caption"}  # a cell a line, as a Word table's
    # Elements whose end tag HTML requires: one marked hidden is skipped to that end tag
    # (an element whose end tag may be left out, a <p hidden>, could hide the rest of the page).
    _CLOSED = {"div", "span", "section", "article", "aside", "nav", "header", "footer", "main", "ul", "ol",
               "table", "form", "figure", "details", "dl", "a", "b", "i", "u", "s", "em", "strong", "small",
               "big", "font", "center", "strike", "label", "code", "sub", "sup", "q", "cite", "abbr", "mark",
               "time", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "blockquote", "address", "fieldset",
               "figcaption", "legend", "button", "select", "iframe", "menu", "marquee"}
    # a declaration, not a part of another property's name; a child may set visibility:
    # visible again, which pages that hide a share button's text or a keyword list do not
    _HIDING_STYLE = re.compile(r"(?<![\w-])(?:display\s*:\s*none|visibility\s*:\s*hidden)(?![\w-])", re.I)

    # what a head may hold; HTML lets a page leave out </head> (and <body>), so the body
    # starts at any other tag or at text outside the title, and must not be skipped
    _HEAD = {"title", "meta", "link", "base", "style", "script", "noscript", "template"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0
        self.in_head = False
        self.in_title = False
        # the page's title: the first <title> outside skipped elements (an icon's <svg>
        # has titles of its own); None until one opens
        self.title: list[str] | None = None
        self.title_read = False
        self.hidden: tuple[str, int] | None = None  # the hidden element's tag, and how deep in it
        self.pre = 0  # how deep in <pre> elements, whose source lines are the lines shown

    def handle_starttag(self, tag, attrs):
        if self.hidden:
            if tag == self.hidden[0]:
                self.hidden = (tag, self.hidden[1] + 1)
            return
        if tag in self._CLOSED and any(name == "hidden" or (name == "style" and value and self._HIDING_STYLE.search(value))
                                       for name, value in attrs):
            self.hidden = (tag, 1)
            return
        if self.title is not None:
            self.title_read = True  # ended, or left open: a title holds no tags
        if tag == "title" and self.title is None and not self.skipping:
            self.title = []
        if tag == "head":
            self.in_head = True
        elif tag not in self._HEAD:
            self.in_head = False
        self.in_title = self.in_title or tag == "title"
        self.pre += tag == "pre"
        if tag in self._SKIP:
            self.skipping += 1
        elif tag in self._BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if self.hidden:
            if tag == self.hidden[0]:
                self.hidden = (tag, self.hidden[1] - 1) if self.hidden[1] > 1 else None
            return
        if tag == "title":
            self.in_title = False
            self.title_read = self.title is not None
        if tag == "head":
            self.in_head = False
        elif tag in self._SKIP and self.skipping:
            self.skipping -= 1
        elif tag in self._BLOCK:
            self.parts.append("\n")
        if tag == "pre" and self.pre:
            self.pre -= 1

    def handle_data(self, data):
        if self.hidden:
            return
        if self.title is not None and not self.title_read and not self.skipping:
            self.title.append(data)  # placed by html_to_text, once, whether the page has a <head> or not
            return
        if self.in_head and not self.in_title and not self.skipping and data.strip():
            self.in_head = False
        if not self.skipping and not self.in_head:
            # a line break in the source is whitespace, shown as a space (or nothing between
            # Chinese characters), not a line: editors and Word's "save as web page" wrap a
            # paragraph's source, and each source line read as a line of text cut its
            # sentences where the editor wrapped them
            # (marked here, unwrapped by html_to_text across the tags between: 落实\n<b>核酸</b>)
            data = data.replace(_SOURCE_BREAK, "")  # a NUL, which a browser shows as nothing
            self.parts.append(data if self.pre else LINE_BREAK.sub(_SOURCE_BREAK, data))


def html_to_text(markup: str) -> str:
    """The visible text of an HTML page, one block element a line; the title is kept
    as the first line, unless the page shows its headline near its top (as its <h1>,
    after a breadcrumb): then it would be one sentence counted twice."""
    extractor = _TextExtractor()
    extractor.feed(markup)
    extractor.close()
    body = unwrap_lines("".join(extractor.parts), _SOURCE_BREAK)
    lines = [re.sub(r"[ \t\r\f\v]+", " ", line).strip() for line in body.split("\n")]
    text = "\n".join(line for line in lines if line)
    if extractor.title:
        # wrapped as its <h1> is, it is still the headline the page shows
        heading = re.sub(r"\s+", " ", unwrap_lines("".join(extractor.title))).strip()
        if heading and not _shown_already(heading, text):
            text = heading + "\n" + text
    return text


# What parts a page's title into its headline and its site's name (通告_某市人民政府门户网站,
# 通告 - 某某网, 通告|某某网)
_TITLE_PARTS = re.compile(r"\s*(?:_|\||｜|\s-\s|--|—{1,2}|–)\s*")
# How a site, a portal's column or an account names itself, which a headline does not
# end as (通报 and 情况 do)
# (not 发布 or 疫情防控, which end headlines too: 《…方案》发布, 抓好常态化疫情防控)
_SITE_NAME = re.compile(r"(?:网|网站|门户|官网|政府|委员会|卫健委|之窗|日报|晚报|早报|时报|晨报|商报|新闻|频道|客户端"
                        r"|平台|在线|电视台|之声|通知公告)$")


def _shown_already(title: str, text: str) -> bool:
    """Whether the page shows its title's headline itself, as a line near its top (after a
    breadcrumb, say): the title would be the same sentence counted twice. The headline
    is the title's longest part that is no site's name (通告_通知公告_某市人民政府门户网站,
    某市卫健委 - 通告); of parts as long, all must be shown (a site's name shown as the
    page's header is no headline)."""
    parts = [part.strip() for part in _TITLE_PARTS.split(title) if part.strip()] or [title]
    heads = [part for part in parts if not _SITE_NAME.search(part)] or parts
    longest = max(map(len, heads))
    shown = set(text.split("\n", 20)[:20])
    return (text.startswith(title) or title in shown
            or all(part in shown for part in heads if len(part) == longest))


def _lines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def open_document(path: Path):
    """``path`` opened for reading bytes, or a DocumentError that names it (a device
    such as /dev/zero among them: read whole, it would fill the memory)."""
    try:
        handle = open(path, "rb")
    except IsADirectoryError:
        raise DocumentError(f"{in_message(path)}: is a directory") from None
    except OSError as error:
        raise DocumentError(f"{in_message(path)}: cannot read ({error.strerror})") from None
    try:
        endless = reads_for_ever(os.fstat(handle.fileno()))
    except OSError:
        endless = False  # reading it says why
    if endless:
        handle.close()
        raise DocumentError(f"{in_message(path)}: a device, not a document file")
    return handle


def is_lock_file(path: Path) -> bool:
    """Whether ``path`` is the lock file Word keeps beside an open document (``~$通告.docx``)."""
    return path.name.startswith("~$")


def read_document(path) -> str:
    """Read a document file as text (any supported encoding; HTML and Word .docx files
    reduced to their text)."""
    path = Path(path_argument(path, "document path"))
    if is_lock_file(path):
        raise DocumentError(f"{in_message(path)}: a lock file Word keeps beside an open document, not a document")
    with open_document(path) as handle:
        data = _read_all(handle, path)
    return document_text(data, str(path), path.suffix)


def _read_all(handle, path: Path) -> bytes:
    try:
        return handle.read()
    except OSError as error:
        raise DocumentError(f"{in_message(path)}: cannot read ({error.strerror})") from None


def document_text(data: bytes, name: str, suffix: str = "") -> str:
    """The text of a document's bytes as a file of that ``suffix`` is read: decoded, line
    ends as "\n", HTML reduced to its visible text (standard input is read this way too)."""
    if not data and suffix.lower() in (".docx", ".docm"):  # a failed download, not an empty document
        raise DocumentError(f"{in_message(name)}: an empty file (0 bytes), not a Word document")
    text = _lines(decode(data, name))
    if data.startswith(ZIP_MAGIC):
        return text
    return html_to_text(text) if _is_html(suffix, text) else text


# The markup of a whole page, which a sentence that mentions tags does not hold.
_PAGE = re.compile(r"<\s*(?:!doctype\s+html|html|body)\b", re.I)


#: Names of saved pages (.shtml: pages of servers with includes, common on government sites).
HTML_SUFFIXES = (".html", ".htm", ".xhtml", ".shtml", ".shtm")


def _is_html(suffix: str, text: str) -> bool:
    # Markup under another name (standard input, a page saved as .txt) begins with it, or
    # holds a whole page after a line of something else (its address, HTTP headers); a
    # text that mentions <p> and <br> in a sentence is text, and its spans index it as such.
    if suffix.lower() in HTML_SUFFIXES:
        return True
    head = text[:5000]
    return looks_like_html(head) and (remove_invisible(head).lstrip().startswith("<") or bool(_PAGE.search(head)))


# Text files larger than this are read in pieces (HTML is always read whole: its text
# needs the whole tree).
LARGE_FILE = 16 << 20
PIECE = 1 << 20


def is_large(path) -> bool:
    """Whether :func:`iter_pieces` streams this file rather than reading it whole."""
    try:
        return Path(path).stat().st_size > LARGE_FILE
    except OSError:
        return False


def iter_pieces(path, piece: int | None = None, handle=None) -> Iterator[str]:
    """A document file as consecutive pieces of whole lines, about ``piece`` bytes
    each (default :data:`PIECE`, read at the call), that join to :func:`read_document`'s
    text: memory stays bounded however large the file. The encoding is detected on the
    first piece (on the first piece with a byte that is not ASCII, when the file starts
    with ASCII alone); a later byte that does not decode raises DocumentError naming the
    file and the byte offset. ``handle``: the file already open (binary), read from its
    start and left open, so that a file checked once and read again later is the same
    file even if its name has gone meanwhile."""
    path = Path(path)
    # even, so UTF-16 is read in whole code units, and past a byte-order mark
    piece = max(4, (piece or PIECE) + (piece or PIECE) % 2)
    if handle is not None:
        handle.seek(0)
    with contextlib.nullcontext(handle) if handle is not None else open_document(path) as handle:
        first = handle.read(piece)
        at_end = len(first) < piece
        late = _late_start(first) if not at_end else None
        if late is not None:  # English, then Chinese near the piece's end: read on
            first, at_end = _read_on(handle, first, late)
        whole = first.startswith(ZIP_MAGIC)  # a Word file is read whole, as its XML needs
        if not whole:
            encoding, text = _detect_after(first, late, str(path), at_end)
            whole = _is_html(path.suffix, text)  # and HTML, as its tree does
        if whole:
            handle.seek(0)
            yield document_text(_read_all(handle, path), str(path), path.suffix)
            return
        decoder = _decoder(encoding)
        decoder.decode(first, False)
        offset, pending = len(first), text
        breaks = [text.count("\n"), text.count("\r")]  # so far, to name a bad byte's line
        # ASCII reads the same in UTF-8, GB18030 and Big5: until the first byte that is not
        # ASCII, the encoding is still open (an English header over GBK text, say)
        undecided = encoding == "utf-8" and first.isascii()
        while True:
            block = handle.read(piece)
            found = _NOT_ASCII.search(block) if undecided else None
            if found:
                undecided = False
                # judged on what follows the first byte that is not ASCII, 64 KB of it at
                # least: a few Chinese bytes at a block's end, in a block of English, read
                # as GB18030 and as Big5 alike
                start = found.start()
                block, ended = _read_on(handle, block, start)
                guessed = _guess(block[start:], final=ended)
                if guessed is not None and _plausible(guessed[1]):
                    encoding, decoder = guessed[0], _decoder(guessed[0])
            state = decoder.getstate()
            carried = len(state[0])  # bytes of a character cut at the last block's end
            try:
                decoded = decoder.decode(block, not block)
            except UnicodeDecodeError as error:
                decoder.setstate(state)
                before = decoder.decode(block[:max(0, error.start - carried)], False)
                # lines end at "\n", or at "\r" in a file without any (line_number)
                line = 1 + (breaks[0] + before.count("\n") if breaks[0] or "\n" in before
                            else breaks[1] + before.count("\r"))
                raise DocumentError(f"{in_message(path)}: bytes near offset {offset - carried + error.start} (line {line}) do "
                                    f"not decode as {encoding}, the encoding read from the file's start") from None
            pending += decoded
            breaks[0] += decoded.count("\n")
            breaks[1] += decoded.count("\r")
            offset += len(block)
            if not block:
                break
            # keep a trailing "\r" back: its "\n" may open the next block
            cut = pending.rfind("\n", 0, len(pending) - 1)
            if cut < 0 and "\n" not in pending:  # lines that end with CR alone (old Mac files)
                cut = pending.rfind("\r", 0, len(pending) - 1)
            if cut < 0 and len(pending) > LONG_LINE * piece:
                cut = _line_cut(pending)
            if cut >= 0:
                yield _lines(pending[:cut + 1])
                pending = pending[cut + 1:]
        if pending:
            yield _lines(pending)


GUESS_BYTES = 1 << 16
_NOT_ASCII = re.compile(rb"[\x80-\xff]")


def _late_start(block: bytes) -> int | None:
    """Where a block's first byte that is not ASCII is, when that is within GUESS_BYTES of
    its end after ASCII text (no NUL: UTF-16 is never that); else None."""
    found = _NOT_ASCII.search(block, max(1, len(block) - GUESS_BYTES))
    if found is None or not block[:found.start()].isascii() or b"\x00" in block[:found.start()]:
        return None
    return found.start()


def _read_on(handle, block: bytes, start: int) -> tuple[bytes, bool]:
    """``block`` and as much read after it as makes GUESS_BYTES from ``start`` on, and
    whether the file ended there."""
    wanted = max(0, GUESS_BYTES - (len(block) - start))
    more = handle.read(wanted)
    return block + more, len(more) < wanted


def _detect_after(data: bytes, late: int | None, name: str, final: bool) -> tuple[str, str]:
    """:func:`_detect`, judged on what follows ``late`` when it is given: a few Chinese
    bytes after a megabyte of English read as GB18030 and as Big5 alike."""
    if late is not None and not _not_text(data):
        encoding = _detect(data[late:], name, final)[0]
        try:
            return encoding, _decoder(encoding).decode(data, final)
        except UnicodeDecodeError:
            pass
    return _detect(data, name, final)


# A line longer than this many pieces, counted in characters where pieces are read in
# bytes (text with no line breaks at all, such as a whole book exported on one line), is
# cut at its last sentence end instead, so that memory stays bounded; its cuts are the
# splitter's own, except near a straight quotation mark (paired from the piece's start,
# not the line's) or a sentence mark that cleaning removes (the ";" of "&nbsp;").
LONG_LINE = 1


def _line_cut(text: str) -> int:
    """Index of the last character of the last sentence that surely ends in ``text``, or
    of the one before its last character when there is none (a sentence megabytes long is
    not one)."""
    end = last_sentence_end(text)
    if end > 0:
        return end - 1
    # a hard cut, one character back; never between the "\r" and "\n" of a line end, which
    # the next piece would read as a second line break
    return len(text) - 3 if text[-2:-1] == "\r" else len(text) - 2
