"""Exports: the ledger (台账) as one XLSX workbook; the geometry as GeoJSON, GeoPackage or KML."""

from __future__ import annotations

import io
import json
import tempfile
from datetime import datetime
from pathlib import Path

import geopandas as gpd
import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from .ledger import overdue, pond_status
from .samples import TZ

__all__ = ["GEO_FORMATS", "geo_export", "geo_layers", "ledger_workbook"]

GEO_FORMATS = ("geojson", "gpkg", "kml")


def _naive_local(value):
    """Excel has no time zones: aware times become Asia/Shanghai wall time."""
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(TZ).replace(tzinfo=None)
    return value


def _sheet(wb: Workbook, title: str, df: pd.DataFrame, date_cols=(), datetime_cols=()) -> None:
    ws = wb.create_sheet(title)
    ws.append(list(df.columns))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for rec in df.itertuples(index=False):
        ws.append([None if (not isinstance(v, list | tuple) and pd.isna(v)) else _naive_local(v) for v in rec])
    ws.freeze_panes = "A2"
    for i, col in enumerate(df.columns, start=1):
        letter = get_column_letter(i)
        if col in date_cols:
            for c in ws[letter][1:]:
                c.number_format = "yyyy-mm-dd"
        if col in datetime_cols:
            for c in ws[letter][1:]:
                c.number_format = "yyyy-mm-dd hh:mm"
        sample = [str(col)] + [str(v) for v in df.iloc[:200, i - 1]]
        width = max(len(s) + sum(1 for ch in s if ord(ch) > 0x2E80) for s in sample)  # CJK is double width
        ws.column_dimensions[letter].width = min(max(8, width + 2), 60)


