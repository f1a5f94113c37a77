import json
import zipfile

import geopandas as gpd
import pytest
from shapely import Point, Polygon, box

from geo.boundaries import BoundaryError, find_boundary_file, load_boundaries, load_boundary

LAKE = box(113.41, 29.64, 113.43, 29.66)
PROV = {"source": "survey 2026", "date": "2026-05-01", "provisional": False, "notes": "GPS walk"}


def lake_gdf(geom=LAKE, crs="EPSG:4490", **props):
    return gpd.GeoDataFrame([{**PROV, **props}], geometry=[geom], crs=crs)


def test_shipped_defaults_are_provisional_and_say_so():
    lake, sections = load_boundaries()
    for b in (lake, sections):
        assert b.provisional
        assert b.gdf.crs.to_epsg() == 4490
        assert "placeholder" in b.gdf.source.iloc[0]
        assert b.warnings == []
    assert "未知" in lake.gdf.notes.iloc[0]
    assert sections.gdf.section_id.tolist() == ["S1"]


@pytest.mark.parametrize("ext, driver", [(".geojson", "GeoJSON"), (".gpkg", "GPKG"), (".kml", "KML")])
def test_formats_with_crs_read_from_file(tmp_path, ext, driver):
    path = tmp_path / f"lake{ext}"
    lake_gdf().to_file(path, driver=driver)
    b = load_boundary(path, "lake")
    assert b.gdf.crs.to_epsg() == 4490
    assert b.gdf.geometry.iloc[0].equals_exact(LAKE, 1e-9)
    assert b.gdf.source.iloc[0] == "survey 2026"
    assert bool(b.gdf.provisional.iloc[0]) is False


def test_zipped_shapefile_in_projected_crs(tmp_path):
    shp_dir = tmp_path / "shp"
    shp_dir.mkdir()
    with pytest.warns(UserWarning, match="truncated"):
        lake_gdf().to_crs(4547).to_file(shp_dir / "lake.shp")
    path = tmp_path / "lake.zip"
    with zipfile.ZipFile(path, "w") as z:
        for f in shp_dir.iterdir():
            z.write(f, f.name)
    b = load_boundary(path, "lake")
    assert b.gdf.crs.to_epsg() == 4490
    assert b.gdf.geometry.iloc[0].symmetric_difference(LAKE).area < 1e-12
    # dBase cuts 'provisional' to 'provisiona': still read.
    assert bool(b.gdf.provisional.iloc[0]) is False and b.warnings == []


def test_geojson_without_crs_is_wgs84(tmp_path):
    path = tmp_path / "sections.geojson"
    path.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {"type": "Feature", "properties": {}, "geometry": {"type": "Point", "coordinates": [113.42, 29.65]}}
                ],
            }
        )
    )
    b = load_boundary(path, "sections")
    assert b.gdf.crs.to_epsg() == 4490
    assert (b.gdf.geometry.x.iloc[0], b.gdf.geometry.y.iloc[0]) == (113.42, 29.65)
    # No provenance in the file: provisional, source = file name, and a warning.
    assert bool(b.gdf.provisional.iloc[0]) is True
    assert b.gdf.source.iloc[0] == "sections.geojson"
    assert any("provenance" in str(w) or "source" in str(w) for w in b.warnings)


def test_invalid_polygon_repaired_and_reported(tmp_path):
    bowtie = Polygon([(113.41, 29.64), (113.43, 29.66), (113.43, 29.64), (113.41, 29.66)])
    path = tmp_path / "lake.geojson"
    lake_gdf(bowtie).to_file(path)
    b = load_boundary(path, "lake")
    assert b.gdf.geometry.iloc[0].is_valid
    assert b.gdf.geometry.iloc[0].area > 0
    assert any("Self-intersection" in str(w) and "make_valid" in str(w) for w in b.warnings)
    assert any("几何无效" in w.text() and "请核对" in w.text() for w in b.warnings)


@pytest.mark.parametrize(
    "gdf, kind, fragment",
    [
        (lake_gdf(Point(113.42, 29.65)), "lake", "feature 1 is a Point"),
        (lake_gdf(), "sections", "feature 1 is a Polygon"),
        (lake_gdf(box(10, 10, 11, 11)), "lake", "outside the area around the county"),
        (lake_gdf(box(113.41, 29.64, 113.43, 29.66), crs="EPSG:4547"), "lake", "outside the area around the county"),
        (lake_gdf(box(116.3, 39.9, 116.4, 40.0)), "lake", "outside the area around the county"),  # Beijing
        (lake_gdf(box(110.3, 20.0, 110.4, 20.1)), "lake", "outside the area around the county"),  # Hainan
    ],
)
def test_rejections_name_file_and_problem(tmp_path, gdf, kind, fragment):
    path = tmp_path / f"{kind}.gpkg"
    gdf.to_file(path)
    with pytest.raises(BoundaryError) as err:
        load_boundary(path, kind)
    assert fragment in str(err.value)
    # The file is named; the server's folder never is.
    assert str(err.value).startswith(f"{kind}.gpkg: ")
    assert str(tmp_path) not in str(err.value) and str(tmp_path) not in err.value.message("zh")


