"""``python -m monitoring boundary upload | list``: boundary versions with their provenance, in zh or en."""

from __future__ import annotations

import sys
from pathlib import Path

from geo.boundaries import KINDS
from geo.filecheck import notes_text
from geo.provenance import UPLOAD_PROVENANCES, section_problem_text
from i18n import t
from i18n.errors import UserError

__all__ = ["add_parsers", "run"]


def add_parsers(sub, h) -> None:
    """Add the ``boundary`` command (``upload``, ``list``) to an argparse sub-parser set.

    ``h(key)`` gives the help text of ``cli.help.<key>`` in the run's language.
    """
    bd = sub.add_parser("boundary", help=h("boundary"))
    actions = bd.add_subparsers(dest="action", required=True)
    up = actions.add_parser("upload", help=h("boundary_upload"))
    up.add_argument("file", type=Path)
    up.add_argument("--kind", choices=list(KINDS), required=True)
    # Not argparse choices: 'drawn' (drawn on the map) gets the store's own refusal, which says why.
    up.add_argument(
        "--provenance", required=True, metavar="{" + ",".join(UPLOAD_PROVENANCES) + "}", help=h("boundary_provenance")
    )
    up.add_argument("--source", default="", help=h("boundary_source"))
    up.add_argument("--date", default="", help=h("boundary_date"))
    up.add_argument("--by", default="", help=h("boundary_by"))
    up.add_argument("--layer", default=None, help=h("boundary_layer"))
    up.add_argument("--note", default="")
    ls = actions.add_parser("list", help=h("boundary_list"))
    ls.add_argument("--kind", choices=list(KINDS), default=None)


def _provenance(value, lang: str) -> str:
    return t(f"boundary.provenance.{value}", lang) if isinstance(value, str) and value else t("prov.cli.as_file", lang)


def run(store, args, actor) -> int:
    """Run ``boundary upload`` or ``boundary list``; returns the exit status."""
    lang = args.lang
    if args.action == "list":
        return _list(store, args.kind, lang)
    try:
        data = args.file.read_bytes()
    except OSError:
        print(t("cli.file_missing", lang, name=args.file.name), file=sys.stderr)
        return 1
    try:
        vid = store.register.upload_boundary(
            args.kind,
            args.file.name,
            data,
            user=actor,
            note=args.note,
            provenance=args.provenance,
            prov_source=args.source,
            prov_date=args.date,
            prov_by=args.by,
            layer=args.layer,
        )
    except UserError as exc:
        print(t("prov.cli.refused", lang, error=exc.message(lang)), file=sys.stderr)
        return 1
    v = store.register.list_boundaries(args.kind).iloc[0]
    kind = t(f"admin.layer.{args.kind}", lang)
    print(t("prov.cli.uploaded", lang, id=vid, kind=kind, name=v.filename, n=int(v.features)))
    print(t("prov.form.stated", lang, kind=_provenance(v.provenance, lang)))
    if v.layer:
        print(t("prov.form.layer_taken", lang, layer=v.layer))
    for note in notes_text(v.warnings, lang).splitlines():  # repairs and assumptions made while loading
        print(t("cli.warning", lang, text=note))
    if args.kind in ("lake", "sections"):
        from .bootstrap import current_dataset

        for check in current_dataset(store).section_problems:
            print(t("cli.warning", lang, text=section_problem_text(check, lang)))
    return 0


def _list(store, kind: str | None, lang: str) -> int:
    versions = store.register.list_boundaries(kind)
    if versions.empty:
        print(t("prov.cli.none", lang))
        return 0
    current = {k: int(g.id.max()) for k, g in versions.groupby("kind")}
    for v in versions.itertuples():
        when = "" if v.prov_date is None or v.prov_date != v.prov_date else str(v.prov_date)[:10]
        details = [d for d in (v.prov_source, when, v.prov_by) if d]
        print(
            t(
                "prov.cli.version",
                lang,
                id=int(v.id),
                kind=t(f"admin.layer.{v.kind}", lang),
                name=v.filename,
                n=int(v.features),
                prov=_provenance(v.provenance, lang),
                details="；".join(details) if lang == "zh" else "; ".join(details),
                layer=v.layer or "-",
                mark=t("prov.cli.in_use", lang) if current[v.kind] == v.id else "",
            )
        )
    return 0
