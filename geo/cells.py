"""Safe spreadsheet and CSV cells: user text never becomes a formula.

A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return
is read by Excel, LibreOffice and WPS as a formula (or a DDE call).  Following
OWASP's advice on CSV injection, such text gets a leading apostrophe and keeps
every other character; numbers, dates and booleans are left as they are.

Used by every XLSX and CSV export (the ledger, the audit trail, ``geo
classify --format csv``).
"""

from __future__ import annotations

import pandas as pd

__all__ = ["FORMULA_STARTS", "csv_bytes", "neutral", "neutral_frame"]

#: First characters that make a spreadsheet evaluate a cell.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutral(value):
    """Return ``value`` safe for a spreadsheet cell.

    Parameters
    ----------
    value : object
        A cell value; only ``str`` is ever changed.

    Returns
    -------
    object
        The text with an apostrophe in front when it starts like a formula;
        anything else unchanged.

    Examples
    --------
    >>> neutral('=HYPERLINK("http://x","y")') == "'" + '=HYPERLINK("http://x","y")'
    True
    >>> neutral(chr(9) + "=1+1") == "'" + chr(9) + "=1+1"
    True
    >>> neutral(-0.5), neutral("5号塘")
    (-0.5, '5号塘')
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def neutral_frame(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` with every text cell passed through :func:`neutral`.

    Numeric, date and boolean columns are left alone; so are the column names
    (they are ours).

    Examples
    --------
    >>> neutral_frame(pd.DataFrame({"a": ["@SUM(1)", "ok"], "b": [-1, 2]})).to_dict("list")
    {'a': ["'@SUM(1)", 'ok'], 'b': [-1, 2]}
    """
    out = df.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(neutral).astype(object)
    return out


def csv_bytes(df: pd.DataFrame) -> bytes:
    r"""``df`` as CSV for Excel on a Chinese Windows: UTF-8 with a BOM, text cells neutralised.

    Examples
    --------
    >>> csv_bytes(pd.DataFrame({"名称": ["=1+1"]})).decode("utf-8").splitlines()
    ['\ufeff名称', "'=1+1"]
    """
    return neutral_frame(df).to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")  # CR inside text is quoted
