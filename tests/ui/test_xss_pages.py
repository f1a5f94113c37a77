"""User text with HTML/script payloads is shown as text on every page (never as markup)."""

import json
from datetime import date, datetime

from monitoring.samples import TZ, ParsedValue, SampleInput
from tests.conftest import actor
from tests.test_hardening import PAYLOADS as HTML_PAYLOADS
from tests.ui.conftest import the_store

#: A markdown link in a name must render as text, not as a link, for every role.
MD_LINK = "[点我领取补贴](http://evil.example/x)"
PAYLOADS = [*HTML_PAYLOADS, MD_LINK]
PAGES = ["map", "samples", "retirement", "dashboard", "admin", "account"]
MARKDOWN_KINDS = ("markdown", "caption", "info", "success", "warning", "error", "title", "subheader", "header")


def sections_with(payload):
    feat = {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [113.43, 29.655]},
        "properties": {"section_id": "P1", "name": payload, "source": payload, "provisional": True, "notes": payload},
    }
    return json.dumps({"type": "FeatureCollection", "features": [feat]}).encode()


def fill_with_payloads(s, payloads=PAYLOADS):
    p = iter(payloads * (40 // len(payloads)))
    s.register.add_site("L1", "lake", next(p), 113.4229, 29.6532, next(p), user=actor("u"))
    for site, value in (("9", 0.5), ("L1", 0.3)):
        s.samples.add(SampleInput(site, datetime(2022, 4, 12, 9, tzinfo=TZ), ParsedValue(value, False, None),
                        kind="lake" if site == "L1" else "tail_water", inspector=next(p), notes=next(p),
                        laboratory=next(p)), user=actor("u"))  # fmt: skip
    case = int(s.cases.find().id.iloc[0])
    s.cases.update(case, user=actor("u"), findings=next(p), action=next(p), responsible_unit=next(p))
    s.field.add_patrol(date(2022, 5, 3), next(p), user=actor("u"), ponds=["8"], area=next(p), findings=["feeding"],
                       notes=next(p), open_case=True, today=date(2022, 6, 1))  # fmt: skip
    s.field.add_tip(date(2022, 5, 4), next(p), "E113.4252 N29.6439", None or _ds(), user=actor("u"), contact=next(p))
    s.ledger.record(
        "5",
        "end_contract",
        date(2022, 4, 8),
        user=actor("u"),
        note=next(p),
        document_no=next(p),
        today=date(2022, 6, 1),
    )
    s.register.correct_pond(1, user=actor("u"), reason=next(p), area_mu=51)
    s.register.verify_pond(
        2, "E113.41 N29.65", user=actor("u"), verified_by=next(p), verified_on=date(2026, 1, 2), note=next(p)
    )
    s.register.upload_boundary("sections", "sections.geojson", sections_with(next(p)), user=actor("u"), note=next(p))
    s.accounts.update("u", user=actor("u"), display_name=next(p))


def _ds():
    from geo.dataset import load_dataset

    return load_dataset()


def markdown_sources(at):
    out = []
    for kind in MARKDOWN_KINDS:
        for el in getattr(at, kind):
            out.append((kind, str(el.value)))
    for el in at.sidebar.markdown:
        out.append(("sidebar", str(el.value)))
    return out


def test_payloads_never_reach_markdown_raw(fresh_app):
    at = fresh_app
    fill_with_payloads(the_store())
    from ui.data import dataset

    dataset.clear()
    for lang in ("zh", "en"):
        at.sidebar.selectbox(key="lang").set_value(lang).run()
        for page in PAGES:
            at.switch_page(f"ui/pages/{page}.py").run()
            assert not at.exception, (page, at.exception)
            for kind, text in markdown_sources(at):
                for payload in PAYLOADS:
                    assert payload not in text, f"{page} {kind}: raw payload {payload!r} in {text!r}"
    # The payloads were shown somewhere (as data), so the check above saw real content.
    at.switch_page("ui/pages/retirement.py").run()
    shown = " ".join(str(df.value.to_numpy().tolist()) for df in at.dataframe)
    assert PAYLOADS[0] in shown or any(p in shown for p in PAYLOADS)


def test_a_markdown_link_in_every_user_supplied_name_is_text(fresh_app):
    """Every name, note and source filled with a markdown link: no page renders it as a link."""
    at = fresh_app
    fill_with_payloads(the_store(), [MD_LINK])
    from ui.data import dataset

    dataset.clear()
    escaped = 0
    for page in PAGES:
        at.switch_page(f"ui/pages/{page}.py").run()
        assert not at.exception, (page, at.exception)
        for kind, text in markdown_sources(at):
            assert MD_LINK not in text and "](http://evil" not in text, f"{page} {kind}: {text!r}"
            escaped += "点我领取补贴" in text
    assert escaped  # the names were shown, as text
