"""Accounts: users, passwords, sessions and login throttling."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

import pandas as pd
from sqlalchemy import func, insert, select, update
from sqlalchemy.exc import IntegrityError

from ..auth import (
    ROLES,
    Actor,
    AuthError,
    check_password_rules,
    check_username,
    shared_client,
    verify_password,
)
from ..schema import login_attempts, sessions, users
from . import throttle
from .base import Repository, act, created, now_utc


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class Accounts(Repository):
    """Users, passwords, sessions and login (``store.accounts``)."""

    def authorize(self, user: Actor, action: str) -> Actor:
        """Check, without writing anything, that ``user`` may perform ``action``.

        Returns
        -------
        monitoring.auth.Actor

        Raises
        ------
        PermissionDenied
        """
        with self.engine.connect() as conn:
            return act(conn, user, action)

    def resolve(self, username: str) -> Actor | None:
        """The active account of this name as an Actor (for a command run as that account), or None."""
        with self.engine.connect() as conn:
            row = conn.execute(select(users.c.role, users.c.active).where(users.c.username == username)).first()
        return Actor(username, row.role) if row is not None and row.active else None

    def has_users(self) -> bool:
        """Whether any account exists."""
        with self.engine.connect() as conn:
            return conn.execute(select(users.c.id).limit(1)).first() is not None

    def list_users(self) -> pd.DataFrame:
        """Every account (no password hashes), by name."""
        cols = [c for c in users.c if c.name != "password_hash"]
        with self.engine.connect() as conn:
            return pd.read_sql(select(*cols).order_by(users.c.username), conn)

    def create(self, username: str, password: str, role: str, *, user: Actor, display_name: str = "") -> int:
        """Create an account.

        Parameters
        ----------
        username : str
            1–40 letters, digits, Chinese characters, ``.``, ``_`` or ``-``.
        password : str
            At least :data:`monitoring.auth.MIN_PASSWORD` characters; stored as an argon2id hash.
        role : {'viewer', 'inspector', 'leader', 'admin'}
        user : monitoring.auth.Actor
            Acting user (``user.create``, admin; or the console).
        display_name : str, optional

        Returns
        -------
        int
            The account id.

        Raises
        ------
        AuthError
            Bad username, weak password, unknown role, or the name is taken.
        PermissionDenied
        """
        username = check_username(username)
        if role not in ROLES:
            raise AuthError("auth.bad_role", field="role", value=role, roles=", ".join(ROLES))
        check_password_rules(password, username)
        digest = self.store.hasher.hash(password)
        with self._write(user, "user.create") as (conn, actor):
            if conn.execute(select(users.c.id).where(func.lower(users.c.username) == username.lower())).first():
                raise AuthError("auth.taken", field="username", value=username)
            values = dict(
                username=username,
                password_hash=digest,
                role=role,
                active=True,
                display_name=(display_name or "").strip(),
                password_changed_at=now_utc(),
                **created(actor.name),
            )
            try:
                uid = conn.execute(insert(users).values(**values)).inserted_primary_key[0]
            except IntegrityError:  # a racing request took the name (unique index on lower(username))
                raise AuthError("auth.taken", field="username", value=username) from None
            self._audit(conn, actor, "user.create", "user", username, None, values)
            return uid

    def update(
        self,
        username: str,
        *,
        user: Actor,
        role: str | None = None,
        active: bool | None = None,
        password: str | None = None,
        display_name: str | None = None,
    ) -> None:
        """Change an account's role, enable or disable it, or reset its password.

        Disabling an account or resetting its password ends its open sessions.
        An administrator cannot disable or demote their own account (so that
        there is always one left).

        Parameters
        ----------
        username : str
        user : monitoring.auth.Actor
            Acting user (``user.update``, admin).
        role, active, password, display_name : optional

        Raises
        ------
        AuthError, PermissionDenied
        """
        if role is not None and role not in ROLES:
            raise AuthError("auth.bad_role", field="role", value=role, roles=", ".join(ROLES))
        if password is not None:
            check_password_rules(password, username)
        digest = self.store.hasher.hash(password) if password is not None else None
        with self._write(user, "user.update") as (conn, actor):
            old = conn.execute(select(users).where(users.c.username == username)).mappings().first()
            if old is None:
                raise AuthError("auth.unknown_user", field="username", value=username)
            if actor.name == username and (active is False or (role is not None and role != "admin")):
                raise AuthError("auth.self_lockout")
            values = {"updated_by": actor.name, "updated_at": now_utc()}
            if role is not None:
                values["role"] = role
            if active is not None:
                values["active"] = bool(active)
            if display_name is not None:
                values["display_name"] = display_name.strip()
            if digest is not None:
                values["password_hash"] = digest
                values["password_changed_at"] = now_utc()
            conn.execute(update(users).where(users.c.id == old["id"]).values(**values))
            if active is False or digest is not None:
                reason = "disabled" if active is False else "password"
                self._end_sessions(conn, username, reason)
            if digest is not None:  # a new password from an administrator lifts a lock on the account
                throttle.clear(conn, username)
            shown = {k: ("(changed)" if k == "password_hash" else v) for k, v in values.items()}
            before = {k: ("(old)" if k == "password_hash" else old[k]) for k in values}
            self._audit(conn, actor, "user.update", "user", username, before, shown)

    def change_password(
        self,
        username: str,
        old_password: str,
        new_password: str,
        client: str = "unknown",
        keep_token: str | None = None,
        now: datetime | None = None,
    ) -> None:
        """A user changes their own password (any role), giving the current one.

        A wrong current password counts as a failed login (per account and per
        client), so this form cannot be used to guess passwords. A change ends
        the user's other sessions; the one given as ``keep_token`` stays.

        Parameters
        ----------
        username, old_password, new_password : str
        client : str
            The client's address (for throttling).
        keep_token : str, optional
            The session the change is made from.
        now : datetime.datetime, optional
            Naive UTC (tests pin it).

        Raises
        ------
        AuthError
            Wrong current password, a weak new one, or ``locked``.
        """
        check_password_rules(new_password, username)
        now = now or now_utc()
        client = str(client or "unknown")[:64]
        keys = self._claim(username, client, now, "password")
        with self.engine.connect() as conn:
            row = conn.execute(select(users).where(users.c.username == username)).mappings().first()
        ok = (
            row is not None
            and row["active"]
            and verify_password(row["password_hash"], old_password or "", self.store.hasher)
        )
        digest = self.store.hasher.hash(new_password) if ok else None
        with self.engine.begin() as conn:
            conn.execute(insert(login_attempts).values(username=username, client=client, at=now, success=bool(ok)))
            if not ok:
                self._audit(
                    conn, username or "?", "auth.failed", "user", username, None,
                    {"client": client, "why": "wrong current password"},
                )  # fmt: skip
            else:
                throttle.release(conn, keys, int(self.store.auth.max_failures))
                values = {"password_hash": digest, "password_changed_at": now}
                values |= {"updated_by": username, "updated_at": now}
                conn.execute(update(users).where(users.c.id == row["id"]).values(**values))
                others = sessions.c.token_hash != _token_hash(keep_token) if keep_token else True
                conn.execute(
                    update(sessions)
                    .where(sessions.c.username == username, sessions.c.ended_at.is_(None), others)
                    .values(ended_at=now, end_reason="password")
                )
                self._audit(
                    conn, Actor(username, row["role"]), "user.password", "user", username, None,
                    {"password": "(changed)", "other_sessions": "ended"},
                )  # fmt: skip
        if not ok:  # the failure is committed before refusing
            raise AuthError("auth.wrong_current_password")

    def locks(self, now: datetime | None = None) -> dict[str, datetime]:
        """Accounts whose logins are locked now (someone's wrong passwords): lower-case name → end of the lock (UTC)."""
        with self.engine.connect() as conn:
            return throttle.locked(conn, now or now_utc())

    def unlock(self, username: str, *, user: Actor) -> bool:
        """Lift a login lock on an account (after the owner was locked out by someone's guesses).

        Returns
        -------
        bool
            Whether the account had failures or a lock to lift.

        Raises
        ------
        AuthError
            No such account.
        PermissionDenied
        """
        with self._write(user, "user.update") as (conn, actor):
            if conn.execute(select(users.c.id).where(users.c.username == username)).first() is None:
                raise AuthError("auth.unknown_user", field="username", value=username)
            lifted = throttle.clear(conn, username) > 0
            self._audit(
                conn, actor, "user.update", "user", username, None, {"login_lock": "lifted" if lifted else "none"}
            )
            return lifted

    def _dummy_hash(self) -> str:
        # Verified against when the account does not exist, so that both cases take as long.
        if not hasattr(self, "_dummy"):
            self._dummy = self.store.hasher.hash(secrets.token_hex(16))
        return self._dummy

    def _claim(self, username: str, client: str, now: datetime, during: str) -> throttle.Keys:
        """Count this attempt before any password is checked, or refuse it (audited) during a lock."""
        cfg = self.store.auth
        keys = throttle.Keys.of(username, client, not shared_client(client, cfg))
        lock = timedelta(minutes=float(cfg.lock_minutes))
        try:
            with self.engine.begin() as conn:
                throttle.claim(conn, keys, now, int(cfg.max_failures), lock)
        except throttle.Locked as exc:
            with self.engine.begin() as conn:
                after = {"client": client, "locked": exc.kind, "until": exc.until, "during": during}
                self._audit(conn, username or "?", "auth.locked", "user", username, None, after)
            minutes = max(1, int((exc.until - now).total_seconds() // 60) + 1)
            raise AuthError("auth.locked", minutes=minutes) from None
        return keys

    def login(self, username: str, password: str, client: str = "unknown", now: datetime | None = None) -> str:
        """Check a password and open a session.

        Five failures (``[auth] max_failures``) for one account, or from one
        client, lock it for 15 minutes (``lock_minutes``); every attempt is
        counted in the database before its password is checked
        (:mod:`monitoring.store.throttle`), so parallel attempts cannot get more
        checks. A client that stands for many people (loopback, a trusted proxy,
        unknown) is counted per account only. A refusal during a lock is audited.
        The message never says whether the account exists.

        Parameters
        ----------
        username, password : str
        client : str
            The client's address (for per-client throttling).
        now : datetime.datetime, optional
            Naive UTC (tests pin it).

        Returns
        -------
        str
            The session token (only its sha256 is stored).

        Raises
        ------
        AuthError
            ``locked`` (with the time it ends) or ``bad_login``.
        """
        now = now or now_utc()
        username = str(username or "").strip()[:64]
        client = str(client or "unknown")[:64]
        keys = self._claim(username, client, now, "login")
        with self.engine.connect() as conn:
            row = conn.execute(select(users).where(users.c.username == username)).mappings().first()
        stored = row["password_hash"] if row is not None else self._dummy_hash()
        ok = verify_password(stored, password or "", self.store.hasher) and row is not None and row["active"]
        token = secrets.token_urlsafe(32)
        with self.engine.begin() as conn:
            conn.execute(insert(login_attempts).values(username=username, client=client, at=now, success=bool(ok)))
            if not ok:
                why = "unknown account" if row is None else ("disabled" if not row["active"] else "wrong password")
                self._audit(
                    conn, username or "?", "auth.failed", "user", username, None, {"client": client, "why": why}
                )
            else:
                throttle.release(conn, keys, int(self.store.auth.max_failures))
                conn.execute(
                    insert(sessions).values(
                        token_hash=_token_hash(token), username=username, client=client, created_at=now, last_seen=now
                    )
                )
                self._audit(conn, username, "auth.login", "user", username, None, {"client": client})
        if not ok:  # the failed attempt is committed before refusing
            raise AuthError("auth.bad_login")
        return token

    def session_user(self, token: str | None, now: datetime | None = None) -> Actor | None:
        """The account behind a session token, or None when it is unknown, ended or idle too long.

        An idle session (``[auth] session_idle_hours``, 8 h by default), or one
        older than ``session_max_days`` (7 days by default) however active, is
        ended here; an active one has its ``last_seen`` refreshed.

        Parameters
        ----------
        token : str or None
        now : datetime.datetime, optional
            Naive UTC.

        Returns
        -------
        monitoring.auth.Actor or None
        """
        if not token:
            return None
        now = now or now_utc()
        key = _token_hash(token)
        with self.engine.begin() as conn:
            row = conn.execute(select(sessions).where(sessions.c.token_hash == key)).mappings().first()
            if row is None or row["ended_at"] is not None:
                return None
            account = conn.execute(
                select(users.c.role, users.c.active).where(users.c.username == row["username"])
            ).first()
            idle = timedelta(hours=float(self.store.auth.session_idle_hours))
            reason = "expired" if now - row["last_seen"] > idle else None
            if now - row["created_at"] > timedelta(days=float(self.store.auth.session_max_days)):
                reason = "lifetime"
            if account is None or not account.active:
                reason = "disabled"
            if reason:
                conn.execute(
                    update(sessions).where(sessions.c.token_hash == key).values(ended_at=now, end_reason=reason)
                )
                self._audit(conn, row["username"], f"auth.{reason}", "user", row["username"], None, None)
                return None
            if now - row["last_seen"] > timedelta(seconds=60):
                conn.execute(update(sessions).where(sessions.c.token_hash == key).values(last_seen=now))
            return Actor(row["username"], account.role)

    def logout(self, token: str | None, now: datetime | None = None) -> None:
        """End a session (nothing happens for an unknown or ended one)."""
        if not token:
            return
        now = now or now_utc()
        key = _token_hash(token)
        with self.engine.begin() as conn:
            row = conn.execute(select(sessions).where(sessions.c.token_hash == key)).mappings().first()
            if row is None or row["ended_at"] is not None:
                return
            conn.execute(update(sessions).where(sessions.c.token_hash == key).values(ended_at=now, end_reason="logout"))
            self._audit(conn, row["username"], "auth.logout", "user", row["username"], None, None)

    def _end_sessions(self, conn, username: str, reason: str) -> None:
        conn.execute(
            update(sessions)
            .where(sessions.c.username == username, sessions.c.ended_at.is_(None))
            .values(ended_at=now_utc(), end_reason=reason)
        )
