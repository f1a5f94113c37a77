import pytest

from geo.coords import CoordinateError
from geo.crs import wgs84_to_gcj02
from geo.datum import enter_coordinate


def test_gcj02_entry_is_converted_and_recorded():
    c = enter_coordinate("东经113.4300° 北纬29.6500°", "gcj02")
    lon, lat = wgs84_to_gcj02(c.lon, c.lat)
    assert abs(lon - 113.43) < 1e-8 and abs(lat - 29.65) < 1e-8
    assert 500 < (113.43 - c.lon) * 96_800 < 650  # metres east at 29.65°N: the GCJ-02 shift
    assert c.text == f"E{c.lon:.6f} N{c.lat:.6f}" and c.converted
    assert c.record("zh") == f"坐标按 GCJ-02 录入：东经113.4300° 北纬29.6500°，已换算为 CGCS2000：{c.text}"


def test_wgs84_entry_is_kept_as_typed():
    c = enter_coordinate(" E113.4136 N29.6635 ", "wgs84")
    assert (c.lon, c.lat, c.text, c.converted) == (113.4136, 29.6635, "E113.4136 N29.6635", False)


def test_datum_must_be_named_and_text_readable():
    with pytest.raises(ValueError, match="datum"):
        enter_coordinate("E113.4136 N29.6635", "")
    with pytest.raises(CoordinateError):
        enter_coordinate("somewhere", "gcj02")
