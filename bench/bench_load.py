"""Server cost per page view with N logged-in sessions at once: the Map page and the Dashboard.

One real ``streamlit run app.py`` server (SQLite in a temporary folder) and one headless Debian
Chromium (/usr/bin/chromium, outside hosts unresolvable) with N browser contexts, each logged in
as its own account. Each session then opens the Map page and the Dashboard in turn, ``--rounds``
times, all N at once. Printed per N:

* server CPU seconds per page view: user + system time of the server process
  (``/proc/<pid>/stat``) over the measured rounds, divided by the page views;
* median seconds from navigation start to the drawn map (the ponds' paths on the page), and to
  the finished Dashboard;
* the load average before and after (the browsers run on the same machine).

    python bench/bench_load.py [--sessions 1 5 20] [--rounds 3] [--port 8710] [--profile out.prof]

``--streamlit-option=--server.fileWatcherType=auto --streamlit-option=--runner.postScriptGC=true``
runs the server as it was before ``.streamlit/config.toml`` turned both off.
"""

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

#: Interactive paths on the default map: 17 ponds, the shared point's dot and its 3 lines, 4 areas.
PATHS = 25
IDLE = "document.querySelector('[data-test-script-state=notRunning]') !== null"
MAP_DRAWN = f"document.querySelectorAll('.yehu-map path.leaflet-interactive').length >= {PATHS}"
PASSWORD = "bench-password-1"
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a process so far (fields 14 and 15 of /proc/<pid>/stat)."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    fields = stat[stat.rindex(")") + 2 :].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def make_accounts(db: Path, n: int) -> list[str]:
    from monitoring.auth import CONSOLE
    from monitoring.store import Store
    from tests.conftest import CHEAP_HASHER

    store = Store(f"sqlite:///{db}", hasher=CHEAP_HASHER)
    names = [f"bench{i}" for i in range(n)]
    have = set(store.accounts.list_users().username)
    for name in names:
        if name not in have:
            store.accounts.create(name, PASSWORD, "viewer", user=CONSOLE)
    store.engine.dispose()
    return names


def start_server(db: Path, port: int, profile: Path | None, extra: list[str]):
    env = {**os.environ, "YEHU_DB": str(db)}
    launcher = (
        [sys.executable, str(ROOT / "bench" / "profile_server.py"), str(profile)] if profile else [sys.executable]
    )
    cmd = [*launcher, "-m", "streamlit", "run", "app.py", "--server.port", str(port)]
    cmd += ["--server.address", "127.0.0.1", "--server.headless", "true", *extra]
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            if urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).status == 200:
                return proc, url
        except OSError:
            time.sleep(0.3)
        if proc.poll() is not None:
            raise SystemExit(f"the server did not start (port {port} taken?)")
    raise SystemExit("the server did not start in time")


async def timed(page, url, condition) -> float:
    """Seconds from navigation start until ``condition`` holds and the script has finished."""
    await page.goto(url, wait_until="commit")
    handle = await page.wait_for_function(
        f"() => ({condition}) && ({IDLE}) && performance.now()", polling="raf", timeout=600_000
    )
    return await handle.json_value() / 1000


async def log_in(page, url, name):
    await page.goto(url + "/map")
    await page.get_by_label("用户名").fill(name)
    await page.get_by_label("密码").fill(PASSWORD)
    await page.get_by_role("button", name="登录").click()
    await page.locator(".yehu-map path.leaflet-interactive").first.wait_for(timeout=300_000)


