"""The role × action matrix, and audit completeness checked by introspection.

Every public Store method is either a read (listed in READS, and its source
writes nothing), an account action of the caller's own (AUTH), or a mutation
with a recipe below.  A new public method that is none of these fails
`test_every_public_method_is_classified`; a mutation that changes data without
an audit row fails `test_every_mutation_writes_an_audit_row`.
"""

import inspect
import itertools
import json
import re
from datetime import date, datetime, timedelta

import geopandas as gpd
import pytest
from sqlalchemy import select

from geo.dataset import load_dataset
from geo.register import data_dir
from monitoring.auth import ACTIONS, CONSOLE, ROLES, PermissionDenied
from monitoring.demo import load_demo
from monitoring.samples import TZ, ParsedValue, SampleInput
from monitoring.schema import metadata
from monitoring.store import Store

T0 = datetime(2022, 4, 12, 9, 0, tzinfo=TZ)
TODAY = date(2022, 6, 1)
PW = "matrix-password"

READS = {
    "active_boundaries", "audit_log", "authorize", "boundary_file", "boundary_versions", "case_for_sample",
    "cases", "count_audit", "count_samples", "edits_for_dataset", "event_photo", "geometry_stamp", "has_synthetic",
    "has_users", "latest_time", "ledger", "ledger_events", "lock_until", "patrols", "pond_statuses",
    "register_edits", "revision", "sample_history", "samples", "sites", "stamp", "tips", "users", "week_samples",
    "weekly", "weekly_grid",
}  # fmt: skip
# Act on the caller's own session or password; audited, but not role-checked (see test_auth.py).
AUTH = {"login", "logout", "session_user", "change_password"}


class World:
    """Objects to act on, prepared by administrator "u" (unique per call)."""

    def __init__(self, store, register):
        self.s, self.register = store, register
        self.n = itertools.count(1)
        self.ponds = iter(str(i) for i in range(1, 18))
        self.ds = load_dataset()
        self.lake = (data_dir() / "boundaries" / "lake.geojson").read_bytes()
        store.create_user("target", PW, "viewer", user=CONSOLE)

    def sample(self, site="1", value=0.05, minutes=None, synthetic=False):
        n = next(self.n) if minutes is None else minutes
        inp = SampleInput(site, T0 + timedelta(minutes=n), ParsedValue(value, False, None))
        return self.s.add_sample(inp, "u", synthetic=synthetic)

    def case(self):
        uid = self.sample("9", 0.5)
        return int(self.s.cases().set_index("sample_uid").loc[uid, "id"])

    def closable_case(self):
        n = next(self.n) * 10
        uid = self.sample("8", 0.5, minutes=n)
        self.sample("8", 0.05, minutes=n + 1)
        return int(self.s.cases().set_index("sample_uid").loc[uid, "id"])

    def event(self):
        return self.s.record_step(next(self.ponds), "end_contract", date(2022, 4, 8), "u", today=TODAY)

    def patrol_case(self):
        return self.s.add_patrol(date(2022, 5, 3), "王五", "u", ponds=["8"], findings=["feeding"], open_case=True,
                                 today=TODAY)  # fmt: skip

    def tip(self):
        return self.s.add_tip(date(2022, 5, 4), "投饵", "E113.4252 N29.6439", self.ds, "u", today=TODAY)

    def sections(self):
        sec = self.register[1].copy()
        n = next(self.n)
        sec["section_id"] = [f"X{n}-{i}" for i in range(len(sec))]
        return gpd.GeoDataFrame(sec, crs=self.register[1].crs)


def _when(w):
    return T0 + timedelta(days=30, minutes=next(w.n))


