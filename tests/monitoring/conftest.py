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

BACKENDS = ["sqlite", "postgres"]


@pytest.fixture(scope="session")
def register():
    return load_register(), load_boundaries()[1].gdf


def _pg_admin():
    url = os.environ.get("YEHU_TEST_PG_URL")
    require(bool(url), "no PostgreSQL server (YEHU_TEST_PG_URL is not set; scripts/test.sh starts one)")
    return url


@pytest.fixture
def db_url(request, tmp_path):
    """A fresh, empty database on the requested backend."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'test.sqlite'}"
        return
    admin_url = _pg_admin()
    name = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:  # identifiers quoted by psycopg, not by string formatting
        conn.connection.driver_connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
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
        metafunc.parametrize("db_url", BACKENDS, indirect=True)
