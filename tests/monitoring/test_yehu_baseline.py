"""Yehu's answers stay as they were before water bodies were added.

The fixtures in ``tests/fixtures/yehu_baseline/`` were captured from the code before the
change (``python -m tests.monitoring.test_yehu_baseline capture``); the test rebuilds the
same database and compares the pond classification, the weekly result, the Dashboard
figures and the ledger statuses with them.
"""

from __future__ import annotations

import json
import sys
from datetime import date, datetime

import pytest

from geo.boundaries import load_boundaries
from geo.register import load_register
from monitoring.auth import CONSOLE
from monitoring.clock import TZ
from monitoring.samples import ParsedValue, SampleInput
from monitoring.store import Store
from tests.conftest import CHEAP_HASHER, ROOT

FIXTURES = ROOT / "tests" / "fixtures" / "yehu_baseline"
TODAY = date(2022, 5, 2)
WEEK = "2022-W15"

#: (site, day, value, censored) — ponds, the section point; an exceedance and a censored result.
SAMPLES = [
    ("1", date(2022, 4, 12), 0.12, False),
    ("5", date(2022, 4, 12), 0.35, False),
    ("9", date(2022, 4, 13), 0.01, True),
    ("13", date(2022, 4, 14), 0.5, True),
    ("S1", date(2022, 4, 12), 0.04, False),
    ("S1", date(2022, 4, 20), 0.08, False),
    ("2", date(2022, 4, 19), 0.18, False),
]
#: (pond, step, day)
LEDGER = [
    ("1", "stop_inputs", date(2022, 3, 1)),
    ("1", "end_contract", date(2022, 4, 8)),
    ("1", "closed_out", date(2022, 4, 20)),
    ("5", "stop_inputs", date(2022, 3, 2)),
    ("12", "end_contract", date(2022, 4, 15)),
]


def build(url: str) -> Store:
    """The database every capture and comparison starts from."""
    store = Store(url, hasher=CHEAP_HASHER)
    store.register.load(load_register(), load_boundaries()[1].gdf, user=CONSOLE)
    for site, day, value, censored in SAMPLES:
        store.samples.add(
            SampleInput(
                site=site,
                sampled_at=datetime(day.year, day.month, day.day, 9, 30, tzinfo=TZ),
                value=ParsedValue(value, censored, value if censored else None),
                kind="tail_water" if site.isdigit() else "lake",
                value_entered=f"{value}L" if censored else str(value),
            ),
            user=CONSOLE,
        )
    for pond, step, day in LEDGER:
        store.ledger.record(pond, step, day, user=CONSOLE, today=TODAY)
    return store


def figures(store: Store, **body) -> dict:
    """The Dashboard's figures and the ledger statuses, as JSON-able data."""
    from geo.dataset import load_dataset
    from monitoring.progress import progress

    fig = progress(store, load_dataset().register, today=TODAY, **body)
    fig.pop("week")  # this week's sampling depends on the real today, not on TODAY
    return json.loads(json.dumps({"dashboard": fig, "statuses": store.ledger.statuses()}, default=str))


def cli_out(capsys, module, *args) -> str:
    capsys.readouterr()
    assert module.main(list(args)) == 0
    return capsys.readouterr().out


def outputs(capsys, monkeypatch, url: str, body_args=()) -> dict:
    import geo.__main__ as geo_cli
    import monitoring.__main__ as mon_cli

    monkeypatch.setenv("DATABASE_URL", url) if url.startswith("postgresql") else monkeypatch.setenv(
        "YEHU_DB", url.removeprefix("sqlite:///")
    )
    return {
        "classify": json.loads(cli_out(capsys, geo_cli, "classify", "--format", "json", *body_args)),
        "weekly": json.loads(cli_out(capsys, mon_cli, "weekly", "--week", WEEK, "--format", "json", *body_args)),
    }


def _load(name):
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


@pytest.mark.parametrize("body_args", [(), ("--water-body", "yehu")], ids=["default", "yehu"])
def test_yehu_answers_unchanged(db_url, capsys, monkeypatch, body_args):
    store = build(db_url)
    out = outputs(capsys, monkeypatch, db_url, body_args)
    assert out["classify"] == _load("classify.json")
    base = _load("weekly.json")
    yehu_sites = [s for s in out["weekly"]["sites"] if s["site_code"] in {b["site_code"] for b in base["sites"]}]
    assert yehu_sites == base["sites"]
    if body_args:
        assert out["weekly"] == base
    base = _load("figures.json")
    assert figures(store, body="yehu") == base
    every = figures(store)  # every body: Yehu's figures, and other bodies' sites beside Yehu's
    yehu_lake = [x for x in every["dashboard"]["lake"] if x["site"] in {b["site"] for b in base["dashboard"]["lake"]}]
    assert yehu_lake == base["dashboard"]["lake"] and len(every["dashboard"]["lake"]) > len(yehu_lake)
    every["dashboard"]["lake"] = yehu_lake
    assert every == base
    store.engine.dispose()


def capture(folder) -> None:  # pragma: no cover - run by hand, on the code before a change
    """Write the fixtures from the code as it is (``python -m tests.monitoring.test_yehu_baseline capture``)."""
    import contextlib
    import io
    import tempfile
    from pathlib import Path

    import geo.__main__ as geo_cli
    import monitoring.__main__ as mon_cli

    with tempfile.TemporaryDirectory() as tmp:
        import os

        os.environ["YEHU_DB"] = str(Path(tmp) / "base.sqlite")
        store = build(f"sqlite:///{os.environ['YEHU_DB']}")
        for name, module, args in (
            ("classify.json", geo_cli, ["classify", "--format", "json"]),
            ("weekly.json", mon_cli, ["weekly", "--week", WEEK, "--format", "json"]),
        ):
            buf = io.StringIO()
            with contextlib.redirect_stdout(buf):
                assert module.main(args) == 0
            data = json.loads(buf.getvalue())
            (folder / name).write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        data = figures(store)
        (folder / "figures.json").write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        store.engine.dispose()


if __name__ == "__main__" and sys.argv[1:] == ["capture"]:
    capture(FIXTURES)
