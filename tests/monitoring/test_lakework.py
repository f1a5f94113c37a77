"""Lake-level work: plans, organism releases and the leading group, on SQLite and PostgreSQL."""

import io
import json
import zipfile
from concurrent.futures import ThreadPoolExecutor
from datetime import date

import pytest
from sqlalchemy import insert, inspect, select

from monitoring.auth import CONSOLE, PermissionDenied
from monitoring.lakework import LakeWorkError, PlanKind, load_plan_kinds, plan_states, release_totals, safe_name
from monitoring.schema import lake_releases
from monitoring.textguard import TextRefused
from tests.conftest import actor, refused

U = actor("u")
TODAY = date(2023, 3, 1)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def docx() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", "<w:document/>")
    return buf.getvalue()


def test_a_plan_is_drafted_then_approved_with_its_file(store):
    lw = store.lakework
    d = lw.add_plan("sediment", "drafted", date(2022, 9, 1), user=U, document_no="  送审稿 ", today=TODAY,
                    file=PDF, file_name="../../tmp/底泥治理方案（送审稿）.pdf")  # fmt: skip
    a = lw.add_plan("sediment", "approved", date(2022, 11, 20), user=U, document_no="临政函〔2022〕88号",
                    file=docx(), file_name="批复.docx", today=TODAY)  # fmt: skip
    plans = lw.plans()
    assert list(plans.id) == [d, a] and list(plans.water_body) == ["yehu", "yehu"]
    assert plans.document_no.tolist() == ["送审稿", "临政函〔2022〕88号"] and plans.has_file.all()
    data, name, mime = lw.plan_file(d)
    assert data == PDF and name == "底泥治理方案（送审稿）.pdf" and mime == "application/pdf"
    assert lw.plan_file(a)[2].endswith("wordprocessingml.document")
    states = {s["kind"].key: s for s in plan_states(plans.to_dict("records"), load_plan_kinds(), TODAY)}
    assert states["sediment"]["status"] == "approved" and states["sediment"]["state"] == "done"
    assert states["ecology"]["status"] == "none" and states["ecology"]["state"] == "ongoing"  # no deadline given
    # as of a day between the two entries, only the draft counts
    mid = {s["kind"].key: s for s in plan_states(plans.to_dict("records"), load_plan_kinds(), date(2022, 10, 1))}
    assert mid["sediment"]["status"] == "drafted" and mid["sediment"]["entry"]["id"] == d
    audit = store.audit.log(limit=2)
    assert set(audit.action) == {"lake.plan"}
    after = json.loads(audit.iloc[-1]["after"] if audit.iloc[-1]["entity_id"] == str(d) else audit.iloc[0]["after"])
    assert after["file"]["bytes"] == len(PDF) and after["kind"] == "sediment"


def test_plan_refusals_leave_nothing_written(store):
    lw = store.lakework
    lw.add_plan("ecology", "drafted", date(2022, 9, 1), user=U, today=TODAY)
    with refused("lake.plan_twice", LakeWorkError):
        lw.add_plan("ecology", "drafted", date(2022, 9, 2), user=U, today=TODAY)
    with refused("lake.approved_before_draft", LakeWorkError):
        lw.add_plan("ecology", "approved", date(2022, 8, 1), user=U, today=TODAY)
    with refused("lake.in_future", LakeWorkError):
        lw.add_plan("sediment", "drafted", date(2023, 3, 2), user=U, today=TODAY)
    with refused("lake.before_plan", LakeWorkError):
        lw.add_plan("sediment", "drafted", date(2021, 12, 31), user=U, today=TODAY)
    with refused("lake.unknown_plan", LakeWorkError):
        lw.add_plan("dredging", "drafted", date(2022, 9, 1), user=U, today=TODAY)
    with refused("lake.unknown_status", LakeWorkError):
        lw.add_plan("sediment", "done", date(2022, 9, 1), user=U, today=TODAY)
    with refused("lake.water_body", LakeWorkError):
        lw.add_plan("sediment", "drafted", date(2022, 9, 1), user=U, today=TODAY, water_body="dongting")
    with refused("lake.file_type", LakeWorkError):  # an executable named .pdf
        lw.add_plan("sediment", "drafted", date(2022, 9, 1), user=U, today=TODAY, file=b"MZ\x90\x00", file_name="a.pdf")
    with refused("lake.file_type", LakeWorkError):  # a zip that is not a Word file
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as zf:
            zf.writestr("x.txt", "x")
        lw.add_plan("sediment", "drafted", date(2022, 9, 1), user=U, today=TODAY, file=buf.getvalue())
    with pytest.raises(PermissionDenied):
        store.accounts.create("looker", "viewer-password-1", "viewer", user=CONSOLE)
        lw.add_plan("sediment", "drafted", date(2022, 9, 1), user=actor("looker", "admin"), today=TODAY)
    assert len(lw.plans()) == 1
    # the same plan on another water body is its own entry
    lw.add_plan("ecology", "drafted", date(2022, 9, 1), user=U, today=TODAY, water_body="huanggai")
    assert len(lw.plans()) == 1 and len(lw.plans(None)) == 2


