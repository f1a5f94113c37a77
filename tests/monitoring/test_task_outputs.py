"""Rectification tasks in the 台账 workbook (read back with openpyxl), the weekly report (pdftotext) and the CLI."""

import io
import shutil
import subprocess
from datetime import date

import openpyxl
import pytest

import monitoring.__main__ as cli
from geo.dataset import load_dataset
from monitoring.digest import weekly_digest
from monitoring.export import ledger_workbook
from monitoring.report import weekly_report
from monitoring.task_outputs import task_digest
from tests.conftest import actor, require
from tests.monitoring.test_lake_outputs import rows_of

U = actor("u")
TODAY = date(2023, 2, 20)
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
HOSTILE = '=HYPERLINK("http://example.invalid","验收")'


@pytest.fixture(scope="module")
def ds():
    return load_dataset()


def fill(store):
    tk = store.tasks
    tk.add_progress("hg_buffer_pond", "in_progress", date(2022, 10, 8), "聂市镇已进场拆除", user=U, unit="聂市镇",
                    today=TODAY)  # fmt: skip
    tk.add_progress("hg_buffer_pond", "done", date(2023, 1, 4), HOSTILE, user=U, file=PNG, file_name="复原.png",
                    today=TODAY)  # fmt: skip
    wrong = tk.add_progress("yh_enforcement", "done", date(2022, 12, 1), "录到了别的任务", user=U, today=TODAY)
    tk.void_progress(wrong, "任务选错", user=U)


def test_the_workbook_holds_the_task_sheets_escaped(store, ds):
    fill(store)
    wb = openpyxl.load_workbook(io.BytesIO(ledger_workbook(store, ds, today=TODAY)))
    assert wb.sheetnames[-2:] == ["整改任务", "整改进展"]
    for name in wb.sheetnames[-2:]:
        ws = wb[name]
        assert ws["A2"].value == "填报单位：临湘市自然资源局" and ws.print_title_rows == "$1:$3"
    assert wb["整改任务"]["A1"].value == "各水体整改任务进度台账"
    tasks = {r["整改任务"]: r for r in rows_of(wb["整改任务"])}
    assert len(tasks) == 11 and {r["水体"] for r in tasks.values()} == {"冶湖", "黄盖湖"}
    pond = next(r for k, r in tasks.items() if k.startswith("依法拆除"))
    assert pond["水体"] == "黄盖湖" and pond["牵头责任单位"] == "市林业局" and pond["牵头市级领导"] == "李伟峰"
    assert pond["状态"] == "已完成（待验收）" and pond["整改进度"] == "待验收"
    assert pond["整改时限"].date() == date(2022, 11, 30) and pond["最近进展日期"].date() == date(2023, 1, 4)
    assert pond["最近进展说明"] == "'" + HOSTILE  # text, never a formula
    signs = next(r for k, r in tasks.items() if k.startswith("在通往"))
    assert signs["整改进度"] == "逾期 82 天" and signs["状态"] == "未开始"
    late = next(r for r in wb["整改任务"].iter_rows(min_row=4) if str(r[1].value).startswith("在通往"))
    assert late[9].value == "逾期 82 天" and late[9].fill.fgColor.rgb.endswith("F9D29D")
    enforce = next(r for k, r in tasks.items() if k.startswith("加大执法"))
    assert enforce["状态"] == "未开始" and enforce["整改进度"] == "持续推进"  # the voided entry does not count
    assert enforce["整改时限"] == "文件未写明整改时限"
    entries = rows_of(wb["整改进展"])
    assert [e["状态"] for e in entries] == ["推进中", "已完成（待验收）", "已完成（待验收）"]
    assert entries[2]["佐证材料"] == "复原.png" and "任务选错" in entries[1]["作废"]  # in date order
    formulas = [c.coordinate for ws in wb.worksheets for r in ws.iter_rows() for c in r if c.data_type == "f"]
    assert formulas == []
    en = openpyxl.load_workbook(io.BytesIO(ledger_workbook(store, ds, today=TODAY, lang="en")))
    assert en.sheetnames[-2:] == ["Rectification tasks", "Task progress"]
    rows = rows_of(en["Rectification tasks"])
    assert {r["Water body"] for r in rows} == {"Yehu", "Huanggai Lake"}
    assert any(r["Task"].startswith("Demolish the fish pond") for r in rows)


