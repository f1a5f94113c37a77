"""Trend per site: Mann-Kendall with Sen's slope; censored values and gaps as documented."""

from datetime import datetime, timedelta

import numpy as np
import pymannkendall
import pytest

from i18n import t
from monitoring.samples import TZ, ParsedValue, SampleInput, week_bounds
from monitoring.trend import TrendConfig, mann_kendall, sen_slope, site_trends
from tests.conftest import actor


@pytest.mark.parametrize("slope", [-0.004, 0.0035])
def test_known_slope_has_the_right_sign_and_sen_within_one_percent(slope):
    rng = np.random.default_rng(11)
    weeks = np.arange(12)
    x = 0.15 + slope * weeks + rng.normal(0, 0.0004, len(weeks))
    r = mann_kendall(x)
    assert r["direction"] == ("improving" if slope < 0 else "worsening")
    assert r["p"] < 0.05
    assert abs(r["slope"] - slope) <= 0.01 * abs(slope)
    assert t(f"trend.{r['direction']}") == ("向好" if slope < 0 else "变差")


def test_flat_noisy_series_reads_stable():
    rng = np.random.default_rng(3)
    for _ in range(20):
        x = 0.05 + rng.normal(0, 0.01, 12)
        r = mann_kendall(x)
        if r["p"] >= 0.05:  # by construction nearly always; a chance significant draw would be a false alarm
            assert r["direction"] == "stable" and t("trend.stable") == "持平"
    x = 0.05 + np.random.default_rng(5).normal(0, 0.01, 12)
    r = mann_kendall(x)
    assert r["direction"] == "stable" and r["p"] > 0.05


def test_sen_slope_equals_pymannkendall_without_gaps_and_uses_real_weeks_with_gaps():
    rng = np.random.default_rng(1)
    x = rng.lognormal(np.log(0.1), 0.4, 15)
    assert sen_slope(np.arange(15), x) == pytest.approx(pymannkendall.sens_slope(x).slope, rel=1e-12)
    # Weeks 0..9 with weeks 3 and 4 missing: a slope of -0.01 per week stays -0.01 per week.
    weeks = [0, 1, 2, 5, 6, 7, 8, 9]
    r = mann_kendall([0.2 - 0.01 * w for w in weeks], weeks)
    assert r["slope"] == pytest.approx(-0.01) and r["direction"] == "improving"


def test_too_few_points():
    assert mann_kendall([0.1, 0.2, np.nan, 0.3])["direction"] == "insufficient"


def test_site_trends_from_the_database_with_censored_values(store):
    # Pond 8 falls 0.02 mg/L a week and ends below the detection limit; pond 9 stays flat.
    rng = np.random.default_rng(2)
    last = "2022-W20"
    monday = week_bounds(last)[0]
    for k in range(12):
        when = monday - timedelta(weeks=11 - k) + timedelta(days=1, hours=9)
        v = 0.25 - 0.02 * k
        value = ParsedValue(0.01, True, 0.01) if v < 0.04 else ParsedValue(round(v, 4), False, None)
        store.samples.add(SampleInput("8", when, value), user=actor("u"))
        flat = round(0.12 + float(rng.normal(0, 0.01)), 4)
        store.samples.add(SampleInput("9", when + timedelta(hours=1), ParsedValue(flat, False, None)), user=actor("u"))
    # A sample after the week shown does not count.
    store.samples.add(
        SampleInput("8", datetime(2022, 5, 24, 9, tzinfo=TZ), ParsedValue(5.0, False, None)), user=actor("u")
    )
    res = site_trends(store, last, config=TrendConfig(weeks=12)).set_index("site")
    assert res.loc["8", "direction"] == "improving" and res.loc["8", "n"] == 12
    assert res.loc["8", "latest"] == 0.005  # half the detection limit
    assert res.loc["8", "slope"] == pytest.approx(-0.02, rel=0.01)
    assert res.loc["9", "direction"] == "stable"
    assert res.loc["8", "first_week"] == "2022-W09" and res.loc["8", "last_week"] == last
    assert set(res.index) == {"8", "9"}  # sites without data are left out
