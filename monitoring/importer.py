"""Read sample files (CSV or XLSX, as labs send them) into a preview, then import them whole.

:func:`parse_file` reads the grid (:mod:`monitoring.sheet`), resolves every point name
to a site (:mod:`monitoring.sitenames`), reads dates and values, and returns a
:class:`ParsedFile`: per row the site it resolved to, the time (Asia/Shanghai), the value
and its censoring, or the row's errors. Nothing is written until :func:`import_file`,
which writes a whole file or nothing.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from operator import itemgetter

from i18n.errors import UserError

from . import clock as _clock
from .errors import InputError, MonitoringError
from .samples import PARAMETERS, SampleInput, iso_week, parse_datetime, parse_value
from .schema import not_sampled as _not_sampled
from .sheet import MAX_BYTES, Header, find_header, read_grid
from .sitenames import SiteResolver

__all__ = [
    "MAX_BYTES",
    "NOT_SAMPLED",
    "ImportFileError",
    "ParsedFile",
    "RowIssue",
    "SampleRow",
    "file_id",
    "import_file",
    "parse_file",
    "resolver_for",
]

_KIND = {
    "尾水": "tail_water",
    "塘口尾水": "tail_water",
    "湖水": "lake",
    "湖体": "lake",
    "进水": "inlet",
    "其他": "other",
}
_QC = {"常规": "regular", "平行样": "field_duplicate", "现场平行": "field_duplicate", "空白": "blank"}
#: Longest not-sampled reason kept (the column's length).
MAX_REASON = _not_sampled.c.reason.type.length
_PARAM = {"总磷": "TP", "氨氮": "NH3-N", "化学需氧量": "COD", "总氮": "TN"}
#: Results that say the point was not sampled (the text is kept as the reason).
NOT_SAMPLED = {"未采", "未采样", "未监测", "未检测", "未取样", "无水", "干塘", "停产", "-", "--", "—", "——", "/", "空"}
#: Longest text kept per field (the same on SQLite and PostgreSQL).
TEXT_LIMITS = {"laboratory": 200, "inspector": 100, "notes": 1000, "method": 100, "value": 100}


class ImportFileError(UserError):
    """The file as a whole cannot be used (type, size, encoding, header)."""

    default_code = "import.file"


class RowIssue(MonitoringError):
    """One problem in one row: the row as the spreadsheet numbers it, the file's column, the value.

    Parameters
    ----------
    code : str
        Catalogue key below ``error.``.
    row : int
    column : str
        The column header as the file shows it (the message names it, not an internal field).
    value : object
    **params
    """

    def __init__(self, code=None, /, *, row=None, column="", value=None, field=None, **params):
        self.column = column
        super().__init__(code, row=row, field=field, value=value, **params)

    def where(self, lang: str = "zh") -> str:
        """Row, column (as the file names it) and value."""
        from i18n import t

        parts = []
        if self.row is not None:
            parts.append(t("error.at_row", lang, row=self.row))
        if self.column:
            parts.append(t("error.import.column", lang, column=self.column))
        if self.value is not None and self.value != "":
            parts.append(t("error.quoted_value", lang, value=_shown(self.value)))
        return t("error.where_sep", lang).join(parts)

    def __reduce__(self):
        return (_rebuild_issue, (self.code, self.row, self.column, self.value, self.params))


def _rebuild_issue(code, row, column, value, params):
    return RowIssue(code, row=row, column=column, value=value, **params)


def _shown(value) -> str:
    from i18n.errors import describe_value

    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    return describe_value(value)


@dataclass
class SampleRow:
    """One data row of a file as the preview shows it.

    Attributes
    ----------
    line : int
        Row number as the spreadsheet shows it.
    site_text : str
        The point name as written.
    site : str or None
        The site code it resolved to.
    sampled_at : datetime.datetime or None
        Asia/Shanghai.
    sample : SampleInput or None
        The sample to write (None for a not-sampled row or a row in error).
    not_sampled : str or None
        The reason the file gives (``未采``, ``—``, empty) when the point was not sampled.
    parameter : str or None
        The parameter of the row (``TP`` ...).
    errors : list of RowIssue
    """

    line: int
    site_text: str = ""
    site: str | None = None
    sampled_at: datetime | None = None
    sample: SampleInput | None = None
    not_sampled: str | None = None
    parameter: str | None = None
    errors: list = field(default_factory=list)


@dataclass
class ParsedFile:
    """A whole file, parsed and checked, before anything is written.

    Attributes
    ----------
    filename, batch_id : str
    header : monitoring.sheet.Header
    rows : list of SampleRow
    """

    filename: str
    batch_id: str
    header: Header
    rows: list

    def errors(self, not_sampled: str = "skip") -> list:
        """Every row error, and the not-sampled rows that cannot be recorded when ``not_sampled='record'``."""
        out = [e for r in self.rows for e in r.errors]
        if not self.rows:
            out.append(RowIssue("import.no_rows"))
        return out

    @property
    def samples(self) -> list:
        """(line, SampleInput) of every row that holds a result."""
        return [(r.line, r.sample) for r in self.rows if r.sample is not None]

    @property
    def not_sampled_rows(self) -> list:
        """The rows marked as not sampled."""
        return [r for r in self.rows if r.not_sampled is not None and not r.errors]

    def counts(self) -> dict:
        """Samples per site code, in register order."""
        c = Counter(r.site for r in self.rows if r.sample is not None)
        return dict(
            sorted(c.items(), key=lambda kv: (not kv[0].isdigit(), int(kv[0]) if kv[0].isdigit() else 0, kv[0]))
        )


def _site_order(code: str):
    return (not code.isdigit(), int(code) if code.isdigit() else 0, code)


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


def resolver_for(store) -> SiteResolver:
    """A :class:`~monitoring.sitenames.SiteResolver` over a store's sites and aliases.

    Parameters
    ----------
    store : monitoring.store.Store

    Returns
    -------
    SiteResolver
    """
    sites = store.register.list_sites()
    return SiteResolver(sites.to_dict("records"), store.aliases.pairs())


def _is_empty(v) -> bool:
    return v is None or (isinstance(v, str) and not v.strip()) or (isinstance(v, float) and v != v)


def _text(v) -> str:
    return "" if _is_empty(v) else str(v).strip()


def _issue(exc: UserError, line: int, column: str) -> RowIssue:
    """A row issue from an error raised while reading one cell."""
    return RowIssue(exc.code, row=line, column=column, field=exc.field, value=exc.value, **exc.params)


def parse_file(data: bytes, filename: str, resolver: SiteResolver, default_parameter: str = "TP", now=None):
    """Parse and check every row of a sample file; nothing is written.

    Parameters
    ----------
    data : bytes
    filename : str
    resolver : SiteResolver
        Point names to site codes.
    default_parameter : str
        When the file has no parameter column.
    now : datetime.datetime, optional
        "Now" for the future check (tests pin it).

    Returns
    -------
    ParsedFile

    Raises
    ------
    ImportFileError
        When the file itself cannot be used (type, encoding, no header row).
    """
    try:
        grid = read_grid(data, filename)
        header = find_header(grid)
    except UserError as exc:
        raise ImportFileError(exc.code, **exc.params) from None
    now = now or _clock.now()
    cols, names = header.columns, header.names
    header_unit = "µg/L" if re.search(r"[µμu]g", names["value"], re.I) else None
    rows = []
    seen = {}
    dates, values = {}, {}  # lab files repeat dates and values: each distinct text is read once
    texts, sites = {}, {}  # ... and texts and point names
    limits = [(f, cols[f], n) for f, n in TEXT_LIMITS.items() if f in cols]
    fields = ("site", "sampled_at", "value", "time", "notes", "parameter", "unit", "detection_limit")
    fields += ("kind", "qc_type", "method", "laboratory", "inspector")
    last = max(cols.values()) + 1  # cells[last] is None: where an absent column is read
    get = itemgetter(*(cols.get(f, last) for f in fields))
    pad = [None] * (last + 1)

    def text(v):
        if type(v) is not str:
            return _text(v)
        hit = texts.get(v)
        if hit is None:
            hit = texts[v] = _text(v)
        return hit

    for i in range(header.row + 1, len(grid)):
        cells = grid[i][:last]
        cells += pad[: last + 1 - len(cells)]
        line = i + 1
        raw_site, raw_when, raw_value, clock, note, param, unit_cell, dl, kind, qc, method, lab, insp = get(cells)
        if _is_empty(raw_site) and _is_empty(raw_when) and _is_empty(raw_value):
            continue  # blank row (a numbered empty row, a footer beside the table)
        row = SampleRow(line, site_text=text(raw_site))
        rows.append(row)

        def bad(exc, f, row=row, line=line):
            row.errors.append(_issue(exc, line, names.get(f, "")))

        for f, j, limit in limits:
            v = cells[j]
            if isinstance(v, str) and len(v) > limit:
                bad(UserError("import.too_long", value=v[:40], limit=limit), f)
        if row.errors:
            continue
        key = raw_site if type(raw_site) is str else (type(raw_site), raw_site)
        try:
            found = sites.get(key)
        except TypeError:  # an unhashable cell value
            key, found = None, None
        if found is None:
            try:
                found = (resolver.resolve(raw_site), None)
            except UserError as exc:
                found = (None, exc)
            if key is not None:
                sites[key] = found
        row.site = found[0]
        if found[1] is not None:
            bad(UserError(found[1].code, value=row.site_text, **found[1].params), "site")
        when = raw_when
        if not _is_empty(clock) and isinstance(when, str):
            when = f"{when} {clock}"
        try:
            row.sampled_at = _memo(dates, (type(when), when), lambda k: parse_datetime(k[1]))
        except InputError as exc:
            bad(exc, "sampled_at")
        value_text = text(raw_value) if not isinstance(raw_value, bool) else raw_value
        parameter = text(param) or default_parameter
        parameter = _PARAM.get(parameter, parameter.upper() if parameter.upper() in PARAMETERS else parameter)
        row.parameter = parameter
        if isinstance(value_text, str) and (value_text == "" or value_text in NOT_SAMPLED):
            row.not_sampled = value_text or "空"
            note = text(note)
            if note:
                row.not_sampled = f"{row.not_sampled}（{note}）" if value_text else note
            continue
        unit = text(unit_cell) or header_unit
        value = None
        try:
            value = _memo(values, (type(raw_value), raw_value, unit, dl), lambda k: parse_value(*k[1:]))
        except InputError as exc:
            bad(exc, {"unit": "unit", "detection_limit": "detection_limit"}.get(exc.field, "value"))
        if row.errors:
            continue
        kind, qc = text(kind), text(qc)
        inp = SampleInput(
            site=row.site,
            sampled_at=row.sampled_at,
            value=value,
            parameter=parameter,
            kind=_KIND.get(kind, kind) or "tail_water",
            method=text(method) or None,
            qc_type=_QC.get(qc, qc) or "regular",
            laboratory=text(lab),
            inspector=text(insp),
            notes=text(note),
            unit_entered=unit or "mg/L",
            value_entered=value_text if not isinstance(raw_value, int | float) else f"{raw_value:g}",
        )
        try:
            inp.check(now)
        except InputError as exc:
            f = {"parameter": "parameter", "kind": "kind", "qc_type": "qc_type", "sampled_at": "sampled_at"}
            bad(exc, f.get(exc.field, "value"))
            continue
        key = (inp.site, inp.sampled_at, inp.parameter, inp.qc_type)
        if key in seen:
            bad(UserError("import.duplicate_row", value=_shown(inp.sampled_at), other=seen[key]), "sampled_at")
            continue
        seen[key] = line
        row.sample = inp
    return ParsedFile(filename, file_id(data), header, rows)


def _memo(cache: dict, key, fn):
    """``fn(key)``, remembered for hashable keys (an error is remembered and raised again)."""
    try:
        hit = cache.get(key)
    except TypeError:  # an unhashable cell value
        return fn(key)
    if hit is None:
        try:
            hit = cache[key] = (True, fn(key))
        except InputError as exc:
            hit = cache[key] = (False, exc)
    if hit[0]:
        return hit[1]
    raise hit[1]


def not_sampled_errors(parsed: ParsedFile) -> list:
    """Errors of the not-sampled rows that cannot be recorded (no site or no date, a reason too long)."""
    out = []
    column = parsed.header.names["value"]
    for r in parsed.not_sampled_rows:
        if r.sampled_at is None or r.site is None:
            out.append(RowIssue("import.not_sampled_incomplete", row=r.line, column=column))
        elif len(r.not_sampled) > MAX_REASON:
            out.append(
                RowIssue(
                    "import.not_sampled_reason_long",
                    row=r.line,
                    column=column,
                    value=r.not_sampled[:40],
                    limit=MAX_REASON,
                )
            )
    return out


@dataclass
class ImportOutcome:
    """What an import did: samples written, not-sampled entries recorded, counts per site, errors."""

    written: int = 0
    not_sampled: int = 0
    skipped: int = 0
    cases_opened: int = 0
    already_imported: bool = False
    counts: dict = field(default_factory=dict)
    errors: list = field(default_factory=list)


def import_file(store, data: bytes, filename: str, *, user, not_sampled: str = "skip", progress=None, parsed=None):
    """Parse and import a file, all or nothing.

    Parameters
    ----------
    store : monitoring.store.Store
    data : bytes
    filename : str
    user : monitoring.auth.Actor
    not_sampled : {'skip', 'record'}
        What to do with rows marked 未采 / — / empty: leave them out, or record an
        explicit "not sampled" entry with the file's reason.
    progress : callable, optional
        Called with 0..1.
    parsed : ParsedFile, optional
        The preview the user confirmed (parsed again when not given).

    Returns
    -------
    ImportOutcome

    Raises
    ------
    ImportFileError
        When the file itself cannot be used.
    """
    if not_sampled not in ("skip", "record"):
        raise UserError("import.not_sampled_choice", value=not_sampled)
    parsed = parsed or parse_file(data, filename, resolver_for(store))
    out = ImportOutcome()
    out.errors = parsed.errors()
    if not_sampled == "record":
        out.errors += not_sampled_errors(parsed)
    if out.errors:
        return out
    if not parsed.samples and not (not_sampled == "record" and parsed.not_sampled_rows):
        out.errors.append(RowIssue("import.no_samples"))
        return out
    entries = []
    if not_sampled == "record":
        entries = [
            {
                "line": r.line,
                "site_code": r.site,
                "parameter": r.parameter or "TP",
                "week": iso_week(r.sampled_at),
                "day": r.sampled_at.date(),
                "reason": r.not_sampled,
            }
            for r in parsed.not_sampled_rows
        ]
    else:
        out.skipped = len(parsed.not_sampled_rows)
    result = store.samples.import_batch(
        parsed.samples, parsed.batch_id, filename, user=user, progress=progress, not_sampled=entries
    )
    out.already_imported = result.already_imported
    out.cases_opened = result.cases_opened
    names = parsed.header.names
    for e in result.errors:  # checks made by the store (e.g. a sample already in the database)
        column = names.get(e.column, e.column)
        out.errors.append(RowIssue(e.code, row=e.row, column=column, field=e.field, value=e.value, **e.params))
    if not out.errors and not out.already_imported:
        out.written = result.written
        out.not_sampled = len(entries)
        out.counts = parsed.counts()
    return out