def ledger_workbook(store, ds, today=None) -> bytes:
    """The whole ledger as one XLSX workbook with Chinese headers.

    Sheets: 鱼池 (register, classification, status), 退养记录 (events), 水样
    (current samples), 每周达标 (site x week), 溯源案件 (tracing cases), 巡查
    (patrols), 举报 (public tips).
    Header row frozen, widths fitted, dates as real date cells.

    Parameters
    ----------
    store : monitoring.store.Store
    ds : geo.dataset.Dataset
    today : datetime.date, optional

    Returns
    -------
    bytes
    """
    today = today or datetime.now(TZ).date()
    ledger = store.ledger()
    reg = ds.register.set_index("pond_id")
    cls = ds.classification.set_index("pond_id")
    wb = Workbook()
    wb.remove(wb.active)

    rows = []
    for pid, r in reg.iterrows():
        done = ledger.get(str(pid), {})
        row = {
            "序号": int(pid),
            "镇": r.town,
            "村": r.village,
            "养殖场名称": r.farm_name,
            "位置": r.location,
            "坐标": r.coord_text,
            "经度": r.lon,
            "纬度": r.lat,
            "水面面积（亩）": r.area_mu,
            "用途": r.uses,
            "坐标状态": "暂定" if r.coord_status != "verified" else "已核实",
            "核实人": r.get("verified_by", ""),
            "核实日期": r.get("verified_on", ""),
            "原表坐标": r.get("seed_coord_text", r.coord_text),
            "原表面积（亩）": r.get("seed_area_mu", r.area_mu),
            "原表用途": r.get("seed_uses", r.uses),
            "距湖岸（m）": round(float(cls.loc[pid, "shore_distance_m"]), 1),
            "在1公里禁投区内": "是" if cls.loc[pid, "in_ban_zone"] else "否",
            "在禁捕区内": "是" if cls.loc[pid, "in_nofish_zone"] else "否",
            "坐标存疑": "是" if pid in ds.suspect_ids else "否",
            "退养状态": {"retired": "已退养销号", "in_progress": "退养中", "not_started": "未开始"}[
                pond_status(done, store.steps)
            ],
        }
        for s, state, days in overdue(done, store.steps, today):
            row[s.name] = done[s.key][0] if state == "done" else (f"逾期{days}天" if state == "overdue" else "")
        rows.append(row)
    _sheet(wb, "鱼池", pd.DataFrame(rows), date_cols=[s.name for s in store.steps])

    ev = store.ledger_events()
    names = {s.key: s.name for s in store.steps}
    _sheet(
        wb,
        "退养记录",
        pd.DataFrame(
            {
                "记录号": ev.id,
                "序号": pd.to_numeric(ev.pond_code),
                "类型": ev.kind.map({"done": "完成", "void": "撤销"}),
                "步骤": ev.step.map(names),
                "撤销记录号": ev.voids,
                "日期": ev.event_date,
                "责任单位": ev.responsible_unit,
                "说明": ev.note,
                "原因": ev.reason,
                "文号": ev.document_no,
                "有照片": ev.has_photo.map({True: "是", False: "否"}),
                "记录人": ev.recorded_by,
                "记录时间": ev.recorded_at,
            }
        ),
        date_cols=["日期"],
        datetime_cols=["记录时间"],
    )

    smp = store.samples(parameter=None)
    _sheet(
        wb,
        "水样",
        pd.DataFrame(
            {
                "样品号": smp.sample_uid,
                "版本": smp.version,
                "点位": smp.site_code,
                "样品类型": smp.kind,
                "采样时间": smp.sampled_at,
                "周": smp.week,
                "指标": smp.parameter,
                "结果（mg/L）": smp.value_mg_l,
                "低于检出限": smp.censored.map({True: "是", False: "否"}),
                "检出限（mg/L）": smp.detection_limit,
                "原始结果": smp.value_entered,
                "方法": smp.method,
                "质控类型": smp.qc_type,
                "实验室": smp.laboratory,
                "采样人": smp.inspector,
                "备注": smp.notes,
                "录入人": smp.created_by,
                "合成数据": smp.synthetic.map({True: "是", False: "否"}),
            }
        ),
        datetime_cols=["采样时间"],
    )

    weeks = sorted(set(smp.week)) if len(smp) else []
    grid = store.weekly_grid(weeks) if weeks else pd.DataFrame()
    labels = {
        "compliant": "达标",
        "exceeds": "超标",
        "indeterminate": "无法判定",
        "missing": "未采样",
        "no_limit": "无限值",
    }
    grid = grid.replace(labels).reset_index(names="点位") if len(grid) else pd.DataFrame({"点位": []})
    _sheet(wb, "每周达标", grid)

    cases = store.cases()
    _sheet(
        wb,
        "溯源案件",
        pd.DataFrame(
            {
                "案件号": cases.id,
                "点位": cases.site_code,
                "指标": cases.parameter,
                "结果（mg/L）": cases.value_mg_l,
                "限值（mg/L）": cases.limit_mg_l,
                "状态": cases.status.map({"open": "进行中", "closed": "已结案"}),
                "立案时间": cases.opened_at,
                "排查情况": cases.findings,
                "处理措施": cases.action,
                "责任单位": cases.responsible_unit,
                "整改期限": cases.deadline,
                "结案时间": cases.closed_at,
            }
        ),
        date_cols=["整改期限"],
        datetime_cols=["立案时间", "结案时间"],
    )
    pat = store.patrols()
    findings = {
        "feeding": "发现投饵",
        "fertiliser_drugs": "投肥或施药",
        "fry_stocking": "投放鱼苗",
        "dead_fish": "发现死鱼",
        "fishing_nofish": "禁捕区内垂钓捕捞",
        "other": "其他",
    }
    _sheet(
        wb,
        "巡查",
        pd.DataFrame(
            {
                "记录号": pat.id,
                "巡查日期": pat.patrol_date,
                "巡查人员": pat.inspectors,
                "鱼池": pat.ponds,
                "区域": pat.area,
                "发现问题": ["、".join(findings[f] for f in x.split(",") if f) for x in pat.findings],
                "死鱼处理": pat.dead_fish_disposal,
                "备注": pat.notes,
                "案件": pat.case_status.map({"none": "", "open": "进行中", "closed": "已结案"}),
                "处理措施": pat.case_action,
                "责任单位": pat.case_unit,
                "期限": pat.case_deadline,
                "记录人": pat.recorded_by,
            }
        ),
        date_cols=["巡查日期", "期限"],
    )
    tp = store.tips()
    status = {"received": "已受理", "verified": "查证属实", "unfounded": "查无实据", "resolved": "已处理"}
    _sheet(
        wb,
        "举报",
        pd.DataFrame(
            {
                "记录号": tp.id,
                "受理日期": tp.received_date,
                "举报内容": tp.what,
                "位置（原文）": tp.location_text,
                "经度": tp.lon,
                "纬度": tp.lat,
                "在1公里禁投区内": tp.in_ban_zone.map({True: "是", False: "否"}),
                "在禁捕区内": tp.in_nofish_zone.map({True: "是", False: "否"}),
                "最近鱼池": tp.nearest_pond,
                "距最近鱼池（m）": tp.nearest_pond_m.round(0),
                "状态": tp.status.map(status),
                "奖励（元）": tp.reward_amount,
                "联系方式": tp.contact,
                "记录人": tp.recorded_by,
            }
        ),
        date_cols=["受理日期"],
    )
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def geo_layers(ds, statuses: dict | None = None) -> dict[str, gpd.GeoDataFrame]:
    """The layers to export, in EPSG:4490: ponds, lake, ban zone, no-fishing zones, sections.

    Parameters
    ----------
    ds : geo.dataset.Dataset
    statuses : dict, optional
        Retirement status per pond number.

    Returns
    -------
    dict of str to geopandas.GeoDataFrame
    """
    cols = ["pond_id", "town", "village", "farm_name", "coord_text", "area_mu", "coord_status"]
    seed = ["seed_coord_text", "seed_area_mu", "verified_by", "verified_on"]
    ponds = ds.register[cols + [c for c in seed if c in ds.register.columns] + ["geometry"]]
    ponds = ponds.merge(ds.classification[["pond_id", "zone_class", "shore_distance_m"]], on="pond_id")
    ponds["zone_class"] = ponds["zone_class"].astype(str)
    ponds["suspect"] = ponds.pond_id.isin(ds.suspect_ids)
    ponds["status"] = [(statuses or {}).get(int(p), "") for p in ponds.pond_id]
    return {
        "ponds": gpd.GeoDataFrame(ponds, geometry="geometry", crs=ds.register.crs),
        "lake": ds.lake.gdf,
        "ban_zone": ds.ban_zone,
        "nofish_zones": ds.nofish_zones,
        "sections": ds.sections.gdf,
    }


