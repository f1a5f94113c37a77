"""The register: sites, register corrections and field verifications, boundary versions."""

from __future__ import annotations

import hashlib
import json
from datetime import date

import geopandas as gpd
import pandas as pd
from sqlalchemy import func, insert, select, update

from geo.crs import GEOGRAPHIC
from geo.provenance import NEEDS_SOURCE, PROVENANCES, UPLOAD_PROVENANCES, is_drawn_source
from i18n.errors import UserError

from .. import clock
from ..auth import Actor
from ..errors import Choices, InputError, Words
from ..gis import sync_boundary
from ..schema import boundary_versions, register_edits, sites
from .base import Repository, now_utc

#: What a document's result does not say (its method, its laboratory).
NOT_STATED = "文件未载明"

#: The error of a register correction or verification (the one input error of :mod:`monitoring.errors`).
RegisterEditError = InputError
#: Boundary kinds a version can be uploaded for.
BOUNDARY_KINDS = ("lake", "sections", "ponds", "admin")


def _provenance_args(provenance, source, when, by, drawing: bool = False) -> dict:
    """The provenance columns of an upload (never ``drawn`` nor a ``map:`` source) or a drawing, checked."""
    source, by = (source or "").strip(), (by or "").strip()
    if drawing:
        if provenance not in PROVENANCES or not is_drawn_source(source):
            raise ValueError(f"a drawing states one of {PROVENANCES} and a 'map:' source")
    elif provenance == "drawn":
        raise InputError("boundary.drawn_not_uploaded", field="provenance", value=provenance)
    elif provenance is not None and provenance not in UPLOAD_PROVENANCES:
        choices = Choices("boundary.provenance", UPLOAD_PROVENANCES)
        raise InputError("input.unknown_choice", field="provenance", value=provenance, choices=choices)
    elif is_drawn_source(source):
        raise InputError("boundary.source_reserved", field="prov_source", value=source)
    if provenance in NEEDS_SOURCE and not source:
        raise InputError("boundary.prov_source_missing", field="prov_source")
    if isinstance(when, str):
        text = when.strip()
        try:
            when = date.fromisoformat(text) if text else None
        except ValueError:
            raise InputError("boundary.prov_date_invalid", field="prov_date", value=text) from None
    if when is not None and (not isinstance(when, date) or when > clock.today()):
        raise InputError("input.date_missing_or_future", field="prov_date", value=when)
    return dict(provenance=provenance, prov_source=source, prov_date=when, prov_by=by)


