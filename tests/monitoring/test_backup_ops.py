"""Backups as operations need them: one snapshot under concurrent writes, lengths checked across
backends, the files the data rests on, restore --check, restore over the start-up sites, retention."""

import json
import sqlite3
import subprocess
import sys
import threading
import zipfile
from datetime import datetime, timedelta

import pytest
from sqlalchemy import text

from i18n import t
from monitoring.auth import CONSOLE
from monitoring.backup import TABLES, BackupError, backup, check, restore, table_rows
from monitoring.bootstrap import open_store
from monitoring.db import current_revision
from monitoring.samples import TZ, ParsedValue, SampleInput
from monitoring.store import Store
from tests.conftest import CHEAP_HASHER, ROOT, actor


def writer(store, stop: threading.Event, errors: list):
    """Keep adding exceedances (each opens a tracing case and writes audit rows) until stopped."""
    start = datetime(2022, 5, 2, 8, tzinfo=TZ)
    i = 0
    try:
        while not stop.is_set():
            site = str(1 + i % 17)
            store.samples.add(
                SampleInput(site, start + timedelta(minutes=i), ParsedValue(0.5 + i / 1000, False, None)),
                user=actor("u"),
            )
            i += 1
    except Exception as exc:  # reported by the test
        errors.append(exc)


def assert_consistent(engine):
    samples = {r["sample_uid"] for r in table_rows(engine, "samples")}
    cases = table_rows(engine, "tracing_cases")
    assert {c["sample_uid"] for c in cases} <= samples
    added = [a for a in table_rows(engine, "audit") if a["action"] == "sample.add"]
    assert {a["entity_id"] for a in added} == samples  # every sample has its audit row, and no audit row is orphaned
    case_ids = {c["id"] for c in cases}
    assert {int(a["entity_id"]) for a in table_rows(engine, "audit") if a["action"] == "case.open"} == case_ids
    if engine.dialect.name == "sqlite":
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA foreign_key_check").all() == []


def test_backup_under_concurrent_writes_is_one_snapshot(store, tmp_path):
    stop, errors = threading.Event(), []
    th = threading.Thread(target=writer, args=(store, stop, errors))
    th.start()
    paths = []
    try:
        for n in range(3):
            while len(table_rows(store.engine, "samples")) < 10 * (n + 1):
                pass
            paths.append(backup(store.engine, tmp_path / f"b{n}.zip"))
    finally:
        stop.set()
        th.join(timeout=120)
    assert not errors, errors
    for n in range(3):
        path = tmp_path / f"b{n}.zip"
        check(path)  # references verified inside the backup
        target = Store(f"sqlite:///{tmp_path / f'r{n}.sqlite'}", migrate=False)
        m = restore(target.engine, path)
        assert m["tables"]["samples"] >= 10 and m["tables"]["tracing_cases"] >= 10
        assert_consistent(target.engine)
        target.engine.dispose()


def test_sqlite_row_too_long_for_postgres_is_named(tmp_path, db_url, register):
    src = Store(f"sqlite:///{tmp_path / 'src.sqlite'}", hasher=CHEAP_HASHER)
    src.register.load(*register, user=CONSOLE)
    with sqlite3.connect(tmp_path / "src.sqlite") as raw:  # an older database: SQLite kept what PostgreSQL refuses
        raw.execute("UPDATE sites SET name = ? WHERE code = '7'", ("长" * 201,))
    path = tmp_path / "b.zip"
    backup(src.engine, path)
    with pytest.raises(BackupError) as info:
        check(path)
    assert info.value.code == "backup.too_long"
    assert info.value.params == {"table": "sites", "row_id": "7", "column": "name", "length": 201, "limit": 200}
    dst = Store(db_url, migrate=False)
    with pytest.raises(BackupError, match="sites, row 7, column name holds 201 characters"):
        restore(dst.engine, path)
    assert current_revision(dst.engine) is None  # checked before anything was written, even the schema
    dst.engine.dispose()


def test_nul_character_is_named(tmp_path, register):
    src = Store(f"sqlite:///{tmp_path / 'src.sqlite'}", hasher=CHEAP_HASHER)
    src.register.load(*register, user=CONSOLE)
    with sqlite3.connect(tmp_path / "src.sqlite") as raw:
        raw.execute("UPDATE sites SET source = ? WHERE code = '3'", ("a\x00b",))
    backup(src.engine, tmp_path / "b.zip")
    with pytest.raises(BackupError) as info:
        check(tmp_path / "b.zip")
    assert info.value.code == "backup.nul" and info.value.params["row_id"] == "3"


def test_backup_holds_config_and_data_files_and_no_secrets(store, tmp_path):
    m = backup(store.engine, tmp_path / "b.zip")
    names = zipfile.ZipFile(tmp_path / "b.zip").namelist()
    assert "files/config/yehu.toml" in names and "files/data/ponds.csv" in names
    assert any(n.startswith("files/data/boundaries/lake.") for n in names)
    assert not [n for n in names if "secret" in n or n.endswith("env")]
    assert ".streamlit/secrets.toml" in m["excluded"]
    body = zipfile.ZipFile(tmp_path / "b.zip").read("files/config/yehu.toml")
    assert body == (ROOT / "config/yehu.toml").read_bytes()


