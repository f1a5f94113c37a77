"""Real parts for browser tests: a `streamlit run` server and Debian Chromium via Playwright."""

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from urllib.parse import urlparse

from tests.conftest import ROOT, require

CHROMIUM = "/usr/bin/chromium"
LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def streamlit_server(env_extra=None, timeout=60, net_log=None, address="127.0.0.1"):
    """`streamlit run app.py` on a free port; with ``net_log``, every outbound network attempt of
    the server process is appended to that file (``tests/netaudit.py``). ``address=None`` leaves
    the listening address to the configuration, as ``scripts/run.sh`` does."""
    port = free_port()
    env = {**os.environ, **(env_extra or {})}
    launcher = [sys.executable, "tests/netaudit.py", str(net_log)] if net_log else [sys.executable]
    cmd = [*launcher, "-m", "streamlit", "run", "app.py", "--server.port", str(port)]
    cmd += ["--server.headless", "true", *(["--server.address", address] if address else [])]
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + timeout
        while time.time() < deadline:
            try:
                if urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).status == 200:
                    break
            except OSError:
                time.sleep(0.3)
            if proc.poll() is not None:
                raise RuntimeError(f"streamlit exited: {proc.stdout.read()}")
        else:
            raise RuntimeError("streamlit did not start in time")
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()


@contextmanager
def offline_browser(**context_options):
    """Chromium with every request to a non-loopback host blocked; yields (context, outside_requests).

    ``context_options`` go to ``new_context`` (e.g. a phone's viewport, ``is_mobile``, ``has_touch``).
    """
    require(shutil.which("chromium") is not None or os.path.exists(CHROMIUM), "Debian chromium is not installed")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - requirements-dev installs it
        require(False, "playwright is not installed")
    outside: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        options = {"viewport": {"width": 1500, "height": 1100}, "locale": "zh-CN", **context_options}
        context = browser.new_context(**options)

        def guard(route):
            host = urlparse(route.request.url).hostname or ""
            if route.request.url.startswith(("data:", "blob:")) or host in LOOPBACK:
                route.continue_()
            else:
                outside.append(route.request.url)
                route.abort()

        context.route("**/*", guard)
        try:
            yield context, outside
        finally:
            context.close()
            browser.close()


def map_frame(page, timeout=30_000):
    """The map (embedded in the page, no iframe), once Leaflet has drawn into it."""
    box = page.locator(".yehu-map")
    box.locator(".leaflet-container").wait_for(timeout=timeout)
    box.locator("path.leaflet-interactive").first.wait_for(timeout=timeout)
    return box


BROWSER_USER, BROWSER_PASSWORD = "browser-admin", "browser-password-1"


def make_account(db_path, name=BROWSER_USER, password=BROWSER_PASSWORD, role="admin") -> dict:
    """Create an account in the SQLite file a server will use; returns the env for `streamlit_server`."""
    from monitoring.auth import CONSOLE
    from monitoring.store import Store
    from tests.conftest import CHEAP_HASHER

    store = Store(f"sqlite:///{db_path}", hasher=CHEAP_HASHER)
    if name not in set(store.accounts.list_users().username):
        store.accounts.create(name, password, role, user=CONSOLE)
    store.engine.dispose()
    return {"YEHU_DB": str(db_path)}


def log_in(page, url, name=BROWSER_USER, password=BROWSER_PASSWORD):
    """Fill the login form of a fresh page and submit it."""
    page.goto(url)
    page.get_by_label("用户名").fill(name)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
