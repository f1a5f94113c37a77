"""Not-sampled entries: a point a lab marks 未采 / — / empty for a day, with the file's reason."""

from __future__ import annotations

from datetime import date

import pandas as pd
from sqlalchemy import insert, select

from ..auth import Actor
from ..errors import InputError
from ..samples import week_bounds
from ..schema import not_sampled, sites
from .base import Repository, now_utc

#: Longest reason kept (the column's length).
MAX_REASON = not_sampled.c.reason.type.length


def _key(e: dict) -> tuple:
    return (str(e["site_code"]), e["day"], e.get("parameter") or "TP")


class NotSampled(Repository):
    """Explicit "not sampled" entries (``store.not_sampled``), shown as 未采 with their reason."""

    def _check(self, conn, entries: list) -> list:
        """Problems of entries about to be recorded, as ``(index, InputError)`` pairs (nothing is written).

        An unknown site, an empty or over-long reason, an entry already recorded (same site,
        day and parameter) or repeated in the same list is refused.
        """
        out = []
        if not entries:
            return out
        known = set(conn.execute(select(sites.c.code)).scalars())
        days = [e["day"] for e in entries]
        have = {
            (r.site_code, r.day, r.parameter)
            for r in conn.execute(
                select(not_sampled.c.site_code, not_sampled.c.day, not_sampled.c.parameter).where(
                    not_sampled.c.day >= min(days), not_sampled.c.day <= max(days)
                )
            )
        }
        seen = set()
        for i, e in enumerate(entries):
            reason = str(e.get("reason") or "").strip()
            key = _key(e)
            if key[0] not in known:
                out.append((i, InputError("sample.unknown_site", field="site", value=key[0])))
            elif not reason:
                out.append((i, InputError("input.reason_missing", field="reason")))
            elif len(reason) > MAX_REASON:
                out.append(
                    (
                        i,
                        InputError(
                            "import.not_sampled_reason_long", field="reason", value=reason[:40], limit=MAX_REASON
                        ),
                    )
                )
            elif key in have or key in seen:
                out.append(
                    (i, InputError("import.not_sampled_recorded", field="sampled_at", value=str(key[1]), site=key[0]))
                )
            seen.add(key)
        return out

    def _insert(self, conn, actor: Actor, entries: list, batch_id: str | None = None) -> list:
        """Write checked entries in the caller's transaction; returns the rows written."""
        now = now_utc()
        rows = [
            {
                "site_code": str(e["site_code"]),
                "parameter": e.get("parameter") or "TP",
                "day": e["day"],
                "week": "{}-W{:02d}".format(*e["day"].isocalendar()[:2]),
                "reason": str(e["reason"]).strip(),
                "batch_id": batch_id,
                "created_by": actor.name,
                "created_at": now,
            }
            for e in entries
        ]
        if rows:
            conn.execute(insert(not_sampled), rows)
        return rows

    def record(self, entries: list, *, user: Actor) -> int:
        """Record "not sampled" entries, all or none.

        Parameters
        ----------
        entries : list of dict
            ``site_code``, ``day`` (date, Asia/Shanghai; its ISO week is the entry's week),
            ``reason`` and optionally ``parameter`` (default ``TP``).
        user : monitoring.auth.Actor
            ``sample.not_sampled``.

        Returns
        -------
        int
            Entries written.

        Raises
        ------
        monitoring.errors.InputError
            The first problem found (see :meth:`_check`); nothing is written.
        """
        with self._write(user, "sample.not_sampled") as (conn, actor):
            problems = self._check(conn, entries)
            if problems:
                raise problems[0][1]
            rows = self._insert(conn, actor, entries)
            self._audit(conn, actor, "sample.not_sampled", "not_sampled", "", None, {"entries": rows})
        return len(rows)

    # --- reads -----------------------------------------------------------------
    def of_weeks(self, weeks: list[str], parameter: str = "TP") -> pd.DataFrame:
        """Entries of some ISO weeks, oldest first.

        Parameters
        ----------
        weeks : list of str
        parameter : str

        Returns
        -------
        pandas.DataFrame
            ``site_code``, ``day``, ``week``, ``reason``, ``batch_id``, ``created_by``.
        """
        for w in weeks:
            week_bounds(w)
        cols = [not_sampled.c[c] for c in ("site_code", "day", "week", "reason", "batch_id", "created_by")]
        q = (
            select(*cols)
            .where(not_sampled.c.week.in_(list(weeks)), not_sampled.c.parameter == parameter)
            .order_by(not_sampled.c.day, not_sampled.c.id)
        )
        with self.engine.connect() as conn:
            return pd.DataFrame(conn.execute(q).mappings().all(), columns=[c.key for c in cols])

    def reasons(self, weeks: list[str], parameter: str = "TP") -> dict:
        """The reasons per (site code, week): ``{(site, week): "停产; 塘干"}``.

        Parameters
        ----------
        weeks : list of str
        parameter : str

        Returns
        -------
        dict
        """
        out: dict = {}
        for r in self.of_weeks(weeks, parameter).itertuples():
            have = out.setdefault((r.site_code, r.week), [])
            if r.reason not in have:
                have.append(r.reason)
        return {k: "; ".join(v) for k, v in out.items()}


def entry(site: str, day: date, reason: str, parameter: str = "TP") -> dict:
    """One entry for :meth:`NotSampled.record`.

    Examples
    --------
    >>> entry("7", date(2022, 4, 14), "停产")["parameter"]
    'TP'
    """
    return {"site_code": site, "day": day, "reason": reason, "parameter": parameter}
