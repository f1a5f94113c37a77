"""Hostile boundary uploads: disguised VRT documents, URLs inside files, CRS links, odd content.

GDAL picks its reader by content, so a VRT named lake.geojson used to make the
server read any file it names, or fetch a URL.  Each test here fails when a
disguised file is read or a request leaves the process.
"""

import io
import json
import os
import threading
import time
import uuid
import zipfile
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import geopandas as gpd
import pyogrio
import pyogrio.errors
import pytest
from shapely import box

from geo.boundaries import BoundaryError, load_boundary_bytes
from geo.gdal import ALLOWED_DRIVERS, ensure_locked

LAKE = box(113.41, 29.64, 113.43, 29.66)


@pytest.fixture
def canary(tmp_path):
    """A readable CSV layer whose text must never appear anywhere, and whose access time tells if it was read."""
    token = f"CANARY-{uuid.uuid4().hex}"
    path = tmp_path / "canary.csv"
    rows = ["wkt,name,source", f'"{LAKE.wkt}",{token},{token}']
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    past = time.time() - 3 * 86400
    os.utime(path, (past, past))
    control = tmp_path / "control.txt"
    control.write_text("x")
    os.utime(control, (past, past))
    control.read_text()
    if os.stat(control).st_atime == past:
        pytest.skip("this file system does not record access times")
    yield token, path
    assert os.stat(path).st_atime == past, "the canary file was read"


