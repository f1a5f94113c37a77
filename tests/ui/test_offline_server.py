"""No outbound connection attempt from the server process, at start or on any page; no deprecated
Streamlit API on any page."""

import json
import logging
import subprocess
import sys

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from tests.browser import log_in, make_account, offline_browser, streamlit_server
from tests.conftest import ROOT
from tests.ui.conftest import login_as

LOOPBACK = {"127.0.0.1", "::1", "localhost", "0.0.0.0", "::"}
PAGES = {
    "map": "地图",
    "samples": "采样",
    "retirement": "退养台账",
    "dashboard": "领导看板",
    "admin": "管理",
    "account": "我的账户",
}


def outbound(log):
    """Attempts recorded by tests/netaudit.py that leave the machine."""
    if not log.exists():
        return []
    rows = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    return [r for r in rows if r[1] not in LOOPBACK and not str(r[1]).startswith("/")]


def test_the_audit_hook_sees_connections(tmp_path):
    """The recorder itself works: a connection the code makes is in the log."""
    log = tmp_path / "net.log"
    code = "import socket\ntry:\n    socket.create_connection(('192.0.2.1', 9), timeout=0.2)\nexcept OSError:\n    pass"
    subprocess.run([sys.executable, "tests/netaudit.py", str(log), "-c", code], cwd=ROOT, check=True)
    assert ["socket.connect", "192.0.2.1", 9] in [json.loads(x) for x in log.read_text().splitlines()]
    assert outbound(log)


@pytest.mark.browser
def test_no_outbound_connection_at_start_or_on_any_page(tmp_path):
    log = tmp_path / "net.log"
    env = make_account(tmp_path / "app.sqlite")
    # No --server.address: started as scripts/run.sh starts it.
    with streamlit_server(env, net_log=log, address=None) as url, offline_browser() as (context, outside):
        page = context.new_page()
        log_in(page, url)
        page.locator(".yehu-map path.leaflet-interactive").first.wait_for(timeout=60_000)
        for path, title in PAGES.items():
            page.goto(f"{url}/{path}")
            page.get_by_role("heading", name=title).first.wait_for(timeout=60_000)
            page.wait_for_timeout(500)
        assert outside == []
    assert outbound(log) == []


@pytest.fixture
def deprecations():
    """Every Streamlit deprecation warning (logged or raised) fails the test."""
    seen = []

    class Catch(logging.Handler):
        def emit(self, record):
            seen.append(record.getMessage())

    handler = Catch(level=logging.WARNING)
    logger = logging.getLogger("streamlit.deprecation_util")
    logger.addHandler(handler)
    yield seen
    logger.removeHandler(handler)


@pytest.mark.filterwarnings("error::DeprecationWarning:streamlit.*")
def test_no_deprecated_streamlit_api_on_any_page(tmp_path, monkeypatch, deprecations):
    monkeypatch.setenv("YEHU_DB", str(tmp_path / "ui.sqlite"))
    st.cache_resource.clear()
    st.cache_data.clear()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90).run()
    # The login writes the session cookie (the page script), then every page is shown.
    at.text_input(key="login_user").set_value("u")
    at = login_as(at)
    at.session_state["_cookie"] = "A" * 43
    at.run()
    for script in ("map", "samples", "retirement", "dashboard", "admin", "account"):
        at.switch_page(f"ui/pages/{script}.py").run()
        assert not at.exception, script
    assert deprecations == []
    st.cache_resource.clear()
    st.cache_data.clear()
