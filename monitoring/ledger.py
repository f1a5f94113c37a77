"""Retirement ledger (退养台账) rules: steps, events, derived status, overdue.

Pure functions; the Store persists events.  A pond's status is never stored:
it is the replay of its accepted events.  A mistake is corrected by a ``void``
event (with a reason) that cancels an earlier event, never by editing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from geo.config import load_config

from .errors import MonitoringError, Words

__all__ = [
    "LedgerError",
    "Step",
    "check_event",
    "load_steps",
    "load_units",
    "map_status",
    "overdue",
    "pond_status",
    "replay",
]


class LedgerError(MonitoringError):
    """An event that would make the ledger impossible (or a photo it cannot keep); the code says why."""

    default_code = "ledger.invalid"


def _name(step: Step) -> Words:
    return Words(step.name, step.name_en)


@dataclass(frozen=True)
class Step:
    """One retirement step.

    Attributes
    ----------
    key, name, name_en : str
    deadline : datetime.date or None
        None for open-ended steps (ongoing, never overdue).
    responsible : str
        A unit, or ``town`` for the pond's town.
    after : str or None
        A step that must be done first (on or before this one's date).
    source : str
    """

    key: str
    name: str
    name_en: str
    deadline: date | None
    responsible: str
    after: str | None = None
    source: str = ""

    def unit_for(self, town: str) -> str:
        """The responsible unit for a pond in ``town``."""
        return town if self.responsible == "town" else self.responsible


def load_steps(config: dict | None = None) -> list[Step]:
    """Read ``[[retirement_steps]]`` from the configuration.

    Parameters
    ----------
    config : dict, optional

    Returns
    -------
    list of Step
        In workflow order.

    Examples
    --------
    >>> [s.key for s in load_steps()]
    ['stop_inputs', 'end_contract', 'net_harvest', 'release_organisms', 'closed_out']
    """
    config = config if config is not None else load_config()
    steps = []
    for i, e in enumerate(config.get("retirement_steps", [])):
        try:
            deadline = date.fromisoformat(e["deadline"]) if e.get("deadline") else None
        except ValueError:
            raise LedgerError("ledger.config_deadline", n=i + 1, text=str(e["deadline"])) from None
        steps.append(
            Step(
                e["key"],
                e["name"],
                e.get("name_en", e["name"]),
                deadline,
                e.get("responsible", "town"),
                e.get("after"),
                e.get("source", ""),
            )
        )
    keys = [s.key for s in steps]
    for s in steps:
        if s.after and s.after not in keys:
            raise LedgerError("ledger.config_after", step=s.key, after=s.after)
    return steps


def load_units(config: dict | None = None) -> list[dict]:
    """The responsible units of the plan (``[[units]]``: name and duties).

    Parameters
    ----------
    config : dict, optional

    Returns
    -------
    list of dict

    Examples
    --------
    >>> [u["name"] for u in load_units()]
    ['市自然资源局', '市农业农村局', '江南镇', '聂市镇']
    """
    config = config if config is not None else load_config()
    return [{"name": u["name"], "duties": u.get("duties", "")} for u in config.get("units", [])]


def replay(events) -> dict:
    """Done date per step from a pond's events, voided events removed.

    Parameters
    ----------
    events : iterable of dict
        ``id``, ``kind`` (``done`` or ``void``), ``step``, ``event_date``,
        ``voids`` (id of the cancelled event, for ``void``).

    Returns
    -------
    dict of str to (datetime.date, int)
        Step -> (date, event id) for every step currently done.
    """
    events = list(events)
    voided = {e["voids"] for e in events if e["kind"] == "void"}
    done = {}
    for e in sorted((e for e in events if e["kind"] == "done" and e["id"] not in voided), key=lambda e: e["id"]):
        done[e["step"]] = (e["event_date"], e["id"])
    return done


def check_event(events, new: dict, steps: list[Step], today: date) -> None:
    """Refuse an event that would make the pond's ledger impossible.

    Parameters
    ----------
    events : list of dict
        The pond's accepted events.
    new : dict
        ``kind``, ``step``, ``event_date`` (for ``done``), ``voids`` and
        ``reason`` (for ``void``).
    steps : list of Step
    today : datetime.date
        In Asia/Shanghai.

    Raises
    ------
    LedgerError
        Unknown step, a date in the future or before the plan, the same step
        twice, a step before the one it must follow (e.g. 销号 before the
        contract ended), a void without reason or of an unknown/voided event,
        or a void that would leave a later step without its prerequisite.
    """
    by_key = {s.key: s for s in steps}
    done = replay(events)
    if new["kind"] == "void":
        if not (new.get("reason") or "").strip():
            raise LedgerError("ledger.void_reason_missing")
        target = next((e for e in events if e["id"] == new.get("voids")), None)
        if target is None or target["kind"] != "done":
            raise LedgerError("ledger.void_not_a_step", event=new.get("voids"))
        if all(target["id"] != eid for _, eid in done.values()):
            raise LedgerError("ledger.already_cancelled", event=target["id"])
        dependants = [s for s in steps if s.after == target["step"] and s.key in done]
        if dependants:
            raise LedgerError(
                "ledger.cancel_dependants_first",
                dependants=Words("、".join(s.name for s in dependants), ", ".join(s.name_en for s in dependants)),
                step=_name(by_key[target["step"]]),
            )
        return
    if new["kind"] != "done":
        raise LedgerError("ledger.unknown_kind", kind=new["kind"])
    step = by_key.get(new.get("step"))
    if step is None:
        raise LedgerError("ledger.unknown_step", step=new.get("step"))
    d = new.get("event_date")
    if not isinstance(d, date):
        raise LedgerError("ledger.date_missing")
    if d > today:
        raise LedgerError("ledger.in_future", step=_name(step), date=d.isoformat())
    if d < date(2022, 1, 1):
        raise LedgerError("ledger.before_plan", step=_name(step), date=d.isoformat())
    if step.key in done:
        raise LedgerError("ledger.already_recorded", step=_name(step), date=str(done[step.key][0]))
    if step.after:
        before = done.get(step.after)
        if before is None:
            raise LedgerError("ledger.needs_first", step=_name(step), first=_name(by_key[step.after]))
        if before[0] > d:
            raise LedgerError(
                "ledger.before_first",
                step=_name(step),
                date=d.isoformat(),
                first=_name(by_key[step.after]),
                first_date=str(before[0]),
            )


def pond_status(done: dict, steps: list[Step]) -> str:
    """``retired`` when the last step is done, ``in_progress`` when any is, else ``not_started``.

    Parameters
    ----------
    done : dict
        From :func:`replay`.
    steps : list of Step

    Returns
    -------
    str
    """
    if steps and steps[-1].key in done:
        return "retired"
    return "in_progress" if done else "not_started"


def map_status(done: dict, steps: list[Step], today: date) -> str:
    """The status a pond is coloured by: ``retired``, ``overdue``, ``in_progress`` or ``not_started``.

    ``overdue`` when any step is past its deadline and not done, whether or not the pond has a
    ledger entry yet (the ledger lists it as overdue either way); a retired pond is never overdue.

    Parameters
    ----------
    done : dict
        From :func:`replay` (empty for a pond without entries).
    steps : list of Step
    today : datetime.date
        In Asia/Shanghai.

    Returns
    -------
    str

    Examples
    --------
    >>> steps = load_steps()
    >>> map_status({}, steps, date(2022, 1, 5)), map_status({}, steps, date(2026, 11, 30))
    ('not_started', 'overdue')
    """
    status = pond_status(done, steps)
    if status != "retired" and any(state == "overdue" for _, state, _ in overdue(done, steps, today)):
        return "overdue"
    return status


def overdue(done: dict, steps: list[Step], today: date) -> list[tuple[Step, str, int]]:
    """State of each step: ``done``, ``overdue`` (with days), ``pending`` or ``ongoing``.

    A step is overdue from the day after its deadline (Asia/Shanghai); a step
    without a deadline is ``ongoing`` until done, never overdue.

    Parameters
    ----------
    done : dict
    steps : list of Step
    today : datetime.date

    Returns
    -------
    list of (Step, str, int)
        The int is days overdue (0 unless overdue).

    Examples
    --------
    >>> steps = load_steps()
    >>> [(s.key, st, d) for s, st, d in overdue({}, steps, date(2022, 4, 11))][:2]
    [('stop_inputs', 'overdue', 41), ('end_contract', 'overdue', 1)]
    >>> overdue({}, steps, date(2022, 4, 10))[1][1:]
    ('pending', 0)
    """
    out = []
    for s in steps:
        if s.key in done:
            out.append((s, "done", 0))
        elif s.deadline is None:
            out.append((s, "ongoing", 0))
        elif today > s.deadline:
            out.append((s, "overdue", (today - s.deadline).days))
        else:
            out.append((s, "pending", 0))
    return out


def live_events(events) -> list[int]:
    """Ids of the ``done`` events that no void cancels, oldest first (the ones a void may still cancel).

    Parameters
    ----------
    events : iterable of dict
        ``id``, ``kind``, ``voids`` (missing or NaN for ``done`` events).

    Examples
    --------
    >>> live_events([{"id": 1, "kind": "done", "voids": None}, {"id": 2, "kind": "done", "voids": None},
    ...              {"id": 3, "kind": "void", "voids": 1.0}])
    [2]
    """
    events = list(events)
    voided = {int(e["voids"]) for e in events if e["kind"] == "void" and e.get("voids") == e.get("voids")}
    return sorted(int(e["id"]) for e in events if e["kind"] == "done" and int(e["id"]) not in voided)


def unit_duties(units, steps: list[Step], towns: dict, done: dict, today: date, open_cases=()) -> list[dict]:
    """Each responsible unit's steps, open and overdue step items, and open tracing cases.

    Parameters
    ----------
    units : list of dict
        From :func:`load_units`.
    steps : list of Step
    towns : dict
        Pond code (str) -> its town.
    done : dict
        Pond code -> done steps (:func:`replay`); a missing pond has none done.
    today : datetime.date
        In Asia/Shanghai.
    open_cases : iterable of str
        The responsible unit of each open tracing case.

    Returns
    -------
    list of dict
        ``unit``, ``duties``, ``steps`` (list of Step), ``open``, ``overdue``, ``cases`` per unit.

    Examples
    --------
    >>> steps = load_steps()
    >>> rows = unit_duties(load_units(), steps, {"1": "江南镇"}, {}, date(2022, 4, 11), ["江南镇"])
    >>> [(r["unit"], r["open"], r["cases"]) for r in rows][2:]
    [('江南镇', 4, 1), ('聂市镇', 0, 0)]
    """
    case_units = list(open_cases)
    present = set(towns.values())
    out = []
    for unit in units:
        name = unit["name"]
        owned = [s for s in steps if s.responsible == name or (s.responsible == "town" and name in present)]
        open_items = overdue_items = 0
        for code, town in towns.items():
            for s, state, _ in overdue(done.get(str(code), {}), steps, today):
                if s.unit_for(town) == name and state != "done":
                    open_items += 1
                    overdue_items += state == "overdue"
        out.append(
            {
                "unit": name,
                "duties": unit.get("duties", ""),
                "steps": owned,
                "open": open_items,
                "overdue": overdue_items,
                "cases": sum(1 for u in case_units if u == name),
            }
        )
    return out
