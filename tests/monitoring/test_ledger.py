from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from monitoring.ledger import LedgerError, check_event, load_steps, overdue, pond_status, replay
from tests.conftest import actor, refused

STEPS = load_steps()
KEYS = [s.key for s in STEPS]
TODAY = date(2022, 12, 31)
PNG = b"\x89PNG\r\n\x1a\n" + b"0" * 100
JPEG = b"\xff\xd8\xff\xe0" + b"0" * 100


def test_steps_from_the_plan():
    by = {s.key: s for s in STEPS}
    assert by["end_contract"].deadline == date(2022, 4, 10)
    assert by["stop_inputs"].deadline == date(2022, 3, 1)
    assert by["release_organisms"].responsible == "市农业农村局" and by["release_organisms"].after == "net_harvest"
    assert by["closed_out"].deadline is None and by["closed_out"].after == "end_contract"
    assert by["end_contract"].unit_for("聂市镇") == "聂市镇"


def test_impossible_sequences_are_refused():
    e = []
    with refused("ledger.needs_first") as err:
        check_event(e, {"kind": "done", "step": "closed_out", "event_date": date(2022, 5, 1)}, STEPS, TODAY)
    e = [{"id": 1, "kind": "done", "step": "end_contract", "event_date": date(2022, 4, 8), "voids": None}]
    with refused("ledger.before_first"):
        check_event(e, {"kind": "done", "step": "closed_out", "event_date": date(2022, 4, 1)}, STEPS, TODAY)
    with refused("ledger.already_recorded"):
        check_event(e, {"kind": "done", "step": "end_contract", "event_date": date(2022, 4, 9)}, STEPS, TODAY)
    with refused("ledger.in_future"):
        check_event(e, {"kind": "done", "step": "stop_inputs", "event_date": TODAY + timedelta(1)}, STEPS, TODAY)
    with refused("ledger.unknown_step"):
        check_event(e, {"kind": "done", "step": "paint_fence", "event_date": TODAY}, STEPS, TODAY)
    with refused("ledger.void_reason_missing"):
        check_event(e, {"kind": "void", "voids": 1, "reason": " "}, STEPS, TODAY)
    e.append({"id": 2, "kind": "done", "step": "closed_out", "event_date": date(2022, 6, 1), "voids": None})
    with refused("ledger.cancel_dependants_first") as cancel:
        check_event(e, {"kind": "void", "voids": 1, "reason": "wrong date"}, STEPS, TODAY)
    # The messages name the steps in the reader's language.
    assert err.value.message("zh") == "“退养完成 / 整治销号”需要先完成“解除承包经营合同”。"
    assert "needs" in err.value.message("en") and "解除" not in err.value.message("en")
    assert cancel.value.message("zh").startswith("请先撤销“退养完成 / 整治销号”")


def test_overdue_at_the_deadline_boundary():
    state = {s.key: (st_, d) for s, st_, d in overdue({}, STEPS, date(2022, 4, 10))}
    assert state["end_contract"] == ("pending", 0)  # due by the end of 2022-04-10
    state = {s.key: (st_, d) for s, st_, d in overdue({}, STEPS, date(2022, 4, 11))}
    assert state["end_contract"] == ("overdue", 1)
    assert state["closed_out"] == ("ongoing", 0) and state["release_organisms"] == ("ongoing", 0)
    done = {"end_contract": (date(2022, 4, 20), 1)}
    assert {s.key: st_ for s, st_, _ in overdue(done, STEPS, date(2023, 1, 1))}["end_contract"] == "done"


EVENT = st.one_of(
    st.builds(
        lambda step, days: {"kind": "done", "step": step, "event_date": date(2022, 1, 1) + timedelta(days)},
        st.sampled_from(KEYS + ["bogus"]),
        st.integers(-10, 400),
    ),
    st.builds(
        lambda target, reason: {"kind": "void", "voids": target, "reason": reason},
        st.integers(1, 12),
        st.sampled_from(["", "typo"]),
    ),
)


@given(st.lists(EVENT, max_size=14))
def test_status_is_the_replay_of_accepted_events(seq):
    accepted = []
    for new in seq:
        before = replay(accepted)
        try:
            check_event(accepted, new, STEPS, TODAY)
        except LedgerError:
            assert replay(accepted) == before  # a rejected event changes nothing
            continue
        accepted.append({"id": len(accepted) + 1, "voids": None, **new})
        done = replay(accepted)
        # Invariants of every accepted state.
        for s in STEPS:
            if s.key in done and s.after:
                assert s.after in done and done[s.after][0] <= done[s.key][0]
        assert all(d <= TODAY for d, _ in done.values())
    assert pond_status(replay(accepted), STEPS) == (
        "retired" if "closed_out" in replay(accepted) else "in_progress" if replay(accepted) else "not_started"
    )


# --- persisted --------------------------------------------------------------------------


def test_store_records_voids_and_replays(store):
    e1 = store.ledger.record("1", "stop_inputs", date(2022, 3, 1), user=actor("staff"), note="巡查确认", today=TODAY)
    e2 = store.ledger.record(
        "1", "end_contract", date(2022, 4, 12), user=actor("staff"), document_no="江南〔2022〕5号", today=TODAY
    )
    assert store.ledger.statuses()[1] == "in_progress"
    e3 = store.ledger.record(
        "1", "closed_out", date(2022, 5, 1), user=actor("staff"), photo=PNG, photo_name="x.png", today=TODAY
    )
    assert store.ledger.statuses()[1] == "retired"
    ev = store.ledger.events("1")
    assert ev.responsible_unit.tolist() == ["江南镇", "江南镇", "江南镇"]
    assert ev.has_photo.tolist() == [False, False, True]
    assert store.ledger.photo(e3) == (PNG, "x.png", "image/png")
    with refused("ledger.cancel_dependants_first"):
        store.ledger.void(e2, "wrong date", user=actor("staff"))
    store.ledger.void(e3, "recorded for the wrong pond", user=actor("admin"))
    store.ledger.void(e2, "wrong date", user=actor("admin"))
    store.ledger.record("1", "end_contract", date(2022, 4, 9), user=actor("staff"), today=TODAY)
    done = store.ledger.done_steps()["1"]
    assert done["end_contract"][0] == date(2022, 4, 9) and "closed_out" not in done
    assert len(store.ledger.events("1")) == 6  # nothing edited or deleted
    assert e1 in store.ledger.events("1").id.tolist()


def test_store_refuses_and_writes_nothing(store):
    with refused("ledger.not_a_pond"):
        store.ledger.record("S1", "stop_inputs", date(2022, 3, 1), user=actor("u"), today=TODAY)
    with refused("photo.type"):
        store.ledger.record("2", "stop_inputs", date(2022, 3, 1), user=actor("u"), photo=b"GIF89a....", today=TODAY)
    with refused("photo.too_large"):
        store.ledger.record(
            "2", "stop_inputs", date(2022, 3, 1), user=actor("u"), photo=JPEG + b"0" * 6_000_000, today=TODAY
        )
    with refused("ledger.needs_first"):
        store.ledger.record("2", "closed_out", date(2022, 3, 1), user=actor("u"), today=TODAY)
    assert store.ledger.events().empty
    assert set(store.ledger.statuses().values()) == {"not_started"}
    assert len(store.ledger.statuses()) == 17
