"""Read sample files (CSV or XLSX, Chinese or English headers) into SampleInputs.

Nothing is written here: :meth:`monitoring.store.Store.import_samples` writes
a whole file or nothing.
"""

from __future__ import annotations

import hashlib
import io
import re
from pathlib import Path

import pandas as pd

from geo.archive import ArchiveError, check_zip

from .samples import PARAMETERS, ParsedValue, SampleInput, SampleValidationError, parse_datetime, parse_value
from .store import RowError

__all__ = ["HEADERS", "MAX_BYTES", "ImportFileError", "file_id", "parse_file", "read_table"]

#: Largest accepted upload.
MAX_BYTES = 20 * 1024 * 1024

#: Accepted header spellings (lower-cased, spaces removed) for each field.
HEADERS = {
    "site": ["塘号", "点位", "点位编号", "站点", "序号", "site", "site_code", "pond", "pond_id"],
    "sampled_at": ["采样时间", "采样日期", "时间", "日期", "sampled_at", "date", "datetime", "sampling_time"],
    "time": ["采样时刻", "time"],
    "value": ["总磷(mg/l)", "总磷（mg/l）", "总磷", "tp", "tp(mg/l)", "value", "结果", "测定值", "浓度"],
    "unit": ["单位", "unit"],
    "detection_limit": ["检出限", "检出限(mg/l)", "检出限（mg/l）", "detection_limit", "dl", "lod"],
    "parameter": ["指标", "项目", "parameter"],
    "kind": ["样品类型", "类型", "kind", "sample_kind"],
    "method": ["方法", "分析方法", "method"],
    "qc_type": ["质控类型", "qc", "qc_type"],
    "laboratory": ["实验室", "检测单位", "laboratory", "lab"],
    "inspector": ["采样人", "采样人员", "inspector", "sampler"],
    "notes": ["备注", "notes", "remark", "remarks"],
}
_KIND = {
    "尾水": "tail_water",
    "塘口尾水": "tail_water",
    "湖水": "lake",
    "湖体": "lake",
    "进水": "inlet",
    "其他": "other",
}
_QC = {"常规": "regular", "平行样": "field_duplicate", "现场平行": "field_duplicate", "空白": "blank"}
_PARAM = {"总磷": "TP", "氨氮": "NH3-N", "化学需氧量": "COD", "总氮": "TN"}


class ImportFileError(ValueError):
    """The file as a whole cannot be read (type, size, encoding, headers)."""


def file_id(data: bytes) -> str:
    """sha256 of a file's bytes: the same file imported twice is recognised.

    Parameters
    ----------
    data : bytes

    Returns
    -------
    str
    """
    return hashlib.sha256(data).hexdigest()


def _norm(header) -> str:
    return re.sub(r"\s+", "", str(header)).lower().replace("（", "(").replace("）", ")")


def _decode(data: bytes) -> str:
    for enc in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    raise ImportFileError("the CSV is neither UTF-8 nor GBK/GB18030 encoded")


def read_table(data: bytes, filename: str) -> pd.DataFrame:
    """Read a CSV (UTF-8 or GBK/GB18030) or XLSX file as text cells.

    Parameters
    ----------
    data : bytes
    filename : str
        Its ending chooses the reader (``.csv``, ``.xlsx``).

    Returns
    -------
    pandas.DataFrame
        Every cell as read (strings, or datetimes from Excel date cells).

    Raises
    ------
    ImportFileError
        For another type, an oversized or unreadable file.
    """
    if len(data) > MAX_BYTES:
        raise ImportFileError(f"{filename}: {len(data):,} bytes, more than the {MAX_BYTES:,} allowed")
    suffix = Path(filename).suffix.lower()
    if suffix == ".csv":
        text = _decode(data)
        sep = "\t" if text.count("\t") > text.count(",") else ","
        if sep == "," and text.count(";") > text.count(","):
            sep = ";"
        return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, sep=sep)
    if suffix == ".xlsx":
        if not data.startswith(b"PK"):
            raise ImportFileError(f"{filename}: not an XLSX file")
        try:  # an XLSX is a zip: refuse bombs and odd members before openpyxl opens it
            check_zip(data, filename)
        except ArchiveError as exc:
            raise ImportFileError(str(exc)) from exc
        try:
            return pd.read_excel(io.BytesIO(data), dtype=object, engine="openpyxl").fillna("")
        except Exception as exc:  # openpyxl raises many kinds for broken files
            raise ImportFileError(f"{filename}: cannot be read as XLSX ({exc})") from exc
    raise ImportFileError(f"{filename}: only .csv and .xlsx files are accepted")


