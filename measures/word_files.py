"""The text of Word (.docx) files, the form many notices and speeches are published in.

A .docx file is a zip archive of XML. Each paragraph of its main document becomes a line
(table cells and text boxes hold paragraphs too), with the text a reader sees: tabs, line
breaks inside a paragraph and symbols inserted from the Symbol font are kept; deleted and
moved-away revisions (a paragraph mark among them joins its paragraph to the next), hidden text, field codes, the pinyin guides above characters and
the formatting settings are not text and are left out; a text box saved twice (Word's
modern form and its fallback for older versions) is read once. Footnotes and endnotes are
part of what the author wrote and follow the body, in that order. Headers and footers are
not read: they are page furniture (the issuer's name, a page number) that the printed
document repeats on every page, and reviewers' comments are not the document's text.
Only the standard library is used, and the XML is read as a stream, so memory stays near
the size of the text rather than of the XML tree.
"""
from __future__ import annotations

import io
import posixpath
import string
import unicodedata
import zipfile
from typing import IO
from xml.etree import ElementTree

__all__ = ["ZIP_MAGIC", "WordFileError", "docx_text"]

ZIP_MAGIC = b"PK\x03\x04"
# The XML of a document's text (body and notes together) beyond this is no speech: refused
# rather than expanded (a zip bomb).
MAX_BODY = 64 << 20
_MAX_RELATIONSHIPS = 1 << 20

# Word's usual namespace and that of "Strict Open XML", which files saved that way use.
_NAMESPACES = ("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}",
               "{http://purl.oclc.org/ooxml/wordprocessingml/main}")
_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_RELATIONSHIPS = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
# The parts read after the body, by the end of their relationship type (the same in Word's
# usual and its strict form), with their root element.
_NOTES = (("/footnotes", "footnotes"), ("/endnotes", "endnotes"))
# A note of another type than "normal" is the rule above the notes or its continuation
# notice, no text.
_NOTE_ELEMENTS = {"footnote", "endnote"}

# Elements whose whole content is not text a reader sees.
_SKIPPED = {"del", "moveFrom", "pPr", "rPr", "rt", "instrText", "delInstrText"}
_CHARACTERS = {"tab": "\t", "ptab": "\t", "br": "\n", "cr": "\n", "noBreakHyphen": "-"}
# A symbol inserted from the Symbol font (Insert > Symbol, as in 体温≥37.3℃) is saved as
# U+F000 plus (or, by some writers, as just) its code in the font's own encoding. These are
# the characters Adobe's table gives the codes 0x20-0x7E and 0xA0-0xFE, in their usual
# Unicode forms (Δ Ω μ 〈 〉 rather than the look-alikes U+2206 U+2126 U+00B5 U+2329 U+232A);
# "\0" is a piece of a large bracket, an extender, or no character.
_SYMBOL_FONT = dict(zip(
    [*range(0x20, 0x7F), *range(0xA0, 0xFF)],
    " !∀#∃%&∋()∗+,−./0123456789:;<=>?≅ΑΒΧΔΕΦΓΗΙϑΚΛΜΝΟΠΘΡΣΤΥςΩΞΨΖ[∴]⊥_\0αβχδεφγηιϕκλμνοπθρστυϖωξψζ{|}∼"
    "€ϒ′≤⁄∞ƒ♣♦♥♠↔←↑→↓°±″≥×∝∂•÷≠≡≈…\0\0↵ℵℑℜ℘⊗⊕∅∩∪⊃⊇⊄⊂⊆∈∉∠∇®©™∏√⋅¬∧∨⇔⇐⇑⇒⇓◊〈®©™∑\0\0\0\0\0\0\0\0\0\0"
    "\0〉∫\0\0\0\0\0\0\0\0\0\0\0\0"))
# Fonts whose codes are pictures or signs of their own (boxes, ticks, arrows, hands), no
# fixed characters: those Office and older documents commonly use, not every such font.
_PICTURE_FONTS = {"wingdings", "wingdings 2", "wingdings 3", "webdings", "marlett", "mt extra",
                  "zapfdingbats", "itc zapf dingbats", "monotype sorts", "bookshelf symbol 7",
                  "ms reference specialty"}
