"""The county's water bodies as data: ``data/waterbodies.toml``, checked when loaded.

Each lake or river has its kind (which GB 3838 table its sections are judged by), its
target class, its outline or centre line (or a note that none is known), its zones with
their rules, its sections (a section whose position is unknown is *pending*: shown as
位置待定 and left out of every zone answer), the ponds and farms assigned to it and the
dated results the documents give.

Examples
--------
>>> wb = load_waterbodies()
>>> wb.codes
['yehu', 'huanggai', 'yuantan', 'tandu']
>>> wb["yuantan"].standard, wb["yuantan"].target, wb["yuantan"].geometry
('river', 'III', None)
>>> [s.code for s in wb.pending_sections()]
['YTCY', 'TDXQ']
>>> wb.body_of_section("S1").code
'yehu'
"""

from __future__ import annotations

import dataclasses
import functools
import re
import tomllib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from i18n.errors import UserError

from .register import data_dir

__all__ = [
    "ALL",
    "KINDS",
    "LEVELS",
    "RULES",
    "Result",
    "Section",
    "WaterBodies",
    "WaterBody",
    "WaterBodyError",
    "Zone",
    "current_waterbodies",
    "load_waterbodies",
    "site_rules",
]

#: The selector's value for "every water body".
ALL = "all"
#: A lake's sections are judged by GB 3838's lake/reservoir table, a river's by the river table.
KINDS = ("lake", "river")
RULES = ("ban", "nofish", "reserve_core", "reserve_buffer", "reserve_experimental")
#: Section levels as the documents write them -> their catalogue keys (``body.level.<key>``).
LEVELS = {"国控": "national", "省控": "provincial", "市控": "municipal"}
CLASSES = ("I", "II", "III", "IV", "V")
PARAMETERS = ("TP",)
#: Notes a body may give in English too (``<key>_en``).
NOTES = ("geometry_note", "ponds_note", "target_source", "weekly_source")
#: The body every site belongs to unless it says otherwise (the database's default).
DEFAULT = "yehu"


class WaterBodyError(UserError):
    """An entry of ``waterbodies.toml`` that cannot be used; ``where`` names it (``[[water_body]] #2``).

    Examples
    --------
    >>> WaterBodyError("waterbodies.missing", where="[[water_body]] #1", key="kind").message("en")
    'Water bodies file, [[water_body]] #1: kind is missing.'
    """

    default_code = "waterbodies.invalid"


@dataclass(frozen=True)
class Zone:
    """A zone rule of a water body; ``placed`` is False when its area is unknown."""

    rule: str
    source: str
    name: str = ""
    levels: tuple[str, ...] = ()
    placed: bool = False


@dataclass(frozen=True)
class Section:
    """A monitoring section and where its position comes from.

    ``position`` is ``"layer"`` (the body's section layer), ``"placed"`` (by an administrator:
    ``placement`` holds the position and its provenance) or None (位置待定).
    """

    code: str
    name: str
    body: str
    level: str
    source: str
    position: str | None = None
    placement: object = None

    @property
    def pending(self) -> bool:
        """True while the position is unknown (shown as 位置待定, in no zone answer)."""
        return self.position is None


@dataclass(frozen=True)
class Result:
    """A dated result a document gives, with the document as its source."""

    section: str
    parameter: str
    value_mg_l: float
    day: date
    source: str
    date_note: str = ""
    date_note_en: str = ""


@dataclass(frozen=True)
class WaterBody:
    """One lake or river."""

    code: str
    name: str
    name_en: str
    kind: str
    target: str
    target_source: str
    source: str
    geometry: str | None = None
    geometry_note: str = ""
    sections_layer: str | None = None
    target_provisional: bool = False
    ponds: str | tuple[int, ...] = ()
    ponds_note: str = ""
    weekly_sampling: bool = False
    weekly_source: str = ""
    zones: tuple[Zone, ...] = ()
    sections: tuple[Section, ...] = ()
    results: tuple[Result, ...] = ()
    #: English versions of the notes (``geometry_note``, ``ponds_note``, ``target_source``, ``weekly_source``).
    en: dict = field(default_factory=dict, compare=False)

    def text(self, key: str, lang: str) -> str:
        """A note in ``lang`` (the Chinese text when the file gives no English one)."""
        return (lang == "en" and self.en.get(key)) or getattr(self, key)

    @property
    def standard(self) -> str:
        """Which GB 3838 table its sections are judged by (``lake`` or ``river``)."""
        return self.kind

    def label(self, lang: str) -> str:
        """The body's name in ``lang``."""
        return self.name if lang == "zh" else self.name_en

    def has_pond(self, pond_id: int) -> bool:
        """Whether a pond of the register belongs to this body."""
        return self.ponds == "register" or int(pond_id) in self.ponds


