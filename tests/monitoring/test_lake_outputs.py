"""Lake-level work in the 台账 workbook (read back with openpyxl) and the weekly report (pdftotext)."""

import io
import shutil
import subprocess
from datetime import date, datetime

import openpyxl
import pytest

from geo.config import config_path
from geo.dataset import load_dataset
from monitoring.digest import weekly_digest
from monitoring.export import ledger_workbook
from monitoring.report import weekly_report
from tests.conftest import actor, require

U = actor("u")
TODAY = date(2023, 2, 20)
PDF = b"%PDF-1.4\n%%EOF\n"


@pytest.fixture(scope="module")
def ds():
    return load_dataset()


def rows_of(ws):
    header = [c.value for c in ws[3]]
    return [dict(zip(header, [c.value for c in r], strict=True)) for r in ws.iter_rows(min_row=4)]


def fill(store):
    lw = store.lakework
    lw.add_plan("sediment", "drafted", date(2022, 9, 1), user=U, document_no="临自然资〔2022〕31号", today=TODAY,
                file=PDF, file_name="底泥方案.pdf")  # fmt: skip
    wrong = lw.add_plan("ecology", "approved", date(2022, 10, 1), user=U, today=TODAY)
    lw.void_plan(wrong, "未批复，录错", user=U)
    lw.add_plan("sediment", "approved", date(2023, 1, 10), user=U, document_no="临政函〔2023〕2号", today=TODAY)
    lw.add_release(date(2023, 1, 5), "河蚌", 500, "kg", user=U, water_area=200, area_unit="mu",
                   releasing_unit="市农业农村局", today=TODAY)  # fmt: skip
    lw.add_release(date(2023, 1, 12), '=HYPERLINK("http://example.invalid","螺")', 2.5, "wan_tail", user=U,
                   water_area=30000, area_unit="m2", note="@note", today=TODAY)  # fmt: skip
    bad = lw.add_release(date(2023, 1, 6), "鲢鳙", 1, "tail", user=U, today=TODAY)
    lw.void_release(bad, "重复", user=U)


def test_the_ledger_workbook_holds_the_lake_sheets_in_office_form(store, ds):
    fill(store)
    wb = openpyxl.load_workbook(io.BytesIO(ledger_workbook(store, ds, today=TODAY)))
    assert wb.sheetnames[-6:-2] == ["湖体治理方案", "方案记录", "吸磷生物投放", "领导小组"]
    for name in wb.sheetnames[-6:-2]:
        ws = wb[name]
        assert any(str(r).startswith("A1:") for r in ws.merged_cells.ranges)
        assert ws["A2"].value == "填报单位：临湘市自然资源局" and ws.print_title_rows == "$1:$3"
        assert ws["A4"].border.left.style == "thin" and ws.page_setup.orientation == "landscape"
    ws = wb["湖体治理方案"]
    assert ws["A1"].value == "冶湖湖体治理方案进度台账"
    plans = rows_of(ws)
    assert [p["方案"] for p in plans] == ["制订《冶湖底泥治理方案》", "制定冶湖湖体水生态修复方案"]
    sed, eco = plans
    assert (
        sed["状态"] == "已批复" and sed["批复文号"] == "临政函〔2023〕2号" and sed["起草文号"] == "临自然资〔2022〕31号"
    )
    assert isinstance(sed["起草日期"], datetime) and sed["起草日期"].date() == date(2022, 9, 1)
    assert ws.cell(row=4, column=5).number_format == "yyyy-mm-dd"
    assert eco["状态"] == "未起草" and eco["期限"] == "文件未规定期限" and eco["进度"] == "持续推进"  # the voided one
    done = next(c for c in ws[4] if c.value == "已完成")
    assert done.fill.fgColor.rgb.endswith("CDEBC8")
    entries = rows_of(wb["方案记录"])
    assert len(entries) == 3 and entries[0]["文件"] == "底泥方案.pdf"
    assert "未批复，录错" in entries[1]["作废"] and entries[0]["作废"] is None
    rel = rows_of(wb["吸磷生物投放"])
    assert [r["物种"] for r in rel] == ["河蚌", "鲢鳙", '\'=HYPERLINK("http://example.invalid","螺")']
    assert rel[0]["数量"] == 500 and rel[0]["数量单位"] == "千克" and rel[0]["水域面积"] == 200
    assert rel[0]["面积单位"] == "亩" and rel[2]["面积单位"] == "平方米" and rel[2]["数量单位"] == "万尾"
    assert rel[2]["说明"] == "'@note" and "重复" in rel[1]["作废"]
    assert isinstance(rel[0]["投放日期"], datetime)
    formulas = [c.coordinate for ws in wb.worksheets for r in ws.iter_rows() for c in r if c.data_type == "f"]
    assert formulas == []
    group = rows_of(wb["领导小组"])
    assert group[0] == {"所属": "领导小组", "职务": "组长", "姓名": "李开龙", "单位职务": "市人民政府副市长"}
    assert group[-1]["所属"] == "办公室" and group[-1]["姓名"] == "李海洋"


