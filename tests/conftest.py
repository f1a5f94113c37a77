import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
IN_CI = os.environ.get("CI", "").lower() == "true"


def require(condition: bool, why: str):
    """Skip locally, fail in CI, when a real part the test needs is missing."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"CI=true and {why}")
    pytest.skip(why)


@pytest.fixture
def data_copy(tmp_path):
    """A writable copy of data/ for tests that change files."""
    import shutil

    dst = tmp_path / "data"
    shutil.copytree(ROOT / "data", dst)
    return dst
