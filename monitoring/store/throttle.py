"""Login throttling counted in the database: one claim per attempt, taken before the password check.

An attempt first claims a slot on each of its counters (the account, the client, and the client
on that account) with one ``UPDATE ... WHERE failures < max`` each, in one transaction: the
database serialises claims on a row, so however many attempts arrive at once, at most
``max_failures`` of them reach the password check. A failed check keeps its claims; a success
clears the account's count and gives back only the failures this client had on this account,
so an attacker's successful login to their own account never clears what they spent guessing
others. The counters live in ``login_throttle``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, case, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite

from ..schema import login_throttle

ACCOUNT, CLIENT, PAIR = "account", "client", "pair"


@dataclass(frozen=True)
class Keys:
    """The counters one attempt is charged to (``client`` and ``pair`` None for a shared address)."""

    account: str
    client: str | None
    pair: str | None

    @classmethod
    def of(cls, username: str, client: str, per_client: bool) -> Keys:
        """The counters of ``username`` tried from ``client``.

        Examples
        --------
        >>> Keys.of("Li", "203.0.113.9", True)
        Keys(account='li', client='203.0.113.9', pair='203.0.113.9|li')
        >>> Keys.of("Li", "127.0.0.1", False).client is None
        True
        """
        account = username.lower()
        if not per_client:
            return cls(account, None, None)
        return cls(account, client, f"{client}|{account}")

    def rows(self) -> list[tuple[str, str]]:
        """(kind, name) in the one order every transaction takes them (no deadlock)."""
        out = [(ACCOUNT, self.account)]
        if self.client is not None:
            out += [(CLIENT, self.client), (PAIR, self.pair)]
        return out


class Locked(Exception):
    """A claim refused: the counter ``kind`` is locked until ``until``."""

    def __init__(self, kind: str, until: datetime):
        super().__init__(kind)
        self.kind, self.until = kind, until


def _insert_missing(conn, kind: str, name: str, now: datetime) -> None:
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    stmt = dialect.insert(login_throttle).values(kind=kind, name=name, failures=0, last_at=now)
    conn.execute(stmt.on_conflict_do_nothing(index_elements=["kind", "name"]))


def claim(conn, keys: Keys, now: datetime, max_failures: int, lock: timedelta) -> None:
    """Count one attempt on every counter of ``keys``, or refuse it (nothing counted).

    Run inside the caller's transaction, which must roll back on :class:`Locked`.
    A counter's failures are forgotten once its lock has run out, or
    ``lock × (max_failures + 1)`` after the last one.

    Raises
    ------
    Locked
        One of the counters is locked; its end time.
    """
    t = login_throttle.c
    forget = now - lock * (max_failures + 1)
    for kind, name in keys.rows():
        _insert_missing(conn, kind, name, now)
    for kind, name in keys.rows():
        stale = or_(t.locked_until <= now, and_(t.locked_until.is_(None), t.last_at < forget))
        failures = case((stale, 1), else_=t.failures + 1)
        open_ = or_(stale, and_(t.locked_until.is_(None), t.failures < max_failures))
        values = {"failures": failures, "last_at": now}
        if kind != PAIR:  # the pair only remembers what to give back; it never locks
            values["locked_until"] = case((failures >= max_failures, now + lock), else_=None)
        else:
            open_ = True
        done = conn.execute(update(login_throttle).where(t.kind == kind, t.name == name, open_).values(**values))
        if done.rowcount != 1:
            until = conn.execute(select(t.locked_until).where(t.kind == kind, t.name == name)).scalar()
            raise Locked(kind, until or now + lock)


def release(conn, keys: Keys, max_failures: int) -> None:
    """After a success: clear the account's count, give back this client's failures on it.

    Other clients' counts, and this client's failures on other accounts, stay.
    """
    t = login_throttle.c
    conn.execute(
        update(login_throttle).where(t.kind == ACCOUNT, t.name == keys.account).values(failures=0, locked_until=None)
    )
    if keys.client is None:
        return
    spent = conn.execute(select(t.failures).where(t.kind == PAIR, t.name == keys.pair)).scalar() or 0
    left = case((t.failures > spent, t.failures - spent), else_=0)
    conn.execute(
        update(login_throttle)
        .where(t.kind == CLIENT, t.name == keys.client)
        .values(failures=left, locked_until=case((left >= max_failures, t.locked_until), else_=None))
    )
    conn.execute(update(login_throttle).where(t.kind == PAIR, t.name == keys.pair).values(failures=0))


def clear(conn, account: str) -> int:
    """Lift an account's lock and forget its failures; the number of counters changed."""
    t = login_throttle.c
    done = conn.execute(
        update(login_throttle)
        .where(t.kind == ACCOUNT, t.name == account.lower(), t.failures > 0)
        .values(failures=0, locked_until=None)
    )
    return done.rowcount


def locked(conn, now: datetime) -> dict[str, datetime]:
    """Accounts locked at ``now``: lower-case name → the lock's end."""
    t = login_throttle.c
    rows = conn.execute(select(t.name, t.locked_until).where(t.kind == ACCOUNT, t.locked_until > now))
    return {name: until for name, until in rows}
