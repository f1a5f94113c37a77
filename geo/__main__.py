"""Command line: ``python -m geo check`` and ``python -m geo classify``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

from i18n import LANGS, describe_flag, describe_hypothesis, lang_first, t
from i18n.cli import speak_argparse

from .admin import admin_mismatches
from .boundaries import BoundaryError
from .cells import csv_bytes
from .config import ConfigError
from .dataset import load_dataset
from .placement import placed_layer
from .provenance import layer_provenance, outline_provenance, section_problem_text
from .register import MU_M2, RegisterError
from .waterbodies import ALL, LEVELS, WaterBodyError, load_waterbodies


def _check(ds, lang: str) -> int:
    reg = ds.register
    print(t("cli.register", lang, path="ponds.csv", n=len(reg), mu=float(reg.area_mu.sum())))
    for b in (ds.lake, ds.sections, *(x for x in (ds.outlines, ds.admin) if x is not None)):
        prov = (
            layer_provenance(b.gdf, lang)
            if "provenance" in b.gdf.columns
            else t("cli.provisional", lang, source="; ".join(sorted(set(b.gdf.source))))
            if b.provisional
            else t("cli.verified", lang)
        )
        print(t("cli.boundary", lang, kind=t(f"cli.kind.{b.kind}", lang), path=b.path.name, n=len(b.gdf), prov=prov))
        for w in b.warnings:
            print(t("cli.warning", lang, text=w.text(lang)))
    for check in ds.section_problems:
        print(t("cli.warning", lang, text=section_problem_text(check, lang)))
    rows = reg.set_index("pond_id")

    def head(pid):
        r = rows.loc[pid]
        return t("cli.pond", lang, pid=pid, farm=r.farm_name, village=r.village, coord=r.coord_text)

    suspects = ds.suspect_ids
    print()
    print(t("cli.suspect_header", lang, n=len(suspects)))
    for pid in suspects:
        print(head(pid))
        qa = ds.qa[pid]
        for f in qa.flags:
            print(f"    [{t('qa.' + f.severity, lang)}] {describe_flag(f, lang)}")
        if any(f.code == "far" for f in qa.flags):
            for h in qa.hypotheses:
                print(f"      ? {describe_hypothesis(h, lang)}")
            if not qa.hypotheses:
                print(f"      ? {t('qa.no_hypothesis', lang, km=ds.qa_config.hypothesis_radius_m / 1000)}")
    notes = [pid for pid, r in ds.qa.items() if not r.suspect and r.flags]
    if notes:
        print()
        print(t("cli.note_header", lang))
        for pid in notes:
            print(head(pid))
            for f in ds.qa[pid].flags:
                print(f"    [{t('qa.' + f.severity, lang)}] {describe_flag(f, lang)}")
    _check_geometry(ds, lang, head)
    print()
    if any(ds.qa[p].hypotheses for p in suspects):
        print(t("qa.hint", lang))
    print(t("cli.ok", lang, n=len(suspects)))
    return 0


def _check_geometry(ds, lang: str, head) -> None:
    """Pond outlines (unknown ponds, area check) and ponds outside their stated county or town."""
    c = ds.classification
    if ds.outlines is not None:
        known = set(ds.register.pond_id)
        stray = sorted(int(p) for p in ds.outlines.gdf.pond_id if p not in known)
        print()
        print(t("cli.outlines", lang, n=int((c.basis == "outline").sum()), total=len(c)))
        if stray:
            print(t("cli.outline_stray", lang, ids=t("list.sep", lang).join(map(str, stray))))
        for r in c[c.area_check.isin(["larger", "smaller"])].itertuples():
            print(head(r.pond_id))
            print(
                "    "
                + t(
                    f"cli.area_{r.area_check}",
                    lang,
                    measured=r.outline_area_m2 / MU_M2,
                    stated=r.area_mu,
                    pct=abs(r.outline_area_m2 / r.area_m2 - 1) * 100,
                )
            )
    if ds.admin is not None:
        wrong = admin_mismatches(ds.register, ds.admin.gdf, ds.outlines.gdf if ds.outlines is not None else None)
        print()
        print(t("cli.admin_header", lang, n=wrong.pond_id.nunique()))
        for pid, rows in wrong.groupby("pond_id", sort=True):
            print(head(pid))
            for r in rows.itertuples():
                where = r.falls_in or t("cli.admin_none", lang)
                print(
                    "    "
                    + t(
                        "cli.admin_outside",
                        lang,
                        part=t(f"cli.part.{r.part}", lang),
                        level=t(f"cli.level.{r.level}", lang),
                        stated=r.stated,
                        where=where,
                    )
                )


def _classify(ds, lang: str, fmt: str) -> int:
    c = ds.classification.copy()
    c["shore_distance_m"] = c["shore_distance_m"].round(1)
    c["section_distance_m"] = c["section_distance_m"].round(1)
    c["area_m2"] = c["area_m2"].round(1)
    c["edge_distance_m"] = c["edge_distance_m"].round(1)
    c["outline_area_m2"] = c["outline_area_m2"].round(1)
    if ds.outlines is not None:  # each outline's own provenance (the version it came from)
        for col, values in outline_provenance(ds.outlines.gdf, c["pond_id"].tolist()).items():
            c[col] = values
    if fmt == "json":
        sys.stdout.write(c.to_json(orient="records", force_ascii=False, indent=1) + "\n")
        return 0
    if fmt == "csv":  # UTF-8 with a BOM for Excel; text that starts like a formula neutralised
        sys.stdout.flush()
        sys.stdout.buffer.write(csv_bytes(c))
        sys.stdout.buffer.flush()
        return 0
    shown = c.copy()
    shown["zone_class"] = [t(f"zone.{z}", lang) for z in shown["zone_class"]]
    shown["basis"] = [t(f"basis.{b}", lang) for b in shown["basis"]]
    shown["area_check"] = [t(f"area_check.{a}", lang) if a else "" for a in shown["area_check"]]
    if "outline_provenance" in shown.columns:
        shown["outline_provenance"] = [
            t(f"boundary.provenance.{p}", lang) if p else "" for p in shown["outline_provenance"]
        ]
    for col in ("in_lake", "in_ban_zone", "in_nofish_zone", "geometry_provisional", "coord_suspect"):
        shown[col] = [t("value.yes" if v else "value.no", lang) for v in shown[col]]
    for col in ("edge_distance_m", "outline_area_m2"):
        shown[col] = ["" if np.isnan(v) else f"{v:.1f}" for v in shown[col]]
    shown.columns = [t(f"field.{col}", lang) for col in shown.columns]
    print(shown.to_string(index=False))
    if ds.which_provisional:
        print()
        print(t(f"prov.footer.{ds.which_provisional}", lang))
    return 0


def _stored_dataset():
    """What the app shows (register edits, uploaded and drawn boundaries, placed sections), from its database.

    None without a database to read (:func:`monitoring.bootstrap.stored_dataset`).
    """
    try:
        from monitoring.bootstrap import stored_dataset
    except ImportError:  # geo used without the monitoring package
        return None
    return stored_dataset()


def _stored_placements() -> dict:
    """Sections the app's administrators placed: read from its database when there is one (else none)."""
    try:
        from monitoring.bodies import stored_placements
    except ImportError:  # geo used without the monitoring package
        return {}
    return stored_placements()


