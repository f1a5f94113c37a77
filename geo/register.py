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
from dataclasses import field as dc_field
from pathlib import Path

import geopandas as gpd
import pandas as pd

from i18n.errors import UserError

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
    """One problem found in the register: where, which field, which value, why.

    ``code`` is a catalogue key below ``error.`` and ``params`` its values;
    :meth:`message` renders the problem in a language.
    """

    line: int
    pond_id: str
    field: str
    value: str
    code: str
    params: dict = dc_field(default_factory=dict)

    def error(self) -> UserError:
        """The problem as a :class:`~i18n.errors.UserError` (row, field, value, reason)."""
        return UserError(
            self.code, row=self.line or None, field=self.field or None, value=self.value or None, **self.params
        )

    def message(self, lang: str = "zh") -> str:
        """The problem as a sentence in ``lang``."""
        return self.error().message(lang)

    @property
    def reason(self) -> str:
        """Why, in English (for logs)."""
        return self.error().reason("en")

    def __str__(self) -> str:
        return self.message("en")


class RegisterError(UserError):
    """The register could not be loaded; ``problems`` lists every problem found.

    Parameters
    ----------
    code : str, optional
        Defaults to ``register.invalid``.
    problems : list of RegisterProblem
        Everything wrong, not just the first.
    path : str or pathlib.Path, optional
        The file; only its name appears in the message.

    Examples
    --------
    >>> problem = RegisterProblem(3, "7", "area_mu", "abc", "register.not_a_number")
    >>> err = RegisterError(problems=[problem], path="x/p.csv")
    >>> print(err.message("en"))
    The register p.csv has 1 problem:
      row 3, Water area (mu), 'abc': not a number
    """

    default_code = "register.invalid"

    def __init__(self, code: str | None = None, /, *, problems=(), path=None, **params):
        self.path = str(path) if path is not None else ""
        self.problems = list(problems)
        params.setdefault("name", Path(self.path).name if self.path else "ponds.csv")
        params.setdefault("n", len(self.problems))
        super().__init__(code, **params)

    def message(self, lang: str = "zh") -> str:
        """The reason, then one line per problem."""
        return "\n  ".join([super().message(lang), *(p.message(lang) for p in self.problems)])

    def __reduce__(self):
        return (_rebuild_register_error, (type(self), self.code, self.problems, self.path, self.params))


def _rebuild_register_error(cls, code, problems, path, params):
    return cls(code, problems=problems, path=path or None, **params)


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
    UserError
        When a part is not "<use><number>亩" (a ``ValueError``).

    Examples
    --------
    >>> parse_uses("精养虾30亩;精养鱼池16亩")
    [('精养虾', 30.0), ('精养鱼池', 16.0)]
    """
    parts = [p for p in re.split(r"[;；]", text or "") if p.strip()]
    if not parts:
        raise UserError("register.uses_empty")
    out = []
    for part in parts:
        m = _USE.match(part)
        if not m:
            raise UserError("register.use_malformed", part=part.strip())
        out.append((m["use"], float(m["mu"])))
    return out


def _check_row(line: int, row: dict, problems: list[RegisterProblem], seen: set) -> dict | None:
    pid = (row.get("pond_id") or "").strip()

    def bad(field, code, **params):
        problems.append(RegisterProblem(line, pid, field, str(row.get(field, "")), code, params))

    before = len(problems)
    if not pid.isdigit() or int(pid) < 1:
        bad("pond_id", "register.pond_id_not_positive")
    elif int(pid) in seen:
        bad("pond_id", "register.duplicate_pond")
    for field in ("town", "village", "farm_name", "coord_text", "uses"):
        if not (row.get(field) or "").strip():
            bad(field, "register.empty")

    parsed = None
    if (row.get("coord_text") or "").strip():
        try:
            parsed = parse_coordinate(row["coord_text"])
        except CoordinateError as exc:
            bad("coord_text", exc.code, **exc.params)
    lonlat = {}
    for field in ("lon", "lat"):
        try:
            lonlat[field] = float(row.get(field) or "")
        except ValueError:
            bad(field, "register.not_a_number")
    if parsed and len(lonlat) == 2:
        for field, want in (("lon", parsed.lon), ("lat", parsed.lat)):
            if abs(lonlat[field] - want) > 1e-9:
                bad(field, "register.lonlat_mismatch", coord=row["coord_text"].strip(), want=f"{want:g}")

    try:
        area = float(row.get("area_mu") or "")
        if area <= 0:
            bad("area_mu", "register.not_positive")
    except ValueError:
        area = None
        bad("area_mu", "register.not_a_number")
    uses = None
    if (row.get("uses") or "").strip():
        try:
            uses = parse_uses(row["uses"])
        except UserError as exc:
            bad("uses", exc.code, **exc.params)
    if uses and area is not None and abs(sum(mu for _, mu in uses) - area) > 1e-6:
        bad("area_mu", "register.area_not_sum", total=f"{sum(mu for _, mu in uses):g}")

    stocked = (row.get("stocked_this_year") or "").strip()
    if stocked not in _STOCKED:
        bad("stocked_this_year", "register.stocked_invalid")
    if (row.get("coord_status") or "").strip() not in _STATUS:
        bad("coord_status", "register.coord_status_invalid", allowed=", ".join(sorted(_STATUS)))

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
        raise RegisterError(path=path, problems=[RegisterProblem(0, "", "", "", "register.not_utf8")]) from exc
    except pd.errors.EmptyDataError:
        raise RegisterError(path=path, problems=[RegisterProblem(0, "", "", "", "register.no_header")]) from None
    except pd.errors.ParserError:
        raise RegisterError(path=path, problems=[RegisterProblem(0, "", "", "", "register.not_a_table")]) from None
    missing = [c for c in COLUMNS if c not in raw.columns]
    if missing:
        problems = [RegisterProblem(1, "", "", "", "register.column_missing", {"column": c}) for c in missing]
        raise RegisterError(path=path, problems=problems)
    if raw.empty:
        raise RegisterError(path=path, problems=[RegisterProblem(2, "", "", "", "register.no_ponds")])
    problems: list[RegisterProblem] = []
    seen: set[int] = set()
    rows = [_check_row(i + 2, rec, problems, seen) for i, rec in enumerate(raw.to_dict("records"))]
    if problems:
        raise RegisterError(path=path, problems=problems)
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
