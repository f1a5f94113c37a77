"""PostGIS layers: geometry columns, spatial indexes, read-only views and zones in the database.

Only on PostgreSQL with the PostGIS extension (``CREATE EXTENSION postgis``, done by the
database's superuser); on SQLite and on PostgreSQL without it this migration does nothing and
the app keeps its geometry as numbers and files. Everything lives in the schema ``gis``, apart
from the application's tables:

- ``gis.features``: the boundary layers in use (``lake``, ``section``, ``outline`` = pond
  outlines, ``admin``, ``ban_zone``, ``nofish_zone``) in EPSG:4490, with a stored EPSG:4547 copy
  for metric work and GiST indexes; the app rewrites a layer when it is uploaded and at start;
- ``gis.site_points``: every site's point, kept by a trigger on ``sites`` (register loads,
  corrections, field verifications, added sites);
- ``gis.settings``: the zone sizes and the retirement's last step, written by the app from
  ``config/yehu.toml``;
- ``gis.pond_zones``: each pond classified in the database (``ST_Distance`` in EPSG:4547 with
  nearest-neighbour index scans), the same answers as ``geo/classify.py``;
- views for GIS users: ``gis.ponds``, ``gis.pond_outlines``, ``gis.lake``, ``gis.sections``,
  ``gis.ban_zone``, ``gis.nofish_zones``, ``gis.admin_areas``, ``gis.sites``.

Every statement can run again (``IF NOT EXISTS``, ``OR REPLACE``): a database that gets PostGIS
after this revision gets the schema when the app next opens it (``monitoring.gis.ensure``).

Revision ID: 0009_postgis
Revises: 0008_throttle
"""

import sqlalchemy as sa
from alembic import op

revision = "0009_postgis"
down_revision = "0008_throttle"
branch_labels = None
depends_on = None

