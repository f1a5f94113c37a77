import json
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from monitoring.auth import CONSOLE
from monitoring.samples import TZ, ParsedValue, SampleInput, SampleValidationError
from monitoring.store import CaseError, Store
from tests.conftest import actor, migration_head, refused


def tp(site, when, value, censored=False, **kw):
    dl = value if censored else None
    return SampleInput(site=site, sampled_at=when, value=ParsedValue(value, censored, dl), **kw)


T0 = datetime(2022, 4, 12, 9, 30, tzinfo=TZ)


def test_migrations_from_empty_to_head(db_url):
    s = Store(db_url, migrate=False)
    assert s.revision() is None
    s = Store(db_url)
    assert s.revision() == migration_head()
    Store(db_url)  # idempotent
    assert s.revision() == migration_head()


def test_register_loaded_once(store, register):
    sites = store.register.list_sites()
    assert sites.code.tolist()[:17] == [str(i) for i in range(1, 18)]
    assert "S1" in set(sites.code)
    assert store.register.load(*register, user=CONSOLE) == 0


def test_round_trip(store):
    uid = store.samples.add(tp("9", T0, 0.123, inspector="张三", notes="尾水口"), user=actor("insp"))
    got = store.samples.find(site="9").iloc[0]
    assert got.sample_uid == uid and got.value_mg_l == 0.123 and got.inspector == "张三"
    assert got.sampled_at == T0 and got.week == "2022-W15"
    assert got.method == "GB 11893-89" and got.created_by == "insp"


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    value=st.floats(0.001, 49.9, allow_nan=False),
    censored=st.booleans(),
    minutes=st.integers(0, 60 * 24 * 365 * 3),
)
def test_round_trip_property(store, value, censored, minutes):
    when = datetime(2022, 1, 1, tzinfo=TZ) + timedelta(minutes=minutes)
    try:
        uid = store.samples.add(tp("5", when, value, censored), user=actor("h"))
    except SampleValidationError as exc:
        assert exc.code == "sample.duplicate"
        return
    row = store.samples.history(uid).iloc[-1]
    assert row.value_mg_l == pytest.approx(value) and bool(row.censored) is censored
    assert row.sampled_at == when


def test_validation_errors_write_nothing(store):
    with refused("sample.unknown_site"):
        store.samples.add(tp("99", T0, 0.1), user=actor("u"))
    store.samples.add(tp("1", T0, 0.1), user=actor("u"))
    with refused("sample.duplicate") as dup:
        store.samples.add(tp("1", T0, 0.3), user=actor("u"))
    assert dup.value.reason("zh") == "点位 1 在这一时间已有一个 TP 常规样品（重复）。"
    assert dup.value.reason("en") == "Duplicate: site 1 already has a TP regular sample at this time."
    # A field duplicate at the same time is a different QC type: allowed.
    store.samples.add(tp("1", T0, 0.11, qc_type="field_duplicate"), user=actor("u"))
    assert store.samples.count() == 2
    assert store.cases.find().empty


def test_corrections_and_retractions_keep_history(store):
    uid = store.samples.add(tp("2", T0, 0.1), user=actor("a"))
    with refused("input.reason_missing"):
        store.samples.correct(uid, {"value": ParsedValue(0.15, False, None)}, "", user=actor("b"))
    assert store.samples.correct(uid, {"value": ParsedValue(0.15, False, None)}, "lab re-run", user=actor("b")) == 2
    assert store.samples.retract(uid, "wrong bottle", user=actor("c")) == 3
    hist = store.samples.history(uid)
    assert hist.version.tolist() == [1, 2, 3]
    assert hist.value_mg_l.tolist() == [0.1, 0.15, 0.15]
    assert hist.retracted.tolist() == [False, False, True]
    assert hist.is_current.tolist() == [False, False, True]
    assert hist.change_reason.tolist()[1:] == ["lab re-run", "wrong bottle"]
    assert store.samples.find(site="2").empty
    assert len(store.samples.find(site="2", include_retracted=True)) == 1
    # The retracted slot can be filled again.
    store.samples.add(tp("2", T0, 0.12), user=actor("a"))


def test_weekly_compliance_and_censoring(store):
    store.samples.add(tp("1", T0, 0.15), user=actor("u"))
    store.samples.add(tp("8", T0, 0.01, censored=True), user=actor("u"))
    store.samples.add(tp("9", T0, 0.35), user=actor("u"))
    store.samples.add(tp("3", T0, 0.5, censored=True), user=actor("u"))  # limit above 0.2: cannot tell
    store.samples.add(tp("4", T0, 0.9, qc_type="blank"), user=actor("u"))  # blanks do not count
    w = store.samples.weekly("2022-W15").set_index("site_code")
    assert w.loc["1", "status"] == "compliant"
    assert w.loc["8", "status"] == "compliant" and bool(w.loc["8", "max_censored"])
    assert w.loc["9", "status"] == "exceeds"
    assert w.loc["3", "status"] == "indeterminate"
    assert w.loc["4", "status"] == "missing" and w.loc["2", "status"] == "missing"
    assert w.loc["9", "limit_mg_l"] == 0.2


