"""Command line: ``python -m monitoring users | db | import-samples | weekly | backup | ...``.

Commands run on the server act as the console (recorded as ``console:<login>``
in the audit trail): whoever can run them already holds the database.
"""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from pathlib import Path

from i18n import LANGS

from .auth import ROLES, AuthError, console_actor
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


def _weekly(store, week: str, fmt: str) -> int:
    res = store.weekly(week)
    if fmt == "json":
        out = {
            "week": week,
            "parameter": "TP",
            "sites": json.loads(res.to_json(orient="records", force_ascii=False)),
            "summary": res["status"].value_counts().to_dict(),
        }
        print(json.dumps(out, ensure_ascii=False, indent=1))
    else:
        print(f"{week} TP")
        print(res.to_string(index=False))
        print(res["status"].value_counts().to_string())
    return 0


def _read_password(confirm: bool = True) -> str:
    """Prompt twice on a terminal; otherwise read one line from standard input."""
    if sys.stdin.isatty():
        first = getpass.getpass("password: ")
        if confirm and getpass.getpass("again: ") != first:
            raise AuthError("mismatch", "the two passwords differ")
        return first
    return sys.stdin.readline().rstrip("\r\n")


def _ensure_admin(store) -> int:
    """First start: with no account at all, ask on the terminal for the first administrator.

    Without a terminal (a service, CI) it only says how to create one later.
    """
    if store.has_users():
        return 0
    hint = "python -m monitoring users create --role admin NAME"
    if not sys.stdin.isatty():
        print(f"no accounts yet: create the first administrator with `{hint}`", file=sys.stderr)
        return 0
    print("冶湖监管 / Yehu Monitor: no accounts yet. Create the first administrator (Ctrl-C to skip).")
    for _ in range(3):
        try:
            name = input("administrator name / 管理员用户名: ").strip()
            store.create_user(name, _read_password(), "admin", user=console_actor())
        except AuthError as exc:
            print(f"  {exc}", file=sys.stderr)
            continue
        except (KeyboardInterrupt, EOFError):
            print(f"\nskipped; later: `{hint}`", file=sys.stderr)
            return 0
        print(f"created administrator {name}")
        return 0
    print(f"no administrator created; later: `{hint}`", file=sys.stderr)
    return 0


def _users(store, args) -> int:
    actor = console_actor()
    try:
        if args.action == "ensure-admin":
            return _ensure_admin(store)
        if args.action == "list":
            df = store.users()
            print(df[["username", "role", "active", "display_name", "updated_at"]].to_string(index=False))
            return 0
        if args.action == "create":
            store.create_user(args.name, _read_password(), args.role, user=actor)
            print(f"created {args.role} account {args.name}")
        elif args.action == "reset-password":
            store.update_user(args.name, user=actor, password=_read_password())
            print(f"password of {args.name} reset; its sessions are ended")
        elif args.action in ("disable", "enable"):
            store.update_user(args.name, user=actor, active=args.action == "enable")
            print(f"{args.name} {args.action}d")
        elif args.action == "set-role":
            store.update_user(args.name, user=actor, role=args.role)
            print(f"{args.name} is now {args.role}")
    except AuthError as exc:
        print(f"users {args.action}: {exc}", file=sys.stderr)
        return 1
    return 0


def main(argv=None) -> int:
    """Run the command line; returns the exit status.

    A database that cannot be used ends the command with one line naming what to check (rc 1).
    """
    pre = argparse.ArgumentParser(add_help=False)
    pre.add_argument("--lang", choices=LANGS, default=LANGS[0])
    lang = pre.parse_known_args(argv)[0].lang
    try:
        return _main(argv)
    except DatabaseUnavailable as exc:
        print(exc.message(lang), file=sys.stderr)
        return 1


