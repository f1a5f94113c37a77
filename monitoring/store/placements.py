"""Sections placed later (``store.placements``): a position for a section the documents leave 位置待定.

Each placement is a new version of the section's position with its provenance: who placed it,
when, from what source, the datum the numbers were typed in and the numbers as typed. A later
correction is the next version; earlier ones stay. The section's site takes the current
position (tracing distances, the PostGIS site points).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from sqlalchemy import func, insert, select, update
from sqlalchemy.exc import IntegrityError

from geo.placement import Placement, PositionWarning, enter_position, plausibility

from ..auth import Actor
from ..errors import InputError
from ..schema import section_placements, sites
from .base import Repository, now_utc

__all__ = ["PlacementCheck", "PlacementWarnings", "Placements", "read_current"]


class PlacementWarnings(InputError):
    """A position with warnings that was not confirmed (``placement.warnings``); ``warnings`` lists them."""

    default_code = "placement.warnings"

    def __init__(self, code=None, /, *, warnings=(), **kw):
        self.warnings: list[PositionWarning] = []
        if isinstance(warnings, list | tuple):
            self.warnings = list(warnings)
            kw = {"n": len(self.warnings), **kw}
            warnings = _Warnings(self.warnings)
        super().__init__(code or self.default_code, warnings=warnings, **kw)


class _Warnings:
    """The warnings as one message parameter, rendered in the reader's language."""

    def __init__(self, warnings):
        self.warnings = warnings

    def render(self, lang: str) -> str:
        return " ".join(w.text(lang) for w in self.warnings)

    def __len__(self):
        return len(self.warnings)

    def __str__(self):
        return self.render("en")


@dataclass(frozen=True)
class PlacementCheck:
    """A typed position checked for a section: converted position, warnings, what it replaces."""

    code: str
    body: str
    lon: float
    lat: float
    datum: str
    entered: str
    warnings: list
    current: Placement | None
    has_outline: bool
    nofish: bool = False


def _section(code: str):
    """The pending (or placed) section of the water bodies file, with its body."""
    from geo.waterbodies import current_waterbodies

    code = "" if code is None else str(code).strip()
    wb = current_waterbodies()
    body = wb.body_of_section(code)
    if body is None:
        raise InputError("placement.no_section", field="site_code", value=code)
    section = next(s for s in body.sections if s.code == code)
    if section.position == "layer":
        raise InputError("placement.not_pending", field="site_code", value=code)
    return code, body


def _outline(body):
    """The body's outline from its file, or None (no outline known, or not a polygon layer)."""
    if body.geometry is None:
        return None
    from geo.boundaries import BoundaryError, load_boundary
    from geo.register import data_dir

    try:
        return load_boundary(data_dir() / body.geometry, "lake").gdf
    except BoundaryError:
        return None


def _placement(row) -> Placement:
    return Placement(
        code=row.site_code,
        lon=float(row.lon),
        lat=float(row.lat),
        datum=row.datum,
        entered=row.entered,
        source=row.source,
        note=row.note,
        by=row.placed_by,
        at=row.placed_at,
        version=int(row.version),
    )


def read_current(conn) -> dict:
    """The newest placement of each placed section on an open connection: {code: Placement}."""
    newest = (
        select(section_placements.c.site_code, func.max(section_placements.c.version).label("v"))
        .group_by(section_placements.c.site_code)
        .subquery()
    )
    q = select(section_placements).join(
        newest,
        (newest.c.site_code == section_placements.c.site_code) & (newest.c.v == section_placements.c.version),
    )
    return {r.site_code: _placement(r) for r in conn.execute(q)}


