"""Accounts, login throttling, session expiry, logout and the audit trail's immutability."""

import subprocess
import sys
from datetime import datetime, timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from monitoring.auth import CONSOLE, AuthError, PermissionDenied
from monitoring.samples import TZ, ParsedValue, SampleInput
from tests.conftest import ROOT

T0 = datetime(2026, 3, 2, 8, 0)  # naive UTC, as the Store keeps times
PW = "a-good-password"


@pytest.fixture
def accounts(store):
    store.create_user("li", PW, "inspector", user=CONSOLE)
    store.create_user("zhao", PW, "viewer", user=CONSOLE)
    return store


def test_passwords_are_hashed_and_rules_apply(accounts):
    with accounts.engine.connect() as conn:
        stored = conn.execute(text("SELECT password_hash FROM users WHERE username = 'li'")).scalar()
    assert stored.startswith("$argon2id$") and PW not in stored
    for bad, code in [("short", "weak_password"), ("aaaaaaaaaaaa", "weak_password"), ("new-person", "weak_password")]:
        with pytest.raises(AuthError) as e:
            accounts.create_user("new-person", bad, "viewer", user=CONSOLE)
        assert e.value.code == code
    with pytest.raises(AuthError, match="taken"):
        accounts.create_user("LI", PW, "viewer", user=CONSOLE)
    with pytest.raises(AuthError, match="reserved"):
        accounts.create_user("console", PW, "admin", user=CONSOLE)
    with pytest.raises(AuthError, match="role"):
        accounts.create_user("someone", PW, "superuser", user=CONSOLE)
    assert "password_hash" not in accounts.users().columns


def test_login_and_session(accounts):
    token = accounts.login("li", PW, "10.0.0.5", now=T0)
    who = accounts.session_user(token, now=T0 + timedelta(minutes=5))
    assert who.name == "li" and who.role == "inspector"
    assert accounts.session_user("not-a-token", now=T0) is None
    with accounts.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM sessions WHERE token_hash = :t"), {"t": token}).scalar() == 0


def test_wrong_password_and_unknown_account_look_the_same(accounts):
    with pytest.raises(AuthError) as a:
        accounts.login("li", "wrong-password", "c1", now=T0)
    with pytest.raises(AuthError) as b:
        accounts.login("nobody", "wrong-password", "c2", now=T0)
    assert str(a.value) == str(b.value) == "wrong username or password"
    log = accounts.audit_log(action="auth.failed")
    assert sorted(log.entity_id) == ["li", "nobody"]


def test_five_failures_lock_the_account_for_fifteen_minutes(accounts):
    for i in range(5):
        with pytest.raises(AuthError, match="wrong"):
            accounts.login("li", "wrong-password", f"client-{i}", now=T0 + timedelta(seconds=i))
    # Locked, even with the right password and from a new client.
    with pytest.raises(AuthError) as e:
        accounts.login("li", PW, "client-new", now=T0 + timedelta(minutes=10))
    assert e.value.code == "locked" and "try again in 6 min" in str(e.value)
    # Other accounts are not affected.
    accounts.login("zhao", PW, "client-other", now=T0 + timedelta(minutes=10))
    # After 15 minutes from the fifth failure the right password works again.
    token = accounts.login("li", PW, "client-new", now=T0 + timedelta(minutes=15, seconds=5))
    assert accounts.session_user(token, now=T0 + timedelta(minutes=16)).name == "li"


def test_four_failures_then_a_success_reset_the_count(accounts):
    for i in range(4):
        with pytest.raises(AuthError):
            accounts.login("li", "wrong-password", "c", now=T0 + timedelta(seconds=i))
    accounts.login("li", PW, "c", now=T0 + timedelta(seconds=10))
    for i in range(4):
        with pytest.raises(AuthError, match="wrong"):
            accounts.login("li", "wrong-password", "c", now=T0 + timedelta(seconds=20 + i))


