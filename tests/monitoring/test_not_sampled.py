"""Rows a lab marks 未采 / — / empty: recorded as "not sampled" with the file's reason, or skipped."""

import io
import json
from datetime import date

import openpyxl
import pandas as pd
import pytest

from geo.dataset import load_dataset
from monitoring.export import ledger_workbook
from monitoring.importer import import_file, parse_file, resolver_for
from tests.conftest import actor, refused
from tests.monitoring import labfiles
from tests.monitoring.test_export import rows_of
from tests.monitoring.test_importer import run_cli

INSP = actor("insp")


@pytest.mark.parametrize("build, name", [(labfiles.xlsx, "第15周.xlsx"), (labfiles.csv, "第15周.csv")])
def test_recorded_with_the_samples_and_its_reason(store, build, name):
    result = import_file(store, build(), name, user=INSP, not_sampled="record")
    assert result.errors == [] and result.written == 5 and result.not_sampled == 1 and result.skipped == 0
    got = store.not_sampled.of_weeks(["2022-W15"])
    assert list(zip(got.site_code, got.day, got.reason, strict=True)) == [("7", date(2022, 4, 14), "未采（停产）")]
    assert got.batch_id.iloc[0] and got.created_by.iloc[0] == "insp"
    week = store.samples.weekly("2022-W15").set_index("site_code")
    assert week.loc["7", "status"] == "missing" and week.loc["7", "not_sampled"] == "未采（停产）"
    assert week.loc["6", "status"] == "missing" and pd.isna(week.loc["6", "not_sampled"])
    assert pd.isna(week.loc["5", "not_sampled"])  # sampled
    # One audit row for the import, naming the entry and every sample it wrote.
    log = store.audit.log(action="sample.import")
    assert len(log) == 1
    after = json.loads(log.after.iloc[0])
    assert after["not_sampled"] == [
        {"site_code": "7", "parameter": "TP", "day": "2022-04-14", "reason": "未采（停产）"}
    ]
    assert sorted(after["sample_uids"]) == sorted(store.samples.find().sample_uid)
    assert after["samples_per_site"] == {"1": 1, "13": 1, "5": 1, "8": 1, "9": 1}


def test_skipped_writes_no_entry(store):
    result = import_file(store, labfiles.xlsx(), "a.xlsx", user=INSP, not_sampled="skip")
    assert result.written == 5 and result.skipped == 1 and result.not_sampled == 0
    assert store.not_sampled.of_weeks(["2022-W15"]).empty


def test_all_or_nothing_with_the_samples(store):
    """A sample already stored rejects the file: neither the samples nor the not-sampled entry are written."""
    first = [("8号", "2022/4/12", "0.05", None, "")]
    assert import_file(store, labfiles.csv(rows=first), "a.csv", user=INSP).written == 1
    rows = [("7号塘", "2022/4/14", "未采", None, "停产"), ("塘8", "2022/4/12", "0.06", None, "")]
    result = import_file(store, labfiles.xlsx(rows=rows), "b.xlsx", user=INSP, not_sampled="record")
    assert result.written == 0 and result.not_sampled == 0
    assert [(e.row, e.code) for e in result.errors] == [(5, "sample.duplicate")]
    assert store.not_sampled.of_weeks(["2022-W15"]).empty and store.samples.count() == 1


def test_already_recorded_or_incomplete_rows_are_row_errors(store):
    rows = [("7号塘", "2022/4/14", "未采", None, "停产")]
    assert import_file(store, labfiles.csv(rows=rows), "a.csv", user=INSP, not_sampled="record").not_sampled == 1
    again = import_file(store, labfiles.xlsx(rows=rows), "b.xlsx", user=INSP, not_sampled="record")
    assert [(e.row, e.column, e.code) for e in again.errors] == [(4, "总磷(mg/L)", "import.not_sampled_recorded")]
    assert "已记录为未采样" in again.errors[0].message("zh") and "already recorded" in again.errors[0].message("en")
    long_note = [("6号塘", "2022/4/14", "—", None, "长" * 300), ("6号塘", "", "未采", None, "")]
    bad = import_file(store, labfiles.csv(rows=long_note), "c.csv", user=INSP, not_sampled="record")
    assert [(e.row, e.code) for e in bad.errors] == [
        (5, "input.missing"),  # the row without a date: an error either way
        (4, "import.not_sampled_reason_long"),
    ]
    assert len(store.not_sampled.of_weeks(["2022-W15"])) == 1


