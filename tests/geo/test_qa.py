import geopandas as gpd
from shapely import Point, box

from geo.boundaries import load_boundaries
from geo.config import QAConfig
from geo.qa import check_register, typo_hypotheses
from geo.register import load_register
from i18n import describe_flag, describe_hypothesis


def seed_qa():
    return check_register(load_register(), load_boundaries()[0].gdf)


def codes(qa, pid, severity=None):
    return {f.code for f in qa[pid].flags if severity is None or f.severity == severity}


def test_exactly_the_seed_suspects():
    qa = seed_qa()
    assert sorted(p for p, r in qa.items() if r.suspect) == [2, 3, 4, 9, 10, 11, 15, 16, 17]


def test_far_rows_with_village_context():
    qa = seed_qa()
    for pid in (2, 3, 4, 9, 10, 11):
        assert "far" in codes(qa, pid, "suspect")
    far2 = next(f for f in qa[2].flags if f.code == "far")
    assert far2.params["village"] == "东冶村" and far2.params["mates"] == [1]
    assert 14_000 < far2.params["mates_distance_m"] < 15_000
    text = describe_flag(far2, "zh")
    assert "东冶村" in text and "1号塘" in text and "km" in text
    far9 = next(f for f in qa[9].flags if f.code == "far")
    assert far9.params["mates"] == [7, 8]


def test_shared_point_names_all_three():
    qa = seed_qa()
    for pid in (15, 16, 17):
        flag = next(f for f in qa[pid].flags if f.code == "shared_point")
        assert flag.params["ponds"] == [15, 16, 17]
    assert "15、16、17" in describe_flag(flag, "zh")
    assert "ponds 15, 16, 17 share one point" in describe_flag(flag, "en")


def test_run_together_is_a_note_not_a_suspicion():
    qa = seed_qa()
    for pid in (5, 11, 12):
        assert codes(qa, pid, "note") == {"run_together"}
    assert not qa[5].suspect and not qa[12].suspect
    assert all(not r.flags for p, r in qa.items() if p in (1, 6, 7, 8, 13, 14))


def test_typo_hypotheses_for_the_south_outliers():
    qa = seed_qa()
    nine = [h.text for h in qa[9].hypotheses]
    assert nine[:2] == ["E113.4143 N29.6399", "E113.4143 N29.6699"]
    assert qa[9].hypotheses[0].kind == "swap"
    assert [h.text for h in qa[11].hypotheses] == ["E113.3555N29.6392"]
    h = qa[11].hypotheses[0]
    assert (h.old, h.new, h.position) == ("2", "6", 13)
    assert "E113.3555N29.6392" in describe_hypothesis(h, "zh")
    # Nothing is applied: the register keeps the printed values.
    reg = load_register().set_index("pond_id")
    assert reg.loc[11, "coord_text"] == "E113.3555N29.2392" and reg.loc[11, "lat"] == 29.2392


def test_hypotheses_are_ranked_and_bounded():
    ref = gpd.GeoSeries([Point(113.4367, 29.6799)], crs="EPSG:4490").to_crs(4547).iloc[0]
    hs = typo_hypotheses("E113.4143 N29.3699", ref, config=QAConfig(hypothesis_radius_m=50_000, hypothesis_count=4))
    assert len(hs) == 4
    assert [h.distance_m for h in hs] == sorted(h.distance_m for h in hs)
    assert typo_hypotheses("E113.4143 N29.3699", ref, config=QAConfig(hypothesis_radius_m=10)) == []


def test_outside_china_and_no_lake_fallback():
    reg = gpd.GeoDataFrame(
        {"pond_id": [1, 2, 3, 4], "village": ["a"] * 4, "coord_text": ["x"] * 4, "run_together": [False] * 4},
        geometry=[Point(113.40, 29.65), Point(113.41, 29.65), Point(113.42, 29.66), Point(140.0, 29.65)],
        crs="EPSG:4490",
    )
    qa = check_register(reg)
    assert codes(qa, 4) == {"outside_china", "far"}
    assert next(f for f in qa[4].flags if f.code == "far").params["reference"] == "median"
    assert not qa[1].flags and not qa[2].flags


def test_threshold_is_configurable():
    reg = load_register()
    lake = gpd.GeoDataFrame(geometry=[box(113.41, 29.64, 113.43, 29.66)], crs="EPSG:4490")
    qa = check_register(reg, lake, QAConfig(far_from_lake_m=50_000))
    assert sorted(p for p, r in qa.items() if r.suspect) == [15, 16, 17]
