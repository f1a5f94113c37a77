"""Water sample values: parsing, units, censoring, times and validation.

Pure functions, no database.  Everything a person types or a file holds goes
through here before the :class:`monitoring.store.Store` writes it.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from . import clock
from .clock import TZ, week_of, week_start
from .errors import Choices, InputError

__all__ = [
    "EARLIEST",
    "KINDS",
    "MAX_MG_L",
    "PARAMETERS",
    "QC_TYPES",
    "TZ",
    "ParsedValue",
    "SampleInput",
    "SampleValidationError",
    "iso_week",
    "parse_datetime",
    "parse_value",
    "week_bounds",
]

#: No sample can predate the plan's monitoring.
EARLIEST = date(2022, 1, 1)
#: Parameters and their default method.
PARAMETERS = {
    "TP": "GB 11893-89",
    "NH3-N": "HJ 535-2009",
    "COD": "HJ 828-2017",
    "TN": "HJ 636-2012",
}
#: Above this (mg/L) a value is taken as a typing error rather than a result.
MAX_MG_L = {"TP": 50.0, "NH3-N": 500.0, "COD": 5000.0, "TN": 500.0}
KINDS = ("tail_water", "lake", "inlet", "other")
QC_TYPES = ("regular", "field_duplicate", "blank")
_UNITS = {
    "mg/l": 1.0,
    "mg/L": 1.0,
    "毫克/升": 1.0,
    "µg/l": 0.001,
    "μg/l": 0.001,
    "ug/l": 0.001,
    "微克/升": 0.001,
}
_NUMBER = r"\d+(?:[.,]\d+)?"


#: The error of an invalid sample field (the one input error of :mod:`monitoring.errors`).
SampleValidationError = InputError


@dataclass(frozen=True)
class ParsedValue:
    """A measured value in mg/L.

    Attributes
    ----------
    value : float
        The result in mg/L; for a censored result, the detection limit.
    censored : bool
        True for "below the detection limit" (``<0.01``, ``0.01L``, ``ND``).
    detection_limit : float or None
        In mg/L.
    """

    value: float
    censored: bool
    detection_limit: float | None


def _shown(dt: datetime) -> str:
    """A time as a user reads it: Asia/Shanghai, to the minute."""
    return dt.astimezone(TZ).strftime("%Y-%m-%d %H:%M")


def _number(text: str, field: str) -> float:
    try:
        return float(text.replace(",", "."))
    except ValueError:
        raise InputError("input.not_a_number", field=field, value=text) from None


def unit_factor(unit: str | None) -> float:
    """Factor from a unit to mg/L.

    Parameters
    ----------
    unit : str or None
        ``mg/L`` (default when empty) or ``µg/L``, in any common spelling.

    Returns
    -------
    float

    Raises
    ------
    SampleValidationError
        For an unknown unit.

    Examples
    --------
    >>> unit_factor("µg/L"), unit_factor(None)
    (0.001, 1.0)
    """
    if unit is None or str(unit).strip() == "":
        return 1.0
    key = str(unit).strip().replace(" ", "")
    for spelling in (key, key.lower()):
        if spelling in _UNITS:
            return _UNITS[spelling]
    raise InputError("sample.unit_unknown", field="unit", value=unit)


def parse_value(text, unit: str | None = None, detection_limit=None) -> ParsedValue:
    """Read a result as printed in a Chinese lab report.

    ``0.05``, ``0,05`` (decimal comma), ``<0.01``, ``＜0.01``, ``0.01L``
    (below 0.01), ``ND`` / ``未检出`` (below the given detection limit).
    A censored result is never 0: it is "below the limit".

    Parameters
    ----------
    text : str or float
        The result.
    unit : str, optional
        Unit of ``text`` and ``detection_limit``; mg/L by default.
    detection_limit : str or float, optional
        Needed for ``ND``; otherwise recorded with the result.

    Returns
    -------
    ParsedValue

    Raises
    ------
    SampleValidationError
        For an empty, negative or unreadable value, or ``ND`` without a limit.

    Examples
    --------
    >>> parse_value("0.01L")
    ParsedValue(value=0.01, censored=True, detection_limit=0.01)
    >>> parse_value("<10", "µg/L")
    ParsedValue(value=0.01, censored=True, detection_limit=0.01)
    >>> parse_value("0,18")
    ParsedValue(value=0.18, censored=False, detection_limit=None)
    >>> parse_value("０.１８")
    ParsedValue(value=0.18, censored=False, detection_limit=None)
    """
    factor = unit_factor(unit)
    dl = None
    if detection_limit is not None and str(detection_limit).strip() not in ("", "nan"):
        dl = _number(str(detection_limit).strip(), "detection_limit") * factor
        if dl <= 0:
            raise InputError("input.not_positive", field="detection_limit", value=detection_limit)
    if text is None or (isinstance(text, float) and math.isnan(text)) or str(text).strip() == "":
        raise InputError("input.missing", field="value", value=text)
    if isinstance(text, bool):  # an Excel TRUE/FALSE cell is not a result
        raise InputError("sample.value_unreadable", field="value", value=text)
    if isinstance(text, int | float):
        raw = repr(float(text))
    else:
        raw = unicodedata.normalize("NFKC", str(text)).strip().replace("﹤", "<")
    if raw.upper() in ("ND", "N.D.", "未检出", "<DL", "<LOD"):
        if dl is None:
            raise InputError("sample.nd_needs_dl", field="value", value=text)
        return ParsedValue(dl, True, dl)
    m = re.fullmatch(rf"<\s*({_NUMBER})", raw) or re.fullmatch(rf"({_NUMBER})\s*[Ll]", raw)
    if m:
        limit = _number(m[1], "value") * factor
        if limit <= 0:
            raise InputError("sample.dl_not_positive", field="value", value=text)
        return ParsedValue(limit, True, limit)
    if raw.startswith("-"):
        raise InputError("sample.negative", field="value", value=text)
    if not re.fullmatch(_NUMBER + r"(?:[eE][-+]?\d+)?", raw):
        raise InputError("sample.value_unreadable", field="value", value=text)
    number = _number(raw, "value")
    if not math.isfinite(number) or (number == 0 and re.search(r"[1-9]", raw.split("e")[0].split("E")[0])):
        raise InputError("sample.out_of_range", field="value", value=text)
    return ParsedValue(number * factor, False, dl)


_FAST_DATE = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?")
_DATE_FORMATS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%dT%H:%M",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y.%m.%d %H:%M",
    "%Y-%m-%d",
    "%Y/%m/%d",
    "%Y.%m.%d",
    "%Y%m%d",
)


def _slow_datetime(text: str) -> datetime | None:
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        pass
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt)
        except ValueError:
            continue
    return None


def parse_datetime(value, field: str = "sampled_at") -> datetime:
    """Read a sampling time; naive times are Asia/Shanghai.

    Accepts ``2022-04-12``, ``2022/4/12 9:30``, ``2022年4月12日 9时30分``,
    ISO 8601 with an offset, and ``datetime``/``date`` objects (Excel cells).
    A date without a time is taken as 00:00.

    Parameters
    ----------
    value : str, datetime.datetime or datetime.date
        The time.
    field : str
        Named in errors.

    Returns
    -------
    datetime.datetime
        Aware, in Asia/Shanghai.

    Raises
    ------
    SampleValidationError
        When it cannot be read.

    Examples
    --------
    >>> parse_datetime("2022年4月12日 9时30分").isoformat()
    '2022-04-12T09:30:00+08:00'
    >>> parse_datetime("2022/4/12 9:30").isoformat()
    '2022-04-12T09:30:00+08:00'
    """
    if isinstance(value, datetime):
        dt = value
    elif isinstance(value, date):
        dt = datetime(value.year, value.month, value.day)
    else:
        text = "" if value is None else str(value).strip()
        if not text or text.lower() == "nan":
            raise InputError("input.missing", field=field, value=value)
        text = text.replace("：", ":").replace("年", "-").replace("月", "-").replace("日", " ")
        text = re.sub(
            r"(\d+)\s*[时点:](\d+)\s*分?(?:\s*(\d+)\s*秒)?",
            lambda m: f"{m[1]}:{m[2]}" + (f":{m[3]}" if m[3] else ""),
            text,
        )
        text = re.sub(r"(\d+)\s*[时点]\s*$", r"\1:00", text)
        text = re.sub(r"\s+", " ", text).strip()
        dt = None
        m = _FAST_DATE.fullmatch(text)
        if m:  # the usual numeric forms, without trying format after format
            try:
                dt = datetime(*(int(g) for g in m.groups() if g is not None))
            except ValueError:
                raise InputError("sample.datetime_unreadable", field=field, value=value) from None
        if dt is None:
            dt = _slow_datetime(text)
        if dt is None:
            raise InputError("sample.datetime_unreadable", field=field, value=value)
    if not 1900 <= dt.year <= 2100:  # also keeps time-zone arithmetic away from year 1 and 9999
        raise InputError("sample.date_implausible", field=field, value=value)
    if dt.tzinfo is None:
        return dt.replace(tzinfo=TZ)
    return dt.astimezone(TZ)


def iso_week(dt: datetime) -> str:
    """ISO week (Monday to Sunday) of a time in Asia/Shanghai, as ``YYYY-Www``.

    Parameters
    ----------
    dt : datetime.datetime
        Aware; naive is taken as Asia/Shanghai.

    Returns
    -------
    str

    Examples
    --------
    >>> iso_week(datetime(2022, 4, 17, 23, 59, tzinfo=TZ)), iso_week(datetime(2022, 4, 18, 0, 0, tzinfo=TZ))
    ('2022-W15', '2022-W16')
    """
    return week_of(dt)


def week_bounds(week: str) -> tuple[datetime, datetime]:
    """Start (Monday 00:00) and end (next Monday 00:00) of an ISO week in Asia/Shanghai.

    Parameters
    ----------
    week : str
        ``YYYY-Www``.

    Returns
    -------
    (datetime.datetime, datetime.datetime)

    Raises
    ------
    ValueError
        For a malformed week.

    Examples
    --------
    >>> [d.isoformat() for d in week_bounds("2022-W15")]
    ['2022-04-11T00:00:00+08:00', '2022-04-18T00:00:00+08:00']
    """
    start = datetime.combine(week_start(week), datetime.min.time()).replace(tzinfo=TZ)
    return start, start + timedelta(days=7)


@dataclass
class SampleInput:
    """A sample as entered, before validation against the database.

    Attributes
    ----------
    site : str
        Site code (pond number ``1``-``17``, or a lake/section site code).
    sampled_at : datetime.datetime
        Aware (see :func:`parse_datetime`).
    value : ParsedValue
        In mg/L.
    parameter, kind, method, qc_type, laboratory, inspector, notes, unit_entered, value_entered
        As in the sample record.
    """

    site: str
    sampled_at: datetime
    value: ParsedValue
    parameter: str = "TP"
    kind: str = "tail_water"
    method: str | None = None
    qc_type: str = "regular"
    laboratory: str = ""
    inspector: str = ""
    notes: str = ""
    unit_entered: str = "mg/L"
    value_entered: str = ""
    extra: dict = field(default_factory=dict)

    def check(self, now: datetime | None = None) -> None:
        """Validate everything that does not need the database.

        Parameters
        ----------
        now : datetime.datetime, optional
            "Now" for the future check (tests pin it).

        Raises
        ------
        SampleValidationError
            Naming the field, the value and the reason.
        """
        if self.parameter not in PARAMETERS:
            raise InputError(
                "input.unknown_choice", field="parameter", value=self.parameter, choices=", ".join(PARAMETERS)
            )
        if self.kind not in KINDS:
            raise InputError(
                "input.unknown_choice", field="kind", value=self.kind, choices=Choices("sample_kind", KINDS)
            )
        if self.qc_type not in QC_TYPES:
            raise InputError(
                "input.unknown_choice", field="qc_type", value=self.qc_type, choices=Choices("qc_type", QC_TYPES)
            )
        now = now or clock.now()
        if self.sampled_at.tzinfo is None:
            raise InputError("sample.needs_timezone", field="sampled_at", value=self.sampled_at)
        if self.sampled_at > now:
            raise InputError("input.in_future", field="sampled_at", value=_shown(self.sampled_at))
        if self.sampled_at.astimezone(TZ).date() < EARLIEST:
            raise InputError("input.before", field="sampled_at", value=_shown(self.sampled_at), earliest=str(EARLIEST))
        v = self.value
        if not math.isfinite(v.value) or v.value < 0:
            raise InputError("sample.not_finite", field="value", value=self.value_entered or v.value)
        if v.value > MAX_MG_L[self.parameter]:
            raise InputError(
                "sample.implausible",
                field="value",
                value=self.value_entered or v.value,
                mg_l=f"{v.value:g}",
                parameter=self.parameter,
                max=f"{MAX_MG_L[self.parameter]:g}",
            )
        if not self.method:
            self.method = PARAMETERS[self.parameter]