def test_a_file_of_only_not_sampled_rows_can_be_recorded(store):
    rows = [("7号塘", "2022/4/14", "未采", None, "停产"), ("塘6", "2022年4月14日", "", None, "塘干")]
    parsed = parse_file(labfiles.xlsx(rows=rows), "a.xlsx", resolver_for(store))
    skip = import_file(store, labfiles.xlsx(rows=rows), "a.xlsx", user=INSP, parsed=parsed)
    assert skip.errors[0].code == "import.no_samples"
    done = import_file(store, labfiles.xlsx(rows=rows), "a.xlsx", user=INSP, parsed=parsed, not_sampled="record")
    assert done.errors == [] and done.not_sampled == 2 and done.written == 0
    assert store.not_sampled.reasons(["2022-W15"]) == {("7", "2022-W15"): "未采（停产）", ("6", "2022-W15"): "塘干"}


def test_recorded_directly_and_refused_for_a_viewer(store):
    from monitoring.auth import CONSOLE, PermissionDenied

    store.accounts.create("reader", "reader-password", "viewer", user=CONSOLE)
    entry = {"site_code": "3", "day": date(2022, 4, 13), "reason": "停产"}
    with pytest.raises(PermissionDenied):
        store.not_sampled.record([entry], user=actor("reader", "viewer"))
    assert store.not_sampled.record([entry], user=INSP) == 1
    assert store.not_sampled.of_weeks(["2022-W15"]).week.tolist() == ["2022-W15"]
    with refused("import.not_sampled_recorded"):
        store.not_sampled.record([entry], user=INSP)
    with refused("sample.unknown_site"):
        store.not_sampled.record([entry | {"site_code": "99"}], user=INSP)
    assert store.audit.log(action="sample.not_sampled").shape[0] == 1


def test_ledger_weekly_sheet_says_not_sampled_with_the_reason(store):
    import_file(store, labfiles.xlsx(), "a.xlsx", user=INSP, not_sampled="record")
    for lang, sheet, site, unsampled in [
        ("zh", "每周达标", "点位", "未采"),
        ("en", "Weekly compliance", "Site", "not sampled"),
    ]:
        wb = openpyxl.load_workbook(
            io.BytesIO(ledger_workbook(store, load_dataset(), today=date(2022, 4, 20), lang=lang))
        )
        grid = {r[site]: r for r in rows_of(wb[sheet])}
        assert grid["7"]["2022-W15"] == ("未采（停产）" if lang == "zh" else "not sampled (未采（停产）)")
        assert grid["6"]["2022-W15"] == unsampled and grid["5"]["2022-W15"] != unsampled


def test_command_line_records_and_weekly_shows_the_reason(tmp_path):
    f = tmp_path / "第15周.xlsx"
    f.write_bytes(labfiles.xlsx())
    assert run_cli(tmp_path, "db", "upgrade").returncode == 0
    ok = run_cli(tmp_path, "import-samples", "--not-sampled", "record", str(f))
    assert ok.returncode == 0, ok.stderr
    assert "记录未采样 1 条" in ok.stdout
    wk = json.loads(run_cli(tmp_path, "weekly", "--week", "2022-W15", "--format", "json").stdout)
    site7 = next(s for s in wk["sites"] if s["site_code"] == "7")
    assert site7["status"] == "missing" and site7["not_sampled"] == "未采（停产）"
    table = run_cli(tmp_path, "--lang", "en", "weekly", "--week", "2022-W15")
    assert "not sampled because" in table.stdout and "未采（停产）" in table.stdout
    bad = run_cli(tmp_path, "import-samples", "--not-sampled", "maybe", str(f))
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
