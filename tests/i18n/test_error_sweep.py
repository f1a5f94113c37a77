"""Every error code through both languages.

Every ``error.*`` key of the catalogue and every :class:`~i18n.errors.UserError`
subclass in geo/, monitoring/ and i18n/ is rendered in Chinese and in English:
the Chinese text is Chinese (CJK, no English sentence), the English text holds
no CJK outside quoted user values.  A code the code raises must have its
catalogue entry.  New codes and new subclasses are covered as they appear.
"""

import ast
import importlib
import pkgutil
import re
import string

import pytest

import geo
import i18n
import monitoring
from i18n import MESSAGES, forms, t
from i18n.errors import UserError
from tests.conftest import ROOT

#: Keys under ``error.`` that are parts of a message, not a refusal.
STRUCTURE = {"error.at_row", "error.quoted_value", "error.where_sep", "error.where_why"}

CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
#: Three English words in a row: a sentence that was not translated.
ENGLISH_WORDS = re.compile(r"[A-Za-z]{2,}(?:[ ,;:'-]+[A-Za-z]{2,}){2,}")
#: What a user typed or a file held, as messages quote it.
QUOTED = re.compile(r"'[^']*'|“[^”]*”|`[^`]*`")


def all_modules():
    for package in (geo, monitoring, i18n):
        yield package.__name__
        for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
            if info.name.endswith("__main__") or ".migrations" in info.name:
                continue
            yield info.name


def user_error_classes():
    for name in all_modules():
        importlib.import_module(name)
    seen, todo = [], [UserError]
    while todo:
        cls = todo.pop()
        for sub in cls.__subclasses__():
            if sub not in seen and sub.__module__.split(".")[0] in {"geo", "monitoring", "i18n"}:
                seen.append(sub)
                todo.append(sub)
    return sorted(seen, key=lambda c: (c.__module__, c.__name__))


CLASSES = user_error_classes()
CODES = sorted(k.removeprefix("error.") for k in MESSAGES if k.startswith("error.") and k not in STRUCTURE)


def sample_params(code: str) -> dict:
    """A value for every placeholder of the code's texts: a number (it formats with any numeric spec)."""
    names = set()
    for lang in ("zh", "en"):
        for text in forms(f"error.{code}", lang):
            names |= {re.split(r"[.\[]", n, maxsplit=1)[0] for _, n, _, _ in string.Formatter().parse(text) if n}
    return dict.fromkeys(names, 7)


def check_chinese(text: str, what: str) -> None:
    assert CJK.search(text), f"{what}: no Chinese in {text!r}"
    english = ENGLISH_WORDS.findall(QUOTED.sub("", text))
    assert not english, f"{what}: English in the Chinese text {text!r}: {english}"


def check_english(text: str, what: str) -> None:
    assert not CJK.search(QUOTED.sub("", text)), f"{what}: Chinese in the English text {text!r}"
    assert re.search(r"[A-Za-z]{2,}", text), f"{what}: no words in {text!r}"


def test_the_sweep_sees_every_area():
    areas = {code.split(".")[0] for code in CODES}
    assert {"coord", "register", "config", "crs", "boundary"} <= areas
    names = {c.__name__ for c in CLASSES}
    assert {"CoordinateError", "CoordinateOutOfRangeError", "RegisterError", "CRSError", "ConfigError"} <= names
    assert len(CODES) > 40


@pytest.mark.parametrize("code", CODES)
def test_every_code_reads_in_both_languages(code):
    reserved = {"row", "field", "value"} & set(sample_params(code))
    assert not reserved, f"error.{code}: {reserved} are UserError's own arguments; name the placeholder otherwise"
    err = UserError(code, row=3, field="pond_id", value="x1", **sample_params(code))
    check_chinese(err.message("zh"), code)
    check_chinese(err.reason("zh"), code)
    check_english(err.message("en"), code)
    check_english(err.reason("en"), code)
    assert str(err) == err.message("en")
    assert err.message("zh").startswith(f"第 3 行，{t('field.pond_id', 'zh')}，“x1”：")
    assert err.message("en").startswith(f"row 3, {t('field.pond_id', 'en')}, 'x1': ")