class Register(Repository):
    """Sites, register edits and boundary versions (``store.register``)."""

    def load(
        self, register: gpd.GeoDataFrame, sections: gpd.GeoDataFrame | None = None, *, user: Actor, bodies=None
    ) -> int:
        """Create a site per pond (code = pond number) and per section point; idempotent.

        Existing sites are left as they are (their coordinates may have been
        corrected since); only missing ones are added. Each site belongs to the water
        body that lists it (:mod:`geo.waterbodies`; Yehu otherwise).

        Parameters
        ----------
        register : geopandas.GeoDataFrame
            From :func:`geo.register.load_register`.
        sections : geopandas.GeoDataFrame, optional
            Section points with ``section_id``, ``name``, ``source``, ``provisional``.
        user : monitoring.auth.Actor
            Acting user (``register.load``).
        bodies : geo.waterbodies.WaterBodies, optional
            The water bodies: their sections whose position is unknown are added too, without
            a position (位置待定), not monitored weekly unless their body is; the dated results
            the file gives are stored as samples noted with their document (once: one already
            there, even corrected or withdrawn since, is left alone). They open no tracing case.

        Returns
        -------
        int
            Sites added.
        """
        from geo.waterbodies import DEFAULT

        rows = []
        reg = register.to_crs(GEOGRAPHIC)
        for r in reg.itertuples():
            rows.append(
                {
                    "code": str(r.pond_id),
                    "kind": "pond",
                    "name": r.farm_name,
                    "lon": float(r.geometry.x),
                    "lat": float(r.geometry.y),
                    "pond_id": int(r.pond_id),
                    "town": r.town,
                    "source": r.source_ref,
                    "provisional": r.coord_status != "verified",
                    "water_body": bodies.pond_body(r.pond_id) if bodies else DEFAULT,
                }
            )
        if sections is not None:
            for r in sections.to_crs(GEOGRAPHIC).itertuples():
                body = bodies.body_of_section(str(r.section_id)) if bodies else None
                rows.append(
                    {
                        "code": str(r.section_id),
                        "kind": "section",
                        "name": r.name,
                        "lon": float(r.geometry.x),
                        "lat": float(r.geometry.y),
                        "pond_id": None,
                        "town": None,
                        "source": r.source,
                        "provisional": bool(r.provisional),
                        "water_body": body.code if body else DEFAULT,
                    }
                )
        for sec in bodies.pending_sections() if bodies else []:
            rows.append(
                {
                    "code": sec.code,
                    "kind": "section",
                    "name": sec.name,
                    "lon": None,
                    "lat": None,
                    "pond_id": None,
                    "town": None,
                    "source": sec.source,
                    "provisional": True,
                    "water_body": sec.body,
                }
            )
        with self._write(user, "register.load") as (conn, actor):
            have = set(conn.execute(select(sites.c.code)).scalars())
            new = [r for r in rows if r["code"] not in have]
            if new:
                conn.execute(insert(sites), new)
                for r in new:
                    self._audit(conn, actor, "register.load", "site", r["code"], None, r)
            for body in bodies or []:
                for result in body.results:
                    self._load_result(conn, actor, result)
        return len(new)

    def _load_result(self, conn, actor, result) -> bool:
        """Store one result of the water bodies file as a sample, unless it is there already."""
        import uuid
        from datetime import datetime

        from ..samples import TZ, ParsedValue, SampleInput
        from ..schema import samples
        from .samples import _row

        here = (samples.c.site_code == result.section) & (samples.c.parameter == result.parameter)
        notes = conn.execute(select(samples.c.notes).where(here)).scalars()
        if any(str(n).startswith(result.source) for n in notes):
            return False
        inp = SampleInput(
            site=result.section,
            sampled_at=datetime(result.day.year, result.day.month, result.day.day, tzinfo=TZ),
            value=ParsedValue(result.value_mg_l, False, None),
            parameter=result.parameter,
            kind="other",
            method=NOT_STATED,
            laboratory=NOT_STATED,
            notes=result.source + (f"（{result.date_note}）" if result.date_note else ""),
            value_entered=f"{result.value_mg_l:g}",
        )
        inp.check()
        uid = str(uuid.uuid4())
        row = _row(inp, actor.name, uid, 1)
        conn.execute(insert(samples).values(row))
        self._audit(conn, actor, "register.load", "sample", uid, None, row)
        return True

    def add_site(
        self,
        code: str,
        kind: str,
        name: str,
        lon: float,
        lat: float,
        source: str,
        provisional=True,
        *,
        user: Actor,
        active_from: date | None = None,
        water_body: str = "yehu",
    ):
        """Add a lake or other monitoring site.

        Parameters
        ----------
        code : str
        kind : {'lake', 'section', 'pond'}
        name : str
        lon, lat : float
            CGCS2000 degrees.
        source : str
        provisional : bool
        user : monitoring.auth.Actor
            Acting user (``site.add``, admin).
        active_from : datetime.date, optional
            First day the site is monitored (default: today in Asia/Shanghai). Weeks before it do not
            count the site, so adding a site never changes an old week's results.
        water_body : str
            The code of the lake or river it belongs to (``data/waterbodies.toml``).
        """
        from geo.waterbodies import current_waterbodies

        codes = current_waterbodies().codes
        if water_body not in codes:
            raise InputError(
                "input.unknown_choice",
                field="water_body",
                value=water_body,
                choices=Words(", ".join(codes), ", ".join(codes)),
            )
        if kind not in ("lake", "section", "pond"):
            raise InputError(
                "input.unknown_choice",
                field="site_kind",
                value=kind,
                choices=Words("湖体、断面、鱼塘", "lake, section, pond"),
            )
        values = dict(code=code, kind=kind, name=name, lon=lon, lat=lat, source=source, provisional=provisional)
        values["water_body"] = water_body
        values["active_from"] = active_from or clock.today()
        with self._write(user, "site.add") as (conn, actor):
            if conn.execute(select(sites.c.code).where(sites.c.code == code)).first():
                raise InputError("site.code_taken", field="site_code", value=code)
            conn.execute(insert(sites).values(**values))
            self._audit(conn, actor, "site.add", "site", code, None, values)

    def list_sites(self) -> pd.DataFrame:
        """All sites, ponds first by number.

        Returns
        -------
        pandas.DataFrame
        """
        with self.engine.connect() as conn:
            df = pd.read_sql(select(sites), conn)
        df["order"] = pd.to_numeric(df["code"], errors="coerce")
        return df.sort_values(["order", "code"], na_position="last").drop(columns="order").reset_index(drop=True)

    def edits(self, pond_id: int | None = None) -> pd.DataFrame:
        """Register corrections and field verifications, oldest first (``changes`` as dicts)."""
        q = select(register_edits).order_by(register_edits.c.id)
        if pond_id is not None:
            q = q.where(register_edits.c.pond_id == int(pond_id))
        with self.engine.connect() as conn:
            df = pd.read_sql(q, conn)
        df["changes"] = [json.loads(c) for c in df["changes"]]
        return df

    def edits_for_dataset(self) -> list[dict]:
        """The edits as :func:`geo.register.apply_edits` takes them."""
        df = self.edits()
        return [
            {**r, "verified_on": "" if r["verified_on"] is None else str(r["verified_on"])}
            for r in df.to_dict("records")
        ]

    def _current_pond(self, conn, pond_id: int) -> dict:
        from geo.register import apply_edits, load_register

        edits = [
            {"pond_id": r.pond_id, "kind": r.kind, "changes": json.loads(r.changes)}
            for r in conn.execute(
                select(register_edits).where(register_edits.c.pond_id == pond_id).order_by(register_edits.c.id)
            )
        ]
        reg = load_register()
        reg = reg[reg.pond_id == pond_id]
        if reg.empty:
            raise InputError("register_edit.no_such_pond", field="pond_id", value=pond_id)
        row = apply_edits(reg, edits).iloc[0]
        return {k: row[k] for k in ("coord_text", "lon", "lat", "area_mu", "uses", "coord_status", "coord_datum")}

    @staticmethod
    def _point(text: str) -> dict:
        from geo.coords import CoordinateError, in_china, parse_coordinate

        try:
            parsed = parse_coordinate(text)
        except CoordinateError as exc:
            raise InputError(exc.code, field="coord_text", value=text, **exc.params) from exc
        lon, lat = parsed.lon, parsed.lat
        if not bool(in_china(lon, lat)):
            raise InputError(
                "register_edit.outside_china", field="coord_text", value=text, lon=f"{lon:.5f}", lat=f"{lat:.5f}"
            )
        return {"coord_text": text.strip(), "lon": float(lon), "lat": float(lat)}

    def _write_edit(self, conn, actor, pond_id, kind, changes, reason, verified_by="", verified_on=None) -> int:
        before = self._current_pond(conn, pond_id)
        values = dict(
            pond_id=pond_id,
            kind=kind,
            changes=json.dumps(changes, ensure_ascii=False, sort_keys=True),
            reason=reason,
            verified_by=verified_by,
            verified_on=verified_on,
            recorded_by=actor.name,
            recorded_at=now_utc(),
        )
        edit_id = conn.execute(insert(register_edits).values(**values)).inserted_primary_key[0]
        if "lon" in changes:  # tracing distances use the site's point
            conn.execute(
                update(sites)
                .where(sites.c.code == str(pond_id), sites.c.kind == "pond")
                .values(lon=changes["lon"], lat=changes["lat"], provisional=kind != "verify")
            )
        self._audit(
            conn, actor, f"register.{kind}", "pond", pond_id, {k: before[k] for k in changes}, {**values, **changes}
        )
        return edit_id

    def correct_pond(
        self,
        pond_id: int,
        *,
        user: Actor,
        reason: str,
        coord_text: str | None = None,
        uses: str | None = None,
        area_mu: float | None = None,
    ) -> int:
        """Correct a pond's coordinate, area or uses (a desk correction; the seed value stays).

        Parameters
        ----------
        pond_id : int
        user : monitoring.auth.Actor
            Acting user (``register.correct``, admin).
        reason : str
            Required: where the new value comes from.
        coord_text : str, optional
            In any notation of :func:`geo.coords.parse_coordinate`.
        uses : str, optional
            ``<use><number>亩`` parts separated by ``;``; the area becomes their sum.
        area_mu : float, optional
            A new area for a pond with one use (its use keeps its name).

        Returns
        -------
        int
            The edit id.

        Raises
        ------
        monitoring.errors.InputError
            Naming the field, value and reason; nothing is written.
        PermissionDenied
        """
        from geo.register import parse_uses

        if not (reason or "").strip():
            raise InputError("input.reason_missing", field="reason")
        if coord_text is None and uses is None and area_mu is None:
            raise InputError("register_edit.nothing")
        changes: dict = {}
        if coord_text is not None:
            changes |= self._point(coord_text)
        if uses is not None:
            try:
                parts = parse_uses(uses)
            except UserError as exc:
                raise InputError(exc.code, field="uses", value=uses, **exc.params) from exc
            total = float(sum(mu for _, mu in parts))
            if area_mu is not None and abs(float(area_mu) - total) > 1e-9:
                raise InputError("register_edit.area_sum", field="area_mu", value=area_mu, total=f"{total:g}")
            changes |= {"uses": ";".join(f"{u}{mu:g}亩" for u, mu in parts), "area_mu": total}
        with self._write(user, "register.correct") as (conn, actor):
            current = self._current_pond(conn, int(pond_id))
            if uses is None and area_mu is not None:
                try:
                    area = float(area_mu)
                except (TypeError, ValueError):
                    raise InputError("input.not_a_number", field="area_mu", value=area_mu) from None
                if not area > 0:
                    raise InputError("input.not_positive", field="area_mu", value=area_mu)
                parts = parse_uses(current["uses"])
                if len(parts) != 1:
                    raise InputError("register_edit.area_many_uses", field="area_mu", value=area_mu, n=len(parts))
                changes |= {"area_mu": area, "uses": f"{parts[0][0]}{area:g}亩"}
            return self._write_edit(conn, actor, int(pond_id), "correct", changes, reason.strip())

    def verify_pond(
        self, pond_id: int, coord_text: str, *, user: Actor, verified_by: str, verified_on: date, note: str = ""
    ) -> int:
        """Record a field-verified GPS point: the pond shows as verified on the map.

        Parameters
        ----------
        pond_id : int
        coord_text : str
            The GPS reading (WGS84 = CGCS2000 at this precision), any accepted notation.
        user : monitoring.auth.Actor
            Acting user (``register.verify``, admin).
        verified_by : str
            Who took the reading on site.
        verified_on : datetime.date
            When; not in the future.
        note : str, optional

        Returns
        -------
        int
            The edit id.

        Raises
        ------
        monitoring.errors.InputError, monitoring.auth.PermissionDenied
        """
        if not (verified_by or "").strip():
            raise InputError("register_edit.verified_by_missing", field="verified_by")
        if not isinstance(verified_on, date) or verified_on > clock.today():
            raise InputError("input.date_missing_or_future", field="verified_on", value=verified_on)
        changes = self._point(coord_text) | {"coord_status": "verified", "coord_datum": "WGS84/CGCS2000 (GPS)"}
        with self._write(user, "register.verify") as (conn, actor):
            return self._write_edit(
                conn, actor, int(pond_id), "verify", changes, (note or "").strip(), verified_by.strip(), verified_on
            )

    def upload_boundary(
        self,
        kind: str,
        filename: str,
        content: bytes,
        *,
        user: Actor,
        note: str = "",
        provenance: str | None = None,
        prov_source: str = "",
        prov_date: date | str | None = None,
        prov_by: str = "",
        layer: str | None = None,
        drawing: bool = False,
    ) -> int:
        """Store a new lake outline or section layer with its provenance; the previous version is kept.

        The file is validated first (:func:`geo.boundaries.load_boundary_bytes`:
        size, type, archive safety, geometry, CRS, position in China). The stated
        provenance decides whether the layer is provisional (暂定) everywhere it is shown.

        Parameters
        ----------
        kind : {'lake', 'sections', 'ponds', 'admin'}
        filename : str
        content : bytes
        user : monitoring.auth.Actor
            Acting user (``boundary.upload``, admin).
        note : str, optional
        provenance : str, optional
            One of :data:`geo.provenance.UPLOAD_PROVENANCES` (``surveyed`` 实测, ``digitised`` 影像勾绘,
            ``provisional`` 暂定; a drawing ``drawn`` too). None: as the file's ``provisional`` says.
        prov_source : str, optional
            Who produced the geometry (surveying office, report number, imagery); required
            for the provenances in :data:`geo.provenance.NEEDS_SOURCE`.
        prov_date : datetime.date or str, optional
            When it was surveyed or digitised (ISO text accepted); not in the future.
        prov_by : str, optional
            Who states the provenance; default the acting user's name.
        layer : str, optional
            The layer to take from a multi-layer file; default as :func:`geo.boundaries.choose_layer`
            picks. The layer taken is stored (``layer`` of :meth:`list_boundaries`).
        drawing : bool, optional
            A drawing from the map (:func:`geo.drawing.drawn_layer`, a ``map:`` source; what it carries
            over keeps its own provenance). An upload (default) cannot state ``drawn`` nor ``map:``.

        Returns
        -------
        int
            The version id.

        Raises
        ------
        geo.boundaries.BoundaryError, monitoring.errors.InputError, PermissionDenied
            Nothing is written.
        """
        from geo.boundaries import load_boundary_bytes
        from geo.provenance import apply_provenance

        self.store.accounts.authorize(user, "boundary.upload")  # refuse before parsing anything
        stated = _provenance_args(provenance, prov_source, prov_date, prov_by, drawing)
        b = load_boundary_bytes(content, filename, kind, layer=(layer or "").strip() or None)
        values = dict(
            kind=kind,
            filename=str(b.path),
            content=content,
            sha256=hashlib.sha256(content).hexdigest(),
            note=(note or "").strip(),
            layer=b.layer,
            **stated,
        )
        with self._write(user, "boundary.upload") as (conn, actor):
            if provenance is not None:
                values["prov_by"] = values["prov_by"] or actor.name
                b = apply_provenance(b, provenance, values["prov_source"], values["prov_date"] or "", values["prov_by"])
            values |= {"features": len(b.gdf), "provisional": b.provisional}
            values["warnings"] = "\n".join(w.dumps() for w in b.warnings)  # without what was stated
            prev = conn.execute(
                select(boundary_versions.c.id, boundary_versions.c.filename, boundary_versions.c.sha256)
                .where(boundary_versions.c.kind == kind)
                .order_by(boundary_versions.c.id.desc())
                .limit(1)
            ).first()
            values |= {"recorded_by": actor.name, "recorded_at": now_utc()}
            vid = conn.execute(insert(boundary_versions).values(**values)).inserted_primary_key[0]
            if kind == "sections":  # new section points become monitoring sites
                have = set(conn.execute(select(sites.c.code)).scalars())
                for r in b.gdf.to_crs(GEOGRAPHIC).itertuples():
                    if str(r.section_id) not in have:
                        site = dict(
                            code=str(r.section_id),
                            kind="section",
                            name=r.name,
                            lon=float(r.geometry.x),
                            lat=float(r.geometry.y),
                            source=str(r.source),
                            provisional=bool(r.provisional),
                        )
                        conn.execute(insert(sites).values(**site))
                        self._audit(conn, actor, "site.add", "site", site["code"], None, site)
            sync_boundary(conn, kind, b.gdf, vid)  # PostGIS layers, when the database has them
            before = dict(prev._mapping) if prev is not None else {"filename": f"data/boundaries ({kind}, shipped)"}
            self._audit(conn, actor, "boundary.upload", "boundary", f"{kind}:{vid}", before, values)
            return vid

    def list_boundaries(self, kind: str | None = None) -> pd.DataFrame:
        """Uploaded boundary versions, newest first (no file content)."""
        cols = [c for c in boundary_versions.c if c.name != "content"]
        q = select(*cols).order_by(boundary_versions.c.id.desc())
        if kind:
            q = q.where(boundary_versions.c.kind == kind)
        with self.engine.connect() as conn:
            return pd.read_sql(q, conn)

    def boundary_file(self, version_id: int) -> tuple[bytes, str] | None:
        """An uploaded boundary file: (bytes, file name), or None."""
        with self.engine.connect() as conn:
            row = conn.execute(
                select(boundary_versions.c.content, boundary_versions.c.filename).where(
                    boundary_versions.c.id == version_id
                )
            ).first()
        return None if row is None else (bytes(row[0]), row[1])

    def active_boundaries(self) -> dict:
        """The newest uploaded version per kind: {kind: (id, bytes, file name)}."""
        out = {}
        with self.engine.connect() as conn:
            for kind in ("lake", "sections"):
                row = conn.execute(
                    select(boundary_versions.c.id, boundary_versions.c.content, boundary_versions.c.filename)
                    .where(boundary_versions.c.kind == kind)
                    .order_by(boundary_versions.c.id.desc())
                    .limit(1)
                ).first()
                if row is not None:
                    out[kind] = (row[0], bytes(row[1]), row[2])
        return out

    def current_versions(self) -> dict:
        """The version in use per kind (the newest uploaded): {kind: dict of its columns, ``content`` as bytes}.

        ``provenance`` is the stated one (None when the upload stated none: the file's own
        ``provisional`` column decides), ``layer`` the layer taken from a multi-layer file.
        """
        out = {}
        with self.engine.connect() as conn:
            for kind in BOUNDARY_KINDS:
                row = conn.execute(
                    select(boundary_versions)
                    .where(boundary_versions.c.kind == kind)
                    .order_by(boundary_versions.c.id.desc())
                    .limit(1)
                ).first()
                if row is not None:
                    out[kind] = dict(row._mapping) | {"content": bytes(row.content)}
        return out

    def stamp(self) -> tuple:
        """Changes whenever a register edit or a boundary upload is stored (for caches)."""
        with self.engine.connect() as conn:
            return (
                conn.execute(select(func.max(register_edits.c.id))).scalar(),
                conn.execute(select(func.max(boundary_versions.c.id))).scalar(),
            )
