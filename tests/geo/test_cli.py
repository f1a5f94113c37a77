import json
import re
import subprocess
import sys

from tests.conftest import ROOT


def run(*args, env=None):
    return subprocess.run(
        [sys.executable, "-m", "geo", *args], cwd=ROOT, capture_output=True, text=True, env=env, timeout=120
    )


def test_check_lists_exactly_the_suspect_rows():
    out = run("check")
    assert out.returncode == 0, out.stderr
    suspect_part = out.stdout.split("坐标存疑的鱼池")[1].split("其他说明")[0]
    listed = [int(n) for n in re.findall(r"^  (\d+)号", suspect_part, re.M)]
    assert listed == [2, 3, 4, 9, 10, 11, 15, 16, 17]
    assert "距冶湖轮廓" in suspect_part and "共用同一坐标点" in suspect_part
    assert "E113.4143 N29.6399" in suspect_part  # a typo hypothesis for row 9
    notes = out.stdout.split("其他说明")[1]
    assert re.findall(r"^  (\d+)号", notes, re.M) == ["5", "12"]
    assert "暂定" in out.stdout


def test_check_in_english():
    out = run("--lang", "en", "check")
    assert "Ponds with a suspect coordinate (9)" in out.stdout
    assert not re.search(r"[坐标存疑]", out.stdout.split("Ponds with")[1].split("\n")[0])


def test_check_fails_when_a_file_is_broken(data_copy):
    (data_copy / "boundaries" / "lake.geojson").write_text('{"type": "FeatureCollection", "features": []}')
    out = run("--data", str(data_copy), "check")
    assert out.returncode == 1
    assert "lake.geojson" in out.stderr and "文件里没有要素" in out.stderr  # in the default language
    (data_copy / "boundaries" / "lake.geojson").unlink()
    text = (data_copy / "ponds.csv").read_text(encoding="utf-8").replace("E113.4136 N29.6635", "E113.4136 Q29.6635")
    (data_copy / "ponds.csv").write_text(text, encoding="utf-8")
    out = run("--data", str(data_copy), "check")
    assert out.returncode == 1
    assert "第 2 行，坐标，“E113.4136 Q29.6635”：无法识别的坐标写法" in out.stderr
    assert str(data_copy) not in out.stderr
    out = run("--lang", "en", "--data", str(data_copy), "check")
    assert out.returncode == 1
    assert "row 2, Coordinate, 'E113.4136 Q29.6635': Cannot read this coordinate" in out.stderr
    assert not re.search(r"[\u4e00-\u9fff]", out.stderr.replace("加载", ""))


def test_missing_register_names_the_file_only(data_copy):
    (data_copy / "ponds.csv").unlink()
    out = run("--data", str(data_copy), "check")
    assert out.returncode == 1
    assert "找不到文件 ponds.csv" in out.stderr and str(data_copy) not in out.stderr


def test_classify_formats():
    js = json.loads(run("classify", "--format", "json").stdout)
    assert [r["pond_id"] for r in js] == list(range(1, 18))
    assert {"shore_distance_m", "in_ban_zone", "in_nofish_zone", "nearest_section", "coord_suspect"} <= set(js[0])
    csv = run("classify", "--format", "csv").stdout.splitlines()
    assert csv[0].startswith("\ufeffpond_id,town,area_mu") and len(csv) == 18  # BOM: Excel reads it as UTF-8
    table = run("--lang", "en", "classify").stdout
    assert "To shore (m)" in table and "provisional geometry" in table
    assert "距湖岸" in run("classify").stdout
