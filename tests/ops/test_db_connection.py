"""The database as an operator meets it: unreachable servers, wrong passwords, every documented password source."""

import json
import os
import secrets
import socket
import subprocess
import sys

import pytest
from psycopg import sql
from sqlalchemy import create_engine, make_url

from i18n import t
from tests.conftest import ROOT, migration_head, require

GROUP = "yehu_password_auth"  # scripts/pg.sh makes this group's members give a real password


def cli(*args, env=None, tmp_path=None, timeout=120):
    """Run ``python -m monitoring`` with only the given environment (no DATABASE_URL leaks in)."""
    base = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path or "/nonexistent"), "LANG": "C.UTF-8"}
    if tmp_path is not None:
        base["YEHU_DB"] = str(tmp_path / "default.sqlite")
        base["YEHU_SECRETS"] = str(tmp_path / "no-secrets.toml")
    return subprocess.run(
        [sys.executable, "-m", "monitoring", *args],
        cwd=ROOT,
        env={**base, **(env or {})},
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def one_line(res):
    lines = res.stderr.strip().splitlines()
    assert res.returncode == 1, (res.returncode, res.stdout, res.stderr)
    assert len(lines) == 1, res.stderr
    assert "Traceback" not in res.stderr and "sqlalchemy" not in res.stderr.lower()
    return lines[0]


def closed_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("cmd", [["users", "list"], ["db", "upgrade"], ["backup", "x.zip"], ["restore", "x.zip"]])
def test_unreachable_server_is_one_line_naming_host_and_port(tmp_path, lang, cmd):
    port = closed_port()
    res = cli("--lang", lang, *cmd, env={"DATABASE_URL": f"postgres://yehu@127.0.0.1:{port}/yehu"}, tmp_path=tmp_path)
    line = one_line(res)
    assert line == t("error.db.unreachable", lang, host=f"127.0.0.1:{port}")


def test_unknown_host(tmp_path):
    res = cli("db", "current", env={"DATABASE_URL": "postgresql://yehu@no-such-host.invalid/yehu"}, tmp_path=tmp_path)
    assert one_line(res) == t("error.db.unreachable", "zh", host="no-such-host.invalid:5432")


def test_sqlite_file_that_is_not_a_database(tmp_path):
    bad = tmp_path / "notes.sqlite"
    bad.write_text("not a database at all, just text " * 100)
    res = cli("--lang", "en", "users", "list", env={"YEHU_DB": str(bad)}, tmp_path=tmp_path)
    assert one_line(res) == t("error.db.not_sqlite", "en")


def test_db_current_creates_no_sqlite_file(tmp_path):
    db = tmp_path / "nowhere" / "yehu.sqlite"
    res = cli("db", "current", env={"YEHU_DB": str(db)}, tmp_path=tmp_path)
    assert res.returncode == 0 and "版本 None" in res.stdout
    assert not db.exists() and not db.parent.exists()
    assert cli("db", "upgrade", env={"YEHU_DB": str(db)}, tmp_path=tmp_path).returncode == 0
    res = cli("db", "current", env={"YEHU_DB": str(db)}, tmp_path=tmp_path)
    assert res.returncode == 0 and f"版本 {migration_head()}" in res.stdout


# --- PostgreSQL with a real password check ------------------------------------------------------------


@pytest.fixture
def pg_role(tmp_path):
    """A role that must give its password (member of GROUP), owning a fresh database."""
    admin_url = os.environ.get("YEHU_TEST_PG_URL")
    require(bool(admin_url), "no PostgreSQL server (YEHU_TEST_PG_URL is not set; scripts/test.sh starts one)")
    role = f"r_{secrets.token_hex(5)}"
    password = f"pw-{secrets.token_hex(8)}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        cur = conn.connection.driver_connection
        if not cur.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (GROUP,)).fetchone():
            cur.execute(sql.SQL("CREATE ROLE {} NOLOGIN").format(sql.Identifier(GROUP)))
        cur.execute(
            sql.SQL("CREATE ROLE {} LOGIN PASSWORD {} IN ROLE {}").format(
                sql.Identifier(role), sql.Literal(password), sql.Identifier(GROUP)
            )
        )
        cur.execute(sql.SQL("CREATE DATABASE {} OWNER {}").format(sql.Identifier(role), sql.Identifier(role)))
    u = make_url(admin_url)
    yield {"role": role, "password": password, "host": u.host, "port": u.port or 5432}
    with admin.connect() as conn:
        cur = conn.connection.driver_connection
        cur.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(role)))
        cur.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(role)))
    admin.dispose()


