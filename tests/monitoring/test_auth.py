"""Accounts, login throttling, session expiry, logout and the audit trail's immutability."""

import subprocess
import sys
from datetime import datetime, timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from monitoring.auth import CONSOLE, AuthError, PermissionDenied
from monitoring.samples import TZ, ParsedValue, SampleInput
from tests.conftest import ROOT, actor, refused

T0 = datetime(2026, 3, 2, 8, 0)  # naive UTC, as the Store keeps times
PW = "a-good-password"


@pytest.fixture
def db(store):
    store.accounts.create("li", PW, "inspector", user=CONSOLE)
    store.accounts.create("zhao", PW, "viewer", user=CONSOLE)
    return store


def test_passwords_are_hashed_and_rules_apply(db):
    with db.engine.connect() as conn:
        stored = conn.execute(text("SELECT password_hash FROM users WHERE username = 'li'")).scalar()
    assert stored.startswith("$argon2id$") and PW not in stored
    for bad, code in [("short", "auth.weak_password.short"), ("aaaaaaaaaaaa", "auth.weak_password.repetitive"),
                      ("new-person", "auth.weak_password.username")]:  # fmt: skip
        with pytest.raises(AuthError) as e:
            db.accounts.create("new-person", bad, "viewer", user=CONSOLE)
        assert e.value.code == code
    with refused("auth.taken"):
        db.accounts.create("LI", PW, "viewer", user=CONSOLE)
    with refused("auth.reserved_username"):
        db.accounts.create("console", PW, "admin", user=CONSOLE)
    with refused("auth.bad_role"):
        db.accounts.create("someone", PW, "superuser", user=CONSOLE)
    assert "password_hash" not in db.accounts.list_users().columns


def test_login_and_session(db):
    token = db.accounts.login("li", PW, "10.0.0.5", now=T0)
    who = db.accounts.session_user(token, now=T0 + timedelta(minutes=5))
    assert who.name == "li" and who.role == "inspector"
    assert db.accounts.session_user("not-a-token", now=T0) is None
    with db.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM sessions WHERE token_hash = :t"), {"t": token}).scalar() == 0


def test_wrong_password_and_unknown_account_look_the_same(db):
    with pytest.raises(AuthError) as a:
        db.accounts.login("li", "wrong-password", "c1", now=T0)
    with pytest.raises(AuthError) as b:
        db.accounts.login("nobody", "wrong-password", "c2", now=T0)
    assert a.value.code == b.value.code == "auth.bad_login"
    assert a.value.message("zh") == b.value.message("zh") == "用户名或密码错误。"
    log = db.audit.log(action="auth.failed")
    assert sorted(log.entity_id) == ["li", "nobody"]


def test_five_failures_lock_the_account_for_fifteen_minutes(db):
    for i in range(5):
        with refused("auth.bad_login"):
            db.accounts.login("li", "wrong-password", f"client-{i}", now=T0 + timedelta(seconds=i))
    # Locked, even with the right password and from a new client.
    with pytest.raises(AuthError) as e:
        db.accounts.login("li", PW, "client-new", now=T0 + timedelta(minutes=10))
    assert e.value.code == "auth.locked" and e.value.minutes == 6
    assert "6 分钟" in e.value.message("zh") and "6 minutes" in e.value.message("en")
    # Other accounts are not affected.
    db.accounts.login("zhao", PW, "client-other", now=T0 + timedelta(minutes=10))
    # After 15 minutes from the fifth failure the right password works again.
    token = db.accounts.login("li", PW, "client-new", now=T0 + timedelta(minutes=15, seconds=5))
    assert db.accounts.session_user(token, now=T0 + timedelta(minutes=16)).name == "li"


def test_four_failures_then_a_success_reset_the_count(db):
    for i in range(4):
        with pytest.raises(AuthError):
            db.accounts.login("li", "wrong-password", "c", now=T0 + timedelta(seconds=i))
    db.accounts.login("li", PW, "c", now=T0 + timedelta(seconds=10))
    for i in range(4):
        with refused("auth.bad_login"):
            db.accounts.login("li", "wrong-password", "c", now=T0 + timedelta(seconds=20 + i))


def test_five_failures_from_one_client_lock_that_client(db):
    for i in range(5):
        with refused("auth.bad_login"):
            db.accounts.login(f"guess{i}", "wrong-password", "203.0.113.9", now=T0 + timedelta(seconds=i))
    with pytest.raises(AuthError) as e:
        db.accounts.login("zhao", PW, "203.0.113.9", now=T0 + timedelta(minutes=1))
    assert e.value.code == "auth.locked"
    db.accounts.login("zhao", PW, "198.51.100.1", now=T0 + timedelta(minutes=1))  # another client is fine
    db.accounts.login("zhao", PW, "203.0.113.9", now=T0 + timedelta(minutes=16))