def _main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m monitoring", description="Yehu Monitor data commands")
    p.add_argument("--lang", choices=LANGS, default=LANGS[0], help="language of the output (zh, en)")
    sub = p.add_subparsers(dest="cmd", required=True)
    us = sub.add_parser("users", help="accounts: create (password prompted or read from stdin), list, ...")
    us_sub = us.add_subparsers(dest="action", required=True)
    us_sub.add_parser("list", help="every account")
    us_sub.add_parser("ensure-admin", help="no account yet: ask on the terminal for the first administrator")
    for action, helptext in [
        ("create", "create an account; the password is prompted, or read from standard input"),
        ("reset-password", "set a new password (prompted or from stdin); ends the account's sessions"),
        ("disable", "disable an account; ends its sessions"),
        ("enable", "enable a disabled account"),
        ("set-role", "change an account's role"),
    ]:
        a = us_sub.add_parser(action, help=helptext)
        a.add_argument("name")
        if action in ("create", "set-role"):
            a.add_argument("--role", choices=ROLES, required=action == "set-role", default="viewer")
    db = sub.add_parser("db", help="database schema")
    db.add_argument("action", choices=["upgrade", "current"])
    imp = sub.add_parser("import-samples", help="import a CSV/XLSX file of samples (all or nothing)")
    imp.add_argument("file", type=Path)
    imp.add_argument("--user", default=None, help="act as this account (inspector or admin; default: the console)")
    wk = sub.add_parser("weekly", help="weekly TP compliance per site")
    wk.add_argument("--week", required=True, help="ISO week, e.g. 2022-W15")
    wk.add_argument("--format", choices=["table", "json"], default="table")
    site = sub.add_parser("add-site", help="add a lake or other monitoring site (coordinates in any accepted notation)")
    site.add_argument("code", help="site code, e.g. L1")
    site.add_argument("--kind", choices=["lake", "section"], default="lake")
    site.add_argument("--name", required=True)
    site.add_argument("--at", required=True, help="coordinates, e.g. 'E113.4229 N29.6532'")
    site.add_argument("--source", default="", help="where the position comes from")
    site.add_argument("--verified", action="store_true", help="the position was checked on site")
    bk = sub.add_parser("backup", help="write every table to a zip file")
    bk.add_argument("out", type=Path)
    rs = sub.add_parser("restore", help="load a backup into an empty database (DATABASE_URL or YEHU_DB)")
    rs.add_argument("src", type=Path)
    pr = sub.add_parser("progress", help="retirement progress, overdue steps, this week's sampling")
    pr.add_argument("--format", choices=["table", "json"], default="table")
    ex = sub.add_parser("export", help="export the ledger (xlsx) or the geometry (gpkg, kml, geojson)")
    ex.add_argument("--format", choices=["xlsx", "gpkg", "kml", "geojson"], required=True)
    ex.add_argument(
        "--layer",
        choices=["ponds", "lake", "ban_zone", "nofish_zones", "sections"],
        default=None,
        help="geojson only: just this layer as one .geojson (default: a zip of one file per layer)",
    )
    ex.add_argument("out", type=Path)
    demo = sub.add_parser("demo-data", help="load (or --remove) a clearly labelled synthetic data set")
    demo.add_argument("--remove", action="store_true")
    args = p.parse_args(argv)

    if args.cmd == "db":
        url = database_url()
        path = sqlite_path(url)
        if args.action == "current" and path is not None and not path.exists():
            print(f"{public_url(url)}: revision None")  # never creates the file
            return 0
        engine = make_engine(url)
        check_connection(engine)
        if args.action == "upgrade":
            upgrade(engine)
        print(f"{public_url(url)}: revision {current_revision(engine)}")
        return 0
    if args.cmd == "restore":
        from .backup import BackupError, restore

        engine = make_engine()
        check_connection(engine)
        try:
            m = restore(engine, args.src)
        except BackupError as exc:
            print(f"restore refused: {exc}", file=sys.stderr)
            return 1
        print(f"restored {sum(m['tables'].values())} rows at revision {m['revision']}")
        return 0
    store = open_store()
    if args.cmd == "users":
        return _users(store, args)
    if args.cmd == "backup":
        from .backup import backup

        m = backup(store.engine, args.out)
        print(f"wrote {args.out}: revision {m['revision']}, " + ", ".join(f"{k} {v}" for k, v in m["tables"].items()))
        return 0
    if args.cmd == "import-samples":
        from .auth import PermissionDenied
        from .importer import ImportFileError, import_file

        try:
            data = args.file.read_bytes()
            result = import_file(store, data, args.file.name, args.user or console_actor())
        except (OSError, ImportFileError, PermissionDenied) as exc:
            print(f"import failed: {exc}", file=sys.stderr)
            return 1
        if result.already_imported:
            print(f"{args.file.name}: already imported; nothing written")
            return 0
        if result.errors:
            print(f"{args.file.name}: rejected, nothing written; {len(result.errors)} problem(s):", file=sys.stderr)
            for e in result.errors:
                print(f"  row {e.row}, column {e.column!r}, value {e.value!r}: {e.reason}", file=sys.stderr)
            return 1
        print(f"{args.file.name}: {result.written} samples written, {result.cases_opened} tracing case(s) opened")
        return 0
    if args.cmd == "weekly":
        try:
            return _weekly(store, args.week, args.format)
        except ValueError as exc:
            print(str(exc), file=sys.stderr)
            return 2
    if args.cmd == "add-site":
        from sqlalchemy.exc import IntegrityError

        from geo.coords import CoordinateError, parse_coordinate

        try:
            p = parse_coordinate(args.at)
            store.add_site(
                args.code,
                args.kind,
                args.name,
                p.lon,
                p.lat,
                args.source or "command line",
                not args.verified,
                user=console_actor(),
            )
        except CoordinateError as exc:
            print(f"--at: {exc}", file=sys.stderr)
            return 1
        except (IntegrityError, ValueError) as exc:
            print(f"site {args.code!r}: {exc}", file=sys.stderr)
            return 1
        print(f"site {args.code} ({args.kind}) at {p.lon:.6f}, {p.lat:.6f}")
        return 0
    if args.cmd == "export":
        from .export import geo_export, ledger_workbook

        ds = current_dataset(store)
        if args.format == "xlsx":
            data = ledger_workbook(store, ds, lang=args.lang)
        else:
            data = geo_export(
                ds, args.format, store.pond_statuses(), layer=args.layer if args.format == "geojson" else None
            )
        args.out.write_bytes(data)
        print(f"wrote {args.out} ({len(data):,} bytes)")
        return 0
    if args.cmd == "progress":
        from .progress import progress

        fig = progress(store, current_dataset(store).register)
        if args.format == "json":
            print(json.dumps(fig, ensure_ascii=False, indent=1))
            return 0
        p, a = fig["ponds"], fig["area_mu"]
        print(f"{fig['today']}  已退养销号 {p['retired']}/{p['total']} 个鱼池，{a['retired']:g}/{a['total']:g} 亩")
        print(f"  退养中 {p['in_progress']}，未开始 {p['not_started']}")
        for t in fig["by_town"]:
            print(f"  {t['town']}: {t['retired']}/{t['ponds']} 个，{t['retired_mu']:g}/{t['area_mu']:g} 亩")
        print("步骤 / steps:")
        for s in fig["by_step"]:
            dl = s["deadline"] or "持续推进"
            print(f"  {s['name']}（{dl}）: {s['done']}/{s['total']}，逾期 {s['overdue']}")
        print(f"逾期事项 / overdue: {len(fig['overdue'])}")
        for o in fig["overdue"]:
            print(f"  {o['pond_id']}号 {o['farm_name']} — {o['step_name']}，期限 {o['deadline']}，", end="")
            print(f"逾期 {o['days']} 天（{o['unit']}）")
        w = fig["week"]
        print(f"本周 {w['week']}: 应采 {w['due']}，已采 {w['sampled']}，超标 {w['exceedances']}；", end="")
        print(f"溯源案件 {fig['open_cases']} 个进行中")
        for lk in fig["lake"]:
            print(f"  湖体 {lk['site']}: 最新 {lk['grade'] or '无数据'}（目标 {lk['target']}）")
        return 0
    if args.cmd == "demo-data":
        from .demo import load_demo

        if args.remove:
            print(f"removed {store.remove_synthetic(user=console_actor())} synthetic sample rows")
        else:
            n = load_demo(store, console_actor())
            print(f"loaded {n} synthetic samples (marked synthetic; remove with --remove)")
        return 0
    return 2


if __name__ == "__main__":
    sys.exit(main())
