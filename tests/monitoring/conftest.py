import os
import uuid

import pytest
from psycopg import sql
from sqlalchemy import create_engine

from geo.boundaries import load_boundaries
from geo.register import load_register
from monitoring.auth import CONSOLE
from monitoring.store import Store
from tests.conftest import CHEAP_HASHER, require

#: Accounts every `store` fixture holds (admins: they may do everything).
TEST_ADMINS = ("u", "a", "b", "c", "v", "h", "real", "insp", "staff", "admin", "tester")
TEST_PASSWORD = "test-password-1"

#: SQLite, PostgreSQL without PostGIS, and PostgreSQL with PostGIS (the larger deployment).
BACKENDS = ["sqlite", "postgres", "postgis"]
#: The per-run template database holding the PostGIS extension (copying it is much faster than
#: creating the extension in every test database).
POSTGIS_TEMPLATE = "yehu_template_postgis"


@pytest.fixture(scope="session")
def register():
    return load_register(), load_boundaries()[1].gdf


def _pg_admin():
    url = os.environ.get("YEHU_TEST_PG_URL")
    require(bool(url), "no PostgreSQL server (YEHU_TEST_PG_URL is not set; scripts/test.sh starts one)")
    return url


@pytest.fixture(scope="session")
def postgis_template():
    """A template database with the PostGIS extension, made once per run (Debian postgresql-15-postgis-3)."""
    admin = create_engine(_pg_admin(), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            raw = conn.connection.driver_connection
            available = raw.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'postgis'").fetchone()
            require(available is not None, "PostGIS is not installed (Debian: postgresql-15-postgis-3)")
            exists = raw.execute("SELECT 1 FROM pg_database WHERE datname = %s", (POSTGIS_TEMPLATE,)).fetchone()
            if exists is None:
                raw.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(POSTGIS_TEMPLATE)))
                url = admin.url.set(database=POSTGIS_TEMPLATE)
                tpl = create_engine(url, isolation_level="AUTOCOMMIT")
                with tpl.connect() as tconn:
                    tconn.exec_driver_sql("CREATE EXTENSION postgis")
                tpl.dispose()
    finally:
        admin.dispose()
    return POSTGIS_TEMPLATE


@pytest.fixture
def db_url(request, tmp_path):
    """A fresh, empty database on the requested backend (``postgis``: with the extension created)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'test.sqlite'}"
        return
    admin_url = _pg_admin()
    name = f"t_{uuid.uuid4().hex[:12]}"
    create = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
    if request.param == "postgis":
        template = request.getfixturevalue("postgis_template")
        create = sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(sql.Identifier(name), sql.Identifier(template))
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:  # identifiers quoted by psycopg, not by string formatting
        conn.connection.driver_connection.execute(create)
    yield admin_url.rsplit("/", 1)[0] + f"/{name}"
    with admin.connect() as conn:
        drop = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        conn.connection.driver_connection.execute(drop)
    admin.dispose()


@pytest.fixture
def store(db_url, register):
    s = Store(db_url, hasher=CHEAP_HASHER)
    s.register.load(*register, user=CONSOLE)
    for name in TEST_ADMINS:
        s.accounts.create(name, TEST_PASSWORD, "admin", user=CONSOLE)
    yield s
    s.engine.dispose()


def pytest_generate_tests(metafunc):
    if "db_url" in metafunc.fixturenames:
        only = metafunc.definition.get_closest_marker("backends")  # @pytest.mark.backends("postgis")
        metafunc.parametrize("db_url", list(only.args) if only else BACKENDS, indirect=True)