def url_of(r, password=None, scheme="postgres"):
    auth = r["role"] + (f":{password}" if password is not None else "")
    return f"{scheme}://{auth}@{r['host']}:{r['port']}/{r['role']}"


def upgraded(res):
    assert res.returncode == 0, res.stderr
    assert f"版本 {migration_head()}" in res.stdout and "***" not in res.stderr
    return res


def test_password_in_database_url_and_postgres_scheme(pg_role, tmp_path):
    for scheme in ("postgres", "postgresql"):
        res = upgraded(
            cli("db", "upgrade", env={"DATABASE_URL": url_of(pg_role, pg_role["password"], scheme)}, tmp_path=tmp_path)
        )
        assert pg_role["password"] not in res.stdout + res.stderr  # the password is never printed


def test_wrong_password_names_role_and_password(pg_role, tmp_path):
    host = f"{pg_role['host']}:{pg_role['port']}"
    for lang in ("zh", "en"):
        res = cli(
            "--lang", lang, "db", "current", env={"DATABASE_URL": url_of(pg_role, "wrong-password")}, tmp_path=tmp_path
        )
        assert one_line(res) == t("error.db.auth", lang, host=host, role=pg_role["role"])
        assert "wrong-password" not in res.stderr


def test_no_password_anywhere(pg_role, tmp_path):
    res = cli("db", "current", env={"DATABASE_URL": url_of(pg_role)}, tmp_path=tmp_path)
    assert one_line(res) == t(
        "error.db.no_password", "zh", host=f"{pg_role['host']}:{pg_role['port']}", role=pg_role["role"]
    )


def test_missing_database(pg_role, tmp_path):
    url = url_of(pg_role, pg_role["password"]).rsplit("/", 1)[0] + "/no_such_db"
    res = cli("--lang", "en", "db", "current", env={"DATABASE_URL": url}, tmp_path=tmp_path)
    line = one_line(res)
    assert line == t("error.db.no_database", "en", host=f"{pg_role['host']}:{pg_role['port']}", database="no_such_db")


def test_password_from_pgpassword(pg_role, tmp_path):
    upgraded(
        cli(
            "db", "upgrade", env={"DATABASE_URL": url_of(pg_role), "PGPASSWORD": pg_role["password"]}, tmp_path=tmp_path
        )
    )


def test_password_from_pgpass_file(pg_role, tmp_path):
    line = f"{pg_role['host']}:{pg_role['port']}:{pg_role['role']}:{pg_role['role']}:{pg_role['password']}\n"
    (tmp_path / ".pgpass").write_text(line)
    (tmp_path / ".pgpass").chmod(0o600)
    upgraded(cli("db", "upgrade", env={"DATABASE_URL": url_of(pg_role)}, tmp_path=tmp_path))  # HOME is tmp_path


def test_password_from_secrets_file(pg_role, tmp_path):
    secrets_file = tmp_path / "secrets.toml"
    secrets_file.write_text("database_password = " + json.dumps(pg_role["password"]) + "\n")
    env = {"DATABASE_URL": url_of(pg_role), "YEHU_SECRETS": str(secrets_file)}
    upgraded(cli("db", "upgrade", env=env, tmp_path=tmp_path))


def test_database_url_from_secrets_file(pg_role, tmp_path):
    secrets_file = tmp_path / "secrets.toml"
    secrets_file.write_text("DATABASE_URL = " + json.dumps(url_of(pg_role, pg_role["password"])) + "\n")
    res = upgraded(cli("db", "upgrade", env={"YEHU_SECRETS": str(secrets_file)}, tmp_path=tmp_path))
    assert "postgresql" in res.stdout and not (tmp_path / "default.sqlite").exists()


def test_default_secrets_file_is_the_projects_git_ignored_one():
    env = {k: v for k, v in os.environ.items() if k != "YEHU_SECRETS"}
    out = subprocess.run(
        [sys.executable, "-c", "from monitoring.db import secrets_path; print(secrets_path())"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert out == str(ROOT / ".streamlit" / "secrets.toml")
    ignored = subprocess.run(["git", "check-ignore", "-q", ".streamlit/secrets.toml"], cwd=ROOT)
    assert ignored.returncode == 0
