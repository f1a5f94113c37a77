"""Generated hostile and careless sample files for import fuzzing (seeded, reproducible)."""

import csv
import io
import random
from datetime import date, datetime

import openpyxl

HEADERS = [
    ["序号", "点位名称", "采样日期", "总磷(mg/L)", "检出限(mg/L)", "备注"],
    ["塘号", "采样时间", "总磷", "采样人"],
    ["site", "date", "value", "unit", "parameter", "qc_type"],
    ["点位", "日期", "结果", "单位", "检出限", "样品类型", "质控类型", "实验室"],
]
SITES = [
    "1",
    "5号",
    "5号塘",
    "塘5",
    "5号塘尾水排口",
    "13号",
    "黄炳成水产养殖场",
    "L1",
    "99",
    "",
    "塘",
    "0",
    "-1",
    "9" * 4300,
    "1" * 25,
    '=HYPERLINK("http://x","y")',
    "<script>",
    "５号",
    "１７号塘",
    "\x00",
    "号",
    "5.0",
]
DATES = [
    "2022/4/12",
    "2022年4月13日",
    "2022-04-14 10:00",
    "0001-01-01",
    "9999-12-31",
    "2022-13-40",
    "",
    "yesterday",
    "2022/4/12 25:99",
    "1e9",
    "2022-04-12T10:00+99:00",
    "2099-01-01",
    "-2022-01-01",
    "2022-02-30",
    "１９",
]
VALUES = [
    "0.35",
    "0.01L",
    "０.１８",
    "ND",
    "<0.01",
    "未采",
    "—",
    "",
    "1e-400",
    "1e400",
    "nan",
    "inf",
    "-0.1",
    "TRUE",
    "0,35",
    "9" * 400,
    "0x10",
    "1_000",
    "..",
    "<",
    "L",
    "NDND",
    "60",
    "=1+1",
    "\t=1",
    "+1",
    "@sum",
]
CELLS = [
    None,
    True,
    False,
    0,
    -1,
    1e308,
    float("nan"),
    float("inf"),
    date(1, 1, 1),
    datetime(9999, 12, 31, 23, 59),
    "x" * 5000,
    "\u202e",
    "𠀀",
    10**30,
]
ENCODINGS = ["utf-8", "gbk", "utf-8-sig", "utf-16", "latin-1", "gb18030"]


def _row(rng, width):
    row = [rng.choice(SITES), rng.choice(DATES), rng.choice(VALUES)]
    row += [rng.choice(VALUES + ["", "张三"]) for _ in range(max(0, width - 3))]
    if rng.random() < 0.2:
        row = row[: rng.randrange(len(row) + 1)]  # ragged
    if rng.random() < 0.1:
        row += ["extra"] * rng.randrange(1, 4)
    return row


def _table(rng):
    header = list(rng.choice(HEADERS))
    if rng.random() < 0.1:
        rng.shuffle(header)
    if rng.random() < 0.1:
        header[rng.randrange(len(header))] = rng.choice(["", "序号", "总磷", "x" * 300])
    rows = []
    if rng.random() < 0.5:
        rows.append(["冶湖周边精养鱼池尾水监测结果（2022年第15周）"])
    if rng.random() < 0.3:
        rows.append(["填报单位：临湘市环境监测站", "", "填报日期：2022年4月18日"])
    rows.append(header)
    rows += [_row(rng, len(header)) for _ in range(rng.randrange(0, 12))]
    return rows


def clean_rows(rng):
    """A well-formed file of a few rows (distinct times), as a careful lab sends it."""
    day = rng.randrange(1, 28)
    rows = [["序号", "点位名称", "采样日期", "总磷(mg/L)"]]
    for i, pond in enumerate(rng.sample(range(1, 18), rng.randrange(1, 6)), 1):
        name = rng.choice([f"{pond}", f"{pond}号", f"{pond}号塘", f"塘{pond}", f"{pond}号塘尾水排口"])
        when = f"2023/{rng.randrange(1, 13)}/{day} {rng.randrange(0, 24)}:{rng.randrange(0, 60):02d}"
        rows.append([i, name, when, rng.choice(["0.05", "0.12", "0.01L", "0.35", "未采"])])
    return rows


def csv_file(rng) -> tuple[bytes, str]:
    rows = clean_rows(rng) if rng.random() < 0.2 else _table(rng)
    buf = io.StringIO()
    csv.writer(buf, delimiter=rng.choice([",", ",", "\t", ";"])).writerows(rows)
    text = buf.getvalue()
    enc = rng.choice(ENCODINGS)
    data = text.encode(enc, errors="replace")
    r = rng.random()
    if r < 0.08:
        data = data[: rng.randrange(len(data) + 1)]
    elif r < 0.14:
        data = data.replace(b",", b'"', rng.randrange(1, 4))
    elif r < 0.18:
        data = text.split("\n")[0].encode("utf-8") + b"\n" + "\n".join(text.split("\n")[1:]).encode("gbk", "replace")
    elif r < 0.22:
        data = bytes(rng.randrange(256) for _ in range(rng.randrange(0, 400)))
    elif r < 0.25:
        data = b""
    elif r < 0.28:
        data = data.replace(b"1", b"\x00", 1)
    return data, rng.choice(["lab.csv", "周报.CSV", "x.csv"])


def xlsx_file(rng) -> tuple[bytes, str]:
    wb = openpyxl.Workbook()
    ws = wb.active
    for row in _table(rng):
        cells = [rng.choice(CELLS) if rng.random() < 0.15 else v for v in row]
        try:
            ws.append(cells)
        except Exception:  # openpyxl refuses some values (NUL, control characters)
            ws.append(["?"])
    if rng.random() < 0.3 and ws.max_row > 2:
        r0 = rng.randrange(1, ws.max_row)
        ws.merge_cells(start_row=r0, start_column=1, end_row=r0 + 1, end_column=rng.randrange(1, 4))
    buf = io.BytesIO()
    wb.save(buf)
    data = buf.getvalue()
    r = rng.random()
    if r < 0.1:
        data = data[: rng.randrange(len(data))]
    elif r < 0.15:
        i = rng.randrange(len(data))
        data = data[:i] + bytes([rng.randrange(256)]) + data[i + 1 :]
    return data, rng.choice(["lab.xlsx", "结果.XLSX"])


def files(n: int, seed: int = 0):
    """Yield ``n`` (bytes, filename) pairs."""
    rng = random.Random(seed)
    for _ in range(n):
        yield (xlsx_file(rng) if rng.random() < 0.35 else csv_file(rng))
