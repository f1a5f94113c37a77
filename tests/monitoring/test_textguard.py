"""NUL characters and over-long text are refused alike on SQLite and PostgreSQL, naming the field."""

import pytest

from monitoring.auth import AuthError
from monitoring.textguard import TextRefused
from tests.conftest import actor


def test_over_long_and_nul_text_refused_before_the_database(store):
    before = len(store.register.list_sites())
    with pytest.raises(TextRefused) as err:
        store.register.add_site("L" * 33, "lake", "湖心", 113.42, 29.65, "survey", user=actor("u"))
    assert err.value.code.startswith("text.too_long") and err.value.params["limit"] == 32
    for lang in ("zh", "en"):
        text = err.value.message(lang)
        assert "33" in text and "32" in text and "INSERT" not in text and "sites" not in text
    with pytest.raises(TextRefused) as err:
        store.register.add_site("L1", "lake", "湖\x00心", 113.42, 29.65, "survey", user=actor("u"))
    assert err.value.code.startswith("text.nul")
    assert "INSERT" not in err.value.message("zh")
    assert len(store.register.list_sites()) == before  # nothing written
    store.register.add_site(
        "L" * 32, "lake", "湖" * 200, 113.42, 29.65, "survey", user=actor("u")
    )  # at the limits: fine
    assert len(store.register.list_sites()) == before + 1


def test_a_login_name_with_a_nul_byte_is_refused_without_sql(store):
    with pytest.raises((TextRefused, AuthError)) as err:
        store.accounts.login("ad\x00min", "whatever", "127.0.0.1")
    text = err.value.message("zh") if hasattr(err.value, "message") else str(err.value)
    assert "SELECT" not in text and "users" not in text
