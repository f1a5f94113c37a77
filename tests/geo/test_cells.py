"""Formula injection: user text never becomes a spreadsheet formula; CSV for Excel carries a BOM."""

import csv
import io
import subprocess
import sys

import pandas as pd

from geo.cells import FORMULA_STARTS, csv_bytes, neutral, neutral_frame
from tests.conftest import ROOT

PAYLOADS = ['=HYPERLINK("http://example.invalid/x","y")', "+1+1", "-2+3", "@SUM(A1)", "\t=1+1", "\r=1+1"]


def test_every_formula_start_gets_an_apostrophe_and_keeps_the_text():
    for text in PAYLOADS:
        assert text.startswith(FORMULA_STARTS)
        assert neutral(text) == "'" + text
    for harmless in ("5号 白玉林水产养殖场", "E113.41752N29.62587", "0.01L", "", "'already"):
        assert neutral(harmless) == harmless


def test_numbers_dates_and_missing_values_stay_what_they_are():
    df = pd.DataFrame(
        {"text": ["-5", "ok", None], "num": [-0.5, 1.0, float("nan")], "when": pd.to_datetime(["2022-04-12"] * 3)}
    )
    out = neutral_frame(df)
    assert out.text.tolist()[:2] == ["'-5", "ok"] and pd.isna(out.text[2])
    assert out.num.dtype == float and out.num.iloc[0] == -0.5
    assert out.when.dtype == df.when.dtype


def test_csv_reads_back_as_text_with_a_bom():
    data = csv_bytes(pd.DataFrame({"名称": PAYLOADS, "值": range(len(PAYLOADS))}))
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert rows[0] == ["名称", "值"]
    assert [r[0] for r in rows[1:]] == ["'" + p for p in PAYLOADS]
    assert [r[1] for r in rows[1:]] == [str(i) for i in range(len(PAYLOADS))]


def test_geo_classify_csv_neutralises_a_register_text(data_copy):
    path = data_copy / "ponds.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("\n1,江南镇,", "\n1,=江南镇,", 1), encoding="utf-8")
    out = subprocess.run(
        [sys.executable, "-m", "geo", "--data", str(data_copy), "classify", "--format", "csv"],
        cwd=ROOT,
        capture_output=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr.decode()
    assert out.stdout.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(out.stdout.decode("utf-8-sig"), newline="")))
    assert rows[0]["town"] == "'=江南镇" and rows[1]["town"] == "江南镇"
    assert rows[0]["area_mu"] == "50.0"  # numbers stay numbers