async def one_level(browser, url, names, rounds, pid, dashboard_done):
    contexts = [await browser.new_context(viewport={"width": 1400, "height": 900}, locale="zh-CN") for _ in names]
    for c in contexts:  # a loaded machine with 20 browsers is slow: wait, do not fail
        c.set_default_timeout(600_000)
        c.set_default_navigation_timeout(600_000)
    pages = [await c.new_page() for c in contexts]
    for page, name in zip(pages, names, strict=True):  # one after another: logins are not what is measured
        await log_in(page, url, name)
    # A warm-up round, then the measured ones.
    await asyncio.gather(*(timed(p, url + "/dashboard", dashboard_done) for p in pages))
    map_times, dash_times = [], []
    load_before = os.getloadavg()[0]
    cpu0, t0 = cpu_seconds(pid), time.perf_counter()

    async def session(page):
        for _ in range(rounds):
            map_times.append(await timed(page, url + "/map", MAP_DRAWN))
            dash_times.append(await timed(page, url + "/dashboard", dashboard_done))

    await asyncio.gather(*(session(p) for p in pages))
    cpu, wall = cpu_seconds(pid) - cpu0, time.perf_counter() - t0
    load_after = os.getloadavg()[0]
    for c in contexts:
        await c.close()
    views = 2 * rounds * len(names)
    return {
        "n": len(names),
        "views": views,
        "cpu_per_view": cpu / views,
        "cpu_share": cpu / wall,
        "map": statistics.median(map_times),
        "dash": statistics.median(dash_times),
        "load": (load_before, load_after),
    }


async def run(args):
    from playwright.async_api import async_playwright

    from i18n import t
    from tests.browser import CHROMIUM, CHROMIUM_ARGS

    heading = t("dashboard.exports", "zh")
    dashboard_done = "[...document.querySelectorAll('h3')].some(e => e.textContent.includes(" + repr(heading) + "))"
    tmp = Path(tempfile.mkdtemp(prefix="bench-load-"))
    db = tmp / "bench.sqlite"
    names = make_accounts(db, max(args.sessions))
    extra = args.streamlit_option or []
    proc, url = start_server(db, args.port, Path(args.profile) if args.profile else None, extra)
    chromium_args = [*CHROMIUM_ARGS, "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost"]
    results = []
    try:
        async with async_playwright() as pw:
            browser = await pw.chromium.launch(executable_path=CHROMIUM, args=chromium_args)
            for n in args.sessions:
                results.append(await one_level(browser, url, names[:n], args.rounds, proc.pid, dashboard_done))
                r = results[-1]
                print(
                    f"  N={r['n']:>2}: {r['views']:>3} views, server {r['cpu_per_view']:.3f} CPU s/view "
                    f"({r['cpu_share']:.2f} cores busy), map drawn {r['map']:.2f} s, dashboard {r['dash']:.2f} s, "
                    f"load {r['load'][0]:.1f} -> {r['load'][1]:.1f}",
                    flush=True,
                )
            await browser.close()
    finally:
        proc.terminate()
        try:
            proc.wait(300 if args.profile else 30)  # merging the threads' profiles takes a while
        except subprocess.TimeoutExpired:
            proc.kill()
    if extra:
        print("\nstreamlit run with " + " ".join(extra))
    print(
        f"\n{os.cpu_count()} cores; {args.rounds} rounds of Map + Dashboard per session after a warm-up; "
        "median time from navigation start to the drawn map / finished Dashboard (headless Chromium on the "
        "same machine)"
    )
    print(f"{'sessions':>8} {'server CPU s/view':>18} {'map drawn s':>12} {'dashboard s':>12} {'load avg':>14}")
    for r in results:
        load = f"{r['load'][0]:.1f}-{r['load'][1]:.1f}"
        print(f"{r['n']:>8} {r['cpu_per_view']:>18.3f} {r['map']:>12.2f} {r['dash']:>12.2f} {load:>14}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sessions", type=int, nargs="+", default=[1, 5, 20])
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--port", type=int, default=8710)
    ap.add_argument("--profile", default="", help="write the server's cProfile statistics to this file")
    ap.add_argument(
        "--streamlit-option",
        action="append",
        help="passed to streamlit run, e.g. --streamlit-option=--server.fileWatcherType=auto",
    )
    asyncio.run(run(ap.parse_args()))


if __name__ == "__main__":
    main()
