"""The checks of a whole import against the database, one query per file (``samples.import_batch``)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from .. import clock
from ..errors import InputError, Term
from ..importer import RowIssue
from ..samples import TZ
from ..schema import samples
from .base import utc


def _local(inp) -> str:
    return inp.sampled_at.astimezone(TZ).strftime("%Y-%m-%d %H:%M")


def checked_rows(conn, parsed, kinds: dict, errors: list) -> list:
    """The rows of an import that pass every check, as ``(line, SampleInput)``; problems go to ``errors``.

    A sample already stored (same site, time, parameter and QC type) is found with one
    query over the file's time span, not one query per row.
    """
    items, seen, times = [], {}, {}
    now = clock.now()
    for line, item in parsed:
        if isinstance(item, list):
            errors.extend(item)
            continue
        try:
            item.check(now)
            if item.site not in kinds:
                raise InputError("sample.unknown_site", field="site", value=item.site)
        except InputError as exc:
            issue = RowIssue(exc.code, row=line, column=exc.field, field=exc.field, value=exc.value, **exc.params)
            errors.append(issue)
            continue
        at = times.get(item.sampled_at)
        if at is None:
            at = times[item.sampled_at] = utc(item.sampled_at)
        key = (item.site, at, item.parameter, item.qc_type)
        if key in seen:
            errors.append(
                RowIssue("import.duplicate_row", row=line, column="sampled_at", value=_local(item), other=seen[key])
            )
            continue
        seen[key] = line
        items.append((line, item))
    if seen:
        times = [k[1] for k in seen]
        stored = conn.execute(
            select(samples.c.site_code, samples.c.sampled_at_utc, samples.c.parameter, samples.c.qc_type).where(
                samples.c.sampled_at_utc >= min(times),
                samples.c.sampled_at_utc <= max(times),
                samples.c.is_current,
                ~samples.c.retracted,
            )
        )
        clash = {tuple(r) for r in stored} & seen.keys()
        for key in sorted(clash, key=seen.get):
            site, _, parameter, qc = key
            when = _local_utc(key[1])
            errors.append(
                RowIssue(
                    "sample.duplicate",
                    row=seen[key],
                    column="sampled_at",
                    field="sampled_at",
                    value=when,
                    site=site,
                    parameter=parameter,
                    qc=Term(f"qc_type.{qc}"),
                )
            )
    return items


def _local_utc(naive_utc: datetime) -> str:
    return naive_utc.replace(tzinfo=UTC).astimezone(TZ).strftime("%Y-%m-%d %H:%M")
