"""Boundary files as a surveying office sends them: a zipped Shapefile in EPSG:4547 with GBK attributes and a .cpg."""

import io
import tempfile
import zipfile
from pathlib import Path

import geopandas as gpd
import pyogrio
from shapely import affinity

from geo.boundaries import load_boundaries

#: The surveyed lake's name and the office's attributes, as written in the file (GBK).
NAME = "冶湖"
OFFICE = "岳阳市勘测设计院"


def surveyed_lake_zip(shift_m: float = 1500.0) -> bytes:
    """The shipped placeholder outline moved ``shift_m`` metres east, as a surveyor's zipped Shapefile.

    With the default shift the shipped section point (the placeholder circle's centre, 750 m
    inside) lies about 750 m outside the new shore, on land.
    """
    lake, _ = load_boundaries()
    metric = lake.gdf.to_crs(4547)
    shape = affinity.translate(metric.geometry.iloc[0], xoff=shift_m)
    gdf = gpd.GeoDataFrame(
        {"name": [NAME], "测绘单位": [OFFICE], "测量日期": ["2026-11-20"], "面积公顷": [round(shape.area / 1e4, 2)]},
        geometry=[shape],
        crs=4547,
    )
    buf = io.BytesIO()
    with tempfile.TemporaryDirectory() as tmp:
        shp = Path(tmp) / "冶湖岸线.shp"
        pyogrio.write_dataframe(gdf, shp, driver="ESRI Shapefile", encoding="GBK")
        shp.with_suffix(".cpg").write_text("GBK", encoding="ascii")
        with zipfile.ZipFile(buf, "w") as z:
            for f in sorted(Path(tmp).iterdir()):
                z.write(f, f.name)
    return buf.getvalue()
