import geopandas as gpd
import pytest
from shapely.geometry import Point

from geo.boundaries import load_boundaries
from geo.crs import to_metric
from geo.provenance import apply_provenance, check_sections


def sections_at(points_4547):
    gdf = gpd.GeoDataFrame({"section_id": [f"S{i + 1}" for i in range(len(points_4547))]}, geometry=points_4547)
    return gdf.set_crs(4547).to_crs(4490)


def test_section_points_outside_far_inside_and_near_the_shore():
    lake, _ = load_boundaries()
    poly = to_metric(lake.gdf).geometry.iloc[0]
    shore = poly.exterior
    on_shore = shore.interpolate(0.3, normalized=True)
    centre = poly.representative_point()
    # a point 700 m outside: from a shore point, away from the centre
    dx, dy = on_shore.x - centre.x, on_shore.y - centre.y
    n = (dx**2 + dy**2) ** 0.5
    outside = Point(on_shore.x + dx / n * 700, on_shore.y + dy / n * 700)
    near = Point(on_shore.x - dx / n * 50, on_shore.y - dy / n * 50)
    checks = check_sections(lake.gdf, sections_at([outside, near, centre]))
    assert [c.problem for c in checks] == ["outside", None, "far_inside"]
    assert checks[0].distance_m == pytest.approx(700, abs=150)


def test_surveyed_provenance_clears_the_provisional_mark():
    lake, _ = load_boundaries()
    assert lake.provisional
    surveyed = apply_provenance(lake, "surveyed", source="岳阳市测绘院 2026-11 实测", date="2026-11-20", by="admin")
    assert not surveyed.provisional and set(surveyed.gdf.provenance) == {"surveyed"}
    assert surveyed.gdf.source.iloc[0] == "岳阳市测绘院 2026-11 实测" and lake.provisional
    assert apply_provenance(lake, "provisional").provisional
    with pytest.raises(ValueError):
        apply_provenance(lake, "guessed")
