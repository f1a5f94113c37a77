"""Rectification tasks (整改任务) per water body: the list as data, progress entries, state as of a day.

The rectification list (临政办函〔2022〕19号 附件) asks the county for tasks that belong to a
water body rather than to one pond: the Huanggai Lake nature reserve's buffer-zone fish pond
to be demolished (二、1（5）), the tail water of intensive ponds and bullfrog farms to meet
TP ≤ 0.2 mg/L or be retired (四、1（3）), Yehu's weekly patrols (四、2（1）) and more.  They are
the ``[[task]]`` entries of ``data/waterbodies.toml`` (key, body, text in both languages,
responsible unit, deadline when the document gives one, source clause).

Progress entries (status 未开始 / 推进中 / 已完成（待验收）/ 已销号, date, evidence note,
optional evidence file, who) are stored by :mod:`monitoring.store.tasks`; a mistaken one is
voided with a reason and kept.  A task whose deadline has passed without being completed is
overdue, as the pond steps are.  Pure rules here.
"""

from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from geo.register import data_dir
from geo.waterbodies import WaterBodyError, current_waterbodies, load_waterbodies

from .errors import MonitoringError, Words

__all__ = [
    "DONE",
    "TASK_STATUSES",
    "Task",
    "TaskError",
    "body_counts",
    "check_progress",
    "current_tasks",
    "load_tasks",
    "task_states",
]

#: 未开始, 推进中, 已完成（待验收）, 已销号 — in the order a task goes through them.
TASK_STATUSES = ("not_started", "in_progress", "done", "closed")
#: Statuses that count as completed (a deadline passed after them is no longer overdue).
DONE = ("done", "closed")
EARLIEST = date(2022, 1, 1)


class TaskError(MonitoringError):
    """A progress entry that cannot be accepted; the code says why (``task.*``)."""

    default_code = "task.invalid"


@dataclass(frozen=True)
class Task:
    """One rectification task of a water body.

    Attributes
    ----------
    key, body : str
        The task's key and its water body's code.
    text, text_en : str
    unit : str
        The lead responsible unit (牵头责任单位).
    related : str
        Other responsible units (相关责任单位), as the document lists them.
    leader : str
        The lead city leader (牵头市级领导).
    deadline : datetime.date or None
        None when the document gives no date (never overdue).
    deadline_note, deadline_note_en : str
        What the document says of the time limit.
    source : str
        Document and clause.
    """

    key: str
    body: str
    text: str
    text_en: str
    unit: str
    deadline: date | None
    source: str
    related: str = ""
    leader: str = ""
    deadline_note: str = ""
    deadline_note_en: str = ""

    def label(self, lang: str) -> str:
        """The task's text in ``lang``."""
        return self.text if lang == "zh" else self.text_en

    def words(self) -> Words:
        """The text in both languages, for messages."""
        return Words(self.text, self.text_en)


def _where(i: int) -> str:
    return f"[[task]] #{i + 1}"


def _str(e: dict, key: str, where: str, required: bool = True) -> str:
    value = e.get(key, "")
    if not isinstance(value, str) or (required and not value.strip()):
        code = "waterbodies.missing" if key not in e else "waterbodies.value"
        raise WaterBodyError(code, where=where, key=key, text=str(value))
    return value.strip()


