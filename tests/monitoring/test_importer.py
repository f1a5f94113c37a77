import io
import json
import subprocess
import sys
from datetime import datetime

import openpyxl
import pytest

from i18n.errors import UserError
from monitoring.importer import MAX_BYTES, ImportFileError, import_file, parse_file, resolver_for
from tests.conftest import ROOT, actor, migration_head
from tests.monitoring import labfiles

MESSY = (
    "塘号,采样时间,总磷(mg/L),检出限,采样人,备注\n"
    "1,2022/4/12 9:30,0.15,,张三,\n"
    "8号,2022年4月13日,<0.01,0.01,张三,未检出\n"
    '9,2022-04-14 10:00,"0,35",,李四,异常\n'
    "12,2022年4月15日 8时05分,0.01L,,李四,\n"
    "13,2022-04-15,ND,0.01,李四,\n"
)
EXPECTED = {"5": (0.35, False), "8": (0.01, True), "13": (0.18, False), "1": (0.01, True), "9": (0.12, False)}


def gbk(text):
    return text.encode("gbk")


def stored(store):
    df = store.samples.find()
    return {r.site_code: (round(r.value_mg_l, 6), bool(r.censored)) for r in df.itertuples()}


def test_messy_gbk_file_loads_completely(store):
    result = import_file(store, gbk(MESSY), "周报.csv", user=actor("insp"))
    assert result.errors == [] and result.written == 5
    df = store.samples.find().set_index("site_code")
    assert df.loc["8", "censored"] and df.loc["8", "value_mg_l"] == 0.01
    assert df.loc["9", "value_mg_l"] == 0.35
    assert df.loc["12", "censored"] and df.loc["12", "value_entered"] == "0.01L"
    assert df.loc["12", "sampled_at"].isoformat() == "2022-04-15T08:05:00+08:00"
    assert df.loc["13", "censored"]
    assert result.cases_opened == 1  # row 9 exceeds 0.2
    assert result.counts == {"1": 1, "8": 1, "9": 1, "12": 1, "13": 1}


@pytest.mark.parametrize("build", [labfiles.xlsx, labfiles.csv], ids=["xlsx", "gbk-csv"])
def test_lab_file_with_title_filled_by_row_and_row_numbers(store, build):
    """Title row, 填报单位 row, 序号 1..6, point names in every form: each row lands on the pond it names."""
    parsed = parse_file(build(), "第15周.xlsx" if build is labfiles.xlsx else "第15周.csv", resolver_for(store))
    assert parsed.header.row == 2 and parsed.header.ignored == ["序号"]
    assert [(r.line, r.site) for r in parsed.rows] == [(4, "5"), (5, "8"), (6, "13"), (7, "1"), (8, "9"), (9, "7")]
    assert parsed.rows[0].sampled_at.isoformat() == "2022-04-12T00:00:00+08:00"
    assert parsed.rows[2].sampled_at.isoformat() == "2022-04-13T00:00:00+08:00"
    assert parsed.rows[5].not_sampled == "未采（停产）" and parsed.rows[5].sample is None
    assert parsed.errors() == []
    result = import_file(store, build(), "第15周", user=actor("insp"), parsed=parsed)
    assert result.errors == [] and result.written == 5 and result.skipped == 1
    assert stored(store) == EXPECTED
    assert result.counts == {"1": 1, "5": 1, "8": 1, "9": 1, "13": 1}
    assert result.cases_opened == 1  # pond 5 at 0.35, not pond 1


@pytest.mark.parametrize("build, name", [(labfiles.xlsx, "a.xlsx"), (labfiles.csv, "a.csv")], ids=["xlsx", "csv"])
def test_row_number_column_never_decides_the_site(store, build, name):
    """The 序号 values 1-2 are not ponds 1-2: the rows go to the ponds 点位名称 names."""
    rows = [("5号塘尾水排口", "2022/4/12", 0.35, None, ""), ("塘6", "2022/4/12", 0.05, None, "")]
    result = import_file(store, build(rows=rows), name, user=actor("insp"))
    assert result.errors == [] and result.written == 2
    assert sorted(store.samples.find().site_code) == ["5", "6"]
    assert store.cases.for_sample(store.samples.find(site="5").iloc[0].sample_uid) is not None
    assert store.cases.find().shape[0] == 1


def test_row_number_column_alone_is_no_site_column():
    data = "序号,采样日期,总磷(mg/L)\n1,2022/4/12,0.35\n".encode()
    with pytest.raises(ImportFileError) as err:
        parse_file(data, "x.csv", resolver=None)
    assert err.value.code == "import.no_header"
    assert "序号" in err.value.message("zh") and "点位名称" in err.value.message("en")


