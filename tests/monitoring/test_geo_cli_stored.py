"""``python -m geo check | classify`` answer with what the app shows: the database's versions, unless --data."""

import subprocess
import sys

import geopandas as gpd

from geo.register import data_dir
from monitoring.auth import CONSOLE, Actor
from monitoring.bootstrap import stored_dataset
from monitoring.store import Store
from tests.conftest import ROOT


def run(env, *args):
    return subprocess.run(
        [sys.executable, "-m", "geo", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )


def test_geo_commands_read_the_app_s_database(tmp_path):
    db = tmp_path / "app.sqlite"
    env = {"PATH": "/usr/bin:/bin", "YEHU_DB": str(db), "YEHU_SECRETS": str(tmp_path / "none")}
    # No database yet: the data folder, and it says so.
    before = run(env, "classify", "--format", "csv")
    assert before.returncode == 0 and "读取：数据文件夹" in before.stderr and not db.exists()
    # A surveyor's lake outline, 400 m wider than the placeholder, uploaded in the app (no provenance columns).
    store = Store(f"sqlite:///{db}")
    store.accounts.create("boss", "a-long-admin-password", "admin", user=CONSOLE)
    lake = gpd.read_file(data_dir() / "boundaries" / "lake.geojson").to_crs(4547)
    wider = gpd.GeoDataFrame({"name": ["冶湖"]}, geometry=lake.buffer(400).values, crs=4547).to_crs(4490)
    store.register.upload_boundary(
        "lake", "测绘院冶湖轮廓.geojson", wider.to_json().encode(), user=Actor("boss", "admin"),
        provenance="surveyed", prov_source="县测绘院 测字2026-118号", prov_date="2026-11-20",
    )  # fmt: skip
    store.engine.dispose()
    check = run(env, "check")
    assert check.returncode == 0, check.stderr
    assert "读取：应用数据库中的当前数据" in check.stderr
    assert "湖泊轮廓：测绘院冶湖轮廓.geojson，1 个要素，实测（2026-11-20" in check.stdout
    assert "注意：文件中没有 notes 列：备注留空" in check.stdout  # the load note, in Chinese (the rest was stated)
    after = run(env, "classify", "--format", "csv")
    shore = {int(r.split(",")[0]): float(r.split(",")[4]) for r in after.stdout.splitlines()[1:]}
    was = {int(r.split(",")[0]): float(r.split(",")[4]) for r in before.stdout.splitlines()[1:]}
    assert shore[1] == round(was[1] - 400, 1)  # pond 1 is 400 m nearer the wider shore
    # --data: the folder alone, as before; English on request.
    folder = run(env, "--lang", "en", "--data", str(data_dir()), "check")
    assert "Read: the register and boundary files of the data folder" in folder.stderr
    assert "Lake outline: lake.geojson" in folder.stdout and "测绘院" not in folder.stdout
    en = run(env, "--lang", "en", "check")
    assert "no notes in the file: notes left empty" in en.stdout and "文件中" not in en.stdout


def test_a_database_not_at_this_code_s_revision_is_not_read(tmp_path):
    from sqlalchemy import text

    db = tmp_path / "old.sqlite"
    store = Store(f"sqlite:///{db}")
    with store.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '0013_section_placements'"))
    store.engine.dispose()
    assert stored_dataset(f"sqlite:///{db}") is None
    assert (
        stored_dataset(f"sqlite:///{tmp_path / 'missing.sqlite'}") is None
        and not (tmp_path / "missing.sqlite").exists()
    )
