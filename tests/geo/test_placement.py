"""Placing a 位置待定 section: typed numbers read or refused by field, the datum converted, warnings,
the bodies with placements, and a placed section's no-fishing zone in the zone answers."""

import math
from datetime import datetime

import geopandas as gpd
import pytest
import shapely

from geo.config import load_config
from geo.crs import gcj02_to_wgs84
from geo.dataset import load_dataset
from geo.placement import Placement, PositionError, enter_position, placed_layer, plausibility
from geo.register import data_dir
from geo.waterbodies import load_waterbodies
from tests.conftest import refused

AREA = load_config()["boundaries"].area


def placement(code, lon=113.5, lat=29.5, version=1):
    return Placement(
        code, lon, lat, "wgs84", f"lon={lon}; lat={lat}", "GPS 2026-11", "", "admin", datetime(2026, 11, 30), version
    )


def test_typed_numbers_are_read_and_kept_as_typed():
    p = enter_position(" 113.4229 ", "２９.６５３２", "wgs84")  # full-width digits as IMEs type them
    assert (p.lon, p.lat, p.datum) == (113.4229, 29.6532, "wgs84")
    assert p.entered == "lon=113.4229; lat=29.6532"
    assert enter_position("113.4229°", "29.6532°", "wgs84").lon == 113.4229


def test_gcj02_is_converted_with_the_shared_datum_code_and_the_typed_numbers_kept():
    p = enter_position("113.43", "29.65", "gcj02")
    lon, lat = gcj02_to_wgs84(113.43, 29.65)
    assert (p.lon, p.lat) == (pytest.approx(lon), pytest.approx(lat))
    assert (p.typed_lon, p.typed_lat, p.entered) == (113.43, 29.65, "lon=113.43; lat=29.65")
    assert 400 < math.dist((p.lon * 97000, p.lat * 111000), (113.43 * 97000, 29.65 * 111000)) < 900  # ~640 m


@pytest.mark.parametrize(
    ("lon", "lat", "datum", "code", "field"),
    [
        ("", "29.65", "wgs84", "input.missing", "lon"),
        ("113.4", "  ", "wgs84", "input.missing", "lat"),
        ("abc", "29.65", "wgs84", "input.not_a_number", "lon"),
        ("113.4", "29,65,1", "wgs84", "input.not_a_number", "lat"),
        ("NaN", "29.65", "wgs84", "placement.not_finite", "lon"),
        ("113.4", "inf", "wgs84", "placement.not_finite", "lat"),
        ("113.4", "-Infinity", "wgs84", "placement.not_finite", "lat"),
        ("29.65", "113.4", "wgs84", "placement.swapped", "lon"),
        ("213.4", "29.65", "wgs84", "placement.lon_range", "lon"),
        ("113.4", "-95", "wgs84", "placement.lat_range", "lat"),
        ("-113.4", "29.65", "wgs84", "placement.outside_china", "lon"),
        ("113.4", "29.65", None, "datum.missing", "coord_datum"),
        ("113.4", "29.65", "bd09", "input.unknown_choice", "coord_datum"),
        ("1" * 80, "29.65", "wgs84", "input.not_a_number", "lon"),
    ],
)
def test_hostile_numbers_are_refused_naming_the_field(lon, lat, datum, code, field):
    with refused(code, PositionError) as exc:
        enter_position(lon, lat, datum)
    assert exc.value.field == field
    for lang in ("zh", "en"):
        text = exc.value.message(lang)
        assert text and "Traceback" not in text


def test_refusals_read_in_both_languages():
    with pytest.raises(PositionError) as exc:
        enter_position("29.65", "113.4", "wgs84")
    assert "经度" in exc.value.message("zh") and "填反" in exc.value.message("zh")
    assert exc.value.message("en").startswith("Longitude") and "swapped" in exc.value.message("en")