def test_unknown_and_ambiguous_names_are_row_errors_naming_row_column_value(store):
    store.register.add_site(
        "L1", "lake", "唐小阶水产养殖场", 113.42, 29.65, "test", user=actor("u")
    )  # same name as pond 9
    rows = [("9号塘东侧", "2022/4/12", 0.1, None, ""), ("唐小阶水产养殖场", "2022/4/12", 0.1, None, "")]
    result = import_file(store, labfiles.xlsx(rows=rows), "x.xlsx", user=actor("insp"))
    assert result.written == 0 and store.samples.count() == 0
    by_row = {e.row: e for e in result.errors}
    assert by_row[4].code == "import.site_unknown" and by_row[5].code == "import.site_ambiguous"
    msg = by_row[4].message("zh")
    assert msg.startswith("第 4 行，“点位名称”列，“9号塘东侧”：未知点位")
    assert "row 5, column '点位名称', '唐小阶水产养殖场': Ambiguous" in by_row[5].message("en")
    assert "9, L1" in by_row[5].message("en")


def test_not_sampled_rows_recorded_or_skipped_never_a_number(store):
    rows = [
        ("1号", "2022/4/12", 0.1, None, ""),
        ("2号", "2022/4/12", "—", None, "塘干"),
        ("3号", "2022/4/12", "", None, ""),
    ]
    parsed = parse_file(labfiles.csv(rows=rows), "x.csv", resolver_for(store))
    assert [r.not_sampled for r in parsed.rows] == [None, "—（塘干）", "空"]
    result = import_file(store, labfiles.csv(rows=rows), "x.csv", user=actor("insp"), not_sampled="skip")
    assert result.written == 1 and result.skipped == 2
    assert set(store.samples.find().site_code) == {"1"}


def test_one_bad_row_rejects_the_file_and_names_every_problem(store):
    bad = (
        MESSY
        + (
            "99,2022-04-12,0.1,,王五,\n"  # unknown site
            "2,2022-13-40,0.1,,王五,\n"  # bad date
            "3,2022-04-12,-0.2,,王五,\n"  # negative
            "4,2022-04-12,60,,王五,\n"  # absurd
            "5,2099-01-01,0.1,,王五,\n"  # future
            "1,2022/4/12 9:30,0.2,,王五,\n"  # duplicate of row 2
            "6,2022-04-12,abc,,王五,\n"  # unreadable
            "6,0001-01-01,0.1,,王五,\n"  # year 1
            "6,9999-12-31,0.1,,王五,\n"  # year 9999
            "7,2022-04-12,TRUE,,王五,\n"  # a boolean is no result
            "7,2022-04-13,1e-400,,王五,\n"  # underflows to 0
            + "9"
            * 4300
            + ",2022-04-12,0.1,,王五,\n"  # a 4,300-digit site number
            "8,2022-04-12,0.1,,王五," + "长" * 2000 + "\n"  # over-long note
        )
    )
    result = import_file(store, gbk(bad), "bad.csv", user=actor("u"))
    assert result.written == 0
    assert store.samples.count() == 0
    got = {(e.row, e.column, e.code) for e in result.errors}
    assert got == {
        (7, "塘号", "import.site_unknown"),
        (8, "采样时间", "sample.datetime_unreadable"),
        (9, "总磷(mg/L)", "sample.negative"),
        (10, "总磷(mg/L)", "sample.implausible"),
        (11, "采样时间", "input.in_future"),
        (12, "采样时间", "import.duplicate_row"),
        (13, "总磷(mg/L)", "sample.value_unreadable"),
        (14, "采样时间", "sample.date_implausible"),
        (15, "采样时间", "sample.date_implausible"),
        (16, "总磷(mg/L)", "sample.value_unreadable"),
        (17, "总磷(mg/L)", "sample.out_of_range"),
        (18, "塘号", "import.site_unknown"),
        (19, "备注", "import.too_long"),
    }
    by_row = {e.row: e for e in result.errors}
    assert "与第 2 行重复" in by_row[12].message("zh")
    assert by_row[7].value == "99" and by_row[13].value == "abc"
    assert len(by_row[18].message("zh")) < 300


def test_excel_boolean_cell_is_not_a_value(store):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["点位", "采样时间", "总磷（mg/L）"])
    ws.append([5, datetime(2022, 4, 12, 9, 30), True])
    ws.append([6, datetime(2022, 4, 12, 9, 30), False])
    buf = io.BytesIO()
    wb.save(buf)
    result = import_file(store, buf.getvalue(), "b.xlsx", user=actor("u"))
    assert {(e.row, e.code) for e in result.errors} == {(2, "sample.value_unreadable"), (3, "sample.value_unreadable")}
    assert store.samples.count() == 0


