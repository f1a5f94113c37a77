"""``python -m monitoring site alias add CODE ALIAS | remove ALIAS | list``: site aliases, in zh or en."""

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


def run_site(store, args, actor, lang: str) -> int:
    """Run ``site alias ...``; returns the exit status."""
    try:
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
