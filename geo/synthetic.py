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

__all__ = ["synthetic_dataset"]


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
