"""Synthetic pond registers for benchmarks and tests (never mixed with real data)."""

from __future__ import annotations

import geopandas as gpd
import numpy as np

from .boundaries import load_boundaries
from .classify import classify_ponds
from .config import QAConfig, ZoneConfig
from .dataset import Dataset
from .qa import check_register
from .register import MU_M2, apply_edits
from .zones import ban_zone, nofish_zones

__all__ = ["synthetic_county", "synthetic_dataset"]


def synthetic_dataset(n: int, seed: int = 0) -> Dataset:
    """Make a dataset of ``n`` random ponds around the shipped lake outline.

    Parameters
    ----------
    n : int
        Number of ponds.
    seed : int
        Random seed.

    Returns
    -------
    geo.dataset.Dataset
        Farm names are ``合成养殖场<i>`` and ``source_ref`` is ``synthetic``.

    Examples
    --------
    >>> ds = synthetic_dataset(5)
    >>> len(ds.register), set(ds.register.source_ref)
    (5, {'synthetic'})
    """
    rng = np.random.default_rng(seed)
    lake, sections = load_boundaries()
    lon = 113.4229 + rng.uniform(-0.06, 0.06, n)
    lat = 29.6532 + rng.uniform(-0.05, 0.05, n)
    reg = gpd.GeoDataFrame(
        {
            "pond_id": np.arange(1, n + 1),
            "town": rng.choice(["江南镇", "聂市镇"], n),
            "village": rng.choice(["东冶村", "丁坊村", "石岭村", "汤畈村"], n),
            "farm_name": [f"合成养殖场{i}" for i in range(n)],
            "location": "合成组",
            "coord_text": [f"E{a:.5f} N{b:.5f}" for a, b in zip(lon, lat, strict=True)],
            "lon": lon,
            "lat": lat,
            "area_mu": rng.uniform(10, 300, n).round(1),
            "uses": "精养鱼池",
            "stocked_this_year": None,
            "coord_datum": "unstated",
            "coord_status": "provisional",
            "source_ref": "synthetic",
            "run_together": False,
        },
        geometry=gpd.points_from_xy(lon, lat),
        crs=4490,
    )
    reg["area_m2"] = reg["area_mu"] * MU_M2
    reg = apply_edits(reg, [])  # the same columns as a loaded register (seed values alongside)
    zones, qa_cfg = ZoneConfig(), QAConfig()
    qa = check_register(reg, lake.gdf, qa_cfg)
    return Dataset(
        register=reg,
        lake=lake,
        sections=sections,
        ban_zone=ban_zone(lake.gdf, zones),
        nofish_zones=nofish_zones(sections.gdf, zones),
        qa=qa,
        classification=classify_ponds(reg, lake.gdf, sections.gdf, zones, [p for p, r in qa.items() if r.suspect]),
        zones=zones,
        qa_config=qa_cfg,
    )