@dataclass(frozen=True)
class WaterBodies:
    """Every water body, in file order; ``wb[code]`` is one of them."""

    bodies: tuple[WaterBody, ...] = field(default_factory=tuple)

    def __getitem__(self, code: str) -> WaterBody:
        for b in self.bodies:
            if b.code == code:
                return b
        raise KeyError(code)

    def __iter__(self):
        return iter(self.bodies)

    @property
    def codes(self) -> list[str]:
        """The codes, in file order."""
        return [b.code for b in self.bodies]

    def sections(self) -> list[Section]:
        """Every section of every body."""
        return [s for b in self.bodies for s in b.sections]

    def pending_sections(self) -> list[Section]:
        """Sections whose position is unknown (位置待定)."""
        return [s for s in self.sections() if s.pending]

    def placed_sections(self) -> list[Section]:
        """Sections an administrator placed (their ``placement`` gives position and provenance)."""
        return [s for s in self.sections() if s.position == "placed"]

    def with_placements(self, placements) -> WaterBodies:
        """The bodies with the stored positions of sections the file leaves 位置待定.

        Parameters
        ----------
        placements : mapping of str to geo.placement.Placement
            The current placement per section code; codes of sections the file places
            (``position = "layer"``) or does not list are ignored.

        Returns
        -------
        WaterBodies
            A placed section is no longer pending; a no-fishing zone whose levels it has is placed.

        Examples
        --------
        >>> from geo.placement import Placement
        >>> wb = load_waterbodies().with_placements(
        ...     {"YTCY": Placement("YTCY", 113.5, 29.5, "wgs84", "lon=113.5; lat=29.5", "GPS", "", "a", None, 1)}
        ... )
        >>> [s.code for s in wb.pending_sections()], [s.code for s in wb.placed_sections()]
        (['TDXQ'], ['YTCY'])
        """
        out = []
        for b in self.bodies:
            sections = tuple(
                dataclasses.replace(s, position="placed", placement=placements[s.code])
                if s.position != "layer" and s.code in placements
                else s
                for s in b.sections
            )
            zones = tuple(
                dataclasses.replace(z, placed=z.placed or any(s.level in z.levels and not s.pending for s in sections))
                if z.rule == "nofish"
                else z
                for z in b.zones
            )
            out.append(dataclasses.replace(b, sections=sections, zones=zones))
        return WaterBodies(tuple(out))

    def body_of_section(self, code: str) -> WaterBody | None:
        """The body a section belongs to (None for an unknown code)."""
        return next((b for b in self.bodies if any(s.code == code for s in b.sections)), None)

    def pond_body(self, pond_id: int) -> str:
        """The code of the body a register pond belongs to (the first that lists it)."""
        return next((b.code for b in self.bodies if b.has_pond(pond_id)), DEFAULT)


def _where(kind: str, i: int, parent: str = "") -> str:
    return f"{parent} [[{kind}]] #{i + 1}".strip()


def _text(entry: dict, key: str, where: str, *, required=True, allowed=None) -> str:
    if key not in entry:
        if required:
            raise WaterBodyError("waterbodies.missing", where=where, key=key)
        return ""
    value = entry[key]
    if not isinstance(value, str) or (required and not value.strip()):
        raise WaterBodyError("waterbodies.value", where=where, key=key, text=str(value))
    if allowed is not None and value not in allowed:
        raise WaterBodyError("waterbodies.value", where=where, key=key, text=value)
    return value.strip()


def _flag(entry: dict, key: str, where: str) -> bool:
    value = entry.get(key, False)
    if not isinstance(value, bool):
        raise WaterBodyError("waterbodies.value", where=where, key=key, text=str(value))
    return value


def _file(entry: dict, key: str, where: str, folder: Path) -> str | None:
    name = _text(entry, key, where, required=False)
    if not name:
        return None
    path = (folder / name).resolve()
    if not path.is_relative_to(folder.resolve()) or not path.is_file():
        raise WaterBodyError("waterbodies.file", where=where, key=key, name=Path(name).name)
    return name