def test_week_boundary_in_the_database(store):
    store.samples.add(tp("1", datetime(2022, 4, 17, 23, 59, tzinfo=TZ), 0.1), user=actor("u"))
    store.samples.add(tp("2", datetime(2022, 4, 18, 0, 0, tzinfo=TZ), 0.1), user=actor("u"))
    w15 = store.samples.weekly("2022-W15").set_index("site_code")
    w16 = store.samples.weekly("2022-W16").set_index("site_code")
    assert w15.loc["1", "n"] == 1 and w15.loc["2", "n"] == 0
    assert w16.loc["2", "n"] == 1 and w16.loc["1", "n"] == 0
    grid = store.samples.weekly_grid(["2022-W15", "2022-W16"])
    assert grid.loc["1"].tolist() == ["compliant", "missing"]


def test_limits_have_effective_dates(store):
    before = datetime(2022, 2, 10, 9, tzinfo=TZ)
    store.samples.add(tp("1", before, 0.5), user=actor("u"))
    w = store.samples.weekly("2022-W06").set_index("site_code")
    assert w.loc["1", "status"] == "no_limit"
    assert store.cases.find().empty  # no limit in force, so no exceedance


def test_lake_sites_are_graded(store):
    store.register.add_site("L1", "lake", "湖心", 113.4229, 29.6532, "test", provisional=True, user=actor("u"))
    store.samples.add(tp("L1", T0, 0.04, kind="lake"), user=actor("u"))
    store.samples.add(tp("S1", T0, 0.08, kind="lake"), user=actor("u"))
    w = store.samples.weekly("2022-W15").set_index("site_code")
    assert (w.loc["L1", "grade"], w.loc["L1", "status"]) == ("III", "compliant")
    assert (w.loc["S1", "grade"], w.loc["S1", "status"]) == ("IV", "exceeds")
    assert w.loc["S1", "limit_mg_l"] == 0.05


def test_tracing_case_life_cycle(store):
    uid = store.samples.add(tp("S1", T0, 0.3, kind="lake"), user=actor("u"))
    cases = store.cases.find("open")
    assert len(cases) == 1
    case = cases.iloc[0]
    assert case.sample_uid == uid and case.limit_mg_l == 0.05
    cands = json.loads(case.candidates)
    assert cands, "ponds within 2 km of the section are candidates"
    assert [c["distance_m"] for c in cands] == sorted(c["distance_m"] for c in cands)
    assert all(c["distance_m"] <= 2000 for c in cands)
    assert {"8", "1"} <= {c["site"] for c in cands}
    store.cases.update(
        int(case.id), user=actor("staff"), findings="8号塘排水", responsible_unit="江南镇", deadline=date(2022, 4, 20)
    )
    with pytest.raises(CaseError, match="stays open"):
        store.cases.close(int(case.id), user=actor("staff"))
    store.samples.add(tp("S1", T0 + timedelta(days=2), 0.09, kind="lake"), user=actor("u"))  # still above 0.05
    with pytest.raises(CaseError, match="stays open"):
        store.cases.close(int(case.id), user=actor("staff"))
    ok = store.samples.add(tp("S1", T0 + timedelta(days=7), 0.01, censored=True, kind="lake"), user=actor("u"))
    assert store.cases.close(int(case.id), user=actor("staff")) == ok
    closed = store.cases.find("closed")
    assert len(closed) == 1 and closed.iloc[0].findings == "8号塘排水"
    assert len(store.cases.find("open")) == 1  # the 0.09 result opened its own case
    with pytest.raises(CaseError, match="closed"):
        store.cases.update(int(case.id), user=actor("staff"), action="x")


def test_synthetic_data_is_marked_and_removable(store):
    from monitoring.demo import load_demo

    store.samples.add(tp("1", T0, 0.1), user=actor("real"))
    n = load_demo(store, user=actor("u"), weeks=2)
    assert n > 0 and store.demo.present()
    assert load_demo(store, user=actor("u"), weeks=2) == 0
    assert store.demo.remove(user=actor("u")) == n
    assert not store.demo.present() and store.samples.count() == 1


def test_times_stored_utc_shown_in_shanghai(store):
    store.samples.add(tp("1", datetime(2022, 4, 12, 1, 30, tzinfo=UTC), 0.1), user=actor("u"))
    got = store.samples.find(site="1").iloc[0].sampled_at
    assert got.isoformat() == "2022-04-12T09:30:00+08:00"


def test_stamp_latest_time_and_case_lookup(store):
    first = store.samples.stamp()
    assert store.samples.latest_time() is None
    ok = store.samples.add(tp("1", T0, 0.1), user=actor("u"))
    assert store.samples.stamp() != first and store.cases.for_sample(ok) is None
    bad = store.samples.add(tp("2", T0 + timedelta(hours=1), 0.3), user=actor("u"))
    assert store.cases.for_sample(bad) is not None
    assert store.samples.latest_time() == T0 + timedelta(hours=1)
    s2 = store.samples.stamp()
    store.cases.update(store.cases.for_sample(bad), user=actor("u"), findings="x")
    assert store.samples.stamp() != s2


def test_samples_since_limit_and_blanks(store):
    for h in range(5):
        store.samples.add(tp("1", T0 + timedelta(hours=h), 0.1 + h / 100), user=actor("u"))
    store.samples.add(tp("1", T0 + timedelta(hours=9), 0.5, qc_type="blank"), user=actor("u"))
    assert store.samples.find(site="1", limit=2).value_mg_l.tolist() == [0.5, 0.14]
    assert store.samples.find(site="1", limit=1, exclude_blanks=True).value_mg_l.tolist() == [0.14]
    assert len(store.samples.find(site="1", since=T0 + timedelta(hours=3))) == 3
    assert store.samples.latest_time(site="1") == T0 + timedelta(hours=9)
    assert store.samples.latest_time(site="2") is None
