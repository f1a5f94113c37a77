"""Hardening checks over the whole code base: SQL, HTML sinks, XSRF, secrets, user text in the map."""

import re
import subprocess
import tomllib

import pytest

from geo.boundaries import Boundary
from geo.dataset import load_dataset
from geo.mapping import build_map
from tests.conftest import ROOT

#: Text an attacker might type into any field that is shown later.
PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '"><svg onload=alert(1)>',
    "'-alert(1)-'",
    "</script><script>alert(1)</script>",
    "<a href='javascript:alert(1)'>x</a>",
    "<iframe srcdoc='<script>alert(1)</script>'>",
]


def tracked_python():
    files = subprocess.run(["git", "ls-files", "*.py"], cwd=ROOT, capture_output=True, text=True, check=True)
    return [ROOT / f for f in files.stdout.split()]


SQL_BUILT_BY_FORMATTING = re.compile(
    r"""\b(text|execute|exec_driver_sql|executescript)\(\s*(f["']|["'][^"']*["']\s*(%|\.format\())"""
)


def test_no_sql_built_by_string_formatting():
    offenders = [
        f"{p.relative_to(ROOT)}:{i}"
        for p in tracked_python()
        if p.name != "test_hardening.py"  # its own examples below
        for i, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
        if SQL_BUILT_BY_FORMATTING.search(line)
    ]
    assert not offenders, f"SQL built by string formatting: {offenders}"


def test_the_sql_check_would_catch_one():
    assert SQL_BUILT_BY_FORMATTING.search("conn.execute(text(f'SELECT * FROM {t}'))")
    assert SQL_BUILT_BY_FORMATTING.search('conn.execute("DELETE FROM %s" % t)')
    assert not SQL_BUILT_BY_FORMATTING.search('conn.execute(text("ANALYZE samples"))')


def test_pages_never_render_raw_html():
    for p in (ROOT / "ui").rglob("*.py"):
        src = p.read_text(encoding="utf-8")
        for sink in ("unsafe_allow_html=True", "st.html(", "components.html(", "components.v1"):
            assert sink not in src, f"{p.relative_to(ROOT)} uses {sink}"
        if "components.v2.component(" in src:
            # Scripts in the page: fixed code from files beside the module, never built from data.
            assert p.name in {"map_component.py", "page_script.py"}, p
            assert "js=(Path(__file__).with_name(" in src or "_JS = (Path(__file__).with_name(" in src
    assert "unsafe_allow_html" not in (ROOT / "app.py").read_text(encoding="utf-8")
    # The session cookie: only a checked token reaches the page script.
    assert 're.fullmatch(r"[A-Za-z0-9_-]{20,100}", value)' in (ROOT / "ui" / "auth.py").read_text(encoding="utf-8")


def test_xsrf_protection_is_on_and_nothing_calls_home():
    cfg = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert cfg["server"]["enableXsrfProtection"] is True
    assert cfg["server"].get("enableCORS", True) is True
    assert cfg["browser"]["gatherUsageStats"] is False
    assert cfg["server"]["maxUploadSize"] <= 20


def test_no_secrets_in_the_repository():
    files = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    assert ".streamlit/secrets.toml" not in files
    assert ".streamlit/secrets.toml" in (ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()
    secretish = re.compile(r"(tk=[0-9a-f]{16,}|postgresql(\+\w+)?://[^:/\s]+:[^@\s]+@|tianditu_key\s*=\s*\"\w)")
    for f in files:
        path = ROOT / f
        if f.startswith("tests/"):
            continue  # test fixtures use made-up keys
        if path.suffix in {".py", ".toml", ".md", ".sh", ".txt", ".cfg", ".ini", ".json", ".yml", ".yaml"}:
            for hit in secretish.finditer(path.read_text(encoding="utf-8", errors="ignore")):
                assert hit.group(0).endswith(PLACEHOLDERS), f"{f}: looks like a committed secret: {hit.group(0)}"


PLACEHOLDERS = ("://user:password@", "://USER:PASSWORD@")


def raw_in(html: str, payload: str) -> bool:
    return payload in html


@pytest.fixture(scope="module")
def evil_dataset(tmp_path_factory):
    """Every free-text field of the register and the boundaries holds a payload."""
    data = tmp_path_factory.mktemp("evil")
    ds = load_dataset()
    reg = ds.register.copy()
    for i, col in enumerate(["town", "village", "farm_name", "location", "source_ref"]):
        reg[col] = [PAYLOADS[(i + j) % len(PAYLOADS)] for j in range(len(reg))]
    edits = [
        {
            "pond_id": 3,
            "kind": "verify",
            "verified_by": PAYLOADS[0],
            "verified_on": PAYLOADS[1],
            "changes": {"coord_text": "E113.42 N29.65", "lon": 113.42, "lat": 29.65, "coord_status": "verified"},
        }
    ]
    from geo.register import apply_edits

    reg = apply_edits(reg.drop(columns=[c for c in reg.columns if c.startswith("seed_")]), edits)
    sec = ds.sections.gdf.copy()
    sec["name"], sec["source"], sec["notes"], sec["section_id"] = PAYLOADS[2], PAYLOADS[3], PAYLOADS[4], PAYLOADS[5]
    lake = ds.lake.gdf.copy()
    lake["name"], lake["source"], lake["notes"] = PAYLOADS[6], PAYLOADS[0], PAYLOADS[1]
    from geo.classify import classify_ponds
    from geo.qa import check_register

    ds.register = reg
    ds.sections = Boundary("sections", data / PAYLOADS[1], sec, [PAYLOADS[2]])
    ds.lake = Boundary("lake", data / "lake.geojson", lake, [PAYLOADS[3]])
    ds.qa = check_register(reg, lake, ds.qa_config)
    ds.classification = classify_ponds(reg, lake, sec, ds.zones, ds.suspect_ids)
    return ds


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("basemap", ["none", "gaode"])
def test_payloads_in_every_map_text_field_are_escaped(evil_dataset, lang, basemap):
    cases = {PAYLOADS[5]: (113.42, 29.65, 2)}  # a site code that is a payload
    html = build_map(evil_dataset, lang, basemap, statuses={1: "retired"}, open_cases=cases).get_root().render()
    for p in PAYLOADS:
        assert not raw_in(html, p), f"payload rendered raw: {p}"
    # ... and the text is still there, escaped, for people to read.
    assert "&lt;img src=x onerror=alert(1)&gt;" in html or "\\u0026lt;img" in html


def test_the_escaping_check_would_catch_a_raw_payload(evil_dataset):
    import folium

    m = build_map(evil_dataset)
    folium.Marker([29.65, 113.42], tooltip=PAYLOADS[1]).add_to(m)  # folium does not escape tooltips
    assert raw_in(m.get_root().render(), PAYLOADS[1])
