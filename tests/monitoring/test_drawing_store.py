"""Drawings stored as boundary versions with provenance, on SQLite and PostgreSQL.

A drawing (geo/drawing.py) goes through ``store.register.upload_boundary`` like a file:
a new version, listed and downloadable, whose provenance says it was drawn on the map
over which basemap, by whom and when; a drawn pond outline becomes that pond's outline
in the dataset and its classification.
"""

import json
from datetime import date

import pytest

from geo.drawing import drawn_layer
from monitoring.auth import CONSOLE, Actor, PermissionDenied
from monitoring.bootstrap import current_dataset
from tests.monitoring.conftest import TEST_PASSWORD

TODAY = date(2026, 11, 30)
ADMIN = Actor("admin", "admin")
RING = [[113.410, 29.640], [113.430, 29.640], [113.430, 29.660], [113.410, 29.660], [113.410, 29.640]]


def polygon(ring):
    return {"type": "Feature", "properties": {}, "geometry": {"type": "Polygon", "coordinates": [ring]}}


def save(store, payload, basemap="tianditu_img", user=ADMIN):
    d = drawn_layer(payload, current_dataset(store), basemap, basemap == "gaode", TODAY, user.name)
    return d, store.register.upload_boundary(
        d.kind,
        d.filename,
        d.content,
        user=user,
        note=d.note,
        provenance=d.provenance,
        prov_source=d.prov_source,
        prov_date=TODAY,
        prov_by=user.name,
        drawing=True,
    )


def test_drawn_versions_are_listed_downloadable_and_in_use(store):
    d, vid = save(store, {"kind": "lake", "features": [polygon(RING)], "provenance": "drawn", "note": "影像勾绘"})
    current = store.register.current_versions()["lake"]
    assert current["id"] == vid and current["provenance"] == "drawn"
    assert (current["prov_source"], current["prov_by"], current["prov_date"]) == ("map:tianditu_img", "admin", TODAY)
    assert current["recorded_by"] == "admin" and current["note"] == "影像勾绘"
    listed = store.register.list_boundaries("lake")
    assert listed.id.tolist() == [vid] and listed.filename.iloc[0] == "drawing-lake-20261130.geojson"
    assert store.register.boundary_file(vid) == (d.content, d.filename)

    ds = current_dataset(store)
    assert not ds.lake.provisional and ds.lake.gdf.source.iloc[0] == "map:tianditu_img"
    assert ds.lake.gdf.geometry.iloc[0].bounds == pytest.approx((113.41, 29.64, 113.43, 29.66))


def test_a_drawn_pond_outline_is_used_by_the_classification(store):
    pond = 8
    before = current_dataset(store)
    assert before.outlines is None
    p = before.register.set_index("pond_id").geometry.loc[pond]
    ring = [[p.x + dx, p.y + dy] for dx, dy in ((-0.001, -0.001), (0.001, -0.001), (0.001, 0.001), (-0.001, 0.001))]
    payload = {"kind": "ponds", "pond": pond, "features": [polygon([*ring, ring[0]])], "provenance": "surveyed"}
    _, first = save(store, payload | {"source": "GPS"}, basemap="none")
    _, second = save(store, payload | {"pond": 1}, basemap="none")
    assert second > first
    ds = current_dataset(store)
    assert sorted(ds.outlines.gdf.pond_id) == [1, 8]  # the second drawing kept the first pond's outline
    cls = ds.classification.set_index("pond_id")
    assert cls.loc[pond, "basis"] == "outline" and cls.loc[pond, "outline_area_m2"] > 0
    assert cls.loc[2, "basis"] == "position"
    assert (
        json.loads(store.register.current_versions()["ponds"]["content"])["features"][0]["properties"]["pond_id"] == 1
    )


def test_only_administrators_draw(store):
    for role in ("viewer", "inspector", "leader"):
        store.accounts.create(f"{role}1", TEST_PASSWORD, role, user=CONSOLE)
        with pytest.raises(PermissionDenied):
            save(
                store,
                {"kind": "lake", "features": [polygon(RING)], "provenance": "drawn"},
                user=Actor(f"{role}1", role),
            )
    assert store.register.list_boundaries().empty
