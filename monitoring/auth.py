"""Accounts, roles and permissions: who may do what, checked inside the Store.

Roles (the issue's wording):

- ``viewer`` (bureau staff): map, dashboards, exports; no data entry.
- ``inspector``: viewer + samples, source tracing, patrols, tips.
- ``leader``: viewer + dashboard exports; no data entry.
- ``admin``: everything, including register edits, boundary uploads,
  retirement ledger entries and corrections, and users.

Every mutating :class:`monitoring.store.Store` method names its action and
calls :func:`check_permission`; hiding a button in the UI is never the check.
"""

from __future__ import annotations

import getpass
import re
from dataclasses import dataclass, fields
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from .errors import MonitoringError, Term

__all__ = [
    "ACTIONS",
    "CONSOLE",
    "ROLES",
    "Actor",
    "AuthConfig",
    "AuthError",
    "PermissionDenied",
    "check_password_rules",
    "check_permission",
    "check_username",
    "console_actor",
    "default_hasher",
    "load_auth_config",
    "lock_until",
    "verify_password",
]

ROLES = ("viewer", "inspector", "leader", "admin")

_INSPECTOR = frozenset({"inspector", "admin"})
_ADMIN = frozenset({"admin"})

#: Every mutating action and the roles allowed to do it.
ACTIONS: dict[str, frozenset] = {
    "sample.add": _INSPECTOR,
    "sample.correct": _INSPECTOR,
    "sample.retract": _INSPECTOR,
    "sample.import": _INSPECTOR,
    "case.update": _INSPECTOR,
    "case.close": _INSPECTOR,
    "patrol.add": _INSPECTOR,
    "patrol.case": _INSPECTOR,
    "tip.add": _INSPECTOR,
    "tip.update": _INSPECTOR,
    "ledger.record": _ADMIN,
    "ledger.void": _ADMIN,
    "lake.plan": _ADMIN,
    "lake.plan_void": _ADMIN,
    "lake.release": _ADMIN,
    "lake.release_void": _ADMIN,
    "lake.group": _ADMIN,
    "site.add": _ADMIN,
    "register.load": _ADMIN,
    "register.correct": _ADMIN,
    "register.verify": _ADMIN,
    "boundary.upload": _ADMIN,
    "demo.load": _ADMIN,
    "demo.remove": _ADMIN,
    "user.create": _ADMIN,
    "user.update": _ADMIN,
}

MIN_PASSWORD = 10
_USERNAME = re.compile(r"^[A-Za-z0-9_.\-\u4e00-\u9fff]{1,40}$")
_RESERVED = {"console", "system", "anonymous"}


class PermissionDenied(MonitoringError):
    """The acting user may not do this.

    Codes: ``permission.role`` (the role lacks the permission), ``permission.no_account``,
    ``permission.disabled``, ``permission.no_actor``.

    Parameters
    ----------
    code : str
    user : str
        The acting account's name.
    action : str
        A key of :data:`ACTIONS` (shown as the catalogue's ``action.*`` text).
    role : str, optional
        For ``permission.role``.
    """

    default_code = "permission.no_actor"

    def __init__(self, code=None, /, *, user="", action="", role=None, **params):
        params = {"user": str(user), "action": Term(f"action.{action}"), **params}
        if role is not None:
            params["role"] = Term(f"role.{role}")
        super().__init__(code, **params)

    @property
    def user(self) -> str:
        """Who was refused."""
        return self.params.get("user", "")

    @property
    def action(self) -> str:
        """The refused action (a key of :data:`ACTIONS`)."""
        return str(self.params.get("action", "")).removeprefix("action.")


class AuthError(MonitoringError):
    """A login, password or account problem; ``code`` is stable (``auth.bad_login``, ``auth.locked`` ...).

    Parameters
    ----------
    code : str
    **params
        ``minutes`` for ``auth.locked``: how long until the lock ends.
    """

    default_code = "auth.bad_login"

    @property
    def minutes(self) -> int | None:
        """For ``auth.locked``: minutes until the lock ends."""
        return self.params.get("minutes")


@dataclass(frozen=True)
class Actor:
    """Who performs a Store action.

    Attributes
    ----------
    name : str
        Recorded in the data and the audit trail.
    role : str
    """

    name: str
    role: str


#: The server console (``python -m monitoring ...``): whoever can run commands
#: on the server already owns the database file, so it may do everything.  It
#: is an object, not a name: no login can produce it.
CONSOLE = Actor("console", "admin")


def console_actor() -> Actor:
    """The console actor, named after the operating-system login for the audit trail."""
    try:
        who = getpass.getuser()
    except (KeyError, OSError):
        who = "unknown"
    return Actor(f"console:{who}", "admin")


