"""Render the bundled reports in the layouts people actually get: web pages, PDF files, flattened text.

Each function takes a bundled report's text and returns the same report in another layout, so a
test can check that the other layout gives the same figures, cell for cell.
"""

from __future__ import annotations

import html
import re

_NUMBERS = re.compile(r"^[\d.]+(?:\s*万元|\s*万件)?$")


# ---------------------------------------------------------------- web pages


def _html_table(block: list[str]) -> str:
    """Tab-separated rows as an HTML table: an empty slot becomes part of the merged cell it continues.

    An empty slot left of a row's first value continues the label cell above it (rowspan) when that
    row is not a header row, else the cell to its left (colspan). Header cells get a <br> inside.
    """
    grid = [line.rstrip("\n").split("\t") for line in block]
    width = max(len(r) for r in grid)
    grid = [r + [""] * (width - len(r)) for r in grid]
    owner: dict[tuple[int, int], tuple[int, int]] = {}
    spans: dict[tuple[int, int], list[int]] = {}
    for r, row in enumerate(grid):
        values = [c for c, cell in enumerate(row) if _NUMBERS.match(cell.strip())]
        first_value = values[0] if values else width
        for c, cell in enumerate(row):
            if cell.strip():
                owner[(r, c)] = (r, c)
                spans[(r, c)] = [1, 1]
                continue
            if c >= first_value:  # a blank value cell
                owner[(r, c)] = (r, c)
                spans[(r, c)] = [1, 1]
                continue
            above = owner.get((r - 1, c))
            left = owner.get((r, c - 1))
            if values and above and above[1] == c and spans[above][1] == 1 and not _NUMBERS.match(grid[above[0]][c]):
                spans[above][0] = r - above[0] + 1
                owner[(r, c)] = above
            elif left and spans[left][0] == 1:
                spans[left][1] = c - left[1] + 1
                owner[(r, c)] = left
            else:
                owner[(r, c)] = (r, c)
                spans[(r, c)] = [1, 1]
    out = ['<table border="1" cellspacing="0" class="MsoNormalTable">']
    for r, row in enumerate(grid):
        out.append("<tr>")
        for c, cell in enumerate(row):
            if owner[(r, c)] != (r, c):
                continue
            rowspan, colspan = spans[(r, c)]
            attrs = (f' rowspan="{rowspan}"' if rowspan > 1 else "") + (f' colspan="{colspan}"' if colspan > 1 else "")
            text = html.escape(cell.strip())
            if not text:
                text = "&nbsp;"
            elif len(text) in range(4, 9) and not _NUMBERS.match(cell.strip()):
                text = text[: len(text) // 2] + "<br/>" + text[len(text) // 2 :]  # a header split over two lines
            out.append(f'<td{attrs} style="border:solid windowtext 1.0pt"><p align="center"><span>{text}</span></p></td>')
        out.append("</tr>")
    out.append("</table>")
    return "\n".join(out)


def html_body(markdown: str) -> str:
    """A Markdown report with tab-separated tables as the HTML body a government site serves."""
    out: list[str] = []
    block: list[str] = []
    for line in markdown.splitlines() + [""]:
        if "\t" in line:
            block.append(line)
            continue
        if block:
            out.append(_html_table(block))
            block = []
        line = line.strip()
        if not line:
            continue
        heading = re.match(r"^(#+)\s*(.*)$", line)
        if heading:
            level = min(len(heading.group(1)) + 1, 4)
            out.append(f"<h{level}>{html.escape(heading.group(2))}</h{level}>")
        else:
            out.append(f'<p style="text-indent:2em">{html.escape(line)}</p>')
    return "\n".join(out)


def _page(title: str, body: str, charset: str) -> str:
    nav = "".join(f'<li><a href="/col{i}/">栏目{i}</a></li>' for i in range(1, 12))
    links = "".join(f'<li><a href="/news/{i}.html">相关新闻标题第{i}条</a></li>' for i in range(1, 8))
    return f"""<!DOCTYPE html>
<html><head><meta http-equiv="Content-Type" content="text/html; charset={charset}">
<title>{title}_政府信息公开</title>
<meta name="ContentSource" content="政府网站">
<script type="text/javascript">var _hmt = _hmt || []; function share(){{ return "分享到微博"; }}</script>
<style>.nav li {{ float: left; }}</style></head>
<body>
<div class="header"><div class="logo"><a href="/">政府门户网站</a></div><ul class="nav">{nav}</ul></div>
<div class="crumb">当前位置：<a href="/">首页</a> &gt; <a href="/gk/">政府信息公开</a> &gt; 年度报告</div>
<div class="main">
  <div class="article">
    <h1 class="title">{html.escape(title)}</h1>
    <div class="info">发布时间：2024-01-31 10:00 来源：政府网站 【字体：大 中 小】 打印本页</div>
    <div id="content" class="TRS_Editor">BODY</div>
  </div>
  <div class="side"><h3>相关链接</h3><ul>{links}</ul></div>
</div>
<div class="footer"><p><a href="/about">关于我们</a> | <a href="/map">网站地图</a> | <a href="/contact">联系我们</a></p>
<p>主办单位：某某人民政府办公厅 版权所有 备案号：京ICP备00000000号</p></div>
</body></html>""".replace("BODY", body)


def html_page(markdown: str, charset: str = "gb2312") -> bytes:
    """A saved web page of the report: navigation, scripts, footer; tables with merged cells; in ``charset``."""
    lines = markdown.strip().splitlines()
    title = re.sub(r"^#+\s*", "", lines[0]).strip()
    codec = "gb18030" if charset.lower() in ("gb2312", "gbk") else charset  # pages declared GB2312 hold GBK characters
    return _page(title, html_body("\n".join(lines[1:])), charset).encode(codec)


def html_page_in_script(markdown: str) -> bytes:
    """A page whose body is a JavaScript string (``var content = "…"``), written by the page's script."""
    lines = markdown.strip().splitlines()
    title = re.sub(r"^#+\s*", "", lines[0]).strip()
    body = html_body("\n".join(lines[1:])).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    script = f'<script type="text/javascript">\nvar content = "{body}";\n'
    script += 'document.getElementById("content").innerHTML = content;\n</script>'
    return _page(title, script, "utf-8").encode("utf-8")
