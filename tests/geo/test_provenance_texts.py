"""The 暂定 marks follow each layer's provenance: map label, tooltips, legend, corner banner, CLI footer."""

import re

import pytest

from geo.boundaries import load_boundaries, load_boundary_bytes
from geo.dataset import load_dataset
from geo.mapping import build_map
from geo.mapping.palette import SECTION_WARN_STYLE
from geo.provenance import apply_provenance, describe_provenance, which_provisional
from i18n import t
from tests.surveyfiles import NAME, OFFICE, surveyed_lake_zip


def rendered(ds, lang="zh") -> str:
    """The map's page, with the \\u escapes folium writes in its JSON decoded."""
    html = build_map(ds, lang, "none", None, None).get_root().render()
    return re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), html)


@pytest.fixture(scope="module")
def surveyed():
    lake = load_boundary_bytes(surveyed_lake_zip(), "冶湖岸线实测.zip", "lake")
    return load_dataset(lake=apply_provenance(lake, "surveyed", f"{OFFICE} 测字2026-118号", "2026-11-20", "刘工"))


def test_shipped_boundaries_say_provisional_for_both():
    ds = load_dataset()
    assert ds.which_provisional == "both"
    html = rendered(ds)
    assert t("prov.short.both", "zh") in html and t("prov.legend.both", "zh") in html
    assert "（暂定）" in html


def test_a_surveyed_lake_drops_its_marks_and_keeps_the_sections(surveyed):
    assert surveyed.which_provisional == "sections"
    assert describe_provenance(surveyed.lake.gdf) == ["实测（2026-11-20，填报：刘工）"]
    for lang in ("zh", "en"):
        html = rendered(surveyed, lang)
        assert t("prov.short.sections", lang) in html and t("prov.legend.sections", lang) in html
        for which in ("both", "lake"):
            assert t(f"prov.short.{which}", lang) not in html and t(f"prov.legend.{which}", lang) not in html
    html = rendered(surveyed)
    assert f'yehu-label\\">{NAME}<' in html or f'yehu-label">{NAME}<' in html  # no （暂定） after the name
    assert "实测（2026-11-20，填报：刘工）" in html and OFFICE in html
    assert not surveyed.ban_zone.provisional.any() and surveyed.nofish_zones.provisional.all()


def test_the_off_shore_section_is_flagged_on_the_map(surveyed):
    [problem] = surveyed.section_problems
    assert problem.section_id == "S1" and problem.problem == "outside" and 600 < problem.distance_m < 900
    html = rendered(surveyed)
    assert "位置核查" in html and "断面 S1 位于湖泊轮廓之外" in html
    assert SECTION_WARN_STYLE["dashArray"] in html


def test_nothing_flagged_and_nothing_provisional_when_both_are_surveyed():
    lake, sections = load_boundaries()
    ds = load_dataset(
        lake=apply_provenance(lake, "surveyed", "x"), sections=apply_provenance(sections, "digitised", "y")
    )
    assert ds.which_provisional is None and not ds.provisional
    html = rendered(ds)
    for which in ("both", "lake", "sections"):
        assert t(f"prov.short.{which}", "zh") not in html and t(f"prov.legend.{which}", "zh") not in html
    assert "（暂定）" not in html and "暂定（" not in html  # no label suffix, no provenance 暂定 in a tooltip
    assert "实测" in html and "影像勾绘" in html
    assert which_provisional(True, False) == "lake"


def test_geo_classify_footer_names_the_provisional_layer(surveyed, capsys):
    from geo.__main__ import _classify

    _classify(surveyed, "en", "table")
    out = capsys.readouterr().out
    assert t("prov.footer.sections", "en") in out and t("prov.footer.both", "en") not in out


def test_geo_check_says_what_a_file_states(tmp_path, capsys):
    import shutil

    from geo.__main__ import _check
    from geo.register import data_dir
    from monitoring.export import geo_export

    folder = tmp_path / "data"
    shutil.copytree(data_dir(), folder)
    lake, _ = load_boundaries()
    surveyed = load_dataset(lake=apply_provenance(lake, "surveyed", "测绘院", "2026-11-20"))
    (folder / "boundaries" / "lake.geojson").write_bytes(geo_export(surveyed, "geojson", layer="lake"))
    ds = load_dataset(folder)
    assert not ds.lake.provisional and ds.which_provisional == "sections"
    _check(ds, "zh")
    out = capsys.readouterr().out
    assert "湖泊轮廓：lake.geojson，1 个要素，实测（2026-11-20）" in out
    assert "断面 S1 在湖内距岸线" in out  # the placeholder section, far inside the placeholder circle
