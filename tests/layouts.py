"""Render the bundled reports in the layouts people actually get: web pages, PDF files, flattened text.

Each function takes a bundled report's text and returns the same report in another layout, so a
test can check that the other layout gives the same figures, cell for cell.
"""

from __future__ import annotations

import html
import io
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


# ---------------------------------------------------------------- PDF files

_HEADING = re.compile(r"^(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）)")
_ROW = re.compile(r"^(?P<label>.*?)\s*(?P<numbers>(?:(?<![^\s])\d+(?:\.\d+)?(?:万元)?\s*)+)$")
_REQUEST_ROWS = (
    ("一、本年新收政府信息公开申请数量", None, None),
    ("二、上年结转政府信息公开申请数量", None, None),
    ("三、本年度办理结果", "（一）予以公开", None),
    ("", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", None),
    *(
        ("", "（三）不予公开" if i == 1 else "", leaf)
        for i, leaf in enumerate(
            (
                "1.属于国家秘密",
                "2.其他法律行政法规禁止公开",
                "3.危及“三安全一稳定”",
                "4.保护第三方合法权益",
                "5.属于三类内部事务信息",
                "6.属于四类过程性信息",
                "7.属于行政执法案卷",
                "8.属于行政查询事项",
            ),
            start=1,
        )
    ),
    ("", "（四）无法提供", "1.本机关不掌握相关政府信息"),
    ("", "", "2.没有现成信息需要另行制作"),
    ("", "", "3.补正后申请内容仍不明确"),
    ("", "（五）不予处理", "1.信访举报投诉类申请"),
    ("", "", "2.重复申请"),
    ("", "", "3.要求提供公开出版物"),
    ("", "", "4.无正当理由大量反复申请"),
    ("", "", "5.要求行政机关确认或重新出具已获取信息"),
    ("", "（六）其他处理", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"),
    ("", "", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"),
    ("", "", "3.其他"),
    ("", "（七）总计", None),
    ("四、结转下年度继续办理", None, None),
)


def _pdf_parts(text: str) -> tuple[list[str], list[tuple[str, str]], list[list[str]]]:
    """Title lines, (kind, text) blocks (paragraph, heading, table:NAME) and the table rows' numbers, in order."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    title, lines = lines[:2], lines[2:]
    blocks: list[tuple[str, str]] = []
    numbers: list[list[str]] = []
    paragraph = ""
    in_tables = False
    for line in lines:
        if line.startswith("二、主动公开"):
            in_tables = True
            blocks.append(("paragraph", paragraph))
            paragraph = ""
        if line.startswith("五、"):
            in_tables = False
        if in_tables:
            match = _ROW.match(line)
            if match:
                numbers.append(match.group("numbers").split())
            if re.match(r"^[二三四]、", line) and not match and line.endswith("情况"):
                blocks.append(("heading", line))
                blocks.append(("table", line[0]))
            continue
        if _HEADING.match(line) or paragraph.endswith("。"):
            if paragraph:
                blocks.append(("paragraph", paragraph))
            paragraph = ""
        if re.match(r"^[一二三四五六]、", line):
            blocks.append(("heading", line))
            continue
        paragraph += line
    if paragraph:
        blocks.append(("paragraph", paragraph))
    return title, blocks, numbers


def pdf_report(text: str) -> bytes:
    """The 2021-edition report text as a PDF: prose, ruled tables with merged cells and vertical headers,
    a running page header and page numbers, tables that run over a page break."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    body = ParagraphStyle("body", fontName="STSong-Light", fontSize=11, leading=18, firstLineIndent=22, wordWrap="CJK")
    heading = ParagraphStyle("heading", parent=body, firstLineIndent=0, fontSize=12)
    title_style = ParagraphStyle("title", parent=body, firstLineIndent=0, fontSize=16, leading=24, alignment=1)
    cell = ParagraphStyle("cell", fontName="STSong-Light", fontSize=8, leading=10, wordWrap="CJK")
    title, blocks, numbers = _pdf_parts(text)
    rows = iter(numbers)

    def grid(data, widths, spans=()):
        table = Table(data, colWidths=[w * mm for w in widths], repeatRows=0)
        style = [
            ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
            ("FONT", (0, 0), (-1, -1), "STSong-Light", 8),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ]
        style += [("SPAN", a, b) for a, b in spans]
        table.setStyle(TableStyle(style))
        return table

    def para(value: str):
        return Paragraph(value, cell) if value else ""

    def proactive():
        out = []
        blocks_ = (
            ("第二十条第（一）项", ["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"], ["规章", "行政规范性文件"]),
            ("第二十条第（五）项", ["信息内容", "本年处理决定数量"], ["行政许可"]),
            ("第二十条第（六）项", ["信息内容", "本年处理决定数量"], ["行政处罚", "行政强制"]),
            ("第二十条第（八）项", ["信息内容", "本年收费金额（单位：万元）"], ["行政事业性收费"]),
        )
        for head, columns, labels in blocks_:
            data = [[head] + [""] * (len(columns) - 1), [para(c) for c in columns]]
            data += [[para(label)] + next(rows) for label in labels]
            out.append(grid(data, [18] + [36] * (len(columns) - 1), [((0, 0), (-1, 0))]))
            out.append(Spacer(1, 4 * mm))
        return out

    def requests():
        applicants = ["商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"]
        data = [
            [para("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"), "", "", "申请人情况"] + [""] * 6,
            ["", "", "", "自然人", "法人或其他组织", "", "", "", "", "总计"],
            ["", "", "", "", *[para(a) for a in applicants], ""],
        ]
        spans = [((0, 0), (2, 2)), ((3, 0), (9, 0)), ((3, 1), (3, 2)), ((4, 1), (8, 1)), ((9, 1), (9, 2))]
        start = len(data)
        for i, (stage, group, leaf) in enumerate(_REQUEST_ROWS):
            r = start + i
            data.append([para(stage), para(group), para(leaf or "")] + next(rows))
            if stage and group is None:
                spans.append(((0, r), (2, r)))
            elif leaf is None:
                spans.append(((1, r), (2, r)))
        handled = [start + i for i, row in enumerate(_REQUEST_ROWS) if row[1] or row[2]]
        spans.append(((0, handled[0]), (0, handled[-1])))
        groups = [start + i for i, row in enumerate(_REQUEST_ROWS) if row[1] and row[2]] + [handled[-1]]
        for a, b in zip(groups, groups[1:], strict=False):
            spans.append(((1, a), (1, b - 1)))
        return [grid(data, [14, 18, 40] + [13] * 7, spans)]

    def appeals():
        vertical = ["\n".join(w) for w in ("结果维持", "结果纠正", "其他结果", "尚未审结")] + ["总计"]
        data = [
            ["行政复议"] + [""] * 4 + ["行政诉讼"] + [""] * 9,
            vertical + ["未经复议直接起诉"] + [""] * 4 + ["复议后起诉"] + [""] * 4,
            [""] * 5 + vertical + vertical,
            next(rows),
        ]
        spans = [((0, 0), (4, 0)), ((5, 0), (14, 0)), ((5, 1), (9, 1)), ((10, 1), (14, 1))]
        spans += [((c, 1), (c, 2)) for c in range(5)]
        return [grid(data, [11] * 15, spans)]

    story = [Paragraph("<br/>".join(title), title_style), Spacer(1, 6 * mm)]
    for kind, value in blocks:
        if kind == "heading":
            story.append(Paragraph(value, heading))
        elif kind == "paragraph":
            story.append(Paragraph(value, body))
        else:
            story += {"二": proactive, "三": requests, "四": appeals}[value]()

    def furniture(canvas, doc):
        canvas.saveState()
        canvas.setFont("STSong-Light", 9)
        canvas.drawCentredString(A4[0] / 2, A4[1] - 12 * mm, "政府信息公开专栏")
        canvas.drawCentredString(A4[0] / 2, 10 * mm, f"— {doc.page} —")
        canvas.restoreState()

    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=A4, topMargin=22 * mm, bottomMargin=20 * mm, title="", author="", subject="")
    doc.build(story, onFirstPage=furniture, onLaterPages=furniture)
    return out.getvalue()


# ---------------------------------------------------------------- flattened text

_SPLIT_WORDS = {"本年新制作数量": "本年新 制作数量", "社会公益组织": "社会公益 组织", "法律服务机构": "法律服务 机构"}


def _table_blocks(markdown: str) -> list[tuple[bool, list[str]]]:
    """(is table, lines) blocks of a Markdown report with tab-separated tables."""
    blocks: list[tuple[bool, list[str]]] = []
    for line in markdown.splitlines():
        tabbed = "\t" in line
        if blocks and blocks[-1][0] == tabbed:
            blocks[-1][1].append(line)
        else:
            blocks.append((tabbed, [line]))
    return blocks


def pipe_text(markdown: str) -> str:
    """Tables as crawlers flatten them: ``| a | b |`` rows, header words split by spaces."""
    out = []
    for tabbed, lines in _table_blocks(markdown):
        for line in lines:
            if not tabbed:
                out.append(line)
                continue
            cells = [_SPLIT_WORDS.get(c.strip(), c.strip()) for c in line.rstrip("\t").split("\t")]
            out.append("| " + " | ".join(cells) + " |")
    return "\n".join(out) + "\n"


def cell_per_line_text(markdown: str) -> str:
    """Tables flattened one cell a line, merged cells left as filler pipes."""
    out = []
    for tabbed, lines in _table_blocks(markdown):
        for line in lines:
            if not tabbed:
                out.append(line)
                continue
            out.extend(c.strip() or "|" for c in line.rstrip("\t").split("\t"))
    return "\n".join(out) + "\n"


def run_together_text(markdown: str) -> str:
    """Tables whose integer cells lost their separators: ``本年新收政府信息公开申请数量130000013``.

    Rows holding a unit or a decimal keep their cells apart by spaces, as copy-paste does with them.
    """
    out = []
    for tabbed, lines in _table_blocks(markdown):
        for line in lines:
            cells = [c.strip() for c in line.rstrip("\t").split("\t") if c.strip()]
            numbers = [c for c in cells if _NUMBERS.match(c)]
            if not tabbed or not numbers:
                out.append(line.replace("\t", " ") if tabbed else line)
                continue
            label = "".join(c for c in cells if c not in numbers)
            joiner = "" if all(n.isdigit() for n in numbers) else " "
            out.append(label + joiner.join(numbers))
    return "\n".join(out) + "\n"
