"""README 运维 / Operations followed once, start to end, by scripts/ops-check.sh (real PostgreSQL)."""

import os
import subprocess

from tests.conftest import ROOT, require


def test_operations_section_start_to_end():
    url = os.environ.get("YEHU_TEST_PG_URL")
    require(bool(url), "no PostgreSQL server (YEHU_TEST_PG_URL is not set; scripts/test.sh starts one)")
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "YEHU_DB", "YEHU_SECRETS")}
    res = subprocess.run(
        ["bash", "scripts/ops-check.sh", url], cwd=ROOT, env=env, capture_output=True, text=True, timeout=900
    )
    assert res.returncode == 0, res.stdout[-3000:] + res.stderr[-3000:]
    for step in ("Service", "First administrator", "Backups", "SQLite -> PostgreSQL", "Upgrade"):
        assert f"== {step}" in res.stdout
    assert res.stdout.count("health: ok") == 3
    assert "every step of README" in res.stdout