def check_permission(role: str, action: str, user: str = "") -> None:
    """Raise unless ``role`` may perform ``action``.

    Parameters
    ----------
    role : str
    action : str
        A key of :data:`ACTIONS`.
    user : str
        For the message.

    Raises
    ------
    KeyError
        For an unknown action (a programming error).
    PermissionDenied

    Examples
    --------
    >>> check_permission("admin", "ledger.record")
    >>> check_permission("leader", "sample.add", "wang")
    Traceback (most recent call last):
    ...
    monitoring.auth.PermissionDenied: wang (leader) may not enter samples.
    """
    allowed = ACTIONS[action]
    if role not in allowed:
        raise PermissionDenied("permission.role", user=user, action=action, role=role)


def check_username(name: str) -> str:
    """The username, stripped, or :class:`AuthError` saying why it cannot be used."""
    name = (name or "").strip()
    if not _USERNAME.match(name):
        raise AuthError("auth.bad_username", field="username", value=name)
    if name.lower() in _RESERVED or name.lower().startswith("console:"):
        raise AuthError("auth.reserved_username", field="username", value=name)
    return name


def check_password_rules(password: str, username: str = "") -> None:
    """Raise :class:`AuthError` for a password too weak to accept.

    At least ``MIN_PASSWORD`` characters, not the username, not one repeated character.
    """
    if not isinstance(password, str) or len(password) < MIN_PASSWORD:
        raise AuthError("auth.weak_password.short", min=MIN_PASSWORD)
    if username and password.strip().lower() == username.strip().lower():
        raise AuthError("auth.weak_password.username")
    if len(set(password)) < 3:
        raise AuthError("auth.weak_password.repetitive")


def default_hasher() -> PasswordHasher:
    """argon2id with the library's recommended parameters."""
    return PasswordHasher()


def verify_password(stored: str, password: str, hasher: PasswordHasher | None = None) -> bool:
    """Whether ``password`` matches ``stored``; False for a malformed hash."""
    try:
        return (hasher or default_hasher()).verify(stored, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


@dataclass(frozen=True)
class AuthConfig:
    """The ``[auth]`` section of the configuration.

    Attributes
    ----------
    max_failures : int
        Failed logins (per account, and per client) before a lock.
    lock_minutes : float
        How long the lock lasts, counted from the last failure.
    session_idle_hours : float
        A session ends after this long without activity.
    public_map : bool
        Anonymous visitors may see the map (read-only); otherwise only the login page.
    """

    max_failures: int = 5
    lock_minutes: float = 15
    session_idle_hours: float = 8
    public_map: bool = False

    def __post_init__(self):
        if int(self.max_failures) < 1:
            raise ValueError("[auth] max_failures must be at least 1")
        if float(self.lock_minutes) <= 0 or float(self.session_idle_hours) <= 0:
            raise ValueError("[auth] lock_minutes and session_idle_hours must be positive")
        if not isinstance(self.public_map, bool):
            raise ValueError("[auth] public_map must be true or false")


def load_auth_config(config: dict | None = None) -> AuthConfig:
    """Read ``[auth]`` (defaults: 5 failures, 15-minute lock, 8-hour sessions, no public map).

    Raises
    ------
    ValueError
        For an unknown key or an unusable value.
    """
    from geo.config import load_config

    raw = (config if config is not None else load_config()).get("auth", {})
    unknown = set(raw) - {f.name for f in fields(AuthConfig)}
    if unknown:
        raise ValueError(f"[auth] has unknown key(s): {', '.join(sorted(unknown))}")
    return AuthConfig(**raw)


def lock_until(events, max_failures: int, lock: timedelta) -> datetime | None:
    """When a lock from these login attempts ends, or None.

    Parameters
    ----------
    events : iterable of (datetime, bool)
        Attempt time and success, oldest first.
    max_failures : int
        Consecutive failures that start a lock.
    lock : datetime.timedelta

    Returns
    -------
    datetime.datetime or None

    Examples
    --------
    >>> t = datetime(2026, 1, 1, 8)
    >>> lock_until([(t, False)] * 5, 5, timedelta(minutes=15))
    datetime.datetime(2026, 1, 1, 8, 15)
    >>> lock_until([(t, False)] * 4 + [(t, True)], 5, timedelta(minutes=15)) is None
    True
    """
    count, until = 0, None
    for at, ok in events:
        if until is not None and at < until:
            continue
        if ok:
            count = 0
            continue
        count += 1
        if count >= max_failures:
            until, count = at + lock, 0
    return until
