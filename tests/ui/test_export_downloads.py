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
