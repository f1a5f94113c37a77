"""``python -m monitoring site place | placements`` and ``python -m geo`` seeing the placement, in both languages."""

import subprocess
import sys

import pytest

from tests.conftest import ROOT


@pytest.fixture
def run(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "YEHU_DB": str(tmp_path / "p.sqlite"), "YEHU_SECRETS": str(tmp_path / "none")}

    def run(module, *args):
        return subprocess.run(
            [sys.executable, "-m", module, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
        )

    return run


PLACE = ("site", "place", "YTCY", "--lon", "113.55", "--lat", "29.45", "--datum", "gcj02")


def test_place_and_list_in_both_languages(run):
    zh = run("monitoring", *PLACE, "--source", "长源断面 GPS 2026-11-20", "--note", "桥下游")
    assert zh.returncode == 0, zh.stderr
    assert "已放置 YTCY（第 1 版）" in zh.stdout and "按 GCJ-02 录入（lon=113.55; lat=29.45）" in zh.stdout
    en = run(
        "monitoring",
        "--lang",
        "en",
        *PLACE[:4],
        "113.56",
        "--lat",
        "29.46",
        "--datum",
        "wgs84",
        "--source",
        "re-survey",
    )
    assert en.returncode == 0, en.stderr
    assert "Placed YTCY (version 2): E113.560000 N29.460000 (CGCS2000)." in en.stdout
    listed = run("monitoring", "--lang", "en", "site", "placements", "YTCY").stdout.splitlines()
    assert listed[0].startswith("YTCY version 2: E113.560000 N29.460000; entered as WGS84/CGCS2000")
    assert listed[1].startswith("YTCY version 1:") and "GCJ-02 (converted): lon=113.55; lat=29.45" in listed[1]
    assert "console:" in listed[1] and "长源断面 GPS 2026-11-20" in listed[1]
    zh_list = run("monitoring", "site", "placements").stdout
    assert "YTCY 第 2 版" in zh_list and "来源：re-survey" in zh_list


@pytest.mark.parametrize(
    ("args", "zh", "en"),
    [
        (("--lon", "abc", "--lat", "29.45"), "经度，“abc”：不是数字。", "Longitude, 'abc': Not a number."),
        (("--lon", "113.5", "--lat", "nan"), "纬度，“nan”：不是有限的数字。", "Latitude, 'nan': Not a finite number."),
        (("--lon", "29.45", "--lat", "113.5"), "似乎填反了", "look swapped"),
        (("--lon", "113.5", "--lat", "99"), "纬度应在 -90 到 90 之间", "A latitude lies between -90 and 90"),
    ],
)
def test_hostile_numbers_are_refused_naming_the_field(run, args, zh, en):
    base = ("site", "place", "YTCY", *args, "--datum", "wgs84", "--source", "GPS")
    for lang, expected in (("zh", zh), ("en", en)):
        r = run("monitoring", "--lang", lang, *base)
        assert r.returncode == 1 and expected in r.stderr and "Traceback" not in r.stderr
    assert run("monitoring", "site", "placements").stdout.strip() == "尚无已放置的断面。"


def test_a_position_with_warnings_needs_confirm(run):
    args = ("site", "place", "TDXQ", "--lon", "115.5", "--lat", "29.4", "--datum", "wgs84", "--source", "GPS")
    en = run("monitoring", "--lang", "en", *args)
    assert en.returncode == 1
    assert "Not saved: this position has 1 warning:" in en.stderr and "Outside the county's area" in en.stderr
    assert "--confirm" in en.stderr
    zh = run("monitoring", *args)
    assert zh.returncode == 1 and "位于临湘市范围" in zh.stderr
    assert run("monitoring", *args, "--confirm").returncode == 0


def test_layer_sections_and_unknown_codes_are_refused(run):
    for code, zh, en in (
        ("S1", "该断面的位置由断面图层给出", "comes from the section layer"),
        ("NOPE", "水体数据文件中没有这个断面", "lists no such section"),
    ):
        base = ("site", "place", code, "--lon", "113.5", "--lat", "29.45", "--datum", "wgs84", "--source", "GPS")
        assert zh in run("monitoring", *base).stderr
        assert en in run("monitoring", "--lang", "en", *base).stderr


def test_geo_commands_see_the_placement(run):
    before = run("geo", "bodies", "--water-body", "yuantan").stdout
    assert "位置待定" in before
    assert run("monitoring", *PLACE, "--source", "长源断面 GPS").returncode == 0
    zh = run("geo", "bodies", "--water-body", "yuantan").stdout
    assert "位置待定" not in zh and "已放置：E113.54" in zh and "长源断面 GPS" in zh
    check = run("geo", "--lang", "en", "check", "--water-body", "yuantan")
    assert check.returncode == 0, check.stderr
    assert "Sections placed later: 1" in check.stdout and "YTCY 源潭河长源断面 (Yuantan River): E113.54" in check.stdout
    assert "entered as GCJ-02 (converted): lon=113.55; lat=29.45" in check.stdout
    assert "no no-fishing zone" in check.stdout
    classify = run("geo", "classify", "--water-body", "yuantan")
    assert "后补位置的断面：1 个" in classify.stdout and "未对此断面设禁捕区" in classify.stdout
    yehu = run("geo", "check", "--water-body", "yehu").stdout
    assert "后补位置的断面" not in yehu  # another body's placement is not listed there


def test_exports_by_water_body_in_both_languages(run, tmp_path):
    from openpyxl import load_workbook

    kml = tmp_path / "yt.kml"
    refused = run("monitoring", "--lang", "en", "export", "--format", "kml", "--water-body", "yuantan", str(kml))
    assert refused.returncode == 1 and "Yuantan River has no registered ponds, no known outline and no placed" in (
        refused.stderr
    )
    assert not kml.exists()
    xlsx = tmp_path / "yt.xlsx"
    ok = run("monitoring", "export", "--format", "xlsx", "--water-body", "yuantan", str(xlsx))
    assert ok.returncode == 0, ok.stderr
    wb = load_workbook(xlsx)
    assert "湖体治理方案" not in wb.sheetnames and [
        r[2] for r in wb["水样"].iter_rows(min_row=4, values_only=True)
    ] == ["YTCY"]
    every = tmp_path / "all.xlsx"
    assert run("monitoring", "--lang", "en", "export", "--format", "xlsx", str(every)).returncode == 0
    assert load_workbook(every).sheetnames[-1] == "By water body"
    assert run("monitoring", *PLACE, "--source", "GPS").returncode == 0
    assert run("monitoring", "export", "--format", "kml", "--water-body", "yuantan", str(kml)).returncode == 0
    assert "YTCY" in kml.read_text(encoding="utf-8")
    layer = run(
        "monitoring",
        "--lang",
        "en",
        "export",
        "--format",
        "geojson",
        "--layer",
        "ponds",
        "--water-body",
        "yuantan",
        str(tmp_path / "p.geojson"),
    )
    assert layer.returncode == 1 and "This layer holds nothing" in layer.stderr and "Traceback" not in layer.stderr
    zh = run(
        "monitoring",
        "export",
        "--format",
        "geojson",
        "--layer",
        "ponds",
        "--water-body",
        "yuantan",
        str(tmp_path / "p.geojson"),
    )
    assert zh.returncode == 1 and "该图层中没有内容" in zh.stderr
