"""The weekly report (周报) as a PDF for leaders to forward or print.

``python -m monitoring report --week 2022-W15 OUT.pdf`` and the Dashboard's
download.  A4 portrait pages drawn with matplotlib: key figures, a static map
(ponds by retirement status, the zones, a provenance note), the week's
sampling, exceedances and open tracing cases, the lake's class against its
target, the trend per site, retirement progress by town and step, overdue
items grouped by step and town, and the lake-level work (plans, the week's
organism releases, the leading group).

Chinese text uses Noto Sans CJK from the Debian package ``fonts-noto-cjk``
(embedded in the PDF, nothing fetched); :data:`FONT_FILES` lists where it is
looked for.
"""

from __future__ import annotations

import io
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # no display; before anything else from matplotlib
from matplotlib import font_manager  # noqa: E402
from matplotlib.backends.backend_pdf import PdfPages  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402

from i18n import t  # noqa: E402
from i18n.errors import UserError  # noqa: E402

from . import clock
from .compliance import unsampled_text  # noqa: E402
from .digest import weekly_digest  # noqa: E402
from .lake_outputs import lake_section  # noqa: E402
from .ledger_book import reporting_unit  # noqa: E402
from .task_outputs import body_label, task_section  # noqa: E402
from .trend import p_text  # noqa: E402

__all__ = ["FONT_FILES", "weekly_report"]

#: CJK fonts, first found wins (Debian fonts-noto-cjk; WenQuanYi as a fallback).
FONT_FILES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
)
A4 = (8.27, 11.69)
STATUS_COLOURS = {"retired": "#2ca02c", "in_progress": "#f49c1c", "not_started": "#e03030", "": "#7f7f7f"}
ROW = 0.0165  # table row height, in page fractions
TOP, BOTTOM = 0.94, 0.05


def _font() -> str:
    """Register the CJK font with matplotlib and return its family name."""
    for path in FONT_FILES:
        if Path(path).is_file():
            font_manager.fontManager.addfont(path)
            names = {f.name for f in font_manager.fontManager.ttflist if f.fname == path}
            for prefer in ("Noto Sans CJK SC", "Noto Serif CJK SC"):
                if prefer in names:
                    return prefer
            return sorted(names)[0]
    raise UserError("report_font", path=FONT_FILES[0], package="fonts-noto-cjk")


class _Pages:
    """Top-down flow of headings, text and tables over A4 pages."""

    def __init__(self, pdf: PdfPages, family: str, footer: str):
        self.pdf, self.family, self.footer = pdf, family, footer
        self.fig = None
        self.y = TOP
        self.n = 0

    def page(self):
        if self.fig is not None:
            self._finish()
        self.fig = Figure(figsize=A4)
        self.y = TOP
        return self.fig

    def _finish(self):
        self.n += 1
        self.fig.text(0.5, 0.025, f"{self.footer}    {self.n}", ha="center", fontsize=7, color="#555555")
        self.pdf.savefig(self.fig)

    def close(self):
        if self.fig is not None:
            self._finish()
            self.fig = None

    def need(self, height: float):
        if self.fig is None or self.y - height < BOTTOM:
            self.page()

    def text(self, s: str, size=9, bold=False, gap=0.006, colour="black", x=0.07):
        lines = [part for line in s.split("\n") for part in _wrap(line, 0.86 * A4[0] * 72 / size)]
        s = "\n".join(lines)
        h = len(lines) * size / 72 / A4[1] * 1.45
        self.need(h + gap)
        self.fig.text(x, self.y, s, fontsize=size, va="top", weight="bold" if bold else "normal", color=colour)
        self.y -= h + gap

    def heading(self, s: str):
        self.need(0.06)
        self.y -= 0.008
        self.text(s, size=12, bold=True, gap=0.008)

    def table(self, header: list[str], rows: list[list], widths: list[float] | None = None, colours=None):
        """A bordered table; long ones continue on the next page with the header repeated."""
        if not rows:
            return
        i = 0
        while i < len(rows):
            self.need(ROW * 3)
            room = max(1, int((self.y - BOTTOM) / ROW) - 1)
            chunk = rows[i : i + room]
            h = ROW * (len(chunk) + 1)
            ax = self.fig.add_axes((0.07, self.y - h, 0.86, h))
            ax.axis("off")
            tb = ax.table(
                cellText=[[str(c) for c in r] for r in chunk],
                colLabels=header,
                colWidths=widths,
                loc="upper center",
                cellLoc="left",
                bbox=(0, 0, 1, 1),
            )
            tb.auto_set_font_size(False)
            tb.set_fontsize(7.5)
            for (r, c), cell in tb.get_celld().items():
                cell.set_linewidth(0.4)
                if r == 0:
                    cell.set_facecolor("#d9e1f2")
                    cell.get_text().set_weight("bold")
                elif colours is not None:
                    colour = colours(i + r - 1, c)
                    if colour:
                        cell.set_facecolor(colour)
            i += len(chunk)
            self.y -= h + 0.012


