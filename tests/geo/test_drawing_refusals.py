"""Drawings the page refuses (geo/drawing.py): a polygon whose edges cross is never repaired silently."""

from datetime import date

import pytest

from geo.dataset import load_dataset
from geo.drawing import DrawingError, drawn_layer

TODAY = date(2026, 11, 30)
# A bow tie: its edges cross between the second and the third vertex.
BOWTIE = [[113.41, 29.64], [113.43, 29.66], [113.43, 29.64], [113.41, 29.66], [113.41, 29.64]]


@pytest.mark.parametrize("kind", ["lake", "ponds"])
def test_a_self_intersecting_polygon_is_refused_with_its_number(kind):
    ds = load_dataset()
    square = [[113.40, 29.65], [113.401, 29.65], [113.401, 29.651], [113.40, 29.651], [113.40, 29.65]]
    features = [
        {"type": "Feature", "properties": {}, "geometry": {"type": "Polygon", "coordinates": [ring]}}
        for ring in (square, BOWTIE)
    ]
    payload = {"kind": kind, "pond": 1, "features": features, "provenance": "drawn"}
    with pytest.raises(DrawingError) as exc:
        drawn_layer(payload, ds, "none", False, TODAY, "ann")
    assert exc.value.code == "draw.invalid_polygon"
    assert exc.value.message("zh").startswith("第 2 个图形的边相互交叉") and "没有保存" in exc.value.message("zh")
    assert "shape 2" in exc.value.message("en")
