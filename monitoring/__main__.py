"""Command line: ``python -m monitoring users | db | import-samples | site alias | weekly | backup | ...``.

Commands run on the server act as the console (recorded as ``console:<login>``
in the audit trail): whoever can run them already holds the database.

Output is Chinese unless ``--lang en`` is given (before or after the command);
every message comes from the catalogue through :func:`say`.
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from pathlib import Path

from geo.waterbodies import ALL
from i18n import LANGS, lang_first, t
from i18n.cli import speak_argparse
from i18n.errors import UserError

from . import boundary_cli, clock, import_cli, site_cli, task_cli
from .auth import ROLES, AuthError, PermissionDenied, console_actor
from .bootstrap import current_dataset, open_store
from .db import (
    DatabaseUnavailable,
    check_connection,
    current_revision,
    database_url,
    make_engine,
    public_url,
    sqlite_path,
    upgrade,
)

#: The output language of this run (set by :func:`main` from ``--lang``).
_LANG = ["zh"]


def lang() -> str:
    """The output language of this run."""
    return _LANG[0]


def say(key: str, /, *, err: bool = False, end: str = "\n", **params) -> None:
    """Print one catalogue message in the run's language (to stderr with ``err=True``)."""
    print(t(key, lang(), **params), file=sys.stderr if err else sys.stdout, end=end)


def text_of(exc: Exception) -> str:
    """An error's text for the user: a UserError in the run's language, otherwise its own words."""
    return exc.message(lang()) if isinstance(exc, UserError) else str(exc)


def _by_body(store, res) -> dict:
    """Status counts per water body (every body listed, in file order)."""
    from geo.waterbodies import current_waterbodies

    sites = store.register.list_sites()
    body_of = dict(zip(sites.code, sites.water_body, strict=True))
    bodies = res.site_code.map(body_of)
    return {b: res.status[bodies == b].value_counts().to_dict() for b in current_waterbodies().codes}


def _weekly(store, week: str, fmt: str, body: str | None = None) -> int:
    from geo.waterbodies import current_waterbodies

    res = store.samples.weekly(week, body=body)
    if fmt == "json":
        out = {
            "week": week,
            "parameter": "TP",
            "sites": json.loads(res.to_json(orient="records", force_ascii=False)),
            "summary": res["status"].value_counts().to_dict(),
        }
        if body is None:  # every body: the counts of each beside the total
            out["by_water_body"] = _by_body(store, res)
        print(json.dumps(out, ensure_ascii=False, indent=1))
    else:
        say("cli.weekly.title", week=week)
        shown = res.copy()
        shown["kind"] = [t(f"cli.site_kind.{k}", lang()) for k in shown["kind"]]
        shown["status"] = [t(f"status.{v}", lang()) for v in shown["status"]]
        shown["max_censored"] = [t("value.yes" if v else "value.no", lang()) for v in shown["max_censored"]]
        shown["grade"] = shown["grade"].fillna("—")
        shown = shown.astype(object).where(shown.notna(), "—")  # no NaN: an unsampled site shows a dash
        shown.columns = [t(f"cli.weekly.{c}", lang()) for c in shown.columns]
        print(shown.to_string(index=False) if len(shown) else t("cli.body.weekly_none", lang()))
        for status, n in res["status"].value_counts().items():
            say("cli.weekly.count", status=t(f"status.{status}", lang()), n=n)
        if body is None:
            wb = current_waterbodies()
            for code, counts in _by_body(store, res).items():
                parts = [t("cli.weekly.count", lang(), status=t(f"status.{k}", lang()), n=v) for k, v in counts.items()]
                say("cli.body.weekly", body=wb[code].label(lang()), counts=t("list.sep", lang()).join(parts) or "—")
    return 0


def _check_body(code: str) -> None:
    """A water body the data file lists (a UserError naming the choices otherwise)."""
    from geo.waterbodies import WaterBodyError, current_waterbodies

    codes = current_waterbodies().codes
    if code not in codes:
        raise WaterBodyError("waterbodies.unknown", field="water_body", value=code, choices=", ".join([ALL, *codes]))


def _label(code: str) -> str:
    from geo.waterbodies import current_waterbodies

    return current_waterbodies()[code].label(lang())