def test_five_failures_from_one_client_lock_that_client(accounts):
    for i in range(5):
        with pytest.raises(AuthError, match="wrong"):
            accounts.login(f"guess{i}", "wrong-password", "203.0.113.9", now=T0 + timedelta(seconds=i))
    with pytest.raises(AuthError) as e:
        accounts.login("zhao", PW, "203.0.113.9", now=T0 + timedelta(minutes=1))
    assert e.value.code == "locked"
    accounts.login("zhao", PW, "198.51.100.1", now=T0 + timedelta(minutes=1))  # another client is fine
    accounts.login("zhao", PW, "203.0.113.9", now=T0 + timedelta(minutes=16))


def test_session_expires_after_eight_idle_hours(accounts):
    token = accounts.login("li", PW, "c", now=T0)
    assert accounts.session_user(token, now=T0 + timedelta(hours=7)) is not None
    # Activity at 7 h moved the idle clock: 14 h after login is 7 h idle.
    assert accounts.session_user(token, now=T0 + timedelta(hours=14)) is not None
    assert accounts.session_user(token, now=T0 + timedelta(hours=22, minutes=1)) is None
    assert accounts.session_user(token, now=T0 + timedelta(hours=22, minutes=2)) is None  # stays ended
    assert accounts.audit_log(action="auth.expired").entity_id.tolist() == ["li"]


def test_logout_ends_the_session(accounts):
    token = accounts.login("li", PW, "c", now=T0)
    accounts.logout(token, now=T0 + timedelta(minutes=1))
    assert accounts.session_user(token, now=T0 + timedelta(minutes=2)) is None
    accounts.logout(token)  # twice is harmless
    assert len(accounts.audit_log(action="auth.logout")) == 1


def test_disabling_or_resetting_ends_sessions_and_refuses_writes(accounts):
    token = accounts.login("li", PW, "c")
    accounts.update_user("li", user="u", active=False)
    assert accounts.session_user(token) is None
    with pytest.raises(PermissionDenied, match="disabled"):
        accounts.add_sample(SampleInput("1", datetime(2022, 4, 12, 9, tzinfo=TZ), ParsedValue(0.1, False, None)), "li")
    with pytest.raises(AuthError, match="wrong"):
        accounts.login("li", PW, "c")
    accounts.update_user("li", user="u", active=True)
    token = accounts.login("li", PW, "c")
    accounts.update_user("li", user="u", password="another-password")
    assert accounts.session_user(token) is None
    accounts.login("li", "another-password", "c")


def test_role_changes_apply_at_once(accounts):
    sample = SampleInput("1", datetime(2022, 4, 12, 9, tzinfo=TZ), ParsedValue(0.1, False, None))
    with pytest.raises(PermissionDenied):
        accounts.add_sample(sample, "zhao")
    accounts.update_user("zhao", user="u", role="inspector")
    accounts.add_sample(sample, "zhao")


def test_admin_cannot_lock_themself_out(accounts):
    with pytest.raises(AuthError, match="own account"):
        accounts.update_user("u", user="u", active=False)
    with pytest.raises(AuthError, match="own account"):
        accounts.update_user("u", user="u", role="viewer")


def test_change_own_password(accounts):
    with pytest.raises(AuthError, match="current password"):
        accounts.change_password("li", "not-it-at-all", "brand-new-password")
    accounts.change_password("li", PW, "brand-new-password")
    accounts.login("li", "brand-new-password", "c")
    row = accounts.audit_log(action="user.password").iloc[0]
    assert row.actor == "li" and "brand-new" not in (row.after or "")


def test_audit_rows_cannot_be_changed_or_deleted(accounts):
    accounts.add_sample(SampleInput("1", datetime(2022, 4, 12, 9, tzinfo=TZ), ParsedValue(0.1, False, None)), "li")
    n = accounts.count_audit()
    for sql in ("UPDATE audit SET actor = 'someone else'", "DELETE FROM audit"):
        with pytest.raises(DBAPIError, match="never changed"):
            with accounts.engine.begin() as conn:
                conn.execute(text(sql))
    assert accounts.count_audit() == n
    assert set(accounts.audit_log().actor) >= {"li", "console"}


