import io
import subprocess
import sys
from datetime import datetime

import openpyxl
import pytest

from monitoring.importer import MAX_BYTES, ImportFileError, import_file, parse_file
from tests.conftest import ROOT

MESSY = (
    "塘号,采样时间,总磷(mg/L),检出限,采样人,备注\n"
    "1,2022/4/12 9:30,0.15,,张三,\n"
    "8号,2022年4月13日,<0.01,0.01,张三,未检出\n"
    '9,2022-04-14 10:00,"0,35",,李四,异常\n'
    "12,2022年4月15日 8时05分,0.01L,,李四,\n"
    "13,2022-04-15,ND,0.01,李四,\n"
)


def gbk(text):
    return text.encode("gbk")


def test_messy_gbk_file_loads_completely(store):
    result = import_file(store, gbk(MESSY), "周报.csv", "insp")
    assert result.errors == [] and result.written == 5
    df = store.samples().set_index("site_code")
    assert df.loc["8", "censored"] and df.loc["8", "value_mg_l"] == 0.01
    assert df.loc["9", "value_mg_l"] == 0.35
    assert df.loc["12", "censored"] and df.loc["12", "value_entered"] == "0.01L"
    assert df.loc["12", "sampled_at"].isoformat() == "2022-04-15T08:05:00+08:00"
    assert df.loc["13", "censored"]
    assert result.cases_opened == 1  # row 9 exceeds 0.2


def test_reimport_writes_nothing_new(store):
    assert import_file(store, gbk(MESSY), "a.csv", "u").written == 5
    again = import_file(store, gbk(MESSY), "a-copy.csv", "u")
    assert again.already_imported and again.written == 0
    assert store.count_samples() == 5


def test_one_bad_row_rejects_the_file_and_names_every_problem(store):
    bad = MESSY + (
        "99,2022-04-12,0.1,,王五,\n"  # unknown site
        "2,2022-13-40,0.1,,王五,\n"  # bad date
        "3,2022-04-12,-0.2,,王五,\n"  # negative
        "4,2022-04-12,60,,王五,\n"  # absurd
        "5,2099-01-01,0.1,,王五,\n"  # future
        "1,2022/4/12 9:30,0.2,,王五,\n"  # duplicate of row 2
        "6,2022-04-12,abc,,王五,\n"  # unreadable
    )
    result = import_file(store, gbk(bad), "bad.csv", "u")
    assert result.written == 0
    assert store.count_samples() == 0
    got = {(e.row, e.column) for e in result.errors}
    assert got == {
        (7, "塘号"),
        (8, "采样时间"),
        (9, "总磷(mg/L)"),
        (10, "总磷(mg/L)"),
        (11, "采样时间"),
        (12, "采样时间"),
        (13, "总磷(mg/L)"),
    }
    reasons = {e.row: e.reason for e in result.errors}
    assert reasons[7] == "unknown site" and "duplicate of row 2" in reasons[12]
    assert "future" in reasons[11] and "not plausible" in reasons[10]
    values = {e.row: e.value for e in result.errors}
    assert values[7] == "99" and values[13] == "abc"


def test_english_headers_units_and_utf8(store):
    text = "site,date,value,unit,parameter,qc_type\n7,2022-04-12 10:00,150,µg/L,TP,regular\n"
    result = import_file(store, text.encode("utf-8"), "en.csv", "u")
    assert result.written == 1
    assert store.samples(site="7").iloc[0].value_mg_l == pytest.approx(0.15)


def test_xlsx_with_date_cells(store):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["点位", "采样时间", "总磷（mg/L）", "采样人"])
    ws.append([5, datetime(2022, 4, 12, 9, 30), 0.12, "张三"])
    ws.append(["6", "2022/4/12", "<0.01", "张三"])
    buf = io.BytesIO()
    wb.save(buf)
    result = import_file(store, buf.getvalue(), "周报.xlsx", "u")
    assert result.errors == [] and result.written == 2
    assert store.samples(site="5").iloc[0].sampled_at.isoformat() == "2022-04-12T09:30:00+08:00"


