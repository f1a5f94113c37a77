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
import ipaddress
import re
from dataclasses import dataclass, fields

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
    "client_address",
    "console_actor",
    "default_hasher",
    "load_auth_config",
    "shared_client",
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
    "sample.not_sampled": _INSPECTOR,
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
    "task.progress": _ADMIN,
    "task.progress_void": _ADMIN,
    "site.add": _ADMIN,
    "site.alias": _ADMIN,
    # Placing a section the documents leave 位置待定 (each placement a new version, with provenance).
    "site.place": _ADMIN,
    "register.load": _ADMIN,
    "register.correct": _ADMIN,
    "register.verify": _ADMIN,
    # Uploading a boundary file, and drawing or editing the lake outline, section points or a
    # pond outline on the map (each save a new version). Inspectors do not draw pond outlines:
    # an outline decides a pond's zone answer, as a register correction does (admin only);
    # what they see on site they record as patrols and tips, with a GPS position.
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
        How long the lock lasts, counted from the failure that started it.
    session_idle_hours : float
        A session ends after this long without activity.
    session_max_days : float
        A session ends this long after the login, however active.
    public_map : bool
        Anonymous visitors may see the map (read-only); otherwise only the login page.
    trusted_proxy_header : str
        A header naming the client (e.g. ``X-Forwarded-For``), read only when the
        connection comes from one of ``trusted_proxies``; empty: the connection's address.
    trusted_proxies : tuple of str
        Addresses (or networks) of reverse proxies; loopback always counts as one.
    """

    max_failures: int = 5
    lock_minutes: float = 15
    session_idle_hours: float = 8
    session_max_days: float = 7
    public_map: bool = False
    trusted_proxy_header: str = ""
    trusted_proxies: tuple = ()

    def __post_init__(self):
        if int(self.max_failures) < 1:
            raise ValueError("[auth] max_failures must be at least 1")
        if min(float(self.lock_minutes), float(self.session_idle_hours), float(self.session_max_days)) <= 0:
            raise ValueError("[auth] lock_minutes, session_idle_hours and session_max_days must be positive")
        if not isinstance(self.public_map, bool):
            raise ValueError("[auth] public_map must be true or false")
        header = self.trusted_proxy_header
        if not isinstance(header, str) or not re.fullmatch(r"[A-Za-z0-9-]*", header):
            raise ValueError("[auth] trusted_proxy_header must be a header name such as X-Forwarded-For")
        proxies = tuple(self.trusted_proxies or ())
        for p in proxies:
            try:
                ipaddress.ip_network(str(p), strict=False)
            except ValueError:
                raise ValueError(f"[auth] trusted_proxies: {p!r} is not an address or network") from None
        object.__setattr__(self, "trusted_proxies", proxies)


def _ip(text: str):
    try:
        return ipaddress.ip_address(str(text).strip())
    except ValueError:
        return None


def shared_client(client: str, config: AuthConfig) -> bool:
    """Whether a client address stands for many people (loopback, a proxy, or unknown).

    Login failures from such an address are not counted per client: one lock would
    shut every user behind it out. They still count per account.

    Examples
    --------
    >>> cfg = AuthConfig(trusted_proxies=("10.1.0.0/16",))
    >>> [shared_client(c, cfg) for c in ("127.0.0.1", "::1", "10.1.2.3", "unknown", "203.0.113.9")]
    [True, True, True, True, False]
    """
    ip = _ip(client)
    if ip is None:
        return client in ("", "unknown")
    return ip.is_loopback or any(ip in ipaddress.ip_network(p, strict=False) for p in config.trusted_proxies)


def client_address(peer: str | None, forwarded: list[str], config: AuthConfig) -> str:
    """The client of a request, for login throttling.

    The proxy header is believed only when it is configured and the connection comes
    from a trusted proxy (loopback or ``trusted_proxies``); then the client is the
    right-most address in it that is not itself a trusted proxy.

    Parameters
    ----------
    peer : str or None
        The connection's address (None: loopback, as Streamlit reports it).
    forwarded : list of str
        Every value of the configured header, in order.
    config : AuthConfig

    Returns
    -------
    str

    Examples
    --------
    >>> cfg = AuthConfig(trusted_proxy_header="X-Forwarded-For")
    >>> client_address(None, ["198.51.100.7, 203.0.113.9"], cfg)
    '203.0.113.9'
    >>> client_address("203.0.113.50", ["198.51.100.7"], cfg)  # not from a proxy: the header is ignored
    '203.0.113.50'
    >>> client_address(None, ["198.51.100.7"], AuthConfig())  # no header configured
    '127.0.0.1'
    >>> client_address(None, ["not an address"], cfg)
    '127.0.0.1'
    """
    peer = str(peer) if isinstance(peer, str) and peer else "127.0.0.1"
    if not config.trusted_proxy_header or not shared_client(peer, config) or _ip(peer) is None:
        return peer
    hops = [h for value in forwarded for h in str(value).split(",")]
    for hop in reversed(hops):
        ip = _ip(hop)
        if ip is None:
            return peer
        if not shared_client(str(ip), config):
            return str(ip)
    return peer


def load_auth_config(config: dict | None = None) -> AuthConfig:
    """Read ``[auth]`` (defaults: 5 failures, 15-minute lock, 8 idle hours, 7-day sessions, no public map).

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
    if "trusted_proxies" in raw:
        if not isinstance(raw["trusted_proxies"], list):
            raise ValueError("[auth] trusted_proxies must be a list of addresses")
        raw = {**raw, "trusted_proxies": tuple(raw["trusted_proxies"])}
    return AuthConfig(**raw)
