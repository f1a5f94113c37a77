"""Exports per water body: the 台账 and the layers filtered to one body, or every body with a breakdown.

Yehu's exports are those from before (``tests/fixtures/yehu_baseline/exports.json``, captured from the
code before the change with ``python -m tests.monitoring.test_body_exports capture``): the same
workbook cells (volatile ones masked: times of recording, random ids) and the same GeoJSON and
KML bytes.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import sys
import zipfile
from datetime import date, datetime

from openpyxl import load_workbook

from tests.conftest import ROOT
from tests.monitoring.test_yehu_baseline import TODAY, build

FIXTURE = ROOT / "tests" / "fixtures" / "yehu_baseline" / "exports.json"
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def cells(data: bytes, skip=()) -> dict:
    """Every sheet's cell values as text; times of recording and random ids masked."""
    wb = load_workbook(io.BytesIO(data))
    now = datetime.now().date()
    out = {}
    for ws in wb.worksheets:
        if ws.title in skip:
            continue
        rows = []
        for row in ws.iter_rows(values_only=True):
            shown = []
            for v in row:
                if isinstance(v, datetime) and abs((v.date() - now).days) <= 1:
                    v = "<recorded>"
                elif isinstance(v, str) and UUID.match(v):
                    v = "<uuid>"
                elif isinstance(v, datetime | date):
                    v = v.isoformat()
                shown.append(v)
            rows.append(shown)
        out[ws.title] = rows
    return out


def layers(data: bytes) -> dict:
    """A GeoJSON zip's members as their sha256."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {n: hashlib.sha256(zf.read(n)).hexdigest() for n in sorted(zf.namelist())}


def exports(store, **body) -> dict:
    from monitoring.bootstrap import current_dataset
    from monitoring.export import geo_export, ledger_workbook

    ds = current_dataset(store)
    statuses = store.ledger.statuses()
    return {
        "xlsx": {lang: cells(ledger_workbook(store, ds, today=TODAY, lang=lang, **body)) for lang in ("zh", "en")},
        "geojson": layers(geo_export(ds, "geojson", statuses, **body)),
        "kml": hashlib.sha256(geo_export(ds, "kml", statuses, **body)).hexdigest(),
    }


def capture() -> None:  # pragma: no cover - run by hand, on the code before a change
    import os
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as tmp:
        os.environ["YEHU_DB"] = str(Path(tmp) / "base.sqlite")
        store = build(f"sqlite:///{os.environ['YEHU_DB']}")
        data = exports(store)
        FIXTURE.write_text(json.dumps(data, ensure_ascii=False, indent=0, default=str) + "\n", encoding="utf-8")
        store.engine.dispose()


if __name__ == "__main__" and sys.argv[1:] == ["capture"]:
    capture()
