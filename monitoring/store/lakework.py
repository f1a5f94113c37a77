"""Lake-level work (``store.lakework``): plans, organism releases, the leading group."""

from __future__ import annotations

from datetime import date

import pandas as pd
from sqlalchemy import func, insert, select, text, update

from .. import clock
from ..auth import Actor
from ..lakework import (
    DEFAULT_WATER_BODY,
    LakeWorkError,
    check_members,
    check_plan,
    check_release,
    file_type,
    load_group_default,
    load_plan_kinds,
    safe_name,
    water_bodies,
)
from ..schema import lake_group_members, lake_plans, lake_releases
from .base import Repository, now_utc, void_entry

#: The PostgreSQL table locks, spelled out (no SQL is built by string formatting).
_PG_LOCKS = {
    "lake_plans": "LOCK TABLE lake_plans IN SHARE ROW EXCLUSIVE MODE",
    "lake_releases": "LOCK TABLE lake_releases IN SHARE ROW EXCLUSIVE MODE",
    "lake_group_members": "LOCK TABLE lake_group_members IN SHARE ROW EXCLUSIVE MODE",
}


def _lock(conn, table) -> None:
    """Serialise writers of one table, so two drafts of one plan cannot both pass the check.

    PostgreSQL: a table lock that readers pass.  SQLite: a write that changes nothing, issued
    first, takes the database's write lock before the check reads (the driver begins the
    transaction only at a write).
    """
    if conn.dialect.name == "postgresql":
        conn.execute(text(_PG_LOCKS[table.name]))
    elif conn.dialect.name == "sqlite":
        conn.execute(update(table).where(table.c.id == -1).values(id=table.c.id))


def _body(water_body: str) -> str:
    if water_body not in water_bodies():
        raise LakeWorkError("lake.water_body", field="water_body", value=str(water_body))
    return water_body


