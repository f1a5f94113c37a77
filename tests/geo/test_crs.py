import geopandas as gpd
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from pyproj import Geod
from shapely import Point, box

from geo.crs import CRSError, gcj02_to_wgs84, geometry_to_gcj02, to_geographic, to_metric, wgs84_to_gcj02

# Published reference pairs (WGS84 lon, lat, GCJ-02 lon, lat): the test vectors of
# the eviltransform project (Shanghai, Shenzhen, Beijing) and coordtransform's example.
REFERENCE = [
    (121.5272106, 31.1774276, 121.531541859215, 31.17530398364597),
    (113.912316, 22.543847, 113.9171764808363, 22.540796131694766),
    (116.377817, 39.911954, 116.38404722455657, 39.91334545536069),
    (116.404, 39.915, 116.41024449916938, 39.91640428150164),
]
GEOD = Geod(ellps="GRS80")


@pytest.mark.parametrize("wlon, wlat, glon, glat", REFERENCE)
def test_forward_matches_published_pairs(wlon, wlat, glon, glat):
    lon, lat = wgs84_to_gcj02(wlon, wlat)
    assert GEOD.inv(lon, lat, glon, glat)[2] < 0.01  # metres


@pytest.mark.parametrize("wlon, wlat, glon, glat", REFERENCE)
def test_inverse_recovers_published_pairs(wlon, wlat, glon, glat):
    lon, lat = gcj02_to_wgs84(glon, glat)
    assert GEOD.inv(lon, lat, wlon, wlat)[2] < 0.01


def test_offset_at_yehu_is_about_640_m():
    lon, lat = wgs84_to_gcj02(113.4229, 29.6532)
    az, _, dist = GEOD.inv(113.4229, 29.6532, lon, lat)
    assert 600 < dist < 680
    assert lon > 113.4229 and lat < 29.6532  # east and south


@given(st.floats(100, 125, allow_nan=False), st.floats(20, 45, allow_nan=False))
def test_inverse_round_trips_under_one_metre(lon, lat):
    g = wgs84_to_gcj02(lon, lat)
    back = gcj02_to_wgs84(*g)
    assert GEOD.inv(lon, lat, *back)[2] < 1.0


def test_vectorised_and_outside_china_unchanged():
    lon, lat = wgs84_to_gcj02(np.array([113.4, 2.35]), np.array([29.6, 48.85]))
    assert lon[1] == 2.35 and lat[1] == 48.85
    assert lon[0] != 113.4


def test_geometry_shift_moves_every_vertex():
    poly = box(113.40, 29.64, 113.42, 29.66)
    (shifted,) = geometry_to_gcj02(gpd.GeoSeries([poly], crs="EPSG:4490"))
    assert GEOD.inv(113.40, 29.64, *shifted.exterior.coords[3])[2] < 1000
    assert shifted.bounds[0] > poly.bounds[0]


def test_metric_requires_crs():
    with pytest.raises(CRSError, match="no CRS"):
        to_metric(gpd.GeoSeries([Point(113, 29)]), "ponds")
    with pytest.raises(TypeError):
        to_metric([Point(113, 29)])


def test_wgs84_is_relabelled_not_shifted():
    s = gpd.GeoSeries([Point(113.4, 29.6)], crs="EPSG:4326")
    g = to_geographic(s)
    assert g.crs.to_epsg() == 4490
    assert (g.x.iloc[0], g.y.iloc[0]) == (113.4, 29.6)


def test_metric_is_gauss_kruger_114():
    s = to_metric(gpd.GeoSeries([Point(114.0, 29.6)], crs="EPSG:4490"))
    assert s.crs.to_epsg() == 4547
    assert s.x.iloc[0] == pytest.approx(500_000, abs=0.01)
