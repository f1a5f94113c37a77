"""The weekly report (周报): written by the command on demo data, read back with poppler (pdftotext, pdftoppm)."""

import shutil
import subprocess
import sys
from datetime import date, datetime, timedelta

import pytest
from PIL import Image

from geo.dataset import load_dataset
from monitoring.digest import group_overdue, weekly_digest
from monitoring.progress import progress
from monitoring.report import weekly_report
from monitoring.samples import TZ, ParsedValue, SampleInput, week_bounds
from tests.conftest import ROOT, actor, require


def _poppler():
    require(bool(shutil.which("pdftotext") and shutil.which("pdftoppm")), "poppler-utils is not installed")


def _text(path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def test_report_command_on_demo_data_writes_a_pdf_that_reads_and_renders(tmp_path):
    _poppler()
    env = {"YEHU_DB": str(tmp_path / "demo.sqlite"), "PATH": "/usr/bin:/bin"}

    def run(*args):
        return subprocess.run(
            [sys.executable, "-m", "monitoring", *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )

    assert run("demo-data").returncode == 0
    pdf = tmp_path / "reports" / "r.pdf"  # a folder that does not exist yet
    out = run("report", "--week", "2022-W15", str(pdf))
    assert out.returncode == 0, out.stderr
    assert "2022-W15" in out.stdout
    assert pdf.read_bytes().startswith(b"%PDF")
    text = _text(pdf)
    for needle in ("冶湖", "总磷", "2022-W15", "2022-04-11", "退养进度", "逾期事项", "水质趋势", "目标III类"):
        assert needle in text, needle
    subprocess.run(["pdftoppm", "-f", "1", "-l", "1", "-r", "60", "-png", str(pdf), str(tmp_path / "p")], check=True)
    png = next(tmp_path.glob("p*.png"))
    img = Image.open(png).convert("L")
    assert img.size[0] > 400 and img.size[1] > img.size[0]  # A4 portrait
    dark = sum(img.histogram()[:128])  # pixels darker than mid-grey
    assert dark > 2000  # text and a map were drawn, not a blank page
    bad = run("report", "--week", "2022-15", str(tmp_path / "x.pdf"))
    assert bad.returncode == 2 and "2022-W15" in bad.stderr and "Traceback" not in bad.stderr


def test_report_holds_the_weeks_figures(store, tmp_path):
    _poppler()
    ds = load_dataset()
    today = date(2022, 4, 20)
    store.ledger.record(
        "1", "end_contract", date(2022, 4, 8), user=actor("u"), document_no="江南〔2022〕5号", today=today
    )
    store.samples.add(
        SampleInput("9", datetime(2022, 4, 12, 9, 30, tzinfo=TZ), ParsedValue(0.35, False, None)), user=actor("u")
    )
    monday = week_bounds("2022-W15")[0]
    for k in range(10):  # site 8 falls steadily: 向好
        when = monday - timedelta(weeks=9 - k) + timedelta(days=2, hours=9)
        store.samples.add(SampleInput("8", when, ParsedValue(round(0.3 - 0.02 * k, 3), False, None)), user=actor("u"))
    pdf = tmp_path / "r.pdf"
    pdf.write_bytes(weekly_report(store, ds, "2022-W15", today=today))
    text = _text(pdf)
    assert "本周超标点位 1 个：9" in text
    assert "向好" in text and "退养中" in text
    assert "解除承包经营合同" in text and "江南镇" in text and "聂市镇" in text
    en = tmp_path / "en.pdf"
    en.write_bytes(weekly_report(store, ds, "2022-W15", lang="en", today=today))
    assert "Yehu weekly report (2022-W15)" in _text(en) and "improving" in _text(en)


def test_overdue_groups_count_every_item(store):
    ds = load_dataset()
    fig = progress(store, ds.register, today=date(2022, 4, 20))
    groups = group_overdue(fig["overdue"])
    assert sum(g["count"] for g in groups) == len(fig["overdue"]) == 34
    first = groups[0]
    assert first["step"] == "stop_inputs" and first["town"] == "江南镇" and first["count"] == 12
    assert [p["pond_id"] for p in first["ponds"]] == sorted(p["pond_id"] for p in first["ponds"])
    d = weekly_digest(store, ds, "2022-W15", today=date(2022, 4, 20))
    assert d["day"] == date(2022, 4, 17) and d["overdue_groups"][0]["count"] == 12


@pytest.mark.parametrize("week", ["2022-W53", "W15"])
def test_bad_week_is_refused(store, week):
    with pytest.raises(ValueError):
        weekly_report(store, load_dataset(), week)


def test_a_past_weeks_report_shows_the_lake_as_it_was_then(store):
    ds = load_dataset()
    store.samples.add(
        SampleInput("S1", datetime(2022, 4, 13, 9, tzinfo=TZ), ParsedValue(0.02, False, None)), user=actor("u")
    )
    store.samples.add(
        SampleInput("S1", datetime(2022, 4, 27, 9, tzinfo=TZ), ParsedValue(0.3, False, None)), user=actor("u")
    )
    lake = weekly_digest(store, ds, "2022-W15", today=date(2022, 5, 1))["progress"]["lake"]
    s1 = next(x for x in lake if x["site"] == "S1")
    assert s1["grade"] == "II" and s1["meets_target"] and s1["latest_at"].startswith("2022-04-13")
    later = weekly_digest(store, ds, "2022-W17", today=date(2022, 5, 1))["progress"]["lake"]
    assert next(x for x in later if x["site"] == "S1")["grade"] == "劣V"


def test_report_note_follows_the_provenance_of_the_boundaries(store, tmp_path):
    from geo.boundaries import load_boundaries
    from geo.provenance import apply_provenance
    from i18n import t

    _poppler()
    lake, _ = load_boundaries()
    texts = {}
    for which, ds in (
        ("both", load_dataset()),
        ("sections", load_dataset(lake=apply_provenance(lake, "surveyed", "x"))),
    ):
        pdf = tmp_path / f"{which}.pdf"
        pdf.write_bytes(weekly_report(store, ds, "2022-W15", today=date(2022, 4, 20)))
        texts[which] = "".join(_text(pdf).split())
    assert t("prov.report.both", "zh") in texts["both"]
    assert t("prov.report.sections", "zh") in texts["sections"]
    for which in ("both", "lake"):  # the surveyed outline is not called a placeholder
        assert t(f"prov.report.{which}", "zh") not in texts["sections"]
