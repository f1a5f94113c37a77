from datetime import UTC, date, datetime, timedelta

import pytest

from monitoring import clock
from monitoring.ledger import live_events, load_steps, load_units, unit_duties


def test_today_and_this_week_are_counted_in_shanghai():
    now = clock.now()
    assert now.utcoffset() == timedelta(hours=8)
    assert clock.today() in (now.date(), (now + timedelta(seconds=5)).date())
    assert clock.this_week() == clock.week_of(clock.today())
    # Sunday 23:59 UTC is already Monday in Shanghai: the next ISO week.
    assert clock.week_of(datetime(2022, 4, 17, 16, 0, tzinfo=UTC)) == "2022-W16"
    assert clock.week_of(datetime(2022, 4, 17, 15, 59, tzinfo=UTC)) == "2022-W15"
    assert clock.day_start_utc(date(2022, 4, 18)) == datetime(2022, 4, 17, 16, 0)


def test_week_arithmetic_across_a_year_end():
    assert clock.weeks_ending("2021-W01", 2) == ["2020-W53", "2021-W01"]
    assert clock.week_start("2020-W53") == date(2020, 12, 28)
    choices = clock.week_choices(3, also=datetime(2022, 4, 12, 9, tzinfo=clock.TZ))
    assert choices[0] == clock.this_week() and choices[-1] == "2022-W15" and len(choices) == 4
    with pytest.raises(ValueError):
        clock.week_start("2022-15")


def test_live_events_leave_out_voided_ones():
    events = [
        {"id": 1, "kind": "done", "voids": float("nan")},
        {"id": 2, "kind": "done", "voids": float("nan")},
        {"id": 3, "kind": "void", "voids": 2.0},
    ]
    assert live_events(events) == [1]
    assert live_events([]) == []


def test_unit_duties_count_open_and_overdue_steps_per_unit():
    steps = load_steps()
    towns = {"1": "江南镇", "2": "聂市镇"}
    done = {"1": {s.key: (date(2022, 4, 1), i) for i, s in enumerate(steps)}}  # pond 1 is retired
    rows = {r["unit"]: r for r in unit_duties(load_units(), steps, towns, done, date(2030, 1, 1), ["聂市镇", "聂市镇"])}
    assert rows["江南镇"]["open"] == 0 and rows["江南镇"]["cases"] == 0
    town_steps = [s for s in steps if s.responsible == "town"]
    assert rows["聂市镇"]["open"] == len(town_steps) and rows["聂市镇"]["cases"] == 2
    assert rows["聂市镇"]["overdue"] == sum(s.deadline is not None for s in town_steps)
