import subprocess
import sys
import zipfile
from datetime import date, datetime

import pytest

from geo.dataset import load_dataset
from monitoring.auth import CONSOLE
from monitoring.backup import TABLES, BackupError, backup, restore, table_rows
from monitoring.samples import TZ, ParsedValue, SampleInput
from monitoring.store import Store
from tests.conftest import CHEAP_HASHER, ROOT

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256))
TODAY = date(2022, 6, 1)


def fill(store):
    ds = load_dataset()
    uid = store.add_sample(
        SampleInput("9", datetime(2022, 4, 12, 9, 30, tzinfo=TZ), ParsedValue(0.35, False, None)), "u"
    )
    store.add_sample(
        SampleInput("8", datetime(2022, 4, 12, 9, tzinfo=TZ), ParsedValue(0.01, True, 0.01), notes="未检出"), "u"
    )
    store.correct_sample(uid, {"value": ParsedValue(0.3123456789012345, False, None)}, "复测", "v")
    case = int(store.cases().id.iloc[0])
    store.update_case(case, "v", findings="排查", deadline=date(2022, 4, 30))
    store.record_step("1", "end_contract", date(2022, 4, 8), "u", photo=PNG, photo_name="合同.png", today=TODAY)
    e = store.record_step("1", "closed_out", date(2022, 5, 1), "u", today=TODAY)
    store.void_event(e, "录错", "admin")
    store.add_patrol(date(2022, 5, 3), "王五", "u", ponds=["8"], findings=["feeding"], open_case=True, today=TODAY)
    store.add_tip(date(2022, 5, 4), "投饵", "E113.4252 N29.6439", ds, "u")


def test_round_trip_is_exact(store, tmp_path):
    fill(store)
    path = tmp_path / "b.zip"
    manifest = backup(store.engine, path)
    assert manifest["tables"]["samples"] == 3 and manifest["tables"]["retirement_events"] == 3
    assert manifest["tables"]["audit"] > 10 and manifest["tables"]["users"] >= 3
    target = Store(f"sqlite:///{tmp_path / 'restored.sqlite'}", migrate=False)
    restore(target.engine, path)
    for name in TABLES:
        assert table_rows(target.engine, name) == table_rows(store.engine, name), name
    # The restored database keeps working: new ids continue after the restored ones.
    ok = target.add_sample(SampleInput("9", datetime(2022, 4, 20, 9, tzinfo=TZ), ParsedValue(0.1, False, None)), "u")
    assert target.close_case(int(target.cases("open").id.iloc[0]), "v") == ok
    assert target.event_photo(int(target.ledger_events("1").id.iloc[0]))[0] == PNG


def test_restore_into_postgres_from_sqlite(tmp_path, db_url, register):
    src = Store(f"sqlite:///{tmp_path / 'src.sqlite'}", hasher=CHEAP_HASHER)
    src.load_register(*register, user=CONSOLE)
    for name in ("u", "v", "admin"):
        src.create_user(name, "test-password-1", "admin", user=CONSOLE)
    fill(src)
    path = tmp_path / "b.zip"
    backup(src.engine, path)
    dst = Store(db_url, migrate=False)
    restore(dst.engine, path)
    for name in TABLES:
        assert table_rows(dst.engine, name) == table_rows(src.engine, name), name
    dst.add_sample(SampleInput("1", datetime(2022, 4, 20, 9, tzinfo=TZ), ParsedValue(0.1, False, None)), "u")
    dst.engine.dispose()


def test_refusals(store, tmp_path):
    fill(store)
    path = tmp_path / "b.zip"
    backup(store.engine, path)
    with pytest.raises(BackupError, match="not empty"):
        restore(store.engine, path)
    junk = tmp_path / "junk.zip"
    junk.write_bytes(b"not a zip")
    with pytest.raises(BackupError, match="not a backup file"):
        restore(f"sqlite:///{tmp_path / 'x.sqlite'}", junk)
    partial = tmp_path / "partial.zip"
    with zipfile.ZipFile(partial, "w") as z:
        z.writestr("manifest.json", "{}")
    with pytest.raises(BackupError, match="not a Yehu Monitor backup"):
        restore(f"sqlite:///{tmp_path / 'y.sqlite'}", partial)


def test_command_line(tmp_path):
    env = {"YEHU_DB": str(tmp_path / "a.sqlite"), "PATH": "/usr/bin:/bin"}

    def run(*args, db):
        return subprocess.run(
            [sys.executable, "-m", "monitoring", *args],
            cwd=ROOT,
            env={**env, "YEHU_DB": str(db)},
            capture_output=True,
            text=True,
            timeout=120,
        )

    out = tmp_path / "b.zip"
    assert run("backup", str(out), db=tmp_path / "a.sqlite").returncode == 0
    res = run("restore", str(out), db=tmp_path / "b.sqlite")
    assert res.returncode == 0 and "已恢复" in res.stdout
    again = run("--lang", "en", "restore", str(out), db=tmp_path / "b.sqlite")  # only the start-up sites: allowed
    assert again.returncode == 0 and "Restored" in again.stdout
    Store(f"sqlite:///{tmp_path / 'b.sqlite'}", hasher=CHEAP_HASHER).create_user(
        "x", "test-password-1", "viewer", user=CONSOLE
    )
    refused = run("--lang", "en", "restore", str(out), db=tmp_path / "b.sqlite")
    assert refused.returncode == 1 and "not empty (table users" in refused.stderr
