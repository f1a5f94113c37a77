"""Sections placed later in the store: versions with provenance, audited, refused by field, on every backend."""

import json

import pytest
from sqlalchemy import select, text

from geo.placement import PositionError
from geo.waterbodies import load_waterbodies
from monitoring.auth import CONSOLE, PermissionDenied
from monitoring.bodies import bodies_in_use, body_summary, stored_placements
from monitoring.bootstrap import current_dataset
from monitoring.clock import today
from monitoring.gis import enabled
from monitoring.schema import audit
from monitoring.store.placements import PlacementWarnings
from tests.conftest import actor, refused

ADMIN = actor("admin")


@pytest.fixture
def bodies_store(store, register):
    store.register.load(*register, user=CONSOLE, bodies=load_waterbodies())
    return store


def place(store, lon="113.55", lat="29.45", datum="wgs84", source="GPS 2026-11-20 李工", **kw):
    return store.placements.place("YTCY", lon, lat, user=kw.pop("user", ADMIN), datum=datum, source=source, **kw)


def test_placing_stores_a_version_with_provenance_and_moves_the_site(bodies_store):
    s = bodies_store
    p = place(s, "113.55", "29.45", "gcj02", note="长源桥下游 50 米")
    assert p.version == 1 and p.by == "admin" and p.datum == "gcj02" and p.entered == "lon=113.55; lat=29.45"
    assert p.lon != 113.55  # converted from GCJ-02
    site = s.register.list_sites().set_index("code").loc["YTCY"]
    assert (site.lon, site.lat) == (pytest.approx(p.lon), pytest.approx(p.lat))
    current = s.placements.current()
    assert set(current) == {"YTCY"} and current["YTCY"].source == "GPS 2026-11-20 李工"
    assert current["YTCY"].note == "长源桥下游 50 米" and current["YTCY"].at is not None
    wb = bodies_in_use(s)
    assert [x.code for x in wb.pending_sections()] == ["TDXQ"]
    summary = {r["code"]: r for r in body_summary(s, today())}
    assert summary["yuantan"]["pending"] == [] and summary["tandu"]["pending"] == ["TDXQ"]


def test_a_correction_is_a_new_version_and_the_history_stays(bodies_store):
    s = bodies_store
    place(s, "113.55", "29.45")
    second = place(s, "113.56", "29.46", source="复测 2026-11-28")
    assert second.version == 2
    hist = s.placements.history("YTCY")
    assert list(hist.version) == [2, 1] and list(hist.source) == ["复测 2026-11-28", "GPS 2026-11-20 李工"]
    assert s.placements.current()["YTCY"].lon == pytest.approx(113.56)
    with refused("placement.unchanged"):
        place(s, "113.56", "29.46", source="again")
    assert len(s.placements.history()) == 2


def test_each_placement_is_audited_with_before_and_after(bodies_store):
    s = bodies_store
    place(s)
    place(s, "113.57", "29.47")
    with s.engine.connect() as conn:
        rows = conn.execute(select(audit).where(audit.c.action == "site.place").order_by(audit.c.id)).all()
    assert [(r.actor, r.entity, r.entity_id) for r in rows] == [("admin", "site", "YTCY")] * 2
    first, second = (json.loads(r.before) for r in rows)
    assert first["lon"] is None and second["version"] == 1
    after = json.loads(rows[1].after)
    assert after["version"] == 2 and after["source"] == "GPS 2026-11-20 李工" and after["datum"] == "wgs84"


def test_warnings_refuse_until_confirmed(bodies_store):
    s = bodies_store
    with pytest.raises(PlacementWarnings) as exc:
        place(s, "115.5", "29.45")  # east of the county's box
    assert [w.code for w in exc.value.warnings] == ["outside_county"]
    assert "临湘市" in exc.value.message("zh") and "county" in exc.value.message("en")
    assert s.placements.history().empty
    assert place(s, "115.5", "29.45", confirm=True).version == 1
    with s.engine.connect() as conn:
        after = json.loads(conn.execute(select(audit.c.after).where(audit.c.action == "site.place")).scalar())
    assert after["warnings"] and "county" in after["warnings"][0]


@pytest.mark.parametrize(
    ("code", "lon", "lat", "datum", "source", "error", "field"),
    [
        ("YTCY", "abc", "29.45", "wgs84", "GPS", "input.not_a_number", "lon"),
        ("YTCY", "113.5", "nan", "wgs84", "GPS", "placement.not_finite", "lat"),
        ("YTCY", "29.45", "113.5", "wgs84", "GPS", "placement.swapped", "lon"),
        ("YTCY", "113.5", "129.45", "wgs84", "GPS", "placement.lat_range", "lat"),
        ("YTCY", "113.5", "29.45", None, "GPS", "datum.missing", "coord_datum"),
        ("YTCY", "113.5", "29.45", "wgs84", "  ", "placement.source_missing", "source"),
        ("S1", "113.5", "29.45", "wgs84", "GPS", "placement.not_pending", "site_code"),
        ("5", "113.5", "29.45", "wgs84", "GPS", "placement.no_section", "site_code"),
        ("NOPE", "113.5", "29.45", "wgs84", "GPS", "placement.no_section", "site_code"),
    ],
)
def test_hostile_input_is_refused_naming_the_field_and_nothing_is_written(
    bodies_store, code, lon, lat, datum, source, error, field
):
    s = bodies_store
    with refused(error) as exc:
        s.placements.place(code, lon, lat, user=ADMIN, datum=datum, source=source)
    assert exc.value.field == field
    assert s.placements.history().empty
    assert s.register.list_sites().set_index("code").loc["YTCY"].isna()["lon"]


def test_a_source_longer_than_its_column_is_refused(bodies_store):
    with pytest.raises(Exception) as exc:
        place(bodies_store, source="来" * 600)
    assert getattr(exc.value, "code", None) and bodies_store.placements.history().empty


@pytest.mark.parametrize("role", ["viewer", "inspector", "leader"])
def test_only_administrators_place(bodies_store, role):
    s = bodies_store
    s.accounts.create(f"r_{role}", "test-password-1", role, user=CONSOLE)
    with refused("permission.role", PermissionDenied):
        place(s, user=actor(f"r_{role}", role))
    with pytest.raises(PermissionDenied):  # refused before the numbers are read
        s.placements.place("YTCY", "abc", "x", user=actor(f"r_{role}", role), datum=None, source="")
    assert s.placements.history().empty


def test_the_dataset_and_the_geo_command_line_reader_see_the_placement(bodies_store, db_url):
    s = bodies_store
    place(s)
    ds = current_dataset(s)
    assert list(ds.placed.section_id) == ["YTCY"] and ds.placed.iloc[0].source == "GPS 2026-11-20 李工"
    assert set(stored_placements(db_url)) == {"YTCY"}


def test_position_errors_are_position_errors(bodies_store):
    with pytest.raises(PositionError):
        place(bodies_store, "", "29.45")


@pytest.mark.backends("postgis")
def test_postgis_site_points_follow_the_placement(bodies_store):
    s = bodies_store
    with s.engine.connect() as conn:
        assert enabled(conn)
        assert conn.execute(text("SELECT count(*) FROM gis.site_points WHERE code = 'YTCY'")).scalar() == 0
    p = place(s)
    with s.engine.connect() as conn:
        x, y = conn.execute(text("SELECT ST_X(geom), ST_Y(geom) FROM gis.site_points WHERE code = 'YTCY'")).one()
    assert (x, y) == (pytest.approx(p.lon), pytest.approx(p.lat))
