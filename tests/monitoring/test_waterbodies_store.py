"""Water bodies in the store: sites by body, pending sections, the seed's results, lake and river tables."""

from datetime import date, datetime

import pytest

from geo.waterbodies import load_waterbodies
from monitoring.auth import CONSOLE
from monitoring.clock import TZ
from monitoring.samples import ParsedValue, SampleInput
from monitoring.store.register import NOT_STATED


@pytest.fixture
def bodies_store(store, register):
    wb = load_waterbodies()
    store.register.load(*register, user=CONSOLE, bodies=wb)
    return store, wb


def add(store, site, value, day=date(2022, 4, 12)):
    return store.samples.add(
        SampleInput(
            site=site,
            sampled_at=datetime(day.year, day.month, day.day, 10, tzinfo=TZ),
            value=ParsedValue(value, False, None),
            kind="other",
        ),
        user=CONSOLE,
    )


def test_sites_belong_to_bodies_and_pending_sections_have_no_position(bodies_store):
    store, _ = bodies_store
    sites = store.register.list_sites().set_index("code")
    assert (sites.loc[[str(i) for i in range(1, 18)], "water_body"] == "yehu").all()
    assert sites.loc["S1", "water_body"] == "yehu" and sites.loc["S1", "lon"] == pytest.approx(113.4229214)
    for code, body in (("YTCY", "yuantan"), ("TDXQ", "tandu")):
        assert sites.loc[code, "water_body"] == body and sites.loc[code, "kind"] == "section"
        assert sites.loc[code, "lon"] != sites.loc[code, "lon"]  # NaN: position unknown, none invented


def test_river_section_is_judged_by_the_river_table_and_a_lake_section_by_the_lake_table(bodies_store):
    store, _ = bodies_store
    add(store, "YTCY", 0.16)  # GB 3838 rivers: III ≤ 0.2
    add(store, "S1", 0.16)  # lakes: III ≤ 0.05, V ≤ 0.2
    add(store, "TDXQ", 0.25)  # rivers: IV ≤ 0.3 — over the river class III target
    w = store.samples.weekly("2022-W15").set_index("site_code")
    assert (w.loc["YTCY", "limit_mg_l"], w.loc["YTCY", "grade"], w.loc["YTCY", "status"]) == (
        0.2,
        "III",
        "compliant",
    )
    assert (w.loc["S1", "limit_mg_l"], w.loc["S1", "grade"], w.loc["S1", "status"]) == (0.05, "V", "exceeds")
    assert (w.loc["TDXQ", "grade"], w.loc["TDXQ", "status"]) == ("IV", "exceeds")
    cases = store.cases.find("open").set_index("site_code")
    assert set(cases.index) == {"S1", "TDXQ"}
    assert cases.loc["S1", "limit_mg_l"] == 0.05 and cases.loc["TDXQ", "limit_mg_l"] == 0.2


def test_sites_without_weekly_sampling_count_only_when_sampled(bodies_store):
    store, _ = bodies_store
    w = store.samples.weekly("2022-W15")
    assert not {"YTCY", "TDXQ"} & set(w.site_code) and "S1" in set(w.site_code)
    add(store, "YTCY", 0.1)
    grid = store.samples.weekly_grid(["2022-W14", "2022-W15"])
    assert grid.loc["YTCY"].tolist() == ["not_due", "compliant"] and grid.loc["S1"].tolist() == ["missing"] * 2


def test_seed_results_stored_once_with_their_source(bodies_store, register):
    store, wb = bodies_store
    store.register.load(*register, user=CONSOLE, bodies=wb)  # again: nothing added twice
    for code, value in (("YTCY", 0.16), ("TDXQ", 0.1)):
        s = store.samples.find(site=code)
        assert len(s) == 1 and s.value_mg_l.iloc[0] == value and s.method.iloc[0] == NOT_STATED
        assert s.notes.iloc[0].startswith("临政办函〔2022〕19号") and "未载明" in s.notes.iloc[0]
        assert str(s.sampled_at.iloc[0])[:10] == "2022-03-28"
    w = store.samples.weekly("2022-W13").set_index("site_code")
    assert w.loc["YTCY", "status"] == "compliant" and w.loc["YTCY", "grade"] == "III"
    assert w.loc["TDXQ", "grade"] == "II"
    uid = store.samples.find(site="TDXQ").sample_uid.iloc[0]
    store.samples.retract(uid, "测试撤回", user=CONSOLE)
    store.register.load(*register, user=CONSOLE, bodies=wb)
    assert store.samples.find(site="TDXQ").empty  # a withdrawn result is not brought back
