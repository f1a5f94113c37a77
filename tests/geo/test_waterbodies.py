"""The water bodies file: the shipped data, and refusals that name the entry and the field."""

import shutil

import pytest

from geo.register import data_dir
from geo.waterbodies import WaterBodyError, load_waterbodies, site_rules


@pytest.fixture
def folder(tmp_path):
    shutil.copytree(data_dir(), tmp_path / "data")
    return tmp_path / "data"


def test_shipped_bodies():
    wb = load_waterbodies()
    assert wb.codes == ["yehu", "huanggai", "yuantan", "tandu"]
    kinds = {b.code: (b.name, b.kind, b.target) for b in wb}
    assert kinds == {
        "yehu": ("冶湖", "lake", "III"),
        "huanggai": ("黄盖湖", "lake", "III"),
        "yuantan": ("源潭河", "river", "III"),
        "tandu": ("坦渡河", "river", "III"),
    }
    yehu = wb["yehu"]
    assert yehu.geometry == "boundaries/lake.geojson" and yehu.sections_layer == "boundaries/sections.geojson"
    assert yehu.ponds == "register" and all(yehu.has_pond(p) for p in range(1, 18)) and yehu.weekly_sampling
    assert [(z.rule, z.placed) for z in yehu.zones] == [("ban", True), ("nofish", True)]
    assert [s.code for s in yehu.sections] == ["S1"] and not yehu.sections[0].pending
    for code in ("huanggai", "yuantan", "tandu"):  # no outline or centre line known: said so, none invented
        b = wb[code]
        assert b.geometry is None and b.geometry_note and b.ponds == () and not b.weekly_sampling
        assert all(s.pending for s in b.sections)
    hg = wb["huanggai"]
    assert {z.rule for z in hg.zones} == {"nofish", "reserve_core", "reserve_buffer", "reserve_experimental"}
    assert not any(z.placed for z in hg.zones)  # no section placed, no reserve area known: no zone answer
    assert hg.text("geometry_note", "en").startswith("No outline") and hg.text("geometry_note", "zh").startswith(
        "未找到"
    )
    assert wb["yuantan"].target_provisional and wb["tandu"].target_provisional
    results = {r.section: (r.value_mg_l, r.day.isoformat(), r.source) for b in wb for r in b.results}
    assert results["YTCY"][:2] == (0.16, "2022-03-28") and "临政办函〔2022〕19号" in results["YTCY"][2]
    assert results["TDXQ"][:2] == (0.1, "2022-03-28") and "0.1mg/L" in results["TDXQ"][2]
    assert [s.code for s in wb.pending_sections()] == ["YTCY", "TDXQ"]


def test_site_rules_by_body():
    import pandas as pd

    sites = pd.DataFrame({"code": ["1", "S1", "TDXQ", "X"], "water_body": ["yehu", "yehu", "tandu", "gone"]})
    got = site_rules(sites)
    assert list(got.standard) == ["lake", "lake", "river", "lake"]
    assert list(got.weekly) == [True, True, False, True]
    assert list(site_rules(sites[["code"]]).standard) == ["lake"] * 4  # no column: Yehu's


BAD = [
    ('code = "yehu"', 'code = "all"', "waterbodies.value", "code"),
    ('kind = "river"', 'kind = "stream"', "waterbodies.value", "kind"),
    (
        'target = "III"\ntarget_provisional = true\ntarget_source = "文件未规定源潭河',
        'target = "VI"\ntarget_provisional = true\ntarget_source = "文件未规定源潭河',
        "waterbodies.value",
        "target",
    ),
    ('geometry = "boundaries/lake.geojson"', 'geometry = "../../etc/passwd"', "waterbodies.file", "geometry"),
    ('geometry = "boundaries/lake.geojson"', 'geometry = "boundaries/none.geojson"', "waterbodies.file", "geometry"),
    (
        'geometry_note = "未找到坦渡河的中心线。"',
        "",
        "waterbodies.missing",
        "geometry_note",
    ),
    ('section = "TDXQ"', 'section = "S1"', "waterbodies.result_section", None),
    ('code = "tandu"', 'code = "yuantan"', "waterbodies.duplicate", None),
    ("value_mg_l = 0.1\n", "value_mg_l = -1\n", "waterbodies.value", "value_mg_l"),
    ('date = "2022-03-28"', 'date = "2022-13-28"', "waterbodies.value", "date"),
    ('rule = "ban"', 'rule = "maybe"', "waterbodies.value", "rule"),
    ('levels = ["省控"]', "levels = []", "waterbodies.missing", "levels"),
    ('position = "layer"', 'position = "lake centre"', "waterbodies.value", "position"),
    ("[[water_body]]", "[[water_body", "waterbodies.syntax", None),
    ('code = "TDXQ"', 'code = "12"', "waterbodies.value", "code"),
]


@pytest.mark.parametrize(("old", "new", "code", "key"), BAD)
def test_bad_file_is_refused_naming_entry_and_field(folder, old, new, code, key):
    path = folder / "waterbodies.toml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(WaterBodyError) as exc:
        load_waterbodies(path)
    assert exc.value.code == code
    if key:
        assert exc.value.params["key"] == key
        assert "[[water_body]] #" in exc.value.message("en") and key in exc.value.message("zh")
    zh = exc.value.message("zh")
    assert "水体数据文件" in zh and str(folder) not in zh and str(folder) not in exc.value.message("en")


def test_missing_file_and_missing_default(folder):
    with pytest.raises(WaterBodyError) as exc:
        load_waterbodies(folder / "nope.toml")
    assert exc.value.code == "waterbodies.no_file" and "nope.toml" in exc.value.message("zh")
    path = folder / "waterbodies.toml"
    path.write_text(path.read_text(encoding="utf-8").replace('code = "yehu"', 'code = "yehu2"'), encoding="utf-8")
    with pytest.raises(WaterBodyError) as exc:
        load_waterbodies(path)
    assert exc.value.code == "waterbodies.no_default"
