"""The retirement ledger: steps done per pond, voids, evidence photos."""

from __future__ import annotations

from datetime import date

import pandas as pd
from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError

from .. import clock
from ..auth import Actor
from ..errors import Words
from ..ledger import LedgerError, check_event, pond_status, replay
from ..schema import retirement_events, sites
from .base import Repository, now_utc, photo_type


def _pond_events(conn, pond: str) -> list[dict]:
    kind = conn.execute(select(sites.c.kind).where(sites.c.code == pond)).scalar()
    if kind != "pond":
        raise LedgerError("ledger.not_a_pond", pond=pond)
    if conn.dialect.name == "postgresql":  # serialise writers of one pond's ledger
        conn.execute(select(sites.c.code).where(sites.c.code == pond).with_for_update())
    rows = conn.execute(
        select(
            retirement_events.c.id,
            retirement_events.c.kind,
            retirement_events.c.step,
            retirement_events.c.event_date,
            retirement_events.c.voids,
        ).where(retirement_events.c.pond_code == pond)
    ).mappings()
    return [dict(r) for r in rows]


class Ledger(Repository):
    """Retirement steps per pond (``store.ledger``)."""

    def record(
        self,
        pond: str,
        step: str,
        event_date: date,
        *,
        user: Actor,
        responsible_unit: str | None = None,
        note: str = "",
        document_no: str = "",
        photo: bytes | None = None,
        photo_name: str | None = None,
        today: date | None = None,
    ) -> int:
        """Record that a retirement step was done for a pond.

        Parameters
        ----------
        pond : str
            Pond site code (the register number).
        step : str
            A key of the configured steps.
        event_date : datetime.date
        user : monitoring.auth.Actor
            ``ledger.record``.
        responsible_unit : str, optional
            Defaults to the step's unit (the pond's town for town steps).
        note, document_no : str
            Evidence.
        photo : bytes, optional
            JPEG or PNG, at most 5 MB.
        photo_name : str, optional
        today : datetime.date, optional
            "Today" in Asia/Shanghai (tests pin it).

        Returns
        -------
        int
            The event id.

        Raises
        ------
        LedgerError
            For an impossible event (see :func:`monitoring.ledger.check_event`); nothing is written.
        """
        today = today or clock.today()
        steps = self.store.steps
        mime = photo_type(photo)
        with self._write(user, "ledger.record") as (conn, actor):
            events = _pond_events(conn, pond)
            check_event(events, {"kind": "done", "step": step, "event_date": event_date}, steps, today)
            town = conn.execute(select(sites.c.town).where(sites.c.code == pond)).scalar() or ""
            unit = responsible_unit or next(s for s in steps if s.key == step).unit_for(town)
            values = dict(
                pond_code=pond,
                kind="done",
                step=step,
                event_date=event_date,
                responsible_unit=unit,
                note=note,
                document_no=document_no,
                photo=photo,
                photo_name=photo_name,
                photo_type=mime,
                recorded_by=actor.name,
                recorded_at=now_utc(),
            )
            try:  # the unique index on (pond_code, live_step) decides a race between two requests
                event_id = conn.execute(
                    insert(retirement_events).values(**values, live_step=step)
                ).inserted_primary_key[0]
            except IntegrityError:
                done = next(s for s in steps if s.key == step)
                raise LedgerError("ledger.recorded_meanwhile", pond=pond, step=Words(done.name, done.name_en)) from None
            self._audit(conn, actor, "ledger.record", "retirement_event", event_id, None, values)
            return event_id

    def void(self, event_id: int, reason: str, *, user: Actor, today: date | None = None) -> int:
        """Cancel a recorded step with a reason (the original stays in the ledger).

        Parameters
        ----------
        event_id : int
        reason : str
        user : monitoring.auth.Actor
            ``ledger.void``.
        today : datetime.date, optional
            "Today" in Asia/Shanghai (tests pin it).

        Returns
        -------
        int
            The id of the void event.

        Raises
        ------
        LedgerError
        """
        today = today or clock.today()
        with self._write(user, "ledger.void") as (conn, actor):
            pond = conn.execute(
                select(retirement_events.c.pond_code).where(retirement_events.c.id == event_id)
            ).scalar()
            if pond is None:
                raise LedgerError("ledger.no_event", event=event_id)
            events = _pond_events(conn, pond)
            check_event(events, {"kind": "void", "voids": event_id, "reason": reason}, self.store.steps, today)
            cleared = conn.execute(  # one UPDATE: of two racing cancellations, only one finds the step standing
                update(retirement_events)
                .where(retirement_events.c.id == event_id, retirement_events.c.live_step.is_not(None))
                .values(live_step=None)
            )
            if cleared.rowcount != 1:
                raise LedgerError("ledger.already_cancelled", event=event_id)
            values = dict(
                pond_code=pond,
                kind="void",
                voids=event_id,
                reason=reason.strip(),
                recorded_by=actor.name,
                recorded_at=now_utc(),
            )
            void_id = conn.execute(insert(retirement_events).values(**values)).inserted_primary_key[0]
            self._audit(conn, actor, "ledger.void", "retirement_event", void_id, None, values)
            return void_id

    def events(self, pond: str | None = None) -> pd.DataFrame:
        """Every ledger event (photos excluded), oldest first.

        Parameters
        ----------
        pond : str, optional

        Returns
        -------
        pandas.DataFrame
        """
        cols = [c for c in retirement_events.c if c.name != "photo"]
        q = select(*cols, (retirement_events.c.photo.is_not(None)).label("has_photo"))
        if pond is not None:
            q = q.where(retirement_events.c.pond_code == pond)
        with self.engine.connect() as conn:
            return pd.read_sql(q.order_by(retirement_events.c.id), conn)

    def photo(self, event_id: int) -> tuple[bytes, str, str] | None:
        """The evidence photo of an event: (bytes, name, MIME type), or None."""
        with self.engine.connect() as conn:
            row = conn.execute(
                select(retirement_events.c.photo, retirement_events.c.photo_name, retirement_events.c.photo_type).where(
                    retirement_events.c.id == event_id
                )
            ).first()
        return None if row is None or row[0] is None else (bytes(row[0]), row[1], row[2])

    def done_steps(self) -> dict:
        """Done steps per pond, replayed from the events.

        Returns
        -------
        dict of str to dict
            Pond code -> {step: (date, event id)}; every pond site is present.
        """
        events = self.events()
        ponds = self.store.register.list_sites()
        out = {code: {} for code in ponds[ponds.kind == "pond"].code}
        for code, group in events.groupby("pond_code") if len(events) else []:
            recs = group.replace({float("nan"): None}).to_dict("records")
            out[code] = replay(
                {**r, "voids": None if r["voids"] is None else int(r["voids"]), "id": int(r["id"])} for r in recs
            )
        return out

    def statuses(self) -> dict:
        """``not_started`` / ``in_progress`` / ``retired`` per pond number (int)."""
        return {int(code): pond_status(done, self.store.steps) for code, done in self.done_steps().items()}