def test_a_voided_plan_is_kept_and_no_longer_counts(store):
    lw = store.lakework
    wrong = lw.add_plan("sediment", "approved", date(2022, 10, 1), user=U, today=TODAY)
    with refused("lake.void_reason", LakeWorkError):
        lw.void_plan(wrong, "  ", user=U)
    lw.void_plan(wrong, "文号录错", user=actor("a"))
    with refused("lake.already_void", LakeWorkError):
        lw.void_plan(wrong, "again", user=U)
    with refused("lake.no_entry", LakeWorkError):
        lw.void_plan(999, "x", user=U)
    plans = lw.plans()
    row = plans.set_index("id").loc[wrong]
    assert row.voided_by == "a" and row.void_reason == "文号录错" and row.status == "approved"
    states = plan_states(plans.to_dict("records"), load_plan_kinds(), TODAY)
    assert states[0]["status"] == "none"
    lw.add_plan("sediment", "approved", date(2022, 10, 2), user=U, today=TODAY)  # may be recorded again
    last = store.audit.log(limit=2)
    assert "lake.plan_void" in set(last.action)


def test_a_configured_deadline_makes_an_unapproved_plan_overdue():
    kinds = [PlanKind("sediment", "底泥", "Sediment", date(2022, 12, 31), "市自然资源局")]
    drafted = [{"id": 1, "kind": "sediment", "status": "drafted", "plan_date": date(2022, 6, 1), "voided_at": None}]
    assert [(s["state"], s["days"]) for s in plan_states(drafted, kinds, date(2023, 1, 10))] == [("overdue", 10)]
    assert [(s["state"], s["days"]) for s in plan_states(drafted, kinds, date(2022, 12, 31))] == [("pending", 0)]
    approved = [*drafted, {"id": 2, "kind": "sediment", "status": "approved", "plan_date": date(2023, 2, 1)}]
    assert plan_states(approved, kinds, date(2023, 1, 10))[0]["state"] == "overdue"  # not yet approved then
    assert plan_states(approved, kinds, date(2023, 2, 1))[0]["state"] == "done"


def test_releases_are_recorded_summed_and_voided(store):
    lw = store.lakework
    r1 = lw.add_release(date(2023, 1, 5), " 河蚌 ", 500, "kg", user=U, water_area=200, area_unit="mu",
                        releasing_unit="市农业农村局", note="网捕后", today=TODAY)  # fmt: skip
    r2 = lw.add_release(date(2023, 1, 9), "河蚌", 300.5, "kg", user=U, today=TODAY)
    r3 = lw.add_release(date(2023, 2, 1), "鲢鳙", 2, "wan_tail", user=U, water_area=50000, area_unit="m2", today=TODAY)
    rel = lw.releases()
    assert list(rel.id) == [r1, r2, r3] and rel.species.tolist() == ["河蚌", "河蚌", "鲢鳙"]
    assert rel.water_area.iloc[0] == 200 and rel.area_unit.tolist() == ["mu", "mu", "m2"]
    assert rel.water_body.unique().tolist() == ["yehu"]
    totals = release_totals(rel.to_dict("records"), TODAY)
    assert [(t["species"], t["quantity"], t["count"]) for t in totals] == [("河蚌", 800.5, 2), ("鲢鳙", 2.0, 1)]
    assert release_totals(rel.to_dict("records"), TODAY, since=date(2023, 1, 6))[0]["quantity"] == 300.5
    lw.void_release(r2, "重复录入", user=U)
    totals = release_totals(lw.releases().to_dict("records"), TODAY)
    assert totals[0]["quantity"] == 500 and len(lw.releases()) == 3
    for bad, code in [
        (dict(quantity=0), "lake.quantity"),
        (dict(quantity=float("nan")), "lake.quantity"),
        (dict(quantity="5"), "lake.quantity"),
        (dict(quantity_unit="ton"), "lake.quantity_unit"),
        (dict(species=" "), "lake.species_missing"),
        (dict(release_date=date(2023, 3, 2)), "lake.in_future"),
        (dict(water_area=-1), "lake.water_area"),
        (dict(area_unit="ha"), "lake.area_unit"),
    ]:
        args = dict(release_date=date(2023, 1, 5), species="螺蛳", quantity=1, quantity_unit="kg") | bad
        with refused(code, LakeWorkError):
            lw.add_release(args.pop("release_date"), args.pop("species"), args.pop("quantity"),
                           args.pop("quantity_unit"), user=U, today=TODAY, **args)  # fmt: skip
    assert len(lw.releases()) == 3