def _placed(ds, bodies, code: str, lang: str) -> None:
    """The sections placed later (of one body, or all): position, provenance, no-fishing zone or none."""
    from .mapping.layers import placed_provenance

    rows = [r for r in ds.placed.to_dict("records") if code in (ALL, r["water_body"])] if ds.placed is not None else []
    if not rows:
        return
    print()
    print(t("cli.placed.header", lang, n=len(rows)))
    for r in rows:
        zone = "cli.placed.nofish" if r["nofish"] else "cli.placed.no_zone"
        print(
            "  "
            + t(
                "cli.placed.line",
                lang,
                code=r["section_id"],
                name=r["name"],
                body=bodies[r["water_body"]].label(lang),
                lon=f"{r['geometry'].x:.6f}",
                lat=f"{r['geometry'].y:.6f}",
            )
        )
        print("    " + placed_provenance(r, lang) + "; " + t("cli.placed.source", lang, source=r["source"]))
        print("    " + t(zone, lang))


def _message(exc, lang: str) -> str:
    """An error's text in ``lang`` (a UserError from the catalogue; otherwise its own text)."""
    return exc.message(lang) if hasattr(exc, "message") else str(exc)


def _name(exc: FileNotFoundError) -> str:

    return Path(exc.filename).name if exc.filename else ""


