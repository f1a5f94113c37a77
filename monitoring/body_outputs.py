"""The 台账 by water body: which rows belong to a body, and the per-body breakdown sheet.

A pond belongs to the body that lists it, a site (pond, lake or section) to its ``water_body``;
ledger events and patrols follow their ponds, a tip its nearest pond, tracing cases and samples
their site. Patrols naming no pond, tips with no nearest pond and the lake-level work (plans,
releases, the leading group: Yehu's, :mod:`monitoring.lake_outputs`) belong to the default body.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from i18n import t

__all__ = ["BodyScope", "body_scope", "breakdown"]


@dataclass(frozen=True)
class BodyScope:
    """What of the 台账 belongs to one water body."""

    body: str
    ponds: frozenset
    sites: frozenset
    default: bool

    def pond_rows(self, df: pd.DataFrame, column: str) -> pd.DataFrame:
        """The rows whose pond (number or code in ``column``) is one of the body's."""
        return _keep(df, [str(_whole(v)) in self.ponds for v in df[column]])

    def site_rows(self, df: pd.DataFrame, column: str) -> pd.DataFrame:
        """The rows whose site code in ``column`` is one of the body's."""
        return df[df[column].astype(str).isin(self.sites)]

    def patrol_rows(self, df: pd.DataFrame) -> pd.DataFrame:
        """Patrols naming one of its ponds; those naming none belong to the default body."""

        def mine(ponds) -> bool:
            named = [p.strip() for p in str(ponds or "").replace("，", ",").split(",") if p.strip()]
            return any(p in self.ponds for p in named) if named else self.default

        return _keep(df, [mine(p) for p in df["ponds"]])

    def tip_rows(self, df: pd.DataFrame) -> pd.DataFrame:
        """Tips whose nearest pond is one of its ponds; those without belong to the default body."""
        return _keep(df, [self.default if _empty(p) else str(_whole(p)) in self.ponds for p in df["nearest_pond"]])


def _keep(df: pd.DataFrame, mask: list) -> pd.DataFrame:
    """The rows where ``mask`` is true (an empty frame keeps its columns)."""
    return df.loc[pd.Series(mask, index=df.index, dtype=bool)]


def _empty(value) -> bool:
    return value is None or value == "" or (isinstance(value, float) and value != value)


def _whole(value):
    """``5.0`` (a pond number read as a float) as ``5``; anything else unchanged."""
    if isinstance(value, float) and value == value and value.is_integer():
        return int(value)
    return value


def body_scope(store, bodies, body: str) -> BodyScope:
    """The ponds and sites of one body.

    Parameters
    ----------
    store : monitoring.store.Store
    bodies : geo.waterbodies.WaterBodies
    body : str

    Returns
    -------
    BodyScope
    """
    from geo.waterbodies import DEFAULT

    sites = store.register.list_sites()
    mine = sites[sites.water_body == body]
    ponds = {str(c) for c in mine.code[mine.kind == "pond"]}
    return BodyScope(body, frozenset(ponds), frozenset(mine.code.astype(str)), body == DEFAULT)


def breakdown(store, bodies, lang: str, today: date) -> pd.DataFrame:
    """One row per water body: kind, target, ponds and how many are retired, sites, sections, samples, cases.

    Parameters
    ----------
    store : monitoring.store.Store
    bodies : geo.waterbodies.WaterBodies
        In use (with the placements).
    lang : {'zh', 'en'}
    today : datetime.date

    Returns
    -------
    pandas.DataFrame
    """
    col = lambda k: t(f"export.body.{k}", lang)  # noqa: E731
    sites = store.register.list_sites()
    samples = store.samples.find(parameter=None)
    cases = store.cases.find("open")
    statuses = store.ledger.statuses()
    rows = []
    for b in bodies:
        scope = body_scope(store, bodies, b.code)
        mine = sites[sites.water_body == b.code]
        target = t("cli.body.target_provisional" if b.target_provisional else "cli.body.target", lang, cls=b.target)
        rows.append(
            {
                col("name"): b.label(lang),
                col("code"): b.code,
                col("kind"): t(f"body.kind.{b.kind}", lang),
                col("target"): target,
                col("ponds"): len(scope.ponds),
                col("retired"): sum(statuses.get(int(p)) == "retired" for p in scope.ponds if p.isdigit()),
                col("sites"): int((mine.kind != "pond").sum()),
                col("pending"): ", ".join(s.code for s in b.sections if s.pending) or "—",
                col("placed"): ", ".join(f"{s.code} v{s.placement.version}" for s in b.sections if s.placement) or "—",
                col("samples"): int(samples.site_code.astype(str).isin(scope.sites).sum()),
                col("open_cases"): int(cases.site_code.astype(str).isin(scope.sites).sum()),
            }
        )
    return pd.DataFrame(rows)
