"""Uniqueness and immutability enforced by the database itself, not by check-then-insert."""

import sqlite3
import threading

import pytest
from sqlalchemy.exc import IntegrityError

from monitoring.auth import CONSOLE
from tests.conftest import CHEAP_HASHER


def test_an_audit_row_cannot_be_replaced_on_sqlite(store):
    if store.engine.dialect.name != "sqlite":
        pytest.skip("INSERT OR REPLACE is SQLite's")
    row = store.audit.log(limit=1).iloc[0]
    path = store.engine.url.database
    with sqlite3.connect(path) as conn, pytest.raises(sqlite3.IntegrityError, match="never changed"):
        conn.execute(
            "INSERT OR REPLACE INTO audit (id, at, actor, action, entity, entity_id, before, after) "
            "VALUES (?, ?, 'mallory', 'nothing', 'x', 'x', '{}', '{}')",
            (int(row.id), "2020-01-01 00:00:00"),
        )
    again = store.audit.log(limit=None)
    assert again.loc[again.id == row.id, "actor"].iloc[0] == row.actor
    assert "mallory" not in set(again.actor)


def test_usernames_differing_only_in_case_are_one_account_even_in_a_race(store):
    from monitoring.store import Store

    url = store.engine.url.render_as_string(hide_password=False)
    names = ["Racer", "racer", "RACER", "rAcEr"] * 2
    stores = [Store(url, hasher=CHEAP_HASHER) for _ in names]  # one per request, as separate processes would
    barrier = threading.Barrier(len(names), timeout=60)
    outcomes = []

    def create(s, name):
        barrier.wait()
        try:
            s.accounts.create(name, "race-password-1", "viewer", user=CONSOLE)
            outcomes.append("created")
        except Exception as exc:  # noqa: BLE001 - any refusal counts; the database decides
            outcomes.append(type(exc).__name__)
        finally:
            s.engine.dispose()

    threads = [threading.Thread(target=create, args=pair) for pair in zip(stores, names, strict=True)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    names = [n for n in store.accounts.list_users().username if n.lower() == "racer"]
    assert len(names) == 1, names
    assert outcomes.count("created") == 1, outcomes
    with pytest.raises((IntegrityError, ValueError)):
        store.accounts.create("RaCeR", "race-password-1", "viewer", user=CONSOLE)
