"""The pond register: ``data/ponds.csv`` read, checked and turned into points.

Columns (UTF-8 CSV, one row per pond of the plan's attachment)
---------------------------------------------------------------
pond_id
    序号, the pond's number and its id everywhere in the system.
town, village, farm_name, location
    镇, 村, 养殖场名称 and the group / place (位置) as printed.
coord_text
    The coordinate string exactly as printed in the attachment.
lon, lat
    ``coord_text`` read by :func:`geo.coords.parse_coordinate`, decimal degrees.
area_mu
    Water area in 亩, the sum of the areas in ``uses``.
uses
    Each use with its area as printed, ``;``-separated (``精养虾30亩;精养鱼池16亩``).
stocked_this_year
    今年是否投放鱼苗: ``是``, ``否`` or empty for unknown (blank in the source).
coord_datum
    Datum of the printed coordinate; ``unstated`` for the seed.
coord_status
    ``provisional`` (as printed, not checked on site) or ``verified``.
source_ref
    Where the row comes from.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import pandas as pd

from .coords import CoordinateError, parse_coordinate
from .crs import GEOGRAPHIC

__all__ = [
    "COLUMNS",
    "MU_M2",
    "RegisterError",
    "RegisterProblem",
    "apply_edits",
    "data_dir",
    "load_register",
    "parse_uses",
]

#: One 亩 in square metres.
MU_M2 = 2000 / 3

COLUMNS = [
    "pond_id",
    "town",
    "village",
    "farm_name",
    "location",
    "coord_text",
    "lon",
    "lat",
    "area_mu",
    "uses",
    "stocked_this_year",
    "coord_datum",
    "coord_status",
    "source_ref",
]
_STOCKED = {"": None, "是": True, "否": False}
_STATUS = {"provisional", "verified"}
_USE = re.compile(r"^\s*(?P<use>[^\d;]+?)\s*(?P<mu>\d+(?:\.\d+)?)\s*亩\s*$")


def data_dir() -> Path:
    """Folder holding ``ponds.csv`` and ``boundaries/``.

    ``YEHU_DATA_DIR`` overrides the default, the repository's ``data/``.

    Returns
    -------
    pathlib.Path
    """
    env = os.environ.get("YEHU_DATA_DIR")
    return Path(env) if env else Path(__file__).resolve().parent.parent / "data"


@dataclass(frozen=True)
class RegisterProblem:
    """One problem found in the register: where, which field, which value, why."""

    line: int
    pond_id: str
    field: str
    value: str
    reason: str

    def __str__(self) -> str:
        return (
            f"line {self.line} (pond {self.pond_id or '?'}), field {self.field!r}, value {self.value!r}: {self.reason}"
        )


class RegisterError(ValueError):
    """The register could not be loaded; ``problems`` lists every problem found.

    Parameters
    ----------
    path : str
        The file.
    problems : list of RegisterProblem
        Everything wrong, not just the first.
    """

    def __init__(self, path, problems):
        self.path = str(path)
        self.problems = list(problems)
        listing = "\n  ".join(str(p) for p in self.problems)
        super().__init__(f"{self.path}: {len(self.problems)} problem(s):\n  {listing}")


def parse_uses(text: str) -> list[tuple[str, float]]:
    """Split a ``uses`` cell into (use, 亩) pairs.

    Parameters
    ----------
    text : str
        For example ``精养虾30亩;精养鱼池16亩``.

    Returns
    -------
    list of (str, float)

    Raises
    ------
    ValueError
        When a part is not "<use><number>亩".

    Examples
    --------
    >>> parse_uses("精养虾30亩;精养鱼池16亩")
    [('精养虾', 30.0), ('精养鱼池', 16.0)]
    """
    parts = [p for p in re.split(r"[;；]", text or "") if p.strip()]
    if not parts:
        raise ValueError("no use given")
    out = []
    for part in parts:
        m = _USE.match(part)
        if not m:
            raise ValueError(f"{part!r} is not '<use><number>亩'")
        out.append((m["use"], float(m["mu"])))
    return out


def _check_row(line: int, row: dict, problems: list[RegisterProblem], seen: set) -> dict | None:
    pid = (row.get("pond_id") or "").strip()

    def bad(field, reason):
        problems.append(RegisterProblem(line, pid, field, str(row.get(field, "")), reason))

    before = len(problems)
    if not pid.isdigit() or int(pid) < 1:
        bad("pond_id", "must be a positive whole number")
    elif int(pid) in seen:
        bad("pond_id", "duplicate pond number")
    for field in ("town", "village", "farm_name", "coord_text", "uses"):
        if not (row.get(field) or "").strip():
            bad(field, "must not be empty")

    parsed = None
    if (row.get("coord_text") or "").strip():
        try:
            parsed = parse_coordinate(row["coord_text"])
        except CoordinateError as exc:
            bad("coord_text", exc.reason)
    lonlat = {}
    for field in ("lon", "lat"):
        try:
            lonlat[field] = float(row.get(field) or "")
        except ValueError:
            bad(field, "not a number")
    if parsed and len(lonlat) == 2:
        for field, want in (("lon", parsed.lon), ("lat", parsed.lat)):
            if abs(lonlat[field] - want) > 1e-9:
                bad(field, f"does not match the printed coordinate {row['coord_text']!r} ({want:g})")

    try:
        area = float(row.get("area_mu") or "")
        if area <= 0:
            bad("area_mu", "must be positive")
    except ValueError:
        area = None
        bad("area_mu", "not a number")
    uses = None
    if (row.get("uses") or "").strip():
        try:
            uses = parse_uses(row["uses"])
        except ValueError as exc:
            bad("uses", str(exc))
    if uses and area is not None and abs(sum(mu for _, mu in uses) - area) > 1e-6:
        bad("area_mu", f"differs from the sum of the uses ({sum(mu for _, mu in uses):g} 亩)")

    stocked = (row.get("stocked_this_year") or "").strip()
    if stocked not in _STOCKED:
        bad("stocked_this_year", "must be 是, 否 or empty (unknown)")
    if (row.get("coord_status") or "").strip() not in _STATUS:
        bad("coord_status", f"must be one of {sorted(_STATUS)}")

    if len(problems) > before:
        return None
    seen.add(int(pid))
    return {
        **{k: (row.get(k) or "").strip() for k in COLUMNS},
        "pond_id": int(pid),
        "lon": lonlat["lon"],
        "lat": lonlat["lat"],
        "area_mu": area,
        "stocked_this_year": _STOCKED[stocked],
        "run_together": parsed.run_together,
    }


def load_register(path=None) -> gpd.GeoDataFrame:
    """Read and check the pond register.

    Every row is checked and every problem reported at once; nothing is
    returned unless the whole file is sound.

    Parameters
    ----------
    path : str or pathlib.Path, optional
        Defaults to ``ponds.csv`` in :func:`data_dir`.

    Returns
    -------
    geopandas.GeoDataFrame
        One point per pond in EPSG:4490, indexed by nothing in particular,
        with the register columns plus ``run_together`` (bool) and
        ``area_m2``; ``stocked_this_year`` is True, False or None (unknown).

    Raises
    ------
    FileNotFoundError
        If the file does not exist.
    RegisterError
        Listing every row, field and reason that is wrong.

    Examples
    --------
    >>> reg = load_register()
    >>> len(reg), reg.crs.to_epsg(), float(reg.area_mu.sum())
    (17, 4490, 1552.0)
    """
    path = Path(path) if path is not None else data_dir() / "ponds.csv"
    try:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise RegisterError(path, [RegisterProblem(0, "", "", "", f"not UTF-8 ({exc.reason})")]) from exc
    missing = [c for c in COLUMNS if c not in raw.columns]
    if missing:
        raise RegisterError(path, [RegisterProblem(1, "", c, "", "column missing") for c in missing])
    if raw.empty:
        raise RegisterError(path, [RegisterProblem(2, "", "", "", "no ponds in the file")])
    problems: list[RegisterProblem] = []
    seen: set[int] = set()
    rows = [_check_row(i + 2, rec, problems, seen) for i, rec in enumerate(raw.to_dict("records"))]
    if problems:
        raise RegisterError(path, problems)
    df = pd.DataFrame(rows)
    df["area_m2"] = df["area_mu"] * MU_M2
    gdf = gpd.GeoDataFrame(df, geometry=gpd.points_from_xy(df.lon, df.lat), crs=GEOGRAPHIC)
    return gdf.sort_values("pond_id", ignore_index=True)


#: Fields a register edit may change.
EDITABLE = ("coord_text", "lon", "lat", "area_mu", "uses", "coord_status", "coord_datum")


def apply_edits(register: gpd.GeoDataFrame, edits) -> gpd.GeoDataFrame:
    """The register with corrections and field verifications applied, the seed kept alongside.

    The seed file is never changed.  Every pond gets ``seed_coord_text``,
    ``seed_lon``, ``seed_lat``, ``seed_area_mu`` and ``seed_uses`` (the values
    as printed), ``edited`` (any edit applied), ``verified_by`` and
    ``verified_on`` (the latest field verification, or empty).

    Parameters
    ----------
    register : geopandas.GeoDataFrame
        From :func:`load_register`.
    edits : iterable of dict
        Oldest first, each with ``pond_id``, ``kind`` (``correct`` or
        ``verify``), ``changes`` (dict of new values among :data:`EDITABLE`),
        and for ``verify`` ``verified_by`` and ``verified_on``.

    Returns
    -------
    geopandas.GeoDataFrame
        A new frame; ``register`` is not modified.

    Raises
    ------
    ValueError
        For an edit naming an unknown pond or field.

    Examples
    --------
    >>> reg = load_register()
    >>> out = apply_edits(reg, [{"pond_id": 1, "kind": "verify", "verified_by": "李", "verified_on": "2026-05-01",
    ...     "changes": {"coord_text": "E113.41 N29.65", "lon": 113.41, "lat": 29.65, "coord_status": "verified"}}])
    >>> out.loc[out.pond_id == 1, ["coord_status", "seed_coord_text", "verified_by"]].values.tolist()
    [['verified', 'E113.4136 N29.6635', '李']]
    """
    out = register.copy()
    for col in ("coord_text", "lon", "lat", "area_mu", "uses"):
        out[f"seed_{col}"] = out[col]
    out["edited"] = False
    out["verified_by"] = ""
    out["verified_on"] = ""
    index = {int(pid): i for i, pid in zip(out.index, out["pond_id"], strict=True)}
    for e in edits:
        pid = int(e["pond_id"])
        if pid not in index:
            raise ValueError(f"edit for pond {pid}: no such pond in the register")
        unknown = set(e["changes"]) - set(EDITABLE)
        if unknown:
            raise ValueError(f"edit for pond {pid}: unknown field(s) {sorted(unknown)}")
        i = index[pid]
        for k, v in e["changes"].items():
            out.at[i, k] = v
        out.at[i, "edited"] = True
        if e["kind"] == "verify":
            out.at[i, "verified_by"] = str(e.get("verified_by") or "")
            out.at[i, "verified_on"] = str(e.get("verified_on") or "")
        elif "lon" in e["changes"]:  # a desk correction of the point is not a verification
            out.at[i, "coord_status"] = "provisional"
            out.at[i, "verified_by"] = out.at[i, "verified_on"] = ""
    out["area_mu"] = out["area_mu"].astype(float)
    out["area_m2"] = out["area_mu"] * MU_M2
    out = out.set_geometry(gpd.points_from_xy(out.lon.astype(float), out.lat.astype(float)), crs=register.crs)
    return out