@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: f"{c.__module__}.{c.__name__}")
def test_every_error_class_reads_in_both_languages(cls):
    code = cls.default_code
    assert f"error.{code}" in MESSAGES, f"{cls.__name__}.default_code {code!r} has no catalogue entry"
    if code == UserError.default_code:  # raised with explicit codes only: take the first the code raises
        raised = [text for _, _, kind, text, name in _codes_raised(with_class=True) if name == cls.__name__]
        code = next((c for c in raised if f"error.{c}" in MESSAGES), code)
    try:
        err = cls(code, **sample_params(code))
    except TypeError as exc:  # pragma: no cover - the message says what to do
        pytest.fail(f"{cls.__name__} must accept (code, **params) like UserError: {exc}")
    assert isinstance(err, ValueError) and err.code == code
    check_chinese(err.message("zh"), cls.__name__)
    check_english(err.message("en"), cls.__name__)
    assert err.message("zh") != err.message("en")


def _codes_raised(with_class=False):
    """(file, line, kind, text[, class name]) for every literal code handed to UserError or a subclass."""
    names = {"UserError"} | {c.__name__ for c in CLASSES}
    for package in ("geo", "monitoring", "i18n", "ui"):
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if not isinstance(node, ast.Call):
                    continue
                func = node.func
                name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
                if name not in names:
                    continue
                args = list(node.args[:1]) + [k.value for k in node.keywords if k.arg == "code"]
                for arg in args:
                    for sub in (arg.body, arg.orelse) if isinstance(arg, ast.IfExp) else (arg,):
                        where = (path.relative_to(ROOT), node.lineno)
                        if isinstance(sub, ast.Constant) and isinstance(sub.value, str):
                            found = (*where, "key", sub.value)
                        elif isinstance(sub, ast.JoinedStr) and sub.values and isinstance(sub.values[0], ast.Constant):
                            found = (*where, "prefix", sub.values[0].value)
                        else:
                            continue
                        yield (*found, name) if with_class else found


def test_every_code_raised_has_its_entry():
    raised = list(_codes_raised())
    assert any(text == "coord.empty" for *_, text in raised)  # the scan sees the code
    missing = [
        f"{path}:{line}: error.{text}"
        for path, line, kind, text in raised
        if not (f"error.{text}" in MESSAGES if kind == "key" else any(k.startswith(f"error.{text}") for k in MESSAGES))
    ]
    assert not missing, "\n".join(missing)


@pytest.mark.parametrize(
    "text, code",
    [
        ("", "coord.empty"),
        ("湖边老槐树下", "coord.unreadable"),
        ("29.6635, 113.4136", "coord.looks_swapped"),
        ("W113.4 N29.6", "coord.outside_china"),
    ],
)
def test_coordinate_refusals_quote_the_input_in_both_languages(text, code):
    from geo.coords import CoordinateError, parse_coordinate

    with pytest.raises(CoordinateError) as err:
        parse_coordinate(text)
    assert err.value.code == code
    check_chinese(err.value.message("zh"), code)
    check_english(err.value.message("en"), code)


def test_register_refusals_in_both_languages(tmp_path):
    from geo.register import COLUMNS, RegisterError, load_register

    path = tmp_path / "ponds.csv"
    path.write_text(",".join(COLUMNS) + "\nx,江南镇,,,E113 N29,1,2,3,鱼塘,maybe,odd,,\n", encoding="utf-8")
    with pytest.raises(RegisterError) as err:
        load_register(path)
    zh, en = err.value.message("zh"), err.value.message("en")
    assert len(err.value.problems) >= 5 and len(zh.splitlines()) == len(en.splitlines()) == 1 + len(err.value.problems)
    for line in zh.splitlines():
        check_chinese(line, "register")
    for line in en.splitlines():
        check_english(line, "register")
    assert str(tmp_path) not in zh + en


def test_config_refusals_in_both_languages(tmp_path):
    from geo.config import ConfigError, load_config

    for text in ("[zones]\nban_distance_m = -1\n", "[zones]\nshape = 1\n", "[zones\n"):
        path = tmp_path / "yehu.toml"
        path.write_text(text, encoding="utf-8")
        with pytest.raises(ConfigError) as err:
            load_config(path)
        check_chinese(err.value.message("zh"), err.value.code)
        check_english(err.value.message("en"), err.value.code)
        assert str(tmp_path) not in err.value.message("zh") + err.value.message("en")


def test_t_and_the_errors_agree_on_languages():
    assert t("error.coord.empty", "zh") != t("error.coord.empty", "en")


def test_the_language_checks_can_fail():
    with pytest.raises(AssertionError):
        check_chinese("duplicate: site 5 already has a sample", "x")
    with pytest.raises(AssertionError):
        check_chinese("第 3 行：duplicate site already sampled", "x")
    with pytest.raises(AssertionError):
        check_english("row 3: 重复", "x")
    check_english("row 3, '湖边': cannot read", "x")  # a quoted user value may be Chinese
