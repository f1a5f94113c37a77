"""Downloads as a user gets them: the bytes a download button hands over, read back with real readers."""

import csv
import io

import pytest
from streamlit.runtime.media_file_manager import MediaFileManager

from tests.ui.conftest import login_as

PAYLOAD = '=HYPERLINK("http://example.invalid/x","y")'


@pytest.fixture
def downloads(monkeypatch):
    """Every file a download button registers in this test: {file name: bytes}."""
    got = {}
    real_add = MediaFileManager.add

    def add(self, path_or_data, mimetype, coordinates, file_name=None, is_for_static_download=False):
        if file_name and isinstance(path_or_data, bytes):
            got[file_name] = path_or_data
        return real_add(self, path_or_data, mimetype, coordinates, file_name, is_for_static_download)

    monkeypatch.setattr(MediaFileManager, "add", add)
    return got


def test_login_name_typed_on_the_login_page_lands_escaped_in_the_audit_csv(anonymous_app, downloads):
    at = anonymous_app
    at.text_input(key="login_user").set_value(PAYLOAD)
    at.text_input(key="login_password").set_value("wrong-password")
    at.button[0].click().run()
    assert at.error  # refused
    at = login_as(at, "u")
    at.switch_page("ui/pages/admin.py").run()
    assert not at.exception
    data = downloads["yehu-audit.csv"]
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    cells = [c for r in rows[1:] for c in r]
    assert "'" + PAYLOAD in cells
    assert not any(c.startswith(("=", "+", "-", "@", "\t", "\r")) for c in cells)


def test_dashboard_groups_overdue_items_and_offers_the_weekly_report(fresh_app):
    at = fresh_app
    at.switch_page("ui/pages/dashboard.py").run()
    assert not at.exception
    labels = [e.label for e in at.expander]
    groups = [lb for lb in labels if "个鱼池（最长逾期" in lb]
    assert any(lb.startswith("解除承包经营合同 · 江南镇：12 个鱼池") for lb in groups)
    assert any(lb.startswith("解除承包经营合同 · 聂市镇：5 个鱼池") for lb in groups)
    assert sum(int(lb.split("：")[1].split(" ")[0]) for lb in groups) == int(at.metric[2].value)
    assert len(at.button) < 70  # the 51 ponds sit inside their groups, one button each, not 51 lines of text
    assert at.selectbox(key="report_week").value
    assert any("周报" in b.label for b in at.get("download_button"))
    assert any("水质趋势" in s.value for s in at.subheader)