def geo_export(ds, fmt: str, statuses: dict | None = None) -> bytes:
    """Write every layer to one file.

    GeoJSON holds one FeatureCollection with a ``layer`` property per feature;
    GeoPackage and KML hold one layer (KML: folder) per layer.

    Parameters
    ----------
    ds : geo.dataset.Dataset
    fmt : {'geojson', 'gpkg', 'kml'}
    statuses : dict, optional

    Returns
    -------
    bytes

    Raises
    ------
    ValueError
        For an unknown format.
    """
    if fmt not in GEO_FORMATS:
        raise ValueError(f"format must be one of {GEO_FORMATS}, got {fmt!r}")
    layers = geo_layers(ds, statuses)
    if fmt == "geojson":
        feats = []
        for name, gdf in layers.items():
            fc = json.loads(gdf.to_crs(4326).to_json(drop_id=True))
            for f in fc["features"]:
                f["properties"] = {"layer": name, **f["properties"]}
                feats.append(f)
        return json.dumps({"type": "FeatureCollection", "features": feats}, ensure_ascii=False).encode("utf-8")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"yehu.{fmt}"
        for name, gdf in layers.items():
            out = gdf.to_crs(4326) if fmt == "kml" else gdf
            out.to_file(path, layer=name, driver="GPKG" if fmt == "gpkg" else "LIBKML")
        return path.read_bytes()
