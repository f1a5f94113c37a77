"""The one way to the database: sites, versioned samples, imports, weekly compliance, tracing.

Every write runs in one transaction; a failure leaves nothing half-written.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from sqlalchemy import and_, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from geo.crs import GEOGRAPHIC, to_metric

from .auth import (
    ROLES,
    Actor,
    AuthConfig,
    AuthError,
    PermissionDenied,
    check_password_rules,
    check_permission,
    check_username,
    default_hasher,
    load_auth_config,
    verify_password,
)
from .compliance import Limits, evaluate_week, load_limits, sample_status
from .db import current_revision, make_engine, upgrade
from .field import TIP_TRANSITIONS, FieldError, check_patrol, tip_zones
from .ledger import LedgerError, check_event, load_steps, pond_status, replay
from .samples import TZ, SampleInput, SampleValidationError, iso_week, week_bounds
from .schema import (
    audit,
    boundary_versions,
    imports,
    login_attempts,
    patrols,
    register_edits,
    retirement_events,
    samples,
    sessions,
    sites,
    tips,
    tracing_cases,
    users,
)

__all__ = ["CaseError", "ImportResult", "RegisterEditError", "RowError", "Store"]

#: Evidence photos: at most this size, JPEG or PNG only (checked by content).
MAX_PHOTO_BYTES = 5 * 1024 * 1024
_PHOTO_MAGIC = {b"\xff\xd8\xff": "image/jpeg", b"\x89PNG\r\n\x1a\n": "image/png"}

SAMPLE_FIELDS = [
    "sample_uid",
    "version",
    "site_code",
    "kind",
    "sampled_at",
    "week",
    "parameter",
    "value_mg_l",
    "censored",
    "detection_limit",
    "value_entered",
    "unit_entered",
    "method",
    "qc_type",
    "laboratory",
    "inspector",
    "notes",
    "created_by",
    "created_at",
    "retracted",
    "change_reason",
    "synthetic",
]


class RegisterEditError(ValueError):
    """A register correction or verification that cannot be stored: field, value, reason.

    Parameters
    ----------
    field : str
    value : object
    reason : str
    """

    def __init__(self, field: str, value, reason: str):
        self.field, self.value, self.reason = field, value, reason
        super().__init__(f"{field} = {value!r}: {reason}")


class CaseError(ValueError):
    """A tracing-case action that is not allowed (e.g. closing without a compliant later sample)."""


@dataclass(frozen=True)
class RowError:
    """One problem in an import: file row, column, value, reason."""

    row: int
    column: str
    value: str
    reason: str


@dataclass
class ImportResult:
    """What an import did.

    Attributes
    ----------
    written : int
        Samples written (0 when rejected or already imported).
    errors : list of RowError
        Every problem found; non-empty means nothing was written.
    already_imported : bool
        The same file (same bytes) was imported before.
    cases_opened : int
        Tracing cases opened for exceedances in the file.
    """

    written: int = 0
    errors: list = field(default_factory=list)
    already_imported: bool = False
    cases_opened: int = 0


def _utc(dt: datetime) -> datetime:
    return dt.astimezone(UTC).replace(tzinfo=None)


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _jsonable(value):
    if isinstance(value, bytes | bytearray | memoryview):
        data = bytes(value)
        return {"bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, float) and value != value:
        return None
    if isinstance(value, np.generic):
        return value.item()
    return value


def _json(record) -> str | None:
    """A record as JSON for the audit trail (binary values as their size and sha256)."""
    if record is None:
        return None
    if isinstance(record, dict):
        record = {k: _jsonable(v) for k, v in record.items() if k != "password_hash"}
    return json.dumps(record, ensure_ascii=False, sort_keys=True, default=str)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _created(user: str) -> dict:
    """Who and when for a new row that also tracks its last update."""
    now = _now()
    return {"recorded_by": user, "recorded_at": now, "updated_by": user, "updated_at": now}


class Store:
    """Persistence over SQLAlchemy: SQLite by default, PostgreSQL by URL.

    Parameters
    ----------
    url : str, optional
        SQLAlchemy URL; defaults to :func:`monitoring.db.database_url`.
    limits : Limits, optional
        Defaults to the configuration's.
    migrate : bool
        Upgrade the schema to the latest migration on opening.

    Examples
    --------
    >>> store = Store("sqlite://")
    >>> store.revision()
    '0004_accounts_audit'

    Every mutating method takes the acting user (an account name, or the
    console actor of :mod:`monitoring.auth`), checks that user's role itself
    and writes an audit row in the same transaction.
    """

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
        if migrate:
            upgrade(self.engine)

    def revision(self) -> str | None:
        """Alembic revision of the database."""
        return current_revision(self.engine)

    # --- permission and audit ----------------------------------------------------
    def _act(self, conn, user, action: str) -> Actor:
        """The acting account, checked for ``action`` inside the caller's transaction.

        Raises
        ------
        PermissionDenied
            Unknown or disabled account, or a role without the permission.
        """
        if isinstance(user, Actor):
            if user.name == "console" or user.name.startswith("console:"):
                check_permission(user.role, action, user.name)
                return user
            user = user.name
        if not isinstance(user, str) or not user.strip():
            raise PermissionDenied(str(user), action, "no acting user")
        row = conn.execute(select(users.c.role, users.c.active).where(users.c.username == user)).first()
        if row is None:
            raise PermissionDenied(user, action, "no such account")
        if not row.active:
            raise PermissionDenied(user, action, "account disabled")
        check_permission(row.role, action, user)
        return Actor(user, row.role)

    @staticmethod
    def _audit(conn, actor, action: str, entity: str, entity_id, before=None, after=None) -> None:
        """Append one audit row (never updated or deleted) in the caller's transaction."""
        name = actor.name if isinstance(actor, Actor) else str(actor)
        conn.execute(
            insert(audit).values(
                at=_now(),
                actor=name,
                action=action,
                entity=entity,
                entity_id="" if entity_id is None else str(entity_id),
                before=_json(before),
                after=_json(after),
            )
        )

    def audit_log(
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

    def count_audit(self) -> int:
        """Number of audit rows."""
        with self.engine.connect() as conn:
            return conn.execute(select(func.count()).select_from(audit)).scalar()

    # --- sites ---------------------------------------------------------------
    def load_register(self, register: gpd.GeoDataFrame, sections: gpd.GeoDataFrame | None = None, *, user) -> int:
        """Create a site per pond (code = pond number) and per section point; idempotent.

        Existing sites are left as they are (their coordinates may have been
        corrected since); only missing ones are added.

        Parameters
        ----------
        register : geopandas.GeoDataFrame
            From :func:`geo.register.load_register`.
        sections : geopandas.GeoDataFrame, optional
            Section points with ``section_id``, ``name``, ``source``, ``provisional``.
        user : str or monitoring.auth.Actor
            Acting user (``register.load``).

        Returns
        -------
        int
            Sites added.
        """
        rows = []
        reg = register.to_crs(GEOGRAPHIC)
        for r in reg.itertuples():
            rows.append(
                {
                    "code": str(r.pond_id),
                    "kind": "pond",
                    "name": r.farm_name,
                    "lon": float(r.geometry.x),
                    "lat": float(r.geometry.y),
                    "pond_id": int(r.pond_id),
                    "town": r.town,
                    "source": r.source_ref,
                    "provisional": r.coord_status != "verified",
                }
            )
        if sections is not None:
            for r in sections.to_crs(GEOGRAPHIC).itertuples():
                rows.append(
                    {
                        "code": str(r.section_id),
                        "kind": "section",
                        "name": r.name,
                        "lon": float(r.geometry.x),
                        "lat": float(r.geometry.y),
                        "pond_id": None,
                        "town": None,
                        "source": r.source,
                        "provisional": bool(r.provisional),
                    }
                )
        with self.engine.begin() as conn:
            actor = self._act(conn, user, "register.load")
            have = set(conn.execute(select(sites.c.code)).scalars())
            new = [r for r in rows if r["code"] not in have]
            if new:
                conn.execute(insert(sites), new)
                for r in new:
                    self._audit(conn, actor, "register.load", "site", r["code"], None, r)
        return len(new)

    def add_site(self, code: str, kind: str, name: str, lon: float, lat: float, source: str, provisional=True, *, user):
        """Add a lake or other monitoring site.

        Parameters
        ----------
        code : str
        kind : {'lake', 'section', 'pond'}
        name : str
        lon, lat : float
            CGCS2000 degrees.
        source : str
        provisional : bool
        user : str or monitoring.auth.Actor
            Acting user (``site.add``, admin).
        """
        if kind not in ("lake", "section", "pond"):
            raise SampleValidationError("kind", kind, "site kind must be lake, section or pond")
        values = dict(code=code, kind=kind, name=name, lon=lon, lat=lat, source=source, provisional=provisional)
        with self.engine.begin() as conn:
            actor = self._act(conn, user, "site.add")
            if conn.execute(select(sites.c.code).where(sites.c.code == code)).first():
                raise SampleValidationError("code", code, "a site with this code exists")
            conn.execute(insert(sites).values(**values))
            self._audit(conn, actor, "site.add", "site", code, None, values)

    def sites(self) -> pd.DataFrame:
        """All sites, ponds first by number.

        Returns
        -------
        pandas.DataFrame
        """
        with self.engine.connect() as conn:
            df = pd.read_sql(select(sites), conn)
        df["order"] = pd.to_numeric(df["code"], errors="coerce")
        return df.sort_values(["order", "code"], na_position="last").drop(columns="order").reset_index(drop=True)

    # --- samples -------------------------------------------------------------
    def _site_kinds(self, conn) -> dict:
        return dict(conn.execute(select(sites.c.code, sites.c.kind)).all())

    def _row(self, inp: SampleInput, user: str, uid: str, version: int, batch=None, synthetic=False) -> dict:
        return {
            "sample_uid": uid,
            "version": version,
            "is_current": True,
            "retracted": False,
            "site_code": inp.site,
            "kind": inp.kind,
            "sampled_at_utc": _utc(inp.sampled_at),
            "tz": "Asia/Shanghai",
            "week": iso_week(inp.sampled_at),
            "parameter": inp.parameter,
            "value_mg_l": inp.value.value,
            "censored": inp.value.censored,
            "detection_limit": inp.value.detection_limit,
            "value_entered": inp.value_entered or f"{inp.value.value:g}",
            "unit_entered": inp.unit_entered,
            "method": inp.method,
            "qc_type": inp.qc_type,
            "laboratory": inp.laboratory,
            "inspector": inp.inspector,
            "notes": inp.notes,
            "created_by": user,
            "created_at": _now(),
            "batch_id": batch,
            "synthetic": synthetic,
        }

    def _check(self, conn, inp: SampleInput, kinds: dict, exclude_uid: str | None = None) -> None:
        inp.check()
        if inp.site not in kinds:
            raise SampleValidationError("site", inp.site, "unknown site")
        dup = select(samples.c.sample_uid).where(
            samples.c.site_code == inp.site,
            samples.c.sampled_at_utc == _utc(inp.sampled_at),
            samples.c.parameter == inp.parameter,
            samples.c.qc_type == inp.qc_type,
            samples.c.is_current,
            ~samples.c.retracted,
        )
        if exclude_uid:
            dup = dup.where(samples.c.sample_uid != exclude_uid)
        if conn.execute(dup).first():
            raise SampleValidationError(
                "sampled_at",
                inp.sampled_at.isoformat(),
                f"duplicate: site {inp.site} already has a {inp.parameter} {inp.qc_type} sample at this time",
            )

    def add_sample(self, inp: SampleInput, user: str, synthetic: bool = False) -> str:
        """Validate and store one sample; an exceedance opens a tracing case.

        Parameters
        ----------
        inp : SampleInput
        user : str
            Who enters it.
        synthetic : bool
            Demo data only.

        Returns
        -------
        str
            The sample's id (``sample_uid``).

        Raises
        ------
        SampleValidationError
            Naming the field, value and reason; nothing is written.
        PermissionDenied
            The user may not enter samples.
        """
        uid = str(uuid.uuid4())
        try:
            with self.engine.begin() as conn:
                actor = self._act(conn, user, "sample.add")
                self._check(conn, inp, self._site_kinds(conn))
                row = self._row(inp, actor.name, uid, 1, synthetic=synthetic)
                conn.execute(insert(samples).values(row))
                self._audit(conn, actor, "sample.add", "sample", uid, None, row)
                self._maybe_open_case(conn, uid, inp, actor, synthetic)
        except IntegrityError as exc:  # a concurrent writer stored the same sample first
            raise SampleValidationError("sampled_at", inp.sampled_at.isoformat(), "duplicate sample") from exc
        return uid

    def _current(self, conn, uid: str):
        row = conn.execute(select(samples).where(samples.c.sample_uid == uid, samples.c.is_current)).mappings().first()
        if row is None:
            raise SampleValidationError("sample", uid, "no such sample")
        return row

    def correct_sample(self, uid: str, changes: dict, reason: str, user: str) -> int:
        """Store a corrected version; the old version stays in the history.

        Parameters
        ----------
        uid : str
        changes : dict
            Fields of :class:`SampleInput` to change (``value`` as ParsedValue,
            ``sampled_at``, ``site``, ...).
        reason : str
            Required.
        user : str

        Returns
        -------
        int
            The new version number.

        Raises
        ------
        SampleValidationError
        """
        if not reason or not reason.strip():
            raise SampleValidationError("reason", reason, "a correction needs a reason")
        with self.engine.begin() as conn:
            actor = self._act(conn, user, "sample.correct")
            old = self._current(conn, uid)
            if old["retracted"]:
                raise SampleValidationError("sample", uid, "retracted; it cannot be corrected")
            inp = self._input_from_row(old)
            unknown = set(changes) - set(SampleInput.__dataclass_fields__)
            if unknown:
                raise SampleValidationError("changes", sorted(unknown), "unknown field(s)")
            for k, v in changes.items():
                setattr(inp, k, v)
            if "value" in changes and "value_entered" not in changes:
                inp.value_entered = ""
            self._check(conn, inp, self._site_kinds(conn), exclude_uid=uid)
            version = old["version"] + 1
            conn.execute(update(samples).where(samples.c.id == old["id"]).values(is_current=False))
            row = self._row(inp, actor.name, uid, version, batch=old["batch_id"], synthetic=old["synthetic"])
            row["change_reason"] = reason.strip()
            conn.execute(insert(samples).values(row))
            self._audit(conn, actor, "sample.correct", "sample", uid, dict(old), row)
            self._maybe_open_case(conn, uid, inp, actor, old["synthetic"])
        return version

    def retract_sample(self, uid: str, reason: str, user: str) -> int:
        """Withdraw a sample: a new version flagged retracted (kept in the history).

        Parameters
        ----------
        uid : str
        reason : str
        user : str

        Returns
        -------
        int
            The new version number.
        """
        if not reason or not reason.strip():
            raise SampleValidationError("reason", reason, "a retraction needs a reason")
        with self.engine.begin() as conn:
            actor = self._act(conn, user, "sample.retract")
            old = dict(self._current(conn, uid))
            if old["retracted"]:
                raise SampleValidationError("sample", uid, "already retracted")
            before = dict(old)
            conn.execute(update(samples).where(samples.c.id == old["id"]).values(is_current=False))
            old.pop("id")
            old.update(
                version=old["version"] + 1,
                retracted=True,
                change_reason=reason.strip(),
                created_by=actor.name,
                created_at=_now(),
                is_current=True,
            )
            conn.execute(insert(samples).values(old))
            self._audit(conn, actor, "sample.retract", "sample", uid, before, old)
        return old["version"]

    @staticmethod
    def _input_from_row(row) -> SampleInput:
        from .samples import ParsedValue

        return SampleInput(
            site=row["site_code"],
            sampled_at=row["sampled_at_utc"].replace(tzinfo=UTC).astimezone(TZ),
            value=ParsedValue(row["value_mg_l"], row["censored"], row["detection_limit"]),
            parameter=row["parameter"],
            kind=row["kind"],
            method=row["method"],
            qc_type=row["qc_type"],
            laboratory=row["laboratory"],
            inspector=row["inspector"],
            notes=row["notes"],
            unit_entered=row["unit_entered"],
            value_entered=row["value_entered"],
        )

    def _frame(self, query) -> pd.DataFrame:
        with self.engine.connect() as conn:
            df = pd.read_sql(query, conn)
        if "sampled_at_utc" in df.columns:
            df["sampled_at"] = pd.to_datetime(df["sampled_at_utc"]).dt.tz_localize("UTC").dt.tz_convert(TZ)
        return df

    def sample_history(self, uid: str) -> pd.DataFrame:
        """Every version of a sample, oldest first.

        Parameters
        ----------
        uid : str

        Returns
        -------
        pandas.DataFrame
        """
        df = self._frame(select(samples).where(samples.c.sample_uid == uid).order_by(samples.c.version))
        return df[SAMPLE_FIELDS + ["is_current"]]

    def samples(
        self,
        site: str | None = None,
        parameter: str | None = "TP",
        include_retracted=False,
        since: datetime | None = None,
        limit: int | None = None,
        exclude_blanks: bool = False,
    ) -> pd.DataFrame:
        """Current samples, newest first.

        Parameters
        ----------
        site : str, optional
        parameter : str or None
            None for all parameters.
        include_retracted : bool
        since : datetime.datetime, optional
            Aware; only samples taken at or after it.
        limit : int, optional
            At most this many (the newest).
        exclude_blanks : bool
            Leave out QC blanks.

        Returns
        -------
        pandas.DataFrame
        """
        q = select(samples).where(samples.c.is_current)
        if since is not None:
            q = q.where(samples.c.sampled_at_utc >= _utc(since))
        if exclude_blanks:
            q = q.where(samples.c.qc_type != "blank")
        if site is not None:
            q = q.where(samples.c.site_code == site)
        if parameter is not None:
            q = q.where(samples.c.parameter == parameter)
        if not include_retracted:
            q = q.where(~samples.c.retracted)
        q = q.order_by(samples.c.sampled_at_utc.desc(), samples.c.id.desc())
        if limit is not None:
            q = q.limit(limit)
        df = self._frame(q)
        return df[SAMPLE_FIELDS] if len(df) else pd.DataFrame(columns=SAMPLE_FIELDS)

    def stamp(self) -> tuple:
        """A cheap value that changes whenever samples or cases change (for caches).

        Returns
        -------
        tuple
            Highest sample row id and latest case update.
        """
        with self.engine.connect() as conn:
            return (
                conn.execute(select(func.max(samples.c.id))).scalar(),
                conn.execute(select(func.count(), func.max(tracing_cases.c.updated_at))).one()[:],
            )

    def latest_time(self, parameter: str = "TP", site: str | None = None) -> datetime | None:
        """Time of the latest current sample of a parameter, in Asia/Shanghai.

        Parameters
        ----------
        parameter : str
        site : str, optional
            Only this site.

        Returns
        -------
        datetime.datetime or None
        """
        with self.engine.connect() as conn:
            q = select(func.max(samples.c.sampled_at_utc)).where(
                samples.c.parameter == parameter, samples.c.is_current, ~samples.c.retracted
            )
            if site is not None:
                q = q.where(samples.c.site_code == site)
            t = conn.execute(q).scalar()
        return None if t is None else t.replace(tzinfo=UTC).astimezone(TZ)

    def case_for_sample(self, uid: str) -> int | None:
        """The tracing case a sample opened, if any.

        Parameters
        ----------
        uid : str

        Returns
        -------
        int or None
        """
        with self.engine.connect() as conn:
            return conn.execute(select(tracing_cases.c.id).where(tracing_cases.c.sample_uid == uid)).scalar()

    def count_samples(self) -> int:
        """Number of current, non-retracted samples."""
        with self.engine.connect() as conn:
            return conn.execute(
                select(func.count()).select_from(samples).where(samples.c.is_current, ~samples.c.retracted)
            ).scalar()

    # --- import --------------------------------------------------------------
    def import_samples(self, parsed, batch_id: str, filename: str, user: str, progress=None) -> ImportResult:
        """Write a whole file's samples, or none of them.

        Parameters
        ----------
        parsed : list of (int, SampleInput or list of RowError)
            Per file row: the parsed sample or its parsing errors (see
            :mod:`monitoring.importer`).
        batch_id : str
            sha256 of the file's bytes: the same file is never imported twice.
        filename : str
        user : str
        progress : callable, optional
            Called with a fraction 0..1 while validating.

        Returns
        -------
        ImportResult
        """
        result = ImportResult()
        with self.engine.begin() as conn:
            actor = self._act(conn, user, "sample.import")
            if conn.execute(select(imports.c.batch_id).where(imports.c.batch_id == batch_id)).first():
                result.already_imported = True
                return result
            kinds = self._site_kinds(conn)
            seen = {}
            rows = []
            for n, (line, item) in enumerate(parsed):
                if progress and n % 500 == 0:
                    progress(n / max(len(parsed), 1))
                if isinstance(item, list):
                    result.errors.extend(item)
                    continue
                try:
                    self._check(conn, item, kinds)
                except SampleValidationError as exc:
                    result.errors.append(RowError(line, exc.field, str(exc.value), exc.reason))
                    continue
                key = (item.site, _utc(item.sampled_at), item.parameter, item.qc_type)
                if key in seen:
                    result.errors.append(
                        RowError(line, "sampled_at", item.sampled_at.isoformat(), f"duplicate of row {seen[key]}")
                    )
                    continue
                seen[key] = line
                rows.append((item, str(uuid.uuid4())))
            if not parsed:
                result.errors.append(RowError(0, "", "", "the file holds no samples"))
            if result.errors:
                return result
            records = [self._row(item, actor.name, uid, 1, batch=batch_id) for item, uid in rows]
            conn.execute(insert(samples), records)
            conn.execute(
                insert(audit),
                [
                    {
                        "at": _now(),
                        "actor": actor.name,
                        "action": "sample.add",
                        "entity": "sample",
                        "entity_id": r["sample_uid"],
                        "before": None,
                        "after": _json(r),
                    }
                    for r in records
                ],
            )
            for item, uid in rows:
                result.cases_opened += self._maybe_open_case(conn, uid, item, actor, False)
            batch = dict(
                batch_id=batch_id, filename=filename, rows=len(rows), imported_by=actor.name, imported_at=_now()
            )
            conn.execute(insert(imports).values(**batch))
            self._audit(conn, actor, "sample.import", "import", batch_id, None, batch)
            result.written = len(rows)
        if progress:
            progress(1.0)
        return result

    # --- compliance ----------------------------------------------------------
    def week_samples(self, week: str, parameter: str = "TP") -> pd.DataFrame:
        """Current, non-retracted samples of one ISO week.

        Parameters
        ----------
        week : str
            ``YYYY-Www``.
        parameter : str

        Returns
        -------
        pandas.DataFrame
        """
        week_bounds(week)  # validates the format
        cols = [samples.c.sample_uid, samples.c.site_code, samples.c.value_mg_l, samples.c.censored, samples.c.qc_type]
        q = select(*cols, samples.c.week).where(
            samples.c.week == week, samples.c.parameter == parameter, samples.c.is_current, ~samples.c.retracted
        )
        with self.engine.connect() as conn:
            return pd.read_sql(q, conn)

    def weekly(self, week: str, parameter: str = "TP") -> pd.DataFrame:
        """Per-site compliance for one ISO week (Monday to Sunday, Asia/Shanghai).

        Parameters
        ----------
        week : str
        parameter : str

        Returns
        -------
        pandas.DataFrame
            See :func:`monitoring.compliance.evaluate_week`.
        """
        start, _ = week_bounds(week)
        active = self.sites()
        active = active[active.active]
        return evaluate_week(self.week_samples(week, parameter), active, self.limits, start.date(), parameter)

    def weekly_grid(self, weeks: list[str], parameter: str = "TP") -> pd.DataFrame:
        """Status per site (rows) and week (columns).

        Parameters
        ----------
        weeks : list of str
        parameter : str

        Returns
        -------
        pandas.DataFrame
        """
        for w in weeks:
            week_bounds(w)
        cols = [samples.c.sample_uid, samples.c.site_code, samples.c.value_mg_l, samples.c.censored, samples.c.qc_type]
        q = select(*cols, samples.c.week).where(
            samples.c.week.in_(weeks), samples.c.parameter == parameter, samples.c.is_current, ~samples.c.retracted
        )
        with self.engine.connect() as conn:
            data = pd.read_sql(q, conn)
        active = self.sites()
        active = active[active.active]
        by_week = dict(tuple(data.groupby("week"))) if len(data) else {}
        empty = data.iloc[0:0]
        frames = []
        for w in weeks:
            res = evaluate_week(by_week.get(w, empty), active, self.limits, week_bounds(w)[0].date(), parameter)
            frames.append(res.set_index("site_code")["status"].rename(w))
        return pd.concat(frames, axis=1) if frames else pd.DataFrame()

    # --- tracing -------------------------------------------------------------
    def _maybe_open_case(self, conn, uid: str, inp: SampleInput, actor: Actor, synthetic: bool) -> int:
        kind = conn.execute(select(sites.c.kind).where(sites.c.code == inp.site)).scalar()
        day = inp.sampled_at.astimezone(TZ).date()
        limit = self.limits.limit_for(kind, inp.parameter, day)
        if inp.qc_type == "blank" or sample_status(inp.value.value, inp.value.censored, limit) != "exceeds":
            return 0
        if conn.execute(select(tracing_cases.c.id).where(tracing_cases.c.sample_uid == uid)).first():
            return 0
        values = dict(
            site_code=inp.site,
            sample_uid=uid,
            parameter=inp.parameter,
            value_mg_l=inp.value.value,
            limit_mg_l=limit,
            opened_at=_now(),
            status="open",
            candidates=json.dumps(self._candidates(conn, inp.site), ensure_ascii=False),
            updated_by=actor.name,
            updated_at=_now(),
            synthetic=synthetic,
        )
        case_id = conn.execute(insert(tracing_cases).values(**values)).inserted_primary_key[0]
        self._audit(conn, actor, "case.open", "tracing_case", case_id, None, values)
        return 1

    def _candidates(self, conn, site_code: str) -> list[dict]:
        all_sites = pd.DataFrame(conn.execute(select(sites)).mappings().all())
        here = all_sites[all_sites.code == site_code].iloc[0]
        ponds = all_sites[(all_sites.kind == "pond") & all_sites.lon.notna()]
        if ponds.empty or pd.isna(here.lon):
            return []
        pts = to_metric(gpd.GeoSeries(gpd.points_from_xy(ponds.lon, ponds.lat), crs=GEOGRAPHIC))
        origin = to_metric(gpd.GeoSeries([shapely.Point(here.lon, here.lat)], crs=GEOGRAPHIC)).iloc[0]
        dist = pts.distance(origin).to_numpy()
        keep = np.flatnonzero(dist <= self.limits.tracing_radius_m)
        out = []
        for i in keep[np.argsort(dist[keep], kind="stable")]:
            code = ponds.code.iloc[i]
            latest = conn.execute(
                select(samples.c.value_mg_l, samples.c.censored, samples.c.sampled_at_utc)
                .where(samples.c.site_code == code, samples.c.is_current, ~samples.c.retracted)
                .order_by(samples.c.sampled_at_utc.desc())
                .limit(1)
            ).first()
            out.append(
                {
                    "site": code,
                    "name": ponds.name.iloc[i],
                    "distance_m": round(float(dist[i]), 1),
                    "retirement_status": None,
                    "latest_mg_l": None if latest is None else latest[0],
                    "latest_censored": None if latest is None else bool(latest[1]),
                    "latest_at": None if latest is None else latest[2].replace(tzinfo=UTC).astimezone(TZ).isoformat(),
                }
            )
        return out

    def cases(self, status: str | None = None) -> pd.DataFrame:
        """Tracing cases, newest first.

        Parameters
        ----------
        status : {'open', 'closed'}, optional

        Returns
        -------
        pandas.DataFrame
        """
        q = select(tracing_cases)
        if status:
            q = q.where(tracing_cases.c.status == status)
        with self.engine.connect() as conn:
            return pd.read_sql(q.order_by(tracing_cases.c.id.desc()), conn)

    def update_case(self, case_id: int, user: str, **fields) -> None:
        """Record findings, action taken, responsible unit and deadline.

        Parameters
        ----------
        case_id : int
        user : str
        **fields
            ``findings``, ``action``, ``responsible_unit``, ``deadline`` (date).

        Raises
        ------
        CaseError
            For an unknown field or a closed case.
        """
        allowed = {"findings", "action", "responsible_unit", "deadline"}
        if set(fields) - allowed:
            raise CaseError(f"unknown field(s): {sorted(set(fields) - allowed)}")
        if "deadline" in fields and fields["deadline"] is not None and not isinstance(fields["deadline"], date):
            raise CaseError(f"deadline must be a date, not {fields['deadline']!r}")
        with self.engine.begin() as conn:
            actor = self._act(conn, user, "case.update")
            old = conn.execute(select(tracing_cases).where(tracing_cases.c.id == case_id)).mappings().first()
            if old is None:
                raise CaseError(f"no tracing case {case_id}")
            if old["status"] == "closed":
                raise CaseError(f"case {case_id} is closed")
            values = {**fields, "updated_by": actor.name, "updated_at": _now()}
            conn.execute(update(tracing_cases).where(tracing_cases.c.id == case_id).values(**values))
            self._audit(conn, actor, "case.update", "tracing_case", case_id, {k: old[k] for k in values}, values)

    def close_case(self, case_id: int, user: str) -> str:
        """Close a case once a later sample at its site complies.

        Parameters
        ----------
        case_id : int
        user : str

        Returns
        -------
        str
            The ``sample_uid`` of the compliant later sample.

        Raises
        ------
        CaseError
            When there is no such sample yet.
        """
        with self.engine.begin() as conn:
            actor = self._act(conn, user, "case.close")
            case = conn.execute(select(tracing_cases).where(tracing_cases.c.id == case_id)).mappings().first()
            if case is None:
                raise CaseError(f"no tracing case {case_id}")
            if case["status"] == "closed":
                raise CaseError(f"case {case_id} is already closed")
            t0 = conn.execute(
                select(samples.c.sampled_at_utc).where(samples.c.sample_uid == case["sample_uid"], samples.c.is_current)
            ).scalar()
            later = conn.execute(
                select(samples.c.sample_uid, samples.c.value_mg_l, samples.c.censored, samples.c.sampled_at_utc)
                .where(
                    and_(
                        samples.c.site_code == case["site_code"],
                        samples.c.parameter == case["parameter"],
                        samples.c.sampled_at_utc > t0,
                        samples.c.is_current,
                        ~samples.c.retracted,
                        samples.c.qc_type != "blank",
                    )
                )
                .order_by(samples.c.sampled_at_utc)
            ).all()
            ok = [r for r in later if sample_status(r[1], r[2], case["limit_mg_l"]) == "compliant"]
            if not ok:
                raise CaseError(
                    f"case {case_id} stays open: no later compliant {case['parameter']} sample"
                    f" at site {case['site_code']}"
                )
            values = dict(
                status="closed", closed_at=_now(), closing_sample_uid=ok[0][0], updated_by=actor.name, updated_at=_now()
            )
            conn.execute(update(tracing_cases).where(tracing_cases.c.id == case_id).values(**values))
            self._audit(conn, actor, "case.close", "tracing_case", case_id, {k: case[k] for k in values}, values)
            return ok[0][0]

    # --- retirement ledger ---------------------------------------------------
    def _pond_events(self, conn, pond: str) -> list[dict]:
        kind = conn.execute(select(sites.c.kind).where(sites.c.code == pond)).scalar()
        if kind != "pond":
            raise LedgerError(f"{pond!r} is not a pond of the register")
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

    @staticmethod
    def _photo(photo: bytes | None) -> str | None:
        if photo is None:
            return None
        if len(photo) > MAX_PHOTO_BYTES:
            raise LedgerError(f"photo is {len(photo):,} bytes, more than {MAX_PHOTO_BYTES:,}")
        for magic, mime in _PHOTO_MAGIC.items():
            if photo.startswith(magic):
                return mime
        raise LedgerError("photo must be a JPEG or PNG image")

    def record_step(
        self,
        pond: str,
        step: str,
        event_date: date,
        user: str,
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
        user : str
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
        today = today or datetime.now(TZ).date()
        mime = self._photo(photo)
        with self.engine.begin() as conn:
            actor = self._act(conn, user, "ledger.record")
            events = self._pond_events(conn, pond)
            check_event(events, {"kind": "done", "step": step, "event_date": event_date}, self.steps, today)
            town = conn.execute(select(sites.c.town).where(sites.c.code == pond)).scalar() or ""
            unit = responsible_unit or next(s for s in self.steps if s.key == step).unit_for(town)
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
                recorded_at=_now(),
            )
            event_id = conn.execute(insert(retirement_events).values(**values)).inserted_primary_key[0]
            self._audit(conn, actor, "ledger.record", "retirement_event", event_id, None, values)
            return event_id

    def void_event(self, event_id: int, reason: str, user: str) -> int:
        """Cancel a recorded step with a reason (the original stays in the ledger).

        Parameters
        ----------
        event_id : int
        reason : str
        user : str

        Returns
        -------
        int
            The id of the void event.

        Raises
        ------
        LedgerError
        """
        with self.engine.begin() as conn:
            actor = self._act(conn, user, "ledger.void")
            pond = conn.execute(
                select(retirement_events.c.pond_code).where(retirement_events.c.id == event_id)
            ).scalar()
            if pond is None:
                raise LedgerError(f"no ledger event {event_id}")
            events = self._pond_events(conn, pond)
            check_event(events, {"kind": "void", "voids": event_id, "reason": reason}, self.steps, date.today())
            values = dict(
                pond_code=pond,
                kind="void",
                voids=event_id,
                reason=reason.strip(),
                recorded_by=actor.name,
                recorded_at=_now(),
            )
            void_id = conn.execute(insert(retirement_events).values(**values)).inserted_primary_key[0]
            self._audit(conn, actor, "ledger.void", "retirement_event", void_id, None, values)
            return void_id

    def ledger_events(self, pond: str | None = None) -> pd.DataFrame:
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

    def event_photo(self, event_id: int) -> tuple[bytes, str, str] | None:
        """The evidence photo of an event: (bytes, name, MIME type), or None."""
        with self.engine.connect() as conn:
            row = conn.execute(
                select(retirement_events.c.photo, retirement_events.c.photo_name, retirement_events.c.photo_type).where(
                    retirement_events.c.id == event_id
                )
            ).first()
        return None if row is None or row[0] is None else (bytes(row[0]), row[1], row[2])

    def ledger(self) -> dict:
        """Done steps per pond, replayed from the events.

        Returns
        -------
        dict of str to dict
            Pond code -> {step: (date, event id)}; every pond site is present.
        """
        events = self.ledger_events()
        ponds = self.sites()
        out = {code: {} for code in ponds[ponds.kind == "pond"].code}
        for code, group in events.groupby("pond_code") if len(events) else []:
            recs = group.replace({float("nan"): None}).to_dict("records")
            out[code] = replay(
                {**r, "voids": None if r["voids"] is None else int(r["voids"]), "id": int(r["id"])} for r in recs
            )
        return out

    def pond_statuses(self) -> dict:
        """``not_started`` / ``in_progress`` / ``retired`` per pond number (int)."""
        return {int(code): pond_status(done, self.steps) for code, done in self.ledger().items()}

    # --- patrols ---------------------------------------------------------------
    def add_patrol(
        self,
        patrol_date: date,
        inspectors: str,
        user: str,
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
        user : str
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
        FieldError, LedgerError
        """
        today = today or datetime.now(TZ).date()
        ponds, findings = [str(p) for p in ponds], list(findings)
        with self.engine.begin() as conn:
            actor = self._act(conn, user, "patrol.add")
            codes = set(conn.execute(select(sites.c.code).where(sites.c.kind == "pond")).scalars())
            check_patrol(patrol_date, inspectors, ponds, findings, dead_fish_disposal, codes, today)
            if open_case and not findings:
                raise FieldError("findings", findings, "a case needs at least one finding")
            mime = self._photo(photo)
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
                **_created(actor.name),
            )
            patrol_id = conn.execute(insert(patrols).values(**values)).inserted_primary_key[0]
            self._audit(conn, actor, "patrol.add", "patrol", patrol_id, None, values)
            return patrol_id

    def update_patrol_case(self, patrol_id: int, user: str, action=None, unit=None, deadline=None, close=False):
        """Record the action, unit and deadline of a patrol's case, or close it.

        Parameters
        ----------
        patrol_id : int
        user : str
        action, unit : str, optional
        deadline : datetime.date, optional
        close : bool
            Close the case (needs the action taken).

        Raises
        ------
        FieldError
        """
        with self.engine.begin() as conn:
            actor = self._act(conn, user, "patrol.case")
            row = conn.execute(select(patrols).where(patrols.c.id == patrol_id)).mappings().first()
            if row is None or row["case_status"] != "open":
                raise FieldError("patrol", patrol_id, "has no open case")
            values = {"updated_by": actor.name, "updated_at": _now()}
            if action is not None:
                values["case_action"] = action
            if unit is not None:
                values["case_unit"] = unit
            if deadline is not None:
                values["case_deadline"] = deadline
            if close:
                if not (values.get("case_action") or row["case_action"]).strip():
                    raise FieldError("case_action", "", "record the action taken before closing")
                values["case_status"] = "closed"
            conn.execute(update(patrols).where(patrols.c.id == patrol_id).values(**values))
            self._audit(conn, actor, "patrol.case", "patrol", patrol_id, {k: row[k] for k in values}, values)

    def patrols(self) -> pd.DataFrame:
        """Every patrol, newest first (photos excluded)."""
        cols = [c for c in patrols.c if c.name != "photo"]
        with self.engine.connect() as conn:
            return pd.read_sql(
                select(*cols, patrols.c.photo.is_not(None).label("has_photo")).order_by(
                    patrols.c.patrol_date.desc(), patrols.c.id.desc()
                ),
                conn,
            )

    # --- public tips -----------------------------------------------------------
    def add_tip(self, received: date, what: str, location: str, ds, user: str, contact: str = "", today=None) -> int:
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
        user : str
        contact : str, optional
        today : datetime.date, optional

        Returns
        -------
        int

        Raises
        ------
        FieldError
            Missing text, a future date, or an unreadable location.
        """
        today = today or datetime.now(TZ).date()
        if not isinstance(received, date) or received > today:
            raise FieldError("received_date", received, "missing or in the future")
        if not (what or "").strip():
            raise FieldError("what", what, "say what was seen")
        z = tip_zones(location, ds)
        with self.engine.begin() as conn:
            actor = self._act(conn, user, "tip.add")
            values = dict(
                received_date=received,
                what=what.strip(),
                location_text=location.strip(),
                contact=contact.strip(),
                status="received",
                **_created(actor.name),
                **z,
            )
            tip_id = conn.execute(insert(tips).values(**values)).inserted_primary_key[0]
            self._audit(conn, actor, "tip.add", "tip", tip_id, None, values)
            return tip_id

    def update_tip(self, tip_id: int, user: str, status=None, reward_granted=None, reward_amount=None, notes=None):
        """Move a tip along received → verified/unfounded → resolved; grant a reward.

        Parameters
        ----------
        tip_id : int
        user : str
        status : str, optional
        reward_granted : bool, optional
            Only for a verified or resolved tip.
        reward_amount : float, optional
            Needed (positive) when a reward is granted.
        notes : str, optional

        Raises
        ------
        FieldError
        """
        with self.engine.begin() as conn:
            actor = self._act(conn, user, "tip.update")
            row = conn.execute(select(tips).where(tips.c.id == tip_id)).mappings().first()
            if row is None:
                raise FieldError("tip", tip_id, "no such tip")
            values = {"updated_by": actor.name, "updated_at": _now()}
            new_status = row["status"]
            if status is not None and status != row["status"]:
                if status not in TIP_TRANSITIONS[row["status"]]:
                    raise FieldError("status", status, f"a {row['status']} tip cannot become {status}")
                values["status"] = new_status = status
            if reward_granted is not None:
                if reward_granted and new_status not in ("verified", "resolved"):
                    raise FieldError("reward_granted", True, "only a verified tip earns a reward")
                if reward_granted and not (reward_amount and reward_amount > 0):
                    raise FieldError("reward_amount", reward_amount, "give the amount (positive)")
                values["reward_granted"] = bool(reward_granted)
                values["reward_amount"] = float(reward_amount) if reward_granted else None
            if notes is not None:
                values["notes"] = notes
            conn.execute(update(tips).where(tips.c.id == tip_id).values(**values))
            self._audit(conn, actor, "tip.update", "tip", tip_id, {k: row[k] for k in values}, values)

    def tips(self) -> pd.DataFrame:
        """Every tip, newest first."""
        with self.engine.connect() as conn:
            return pd.read_sql(select(tips).order_by(tips.c.received_date.desc(), tips.c.id.desc()), conn)

    # --- register edits and boundary versions ---------------------------------
    def register_edits(self, pond_id: int | None = None) -> pd.DataFrame:
        """Register corrections and field verifications, oldest first (``changes`` as dicts)."""
        q = select(register_edits).order_by(register_edits.c.id)
        if pond_id is not None:
            q = q.where(register_edits.c.pond_id == int(pond_id))
        with self.engine.connect() as conn:
            df = pd.read_sql(q, conn)
        df["changes"] = [json.loads(c) for c in df["changes"]]
        return df

    def edits_for_dataset(self) -> list[dict]:
        """The edits as :func:`geo.register.apply_edits` takes them."""
        df = self.register_edits()
        return [
            {**r, "verified_on": "" if r["verified_on"] is None else str(r["verified_on"])}
            for r in df.to_dict("records")
        ]

    def _current_pond(self, conn, pond_id: int) -> dict:
        from geo.register import apply_edits, load_register

        edits = [
            {"pond_id": r.pond_id, "kind": r.kind, "changes": json.loads(r.changes)}
            for r in conn.execute(
                select(register_edits).where(register_edits.c.pond_id == pond_id).order_by(register_edits.c.id)
            )
        ]
        reg = load_register()
        reg = reg[reg.pond_id == pond_id]
        if reg.empty:
            raise RegisterEditError("pond_id", pond_id, "no such pond in the register")
        row = apply_edits(reg, edits).iloc[0]
        return {k: row[k] for k in ("coord_text", "lon", "lat", "area_mu", "uses", "coord_status", "coord_datum")}

    @staticmethod
    def _point(text: str) -> dict:
        from geo.coords import CoordinateError, in_china, parse_coordinate

        try:
            parsed = parse_coordinate(text)
        except CoordinateError as exc:
            raise RegisterEditError("coord_text", text, str(exc)) from exc
        lon, lat = parsed.lon, parsed.lat
        if not bool(in_china(lon, lat)):
            raise RegisterEditError("coord_text", text, f"({lon:.5f}, {lat:.5f}) lies outside China")
        return {"coord_text": text.strip(), "lon": float(lon), "lat": float(lat)}

    def _write_edit(self, conn, actor, pond_id, kind, changes, reason, verified_by="", verified_on=None) -> int:
        before = self._current_pond(conn, pond_id)
        values = dict(
            pond_id=pond_id,
            kind=kind,
            changes=json.dumps(changes, ensure_ascii=False, sort_keys=True),
            reason=reason,
            verified_by=verified_by,
            verified_on=verified_on,
            recorded_by=actor.name,
            recorded_at=_now(),
        )
        edit_id = conn.execute(insert(register_edits).values(**values)).inserted_primary_key[0]
        if "lon" in changes:  # tracing distances use the site's point
            conn.execute(
                update(sites)
                .where(sites.c.code == str(pond_id), sites.c.kind == "pond")
                .values(lon=changes["lon"], lat=changes["lat"], provisional=kind != "verify")
            )
        self._audit(
            conn, actor, f"register.{kind}", "pond", pond_id, {k: before[k] for k in changes}, {**values, **changes}
        )
        return edit_id

    def correct_pond(
        self,
        pond_id: int,
        *,
        user,
        reason: str,
        coord_text: str | None = None,
        uses: str | None = None,
        area_mu: float | None = None,
    ) -> int:
        """Correct a pond's coordinate, area or uses (a desk correction; the seed value stays).

        Parameters
        ----------
        pond_id : int
        user : str or monitoring.auth.Actor
            Acting user (``register.correct``, admin).
        reason : str
            Required: where the new value comes from.
        coord_text : str, optional
            In any notation of :func:`geo.coords.parse_coordinate`.
        uses : str, optional
            ``<use><number>亩`` parts separated by ``;``; the area becomes their sum.
        area_mu : float, optional
            A new area for a pond with one use (its use keeps its name).

        Returns
        -------
        int
            The edit id.

        Raises
        ------
        RegisterEditError
            Naming the field, value and reason; nothing is written.
        PermissionDenied
        """
        from geo.register import parse_uses

        if not (reason or "").strip():
            raise RegisterEditError("reason", reason, "a correction needs a reason (where the value comes from)")
        if coord_text is None and uses is None and area_mu is None:
            raise RegisterEditError("changes", "", "nothing to change")
        changes: dict = {}
        if coord_text is not None:
            changes |= self._point(coord_text)
        if uses is not None:
            try:
                parts = parse_uses(uses)
            except ValueError as exc:
                raise RegisterEditError("uses", uses, str(exc)) from exc
            total = float(sum(mu for _, mu in parts))
            if area_mu is not None and abs(float(area_mu) - total) > 1e-9:
                raise RegisterEditError("area_mu", area_mu, f"differs from the sum of the uses ({total:g} 亩)")
            changes |= {"uses": ";".join(f"{u}{mu:g}亩" for u, mu in parts), "area_mu": total}
        with self.engine.begin() as conn:
            actor = self._act(conn, user, "register.correct")
            current = self._current_pond(conn, int(pond_id))
            if uses is None and area_mu is not None:
                try:
                    area = float(area_mu)
                except (TypeError, ValueError):
                    raise RegisterEditError("area_mu", area_mu, "not a number") from None
                if not area > 0:
                    raise RegisterEditError("area_mu", area_mu, "must be positive")
                parts = parse_uses(current["uses"])
                if len(parts) != 1:
                    raise RegisterEditError(
                        "area_mu", area_mu, f"the pond has {len(parts)} uses: give the uses with their areas"
                    )
                changes |= {"area_mu": area, "uses": f"{parts[0][0]}{area:g}亩"}
            return self._write_edit(conn, actor, int(pond_id), "correct", changes, reason.strip())

    def verify_pond(
        self, pond_id: int, coord_text: str, *, user, verified_by: str, verified_on: date, note: str = ""
    ) -> int:
        """Record a field-verified GPS point: the pond shows as verified on the map.

        Parameters
        ----------
        pond_id : int
        coord_text : str
            The GPS reading (WGS84 = CGCS2000 at this precision), any accepted notation.
        user : str or monitoring.auth.Actor
            Acting user (``register.verify``, admin).
        verified_by : str
            Who took the reading on site.
        verified_on : datetime.date
            When; not in the future.
        note : str, optional

        Returns
        -------
        int
            The edit id.

        Raises
        ------
        RegisterEditError, PermissionDenied
        """
        if not (verified_by or "").strip():
            raise RegisterEditError("verified_by", verified_by, "say who took the reading on site")
        if not isinstance(verified_on, date) or verified_on > datetime.now(TZ).date():
            raise RegisterEditError("verified_on", verified_on, "missing or in the future")
        changes = self._point(coord_text) | {"coord_status": "verified", "coord_datum": "WGS84/CGCS2000 (GPS)"}
        with self.engine.begin() as conn:
            actor = self._act(conn, user, "register.verify")
            return self._write_edit(
                conn, actor, int(pond_id), "verify", changes, (note or "").strip(), verified_by.strip(), verified_on
            )

    def upload_boundary(self, kind: str, filename: str, content: bytes, *, user, note: str = "") -> int:
        """Store a new lake outline or section layer; the previous version is kept.

        The file is validated first (:func:`geo.boundaries.load_boundary_bytes`:
        size, type, archive safety, geometry, CRS, position in China).

        Parameters
        ----------
        kind : {'lake', 'sections'}
        filename : str
        content : bytes
        user : str or monitoring.auth.Actor
            Acting user (``boundary.upload``, admin).
        note : str, optional

        Returns
        -------
        int
            The version id.

        Raises
        ------
        geo.boundaries.BoundaryError, PermissionDenied
        """
        from geo.boundaries import load_boundary_bytes

        self.authorize(user, "boundary.upload")  # refuse before parsing anything
        b = load_boundary_bytes(content, filename, kind)
        values = dict(
            kind=kind,
            filename=str(b.path),
            content=content,
            sha256=hashlib.sha256(content).hexdigest(),
            features=len(b.gdf),
            provisional=b.provisional,
            note=(note or "").strip(),
            warnings="\n".join(b.warnings),
        )
        with self.engine.begin() as conn:
            actor = self._act(conn, user, "boundary.upload")
            prev = conn.execute(
                select(boundary_versions.c.id, boundary_versions.c.filename, boundary_versions.c.sha256)
                .where(boundary_versions.c.kind == kind)
                .order_by(boundary_versions.c.id.desc())
                .limit(1)
            ).first()
            values |= {"recorded_by": actor.name, "recorded_at": _now()}
            vid = conn.execute(insert(boundary_versions).values(**values)).inserted_primary_key[0]
            if kind == "sections":  # new section points become monitoring sites
                have = set(conn.execute(select(sites.c.code)).scalars())
                for r in b.gdf.to_crs(GEOGRAPHIC).itertuples():
                    if str(r.section_id) not in have:
                        site = dict(
                            code=str(r.section_id),
                            kind="section",
                            name=r.name,
                            lon=float(r.geometry.x),
                            lat=float(r.geometry.y),
                            source=str(r.source),
                            provisional=bool(r.provisional),
                        )
                        conn.execute(insert(sites).values(**site))
                        self._audit(conn, actor, "site.add", "site", site["code"], None, site)
            before = dict(prev._mapping) if prev is not None else {"filename": f"data/boundaries ({kind}, shipped)"}
            self._audit(conn, actor, "boundary.upload", "boundary", f"{kind}:{vid}", before, values)
            return vid

    def boundary_versions(self, kind: str | None = None) -> pd.DataFrame:
        """Uploaded boundary versions, newest first (no file content)."""
        cols = [c for c in boundary_versions.c if c.name != "content"]
        q = select(*cols).order_by(boundary_versions.c.id.desc())
        if kind:
            q = q.where(boundary_versions.c.kind == kind)
        with self.engine.connect() as conn:
            return pd.read_sql(q, conn)

    def boundary_file(self, version_id: int) -> tuple[bytes, str] | None:
        """An uploaded boundary file: (bytes, file name), or None."""
        with self.engine.connect() as conn:
            row = conn.execute(
                select(boundary_versions.c.content, boundary_versions.c.filename).where(
                    boundary_versions.c.id == version_id
                )
            ).first()
        return None if row is None else (bytes(row[0]), row[1])

    def active_boundaries(self) -> dict:
        """The newest uploaded version per kind: {kind: (id, bytes, file name)}."""
        out = {}
        with self.engine.connect() as conn:
            for kind in ("lake", "sections"):
                row = conn.execute(
                    select(boundary_versions.c.id, boundary_versions.c.content, boundary_versions.c.filename)
                    .where(boundary_versions.c.kind == kind)
                    .order_by(boundary_versions.c.id.desc())
                    .limit(1)
                ).first()
                if row is not None:
                    out[kind] = (row[0], bytes(row[1]), row[2])
        return out

    def geometry_stamp(self) -> tuple:
        """Changes whenever a register edit or a boundary upload is stored (for caches)."""
        with self.engine.connect() as conn:
            return (
                conn.execute(select(func.max(register_edits.c.id))).scalar(),
                conn.execute(select(func.max(boundary_versions.c.id))).scalar(),
            )

    # --- accounts and sessions -------------------------------------------------
    def authorize(self, user, action: str) -> Actor:
        """Check, without writing anything, that ``user`` may perform ``action``.

        Returns
        -------
        monitoring.auth.Actor

        Raises
        ------
        PermissionDenied
        """
        with self.engine.connect() as conn:
            return self._act(conn, user, action)

    def has_users(self) -> bool:
        """Whether any account exists."""
        with self.engine.connect() as conn:
            return conn.execute(select(users.c.id).limit(1)).first() is not None

    def users(self) -> pd.DataFrame:
        """Every account (no password hashes), by name."""
        cols = [c for c in users.c if c.name != "password_hash"]
        with self.engine.connect() as conn:
            return pd.read_sql(select(*cols).order_by(users.c.username), conn)

    def create_user(self, username: str, password: str, role: str, *, user, display_name: str = "") -> int:
        """Create an account.

        Parameters
        ----------
        username : str
            1–40 letters, digits, Chinese characters, ``.``, ``_`` or ``-``.
        password : str
            At least :data:`monitoring.auth.MIN_PASSWORD` characters; stored as an argon2id hash.
        role : {'viewer', 'inspector', 'leader', 'admin'}
        user : str or monitoring.auth.Actor
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
            raise AuthError("bad_role", f"role must be one of {', '.join(ROLES)}, not {role!r}")
        check_password_rules(password, username)
        digest = self.hasher.hash(password)
        with self.engine.begin() as conn:
            actor = self._act(conn, user, "user.create")
            if conn.execute(select(users.c.id).where(func.lower(users.c.username) == username.lower())).first():
                raise AuthError("taken", f"username {username!r} is taken")
            values = dict(
                username=username,
                password_hash=digest,
                role=role,
                active=True,
                display_name=(display_name or "").strip(),
                password_changed_at=_now(),
                **_created(actor.name),
            )
            uid = conn.execute(insert(users).values(**values)).inserted_primary_key[0]
            self._audit(conn, actor, "user.create", "user", username, None, values)
            return uid

    def update_user(
        self,
        username: str,
        *,
        user,
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
        user : str or monitoring.auth.Actor
            Acting user (``user.update``, admin).
        role, active, password, display_name : optional

        Raises
        ------
        AuthError, PermissionDenied
        """
        if role is not None and role not in ROLES:
            raise AuthError("bad_role", f"role must be one of {', '.join(ROLES)}, not {role!r}")
        if password is not None:
            check_password_rules(password, username)
        digest = self.hasher.hash(password) if password is not None else None
        with self.engine.begin() as conn:
            actor = self._act(conn, user, "user.update")
            old = conn.execute(select(users).where(users.c.username == username)).mappings().first()
            if old is None:
                raise AuthError("unknown_user", f"no account {username!r}")
            if actor.name == username and (active is False or (role is not None and role != "admin")):
                raise AuthError("self_lockout", "you cannot disable or demote your own account")
            values = {"updated_by": actor.name, "updated_at": _now()}
            if role is not None:
                values["role"] = role
            if active is not None:
                values["active"] = bool(active)
            if display_name is not None:
                values["display_name"] = display_name.strip()
            if digest is not None:
                values["password_hash"] = digest
                values["password_changed_at"] = _now()
            conn.execute(update(users).where(users.c.id == old["id"]).values(**values))
            if active is False or digest is not None:
                reason = "disabled" if active is False else "password"
                self._end_sessions(conn, username, reason)
            shown = {k: ("(changed)" if k == "password_hash" else v) for k, v in values.items()}
            before = {k: ("(old)" if k == "password_hash" else old[k]) for k in values}
            self._audit(conn, actor, "user.update", "user", username, before, shown)

    def change_password(self, username: str, old_password: str, new_password: str) -> None:
        """A user changes their own password (any role), giving the current one.

        Raises
        ------
        AuthError
            Wrong current password, or a weak new one.
        """
        check_password_rules(new_password, username)
        with self.engine.begin() as conn:
            row = conn.execute(select(users).where(users.c.username == username)).mappings().first()
            if row is None or not row["active"] or not verify_password(row["password_hash"], old_password, self.hasher):
                raise AuthError("bad_login", "the current password is wrong")
            values = {
                "password_hash": self.hasher.hash(new_password),
                "password_changed_at": _now(),
                "updated_by": username,
                "updated_at": _now(),
            }
            conn.execute(update(users).where(users.c.id == row["id"]).values(**values))
            self._audit(
                conn, Actor(username, row["role"]), "user.password", "user", username, None, {"password": "(changed)"}
            )

    @staticmethod
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
        >>> Store.lock_until([(t, False)] * 5, 5, timedelta(minutes=15))
        datetime.datetime(2026, 1, 1, 8, 15)
        >>> Store.lock_until([(t, False)] * 4 + [(t, True)], 5, timedelta(minutes=15)) is None
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

    def _dummy_hash(self) -> str:
        # Verified against when the account does not exist, so that both cases take as long.
        if not hasattr(self, "_dummy"):
            self._dummy = self.hasher.hash(secrets.token_hex(16))
        return self._dummy

    def _locked(self, conn, column, value: str, now: datetime) -> datetime | None:
        lock = timedelta(minutes=float(self.auth.lock_minutes))
        horizon = now - lock * (int(self.auth.max_failures) + 1)
        rows = conn.execute(
            select(login_attempts.c.at, login_attempts.c.success)
            .where(column == value, login_attempts.c.at >= horizon)
            .order_by(login_attempts.c.at, login_attempts.c.id)
        ).all()
        until = self.lock_until([(r[0], r[1]) for r in rows], int(self.auth.max_failures), lock)
        return until if until is not None and until > now else None

    def login(self, username: str, password: str, client: str = "unknown", now: datetime | None = None) -> str:
        """Check a password and open a session.

        Five failures (``[auth] max_failures``) for one account, or from one
        client, lock it for 15 minutes (``lock_minutes``).  The message never
        says whether the account exists.

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
        now = now or _now()
        username = str(username or "").strip()[:64]
        client = str(client or "unknown")[:64]
        with self.engine.begin() as conn:
            for column, value in ((login_attempts.c.username, username), (login_attempts.c.client, client)):
                until = self._locked(conn, column, value, now)
                if until is not None:
                    self._audit(conn, username or "?", "auth.locked", "user", username, None, {"client": client})
                    minutes = max(1, int((until - now).total_seconds() // 60) + 1)
                    raise AuthError("locked", f"too many failed logins: try again in {minutes} min", minutes)
            row = conn.execute(select(users).where(users.c.username == username)).mappings().first()
            stored = row["password_hash"] if row is not None else self._dummy_hash()
            ok = verify_password(stored, password or "", self.hasher) and row is not None and row["active"]
            conn.execute(insert(login_attempts).values(username=username, client=client, at=now, success=bool(ok)))
            if not ok:
                why = "unknown account" if row is None else ("disabled" if not row["active"] else "wrong password")
                self._audit(
                    conn, username or "?", "auth.failed", "user", username, None, {"client": client, "why": why}
                )
        if not ok:  # the failed attempt is committed before refusing
            raise AuthError("bad_login", "wrong username or password")
        token = secrets.token_urlsafe(32)
        with self.engine.begin() as conn:
            conn.execute(
                insert(sessions).values(
                    token_hash=_token_hash(token), username=username, client=client, created_at=now, last_seen=now
                )
            )
            self._audit(conn, username, "auth.login", "user", username, None, {"client": client})
        return token

    def session_user(self, token: str | None, now: datetime | None = None) -> Actor | None:
        """The account behind a session token, or None when it is unknown, ended or idle too long.

        An idle session (``[auth] session_idle_hours``, 8 h by default) is ended
        here; an active one has its ``last_seen`` refreshed.

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
        now = now or _now()
        key = _token_hash(token)
        with self.engine.begin() as conn:
            row = conn.execute(select(sessions).where(sessions.c.token_hash == key)).mappings().first()
            if row is None or row["ended_at"] is not None:
                return None
            account = conn.execute(
                select(users.c.role, users.c.active).where(users.c.username == row["username"])
            ).first()
            idle = timedelta(hours=float(self.auth.session_idle_hours))
            reason = "expired" if now - row["last_seen"] > idle else None
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
        now = now or _now()
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
            .values(ended_at=_now(), end_reason=reason)
        )

    # --- demo data -----------------------------------------------------------
    def has_synthetic(self) -> bool:
        """Whether demo (synthetic) data is present."""
        with self.engine.connect() as conn:
            return conn.execute(select(samples.c.id).where(samples.c.synthetic).limit(1)).first() is not None

    def remove_synthetic(self, *, user) -> int:
        """Delete every synthetic sample and case (demo data only; real data is never deleted).

        Parameters
        ----------
        user : str or monitoring.auth.Actor
            Acting user (``demo.remove``, admin).

        Returns
        -------
        int
            Sample rows removed.
        """
        with self.engine.begin() as conn:
            actor = self._act(conn, user, "demo.remove")
            cases = conn.execute(tracing_cases.delete().where(tracing_cases.c.synthetic)).rowcount
            n = conn.execute(samples.delete().where(samples.c.synthetic)).rowcount
            if n or cases:
                self._audit(conn, actor, "demo.remove", "sample", "synthetic", {"samples": n, "cases": cases}, None)
            return n
