import io
from datetime import date, datetime

import geopandas as gpd
import openpyxl
import pyogrio
import pytest

from geo.dataset import load_dataset
from monitoring.export import geo_export, geo_layers, ledger_workbook
from monitoring.samples import TZ, ParsedValue, SampleInput

TODAY = date(2022, 4, 20)


@pytest.fixture(scope="module")
def ds():
    return load_dataset()


def test_xlsx_reads_back_equal_to_the_database(store, ds):
    store.record_step("1", "end_contract", date(2022, 4, 8), "u", document_no="江南〔2022〕5号", today=TODAY)
    store.add_sample(SampleInput("9", datetime(2022, 4, 12, 9, 30, tzinfo=TZ), ParsedValue(0.35, False, None)), "u")
    store.add_sample(SampleInput("8", datetime(2022, 4, 13, 9, tzinfo=TZ), ParsedValue(0.01, True, 0.01)), "u")
    wb = openpyxl.load_workbook(io.BytesIO(ledger_workbook(store, ds, today=TODAY)))
    assert wb.sheetnames == ["鱼池", "退养记录", "水样", "每周达标", "溯源案件", "巡查", "举报"]
    ponds = wb["鱼池"]
    assert ponds.freeze_panes == "A2"
    header = [c.value for c in ponds[1]]
    rows = [dict(zip(header, [c.value for c in r], strict=True)) for r in ponds.iter_rows(min_row=2)]
    assert [r["序号"] for r in rows] == list(range(1, 18))
    assert rows[0]["解除承包经营合同"] == datetime(2022, 4, 8)  # a real date cell
    assert rows[1]["解除承包经营合同"] == "逾期10天"
    assert rows[0]["退养状态"] == "退养中" and rows[1]["退养状态"] == "未开始"
    assert sum(r["水面面积（亩）"] for r in rows) == 1552
    assert ponds.column_dimensions["D"].width > 10
    samples = wb["水样"]
    sh = [c.value for c in samples[1]]
    srows = [dict(zip(sh, [c.value for c in r], strict=True)) for r in samples.iter_rows(min_row=2)]
    db = store.samples(parameter=None)
    assert sorted(r["样品号"] for r in srows) == sorted(db.sample_uid)
    nine = next(r for r in srows if r["点位"] == "9")
    assert nine["采样时间"] == datetime(2022, 4, 12, 9, 30) and nine["结果（mg/L）"] == 0.35
    assert next(r for r in srows if r["点位"] == "8")["低于检出限"] == "是"
    events = list(wb["退养记录"].iter_rows(min_row=2, values_only=True))
    assert len(events) == 1 and events[0][9] == "江南〔2022〕5号"
    cases = list(wb["溯源案件"].iter_rows(min_row=2, values_only=True))
    assert len(cases) == 1 and cases[0][1] == "9"
    assert list(wb["巡查"].iter_rows(min_row=2, values_only=True)) == []
    grid = list(wb["每周达标"].iter_rows(values_only=True))
    assert grid[0] == ("点位", "2022-W15")
    assert dict((r[0], r[1]) for r in grid[1:])["9"] == "超标"


@pytest.mark.parametrize("fmt", ["gpkg", "kml"])
def test_geometry_reads_back_equal_to_the_layers(tmp_path, ds, fmt):
    path = tmp_path / f"out.{fmt}"
    path.write_bytes(geo_export(ds, fmt, {1: "retired"}))
    layers = geo_layers(ds, {1: "retired"})
    assert [name for name, _ in pyogrio.list_layers(path)] == list(layers)
    for name, want in layers.items():
        got = gpd.read_file(path, layer=name).to_crs(4490)
        assert len(got) == len(want)
        for g, w in zip(got.geometry, want.to_crs(4490).geometry, strict=True):
            assert g.equals_exact(w, 1e-6) or g.buffer(0).symmetric_difference(w).area < 1e-10
    ponds = gpd.read_file(path, layer="ponds")
    assert ponds.loc[ponds.pond_id.astype(int) == 1, "status"].item() == "retired"


def test_geojson_has_every_layer(ds):
    import json

    fc = json.loads(geo_export(ds, "geojson"))
    counts = {}
    for f in fc["features"]:
        counts[f["properties"]["layer"]] = counts.get(f["properties"]["layer"], 0) + 1
    assert counts == {"ponds": 17, "lake": 1, "ban_zone": 1, "nofish_zones": 1, "sections": 1}
    with pytest.raises(ValueError, match="format"):
        geo_export(ds, "shp")


def test_patrols_and_tips_sheets(store, ds):
    store.add_patrol(date(2022, 4, 15), "王五", "u", ponds=["8"], findings=["feeding"], today=TODAY)
    store.add_tip(date(2022, 4, 16), "投饵", "E113.4252 N29.6439", ds, "u")
    wb = openpyxl.load_workbook(io.BytesIO(ledger_workbook(store, ds, today=TODAY)))
    patrol = list(wb["巡查"].iter_rows(min_row=2, values_only=True))
    assert patrol[0][1] == datetime(2022, 4, 15) and patrol[0][5] == "发现投饵"
    tip = list(wb["举报"].iter_rows(min_row=2, values_only=True))
    assert tip[0][2] == "投饵" and tip[0][6] == "是" and tip[0][8] == "8"