def _zones(entries, where: str, body_has_outline: bool, sections) -> tuple[Zone, ...]:
    out = []
    for i, z in enumerate(entries):
        w = _where("zone", i, where)
        rule = _text(z, "rule", w, allowed=RULES)
        levels = z.get("levels", [])
        if not isinstance(levels, list) or any(lv not in LEVELS for lv in levels):
            raise WaterBodyError("waterbodies.value", where=w, key="levels", text=str(levels))
        if rule == "nofish" and not levels:
            raise WaterBodyError("waterbodies.missing", where=w, key="levels")
        # A ban zone is placed with its body's outline; a nofish zone around each placed section of
        # its levels; reserve zones have no geometry in the data.
        if rule == "ban":
            placed = body_has_outline
        else:
            placed = rule == "nofish" and any(s.level in levels and not s.pending for s in sections)
        out.append(Zone(rule, _text(z, "source", w), _text(z, "name", w, required=False), tuple(levels), placed))
    return tuple(out)


def _sections(entries, where: str, body: str, has_layer: bool) -> tuple[Section, ...]:
    out = []
    for i, s in enumerate(entries):
        w = _where("section", i, where)
        position = s.get("position")
        if position not in (None, "layer") or (position == "layer" and not has_layer):
            raise WaterBodyError("waterbodies.value", where=w, key="position", text=str(position))
        code = _text(s, "code", w)
        if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_-]{0,31}", code) or code.isdigit():  # digits: pond numbers
            raise WaterBodyError("waterbodies.value", where=w, key="code", text=code)
        out.append(
            Section(
                code=code,
                name=_text(s, "name", w),
                body=body,
                level=_text(s, "level", w, required=False, allowed=(*LEVELS, "")),
                source=_text(s, "source", w),
                position=position,
            )
        )
    return tuple(out)


def _results(entries, where: str, sections: dict) -> tuple[Result, ...]:
    out = []
    for i, r in enumerate(entries):
        w = _where("result", i, where)
        code = _text(r, "section", w)
        if code not in sections:
            raise WaterBodyError("waterbodies.result_section", where=w, code=code)
        value = r.get("value_mg_l")
        if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value < 1000:
            raise WaterBodyError("waterbodies.value", where=w, key="value_mg_l", text=str(value))
        day = r.get("date")
        if isinstance(day, str):
            try:
                day = date.fromisoformat(day)
            except ValueError:
                day = None
        if not isinstance(day, date):
            raise WaterBodyError("waterbodies.value", where=w, key="date", text=str(r.get("date")))
        out.append(
            Result(
                section=code,
                parameter=_text(r, "parameter", w, allowed=PARAMETERS),
                value_mg_l=float(value),
                day=day,
                source=_text(r, "source", w),
                date_note=_text(r, "date_note", w, required=False),
                date_note_en=_text(r, "date_note_en", w, required=False),
            )
        )
    return tuple(out)


def _ponds(entry: dict, where: str):
    ponds = entry.get("ponds", [])
    if ponds == "register":
        return ponds
    if not isinstance(ponds, list) or any(isinstance(p, bool) or not isinstance(p, int) or p < 1 for p in ponds):
        raise WaterBodyError("waterbodies.value", where=where, key="ponds", text=str(ponds))
    return tuple(ponds)


def _body(e: dict, i: int, folder: Path) -> WaterBody:
    where = _where("water_body", i)
    code = _text(e, "code", where)
    if not code.isascii() or not code.replace("_", "").isalnum() or len(code) > 16 or code == ALL:
        raise WaterBodyError("waterbodies.value", where=where, key="code", text=code)
    geometry = _file(e, "geometry", where, folder)
    note = _text(e, "geometry_note", where, required=False)
    if geometry is None and not note:  # no geometry: the file must say so, never leave it unexplained
        raise WaterBodyError("waterbodies.missing", where=where, key="geometry_note")
    layer = _file(e, "sections_layer", where, folder)
    sections = _sections(e.get("section", []), where, code, layer is not None)
    weekly = _flag(e, "weekly_sampling", where)
    return WaterBody(
        code=code,
        name=_text(e, "name", where),
        name_en=_text(e, "name_en", where),
        kind=_text(e, "kind", where, allowed=KINDS),
        target=_text(e, "target", where, allowed=CLASSES),
        target_source=_text(e, "target_source", where),
        target_provisional=_flag(e, "target_provisional", where),
        source=_text(e, "source", where),
        geometry=geometry,
        geometry_note=note,
        sections_layer=layer,
        ponds=_ponds(e, where),
        ponds_note=_text(e, "ponds_note", where, required=False),
        weekly_sampling=weekly,
        weekly_source=_text(e, "weekly_source", where, required=weekly),
        zones=_zones(e.get("zone", []), where, geometry is not None, sections),
        sections=sections,
        results=_results(e.get("result", []), where, {s.code for s in sections}),
        en={k: _text(e, f"{k}_en", where, required=False) for k in NOTES},
    )


