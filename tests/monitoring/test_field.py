from datetime import date

import pytest

from geo.dataset import load_dataset
from monitoring.field import FieldError
from monitoring.ledger import LedgerError
from tests.conftest import actor, refused

TODAY = date(2022, 6, 1)


@pytest.fixture(scope="module")
def ds():
    return load_dataset()


def test_patrol_with_findings_and_a_case(store):
    pid = store.field.add_patrol(
        date(2022, 5, 3),
        "王五、赵六",
        user=actor("u"),
        ponds=["8", "1"],
        findings=["dead_fish", "feeding"],
        dead_fish_disposal="深埋，撒生石灰",
        notes="8号塘投饵",
        open_case=True,
        today=TODAY,
    )
    row = store.field.list_patrols().iloc[0]
    assert row.id == pid and row.ponds == "8,1" and row.findings == "dead_fish,feeding"
    assert row.case_status == "open"
    with pytest.raises(FieldError, match="action taken"):
        store.field.update_patrol_case(pid, user=actor("u"), close=True)
    store.field.update_patrol_case(
        pid, user=actor("u"), action="责令停止投饵", unit="江南镇", deadline=date(2022, 5, 10)
    )
    store.field.update_patrol_case(pid, user=actor("u"), close=True)
    assert store.field.list_patrols().iloc[0].case_status == "closed"
    with pytest.raises(FieldError, match="no open case"):
        store.field.update_patrol_case(pid, user=actor("u"), action="x")


@pytest.mark.parametrize(
    "kw, field",
    [
        ({"patrol_date": date(2022, 6, 2)}, "patrol_date"),
        ({"inspectors": " "}, "inspectors"),
        ({"ponds": ["99"]}, "ponds"),
        ({"findings": ["swimming"]}, "findings"),
        ({"findings": ["dead_fish"]}, "dead_fish_disposal"),
        ({"open_case": True}, "findings"),
    ],
)
def test_patrol_rejections(store, kw, field):
    args = {"patrol_date": date(2022, 5, 3), "inspectors": "王五", "user": actor("u"), "today": TODAY, **kw}
    with pytest.raises(FieldError) as err:
        store.field.add_patrol(**args)
    assert err.value.field == field
    assert store.field.list_patrols().empty


def test_patrol_photo_checked(store):
    with pytest.raises(LedgerError, match="JPEG or PNG"):
        store.field.add_patrol(date(2022, 5, 3), "王五", user=actor("u"), photo=b"<svg/>", today=TODAY)


def test_tip_is_tested_against_the_zones(store, ds):
    # Near pond 8 (in the 1 km zone of the placeholder lake), typed in DMS.
    tid = store.field.add_tip(
        date(2022, 5, 4), "夜间有人投饵", "113°25'30.6\"E 29°38'38.0\"N", ds, user=actor("u"), contact="138xxxx"
    )
    tip = store.field.list_tips().iloc[0]
    assert tip.id == tid and tip.status == "received"
    assert bool(tip.in_ban_zone) and tip.nearest_pond == "8" and tip.nearest_pond_m < 100
    assert not bool(tip.in_nofish_zone)
    centre = store.field.add_tip(date(2022, 5, 4), "有人钓鱼", "E113.42292 N29.65318", ds, user=actor("u"))
    t2 = store.field.list_tips().set_index("id").loc[centre]
    assert bool(t2.in_nofish_zone) and t2.shore_distance_m == 0


def test_tip_status_and_reward_rules(store, ds):
    tid = store.field.add_tip(date(2022, 5, 4), "投肥", "E113.4136 N29.6635", ds, user=actor("u"))
    with refused("tip.reward_unverified"):
        store.field.update_tip(tid, user=actor("u"), reward_granted=True, reward_amount=200)
    with refused("tip.transition"):
        store.field.update_tip(tid, user=actor("u"), status="resolved")
    store.field.update_tip(tid, user=actor("u"), status="verified")
    with pytest.raises(FieldError, match="amount"):
        store.field.update_tip(tid, user=actor("u"), reward_granted=True)
    store.field.update_tip(tid, user=actor("u"), reward_granted=True, reward_amount=200, status="resolved")
    t = store.field.list_tips().iloc[0]
    assert (t.status, bool(t.reward_granted), t.reward_amount) == ("resolved", True, 200)


def test_tip_location_errors_come_from_the_parser(store, ds):
    with pytest.raises(FieldError) as err:
        store.field.add_tip(date(2022, 5, 4), "x", "湖边老槐树下", ds, user=actor("u"))
    assert err.value.field == "location" and err.value.__cause__.code == "coord.unreadable"
    with pytest.raises(FieldError, match="outside China"):
        store.field.add_tip(date(2022, 5, 4), "x", "E13.4 N29.6", ds, user=actor("u"))
    assert store.field.list_tips().empty
