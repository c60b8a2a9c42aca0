"""Inputs for the speed and memory benchmarks, built by repeating real texts from shared/."""
from __future__ import annotations

import json
import os
import re
from pathlib import Path

HAN = re.compile(r"[\u4e00-\u9fff]")
#: The shared material every benchmark reads: $MEASURES_SHARED, else ../shared beside the checkout.
SHARED = Path(os.environ.get("MEASURES_SHARED") or Path(__file__).resolve().parents[2] / "shared")


def shared_files(shared: Path, suffixes=(".txt",)) -> list[Path]:
    """The files under ``shared`` with these suffixes, in path order."""
    return [path for path in sorted(Path(shared).rglob("*")) if path.is_file() and path.suffix in suffixes]


def shared_texts(shared: Path, suffixes=(".txt",)) -> list[str]:
    """The texts of :func:`shared_files`."""
    return [path.read_text("utf-8", errors="replace") for path in shared_files(shared, suffixes)]


def build_jsonl(texts: list[str], target: Path, size_bytes: float) -> tuple[int, int, int]:
    """Write ``texts`` round after round as JSONL documents until the file reaches
    ``size_bytes``. Returns (documents, Chinese characters, rounds)."""
    size = chars = documents = rounds = 0
    with open(target, "w", encoding="utf-8") as out:
        while size < size_bytes:
            for text in texts:
                line = json.dumps({"id": f"doc{documents}", "text": text}, ensure_ascii=False) + "\n"
                out.write(line)
                size += len(line.encode("utf-8"))
                chars += len(HAN.findall(text))
                documents += 1
            rounds += 1
    return documents, chars, rounds


def build_document(texts: list[str], target: Path, size_bytes: float, line_breaks: bool = True) -> int:
    """Write ``texts`` one after another, round after round, as one document until it
    reaches ``size_bytes``; without ``line_breaks``, as one line (their own line breaks
    removed too). Returns its Chinese characters."""
    size = chars = 0
    with open(target, "w", encoding="utf-8") as out:
        while size < size_bytes:
            for text in texts:
                piece = text + "\n" if line_breaks else text.replace("\r", "").replace("\n", "")
                out.write(piece)
                size += len(piece.encode("utf-8"))
                chars += len(HAN.findall(text))
    return chars
