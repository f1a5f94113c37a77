"""Refusals a user meets, raised for real, read Chinese in Chinese and English in English."""

from datetime import date, datetime, timedelta

import pytest

from monitoring.auth import CONSOLE
from monitoring.errors import InputError
from monitoring.samples import TZ, ParsedValue, SampleInput, parse_value
from tests.conftest import actor
from tests.i18n.test_error_sweep import check_chinese, check_english

T0 = datetime(2022, 4, 12, 9, 0, tzinfo=TZ)


def refusal(call):
    with pytest.raises(ValueError) as err:
        call()
    exc = err.value
    zh, en = exc.message("zh"), exc.message("en")
    check_chinese(zh, exc.code)
    check_english(en, exc.code)
    for text in (zh, en):
        assert "/" not in text.replace("mg/L", "").replace("µg/L", "").replace(" / ", ""), text  # no server path
    return exc


def test_store_refusals_in_both_languages(store, tmp_path):
    u = actor("u")
    store.samples.add(SampleInput("5", T0, ParsedValue(0.05, False, None)), user=u)
    dup = refusal(lambda: store.samples.add(SampleInput("5", T0, ParsedValue(0.06, False, None)), user=u))
    assert dup.code == "sample.duplicate" and dup.field == "sampled_at"
    refusal(lambda: parse_value("abc"))
    refusal(lambda: store.ledger.record("6", "closed_out", date(2022, 5, 1), user=u, today=date(2022, 6, 1)))
    refusal(lambda: store.register.correct_pond(1, user=u, reason="测量", area_mu=-3))
    refusal(lambda: store.register.add_site("X", "river", "河", 113.4, 29.6, "test", user=u))
    refusal(lambda: store.field.add_patrol(date(2022, 5, 3), " ", user=u, today=date(2022, 6, 1)))
    refusal(lambda: store.samples.add(SampleInput("5", T0, ParsedValue(0.05, False, None)), user=actor("nobody")))
    refusal(lambda: store.accounts.create("li", "short", "viewer", user=CONSOLE))
    for i in range(5):
        refusal(lambda i=i: store.accounts.login("u", "wrong-password", "c", now=datetime(2026, 1, 1) + timedelta(i)))
    refusal(lambda: store.cases.close(999, user=u))
    from monitoring.backup import restore

    bad = tmp_path / "not-a-backup.zip"
    bad.write_bytes(b"nothing")
    exc = refusal(lambda: restore("sqlite://", bad))
    assert str(tmp_path) not in exc.message("zh") + exc.message("en")


def test_one_input_error_class():
    from monitoring.field import FieldError
    from monitoring.samples import SampleValidationError
    from monitoring.store import RegisterEditError

    assert SampleValidationError is FieldError is RegisterEditError is InputError
