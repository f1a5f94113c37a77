"""Login throttling counted atomically in the database, per account and per client; session limits."""

import threading
import time
from datetime import datetime, timedelta

import pytest
from argon2 import PasswordHasher

from monitoring.auth import CONSOLE, AuthConfig, AuthError, client_address, load_auth_config, shared_client
from monitoring.store import Store
from tests.conftest import actor, refused

T0 = datetime(2026, 3, 2, 8, 0)  # naive UTC, as the Store keeps times
PW = "a-good-password"


class CountingHasher(PasswordHasher):
    """argon2id with tiny parameters that counts its password checks (each takes a little while, as real ones do)."""

    def __init__(self):
        super().__init__(time_cost=1, memory_cost=8, parallelism=1)
        self.checks = 0
        self._lock = threading.Lock()

    def verify(self, hash, password):  # noqa: A002 - argon2's own parameter name
        with self._lock:
            self.checks += 1
        time.sleep(0.02)
        return super().verify(hash, password)


@pytest.fixture
def db(db_url, register):
    s = Store(db_url, hasher=CountingHasher())
    s.register.load(*register, user=CONSOLE)
    for name, role in [("admin", "admin"), ("li", "inspector"), ("mallory", "viewer")]:
        s.accounts.create(name, PW, role, user=CONSOLE)
    for i in range(10):
        s.accounts.create(f"staff{i}", PW, "viewer", user=CONSOLE)
    s.hasher.checks = 0
    yield s
    s.engine.dispose()


def _parallel(db, n, attempt):
    """Run ``attempt(store, i)`` in n threads at once, over 4 stores (as 4 server processes would)."""
    url = db.engine.url.render_as_string(hide_password=False)
    stores = [Store(url, hasher=db.hasher, migrate=False) for _ in range(4)]
    barrier = threading.Barrier(n, timeout=60)
    outcomes = []

    def run(i):
        barrier.wait()
        try:
            attempt(stores[i % len(stores)], i)
            outcomes.append("ok")
        except AuthError as exc:
            outcomes.append(exc.code)
        except Exception as exc:  # noqa: BLE001 - anything else is a failure the assertions show
            outcomes.append(repr(exc))

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for s in stores:
        s.engine.dispose()
    return outcomes


def test_forty_parallel_wrong_passwords_make_at_most_five_checks(db):
    outcomes = _parallel(db, 40, lambda s, i: s.accounts.login("li", "wrong-password", f"198.51.100.{i}", now=T0))
    assert db.hasher.checks <= 5, (db.hasher.checks, outcomes)
    assert outcomes.count("auth.bad_login") == db.hasher.checks >= 1
    assert outcomes.count("auth.locked") == 40 - db.hasher.checks, outcomes
    # Every refusal during the lock is in the audit trail, with the client it came from.
    locked = db.audit.log(action="auth.locked", limit=None)
    assert len(locked) == 40 - db.hasher.checks and set(locked.entity_id) == {"li"}
    with refused("auth.locked"):  # the right password too, from anywhere
        db.accounts.login("li", PW, "192.0.2.1", now=T0 + timedelta(minutes=1))


def test_forty_parallel_guesses_from_one_client_make_at_most_five_checks(db):
    outcomes = _parallel(db, 40, lambda s, i: s.accounts.login(f"staff{i % 10}", "wrong-password", "203.0.113.9"))
    assert db.hasher.checks <= 5 and outcomes.count("auth.bad_login") == db.hasher.checks, outcomes
    assert outcomes.count("auth.locked") == 40 - db.hasher.checks


def test_an_attackers_own_login_does_not_clear_the_count_of_their_client(db):
    attacker = "203.0.113.9"
    outcomes = []
    for i in range(40):
        at = T0 + timedelta(seconds=i)
        try:
            if i % 4 == 3:  # between guesses, the attacker logs into their own account
                db.accounts.login("mallory", PW, attacker, now=at)
            else:
                db.accounts.login(f"staff{i % 10}", "wrong-password", attacker, now=at)
            outcomes.append("ok")
        except AuthError as exc:
            outcomes.append(exc.code)
    assert outcomes.count("auth.bad_login") == 5, outcomes
    assert outcomes[-1] == "auth.locked" and "ok" not in outcomes[outcomes.index("auth.locked") :]
    # No staff account was locked by it (each got at most two of the guesses) ...
    db.accounts.login("staff0", PW, "198.51.100.1", now=T0 + timedelta(minutes=1))
    # ... and the attacker's client is locked for all accounts, their own included.
    with refused("auth.locked"):
        db.accounts.login("mallory", PW, attacker, now=T0 + timedelta(minutes=2))


