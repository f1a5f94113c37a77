"""Each pond outline carries the provenance of the version it came from, not the newest version's.

A drawing of one pond's outline is a new version of the whole pond outline layer: every other
pond's outline is carried over. Those keep what their own version stated (a surveyed upload
stays surveyed, with its source, date and who stated it; an earlier drawing stays drawn), in
the dataset, the stored file, the PostGIS layer, the exports and the classification. An
uploaded file cannot state that it was drawn on the map.
"""

import json
from datetime import date

import geopandas as gpd
import pytest
import shapely
from sqlalchemy import text

from monitoring.auth import Actor
from monitoring.bootstrap import current_dataset
from monitoring.errors import InputError
from tests.conftest import refused
from tests.monitoring.test_drawing_store import save

TODAY = date(2026, 11, 30)
ADMIN = Actor("admin", "admin")


def square(ds, pond, half=0.001):
    p = ds.register.set_index("pond_id").geometry.loc[pond]
    return shapely.box(p.x - half, p.y - half, p.x + half, p.y + half)


def surveyed_upload(store, ponds=(8,)):
    ds = current_dataset(store)
    gdf = gpd.GeoDataFrame({"pond_id": list(ponds)}, geometry=[square(ds, p) for p in ponds], crs=4490)
    return store.register.upload_boundary(
        "ponds",
        "ponds-survey.geojson",
        gdf.to_json().encode(),
        user=ADMIN,
        provenance="surveyed",
        prov_source="县测绘院 测字2026-07号",
        prov_date="2026-10-15",
        prov_by="王工",
    )


def draw(store, pond, provenance="drawn", basemap="tianditu_img", half=0.0008):
    feature = {
        "type": "Feature",
        "properties": {},
        "geometry": shapely.geometry.mapping(square(current_dataset(store), pond, half)),
    }
    return save(store, {"kind": "ponds", "pond": pond, "features": [feature], "provenance": provenance}, basemap)[1]


def outlines(store):
    gdf = current_dataset(store).outlines.gdf.set_index("pond_id")
    return {int(p): (r.provenance, r.source, r.date, r.prov_by, bool(r.provisional)) for p, r in gdf.iterrows()}


SURVEYED = ("surveyed", "县测绘院 测字2026-07号", "2026-10-15", "王工", False)
DRAWN = ("drawn", "map:tianditu_img", "2026-11-30", "admin", False)


def test_an_older_surveyed_outline_keeps_its_provenance_after_another_pond_is_drawn(store):
    surveyed_upload(store)
    vid = draw(store, 1)
    assert store.register.current_versions()["ponds"]["id"] == vid
    assert outlines(store) == {8: SURVEYED, 1: DRAWN}
    # The stored drawing says it too (the version's file, downloadable as it is).
    props = {
        f["properties"]["pond_id"]: f["properties"]
        for f in json.loads(store.register.boundary_file(vid)[0])["features"]
    }
    assert (props[8]["provenance"], props[8]["source"], props[8]["prov_by"]) == ("surveyed", SURVEYED[1], "王工")
    assert (props[1]["provenance"], props[1]["source"], props[1]["prov_by"]) == ("drawn", "map:tianditu_img", "admin")


def test_an_older_drawn_outline_keeps_its_provenance_after_a_surveyed_or_provisional_drawing(store):
    surveyed_upload(store)
    draw(store, 1)
    draw(store, 2, provenance="surveyed", basemap="none")
    draw(store, 3, provenance="provisional", basemap="gaode_img")
    got = outlines(store)
    assert got[8] == SURVEYED and got[1] == DRAWN
    assert got[2] == ("surveyed", "map:none", "2026-11-30", "admin", False)
    assert got[3] == ("provisional", "map:gaode_img", "2026-11-30", "admin", True)
    row = store.register.list_boundaries("ponds").iloc[0]
    assert row.provenance == "provisional" and row.features == 4


def test_redrawing_a_pond_gives_that_pond_the_new_provenance_only(store):
    surveyed_upload(store, ponds=(8, 9))
    draw(store, 8)
    got = outlines(store)
    assert got[8] == DRAWN and got[9] == SURVEYED


def test_the_exports_name_each_outline_s_own_provenance(store):
    from monitoring.export import geo_layers

    surveyed_upload(store)
    draw(store, 1)
    ds = current_dataset(store)
    ponds = geo_layers(ds)["ponds"].set_index("pond_id")
    assert ponds.loc[8, "outline_provenance"] == "surveyed" and ponds.loc[1, "outline_provenance"] == "drawn"
    assert ponds.loc[8, "outline_source"] == SURVEYED[1] and ponds.loc[1, "outline_source"] == "map:tianditu_img"
    assert ponds.loc[8, "轮廓来源类型"] == "实测" and ponds.loc[1, "轮廓来源类型"] == "地图绘制"
    assert ponds.loc[2, "outline_provenance"] == "" and ponds.loc[2, "轮廓来源类型"] == ""


@pytest.mark.backends("postgis")
def test_postgis_outlines_keep_their_own_source(store):
    surveyed_upload(store)
    draw(store, 1)
    with store.engine.connect() as conn:
        rows = dict(conn.execute(text("SELECT key, source FROM gis.features WHERE layer = 'outline'")).all())
    assert rows == {"8": SURVEYED[1], "1": "map:tianditu_img"}


def test_an_upload_cannot_state_that_it_was_drawn_on_the_map(store):
    ds = current_dataset(store)
    gdf = gpd.GeoDataFrame({"pond_id": [8]}, geometry=[square(ds, 8)], crs=4490)
    content = gdf.to_json().encode()
    with refused("boundary.drawn_not_uploaded", InputError) as exc:
        store.register.upload_boundary(
            "ponds", "p.geojson", content, user=ADMIN, provenance="drawn", prov_source="map:gaode"
        )
    assert exc.value.field == "provenance" and "地图" in exc.value.message("zh")
    with refused("boundary.source_reserved", InputError) as exc:
        store.register.upload_boundary(
            "ponds", "p.geojson", content, user=ADMIN, provenance="surveyed", prov_source="map:gaode"
        )
    assert exc.value.field == "prov_source"
    with refused("input.unknown_choice", InputError) as exc:
        store.register.upload_boundary("ponds", "p.geojson", content, user=ADMIN, provenance="guessed")
    assert "地图绘制" not in exc.value.message("zh") and "drawn" not in exc.value.message("en")
    assert store.register.list_boundaries().empty and store.audit.log(action="boundary.").empty
