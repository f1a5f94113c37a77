"""Everything the map, the command line and the app need, loaded in one call."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import geopandas as gpd
import pandas as pd

from .boundaries import Boundary, load_boundaries, load_optional_boundary
from .classify import classify_ponds
from .config import QAConfig, ZoneConfig, load_config
from .provenance import SectionCheck, check_sections, which_provisional
from .qa import PondQA, check_register
from .register import apply_edits, data_dir, load_register
from .zones import ban_zone, nofish_zones

__all__ = ["Dataset", "load_dataset"]


@dataclass
class Dataset:
    """The register, the boundaries and what is derived from them.

    Attributes
    ----------
    register : geopandas.GeoDataFrame
        Pond points (EPSG:4490), see :func:`geo.register.load_register`.
    lake, sections : geo.boundaries.Boundary
        The boundary layers with provenance and load warnings.
    ban_zone, nofish_zones : geopandas.GeoDataFrame
        Zones built from them.
    qa : dict of int to geo.qa.PondQA
        Coordinate QA per pond.
    classification : pandas.DataFrame
        Per-pond classification, see :func:`geo.classify.classify_ponds`.
    zones : ZoneConfig
    qa_config : QAConfig
    outlines : geo.boundaries.Boundary or None
        Pond outlines, when there is a layer.
    admin : geo.boundaries.Boundary or None
        County and town areas, when there is a layer.
    placed : geopandas.GeoDataFrame or None
        Sections placed by an administrator (:func:`geo.placement.placed_layer`); those whose
        body's rules put a no-fishing zone around them are in ``nofish_zones`` and the classification.
    """

    register: gpd.GeoDataFrame
    lake: Boundary
    sections: Boundary
    ban_zone: gpd.GeoDataFrame
    nofish_zones: gpd.GeoDataFrame
    qa: dict[int, PondQA]
    classification: pd.DataFrame
    zones: ZoneConfig
    qa_config: QAConfig
    outlines: Boundary | None = None
    admin: Boundary | None = None
    placed: gpd.GeoDataFrame | None = None

    @property
    def suspect_ids(self) -> list[int]:
        """Pond numbers whose coordinate is suspect."""
        return sorted(pid for pid, r in self.qa.items() if r.suspect)

    @property
    def provisional(self) -> bool:
        """Whether the lake or the section layer is provisional."""
        return self.lake.provisional or self.sections.provisional

    @property
    def which_provisional(self) -> str | None:
        """``both``, ``lake``, ``sections`` or None: what the 暂定 texts must name (see :mod:`geo.provenance`)."""
        return which_provisional(self.lake.provisional, self.sections.provisional)

    @cached_property
    def section_problems(self) -> list[SectionCheck]:
        """Section points outside the lake outline or too far inside from its shore (problems only)."""
        return [c for c in check_sections(self.lake.gdf, self.sections.gdf) if c.problem]


def zone_sections(sections: gpd.GeoDataFrame, placed: gpd.GeoDataFrame | None) -> gpd.GeoDataFrame:
    """The section points that have a no-fishing zone: the layer's and the placed ones whose rules say so.

    Parameters
    ----------
    sections : geopandas.GeoDataFrame
        The section layer.
    placed : geopandas.GeoDataFrame or None
        :func:`geo.placement.placed_layer`.

    Returns
    -------
    geopandas.GeoDataFrame
        ``sections`` itself when no placed section adds a zone.
    """
    if placed is None or not len(placed) or not placed["nofish"].any():
        return sections
    extra = placed[placed["nofish"].astype(bool)].to_crs(sections.crs)
    extra = extra[["section_id", "name", "source", "provisional", "geometry"]]
    return gpd.GeoDataFrame(pd.concat([sections, extra], ignore_index=True), geometry="geometry", crs=sections.crs)


def load_dataset(
    folder=None,
    config_file=None,
    edits=None,
    lake=None,
    sections=None,
    outlines=None,
    admin=None,
    classify=None,
    placed=None,
) -> Dataset:
    """Load the register and boundaries, run QA and classify.

    Parameters
    ----------
    folder : str or pathlib.Path, optional
        Data folder (``ponds.csv`` and ``boundaries/``); defaults to
        :func:`geo.register.data_dir`.
    config_file : str or pathlib.Path, optional
        Defaults to :func:`geo.config.config_path`.
    edits : iterable of dict, optional
        Register corrections and field verifications (see
        :func:`geo.register.apply_edits`); the register always carries the
        seed values alongside.
    lake, sections, outlines, admin : geo.boundaries.Boundary, optional
        Uploaded layers used instead of the files in ``boundaries/``
        (``ponds.*`` and ``admin.*`` there are optional).
    classify : callable, optional
        Classifies the ponds, with :func:`geo.classify.classify_ponds`'s signature and
        result (the default); the app may pass one that asks its database.

    Returns
    -------
    Dataset

    Raises
    ------
    geo.register.RegisterError, geo.boundaries.BoundaryError, geo.config.ConfigError
        When something cannot be loaded; nothing is half-loaded.
    """
    folder = Path(folder) if folder is not None else data_dir()
    cfg = load_config(config_file)
    register = apply_edits(load_register(folder / "ponds.csv"), edits or [])
    if lake is None or sections is None:
        file_lake, file_sections = load_boundaries(folder / "boundaries")
        lake, sections = lake or file_lake, sections or file_sections
    outlines = outlines or load_optional_boundary("ponds", folder / "boundaries")
    admin = admin or load_optional_boundary("admin", folder / "boundaries")
    qa = check_register(register, lake.gdf, cfg["qa"])
    suspect = [pid for pid, r in qa.items() if r.suspect]
    zoned = zone_sections(sections.gdf, placed)
    return Dataset(
        register=register,
        lake=lake,
        sections=sections,
        ban_zone=ban_zone(lake.gdf, cfg["zones"]),
        nofish_zones=nofish_zones(zoned, cfg["zones"]),
        qa=qa,
        classification=(classify or classify_ponds)(
            register, lake.gdf, zoned, cfg["zones"], suspect, outlines=outlines.gdf if outlines else None
        ),
        zones=cfg["zones"],
        qa_config=cfg["qa"],
        outlines=outlines,
        admin=admin,
        placed=placed,
    )
