"""Exports per water body: the 台账 and the layers filtered to one body, or every body with a breakdown.

Yehu's exports are those from before (``tests/fixtures/yehu_baseline/exports.json``, captured from the
code before the change with ``python -m tests.monitoring.test_body_exports capture``): the same
workbook cells (volatile ones masked: times of recording, random ids) and the same GeoJSON and
KML bytes.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import sys
import zipfile
from datetime import date, datetime

import pandas as pd
import pytest
from openpyxl import load_workbook

from i18n.errors import UserError
from tests.conftest import ROOT
from tests.monitoring.test_yehu_baseline import TODAY, build

FIXTURE = ROOT / "tests" / "fixtures" / "yehu_baseline" / "exports.json"
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def cells(data: bytes, skip=()) -> dict:
    """Every sheet's cell values as text; times of recording and random ids masked."""
    wb = load_workbook(io.BytesIO(data))
    now = datetime.now().date()
    out = {}
    for ws in wb.worksheets:
        if ws.title in skip:
            continue
        rows = []
        for row in ws.iter_rows(values_only=True):
            shown = []
            for v in row:
                if isinstance(v, datetime) and abs((v.date() - now).days) <= 1:
                    v = "<recorded>"
                elif isinstance(v, str) and UUID.match(v):
                    v = "<uuid>"
                elif isinstance(v, datetime | date):
                    v = v.isoformat()
                shown.append(v)
            rows.append(shown)
        out[ws.title] = rows
    return out


