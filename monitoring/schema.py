"""Database schema (SQLAlchemy Core).  Alembic migrations in ``migrations/`` create it.

Samples are versioned: a correction or retraction adds a row with the next
``version`` and marks the previous one not current; nothing is updated in place
except that flag.  Times are stored as naive UTC with the zone they were
entered in (``tz``), and the ISO week in Asia/Shanghai is stored for fast
weekly queries.
"""

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    func,
    text,
)

__all__ = [
    "audit",
    "boundary_versions",
    "imports",
    "lake_group_members",
    "lake_plans",
    "lake_releases",
    "login_attempts",
    "login_throttle",
    "metadata",
    "patrols",
    "register_edits",
    "retirement_events",
    "samples",
    "section_placements",
    "sessions",
    "sites",
    "task_progress",
    "tips",
    "tracing_cases",
    "users",
]

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_name)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

sites = Table(
    "sites",
    metadata,
    Column("code", String(32), primary_key=True),
    Column("kind", String(16), nullable=False),  # pond | lake | section
    Column("name", String(200), nullable=False),
    Column("lon", Float),
    Column("lat", Float),
    Column("pond_id", Integer),
    Column("town", String(32)),
    Column("source", String(500), nullable=False, server_default=""),
    Column("provisional", Boolean, nullable=False, server_default=text("true")),
    Column("active", Boolean, nullable=False, server_default=text("true")),
    # Weeks before active_from (or after active_to) do not count the site (migration 0005).
    Column("active_from", Date),
    Column("active_to", Date),
    # The lake or river the site belongs to (data/waterbodies.toml; migration 0011).
    Column("water_body", String(16), nullable=False, server_default="yehu", index=True),
)

#: Positions of sections the documents leave 位置待定, placed by an administrator (migration 0013).
#: Versioned: a correction is the next version of the section; earlier versions are kept.
section_placements = Table(
    "section_placements",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("site_code", String(32), ForeignKey("sites.code"), nullable=False),
    Column("version", Integer, nullable=False),
    Column("lon", Float, nullable=False),  # CGCS2000 (converted on entry from GCJ-02)
    Column("lat", Float, nullable=False),
    Column("datum", String(16), nullable=False),  # as entered: wgs84 | gcj02
    Column("entered", String(200), nullable=False),  # the numbers as typed
    Column("source", String(500), nullable=False),
    Column("note", String(1000), nullable=False, server_default=""),
    Column("placed_by", String(64), nullable=False),
    Column("placed_at", DateTime, nullable=False),
    UniqueConstraint("site_code", "version", name="uq_section_placements_site_version"),
)

#: Other names labs write for a site (an administrator adds them); ``key`` is the normalised name.
site_aliases = Table(
    "site_aliases",
    metadata,
    Column("key", String(200), primary_key=True),
    Column("alias", String(200), nullable=False),
    Column("site_code", String(32), ForeignKey("sites.code"), nullable=False),
    Column("created_by", String(64), nullable=False),
    Column("created_at", DateTime, nullable=False),
)

#: A point a file marks as not sampled (未采, —, empty), with the file's reason.
not_sampled = Table(
    "not_sampled",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("site_code", String(32), ForeignKey("sites.code"), nullable=False),
    Column("parameter", String(16), nullable=False),
    Column("day", Date, nullable=False),
    Column("week", String(8), nullable=False),
    Column("reason", String(200), nullable=False),
    Column("batch_id", String(64)),
    Column("created_by", String(64), nullable=False),
    Column("created_at", DateTime, nullable=False),
    Index("ix_not_sampled_week", "week", "parameter"),
)

