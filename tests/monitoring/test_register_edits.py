"""Register corrections, field verification and boundary uploads: the original always stays."""

import io
import json
import zipfile
from datetime import date

import pytest

from geo.boundaries import BoundaryError
from geo.mapping import VERIFIED_COLOUR, build_map
from geo.register import data_dir
from monitoring.bootstrap import current_dataset
from monitoring.store import RegisterEditError
from tests.conftest import actor


def test_correction_keeps_the_seed_and_is_audited(store):
    store.register.correct_pond(
        9, user=actor("u"), reason="原表纬度笔误，据村委会核对", coord_text="E113.4143 N29.6399"
    )
    ds = current_dataset(store)
    row = ds.register.set_index("pond_id").loc[9]
    assert (row.coord_text, row.lat) == ("E113.4143 N29.6399", 29.6399)
    assert (row.seed_coord_text, row.seed_lat) == ("E113.4143 N29.3699", 29.3699)
    assert row.coord_status == "provisional"  # a desk correction is not a verification
    assert 9 not in ds.suspect_ids  # no longer 30 km away
    assert any(f.code == "corrected" for f in ds.qa[9].flags)
    site = store.register.list_sites().set_index("code").loc["9"]
    assert site.lat == 29.6399 and bool(site.provisional)
    a = store.audit.log(action="register.correct").iloc[0]
    assert json.loads(a.before)["coord_text"] == "E113.4143 N29.3699"
    assert json.loads(a.after)["coord_text"] == "E113.4143 N29.6399" and a.actor == "u"
    # The seed file itself is untouched.
    assert "E113.4143 N29.3699" in (data_dir() / "ponds.csv").read_text(encoding="utf-8")


def test_area_and_uses(store):
    store.register.correct_pond(13, user=actor("u"), reason="测绘", uses="精养虾32亩;精养鱼池16亩")
    store.register.correct_pond(1, user=actor("u"), reason="测绘", area_mu=52)
    reg = current_dataset(store).register.set_index("pond_id")
    assert reg.loc[13, "area_mu"] == 48 and reg.loc[13, "seed_area_mu"] == 46
    assert reg.loc[1, "uses"] == "精养鱼池52亩" and reg.loc[1, "seed_uses"] == "精养鱼池50亩"
    with pytest.raises(RegisterEditError, match="2 uses"):
        store.register.correct_pond(13, user=actor("u"), reason="x", area_mu=50)
    with pytest.raises(RegisterEditError, match="sum"):
        store.register.correct_pond(13, user=actor("u"), reason="x", uses="精养虾30亩;精养鱼池16亩", area_mu=50)


@pytest.mark.parametrize(
    "kwargs, field",
    [
        ({"reason": "", "area_mu": 5}, "reason"),
        ({"reason": "x"}, None),  # nothing to change: no one field
        ({"reason": "x", "coord_text": "E200 N29"}, "coord_text"),
        ({"reason": "x", "coord_text": "E2.35 N48.85"}, "coord_text"),  # Paris: outside China
        ({"reason": "x", "uses": "鱼塘"}, "uses"),
        ({"reason": "x", "area_mu": -3}, "area_mu"),
    ],
)
def test_bad_corrections_name_the_field_and_write_nothing(store, kwargs, field):
    with pytest.raises(RegisterEditError) as e:
        store.register.correct_pond(2, user=actor("u"), **kwargs)
    assert e.value.field == field
    assert store.register.edits().empty and store.audit.log(action="register.correct").empty


