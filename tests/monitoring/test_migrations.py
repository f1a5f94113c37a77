"""Migrations are frozen: a fresh upgrade equals the models, and a model change plus an ordinary
migration upgrades cleanly (the migrations never read the live models)."""

import ast
import shutil
import subprocess
import sys
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from monitoring.db import make_engine, upgrade
from monitoring.schema import metadata

ROOT = Path(__file__).resolve().parents[2]
MIGRATIONS = ROOT / "monitoring" / "migrations"


def _plain(default):
    text = (default or "").strip()
    while text.startswith("(") and text.endswith(")"):
        text = text[1:-1].strip()
    return text.strip("'")


def same_default(_ctx, _inspected_col, _col, inspected, _default, rendered):
    """Alembic reads SQLite's ``DEFAULT ''`` back as ``('')``: equal after unwrapping; else Alembic decides."""
    return False if _plain(inspected) == _plain(rendered) else None


def extension_tables(conn) -> set[str]:
    """Tables an extension created (PostGIS's ``spatial_ref_sys``): not the application's."""
    if conn.dialect.name != "postgresql":
        return set()
    rows = conn.exec_driver_sql(
        "SELECT c.relname FROM pg_depend d JOIN pg_class c ON c.oid = d.objid "
        "WHERE d.classid = 'pg_class'::regclass AND d.deptype = 'e' AND c.relkind IN ('r', 'v', 'm', 'p') "
        "AND c.relnamespace = current_schema()::regnamespace"
    )
    return {r[0] for r in rows}


def _diff(engine, target):
    with engine.connect() as conn:
        skip = extension_tables(conn)

        def ours(name, type_, _parent):
            return not (type_ == "table" and name in skip)

        opts = {"compare_type": True, "compare_server_default": same_default, "include_name": ours}
        ctx = MigrationContext.configure(conn, opts=opts)
        return compare_metadata(ctx, target)


def test_fresh_upgrade_equals_the_models(db_url):
    engine = make_engine(db_url)
    try:
        upgrade(engine)
        assert _diff(engine, metadata) == []
        with engine.connect() as conn:
            theirs = extension_tables(conn)
        assert set(inspect(engine).get_table_names()) - theirs == set(metadata.tables) | {"alembic_version"}
    finally:
        engine.dispose()


def test_no_migration_imports_the_live_models():
    for path in sorted((MIGRATIONS / "versions").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            else:
                continue
            assert not any(n.split(".")[0] in {"monitoring", "geo", "ui"} for n in names), (path.name, names)


#: An ordinary migration after today's head: one new column, as a developer would write it.
ADD_COLUMN = """
import sqlalchemy as sa
from alembic import op

revision = "9999_field_note"
down_revision = "{head}"


def upgrade():
    op.add_column("samples", sa.Column("field_note", sa.String(100), nullable=False, server_default=""))


def downgrade():
    op.drop_column("samples", "field_note")
"""

#: Run in a child process: it adds the column to the live models (as a developer would in schema.py),
#: upgrades a fresh database through every migration and compares it with the changed models.
CHILD = """
import sys

from alembic import command
from alembic.config import Config
from sqlalchemy import Column, String

from monitoring import schema
from monitoring.db import make_engine
from tests.monitoring.test_migrations import _diff

schema.samples.append_column(Column("field_note", String(100), nullable=False, server_default=""))
cfg = Config()
cfg.set_main_option("script_location", sys.argv[2])
engine = make_engine(sys.argv[1])
cfg.attributes["engine"] = engine
command.upgrade(cfg, "head")
with engine.connect() as conn:
    version = conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
print(version, _diff(engine, schema.metadata))
"""


def test_model_change_plus_add_column_migration_upgrades_cleanly(db_url, tmp_path):
    scripts = tmp_path / "migrations"
    shutil.copytree(MIGRATIONS, scripts, ignore=shutil.ignore_patterns("__pycache__"))
    cfg = Config()
    cfg.set_main_option("script_location", str(scripts))
    head = ScriptDirectory.from_config(cfg).get_current_head()
    (scripts / "versions" / "9999_field_note.py").write_text(ADD_COLUMN.format(head=head), encoding="utf-8")
    run = subprocess.run(
        [sys.executable, "-c", CHILD, db_url, str(scripts)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    assert run.stdout.split() == ["9999_field_note", "[]"]
