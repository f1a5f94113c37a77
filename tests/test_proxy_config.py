"""The documented reverse proxy (deploy/nginx.conf): security headers, private metrics, a CSP the app runs in."""

import re

import pytest

from tests.conftest import ROOT

CONF = ROOT / "deploy" / "nginx.conf"
TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'|[{};]|[^\s{};]+')


def parse(text: str) -> list:
    """nginx configuration as nested [name, args, children] lists (comments dropped)."""
    tokens = TOKEN.findall("\n".join(line.split("#", 1)[0] if not line.strip().startswith("add_header") else line
                                     for line in text.splitlines()))  # fmt: skip
    stack, current, words = [], [], []
    for tok in tokens:
        if tok == ";":
            current.append([words[0], words[1:], None])
            words = []
        elif tok == "{":
            block = [words[0], words[1:], []]
            current.append(block)
            stack.append(current)
            current, words = block[2], []
        elif tok == "}":
            assert not words, f"unterminated directive {words}"
            current = stack.pop()
        else:
            words.append(tok[1:-1] if tok[0] in "\"'" and tok[-1] == tok[0] else tok)
    assert not stack and not words, "unbalanced braces"
    return current


def https_server():
    servers = [d for d in parse(CONF.read_text()) if d[0] == "server"]
    (main,) = [s for s in servers if any(d[0] == "listen" and "443" in d[1] for d in s[2])]
    return main[2]


def headers(block) -> dict:
    out = {}
    for name, args, _ in block:
        if name == "add_header":
            assert args[-1] == "always", f"{args[0]} must be sent on error responses too"
            out[args[0]] = args[1]
    return out


def csp_header() -> str:
    return headers(https_server())["Content-Security-Policy"]


def csp_directives() -> dict:
    return {p.split()[0]: p.split()[1:] for p in (x.strip() for x in csp_header().split(";")) if p}


def test_security_headers_on_every_response():
    h = headers(https_server())
    assert h["X-Frame-Options"] == "SAMEORIGIN" and h["X-Content-Type-Options"] == "nosniff"
    csp = csp_directives()
    assert csp["frame-ancestors"] == ["'self'"]  # components are same-origin iframes
    assert csp["default-src"] == ["'self'"] and csp["object-src"] == ["'none'"] and csp["base-uri"] == ["'self'"]
    # No outside host may run code, style the page or be connected to; only map tiles come from outside.
    for directive in ("script-src", "style-src", "connect-src", "frame-src", "font-src", "worker-src"):
        assert not [s for s in csp[directive] if s.startswith(("http", "*")) or "." in s], directive
    assert all(s.startswith("https://") for s in csp["img-src"] if "." in s)
    # nginx drops server-level headers in any location that sets its own.
    for name, args, children in https_server():
        if name == "location":
            assert not [d for d in children if d[0] == "add_header"], args


def location_for(uri: str):
    """The location nginx picks for ``uri`` (prefix and ^~ rules, as this file uses)."""
    best = None
    for name, args, children in https_server():
        if name != "location":
            continue
        modifier, prefix = (args[0], args[1]) if len(args) == 2 else ("", args[0])
        assert modifier in ("", "^~", "="), "only prefix locations are modelled here"
        if (uri == prefix if modifier == "=" else uri.startswith(prefix)) and (
            best is None or len(prefix) > len(best[0])
        ):
            best = (prefix, children)
    return dict((d[0], d[1]) for d in best[1])


@pytest.mark.parametrize("uri", ["/_stcore/metrics", "/_stcore/metrics/", "/_stcore/metricsx"])
def test_metrics_are_not_public(uri):
    loc = location_for(uri)
    assert loc.get("return") == ["404"] or loc.get("deny") == ["all"]
    assert "proxy_pass" not in loc


def test_the_app_and_its_websocket_are_proxied_with_the_client_address():
    for uri in ("/", "/_stcore/stream", "/_stcore/health", "/app/static/leaflet/leaflet.js"):
        loc = location_for(uri)
        assert loc["proxy_pass"] == ["http://127.0.0.1:8501"]
    sets = [args for name, args, _ in next(c for n, a, c in https_server() if n == "location" and a == ["/"])
            if name == "proxy_set_header"]  # fmt: skip
    assert ["X-Real-IP", "$remote_addr"] in sets and ["Upgrade", "$http_upgrade"] in sets
    assert "geolocation=(self)" in headers(https_server())["Permissions-Policy"]  # the map's "locate me"


def test_the_app_runs_under_that_csp(tmp_path, monkeypatch):
    """Every response carries the file's CSP and X-Frame-Options: login, map drawn, no violation reported."""
    import tests.browser as tb
    from tests.browser import log_in, make_account, map_frame, offline_browser, streamlit_server

    # Responses rewritten by the test count as non-local for Chromium's local-network checks, which would
    # then block the app's own websocket to 127.0.0.1; behind nginx the page and the socket share an origin.
    monkeypatch.setattr(tb, "CHROMIUM_ARGS", [*tb.CHROMIUM_ARGS, "--disable-features=LocalNetworkAccessChecks"])

    env = make_account(tmp_path / "csp.sqlite")
    with streamlit_server(env) as url, offline_browser() as (context, outside):
        extra = {"content-security-policy": csp_header(), "x-frame-options": headers(https_server())["X-Frame-Options"]}

        def with_headers(route):
            if route.request.url.startswith(url):
                response = route.fetch()
                route.fulfill(response=response, headers={**response.headers, **extra})
            else:
                route.fallback()

        context.route(f"{url}/**", with_headers)
        page = context.new_page()
        violations = []
        page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
        log_in(page, url)
        frame = map_frame(page, timeout=90_000)
        assert frame.locator("path.leaflet-interactive").count() > 0
        assert violations == [], violations
        assert outside == []
