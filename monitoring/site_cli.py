"""``python -m monitoring site ...``: aliases, and placing sections the documents leave 位置待定.

``site alias add CODE ALIAS | remove ALIAS | list``; ``site place CODE --lon --lat --datum
--source [--note] [--confirm]``; ``site placements [CODE]``. In zh or en.
"""

from __future__ import annotations

import sys

from i18n import t
from i18n.errors import UserError

__all__ = ["add_parsers", "run_site"]


def add_parsers(sub, h) -> None:
    """Add the ``site`` command (``site alias add|remove|list``) to an argparse sub-parser set.

    ``h(key)`` gives the help text of ``cli.help.<key>`` in the run's language.
    """
    site = sub.add_parser("site", help=h("site"))
    what = site.add_subparsers(dest="site_cmd", required=True)
    alias = what.add_parser("alias", help=h("site_alias"))
    verbs = alias.add_subparsers(dest="alias_cmd", required=True)
    add = verbs.add_parser("add", help=h("site_alias_add"))
    add.add_argument("code", help=h("site_code"))
    add.add_argument("alias", help=h("alias"))
    rm = verbs.add_parser("remove", help=h("site_alias_remove"))
    rm.add_argument("alias", help=h("alias"))
    verbs.add_parser("list", help=h("site_alias_list"))
    place = what.add_parser("place", help=h("site_place"))
    place.add_argument("code", help=h("site_code"))
    place.add_argument("--lon", required=True, help=h("place_lon"))
    place.add_argument("--lat", required=True, help=h("place_lat"))
    place.add_argument("--datum", required=True, choices=["wgs84", "gcj02"], help=h("datum"))
    place.add_argument("--source", required=True, help=h("place_source"))
    place.add_argument("--note", default="", help=h("place_note"))
    place.add_argument("--confirm", action="store_true", help=h("place_confirm"))
    hist = what.add_parser("placements", help=h("site_placements"))
    hist.add_argument("code", nargs="?", default=None, help=h("site_code"))


def _place(store, args, actor, lang: str) -> int:
    """``site place``: refusals name the field; warnings refuse unless ``--confirm``."""
    from .store.placements import PlacementWarnings

    try:
        p = store.placements.place(
            args.code,
            args.lon,
            args.lat,
            user=actor,
            datum=args.datum,
            source=args.source,
            note=args.note,
            confirm=args.confirm,
        )
    except PlacementWarnings as exc:
        print(t("cli.place.warnings", lang, n=len(exc.warnings)), file=sys.stderr)
        for w in exc.warnings:
            print("  " + w.text(lang), file=sys.stderr)
        print(t("cli.place.confirm_hint", lang), file=sys.stderr)
        return 1
    print(t("cli.place.done", lang, code=p.code, version=p.version, lon=f"{p.lon:.6f}", lat=f"{p.lat:.6f}"))
    if p.datum == "gcj02":
        print(t("cli.place.converted", lang, entered=p.entered))
    return 0


def _placements(store, args, lang: str) -> int:
    df = store.placements.history(args.code)
    if df.empty:
        print(t("cli.place.none", lang))
    for r in df.itertuples():
        print(
            t(
                "cli.place.line",
                lang,
                code=r.site_code,
                version=r.version,
                lon=f"{r.lon:.6f}",
                lat=f"{r.lat:.6f}",
                datum=t(f"map.placed.datum.{r.datum}", lang),
                entered=r.entered,
                source=r.source,
                by=r.placed_by,
                at=str(r.placed_at)[:16],
            )
        )
    return 0


def run_site(store, args, actor, lang: str) -> int:
    """Run ``site alias ...``, ``site place`` or ``site placements``; returns the exit status."""
    try:
        if args.site_cmd == "place":
            return _place(store, args, actor, lang)
        if args.site_cmd == "placements":
            return _placements(store, args, lang)
        if args.alias_cmd == "add":
            alias = store.aliases.add(args.code, args.alias, user=actor)
            print(t("cli.alias.added", lang, alias=alias, code=args.code.strip()))
        elif args.alias_cmd == "remove":
            code = store.aliases.remove(args.alias, user=actor)
            print(t("cli.alias.removed", lang, alias=args.alias.strip(), code=code))
        else:
            df = store.aliases.list_aliases()
            if df.empty:
                print(t("cli.alias.none", lang))
            for r in df.itertuples():
                print(t("cli.alias.line", lang, alias=r.alias, code=r.site_code, by=r.created_by))
    except UserError as exc:
        print(exc.message(lang), file=sys.stderr)
        return 1
    return 0
