import io
import re
from datetime import date, datetime

import openpyxl
import pytest

from geo.dataset import load_dataset
from monitoring.export import ledger_workbook
from monitoring.samples import TZ, ParsedValue, SampleInput
from tests.conftest import actor

TODAY = date(2022, 4, 20)


@pytest.fixture(scope="module")
def ds():
    return load_dataset()


def rows_of(ws, header_row=3):
    header = [c.value for c in ws[header_row]]
    return [dict(zip(header, [c.value for c in r], strict=True)) for r in ws.iter_rows(min_row=header_row + 1)]


def test_xlsx_reads_back_equal_to_the_database(store, ds):
    store.ledger.record(
        "1", "end_contract", date(2022, 4, 8), user=actor("u"), document_no="江南〔2022〕5号", today=TODAY
    )
    store.samples.add(
        SampleInput("9", datetime(2022, 4, 12, 9, 30, tzinfo=TZ), ParsedValue(0.35, False, None)), user=actor("u")
    )
    store.samples.add(
        SampleInput("8", datetime(2022, 4, 13, 9, tzinfo=TZ), ParsedValue(0.01, True, 0.01)), user=actor("u")
    )
    store.samples.add(
        SampleInput("8", datetime(2022, 4, 27, 9, tzinfo=TZ), ParsedValue(0.05, False, None)), user=actor("u")
    )
    wb = openpyxl.load_workbook(io.BytesIO(ledger_workbook(store, ds, today=TODAY)))
    assert wb.sheetnames == ["台账（打印）", "鱼池", "退养记录", "水样", "每周达标", "溯源案件", "巡查", "举报",
                             "湖体治理方案", "方案记录", "吸磷生物投放", "领导小组",
                             "整改任务", "整改进展"]  # fmt: skip
    ponds = wb["鱼池"]
    rows = rows_of(ponds)
    assert [r["序号"] for r in rows] == list(range(1, 18))
    assert rows[0]["解除承包经营合同"] == datetime(2022, 4, 8)  # a real date cell
    contract = [c.value for c in ponds[3]].index("解除承包经营合同") + 1
    assert ponds.cell(4, contract).is_date and ponds.cell(4, contract).number_format == "yyyy-mm-dd"
    assert rows[1]["解除承包经营合同"] == "逾期10天"
    assert rows[0]["退养状态"] == "退养中" and rows[1]["退养状态"] == "未退养"
    assert rows[0]["分区"] == "1公里禁投区内" and rows[0]["坐标存疑"] == "否" and rows[1]["坐标存疑"] == "是"
    assert sum(r["水面面积（亩）"] for r in rows) == 1552
    samples = rows_of(wb["水样"])
    db = store.samples.find(parameter=None)
    assert sorted(r["样品号"] for r in samples) == sorted(db.sample_uid)
    nine = next(r for r in samples if r["点位"] == "9")
    assert nine["采样时间"] == datetime(2022, 4, 12, 9, 30) and nine["结果（mg/L）"] == 0.35
    assert nine["样品类型"] == "塘口尾水" and nine["质控类型"] == "常规" and nine["指标"] == "总磷"
    eight = next(r for r in samples if r["点位"] == "8" and r["采样时间"] == datetime(2022, 4, 13, 9))
    assert eight["低于检出限"] == "是"
    events = rows_of(wb["退养记录"])
    assert len(events) == 1 and events[0]["文号"] == "江南〔2022〕5号" and events[0]["日期"] == datetime(2022, 4, 8)
    cases = rows_of(wb["溯源案件"])
    assert len(cases) == 1 and cases[0]["点位"] == "9" and cases[0]["状态"] == "进行中"
    assert rows_of(wb["巡查"]) == []
    # Every week from the first sample to the last, the unsampled one marked 未采.
    weekly = wb["每周达标"]
    assert [c.value for c in weekly[3]] == ["点位", "2022-W15", "2022-W16", "2022-W17"]
    grid = {r["点位"]: r for r in rows_of(weekly)}
    assert grid["9"]["2022-W15"] == "超标" and grid["9"]["2022-W16"] == "未采"
    assert grid["8"]["2022-W17"] == "达标"


