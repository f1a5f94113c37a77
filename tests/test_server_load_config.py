"""The server settings that keep a page view's cost flat as sessions grow (bench/bench_load.py)."""

import tomllib

from tests.conftest import ROOT


def test_no_source_watcher_and_no_full_collection_after_each_run():
    cfg = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    # The watcher re-walked every imported module on each run of each session; the collection after
    # each run walked the whole heap, which grows with the sessions held.
    assert cfg["server"]["fileWatcherType"] == "none"
    assert cfg["runner"]["postScriptGC"] is False
