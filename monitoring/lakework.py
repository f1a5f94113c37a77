"""Lake-level work beside the per-pond ledger (湖体治理): plans, organism releases, the leading group.

The plan (临政办发〔2022〕9号) asks for a sediment treatment plan for Yehu (二、7) and,
after the year-end net harvest, releases of phosphorus-absorbing organisms by
市农业农村局 (二、1; 三、2); the rectification list (临政办函〔2022〕19号, 四、2) asks for
Yehu's aquatic ecological restoration plan.  Neither document gives a date for these:
the configuration says so (``deadline = ""``), and a deadline added there makes an
unapproved plan overdue, as the pond steps are.  The leading group and its office
(一、组织领导) come from ``[lake_group]`` until an administrator edits them.

Pure rules here; :mod:`monitoring.store.lakework` persists them.  A mistaken entry is
voided with a reason and kept, like the ledger's void.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from datetime import date

from geo.config import load_config
from geo.waterbodies import DEFAULT, current_waterbodies

from .errors import MonitoringError, Words

__all__ = [
    "AREA_UNITS",
    "BODIES",
    "DEFAULT_WATER_BODY",
    "MAX_FILE_BYTES",
    "MU_M2",
    "PLAN_STATUSES",
    "QUANTITY_UNITS",
    "LakeWorkError",
    "PlanKind",
    "area_m2",
    "check_members",
    "check_plan",
    "check_release",
    "file_type",
    "lake_bodies",
    "load_group_default",
    "load_plan_kinds",
    "load_release_rule",
    "plan_states",
    "release_totals",
    "safe_name",
    "water_bodies",
]

#: The body a row belongs to when none is named (the plans of 临政办发〔2022〕9号 are Yehu's).
DEFAULT_WATER_BODY = DEFAULT
PLAN_STATUSES = ("drafted", "approved")
#: Units a release's quantity is given in: kg, 斤, 尾 (fish), 万尾, 株 (plants).
QUANTITY_UNITS = ("kg", "jin", "tail", "wan_tail", "plant")
#: Units of the water area released into.
AREA_UNITS = ("mu", "m2")
MU_M2 = 2000 / 3
#: The leading group (领导小组) and its office (办公室).
BODIES = ("group", "office")
#: Plan documents: at most this size; PDF, Word (DOC/DOCX), JPEG or PNG, checked by content.
MAX_FILE_BYTES = 20 * 1024 * 1024
EARLIEST = date(2022, 1, 1)


class LakeWorkError(MonitoringError):
    """A lake-level entry that cannot be accepted; the code says why (``lake.*``)."""

    default_code = "lake.invalid"


def water_bodies() -> list[str]:
    """The codes a row may name: the bodies of ``data/waterbodies.toml``, in file order.

    Examples
    --------
    >>> water_bodies()
    ['yehu', 'huanggai', 'yuantan', 'tandu']
    """
    return current_waterbodies().codes


def lake_bodies(config: dict | None = None) -> list[str]:
    """The bodies the documents ask lake-level plans of, in the water bodies file's order.

    Examples
    --------
    >>> lake_bodies()
    ['yehu', 'huanggai']
    """
    asked = {k.water_body for k in load_plan_kinds(config, water_body=None)}
    return [code for code in water_bodies() if code in asked]


@dataclass(frozen=True)
class PlanKind:
    """A plan the documents ask for.

    Attributes
    ----------
    key, name, name_en : str
    deadline : datetime.date or None
        None when the documents give none (ongoing, never overdue).
    responsible : str
    source : str
        Where the documents ask for it.
    water_body : str
        The body the documents ask it of (a key is unique within its body).
    """

    key: str
    name: str
    name_en: str
    deadline: date | None
    responsible: str
    source: str = ""
    water_body: str = DEFAULT

    def words(self) -> Words:
        """The name in both languages, for messages."""
        return Words(self.name, self.name_en)


def _deadline(text, where: str):
    if not text:
        return None
    try:
        return date.fromisoformat(str(text))
    except ValueError:
        raise LakeWorkError("lake.config_deadline", where=where, text=str(text)) from None


def load_plan_kinds(config: dict | None = None, water_body: str | None = DEFAULT) -> list[PlanKind]:
    """The plans of ``[[lake_plans]]`` the documents ask of one water body (``None``: of every body), in order.

    Raises
    ------
    LakeWorkError
        ``lake.config_deadline``, or ``lake.config_water_body`` for a body the water bodies
        file does not list.

    Examples
    --------
    >>> [(k.key, k.deadline) for k in load_plan_kinds()]
    [('sediment', None), ('ecology', None)]
    >>> [(k.water_body, k.key) for k in load_plan_kinds(water_body="huanggai")]
    [('huanggai', 'ecology')]
    >>> load_plan_kinds(water_body="tandu")
    []
    """
    config = config if config is not None else load_config()
    codes = water_bodies()
    out = []
    for e in config.get("lake_plans", []):
        key = str(e["key"])
        body = str(e.get("water_body") or DEFAULT)
        if body not in codes:
            raise LakeWorkError("lake.config_water_body", where=key, text=body)
        if water_body is not None and body != water_body:
            continue
        out.append(
            PlanKind(
                key,
                e["name"],
                e.get("name_en") or e["name"],
                _deadline(e.get("deadline"), key),
                e.get("responsible", ""),
                e.get("source", ""),
                body,
            )
        )
    return out


def load_release_rule(config: dict | None = None, water_body: str = DEFAULT) -> dict:
    """``[lake_releases]`` (Yehu's) or ``[lake_releases.<code>]``: who releases, by when, on what authority.

    Returns
    -------
    dict
        ``responsible``, ``deadline`` (date or None), ``source`` and ``asked`` (False when the
        documents ask for no release in this body).

    Examples
    --------
    >>> r = load_release_rule()
    >>> r["responsible"], r["deadline"], r["asked"]
    ('市农业农村局', None, True)
    >>> load_release_rule(water_body="tandu")["asked"]
    False
    """
    config = config if config is not None else load_config()
    raw = config.get("lake_releases", {})
    if water_body != DEFAULT:
        raw = raw.get(water_body) if isinstance(raw.get(water_body), dict) else {}
    return {
        "responsible": raw.get("responsible", ""),
        "deadline": _deadline(raw.get("deadline"), "lake_releases"),
        "source": raw.get("source", ""),
        "asked": bool(raw.get("source")),
    }


def check_members(members) -> list[dict]:
    """Members of the leading group and its office, checked and trimmed.

    Parameters
    ----------
    members : iterable of dict
        ``body`` (``group`` or ``office``), ``role`` (e.g. 组长), ``name`` (may be
        empty when the documents name a post only) and ``post``.

    Returns
    -------
    list of dict
        Rows with every field present, blank rows left out.

    Raises
    ------
    LakeWorkError
        No member at all, an unknown body, a row without a role, or one with
        neither name nor post (row numbers from 1).

    Examples
    --------
    >>> check_members([{"body": "group", "role": " 组长 ", "name": "李", "post": ""}, {"role": ""}])
    [{'body': 'group', 'role': '组长', 'name': '李', 'post': ''}]
    """
    out = []
    for i, m in enumerate(members, start=1):
        row = {k: str(m.get(k) or "").strip() for k in ("body", "role", "name", "post")}
        if not (row["role"] or row["name"] or row["post"]):
            continue
        if row["body"] not in BODIES:
            raise LakeWorkError("lake.member_body", row=i, field="member_body", value=row["body"])
        if not row["role"]:
            raise LakeWorkError("lake.member_role", row=i, field="member_role", value="")
        if not (row["name"] or row["post"]):
            raise LakeWorkError("lake.member_empty", row=i, field="member_name", value="")
        out.append(row)
    if not out:
        raise LakeWorkError("lake.no_members")
    return out


def load_group_default(config: dict | None = None, water_body: str = DEFAULT) -> dict:
    """``[lake_group]`` (Yehu's): ``name``, ``office_location``, ``source`` and ``members`` (checked).

    Another body has no group until an administrator saves one (the documents name none).

    Examples
    --------
    >>> g = load_group_default()
    >>> [(m["role"], m["name"]) for m in g["members"] if m["name"]]
    [('组长', '李开龙'), ('副组长', '戴季田'), ('办公室主任', '李海洋')]
    >>> load_group_default(water_body="huanggai")["members"]
    []
    """
    config = config if config is not None else load_config()
    raw = config.get("lake_group", {}) if water_body == DEFAULT else {}
    members = raw.get("members", [])
    return {
        "name": raw.get("name", ""),
        "office_location": raw.get("office_location", ""),
        "source": raw.get("source", ""),
        "members": check_members(members) if members else [],
    }


_CONTROL = re.compile(r"[\x00-\x1f\x7f/\\]")


def safe_name(name: str | None, fallback: str = "file") -> str:
    r"""A file's name as stored and offered for download: no folders, no control characters, ≤ 200.

    Examples
    --------
    >>> safe_name("../../etc/方案\x00.pdf")
    '方案.pdf'
    >>> safe_name("")
    'file'
    """
    base = re.split(r"[/\\]", str(name or ""))[-1]
    base = _CONTROL.sub("", base).strip().lstrip(".")
    return (base or fallback)[-200:]


def file_type(data: bytes | None) -> str | None:
    """The MIME type of a plan document, checked by content (None for no file).

    Raises
    ------
    LakeWorkError
        ``lake.file_too_large`` or ``lake.file_type``.

    Examples
    --------
    >>> file_type(b"%PDF-1.7 ...")
    'application/pdf'
    >>> try:
    ...     file_type(b"MZ")
    ... except LakeWorkError as exc:
    ...     print(exc.code)
    lake.file_type
    """
    if data is None:
        return None
    if len(data) > MAX_FILE_BYTES:
        raise LakeWorkError("lake.file_too_large", size=f"{len(data):,}", limit=f"{MAX_FILE_BYTES:,}")
    if data.startswith(b"%PDF-"):
        return "application/pdf"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "application/msword"
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                if "word/document.xml" in zf.namelist():
                    return "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        except (zipfile.BadZipFile, ValueError, OSError):
            pass
    raise LakeWorkError("lake.file_type")


def _check_day(d, field: str, today: date) -> None:
    if not isinstance(d, date):
        raise LakeWorkError("lake.date_missing", field=field, value="")
    if d > today:
        raise LakeWorkError("lake.in_future", field=field, value=d.isoformat())
    if d < EARLIEST:
        raise LakeWorkError("lake.before_plan", field=field, value=d.isoformat())


def check_plan(live: list[dict], new: dict, kinds: list[PlanKind], today: date) -> None:
    """Refuse a plan entry that cannot be right.

    Parameters
    ----------
    live : list of dict
        The water body's entries not voided (``kind``, ``status``, ``plan_date``, ``id``).
    new : dict
        ``kind``, ``status``, ``plan_date``, ``water_body``.
    kinds : list of PlanKind
    today : datetime.date

    Raises
    ------
    LakeWorkError
        Unknown kind, status or water body; a date missing, in the future or before
        2022; the same kind and status twice; approval dated before the draft, or a
        draft dated after the approval.

    Examples
    --------
    >>> kinds = load_plan_kinds()
    >>> live = [{"id": 1, "kind": "sediment", "status": "drafted", "plan_date": date(2022, 6, 1)}]
    >>> new = {"kind": "sediment", "status": "approved", "plan_date": date(2022, 5, 1), "water_body": "yehu"}
    >>> try:
    ...     check_plan(live, new, kinds, date(2022, 7, 1))
    ... except LakeWorkError as exc:
    ...     print(exc.reason("en"))
    'Draw up the Yehu sediment treatment plan': approved on 2022-05-01, before it was drafted on 2022-06-01.
    """
    if new.get("water_body") not in water_bodies():
        raise LakeWorkError("lake.water_body", field="water_body", value=str(new.get("water_body")))
    kind = next((k for k in kinds if k.key == new.get("kind") and k.water_body == new["water_body"]), None)
    if kind is None and any(k.key == new.get("kind") for k in kinds):
        raise LakeWorkError("lake.plan_not_for_body", field="plan", value=str(new.get("kind")))
    if kind is None:
        raise LakeWorkError("lake.unknown_plan", field="plan", value=str(new.get("kind")))
    status = new.get("status")
    if status not in PLAN_STATUSES:
        raise LakeWorkError("lake.unknown_status", field="plan_status", value=str(status))
    d = new.get("plan_date")
    _check_day(d, "plan_date", today)
    same = [e for e in live if e["kind"] == kind.key]
    for e in same:
        if e["status"] == status:
            raise LakeWorkError(
                "lake.plan_twice",
                plan=kind.words(),
                id=e["id"],
                date=str(e["plan_date"]),
            )
    other = next((e for e in same if e["status"] != status), None)
    if other is not None:
        draft, approved = (other["plan_date"], d) if status == "approved" else (d, other["plan_date"])
        if approved < draft:
            raise LakeWorkError("lake.approved_before_draft", field="plan_date", value=d.isoformat(),
                                plan=kind.words(), draft=str(draft), approved=str(approved))  # fmt: skip


def check_release(new: dict, today: date) -> None:
    """Refuse a release entry that cannot be right.

    Parameters
    ----------
    new : dict
        ``release_date``, ``species``, ``quantity``, ``quantity_unit``,
        ``water_area`` (or None), ``area_unit``, ``water_body``.
    today : datetime.date

    Raises
    ------
    LakeWorkError

    Examples
    --------
    >>> new = {"release_date": date(2023, 1, 5), "species": "河蚌", "quantity": 0, "quantity_unit": "kg",
    ...        "water_area": None, "area_unit": "mu", "water_body": "yehu"}
    >>> try:
    ...     check_release(new, date(2023, 2, 1))
    ... except LakeWorkError as exc:
    ...     print(exc.message("zh"))
    数量，“0”：数量应为大于 0 的数。
    """
    if new.get("water_body") not in water_bodies():
        raise LakeWorkError("lake.water_body", field="water_body", value=str(new.get("water_body")))
    _check_day(new.get("release_date"), "release_date", today)
    if not str(new.get("species") or "").strip():
        raise LakeWorkError("lake.species_missing", field="species", value="")
    q = new.get("quantity")
    if not isinstance(q, int | float) or isinstance(q, bool) or not q == q or q <= 0 or q == float("inf"):
        raise LakeWorkError("lake.quantity", field="quantity", value=str(q))
    if new.get("quantity_unit") not in QUANTITY_UNITS:
        raise LakeWorkError("lake.quantity_unit", field="quantity_unit", value=str(new.get("quantity_unit")))
    if new.get("area_unit") not in AREA_UNITS:
        raise LakeWorkError("lake.area_unit", field="area_unit", value=str(new.get("area_unit")))
    a = new.get("water_area")
    if a is not None and (not isinstance(a, int | float) or not a == a or a <= 0 or a == float("inf")):
        raise LakeWorkError("lake.water_area", field="water_area", value=str(a))


def area_m2(value, unit: str) -> float | None:
    """A water area in m².

    Examples
    --------
    >>> area_m2(15, "mu")
    10000.0
    >>> area_m2(None, "m2") is None
    True
    """
    if value is None or value != value:
        return None
    return float(value) * (MU_M2 if unit == "mu" else 1.0)


def _as_date(v):
    return v.date() if hasattr(v, "date") and callable(v.date) else v


def plan_states(plans: list[dict], kinds: list[PlanKind], day: date) -> list[dict]:
    """Each plan's state on ``day`` from the entries not voided and dated on or before it.

    Parameters
    ----------
    plans : list of dict
        Entries (``id``, ``kind``, ``status``, ``plan_date``, ``document_no``,
        ``voided_at``, ``has_file``; ``water_body``, Yehu when absent).
    kinds : list of PlanKind
        Each counts the entries of its own body.
    day : datetime.date

    Returns
    -------
    list of dict
        Per kind: ``kind`` (PlanKind), ``status`` (``none``, ``drafted`` or
        ``approved``), ``entry`` (the latest entry or None), ``drafted`` and
        ``approved`` (their entries or None), ``state`` (``done`` when approved,
        ``overdue``, ``pending`` or ``ongoing``) and ``days`` overdue.

    Examples
    --------
    >>> kinds = [PlanKind("s", "底泥", "Sediment", date(2023, 6, 30), "市自然资源局")]
    >>> e = {"id": 1, "kind": "s", "status": "drafted", "plan_date": date(2023, 3, 1), "voided_at": None}
    >>> [(s["status"], s["state"], s["days"]) for s in plan_states([e], kinds, date(2023, 7, 2))]
    [('drafted', 'overdue', 2)]
    >>> [(s["status"], s["state"]) for s in plan_states([e], kinds, date(2023, 2, 1))]
    [('none', 'pending')]
    """
    out = []
    for k in kinds:
        live = [
            p
            for p in plans
            if p["kind"] == k.key
            and p.get("water_body", DEFAULT) == k.water_body
            and not _voided(p)
            and _as_date(p["plan_date"]) <= day
        ]  # fmt: skip
        by = {p["status"]: p for p in sorted(live, key=lambda p: p["id"])}
        status = "approved" if "approved" in by else "drafted" if "drafted" in by else "none"
        if status == "approved":
            state, days = "done", 0
        elif k.deadline is None:
            state, days = "ongoing", 0
        elif day > k.deadline:
            state, days = "overdue", (day - k.deadline).days
        else:
            state, days = "pending", 0
        out.append(
            {
                "kind": k,
                "status": status,
                "entry": by.get(status),
                "drafted": by.get("drafted"),
                "approved": by.get("approved"),
                "state": state,
                "days": days,
            }
        )
    return out


def _voided(row: dict) -> bool:
    v = row.get("voided_at")
    return v is not None and v == v and str(v) not in ("", "NaT")


def release_totals(releases: list[dict], day: date, since: date | None = None) -> list[dict]:
    """Released quantities per species and unit, from entries not voided, dated ``since``..``day``.

    Examples
    --------
    >>> rows = [{"species": "河蚌", "quantity": 500.0, "quantity_unit": "kg", "release_date": date(2023, 1, 5),
    ...          "voided_at": None},
    ...         {"species": "河蚌", "quantity": 300.0, "quantity_unit": "kg", "release_date": date(2023, 1, 9),
    ...          "voided_at": None}]
    >>> release_totals(rows, date(2023, 1, 31))
    [{'species': '河蚌', 'quantity_unit': 'kg', 'quantity': 800.0, 'count': 2}]
    """
    totals: dict[tuple[str, str], dict] = {}
    for r in releases:
        d = _as_date(r["release_date"])
        if _voided(r) or d > day or (since is not None and d < since):
            continue
        key = (r["species"], r["quantity_unit"])
        t = totals.setdefault(key, {"species": key[0], "quantity_unit": key[1], "quantity": 0.0, "count": 0})
        t["quantity"] += float(r["quantity"])
        t["count"] += 1
    return list(totals.values())
