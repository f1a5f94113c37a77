"""Every page in Chinese and in English (AppTest): no English sentence on a Chinese page, no Chinese
outside data values on an English page; refusals read in the page's language."""

import re

import pytest
import streamlit as st

from tests.i18n.test_error_sweep import CJK, QUOTED
from tests.ui.conftest import PASSWORD, login_as, new_app, the_store

PAGES = ["map", "samples", "retirement", "dashboard", "admin", "account"]
#: Two English words in a row on a Chinese page: text that was not translated.
ENGLISH = re.compile(r"[A-Za-z]{2,}(?:[ ,;:'-]+[A-Za-z]{2,})+")
#: Elements whose value is text, and widgets whose label is.
TEXT_ELEMENTS = ["title", "header", "subheader", "markdown", "caption", "error", "warning", "info", "success"]
WIDGETS = [
    "button",
    "text_input",
    "text_area",
    "number_input",
    "date_input",
    "time_input",
    "selectbox",
    "multiselect",
    "radio",
    "checkbox",
    "toggle",
    "tabs",
    "expander",
    "metric",
]


def page_texts(at):
    """Every text a user reads on the page: element values, widget labels and options, table headers and cells."""
    out = [str(el.value) for kind in TEXT_ELEMENTS for el in getattr(at, kind)]
    for kind in WIDGETS:
        for el in getattr(at, kind):
            out.append(str(getattr(el, "label", "") or ""))
            out += [str(o) for o in getattr(el, "options", [])]
    for el in at.dataframe:
        df = el.value
        out += [str(c) for c in df.columns]
        for c in df.columns:
            if df[c].dtype == object:
                out += [str(v) for v in df[c].dropna().unique()]
    return [x for x in out if x]


def data_values():
    """Names that come from the data (register, sites, units): Chinese in both languages."""
    from ui.data import current_dataset
    from ui.widgets import unit_options

    reg = current_dataset().register
    db = the_store()
    values = set(reg.farm_name) | set(reg.town) | set(reg.village) | set(reg.location) | set(reg.uses)
    values |= set(db.register.list_sites().name) | set(unit_options()) | set(reg.coord_text)
    values |= {"语言 / Language", "中文"}  # the language switch names both languages
    # The documents' own wording from the configuration (group, posts, sources) is data too.
    from monitoring.lakework import load_group_default, load_plan_kinds, load_release_rule

    group, rule = load_group_default(), load_release_rule()
    values |= {group["name"], group["office_location"], group["source"], rule["source"], rule["responsible"]}
    values |= {m[k] for m in group["members"] for k in ("role", "name", "post")}
    kinds = load_plan_kinds(water_body=None)
    values |= {k.source for k in kinds} | {k.responsible for k in kinds}
    values |= {load_release_rule(water_body=b)["source"] for b in ("huanggai",)}
    from monitoring.bodytasks import current_tasks  # the rectification list's wording and units

    values |= {x for t in current_tasks() for x in (t.source, t.unit, t.related, t.leader, t.deadline_note, t.text)}
    return sorted((v for v in values if v), key=len, reverse=True)


def without(text: str, values) -> str:
    text = QUOTED.sub("", text)
    for v in values:
        text = text.replace(v, "")
    return text


@pytest.fixture(scope="module")
def demo_app(tmp_path_factory):
    """The app on its own SQLite file holding the demo data, logged in as administrator "u"."""
    import os

    from monitoring.auth import console_actor
    from monitoring.demo import load_demo

    old = os.environ.get("YEHU_DB")
    os.environ["YEHU_DB"] = str(tmp_path_factory.mktemp("lang") / "ui.sqlite")
    st.cache_resource.clear()
    st.cache_data.clear()
    load_demo(the_store(), user=console_actor())
    yield login_as(new_app())
    st.cache_resource.clear()
    st.cache_data.clear()
    os.environ["YEHU_DB"] = old


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_page_speaks_one_language(demo_app, lang):
    at = demo_app
    at.sidebar.selectbox(key="lang").set_value(lang).run()
    values = data_values()
    found = []
    for page in PAGES:
        at.switch_page(f"ui/pages/{page}.py").run()
        assert not at.exception, (page, at.exception[0].value if at.exception else "")
        texts = page_texts(at)
        assert len(texts) > 10, page  # the page rendered and the sweep sees it
        for text in texts:
            rest = without(text, values)
            if lang == "zh" and ENGLISH.search(rest) or lang == "en" and CJK.search(rest):
                found.append(f"{page}: {text[:160]!r}")
    assert not found, "\n".join(found)


def test_the_page_sweep_can_fail(demo_app):
    values = data_values()
    assert ENGLISH.search(without("第 3 行：duplicate site", values))
    assert CJK.search(without("row 3: 重复", values))
    assert not CJK.search(without(f"No. 1 {values[0]}", values))


@pytest.mark.parametrize("lang, expected", [("zh", "用户名或密码错误。"), ("en", "Wrong username or password.")])
def test_login_refusal_in_the_page_language(anonymous_app, lang, expected):
    from monitoring.auth import CONSOLE

    the_store().accounts.create("li", PASSWORD, "inspector", user=CONSOLE)
    at = anonymous_app
    at.sidebar.selectbox(key="lang").set_value(lang).run()
    at.text_input(key="login_user").set_value("li")
    at.text_input(key="login_password").set_value("wrong-password")
    at.button[0].click().run()
    assert [e.value for e in at.error] == [expected]