def load_tasks(path=None, bodies=None) -> list[Task]:
    r"""The ``[[task]]`` entries of the water bodies file, checked.

    Parameters
    ----------
    path : str or pathlib.Path, optional
        Defaults to ``waterbodies.toml`` in :func:`geo.register.data_dir`.
    bodies : geo.waterbodies.WaterBodies, optional
        The bodies a task may name (read from the same file by default).

    Returns
    -------
    list of Task

    Raises
    ------
    geo.waterbodies.WaterBodyError
        An entry without key, body, texts, unit or source; an unknown body; a deadline
        that is not a date; a key used twice; no deadline and no ``deadline_note``.

    Examples
    --------
    >>> tasks = {t.key: t for t in load_tasks()}
    >>> t = tasks["hg_buffer_pond"]
    >>> t.body, t.unit, t.deadline
    ('huanggai', '市林业局', datetime.date(2022, 11, 30))
    >>> tasks["hg_bullfrog"].deadline is None
    True
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "w.toml").write_text('[[task]]\nkey = "x"\nbody = "dongting"\n', encoding="utf-8")
    >>> load_tasks(d / "w.toml", load_waterbodies())
    Traceback (most recent call last):
    ...
    geo.waterbodies.WaterBodyError: Water bodies file, [[task]] #1: the value 'dongting' of body cannot be used.
    """
    path = Path(path) if path is not None else data_dir() / "waterbodies.toml"
    bodies = bodies if bodies is not None else load_waterbodies(path)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise WaterBodyError("waterbodies.no_file", name=path.name) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise WaterBodyError("waterbodies.syntax", name=path.name) from exc
    entries = raw.get("task", [])
    if not isinstance(entries, list):
        raise WaterBodyError("waterbodies.value", where="[[task]]", key="task", text=type(entries).__name__)
    out, seen = [], set()
    for i, e in enumerate(entries):
        where = _where(i)
        key = _str(e, "key", where)
        if not key.isascii() or not key.replace("_", "").isalnum() or len(key) > 40:
            raise WaterBodyError("waterbodies.value", where=where, key="key", text=key)
        if key in seen:
            raise WaterBodyError("waterbodies.duplicate", where=where, code=key)
        seen.add(key)
        body = _str(e, "body", where)
        if body not in bodies.codes:
            raise WaterBodyError("waterbodies.value", where=where, key="body", text=body)
        deadline = e.get("deadline", "")
        if isinstance(deadline, str) and deadline.strip():
            try:
                deadline = date.fromisoformat(deadline.strip())
            except ValueError:
                raise WaterBodyError("waterbodies.value", where=where, key="deadline", text=deadline) from None
        elif deadline == "":
            deadline = None
        if deadline is not None and not isinstance(deadline, date):
            raise WaterBodyError("waterbodies.value", where=where, key="deadline", text=str(deadline))
        note = _str(e, "deadline_note", where, required=deadline is None)
        out.append(
            Task(
                key=key,
                body=body,
                text=_str(e, "text", where),
                text_en=_str(e, "text_en", where),
                unit=_str(e, "unit", where),
                deadline=deadline,
                source=_str(e, "source", where),
                related=_str(e, "related", where, required=False),
                leader=_str(e, "leader", where, required=False),
                deadline_note=note,
                deadline_note_en=_str(e, "deadline_note_en", where, required=False) or note,
            )
        )
    return out


@functools.lru_cache(maxsize=4)
def _cached(path: str, stamp: int) -> tuple[Task, ...]:
    return tuple(load_tasks(path, current_waterbodies()))


def current_tasks(body: str | None = None) -> list[Task]:
    """The data folder's tasks (of one body, or all), read again only when the file changes.

    Examples
    --------
    >>> [t.key for t in current_tasks("yehu")]
    ['yh_weekly_patrol', 'yh_enforcement']
    """
    path = data_dir() / "waterbodies.toml"
    try:
        stamp = path.stat().st_mtime_ns
    except FileNotFoundError:
        raise WaterBodyError("waterbodies.no_file", name=path.name) from None
    return [t for t in _cached(str(path), stamp) if body is None or t.body == body]


def _as_date(v):
    if v is None:
        return None
    return v.date() if hasattr(v, "date") and callable(v.date) else v


def _voided(row: dict) -> bool:
    v = row.get("voided_at")
    return v is not None and v == v and str(v) not in ("", "NaT")


def _live(entries, key: str, day: date | None = None) -> list[dict]:
    rows = [
        e
        for e in entries
        if e["task_key"] == key and not _voided(e) and (day is None or _as_date(e["progress_date"]) <= day)
    ]
    return sorted(rows, key=lambda e: (_as_date(e["progress_date"]), e["id"]))


