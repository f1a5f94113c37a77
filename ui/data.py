"""Cached loaders: data by file version, the map by its inputs.

The map is built and rendered to its embeddable parts once per input set (data version,
language, basemap, statuses, open cases); every run hands out the same parts, so the page
sends the browser an unchanged element that Streamlit's message cache replaces by a reference.
"""

import hashlib
import os

import streamlit as st

from geo.config import config_path
from geo.dataset import Dataset
from geo.mapping import build_map, default_bounds, map_parts
from geo.register import data_dir
from monitoring import clock

# How many times the map was actually built in this process (tests read it).
MAP_BUILDS = {"count": 0}


def data_version() -> tuple:
    """Modification times of every input file, the latest register edit, boundary upload and placement.

    A new version reloads the cache.
    """
    folder = data_dir()
    files = [folder / "ponds.csv", config_path(), *sorted((folder / "boundaries").glob("*"))]
    db = store()
    return (
        *((str(f), f.stat().st_mtime_ns) for f in files if f.exists()),
        ("db", db.register.stamp()),
        ("placed", db.placements.stamp()),
    )


@st.cache_data(show_spinner=False)
def dataset(version: tuple) -> Dataset:
    from monitoring.bootstrap import current_dataset

    return current_dataset(store())


def current_dataset() -> Dataset:
    return dataset(data_version())


@st.cache_resource(show_spinner=False, max_entries=16)
def pond_map_parts(
    version: tuple, lang: str, basemap: str, tianditu_key: str | None, statuses: tuple = (), cases: tuple = ()
) -> tuple[str, dict, list]:
    """``(key, parts, home)`` of the map for these inputs: built once, never changed afterwards.

    ``key`` names the content (a digest of the map's script), ``parts`` is
    ``geo.mapping.map_parts`` of the built map, ``home`` the default view's bounds.
    """
    MAP_BUILDS["count"] += 1
    ds = dataset(version)
    m = build_map(ds, lang, basemap, dict(statuses) or None, tianditu_key, open_cases=dict(cases) or None)
    parts = map_parts(m)
    key = hashlib.sha256((parts["css"] + parts["html"] + parts["script"]).encode()).hexdigest()[:16]
    return key, parts, default_bounds(ds, gcj=basemap == "gaode")


def open_case_sites() -> tuple:
    """Open tracing cases per site as a hashable cache key: ((code, (lon, lat, n)), ...)."""
    cases = store().cases.find("open")
    if cases.empty:
        return ()
    sites = store().register.list_sites().set_index("code")
    counts = cases.site_code.value_counts()
    return tuple(
        (code, (float(sites.loc[code, "lon"]), float(sites.loc[code, "lat"]), int(n)))
        for code, n in sorted(counts.items())
        if code in sites.index and sites.loc[code, "lon"] == sites.loc[code, "lon"]
    )


def tianditu_key() -> str | None:
    """The Tianditu key from the environment or Streamlit secrets; never from the repository."""
    key = os.environ.get("TIANDITU_KEY")
    if key:
        return key
    try:
        return st.secrets.get("tianditu_key")
    except FileNotFoundError:
        return None
    except Exception:  # no secrets file is not an error
        return None


@st.cache_resource(show_spinner=False)
def store():
    """The Store for this process: migrates an empty database and loads the register's sites."""
    from monitoring.bootstrap import open_store

    return open_store()


@st.cache_data(ttl=30, show_spinner=False)
def has_demo_data() -> bool:
    return store().demo.present()


@st.cache_data(show_spinner=False, max_entries=64)
def weekly(stamp: tuple, week: str, body: str | None = None):
    """Weekly compliance (of one water body, or all), recomputed only when samples or cases change (stamp)."""
    return store().samples.weekly(week, body=body)


@st.cache_data(show_spinner=False, max_entries=16)
def weekly_grid(stamp: tuple, weeks: tuple):
    return store().samples.weekly_grid(list(weeks))


def pond_statuses() -> tuple:
    """Retirement status of every pond, for the map: ((pond_id, status), ...).

    ``overdue`` too for ponds without a ledger entry whose steps are past their deadlines (the
    ledger lists them as overdue), so no pond on the map reads 未知.
    """
    from monitoring.ledger import map_status

    today = clock.today()
    steps = store().steps
    ledger = store().ledger.done_steps()
    return tuple(sorted((int(code), map_status(done, steps, today)) for code, done in ledger.items() if code.isdigit()))