def _wrap(line: str, ems: float) -> list[str]:
    """Break a line so it fits ``ems`` font sizes (CJK one em wide, other characters about 0.55)."""
    out, cur, width = [], "", 0.0
    for ch in line:
        w = 1.0 if ord(ch) > 0x2E80 else 0.55
        if width + w > ems and cur:
            out.append(cur)
            cur, width = "", 0.0
        cur += ch
        width += w
    return [*out, cur]


def _map(fig, ds, statuses: dict, lang: str, rect):
    """Ponds by status over the zones, in EPSG:4547 metres, with a provenance note."""
    ax = fig.add_axes(rect)
    m = 4547
    ban = ds.ban_zone.to_crs(m)
    lake = ds.lake.gdf.to_crs(m)
    nofish = ds.nofish_zones.to_crs(m)
    sections = ds.sections.gdf.to_crs(m)
    ponds = ds.register.to_crs(m)
    # The ban zone and every pond within 8 km of it; ponds printed far away are listed below the map.
    near = ponds.geometry.distance(ban.geometry.union_all()) <= 8000
    x0, y0, x1, y1 = ponds[near].geometry.union_all().union(ban.geometry.union_all()).bounds
    pad = 1200
    x0, y0, x1, y1 = x0 - pad, y0 - pad, x1 + pad, y1 + pad
    half = max(x1 - x0, (y1 - y0) * 0.86 / 0.46 * A4[0] / A4[1]) / 2  # fill the frame without distortion
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    x0, x1 = cx - half, cx + half
    hh = half * rect[3] * A4[1] / (rect[2] * A4[0])
    hh = max(hh, (y1 - y0) / 2)
    y0, y1 = cy - hh, cy + hh
    ban.boundary.plot(ax=ax, color="#d62a2a", linewidth=1.2, linestyle="--")
    lake.plot(ax=ax, color="#8ac8f0", edgecolor="#1f8bd0", linewidth=0.8)
    nofish.plot(ax=ax, color="#9c40b4", alpha=0.25, edgecolor="#9c40b4", linewidth=0.6)
    sections.plot(ax=ax, color="#9c40b4", marker="^", markersize=30)
    inside = ponds.geometry.x.between(x0, x1) & ponds.geometry.y.between(y0, y1)
    suspect = set(ds.suspect_ids)
    labels: dict[tuple[float, float], list[str]] = {}
    for pid, geom in zip(ponds.pond_id[inside], ponds.geometry[inside], strict=True):
        colour = STATUS_COLOURS.get(statuses.get(int(pid), ""), STATUS_COLOURS[""])
        ax.scatter([geom.x], [geom.y], s=42, color=colour, edgecolor="black", linewidth=0.5, zorder=5)
        if int(pid) in suspect:
            ax.scatter([geom.x], [geom.y], s=130, facecolor="none", edgecolor="#d62a2a", linestyle="--", zorder=4)
        labels.setdefault((round(geom.x), round(geom.y)), []).append(str(pid))
    for (x, y), ids in labels.items():  # ponds printed at one point share one label
        ax.annotate("、".join(ids), (x, y), xytext=(4, 3), textcoords="offset points", fontsize=7, zorder=6)
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_aspect("equal")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_xlabel("")
    ax.set_ylabel("")
    # Scale bar: 1 km.
    sx, sy = x0 + 800, y0 + 700
    ax.plot([sx, sx + 1000], [sy, sy], color="black", linewidth=2)
    ax.text(sx + 500, sy + 180, "1 km", ha="center", fontsize=7)
    handles = [
        Line2D(
            [],
            [],
            marker="o",
            linestyle="",
            color=STATUS_COLOURS[k],
            markeredgecolor="black",
            label=t(f"status.{k}", lang),
        )
        for k in ("not_started", "in_progress", "retired")
    ]
    handles += [
        Line2D(
            [],
            [],
            marker="o",
            linestyle="",
            color=STATUS_COLOURS[""],
            markeredgecolor="black",
            label=t("report.map.no_status", lang),
        ),
        Line2D([], [], color="#d62a2a", linestyle="--", label=t("export.kml.ban", lang)),
        Line2D([], [], marker="s", linestyle="", color="#8ac8f0", label=t("map.layer.lake", lang)),
        Line2D([], [], marker="s", linestyle="", color="#9c40b4", alpha=0.4, label=t("export.kml.nofish_folder", lang)),
        Line2D(
            [],
            [],
            marker="o",
            linestyle="",
            markerfacecolor="none",
            markeredgecolor="#d62a2a",
            label=t("report.map.suspect", lang),
        ),
    ]
    ax.legend(handles=handles, loc="upper left", fontsize=6.5, framealpha=0.9)
    outside = sorted(int(p) for p in ponds.pond_id[~inside])
    return outside


