"""The catalogue: both languages, the same placeholders, real plurals, and every key the code names exists."""

import ast
import re
import string
from pathlib import Path

import pytest

from i18n import COUNTS, LANGS, MESSAGES, PLURAL_FORMS, forms, load_catalogue, t
from tests.conftest import ROOT

#: Folders (and files) whose Python code is scanned for catalogue keys.
SOURCES = ["app.py", "geo", "monitoring", "ui", "i18n"]
#: Functions whose first argument is a catalogue key.
KEY_CALLS = {"t", "tr", "say"}
#: Functions whose first argument is a key prefix (options rendered as ``prefix.value``).
PREFIX_CALLS = {"labeller", "_code"}


def placeholders(text: str) -> set[str]:
    """The names a format string uses (``{n:,}`` → ``n``, ``{a.b}`` → ``a``)."""
    names = set()
    for _, name, _, _ in string.Formatter().parse(text):
        if name is not None:
            names.add(re.split(r"[.\[]", name, maxsplit=1)[0])
    return names


def python_files():
    for entry in SOURCES:
        path = ROOT / entry
        yield from ([path] if path.is_file() else sorted(p for p in path.rglob("*.py") if "migrations" not in p.parts))


def _name(func) -> str:
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""


def _literals(node):
    """The key literals an argument can evaluate to: ('key', text) or ('prefix', text)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        yield "key", node.value
    elif isinstance(node, ast.IfExp):
        yield from _literals(node.body)
        yield from _literals(node.orelse)
    elif isinstance(node, ast.JoinedStr) and node.values and isinstance(node.values[0], ast.Constant):
        yield "prefix", node.values[0].value


def used_keys():
    """Every (file, line, kind, text) where the code names a catalogue key literally."""
    for path in python_files():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            name = _name(node.func)
            if name in KEY_CALLS:
                for kind, text in _literals(node.args[0]):
                    yield path.relative_to(ROOT), node.lineno, kind, text
            elif name in PREFIX_CALLS:
                for _, text in _literals(node.args[0]):
                    yield path.relative_to(ROOT), node.lineno, "prefix", text + "."


def test_every_key_has_both_languages_with_the_same_placeholders():
    bad = []
    for key in MESSAGES:
        per_lang = {}
        for lang in LANGS:
            names = [placeholders(text) for text in forms(key, lang)]
            # every plural form of one language uses the same placeholders ...
            if any(n != names[0] for n in names):
                bad.append((key, lang, names))
            per_lang[lang] = names[0] - {COUNTS.get(key)}
        # ... and the languages agree (a count need not be shown where the form already says it)
        if len(set(map(frozenset, per_lang.values()))) != 1:
            bad.append((key, per_lang))
    assert not bad


def test_every_key_renders_in_both_languages():
    for key in MESSAGES:
        for lang in LANGS:
            for text in forms(key, lang):
                params = {name: 1 for name in placeholders(text)}
                assert t(key, lang, **params), key


def test_plurals_are_real():
    fake = [(k, text) for k in MESSAGES for text in forms(k, "en") if re.search(r"\w\(s\)|\(es\)", text)]
    assert not fake, "write the English plural forms as en = { one = …, other = … }"
    for key, count in COUNTS.items():
        en = MESSAGES[key][LANGS.index("en")]
        assert isinstance(en, dict) and en["one"] != en["other"], key
        assert t(key, "en", **{name: 1 for name in placeholders(en["one"]) | {count}}) != t(
            key, "en", **{name: 2 for name in placeholders(en["other"]) | {count}}
        )


def test_plural_form_is_chosen_by_the_count():
    assert t("cli.ok", "en", n=1).endswith("1 pond with a suspect coordinate.")
    assert t("cli.ok", "en", n=0).endswith("0 ponds with a suspect coordinate.")
    assert t("cli.ok", "en", n=17).endswith("17 ponds with a suspect coordinate.")
    assert t("cli.ok", "en", n=1.0).endswith("1.0 pond with a suspect coordinate.")
    assert t("cli.ok", "zh", n=1) == "检查完成：数据可加载，1 个鱼池坐标存疑。"


@pytest.mark.parametrize(
    "text, error",
    [
        ('["a.b"]\nzh = "甲"\n', "lacks \\['en'\\]"),
        ('["a.b"]\nzh = "甲"\nen = { one = "a" }\n', "lacks \\['en'\\]"),
        ('["a.b"]\nzh = "甲"\nen = "a"\nfr = "a"\n', "unknown entries"),
    ],
)
def test_malformed_entries_are_refused(tmp_path, text, error):
    (tmp_path / "x.toml").write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match=error):
        load_catalogue(tmp_path)


def test_a_key_defined_twice_is_refused(tmp_path):
    for name in ("a.toml", "b.toml"):
        (tmp_path / name).write_text('["a.b"]\nzh = "甲"\nen = "a"\n', encoding="utf-8")
    with pytest.raises(ValueError, match="defined twice"):
        load_catalogue(tmp_path)


def test_every_key_the_code_names_exists():
    keys = set(MESSAGES)
    missing = []
    for path, line, kind, text in used_keys():
        ok = text in keys if kind == "key" else any(k.startswith(text) for k in keys)
        if not ok:
            missing.append(f"{path}:{line}: {text}{'…' if kind == 'prefix' else ''}")
    assert not missing, "\n".join(missing)


def test_the_scan_sees_the_code():
    found = {(str(p), kind, text) for p, _, kind, text in used_keys()}
    assert (str(Path("geo/__main__.py")), "key", "cli.ok") in found
    assert any(kind == "prefix" and text == "role." for _, kind, text in found)


def test_plural_forms_are_one_and_other():
    assert PLURAL_FORMS == ("one", "other")