def test_the_leading_group_comes_from_configuration_until_an_administrator_edits_it(store):
    lw = store.lakework
    g = lw.group()
    assert g["version"] == 0 and g["edited_by"] is None
    assert g["name"] == "临湘市冶湖水环境问题整改工作领导小组" and g["office_location"] == "市自然资源局"
    assert [(m["role"], m["name"]) for m in g["members"][:2]] == [("组长", "李开龙"), ("副组长", "戴季田")]
    assert g["members"][-1] == {"body": "office", "role": "办公室主任", "name": "李海洋", "post": "市自然资源局副局长"}
    edited = [*g["members"][:1], {"body": "group", "role": "副组长", "name": "王新", "post": "市自然资源局局长"},
              {"body": "", "role": "", "name": "", "post": ""}, *g["members"][2:]]  # fmt: skip
    assert lw.set_group(edited, user=U) == 1
    g1 = lw.group()
    assert g1["version"] == 1 and g1["edited_by"] == "u" and g1["members"][1]["name"] == "王新"
    assert len(g1["members"]) == len(g["members"])
    audit = store.audit.log(limit=1).iloc[0]
    assert audit.action == "lake.group" and json.loads(audit.after)["members"][1]["name"] == "王新"
    assert audit.before is None
    lw.set_group(g1["members"][:2], user=U)
    audit = store.audit.log(limit=1).iloc[0]
    assert len(json.loads(audit.before)["members"]) == len(g["members"]) and len(lw.group()["members"]) == 2
    with refused("lake.no_members", LakeWorkError):
        lw.set_group([{"body": "group", "role": "", "name": "", "post": ""}], user=U)
    with refused("lake.member_body", LakeWorkError):
        lw.set_group([{"body": "council", "role": "组长", "name": "李"}], user=U)
    with refused("lake.member_role", LakeWorkError):
        lw.set_group([{"body": "group", "role": "", "name": "李"}], user=U)
    with refused("text.too_long", TextRefused):
        lw.set_group([{"body": "group", "role": "组长", "name": "李" * 51}], user=U)
    store.accounts.create("insp1", "inspector-pass-1", "inspector", user=CONSOLE)
    with pytest.raises(PermissionDenied):
        lw.set_group(g["members"], user=actor("insp1"))
    assert lw.group()["version"] == 2 and lw.group("huanggai")["version"] == 0


def test_water_body_defaults_to_yehu_in_the_database(store):
    cols = {c["name"]: c for c in inspect(store.engine).get_columns("lake_releases")}
    assert "yehu" in str(cols["water_body"]["default"])
    with store.engine.begin() as conn:  # a row written without the column (as an older client would)
        conn.execute(insert(lake_releases).values(release_date=date(2023, 1, 1), species="螺蛳", quantity=1.0,
                                                  quantity_unit="kg", recorded_by="u", recorded_at=TODAY))  # fmt: skip
        assert conn.execute(select(lake_releases.c.water_body)).scalar() == "yehu"


def test_file_names_are_stripped_of_folders_and_control_characters():
    assert safe_name("C:\\Users\\张\\方案.pdf") == "方案.pdf"
    assert safe_name("..\x07.pdf") == "pdf"
    assert safe_name(None, "方案") == "方案"


def test_concurrent_drafts_of_one_plan_record_one(store):
    store.engine.dispose()
    today = TODAY

    def draft(i):
        try:
            return store.lakework.add_plan("ecology", "drafted", date(2022, 9, 1 + i), user=U, today=today)
        except LakeWorkError as exc:
            return exc.code

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(draft, range(8)))
    assert sum(isinstance(r, int) for r in results) == 1, results
    assert sorted(r for r in results if not isinstance(r, int)) == ["lake.plan_twice"] * 7
    assert len(store.lakework.plans()) == 1