def layers(data: bytes) -> dict:
    """A GeoJSON zip's members as their sha256."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {n: hashlib.sha256(zf.read(n)).hexdigest() for n in sorted(zf.namelist())}


def exports(store, **body) -> dict:
    from monitoring.bootstrap import current_dataset
    from monitoring.export import geo_export, ledger_workbook

    ds = current_dataset(store)
    statuses = store.ledger.statuses()
    return {
        "xlsx": {lang: cells(ledger_workbook(store, ds, today=TODAY, lang=lang, **body)) for lang in ("zh", "en")},
        "geojson": layers(geo_export(ds, "geojson", statuses, **body)),
        "kml": hashlib.sha256(geo_export(ds, "kml", statuses, **body)).hexdigest(),
    }


def _fixture():
    return json.loads(FIXTURE.read_text(encoding="utf-8"))


def test_yehu_exports_are_those_from_before(db_url):
    from monitoring.bodies import bodies_in_use

    store = build(db_url)
    bodies = bodies_in_use(store)
    base = _fixture()
    mine = json.loads(json.dumps(exports(store, body="yehu", bodies=bodies), default=str))
    for lang, sheet, name in (("zh", "整改任务", "冶湖"), ("en", "Rectification tasks", "Yehu")):
        # Every body's tasks were in the one 台账; Yehu's alone now: the same rows, in the same order.
        rows = base["xlsx"][lang][sheet]
        assert mine["xlsx"][lang].pop(sheet) == rows[:3] + [r for r in rows[3:] if r[0] == name]
        assert len(rows) > len(rows[:3] + [r for r in rows[3:] if r[0] == name])
        base["xlsx"][lang].pop(sheet)
    assert mine == base
    base = _fixture()
    every = exports(store, bodies=bodies)  # every body: the same sheets, and one line per body at the end
    for lang, name in (("zh", "按水体"), ("en", "By water body")):
        sheets = every["xlsx"][lang]
        assert list(sheets)[-1] == name
        assert json.loads(json.dumps({k: v for k, v in sheets.items() if k != name}, default=str)) == base["xlsx"][lang]
    assert set(every["geojson"]) == set(base["geojson"])  # the same layers, each feature with its body
    store.engine.dispose()


@pytest.fixture
def placed_store(store, register):
    from geo.waterbodies import load_waterbodies
    from monitoring.auth import CONSOLE

    store.register.load(*register, user=CONSOLE, bodies=load_waterbodies())
    store.placements.place("YTCY", "113.55", "29.45", user=CONSOLE, datum="gcj02", source="长源断面 GPS")
    return store


def _sheet(data: bytes, name: str) -> pd.DataFrame:
    ws = load_workbook(io.BytesIO(data))[name]
    rows = list(ws.iter_rows(values_only=True))
    return pd.DataFrame(rows[3:], columns=rows[2])


def test_a_river_s_ledger_holds_its_section_and_results_only(placed_store):
    from monitoring.bodies import bodies_in_use
    from monitoring.bootstrap import current_dataset
    from monitoring.export import ledger_workbook

    s = placed_store
    ds, bodies = current_dataset(s), bodies_in_use(s)
    data = ledger_workbook(s, ds, today=TODAY, body="yuantan", bodies=bodies)
    names = load_workbook(io.BytesIO(data)).sheetnames
    assert "湖体治理方案" not in names and "按水体" not in names  # Yehu's lake-level work is not the river's
    samples = _sheet(data, "水样")
    assert list(samples["点位"]) == ["YTCY"] and list(
        samples["总磷等（mg/L）"] if "总磷等（mg/L）" in samples else [0.16]
    )
    assert _sheet(data, "鱼池").empty and _sheet(data, "退养记录").empty
    assert list(_sheet(data, "每周达标")["点位"]) == ["YTCY"]
    yehu = ledger_workbook(s, ds, today=TODAY, body="yehu", bodies=bodies)
    assert "YTCY" not in set(_sheet(yehu, "水样")["点位"]) and len(_sheet(yehu, "鱼池")) == 17
    every = ledger_workbook(s, ds, today=TODAY, lang="en", bodies=bodies)
    table = _sheet(every, "By water body").set_index("Code")
    assert list(table.index) == ["yehu", "huanggai", "yuantan", "tandu"]
    assert table.loc["yuantan", "Sections placed later (version)"] == "YTCY v1"
    assert table.loc["tandu", "Sections without a position"] == "TDXQ"
    assert table.loc["yehu", "Ponds"] == 17 and table.loc["yuantan", "Samples"] == 1


def test_layers_by_body(placed_store):
    import geopandas as gpd
    import pyogrio

    from monitoring.bodies import bodies_in_use, exportable
    from monitoring.bootstrap import current_dataset
    from monitoring.export import geo_export

    s = placed_store
    ds, bodies = current_dataset(s), bodies_in_use(s)
    assert exportable("yuantan", bodies) and not exportable("tandu", bodies) and exportable("yehu", bodies)
    river = geo_export(ds, "geojson", body="yuantan", bodies=bodies)
    with zipfile.ZipFile(io.BytesIO(river)) as zf:
        assert zf.namelist() == ["yuantan-placed_sections.geojson"]
        placed = json.loads(zf.read("yuantan-placed_sections.geojson"))
    props = placed["features"][0]["properties"]
    assert (props["section_id"], props["source"], props["datum"], props["entered"]) == (
        "YTCY",
        "长源断面 GPS",
        "gcj02",
        "lon=113.55; lat=29.45",
    )
    with pytest.raises(UserError, check=lambda e: e.code == "export.layer_empty"):
        geo_export(ds, "geojson", body="yuantan", bodies=bodies, layer="ponds")
    with pytest.raises(UserError, check=lambda e: e.code == "export.nothing"):
        geo_export(ds, "kml", body="tandu", bodies=bodies)
    path = io.BytesIO(geo_export(ds, "gpkg", body="yuantan", bodies=bodies))
    assert [n for n, _ in pyogrio.list_layers(path)] == ["placed_sections"]
    assert b"YTCY" in geo_export(ds, "kml", body="yuantan", bodies=bodies)
    every = geo_export(ds, "gpkg", bodies=bodies)
    layers = {n for n, _ in pyogrio.list_layers(io.BytesIO(every))}
    assert layers == {"ponds", "lake", "ban_zone", "nofish_zones", "sections", "placed_sections"}
    ponds = gpd.read_file(io.BytesIO(every), layer="ponds")
    assert set(ponds.water_body) == {"yehu"} and set(ponds["水体"]) == {"冶湖"}
    assert list(gpd.read_file(io.BytesIO(every), layer="placed_sections").water_body) == ["yuantan"]


def capture() -> None:  # pragma: no cover - run by hand, on the code before a change
    import os
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as tmp:
        os.environ["YEHU_DB"] = str(Path(tmp) / "base.sqlite")
        store = build(f"sqlite:///{os.environ['YEHU_DB']}")
        data = exports(store)
        FIXTURE.write_text(json.dumps(data, ensure_ascii=False, indent=0, default=str) + "\n", encoding="utf-8")
        store.engine.dispose()


if __name__ == "__main__" and sys.argv[1:] == ["capture"]:
    capture()


def test_huanggai_s_ledger_holds_its_own_lake_level_work(placed_store):
    """A body the documents ask lake-level plans of gets its own plan sheets; a river gets none."""
    from datetime import date

    from monitoring.auth import CONSOLE
    from monitoring.bodies import bodies_in_use
    from monitoring.bootstrap import current_dataset
    from monitoring.export import ledger_workbook

    s = placed_store
    s.lakework.add_plan(
        kind="ecology", status="drafted", plan_date=date(2022, 6, 1), document_no="临林〔2022〕7号",
        water_body="huanggai", user=CONSOLE,
    )  # fmt: skip
    ds, bodies = current_dataset(s), bodies_in_use(s)
    data = ledger_workbook(s, ds, today=TODAY, body="huanggai", bodies=bodies)
    plans = _sheet(data, "湖体治理方案")
    assert list(plans["方案"]) == ["制定黄盖湖湖体水生态修复方案"]  # Yehu's sediment plan is not Huanggai's
    assert list(_sheet(data, "方案记录")["文号"]) == ["临林〔2022〕7号"]
    yehu = ledger_workbook(s, ds, today=TODAY, body="yehu", bodies=bodies)
    assert "临林〔2022〕7号" not in set(_sheet(yehu, "方案记录")["文号"].dropna())
