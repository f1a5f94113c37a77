"""Field work: patrols (with their cases) and public tips."""

from __future__ import annotations

from datetime import date

import pandas as pd
from sqlalchemy import insert, select, update

from .. import clock
from ..auth import Actor
from ..errors import InputError, Term
from ..field import TIP_TRANSITIONS, check_patrol, tip_zones
from ..schema import patrols, sites, tips
from .base import Repository, created, now_utc, photo_type


class Field(Repository):
    """Patrols and public tips (``store.field``)."""

    def add_patrol(
        self,
        patrol_date: date,
        inspectors: str,
        *,
        user: Actor,
        ponds=(),
        area: str = "",
        findings=(),
        dead_fish_disposal: str = "",
        notes: str = "",
        photo: bytes | None = None,
        photo_name: str | None = None,
        open_case: bool = False,
        today: date | None = None,
    ) -> int:
        """Record a patrol; a finding can open a case.

        Parameters
        ----------
        patrol_date : datetime.date
        inspectors : str
        user : monitoring.auth.Actor
            ``patrol.add``.
        ponds : list of str
            Pond codes visited (picked on the map or from the list).
        area : str
            Area visited, in words.
        findings : list of str
            Keys of :data:`monitoring.field.FINDINGS`.
        dead_fish_disposal, notes : str
        photo : bytes, optional
            JPEG or PNG, at most 5 MB.
        photo_name : str, optional
        open_case : bool
            Open a case for the findings (needs at least one finding).
        today : datetime.date, optional

        Returns
        -------
        int

        Raises
        ------
        monitoring.errors.InputError, monitoring.ledger.LedgerError
        """
        today = today or clock.today()
        ponds, findings = [str(p) for p in ponds], list(findings)
        with self._write(user, "patrol.add") as (conn, actor):
            codes = set(conn.execute(select(sites.c.code).where(sites.c.kind == "pond")).scalars())
            check_patrol(patrol_date, inspectors, ponds, findings, dead_fish_disposal, codes, today)
            if open_case and not findings:
                raise InputError("patrol.case_needs_finding", field="findings")
            mime = photo_type(photo)
            values = dict(
                patrol_date=patrol_date,
                inspectors=inspectors.strip(),
                ponds=",".join(ponds),
                area=area,
                findings=",".join(findings),
                dead_fish_disposal=dead_fish_disposal,
                notes=notes,
                photo=photo,
                photo_name=photo_name,
                photo_type=mime,
                case_status="open" if open_case else "none",
                **created(actor.name),
            )
            patrol_id = conn.execute(insert(patrols).values(**values)).inserted_primary_key[0]
            self._audit(conn, actor, "patrol.add", "patrol", patrol_id, None, values)
            return patrol_id

    def update_patrol_case(self, patrol_id: int, *, user: Actor, action=None, unit=None, deadline=None, close=False):
        """Record the action, unit and deadline of a patrol's case, or close it.

        Parameters
        ----------
        patrol_id : int
        user : monitoring.auth.Actor
            ``patrol.case``.
        action, unit : str, optional
        deadline : datetime.date, optional
        close : bool
            Close the case (needs the action taken).

        Raises
        ------
        monitoring.errors.InputError
        """
        with self._write(user, "patrol.case") as (conn, actor):
            row = conn.execute(select(patrols).where(patrols.c.id == patrol_id)).mappings().first()
            if row is None or row["case_status"] != "open":
                raise InputError("patrol.no_open_case", field="patrol", value=patrol_id)
            values = {"updated_by": actor.name, "updated_at": now_utc()}
            if action is not None:
                values["case_action"] = action
            if unit is not None:
                values["case_unit"] = unit
            if deadline is not None:
                values["case_deadline"] = deadline
            if close:
                if not (values.get("case_action") or row["case_action"]).strip():
                    raise InputError("patrol.close_needs_action", field="case_action")
                values["case_status"] = "closed"
            conn.execute(update(patrols).where(patrols.c.id == patrol_id).values(**values))
            self._audit(conn, actor, "patrol.case", "patrol", patrol_id, {k: row[k] for k in values}, values)

    def list_patrols(self) -> pd.DataFrame:
        """Every patrol, newest first (photos excluded)."""
        cols = [c for c in patrols.c if c.name != "photo"]
        with self.engine.connect() as conn:
            return pd.read_sql(
                select(*cols, patrols.c.photo.is_not(None).label("has_photo")).order_by(
                    patrols.c.patrol_date.desc(), patrols.c.id.desc()
                ),
                conn,
            )

    def add_tip(
        self, received: date, what: str, location: str, ds, *, user: Actor, contact: str = "", today=None
    ) -> int:
        """Take in a public tip; its location is tested against the zones at once.

        Parameters
        ----------
        received : datetime.date
        what : str
            What was seen.
        location : str
            Coordinates as typed (any notation of the coordinate parser).
        ds : geo.dataset.Dataset
            For the zone test.
        user : monitoring.auth.Actor
            ``tip.add``.
        contact : str, optional
        today : datetime.date, optional

        Returns
        -------
        int

        Raises
        ------
        monitoring.errors.InputError
            Missing text, a future date, or an unreadable location.
        """
        today = today or clock.today()
        if not isinstance(received, date) or received > today:
            raise InputError("input.date_missing_or_future", field="received_date", value=received)
        if not (what or "").strip():
            raise InputError("tip.what_missing", field="what", value=what)
        z = tip_zones(location, ds)
        with self._write(user, "tip.add") as (conn, actor):
            values = dict(
                received_date=received,
                what=what.strip(),
                location_text=location.strip(),
                contact=contact.strip(),
                status="received",
                **created(actor.name),
                **z,
            )
            tip_id = conn.execute(insert(tips).values(**values)).inserted_primary_key[0]
            self._audit(conn, actor, "tip.add", "tip", tip_id, None, values)
            return tip_id

    def update_tip(
        self, tip_id: int, *, user: Actor, status=None, reward_granted=None, reward_amount=None, notes=None
    ) -> None:
        """Move a tip along received → verified/unfounded → resolved; grant a reward.

        Parameters
        ----------
        tip_id : int
        user : monitoring.auth.Actor
            ``tip.update``.
        status : str, optional
        reward_granted : bool, optional
            Only for a verified or resolved tip.
        reward_amount : float, optional
            Needed (positive) when a reward is granted.
        notes : str, optional

        Raises
        ------
        monitoring.errors.InputError
        """
        with self._write(user, "tip.update") as (conn, actor):
            row = conn.execute(select(tips).where(tips.c.id == tip_id)).mappings().first()
            if row is None:
                raise InputError("tip.no_such", field="tip", value=tip_id)
            values = {"updated_by": actor.name, "updated_at": now_utc()}
            new_status = row["status"]
            if status is not None and status != row["status"]:
                if status not in TIP_TRANSITIONS[row["status"]]:
                    raise InputError(
                        "tip.transition",
                        field="status",
                        old=Term(f"tips.status.{row['status']}"),
                        new=Term(f"tips.status.{status}"),
                    )
                values["status"] = new_status = status
            if reward_granted is not None:
                if reward_granted and new_status not in ("verified", "resolved"):
                    raise InputError("tip.reward_unverified", field="reward_granted")
                if reward_granted and not (reward_amount and reward_amount > 0):
                    raise InputError("tip.reward_amount", field="reward_amount", value=reward_amount)
                values["reward_granted"] = bool(reward_granted)
                values["reward_amount"] = float(reward_amount) if reward_granted else None
            if notes is not None:
                values["notes"] = notes
            conn.execute(update(tips).where(tips.c.id == tip_id).values(**values))
            self._audit(conn, actor, "tip.update", "tip", tip_id, {k: row[k] for k in values}, values)

    def list_tips(self) -> pd.DataFrame:
        """Every tip, newest first."""
        with self.engine.connect() as conn:
            return pd.read_sql(select(tips).order_by(tips.c.received_date.desc(), tips.c.id.desc()), conn)
