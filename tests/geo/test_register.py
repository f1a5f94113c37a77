import csv

import pytest

from geo.coords import parse_coordinate
from geo.register import COLUMNS, MU_M2, RegisterError, load_register, parse_uses

SEED_PRINTED = {
    1: "E113.4136 N29.6635",
    5: "E113.41752N29.62587",
    11: "E113.3555N29.2392",
    12: "E113.360211N29.64761",
    17: "E113.4376 N29.6659",
}


def test_all_seventeen_rows():
    reg = load_register()
    assert reg.pond_id.tolist() == list(range(1, 18))
    assert reg.crs.to_epsg() == 4490
    assert reg.area_mu.sum() == 1552
    assert (reg.town == "江南镇").sum() == 12 and (reg.town == "聂市镇").sum() == 5


def test_every_printed_coordinate_reparses_to_stored_lon_lat():
    reg = load_register()
    for row in reg.itertuples():
        p = parse_coordinate(row.coord_text)
        assert (p.lon, p.lat) == (row.lon, row.lat), row.pond_id
        assert (row.geometry.x, row.geometry.y) == (row.lon, row.lat)


def test_printed_strings_kept_exactly():
    reg = load_register().set_index("pond_id")
    for pid, text in SEED_PRINTED.items():
        assert reg.loc[pid, "coord_text"] == text
    assert reg.loc[[5, 11, 12], "run_together"].all()
    assert not reg.loc[[1, 2, 17], "run_together"].any()


def test_nothing_lost_from_the_attachment():
    reg = load_register().set_index("pond_id")
    assert parse_uses(reg.loc[13, "uses"]) == [("精养虾", 30.0), ("精养鱼池", 16.0)]
    assert reg.loc[13, "area_mu"] == 46
    assert reg.loc[11, "uses"] == "经营性钓鱼289亩"
    # 今年是否投放鱼苗 is blank in the source: unknown, never "no".
    assert reg["stocked_this_year"].isna().all()
    assert (reg["coord_status"] == "provisional").all()
    assert (reg["coord_datum"] == "unstated").all()
    assert reg.loc[1, "area_m2"] == pytest.approx(50 * MU_M2)


def _write(path, rows):
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=COLUMNS)
        w.writeheader()
        w.writerows(rows)


def _rows():
    with open(load_register.__globals__["data_dir"]() / "ponds.csv", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_every_problem_reported_with_line_field_and_reason(tmp_path):
    rows = _rows()
    rows[1]["coord_text"] = "E113.2836 X29.6032"
    rows[4]["lon"] = "113.5"
    rows[12]["area_mu"] = "40"
    rows[3]["pond_id"] = "1"
    rows[6]["stocked_this_year"] = "no"
    path = tmp_path / "ponds.csv"
    _write(path, rows)
    with pytest.raises(RegisterError) as err:
        load_register(path)
    got = {(p.line, p.field) for p in err.value.problems}
    assert got == {(3, "coord_text"), (6, "lon"), (14, "area_mu"), (5, "pond_id"), (8, "stocked_this_year")}
    assert {(p.line, p.code) for p in err.value.problems} >= {(3, "coord.unreadable"), (5, "register.duplicate_pond")}
    msg = err.value.message("en")
    assert msg.startswith("The register ponds.csv has 5 problems:")
    assert "row 6, Longitude, '113.5': does not match the printed coordinate" in msg
    assert "differs from the sum of the uses (46 mu)" in msg
    zh = err.value.message("zh")
    assert zh.startswith("鱼池名录 ponds.csv 有 5 处问题：")
    assert "第 14 行，水面面积（亩），“40”：与各用途面积之和（46 亩）不一致。" in zh
    assert str(tmp_path) not in msg + zh


def test_missing_column_and_empty_file(tmp_path):
    path = tmp_path / "ponds.csv"
    path.write_text("pond_id,town\n1,江南镇\n", encoding="utf-8")
    with pytest.raises(RegisterError, match="The column 'village' is missing"):
        load_register(path)
    path.write_text(",".join(COLUMNS) + "\n", encoding="utf-8")
    with pytest.raises(RegisterError, match="no ponds"):
        load_register(path)


def test_not_utf8(tmp_path):
    path = tmp_path / "ponds.csv"
    path.write_bytes((",".join(COLUMNS) + "\n1,江南镇\n").encode("gbk"))
    with pytest.raises(RegisterError, match="not UTF-8"):
        load_register(path)


def test_uses_must_be_readable():
    with pytest.raises(ValueError, match="is not") as err:
        parse_uses("鱼塘")
    assert err.value.code == "register.use_malformed"
    with pytest.raises(ValueError, match="no use"):
        parse_uses("")
