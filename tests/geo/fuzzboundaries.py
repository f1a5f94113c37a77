"""Generated boundary files, hostile and careless, for fuzzing the boundary upload (bench/fuzz_boundaries.py).

``files(n, seed)`` yields ``(content, filename, kind)``: valid files in every format, and files broken
the ways they are in the wild or by an attacker (flipped bytes, truncation, wrong extension, odd
GeoJSON members and coordinates, DTDs, VRT documents, odd zips, random bytes).
"""

import io
import json
import math
import random
import tempfile
import zipfile
from pathlib import Path

import geopandas as gpd
from shapely import Point, box

FORMATS = {".geojson": "GeoJSON", ".gpkg": "GPKG", ".kml": "KML", ".zip": "ESRI Shapefile"}
ODD_TEXT = ["", "湖", "x" * 5000, "a\x00b", "<script>alert(1)</script>", '=HYPERLINK("http://x")', "[a](http://x)"]
ODD_NUMBERS = [math.nan, math.inf, -math.inf, 1e308, -1e308, 1e-320, 0, 181, -91, "113.4", None, [], {}]


def _valid(rng: random.Random, ext: str, kind: str) -> bytes:
    if kind == "lake":
        x, y = 113.41 + rng.uniform(-0.05, 0.05), 29.64 + rng.uniform(-0.05, 0.05)
        geoms = [box(x, y, x + 0.02, y + 0.02)]
    else:
        geoms = [
            Point(113.42 + rng.uniform(-0.05, 0.05), 29.65 + rng.uniform(-0.05, 0.05)) for _ in range(rng.randint(1, 4))
        ]
    props = {
        "name": [rng.choice(ODD_TEXT[:2] + ODD_TEXT[4:]) or f"f{i}" for i in range(len(geoms))],
        "source": ["fuzz"] * len(geoms),
        "provisional": [rng.choice([True, False])] * len(geoms),
    }
    if kind == "sections":
        props["section_id"] = [f"S{i}" for i in range(len(geoms))]
    crs = rng.choice(["EPSG:4490", "EPSG:4326", "EPSG:4547"])
    gdf = gpd.GeoDataFrame(props, geometry=geoms, crs="EPSG:4490").to_crs(crs)
    with tempfile.TemporaryDirectory() as tmp:
        if ext == ".zip":
            folder = Path(tmp) / "shp"
            folder.mkdir()
            import warnings

            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                gdf.to_file(folder / f"{kind}.shp", driver="ESRI Shapefile", encoding="utf-8")
            buf = io.BytesIO()
            with zipfile.ZipFile(buf, "w") as z:
                for f in sorted(folder.iterdir()):
                    z.write(f, f.name)
            return buf.getvalue()
        path = Path(tmp) / f"{kind}{ext}"
        if ext == ".kml":
            gdf = gdf.to_crs(4326)
        gdf.to_file(path, driver=FORMATS[ext])
        return path.read_bytes()


def _geojson_doc(rng: random.Random, kind: str) -> dict:
    feats = []
    for i in range(rng.randint(0, 3)):
        if kind == "lake":
            x, y = 113.41, 29.64
            coords = [[[x, y], [x + 0.02, y], [x + 0.02, y + 0.02], [x, y + 0.02], [x, y]]]
            geom = {"type": "Polygon", "coordinates": coords}
        else:
            geom = {"type": "Point", "coordinates": [113.42, 29.65]}
        feats.append({"type": "Feature", "properties": {"name": f"f{i}", "section_id": f"S{i}"}, "geometry": geom})
    return {"type": "FeatureCollection", "features": feats}