def test_xlsx_is_the_form_county_offices_exchange(store, ds):
    wb = openpyxl.load_workbook(io.BytesIO(ledger_workbook(store, ds, today=TODAY)))
    for ws in wb.worksheets:
        assert ws.max_column == 1 or any(str(r).startswith("A1:") for r in ws.merged_cells.ranges)
        assert "填报单位：临湘市自然资源局" == ws["A2"].value
        assert any(c.value == "填报日期：2022年4月20日" for c in ws[2])
        assert ws.freeze_panes == "A4"
        assert ws.auto_filter.ref.startswith("A3:")
        assert ws.print_title_rows == "$1:$3"
        assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9  # A4
        assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1
        assert ws.page_setup.fitToHeight == 0
        if ws.max_row > 3:
            assert ws["A4"].border.left.style == "thin" and ws["A3"].font.b
    ws = wb["台账（打印）"]
    assert ws["A1"].value == "冶湖周边精养鱼池退养整治管理台账"
    width = sum(ws.column_dimensions[c].width for c in "ABCDEFGHIJKLM")
    assert ws.max_column <= 13 and width < 200  # slim enough to stay readable on one A4 width
    late = next(r for r in ws.iter_rows(min_row=4) for c in r if c.value == "逾期10天")
    cell = next(c for c in late if c.value == "逾期10天")
    assert cell.fill.fgColor.rgb.endswith("F9D29D")


def test_xlsx_speaks_english_on_request(store, ds):
    store.samples.add(
        SampleInput("9", datetime(2022, 4, 12, 9, 30, tzinfo=TZ), ParsedValue(0.35, False, None)), user=actor("u")
    )
    wb = openpyxl.load_workbook(io.BytesIO(ledger_workbook(store, ds, today=TODAY, lang="en")))
    assert wb.sheetnames[1] == "Ponds"
    text = " ".join(str(c.value) for ws in wb.worksheets for r in ws.iter_rows() for c in r if c.value is not None)
    for code in ("tail_water", "not_started", "in_progress", "in_ban_zone"):
        assert code not in text.split()
    assert re.search(r"[\u4e00-\u9fff]", " ".join(str(c.value) for c in wb["Samples"][3])) is None
    ws = wb["Weekly compliance"]
    cell = next(c for r in ws.iter_rows(min_row=4) for c in r if c.value == "exceeds")
    assert cell.fill.fgColor.rgb.endswith("F4B6B6")


def test_tip_text_exports_as_text_never_a_formula(store, ds):
    payload = '=HYPERLINK("http://example.invalid/x","y")'
    store.field.add_tip(
        date(2022, 4, 16), payload, "E113.4252 N29.6439", ds, user=actor("u"), contact="@evil", today=TODAY
    )
    store.field.add_tip(
        date(2022, 4, 17), "\t=1+1", "E113.4252 N29.6439", ds, user=actor("u"), contact="+86 130", today=TODAY
    )
    store.field.add_patrol(
        date(2022, 4, 15), "-王五", user=actor("u"), ponds=["8"], findings=["feeding"], notes="=1+2", today=TODAY
    )
    wb = openpyxl.load_workbook(io.BytesIO(ledger_workbook(store, ds, today=TODAY)))
    formulas = [c.coordinate for ws in wb.worksheets for r in ws.iter_rows() for c in r if c.data_type == "f"]
    assert formulas == []
    tips = sorted(rows_of(wb["举报"]), key=lambda r: r["受理日期"])
    assert tips[0]["举报内容"] == "'" + payload and tips[0]["联系方式"] == "'@evil"
    assert tips[1]["举报内容"].lstrip("'").lstrip("\t") == "=1+1" and tips[1]["举报内容"].startswith("'")
    assert isinstance(tips[0]["经度"], float) and tips[0]["距最近鱼池（m）"] >= 0  # numbers stay numbers
    patrol = rows_of(wb["巡查"])[0]
    assert patrol["巡查人员"] == "'-王五" and patrol["备注"] == "'=1+2" and patrol["巡查日期"] == datetime(2022, 4, 15)