# Characters that would break a line inside a paragraph, or are no text. (Not "Cn": a
# character newer than this Python's Unicode tables, a rare 汉字 say, is still text.)
_NOT_TEXT = {"Cc", "Cs", "Co", "Zl", "Zp"}


class WordFileError(ValueError):
    """A file that claims to be a .docx and cannot be read as one; the message says why."""


class _TooLarge(WordFileError):
    """Past MAX_BODY: refused whatever part it happens in."""


def docx_text(data: bytes) -> str:
    """The text of a .docx file: its main document, one paragraph a line, then its footnotes
    and endnotes. Raises WordFileError; a notes part that cannot be read (damaged XML or
    compression, not a list of notes) is left out and the body is still read."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            main = _main_part(archive)
            limited = _Limited()
            with archive.open(main) as limited.stream:
                texts = [_paragraphs(limited, "document")]
            for part, kind in _note_parts(archive, main):
                # each part through a stream of its own, counted against one limit
                limited = _Limited(limited.read_so_far)
                try:
                    with archive.open(part) as limited.stream:
                        texts.append(_paragraphs(limited, kind))
                except _TooLarge:
                    raise
                except Exception:  # damaged notes lose the notes, not the body
                    pass
            return "\n".join(text for text in texts if text)
    except WordFileError:
        raise
    except KeyError:
        raise WordFileError("a zip archive without a Word document in it, not a .docx file") from None
    except ElementTree.ParseError as error:
        raise WordFileError(f"its document XML is not well-formed ({error})") from None
    except Exception as error:  # a damaged archive fails in many ways: zlib, lzma, seek, encodings
        raise WordFileError(f"not a readable .docx file ({type(error).__name__}: {error})") from None


def _relationships(archive: zipfile.ZipFile, name: str) -> list[tuple[str, str]] | None:
    """(type, target) of each relationship listed in the part ``name``; None when there is
    no such part or it cannot be read."""
    try:
        with archive.open(name) as stream:
            listing = stream.read(_MAX_RELATIONSHIPS + 1)  # a few KB; never expanded in full
        if len(listing) > _MAX_RELATIONSHIPS:
            return None
        relationships = ElementTree.fromstring(listing)
    except (KeyError, ElementTree.ParseError):
        return None
    return [(r.get("Type", ""), r.get("Target", "")) for r in relationships.iter(_RELATIONSHIPS)
            if r.get("TargetMode", "Internal") == "Internal"]


def _main_part(archive: zipfile.ZipFile) -> str:
    """The main document's name: as the package's relationships say (Word Online may
    call it word/document2.xml), else the usual one."""
    for kind, target in _relationships(archive, "_rels/.rels") or []:
        if kind.endswith("/officeDocument"):
            return posixpath.normpath(target.lstrip("/"))
    return "word/document.xml"


def _note_parts(archive: zipfile.ZipFile, main: str) -> list[tuple[str, str]]:
    """(part name, root element) of the footnotes and endnotes the main document lists
    that the archive holds; targets are relative to the main document's folder."""
    folder, name = posixpath.split(main)
    listed = _relationships(archive, posixpath.join(folder, "_rels", name + ".rels")) or []
    present = set(archive.namelist())
    parts = []
    for ending, root in _NOTES:
        for kind, target in listed:
            part = posixpath.normpath(target.lstrip("/") if target.startswith("/")
                                      else posixpath.join(folder, target))
            if kind.endswith(ending) and part in present:
                parts.append((part, root))
                break
    return parts


class _Limited(io.RawIOBase):
    """A stream that refuses to give more than MAX_BODY bytes: the declared size of a
    zip member can lie, so the limit is on what is actually read."""

    stream: IO[bytes]  # the zip member being read, set by its reader

    def __init__(self, read_before: int = 0):
        self.read_so_far = read_before

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        chunk = self.stream.read(len(buffer))
        self.read_so_far += len(chunk)
        if self.read_so_far > MAX_BODY:
            raise _TooLarge(f"a Word file whose text runs past {MAX_BODY:,} bytes of XML; refused")
        buffer[:len(chunk)] = chunk
        return len(chunk)


def _name(tag: str) -> str | None:
    """The local name of a WordprocessingML tag, None for other vocabularies."""
    for namespace in _NAMESPACES:
        if tag.startswith(namespace):
            return tag[len(namespace):]
    return None


