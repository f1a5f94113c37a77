from datetime import date

import pandas as pd

from monitoring.compliance import evaluate_week, load_limits

SAMPLES = pd.DataFrame(
    {"site_code": ["1"], "value_mg_l": [0.1], "censored": [False], "qc_type": ["regular"], "sample_uid": ["a"]}
)


def sites(**extra):
    base = {"code": ["1", "2", "L1"], "kind": ["pond", "pond", "lake"], "active": [True, True, True]}
    return pd.DataFrame({**base, **extra})


def test_a_week_counts_only_the_sites_active_in_it():
    limits = load_limits()
    week15 = date(2022, 4, 13)  # a Wednesday of 2022-W15
    plain = evaluate_week(SAMPLES, sites(), limits, week15)
    assert list(plain.site_code) == ["1", "2", "L1"]
    added_today = sites(active_from=[None, None, date(2026, 11, 30)], active_to=[None, None, None])
    assert list(evaluate_week(SAMPLES, added_today, limits, week15).site_code) == ["1", "2"]
    retired = sites(active_from=[None, None, None], active_to=[None, date(2022, 4, 10), None])
    assert list(evaluate_week(SAMPLES, retired, limits, week15).site_code) == ["1", "L1"]
    # active from the Sunday of that week: counted in it
    sunday = sites(active_from=[None, None, date(2022, 4, 17)], active_to=[None, None, None])
    assert list(evaluate_week(SAMPLES, sunday, limits, week15).site_code) == ["1", "2", "L1"]
    result = evaluate_week(SAMPLES, added_today, limits, week15)
    assert result.set_index("site_code").status.to_dict() == plain.set_index("site_code").status.drop("L1").to_dict()
