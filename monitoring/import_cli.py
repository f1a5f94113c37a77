"""``python -m monitoring import-samples`` and ``sample-template``: preview, import, templates, in zh or en."""

from __future__ import annotations

import sys
from pathlib import Path

from i18n import t
from i18n.errors import UserError

from .importer import ImportFileError, ParsedFile, import_file, parse_file, resolver_for

__all__ = ["add_parsers", "preview_lines", "run_import", "run_template"]


def add_parsers(sub, h) -> None:
    """Add the ``import-samples`` and ``sample-template`` commands to an argparse sub-parser set.

    ``h(key)`` gives the help text of ``cli.help.<key>`` in the run's language.
    """
    imp = sub.add_parser("import-samples", help=h("import_samples"))
    imp.add_argument("file", type=Path)
    imp.add_argument("--user", default=None, help=h("import_user"))
    imp.add_argument("--dry-run", action="store_true", help=h("import_dry_run"))
    imp.add_argument("--not-sampled", choices=["skip", "record"], default="skip", help=h("import_not_sampled"))
    tp = sub.add_parser("sample-template", help=h("sample_template"))
    tp.add_argument("out", type=Path)


def _value(row, lang: str) -> str:
    if row.not_sampled is not None:
        return t("preview.not_sampled", lang, reason=row.not_sampled)
    if row.sample is None:
        return ""
    v = row.sample.value
    text = f"<{v.value:g}" if v.censored else f"{v.value:g}"
    return text + " mg/L" + (t("preview.censored", lang) if v.censored else "")


def preview_lines(parsed: ParsedFile, lang: str = "zh") -> list[str]:
    """The preview as text lines: one per row (site written → site code, time, value), then the errors.

    Parameters
    ----------
    parsed : ParsedFile
    lang : {'zh', 'en'}

    Returns
    -------
    list of str
    """
    h = parsed.header
    out = [t("preview.header_at", lang, name=parsed.filename, row=h.row + 1)]
    if h.ignored:
        out.append(t("preview.ignored", lang, columns="、".join(h.ignored)))
    out.append(t("preview.columns", lang))
    for r in parsed.rows:
        when = r.sampled_at.strftime("%Y-%m-%d %H:%M") if r.sampled_at else "?"
        site = r.site or "?"
        mark = t("preview.error_mark", lang) if r.errors else ""
        out.append(f"{r.line:>5}  {r.site_text} → {site}  {when}  {_value(r, lang)}{mark}")
    errors = parsed.errors()
    if errors:
        out.append(t("preview.errors", lang, n=len(errors)))
        out += [f"  {e.message(lang)}" for e in errors]
    else:
        counts = parsed.counts()
        out.append(t("preview.counts", lang, n=sum(counts.values()), sites=_counts(counts)))
    return out


def _counts(counts: dict) -> str:
    return ", ".join(f"{k}: {v}" for k, v in counts.items())


def run_import(store, args, actor) -> int:
    """Run ``import-samples``; returns the exit status."""
    lang = args.lang
    try:
        data = args.file.read_bytes()
    except OSError:
        print(t("error.import.unreadable_path", lang), file=sys.stderr)
        return 1
    try:
        parsed = parse_file(data, args.file.name, resolver_for(store))
        if args.dry_run:
            print("\n".join(preview_lines(parsed, lang)))
            return 1 if parsed.errors() else 0
        result = import_file(store, data, args.file.name, user=actor, not_sampled=args.not_sampled, parsed=parsed)
    except (ImportFileError, UserError) as exc:
        print(exc.message(lang), file=sys.stderr)
        return 1
    if result.already_imported:
        print(t("preview.already", lang, name=args.file.name))
        return 0
    if result.errors:
        print(t("preview.rejected", lang, name=args.file.name, n=len(result.errors)), file=sys.stderr)
        for e in result.errors:
            print(f"  {e.message(lang)}", file=sys.stderr)
        return 1
    print(
        t(
            "preview.done",
            lang,
            name=args.file.name,
            n=result.written,
            cases=result.cases_opened,
            not_sampled=result.not_sampled,
            skipped=result.skipped,
        )
    )
    print(t("preview.per_site", lang, sites=_counts(result.counts)))
    return 0


def run_template(args) -> int:
    """Run ``sample-template``: write the XLSX or CSV template; returns the exit status."""
    from .templates import template_csv, template_xlsx

    suffix = args.out.suffix.lower()
    if suffix not in (".xlsx", ".csv"):
        print(t("error.import.file_type", args.lang), file=sys.stderr)
        return 2
    data = template_xlsx() if suffix == ".xlsx" else template_csv()
    args.out.write_bytes(data)
    print(t("preview.template_written", args.lang, path=args.out.name, size=len(data)))
    return 0
