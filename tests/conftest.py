import os
from pathlib import Path

import pytest
from argon2 import PasswordHasher

ROOT = Path(__file__).resolve().parent.parent
IN_CI = os.environ.get("CI", "").lower() == "true"

#: argon2id with the smallest parameters: tests create many accounts (never used outside tests).
CHEAP_HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


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


@pytest.fixture(autouse=True, scope="session")
def _temporary_database(tmp_path_factory):
    """No test writes the real database: the app's default SQLite file points into a temp dir."""
    old = os.environ.get("YEHU_DB")
    os.environ["YEHU_DB"] = str(tmp_path_factory.mktemp("db") / "yehu.sqlite")
    os.environ.pop("DATABASE_URL", None)
    yield
    if old is None:
        os.environ.pop("YEHU_DB", None)
    else:
        os.environ["YEHU_DB"] = old


def actor(name: str, role: str = "admin"):
    """An acting user as a page resolves it; the Store reads the account's role and state again."""
    from monitoring.auth import Actor

    return Actor(name, role)


def refused(code: str, cls=None):
    """``pytest.raises`` for one refusal, by its stable code (a UserError of ``cls``)."""
    from i18n.errors import UserError

    return pytest.raises(cls or UserError, check=lambda e: e.code == code)


def migration_head() -> str:
    """The newest migration's revision, read from the migration scripts (not hard-coded)."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    cfg = Config()
    cfg.set_main_option("script_location", str(ROOT / "monitoring" / "migrations"))
    return ScriptDirectory.from_config(cfg).get_current_head()