def _read_password(confirm: bool = True) -> str:
    """Prompt twice on a terminal; otherwise read one line from standard input."""
    if sys.stdin.isatty():
        first = getpass.getpass(t("cli.users.password_prompt", lang()))
        if confirm and getpass.getpass(t("cli.users.password_again", lang())) != first:
            raise AuthError("auth.mismatch")
        return first
    return sys.stdin.readline().rstrip("\r\n")


def _ensure_admin(store) -> int:
    """First start: with no account at all, ask on the terminal for the first administrator.

    Without a terminal (a service, CI) it only says how to create one later.
    """
    if store.accounts.has_users():
        return 0
    hint = "python -m monitoring users create --role admin NAME"
    if not sys.stdin.isatty():
        say("cli.admin.none_yet_hint", err=True, hint=hint)
        return 0
    say("cli.admin.none_yet_ask")
    for _ in range(3):
        try:
            name = input(t("cli.admin.name_prompt", lang())).strip()
            store.accounts.create(name, _read_password(), "admin", user=console_actor())
        except AuthError as exc:
            print(f"  {text_of(exc)}", file=sys.stderr)
            continue
        except (KeyboardInterrupt, EOFError):
            print(file=sys.stderr)
            say("cli.admin.skipped", err=True, hint=hint)
            return 0
        say("cli.admin.created", name=name)
        return 0
    say("cli.admin.not_created", err=True, hint=hint)
    return 0


def _users(store, args) -> int:
    actor = console_actor()
    try:
        if args.action == "ensure-admin":
            return _ensure_admin(store)
        if args.action == "list":
            df = store.accounts.list_users()[["username", "role", "active", "display_name", "updated_at"]].copy()
            if df.empty:
                say("cli.users.none")
                return 0
            df["role"] = [t(f"role.{r}", lang()) for r in df["role"]]
            df["active"] = [t("value.yes" if v else "value.no", lang()) for v in df["active"]]
            df.columns = [t(f"cli.users.{c}", lang()) for c in df.columns]
            print(df.to_string(index=False))
            return 0
        if args.action == "create":
            store.accounts.create(args.name, _read_password(), args.role, user=actor)
            say("cli.users.created", role=t(f"role.{args.role}", lang()), name=args.name)
        elif args.action == "reset-password":
            store.accounts.update(args.name, user=actor, password=_read_password())
            say("cli.users.password_reset", name=args.name)
        elif args.action in ("disable", "enable"):
            if args.action == "disable":
                _keep_an_admin(store, args.name)
            store.accounts.update(args.name, user=actor, active=args.action == "enable")
            say(f"cli.users.{args.action}d", name=args.name)
        elif args.action == "unlock":
            lifted = store.accounts.unlock(args.name, user=actor)
            say("cli.users.unlocked" if lifted else "cli.users.not_locked", name=args.name)
        elif args.action == "set-role":
            if args.role != "admin":
                _keep_an_admin(store, args.name)
            store.accounts.update(args.name, user=actor, role=args.role)
            say("cli.users.role_set", name=args.name, role=t(f"role.{args.role}", lang()))
    except (AuthError, UserError) as exc:
        say("cli.users.failed", err=True, action=args.action, error=text_of(exc))
        return 1
    return 0


def _keep_an_admin(store, name: str) -> None:
    """Refuse to disable or demote the last enabled administrator (the console would lock everyone out)."""
    users = store.accounts.list_users()
    admins = users[(users["role"] == "admin") & users["active"].astype(bool)]
    names = {str(u).casefold() for u in admins["username"]}
    if name.casefold() in names and len(names) <= 1:
        raise UserError("users.last_admin", name=name)


def _check_week(week: str) -> None:
    """A week the report can be about: ``YYYY-Www`` with week 1–53 (existing that year), not after this one."""
    import re
    from datetime import date

    m = re.fullmatch(r"(\d{4})-W(\d{2})", week.strip())
    try:
        start = date.fromisocalendar(int(m[1]), int(m[2]), 1) if m else None
    except ValueError:
        start = None
    if start is None:
        raise UserError("week.format", value=week)
    today = clock.today()
    if start > today:
        y, w, _ = today.isocalendar()
        raise UserError("week.future", week=week.strip(), current=f"{y}-W{w:02d}")


