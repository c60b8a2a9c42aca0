"""Reading documents from files: encodings, HTML, binary and empty input.

Archives mix UTF-8 (with or without BOM), UTF-16 exports, GB18030/GBK and Big5 files and
saved HTML pages. This module turns any of them into text or refuses with a message that
names the file.
"""
from __future__ import annotations

import codecs
import html
import re
from html.parser import HTMLParser
from pathlib import Path

__all__ = ["DocumentError", "decode", "read_document", "html_to_text", "looks_like_html"]


class DocumentError(ValueError):
    """An input that is not a text document (binary, undecodable)."""


_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")


def _plausible(text: str) -> bool:
    if not text:
        return True
    controls = len(_CONTROL.findall(text[:20000]))
    return controls <= max(2, len(text[:20000]) // 200)


def decode(data: bytes, name: str = "<input>") -> str:
    """Bytes of a document to text, detecting its encoding; raises DocumentError."""
    if not data:
        return ""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError as error:
                raise DocumentError(f"{name}: starts with a {encoding} byte-order mark but does not decode ({error.reason})") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = _detect_legacy(data)
    else:
        if "\x00" in text:  # UTF-16 without a BOM decodes as UTF-8 full of NULs
            text = _detect_legacy(data)
    if text is None or not _plausible(text):
        raise DocumentError(f"{name}: binary or undecodable data, not a text document "
                            f"(tried UTF-8, UTF-16, GB18030 and Big5)")
    return text


_READABLE = re.compile(r"[\u4e00-\u9fff\u3000-\u303f\uff00-\uffef\x20-\x7e\s\u2010-\u2027]")


def _readable(text: str) -> float:
    sample = text[:5000]
    return len(_READABLE.findall(sample)) / len(sample) if sample else 0.0


def _detect_legacy(data: bytes) -> str | None:
    # A wrong decoding mostly still "succeeds", so candidates are ranked by how much of
    # the result is ordinary Chinese, ASCII and punctuation.
    candidates = []
    encodings = ("utf-16-le", "utf-16-be", "gb18030", "big5") if len(data) % 2 == 0 else ("gb18030", "big5")
    for encoding in encodings:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        candidates.append((_readable(text), encoding, text))
    if not candidates:
        return None
    candidates.sort(key=lambda c: -c[0])
    best = candidates[0]
    if best[0] < 0.9:
        return None
    close = [c for c in candidates if best[0] - c[0] < 0.02 and c[1] in ("gb18030", "big5")]
    if len(close) < 2:
        return best[2]
    # GB18030 and Big5 both read Chinese bytes as Chinese characters; charset-normalizer
    # tells which reading is language rather than noise.
    candidates = [(c[1], c[2]) for c in close]
    from charset_normalizer import from_bytes

    best = from_bytes(data, cp_isolation=["gb18030", "big5"]).best()
    chosen = best.encoding.replace("_", "").lower() if best else "gb18030"
    for encoding, text in candidates:
        if encoding.replace("_", "") == chosen:
            return text
    return candidates[0][1]


_HTML_HINT = re.compile(r"<\s*(?:!doctype\s+html|html|head|body|div|p|br|meta|title|article|span|table)\b", re.I)


def looks_like_html(text: str) -> bool:
    return len(_HTML_HINT.findall(text[:5000])) >= 2


class _TextExtractor(HTMLParser):
    _SKIP = {"script", "style", "noscript", "template", "svg", "head"}
    _BLOCK = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "section",
              "article", "header", "footer", "blockquote", "pre", "table", "ul", "ol", "title", "dd", "dt"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in self._SKIP:
            self.skipping += 1
        elif tag in self._BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in self._SKIP and self.skipping:
            self.skipping -= 1
        elif tag in self._BLOCK:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self.skipping:
            self.parts.append(data)


def html_to_text(markup: str) -> str:
    """The visible text of an HTML page, one block element a line; the title is kept
    as the first line."""
    title = re.search(r"<title[^>]*>(.*?)</title>", markup, re.I | re.S)
    extractor = _TextExtractor()
    extractor.feed(markup)
    extractor.close()
    body = "".join(extractor.parts)
    lines = [re.sub(r"[ \t\r\f\v]+", " ", line).strip() for line in body.split("\n")]
    text = "\n".join(line for line in lines if line)
    if title:
        heading = html.unescape(re.sub(r"\s+", " ", title.group(1))).strip()
        if heading and not text.startswith(heading):
            text = heading + "\n" + text
    return text


def read_document(path) -> str:
    """Read a document file as text (any supported encoding; HTML reduced to its text)."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except IsADirectoryError:
        raise DocumentError(f"{path}: is a directory") from None
    except OSError as error:
        raise DocumentError(f"{path}: cannot read ({error.strerror})") from None
    text = decode(data, str(path))
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if path.suffix.lower() in (".html", ".htm", ".xhtml") or looks_like_html(text):
        text = html_to_text(text)
    return text
