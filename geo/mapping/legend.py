"""The legend (a collapsible Leaflet control) and the map's stylesheet."""

from __future__ import annotations

from i18n import t

from .common import esc
from .palette import (
    AREA_STYLES,
    CASE_COLOUR,
    SHARED_COLOUR,
    STATUS_COLOURS,
    SUSPECT_COLOUR,
    VERIFIED_COLOUR,
    ZONE_COLOURS,
)

__all__ = ["CSS", "legend_html"]

CSS = """
<style>
.yehu-legend, .yehu-banner { background: rgba(255,255,255,0.92); padding: 4px 8px; border-radius: 4px;
  box-shadow: 0 1px 4px rgba(0,0,0,.3); font: 12px/1.45 "Noto Sans CJK SC", "Microsoft YaHei", sans-serif; }
.yehu-banner { background: #fff7ed; border: 1px solid #ea580c; color: #7c2d12; max-width: 260px; }
/* A phone: the banner shrinks to a one-line note (the page says it in full above the map). */
@media (max-width: 600px) { .yehu-banner { max-width: 150px; font-size: 11px; line-height: 1.3; } }
.leaflet-popup-content { margin: 8px 10px; font-size: 12px; }
.leaflet-popup-content th { text-align: left; padding-right: 6px; white-space: nowrap; vertical-align: top; }
.leaflet-tooltip table { font-size: 12px; }
.yehu-legend i { display: inline-block; width: 12px; height: 12px; margin-right: 6px; vertical-align: -1px;
  border-radius: 50%; }
.yehu-legend i.area { border-radius: 0; opacity: .6; }
.yehu-legend i.ring { width: 14px; height: 14px; box-sizing: border-box; }
.yehu-legend summary { cursor: pointer; }
.leaflet-container { background: #f3f4f6; }
.yehu-label { background: none; border: none; box-shadow: none; color: #1e3a8a; font-weight: 600;
  text-shadow: 0 0 3px #fff, 0 0 3px #fff; white-space: nowrap; }
</style>
"""


def _item(colour, label, css="", border=None, line="dashed", width=2) -> str:
    style = f"background:{colour};" + (f"border:{width}px {line} {border};" if border else "")
    return f'<div><i class="{css}" style="{style}"></i>{esc(label)}</div>'


def legend_html(lang: str, statuses: bool, provisional: str | bool | None, cases: bool = False) -> str:
    """The legend's HTML: pond fills (status or zone), outlines, areas; collapsible, closed.

    The control that holds it opens it on a wide map (:class:`geo.mapping.controls.FixedControl`);
    on a phone it stays a one-line button so it never hides a pond.

    Parameters
    ----------
    lang : {'zh', 'en'}
    statuses : bool
        Ponds are coloured by retirement status (else by zone).
    provisional : {'both', 'lake', 'sections'} or None
        Which boundary layers to call provisional (:func:`geo.provenance.which_provisional`;
        True means both).
    cases : bool
        The open-case layer is drawn.

    Returns
    -------
    str
    """
    if statuses:
        rows = [_item(c, t(f"status.{s}", lang)) for s, c in STATUS_COLOURS.items()]
    else:
        rows = [_item(c, t(f"zone.{z}", lang)) for z, c in ZONE_COLOURS.items()]
    rows += [
        _item("#fff", t("map.legend.suspect", lang), border=SUSPECT_COLOUR),
        _item(SHARED_COLOUR, t("map.legend.shared", lang)),
        _item("#fff", t("map.legend.verified", lang), border=VERIFIED_COLOUR, line="solid"),
        *([_item("transparent", t("map.legend.case", lang), "ring", CASE_COLOUR, "solid", 3)] if cases else []),
        *(_item(AREA_STYLES[k]["fillColor"], t(f"map.layer.{k}", lang), "area") for k in ("lake", "ban", "nofish")),
    ]
    if provisional:
        which = "both" if provisional is True else provisional
        rows.append(f"<div><small>{esc(t(f'prov.legend.{which}', lang))}</small></div>")
    return f"<details><summary><b>{esc(t('map.legend', lang))}</b></summary>{''.join(rows)}</details>"