@pytest.mark.parametrize(
    "data, name, fragment",
    [
        (b"x" * (MAX_BYTES + 1), "big.csv", "more than"),
        (b"%PDF-1.4", "report.pdf", "only .csv and .xlsx"),
        (b"not a zip", "fake.xlsx", "not an XLSX"),
        ("点位,数值\n1,2\n".encode(), "cols.csv", "missing column(s): sampled_at"),
        (b"\xff\xfe\x00\x00bad", "bin.csv", "neither UTF-8 nor GBK"),
    ],
)
def test_unusable_files(data, name, fragment):
    with pytest.raises(ImportFileError, match=fragment.replace("(", r"\(").replace(")", r"\)")):
        parse_file(data, name)


def test_empty_file_is_rejected(store):
    result = import_file(store, "塘号,采样时间,总磷\n".encode(), "empty.csv", "u")
    assert result.written == 0 and "no samples" in result.errors[0].reason


def test_command_line(tmp_path):
    env = {"YEHU_DB": str(tmp_path / "cli.sqlite"), "PATH": "/usr/bin:/bin"}
    f = tmp_path / "s.csv"
    f.write_bytes(gbk(MESSY))

    def run(*args):
        return subprocess.run(
            [sys.executable, "-m", "monitoring", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
        )

    up = run("db", "upgrade")
    assert up.returncode == 0 and "0004_accounts_audit" in up.stdout
    ok = run("import-samples", str(f), "--lang", "en")
    assert ok.returncode == 0 and "5 samples written" in ok.stdout
    assert "该文件已导入过" in run("import-samples", str(f)).stdout
    bad = tmp_path / "bad.csv"
    bad.write_bytes(gbk("塘号,采样时间,总磷\n99,2022-04-12,0.1\n"))
    rej = run("--lang", "en", "import-samples", str(bad))
    assert rej.returncode == 1 and "row 2, column '塘号', value '99': unknown site" in rej.stderr
    assert "文件被拒绝，未写入任何数据。共 1 处问题" in run("import-samples", str(bad)).stderr
    import json

    out = json.loads(run("weekly", "--week", "2022-W15", "--format", "json").stdout)
    status = {s["site_code"]: s["status"] for s in out["sites"]}
    assert status["9"] == "exceeds" and status["1"] == "compliant" and status["2"] == "missing"
    assert run("weekly", "--week", "2022-15").returncode == 2


def test_progress_and_export_commands(tmp_path):
    import json

    env = {"YEHU_DB": str(tmp_path / "cli.sqlite"), "PATH": "/usr/bin:/bin"}

    def run(*args):
        return subprocess.run(
            [sys.executable, "-m", "monitoring", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
        )

    fig = json.loads(run("progress", "--format", "json").stdout)
    assert fig["ponds"]["total"] == 17 and fig["area_mu"]["total"] == 1552
    assert "已退养销号 0/17" in run("progress").stdout
    english = run("progress", "--lang", "en").stdout
    assert "retired and closed out: 0/17 ponds" in english and "Steps:" in english
    for fmt in ("xlsx", "gpkg", "kml", "geojson"):
        out = tmp_path / f"x.{fmt}"
        res = run("export", "--format", fmt, str(out))
        assert res.returncode == 0 and out.stat().st_size > 1000, res.stderr


def test_add_site_command(tmp_path):
    env = {"YEHU_DB": str(tmp_path / "cli.sqlite"), "PATH": "/usr/bin:/bin"}

    def run(*args):
        return subprocess.run(
            [sys.executable, "-m", "monitoring", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
        )

    ok = run("add-site", "L1", "--name", "湖心", "--at", "东经113°25′22″ 北纬29°39′11″", "--source", "GPS 2026-05")
    assert ok.returncode == 0 and "已添加点位 L1（湖体），位置 113.42" in ok.stdout
    again = run("add-site", "L1", "--name", "x", "--at", "E113.4 N29.6", "--lang", "en")
    assert again.returncode == 1 and "exists" in again.stderr and "INSERT" not in again.stderr
    bad = run("add-site", "L2", "--name", "x", "--at", "somewhere")
    assert bad.returncode == 1 and "“somewhere”：无法识别的坐标写法" in bad.stderr
    weekly = run("weekly", "--week", "2022-W15", "--format", "json")
    import json

    assert "L1" in {s["site_code"] for s in json.loads(weekly.stdout)["sites"]}