def _mutate_json(rng: random.Random, doc: dict, canary: str) -> dict:
    choice = rng.randrange(12)
    feats = doc["features"]
    if choice == 0:
        doc["crs"] = rng.choice(
            [
                {"type": "link", "properties": {"href": "http://127.0.0.1:9/crs"}},
                {"type": "name", "properties": {"name": "/vsicurl/http://127.0.0.1:9/x"}},
                {"type": "name", "properties": {"name": f"{canary}"}},
                {"type": "name", "properties": {"name": "EPSG:4547"}},
                {"type": "name", "properties": {"name": "EPSG:999999"}},
                "EPSG:4490",
                None,
            ]
        )
    elif choice == 1 and feats:
        geom = feats[0]["geometry"]
        target = geom["coordinates"] if geom["type"] == "Point" else geom["coordinates"][0][1]
        target[rng.randrange(2)] = rng.choice(ODD_NUMBERS)
    elif choice == 2 and feats:
        feats[0]["geometry"] = rng.choice(
            [None, {}, {"type": "Nope"}, {"type": "Point"}, {"type": "Polygon", "coordinates": []}]
        )
    elif choice == 3:
        doc["features"] = rng.choice([None, {}, "x", [None], [1, 2]])
    elif choice == 4:
        doc["type"] = rng.choice(["Feature", "Topology", "", None, "GeometryCollection"])
    elif choice == 5 and feats:
        feats[0]["properties"] = {rng.choice(ODD_TEXT) or "k": rng.choice(ODD_TEXT + ODD_NUMBERS[:5])}
    elif choice == 6:
        deep: dict = {}
        node = deep
        for _ in range(rng.choice([50, 500])):
            node["geometry"] = {}
            node = node["geometry"]
        doc["features"] = [deep]
    elif choice == 7:
        doc["features"] = feats * rng.choice([60, 300])
    elif choice == 8 and feats:
        feats[0]["geometry"] = {"type": "Point", "coordinates": [116.4, 39.9]}  # Beijing
    elif choice == 9 and feats:
        feats[0]["crs"] = {"type": "link", "properties": {"href": "file:///etc/passwd"}}
    elif choice == 10 and feats:
        feats[0]["geometry"]["coordinates"] = [[[113.41, 29.64]] * rng.choice([1, 2, 3])]
        feats[0]["geometry"]["type"] = "Polygon"
    return doc


def _vrt(canary: str) -> bytes:
    return (
        f"<OGRVRTDataSource><OGRVRTLayer name='lake'><SrcDataSource>CSV:{canary}</SrcDataSource>"
        "<SrcLayer>canary</SrcLayer><GeometryType>wkbPolygon</GeometryType>"
        "<GeometryField encoding='WKT' field='wkt'/></OGRVRTLayer></OGRVRTDataSource>"
    ).encode()


def _zip(members) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, data in members:
            z.writestr(name, data)
    return buf.getvalue()


def files(n: int, seed: int = 1, canary: str = "/nonexistent/canary.csv"):
    """Yield ``n`` generated ``(content, filename, kind)`` triples."""
    rng = random.Random(seed)
    valid_cache: dict = {}
    for i in range(n):
        kind = rng.choice(["lake", "sections"])
        ext = rng.choice(list(FORMATS))
        key = (ext, kind, i % 5)
        if key not in valid_cache:
            valid_cache[key] = _valid(rng, ext, kind)
        base = valid_cache[key]
        strategy = rng.randrange(10)
        name = f"{kind}{ext}"
        if strategy == 0:
            data = base
        elif strategy == 1:
            data = bytearray(base)
            for _ in range(rng.randint(1, 20)):
                data[rng.randrange(len(data))] = rng.randrange(256)
            data = bytes(data)
        elif strategy == 2:
            data = base[: rng.randrange(len(base))]
        elif strategy == 3:
            other = rng.choice([e for e in FORMATS if e != ext])
            data, name = base, f"{kind}{other}"
        elif strategy in (4, 5):
            data = json.dumps(_mutate_json(rng, _geojson_doc(rng, kind), canary), allow_nan=True).encode()
            name = f"{kind}{rng.choice(['.geojson', '.json'])}"
        elif strategy == 6:
            data = rng.choice(
                [
                    b'<?xml version="1.0"?><!DOCTYPE kml [<!ENTITY x SYSTEM "file:///etc/passwd">]><kml>&x;</kml>',
                    b"<kml><Document><Placemark><Point><coordinates>nan,nan</coordinates></Point></Placemark></Document></kml>",
                    b"<notkml/>",
                    _vrt(canary),
                    b'<?xml version="1.0"?><kml xmlns="http://www.opengis.net/kml/2.2"><Document/></kml>',
                ]
            )
            name = f"{kind}.kml"
        elif strategy == 7:
            data = _zip(
                rng.choice(
                    [
                        [(f"{kind}.shp", _vrt(canary))],
                        [("readme.txt", b"x")],
                        [(f"{kind}.shp", b"\x00\x00\x27\x0a" + bytes(rng.randrange(256) for _ in range(200)))],
                        [("a/../../x.shp", b"x")],
                        [("inner.zip", base)],
                        [(f"{kind}.shp", base[:100]), (f"{kind}.dbf", b"garbage")],
                    ]
                )
            )
            name = f"{kind}.zip"
        elif strategy == 8:
            data = bytes(rng.randrange(256) for _ in range(rng.randint(0, 2000)))
            name = f"{kind}{rng.choice(list(FORMATS) + ['.vrt', '.txt', ''])}"
        else:
            data = _vrt(canary)
            name = f"{kind}{rng.choice(['.geojson', '.json', '.kml', '.gpkg'])}"
        yield data, name, kind