class Placements(Repository):
    """Positions of sections placed by an administrator (``store.placements``)."""

    def check(self, code: str, lon, lat, datum: str | None, outline=None) -> PlacementCheck:
        """Read and check a typed position for a section, without storing anything.

        Parameters
        ----------
        code : str
            A section the water bodies file lists without a position.
        lon, lat : str or float
            As typed.
        datum : {'wgs84', 'gcj02'} or None
        outline : geopandas.GeoDataFrame, optional
            The body's outline; default: its file's, when it has one.

        Returns
        -------
        PlacementCheck

        Raises
        ------
        geo.placement.PositionError, monitoring.errors.InputError
            Naming the field.
        """
        from geo.config import load_config

        code, body = _section(code)
        pos = enter_position(lon, lat, datum)
        outline = outline if outline is not None else _outline(body)
        warnings = plausibility(pos.lon, pos.lat, load_config()["boundaries"].area, outline)
        current = self.current().get(code)
        level = next(s.level for s in body.sections if s.code == code)
        nofish = bool(level) and any(z.rule == "nofish" and level in z.levels for z in body.zones)
        return PlacementCheck(
            code, body.code, pos.lon, pos.lat, pos.datum, pos.entered, warnings, current, outline is not None, nofish
        )

    def place(
        self,
        code: str,
        lon,
        lat,
        *,
        user: Actor,
        datum: str | None,
        source: str,
        note: str = "",
        confirm: bool = False,
        outline=None,
    ) -> Placement:
        """Store a position for a section as its next version, with provenance (``site.place``, admin).

        Parameters
        ----------
        code : str
        lon, lat : str or float
            As typed, in ``datum``.
        user : monitoring.auth.Actor
        datum : {'wgs84', 'gcj02'}
            What the numbers are; GCJ-02 is converted to CGCS2000, the typed numbers are kept.
        source : str
            Where the position comes from (required).
        note : str, optional
        confirm : bool
            Store a position that has warnings (:func:`geo.placement.plausibility`); without it
            such a position is refused with the warnings (:class:`PlacementWarnings`).
        outline : geopandas.GeoDataFrame, optional
            The body's outline (see :meth:`check`).

        Returns
        -------
        geo.placement.Placement
            The new version.

        Raises
        ------
        geo.placement.PositionError, monitoring.errors.InputError, PlacementWarnings, PermissionDenied
            Nothing is written.
        """
        self.store.accounts.authorize(user, "site.place")  # refuse before reading anything
        checked = self.check(code, lon, lat, datum, outline)
        source, note = (source or "").strip(), (note or "").strip()
        if not source:
            raise InputError("placement.source_missing", field="source")
        if checked.warnings and not confirm:
            raise PlacementWarnings(warnings=checked.warnings, field="site_code", value=checked.code)
        try:
            with self._write(user, "site.place") as (conn, actor):
                site = conn.execute(select(sites.c.lon, sites.c.lat).where(sites.c.code == checked.code)).first()
                if site is None:  # the start loads every section of the file as a site
                    raise InputError("placement.no_section", field="site_code", value=checked.code)
                last = conn.execute(
                    select(section_placements)
                    .where(section_placements.c.site_code == checked.code)
                    .order_by(section_placements.c.version.desc())
                    .limit(1)
                ).first()
                if last is not None and (last.lon, last.lat, last.datum, last.entered) == (
                    checked.lon,
                    checked.lat,
                    checked.datum,
                    checked.entered,
                ):
                    raise InputError("placement.unchanged", field="site_code", value=checked.code, version=last.version)
                row = dict(
                    site_code=checked.code,
                    version=(last.version if last is not None else 0) + 1,
                    lon=checked.lon,
                    lat=checked.lat,
                    datum=checked.datum,
                    entered=checked.entered,
                    source=source,
                    note=note,
                    placed_by=actor.name,
                    placed_at=now_utc(),
                )
                conn.execute(insert(section_placements).values(**row))
                conn.execute(update(sites).where(sites.c.code == checked.code).values(lon=row["lon"], lat=row["lat"]))
                before = dict(last._mapping) if last is not None else {"lon": site.lon, "lat": site.lat}
                after = row | {"warnings": [w.text("en") for w in checked.warnings]}
                self._audit(conn, actor, "site.place", "site", checked.code, before, after)
        except IntegrityError:  # another placement of this section took the version number first
            raise InputError("placement.race", field="site_code", value=checked.code) from None
        if checked.nofish:  # its zone is in the PostGIS layers too (a no-op without them)
            from ..bootstrap import sync_gis

            sync_gis(self.store)
        return _placement(pd.Series(row))

    # --- reads -----------------------------------------------------------------
    def current(self) -> dict:
        """The current (newest) placement of each placed section: {code: Placement}.

        Returns
        -------
        dict of str to geo.placement.Placement
        """
        with self.engine.connect() as conn:
            return read_current(conn)

    def history(self, code: str | None = None) -> pd.DataFrame:
        """Every version (of one section, or all), newest first; ``placed_at`` naive UTC.

        Returns
        -------
        pandas.DataFrame
        """
        q = select(section_placements).order_by(section_placements.c.site_code, section_placements.c.version.desc())
        if code is not None:
            q = q.where(section_placements.c.site_code == str(code).strip())
        with self.engine.connect() as conn:
            rows = conn.execute(q).all()
        return pd.DataFrame(rows, columns=[c.name for c in section_placements.c])

    def stamp(self):
        """Changes whenever a placement is stored (for caches)."""
        with self.engine.connect() as conn:
            return conn.execute(select(func.max(section_placements.c.id))).scalar()
