"""The service as installed: the unit written by scripts/install-service.sh, its command line run for real."""

import re
import shlex
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import ROOT, require


def free_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def unit_settings(path: Path) -> dict[str, list[str]]:
    """Every ``Key=value`` of a unit file, by key (a key may repeat)."""
    out: dict[str, list[str]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith(("#", ";", "[")):
            key, _, value = line.partition("=")
            out.setdefault(key, []).append(value)
    return out


def service_environment(unit: dict, envfile: Path) -> dict[str, str]:
    """Environment= then EnvironmentFile=, as systemd applies them."""
    env: dict[str, str] = {}
    for value in unit.get("Environment", []):
        for item in shlex.split(value):
            k, _, v = item.partition("=")
            env[k] = v
    for line in envfile.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            k, _, v = line.partition("=")
            env[k.strip()] = v.strip()
    return env


def expand(command: str, env: dict) -> list[str]:
    """systemd's ``${VAR}`` expansion, then its word splitting."""
    for k, v in env.items():
        command = command.replace("${" + k + "}", v)
    assert "${" not in command, command
    return shlex.split(command)


def get(url: str, timeout: float = 2.0) -> tuple[int, bytes]:
    with urllib.request.urlopen(url, timeout=timeout) as r:
        return r.status, r.read()


def non_loopback_address() -> str | None:
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.connect(("192.0.2.1", 9))  # no packet is sent for UDP connect
            addr = s.getsockname()[0]
    except OSError:
        return None
    return None if addr.startswith("127.") else addr


@pytest.fixture
def installed(tmp_path):
    port = free_port()
    dest = tmp_path / "root"
    user = subprocess.run(["id", "-un"], capture_output=True, text=True, check=True).stdout.strip()
    res = subprocess.run(
        ["bash", "scripts/install-service.sh", "--dest", str(dest), "--user", user, "--port", str(port)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert res.returncode == 0, res.stderr
    return dest, port, user


def test_unit_files_are_valid_systemd_units(installed):
    dest, _, _ = installed
    units = dest / "etc/systemd/system"
    require(shutil.which("systemd-analyze") is not None, "systemd-analyze is missing (Debian package systemd)")
    names = ["yehu-monitor.service", "yehu-monitor-backup.service", "yehu-monitor-backup.timer"]
    res = subprocess.run(
        ["systemd-analyze", "verify", *(str(units / n) for n in names)], capture_output=True, text=True, timeout=120
    )
    assert res.returncode == 0, res.stderr
    assert "@ROOT@" not in "".join((units / n).read_text() for n in names)
    envfile = dest / "etc/yehu/env"
    assert oct(envfile.stat().st_mode & 0o777) == "0o600"  # it may hold a password


def test_service_command_line_starts_and_is_healthy_on_loopback_only(installed, tmp_path):
    dest, port, user = installed
    unit = unit_settings(dest / "etc/systemd/system/yehu-monitor.service")
    env = service_environment(unit, dest / "etc/yehu/env")
    assert env["YEHU_ADDRESS"] == "127.0.0.1" and env["YEHU_PORT"] == str(port)
    assert unit["User"] == [user] and unit["Restart"] == ["on-failure"]
    cwd = unit["WorkingDirectory"][0]
    assert Path(cwd) == ROOT
    run_env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path),
        "LANG": "C.UTF-8",
        "YEHU_DB": str(tmp_path / "service.sqlite"),
        "YEHU_SECRETS": str(tmp_path / "none.toml"),
        **env,
    }
    pre = subprocess.run(expand(unit["ExecStartPre"][0], env), cwd=cwd, env=run_env, capture_output=True, text=True)
    assert pre.returncode == 0 and re.search(r"\b\d{4}_\w+", pre.stdout), pre.stderr
    log = (tmp_path / "journal.txt").open("w")
    proc = subprocess.Popen(expand(unit["ExecStart"][0], env), cwd=cwd, env=run_env, stdout=log, stderr=log)
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                status, body = get(f"http://127.0.0.1:{port}/_stcore/health")
                break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                assert proc.poll() is None, (tmp_path / "journal.txt").read_text()
                assert time.monotonic() < deadline, "no health answer within 90 s"
                time.sleep(0.5)
        assert (status, body) == (200, b"ok")
        status, page = get(f"http://127.0.0.1:{port}/")
        assert status == 200 and b"<html" in page.lower()
        other = non_loopback_address()
        if other:  # the configured address is loopback: nothing answers on the machine's other address
            with pytest.raises((urllib.error.URLError, ConnectionError, TimeoutError)):
                get(f"http://{other}:{port}/_stcore/health")
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        log.close()
    # Logs go to standard output/error, which systemd sends to the journal.
    assert f"127.0.0.1:{port}" in (tmp_path / "journal.txt").read_text()


def test_service_stops_with_one_line_when_the_database_is_unreachable(installed, tmp_path):
    dest, _, _ = installed
    unit = unit_settings(dest / "etc/systemd/system/yehu-monitor.service")
    env = service_environment(unit, dest / "etc/yehu/env")
    env["DATABASE_URL"] = f"postgresql://yehu@127.0.0.1:{free_port()}/yehu"
    run_env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "YEHU_SECRETS": str(tmp_path / "none.toml"), **env}
    pre = subprocess.run(
        expand(unit["ExecStartPre"][0], env),
        cwd=unit["WorkingDirectory"][0],
        env=run_env,
        capture_output=True,
        text=True,
    )
    assert pre.returncode == 1 and len(pre.stderr.strip().splitlines()) == 1, pre.stderr


def test_default_address_is_loopback():
    import tomllib

    config = tomllib.loads((ROOT / ".streamlit/config.toml").read_text(encoding="utf-8"))
    assert config["server"]["address"] == "127.0.0.1"