def check_progress(entries: list[dict], new: dict, tasks: list[Task], today: date) -> Task:
    """Refuse a progress entry that cannot be right; return its task.

    Parameters
    ----------
    entries : list of dict
        The task's earlier entries (``id``, ``task_key``, ``status``, ``progress_date``,
        ``voided_at``); voided ones are ignored.
    new : dict
        ``task_key``, ``status``, ``progress_date``, ``note``.
    tasks : list of Task
    today : datetime.date

    Raises
    ------
    TaskError
        Unknown task or status; a date missing, in the future or before 2022; no evidence
        note; the task already closed out (销号); a close-out without a completion on or
        before its date.

    Examples
    --------
    >>> tasks = load_tasks()
    >>> new = {"task_key": "hg_buffer_pond", "status": "closed", "progress_date": date(2022, 11, 1),
    ...        "note": "已验收"}
    >>> try:
    ...     check_progress([], new, tasks, date(2022, 12, 1))
    ... except TaskError as exc:
    ...     print(exc.code)
    task.close_before_done
    """
    task = next((t for t in tasks if t.key == new.get("task_key")), None)
    if task is None:
        raise TaskError("task.unknown", field="task", value=str(new.get("task_key")))
    status = new.get("status")
    if status not in TASK_STATUSES:
        raise TaskError("task.unknown_status", field="task_status", value=str(status))
    d = new.get("progress_date")
    if not isinstance(d, date):
        raise TaskError("task.date_missing", field="progress_date", value="")
    if d > today:
        raise TaskError("task.in_future", field="progress_date", value=d.isoformat())
    if d < EARLIEST:
        raise TaskError("task.before_plan", field="progress_date", value=d.isoformat())
    if not str(new.get("note") or "").strip():
        raise TaskError("task.note_missing", field="evidence_note", value="")
    live = _live(entries, task.key)
    closed = next((e for e in live if e["status"] == "closed"), None)
    if closed is not None:
        raise TaskError("task.closed", task=task.words(), id=closed["id"], date=str(_as_date(closed["progress_date"])))
    if status == "closed" and not any(e["status"] == "done" and _as_date(e["progress_date"]) <= d for e in live):
        raise TaskError("task.close_before_done", field="task_status", value=status, task=task.words())
    return task


def task_states(tasks: list[Task], entries: list[dict], day: date) -> list[dict]:
    """Each task's state on ``day`` from its entries not voided and dated on or before it.

    Parameters
    ----------
    tasks : list of Task
    entries : list of dict
        Progress entries (``id``, ``task_key``, ``status``, ``progress_date``, ``voided_at``, ...).
    day : datetime.date

    Returns
    -------
    list of dict
        Per task: ``task``, ``status`` (the latest entry's, ``not_started`` without one),
        ``entry`` (the latest entry or None), ``entries`` (live, in date order), ``state``
        (``closed``, ``done``, ``overdue``, ``pending`` with a deadline ahead, or ``ongoing``
        without one) and ``days`` overdue.

    Examples
    --------
    >>> t = Task("k", "huanggai", "拆除", "Demolish", "市林业局", date(2022, 11, 30), "19号")
    >>> e = {"id": 1, "task_key": "k", "status": "in_progress", "progress_date": date(2022, 10, 1),
    ...      "voided_at": None}
    >>> [(s["status"], s["state"], s["days"]) for s in task_states([t], [e], date(2022, 12, 3))]
    [('in_progress', 'overdue', 3)]
    >>> done = dict(e, id=2, status="done", progress_date=date(2022, 12, 2))
    >>> [(s["status"], s["state"]) for s in task_states([t], [e, done], date(2022, 12, 3))]
    [('done', 'done')]
    """
    out = []
    for t in tasks:
        live = _live(entries, t.key, day)
        entry = live[-1] if live else None
        status = entry["status"] if entry else "not_started"
        days = 0
        if status in DONE:
            state = status
        elif t.deadline is None:
            state = "ongoing"
        elif day > t.deadline:
            state, days = "overdue", (day - t.deadline).days
        else:
            state = "pending"
        out.append({"task": t, "status": status, "entry": entry, "entries": live, "state": state, "days": days})
    return out


def body_counts(states: list[dict], bodies) -> list[dict]:
    """Tasks per water body: ``body``, ``total``, ``open`` (not completed), ``overdue``, ``done``, ``closed``.

    Parameters
    ----------
    states : list of dict
        :func:`task_states`.
    bodies : iterable of str
        The body codes, in the order wanted (each appears, with zeros when it has no task).

    Examples
    --------
    >>> t = Task("k", "huanggai", "拆除", "Demolish", "市林业局", date(2022, 11, 30), "19号")
    >>> c = body_counts(task_states([t], [], date(2023, 1, 1)), ["yehu", "huanggai"])
    >>> [(r["body"], r["total"], r["open"], r["overdue"]) for r in c]
    [('yehu', 0, 0, 0), ('huanggai', 1, 1, 1)]
    """
    out = []
    for code in bodies:
        mine = [s for s in states if s["task"].body == code]
        out.append(
            {
                "body": code,
                "total": len(mine),
                "open": sum(s["state"] not in DONE for s in mine),
                "overdue": sum(s["state"] == "overdue" for s in mine),
                "done": sum(s["state"] == "done" for s in mine),
                "closed": sum(s["state"] == "closed" for s in mine),
            }
        )
    return out
