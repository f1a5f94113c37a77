"""Tracing cases: opened by an exceedance, worked on, closed by a later compliant sample."""

from __future__ import annotations

import json
from datetime import UTC, date

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from sqlalchemy import and_, insert, select, update

from geo.crs import GEOGRAPHIC, to_metric

from ..auth import Actor
from ..compliance import sample_status
from ..errors import MonitoringError
from ..samples import TZ, SampleInput
from ..schema import audit, samples, sites, tracing_cases
from .base import Repository, audit_row, now_utc


class CaseError(MonitoringError):
    """A tracing-case action that is not allowed (e.g. closing without a compliant later sample)."""

    default_code = "case.invalid"


class Cases(Repository):
    """Tracing cases (``store.cases``)."""

    def _open_if_exceeds(self, conn, uid: str, inp: SampleInput, actor: Actor, synthetic: bool) -> int:
        """Open a case for a sample over its limit, in the caller's transaction; 1 if opened."""
        from geo.waterbodies import site_rules

        here = pd.DataFrame(
            conn.execute(select(sites.c.code, sites.c.kind, sites.c.water_body).where(sites.c.code == inp.site))
            .mappings()
            .all()
        )
        rules = site_rules(here).iloc[0]
        day = inp.sampled_at.astimezone(TZ).date()
        limit = self.store.limits.limit_for(rules.kind, inp.parameter, day, rules.standard, rules.target)
        if inp.qc_type == "blank" or sample_status(inp.value.value, inp.value.censored, limit) != "exceeds":
            return 0
        if conn.execute(select(tracing_cases.c.id).where(tracing_cases.c.sample_uid == uid)).first():
            return 0
        values = dict(
            site_code=inp.site,
            sample_uid=uid,
            parameter=inp.parameter,
            value_mg_l=inp.value.value,
            limit_mg_l=limit,
            opened_at=now_utc(),
            status="open",
            candidates=json.dumps(self._candidates(conn, inp.site), ensure_ascii=False),
            updated_by=actor.name,
            updated_at=now_utc(),
            synthetic=synthetic,
        )
        case_id = conn.execute(insert(tracing_cases).values(**values)).inserted_primary_key[0]
        self._audit(conn, actor, "case.open", "tracing_case", case_id, None, values)
        return 1

    def _open_for_batch(self, conn, pairs, actor: Actor) -> int:
        """Open a case for every new sample of an import over its limit, in the caller's transaction.

        The same as :meth:`_open_if_exceeds` for each ``(uid, SampleInput)`` of ``pairs`` (new
        samples, already written), with the candidate ponds worked out once per site and the
        cases and their ``case.open`` audit rows written in bulk. Returns the number opened.
        """
        kinds = dict(conn.execute(select(sites.c.code, sites.c.kind)).all())
        limits, candidates, values = {}, {}, []
        now = now_utc()
        for uid, inp in pairs:
            if inp.qc_type == "blank":
                continue
            day = inp.sampled_at.astimezone(TZ).date()
            key = (kinds.get(inp.site), inp.parameter, day)
            if key not in limits:
                limits[key] = self.store.limits.limit_for(*key)
            limit = limits[key]
            if sample_status(inp.value.value, inp.value.censored, limit) != "exceeds":
                continue
            if inp.site not in candidates:
                candidates[inp.site] = json.dumps(self._candidates(conn, inp.site), ensure_ascii=False)
            values.append(
                dict(
                    site_code=inp.site,
                    sample_uid=uid,
                    parameter=inp.parameter,
                    value_mg_l=inp.value.value,
                    limit_mg_l=limit,
                    opened_at=now,
                    status="open",
                    candidates=candidates[inp.site],
                    updated_by=actor.name,
                    updated_at=now,
                    synthetic=False,
                )
            )
        if not values:
            return 0
        stmt = insert(tracing_cases).returning(tracing_cases.c.id, sort_by_parameter_order=True)
        ids = conn.execute(stmt, values).scalars().all()
        audits = [audit_row(actor, "case.open", "tracing_case", i, None, v) for i, v in zip(ids, values, strict=True)]
        conn.execute(insert(audit), audits)
        return len(values)

    def _candidates(self, conn, site_code: str) -> list[dict]:
        all_sites = pd.DataFrame(conn.execute(select(sites)).mappings().all())
        here = all_sites[all_sites.code == site_code].iloc[0]
        ponds = all_sites[(all_sites.kind == "pond") & all_sites.lon.notna()]
        if ponds.empty or pd.isna(here.lon):
            return []
        pts = to_metric(gpd.GeoSeries(gpd.points_from_xy(ponds.lon, ponds.lat), crs=GEOGRAPHIC))
        origin = to_metric(gpd.GeoSeries([shapely.Point(here.lon, here.lat)], crs=GEOGRAPHIC)).iloc[0]
        dist = pts.distance(origin).to_numpy()
        keep = np.flatnonzero(dist <= self.store.limits.tracing_radius_m)
        out = []
        for i in keep[np.argsort(dist[keep], kind="stable")]:
            code = ponds.code.iloc[i]
            latest = conn.execute(
                select(samples.c.value_mg_l, samples.c.censored, samples.c.sampled_at_utc)
                .where(samples.c.site_code == code, samples.c.is_current, ~samples.c.retracted)
                .order_by(samples.c.sampled_at_utc.desc())
                .limit(1)
            ).first()
            out.append(
                {
                    "site": code,
                    "name": ponds.name.iloc[i],
                    "distance_m": round(float(dist[i]), 1),
                    "retirement_status": None,
                    "latest_mg_l": None if latest is None else latest[0],
                    "latest_censored": None if latest is None else bool(latest[1]),
                    "latest_at": None if latest is None else latest[2].replace(tzinfo=UTC).astimezone(TZ).isoformat(),
                }
            )
        return out

    def find(self, status: str | None = None) -> pd.DataFrame:
        """Tracing cases, newest first.

        Parameters
        ----------
        status : {'open', 'closed'}, optional

        Returns
        -------
        pandas.DataFrame
        """
        q = select(tracing_cases)
        if status:
            q = q.where(tracing_cases.c.status == status)
        with self.engine.connect() as conn:
            return pd.read_sql(q.order_by(tracing_cases.c.id.desc()), conn)

    def for_sample(self, uid: str) -> int | None:
        """The tracing case a sample opened, if any.

        Parameters
        ----------
        uid : str

        Returns
        -------
        int or None
        """
        with self.engine.connect() as conn:
            return conn.execute(select(tracing_cases.c.id).where(tracing_cases.c.sample_uid == uid)).scalar()

    def update(self, case_id: int, *, user: Actor, **fields) -> None:
        """Record findings, action taken, responsible unit and deadline.

        Parameters
        ----------
        case_id : int
        user : monitoring.auth.Actor
            ``case.update``.
        **fields
            ``findings``, ``action``, ``responsible_unit``, ``deadline`` (date).

        Raises
        ------
        CaseError
            For an unknown field or a closed case.
        """
        allowed = {"findings", "action", "responsible_unit", "deadline"}
        if set(fields) - allowed:
            raise CaseError("case.unknown_fields", fields=", ".join(sorted(set(fields) - allowed)))
        if "deadline" in fields and fields["deadline"] is not None and not isinstance(fields["deadline"], date):
            raise CaseError("case.deadline_not_date", field="deadline", value=fields["deadline"])
        with self._write(user, "case.update") as (conn, actor):
            old = conn.execute(select(tracing_cases).where(tracing_cases.c.id == case_id)).mappings().first()
            if old is None:
                raise CaseError("case.no_such", case=case_id)
            if old["status"] == "closed":
                raise CaseError("case.closed", case=case_id)
            values = {**fields, "updated_by": actor.name, "updated_at": now_utc()}
            conn.execute(update(tracing_cases).where(tracing_cases.c.id == case_id).values(**values))
            self._audit(conn, actor, "case.update", "tracing_case", case_id, {k: old[k] for k in values}, values)

    def close(self, case_id: int, *, user: Actor) -> str:
        """Close a case once a later sample at its site complies.

        Parameters
        ----------
        case_id : int
        user : monitoring.auth.Actor
            ``case.close``.

        Returns
        -------
        str
            The ``sample_uid`` of the compliant later sample.

        Raises
        ------
        CaseError
            When there is no such sample yet.
        """
        with self._write(user, "case.close") as (conn, actor):
            case = conn.execute(select(tracing_cases).where(tracing_cases.c.id == case_id)).mappings().first()
            if case is None:
                raise CaseError("case.no_such", case=case_id)
            if case["status"] == "closed":
                raise CaseError("case.already_closed", case=case_id)
            t0 = conn.execute(
                select(samples.c.sampled_at_utc).where(samples.c.sample_uid == case["sample_uid"], samples.c.is_current)
            ).scalar()
            later = conn.execute(
                select(samples.c.sample_uid, samples.c.value_mg_l, samples.c.censored, samples.c.sampled_at_utc)
                .where(
                    and_(
                        samples.c.site_code == case["site_code"],
                        samples.c.parameter == case["parameter"],
                        samples.c.sampled_at_utc > t0,
                        samples.c.is_current,
                        ~samples.c.retracted,
                        samples.c.qc_type != "blank",
                    )
                )
                .order_by(samples.c.sampled_at_utc)
            ).all()
            ok = [r for r in later if sample_status(r[1], r[2], case["limit_mg_l"]) == "compliant"]
            if not ok:
                raise CaseError("case.stays_open", case=case_id, parameter=case["parameter"], site=case["site_code"])
            values = dict(
                status="closed",
                closed_at=now_utc(),
                closing_sample_uid=ok[0][0],
                updated_by=actor.name,
                updated_at=now_utc(),
            )
            conn.execute(update(tracing_cases).where(tracing_cases.c.id == case_id).values(**values))
            self._audit(conn, actor, "case.close", "tracing_case", case_id, {k: case[k] for k in values}, values)
            return ok[0][0]
