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
from tests.conftest import CHEAP_HASHER, ROOT, actor

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256))
TODAY = date(2022, 6, 1)


def fill(store):
    ds = load_dataset()
    uid = store.samples.add(
        SampleInput("9", datetime(2022, 4, 12, 9, 30, tzinfo=TZ), ParsedValue(0.35, False, None)), user=actor("u")
    )
    store.samples.add(
        SampleInput("8", datetime(2022, 4, 12, 9, tzinfo=TZ), ParsedValue(0.01, True, 0.01), notes="未检出"),
        user=actor("u"),
    )
    store.samples.correct(uid, {"value": ParsedValue(0.3123456789012345, False, None)}, "复测", user=actor("v"))
    case = int(store.cases.find().id.iloc[0])
    store.cases.update(case, user=actor("v"), findings="排查", deadline=date(2022, 4, 30))
    store.ledger.record(
        "1", "end_contract", date(2022, 4, 8), user=actor("u"), photo=PNG, photo_name="合同.png", today=TODAY
    )
    e = store.ledger.record("1", "closed_out", date(2022, 5, 1), user=actor("u"), today=TODAY)
    store.ledger.void(e, "录错", user=actor("admin"))
    store.field.add_patrol(
        date(2022, 5, 3), "王五", user=actor("u"), ponds=["8"], findings=["feeding"], open_case=True, today=TODAY
    )
    store.field.add_tip(date(2022, 5, 4), "投饵", "E113.4252 N29.6439", ds, user=actor("u"))
    # Lake-level work: a plan with its file, a voided release, an edited leading group.
    store.lakework.add_plan("sediment", "drafted", date(2022, 5, 20), user=actor("u"), file=b"%PDF-1.4\n" + PNG,
                            file_name="底泥方案.pdf", document_no="临自然资〔2022〕9号", today=TODAY)  # fmt: skip
    r = store.lakework.add_release(date(2022, 5, 21), "河蚌", 12.5, "kg", user=actor("u"), water_area=0.1234567891,
                                   today=TODAY)  # fmt: skip
    store.lakework.void_release(r, "录错", user=actor("v"))
    store.lakework.set_group(store.lakework.group()["members"][:3], user=actor("admin"))


def test_round_trip_is_exact(store, tmp_path):
    fill(store)
    path = tmp_path / "b.zip"
    manifest = backup(store.engine, path)
    assert manifest["tables"]["samples"] == 3 and manifest["tables"]["retirement_events"] == 3
    assert manifest["tables"]["audit"] > 10 and manifest["tables"]["users"] >= 3
    assert [manifest["tables"][t] for t in ("lake_plans", "lake_releases", "lake_group_members")] == [1, 1, 3]
    target = Store(f"sqlite:///{tmp_path / 'restored.sqlite'}", migrate=False)
    restore(target.engine, path)
    for name in TABLES:
        assert table_rows(target.engine, name) == table_rows(store.engine, name), name
    # The restored database keeps working: new ids continue after the restored ones.
    ok = target.samples.add(
        SampleInput("9", datetime(2022, 4, 20, 9, tzinfo=TZ), ParsedValue(0.1, False, None)), user=actor("u")
    )
    assert target.cases.close(int(target.cases.find("open").id.iloc[0]), user=actor("v")) == ok
    assert target.ledger.photo(int(target.ledger.events("1").id.iloc[0]))[0] == PNG
    assert target.lakework.plan_file(int(target.lakework.plans().id.iloc[0]))[1] == "底泥方案.pdf"
    assert target.lakework.group()["version"] == 1 and len(target.lakework.group()["members"]) == 3


def test_restore_into_postgres_from_sqlite(tmp_path, db_url, register):
    src = Store(f"sqlite:///{tmp_path / 'src.sqlite'}", hasher=CHEAP_HASHER)
    src.register.load(*register, user=CONSOLE)
    for name in ("u", "v", "admin"):
        src.accounts.create(name, "test-password-1", "admin", user=CONSOLE)
    fill(src)
    path = tmp_path / "b.zip"
    backup(src.engine, path)
    dst = Store(db_url, migrate=False)
    restore(dst.engine, path)
    for name in TABLES:
        assert table_rows(dst.engine, name) == table_rows(src.engine, name), name
    dst.samples.add(
        SampleInput("1", datetime(2022, 4, 20, 9, tzinfo=TZ), ParsedValue(0.1, False, None)), user=actor("u")
    )
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
    Store(f"sqlite:///{tmp_path / 'b.sqlite'}", hasher=CHEAP_HASHER).accounts.create(
        "x", "test-password-1", "viewer", user=CONSOLE
    )
    refused = run("--lang", "en", "restore", str(out), db=tmp_path / "b.sqlite")
    assert refused.returncode == 1 and "not empty (table users" in refused.stderr