def _fmt(v, digits=3) -> str:
    if v is None or v != v:  # NaN
        return "—"
    return f"{v:.{digits}f}"


def _bodies(pages, d: dict, lang: str) -> bool:
    """The water body the report is about, and each body's class against its target and trend.

    Returns whether the report covers a body with an outline (the pond map is drawn then).
    """
    from geo.waterbodies import current_waterbodies

    tr = lambda key, **kw: t(key, lang, **kw)  # noqa: E731
    wb = current_waterbodies()
    name = wb[d["body"]].label(lang) if d["body"] else tr("body.all")
    pages.text(tr("report.body", body=name), size=9, bold=True)
    rows = [
        [
            wb[r["code"]].label(lang),
            tr(f"body.kind.{r['kind']}"),
            r["target"] + (f" ({tr('dashboard.assumed')})" if r["target_provisional"] else ""),
            r["grade"] or tr("cli.progress.no_data"),
            {True: tr("value.yes"), False: tr("value.no"), None: "—"}[r["meets_target"]],
            tr(f"trend.{r['trend']}") if r["trend"] else "—",
            ", ".join(r["pending"]) or "—",
        ]
        for r in d["bodies"]
    ]
    header = ["body.selector", "dashboard.body_kind", "dashboard.body_target", "dashboard.body_grade"]
    header += ["dashboard.body_meets", "dashboard.body_trend", "dashboard.body_pending"]
    pages.table([tr(k) for k in header], rows, widths=[0.12, 0.22, 0.1, 0.14, 0.08, 0.1, 0.12])
    return d["body"] is None or wb[d["body"]].geometry is not None


