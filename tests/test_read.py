"""Reading report files: the encoding comes from the bytes, never from the file name; unreadable files say why in one line."""

from __future__ import annotations

import random
from pathlib import Path

import opencc
import pytest

from kg.model import InputError
from kg.pipeline import parse
from kg.read import read


def _text(corpus, name: str) -> str:
    return corpus[name].read_text(encoding="utf-8")


def _big5_encodable(text: str) -> str:
    """The lines of ``text`` that Big5 can encode (OpenCC's s2t writes a few characters, such as 爲 and 衆, that it cannot)."""
    kept = []
    for line in text.split("\n"):
        try:
            line.encode("big5")
        except UnicodeEncodeError:
            continue
        kept.append(line)
    return "\n".join(kept)


@pytest.fixture(scope="module")
def big5_text(corpus) -> str:
    return _big5_encodable(opencc.OpenCC("s2t").convert(_text(corpus, "mfa-2012.txt")))


def test_utf8_without_bom(corpus):
    source = read(corpus["mfa-2012.txt"])
    assert source.encoding == "utf-8"
    assert source.text == _text(corpus, "mfa-2012.txt")


def test_utf8_with_bom_drops_the_mark(corpus, tmp_path):
    path = tmp_path / "report.txt"
    path.write_bytes(b"\xef\xbb\xbf" + corpus["mfa-2012.txt"].read_bytes())
    source = read(path)
    assert source.encoding == "utf-8-sig"
    assert source.text == _text(corpus, "mfa-2012.txt")
    assert not source.text.startswith("\ufeff")


@pytest.mark.parametrize("name", ["report.txt", "report.md", "report.big5", "noextension"])
def test_gb18030_is_detected_whatever_the_file_name(corpus, tmp_path, name):
    original = _text(corpus, "mfa-2012.txt")
    path = tmp_path / name
    path.write_bytes(original.encode("gb18030"))
    source = read(path)
    assert source.encoding == "gb18030"
    assert source.text == original


def test_gb18030_traditional_text(corpus, tmp_path):
    """The 2011 report is in Traditional characters; GBK/GB18030 can hold them too."""
    original = _text(corpus, "mfa-2011.txt")
    path = tmp_path / "report.txt"
    path.write_bytes(original.encode("gb18030"))
    assert read(path).text == original


@pytest.mark.parametrize("name", ["report.txt", "report.md", "report.gb18030"])
def test_big5_is_detected_whatever_the_file_name(big5_text, tmp_path, name):
    path = tmp_path / name
    path.write_bytes(big5_text.encode("big5"))
    source = read(path)
    assert source.encoding == "big5"
    assert source.text == big5_text


def test_big5_report_parses_like_the_original(big5_text, tmp_path):
    """A Big5 copy of the 2012 report gives the same year, script and figures as a user would expect."""
    assert "134" in big5_text and "收費及減免" in big5_text  # the lines that matter survived the Big5 filter
    path = tmp_path / "report.md"
    path.write_bytes(big5_text.encode("big5"))
    report = parse(path)
    assert report.year == 2012
    assert report.agency.key == "mfa"
    assert report.script == "Hant"
    received = [m for m in report.metrics if m.indicator.endswith("/applications-received")]
    assert [m.value for m in received] == [134]
    assert "申請134份" in received[0].source_text  # the source keeps the Traditional original


def test_sha256_and_name(corpus):
    import hashlib

    path = corpus["mfa-2023.md"]
    source = read(path)
    assert source.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert source.name == "mfa-2023.md"
    assert source.format == "markdown"
    assert read(corpus["mfa-2024.txt"]).format == "text"


def _error(path: Path) -> str:
    with pytest.raises(InputError) as caught:
        read(path)
    message = str(caught.value)
    assert message and "\n" not in message
    return message


def test_empty_file(tmp_path):
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    assert "empty" in _error(path)


def test_whitespace_only_file(tmp_path):
    path = tmp_path / "blank.txt"
    path.write_text(" \n\t\r\n\u3000\n", encoding="utf-8")
    message = _error(path)
    assert "empty" in message or "no report text" in message


def test_binary_file(tmp_path):
    path = tmp_path / "random.txt"
    rng = random.Random(1)
    path.write_bytes(rng.randbytes(100) + b"\x00\x00" + rng.randbytes(4096))
    assert "binary" in _error(path)


def test_binary_file_without_nul_bytes(tmp_path):
    data = bytes(b for b in random.Random(2).randbytes(20000) if b)[:8000]
    path = tmp_path / "random.md"
    path.write_bytes(data)
    message = _error(path)
    assert "binary" in message or "not text" in message


def test_pdf_signature(tmp_path):
    """A file that starts like a PDF but holds no readable PDF is refused in one line, whatever its name."""
    path = tmp_path / "report.txt"
    path.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n")
    assert "PDF" in _error(path)


def test_missing_file_and_folder(tmp_path):
    assert "no such file" in _error(tmp_path / "nope.txt")
    assert "folder" in _error(tmp_path)
