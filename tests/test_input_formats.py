"""One build over a folder mixing every input format, with a line per file in the summary."""

from __future__ import annotations

from conftest import kg
from layouts import html_page, pdf_report, run_together_text


def test_build_over_a_folder_of_mixed_formats(tmp_path, corpus):
    folder = tmp_path / "reports"
    (folder / "web" / "page_files").mkdir(parents=True)
    (folder / "web" / "mfa-2023.html").write_bytes(html_page(corpus["mfa-2023.md"].read_text(encoding="utf-8")))
    (folder / "web" / "page.html").write_text("<html></html>", encoding="utf-8")
    (folder / "web" / "page_files" / "frame.htm").write_text("<html><body>广告</body></html>", encoding="utf-8")
    (folder / "mfa-2024.pdf").write_bytes(pdf_report(corpus["mfa-2024.txt"].read_text(encoding="utf-8")))
    (folder / "mfa-2019.md").write_text(run_together_text(corpus["mfa-2019.md"].read_text(encoding="utf-8")), encoding="utf-8")
    (folder / "mfa-2012.txt").write_bytes(corpus["mfa-2012.txt"].read_bytes())
    out = tmp_path / "out.ttl"
    result = kg("build", str(folder), "--out", str(out), "--no-validate")  # SHACL has tests of its own
    lines = result.stderr.splitlines()
    per_file = {line.split(":")[0].strip(): line for line in lines if line.startswith("  ")}
    assert set(per_file) == {"mfa-2023.html", "mfa-2024.pdf", "mfa-2019.md", "mfa-2012.txt"}, result.stderr
    assert per_file["mfa-2023.html"].startswith("  mfa-2023.html: html, parts 一 overview 二 proactive 三 requests 四 appeals")
    assert per_file["mfa-2024.pdf"].startswith("  mfa-2024.pdf: pdf, parts 一 overview")
    assert "markdown" in per_file["mfa-2019.md"] and "text" in per_file["mfa-2012.txt"]
    assert "page.html" in result.stderr  # the empty page is named as rejected; its assets are not read
    assert "frame.htm" not in result.stderr
    assert result.returncode == 3 and out.exists()
    assert "4 reports of 1 agency (2012–2024)" in lines[-1]