def synthetic_county(
    n_ponds: int, n_bodies: int = 50, n_sections: int = 500, seed: int = 0
) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame, gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """Make a county-scale inventory: water bodies, their section points, and pond outlines.

    Over 60 km x 60 km around Linxiang: four in five water bodies are lakes (irregular
    outlines of 120 vertices, 0.3-3 km across), the others rivers (a 40-80 m wide band
    along a wandering 10-25 km centre line). Section points lie in or near the bodies,
    the same number per body. Ponds crowd the shores (two in three lie within 3 km of a
    body) and are irregular quadrilaterals of their area (10-300 亩). Everything in
    EPSG:4490, as stored.

    Parameters
    ----------
    n_ponds, n_bodies, n_sections : int
    seed : int

    Returns
    -------
    (ponds, outlines, bodies, sections) : tuple of geopandas.GeoDataFrame
        ``ponds``: points with ``pond_id``, ``area_mu``, ``town``; ``outlines``: polygons
        with ``pond_id``; ``bodies``: polygons with ``body``, ``kind`` (``lake`` or
        ``river``), ``provisional``; ``sections``: points with ``section_id``,
        ``provisional``.

    Examples
    --------
    >>> ponds, outlines, bodies, sections = synthetic_county(100, 5, 20)
    >>> len(ponds), len(outlines), len(bodies), len(sections), bodies.crs.to_epsg()
    (100, 100, 5, 20, 4490)
    >>> bool(outlines.is_valid.all()), sorted(set(bodies.kind))
    (True, ['lake', 'river'])
    """
    import shapely

    rng = np.random.default_rng(seed)
    x0, y0, side = 418_000.0, 3_240_000.0, 60_000.0
    centres = np.column_stack([rng.uniform(x0, x0 + side, n_bodies), rng.uniform(y0, y0 + side, n_bodies)])
    n_rivers = n_bodies // 5
    shapes, kinds = [], []
    for i, (cx, cy) in enumerate(centres):
        if i < n_rivers:
            steps = rng.normal(0, 0.4, 40).cumsum() + rng.uniform(0, 2 * np.pi)
            length = rng.uniform(10_000, 25_000) / 40
            line = np.column_stack([cx + np.cos(steps).cumsum() * length, cy + np.sin(steps).cumsum() * length])
            shapes.append(shapely.buffer(shapely.LineString(line), rng.uniform(20, 40), quad_segs=4))
            kinds.append("river")
        else:
            theta = np.linspace(0, 2 * np.pi, 120, endpoint=False)
            radius = rng.uniform(150, 1500)
            wobble = 1 + 0.25 * np.sin(3 * theta + rng.uniform(0, 6)) + 0.04 * rng.standard_normal(120)
            r = radius * np.clip(wobble, 0.5, None)
            shapes.append(shapely.Polygon(np.column_stack([cx + r * np.cos(theta), cy + r * np.sin(theta)])))
            kinds.append("lake")
    shapes = shapely.make_valid(np.array(shapes, dtype=object))
    bodies = gpd.GeoDataFrame(
        {"body": [f"W{i + 1}" for i in range(n_bodies)], "kind": kinds, "provisional": True},
        geometry=shapes,
        crs=4547,
    )
    owner = np.arange(n_sections) % n_bodies
    near = shapely.point_on_surface(shapes)[owner]
    jitter = rng.normal(0, 400, (n_sections, 2))
    sections = gpd.GeoDataFrame(
        {"section_id": [f"S{i + 1}" for i in range(n_sections)], "provisional": True},
        geometry=shapely.points(shapely.get_coordinates(near) + jitter),
        crs=4547,
    )
    shore = rng.random(n_ponds) < 2 / 3
    base = shapely.get_coordinates(shapely.point_on_surface(shapes))[rng.integers(0, n_bodies, n_ponds)]
    spread = rng.normal(0, 2500, (n_ponds, 2))
    xy = np.where(shore[:, None], base + spread, rng.uniform([x0, y0], [x0 + side, y0 + side], (n_ponds, 2)))
    area_mu = rng.uniform(10, 300, n_ponds).round(1)
    half = np.sqrt(area_mu * MU_M2) / 2
    corner = np.array([[-1, -1], [1, -1], [1, 1], [-1, 1]], dtype=float)
    quad = corner[None] * half[:, None, None] * rng.uniform(0.8, 1.2, (n_ponds, 4, 2))
    a = rng.uniform(0, np.pi, n_ponds)
    c, s = np.cos(a)[:, None], np.sin(a)[:, None]
    rx = quad[..., 0] * c - quad[..., 1] * s + xy[:, :1]
    ry = quad[..., 0] * s + quad[..., 1] * c + xy[:, 1:]
    ring = np.stack([rx, ry], axis=-1)
    polys = shapely.polygons(np.concatenate([ring, ring[:, :1]], axis=1))
    ids = np.arange(1, n_ponds + 1)
    ponds = gpd.GeoDataFrame(
        {"pond_id": ids, "area_mu": area_mu, "town": rng.choice(["江南镇", "聂市镇", "羊楼司镇", "坦渡乡"], n_ponds)},
        geometry=shapely.points(xy),
        crs=4547,
    )
    outlines = gpd.GeoDataFrame({"pond_id": ids}, geometry=polys, crs=4547)
    return ponds.to_crs(4490), outlines.to_crs(4490), bodies.to_crs(4490), sections.to_crs(4490)
