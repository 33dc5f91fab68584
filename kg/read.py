"""Stage 1, read: bytes → decoded text, with the format and encoding detected from the content.

The format is told by the content's signature (``%PDF``, markup), then the suffix:
PDF files are read by ``kg.read_pdf``, web pages by ``kg.read_html``, the rest here.
Chinese reports come as UTF-8 (with or without BOM), GB18030/GBK/GB2312 or Big5.
The file name says nothing reliable about the encoding, so every candidate that
decodes without error is scored by how much of its text is common Chinese.
"""

from __future__ import annotations

import hashlib
import re
from functools import cache
from pathlib import Path

from kg.model import InputError, Source

_CANDIDATES = ("utf-8", "gb18030", "big5")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_MARKDOWN = re.compile(r"^#{1,6}\s", re.MULTILINE)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
# Signatures of formats this version does not read, so the error can say so.
_SIGNATURES = {b"PK\x03\x04": "a ZIP/Office file", b"\xd0\xcf\x11\xe0": "an old Office file"}
_HTML_SUFFIXES = {".html", ".htm", ".xhtml", ".shtml"}


def read(path: Path) -> Source:
    """Read one report file. Raises InputError with a one-line reason."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError("no such file") from None
    except IsADirectoryError:
        raise InputError("is a folder, not a file") from None
    except OSError as exc:
        raise InputError(f"cannot be read ({exc.strerror})") from None
    text, encoding, fmt = _dispatch(data, path.suffix.lower())
    if not text.strip():
        raise InputError("empty file" if not data.strip() else f"holds no report text (read as {fmt})")
    return Source(
        path=str(path),
        name=path.name,
        sha256=hashlib.sha256(data).hexdigest(),
        encoding=encoding,
        format=fmt,
        text=text,
    )


def _dispatch(data: bytes, suffix: str) -> tuple[str, str, str]:
    """Text, encoding and format ("text", "markdown", "html", "pdf"), chosen by content signature first, suffix second."""
    from kg.read_html import html_text, looks_like_html

    if data[:1024].lstrip().startswith(b"%PDF") or (suffix == ".pdf" and b"%PDF" in data[:1024]):
        from kg.read_pdf import pdf_text

        return pdf_text(data), "binary", "pdf"
    if looks_like_html(data) or (suffix in _HTML_SUFFIXES and b"<" in data[:4096]):
        return *html_text(data, decode), "html"
    text, encoding = decode(data)
    return text, encoding, "markdown" if suffix in {".md", ".markdown"} or _MARKDOWN.search(text) else "text"


def decode(data: bytes) -> tuple[str, str]:
    """Decode report bytes; returns the text and the encoding's name."""
    if not data.strip():
        raise InputError("empty file")
    for signature, what in _SIGNATURES.items():
        if data.startswith(signature):
            raise InputError(f"is {what}, not a report this version reads (.txt, .md, .html, .pdf)")
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16"
    if b"\x00" in data[:8192]:
        raise InputError("is a binary file, not a text report")
    best: tuple[float, str, str] | None = None
    for encoding in _CANDIDATES:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if encoding == "utf-8":  # strict UTF-8 that decodes is UTF-8: other encodings rarely do
            best = (2.0, text, encoding)
            break
        score = _chinese_score(text)
        if best is None or score > best[0]:
            best = (score, text, encoding)
    if best is None or best[0] < 0.5:
        raise InputError("is not text in UTF-8, GB18030/GBK or Big5")
    text = best[1]
    if len(_CONTROL.findall(text)) > max(3, len(text) // 100):
        raise InputError("is a binary file, not a text report")
    return text, best[2]


def _chinese_score(text: str) -> float:
    """Share of CJK characters that are common characters (GB2312 level 1) once simplified."""
    chars = _CJK.findall(text)
    if not chars:
        return 1.0 if text.isascii() else 0.0
    simplified = _t2s().convert("".join(chars))
    return sum(_common(c) for c in simplified) / len(chars)


def _common(char: str) -> bool:
    try:
        first = char.encode("gb2312")[0]
    except UnicodeEncodeError:
        return False
    return 0xB0 <= first <= 0xD7


@cache
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")
