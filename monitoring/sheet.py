"""Read a lab's CSV or XLSX file as a grid of cells and find its header row.

Files as labs send them carry a title row (冶湖周边精养鱼池尾水监测结果（2022年第15周）),
often a 填报单位/填报日期 row, merged cells, and a 序号 column that only numbers the rows.
This module turns the bytes into rows of cells (merged cells filled from their top-left
cell) and finds the first row that names a site, a date and a value column.

Every failure is a :class:`i18n.errors.UserError` (``import.*`` codes); no parser
exception leaves this module.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

from geo.archive import ArchiveError, check_zip
from i18n.errors import UserError

from .sitenames import name_key

__all__ = ["HEADERS", "IGNORED", "MAX_BYTES", "MAX_ROWS", "Header", "find_header", "norm_header", "read_grid"]

#: Largest accepted upload.
MAX_BYTES = 20 * 1024 * 1024
#: Most data rows in one file.
MAX_ROWS = 200_000
#: Rows searched for the header (title and 填报 rows come first).
HEADER_SEARCH = 30

#: Accepted header spellings (compared after :func:`norm_header`) for each field.
#: ``序号`` (a row number) is deliberately absent: it never decides a site.
HEADERS = {
    "site": [
        "点位名称",
        "点位",
        "采样点位",
        "监测点位",
        "采样点",
        "点位编号",
        "塘号",
        "塘口",
        "塘口名称",
        "塘口编号",
        "站点",
        "养殖场",
        "养殖场名称",
        "site",
        "site_code",
        "site_name",
        "pond",
        "pond_id",
    ],
    "sampled_at": [
        "采样时间",
        "采样日期",
        "监测日期",
        "时间",
        "日期",
        "sampled_at",
        "date",
        "datetime",
        "sampling_time",
    ],
    "time": ["采样时刻", "time"],
    "value": [
        "总磷(mg/L)",
        "总磷",
        "总磷浓度(mg/l)",
        "总磷(μg/l)",
        "总磷(µg/l)",
        "总磷(ug/l)",
        "tp",
        "tp(mg/l)",
        "value",
        "结果",
        "监测结果",
        "测定值",
        "浓度",
        "检测结果",
    ],
    "unit": ["单位", "unit"],
    "detection_limit": ["检出限", "检出限(mg/l)", "detection_limit", "dl", "lod"],
    "parameter": ["指标", "项目", "监测项目", "parameter"],
    "kind": ["样品类型", "类型", "kind", "sample_kind"],
    "method": ["方法", "分析方法", "method"],
    "qc_type": ["质控类型", "qc", "qc_type"],
    "laboratory": ["实验室", "检测单位", "laboratory", "lab"],
    "inspector": ["采样人", "采样人员", "inspector", "sampler"],
    "notes": ["备注", "notes", "remark", "remarks"],
}
#: Columns recognised and never read (a row number is not a site).
IGNORED = {"序号", "编号", "no", "no.", "#", "行号"}
_REQUIRED = ("site", "sampled_at", "value")


def norm_header(text) -> str:
    """Normalise a header cell for comparison (width, case, spaces, brackets).

    Parameters
    ----------
    text : object

    Returns
    -------
    str

    Examples
    --------
    >>> norm_header(" 总磷（mg/L） ")
    '总磷(mg/l)'
    """
    return name_key(text)  # the same normalisation as point names


_LOOKUP = {norm_header(h): f for f, hs in HEADERS.items() for h in hs}


@dataclass
class Header:
    """Where the header is and which column holds which field.

    Attributes
    ----------
    row : int
        0-based index of the header row in the grid.
    columns : dict
        Field name to 0-based column index.
    names : dict
        Field name to the header text as the file shows it.
    ignored : list of str
        Recognised columns that are not read (``序号``).
    """

    row: int
    columns: dict
    names: dict
    ignored: list


def _decode(data: bytes) -> str:
    """Decode UTF-8 (with or without BOM), UTF-16 with a BOM (Excel's Unicode text) or GBK/GB18030.

    A file mixing UTF-8 and GBK lines is refused.
    """
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise UserError("import.encoding") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    utf8_lines = gbk_lines = 0
    for line in data.splitlines():
        if line.isascii():
            continue
        try:
            line.decode("utf-8")
            utf8_lines += 1
        except UnicodeDecodeError:
            gbk_lines += 1
    if utf8_lines and gbk_lines:
        raise UserError("import.mixed_encoding", utf8=utf8_lines, gbk=gbk_lines)
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        raise UserError("import.encoding") from None


def _cell_text(v):
    if isinstance(v, str):
        v = v.replace("\x00", "")
    return v


def _read_csv(data: bytes) -> list[list]:
    text = _decode(data)
    if "\x00" in text:
        raise UserError("import.nul_byte")
    sample = text[:20000]
    counts = {sep: sample.count(sep) for sep in (",", "\t", ";")}
    sep = max(counts, key=counts.get) if any(counts.values()) else ","
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=sep))
    except csv.Error:
        raise UserError("import.csv_broken") from None
    return rows


def _read_xlsx(data: bytes, filename: str) -> list[list]:
    import openpyxl

    if not data.startswith(b"PK"):
        raise UserError("import.not_xlsx")
    try:
        zipfile.ZipFile(io.BytesIO(data)).close()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise UserError("import.not_xlsx") from None
    try:  # an XLSX is a zip: refuse bombs and odd members before openpyxl opens it
        check_zip(data, filename)
    except ArchiveError:
        raise UserError("import.archive_refused") from None
    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
        ws = wb.worksheets[0]
        merged = [
            (r.min_row, r.min_col, r.max_row, r.max_col, ws.cell(r.min_row, r.min_col).value)
            for r in ws.merged_cells.ranges
        ]
        rows = [list(r) for r in ws.iter_rows(values_only=True)]
    except Exception:  # openpyxl raises many kinds for broken files; none reaches the user
        raise UserError("import.not_xlsx") from None
    for r0, c0, r1, c1, value in merged:
        for r in range(r0 - 1, min(r1, len(rows))):
            row = rows[r]
            if len(row) < c1:
                row.extend([None] * (c1 - len(row)))
            for c in range(c0 - 1, c1):
                row[c] = value
    return [[_cell_text(v) for v in row] for row in rows]


def read_grid(data: bytes, filename: str) -> list[list]:
    r"""Read a CSV (UTF-8 or GBK/GB18030) or the first sheet of an XLSX file as rows of cells.

    Parameters
    ----------
    data : bytes
    filename : str
        Its ending chooses the reader (``.csv``, ``.xlsx``).

    Returns
    -------
    list of list
        Cells as text (CSV) or as openpyxl gives them (text, numbers, booleans,
        datetimes); merged cells repeat their top-left value.

    Raises
    ------
    i18n.errors.UserError
        ``import.too_large``, ``import.file_type``, ``import.encoding``,
        ``import.mixed_encoding``, ``import.not_xlsx``, ``import.csv_broken``, ``import.empty``.

    Examples
    --------
    >>> read_grid("塘号,日期\n1,2022-04-12\n".encode("gbk"), "a.csv")
    [['塘号', '日期'], ['1', '2022-04-12']]
    """
    if len(data) > MAX_BYTES:
        raise UserError("import.too_large", size=len(data), limit=MAX_BYTES)
    suffix = Path(str(filename)).suffix.lower()
    if suffix == ".csv":
        rows = _read_csv(data)
    elif suffix == ".xlsx":
        try:
            rows = _read_xlsx(data, filename)
        except zipfile.BadZipFile:
            raise UserError("import.not_xlsx") from None
    else:
        raise UserError("import.file_type")
    if not any(any(_filled(v) for v in row) for row in rows):
        raise UserError("import.empty")
    if len(rows) > MAX_ROWS + HEADER_SEARCH:
        raise UserError("import.too_many_rows", limit=MAX_ROWS)
    return rows


def _filled(v) -> bool:
    return v is not None and not (isinstance(v, str) and not v.strip())


def find_header(rows: list[list]) -> Header:
    """Find the header row: the first of the top rows naming a site, a date and a value column.

    Title rows and 填报单位 / 填报日期 rows above it are skipped. A row-number column
    (``序号``) is recognised and ignored.

    Parameters
    ----------
    rows : list of list

    Returns
    -------
    Header

    Raises
    ------
    i18n.errors.UserError
        ``import.no_header`` naming the columns still missing in the best candidate row.

    Examples
    --------
    >>> h = find_header([["监测结果（2022年第15周）"], ["序号", "点位名称", "采样日期", "总磷(mg/L)"]])
    >>> h.row, h.columns, h.ignored
    (1, {'site': 1, 'sampled_at': 2, 'value': 3}, ['序号'])
    """
    best = None
    for i, row in enumerate(rows[:HEADER_SEARCH]):
        columns, names, ignored = {}, {}, []
        for j, cell in enumerate(row):
            if not _filled(cell):
                continue
            key = norm_header(cell)
            if key in IGNORED:
                ignored.append(str(cell).strip())
                continue
            field = _LOOKUP.get(key)
            if field and field not in columns:
                columns[field] = j
                names[field] = str(cell).strip()
        found = sum(f in columns for f in _REQUIRED)
        if found == len(_REQUIRED):
            return Header(i, columns, names, ignored)
        if found and (best is None or found > best[0]):
            best = (found, columns)
    missing = [f for f in _REQUIRED if best is None or f not in best[1]]
    raise UserError("import.no_header", missing="、".join(HEADERS[f][0] for f in missing))
