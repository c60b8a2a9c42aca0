"""The text of Word (.docx) files, the form many notices and speeches are published in.

A .docx file is a zip archive of XML. Each paragraph of its body becomes a line (table
cells and text boxes hold paragraphs too); tabs and line breaks inside a paragraph are
kept, deleted revisions and field codes are not text and are left out. Only the
standard library is used: the format needs no more.
"""
from __future__ import annotations

import io
import zipfile
from xml.etree import ElementTree

__all__ = ["ZIP_MAGIC", "WordFileError", "docx_text"]

ZIP_MAGIC = b"PK\x03\x04"
# A body this large is no speech: refused rather than expanded into memory (a zip bomb).
MAX_BODY = 256 << 20

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_PARAGRAPH, _TEXT, _TAB = _W + "p", _W + "t", _W + "tab"
_BREAKS = (_W + "br", _W + "cr")


class WordFileError(ValueError):
    """A file that claims to be a .docx and cannot be read as one; the message says why."""


def docx_text(data: bytes) -> str:
    """The text of a .docx file's body, one paragraph a line. Raises WordFileError."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            try:
                body = archive.getinfo("word/document.xml")
            except KeyError:
                raise WordFileError("a zip archive without word/document.xml, not a Word .docx file") from None
            if body.file_size > MAX_BODY:
                raise WordFileError(f"a Word file whose text expands to {body.file_size:,} bytes; "
                                    f"refused above {MAX_BODY:,}")
            xml = archive.read(body)
    except (zipfile.BadZipFile, NotImplementedError, RuntimeError, EOFError) as error:
        # RuntimeError: encrypted; NotImplementedError: a compression zipfile lacks
        raise WordFileError(f"not a readable .docx file ({error})") from None
    try:
        root = ElementTree.fromstring(xml)
    except ElementTree.ParseError as error:
        raise WordFileError(f"its word/document.xml is not well-formed XML ({error})") from None
    lines: list[str] = []
    _paragraphs(root, lines)
    return "\n".join(lines)


def _paragraphs(root: ElementTree.Element, lines: list[str]) -> None:
    """Append the text of each paragraph under ``root`` to ``lines``, in document order.
    A text box's paragraphs sit inside a paragraph of the body; each becomes its own
    line, before the line of the paragraph that holds it, so no text is read twice."""
    # an explicit stack, not recursion: a crafted file could nest deeper than Python recurses
    stack: list[tuple[ElementTree.Element | None, list[str] | None]] = [(root, None)]
    while stack:
        node, parts = stack.pop()
        if node is None:  # the end marker of a paragraph: its collected text is done
            lines.append("".join(parts or ()))
            continue
        if node.tag == _PARAGRAPH:
            own: list[str] = []
            stack.append((None, own))
            stack.extend((child, own) for child in reversed(node))
            continue
        if parts is not None:
            if node.tag == _TEXT:
                parts.append(node.text or "")
            elif node.tag == _TAB:
                parts.append("\t")
            elif node.tag in _BREAKS:
                parts.append("\n")
        stack.extend((child, parts) for child in reversed(node))
