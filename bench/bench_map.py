"""Build and draw pond maps of 1k and 10k ponds; compare with a naive one-Marker-per-pond map.

For each size it prints the payload (bytes of the map page), the Python build
time, and the time until drawn in headless Chromium (navigation start to the
second animation frame after the load event), for:

* ours: ``geo.mapping.build_map`` (one GeoJson layer of circle markers, canvas
  rendering from 2,000 ponds, styles deduplicated, 6-decimal coordinates);
* naive: ``folium.Marker`` with a tooltip per pond (no popup: ``folium.Popup``
  needs jQuery, which is not served offline).

Pages are served from a local HTTP server with the vendored Leaflet; Chromium
is Debian's (/usr/bin/chromium).  Also prints the draw time of the real
17-pond app page (warm server, page load to map drawn).

    python bench/bench_map.py [--sizes 1000 10000]
"""

import argparse
import functools
import http.server
import shutil
import socketserver
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
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 10_000])
    args = ap.parse_args()
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
            # The real 17-pond map on its own page (no Streamlit around it).
            from geo.dataset import load_dataset

            t0 = time.perf_counter()
            html = build_map(load_dataset(), asset_prefix="/leaflet").get_root().render()
            build = time.perf_counter() - t0
            (tmp / "real17.html").write_text(html, encoding="utf-8")
            drawn = draw_time(page, f"http://127.0.0.1:{port}/real17.html")
            print(
                f"{17:>7,} {'ours':>6} {len(html.encode()) / 1024:>11,.0f} {build:>8.2f} {drawn:>8.2f}  (the real map)"
            )
            for n in args.sizes:
                ds = synthetic_dataset(n)
                sizes = {}
                for kind in ("ours", "naive"):
                    t0 = time.perf_counter()
                    m = build_map(ds, asset_prefix="/leaflet") if kind == "ours" else naive_map(ds, "/leaflet")
                    html = m.get_root().render()
                    build = time.perf_counter() - t0
                    (tmp / f"{kind}{n}.html").write_text(html, encoding="utf-8")
                    sizes[kind] = len(html.encode())
                    drawn = draw_time(page, f"http://127.0.0.1:{port}/{kind}{n}.html")
                    print(f"{n:>7,} {kind:>6} {sizes[kind] / 1024:>11,.0f} {build:>8.2f} {drawn:>8.2f}")
                print(f"{'':>7} payload ours/naive = {sizes['ours'] / sizes['naive']:.2f}")
            browser.close()
    app_page_draw()
    print("targets: 10k ponds drawn within 2 s of page load, payload at most 1/3 of naive;")
    print("         the 17-pond app map drawn within 1 s of the page's load")


def app_page_draw():
    """The real app: warm server, time from navigation to the map's SVG paths drawn."""
    from tests.browser import log_in, make_account, map_frame, offline_browser, streamlit_server

    tmp = tempfile.mkdtemp(prefix="bench-map-")
    env = make_account(Path(tmp) / "bench.sqlite")
    with streamlit_server(env) as url, offline_browser() as (context, _outside):
        page = context.new_page()
        log_in(page, url)  # the session cookie then opens the map directly in new pages
        map_frame(page, timeout=60_000)  # warm-up: first run imports and builds
        page.wait_for_timeout(1500)
        times = []
        for _ in range(3):
            page = context.new_page()
            page.goto(url, wait_until="load")
            loaded = page.evaluate("() => performance.timing.loadEventEnd - performance.timing.navigationStart")
            t0 = time.perf_counter()
            map_frame(page, timeout=60_000)
            times.append((time.perf_counter() - t0, loaded / 1000))
            page.close()
        after, loaded = sorted(times)[1]
        print(f"app page, 17 ponds: page load {loaded:.2f} s, map drawn {after:.2f} s after the load event")
    bare_page_draw()


BARE = """
import copy

import streamlit as st
from streamlit_folium import st_folium

from geo.dataset import load_dataset
from geo.mapping import build_map


@st.cache_resource
def built():
    return build_map(load_dataset())


# A copy per run: st_folium mutates the map it renders (see DEVELOPERS.md).
st_folium(copy.deepcopy(built()), key="m", height=620, width="stretch", returned_objects=["last_object_clicked"])
"""


def bare_page_draw():
    """The floor: a Streamlit page holding nothing but st_folium with the same map."""
    import os
    import subprocess
    import urllib.request

    from tests.browser import free_port, offline_browser

    visible = 'iframe[title="streamlit_folium.st_folium"][height="620"]'

    def drawn(page):
        page.wait_for_selector(visible, timeout=60_000)
        page.frame_locator(visible).locator("path.leaflet-interactive").first.wait_for(timeout=60_000)

    script = ROOT / ".bench_bare_map.py"
    script.write_text(BARE, encoding="utf-8")
    port = free_port()
    cmd = [sys.executable, "-m", "streamlit", "run", script.name, "--server.port", str(port)]
    cmd += ["--server.address", "127.0.0.1", "--server.headless", "true"]
    proc = subprocess.Popen(cmd, cwd=ROOT, env=dict(os.environ), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                urllib.request.urlopen(f"{url}/_stcore/health", timeout=2)
                break
            except OSError:
                time.sleep(0.3)
        with offline_browser() as (context, _outside):
            page = context.new_page()
            page.goto(url)
            drawn(page)
            times = []
            for _ in range(3):
                page = context.new_page()
                page.goto(url, wait_until="load")
                t0 = time.perf_counter()
                drawn(page)
                times.append(time.perf_counter() - t0)
                page.close()
        print(f"bare st_folium page, same map: drawn {sorted(times)[1]:.2f} s after the load event (the stack's floor)")
    finally:
        proc.terminate()
        proc.wait()
        script.unlink(missing_ok=True)


if __name__ == "__main__":
    main()
