"""Multi-layer boundary files: the layer to load is the one asked for, else the one named after the kind."""

import pytest

from geo.boundaries import BoundaryError, list_layers, load_boundary_bytes
from geo.dataset import load_dataset
from monitoring.export import geo_export


@pytest.fixture(scope="module")
def exports():
    ds = load_dataset()
    return {
        "yehu.gpkg": geo_export(ds, "gpkg"),
        "yehu.kml": geo_export(ds, "kml"),
        "yehu-lake.geojson": geo_export(ds, "geojson", layer="lake"),
        "yehu-sections.geojson": geo_export(ds, "geojson", layer="sections"),
    }


@pytest.mark.parametrize("name", ["yehu.gpkg", "yehu.kml", "yehu-lake.geojson"])
def test_own_exports_load_back_as_the_lake(exports, name):
    b = load_boundary_bytes(exports[name], name, "lake")
    original = load_dataset().lake.gdf
    assert len(b.gdf) == 1 and b.gdf.geom_type.iloc[0] in ("Polygon", "MultiPolygon")
    assert b.gdf.geometry.iloc[0].symmetric_difference(original.geometry.iloc[0]).area < 1e-9
    if name != "yehu-lake.geojson":
        assert "other layers were not read" in str(b.warnings[0]) and "另有图层未读取" in b.warnings[0].text("zh")


@pytest.mark.parametrize("name", ["yehu.gpkg", "yehu.kml", "yehu-sections.geojson"])
def test_own_exports_load_back_as_the_sections(exports, name):
    b = load_boundary_bytes(exports[name], name, "sections")
    assert list(b.gdf.geom_type) == ["Point"]
    assert b.gdf.section_id.iloc[0] == load_dataset().sections.gdf.section_id.iloc[0]


def test_a_layer_asked_for_by_name(exports, tmp_path):
    path = tmp_path / "yehu.gpkg"
    path.write_bytes(exports["yehu.gpkg"])
    assert [n for n, _ in list_layers(path)] == ["ponds", "lake", "ban_zone", "nofish_zones", "sections"]
    ban = load_boundary_bytes(exports["yehu.gpkg"], "yehu.gpkg", "lake", layer="ban_zone")
    assert ban.gdf.geometry.iloc[0].area > load_dataset().lake.gdf.geometry.iloc[0].area
    with pytest.raises(BoundaryError) as err:
        load_boundary_bytes(exports["yehu.gpkg"], "yehu.gpkg", "lake", layer="nope")
    assert err.value.code == "boundary.layer_not_found" and "/tmp" not in err.value.message("zh")
    with pytest.raises(BoundaryError) as err:
        load_boundary_bytes(exports["yehu.gpkg"], "yehu.gpkg", "lake", layer="sections")
    assert err.value.code == "boundary.wrong_type"