def test_field_verification_marks_the_pond_verified_on_the_map(store):
    store.register.verify_pond(
        15, "E113.43712 N29.66641", user=actor("u"), verified_by="江南镇 李四", verified_on=date(2026, 5, 6)
    )
    ds = current_dataset(store)
    row = ds.register.set_index("pond_id").loc[15]
    assert row.coord_status == "verified" and row.verified_by == "江南镇 李四" and row.verified_on == "2026-05-06"
    assert row.seed_coord_text == "E113.4376 N29.6659"
    assert [f.code for f in ds.qa[15].flags] == ["verified"] and 15 not in ds.suspect_ids
    assert not bool(store.register.list_sites().set_index("code").loc["15", "provisional"])
    m = build_map(ds)
    layer = next(
        ch
        for ch in m._children.values()
        for ch in [ch, *getattr(ch, "_children", {}).values()]
        if type(ch).__name__ == "GeoJson" and "pond_id" in ch.data["features"][0]["properties"]
    )
    ring = {f["properties"]["pond_id"]: layer.style_function(f)["color"] for f in layer.data["features"]}
    assert ring[15] == VERIFIED_COLOUR and ring[16] != VERIFIED_COLOUR
    flags = {f["properties"]["pond_id"]: f["properties"]["flags"] for f in layer.data["features"]}
    assert "已现场核实" in flags[15] and "E113.4376 N29.6659" in flags[15]
    with pytest.raises(RegisterEditError, match="who"):
        store.register.verify_pond(
            16, "E113.437 N29.666", user=actor("u"), verified_by=" ", verified_on=date(2026, 5, 6)
        )
    with pytest.raises(RegisterEditError, match="future"):
        store.register.verify_pond(
            16, "E113.437 N29.666", user=actor("u"), verified_by="李", verified_on=date(2999, 1, 1)
        )


def _sections_geojson(n=1, name="省控断面（实测）"):
    feats = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [113.42 + i / 100, 29.65]},
            "properties": {"section_id": f"P{i + 1}", "name": name, "source": "省站函", "provisional": False},
        }
        for i in range(n)
    ]
    return json.dumps({"type": "FeatureCollection", "features": feats}, ensure_ascii=False).encode()


def test_boundary_upload_keeps_the_previous_version(store):
    first = store.register.upload_boundary(
        "sections", "sections.geojson", _sections_geojson(1), user=actor("u"), note="省站提供"
    )
    second = store.register.upload_boundary("sections", "sections.geojson", _sections_geojson(2), user=actor("u"))
    versions = store.register.list_boundaries("sections")
    assert versions.id.tolist() == [second, first]
    assert store.register.boundary_file(first)[0] == _sections_geojson(1)
    ds = current_dataset(store)
    assert len(ds.sections.gdf) == 2 and not ds.sections.provisional
    assert ds.lake.provisional  # the lake is still the shipped placeholder
    assert {"P1", "P2"} <= set(store.register.list_sites().code)  # new section points are monitoring sites
    audit = store.audit.log(action="boundary.upload")
    assert len(audit) == 2 and json.loads(audit.iloc[0].before)["id"] == first


def test_boundary_upload_is_validated_before_storing(store):
    lake = (data_dir() / "boundaries" / "lake.geojson").read_bytes()
    with pytest.raises(BoundaryError, match="Point"):
        store.register.upload_boundary("lake", "lake.geojson", _sections_geojson(), user=actor("u"))
    with pytest.raises(BoundaryError, match="not accepted"):
        store.register.upload_boundary("lake", "lake.exe", lake, user=actor("u"))
    with pytest.raises(BoundaryError, match="empty"):
        store.register.upload_boundary("lake", "lake.geojson", b"", user=actor("u"))
    with pytest.raises(BoundaryError, match="DTD"):
        kml = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><kml>&a;</kml>'
        store.register.upload_boundary("lake", "lake.kml", kml, user=actor("u"))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("../../lake.shp", b"x")
    with pytest.raises(BoundaryError, match="climbs out"):
        store.register.upload_boundary("lake", "lake.zip", buf.getvalue(), user=actor("u"))
    assert store.register.list_boundaries().empty and store.audit.log(action="boundary.").empty


def test_oversized_boundary_upload(store, monkeypatch):
    import geo.boundaries as gb

    monkeypatch.setattr(gb, "MAX_UPLOAD_BYTES", 100)
    with pytest.raises(BoundaryError, match="more than the 100 allowed"):
        store.register.upload_boundary("sections", "s.geojson", _sections_geojson(), user=actor("u"))
