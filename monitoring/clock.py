"""The one clock: today, now and this week in Asia/Shanghai, for every page, command and export.

Examples
--------
>>> now().utcoffset().total_seconds() / 3600
8.0
>>> week_of(datetime(2022, 4, 17, 23, 59, tzinfo=TZ)), week_of(datetime(2022, 4, 17, 16, 0, tzinfo=UTC))
('2022-W15', '2022-W16')
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

__all__ = ["TZ", "now", "now_utc", "this_week", "today", "week_of"]

#: Every time is shown, and every week and day counted, in this zone.
TZ = ZoneInfo("Asia/Shanghai")


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
    """ISO week (Monday to Sunday) of a time in Asia/Shanghai, as ``YYYY-Www``.

    A naive time is taken as Asia/Shanghai; a date is its own day.
    """
    if not isinstance(dt, datetime):
        y, w, _ = dt.isocalendar()
        return f"{y}-W{w:02d}"
    local = dt.replace(tzinfo=TZ) if dt.tzinfo is None else dt.astimezone(TZ)
    y, w, _ = local.isocalendar()
    return f"{y}-W{w:02d}"


def this_week() -> str:
    """The current ISO week in Asia/Shanghai, e.g. ``2022-W15``."""
    return week_of(now())