def _progress(fig: dict) -> None:
    p, a = fig["ponds"], fig["area_mu"]
    say(
        "cli.progress.total",
        today=fig["today"],
        retired=p["retired"],
        total=p["total"],
        mu=a["retired"],
        mu_total=a["total"],
    )
    say("cli.progress.states", in_progress=p["in_progress"], not_started=p["not_started"])
    for town in fig["by_town"]:
        say(
            "cli.progress.town",
            town=town["town"],
            retired=town["retired"],
            n=town["ponds"],
            mu=town["retired_mu"],
            mu_total=town["area_mu"],
        )
    say("cli.progress.steps")
    for s in fig["by_step"]:
        deadline = s["deadline"] or t("cli.progress.ongoing", lang())
        name = s["name"] if lang() == "zh" else s["name_en"]
        say("cli.progress.step", name=name, deadline=deadline, done=s["done"], n=s["total"], overdue=s["overdue"])
    say("cli.progress.overdue", n=len(fig["overdue"]))
    for o in fig["overdue"]:
        say(
            "cli.progress.overdue_item",
            pid=o["pond_id"],
            farm=o["farm_name"],
            step=o["step_name"] if lang() == "zh" else o["step_name_en"],
            deadline=o["deadline"],
            n=o["days"],
            unit=o["unit"],
        )
    w = fig["week"]
    say("cli.progress.week", week=w["week"], due=w["due"], sampled=w["sampled"], exceed=w["exceedances"])
    say("cli.progress.cases", n=fig["open_cases"])
    for lk in fig["lake"]:
        grade = lk["grade"] or t("cli.progress.no_data", lang())
        say("cli.progress.lake", site=lk["site"], grade=grade, target=lk["target"])


def main(argv=None) -> int:
    """Run the command line; returns the exit status.

    A database that cannot be used ends the command with one line naming what to check (rc 1).
    """
    argv = lang_first(sys.argv[1:] if argv is None else list(argv))
    speak_argparse(LANGS[0])
    pre = argparse.ArgumentParser(add_help=False)
    pre.add_argument("--lang", choices=LANGS, default=LANGS[0])
    _LANG[0] = pre.parse_known_args(argv)[0].lang
    speak_argparse(_LANG[0])
    try:
        return _main(argv)
    except DatabaseUnavailable as exc:
        print(text_of(exc), file=sys.stderr)
        return 1
    except BrokenPipeError:  # the reader went away (`| head`): stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