def test_a_users_own_typos_are_forgiven_by_their_success(db):
    for i in range(4):
        with refused("auth.bad_login"):
            db.accounts.login("li", "wrong-password", "198.51.100.5", now=T0 + timedelta(seconds=i))
    db.accounts.login("li", PW, "198.51.100.5", now=T0 + timedelta(seconds=10))
    for i in range(4):
        with refused("auth.bad_login"):
            db.accounts.login("staff1", "wrong-password", "198.51.100.5", now=T0 + timedelta(seconds=20 + i))


def test_failures_from_loopback_or_a_proxy_lock_the_account_only(db):
    """Six anonymous failures through the proxy (everyone's address) do not shut everyone out."""
    for i in range(6):
        with pytest.raises(AuthError):
            db.accounts.login(f"nobody{i}", "wrong-password", "127.0.0.1", now=T0 + timedelta(seconds=i))
    db.accounts.login("admin", PW, "127.0.0.1", now=T0 + timedelta(seconds=10))
    # Guesses at the admin account itself lock that account (for everyone, for lock_minutes) ...
    for i in range(5):
        with refused("auth.bad_login"):
            db.accounts.login("admin", "wrong-password", "127.0.0.1", now=T0 + timedelta(seconds=20 + i))
    with refused("auth.locked"):
        db.accounts.login("admin", PW, "127.0.0.1", now=T0 + timedelta(seconds=30))
    db.accounts.login("li", PW, "127.0.0.1", now=T0 + timedelta(seconds=31))  # not the other accounts
    # ... which the console (or another administrator) can see and lift at once.
    locks = db.accounts.locks(now=T0 + timedelta(seconds=30))
    assert list(locks) == ["admin"] and locks["admin"] > T0 + timedelta(seconds=30)
    assert db.accounts.locks(now=locks["admin"]) == {}  # it runs out by itself
    assert db.accounts.unlock("admin", user=CONSOLE) is True
    assert db.accounts.locks(now=T0 + timedelta(seconds=30)) == {}
    assert db.accounts.unlock("admin", user=CONSOLE) is False
    db.accounts.login("admin", PW, "127.0.0.1", now=T0 + timedelta(seconds=40))
    unlocks = db.audit.log(action="user.update", limit=None)
    assert sorted(a for a in unlocks["after"] if "login_lock" in a) == [
        '{"login_lock": "lifted"}',
        '{"login_lock": "none"}',
    ]
    with refused("auth.unknown_user"):
        db.accounts.unlock("nobody", user=CONSOLE)


def test_a_password_reset_by_an_administrator_lifts_the_lock(db):
    for i in range(5):
        with refused("auth.bad_login"):
            db.accounts.login("li", "wrong-password", "198.51.100.5", now=T0 + timedelta(seconds=i))
    db.accounts.update("li", user=actor("admin"), password="a-fresh-password")
    db.accounts.login("li", "a-fresh-password", "198.51.100.6", now=T0 + timedelta(minutes=1))


def test_change_password_is_throttled(db):
    token = db.accounts.login("li", PW, "198.51.100.5", now=T0)
    for i in range(5):
        with refused("auth.wrong_current_password"):
            db.accounts.change_password(
                "li", "a-guess-at-it", "brand-new-password", "198.51.100.5", token, now=T0 + timedelta(seconds=i)
            )
    assert db.hasher.checks == 6
    with refused("auth.locked"):  # even the right current password, during the lock
        db.accounts.change_password(
            "li", PW, "brand-new-password", "198.51.100.5", token, now=T0 + timedelta(minutes=1)
        )
    assert db.hasher.checks == 6
    with refused("auth.locked"):  # and logins to the account
        db.accounts.login("li", PW, "198.51.100.9", now=T0 + timedelta(minutes=1))
    failed = db.audit.log(action="auth.failed", limit=None)
    assert len(failed) == 5 and set(failed.entity_id) == {"li"}
    assert len(db.audit.log(action="auth.locked", limit=None)) == 2


