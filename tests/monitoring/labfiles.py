"""Sample files built the way monitoring stations and labs send them (see shared domain notes)."""

import io
from datetime import datetime

import openpyxl
from openpyxl.styles import Border, Side

TITLE = "冶湖周边精养鱼池尾水监测结果（2022年第15周）"
FILLED_BY = "填报单位：临湘市环境监测站"
HEADER = ["序号", "点位名称", "采样日期", "总磷(mg/L)", "检出限(mg/L)", "备注"]
#: (点位名称, 采样日期, 总磷, 检出限, 备注) — 序号 is the running number 1..n, never the pond.
ROWS = [
    ("5号塘尾水排口", datetime(2022, 4, 12), 0.35, None, "异常"),
    ("塘8", "2022/4/12", "0.01L", None, ""),
    ("13号", "2022年4月13日", "０.１８", None, ""),
    ("1号塘", "2022/4/13", "ND", 0.01, "未检出"),
    ("唐小阶水产养殖场", "2022年4月14日", 0.12, None, ""),
    ("7号塘", "2022/4/14", "未采", None, "停产"),
]


def xlsx(rows=ROWS, header=HEADER, merged=True, filled_by=True) -> bytes:
    """An XLSX with a merged title row, a 填报单位 row, a 序号 column and bordered cells."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "监测结果"
    ws.append([TITLE])
    if merged:
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
    if filled_by:
        ws.append([FILLED_BY, None, None, "填报日期：2022年4月18日"])
        if merged:
            ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=3)
    ws.append(header)
    thin = Side(style="thin")
    for n, row in enumerate(rows, 1):
        ws.append([n, *row])
        for cell in ws[ws.max_row]:
            cell.border = Border(top=thin, bottom=thin, left=thin, right=thin)
    for cell in ws["C"]:
        if isinstance(cell.value, datetime):
            cell.number_format = "yyyy/m/d"
    ws.print_title_rows = "3:3"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def csv(rows=ROWS, header=HEADER, encoding="gbk") -> bytes:
    """A GBK CSV with the title row and a 填报单位 row, as a lab's spreadsheet saves it."""

    def text(v):
        if isinstance(v, datetime):
            return v.strftime("%Y/%m/%d")
        return "" if v is None else str(v)

    lines = [TITLE + "," * (len(header) - 1), FILLED_BY + "," * (len(header) - 1), ",".join(header)]
    lines += [",".join([str(n), *(text(v) for v in row)]) for n, row in enumerate(rows, 1)]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)