samples = Table(
    "samples",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("sample_uid", String(36), nullable=False),
    Column("version", Integer, nullable=False),
    Column("is_current", Boolean, nullable=False),
    Column("retracted", Boolean, nullable=False, server_default=text("false")),
    Column("change_reason", Text),
    Column("site_code", String(32), ForeignKey("sites.code"), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("sampled_at_utc", DateTime, nullable=False),
    Column("tz", String(40), nullable=False),
    Column("week", String(8), nullable=False),
    Column("parameter", String(16), nullable=False),
    Column("value_mg_l", Float, nullable=False),
    Column("censored", Boolean, nullable=False),
    Column("detection_limit", Float),
    Column("value_entered", String(64), nullable=False, server_default=""),
    Column("unit_entered", String(16), nullable=False, server_default="mg/L"),
    Column("method", String(64), nullable=False),
    Column("qc_type", String(20), nullable=False),
    Column("laboratory", String(200), nullable=False, server_default=""),
    Column("inspector", String(200), nullable=False, server_default=""),
    Column("notes", Text, nullable=False, server_default=""),
    Column("created_by", String(64), nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("batch_id", String(64)),
    Column("synthetic", Boolean, nullable=False, server_default=text("false")),
    UniqueConstraint("sample_uid", "version", name="uq_samples_uid_version"),
    Index("ix_samples_week_parameter", "week", "parameter"),
    Index("ix_samples_site_time", "site_code", "sampled_at_utc"),
    Index("ix_samples_uid", "sample_uid"),
    # One current sample per site, time, parameter and QC type (duplicates refused even under concurrency).
    Index(
        "uq_samples_current",
        "site_code",
        "sampled_at_utc",
        "parameter",
        "qc_type",
        unique=True,
        sqlite_where=text("is_current AND NOT retracted"),
        postgresql_where=text("is_current AND NOT retracted"),
    ),
)

imports = Table(
    "imports",
    metadata,
    Column("batch_id", String(64), primary_key=True),  # sha256 of the file's bytes
    Column("filename", String(300), nullable=False),
    Column("rows", Integer, nullable=False),
    Column("imported_by", String(64), nullable=False),
    Column("imported_at", DateTime, nullable=False),
)

tracing_cases = Table(
    "tracing_cases",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("site_code", String(32), ForeignKey("sites.code"), nullable=False),
    Column("sample_uid", String(36), nullable=False, unique=True),
    Column("parameter", String(16), nullable=False),
    Column("value_mg_l", Float, nullable=False),
    Column("limit_mg_l", Float, nullable=False),
    Column("opened_at", DateTime, nullable=False),
    Column("status", String(12), nullable=False),  # open | closed
    Column("candidates", Text, nullable=False),  # JSON snapshot at opening
    Column("findings", Text, nullable=False, server_default=""),
    Column("action", Text, nullable=False, server_default=""),
    Column("responsible_unit", String(100), nullable=False, server_default=""),
    Column("deadline", Date),
    Column("closed_at", DateTime),
    Column("closing_sample_uid", String(36)),
    Column("updated_by", String(64), nullable=False),
    Column("updated_at", DateTime, nullable=False),
    Column("synthetic", Boolean, nullable=False, server_default=text("false")),
)

# Retirement ledger: append-only (only live_step changes, on a void). A "void" event cancels an earlier "done" event.
retirement_events = Table(
    "retirement_events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("pond_code", String(32), ForeignKey("sites.code"), nullable=False),
    Column("kind", String(8), nullable=False),  # done | void
    Column("step", String(32)),
    Column("event_date", Date),
    Column("voids", Integer, ForeignKey("retirement_events.id")),
    Column("reason", Text, nullable=False, server_default=""),
    Column("responsible_unit", String(100), nullable=False, server_default=""),
    Column("note", Text, nullable=False, server_default=""),
    Column("document_no", String(100), nullable=False, server_default=""),
    Column("photo", LargeBinary),
    Column("photo_name", String(200)),
    Column("photo_type", String(40)),
    Column("recorded_by", String(64), nullable=False),
    Column("recorded_at", DateTime, nullable=False),
    # The step of a "done" event while it stands; cleared when it is voided (migration 0010). The unique
    # index lets the database refuse one step twice for a pond, however two requests race (NULLs never clash).
    Column("live_step", String(32)),
    Index("ix_retirement_events_pond", "pond_code"),
    Index("uq_retirement_events_live_step", "pond_code", "live_step", unique=True),
)

# Daily patrols (日常监管巡查). A finding may open a case (status/action/unit/deadline).
patrols = Table(
    "patrols",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("patrol_date", Date, nullable=False),
    Column("inspectors", String(300), nullable=False),
    Column("ponds", String(300), nullable=False, server_default=""),  # comma-separated pond codes
    Column("area", String(300), nullable=False, server_default=""),
    Column("findings", String(300), nullable=False, server_default=""),  # comma-separated keys
    Column("dead_fish_disposal", Text, nullable=False, server_default=""),
    Column("notes", Text, nullable=False, server_default=""),
    Column("photo", LargeBinary),
    Column("photo_name", String(200)),
    Column("photo_type", String(40)),
    Column("case_status", String(8), nullable=False, server_default="none"),  # none | open | closed
    Column("case_action", Text, nullable=False, server_default=""),
    Column("case_unit", String(100), nullable=False, server_default=""),
    Column("case_deadline", Date),
    Column("recorded_by", String(64), nullable=False),
    Column("recorded_at", DateTime, nullable=False),
    Column("updated_by", String(64), nullable=False),
    Column("updated_at", DateTime, nullable=False),
)

# Public tips (有奖举报).
tips = Table(
    "tips",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("received_date", Date, nullable=False),
    Column("what", Text, nullable=False),
    Column("location_text", String(200), nullable=False),
    Column("lon", Float, nullable=False),
    Column("lat", Float, nullable=False),
    Column("contact", String(200), nullable=False, server_default=""),
    Column("in_ban_zone", Boolean, nullable=False),
    Column("in_nofish_zone", Boolean, nullable=False),
    Column("shore_distance_m", Float, nullable=False),
    Column("nearest_pond", String(32)),
    Column("nearest_pond_m", Float),
    Column("status", String(12), nullable=False),  # received | verified | unfounded | resolved
    Column("reward_granted", Boolean, nullable=False, server_default=text("false")),
    Column("reward_amount", Float),
    Column("notes", Text, nullable=False, server_default=""),
    Column("recorded_by", String(64), nullable=False),
    Column("recorded_at", DateTime, nullable=False),
    Column("updated_by", String(64), nullable=False),
    Column("updated_at", DateTime, nullable=False),
)

# Accounts. Passwords are stored as argon2id hashes only.
users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("username", String(64), nullable=False, unique=True),
    Column("password_hash", String(200), nullable=False),
    Column("role", String(16), nullable=False),  # viewer | inspector | leader | admin
    Column("active", Boolean, nullable=False, server_default=text("true")),
    Column("display_name", String(100), nullable=False, server_default=""),
    Column("password_changed_at", DateTime, nullable=False),
    Column("recorded_by", String(64), nullable=False),
    Column("recorded_at", DateTime, nullable=False),
    Column("updated_by", String(64), nullable=False),
    Column("updated_at", DateTime, nullable=False),
)
# Usernames are unique regardless of case (migration 0006): "Racer" and "racer" are one account.
Index("uq_users_username_ci", func.lower(users.c.username), unique=True)

# Every login attempt, for throttling (per account and per client).
login_attempts = Table(
    "login_attempts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("username", String(64), nullable=False),
    Column("client", String(64), nullable=False),
    Column("at", DateTime, nullable=False),
    Column("success", Boolean, nullable=False),
    Index("ix_login_attempts_username_at", "username", "at"),
    Index("ix_login_attempts_client_at", "client", "at"),
)

# Failed-login counters (migration 0008), one row per account, per client and per client-and-account.
# Each attempt claims a slot with one UPDATE before its password is checked, so parallel attempts
# cannot overtake the count.
login_throttle = Table(
    "login_throttle",
    metadata,
    Column("kind", String(8), primary_key=True),  # account | client | pair
    Column("name", String(140), primary_key=True),  # lower-case username, client, or "client|username"
    Column("failures", Integer, nullable=False),
    Column("last_at", DateTime, nullable=False),
    Column("locked_until", DateTime),
)

# Sessions: only the sha256 of the token is stored.
sessions = Table(
    "sessions",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("username", String(64), nullable=False),
    Column("client", String(64), nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("last_seen", DateTime, nullable=False),
    Column("ended_at", DateTime),
    Column("end_reason", String(16)),  # logout | expired | lifetime | disabled | password
)

# The audit trail: one row per mutation, written in the mutation's transaction.
# Database triggers (migration 0004) refuse UPDATE and DELETE on it.
audit = Table(
    "audit",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", DateTime, nullable=False),
    Column("actor", String(64), nullable=False),
    Column("action", String(32), nullable=False),
    Column("entity", String(32), nullable=False),
    Column("entity_id", String(64), nullable=False, server_default=""),
    Column("before", Text),  # JSON
    Column("after", Text),  # JSON
    Index("ix_audit_at", "at"),
    Index("ix_audit_actor", "actor"),
)

# Register corrections and field verifications; data/ponds.csv (the seed) is never changed.
register_edits = Table(
    "register_edits",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("pond_id", Integer, nullable=False),
    Column("kind", String(12), nullable=False),  # correct | verify
    Column("changes", Text, nullable=False),  # JSON: the new values
    Column("reason", Text, nullable=False, server_default=""),
    Column("verified_by", String(100), nullable=False, server_default=""),  # who took the GPS reading
    Column("verified_on", Date),
    Column("recorded_by", String(64), nullable=False),
    Column("recorded_at", DateTime, nullable=False),
    Index("ix_register_edits_pond", "pond_id"),
)

# Uploaded boundary files; the newest of a kind is in use, older ones are kept.
boundary_versions = Table(
    "boundary_versions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("kind", String(12), nullable=False),  # lake | sections
    Column("filename", String(200), nullable=False),
    Column("content", LargeBinary, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("features", Integer, nullable=False),
    Column("provisional", Boolean, nullable=False),
    Column("note", Text, nullable=False, server_default=""),
    Column("warnings", Text, nullable=False, server_default=""),
    Column("recorded_by", String(64), nullable=False),
    Column("recorded_at", DateTime, nullable=False),
    # Provenance given on the upload form (migration 0005): surveyed | digitised | provisional.
    Column("provenance", String(16)),
    Column("prov_source", String(500), nullable=False, server_default=""),
    Column("prov_date", Date),
    Column("prov_by", String(100), nullable=False, server_default=""),
    Column("layer", String(200)),
)

# Lake-level work (湖体治理, migration 0007): plans the documents ask for, organism releases and the
# leading group. Rows are never deleted: a mistaken entry is voided (voided_at, reason) and kept.
# water_body is the lake a row concerns (yehu, huanggai, yuantan, tandu); the app offers yehu only.
lake_plans = Table(
    "lake_plans",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("water_body", String(16), nullable=False, server_default="yehu"),
    Column("kind", String(16), nullable=False),  # sediment | ecology (config [[lake_plans]])
    Column("status", String(12), nullable=False),  # drafted | approved
    Column("plan_date", Date, nullable=False),
    Column("document_no", String(100), nullable=False, server_default=""),
    Column("note", Text, nullable=False, server_default=""),
    Column("file", LargeBinary),
    Column("file_name", String(200)),
    Column("file_type", String(80)),
    Column("recorded_by", String(64), nullable=False),
    Column("recorded_at", DateTime, nullable=False),
    Column("voided_at", DateTime),
    Column("voided_by", String(64)),
    Column("void_reason", Text, nullable=False, server_default=""),
    Index("ix_lake_plans_water_body", "water_body", "kind"),
)

lake_releases = Table(
    "lake_releases",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("water_body", String(16), nullable=False, server_default="yehu"),
    Column("release_date", Date, nullable=False),
    Column("species", String(100), nullable=False),
    Column("quantity", Float, nullable=False),
    Column("quantity_unit", String(12), nullable=False),  # kg | jin | tail | wan_tail | plant
    Column("water_area", Float),
    Column("area_unit", String(4), nullable=False, server_default="mu"),  # mu | m2
    Column("releasing_unit", String(100), nullable=False, server_default=""),
    Column("note", Text, nullable=False, server_default=""),
    Column("recorded_by", String(64), nullable=False),
    Column("recorded_at", DateTime, nullable=False),
    Column("voided_at", DateTime),
    Column("voided_by", String(64)),
    Column("void_reason", Text, nullable=False, server_default=""),
    Index("ix_lake_releases_water_body", "water_body", "release_date"),
)

# The leading group and its office, as an administrator last saved them (the highest version);
# the configuration's [lake_group] is shown until the first save.
lake_group_members = Table(
    "lake_group_members",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("water_body", String(16), nullable=False, server_default="yehu"),
    Column("version", Integer, nullable=False),
    Column("seq", Integer, nullable=False),
    Column("body", String(8), nullable=False),  # group | office
    Column("role", String(50), nullable=False),
    Column("name", String(50), nullable=False, server_default=""),
    Column("post", String(200), nullable=False, server_default=""),
    Column("recorded_by", String(64), nullable=False),
    Column("recorded_at", DateTime, nullable=False),
    Index("ix_lake_group_members_version", "water_body", "version"),
)

# Progress of a water body's rectification tasks (data/waterbodies.toml [[task]]): one row per
# report, voided with a reason and kept.
task_progress = Table(
    "task_progress",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("water_body", String(16), nullable=False),
    Column("task_key", String(40), nullable=False),
    Column("status", String(12), nullable=False),  # not_started | in_progress | done | closed
    Column("progress_date", Date, nullable=False),
    Column("note", Text, nullable=False, server_default=""),
    Column("unit", String(100), nullable=False, server_default=""),
    Column("file", LargeBinary),
    Column("file_name", String(200)),
    Column("file_type", String(80)),
    Column("recorded_by", String(64), nullable=False),
    Column("recorded_at", DateTime, nullable=False),
    Column("voided_at", DateTime),
    Column("voided_by", String(64)),
    Column("void_reason", Text, nullable=False, server_default=""),
    Index("ix_task_progress_task", "water_body", "task_key"),
)
