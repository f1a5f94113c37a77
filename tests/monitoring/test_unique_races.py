"""Races decided by the database: one live ledger step per pond, one account per name (any case).

Each racer is its own Store (as separate server processes would be); every refusal is a
coded message in both languages, never a database error.
"""

import threading
from datetime import date, datetime

from sqlalchemy import text

from i18n.errors import UserError
from monitoring.auth import CONSOLE
from monitoring.store import Store
from tests.conftest import CHEAP_HASHER, actor, refused

TODAY = date(2022, 6, 1)
U = actor("u")


def _race(store, n, call):
    """``call(store_i, i)`` in n threads released together; the outcome of each (ok or the refusal)."""
    url = store.engine.url.render_as_string(hide_password=False)
    stores = [Store(url, hasher=CHEAP_HASHER, migrate=False) for _ in range(n)]
    barrier = threading.Barrier(n, timeout=60)
    outcomes = [None] * n

    def run(i):
        barrier.wait()
        try:
            call(stores[i], i)
            outcomes[i] = "ok"
        except UserError as exc:
            outcomes[i] = exc
        except Exception as exc:  # noqa: BLE001 - a database error here is the failure the test looks for
            outcomes[i] = repr(exc)
        finally:
            stores[i].engine.dispose()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return outcomes


def _live(store, pond, step):
    events = store.ledger.events(pond)
    voided = set(events.loc[events.kind == "void", "voids"].dropna().astype(int))
    done = events[(events.kind == "done") & (events.step == step)]
    return [int(i) for i in done.id if int(i) not in voided]


def _refusals(outcomes, codes):
    refused_ = [o for o in outcomes if o != "ok"]
    assert all(isinstance(o, UserError) and o.code in codes for o in refused_), refused_
    for o in refused_:  # a message a user can read, in both languages
        zh, en = o.message("zh"), o.message("en")
        assert "INSERT" not in zh + en and "UNIQUE" not in (zh + en).upper() and "Integrity" not in zh + en
    return refused_


def test_one_ledger_step_is_stored_once_however_many_record_it_at_once(store):
    outcomes = _race(store, 8, lambda s, i: s.ledger.record("3", "end_contract", date(2022, 4, 8), user=U, today=TODAY))
    assert outcomes.count("ok") == 1, outcomes
    refused_ = _refusals(outcomes, {"ledger.already_recorded", "ledger.recorded_meanwhile"})
    assert len(refused_) == 7 and len(_live(store, "3", "end_contract")) == 1
    assert len(store.ledger.events("3")) == 1  # nothing else written
    meanwhile = UserError("ledger.recorded_meanwhile", pond="3", step="解除合同")
    assert "刚刚已由他人登记" in meanwhile.message("zh") and "just recorded" in meanwhile.message("en")


def test_a_voided_step_can_be_recorded_again_and_voided_once_only(store):
    first = store.ledger.record("4", "end_contract", date(2022, 4, 8), user=U, today=TODAY)
    outcomes = _race(store, 6, lambda s, i: s.ledger.void(first, f"录错{i}", user=U, today=TODAY))
    assert outcomes.count("ok") == 1, outcomes
    _refusals(outcomes, {"ledger.already_cancelled"})
    assert (store.ledger.events("4").kind == "void").sum() == 1
    again = store.ledger.record("4", "end_contract", date(2022, 4, 9), user=U, today=TODAY)
    assert _live(store, "4", "end_contract") == [again]
    with refused("ledger.already_recorded"):
        store.ledger.record("4", "end_contract", date(2022, 4, 10), user=U, today=TODAY)


def test_the_database_itself_refuses_a_second_live_step(store):
    store.ledger.record("5", "end_contract", date(2022, 4, 8), user=U, today=TODAY)
    sql = (
        "INSERT INTO retirement_events (pond_code, kind, step, event_date, live_step, recorded_by, recorded_at) "
        "VALUES ('5', 'done', 'end_contract', :d, 'end_contract', 'x', :at)"
    )
    try:
        with store.engine.begin() as conn:
            conn.execute(text(sql), {"d": date(2022, 4, 9), "at": datetime(2022, 4, 9)})
    except Exception as exc:  # noqa: BLE001 - the backends name it differently
        assert "unique" in str(exc).lower()
    else:
        raise AssertionError("a second live record of one step was stored")


def test_usernames_differing_in_case_race_to_one_account_with_a_clear_refusal(store):
    names = ["Racer", "racer", "RACER", "rAcEr"] * 2
    outcomes = _race(store, len(names), lambda s, i: s.accounts.create(names[i], "race-password-1", "viewer",
                                                                        user=CONSOLE))  # fmt: skip
    assert outcomes.count("ok") == 1, outcomes
    refused_ = _refusals(outcomes, {"auth.taken"})
    assert all(o.message("zh").endswith("该用户名已被使用。") for o in refused_)
    assert all(o.message("en").endswith("This username is taken.") for o in refused_)
    assert [n for n in store.accounts.list_users().username if n.lower() == "racer"]
