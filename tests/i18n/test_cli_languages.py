"""Both command lines in both languages: Chinese by default, English with --lang en (before or after the command)."""

import re
import subprocess
import sys

import pytest

from tests.conftest import ROOT
from tests.i18n.test_error_sweep import CJK, ENGLISH_WORDS, QUOTED


def data_values():
    """Names from the register and the ledger configuration: they stay as written in both languages."""
    from geo.dataset import load_dataset
    from monitoring.store import Store

    ds = load_dataset()
    reg = ds.register
    values = set(ds.lake.gdf.source) | set(ds.sections.gdf.source)  # provenance as written in the files
    for col in ("farm_name", "town", "village", "location", "uses", "coord_text"):
        values |= set(reg[col])
    steps = Store("sqlite://").steps
    values |= {s.unit_for(town) for s in steps for town in set(reg.town)}
    from monitoring.bodytasks import current_tasks  # task keys are codes, lead units are names

    values |= {x for task in current_tasks() for x in (task.key, task.unit)}
    return sorted((v for v in values if v), key=len, reverse=True)


VALUES = data_values()


# A command the output tells the user to type is code, not prose in either language.
COMMAND = re.compile(r"python -m [a-z]+[^\n，。；]*")


def without_data(text: str) -> str:
    text = COMMAND.sub("", QUOTED.sub("", text))
    for v in VALUES:
        text = text.replace(v, "")
    return text


def run(module, *args, env=None, stdin=""):
    res = subprocess.run(
        [sys.executable, "-m", module, *args],
        cwd=ROOT,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=180,
    )
    return res


def assert_language(text: str, lang: str, what: str):
    rest = without_data(text)
    assert text.strip(), what
    if lang == "en":
        bad = [line for line in rest.splitlines() if CJK.search(line)]
        assert not bad, f"{what}: Chinese in English output: {bad[:5]}"
    else:
        assert CJK.search(text), what
        bad = [line for line in rest.splitlines() if ENGLISH_WORDS.search(line)]
        assert not bad, f"{what}: English in Chinese output: {bad[:5]}"


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    db = tmp_path_factory.mktemp("cli") / "cli.sqlite"
    env = {"YEHU_DB": str(db), "PATH": "/usr/bin:/bin"}
    assert run("monitoring", "db", "upgrade", env=env).returncode == 0
    assert run("monitoring", "demo-data", env=env).returncode == 0
    return env


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize(
    "module, args",
    [
        ("geo", ["check"]),
        ("geo", ["classify"]),
        ("monitoring", ["weekly", "--week", "2022-W15"]),
        ("monitoring", ["progress"]),
        ("monitoring", ["task", "list"]),
        ("monitoring", ["users", "list"]),
        ("monitoring", ["db", "current"]),
    ],
)
def test_command_output_in_one_language(env, module, args, lang):
    res = run(module, *args, *(["--lang", "en"] if lang == "en" else []), env=env)
    assert res.returncode == 0, res.stderr
    assert_language(res.stdout, lang, f"{module} {' '.join(args)}")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_refusals_in_one_language(env, tmp_path, lang):
    opt = ["--lang", lang]
    bad = tmp_path / "bad.csv"
    bad.write_text("塘号,采样时间,总磷\n99,2022-04-12,0.1\n1,yesterday,abc\n", encoding="utf-8")
    cases = [
        run("monitoring", "import-samples", str(bad), *opt, env=env),
        run("monitoring", "add-site", "L9", "--name", "x", "--at", "somewhere", *opt, env=env),
    ]
    for res in cases:
        assert res.returncode != 0 and "Traceback" not in res.stderr, res.args
        assert_language(res.stderr, lang, " ".join(res.args[3:]))
        assert str(tmp_path) not in res.stderr


def test_lang_before_or_after_the_command(env):
    before = run("monitoring", "--lang", "en", "users", "list", env=env).stdout
    after = run("monitoring", "users", "list", "--lang=en", env=env).stdout
    assert before == after and before.strip() and not CJK.search(before)
    assert CJK.search(run("monitoring", "users", "list", env=env).stdout)
    assert "Ponds with a suspect coordinate" in run("geo", "check", "--lang", "en").stdout


ARGPARSE_ENGLISH = re.compile(r"usage:|options:|positional arguments|error:|invalid choice|required:|unrecognized")


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize(
    "module, args",
    [
        ("monitoring", ["weekly", "--format", "xx"]),  # a choice not offered
        ("monitoring", ["weekly"]),  # a required option missing
        ("monitoring", ["frob"]),  # no such command
        ("monitoring", ["users"]),  # a command without its action
        ("monitoring", ["task", "progress", "hg_signs", "--status", "finished"]),  # a status not offered
        ("geo", ["classify", "--bogus"]),  # an option nobody knows
        ("geo", ["classify", "--format"]),  # an option without its value
    ],
)
def test_argparse_refusals_in_the_users_language(module, args, lang):
    """argparse's own words (usage, error, invalid choice ...) follow --lang like every other message."""
    res = run(module, *args, *(["--lang", "en"] if lang == "en" else []))
    assert res.returncode == 2 and "Traceback" not in res.stderr, res.stderr
    last = res.stderr.strip().splitlines()[-1]
    if lang == "zh":
        assert not ARGPARSE_ENGLISH.search(res.stderr), res.stderr
        assert last.startswith(f"python -m {module}") and "：错误：" in last, last
    else:
        assert "usage:" in res.stderr and ": error: " in last and not CJK.search(without_data(last)), res.stderr


@pytest.mark.parametrize(
    "module, args",
    [
        ("geo", []),
        ("geo", ["classify"]),
        ("monitoring", []),
        ("monitoring", ["weekly"]),
        ("monitoring", ["task", "progress"]),
    ],  # fmt: skip
)
def test_help_in_chinese_by_default(module, args):
    res = run(module, *args, "--help")
    assert res.returncode == 0, res.stderr
    assert res.stdout.startswith("用法：") and "选项" in res.stdout and "显示本帮助并退出" in res.stdout
    assert not ARGPARSE_ENGLISH.search(res.stdout), res.stdout
