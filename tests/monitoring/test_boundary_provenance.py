"""Boundary provenance stated on upload: stored, refused when incomplete, followed by the dataset."""

import json
from datetime import date

import pandas as pd

from geo.boundaries import load_boundaries
from geo.dataset import load_dataset
from geo.provenance import provenance_of
from geo.register import data_dir
from monitoring.bootstrap import current_dataset
from monitoring.errors import InputError
from monitoring.export import geo_export
from tests.conftest import actor, refused

LAKE = (data_dir() / "boundaries" / "lake.geojson").read_bytes()


def test_surveyed_lake_is_stored_with_its_provenance_and_is_no_longer_provisional(store):
    vid = store.register.upload_boundary(
        "lake",
        "lake.geojson",
        LAKE,
        user=actor("admin"),
        provenance="surveyed",
        prov_source="岳阳市测绘院 测字2026-118号",
        prov_date="2026-11-20",
    )
    row = store.register.list_boundaries("lake").iloc[0]
    assert row.id == vid and row.provenance == "surveyed" and not row.provisional
    assert row.prov_source == "岳阳市测绘院 测字2026-118号" and row.prov_by == "admin"
    assert str(row.prov_date)[:10] == "2026-11-20" and row.layer is None
    ds = current_dataset(store)
    assert not ds.lake.provisional and provenance_of(ds.lake) == "surveyed"
    assert ds.lake.gdf.source.iloc[0] == "岳阳市测绘院 测字2026-118号" and ds.lake.gdf.prov_by.iloc[0] == "admin"
    assert not ds.ban_zone.provisional.any()  # the ban zone rests on the lake outline only
    assert ds.sections.provisional  # the section point is still the shipped placeholder
    audit = json.loads(store.audit.log(action="boundary.upload").iloc[0].after)
    assert audit["provenance"] == "surveyed" and audit["prov_by"] == "admin"


def test_a_provisional_statement_keeps_the_mark_and_who_can_be_named(store):
    store.register.upload_boundary(
        "sections",
        "s.geojson",
        geo_export(load_dataset(), "geojson", layer="sections"),
        user=actor("admin"),
        provenance="provisional",
        prov_by="王工",
        prov_date=date(2026, 1, 5),
    )
    row = store.register.list_boundaries("sections").iloc[0]
    assert row.provisional and row.prov_by == "王工" and row.prov_source == ""
    assert current_dataset(store).sections.provisional
    assert store.register.list_sites().set_index("code").loc["S1", "provisional"]


def test_without_a_statement_the_file_decides(store):
    store.register.upload_boundary("lake", "lake.geojson", LAKE, user=actor("admin"))
    row = store.register.list_boundaries("lake").iloc[0]
    assert row.provenance is None and row.provisional and row.prov_by == ""
    assert provenance_of(current_dataset(store).lake) == "provisional"


def test_incomplete_or_wrong_provenance_is_refused_and_nothing_written(store):
    u = actor("admin")
    with refused("input.unknown_choice", InputError) as exc:
        store.register.upload_boundary("lake", "lake.geojson", LAKE, user=u, provenance="guessed", prov_source="x")
    assert exc.value.field == "provenance" and "实测" in exc.value.message("zh")
    assert "surveyed" in exc.value.message("en")
    with refused("boundary.prov_source_missing", InputError):
        store.register.upload_boundary("lake", "lake.geojson", LAKE, user=u, provenance="surveyed", prov_source=" ")
    with refused("input.date_missing_or_future", InputError):
        store.register.upload_boundary(
            "lake", "lake.geojson", LAKE, user=u, provenance="digitised", prov_source="影像", prov_date="2999-01-01"
        )
    with refused("boundary.prov_date_invalid", InputError) as exc:
        store.register.upload_boundary(
            "lake", "lake.geojson", LAKE, user=u, provenance="digitised", prov_source="影像", prov_date="20.11.2026"
        )
    assert exc.value.field == "prov_date"
    assert store.register.list_boundaries().empty and store.audit.log(action="boundary.").empty


def test_the_layer_taken_from_a_multi_layer_file_is_stored_and_used_again(store):
    gpkg = geo_export(load_dataset(), "gpkg")
    store.register.upload_boundary(
        "lake", "yehu.gpkg", gpkg, user=actor("admin"), provenance="digitised", prov_source="天地图影像 2025"
    )
    assert store.register.list_boundaries("lake").iloc[0].layer == "lake"
    store.register.upload_boundary("lake", "yehu.gpkg", gpkg, user=actor("admin"), layer="ban_zone")
    assert store.register.list_boundaries("lake").iloc[0].layer == "ban_zone"
    ds = current_dataset(store)  # the ban zone ring, not the lake: read again from the stored layer
    lake, _ = load_boundaries()
    assert ds.lake.gdf.geometry.iloc[0].area > lake.gdf.geometry.iloc[0].area * 1.5
    with refused("boundary.layer_not_found"):
        store.register.upload_boundary("lake", "yehu.gpkg", gpkg, user=actor("admin"), layer="nope")
    assert len(store.register.list_boundaries()) == 2


def test_an_exported_surveyed_lake_uploads_back_as_surveyed(store):
    store.register.upload_boundary(
        "lake", "lake.geojson", LAKE, user=actor("admin"), provenance="surveyed", prov_source="测绘院"
    )
    exported = geo_export(current_dataset(store), "geojson", layer="lake")
    store.register.upload_boundary("lake", "yehu-lake.geojson", exported, user=actor("admin"))  # no statement
    assert pd.isna(store.register.list_boundaries("lake").iloc[0].provenance)
    ds = current_dataset(store)
    assert provenance_of(ds.lake) == "surveyed" and not ds.lake.provisional  # the file says so