def test_english_headers_units_and_utf8(store):
    text = "site,date,value,unit,parameter,qc_type\n7,2022-04-12 10:00,150,µg/L,TP,regular\n"
    result = import_file(store, text.encode("utf-8"), "en.csv", user=actor("u"))
    assert result.written == 1
    assert store.samples.find(site="7").iloc[0].value_mg_l == pytest.approx(0.15)


def test_xlsx_with_date_cells(store):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["点位", "采样时间", "总磷（mg/L）", "采样人"])
    ws.append([5, datetime(2022, 4, 12, 9, 30), 0.12, "张三"])
    ws.append(["6", "2022/4/12", "<0.01", "张三"])
    buf = io.BytesIO()
    wb.save(buf)
    result = import_file(store, buf.getvalue(), "周报.xlsx", user=actor("u"))
    assert result.errors == [] and result.written == 2
    assert store.samples.find(site="5").iloc[0].sampled_at.isoformat() == "2022-04-12T09:30:00+08:00"


def test_merged_site_cells_fill_every_row(store):
    """A lab merges the point-name cell over the rows of one pond."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["序号", "点位名称", "采样日期", "总磷(mg/L)"])
    ws.append([1, "3号塘", datetime(2022, 4, 11), 0.1])
    ws.append([2, None, datetime(2022, 4, 13), 0.12])
    ws.merge_cells("B2:B3")
    buf = io.BytesIO()
    wb.save(buf)
    result = import_file(store, buf.getvalue(), "m.xlsx", user=actor("u"))
    assert result.errors == [] and result.counts == {"3": 2}


@pytest.mark.parametrize(
    "data, name, code",
    [
        (b"x" * (MAX_BYTES + 1), "big.csv", "import.too_large"),
        (b"%PDF-1.4", "report.pdf", "import.file_type"),
        (b"not a zip", "fake.xlsx", "import.not_xlsx"),
        (b"PK\x03\x04broken", "fake.xlsx", "import.not_xlsx"),
        ("点位,数值\n1,2\n".encode(), "cols.csv", "import.no_header"),
        (b"", "empty.csv", "import.empty"),
        (b"\n\n,,\n", "blank.csv", "import.empty"),
        (b"\xff\xfe\x00\x00bad", "bin.csv", "import.encoding"),
        ("点位,日期,总磷\n".encode() + "1,2022-04-12,未检\n".encode("gbk"), "mixed.csv", "import.mixed_encoding"),
    ],
)
def test_unusable_files(data, name, code, store):
    with pytest.raises(ImportFileError) as err:
        result = import_file(store, data, name, user=actor("u"))
        raise ImportFileError(result.errors[0].code)  # a file error found after reading
    assert err.value.code == code
    for lang in ("zh", "en"):
        assert not any(s in err.value.message(lang) for s in ("/tmp", "/work", "Traceback", "Error", name))
    assert store.samples.count() == 0


def test_excel_unicode_text_is_read():
    """Excel's 'Unicode text' export: UTF-16 with a BOM, tab-separated."""
    data = "点位名称\t采样日期\t总磷(mg/L)\n５号塘\t2022/4/12\t0.01L\n".encode("utf-16")
    parsed = parse_file(data, "u.csv", resolver_for_codes("5"))
    assert parsed.errors() == [] and parsed.rows[0].site == "5" and parsed.rows[0].sample.value.censored


def test_ragged_rows_are_read():
    data = "点位,日期,总磷\n1,2022-04-12\n2,2022-04-12,0.1,extra,cells\n".encode()
    parsed = parse_file(data, "r.csv", resolver_for_codes("1", "2"))
    assert [r.errors[0].code if r.errors else r.not_sampled for r in parsed.rows] == ["空", None]


def resolver_for_codes(*codes):
    from monitoring.sitenames import SiteResolver

    return SiteResolver([{"code": c, "kind": "pond", "name": "", "pond_id": int(c)} for c in codes])


def test_empty_file_is_rejected(store):
    result = import_file(store, "塘号,采样时间,总磷\n".encode(), "empty.csv", user=actor("u"))
    assert result.written == 0 and result.errors[0].code == "import.no_rows"


def test_reimport_writes_nothing_new(store):
    assert import_file(store, gbk(MESSY), "a.csv", user=actor("u")).written == 5
    again = import_file(store, gbk(MESSY), "a-copy.csv", user=actor("u"))
    assert again.already_imported and again.written == 0
    assert store.samples.count() == 5


def test_sample_already_in_database_is_a_row_error(store):
    assert import_file(store, gbk(MESSY), "a.csv", user=actor("u")).written == 5
    again = import_file(store, gbk(MESSY.replace("李四,\n", "李四,x\n")), "b.csv", user=actor("u"))
    assert again.written == 0 and {e.code for e in again.errors} == {"sample.duplicate"}
    assert again.errors[0].column in ("采样时间", "塘号")