def weekly_report(store, ds, week: str, lang: str = "zh", today=None, body: str | None = None) -> bytes:
    """The weekly report for one ISO week as PDF bytes.

    Parameters
    ----------
    store : monitoring.store.Store
    ds : geo.dataset.Dataset
    week : str
        ``YYYY-Www``.
    lang : {'zh', 'en'}
    today : datetime.date, optional
        The day figures are taken at is the week's Sunday, or today while the week runs.
    body : str, optional
        One water body only (every body, with a line for each, when omitted).

    Returns
    -------
    bytes

    Raises
    ------
    ValueError
        A malformed week.
    i18n.errors.UserError
        ``report_font`` when no CJK font is installed.
    """
    d = weekly_digest(store, ds, week, today, body=body)
    family = _font()
    matplotlib.rcParams["pdf.fonttype"] = 3
    matplotlib.rcParams["font.family"] = [family]
    fig = d["progress"]
    p, a, w = fig["ponds"], fig["area_mu"], fig["week"]
    made = clock.now().strftime("%Y-%m-%d %H:%M")
    buf = io.BytesIO()
    tr = lambda key, **kw: t(key, lang, **kw)  # noqa: E731
    step_name = lambda s: s["name"] if lang == "zh" else s["name_en"]  # noqa: E731
    with PdfPages(buf, metadata={"Title": tr("report.title", week=week), "Creator": "Yehu Monitor"}) as pdf:
        pages = _Pages(pdf, family, tr("report.footer", week=week, made=made))
        page = pages.page()
        page.text(0.5, 0.965, tr("report.title", week=week), ha="center", fontsize=15, weight="bold")
        pages.y = 0.935
        pages.text(
            tr("report.period", start=d["start"].isoformat(), end=d["end"].isoformat(), day=d["day"].isoformat())
            + "\n"
            + tr("report.unit", unit=reporting_unit(), made=made),
            size=8.5,
            colour="#333333",
        )
        pages.text(
            tr(
                "report.key",
                retired=p["retired"],
                total=p["total"],
                mu=f"{a['retired']:g}",
                mu_total=f"{a['total']:g}",
                overdue=len(fig["overdue"]),
                sampled=w["sampled"],
                due=w["due"],
                exceed=w["exceedances"],
                cases=len(d["cases"]),
            ),
            size=10,
            bold=True,
        )
        if _bodies(pages, d, lang):  # the pond map: Yehu's, when the report covers it
            map_h = 0.46
            outside = _map(page, ds, d["statuses"], lang, (0.07, pages.y - map_h, 0.86, map_h))
            pages.y -= map_h + 0.008
            note = tr("report.map.note")
            if ds.which_provisional:
                note += tr(f"prov.report.{ds.which_provisional}")
            if outside:
                note += "\n" + tr("report.map.outside", ponds=tr("list.sep").join(map(str, outside)))
            pages.text(note, size=7.5, colour="#444444")

        # 1. The week's sampling.
        pages.heading(tr("report.h.sampling", week=week))
        s = d["sampling"]
        colours = {"exceeds": "#f4b6b6", "missing": "#e4e4e4", "indeterminate": "#f9d29d"}
        rows = [
            [
                r.site_code,
                t(f"report.kind.{r.kind}", lang),
                int(r.n),
                _fmt(r.max_mg_l) + (" L" if r.n and bool(r.max_censored) else ""),
                _fmt(r.limit_mg_l, 2) if r.limit_mg_l == r.limit_mg_l else (r.grade or "—"),
                unsampled_text(r.not_sampled, lang).replace("$", r"\$")
                if r.status == "missing"
                else t(f"status.{r.status}", lang),
            ]
            for r in s.itertuples()
        ]
        status_col = list(s.status)
        pages.table(
            [
                tr("export.col.site"),
                tr("report.col.kind"),
                tr("report.col.n"),
                tr("report.col.max"),
                tr("report.col.limit"),
                tr("report.col.result"),
            ],
            rows,
            [0.12, 0.16, 0.12, 0.2, 0.2, 0.2],
            colours=lambda i, c: colours.get(status_col[i]) if c == 5 else None,
        )
        # 2. Exceedances and open tracing cases.
        pages.heading(tr("report.h.cases"))
        ex = d["exceedances"]
        pages.text(
            tr("report.exceed", n=len(ex), sites=tr("list.sep").join(ex.site_code) if len(ex) else tr("report.none")),
            size=9,
        )
        cs = d["cases"]
        if len(cs):
            pages.table(
                [
                    tr("export.col.case_id"),
                    tr("export.col.site"),
                    tr("export.col.value"),
                    tr("export.col.opened_at"),
                    tr("export.col.unit"),
                    tr("export.col.deadline"),
                    tr("export.col.action"),
                ],
                [
                    [
                        int(c.id),
                        c.site_code,
                        _fmt(c.value_mg_l),
                        str(c.opened_at)[:10],
                        c.responsible_unit or "—",
                        str(c.deadline or "—")[:10],
                        (c.action or "—")[:24],
                    ]
                    for c in cs.itertuples()
                ],
                [0.08, 0.08, 0.12, 0.14, 0.18, 0.14, 0.26],
            )
        else:
            pages.text(tr("report.no_cases"), size=9)
        # 3. The lake against its target.
        pages.heading(tr("report.h.lake"))
        for lk in fig["lake"]:
            if lk["grade"] is None:
                pages.text(tr("dashboard.lake_none", site=lk["site"]), size=9)
            else:
                line = tr(
                    "dashboard.lake_line",
                    site=lk["site"],
                    grade=lk["grade"],
                    target=lk["target"],
                    when=lk["latest_at"][:10],
                )
                pages.text(
                    line + " " + tr("report.meets" if lk["meets_target"] else "report.misses"),
                    size=9,
                    colour="#1a7f1a" if lk["meets_target"] else "#b01c1c",
                )
        if not fig["lake"]:
            pages.text(tr("report.no_lake_sites"), size=9)
        # 4. Trend per site.
        pages.heading(tr("report.h.trend", weeks=d["trend_weeks"]))
        tdf = d["trend"]
        if len(tdf):
            dirs = list(tdf.direction)
            pages.table(
                [
                    tr("trend.site"),
                    tr("trend.n"),
                    tr("trend.latest"),
                    tr("trend.slope"),
                    tr("trend.p"),
                    tr("trend.direction"),
                ],
                [
                    [
                        r.site,
                        r.n,
                        _fmt(r.latest),
                        _fmt(r.slope, 4) if r.slope is not None else "—",
                        p_text(r.p),
                        tr(f"trend.{r.direction}"),
                    ]
                    for r in tdf.itertuples()
                ],
                [0.12, 0.14, 0.18, 0.22, 0.14, 0.2],
                colours=lambda i, c: {"improving": "#cdebc8", "worsening": "#f4b6b6"}.get(dirs[i]) if c == 5 else None,
            )
            pages.text(tr("trend.help", alpha=d["trend_alpha"]), size=7.5, colour="#444444")
        else:
            pages.text(tr("trend.none", weeks=d["trend_weeks"]), size=9)
        # 5. Retirement progress.
        pages.heading(tr("report.h.progress"))
        pages.table(
            [tr("export.col.town"), tr("report.col.ponds_retired"), tr("report.col.mu_retired")],
            [
                [b["town"], f"{b['retired']} / {b['ponds']}", f"{b['retired_mu']:g} / {b['area_mu']:g}"]
                for b in fig["by_town"]
            ],
            [0.3, 0.35, 0.35],
        )
        pages.table(
            [tr("export.col.step"), tr("report.col.deadline"), tr("report.col.done"), tr("report.col.overdue")],
            [
                [step_name(s), s["deadline"] or tr("retirement.ongoing"), f"{s['done']} / {s['total']}", s["overdue"]]
                for s in fig["by_step"]
            ],
            [0.46, 0.18, 0.18, 0.18],
        )
        # 6. Overdue items grouped by step and town.
        pages.heading(tr("report.h.overdue", n=len(fig["overdue"])))
        groups = d["overdue_groups"]
        if groups:
            pages.table(
                [
                    tr("export.col.step"),
                    tr("export.col.town"),
                    tr("report.col.count"),
                    tr("report.col.max_days"),
                    tr("report.col.ponds"),
                ],
                [
                    [
                        g["step_name"] if lang == "zh" else g["step_name_en"],
                        g["town"],
                        g["count"],
                        g["max_days"],
                        tr("list.sep").join(str(x["pond_id"]) for x in g["ponds"]),
                    ]
                    for g in groups
                ],
                [0.3, 0.12, 0.1, 0.14, 0.34],
            )
        else:
            pages.text(tr("dashboard.none_overdue"), size=9)
        # 7. Lake-level work: plans, the week's releases, the leading group; rectification tasks.
        if d.get("lake_work_bodies"):  # every body: each one's plans, releases and group
            for code, work in d["lake_work_bodies"]:
                lake_section(pages, work, lang, body=body_label(code, lang))
        else:
            lake_section(pages, d["lake_work"], lang)
        task_section(pages, d["task_work"], lang)
        pages.close()
    return buf.getvalue()
