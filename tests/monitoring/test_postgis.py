"""PostGIS layers: views GDAL lists with their CRS, zones in SQL equal to geo/classify.py, layers that follow
writes, a read-only role, and databases without PostGIS untouched."""

import dataclasses
import io
import json
import re
import shutil
import subprocess
import uuid
from datetime import date

import geopandas as gpd
import numpy as np
import pytest
import shapely
from psycopg import sql as pgsql
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from geo.classify import classify_ponds
from geo.config import ZoneConfig
from geo.synthetic import synthetic_dataset
from monitoring.auth import CONSOLE
from monitoring.bootstrap import current_dataset, open_store
from monitoring.gis import (
    BODY_VIEWS,
    READER_GRANTS,
    VIEWS,
    classifies_in_database,
    classify_in_database,
    database_classifier,
    enabled,
    sync_dataset,
)
from monitoring.store import Store
from tests.conftest import CHEAP_HASHER, ROOT, require

postgis_only = pytest.mark.backends("postgis")

#: geo/classify.py computes point-to-shore distances in float32 relative to the lake (within 1 cm);
#: everything else is float64 on both sides.
POINT_SHORE_TOLERANCE_M = 0.01
TOLERANCE_M = 1e-6


def pg_dsn(url: str) -> str:
    u = make_url(url)
    return f"host={u.host} port={u.port or 5432} user={u.username} dbname={u.database}"