def run_cli(tmp_path, *args):
    env = {"YEHU_DB": str(tmp_path / "cli.sqlite"), "PATH": "/usr/bin:/bin"}
    return subprocess.run(
        [sys.executable, "-m", "monitoring", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_command_line(tmp_path):
    run = lambda *a: run_cli(tmp_path, *a)  # noqa: E731
    f = tmp_path / "s.csv"
    f.write_bytes(gbk(MESSY))
    up = run("db", "upgrade")
    assert up.returncode == 0 and migration_head() in up.stdout
    ok = run("import-samples", str(f))
    assert ok.returncode == 0 and "5" in ok.stdout and "9: 1" in ok.stdout
    assert run("import-samples", str(f)).returncode == 0
    bad = tmp_path / "bad.csv"
    bad.write_bytes(gbk("塘号,采样时间,总磷\n99,2022-04-12,0.1\n"))
    rej = run("import-samples", str(bad))
    assert rej.returncode == 1 and "第 2 行，“塘号”列，“99”：未知点位" in rej.stderr
    assert "Traceback" not in rej.stderr
    en = run("--lang", "en", "import-samples", str(bad))
    assert "row 2, column '塘号', '99': Unknown site" in en.stderr and "rejected, nothing written" in en.stderr
    import json

    out = json.loads(run("weekly", "--week", "2022-W15", "--format", "json").stdout)
    status = {s["site_code"]: s["status"] for s in out["sites"]}
    assert status["9"] == "exceeds" and status["1"] == "compliant" and status["2"] == "missing"
    assert run("weekly", "--week", "2022-15").returncode == 2


def test_command_line_dry_run_prints_the_preview_and_writes_nothing(tmp_path):
    f = tmp_path / "第15周.xlsx"
    f.write_bytes(labfiles.xlsx())
    dry = run_cli(tmp_path, "import-samples", "--dry-run", str(f))
    assert dry.returncode == 0, dry.stderr
    lines = dry.stdout.splitlines()
    row4 = next(ln for ln in lines if ln.lstrip().startswith("4 "))
    assert "5号塘尾水排口" in row4 and "→ 5" in row4 and "2022-04-12 00:00" in row4 and "0.35" in row4
    assert any("未采（停产）" in ln for ln in lines)
    wk = run_cli(tmp_path, "weekly", "--week", "2022-W15", "--format", "json")
    import json

    assert all(s["status"] in ("missing", "no_limit") for s in json.loads(wk.stdout)["sites"])
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"")
    res = run_cli(tmp_path, "import-samples", "--dry-run", str(bad))
    assert res.returncode == 1 and "Traceback" not in res.stderr and "文件是空的" in res.stderr


def test_user_error_survives_pickling():
    import pickle

    from monitoring.importer import RowIssue

    e = RowIssue("import.site_unknown", row=3, column="点位名称", value="x")
    assert pickle.loads(pickle.dumps(e)).message("en") == e.message("en")
    assert isinstance(e, UserError)


def test_progress_and_export_commands(tmp_path):
    import json

    run = lambda *a: run_cli(tmp_path, *a)  # noqa: E731
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
    run = lambda *a: run_cli(tmp_path, *a)  # noqa: E731
    ok = run("add-site", "L1", "--name", "湖心", "--at", "东经113°25′22″ 北纬29°39′11″", "--source", "GPS 2026-05")
    assert ok.returncode == 0 and "已添加点位 L1（湖体），位置 113.42" in ok.stdout
    again = run("add-site", "L1", "--name", "x", "--at", "E113.4 N29.6", "--lang", "en")
    assert again.returncode == 1 and "exists" in again.stderr and "INSERT" not in again.stderr
    bad = run("add-site", "L2", "--name", "x", "--at", "somewhere")
    assert bad.returncode == 1 and "somewhere" in bad.stderr
    for code in ("", " ", "L 1", "<b>", "x" * 40):
        empty = run("add-site", code, "--name", "x", "--at", "E113.4 N29.6")
        assert empty.returncode == 1 and "点位编号无效" in empty.stderr, code


def test_adding_a_site_today_leaves_an_old_week_unchanged(tmp_path):
    run = lambda *a: run_cli(tmp_path, *a)  # noqa: E731
    assert run("demo-data").returncode == 0
    before = run("weekly", "--week", "2022-W15", "--format", "json")
    assert before.returncode == 0, before.stderr
    added = run("add-site", "L9", "--name", "新点位", "--at", "E113.41 N29.65", "--source", "GPS")
    assert added.returncode == 0, added.stderr
    after = run("weekly", "--week", "2022-W15", "--format", "json")
    assert json.loads(after.stdout) == json.loads(before.stdout)
    assert "L9" not in after.stdout
