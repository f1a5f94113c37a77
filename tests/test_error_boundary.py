"""The error boundary: no traceback, SQL or server path reaches a page or a command line."""

import os
import re
import sqlite3
import subprocess
import sys

import pytest
import streamlit as st

from tests.conftest import ROOT

LEAKS = re.compile(r"Traceback|File \"|SELECT |INSERT |sqlite3?\.|psycopg|/tmp/|/work/|/root/|site-packages|Error:")

INPUTS = {
    "empty": b"",
    "ragged": b'site,sampled_at,parameter,value\n1,2022-04-12,TP,0.1,extra,more\n"unterminated\n',
    "nul": b"site,sampled_at,parameter,value\n1\x00,2022-04-12,TP,0.1\n",
}


def run(*args, env=None, cwd=None):
    full = {**os.environ, **(env or {})}
    return subprocess.run(
        [sys.executable, *args], cwd=cwd or ROOT, env=full, capture_output=True, text=True, timeout=120
    )


@pytest.mark.parametrize("kind", sorted(INPUTS))
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_import_cli_gives_a_clear_message_and_no_traceback(tmp_path, kind, lang):
    f = tmp_path / f"{kind}.csv"
    f.write_bytes(INPUTS[kind])
    env = {"YEHU_DB": str(tmp_path / "t.sqlite"), "YEHU_LOG_DIR": str(tmp_path / "logs")}
    out = run("-m", "monitoring", "--lang", lang, "import-samples", str(f), env=env)
    assert out.returncode != 0
    text = out.stdout + out.stderr
    assert text.strip()
    if lang == "zh":
        assert re.search("[\u4e00-\u9fff]", text)
    assert not LEAKS.search(text.replace(str(f), f.name)), text
    assert "事件编号" not in text and "incident" not in text  # a known problem, not an incident


@pytest.mark.parametrize("content", [b"", b'pond_id,town\n1,"a\n'])
def test_geo_cli_names_a_broken_register_without_traceback(tmp_path, content):
    import shutil

    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    (data / "ponds.csv").write_bytes(content)
    out = run("-m", "geo", "--data", str(data), "check", env={"YEHU_LOG_DIR": str(tmp_path / "logs")})
    assert out.returncode == 1
    assert "ponds.csv" in out.stderr and not LEAKS.search(out.stderr), out.stderr


def test_an_unexpected_error_in_a_command_prints_an_incident_id_and_logs_the_details(tmp_path):
    code = (
        "import sys\n"
        "from i18n.incident import run_cli\n"
        "def main(argv):\n"
        "    raise RuntimeError('secret detail /srv/yehu/db.sqlite SELECT * FROM users')\n"
        "sys.exit(run_cli(main, ['--lang', sys.argv[1]], name='demo'))\n"
    )
    for lang, words in (("zh", "事件编号"), ("en", "incident")):
        out = run("-c", code, lang, env={"YEHU_LOG_DIR": str(tmp_path / "logs")})
        assert out.returncode == 2
        assert words in out.stderr and "secret" not in out.stderr and not LEAKS.search(out.stderr)
        ident = re.search(r"[0-9a-f]{8}", out.stderr).group(0)
        log = (tmp_path / "logs" / "incidents.log").read_text()
        assert f"incident {ident} in demo" in log and "secret detail" in log and "Traceback" in log


def page_text(at) -> str:
    parts = []
    for kind in ("error", "warning", "info", "success", "markdown", "caption", "exception", "text", "code"):
        for el in getattr(at, kind, []):
            parts.append(str(getattr(el, "value", "")) + str(getattr(el, "message", "")))
    return "\n".join(parts)


@pytest.fixture
def app(tmp_path, monkeypatch):
    from tests.ui.conftest import login_as, new_app

    monkeypatch.setenv("YEHU_DB", str(tmp_path / "ui.sqlite"))
    st.cache_resource.clear()
    st.cache_data.clear()
    yield login_as(new_app()), tmp_path / "ui.sqlite"
    st.cache_resource.clear()
    st.cache_data.clear()


@pytest.mark.parametrize("page", ["ui/pages/dashboard.py", "ui/pages/samples.py", "ui/pages/admin.py"])
def test_a_database_failure_shows_an_incident_id_not_sql(app, page, caplog):
    at, db = app
    at.switch_page(page).run()
    assert not at.exception
    with sqlite3.connect(db) as conn:  # the database breaks under the running app
        conn.execute("ALTER TABLE samples RENAME TO samples_gone")
    st.cache_data.clear()
    at.switch_page(page).run()
    assert not at.exception, page_text(at)
    text = page_text(at)
    assert "事件编号" in text, text
    assert not LEAKS.search(text), text
    ident = re.search(r"事件编号 ([0-9a-f]{8})", text).group(1)
    assert any(ident in r.getMessage() and r.exc_info for r in caplog.records)


def test_streamlit_shows_no_error_details_of_its_own():
    import tomllib

    cfg = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert cfg["client"]["showErrorDetails"] == "none"
