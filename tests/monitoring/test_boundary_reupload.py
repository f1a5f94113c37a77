"""The project's own GPKG, KML and GeoJSON exports upload back as the lake or section layer (SQLite and PostgreSQL)."""

import pytest

from geo.dataset import load_dataset
from monitoring.export import geo_export
from tests.conftest import actor


@pytest.fixture(scope="module")
def exports():
    ds = load_dataset()
    return {
        "yehu.gpkg": geo_export(ds, "gpkg"),
        "yehu.kml": geo_export(ds, "kml"),
        "yehu-lake.geojson": geo_export(ds, "geojson", layer="lake"),
        "yehu-sections.geojson": geo_export(ds, "geojson", layer="sections"),
    }


@pytest.mark.parametrize("kind", ["lake", "sections"])
def test_own_exports_upload_through_the_store(store, exports, kind):
    from monitoring.bootstrap import current_dataset

    original = load_dataset()
    for name in ("yehu.gpkg", "yehu.kml", f"yehu-{kind}.geojson"):
        store.register.upload_boundary(kind, name, exports[name], user=actor("admin"))
        ds = current_dataset(store)
        layer = (ds.lake if kind == "lake" else ds.sections).gdf
        before = (original.lake if kind == "lake" else original.sections).gdf
        assert len(layer) == 1
        assert layer.geometry.iloc[0].distance(before.geometry.iloc[0]) < 1e-9
        assert layer.geometry.iloc[0].symmetric_difference(before.geometry.iloc[0]).area < 1e-9