def _value(attributes, name: str, default: str) -> str:
    """A WordprocessingML attribute's value by its local name (its namespace varies)."""
    return next((v for k, v in attributes.items() if k.rsplit("}", 1)[-1] == name), default)


def _symbol(attributes) -> str:
    """The character of a ``w:sym``: in the Symbol font, a code of 00-FF or F000-F0FF read
    in that font's encoding; in a font of pictures, none; otherwise the code as Unicode
    (an ordinary character a writer saved this way), unless that is no text."""
    digits = _value(attributes, "char", "")
    if not (0 < len(digits) <= 6 and all(c in string.hexdigits for c in digits)):
        return ""  # a damaged attribute loses one symbol, not the document
    code = int(digits, 16)
    font = _value(attributes, "font", "").strip().lower()
    if font == "symbol" and (code <= 0xFF or 0xF000 <= code <= 0xF0FF):
        return _SYMBOL_FONT.get(code & 0xFF, "\0").strip("\0")
    if font in _PICTURE_FONTS or code > 0x10FFFF or _is_noncharacter(code):
        return ""
    character = chr(code)
    return "" if unicodedata.category(character) in _NOT_TEXT else character


def _is_noncharacter(code: int) -> bool:
    """Unicode's 66 codes that are never characters (U+FDD0-FDEF, U+xFFFE, U+xFFFF)."""
    return 0xFDD0 <= code <= 0xFDEF or code & 0xFFFE == 0xFFFE


def _paragraphs(stream, root: str) -> str:
    """The paragraphs of a part whose root element is ``root``, one a line."""
    lines: list[str] = []
    open_paragraphs: list[list[str]] = []  # a text box's paragraphs sit inside one of the body
    hidden_runs: list[bool] = []  # per open run (a text box's runs sit inside one): hidden?
    skipping = 0  # depth inside an element that is not text
    ancestors: list = []  # the open elements
    joined: list[bool] = []  # per open paragraph: is its mark a deleted revision?
    carried = ""  # the text of a paragraph whose mark was deleted: the next one's start
    for event, node in ElementTree.iterparse(io.BufferedReader(stream), events=("start", "end")):
        name = _name(node.tag)
        if event == "start":
            if not ancestors and name != root:  # an Excel or PowerPoint file, say
                raise WordFileError("an Office file that is not a Word document")
            ancestors.append(node)
            if skipping:
                skipping += 1
                # a run's own settings (not those a tracked change replaced) may hide it
                if name == "vanish" and skipping == 2 and hidden_runs and _name(ancestors[-3].tag) == "r":
                    hidden_runs[-1] = _value(node.attrib, "val", "true") not in ("0", "false", "off")
                # a paragraph mark deleted (or moved away) as a tracked change: once the
                # changes are made, as deletions are read, the paragraph runs on into the next
                elif name in ("del", "moveFrom") and skipping == 3 and joined and \
                        _name(ancestors[-2].tag) == "rPr" and _name(ancestors[-3].tag) == "pPr":
                    joined[-1] = True
            elif name in _SKIPPED or node.tag == _FALLBACK or (
                    name in _NOTE_ELEMENTS and _value(node.attrib, "type", "normal") != "normal"):
                skipping = 1
            elif name == "p":
                open_paragraphs.append([carried])
                joined.append(False)
                carried = ""
            elif name == "r":
                hidden_runs.append(False)
            continue
        ancestors.pop()
        if ancestors:
            # read, so dropped from its parent: memory stays near the open elements, not
            # the whole tree (millions of empty paragraphs took a GB)
            ancestors[-1].remove(node)
        if skipping:
            skipping -= 1
        elif name == "p":
            text = "".join(open_paragraphs.pop())
            if joined.pop():
                carried += text
            else:
                lines.append(text)
        elif name == "r":
            hidden_runs.pop()
        elif open_paragraphs and not (hidden_runs and hidden_runs[-1]):
            if name == "t":
                open_paragraphs[-1].append(node.text or "")
            elif name in _CHARACTERS:
                open_paragraphs[-1].append(_CHARACTERS[name])
            elif name == "sym":
                open_paragraphs[-1].append(_symbol(node.attrib))
    if carried:  # the last paragraph's mark deleted: nothing after it to run on into
        lines.append(carried)
    return "\n".join(lines)