def main(argv=None) -> int:
    """Run the command line; returns the exit status."""
    argv = lang_first(sys.argv[1:] if argv is None else list(argv))
    speak_argparse(LANGS[0])
    pre = argparse.ArgumentParser(add_help=False)
    pre.add_argument("--lang", choices=LANGS, default=LANGS[0])
    lang = pre.parse_known_args(argv)[0].lang
    speak_argparse(lang)

    def h(key: str) -> str:
        return t(f"cli.help.geo.{key}", lang)

    parser = argparse.ArgumentParser(prog="python -m geo", description=h("description"))
    parser.add_argument("--lang", choices=LANGS, default=LANGS[0], help=h("lang"))
    parser.add_argument("--data", help=h("data"))
    sub = parser.add_subparsers(dest="command", required=True)
    ck = sub.add_parser("check", help=h("check"))
    cl = sub.add_parser("classify", help=h("classify"))
    cl.add_argument("--format", choices=["table", "csv", "json"], default="table", help=h("format"))
    bd = sub.add_parser("bodies", help=t("cli.help.geo.bodies", lang))
    for p in (ck, cl, bd):
        p.add_argument("--water-body", default=ALL, metavar="CODE", help=t("cli.help.water_body", lang))
    args = parser.parse_args(argv)
    try:
        # The register and boundaries first: their problems are named before the water bodies file's.
        # Without --data, what the app shows, when it has a database; else the data folder as it is.
        stored = _stored_dataset() if args.command != "bodies" and args.data is None else None
        ds = load_dataset(args.data) if args.command != "bodies" and stored is None else stored
        bodies = load_waterbodies(Path(args.data) / "waterbodies.toml" if args.data else None)
        bodies = bodies.with_placements(_stored_placements())
        placed = placed_layer(bodies)
        if stored is None and ds is not None and len(placed):  # the zone answers include the placed sections
            ds = load_dataset(args.data, placed=placed)
        if ds is not None:
            print(t("cli.geo.read_db" if stored is not None else "cli.geo.read_folder", lang), file=sys.stderr)
        if args.water_body != ALL and args.water_body not in bodies.codes:
            raise WaterBodyError(
                "waterbodies.unknown",
                field="water_body",
                value=args.water_body,
                choices=", ".join([ALL, *bodies.codes]),
            )
        if args.command == "bodies":
            return _bodies(bodies, args.water_body, args.lang)
    except (RegisterError, BoundaryError, ConfigError, WaterBodyError) as exc:
        print(t("cli.load_failed", args.lang, error=_message(exc, args.lang)), file=sys.stderr)
        return 1
    except FileNotFoundError as exc:
        print(t("cli.load_failed", args.lang, error=t("cli.file_missing", args.lang, name=_name(exc))), file=sys.stderr)
        return 1
    if args.water_body != ALL:
        body = bodies[args.water_body]
        keep = [body.has_pond(p) for p in ds.classification.pond_id]
        ds.classification = ds.classification[keep].reset_index(drop=True)
        if not any(keep):
            print(t("cli.body.no_ponds", args.lang, body=body.label(args.lang)), file=sys.stderr)
    if args.command == "check":
        status = _check(ds, args.lang)
        _placed(ds, bodies, args.water_body, args.lang)
        return status
    status = _classify(ds, args.lang, args.format)
    if args.format == "table":
        _placed(ds, bodies, args.water_body, args.lang)
    return status


def _bodies(bodies, code: str, lang: str) -> int:
    """Each water body: kind, target, outline, zones, sections (位置待定 when unknown), ponds, results."""
    for b in bodies:
        if code not in (ALL, b.code):
            continue
        target = t("cli.body.target_provisional" if b.target_provisional else "cli.body.target", lang, cls=b.target)
        print(
            t(
                "cli.body.head",
                lang,
                name=b.label(lang),
                code=b.code,
                kind=t(f"body.kind.{b.kind}", lang),
                target=target,
            )
        )
        print(
            "  "
            + (
                t("cli.body.geometry", lang, name=b.geometry)
                if b.geometry
                else t("cli.body.no_geometry", lang, note=b.text("geometry_note", lang))
            )
        )
        for z in b.zones:
            state = t("cli.body.placed" if z.placed else "cli.body.not_placed", lang)
            levels = t("list.sep", lang).join(t(f"body.level.{LEVELS[lv]}", lang) for lv in z.levels)
            print("  " + t("cli.body.zone", lang, rule=t(f"body.rule.{z.rule}", lang), levels=levels, state=state))
        for s in b.sections:
            if s.pending:
                where = t("body.pending", lang)
            elif s.position == "placed":
                p = s.placement
                where = t("cli.placed.where", lang, lon=f"{p.lon:.6f}", lat=f"{p.lat:.6f}", source=p.source, by=p.by)
            else:
                where = t("cli.body.on_layer", lang, name=b.sections_layer)
            level = t(f"body.level.{LEVELS[s.level]}", lang) if s.level else "—"
            print("  " + t("cli.body.section", lang, code=s.code, name=s.name, level=level, where=where))
        n = len(b.ponds) if b.ponds != "register" else None
        print("  " + (t("cli.body.ponds_register", lang) if n is None else t("cli.body.ponds", lang, n=n)))
        if b.ponds_note:
            print("    " + b.text("ponds_note", lang))
        for r in b.results:
            print(
                "  "
                + t(
                    "cli.body.result",
                    lang,
                    section=r.section,
                    day=r.day.isoformat(),
                    parameter=r.parameter,
                    value=r.value_mg_l,
                    source=r.source,
                )
            )
    return 0


if __name__ == "__main__":
    from i18n.incident import run_cli

    sys.exit(run_cli(main, name="python -m geo"))