DDL = [
    "CREATE SCHEMA IF NOT EXISTS gis",
    """CREATE TABLE IF NOT EXISTS gis.settings (
        id integer PRIMARY KEY DEFAULT 1 CHECK (id = 1),
        ban_distance_m double precision NOT NULL DEFAULT 1000,
        nofish_shape text NOT NULL DEFAULT 'circle' CHECK (nofish_shape IN ('circle', 'square')),
        nofish_radius_m double precision NOT NULL DEFAULT 564.1895835477563,
        nofish_half_side_m double precision NOT NULL DEFAULT 500,
        final_step text NOT NULL DEFAULT ''
    )""",
    "INSERT INTO gis.settings (id) VALUES (1) ON CONFLICT (id) DO NOTHING",
    """CREATE TABLE IF NOT EXISTS gis.features (
        id bigserial PRIMARY KEY,
        layer text NOT NULL,
        key text NOT NULL DEFAULT '',
        name text NOT NULL DEFAULT '',
        provisional boolean NOT NULL DEFAULT true,
        source text NOT NULL DEFAULT '',
        version integer,
        props jsonb NOT NULL DEFAULT '{}',
        geom geometry(Geometry, 4490) NOT NULL,
        geom_m geometry(Geometry, 4547) GENERATED ALWAYS AS (ST_Transform(geom, 4547)) STORED
    )""",
    "CREATE INDEX IF NOT EXISTS features_geom ON gis.features USING gist (geom)",
    "CREATE INDEX IF NOT EXISTS features_layer_key ON gis.features (layer, key)",
    # Partial indexes: a nearest-lake scan never walks through thousands of pond outlines.
    "CREATE INDEX IF NOT EXISTS features_lake_m ON gis.features USING gist (geom_m) WHERE layer = 'lake'",
    "CREATE INDEX IF NOT EXISTS features_section_m ON gis.features USING gist (geom_m) WHERE layer = 'section'",
    "CREATE INDEX IF NOT EXISTS features_outline_key ON gis.features (key, id) WHERE layer = 'outline'",
    """CREATE TABLE IF NOT EXISTS gis.site_points (
        code text PRIMARY KEY,
        geom geometry(Point, 4490) NOT NULL,
        geom_m geometry(Point, 4547) GENERATED ALWAYS AS (ST_Transform(geom, 4547)) STORED
    )""",
    "CREATE INDEX IF NOT EXISTS site_points_geom ON gis.site_points USING gist (geom)",
    """CREATE OR REPLACE FUNCTION gis.site_point_sync() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP IN ('UPDATE', 'DELETE') THEN
            DELETE FROM gis.site_points WHERE code = OLD.code;
        END IF;
        IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.lon IS NOT NULL AND NEW.lat IS NOT NULL THEN
            INSERT INTO gis.site_points (code, geom)
                VALUES (NEW.code, ST_SetSRID(ST_MakePoint(NEW.lon, NEW.lat), 4490));
        END IF;
        RETURN NULL;
    END $$""",
    "DROP TRIGGER IF EXISTS sites_gis_points ON sites",
    """CREATE TRIGGER sites_gis_points AFTER INSERT OR UPDATE OF code, lon, lat OR DELETE ON sites
        FOR EACH ROW EXECUTE FUNCTION gis.site_point_sync()""",
    """INSERT INTO gis.site_points (code, geom)
        SELECT code, ST_SetSRID(ST_MakePoint(lon, lat), 4490) FROM sites WHERE lon IS NOT NULL AND lat IS NOT NULL
        ON CONFLICT (code) DO NOTHING""",
    # A pond is classified by its outline when it has one (the newest), else by its point.
    """CREATE OR REPLACE VIEW gis.pond_shapes AS
        SELECT s.pond_id, CASE WHEN o.geom_m IS NULL THEN 'position' ELSE 'outline' END AS basis,
               COALESCE(o.geom_m, p.geom_m) AS geom_m
        FROM sites s
        JOIN gis.site_points p ON p.code = s.code
        LEFT JOIN LATERAL (
            SELECT f.geom_m FROM gis.features f
            WHERE f.layer = 'outline' AND f.key = s.pond_id::text ORDER BY f.id DESC LIMIT 1
        ) o ON true
        WHERE s.kind = 'pond' AND s.pond_id IS NOT NULL""",
    # Distances in EPSG:4547; the nearest lake and section found by index (KNN) scans.
    """CREATE OR REPLACE VIEW gis.pond_zones AS
        SELECT z.*,
               CASE WHEN z.in_nofish_zone THEN 'nofish' WHEN z.in_lake THEN 'lake'
                    WHEN z.in_ban_zone THEN 'ban' ELSE 'outside' END AS zone_class
        FROM (
            SELECT ps.pond_id, ps.basis,
                   lk.d AS shore_distance_m,
                   lk.d = 0 AS in_lake,
                   lk.d <= st.ban_distance_m AS in_ban_zone,
                   CASE WHEN st.nofish_shape = 'circle' THEN sc.d <= st.nofish_radius_m
                        ELSE EXISTS (
                            SELECT 1 FROM gis.features q
                            WHERE q.layer = 'section'
                              AND q.geom_m && ST_Expand(ps.geom_m, st.nofish_half_side_m)
                              AND ST_Intersects(ps.geom_m, ST_Expand(q.geom_m, st.nofish_half_side_m))
                        ) END AS in_nofish_zone,
                   sc.key AS nearest_section,
                   sc.d AS section_distance_m,
                   CASE WHEN ps.basis = 'outline' THEN ST_Area(ps.geom_m) END AS outline_area_m2
            FROM gis.pond_shapes ps
            CROSS JOIN (SELECT * FROM gis.settings LIMIT 1) st
            LEFT JOIN LATERAL (
                SELECT ST_Distance(l.geom_m, ps.geom_m) AS d FROM gis.features l
                WHERE l.layer = 'lake' ORDER BY l.geom_m <-> ps.geom_m LIMIT 1
            ) lk ON true
            LEFT JOIN LATERAL (
                SELECT q.key, ST_Distance(q.geom_m, ps.geom_m) AS d FROM gis.features q
                WHERE q.layer = 'section' ORDER BY q.geom_m <-> ps.geom_m LIMIT 1
            ) sc ON true
        ) z""",
    # Retirement status replayed from the ledger: voided events do not count.
    """CREATE OR REPLACE VIEW gis.pond_status AS
        SELECT e.pond_code,
               CASE WHEN bool_or(e.step = st.final_step) THEN 'retired' ELSE 'in_progress' END AS status
        FROM retirement_events e
        CROSS JOIN (SELECT * FROM gis.settings LIMIT 1) st
        WHERE e.kind = 'done'
          AND NOT EXISTS (SELECT 1 FROM retirement_events v WHERE v.kind = 'void' AND v.voids = e.id)
        GROUP BY e.pond_code""",
    """CREATE OR REPLACE VIEW gis.ponds AS
        SELECT s.pond_id, s.name AS farm_name, s.town, s.provisional,
               COALESCE(r.status, 'not_started') AS status,
               z.zone_class, z.basis, z.shore_distance_m, z.in_lake, z.in_ban_zone, z.in_nofish_zone,
               z.nearest_section, z.section_distance_m,
               p.geom::geometry(Point, 4490) AS geom
        FROM sites s
        JOIN gis.site_points p ON p.code = s.code
        LEFT JOIN gis.pond_zones z ON z.pond_id = s.pond_id
        LEFT JOIN gis.pond_status r ON r.pond_code = s.code
        WHERE s.kind = 'pond'""",
    """CREATE OR REPLACE VIEW gis.pond_outlines AS
        SELECT f.id, f.key AS pond_id, f.provisional, f.source, f.version,
               COALESCE(r.status, 'not_started') AS status, z.zone_class,
               f.geom::geometry(MultiPolygon, 4490) AS geom
        FROM gis.features f
        LEFT JOIN sites s ON s.kind = 'pond' AND s.pond_id::text = f.key
        LEFT JOIN gis.pond_zones z ON z.pond_id = s.pond_id
        LEFT JOIN gis.pond_status r ON r.pond_code = s.code
        WHERE f.layer = 'outline'""",
    """CREATE OR REPLACE VIEW gis.lake AS
        SELECT id, name, provisional, source, version, geom::geometry(MultiPolygon, 4490) AS geom
        FROM gis.features WHERE layer = 'lake'""",
    """CREATE OR REPLACE VIEW gis.sections AS
        SELECT id, key AS section_id, name, provisional, source, version, geom::geometry(Point, 4490) AS geom
        FROM gis.features WHERE layer = 'section'""",
    """CREATE OR REPLACE VIEW gis.ban_zone AS
        SELECT id, (props->>'distance_m')::double precision AS distance_m, provisional,
               geom::geometry(MultiPolygon, 4490) AS geom
        FROM gis.features WHERE layer = 'ban_zone'""",
    """CREATE OR REPLACE VIEW gis.nofish_zones AS
        SELECT id, key AS section_id, props->>'shape' AS shape, (props->>'area_km2')::double precision AS area_km2,
               provisional, geom::geometry(MultiPolygon, 4490) AS geom
        FROM gis.features WHERE layer = 'nofish_zone'""",
    """CREATE OR REPLACE VIEW gis.admin_areas AS
        SELECT id, name, props->>'level' AS level, provisional, source, version,
               geom::geometry(MultiPolygon, 4490) AS geom
        FROM gis.features WHERE layer = 'admin'""",
    """CREATE OR REPLACE VIEW gis.sites AS
        SELECT s.code, s.kind, s.name, s.pond_id, s.town, s.provisional, s.active,
               p.geom::geometry(Point, 4490) AS geom
        FROM sites s JOIN gis.site_points p ON p.code = s.code""",
]


def has_postgis(bind) -> bool:
    """PostgreSQL with the PostGIS extension created in this database."""
    if bind.dialect.name != "postgresql":
        return False
    return bind.execute(sa.text("SELECT 1 FROM pg_extension WHERE extname = 'postgis'")).first() is not None


def upgrade():
    if not has_postgis(op.get_bind()):
        return
    for statement in DDL:
        op.execute(statement)


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP TRIGGER IF EXISTS sites_gis_points ON sites")
    op.execute("DROP SCHEMA IF EXISTS gis CASCADE")
