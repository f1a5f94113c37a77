import math

import geopandas as gpd
import pytest
from shapely import Point, box

from geo.boundaries import load_boundaries
from geo.config import ConfigError, ZoneConfig
from geo.crs import to_metric
from geo.zones import ban_zone, nofish_zones

SECTIONS = gpd.GeoDataFrame(
    {"section_id": ["S1", "S2"], "provisional": [False, True]},
    geometry=[Point(113.42, 29.65), Point(113.40, 29.60)],
    crs="EPSG:4490",
)


def km2(gdf):
    return to_metric(gdf).area.to_numpy() / 1e6


def test_default_nofish_zone_is_one_square_kilometre():
    zones = nofish_zones(SECTIONS)
    assert zones.crs.to_epsg() == 4490
    for a in km2(zones):
        assert a == pytest.approx(1.0, rel=0.005)
    assert zones.provisional.tolist() == [False, True]
    assert ZoneConfig().nofish_radius_m == pytest.approx(564.19, abs=0.01)


def test_square_and_other_sizes():
    sq = nofish_zones(SECTIONS, ZoneConfig(nofish_shape="square"))
    assert km2(sq)[0] == pytest.approx(1.0, rel=0.005)
    minx, miny, maxx, maxy = to_metric(sq).geometry.iloc[0].bounds
    assert maxx - minx == pytest.approx(1000, abs=0.5) and maxy - miny == pytest.approx(1000, abs=0.5)
    big = nofish_zones(SECTIONS, ZoneConfig(nofish_area_km2=2.5))
    assert km2(big)[0] == pytest.approx(2.5, rel=0.005)


def test_ban_zone_of_a_square_kilometre_is_1_plus_4_plus_pi():
    lake = gpd.GeoDataFrame({"provisional": [False]}, geometry=[box(500000, 3280000, 501000, 3281000)], crs=4547)
    zone = ban_zone(lake)
    assert zone.crs.to_epsg() == 4490
    assert km2(zone)[0] == pytest.approx(1 + 4 + math.pi, rel=0.005)
    assert not zone.provisional.iloc[0]


def test_ban_zone_width_configurable_and_provisional_carried():
    lake, _ = load_boundaries()
    zone = ban_zone(lake.gdf, ZoneConfig(ban_distance_m=500))
    r = 750 + 500  # the placeholder circle is 750 m
    assert km2(zone)[0] == pytest.approx(math.pi * r * r / 1e6, rel=0.005)
    assert zone.provisional.iloc[0]


@pytest.mark.parametrize(
    "kwargs, fragment",
    [
        ({"nofish_shape": "hexagon"}, "nofish_shape"),
        ({"ban_distance_m": 0}, "ban_distance_m"),
        ({"nofish_area_km2": -1}, "nofish_area_km2"),
    ],
)
def test_bad_config(kwargs, fragment):
    with pytest.raises(ConfigError, match=fragment):
        ZoneConfig(**kwargs)