@pytest.fixture
def listener():
    """A loopback HTTP server counting every connection it accepts."""
    hits = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"wkt,name\n")

        do_HEAD = do_GET

        def log_message(self, *args):
            pass

    class Server(ThreadingHTTPServer):
        def verify_request(self, request, client_address):
            hits.append(client_address)
            return True

    server = Server(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", hits
    server.shutdown()
    server.server_close()


def vrt(source: str, layer: str) -> bytes:
    return (
        "<OGRVRTDataSource><OGRVRTLayer name='lake'>"
        f"<SrcDataSource>{source}</SrcDataSource><SrcLayer>{layer}</SrcLayer>"
        "<GeometryType>wkbPolygon</GeometryType><GeometryField encoding='WKT' field='wkt'/>"
        "<LayerSRS>EPSG:4490</LayerSRS></OGRVRTLayer></OGRVRTDataSource>"
    ).encode()


def zipped(name: str, data: bytes) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr(name, data)
    return buf.getvalue()


def disguises(doc: bytes):
    kml_doc = b'<?xml version="1.0"?>\n' + doc
    return [
        ("lake.geojson", doc),
        ("lake.json", doc),
        ("lake.kml", doc),
        ("lake.kml", kml_doc),
        ("lake.gpkg", doc),
        ("lake.zip", zipped("lake.shp", doc)),
    ]


def assert_refused_cleanly(content, filename, secrets, kind="lake"):
    with pytest.raises(BoundaryError) as err:
        load_boundary_bytes(content, filename, kind)
    for lang in ("zh", "en"):
        text = err.value.message(lang)
        assert filename in text
        assert "/tmp/" not in text and "yehu-upload" not in text and "/vsizip" not in text
        for secret in secrets:
            assert secret not in text
    return err.value


@pytest.mark.parametrize("index", range(6))
def test_vrt_disguised_as_a_boundary_file_reads_no_file(canary, caplog, index):
    token, path = canary
    filename, content = disguises(vrt(f"CSV:{path}", "canary"))[index]
    err = assert_refused_cleanly(content, filename, [token, str(path)])
    assert err.code in ("boundary.content_mismatch", "boundary.unreadable")
    assert token not in caplog.text


@pytest.mark.parametrize("index", range(6))
def test_vrt_with_vsicurl_fetches_nothing(listener, index):
    url, hits = listener
    filename, content = disguises(vrt(f"CSV:/vsicurl/{url}/lake.csv", "lake"))[index]
    assert_refused_cleanly(content, filename, [url])
    assert hits == []


def feature_collection(**extra):
    return {
        "type": "FeatureCollection",
        **extra,
        "features": [
            {
                "type": "Feature",
                "properties": {"name": "湖"},
                "geometry": json.loads(gpd.GeoSeries([LAKE]).to_json())["features"][0]["geometry"],
            }
        ],
    }


@pytest.mark.parametrize(
    "crs",
    [
        lambda url: {"type": "link", "properties": {"href": f"{url}/crs.wkt", "type": "ogcwkt"}},
        lambda url: {"type": "name", "properties": {"name": f"{url}/def/crs/EPSG/0/4490"}},
        lambda url: {"type": "name", "properties": {"name": f"/vsicurl/{url}/crs.wkt"}},
        lambda url: {"type": "EPSG", "properties": {"code": 4490}},
    ],
)
def test_geojson_crs_other_than_a_named_epsg_code_is_refused_and_fetches_nothing(listener, crs):
    url, hits = listener
    doc = feature_collection(crs=crs(url))
    err = assert_refused_cleanly(json.dumps(doc).encode(), "lake.geojson", [])
    assert err.code == "boundary.crs_member"
    # A crs hidden on a feature is found too.
    doc = feature_collection()
    doc["features"][0]["crs"] = crs(url)
    assert assert_refused_cleanly(json.dumps(doc).encode(), "lake.geojson", []).code == "boundary.crs_member"
    assert hits == []


@pytest.mark.parametrize("name", ["EPSG:4490", "urn:ogc:def:crs:EPSG::4490", "urn:ogc:def:crs:OGC:1.3:CRS84"])
def test_a_named_epsg_crs_is_accepted(name):
    doc = feature_collection(crs={"type": "name", "properties": {"name": name}})
    b = load_boundary_bytes(json.dumps(doc).encode(), "lake.geojson", "lake")
    assert b.gdf.crs.to_epsg() == 4490
    assert b.gdf.geometry.iloc[0].symmetric_difference(LAKE).area < 1e-12


def test_gdal_itself_refuses_vrt_and_network_for_the_whole_process(tmp_path, canary, listener):
    """Even code that skips the upload checks cannot open a VRT or reach the network through GDAL."""
    token, path = canary
    url, hits = listener
    ensure_locked()
    assert set(pyogrio.list_drivers()) == set(ALLOWED_DRIVERS)
    for i, doc in enumerate([vrt(f"CSV:{path}", "canary"), vrt(f"CSV:/vsicurl/{url}/lake.csv", "lake")]):
        f = tmp_path / f"layer{i}.vrt"
        f.write_bytes(doc)
        with pytest.raises(Exception) as err:
            pyogrio.read_dataframe(f)
        assert token not in str(err.value)
    for target in (f"/vsicurl/{url}/lake.geojson", f"{url}/lake.geojson"):
        with pytest.raises(pyogrio.errors.DataSourceError):
            pyogrio.read_dataframe(target)
    linked = tmp_path / "linked.geojson"
    linked.write_text(json.dumps(feature_collection(crs={"type": "link", "properties": {"href": f"{url}/crs"}})))
    try:
        pyogrio.read_dataframe(linked)
    except Exception:
        pass
    assert hits == []


@pytest.mark.parametrize(
    "filename, content, code",
    [
        ("lake.geojson", b"just some text", "boundary.content_mismatch"),
        ("lake.geojson", b'{"hello": "world"}', "boundary.content_mismatch"),
        ("lake.kml", b"SQLite format 3\x00" + b"\x00" * 100, "boundary.content_mismatch"),
        ("lake.gpkg", json.dumps(feature_collection()).encode(), "boundary.content_mismatch"),
        ("lake.zip", zipped("lake.shp", b"not a shapefile"), "boundary.content_mismatch"),
        ("lake.zip", zipped("lake.txt", b"x"), "boundary.zip_no_shp"),
        ("lake.zip", b"PK\x03\x04 broken", "archive.not_zip"),
        ("lake.txt", b"x", "boundary.type_not_accepted"),
        ("lake.geojson", b"", "boundary.empty_file"),
        (
            "lake.kml",
            b'<?xml version="1.0"?><!DOCTYPE kml [<!ENTITY x SYSTEM "file:///etc/passwd">]><kml/>',
            "boundary.kml_dtd",
        ),
        ("lake.gpkg", b"SQLite format 3\x00" + b"\x00" * 100, "boundary.unreadable"),
    ],
)
def test_content_that_does_not_match_its_extension_is_refused_in_the_users_language(filename, content, code):
    err = assert_refused_cleanly(content, filename, [])
    assert err.code == code
    zh = err.message("zh")
    assert zh != err.message("en") and any("\u4e00" <= ch <= "\u9fff" for ch in zh)


def test_geometry_limits(tmp_path):
    def upload(geoms, kind="lake", crs="EPSG:4490"):
        f = tmp_path / "up.geojson"
        gpd.GeoDataFrame({"name": [f"f{i}" for i in range(len(geoms))]}, geometry=geoms, crs=crs).to_file(f)
        return load_boundary_bytes(f.read_bytes(), "up.geojson", kind)

    from shapely import Point

    points = [Point(113.42 + i * 1e-5, 29.65) for i in range(201)]
    with pytest.raises(BoundaryError) as err:
        upload(points, "sections")
    assert err.value.code == "boundary.too_many_features" and err.value.params["n"] == 201
    assert len(upload(points[:200], "sections").gdf) == 200
    with pytest.raises(BoundaryError) as err:
        upload([box(116.3, 39.9, 116.4, 40.0)])  # Beijing
    assert err.value.code == "boundary.outside_area"
    doc = feature_collection()
    doc["features"][0]["geometry"] = {"type": "Point", "coordinates": [float("nan"), 29.65]}
    with pytest.raises(BoundaryError) as err:
        load_boundary_bytes(json.dumps(doc).encode(), "s.geojson", "sections")
    assert err.value.code in ("boundary.non_finite", "boundary.unreadable")


def test_unknown_crs_is_refused(tmp_path):
    odd = "+proj=tmerc +lat_0=3 +lon_0=7.3 +k=0.9 +x_0=123 +y_0=77 +ellps=intl +units=m +no_defs"
    f = tmp_path / "lake.gpkg"
    gpd.GeoDataFrame({"name": ["x"]}, geometry=[box(0, 0, 10, 10)], crs=odd).to_file(f)
    with pytest.raises(BoundaryError) as err:
        load_boundary_bytes(f.read_bytes(), "lake.gpkg", "lake")
    assert err.value.code == "boundary.unknown_crs"
