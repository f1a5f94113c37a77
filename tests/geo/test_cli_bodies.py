"""``python -m geo bodies`` / ``--water-body`` and ``python -m monitoring weekly --water-body``, both languages."""

import json
import subprocess
import sys

from tests.conftest import ROOT


def run(module, *args, db=None):
    env = {"PATH": "/usr/bin:/bin", **({"YEHU_DB": str(db)} if db else {})}
    return subprocess.run(
        [sys.executable, "-m", module, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=180
    )


def test_geo_bodies_lists_each_body_with_pending_sections():
    zh = run("geo", "bodies")
    assert zh.returncode == 0, zh.stderr
    assert "冶湖（yehu）" in zh.stdout and "黄盖湖（huanggai）" in zh.stdout
    assert "YTCY 源潭河长源断面（—）— 位置待定" in zh.stdout and "TDXQ 坦渡河新桥断面（—）— 位置待定" in zh.stdout
    assert "河流（GB 3838 河流标准）" in zh.stdout and "目标 III 类（暂定，待核实）" in zh.stdout
    assert "轮廓/中心线：未知（未找到源潭河的中心线。）" in zh.stdout and "2022-03-28 TP 0.16 mg/L" in zh.stdout
    en = run("geo", "--lang", "en", "bodies", "--water-body", "huanggai")
    assert en.returncode == 0 and en.stdout.startswith("Huanggai Lake (huanggai) · lake")
    assert "nature reserve buffer zone" in en.stdout and "not used in any zone answer" in en.stdout
    assert "Yehu" not in en.stdout


def test_geo_classify_by_body():
    yehu = json.loads(run("geo", "classify", "--format", "json", "--water-body", "yehu").stdout)
    every = json.loads(run("geo", "classify", "--format", "json").stdout)
    assert yehu == every and len(yehu) == 17
    hg = run("geo", "classify", "--format", "json", "--water-body", "huanggai")
    assert hg.returncode == 0 and json.loads(hg.stdout) == [] and "黄盖湖没有登记的鱼塘或养殖场" in hg.stderr
    bad = run("geo", "--lang", "en", "classify", "--water-body", "erhai")
    assert bad.returncode == 1 and "'erhai'" in bad.stderr and "Choose from: all, yehu" in bad.stderr
    assert "Traceback" not in bad.stderr


def test_weekly_by_body_and_breakdown(tmp_path):
    db = tmp_path / "w.sqlite"
    out = json.loads(run("monitoring", "weekly", "--week", "2022-W13", "--format", "json", db=db).stdout)
    assert out["by_water_body"]["yuantan"] == {"compliant": 1} and out["by_water_body"]["huanggai"] == {}
    assert out["by_water_body"]["yehu"] == {"missing": 18}
    river = json.loads(
        run("monitoring", "weekly", "--week", "2022-W13", "--format", "json", "--water-body", "yuantan", db=db).stdout
    )
    assert [(s["site_code"], s["limit_mg_l"], s["grade"]) for s in river["sites"]] == [("YTCY", 0.2, "III")]
    assert "by_water_body" not in river
    table = run("monitoring", "--lang", "en", "weekly", "--week", "2022-W13", db=db).stdout
    assert "Yuantan River: compliant: 1 site" in table and "Huanggai Lake: —" in table
    bad = run("monitoring", "weekly", "--week", "2022-W13", "--water-body", "x", db=db)
    assert bad.returncode == 2 and "没有这个水体" in bad.stderr


def _pdf_text(path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def test_report_and_export_by_body(tmp_path):
    from tests.monitoring.test_report import _poppler

    _poppler()
    db = tmp_path / "r.sqlite"
    every = run("monitoring", "report", "--week", "2022-W14", str(tmp_path / "all.pdf"), db=db)
    assert every.returncode == 0, every.stderr
    text = _pdf_text(tmp_path / "all.pdf")
    assert "水体：全部水体" in text and all(n in text for n in ("冶湖", "黄盖湖", "源潭河", "坦渡河"))
    river = run(
        "monitoring",
        "--lang",
        "en",
        "report",
        "--week",
        "2022-W14",
        "--water-body",
        "yuantan",
        str(tmp_path / "yt.pdf"),
        db=db,
    )
    assert river.returncode == 0, river.stderr
    text = _pdf_text(tmp_path / "yt.pdf")
    assert "Water body: Yuantan River" in text and "river (GB 3838 river table)" in text and "YTCY" in text
    assert "Huanggai" not in text and "1 km ban zone" not in text  # no Yehu map in a river's report
    refused = run("monitoring", "export", "--format", "kml", "--water-body", "tandu", str(tmp_path / "x.kml"), db=db)
    assert refused.returncode == 1 and "坦渡河没有登记的鱼塘" in refused.stderr and not (tmp_path / "x.kml").exists()
    ok = run("monitoring", "export", "--format", "kml", "--water-body", "yehu", str(tmp_path / "y.kml"), db=db)
    assert ok.returncode == 0 and (tmp_path / "y.kml").stat().st_size > 1000


def test_add_site_to_a_body(tmp_path):
    db = tmp_path / "s.sqlite"
    ok = run(
        "monitoring",
        "add-site",
        "HG1",
        "--kind",
        "section",
        "--name",
        "黄盖湖断面",
        "--at",
        "E113.30 N29.50",
        "--water-body",
        "huanggai",
        db=db,
    )
    assert ok.returncode == 0, ok.stderr
    week = run("monitoring", "--lang", "en", "weekly", "--week", "2022-W13", "--water-body", "huanggai", db=db)
    assert week.returncode == 0 and "No site was due or sampled that week." in week.stdout  # added today: not before
    bad = run(
        "monitoring",
        "--lang",
        "en",
        "add-site",
        "HG2",
        "--kind",
        "section",
        "--name",
        "x",
        "--at",
        "E113.30 N29.50",
        "--water-body",
        "erhai",
        db=db,
    )
    assert bad.returncode == 2 and "'erhai'" in bad.stderr and "Traceback" not in bad.stderr