class LakeWork(Repository):
    """Plans, releases and the leading group of a water body (``store.lakework``)."""

    def add_plan(
        self,
        kind: str,
        status: str,
        plan_date: date,
        *,
        user: Actor,
        document_no: str = "",
        note: str = "",
        file: bytes | None = None,
        file_name: str | None = None,
        water_body: str = DEFAULT_WATER_BODY,
        today: date | None = None,
    ) -> int:
        """Record that a plan was drafted or approved.

        Parameters
        ----------
        kind : str
            A key of ``[[lake_plans]]`` asked of ``water_body`` (``sediment``, ``ecology``).
        status : {'drafted', 'approved'}
        plan_date : datetime.date
            The day it was drafted (or submitted) or approved.
        user : monitoring.auth.Actor
            ``lake.plan``.
        document_no, note : str
        file : bytes, optional
            The document: PDF, DOC/DOCX, JPEG or PNG, at most 20 MB.
        file_name : str, optional
        water_body : str
        today : datetime.date, optional
            "Today" in Asia/Shanghai (tests pin it).

        Returns
        -------
        int
            The entry's id.

        Raises
        ------
        monitoring.lakework.LakeWorkError
            See :func:`monitoring.lakework.check_plan`; nothing is written.
        """
        today = today or clock.today()
        mime = file_type(file)
        with self._write(user, "lake.plan") as (conn, actor):
            _lock(conn, lake_plans)
            live = conn.execute(
                select(lake_plans.c.id, lake_plans.c.kind, lake_plans.c.status, lake_plans.c.plan_date).where(
                    lake_plans.c.water_body == water_body, lake_plans.c.voided_at.is_(None)
                )
            ).mappings()
            new = {"kind": kind, "status": status, "plan_date": plan_date, "water_body": water_body}
            check_plan([dict(r) for r in live], new, load_plan_kinds(water_body=None), today)
            values = dict(
                new,
                document_no=document_no.strip(),
                note=note.strip(),
                file=file,
                file_name=safe_name(file_name) if file is not None else None,
                file_type=mime,
                recorded_by=actor.name,
                recorded_at=now_utc(),
            )
            pid = conn.execute(insert(lake_plans).values(**values)).inserted_primary_key[0]
            self._audit(conn, actor, "lake.plan", "lake_plan", pid, None, values)
            return pid

    def add_release(
        self,
        release_date: date,
        species: str,
        quantity: float,
        quantity_unit: str,
        *,
        user: Actor,
        water_area: float | None = None,
        area_unit: str = "mu",
        releasing_unit: str = "",
        note: str = "",
        water_body: str = DEFAULT_WATER_BODY,
        today: date | None = None,
    ) -> int:
        """Record a release of phosphorus-absorbing organisms.

        Parameters
        ----------
        release_date : datetime.date
        species : str
            E.g. 河蚌, 螺蛳, 鲢鳙, 苦草.
        quantity : float
        quantity_unit : str
            One of :data:`monitoring.lakework.QUANTITY_UNITS`.
        user : monitoring.auth.Actor
            ``lake.release``.
        water_area : float, optional
        area_unit : {'mu', 'm2'}
        releasing_unit, note : str
        water_body : str
        today : datetime.date, optional

        Returns
        -------
        int

        Raises
        ------
        monitoring.lakework.LakeWorkError
            See :func:`monitoring.lakework.check_release`; nothing is written.
        """
        today = today or clock.today()
        new = {
            "release_date": release_date,
            "species": str(species or "").strip(),
            "quantity": quantity,
            "quantity_unit": quantity_unit,
            "water_area": water_area,
            "area_unit": area_unit,
            "water_body": water_body,
        }
        check_release(new, today)
        with self._write(user, "lake.release") as (conn, actor):
            values = dict(
                new,
                quantity=float(quantity),
                water_area=None if water_area is None else float(water_area),
                releasing_unit=releasing_unit.strip(),
                note=note.strip(),
                recorded_by=actor.name,
                recorded_at=now_utc(),
            )
            rid = conn.execute(insert(lake_releases).values(**values)).inserted_primary_key[0]
            self._audit(conn, actor, "lake.release", "lake_release", rid, None, values)
            return rid

    @staticmethod
    def _void(conn, actor, table, entry_id: int, reason: str):
        """Mark one entry void in the caller's transaction: returns (before, change) for the audit row."""
        _lock(conn, table)
        return void_entry(conn, actor, table, entry_id, reason, LakeWorkError, "lake")

    def void_plan(self, plan_id: int, reason: str, *, user: Actor) -> None:
        """Void a mistaken plan entry with a reason; it stays in the ledger, marked void.

        Parameters
        ----------
        plan_id : int
        reason : str
        user : monitoring.auth.Actor
            ``lake.plan_void``.

        Raises
        ------
        monitoring.lakework.LakeWorkError
            No such entry, already void, or no reason.
        """
        with self._write(user, "lake.plan_void") as (conn, actor):
            before, change = self._void(conn, actor, lake_plans, plan_id, reason)
            self._audit(conn, actor, "lake.plan_void", "lake_plan", plan_id, before, change)

    def void_release(self, release_id: int, reason: str, *, user: Actor) -> None:
        """Void a mistaken release entry with a reason; it stays in the ledger, marked void.

        Parameters
        ----------
        release_id : int
        reason : str
        user : monitoring.auth.Actor
            ``lake.release_void``.

        Raises
        ------
        monitoring.lakework.LakeWorkError
            No such entry, already void, or no reason.
        """
        with self._write(user, "lake.release_void") as (conn, actor):
            before, change = self._void(conn, actor, lake_releases, release_id, reason)
            self._audit(conn, actor, "lake.release_void", "lake_release", release_id, before, change)

    def set_group(self, members, *, user: Actor, water_body: str = DEFAULT_WATER_BODY) -> int:
        """Save the leading group and its office (replaces the shown list; earlier versions are kept).

        Parameters
        ----------
        members : iterable of dict
            ``body`` (``group`` or ``office``), ``role``, ``name``, ``post``; blank rows are dropped.
        user : monitoring.auth.Actor
            ``lake.group``.
        water_body : str

        Returns
        -------
        int
            The new version number.

        Raises
        ------
        monitoring.lakework.LakeWorkError
            See :func:`monitoring.lakework.check_members`.
        """
        rows = check_members(members)
        _body(water_body)
        with self._write(user, "lake.group") as (conn, actor):
            _lock(conn, lake_group_members)
            before = self._members(conn, water_body)
            version = (before[0] if before else 0) + 1
            now = now_utc()
            conn.execute(
                insert(lake_group_members),
                [
                    dict(m, water_body=water_body, version=version, seq=i, recorded_by=actor.name, recorded_at=now)
                    for i, m in enumerate(rows, start=1)
                ],
            )
            self._audit(
                conn,
                actor,
                "lake.group",
                "lake_group",
                f"{water_body}/{version}",
                {"members": before[1]} if before else None,
                {"members": rows},
            )
            return version

    @staticmethod
    def _members(conn, water_body: str):
        g = lake_group_members
        version = conn.execute(select(func.max(g.c.version)).where(g.c.water_body == water_body)).scalar()
        if version is None:
            return None
        rows = conn.execute(
            select(g.c.body, g.c.role, g.c.name, g.c.post, g.c.recorded_by, g.c.recorded_at)
            .where(g.c.water_body == water_body, g.c.version == version)
            .order_by(g.c.seq)
        ).mappings()
        return version, [dict(r) for r in rows]

    def group(self, water_body: str = DEFAULT_WATER_BODY) -> dict:
        """The leading group and its office: as last saved, else the configuration's.

        Returns
        -------
        dict
            ``name``, ``office_location``, ``source`` (from the configuration),
            ``members`` (``body``, ``role``, ``name``, ``post``), ``version`` (0 for the
            configuration's), ``edited_by`` and ``edited_at`` (None until edited).
        """
        default = load_group_default(water_body=_body(water_body))
        with self.engine.connect() as conn:
            saved = self._members(conn, water_body)
        if saved is None:
            return default | {"version": 0, "edited_by": None, "edited_at": None}
        version, rows = saved
        members = [{k: r[k] for k in ("body", "role", "name", "post")} for r in rows]
        return default | {
            "members": members,
            "version": version,
            "edited_by": rows[0]["recorded_by"],
            "edited_at": rows[0]["recorded_at"],
        }

    def plans(self, water_body: str | None = DEFAULT_WATER_BODY) -> pd.DataFrame:
        """Every plan entry (files excluded, ``has_file`` instead), voided ones included, oldest first."""
        cols = [c for c in lake_plans.c if c.name != "file"]
        q = select(*cols, lake_plans.c.file.is_not(None).label("has_file"))
        if water_body is not None:
            q = q.where(lake_plans.c.water_body == water_body)
        with self.engine.connect() as conn:
            return pd.read_sql(q.order_by(lake_plans.c.id), conn)

    def plan_file(self, plan_id: int) -> tuple[bytes, str, str] | None:
        """A plan entry's document: (bytes, name, MIME type), or None."""
        with self.engine.connect() as conn:
            row = conn.execute(
                select(lake_plans.c.file, lake_plans.c.file_name, lake_plans.c.file_type).where(
                    lake_plans.c.id == int(plan_id)
                )
            ).first()
        return None if row is None or row[0] is None else (bytes(row[0]), row[1], row[2])

    def releases(self, water_body: str | None = DEFAULT_WATER_BODY) -> pd.DataFrame:
        """Every release entry, voided ones included, in date order."""
        q = select(lake_releases)
        if water_body is not None:
            q = q.where(lake_releases.c.water_body == water_body)
        with self.engine.connect() as conn:
            return pd.read_sql(q.order_by(lake_releases.c.release_date, lake_releases.c.id), conn)
