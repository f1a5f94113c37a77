"""PostGIS views carry ``water_body``; ``gis.placed_sections`` shows the sections placed later.

Only where migration ``0009_postgis`` made the schema ``gis`` (PostgreSQL with PostGIS); a no-op
elsewhere. Each view keeps its columns and gains ``water_body`` as its last one (``CREATE OR
REPLACE VIEW`` may only add columns at the end): a site's or pond's body from ``sites``, a section
point's or no-fishing zone's from the site of the same code, and the lake layer's and ban zone's
from the feature's ``water_body`` property, else ``yehu`` (the database's default body, whose
outline the lake layer is). ``gis.placed_sections`` lists the current version of every placed
section with its provenance (who, when, source, datum, the numbers as typed); its point is the
site's, kept by the trigger on ``sites``.

The statements can run again (``monitoring.gis.ensure`` runs every ``*_postgis*`` migration in order
on a database that got PostGIS after it was migrated).

Revision ID: 0014_postgis_bodies
Revises: 0013_section_placements
"""

import sqlalchemy as sa
from alembic import op

revision = "0014_postgis_bodies"
down_revision = "0013_section_placements"
branch_labels = None
depends_on = None

DDL = [
    """CREATE OR REPLACE VIEW gis.ponds AS
        SELECT s.pond_id, s.name AS farm_name, s.town, s.provisional,
               COALESCE(r.status, 'not_started') AS status,
               z.zone_class, z.basis, z.shore_distance_m, z.in_lake, z.in_ban_zone, z.in_nofish_zone,
               z.nearest_section, z.section_distance_m,
               p.geom::geometry(Point, 4490) AS geom,
               s.water_body
        FROM sites s
        JOIN gis.site_points p ON p.code = s.code
        LEFT JOIN gis.pond_zones z ON z.pond_id = s.pond_id
        LEFT JOIN gis.pond_status r ON r.pond_code = s.code
        WHERE s.kind = 'pond'""",
    """CREATE OR REPLACE VIEW gis.pond_outlines AS
        SELECT f.id, f.key AS pond_id, f.provisional, f.source, f.version,
               COALESCE(r.status, 'not_started') AS status, z.zone_class,
               f.geom::geometry(MultiPolygon, 4490) AS geom,
               s.water_body
        FROM gis.features f
        LEFT JOIN sites s ON s.kind = 'pond' AND s.pond_id::text = f.key
        LEFT JOIN gis.pond_zones z ON z.pond_id = s.pond_id
        LEFT JOIN gis.pond_status r ON r.pond_code = s.code
        WHERE f.layer = 'outline'""",
    """CREATE OR REPLACE VIEW gis.lake AS
        SELECT id, name, provisional, source, version, geom::geometry(MultiPolygon, 4490) AS geom,
               COALESCE(props->>'water_body', 'yehu') AS water_body
        FROM gis.features WHERE layer = 'lake'""",
    """CREATE OR REPLACE VIEW gis.sections AS
        SELECT f.id, f.key AS section_id, f.name, f.provisional, f.source, f.version,
               f.geom::geometry(Point, 4490) AS geom,
               COALESCE(s.water_body, f.props->>'water_body', 'yehu') AS water_body
        FROM gis.features f LEFT JOIN sites s ON s.code = f.key
        WHERE f.layer = 'section'""",
    """CREATE OR REPLACE VIEW gis.ban_zone AS
        SELECT id, (props->>'distance_m')::double precision AS distance_m, provisional,
               geom::geometry(MultiPolygon, 4490) AS geom,
               COALESCE(props->>'water_body', 'yehu') AS water_body
        FROM gis.features WHERE layer = 'ban_zone'""",
    """CREATE OR REPLACE VIEW gis.nofish_zones AS
        SELECT f.id, f.key AS section_id, f.props->>'shape' AS shape,
               (f.props->>'area_km2')::double precision AS area_km2,
               f.provisional, f.geom::geometry(MultiPolygon, 4490) AS geom,
               COALESCE(s.water_body, f.props->>'water_body', 'yehu') AS water_body
        FROM gis.features f LEFT JOIN sites s ON s.code = f.key
        WHERE f.layer = 'nofish_zone'""",
    """CREATE OR REPLACE VIEW gis.sites AS
        SELECT s.code, s.kind, s.name, s.pond_id, s.town, s.provisional, s.active,
               p.geom::geometry(Point, 4490) AS geom,
               s.water_body
        FROM sites s JOIN gis.site_points p ON p.code = s.code""",
    """CREATE OR REPLACE VIEW gis.placed_sections AS
        SELECT s.code AS section_id, s.name, s.water_body, c.version, c.datum, c.entered, c.source, c.note,
               c.placed_by, c.placed_at, p.geom::geometry(Point, 4490) AS geom
        FROM section_placements c
        JOIN (SELECT site_code, max(version) AS version FROM section_placements GROUP BY site_code) n
          ON n.site_code = c.site_code AND n.version = c.version
        JOIN sites s ON s.code = c.site_code
        JOIN gis.site_points p ON p.code = s.code""",
]

