from datetime import date, datetime, timedelta

import pytest

from i18n import t
from monitoring.samples import (
    TZ,
    ParsedValue,
    SampleInput,
    SampleValidationError,
    iso_week,
    parse_datetime,
    parse_value,
    unit_factor,
    week_bounds,
)
from tests.conftest import refused


@pytest.mark.parametrize(
    "text, unit, dl, expected",
    [
        ("0.05", None, None, ParsedValue(0.05, False, None)),
        ("0,05", None, None, ParsedValue(0.05, False, None)),
        (0.18, None, None, ParsedValue(0.18, False, None)),
        ("<0.01", None, None, ParsedValue(0.01, True, 0.01)),
        ("＜0.01", None, None, ParsedValue(0.01, True, 0.01)),
        ("0.01L", None, None, ParsedValue(0.01, True, 0.01)),
        ("ND", None, "0.01", ParsedValue(0.01, True, 0.01)),
        ("未检出", None, 0.02, ParsedValue(0.02, True, 0.02)),
        ("150", "µg/L", None, ParsedValue(0.15, False, None)),
        ("<10", "ug/L", None, ParsedValue(0.01, True, 0.01)),
        ("0.2", "mg/L", "0.01", ParsedValue(0.2, False, 0.01)),
    ],
)
def test_values(text, unit, dl, expected):
    got = parse_value(text, unit, dl)
    assert got.censored == expected.censored
    assert got.value == pytest.approx(expected.value)
    assert (got.detection_limit or 0) == pytest.approx(expected.detection_limit or 0)


def test_censored_is_never_zero():
    v = parse_value("0.01L")
    assert v.value > 0 and v.censored


@pytest.mark.parametrize(
    "text, unit, dl, field, code",
    [
        ("", None, None, "value", "input.missing"),
        ("-0.1", None, None, "value", "sample.negative"),
        ("abc", None, None, "value", "sample.value_unreadable"),
        ("ND", None, None, "value", "sample.nd_needs_dl"),
        ("0.1", "ppm", None, "unit", "sample.unit_unknown"),
        ("0.1", None, "-1", "detection_limit", "input.not_positive"),
    ],
)
def test_value_errors_name_field_and_value(text, unit, dl, field, code):
    with pytest.raises(SampleValidationError) as err:
        parse_value(text, unit, dl)
    assert err.value.field == field and err.value.code == code
    assert err.value.message("zh").startswith(t(f"field.{field}", "zh"))  # the field as the user knows it


def test_units():
    assert unit_factor("mg/L") == 1 and unit_factor("μg/L") == 0.001 and unit_factor("微克/升") == 0.001


@pytest.mark.parametrize(
    "text, iso",
    [
        ("2022-04-12", "2022-04-12T00:00:00+08:00"),
        ("2022/4/12 9:30", "2022-04-12T09:30:00+08:00"),
        ("2022年4月12日", "2022-04-12T00:00:00+08:00"),
        ("2022年4月12日 9时30分", "2022-04-12T09:30:00+08:00"),
        ("2022-04-12T01:30:00+00:00", "2022-04-12T09:30:00+08:00"),
        (datetime(2022, 4, 12, 9, 30), "2022-04-12T09:30:00+08:00"),
        (date(2022, 4, 12), "2022-04-12T00:00:00+08:00"),
    ],
)
def test_datetimes(text, iso):
    assert parse_datetime(text).isoformat() == iso


def test_bad_datetime():
    with refused("sample.datetime_unreadable"):
        parse_datetime("yesterday")


def test_week_boundaries_in_shanghai():
    sunday = datetime(2022, 4, 17, 23, 59, tzinfo=TZ)
    monday = datetime(2022, 4, 18, 0, 0, tzinfo=TZ)
    assert iso_week(sunday) == "2022-W15" and iso_week(monday) == "2022-W16"
    # 2022-04-17 16:30 UTC is Monday 00:30 in Shanghai.
    assert iso_week(datetime.fromisoformat("2022-04-17T16:30:00+00:00")) == "2022-W16"
    start, end = week_bounds("2022-W15")
    assert start <= sunday < end and not start <= monday < end
    with pytest.raises(ValueError):
        week_bounds("2022-15")


def sample(**kw):
    base = dict(site="1", sampled_at=datetime(2022, 4, 12, 9, tzinfo=TZ), value=ParsedValue(0.1, False, None))
    return SampleInput(**{**base, **kw})


@pytest.mark.parametrize(
    "kw, field, code",
    [
        ({"sampled_at": datetime.now(TZ) + timedelta(days=1)}, "sampled_at", "input.in_future"),
        ({"sampled_at": datetime(2021, 12, 31, 23, tzinfo=TZ)}, "sampled_at", "input.before"),
        ({"value": ParsedValue(51, False, None)}, "value", "sample.implausible"),
        ({"parameter": "PH"}, "parameter", "input.unknown_choice"),
        ({"kind": "rain"}, "kind", "input.unknown_choice"),
        ({"qc_type": "spike"}, "qc_type", "input.unknown_choice"),
    ],
)
def test_sample_checks(kw, field, code):
    with pytest.raises(SampleValidationError) as err:
        sample(**kw).check()
    assert err.value.field == field and err.value.code == code


def test_default_method():
    s = sample()
    s.check()
    assert s.method == "GB 11893-89"
