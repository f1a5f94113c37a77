"""A short run of the boundary-upload fuzzer (bench/fuzz_boundaries.py runs 300+): nothing uncaught or half-written."""

import importlib.util

from tests.conftest import ROOT


def test_generated_boundary_files_are_refused_or_stored_whole(tmp_path):
    spec = importlib.util.spec_from_file_location("fuzz_boundaries", ROOT / "bench" / "fuzz_boundaries.py")
    fuzz = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(fuzz)
    out = fuzz.run(120, 7, tmp_path)
    stats = out["stats"]
    assert out["uncaught"] == [], out["uncaught"][:3]
    assert stats["partial writes"] == 0
    assert stats["canary read"] == 0
    assert stats["messages naming a server path"] == 0 and stats["messages showing the canary"] == 0
    assert stats["accepted"] > 0 and sum(v for k, v in stats.items() if k.startswith("refused")) > 60
