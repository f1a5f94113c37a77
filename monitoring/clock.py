"""The one clock: today, now and this week in Asia/Shanghai, for every page, command and export.

Weeks are ISO weeks (Monday to Sunday) counted in Asia/Shanghai and written ``YYYY-Www``.

Examples
--------
>>> now().utcoffset().total_seconds() / 3600
8.0
>>> week_of(datetime(2022, 4, 17, 23, 59, tzinfo=TZ)), week_of(datetime(2022, 4, 17, 16, 0, tzinfo=UTC))
('2022-W15', '2022-W16')
>>> weeks_ending("2023-W02", 3)
['2022-W52', '2023-W01', '2023-W02']
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

__all__ = [
    "TZ",
    "day_start_utc",
    "now",
    "now_utc",
    "this_week",
    "today",
    "week_choices",
    "week_of",
    "week_start",
    "weeks_ending",
]

#: Every time is shown, and every week and day counted, in this zone.
TZ = ZoneInfo("Asia/Shanghai")
_WEEK = re.compile(r"(\d{4})-W(\d{2})")


def now() -> datetime:
    """Now, aware, in Asia/Shanghai."""
    return datetime.now(TZ)


def now_utc() -> datetime:
    """Now as naive UTC: how times are stored."""
    return datetime.now(UTC).replace(tzinfo=None)


def today() -> date:
    """Today's date in Asia/Shanghai (not the server's zone)."""
    return now().date()


def week_of(dt: datetime | date) -> str:
    """The ISO week of a time in Asia/Shanghai (a naive time is taken as Asia/Shanghai; a date is its own day)."""
    if isinstance(dt, datetime):
        dt = (dt.replace(tzinfo=TZ) if dt.tzinfo is None else dt.astimezone(TZ)).date()
    y, w, _ = dt.isocalendar()
    return f"{y}-W{w:02d}"


def this_week() -> str:
    """The current ISO week in Asia/Shanghai, e.g. ``2022-W15``."""
    return week_of(today())


def week_start(week: str) -> date:
    """The Monday of an ISO week.

    Raises
    ------
    ValueError
        For a malformed week.

    Examples
    --------
    >>> week_start("2022-W15")
    datetime.date(2022, 4, 11)
    """
    m = _WEEK.fullmatch(str(week).strip())
    if not m:
        raise ValueError(f"week must look like 2022-W15, not {week!r}")
    return date.fromisocalendar(int(m[1]), int(m[2]), 1)


def weeks_ending(week: str, n: int) -> list[str]:
    """The ``n`` ISO weeks that end with ``week``, oldest first."""
    monday = week_start(week)
    return [week_of(monday - timedelta(weeks=i)) for i in range(n - 1, -1, -1)]


def week_choices(n: int, also: datetime | date | None = None) -> list[str]:
    """The last ``n`` ISO weeks up to this week, newest first, plus the week of ``also`` (e.g. the latest sample)."""
    weeks = set(weeks_ending(this_week(), n)) | ({week_of(also)} if also is not None else set())
    return sorted(weeks, reverse=True)


def day_start_utc(day: date, add_days: int = 0) -> datetime:
    """Midnight of a day in Asia/Shanghai (plus ``add_days``) as naive UTC, for filtering stored times.

    Examples
    --------
    >>> day_start_utc(date(2022, 4, 12))
    datetime.datetime(2022, 4, 11, 16, 0)
    """
    local = datetime.combine(day, time(0)).replace(tzinfo=TZ) + timedelta(days=add_days)
    return local.astimezone(UTC).replace(tzinfo=None)
