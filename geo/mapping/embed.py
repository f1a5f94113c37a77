"""A built map as parts a page that already holds Leaflet can embed without an iframe.

folium renders a whole HTML document; its header also styles ``html, body`` and
``#map`` for a page of its own.  :func:`map_parts` keeps only what belongs to the
map: its stylesheets, its ``<div>`` and its script (which creates the map in that
``<div>`` and ends with the map in a variable named ``name``).
"""

from __future__ import annotations

import re

import folium

__all__ = ["map_parts"]

_STYLE = re.compile(r"<style>(.*?)</style>", re.S)
#: Page-level rules of folium's standalone document; they must not reach a host page.
_PAGE_RULES = re.compile(r"html\s*,\s*body|#map\s*\{")


def map_parts(m: folium.Map) -> dict:
    """Split a rendered map into ``name``, ``css``, ``html``, ``script``, ``js`` and ``css_links``.

    Parameters
    ----------
    m : folium.Map

    Returns
    -------
    dict
        ``name``: the JavaScript variable holding the Leaflet map once ``script`` ran;
        ``css``: the map's own style rules (no page-level rules);
        ``html``: the map's ``<div>``; ``script``: the code that builds the map;
        ``js``, ``css_links``: the Leaflet files the map needs (URLs).

    Examples
    --------
    >>> m = folium.Map(tiles=None)
    >>> parts = map_parts(m)
    >>> parts["name"] in parts["html"] and parts["name"] in parts["script"]
    True
    >>> "html, body" in parts["css"]
    False
    """
    root = m.get_root()
    root.render()
    styles = []
    for rule in _STYLE.findall(root.header.render()):
        rule = rule.strip()
        if rule and not _PAGE_RULES.search(rule) and rule not in styles:
            styles.append(rule)
    return {
        "name": m.get_name(),
        "css": "\n".join(styles),
        "html": root.html.render().strip(),
        "script": root.script.render(),
        "js": [url for _, url in m.default_js],
        "css_links": [url for _, url in m.default_css],
    }
