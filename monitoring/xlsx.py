"""One sheet in the form county offices exchange (台账): title, 填报单位/填报日期, bordered table.

Row 1 holds the merged title, row 2 the reporting unit (left) and date (right),
row 3 the header; the data follow.  Every cell is bordered, the header is
frozen and filtered, and the sheet prints on A4 landscape, fitted to the page
width, with rows 1-3 repeated on every page and page numbers in the footer.

Text cells pass through :func:`geo.cells.neutral`, so nothing from a user
becomes a formula.  A value wrapped in :class:`Mark` is coloured.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import pandas as pd
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties

from geo.cells import neutral

from .samples import TZ

__all__ = ["FILLS", "Mark", "form_sheet"]

#: Cell colours by meaning: an exceedance, an overdue step, a week not sampled, done.
FILLS = {
    "bad": PatternFill("solid", fgColor="F4B6B6"),
    "late": PatternFill("solid", fgColor="F9D29D"),
    "missing": PatternFill("solid", fgColor="E4E4E4"),
    "good": PatternFill("solid", fgColor="CDEBC8"),
}
_HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")
_THIN = Side(style="thin", color="808080")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)


@dataclass(frozen=True)
class Mark:
    """A cell value with a colour (a key of :data:`FILLS`)."""

    value: object
    fill: str


def _plain(value):
    """A value openpyxl stores as it is: local wall time for aware times, None for missing."""
    if isinstance(value, Mark):
        value = value.value
    if value is None or (not isinstance(value, list | tuple | str) and pd.isna(value)):
        return None
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if isinstance(value, datetime) and value.tzinfo is not None:
        value = value.astimezone(TZ).replace(tzinfo=None)  # Excel has no time zones
    if hasattr(value, "item") and not isinstance(value, str):  # numpy scalars
        value = value.item()
    return neutral(value)


def _width(values) -> int:
    texts = [str(v) for v in values if v is not None]
    if not texts:
        return 8
    return max(len(s) + sum(1 for ch in s if ord(ch) > 0x2E80) for s in texts)  # CJK is double width


def form_sheet(
    wb,
    title: str,
    heading: str,
    unit_line: str,
    date_line: str,
    df: pd.DataFrame,
    date_cols=(),
    datetime_cols=(),
    max_width: int = 40,
):
    """Append one form sheet to ``wb``.

    Parameters
    ----------
    wb : openpyxl.Workbook
    title : str
        Sheet name (at most 31 characters).
    heading : str
        The merged title in row 1.
    unit_line, date_line : str
        Row 2, left and right (e.g. ``填报单位：临湘市自然资源局``).
    df : pandas.DataFrame
        The table; its column names become the header (row 3).  Values may be
        :class:`Mark`.
    date_cols, datetime_cols : sequence of str
        Columns shown as ``yyyy-mm-dd`` or ``yyyy-mm-dd hh:mm`` date cells.
    max_width : int
        Widest column, in characters; longer text wraps.

    Returns
    -------
    openpyxl.worksheet.worksheet.Worksheet
    """
    ws = wb.create_sheet(title[:31])
    ncol = max(1, len(df.columns))
    last = get_column_letter(ncol)
    ws.append([heading])
    if ncol > 1:
        ws.merge_cells(f"A1:{last}1")
    ws["A1"].font = Font(bold=True, size=16)
    ws["A1"].alignment = Alignment(horizontal="center", vertical="center")
    ws.row_dimensions[1].height = 30
    split = max(1, ncol // 2)
    ws.cell(row=2, column=1, value=unit_line)
    ws.cell(row=2, column=split + 1 if ncol > 1 else 1, value=date_line if ncol > 1 else f"{unit_line}  {date_line}")
    if ncol > 1:
        ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=split)
        ws.merge_cells(start_row=2, start_column=split + 1, end_row=2, end_column=ncol)
        ws.cell(row=2, column=split + 1).alignment = Alignment(horizontal="right")
    ws.append([str(c) for c in df.columns])
    for cell in ws[3]:
        cell.font = Font(bold=True)
        cell.fill = _HEADER_FILL
        cell.border = _BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    formats = {c: "yyyy-mm-dd" for c in date_cols} | {c: "yyyy-mm-dd hh:mm" for c in datetime_cols}
    for r, rec in enumerate(df.itertuples(index=False), start=4):
        for c, raw in enumerate(rec, start=1):
            cell = ws.cell(row=r, column=c, value=_plain(raw))
            cell.border = _BORDER
            cell.alignment = Alignment(vertical="top", wrap_text=True)
            if isinstance(raw, Mark):
                cell.fill = FILLS[raw.fill]
            if isinstance(cell.value, datetime | date):
                cell.number_format = formats.get(df.columns[c - 1], "yyyy-mm-dd")
    nrow = 3 + len(df)
    ws.freeze_panes = "A4"
    ws.auto_filter.ref = f"A3:{last}{nrow}"
    for i, col in enumerate(df.columns, start=1):
        sample = [str(col)] + [_plain(v) for v in df.iloc[:300, i - 1]]
        if col in formats:
            sample = [str(col), "2022-04-12 09:30" if col in datetime_cols else "2022-04-12"]
        ws.column_dimensions[get_column_letter(i)].width = min(max(6, _width(sample) + 2), max_width)
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.print_title_rows = "1:3"
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.oddFooter.center.text = "&P / &N"
    return ws