def test_missing_empty_and_unreadable(tmp_path):
    with pytest.raises(BoundaryError, match="file not found"):
        load_boundary(tmp_path / "lake.geojson", "lake")
    empty = tmp_path / "lake.geojson"
    empty.write_text('{"type": "FeatureCollection", "features": []}')
    with pytest.raises(BoundaryError, match="no features"):
        load_boundary(empty, "lake")
    junk = tmp_path / "junk.kml"
    junk.write_text("not a kml file")
    with pytest.raises(BoundaryError, match="content is not KML") as err:
        load_boundary(junk, "lake")
    assert err.value.message("zh") == "junk.kml：文件内容不是 KML 格式，与扩展名 .kml 不符"


def test_shapefile_without_prj(tmp_path):
    shp_dir = tmp_path / "shp"
    shp_dir.mkdir()
    lake_gdf().to_file(shp_dir / "lake.shp")
    (shp_dir / "lake.prj").unlink()
    path = tmp_path / "lake.zip"
    with zipfile.ZipFile(path, "w") as z:
        for f in shp_dir.iterdir():
            z.write(f, f.name)
    with pytest.raises(BoundaryError, match="no coordinate reference system"):
        load_boundary(path, "lake")


def test_find_file_one_of_each(tmp_path):
    with pytest.raises(BoundaryError, match="no file \\(lake.geojson"):
        find_boundary_file("lake", tmp_path)
    lake_gdf().to_file(tmp_path / "lake.geojson")
    assert find_boundary_file("lake", tmp_path).name == "lake.geojson"
    lake_gdf().to_file(tmp_path / "lake.gpkg")
    with pytest.raises(BoundaryError, match="several files, keep one: lake.geojson, lake.gpkg"):
        find_boundary_file("lake", tmp_path)


def test_drop_in_replacement_changes_provenance(data_copy):
    folder = data_copy / "boundaries"
    (folder / "lake.geojson").unlink()
    lake_gdf().to_file(folder / "lake.gpkg")
    lake, _ = load_boundaries(folder)
    assert not lake.provisional
    assert lake.path.name == "lake.gpkg"


def test_a_surveyor_s_chinese_field_names_are_read_and_noted(tmp_path):
    """测绘单位 / 测量日期 / 备注 / 名称 in a GBK Shapefile: read as source, date, notes, name, and said so;
    a canonical column present wins over its Chinese alias."""
    import pyogrio

    from geo.boundaries import load_boundary_bytes

    shape = box(500_000, 3_280_000, 501_000, 3_281_000)
    gdf = gpd.GeoDataFrame(
        {
            "名称": ["冶湖"],
            "测绘单位": ["临湘市测绘院"],
            "测量日期": ["2026-11-20"],
            "备注": ["实测岸线"],
            "来源": ["别的"],
        },
        geometry=[shape],
        crs=4547,
    )
    shp = tmp_path / "岸线.shp"
    pyogrio.write_dataframe(gdf, shp, driver="ESRI Shapefile", encoding="GBK")
    shp.with_suffix(".cpg").write_text("GBK", encoding="ascii")
    with zipfile.ZipFile(tmp_path / "岸线.zip", "w") as z:
        for f in sorted(tmp_path.glob("岸线.*")):
            if f.suffix != ".zip":
                z.write(f, f.name)
    b = load_boundary_bytes((tmp_path / "岸线.zip").read_bytes(), "岸线.zip", "lake")
    row = b.gdf.iloc[0]
    assert (row["name"], row["source"], row["date"], row["notes"]) == ("冶湖", "临湘市测绘院", "2026-11-20", "实测岸线")
    codes = {w.code: w for w in b.warnings}
    assert (
        codes["columns_read_as"].text("zh")
        == "按字段名读取：“名称”作为 name、“测绘单位”作为 source、“测量日期”作为 date、“备注”作为 notes"
    )
    assert codes["missing_columns"].params == {"columns": ["provisional"]}  # only what no field stands for
    # An English column already there is kept; its Chinese namesake is not read.
    gdf2 = gdf.assign(source="测绘院（英文列）")
    gdf2.to_file(tmp_path / "both.geojson", driver="GeoJSON")
    b2 = load_boundary_bytes((tmp_path / "both.geojson").read_bytes(), "both.geojson", "lake")
    assert b2.gdf.source.iloc[0] == "测绘院（英文列）"
    assert "测绘单位" not in {w.code: w for w in b2.warnings}["columns_read_as"].params["found"]