#: The views as 0009_postgis made them (for the downgrade: a column cannot be dropped by REPLACE).
BEFORE = [
    "DROP VIEW IF EXISTS gis.ponds",
    """CREATE VIEW gis.ponds AS SELECT s.pond_id, s.name AS farm_name, s.town, s.provisional,
               COALESCE(r.status, 'not_started') AS status,
               z.zone_class, z.basis, z.shore_distance_m, z.in_lake, z.in_ban_zone, z.in_nofish_zone,
               z.nearest_section, z.section_distance_m,
               p.geom::geometry(Point, 4490) AS geom
        FROM sites s
        JOIN gis.site_points p ON p.code = s.code
        LEFT JOIN gis.pond_zones z ON z.pond_id = s.pond_id
        LEFT JOIN gis.pond_status r ON r.pond_code = s.code
        WHERE s.kind = 'pond'""",
    "DROP VIEW IF EXISTS gis.pond_outlines",
    """CREATE VIEW gis.pond_outlines AS SELECT f.id, f.key AS pond_id, f.provisional, f.source, f.version,
               COALESCE(r.status, 'not_started') AS status, z.zone_class,
               f.geom::geometry(MultiPolygon, 4490) AS geom
        FROM gis.features f
        LEFT JOIN sites s ON s.kind = 'pond' AND s.pond_id::text = f.key
        LEFT JOIN gis.pond_zones z ON z.pond_id = s.pond_id
        LEFT JOIN gis.pond_status r ON r.pond_code = s.code
        WHERE f.layer = 'outline'""",
    "DROP VIEW IF EXISTS gis.lake",
    """CREATE VIEW gis.lake AS SELECT id, name, provisional, source, version, geom::geometry(MultiPolygon, 4490) AS geom
        FROM gis.features WHERE layer = 'lake'""",
    "DROP VIEW IF EXISTS gis.sections",
    """CREATE VIEW gis.sections AS SELECT id, key AS section_id, name, provisional, source, version,
               geom::geometry(Point, 4490) AS geom
        FROM gis.features WHERE layer = 'section'""",
    "DROP VIEW IF EXISTS gis.ban_zone",
    """CREATE VIEW gis.ban_zone AS SELECT id, (props->>'distance_m')::double precision AS distance_m, provisional,
               geom::geometry(MultiPolygon, 4490) AS geom
        FROM gis.features WHERE layer = 'ban_zone'""",
    "DROP VIEW IF EXISTS gis.nofish_zones",
    """CREATE VIEW gis.nofish_zones AS SELECT id, key AS section_id, props->>'shape' AS shape,
               (props->>'area_km2')::double precision AS area_km2,
               provisional, geom::geometry(MultiPolygon, 4490) AS geom
        FROM gis.features WHERE layer = 'nofish_zone'""",
    "DROP VIEW IF EXISTS gis.sites",
    """CREATE VIEW gis.sites AS SELECT s.code, s.kind, s.name, s.pond_id, s.town, s.provisional, s.active,
               p.geom::geometry(Point, 4490) AS geom
        FROM sites s JOIN gis.site_points p ON p.code = s.code""",
]


def has_gis(bind) -> bool:
    """PostgreSQL with the ``gis`` schema of 0009_postgis."""
    if bind.dialect.name != "postgresql":
        return False
    return bool(bind.execute(sa.text("SELECT to_regclass('gis.features') IS NOT NULL")).scalar())


def upgrade():
    if not has_gis(op.get_bind()):
        return
    for statement in DDL:
        op.execute(statement)


def downgrade():
    if not has_gis(op.get_bind()):
        return
    op.execute("DROP VIEW IF EXISTS gis.placed_sections")
    for statement in BEFORE:
        op.execute(statement)
