"""The large-map path: from :data:`CANVAS_FROM` ponds on, canvas markers carrying the pond number only.

Every pond's texts in the page would make a map of thousands of ponds slow to send and to draw;
the pond details panel beside the map shows the rest.
"""

from __future__ import annotations

import folium
import geopandas as gpd
import pandas as pd

from i18n import t

from ..crs import GEOGRAPHIC
from .common import esc, geojson

__all__ = ["CANVAS_FROM", "RADIUS", "is_large", "pond_details", "pond_features"]

#: From this many ponds on, the map draws on a canvas and takes the slim path.
CANVAS_FROM = 2000
#: Marker radius on a large map (8 on a normal one).
RADIUS = 5


def is_large(ds) -> bool:
    """Whether the dataset's map takes the large path."""
    return len(ds.register) >= CANVAS_FROM


def pond_features(table: pd.DataFrame, pos: gpd.GeoDataFrame, gcj: bool) -> dict:
    """The pond number only, 1 m precision."""
    gdf = gpd.GeoDataFrame(
        {"pond_id": table.index.to_numpy()},
        geometry=pos.loc[table.index].geometry.values,
        crs=GEOGRAPHIC,
    )
    return geojson(gdf, gcj, precision=5)


def pond_details(lang: str) -> dict:
    """A tooltip with the pond number; no popup."""
    return {"tooltip": folium.GeoJsonTooltip(["pond_id"], aliases=[esc(t("field.pond_id", lang))])}
