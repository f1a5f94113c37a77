"""The role × action matrix, and audit completeness checked by introspection.

Every public method of the Store and of each of its repositories (``"repo.method"``) is
either a read (listed in READS, and its source writes nothing), an account action of the
caller's own (AUTH), or a mutation with a recipe below that goes through the write guard.
A new public method that is none of these fails `test_every_public_method_is_classified`;
a mutation that changes data without an audit row fails `test_every_mutation_writes_an_audit_row`.
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
from monitoring.auth import ACTIONS, CONSOLE, ROLES, AuthError, PermissionDenied
from monitoring.demo import load_demo
from monitoring.samples import TZ, ParsedValue, SampleInput
from monitoring.schema import metadata
from monitoring.store import REPOSITORIES, Store
from tests.conftest import actor

T0 = datetime(2022, 4, 12, 9, 0, tzinfo=TZ)
TODAY = date(2022, 6, 1)
PW = "matrix-password"

READS = {
    "revision",
    "samples.find", "samples.history", "samples.stamp", "samples.latest_time", "samples.count", "samples.of_week",
    "samples.weekly", "samples.weekly_grid",
    "accounts.locks", "cases.find", "cases.for_sample",
    "ledger.events", "ledger.photo", "ledger.done_steps", "ledger.statuses",
    "lakework.plans", "lakework.plan_file", "lakework.releases", "lakework.group",
    "tasks.progress", "tasks.progress_file",
    "field.list_patrols", "field.list_tips",
    "register.list_sites", "register.edits", "register.edits_for_dataset", "register.list_boundaries",
    "register.boundary_file", "register.active_boundaries", "register.current_versions", "register.stamp",
    "accounts.authorize", "accounts.has_users", "accounts.list_users", "accounts.resolve",
    "audit.log", "audit.count",
    "demo.present",
    "not_sampled.of_weeks", "not_sampled.reasons", "aliases.list_aliases", "aliases.pairs",
    "placements.check", "placements.current", "placements.history", "placements.stamp",
}  # fmt: skip
# Act on the caller's own session or password; audited, but not role-checked (see test_auth.py).
AUTH = {"accounts.login", "accounts.logout", "accounts.session_user", "accounts.change_password"}
U = actor("u")


class World:
    """Objects to act on, prepared by administrator "u" (unique per call)."""

    def __init__(self, store, register):
        self.s, self.register = store, register
        self.n = itertools.count(1)
        self.ponds = iter(str(i) for i in range(1, 18))
        self.ds = load_dataset()
        self.lake = (data_dir() / "boundaries" / "lake.geojson").read_bytes()
        store.accounts.create("target", PW, "viewer", user=CONSOLE)

    def sample(self, site="1", value=0.05, minutes=None, synthetic=False):
        n = next(self.n) if minutes is None else minutes
        inp = SampleInput(site, T0 + timedelta(minutes=n), ParsedValue(value, False, None))
        return self.s.samples.add(inp, user=U, synthetic=synthetic)

    def case(self):
        uid = self.sample("9", 0.5)
        return int(self.s.cases.find().set_index("sample_uid").loc[uid, "id"])

    def closable_case(self):
        n = next(self.n) * 10
        uid = self.sample("8", 0.5, minutes=n)
        self.sample("8", 0.05, minutes=n + 1)
        return int(self.s.cases.find().set_index("sample_uid").loc[uid, "id"])

    def event(self):
        return self.s.ledger.record(next(self.ponds), "end_contract", date(2022, 4, 8), user=U, today=TODAY)

    def clear_plan(self):
        """No live sediment draft (one may be recorded again): earlier ones voided."""
        plans = self.s.lakework.plans()
        for pid in plans[plans.voided_at.isna() & (plans.kind == "sediment")].id:
            self.s.lakework.void_plan(int(pid), "重录", user=U)
        return next(self.n)

    def lake_plan(self):
        self.clear_plan()
        return self.s.lakework.add_plan("sediment", "drafted", date(2022, 5, 1), user=U, today=TODAY)

    def lake_release(self):
        return self.s.lakework.add_release(date(2023, 1, 5), "河蚌", 500, "kg", user=U, today=TODAY + timedelta(365))

    def task_entry(self):
        return self.s.tasks.add_progress(
            "hg_signs", "in_progress", date(2022, 5, 2), f"已安装{next(self.n)}处", user=U, today=TODAY
        )

    def patrol_case(self):
        return self.s.field.add_patrol(date(2022, 5, 3), "王五", user=U, ponds=["8"], findings=["feeding"],
                                       open_case=True, today=TODAY)  # fmt: skip

    def tip(self):
        return self.s.field.add_tip(date(2022, 5, 4), "投饵", "E113.4252 N29.6439", self.ds, user=U, today=TODAY)

    def failed_login(self):
        try:
            self.s.accounts.login("target", "not-the-password", "198.51.100.1")
        except AuthError:
            return "target"
        raise AssertionError("a wrong password was accepted")

    def placeable(self):
        """A section without a position (the water bodies file's) among the sites."""
        if not self.s.register.list_sites().code.eq("YTCY").any():
            from geo.waterbodies import load_waterbodies

            self.s.register.load(*self.register, user=U, bodies=load_waterbodies())
        return next(self.n)

    def sections(self):
        sec = self.register[1].copy()
        n = next(self.n)
        sec["section_id"] = [f"X{n}-{i}" for i in range(len(sec))]
        return gpd.GeoDataFrame(sec, crs=self.register[1].crs)


def _when(w):
    return T0 + timedelta(days=30, minutes=next(w.n))


# method -> (action, prepare(world) -> args, call(store, world, args, user))
MUTATIONS = {
    "samples.add": ("sample.add", lambda w: None,
                    lambda s, w, a, u: s.samples.add(SampleInput("2", _when(w), ParsedValue(0.05, False, None)),
                                                     user=u)),
    "samples.correct": ("sample.correct", lambda w: w.sample(),
                        lambda s, w, a, u: s.samples.correct(a, {"value": ParsedValue(0.06, False, None)}, "复测",
                                                             user=u)),
    "samples.retract": ("sample.retract", lambda w: w.sample(),
                        lambda s, w, a, u: s.samples.retract(a, "录错", user=u)),
    "samples.import_batch": ("sample.import", lambda w: next(w.n),
                             lambda s, w, a, u: s.samples.import_batch(
                                 [(2, SampleInput("3", _when(w), ParsedValue(0.05, False, None)))], f"batch{a}",
                                 "f.csv", user=u)),
    "not_sampled.record": ("sample.not_sampled", lambda w: next(w.n),
                           lambda s, w, a, u: s.not_sampled.record(
                               [{"site_code": "4", "day": date(2022, 4, 1) + timedelta(days=a), "reason": "停产"}],
                               user=u)),
    "placements.place": ("site.place", lambda w: w.placeable(),
                         lambda s, w, a, u: s.placements.place("YTCY", f"{113.5 + a / 1000:.4f}", "29.45", user=u,
                                                               datum="wgs84", source="GPS")),
    "aliases.add": ("site.alias", lambda w: next(w.n), lambda s, w, a, u: s.aliases.add("6", f"西岸{a}", user=u)),
    "aliases.remove": ("site.alias", lambda w: w.s.aliases.add("6", f"北岸{next(w.n)}", user=U),
                       lambda s, w, a, u: s.aliases.remove(a, user=u)),
    "cases.update": ("case.update", lambda w: w.case(), lambda s, w, a, u: s.cases.update(a, user=u, findings="排查")),
    "cases.close": ("case.close", lambda w: w.closable_case(), lambda s, w, a, u: s.cases.close(a, user=u)),
    "ledger.record": ("ledger.record", lambda w: next(w.ponds),
                      lambda s, w, a, u: s.ledger.record(a, "end_contract", date(2022, 4, 8), user=u, today=TODAY)),
    "ledger.void": ("ledger.void", lambda w: w.event(), lambda s, w, a, u: s.ledger.void(a, "录错", user=u)),
    "lakework.add_plan": ("lake.plan", lambda w: w.clear_plan(),
                          lambda s, w, a, u: s.lakework.add_plan("sediment", "drafted", date(2022, 5, a % 28 + 1),
                                                                 user=u, document_no=f"临自然资〔2022〕{a}号",
                                                                 today=TODAY)),
    "lakework.void_plan": ("lake.plan_void", lambda w: w.lake_plan(),
                           lambda s, w, a, u: s.lakework.void_plan(a, "录错", user=u)),
    "lakework.add_release": ("lake.release", lambda w: None,
                             lambda s, w, a, u: s.lakework.add_release(date(2023, 1, 6), "螺蛳", 2.5, "wan_tail",
                                                                       user=u, water_area=300, area_unit="mu",
                                                                       today=TODAY + timedelta(365))),
    "lakework.void_release": ("lake.release_void", lambda w: w.lake_release(),
                              lambda s, w, a, u: s.lakework.void_release(a, "录错", user=u)),
    "tasks.add_progress": ("task.progress", lambda w: next(w.n),
                           lambda s, w, a, u: s.tasks.add_progress("hg_bullfrog", "in_progress", date(2022, 5, 3),
                                                                   f"摸排{a}家", user=u, today=TODAY)),
    "tasks.void_progress": ("task.progress_void", lambda w: w.task_entry(),
                            lambda s, w, a, u: s.tasks.void_progress(a, "录错", user=u)),
    "lakework.set_group": ("lake.group", lambda w: next(w.n),
                           lambda s, w, a, u: s.lakework.set_group([{"body": "group", "role": "组长",
                                                                     "name": f"李{a}", "post": "副市长"}], user=u)),
    "field.add_patrol": ("patrol.add", lambda w: None,
                         lambda s, w, a, u: s.field.add_patrol(date(2022, 5, 3), "王五", user=u, ponds=["1"],
                                                               today=TODAY)),
    "field.update_patrol_case": ("patrol.case", lambda w: w.patrol_case(),
                                 lambda s, w, a, u: s.field.update_patrol_case(a, user=u, action="已制止")),
    "field.add_tip": ("tip.add", lambda w: None,
                      lambda s, w, a, u: s.field.add_tip(date(2022, 5, 4), "投饵", "E113.4252 N29.6439", w.ds, user=u,
                                                         today=TODAY)),
    "field.update_tip": ("tip.update", lambda w: w.tip(),
                         lambda s, w, a, u: s.field.update_tip(a, user=u, notes="已核")),
    "register.add_site": ("site.add", lambda w: next(w.n),
                          lambda s, w, a, u: s.register.add_site(f"L{a}", "lake", "湖心", 113.42, 29.65, "test",
                                                                 user=u)),
    "register.load": ("register.load", lambda w: w.sections(),
                      lambda s, w, a, u: s.register.load(w.register[0], a, user=u)),
    "register.correct_pond": ("register.correct", lambda w: next(w.n),
                              lambda s, w, a, u: s.register.correct_pond(1, user=u, reason="测量", area_mu=50 + a)),
    "register.verify_pond": ("register.verify", lambda w: next(w.n),
                             lambda s, w, a, u: s.register.verify_pond(2, f"E113.41{a} N29.65", user=u,
                                                                       verified_by="李",
                                                                       verified_on=date(2026, 1, 1))),
    "register.upload_boundary": ("boundary.upload", lambda w: None,
                                 lambda s, w, a, u: s.register.upload_boundary("lake", "lake.geojson", w.lake,
                                                                               user=u)),
    "demo.remove": ("demo.remove", lambda w: w.sample(synthetic=True), lambda s, w, a, u: s.demo.remove(user=u)),
    "accounts.create": ("user.create", lambda w: next(w.n),
                        lambda s, w, a, u: s.accounts.create(f"new{a}", PW, "viewer", user=u)),
    "accounts.update": ("user.update", lambda w: next(w.n),
                        lambda s, w, a, u: s.accounts.update("target", user=u, display_name=f"名{a}")),
    "accounts.unlock": ("user.update", lambda w: w.failed_login(), lambda s, w, a, u: s.accounts.unlock(a, user=u)),
}  # fmt: skip
# Mutations outside the Store (they check their action, then write through Store methods).
OTHER_MUTATIONS = {
    "load_demo": ("demo.load", lambda w: None, lambda s, w, a, u: load_demo(s, user=u, weeks=1)),
}
ALL_MUTATIONS = MUTATIONS | OTHER_MUTATIONS
AUDITED_AS = {"load_demo": "sample.add"}  # one audit row per demo sample it adds


def public_methods() -> dict:
    """Every public method of the Store and of each of its repositories: "repo.method" -> function."""
    out = {n: f for n, f in inspect.getmembers(Store, inspect.isfunction) if not n.startswith("_")}
    assert set(REPOSITORIES) == set(Store.__annotations__), "a repository is missing from REPOSITORIES"
    for repo, cls in REPOSITORIES.items():
        for n, f in inspect.getmembers(cls, inspect.isfunction):
            if not n.startswith("_"):
                out[f"{repo}.{n}"] = f
    return out


def test_every_public_method_is_classified():
    methods = set(public_methods())
    assert len(methods) > 40 and all(f"{r}." in " ".join(methods) for r in REPOSITORIES)
    unclassified = methods - READS - AUTH - set(MUTATIONS)
    assert not unclassified, f"new Store method(s) {unclassified}: add a recipe to MUTATIONS, or to READS"
    assert not (READS & set(MUTATIONS)) and set(MUTATIONS) <= methods and READS | AUTH <= methods
    assert {a for a, _, _ in ALL_MUTATIONS.values()} == set(ACTIONS)


WRITES = re.compile(r"\binsert\(|\bupdate\(|\.delete\(|engine\.begin\(|\b_write\(|\b_audit\(")


@pytest.mark.parametrize("name", sorted(READS))
def test_reads_write_nothing(name):
    source = inspect.getsource(public_methods()[name])
    assert not WRITES.search(source), f"{name} writes: move it to MUTATIONS"


@pytest.mark.parametrize("name", sorted(MUTATIONS))
def test_mutations_check_their_permission_and_audit(name):
    source = inspect.getsource(public_methods()[name])
    action = MUTATIONS[name][0]
    assert f'self._write(user, "{action}")' in source, f"{name} does not go through the write guard for {action}"
    assert "_audit(" in source or "_write_edit(" in source or "insert(audit)" in source


@pytest.fixture
def world(store, register):
    return World(store, register)


def test_role_action_matrix(store, world):
    for role in ROLES:
        store.accounts.create(f"{role}-actor", PW, role, user=CONSOLE)
    for _name, (action, prepare, call) in ALL_MUTATIONS.items():
        for role in ROLES:
            args = prepare(world)
            user = actor(f"{role}-actor", "admin")  # the role comes from the account, not the Actor
            if role in ACTIONS[action]:
                call(store, world, args, user)  # allowed: must not raise
            else:
                with pytest.raises(PermissionDenied) as refused:
                    call(store, world, args, user)
                assert refused.value.code == "permission.role" and refused.value.action == action


def test_unknown_disabled_and_anonymous_users_are_refused(store, world):
    store.accounts.create("gone", PW, "admin", user=CONSOLE)
    store.accounts.update("gone", user=U, active=False)
    for _name, (_action, prepare, call) in ALL_MUTATIONS.items():
        for user, code in [(actor("nobody"), "permission.no_account"), (actor("gone"), "permission.disabled"),
                           (actor(""), "permission.no_actor"), (None, "permission.no_actor"),
                           ("u", "permission.no_actor")]:  # fmt: skip
            with pytest.raises(PermissionDenied, check=lambda e, code=code: e.code == code):
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
        before, audit_before = snapshot(store), store.audit.count()
        call(store, world, args, U)
        after = snapshot(store)
        changed = [t for t in after if after[t] != before[t]]
        assert changed, f"{name}: the recipe changed nothing"
        new = store.audit.log(limit=store.audit.count() - audit_before)
        assert len(new), f"{name} changed {changed} without an audit row"
        expected = AUDITED_AS.get(name, action)
        assert expected in set(new.action), f"{name}: audit rows {set(new.action)}, expected {expected}"
        assert set(new.actor) == {"u"}
        for col in ("before", "after"):
            for value in new[col].dropna():
                json.loads(value)  # valid JSON