def test_session_expires_after_eight_idle_hours(db):
    token = db.accounts.login("li", PW, "c", now=T0)
    assert db.accounts.session_user(token, now=T0 + timedelta(hours=7)) is not None
    # Activity at 7 h moved the idle clock: 14 h after login is 7 h idle.
    assert db.accounts.session_user(token, now=T0 + timedelta(hours=14)) is not None
    assert db.accounts.session_user(token, now=T0 + timedelta(hours=22, minutes=1)) is None
    assert db.accounts.session_user(token, now=T0 + timedelta(hours=22, minutes=2)) is None  # stays ended
    assert db.audit.log(action="auth.expired").entity_id.tolist() == ["li"]


def test_logout_ends_the_session(db):
    token = db.accounts.login("li", PW, "c", now=T0)
    db.accounts.logout(token, now=T0 + timedelta(minutes=1))
    assert db.accounts.session_user(token, now=T0 + timedelta(minutes=2)) is None
    db.accounts.logout(token)  # twice is harmless
    assert len(db.audit.log(action="auth.logout")) == 1


def test_disabling_or_resetting_ends_sessions_and_refuses_writes(db):
    token = db.accounts.login("li", PW, "c")
    db.accounts.update("li", user=actor("u"), active=False)
    assert db.accounts.session_user(token) is None
    with refused("permission.disabled"):
        db.samples.add(
            SampleInput("1", datetime(2022, 4, 12, 9, tzinfo=TZ), ParsedValue(0.1, False, None)), user=actor("li")
        )
    with refused("auth.bad_login"):
        db.accounts.login("li", PW, "c")
    db.accounts.update("li", user=actor("u"), active=True)
    token = db.accounts.login("li", PW, "c")
    db.accounts.update("li", user=actor("u"), password="another-password")
    assert db.accounts.session_user(token) is None
    db.accounts.login("li", "another-password", "c")


def test_role_changes_apply_at_once(db):
    sample = SampleInput("1", datetime(2022, 4, 12, 9, tzinfo=TZ), ParsedValue(0.1, False, None))
    with pytest.raises(PermissionDenied):
        db.samples.add(sample, user=actor("zhao"))
    db.accounts.update("zhao", user=actor("u"), role="inspector")
    db.samples.add(sample, user=actor("zhao"))


def test_admin_cannot_lock_themself_out(db):
    with refused("auth.self_lockout"):
        db.accounts.update("u", user=actor("u"), active=False)
    with refused("auth.self_lockout"):
        db.accounts.update("u", user=actor("u"), role="viewer")


def test_change_own_password(db):
    with refused("auth.wrong_current_password"):
        db.accounts.change_password("li", "not-it-at-all", "brand-new-password")
    db.accounts.change_password("li", PW, "brand-new-password")
    db.accounts.login("li", "brand-new-password", "c")
    row = db.audit.log(action="user.password").iloc[0]
    assert row.actor == "li" and "brand-new" not in (row.after or "")


def test_audit_rows_cannot_be_changed_or_deleted(db):
    db.samples.add(
        SampleInput("1", datetime(2022, 4, 12, 9, tzinfo=TZ), ParsedValue(0.1, False, None)), user=actor("li")
    )
    n = db.audit.count()
    for sql in ("UPDATE audit SET actor = 'someone else'", "DELETE FROM audit"):
        with pytest.raises(DBAPIError, match="never changed"):
            with db.engine.begin() as conn:
                conn.execute(text(sql))
    assert db.audit.count() == n
    assert set(db.audit.log().actor) >= {"li", "console"}


def test_no_password_hash_in_the_audit_trail(db):
    db.accounts.update("li", user=actor("u"), password="another-password")
    joined = " ".join(db.audit.log(entity="user").fillna("").astype(str).to_numpy().ravel())
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
    assert not bool(s.accounts.list_users().set_index("username").loc["boss", "active"])
    created = s.audit.log(action="user.create").set_index("entity_id").loc["boss"]
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
    assert s.accounts.list_users().set_index("username").loc["boss", "role"] == "admin"
    s.accounts.login("boss", "first-admin-password", "t")
    again = users_cli(env, "ensure-admin")
    assert again.returncode == 0 and again.stderr == "" and again.stdout == ""
