"""The audit trail: one row per change, never updated or deleted."""

from __future__ import annotations

from datetime import datetime

import pandas as pd
from sqlalchemy import func, select

from ..schema import audit
from .base import Repository


class Audit(Repository):
    """Reading the audit trail (``store.audit``); rows are written by each write's guard."""

    def log(
        self,
        actor: str | None = None,
        action: str | None = None,
        entity: str | None = None,
        entity_id: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        limit: int | None = 1000,
    ) -> pd.DataFrame:
        """Audit rows, newest first, filtered.

        Parameters
        ----------
        actor, action, entity, entity_id : str, optional
            Exact matches; ``action`` ending in ``.`` matches a prefix (``sample.``).
        since, until : datetime.datetime, optional
            Naive UTC bounds (inclusive, exclusive).
        limit : int, optional

        Returns
        -------
        pandas.DataFrame
        """
        q = select(audit)
        if actor:
            q = q.where(audit.c.actor == actor)
        if action:
            q = q.where(audit.c.action.startswith(action) if action.endswith(".") else audit.c.action == action)
        if entity:
            q = q.where(audit.c.entity == entity)
        if entity_id is not None:
            q = q.where(audit.c.entity_id == str(entity_id))
        if since is not None:
            q = q.where(audit.c.at >= since)
        if until is not None:
            q = q.where(audit.c.at < until)
        q = q.order_by(audit.c.id.desc())
        if limit:
            q = q.limit(limit)
        with self.engine.connect() as conn:
            return pd.read_sql(q, conn)

    def count(self) -> int:
        """Number of audit rows."""
        with self.engine.connect() as conn:
            return conn.execute(select(func.count()).select_from(audit)).scalar()