def _main(argv=None) -> int:
    def h(key: str) -> str:
        return t(f"cli.help.{key}", lang())

    p = argparse.ArgumentParser(prog="python -m monitoring", description=h("description"))
    p.add_argument("--lang", choices=LANGS, default=LANGS[0], help=h("lang"))
    sub = p.add_subparsers(dest="cmd", required=True)
    us = sub.add_parser("users", help=h("users"))
    us_sub = us.add_subparsers(dest="action", required=True)
    us_sub.add_parser("list", help=h("users_list"))
    us_sub.add_parser("ensure-admin", help=h("ensure_admin"))
    for action, helptext in [
        ("create", h("create")),
        ("reset-password", h("reset_password")),
        ("disable", h("disable")),
        ("enable", h("enable")),
        ("set-role", h("set_role")),
        ("unlock", h("unlock")),
    ]:
        a = us_sub.add_parser(action, help=helptext)
        a.add_argument("name")
        if action in ("create", "set-role"):
            a.add_argument("--role", choices=ROLES, required=action == "set-role", default="viewer")
    db = sub.add_parser("db", help=h("db"))
    db.add_argument("action", choices=["upgrade", "current"])
    import_cli.add_parsers(sub, h)
    boundary_cli.add_parsers(sub, h)
    site_cli.add_parsers(sub, h)
    wk = sub.add_parser("weekly", help=h("weekly"))
    wk.add_argument("--week", required=True, help=h("week"))
    wk.add_argument("--format", choices=["table", "json"], default="table")
    pr_body = {"default": ALL, "metavar": "CODE", "help": t("cli.help.water_body", lang())}
    wk.add_argument("--water-body", **pr_body)
    site = sub.add_parser("add-site", help=h("add_site"))
    site.add_argument("code", help=h("site_code"))
    site.add_argument("--kind", choices=["lake", "section"], default="lake")
    site.add_argument("--name", required=True)
    site.add_argument("--at", required=True, help=h("at"))
    site.add_argument("--source", default="", help=h("source"))
    site.add_argument("--datum", choices=["wgs84", "gcj02"], default="wgs84", help=h("datum"))
    site.add_argument("--verified", action="store_true", help=h("verified"))
    site.add_argument("--water-body", default="yehu", metavar="CODE", help=t("cli.help.site_water_body", lang()))
    bk = sub.add_parser("backup", help=h("backup"))
    bk.add_argument("out", type=Path)
    rs = sub.add_parser("restore", help=h("restore"))
    rs.add_argument("src", type=Path)
    rs.add_argument("--check", action="store_true", help=h("restore_check"))
    pr = sub.add_parser("progress", help=h("progress"))
    pr.add_argument("--format", choices=["table", "json"], default="table")
    pr.add_argument("--water-body", **pr_body)
    ex = sub.add_parser("export", help=h("export"))
    ex.add_argument("--format", choices=["xlsx", "gpkg", "kml", "geojson"], required=True)
    ex.add_argument(
        "--layer",
        choices=["ponds", "lake", "ban_zone", "nofish_zones", "sections", "placed_sections"],
        default=None,
        help=h("layer"),
    )
    ex.add_argument("--water-body", **pr_body)
    ex.add_argument("out", type=Path)
    task_cli.add_parsers(sub, h, pr_body)
    rp = sub.add_parser("report", help=h("report"))
    rp.add_argument("--week", required=True, help=h("week"))
    rp.add_argument("--water-body", **pr_body)
    rp.add_argument("out", type=Path)
    demo = sub.add_parser("demo-data", help=h("demo"))
    demo.add_argument("--remove", action="store_true")
    args = p.parse_args(argv)

    if args.cmd == "db":
        url = database_url()
        path = sqlite_path(url)
        if args.action == "current" and path is not None and not path.exists():
            say("cli.db.revision", where=public_url(url), revision=None)  # never creates the file
            return 0
        engine = make_engine(url)
        check_connection(engine)
        if args.action == "upgrade":
            upgrade(engine)
        say("cli.db.revision", where=public_url(url), revision=current_revision(engine))
        return 0
    if args.cmd == "restore":
        from .backup import BackupError, changed_files, check, restore

        try:
            if args.check:
                m = check(args.src)
                say("cli.restore.checked", n=sum(m["tables"].values()), revision=m["revision"])
            else:
                engine = make_engine()
                check_connection(engine)
                m = restore(engine, args.src)
                say("cli.restore.done", n=sum(m["tables"].values()), revision=m["revision"])
        except BackupError as exc:
            say("cli.restore.refused", err=True, error=text_of(exc))
            return 1
        changed = changed_files(m)
        if changed:
            say("cli.restore.files_differ", files=t("list.sep", lang()).join(changed))
        return 0
    if args.cmd == "sample-template":
        return import_cli.run_template(args)
    body = getattr(args, "water_body", ALL)
    if body != ALL:
        try:
            _check_body(body)
        except UserError as exc:
            print(text_of(exc), file=sys.stderr)
            return 2
    body = None if body == ALL else body
    store = open_store()
    if args.cmd == "users":
        return _users(store, args)
    if args.cmd == "backup":
        from .backup import backup
        from .outputs import OutputError

        try:
            m = backup(store.engine, args.out)
        except OutputError as exc:
            say("cli.backup.refused", err=True, why=text_of(exc))
            return 1
        tables = t("list.sep", lang()).join(f"{k} {v}" for k, v in m["tables"].items())
        say("cli.backup.done", path=args.out, revision=m["revision"], tables=tables)
        say("cli.backup.files", n=len(m["files"]), excluded=t("list.sep", lang()).join(m["excluded"]))
        return 0
    if args.cmd == "import-samples":
        actor = console_actor() if args.user is None else store.accounts.resolve(args.user)
        if actor is None:
            print(
                text_of(PermissionDenied("permission.no_account", user=args.user, action="sample.import")),
                file=sys.stderr,
            )
            return 1
        return import_cli.run_import(store, args, actor)
    if args.cmd == "boundary":
        return boundary_cli.run(store, args, console_actor())
    if args.cmd == "site":
        return site_cli.run_site(store, args, console_actor(), lang())
    if args.cmd == "task":
        return task_cli.run_task(store, args, console_actor(), lang(), body)
    if args.cmd == "weekly":
        try:
            _check_week(args.week)
            return _weekly(store, args.week.strip(), args.format, body)
        except ValueError as exc:
            print(text_of(exc), file=sys.stderr)
            return 2
    if args.cmd == "add-site":
        from sqlalchemy.exc import IntegrityError

        from geo.coords import CoordinateError
        from geo.datum import enter_coordinate

        from .sitenames import check_site_code

        try:
            check_site_code(args.code)
        except UserError as exc:
            print(text_of(exc), file=sys.stderr)
            return 1
        try:
            p = enter_coordinate(args.at, args.datum)
            store.register.add_site(
                args.code,
                args.kind,
                args.name,
                p.lon,
                p.lat,
                f"{args.source or 'command line'}; {p.record('en')}",
                not args.verified,
                user=console_actor(),
                water_body=body or "yehu",
            )
        except CoordinateError as exc:
            say("cli.site.bad_coordinate", err=True, error=text_of(exc))
            return 1
        except IntegrityError:
            say("cli.site.exists", err=True, code=args.code)
            return 1
        except ValueError as exc:
            say("cli.site.refused", err=True, code=args.code, error=text_of(exc))
            return 1
        say("cli.site.added", code=args.code, kind=t(f"cli.site_kind.{args.kind}", lang()), lon=p.lon, lat=p.lat)
        return 0
    if args.cmd == "report":
        from .report import weekly_report
        from .samples import week_bounds

        try:
            week_bounds(args.week)
        except ValueError:
            say("report.bad_week", err=True, week=args.week)
            return 2
        from .outputs import prepare_output

        try:
            prepare_output(args.out)
            data = weekly_report(store, current_dataset(store), args.week, lang=lang(), body=body)
        except UserError as exc:
            print(text_of(exc), file=sys.stderr)
            return 1
        args.out.write_bytes(data)
        say("report.wrote", path=args.out.name, week=args.week, kb=round(len(data) / 1024))
        return 0
    if args.cmd == "export":
        from .export import geo_export, ledger_workbook
        from .outputs import OutputError, prepare_output

        try:
            prepare_output(args.out)
        except OutputError as exc:
            say("cli.export.refused", err=True, why=text_of(exc))
            return 1
        ds = current_dataset(store)
        from .bodies import bodies_in_use, exportable

        bodies = bodies_in_use(store)
        if args.format == "xlsx":
            data = ledger_workbook(store, ds, lang=lang(), body=body, bodies=bodies)
        elif not exportable(body, bodies):
            say("cli.export.refused", err=True, why=t("export.body.no_layers", lang(), body=_label(body)))
            return 1
        else:
            try:
                data = geo_export(
                    ds,
                    args.format,
                    store.ledger.statuses(),
                    layer=args.layer if args.format == "geojson" else None,
                    body=body,
                    bodies=bodies,
                )
            except UserError as exc:
                say("cli.export.refused", err=True, why=text_of(exc))
                return 1
        args.out.write_bytes(data)
        say("cli.export.done", path=args.out, n=len(data))
        return 0
    if args.cmd == "progress":
        from .progress import progress

        fig = progress(store, current_dataset(store).register, body=body)
        if args.format == "json":
            print(json.dumps(fig, ensure_ascii=False, indent=1))
            return 0
        _progress(fig)
        return 0
    if args.cmd == "demo-data":
        from .demo import load_demo

        if args.remove:
            say("cli.demo.removed", n=store.demo.remove(user=console_actor()))
        elif store.demo.present():
            say("cli.demo.already")
        else:
            say("cli.demo.loaded", n=load_demo(store, user=console_actor()))
        return 0
    return 2


if __name__ == "__main__":
    from i18n.incident import run_cli

    sys.exit(run_cli(main, name="python -m monitoring"))