def _columns(df: pd.DataFrame) -> dict:
    found = {}
    lookup = {_norm(h): f for f, hs in HEADERS.items() for h in hs}
    for col in df.columns:
        field = lookup.get(_norm(col))
        if field and field not in found:
            found[field] = col
    missing = [f for f in ("site", "sampled_at", "value") if f not in found]
    if missing:
        names = {f: HEADERS[f][0] for f in missing}
        raise ImportFileError(
            "missing column(s): "
            + ", ".join(f"{f} (e.g. {names[f]})" for f in missing)
            + f"; found {', '.join(map(str, df.columns))}"
        )
    return found


def _cell(row, cols, field, default=""):
    col = cols.get(field)
    if col is None:
        return default
    v = row[col]
    return default if v is None or (isinstance(v, str) and not v.strip()) else v


def _site(value) -> str:
    text = str(value).strip()
    m = re.fullmatch(r"(\d+)(?:\.0)?\s*号?(?:塘)?", text)
    return str(int(m[1])) if m else text


def parse_file(data: bytes, filename: str, default_parameter: str = "TP"):
    """Parse every row of a sample file.

    Parameters
    ----------
    data : bytes
    filename : str
    default_parameter : str
        When the file has no parameter column.

    Returns
    -------
    list of (int, SampleInput or list of RowError)
        Row numbers are as a spreadsheet shows them (header = 1).

    Raises
    ------
    ImportFileError
        When the file itself cannot be used.
    """
    df = read_table(data, filename)
    cols = _columns(df)
    value_col = str(cols["value"])
    header_unit = "µg/L" if re.search(r"[µμu]g", value_col, re.I) else None
    out = []
    for i, row in enumerate(df.to_dict("records")):
        line = i + 2
        if all(str(v).strip() == "" for v in row.values()):
            continue
        errors = []

        def bad(field, value, reason, errors=errors, line=line):
            errors.append(RowError(line, field, str(value), reason))

        site = _site(_cell(row, cols, "site"))
        if not site:
            bad(str(cols["site"]), "", "missing")
        when = _cell(row, cols, "sampled_at")
        clock = _cell(row, cols, "time")
        if clock and isinstance(when, str):
            when = f"{when} {clock}"
        try:
            sampled_at = parse_datetime(when)
        except SampleValidationError as exc:
            bad(str(cols["sampled_at"]), exc.value, exc.reason)
            sampled_at = None
        parameter = str(_cell(row, cols, "parameter", default_parameter)).strip()
        parameter = _PARAM.get(parameter, parameter.upper() if parameter.upper() in PARAMETERS else parameter)
        unit = _cell(row, cols, "unit", header_unit) or None
        raw = _cell(row, cols, "value")
        value = None
        try:
            value = parse_value(raw, unit, _cell(row, cols, "detection_limit", None))
        except SampleValidationError as exc:
            column = cols.get("unit") if exc.field == "unit" else cols.get(exc.field, cols["value"])
            bad(str(column), exc.value, exc.reason)
        kind = str(_cell(row, cols, "kind", "")).strip()
        qc = str(_cell(row, cols, "qc_type", "")).strip()
        if errors:
            out.append((line, errors))
            continue
        inp = SampleInput(
            site=site,
            sampled_at=sampled_at,
            value=value if isinstance(value, ParsedValue) else value,
            parameter=parameter,
            kind=_KIND.get(kind, kind) or "tail_water",
            method=str(_cell(row, cols, "method", "")).strip() or None,
            qc_type=_QC.get(qc, qc) or "regular",
            laboratory=str(_cell(row, cols, "laboratory")).strip(),
            inspector=str(_cell(row, cols, "inspector")).strip(),
            notes=str(_cell(row, cols, "notes")).strip(),
            unit_entered=unit or "mg/L",
            value_entered=str(raw).strip(),
        )
        out.append((line, inp))
    return out


def import_file(store, data: bytes, filename: str, user: str, progress=None):
    """Parse and import a file, all or nothing; errors name the file's own column headers.

    Parameters
    ----------
    store : monitoring.store.Store
    data : bytes
    filename : str
    user : str
    progress : callable, optional
        Called with 0..1.

    Returns
    -------
    monitoring.store.ImportResult

    Raises
    ------
    ImportFileError
        When the file itself cannot be used.
    """
    parsed = parse_file(data, filename)
    cols = _columns(read_table(data, filename))
    result = store.import_samples(parsed, file_id(data), filename, user, progress)
    result.errors = [RowError(e.row, str(cols.get(e.column, e.column)), e.value, e.reason) for e in result.errors]
    return result