def test_own_password_change_ends_other_sessions_and_keeps_this_one(db):
    here = db.accounts.login("li", PW, "198.51.100.5", now=T0)
    phone = db.accounts.login("li", PW, "198.51.100.6", now=T0)
    other = db.accounts.login("staff1", PW, "198.51.100.7", now=T0)
    db.accounts.change_password("li", PW, "brand-new-password", "198.51.100.5", here, now=T0 + timedelta(minutes=1))
    later = T0 + timedelta(minutes=2)
    assert db.accounts.session_user(here, now=later).name == "li"
    assert db.accounts.session_user(phone, now=later) is None
    assert db.accounts.session_user(other, now=later).name == "staff1"  # other accounts untouched
    # A reset by an administrator ends every session of the account, the current one too.
    db.accounts.update("li", user=actor("admin"), password="an-admin-choice")
    assert db.accounts.session_user(here, now=later) is None


def test_a_session_ends_after_seven_days_however_active(db):
    token = db.accounts.login("li", PW, "198.51.100.5", now=T0)
    for hours in range(7, 7 * 24, 7):  # used every 7 hours: never idle
        assert db.accounts.session_user(token, now=T0 + timedelta(hours=hours)) is not None, hours
    assert db.accounts.session_user(token, now=T0 + timedelta(days=7, minutes=1)) is None
    assert db.audit.log(action="auth.lifetime", limit=None).entity_id.tolist() == ["li"]


def test_the_session_lifetime_is_configurable(db):
    db.auth = AuthConfig(session_max_days=1)
    token = db.accounts.login("li", PW, "198.51.100.5", now=T0)
    assert db.accounts.session_user(token, now=T0 + timedelta(hours=7)) is not None
    assert db.accounts.session_user(token, now=T0 + timedelta(hours=14)) is not None
    assert db.accounts.session_user(token, now=T0 + timedelta(hours=24, minutes=1)) is None


def test_the_client_comes_from_the_proxy_header_only_when_configured():
    cfg = load_auth_config({"auth": {"trusted_proxy_header": "X-Forwarded-For", "trusted_proxies": ["10.0.0.0/8"]}})
    xff = ["192.0.2.33, 198.51.100.7"]
    assert client_address("10.1.1.1", xff, cfg) == "198.51.100.7"  # from the proxy
    assert client_address(None, xff, cfg) == "198.51.100.7"  # loopback (Streamlit says None)
    assert client_address("203.0.113.5", xff, cfg) == "203.0.113.5"  # a client sending the header itself
    assert client_address("10.1.1.1", ["192.0.2.33, 10.2.2.2"], cfg) == "192.0.2.33"  # a chain of proxies
    assert client_address(None, xff, load_auth_config({"auth": {}})) == "127.0.0.1"  # not configured
    assert shared_client("10.1.1.1", cfg) and not shared_client("198.51.100.7", cfg)
    for bad in ({"trusted_proxies": ["not-an-ip"]}, {"trusted_proxies": "10.0.0.1"}, {"trusted_proxy_header": "X:Y"}):
        with pytest.raises(ValueError):
            load_auth_config({"auth": bad})


def test_users_unlock_on_the_command_line(tmp_path):
    from tests.monitoring.test_auth import users_cli

    env = {"YEHU_DB": str(tmp_path / "cli.sqlite"), "PATH": "/usr/bin:/bin"}
    assert users_cli(env, "create", "--role", "admin", "boss", stdin="a-long-admin-password\n").returncode == 0
    s = Store(f"sqlite:///{tmp_path / 'cli.sqlite'}")
    for i in range(5):
        with refused("auth.bad_login"):
            s.accounts.login("boss", "wrong-password", "127.0.0.1", now=T0 + timedelta(seconds=i))
    s.engine.dispose()
    done = users_cli(env, "unlock", "boss")
    assert done.returncode == 0 and "已解除 boss 的登录锁定" in done.stdout
    again = users_cli(env, "--lang", "en", "unlock", "boss")
    assert again.returncode == 0 and "boss has no login lock" in again.stdout
    missing = users_cli(env, "--lang", "en", "unlock", "nobody")
    assert missing.returncode == 1 and "There is no such account" in missing.stderr
    s = Store(f"sqlite:///{tmp_path / 'cli.sqlite'}")
    s.accounts.login("boss", "a-long-admin-password", "127.0.0.1", now=T0 + timedelta(minutes=1))
    s.engine.dispose()