def test_warnings_outside_the_county_and_outside_or_far_from_the_outline():
    assert plausibility(113.45, 29.5, AREA) == []
    assert [w.code for w in plausibility(115.5, 29.5, AREA)] == ["outside_county"]
    lake = gpd.read_file(data_dir() / "boundaries" / "lake.geojson")
    centre = lake.to_crs(4547).geometry.iloc[0].centroid
    inside = gpd.GeoSeries([centre], crs=4547).to_crs(4490).iloc[0]
    assert plausibility(inside.x, inside.y, AREA, lake) == []
    near = plausibility(inside.x + 0.012, inside.y, AREA, lake)  # ~1.2 km east of the centre, r = 750 m
    assert [w.code for w in near] == ["outside_outline"]
    far = plausibility(inside.x + 0.2, inside.y, AREA, lake)
    assert [w.code for w in far] == ["far_from_body"] and float(far[0].params["km"]) > 15
    assert "km" in far[0].text("en") and "公里" in far[0].text("zh")


def test_a_placed_section_is_no_longer_pending_and_keeps_its_provenance():
    wb = load_waterbodies()
    placed = wb.with_placements({"YTCY": placement("YTCY"), "S1": placement("S1"), "ZZ": placement("ZZ")})
    assert [s.code for s in placed.pending_sections()] == ["TDXQ"]
    assert [s.code for s in placed.placed_sections()] == ["YTCY"]  # a layer section is not overridden
    s = placed.placed_sections()[0]
    assert s.position == "placed" and s.placement.source == "GPS 2026-11"
    assert [s.code for s in wb.pending_sections()] == ["YTCY", "TDXQ"]  # the original is unchanged
    layer = placed_layer(placed)
    assert list(layer.section_id) == ["YTCY"] and layer.crs.to_epsg() == 4490
    row = layer.iloc[0]
    assert (row.water_body, bool(row.nofish), row.datum, row.version) == ("yuantan", False, "wgs84", 1)


@pytest.fixture
def huanggai_section(data_copy, monkeypatch):
    """A data folder whose Huanggai Lake lists a 省控 section without a position (its rules: nofish)."""
    path = data_copy / "waterbodies.toml"
    text = path.read_text(encoding="utf-8")
    marker = '[[water_body.zone]]\nrule = "reserve_core"'
    section = (
        '[[water_body.section]]\ncode = "HGSK"\nname = "黄盖湖省控断面"\nlevel = "省控"\n'
        'source = "测试：位置未载明"\n\n'
    )
    path.write_text(text.replace(marker, section + marker, 1), encoding="utf-8")
    monkeypatch.setenv("YEHU_DATA_DIR", str(data_copy))
    return data_copy


def test_a_placed_section_under_a_nofish_rule_gets_its_zone_in_the_zone_answers(huanggai_section):
    wb = load_waterbodies(huanggai_section / "waterbodies.toml")
    hg = wb["huanggai"]
    assert not next(z for z in hg.zones if z.rule == "nofish").placed  # 位置待定: no zone answer
    before = load_dataset(huanggai_section)
    pond = before.register.set_index("pond_id").loc[1].geometry  # place the section on pond 1
    placed = wb.with_placements({"HGSK": placement("HGSK", pond.x, pond.y)})
    assert next(z for z in placed["huanggai"].zones if z.rule == "nofish").placed
    layer = placed_layer(placed)
    assert bool(layer.set_index("section_id").loc["HGSK", "nofish"])
    ds = load_dataset(huanggai_section, placed=layer)
    assert "HGSK" in set(ds.nofish_zones.section_id) and "HGSK" not in set(before.nofish_zones.section_id)
    c = ds.classification.set_index("pond_id")
    assert bool(c.loc[1, "in_nofish_zone"]) and c.loc[1, "nearest_section"] == "HGSK"
    assert not bool(before.classification.set_index("pond_id").loc[1, "in_nofish_zone"])
    assert list(ds.sections.gdf.section_id) == list(before.sections.gdf.section_id)  # the layer is unchanged
    zone = ds.nofish_zones.set_index("section_id").loc["HGSK"].geometry
    assert zone.contains(shapely.Point(pond.x, pond.y))


def test_a_placed_section_without_a_nofish_rule_leaves_the_zone_answers_alone():
    wb = load_waterbodies().with_placements({"YTCY": placement("YTCY", 113.42, 29.65)})
    before = load_dataset()
    ds = load_dataset(placed=placed_layer(wb))
    assert ds.classification.equals(before.classification)
    assert list(ds.nofish_zones.section_id) == list(before.nofish_zones.section_id)
    assert len(ds.placed) == 1
