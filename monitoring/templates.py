"""Sample import templates (XLSX and CSV) with Chinese headers and an example row.

The templates import as they are: :func:`monitoring.importer.parse_file` reads them.
"""

from __future__ import annotations

import io

__all__ = ["TEMPLATE_HEADER", "TEMPLATE_ROWS", "template_csv", "template_xlsx"]

TEMPLATE_TITLE = "冶湖周边精养鱼池尾水监测结果（填报模板）"
TEMPLATE_HEADER = [
    "序号",
    "点位名称",
    "采样日期",
    "采样时刻",
    "总磷(mg/L)",
    "检出限(mg/L)",
    "采样人",
    "检测单位",
    "备注",
]
#: Example rows: a result, a below-detection value and a point not sampled.
TEMPLATE_ROWS = [
    [1, "5号塘尾水排口", "2022/4/12", "09:30", "0.35", "", "张三", "临湘市环境监测站", "示例行，导入前请删除"],
    [2, "塘8", "2022年4月12日", "10:00", "0.01L", "0.01", "张三", "临湘市环境监测站", "示例：低于检出限"],
    [3, "7号塘", "2022/4/12", "", "未采", "", "张三", "临湘市环境监测站", "示例：停产未采"],
]
NOTES = [
    "说明：“序号”只是行号，不代表塘号；点位可写 5、5号、5号塘、塘5、5号塘尾水排口、养殖场名称或点位编号。",
    "结果可写 0.35、0.01L（低于检出限）、<0.01、ND（须填检出限）；未采样写 未采 或 —。",
]


def template_csv() -> bytes:
    """The CSV template, UTF-8 with a BOM so Excel and WPS open it correctly.

    Returns
    -------
    bytes

    Examples
    --------
    >>> template_csv().decode("utf-8-sig").splitlines()[1].split(",")[:3]
    ['序号', '点位名称', '采样日期']
    """
    import csv

    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow([TEMPLATE_TITLE] + [""] * (len(TEMPLATE_HEADER) - 1))
    w.writerow(TEMPLATE_HEADER)
    w.writerows(TEMPLATE_ROWS)
    return buf.getvalue().encode("utf-8-sig")


def template_xlsx() -> bytes:
    """The XLSX template: merged title row, header, example rows, notes; text-formatted cells.

    Returns
    -------
    bytes
    """
    import openpyxl
    from openpyxl.styles import Alignment, Font

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "监测结果"
    ws.append([TEMPLATE_TITLE])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(TEMPLATE_HEADER))
    ws["A1"].font = Font(bold=True, size=14)
    ws["A1"].alignment = Alignment(horizontal="center")
    ws.append(TEMPLATE_HEADER)
    for cell in ws[2]:
        cell.font = Font(bold=True)
    for row in TEMPLATE_ROWS:
        ws.append(row)
        for cell in ws[ws.max_row]:
            cell.number_format = "@"  # text: 0.01L and 2022/4/12 stay as typed
    notes = wb.create_sheet("填写说明")
    for line in NOTES:
        notes.append([line])
    for col, width in zip("ABCDEFGHI", (6, 18, 14, 10, 12, 12, 10, 18, 24), strict=True):
        ws.column_dimensions[col].width = width
    ws.print_title_rows = "2:2"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