# method -> (action, prepare(world) -> args, call(store, world, args, user))
MUTATIONS = {
    "add_sample": ("sample.add", lambda w: None,
                   lambda s, w, a, u: s.add_sample(SampleInput("2", _when(w), ParsedValue(0.05, False, None)), u)),
    "correct_sample": ("sample.correct", lambda w: w.sample(),
                       lambda s, w, a, u: s.correct_sample(a, {"value": ParsedValue(0.06, False, None)}, "复测", u)),
    "retract_sample": ("sample.retract", lambda w: w.sample(), lambda s, w, a, u: s.retract_sample(a, "录错", u)),
    "import_samples": ("sample.import", lambda w: next(w.n),
                       lambda s, w, a, u: s.import_samples(
                           [(2, SampleInput("3", _when(w), ParsedValue(0.05, False, None)))], f"batch{a}", "f.csv", u)),
    "update_case": ("case.update", lambda w: w.case(), lambda s, w, a, u: s.update_case(a, u, findings="排查")),
    "close_case": ("case.close", lambda w: w.closable_case(), lambda s, w, a, u: s.close_case(a, u)),
    "record_step": ("ledger.record", lambda w: next(w.ponds),
                    lambda s, w, a, u: s.record_step(a, "end_contract", date(2022, 4, 8), u, today=TODAY)),
    "void_event": ("ledger.void", lambda w: w.event(), lambda s, w, a, u: s.void_event(a, "录错", u)),
    "add_patrol": ("patrol.add", lambda w: None,
                   lambda s, w, a, u: s.add_patrol(date(2022, 5, 3), "王五", u, ponds=["1"], today=TODAY)),
    "update_patrol_case": ("patrol.case", lambda w: w.patrol_case(),
                           lambda s, w, a, u: s.update_patrol_case(a, u, action="已制止")),
    "add_tip": ("tip.add", lambda w: None,
                lambda s, w, a, u: s.add_tip(date(2022, 5, 4), "投饵", "E113.4252 N29.6439", w.ds, u, today=TODAY)),
    "update_tip": ("tip.update", lambda w: w.tip(), lambda s, w, a, u: s.update_tip(a, u, notes="已核")),
    "add_site": ("site.add", lambda w: next(w.n),
                 lambda s, w, a, u: s.add_site(f"L{a}", "lake", "湖心", 113.42, 29.65, "test", user=u)),
    "load_register": ("register.load", lambda w: w.sections(),
                      lambda s, w, a, u: s.load_register(w.register[0], a, user=u)),
    "correct_pond": ("register.correct", lambda w: next(w.n),
                     lambda s, w, a, u: s.correct_pond(1, user=u, reason="测量", area_mu=50 + a)),
    "verify_pond": ("register.verify", lambda w: next(w.n),
                    lambda s, w, a, u: s.verify_pond(2, f"E113.41{a} N29.65", user=u, verified_by="李",
                                                     verified_on=date(2026, 1, 1))),
    "upload_boundary": ("boundary.upload", lambda w: None,
                        lambda s, w, a, u: s.upload_boundary("lake", "lake.geojson", w.lake, user=u)),
    "remove_synthetic": ("demo.remove", lambda w: w.sample(synthetic=True),
                         lambda s, w, a, u: s.remove_synthetic(user=u)),
    "create_user": ("user.create", lambda w: next(w.n),
                    lambda s, w, a, u: s.create_user(f"new{a}", PW, "viewer", user=u)),
    "update_user": ("user.update", lambda w: next(w.n),
                    lambda s, w, a, u: s.update_user("target", user=u, display_name=f"名{a}")),
}  # fmt: skip
# Mutations outside the Store (they check their action, then write through Store methods).
OTHER_MUTATIONS = {
    "load_demo": ("demo.load", lambda w: None, lambda s, w, a, u: load_demo(s, u, weeks=1)),
}
ALL_MUTATIONS = MUTATIONS | OTHER_MUTATIONS
AUDITED_AS = {"load_demo": "sample.add"}  # one audit row per demo sample it adds


def public_methods():
    return {n for n, f in inspect.getmembers(Store) if not n.startswith("_") and callable(f)}


def test_every_public_method_is_classified():
    unclassified = public_methods() - READS - AUTH - set(MUTATIONS)
    assert not unclassified, f"new Store method(s) {unclassified}: add a recipe to MUTATIONS, or to READS"
    assert not (READS & set(MUTATIONS)) and set(MUTATIONS) <= public_methods()
    assert {a for a, _, _ in ALL_MUTATIONS.values()} == set(ACTIONS)


WRITES = re.compile(r"\binsert\(|\bupdate\(|\.delete\(|engine\.begin\(|\b_audit\(")


@pytest.mark.parametrize("name", sorted(READS))
def test_reads_write_nothing(name):
    assert not WRITES.search(inspect.getsource(getattr(Store, name))), f"{name} writes: move it to MUTATIONS"


@pytest.mark.parametrize("name", sorted(MUTATIONS))
def test_mutations_check_their_permission_and_audit(name):
    source = inspect.getsource(getattr(Store, name))
    action = MUTATIONS[name][0]
    assert f'"{action}"' in source, f"{name} does not check {action}"
    assert "_audit(" in source or "_write_edit(" in source or "insert(audit)" in source


@pytest.fixture
def world(store, register):
    return World(store, register)


def test_role_action_matrix(store, world):
    for role in ROLES:
        store.create_user(f"{role}-actor", PW, role, user=CONSOLE)
    for _name, (action, prepare, call) in ALL_MUTATIONS.items():
        for role in ROLES:
            args = prepare(world)
            user = f"{role}-actor"
            if role in ACTIONS[action]:
                call(store, world, args, user)  # allowed: must not raise
            else:
                with pytest.raises(PermissionDenied, match=re.escape(action)):
                    call(store, world, args, user)


def test_unknown_disabled_and_anonymous_users_are_refused(store, world):
    store.create_user("gone", PW, "admin", user=CONSOLE)
    store.update_user("gone", user="u", active=False)
    for _name, (_action, prepare, call) in ALL_MUTATIONS.items():
        for user, why in [("nobody", "no such account"), ("gone", "disabled"), ("", "no acting user"),
                          (None, "no acting user")]:  # fmt: skip
            with pytest.raises(PermissionDenied, match=why):
                call(store, world, prepare(world), user)


def snapshot(store) -> dict:
    out = {}
    with store.engine.connect() as conn:
        for tname, table in metadata.tables.items():
            if tname == "audit":
                continue
            cols = [c for c in table.c if not (tname == "sessions" and c.name == "last_seen")]
            rows = conn.execute(select(*cols).order_by(*table.primary_key.columns)).all()
            out[tname] = [tuple(map(repr, r)) for r in rows]
    return out


def test_every_mutation_writes_an_audit_row(store, world):
    for name, (action, prepare, call) in ALL_MUTATIONS.items():
        args = prepare(world)
        before, audit_before = snapshot(store), store.count_audit()
        call(store, world, args, "u")
        after = snapshot(store)
        changed = [t for t in after if after[t] != before[t]]
        assert changed, f"{name}: the recipe changed nothing"
        new = store.audit_log(limit=store.count_audit() - audit_before)
        assert len(new), f"{name} changed {changed} without an audit row"
        expected = AUDITED_AS.get(name, action)
        assert expected in set(new.action), f"{name}: audit rows {set(new.action)}, expected {expected}"
        assert set(new.actor) == {"u"}
        for col in ("before", "after"):
            for value in new[col].dropna():
                json.loads(value)  # valid JSON