def test_a_configured_deadline_colours_the_plan_overdue(store, ds, tmp_path, monkeypatch):
    cfg = tmp_path / "yehu.toml"
    text = config_path().read_text(encoding="utf-8")
    marker = (
        'key = "ecology"\nwater_body = "yehu"\nname = "制定冶湖湖体水生态修复方案"\n'
        'name_en = "Draw up the Yehu aquatic ecological restoration plan"\ndeadline = ""'
    )
    assert marker in text
    cfg.write_text(text.replace(marker, marker[:-2] + '"2022-12-31"'), encoding="utf-8")
    monkeypatch.setenv("YEHU_CONFIG", str(cfg))
    wb = openpyxl.load_workbook(io.BytesIO(ledger_workbook(store, ds, today=TODAY, lang="en")))
    ws = wb["Lake plans"]
    eco = rows_of(ws)[1]
    assert eco["Progress"] == "51 days overdue" and eco["Status"] == "not drafted"
    assert isinstance(eco["Deadline"], datetime)
    late = next(c for c in ws[5] if c.value == "51 days overdue")
    assert late.fill.fgColor.rgb.endswith("F9D29D")


def test_the_weekly_digest_shows_the_lake_work_as_of_its_week(store, ds):
    fill(store)
    d = weekly_digest(store, ds, "2023-W01", today=TODAY)["lake_work"]  # 2023-01-02 .. 2023-01-08
    assert d["day"] == date(2023, 1, 8)
    sed = next(s for s in d["plans"] if s["kind"].key == "sediment")
    assert sed["status"] == "drafted"  # approved only on 2023-01-10
    assert [r["species"] for r in d["releases"]] == ["河蚌"]  # the voided 鲢鳙 is left out
    assert [(t["species"], t["quantity"]) for t in d["totals"]] == [("河蚌", 500.0)]
    later = weekly_digest(store, ds, "2023-W02", today=TODAY)["lake_work"]
    assert next(s for s in later["plans"] if s["kind"].key == "sediment")["status"] == "approved"
    assert [r["quantity_unit"] for r in later["releases"]] == ["wan_tail"]


def test_the_weekly_report_has_a_lake_work_section(store, ds, tmp_path):
    require(bool(shutil.which("pdftotext")), "poppler-utils is not installed")
    fill(store)
    members = store.lakework.group()["members"]
    store.lakework.set_group([members[0] | {"name": "张三"}, *members[1:]], user=U)
    for lang, needles in {
        "zh": ["七、湖体治理（截至 2023-01-08）", "制订《冶湖底泥治理方案》", "已起草", "临自然资〔2022〕31号",
               "河蚌", "500 千克", "200 亩", "组长 张三", "市自然资源局", "持续推进"],
        "en": ["7. Lake-level work (as of 2023-01-08)", "Draw up the Yehu sediment treatment plan", "drafted",
               "500 kg", "mu", "组长 张三"],
    }.items():  # fmt: skip
        pdf = tmp_path / f"{lang}.pdf"
        pdf.write_bytes(weekly_report(store, ds, "2023-W01", lang=lang, today=TODAY, body="yehu"))
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
        flat = " ".join(text.split())
        for needle in needles:
            assert needle in flat or needle in text, (lang, needle)
    # A week without releases says so.
    pdf = tmp_path / "w10.pdf"
    pdf.write_bytes(weekly_report(store, ds, "2022-W40", today=TODAY, body="yehu"))
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "本周没有吸磷生物投放记录" in text and "湖体治理（截至 2022-10-09）" in text


def test_the_report_for_every_body_has_each_bodys_lake_work(store, ds, tmp_path):
    """Every water body (the default): one lake-level section per body the documents ask plans of."""
    require(bool(shutil.which("pdftotext")), "poppler-utils is not installed")
    fill(store)
    for lang, needles, absent in (
        ("zh", ["七、湖体治理：冶湖（截至 2023-01-08）", "制订《冶湖底泥治理方案》", "河蚌",
                "七、湖体治理：黄盖湖（截至 2023-01-08）", "制定黄盖湖湖体水生态修复方案"], "湖体治理：源潭河"),
        ("en", ["7. Lake-level work: Yehu (as of 2023-01-08)", "Draw up the Yehu sediment treatment plan",
                "7. Lake-level work: Huanggai Lake (as of 2023-01-08)"], "Lake-level work: Yuantan"),
    ):  # fmt: skip
        pdf = tmp_path / f"all-{lang}.pdf"
        pdf.write_bytes(weekly_report(store, ds, "2023-W01", lang=lang, today=TODAY))
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
        flat = " ".join(text.split())
        for needle in needles:
            assert needle in flat or needle in text, (lang, needle)
        assert absent not in flat  # a river has no lake-level plans: no section
        # Huanggai's section lists only Huanggai's plan: Yehu's sediment plan is not repeated under it.
        huanggai = flat.split(needles[3])[1] if lang == "zh" else flat.split(needles[2])[1]
        assert ("冶湖底泥" not in huanggai) if lang == "zh" else ("sediment" not in huanggai)
