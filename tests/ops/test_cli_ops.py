"""The console as an operator meets it: the last administrator kept, clear week messages, quiet pipes."""

import subprocess
import sys
from datetime import datetime, timedelta

import pytest

from i18n import t
from monitoring.samples import TZ
from tests.conftest import ROOT


@pytest.fixture
def cli(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "YEHU_DB": str(tmp_path / "a.sqlite"), "YEHU_SECRETS": str(tmp_path / "none")}

    def run(*args, stdin=None):
        return subprocess.run(
            [sys.executable, "-m", "monitoring", *args],
            cwd=ROOT,
            env=env,
            input=stdin,
            capture_output=True,
            text=True,
            timeout=300,
        )

    run.env = env
    return run


def test_last_admin_cannot_be_disabled_or_demoted(cli):
    assert cli("users", "create", "--role", "admin", "boss", stdin="boss-password-1\n").returncode == 0
    for args in (["users", "disable", "boss"], ["users", "set-role", "boss", "--role", "viewer"]):
        for lang in ("zh", "en"):
            res = cli("--lang", lang, *args)
            assert res.returncode == 1, res.stdout
            assert t("error.users.last_admin", lang, name="boss") in res.stderr
    listed = cli("--lang", "en", "users", "list").stdout
    assert "boss" in listed and "admin" in listed.lower()
    # With a second enabled administrator, either may go.
    assert cli("users", "create", "--role", "admin", "deputy", stdin="deputy-password-1\n").returncode == 0
    assert cli("users", "set-role", "boss", "--role", "viewer").returncode == 0
    assert cli("users", "disable", "deputy").returncode == 1  # now the last one
    assert cli("users", "enable", "deputy").returncode == 0
    # A disabled administrator does not count.
    assert cli("users", "set-role", "boss", "--role", "admin").returncode == 0
    assert cli("users", "disable", "boss").returncode == 0
    assert cli("users", "disable", "deputy").returncode == 1


def test_empty_user_list_is_a_sentence(cli):
    for lang in ("zh", "en"):
        res = cli("--lang", lang, "users", "list")
        assert res.returncode == 0 and res.stdout.strip() == t("cli.users.none", lang)
        assert "DataFrame" not in res.stdout


def test_second_demo_data_says_already_loaded(cli):
    assert cli("demo-data").returncode == 0
    res = cli("--lang", "en", "demo-data")
    assert res.returncode == 0 and res.stdout.strip() == t("cli.demo.already", "en")


@pytest.mark.parametrize("week", ["2022-W99", "2022-W00", "2022-15", "W15", "2021-W53"])
def test_malformed_week(cli, week):
    for lang in ("zh", "en"):
        res = cli("--lang", lang, "weekly", "--week", week)
        assert res.returncode != 0 and "Traceback" not in res.stderr
        assert t("error.week.format", lang) in res.stderr and week in res.stderr


def test_future_week_is_not_yet(cli):
    y, w, _ = (datetime.now(TZ) + timedelta(days=14)).isocalendar()
    week = f"{y}-W{w:02d}"
    res = cli("--lang", "en", "weekly", "--week", week)
    assert res.returncode != 0 and "has not begun yet" in res.stderr and "not sampled" not in res.stdout


def test_table_has_no_nan_and_a_closed_pipe_ends_quietly(cli):
    assert cli("demo-data").returncode == 0
    full = cli("--lang", "en", "weekly", "--week", "2022-W15")
    assert full.returncode == 0 and "NaN" not in full.stdout and "nan" not in full.stdout
    cmd = f"{sys.executable} -m monitoring weekly --week 2022-W15 | head -n 1"
    res = subprocess.run(["bash", "-c", cmd], cwd=ROOT, env=cli.env, capture_output=True, text=True, timeout=300)
    assert res.returncode == 0 and res.stderr == "" and len(res.stdout.splitlines()) == 1
