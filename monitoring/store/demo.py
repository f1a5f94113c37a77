"""Demo (synthetic) data: whether it is there, and removing it."""

from __future__ import annotations

from sqlalchemy import select

from ..auth import Actor
from ..schema import samples, tracing_cases
from .base import Repository


class Demo(Repository):
    """Synthetic samples and cases (``store.demo``); real data is never deleted."""

    def present(self) -> bool:
        """Whether demo (synthetic) data is present."""
        with self.engine.connect() as conn:
            return conn.execute(select(samples.c.id).where(samples.c.synthetic).limit(1)).first() is not None

    def remove(self, *, user: Actor) -> int:
        """Delete every synthetic sample and case (demo data only; real data is never deleted).

        Parameters
        ----------
        user : monitoring.auth.Actor
            Acting user (``demo.remove``, admin).

        Returns
        -------
        int
            Sample rows removed.
        """
        with self._write(user, "demo.remove") as (conn, actor):
            cases = conn.execute(tracing_cases.delete().where(tracing_cases.c.synthetic)).rowcount
            n = conn.execute(samples.delete().where(samples.c.synthetic)).rowcount
            if n or cases:
                self._audit(conn, actor, "demo.remove", "sample", "synthetic", {"samples": n, "cases": cases}, None)
            return n
