"""How fast the Map page draws its ponds, next to the framework's floor and Leaflet's; large maps.

Default run, in one Debian Chromium (/usr/bin/chromium), warm servers, the three pages in turn,
median of 9:

* map page: a logged-in reload of the app's Map page, navigation start to the ponds drawn
  (the map is embedded with Streamlit components v2, no iframe, see ``ui/map_component.py``);
* one-line page: a Streamlit page holding one line of text, navigation start to the text shown
  (the floor of Streamlit itself);
* bare Leaflet: the same folium map as a plain HTML page, navigation start to the ponds drawn;

then the ratios map / one-line (target at most 1.5) and map / bare Leaflet.

``--sizes 1000 10000`` also builds and draws synthetic maps of that many ponds next to a naive
one-Marker-per-pond map (payload, Python build time, time until drawn).

    python bench/bench_map.py [--runs 9] [--sizes 1000 10000]
"""

import argparse
import contextlib
import functools
import http.server
import shutil
import socketserver
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import folium  # noqa: E402

from geo.synthetic import synthetic_dataset  # noqa: E402

DRAWN = "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r(performance.now()))))"


def naive_map(ds, prefix):
    m = folium.Map(tiles=None, zoom_start=13, location=[29.6532, 113.4229])
    m.default_js = [("leaflet", f"{prefix}/leaflet.js")]
    m.default_css = [("leaflet_css", f"{prefix}/leaflet.css")]
    for row in ds.register.itertuples():
        folium.Marker([row.lat, row.lon], tooltip=f"{row.pond_id} {row.farm_name} {row.area_mu} 亩").add_to(m)
    return m


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def draw_time(page, url, runs=3):
    times = []
    for _ in range(runs):
        page.goto(url, wait_until="load")
        times.append(page.evaluate(DRAWN) / 1000)
    return sorted(times)[len(times) // 2]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=9)
    ap.add_argument("--sizes", type=int, nargs="*", default=[])
    ap.add_argument("--no-cache", action="store_true", help="browser cache off: every load a first visit")
    args = ap.parse_args()
    pages(args.runs, cache=not args.no_cache)
    if args.sizes:
        large_maps(args.sizes)


def large_maps(sizes):
    from playwright.sync_api import sync_playwright

    from geo.mapping import build_map
    from tests.browser import CHROMIUM, CHROMIUM_ARGS

    tmp = Path(tempfile.mkdtemp())
    shutil.copytree(ROOT / "static" / "vendor" / "leaflet", tmp / "leaflet")
    handler = functools.partial(Quiet, directory=str(tmp))
    with socketserver.TCPServer(("127.0.0.1", 0), handler) as httpd:
        port = httpd.server_address[1]
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            print(f"{'ponds':>7} {'map':>6} {'payload KB':>11} {'build s':>8} {'drawn s':>8}")
            for n in sizes:
                ds = synthetic_dataset(n)
                size = {}
                for kind in ("ours", "naive"):
                    t0 = time.perf_counter()
                    m = build_map(ds, asset_prefix="/leaflet") if kind == "ours" else naive_map(ds, "/leaflet")
                    html = m.get_root().render()
                    build = time.perf_counter() - t0
                    (tmp / f"{kind}{n}.html").write_text(html, encoding="utf-8")
                    size[kind] = len(html.encode())
                    drawn = draw_time(page, f"http://127.0.0.1:{port}/{kind}{n}.html")
                    print(f"{n:>7,} {kind:>6} {size[kind] / 1024:>11,.0f} {build:>8.2f} {drawn:>8.2f}")
                print(f"{'':>7} payload ours/naive = {size['ours'] / size['naive']:.2f}")
            browser.close()
    print("targets: 10k ponds drawn within 2 s of page load, payload at most 1/3 of naive")


ONE_LINE = """
import streamlit as st

st.write("冶湖监管")
"""

#: Interactive paths on the default map: 17 ponds, the shared point's dot and its 3 lines, 4 areas.
PATHS = 25


def drawn_after_navigation(page, url, condition):
    """Seconds from navigation start until ``condition`` (a JS expression) holds."""
    page.goto(url, wait_until="commit")
    handle = page.wait_for_function(f"() => ({condition}) && performance.now()", polling="raf", timeout=60_000)
    return handle.json_value() / 1000


def one_line_server():
    """A `streamlit run` of a page holding one line of text (same config as the app)."""
    import os
    import subprocess
    import urllib.request

    from tests.browser import free_port

    @contextlib.contextmanager
    def serve():
        script = ROOT / ".bench_one_line.py"
        script.write_text(ONE_LINE, encoding="utf-8")
        port = free_port()
        cmd = [sys.executable, "-m", "streamlit", "run", script.name, "--server.port", str(port)]
        cmd += ["--server.address", "127.0.0.1", "--server.headless", "true"]
        proc = subprocess.Popen(
            cmd, cwd=ROOT, env=dict(os.environ), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        url = f"http://127.0.0.1:{port}"
        try:
            for _ in range(200):
                try:
                    urllib.request.urlopen(f"{url}/_stcore/health", timeout=2)
                    break
                except OSError:
                    time.sleep(0.3)
            yield url
        finally:
            proc.terminate()
            proc.wait()
            script.unlink(missing_ok=True)

    return serve()


@contextlib.contextmanager
def cached_browser(cache=True):
    """Chromium as a user has it on a reload: HTTP cache on; outside hosts unresolvable (offline).

    ``cache=False`` routes every request through Playwright, which turns the cache off (a first
    visit every time, as the tests' offline guard does).
    """
    from playwright.sync_api import sync_playwright

    from tests.browser import CHROMIUM, CHROMIUM_ARGS

    args = [*CHROMIUM_ARGS, "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost"]
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=args)
        context = browser.new_context(viewport={"width": 1500, "height": 1100}, locale="zh-CN")
        if not cache:
            context.route("**/*", lambda route: route.continue_())
        try:
            yield context
        finally:
            context.close()
            browser.close()


def pages(runs, cache=True):
    """The Map page, the one-line page and the bare Leaflet page, timed in one browser run."""
    from geo.dataset import load_dataset
    from geo.mapping import build_map
    from tests.browser import log_in, make_account, streamlit_server

    tmp = Path(tempfile.mkdtemp(prefix="bench-map-"))
    shutil.copytree(ROOT / "static" / "vendor" / "leaflet", tmp / "leaflet")
    html = build_map(load_dataset(), asset_prefix="/leaflet").get_root().render()
    (tmp / "real17.html").write_text(html, encoding="utf-8")
    handler = functools.partial(Quiet, directory=str(tmp))
    env = make_account(tmp / "bench.sqlite")
    with (
        socketserver.TCPServer(("127.0.0.1", 0), handler) as httpd,
        streamlit_server(env) as app_url,
        one_line_server() as line_url,
        cached_browser(cache) as context,
    ):
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
        page = context.new_page()
        log_in(page, app_url)  # the session cookie then opens the map directly on a reload
        page.locator(".yehu-map path.leaflet-interactive").first.wait_for(timeout=90_000)
        page.wait_for_timeout(1500)
        ponds = f"document.querySelectorAll('.yehu-map path.leaflet-interactive').length >= {PATHS}"
        text = (
            "[...document.querySelectorAll('[data-testid=stMarkdownContainer]')]"
            ".some(e => e.textContent.includes('冶湖监管'))"
        )
        bare = f"document.querySelectorAll('path.leaflet-interactive').length >= {PATHS}"
        bare_url = f"http://127.0.0.1:{httpd.server_address[1]}/real17.html"
        targets = [(app_url + "/map", ponds), (line_url, text), (bare_url, bare)]
        for url, condition in targets:  # warm-up
            drawn_after_navigation(page, url, condition)
        # Interleaved, so the load of a shared machine weighs on the three pages alike.
        times = [[], [], []]
        for _ in range(runs):
            for i, (url, condition) in enumerate(targets):
                times[i].append(drawn_after_navigation(page, url, condition))
        t_map, t_line, t_bare = (statistics.median(t) for t in times)
        httpd.shutdown()
    print(
        f"navigation -> drawn, median of {runs} interleaved runs (headless Chromium, browser cache "
        f"{'on' if cache else 'off'}, warm servers):"
    )
    print(f"  map page (17 ponds, logged in)  {t_map:6.2f} s")
    print(f"  one-line Streamlit page         {t_line:6.2f} s")
    print(f"  bare Leaflet page, same map     {t_bare:6.2f} s")
    print(f"  map / one-line = {t_map / t_line:.2f} (target <= 1.5);  map / bare Leaflet = {t_map / t_bare:.1f}")


if __name__ == "__main__":
    main()