def test_no_password_hash_in_the_audit_trail(accounts):
    accounts.update_user("li", user="u", password="another-password")
    joined = " ".join(accounts.audit_log(entity="user").fillna("").astype(str).to_numpy().ravel())
    assert "$argon2" not in joined and "another-password" not in joined and PW not in joined


def users_cli(env, *args, stdin=""):
    """`python -m monitoring users ...` with standard input from a pipe (not a terminal)."""
    return subprocess.run(
        [sys.executable, "-m", "monitoring", "users", *args],
        cwd=ROOT,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_users_command_reads_the_password_from_stdin(tmp_path):
    env = {"YEHU_DB": str(tmp_path / "cli.sqlite"), "PATH": "/usr/bin:/bin"}

    def run(*args, stdin=""):
        return users_cli(env, *args, stdin=stdin)

    weak = run("create", "--role", "admin", "boss", "--lang", "en", stdin="short\n")
    assert weak.returncode == 1 and "at least 10" in weak.stderr
    ok = run("create", "--role", "admin", "boss", stdin="a-long-admin-password\n")
    assert ok.returncode == 0 and "已创建管理员账号 boss" in ok.stdout
    listed = run("list", "--lang", "en")
    assert "boss" in listed.stdout and "administrator" in listed.stdout and "Username" in listed.stdout
    assert "用户名" in run("list").stdout
    assert run("disable", "boss").returncode == 1  # the only administrator stays
    assert run("create", "--role", "admin", "deputy", stdin="another-admin-password\n").returncode == 0
    disabled = run("disable", "boss")
    assert disabled.returncode == 0 and "已停用 boss" in disabled.stdout
    from monitoring.store import Store

    s = Store(f"sqlite:///{tmp_path / 'cli.sqlite'}")
    assert not bool(s.users().set_index("username").loc["boss", "active"])
    created = s.audit_log(action="user.create").set_index("entity_id").loc["boss"]
    assert created.actor.startswith("console:")


def test_first_start_asks_for_the_first_administrator(tmp_path):
    """`run.sh` runs `users ensure-admin`: on a terminal it asks; without one it only says how."""
    import os
    import pty
    import time

    db = tmp_path / "first.sqlite"
    env = {"YEHU_DB": str(db), "PATH": "/usr/bin:/bin"}
    quiet = users_cli(env, "ensure-admin")
    assert quiet.returncode == 0 and "还没有任何账号" in quiet.stderr and "users create --role admin" in quiet.stderr
    quiet = users_cli(env, "ensure-admin", "--lang", "en")
    assert quiet.returncode == 0 and "No accounts yet" in quiet.stderr

    pid, fd = pty.fork()
    if pid == 0:  # the child: a terminal session, as when someone runs scripts/run.sh
        os.chdir(ROOT)
        os.execve(sys.executable, [sys.executable, "-m", "monitoring", "--lang", "en", "users", "ensure-admin"], env)
    out = b""

    def wait_for(token):
        nonlocal out
        end = time.time() + 60
        while token not in out and time.time() < end:
            try:
                out += os.read(fd, 1024)
            except OSError:
                break
        assert token in out, out

    wait_for(b"name")
    os.write(fd, b"boss\n")
    for prompt in (b"password:", b"again:"):
        wait_for(prompt)
        time.sleep(0.3)  # getpass flushes typed-ahead input when it turns echo off
        os.write(fd, b"first-admin-password\n")
    wait_for(b"Created administrator boss")
    os.waitpid(pid, 0)
    from monitoring.store import Store

    s = Store(f"sqlite:///{db}")
    assert s.users().set_index("username").loc["boss", "role"] == "admin"
    s.login("boss", "first-admin-password", "t")
    again = users_cli(env, "ensure-admin")
    assert again.returncode == 0 and again.stderr == "" and again.stdout == ""