def test_digest_counts_per_body_as_of_a_day(store):
    fill(store)
    before = {c["body"]: c for c in task_digest(store, date(2022, 12, 1))["counts"]}
    assert list(before) == ["yehu", "huanggai", "yuantan", "tandu"]
    assert (before["huanggai"]["total"], before["huanggai"]["open"], before["huanggai"]["overdue"]) == (9, 9, 3)
    after = {c["body"]: c for c in task_digest(store, TODAY)["counts"]}
    assert (after["huanggai"]["open"], after["huanggai"]["overdue"], after["huanggai"]["done"]) == (8, 2, 1)
    assert after["yehu"] == {"body": "yehu", "total": 2, "open": 2, "overdue": 0, "done": 0, "closed": 0}
    only = task_digest(store, TODAY, "huanggai")
    assert [c["body"] for c in only["counts"]] == ["huanggai"] and len(only["states"]) == 9
    assert task_digest(store, TODAY, "tandu")["states"] == []


def test_the_weekly_report_lists_the_tasks(store, ds, tmp_path):
    require(bool(shutil.which("pdftotext")), "poppler-utils is not installed")
    fill(store)
    d = weekly_digest(store, ds, "2023-W01", today=TODAY, body="huanggai")
    assert d["lake_work"]["plans"][0]["kind"].name == "制定黄盖湖湖体水生态修复方案"
    for lang, body, needles in [
        ("zh", None, ["整改任务（临政办函〔2022〕19号 附件）", "依法拆除", "已完成（待验收） 2023-01-04", "逾期 39 天",
                      "冶湖 2 项，未完成 2 项", "黄盖湖 9 项，未完成 8 项，逾期 2 项"]),
        ("zh", "huanggai", ["制定黄盖湖湖体水生态修复方案", "依法拆除"]),
        ("en", "huanggai", ["Rectification tasks", "Demolish the fish pond",
                            "Huanggai Lake: 9 tasks, 8 open, 2 overdue"]),
    ]:  # fmt: skip
        pdf = tmp_path / f"{lang}{body}.pdf"
        pdf.write_bytes(weekly_report(store, ds, "2023-W01", lang=lang, today=TODAY, body=body))
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
        flat = " ".join(text.split())
        for needle in needles:
            assert needle in flat, (lang, body, needle)
        if body == "huanggai":
            assert "冶湖 2 项" not in flat and "制订《冶湖底泥治理方案》" not in flat


def _cli(capsys, *args):
    capsys.readouterr()
    rc = cli.main(list(args))
    out = capsys.readouterr()
    return rc, out.out, out.err


def test_the_task_command_in_both_languages(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("YEHU_DB", str(tmp_path / "cli.sqlite"))
    evidence = tmp_path / "现场.png"
    evidence.write_bytes(PNG)
    rc, out, _ = _cli(capsys, "task", "progress", "hg_buffer_pond", "--status", "in_progress", "--date",
                      "2022-10-08", "--note", "已进场", "--unit", "聂市镇", "--file", str(evidence))  # fmt: skip
    assert rc == 0 and out.startswith("已登记整改进展记录 #1（依法拆除")
    rc, _, err = _cli(capsys, "task", "progress", "hg_buffer_pond", "--status", "closed", "--date", "2022-10-09",
                      "--note", "x", "--lang", "en")  # fmt: skip
    assert rc == 1 and "cannot be closed out" in err and "Traceback" not in err
    rc, out, _ = _cli(capsys, "task", "list", "--water-body", "huanggai", "--date", "2022-12-01")
    assert rc == 0 and "黄盖湖 | hg_buffer_pond | 逾期 1 天 | 推进中 2022-10-08 | 时限 2022-11-30 | 市林业局" in out
    assert "黄盖湖：整改任务 9 项，未完成 9 项，逾期 3 项，已销号 0 项。" in out and "冶湖" not in out
    rc, out, _ = _cli(capsys, "--lang", "en", "task", "list", "--date", "2022-12-01")
    assert rc == 0 and "Huanggai Lake | hg_buffer_pond | 1 day overdue | in progress 2022-10-08" in out
    assert "Yehu: 2 tasks, 2 open, 0 overdue, 0 closed out." in out
    rc, _, err = _cli(capsys, "task", "list", "--date", "2022-13-01")
    assert rc == 2 and "无法识别" in err
    rc, out, _ = _cli(capsys, "task", "void", "1", "--reason", "录错")
    assert rc == 0 and "#1" in out
    rc, _, err = _cli(capsys, "--lang", "en", "task", "void", "1", "--reason", "again")
    assert rc == 1 and "already voided" in err
    rc, out, _ = _cli(capsys, "task", "list", "--water-body", "tandu")
    assert rc == 0 and out.strip() == "整改清单未对该水体列出任务。"
