"""The one way to the database: a :class:`Store` holding one repository per area.

``store.samples`` (samples, imports, weekly compliance), ``store.cases`` (tracing),
``store.ledger`` (retirement ledger), ``store.lakework``
(lake-level plans, releases, leading group), ``store.tasks`` (water bodies'
rectification task progress), ``store.field`` (patrols and tips),
``store.register`` (sites, register edits, boundary versions), ``store.accounts``
(users, passwords, sessions, login), ``store.audit`` (the audit trail) and
``store.demo`` (demo data), ``store.not_sampled`` (points a lab marked not sampled) and
``store.aliases`` (other names of sites, for the sample import) and ``store.placements``
(positions of sections the documents leave 位置待定).

Every write takes the acting user as a keyword-only :class:`monitoring.auth.Actor`
(``store.samples.add(sample, user=actor)``), runs in one transaction through the write
guard (role check and audit row together) and leaves nothing half-written on failure.
"""

from __future__ import annotations

from ..auth import AuthConfig, default_hasher, load_auth_config
from ..compliance import Limits, load_limits
from ..db import current_revision, make_engine, upgrade
from ..gis import ensure as ensure_gis
from ..ledger import load_steps
from .accounts import Accounts
from .aliases import AliasError, Aliases
from .audit import Audit
from .cases import CaseError, Cases
from .demo import Demo
from .field import Field
from .lakework import LakeWork
from .ledger import Ledger
from .not_sampled import NotSampled
from .placements import Placements
from .register import Register, RegisterEditError
from .samples import SAMPLE_FIELDS, ImportResult, RowError, Samples
from .tasks import Tasks

__all__ = [
    "REPOSITORIES",
    "SAMPLE_FIELDS",
    "AliasError",
    "CaseError",
    "ImportResult",
    "RegisterEditError",
    "RowError",
    "Store",
]

#: The store's repositories: attribute name -> class.
REPOSITORIES = {
    "samples": Samples,
    "cases": Cases,
    "ledger": Ledger,
    "lakework": LakeWork,
    "tasks": Tasks,
    "field": Field,
    "register": Register,
    "accounts": Accounts,
    "audit": Audit,
    "demo": Demo,
    "not_sampled": NotSampled,
    "aliases": Aliases,
    "placements": Placements,
}


class Store:
    """The engine, the configuration and one repository per area.

    Parameters
    ----------
    url : str, optional
        SQLAlchemy URL; defaults to :func:`monitoring.db.database_url` (SQLite by default).
    limits : Limits, optional
        Defaults to the configuration's.
    migrate : bool
        Upgrade the schema to the latest migration on opening.
    steps : list of monitoring.ledger.Step, optional
    auth : monitoring.auth.AuthConfig, optional
    hasher : argon2.PasswordHasher, optional

    Examples
    --------
    >>> store = Store("sqlite://")
    >>> store.revision() is not None
    True
    >>> store.samples.count(), store.accounts.has_users()
    (0, False)
    """

    samples: Samples
    cases: Cases
    ledger: Ledger
    lakework: LakeWork
    tasks: Tasks
    field: Field
    register: Register
    accounts: Accounts
    audit: Audit
    demo: Demo
    not_sampled: NotSampled
    aliases: Aliases
    placements: Placements

    def __init__(
        self,
        url: str | None = None,
        limits: Limits | None = None,
        migrate: bool = True,
        steps=None,
        auth: AuthConfig | None = None,
        hasher=None,
    ):
        self.engine = make_engine(url)
        self.limits = limits or load_limits()
        self.steps = steps or load_steps()
        self.auth = auth or load_auth_config()
        self.hasher = hasher or default_hasher()
        for name, cls in REPOSITORIES.items():
            setattr(self, name, cls(self))
        if migrate:
            upgrade(self.engine)
            ensure_gis(self.engine)  # PostGIS enabled after the database was migrated

    def revision(self) -> str | None:
        """Alembic revision of the database."""
        return current_revision(self.engine)