def load_waterbodies(path=None) -> WaterBodies:
    r"""Read and check the water bodies file.

    Parameters
    ----------
    path : str or pathlib.Path, optional
        Defaults to ``waterbodies.toml`` in :func:`geo.register.data_dir`; geometry files
        are named relative to its folder.

    Returns
    -------
    WaterBodies

    Raises
    ------
    WaterBodyError
        Naming the entry and the field, for the first problem found.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "waterbodies.toml").write_text('[[water_body]]\ncode = "x"\n', encoding="utf-8")
    >>> load_waterbodies(d / "waterbodies.toml")
    Traceback (most recent call last):
    ...
    geo.waterbodies.WaterBodyError: Water bodies file, [[water_body]] #1: geometry_note is missing.
    """
    path = Path(path) if path is not None else data_dir() / "waterbodies.toml"
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise WaterBodyError("waterbodies.no_file", name=path.name) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:  # the parser's text is English, for logs
        raise WaterBodyError("waterbodies.syntax", name=path.name) from exc
    entries = raw.get("water_body", [])
    if not isinstance(entries, list) or not entries:
        raise WaterBodyError("waterbodies.empty", name=path.name)
    bodies = tuple(_body(e, i, path.parent) for i, e in enumerate(entries))
    seen: dict[str, str] = {}
    for i, b in enumerate(bodies):
        for code in (b.code, *(s.code for s in b.sections)):
            if code in seen:
                raise WaterBodyError("waterbodies.duplicate", where=_where("water_body", i), code=code)
            seen[code] = b.code
    if DEFAULT not in {b.code for b in bodies}:
        raise WaterBodyError("waterbodies.no_default", name=path.name, code=DEFAULT)
    return WaterBodies(bodies)


def site_rules(sites, wb: WaterBodies | None = None):
    """Sites with the rules of their water body: ``standard``, ``target`` and ``weekly``.

    A site's body is its ``water_body`` column (Yehu without one). A lake or section site is
    judged by its body's GB 3838 table (``standard``: ``lake`` or ``river``) against the body's
    ``target`` class; ``weekly`` is False for a body with no weekly sampling (its sites count
    only in a week they were sampled). A body the file no longer lists keeps the lake table,
    the configured target and weekly sampling.

    Parameters
    ----------
    sites : pandas.DataFrame
        With ``code`` and, when present, ``water_body``.
    wb : WaterBodies, optional

    Returns
    -------
    pandas.DataFrame
        A copy with the three columns added.

    Examples
    --------
    >>> import pandas as pd
    >>> df = site_rules(pd.DataFrame({"code": ["S1", "YTCY"], "water_body": ["yehu", "yuantan"]}))
    >>> df[["standard", "target", "weekly"]].values.tolist()
    [['lake', 'III', True], ['river', 'III', False]]
    """
    wb = wb or current_waterbodies()
    out = sites.copy()
    bodies = out["water_body"] if "water_body" in out.columns else [DEFAULT] * len(out)
    known = {b.code: b for b in wb}
    out["standard"] = [known[c].standard if c in known else "lake" for c in bodies]
    out["target"] = [known[c].target if c in known else None for c in bodies]
    out["weekly"] = [known[c].weekly_sampling if c in known else True for c in bodies]
    return out


@functools.lru_cache(maxsize=4)
def _cached(path: str, stamp: int) -> WaterBodies:
    return load_waterbodies(path)


def current_waterbodies() -> WaterBodies:
    """The data folder's water bodies, read again only when the file changes.

    Returns
    -------
    WaterBodies

    Raises
    ------
    WaterBodyError
    """
    path = data_dir() / "waterbodies.toml"
    try:
        stamp = path.stat().st_mtime_ns
    except FileNotFoundError:
        raise WaterBodyError("waterbodies.no_file", name=path.name) from None
    return _cached(str(path), stamp)