def ogrinfo(url: str, *args: str) -> str:
    exe = shutil.which("ogrinfo")
    require(exe is not None, "GDAL's ogrinfo is missing (Debian: gdal-bin)")
    run = subprocess.run([exe, "-ro", "-so", f"PG:{pg_dsn(url)}", *args], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    return run.stdout


def assert_same_classification(db, ours, shore_tol=TOLERANCE_M):
    ours = ours.sort_values("pond_id").reset_index(drop=True)
    assert db.pond_id.tolist() == ours.pond_id.tolist()
    assert db.basis.tolist() == ours.basis.astype(str).tolist()
    point = (ours.basis == "position").to_numpy()
    shore = np.abs(db.shore_distance_m.to_numpy() - ours.shore_distance_m.to_numpy())
    assert shore[point].max(initial=0) <= shore_tol
    assert shore[~point].max(initial=0) <= TOLERANCE_M
    assert np.abs(db.section_distance_m.to_numpy() - ours.section_distance_m.to_numpy()).max() <= TOLERANCE_M
    assert db.nearest_section.tolist() == ours.nearest_section.astype(str).tolist()
    for col in ("in_lake", "in_ban_zone", "in_nofish_zone"):
        assert db[col].tolist() == ours[col].tolist(), col
    assert db.zone_class.tolist() == ours.zone_class.astype(str).tolist()


@postgis_only
def test_views_are_listed_by_gdal_with_their_crs(db_url):
    store = open_store(db_url)
    listing = ogrinfo(db_url + "", "-oo", "SCHEMAS=gis")
    expected = {
        "ponds": "Point",
        "pond_outlines": "Multi Polygon",
        "lake": "Multi Polygon",
        "sections": "Point",
        "ban_zone": "Multi Polygon",
        "nofish_zones": "Multi Polygon",
        "admin_areas": "Multi Polygon",
        "sites": "Point",
        "placed_sections": "Point",
    }
    assert set(expected) == set(VIEWS)
    for view, geometry in expected.items():
        assert f": {view} ({geometry})" in listing, listing
    counts = {"ponds": 17, "lake": 1, "sections": 1, "ban_zone": 1, "nofish_zones": 1, "pond_outlines": 0}
    for view, n in counts.items():
        info = ogrinfo(db_url, f"gis.{view}")
        assert 'ID["EPSG",4490]' in info, info
        assert f"Feature Count: {n}\n" in info, info
    info = ogrinfo(db_url, "gis.ponds")
    for field in ("pond_id: Integer", "status: String", "zone_class: String", "shore_distance_m: Real"):
        assert field in info, info
    for view in BODY_VIEWS:  # every layer says which water body its features belong to
        assert "water_body: String" in ogrinfo(db_url, f"gis.{view}"), view
    assert "water_body" not in ogrinfo(db_url, "gis.admin_areas")  # county and town areas: no one body's
    store.placements.place("YTCY", "113.55", "29.45", user=CONSOLE, datum="gcj02", source="GPS 2026-11-20")
    info = ogrinfo(db_url, "gis.placed_sections")
    assert "Feature Count: 1\n" in info and 'ID["EPSG",4490]' in info
    for field in ("section_id: String", "version: Integer", "datum: String", "entered: String", "placed_by: String"):
        assert field in info, info
    with store.engine.connect() as conn:
        bodies = dict(conn.execute(text("SELECT code, water_body FROM gis.sites")).all())
        placed = conn.execute(text("SELECT section_id, water_body, entered FROM gis.placed_sections")).one()
        layer = conn.execute(text("SELECT section_id, water_body FROM gis.sections")).all()
        ponds = set(conn.execute(text("SELECT water_body FROM gis.ponds")).scalars())
        lake = conn.execute(text("SELECT water_body FROM gis.lake")).scalar()
    assert bodies["YTCY"] == "yuantan" and bodies["S1"] == "yehu" and "TDXQ" not in bodies  # TDXQ: 位置待定
    assert tuple(placed) == ("YTCY", "yuantan", "lon=113.55; lat=29.45")
    assert [tuple(r) for r in layer] == [("S1", "yehu")] and ponds == {"yehu"} and lake == "yehu"
    store.engine.dispose()


@postgis_only
def test_zones_in_the_database_equal_geo_classify_on_the_shipped_data(db_url):
    store = open_store(db_url)
    ds = current_dataset(store)
    with store.engine.connect() as conn:
        db = classify_in_database(conn)
    assert_same_classification(db, ds.classification, POINT_SHORE_TOLERANCE_M)
    assert (db.zone_class == "ban").sum() >= 1  # the shipped data reach more than one class

    # Pond outlines uploaded: those ponds are classified by their edges, in both.
    metric = ds.register.to_crs(4547)
    near = metric[metric.pond_id.isin([1, 5, 8, 13, 14])]
    half = np.sqrt(near.area_m2.to_numpy()) / 2
    x, y = near.geometry.x.to_numpy(), near.geometry.y.to_numpy()
    outlines = gpd.GeoDataFrame(
        {"pond_id": near.pond_id.to_numpy(), "source": "test", "date": "2026-11-01", "provisional": False, "notes": ""},
        geometry=shapely.box(x - half, y - 0.7 * half, x + half, y + 1.3 * half),
        crs=4547,
    ).to_crs(4490)
    buf = io.BytesIO(outlines.to_json().encode())
    store.register.upload_boundary("ponds", "ponds.geojson", buf.getvalue(), user=CONSOLE)
    ds = current_dataset(store)
    with store.engine.connect() as conn:
        db = classify_in_database(conn)
    assert (db.basis == "outline").sum() == 5
    assert_same_classification(db, ds.classification, POINT_SHORE_TOLERANCE_M)

    # The app's switch: the same Dataset classification, whichever path computes it.
    assert not classifies_in_database(store.engine)  # 17 ponds, one section point: in-process is faster
    ours = current_dataset(store, classify=classify_ponds).classification
    theirs = current_dataset(store, classify=database_classifier(store.engine)).classification
    assert list(theirs.columns) == list(ours.columns)
    assert_same_classification(theirs, ours, POINT_SHORE_TOLERANCE_M)
    for col in ("town", "area_m2", "geometry_provisional", "coord_suspect", "area_check"):
        assert theirs[col].tolist() == ours[col].tolist(), col
    assert theirs.nearest_section.dtype == ours.nearest_section.dtype
    np.testing.assert_allclose(theirs.outline_area_m2, ours.outline_area_m2, rtol=1e-9)
    np.testing.assert_allclose(theirs.edge_distance_m, ours.edge_distance_m, atol=TOLERANCE_M)
    assert set(theirs.area_check) >= {"ok", ""}
    store.engine.dispose()


@postgis_only
@pytest.mark.parametrize("shape", ["circle", "square"])
def test_zones_in_the_database_equal_geo_classify_on_synthetic_ponds(db_url, shape):
    ds = synthetic_dataset(3000, seed=3)
    zones = ZoneConfig(nofish_shape=shape, nofish_area_km2=1.0)
    classification = classify_ponds(ds.register, ds.lake.gdf, ds.sections.gdf, zones)
    ds = dataclasses.replace(ds, zones=zones, classification=classification)
    store = Store(db_url, hasher=CHEAP_HASHER)
    store.register.load(ds.register, ds.sections.gdf, user=CONSOLE)
    assert sync_dataset(store.engine, ds, store.steps)
    with store.engine.connect() as conn:
        db = classify_in_database(conn)
    assert_same_classification(db, classification, POINT_SHORE_TOLERANCE_M)
    assert set(db.zone_class) == {"outside", "ban", "lake", "nofish"}
    store.engine.dispose()


@postgis_only
def test_the_app_asks_the_database_where_the_rule_says(db_url, monkeypatch):
    import monitoring.gis as gis

    store = open_store(db_url)
    assert not classifies_in_database(store.engine)
    monkeypatch.setattr(gis, "DATABASE_MIN_SECTIONS", 1)
    monkeypatch.setattr(gis, "DATABASE_MIN_PONDS", 17)
    assert classifies_in_database(store.engine)
    assert (current_dataset(store).classification.zone_class == "ban").any()
    with store.engine.begin() as conn:  # the database's answer now differs from geo/classify.py's
        conn.execute(text("UPDATE gis.settings SET ban_distance_m = 0"))
    assert not current_dataset(store).classification.in_ban_zone.any()
    monkeypatch.setattr(gis, "DATABASE_MIN_PONDS", 18)
    assert current_dataset(store).classification.in_ban_zone.any()
    store.engine.dispose()


@postgis_only
def test_layers_follow_corrections_sites_ledger_and_uploads(db_url):
    store = open_store(db_url)
    admin = CONSOLE

    def pond(pid):
        with store.engine.connect() as conn:
            return conn.execute(
                text("SELECT status, zone_class, ST_X(geom), ST_Y(geom) FROM gis.ponds WHERE pond_id = :p"), {"p": pid}
            ).one()

    assert pond(2).zone_class == "outside"
    lake = current_dataset(store).lake.gdf.geometry.iloc[0].centroid
    store.register.correct_pond(2, user=admin, reason="test", coord_text=f"E{lake.x:.5f} N{lake.y:.5f}")
    moved = pond(2)
    assert (round(moved[2], 5), round(moved[3], 5)) == (round(lake.x, 5), round(lake.y, 5))
    assert moved.zone_class == "nofish"  # the placeholder section point is at the lake's centre

    assert pond(3).status == "not_started"
    first = store.steps[0].key
    store.ledger.record("3", first, date(2022, 3, 1), user=admin)
    assert pond(3).status == "in_progress"

    store.register.add_site("L9", "lake", "湖心测试", 113.42, 29.65, "test", user=admin)
    with store.engine.connect() as conn:
        assert conn.execute(text("SELECT kind FROM gis.sites WHERE code = 'L9'")).scalar() == "lake"

    bigger = current_dataset(store).lake.gdf.to_crs(4547)
    bigger["geometry"] = bigger.geometry.buffer(300)
    bigger = bigger.to_crs(4490)
    vid = store.register.upload_boundary("lake", "lake.geojson", bigger.to_json().encode(), user=admin)
    with store.engine.connect() as conn:
        assert conn.execute(text("SELECT version FROM gis.lake")).scalar() == vid
        area = conn.execute(text("SELECT ST_Area(ST_Transform(geom, 4547)) FROM gis.lake")).scalar()
    assert area == pytest.approx(float(bigger.to_crs(4547).area.iloc[0]), rel=1e-9)
    with store.engine.connect() as conn:
        db = classify_in_database(conn)
    assert_same_classification(db, current_dataset(store).classification, POINT_SHORE_TOLERANCE_M)
    store.engine.dispose()


@postgis_only
def test_a_read_only_role_reads_the_views_and_nothing_else(db_url):
    store = open_store(db_url)
    role = f"gis_reader_{uuid.uuid4().hex[:8]}"
    database = make_url(db_url).database
    with store.engine.begin() as conn:
        raw = conn.connection.driver_connection
        conn.exec_driver_sql(pgsql.SQL("CREATE ROLE {} LOGIN").format(pgsql.Identifier(role)).as_string(raw))
        owner = conn.execute(text("SELECT current_user")).scalar()
        for statement in READER_GRANTS.format(role=role, database=database, owner=owner).split(";"):
            if statement.strip():
                conn.exec_driver_sql(statement)
    reader = create_engine(make_url(db_url).set(username=role))
    try:
        with reader.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM gis.ponds")).scalar() == 17
            assert conn.execute(text("SELECT count(*) FROM gis.ponds WHERE water_body = 'yehu'")).scalar() == 17
            assert conn.execute(text("SELECT count(*) FROM gis.placed_sections")).scalar() == 0
            assert conn.execute(text("SELECT count(*) FROM gis.lake")).scalar() == 1
        for sql in ("SELECT count(*) FROM users", "SELECT count(*) FROM sites", "DELETE FROM gis.features"):
            with reader.connect() as conn, pytest.raises(Exception, match="permission denied"):
                conn.execute(text(sql))
    finally:
        reader.dispose()
        with store.engine.begin() as conn:
            raw = conn.connection.driver_connection
            conn.exec_driver_sql(pgsql.SQL("DROP OWNED BY {}").format(pgsql.Identifier(role)).as_string(raw))
            conn.exec_driver_sql(pgsql.SQL("DROP ROLE {}").format(pgsql.Identifier(role)).as_string(raw))
        store.engine.dispose()


def test_readme_shows_the_reader_grants():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    grants = READER_GRANTS.format(role="gis_reader", database="yehu", owner="yehu").strip()
    assert grants in readme


@pytest.mark.backends("sqlite", "postgres")
def test_databases_without_postgis_keep_geometry_as_numbers_and_files(db_url):
    store = open_store(db_url)
    with store.engine.connect() as conn:
        assert not enabled(conn)
        if conn.dialect.name == "postgresql":
            assert conn.execute(text("SELECT to_regnamespace('gis')")).scalar() is None
    assert not sync_dataset(store.engine, current_dataset(store))
    sites = store.register.list_sites()
    # Numbers for every placed site; the sections whose position no document gives stay without one.
    placed = sites[sites.water_body == "yehu"]
    assert len(placed) and placed.lon.notna().all() and placed.lat.notna().all()
    assert sites.lon.isna().sum() == sites.lat.isna().sum()
    store.engine.dispose()


@pytest.mark.backends("postgres")
def test_postgis_created_after_migration_gets_the_layers_on_next_open(db_url):
    store = open_store(db_url)
    with store.engine.begin() as conn:
        available = conn.execute(text("SELECT 1 FROM pg_available_extensions WHERE name = 'postgis'")).first()
        require(available is not None, "PostGIS is not installed (Debian: postgresql-15-postgis-3)")
        conn.exec_driver_sql("CREATE EXTENSION postgis")
    store.engine.dispose()
    store = open_store(db_url)
    with store.engine.connect() as conn:
        assert enabled(conn)
        assert conn.execute(text("SELECT count(*) FROM gis.ponds")).scalar() == 17
        assert conn.execute(text("SELECT count(*) FROM gis.ponds WHERE water_body = 'yehu'")).scalar() == 17
        assert conn.execute(text("SELECT count(*) FROM gis.placed_sections")).scalar() == 0
        zones = json.loads(json.dumps(classify_in_database(conn).zone_class.tolist()))
    assert zones == current_dataset(store).classification.zone_class.astype(str).tolist()
    store.engine.dispose()


@postgis_only
def test_a_placed_section_with_a_nofish_rule_is_zoned_in_the_database_as_in_process(db_url, data_copy, monkeypatch):
    path = data_copy / "waterbodies.toml"
    marker = '[[water_body.zone]]\nrule = "reserve_core"'
    section = '[[water_body.section]]\ncode = "HGSK"\nname = "黄盖湖省控断面"\nlevel = "省控"\nsource = "测试"\n\n'
    path.write_text(path.read_text(encoding="utf-8").replace(marker, section + marker, 1), encoding="utf-8")
    monkeypatch.setenv("YEHU_DATA_DIR", str(data_copy))
    store = open_store(db_url)
    pond = current_dataset(store).register.set_index("pond_id").loc[1].geometry
    store.placements.place("HGSK", pond.x, pond.y, user=CONSOLE, datum="wgs84", source="测试", confirm=True)
    ds = current_dataset(store)
    with store.engine.connect() as conn:
        db = classify_in_database(conn)
        zones = dict(conn.execute(text("SELECT section_id, water_body FROM gis.nofish_zones")).all())
    assert zones == {"S1": "yehu", "HGSK": "huanggai"}
    assert bool(db.set_index("pond_id").loc[1, "in_nofish_zone"])
    assert_same_classification(db, ds.classification, POINT_SHORE_TOLERANCE_M)
    store.engine.dispose()


@postgis_only
def test_the_water_body_views_migration_goes_down_and_up_again(db_url):
    from alembic import command

    from monitoring.db import _alembic_config

    store = open_store(db_url)
    columns = (
        "SELECT count(*) FROM information_schema.columns WHERE table_schema = 'gis' AND column_name = 'water_body'"
    )
    with store.engine.connect() as conn:
        assert conn.execute(text(columns)).scalar() == len(BODY_VIEWS)
    (path,) = (ROOT / "monitoring" / "migrations" / "versions").glob("*_postgis_bodies.py")
    below = re.search(r'^down_revision = "([^"]+)"', path.read_text(encoding="utf-8"), re.M)[1]
    command.downgrade(_alembic_config(store.engine), below)  # read from the script: renumbering changes nothing
    with store.engine.connect() as conn:
        assert conn.execute(text(columns)).scalar() == 0
        assert conn.execute(text("SELECT to_regclass('gis.placed_sections')")).scalar() is None
        assert conn.execute(text("SELECT count(*) FROM gis.ponds")).scalar() == 17
    command.upgrade(_alembic_config(store.engine), "head")
    with store.engine.connect() as conn:
        assert conn.execute(text(columns)).scalar() == len(BODY_VIEWS)
    store.engine.dispose()