def test_restore_replaces_the_start_up_sites(tmp_path, db_url, register):
    src = Store(f"sqlite:///{tmp_path / 'src.sqlite'}", hasher=CHEAP_HASHER)
    src.register.load(*register, user=CONSOLE)
    src.accounts.create("u", "test-password-1", "admin", user=CONSOLE)
    src.samples.add(
        SampleInput("9", datetime(2022, 4, 12, 9, tzinfo=TZ), ParsedValue(0.35, False, None)), user=actor("u")
    )
    backup(src.engine, tmp_path / "b.zip")
    # A target the app has already started on: it loaded the register's sites, the water bodies'
    # sections and the documents' results (and their audit rows).
    target = open_store(db_url)
    assert len(table_rows(target.engine, "sites")) == 20 and table_rows(target.engine, "audit")
    assert len(table_rows(target.engine, "samples")) == 2
    restore(target.engine, tmp_path / "b.zip")
    for name in TABLES:
        assert table_rows(target.engine, name) == table_rows(src.engine, name), name
    with target.engine.connect() as conn, pytest.raises(Exception, match="never changed or deleted|audit"):
        conn.execute(text("DELETE FROM audit"))  # the audit triggers are back
    target.samples.add(
        SampleInput("9", datetime(2022, 4, 19, 9, tzinfo=TZ), ParsedValue(0.1, False, None)), user=actor("u")
    )
    target.engine.dispose()


def test_restore_refuses_a_database_with_more_than_start_up_sites(store, tmp_path):
    backup(store.engine, tmp_path / "b.zip")
    target = open_store(f"sqlite:///{tmp_path / 't.sqlite'}")
    target.accounts.create("someone", "test-password-1", "viewer", user=CONSOLE)
    before = {name: table_rows(target.engine, name) for name in TABLES}
    with pytest.raises(BackupError) as info:
        restore(target.engine, tmp_path / "b.zip")
    assert info.value.code == "backup.not_empty" and info.value.params["table"] == "users"
    assert {name: table_rows(target.engine, name) for name in TABLES} == before


def cli(*args, db, **kw):
    return subprocess.run(
        [sys.executable, "-m", "monitoring", *args],
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", "YEHU_DB": str(db), "YEHU_SECRETS": "/nonexistent"},
        capture_output=True,
        text=True,
        timeout=300,
        **kw,
    )


def test_restore_check_writes_nothing(tmp_path):
    src = tmp_path / "src.sqlite"
    out = tmp_path / "deep" / "er" / "b.zip"  # the folder is created
    res = cli("backup", str(out), db=src)
    assert res.returncode == 0 and out.exists(), res.stderr
    assert "secrets.toml" in res.stdout
    untouched = tmp_path / "never.sqlite"
    res = cli("--lang", "en", "restore", "--check", str(out), db=untouched)
    assert res.returncode == 0 and "Backup is sound" in res.stdout, res.stderr
    assert not untouched.exists()
    # A damaged backup: a table's row count differs from the manifest.
    bad = tmp_path / "bad.zip"
    with zipfile.ZipFile(out) as zin, zipfile.ZipFile(bad, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item)
            if item.filename == "sites.jsonl":
                data = b"\n".join(data.splitlines()[:-1]) + b"\n"
            zout.writestr(item, data)
    res = cli("--lang", "en", "restore", "--check", str(bad), db=untouched)
    assert res.returncode == 1 and len(res.stderr.strip().splitlines()) == 1
    expected = t("error.backup.count_mismatch", "en", table="sites", rows=19, expected=20)
    assert res.stderr.strip() == t("cli.restore.refused", "en", error=expected)
    assert not untouched.exists()
    manifest = json.loads(zipfile.ZipFile(out).read("manifest.json"))
    assert manifest["tables"]["sites"] == 20


def test_backup_into_an_impossible_folder_says_why(tmp_path):
    blocker = tmp_path / "afile"
    blocker.write_text("x")
    res = cli("--lang", "en", "backup", str(blocker / "sub" / "b.zip"), db=tmp_path / "a.sqlite")
    assert res.returncode == 1 and "Traceback" not in res.stderr
    assert res.stderr.strip() == f"Backup not written: {blocker} is a file, so no folder can be made under it."


def test_scheduled_backup_keeps_the_newest(tmp_path):
    folder = tmp_path / "backups"
    folder.mkdir()
    (folder / "notes.txt").write_text("not a backup: never removed")
    env = {"PATH": "/usr/bin:/bin", "YEHU_DB": str(tmp_path / "a.sqlite"), "YEHU_SECRETS": "/nonexistent"}
    made = []
    for _ in range(3):
        res = subprocess.run(
            ["bash", "scripts/backup.sh", str(folder), "2"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert res.returncode == 0, res.stderr
        made.append(sorted(p.name for p in folder.glob("yehu-*.zip"))[-1])
    kept = sorted(p.name for p in folder.glob("yehu-*.zip"))
    assert kept == sorted(set(made))[-2:] and len(set(made)) == 3
    assert (folder / "notes.txt").exists()
    res = subprocess.run(
        ["bash", "scripts/backup.sh", str(folder), "0"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert res.returncode == 2 and "at least 1" in res.stderr
