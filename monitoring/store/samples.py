"""Samples: versioned entry, correction and retraction, file imports, weekly compliance."""

from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime

import pandas as pd
from sqlalchemy import func, insert, select, update
from sqlalchemy.exc import IntegrityError

from ..auth import Actor
from ..compliance import evaluate_week
from ..errors import InputError, Term
from ..importer import RowIssue
from ..samples import TZ, ParsedValue, SampleInput, iso_week, week_bounds
from ..schema import imports, samples, sites, tracing_cases
from ..schema import not_sampled as not_sampled_table
from .base import Repository, bulk_insert, now_utc, utc
from .batch import checked_rows

SAMPLE_FIELDS = [
    "sample_uid",
    "version",
    "site_code",
    "kind",
    "sampled_at",
    "week",
    "parameter",
    "value_mg_l",
    "censored",
    "detection_limit",
    "value_entered",
    "unit_entered",
    "method",
    "qc_type",
    "laboratory",
    "inspector",
    "notes",
    "created_by",
    "created_at",
    "retracted",
    "change_reason",
    "synthetic",
]


#: One problem in an import row (:class:`monitoring.importer.RowIssue`, a UserError); ``column`` is
#: the field until :func:`monitoring.importer.import_file` names the file's own header.
RowError = RowIssue


@dataclass
class ImportResult:
    """What an import did.

    Attributes
    ----------
    written : int
        Samples written (0 when rejected or already imported).
    errors : list of RowError
        Every problem found; non-empty means nothing was written.
    already_imported : bool
        The same file (same bytes) was imported before.
    cases_opened : int
        Tracing cases opened for exceedances in the file.
    """

    written: int = 0
    errors: list = field(default_factory=list)
    already_imported: bool = False
    cases_opened: int = 0


def _input_from_row(row) -> SampleInput:
    return SampleInput(
        site=row["site_code"],
        sampled_at=row["sampled_at_utc"].replace(tzinfo=UTC).astimezone(TZ),
        value=ParsedValue(row["value_mg_l"], row["censored"], row["detection_limit"]),
        parameter=row["parameter"],
        kind=row["kind"],
        method=row["method"],
        qc_type=row["qc_type"],
        laboratory=row["laboratory"],
        inspector=row["inspector"],
        notes=row["notes"],
        unit_entered=row["unit_entered"],
        value_entered=row["value_entered"],
    )


def _row(
    inp: SampleInput, user: str, uid: str, version: int, batch=None, synthetic=False, now=None, times=None
) -> dict:
    when = inp.sampled_at
    if times is None:
        at, week = utc(when), iso_week(when)
    else:  # an import repeats its times: each is converted once
        hit = times.get(when)
        if hit is None:
            hit = times[when] = (utc(when), iso_week(when))
        at, week = hit
    return {
        "sample_uid": uid,
        "version": version,
        "is_current": True,
        "retracted": False,
        "site_code": inp.site,
        "kind": inp.kind,
        "sampled_at_utc": at,
        "tz": "Asia/Shanghai",
        "week": week,
        "parameter": inp.parameter,
        "value_mg_l": inp.value.value,
        "censored": inp.value.censored,
        "detection_limit": inp.value.detection_limit,
        "value_entered": inp.value_entered or f"{inp.value.value:g}",
        "unit_entered": inp.unit_entered,
        "method": inp.method,
        "qc_type": inp.qc_type,
        "laboratory": inp.laboratory,
        "inspector": inp.inspector,
        "notes": inp.notes,
        "created_by": user,
        "created_at": now or now_utc(),
        "batch_id": batch,
        "synthetic": synthetic,
    }


def _local(inp: SampleInput) -> str:
    return inp.sampled_at.astimezone(TZ).strftime("%Y-%m-%d %H:%M")


def _site_kinds(conn) -> dict:
    return dict(conn.execute(select(sites.c.code, sites.c.kind)).all())


def _check(conn, inp: SampleInput, kinds: dict, exclude_uid: str | None = None) -> None:
    inp.check()
    if inp.site not in kinds:
        raise InputError("sample.unknown_site", field="site", value=inp.site)
    dup = select(samples.c.sample_uid).where(
        samples.c.site_code == inp.site,
        samples.c.sampled_at_utc == utc(inp.sampled_at),
        samples.c.parameter == inp.parameter,
        samples.c.qc_type == inp.qc_type,
        samples.c.is_current,
        ~samples.c.retracted,
    )
    if exclude_uid:
        dup = dup.where(samples.c.sample_uid != exclude_uid)
    if conn.execute(dup).first():
        raise InputError(
            "sample.duplicate",
            field="sampled_at",
            value=_local(inp),
            site=inp.site,
            parameter=inp.parameter,
            qc=Term(f"qc_type.{inp.qc_type}"),
        )


