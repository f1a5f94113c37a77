"""County scale for bench_classify.py --county: in-process, PostGIS and geopandas side by side.

The inventory is geo.synthetic.synthetic_county (pond outlines, lakes and rivers, section
points, in EPSG:4490 as stored). PostGIS classifies what is already in its tables (as the
app's database holds it): loading the tables is timed apart and not counted.
"""

import io
import os
import time
import uuid

import numpy as np

from monitoring.gis import DATABASE_MAX_PONDS, DATABASE_MIN_PONDS, DATABASE_MIN_SECTIONS, classify_in_database


def _copy(raw, statement, rows):
    buf = io.StringIO()
    for row in rows:
        buf.write("\t".join("\\N" if v is None else str(v) for v in row) + "\n")
    with raw.cursor() as cur, cur.copy(statement) as copy:
        copy.write(buf.getvalue())


def load_postgis(url, ponds, outlines, bodies, sections):
    """Load the inventory into the ``gis`` layers of a fresh database (sites through the trigger)."""
    import shapely

    from monitoring.store import Store

    store = Store(url)
    raw = store.engine.raw_connection()
    try:
        lon, lat = shapely.get_x(ponds.geometry.values), shapely.get_y(ponds.geometry.values)
        _copy(
            raw.driver_connection,
            "COPY sites (code, kind, name, lon, lat, pond_id, town, source, provisional) FROM STDIN",
            (
                (pid, "pond", f"合成{pid}", repr(float(x)), repr(float(y)), pid, town, "synthetic", "t")
                for pid, x, y, town in zip(ponds.pond_id, lon, lat, ponds.town, strict=True)
            ),
        )

        def hexes(gdf):  # hex EWKB carrying SRID 4490, as the column wants
            return shapely.to_wkb(shapely.set_srid(np.asarray(gdf.geometry.values), 4490), hex=True, include_srid=True)

        features = [("lake", body, g) for body, g in zip(bodies.body, hexes(bodies), strict=True)]
        features += [("section", sid, g) for sid, g in zip(sections.section_id, hexes(sections), strict=True)]
        features += [("outline", pid, g) for pid, g in zip(outlines.pond_id, hexes(outlines), strict=True)]
        _copy(
            raw.driver_connection,
            "COPY gis.features (layer, key, geom) FROM STDIN",
            features,
        )
        raw.driver_connection.commit()
        raw.driver_connection.autocommit = True
        raw.driver_connection.execute("VACUUM ANALYZE gis.features")
        raw.driver_connection.execute("VACUUM ANALYZE gis.site_points")
        raw.driver_connection.execute("ANALYZE sites")
    finally:
        raw.close()
    return store


def postgis_run(admin_url, ponds, outlines, bodies, sections):
    """Seconds to load, seconds to classify (query and fetch), and the database's answers."""
    from psycopg import sql
    from sqlalchemy import create_engine

    name = f"bench_county_{uuid.uuid4().hex[:8]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.connection.driver_connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    url = admin.url.set(database=name).render_as_string(hide_password=False)
    try:
        ext = create_engine(url, isolation_level="AUTOCOMMIT")
        with ext.connect() as conn:
            conn.exec_driver_sql("CREATE EXTENSION postgis")
        ext.dispose()
        t0 = time.perf_counter()
        store = load_postgis(url, ponds, outlines, bodies, sections)
        load_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        with store.engine.connect() as conn:
            result = classify_in_database(conn)
        classify_s = time.perf_counter() - t0
        store.engine.dispose()
    finally:
        with admin.connect() as conn:
            drop = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            conn.connection.driver_connection.execute(drop)
        admin.dispose()
    return load_s, classify_s, result


def compare(ours, db):
    """Largest distance difference (m) and whether every zone answer is the same."""
    ours = ours.sort_values("pond_id").reset_index(drop=True)
    worst = max(
        float(np.abs(ours[c].to_numpy() - db[c].to_numpy()).max()) for c in ("shore_distance_m", "section_distance_m")
    )
    same = all((ours[c].to_numpy() == db[c].to_numpy()).all() for c in ("in_lake", "in_ban_zone", "in_nofish_zone"))
    same &= (ours.nearest_section.astype(str).to_numpy() == db.nearest_section.to_numpy()).all()
    return worst, bool(same)


def run(n, n_bodies, n_sections, pg_url, geopandas_way):
    from geo.classify import classify_ponds
    from geo.synthetic import synthetic_county

    ponds, outlines, bodies, sections = synthetic_county(n, n_bodies, n_sections)
    classify_ponds(ponds.iloc[:100], bodies, sections, outlines=outlines.iloc[:100])  # warm-up
    t0 = time.perf_counter()
    ours = classify_ponds(ponds, bodies, sections, outlines=outlines)
    inproc_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    geopandas_way(outlines, bodies, sections)
    gpd_s = time.perf_counter() - t0
    load_s, pg_s, db = postgis_run(pg_url, ponds, outlines, bodies, sections)
    worst, same = compare(ours, db)
    load1, _ = os.getloadavg()[:2]
    print(f"county: {n:,} pond outlines, {n_bodies} water bodies, {n_sections} section points", end="")
    print(f" (load average {load1:.2f} on {os.cpu_count()} cores)")
    print(f"  in-process (geo/classify.py)      {inproc_s:8.2f} s")
    print(f"  PostGIS (gis.pond_zones, fetched) {pg_s:8.2f} s   (loading the tables: {load_s:.1f} s, not counted)")
    print(f"  geopandas-vectorised baseline     {gpd_s:8.2f} s")
    print(f"  PostGIS against in-process: max |distance diff| {worst:.1e} m, same zones: {same}")
    fastest = "in-process" if inproc_s <= pg_s else "PostGIS"
    many = n_sections >= DATABASE_MIN_SECTIONS
    app = "PostGIS" if many and DATABASE_MIN_PONDS <= n < DATABASE_MAX_PONDS else "in-process"
    ratio = max(inproc_s, pg_s) / min(inproc_s, pg_s)
    rule = (
        f"PostGIS from {DATABASE_MIN_SECTIONS} section points for {DATABASE_MIN_PONDS}-{DATABASE_MAX_PONDS - 1} ponds"
    )
    print(f"  the app classifies these {app} ({rule}): ", end="")
    if app == fastest:
        print(f"the faster path here ({ratio:.1f}x)")
    elif ratio < 1.15:
        print(f"{fastest} was {ratio:.2f}x faster in this run: about equal")
    else:
        print(f"but {fastest} was {ratio:.1f}x faster in this run: the rule needs another look")
    assert same, "PostGIS and in-process answers differ"
