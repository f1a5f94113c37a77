import pytest
from hypothesis import given
from hypothesis import strategies as st

from geo.coords import (
    CoordinateError,
    CoordinateOutOfRangeError,
    format_coordinate,
    parse_coordinate,
)


@pytest.mark.parametrize(
    "text, lon, lat, run_together",
    [
        ("E113.4136 N29.6635", 113.4136, 29.6635, False),
        ("E113.41752N29.62587", 113.41752, 29.62587, True),
        ("E113.360211N29.64761", 113.360211, 29.64761, True),
        ("113.4136, 29.6635", 113.4136, 29.6635, False),
        ("113.4136 29.6635", 113.4136, 29.6635, False),
        ("29.6635N 113.4136E", 113.4136, 29.6635, False),
        ("N29.6635 E113.4136", 113.4136, 29.6635, False),
        ("东经113.4136° 北纬29.6635°", 113.4136, 29.6635, False),
        ("北纬29.6635，东经113.4136", 113.4136, 29.6635, False),
        ("Ｅ１１３．４１３６　Ｎ２９．６６３５", 113.4136, 29.6635, False),
        ("e113.4136 n29.6635", 113.4136, 29.6635, False),
    ],
)
def test_accepted_notations(text, lon, lat, run_together):
    p = parse_coordinate(text)
    assert (p.lon, p.lat) == pytest.approx((lon, lat), abs=1e-12)
    assert p.run_together is run_together
    assert p.text == text


@pytest.mark.parametrize(
    "text",
    [
        "113°24'49\"E 29°39'49\"N",
        "113°24′49″E 29°39′49″N",
        "E113°24'49\" N29°39'49\"",
        "东经113度24分49秒 北纬29度39分49秒",
    ],
)
def test_degrees_minutes_seconds(text):
    p = parse_coordinate(text)
    assert p.lon == pytest.approx(113 + 24 / 60 + 49 / 3600)
    assert p.lat == pytest.approx(29 + 39 / 60 + 49 / 3600)


def test_degrees_and_decimal_minutes():
    p = parse_coordinate("113°24.5'E 29°39.25'N")
    assert (p.lon, p.lat) == pytest.approx((113 + 24.5 / 60, 29 + 39.25 / 60))


@pytest.mark.parametrize(
    "text, code, zh",
    [
        ("", "coord.empty", "坐标为空"),
        ("hello", "coord.unreadable", "无法识别的坐标写法"),
        ("E113.4136", "coord.unreadable", "无法识别的坐标写法"),
        ("E113.4136 E29.6635", "coord.two_lon", "两个经度"),
        ("N29.6635 S29.6635", "coord.two_lat", "两个纬度"),
        ("29.6635, 113.4136", "coord.looks_swapped", "像是“纬度, 经度”"),
        ("113°75'00\"E 29°39'49\"N", "coord.minutes_over_59", "分值 75 应小于 60"),
        ("113°24'61\"E 29°39'49\"N", "coord.seconds_over_59", "秒值 61 应小于 60"),
        ("E113.4136 N29.6635 extra", "coord.unreadable", "无法识别的坐标写法"),
        ("E113.41.36 N29.6635", "coord.unreadable", "无法识别的坐标写法"),
    ],
)
def test_rejects_with_reason_and_quotes_input(text, code, zh):
    with pytest.raises(CoordinateError) as err:
        parse_coordinate(text)
    assert err.value.code == code and err.value.text == text
    assert zh in err.value.message("zh")
    if text:
        assert f"“{text}”" in err.value.message("zh") and f"'{text}'" in err.value.message("en")


@pytest.mark.parametrize("text", ["W113.4 N29.6", "E13.4 N29.6", "E113.4 N60.1", "E113.4 S29.6", "0, 0"])
def test_outside_china(text):
    with pytest.raises(CoordinateOutOfRangeError) as err:
        parse_coordinate(text)
    assert err.value.code == "coord.outside_china"
    assert "outside China" in str(err.value) and "在中国境外" in err.value.message("zh")
    assert f"'{text}'" in str(err.value)


def test_not_a_string():
    with pytest.raises(TypeError):
        parse_coordinate(113.4)


china_lon = st.floats(73, 136, allow_nan=False)
china_lat = st.floats(3, 54, allow_nan=False)
STYLES = ["prefix", "run_together", "suffix", "bare", "chinese", "fullwidth"]


@given(china_lon, china_lat, st.sampled_from(STYLES))
def test_round_trip_decimal(lon, lat, style):
    p = parse_coordinate(format_coordinate(lon, lat, style, decimals=7))
    assert p.lon == pytest.approx(lon, abs=1e-7)
    assert p.lat == pytest.approx(lat, abs=1e-7)
    assert p.run_together is (style == "run_together")


@given(china_lon, china_lat)
def test_round_trip_dms(lon, lat):
    p = parse_coordinate(format_coordinate(lon, lat, "dms", decimals=3))
    # 0.001 arc-second is about 3 cm.
    assert p.lon == pytest.approx(lon, abs=1e-6)
    assert p.lat == pytest.approx(lat, abs=1e-6)


def test_format_unknown_style():
    with pytest.raises(ValueError, match="unknown coordinate style"):
        format_coordinate(113, 29, "mgrs")