def _current_row(conn, uid: str):
    row = conn.execute(select(samples).where(samples.c.sample_uid == uid, samples.c.is_current)).mappings().first()
    if row is None:
        raise InputError("sample.no_such", field="sample", value=uid)
    return row


class Samples(Repository):
    """Samples, their versions, imports and weekly compliance (``store.samples``)."""

    def add(self, inp: SampleInput, *, user: Actor, synthetic: bool = False) -> str:
        """Validate and store one sample; an exceedance opens a tracing case.

        Parameters
        ----------
        inp : SampleInput
        user : monitoring.auth.Actor
            Who enters it (``sample.add``).
        synthetic : bool
            Demo data only.

        Returns
        -------
        str
            The sample's id (``sample_uid``).

        Raises
        ------
        monitoring.errors.InputError
            Naming the field, value and reason; nothing is written.
        PermissionDenied
            The user may not enter samples.
        """
        uid = str(uuid.uuid4())
        try:
            with self._write(user, "sample.add") as (conn, actor):
                _check(conn, inp, _site_kinds(conn))
                row = _row(inp, actor.name, uid, 1, synthetic=synthetic)
                conn.execute(insert(samples).values(row))
                self._audit(conn, actor, "sample.add", "sample", uid, None, row)
                self.store.cases._open_if_exceeds(conn, uid, inp, actor, synthetic)
        except IntegrityError as exc:  # a concurrent writer stored the same sample first
            raise InputError("sample.duplicate_stored", field="sampled_at") from exc
        return uid

    def correct(self, uid: str, changes: dict, reason: str, *, user: Actor) -> int:
        """Store a corrected version; the old version stays in the history.

        Parameters
        ----------
        uid : str
        changes : dict
            Fields of :class:`SampleInput` to change (``value`` as ParsedValue,
            ``sampled_at``, ``site``, ...).
        reason : str
            Required.
        user : monitoring.auth.Actor
            ``sample.correct``.

        Returns
        -------
        int
            The new version number.

        Raises
        ------
        monitoring.errors.InputError
        """
        if not reason or not reason.strip():
            raise InputError("input.reason_missing", field="reason")
        with self._write(user, "sample.correct") as (conn, actor):
            old = _current_row(conn, uid)
            if old["retracted"]:
                raise InputError("sample.retracted", field="sample", value=uid)
            inp = _input_from_row(old)
            unknown = set(changes) - set(SampleInput.__dataclass_fields__)
            if unknown:
                raise InputError("sample.unknown_fields", fields=", ".join(sorted(unknown)))
            for k, v in changes.items():
                setattr(inp, k, v)
            if "value" in changes and "value_entered" not in changes:
                inp.value_entered = ""
            _check(conn, inp, _site_kinds(conn), exclude_uid=uid)
            version = old["version"] + 1
            conn.execute(update(samples).where(samples.c.id == old["id"]).values(is_current=False))
            row = _row(inp, actor.name, uid, version, batch=old["batch_id"], synthetic=old["synthetic"])
            row["change_reason"] = reason.strip()
            conn.execute(insert(samples).values(row))
            self._audit(conn, actor, "sample.correct", "sample", uid, dict(old), row)
            self.store.cases._open_if_exceeds(conn, uid, inp, actor, old["synthetic"])
        return version

    def retract(self, uid: str, reason: str, *, user: Actor) -> int:
        """Withdraw a sample: a new version flagged retracted (kept in the history).

        Parameters
        ----------
        uid : str
        reason : str
        user : monitoring.auth.Actor
            ``sample.retract``.

        Returns
        -------
        int
            The new version number.
        """
        if not reason or not reason.strip():
            raise InputError("input.reason_missing", field="reason")
        with self._write(user, "sample.retract") as (conn, actor):
            old = dict(_current_row(conn, uid))
            if old["retracted"]:
                raise InputError("sample.already_retracted", field="sample", value=uid)
            before = dict(old)
            conn.execute(update(samples).where(samples.c.id == old["id"]).values(is_current=False))
            old.pop("id")
            old.update(
                version=old["version"] + 1,
                retracted=True,
                change_reason=reason.strip(),
                created_by=actor.name,
                created_at=now_utc(),
                is_current=True,
            )
            conn.execute(insert(samples).values(old))
            self._audit(conn, actor, "sample.retract", "sample", uid, before, old)
        return old["version"]

    def import_batch(
        self, parsed, batch_id: str, filename: str, *, user: Actor, progress=None, not_sampled=()
    ) -> ImportResult:
        """Write a whole file's samples (and its not-sampled entries), or none of them.

        One transaction; the checks against the database are one query per file (samples
        already stored, not-sampled entries already recorded), the rows are written in bulk,
        and the import is one audit row (file, sha256, samples per site, every sample id and
        the not-sampled entries). Each sample keeps the import's ``batch_id``; each tracing
        case opened has its own ``case.open`` audit row.

        Parameters
        ----------
        parsed : list of (int, SampleInput or list of RowError)
            Per file row: the parsed sample or its parsing errors (see
            :mod:`monitoring.importer`).
        batch_id : str
            sha256 of the file's bytes: the same file is never imported twice.
        filename : str
        user : monitoring.auth.Actor
            ``sample.import``.
        progress : callable, optional
            Called with a fraction 0..1.
        not_sampled : list of dict, optional
            Entries to record with the samples: ``line``, ``site_code``, ``day``, ``week``,
            ``reason`` and ``parameter`` (see :class:`monitoring.store.not_sampled.NotSampled`).

        Returns
        -------
        ImportResult
        """
        result = ImportResult()
        not_sampled = list(not_sampled)
        with self._write(user, "sample.import") as (conn, actor):
            if conn.execute(select(imports.c.batch_id).where(imports.c.batch_id == batch_id)).first():
                result.already_imported = True
                return result
            items = checked_rows(conn, parsed, _site_kinds(conn), result.errors)
            for i, exc in self.store.not_sampled._check(conn, not_sampled):
                line = not_sampled[i].get("line")
                result.errors.append(
                    RowIssue(exc.code, row=line, column="value", field=exc.field, value=exc.value, **exc.params)
                )
            if not parsed and not not_sampled:
                result.errors.append(RowIssue("import.empty"))
            if result.errors:
                return result
            if progress:
                progress(0.3)
            now = now_utc()
            times = {}
            records = [
                _row(item, actor.name, str(uuid.uuid4()), 1, batch=batch_id, now=now, times=times) for _, item in items
            ]
            bulk_insert(conn, samples, records)
            if progress:
                progress(0.7)
            pairs = [(r["sample_uid"], item) for r, (_, item) in zip(records, items, strict=True)]
            result.cases_opened = self.store.cases._open_for_batch(conn, pairs, actor)
            entries = self.store.not_sampled._insert(conn, actor, not_sampled, batch_id)
            batch = dict(
                batch_id=batch_id, filename=filename, rows=len(records), imported_by=actor.name, imported_at=now
            )
            conn.execute(insert(imports).values(**batch))
            counts = Counter(r["site_code"] for r in records)
            summary = batch | {
                "samples_per_site": dict(sorted(counts.items())),
                "sample_uids": [r["sample_uid"] for r in records],
                "cases_opened": result.cases_opened,
                "not_sampled": [{k: e[k] for k in ("site_code", "parameter", "day", "reason")} for e in entries],
            }
            self._audit(conn, actor, "sample.import", "import", batch_id, None, summary)
            result.written = len(records)
        if progress:
            progress(1.0)
        return result

    # --- reads -----------------------------------------------------------------
    def _frame(self, query) -> pd.DataFrame:
        with self.engine.connect() as conn:
            df = pd.read_sql(query, conn)
        if "sampled_at_utc" in df.columns:
            df["sampled_at"] = pd.to_datetime(df["sampled_at_utc"]).dt.tz_localize("UTC").dt.tz_convert(TZ)
        return df

    def history(self, uid: str) -> pd.DataFrame:
        """Every version of a sample, oldest first.

        Parameters
        ----------
        uid : str

        Returns
        -------
        pandas.DataFrame
        """
        df = self._frame(select(samples).where(samples.c.sample_uid == uid).order_by(samples.c.version))
        return df[SAMPLE_FIELDS + ["is_current"]]

    def find(
        self,
        site: str | None = None,
        parameter: str | None = "TP",
        include_retracted=False,
        since: datetime | None = None,
        limit: int | None = None,
        exclude_blanks: bool = False,
    ) -> pd.DataFrame:
        """Current samples, newest first.

        Parameters
        ----------
        site : str, optional
        parameter : str or None
            None for all parameters.
        include_retracted : bool
        since : datetime.datetime, optional
            Aware; only samples taken at or after it.
        limit : int, optional
            At most this many (the newest).
        exclude_blanks : bool
            Leave out QC blanks.

        Returns
        -------
        pandas.DataFrame
        """
        q = select(samples).where(samples.c.is_current)
        if since is not None:
            q = q.where(samples.c.sampled_at_utc >= utc(since))
        if exclude_blanks:
            q = q.where(samples.c.qc_type != "blank")
        if site is not None:
            q = q.where(samples.c.site_code == site)
        if parameter is not None:
            q = q.where(samples.c.parameter == parameter)
        if not include_retracted:
            q = q.where(~samples.c.retracted)
        q = q.order_by(samples.c.sampled_at_utc.desc(), samples.c.id.desc())
        if limit is not None:
            q = q.limit(limit)
        df = self._frame(q)
        return df[SAMPLE_FIELDS] if len(df) else pd.DataFrame(columns=SAMPLE_FIELDS)

    def stamp(self) -> tuple:
        """A cheap value that changes whenever samples or cases change (for caches).

        Returns
        -------
        tuple
            Highest sample row id, latest case update, highest not-sampled entry id.
        """
        with self.engine.connect() as conn:
            return (
                conn.execute(select(func.max(samples.c.id))).scalar(),
                conn.execute(select(func.count(), func.max(tracing_cases.c.updated_at))).one()[:],
                conn.execute(select(func.max(not_sampled_table.c.id))).scalar(),
            )

    def latest_time(self, parameter: str = "TP", site: str | None = None) -> datetime | None:
        """Time of the latest current sample of a parameter, in Asia/Shanghai.

        Parameters
        ----------
        parameter : str
        site : str, optional
            Only this site.

        Returns
        -------
        datetime.datetime or None
        """
        with self.engine.connect() as conn:
            q = select(func.max(samples.c.sampled_at_utc)).where(
                samples.c.parameter == parameter, samples.c.is_current, ~samples.c.retracted
            )
            if site is not None:
                q = q.where(samples.c.site_code == site)
            t = conn.execute(q).scalar()
        return None if t is None else t.replace(tzinfo=UTC).astimezone(TZ)

    def count(self) -> int:
        """Number of current, non-retracted samples."""
        with self.engine.connect() as conn:
            return conn.execute(
                select(func.count()).select_from(samples).where(samples.c.is_current, ~samples.c.retracted)
            ).scalar()

    def of_week(self, week: str, parameter: str = "TP") -> pd.DataFrame:
        """Current, non-retracted samples of one ISO week.

        Parameters
        ----------
        week : str
            ``YYYY-Www``.
        parameter : str

        Returns
        -------
        pandas.DataFrame
        """
        week_bounds(week)  # validates the format
        cols = [samples.c.sample_uid, samples.c.site_code, samples.c.value_mg_l, samples.c.censored, samples.c.qc_type]
        q = select(*cols, samples.c.week).where(
            samples.c.week == week, samples.c.parameter == parameter, samples.c.is_current, ~samples.c.retracted
        )
        with self.engine.connect() as conn:
            return pd.read_sql(q, conn)

    def weekly(self, week: str, parameter: str = "TP", body: str | None = None) -> pd.DataFrame:
        """Per-site compliance for one ISO week (Monday to Sunday, Asia/Shanghai).

        Parameters
        ----------
        week : str
        parameter : str
        body : str, optional
            Only the sites of this water body (all when omitted).

        Returns
        -------
        pandas.DataFrame
            See :func:`monitoring.compliance.evaluate_week`; a site a lab recorded as not
            sampled that week has its reason in ``not_sampled``.
        """
        from geo.waterbodies import site_rules

        start, _ = week_bounds(week)
        every = self.store.register.list_sites()
        data = self.of_week(week, parameter)
        if body is not None:
            every = every[every.water_body == body]
            data = data[data.site_code.isin(set(every.code))]
        active = site_rules(every[every.active])
        reasons = {site: r for (site, _), r in self.store.not_sampled.reasons([week], parameter).items()}
        return evaluate_week(data, active, self.store.limits, start.date(), parameter, not_sampled=reasons)

    def weekly_grid(self, weeks: list[str], parameter: str = "TP") -> pd.DataFrame:
        """Status per site (rows) and week (columns).

        Parameters
        ----------
        weeks : list of str
        parameter : str

        Returns
        -------
        pandas.DataFrame
        """
        for w in weeks:
            week_bounds(w)
        cols = [samples.c.sample_uid, samples.c.site_code, samples.c.value_mg_l, samples.c.censored, samples.c.qc_type]
        q = select(*cols, samples.c.week).where(
            samples.c.week.in_(weeks), samples.c.parameter == parameter, samples.c.is_current, ~samples.c.retracted
        )
        with self.engine.connect() as conn:
            data = pd.read_sql(q, conn)
        from geo.waterbodies import site_rules

        active = self.store.register.list_sites()
        active = site_rules(active[active.active])
        by_week = dict(tuple(data.groupby("week"))) if len(data) else {}
        empty = data.iloc[0:0]
        frames = []
        for w in weeks:
            start = week_bounds(w)[0].date()
            res = evaluate_week(by_week.get(w, empty), active, self.store.limits, start, parameter)
            frames.append(res.set_index("site_code")["status"].rename(w))
        if not frames:
            return pd.DataFrame()
        grid = pd.concat(frames, axis=1)
        # A site of a water body without weekly sampling is "not due" in the weeks it was not sampled.
        not_weekly = grid.index.isin(set(active.code[~active.weekly.astype(bool)]))
        grid.loc[not_weekly] = grid.loc[not_weekly].fillna("not_due")
        return grid
