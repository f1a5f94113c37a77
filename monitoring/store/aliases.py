"""Site aliases: the other names labs write for a site (东湾, 李家塘口), added by an administrator."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import delete, insert, select

from i18n.errors import UserError

from ..auth import Actor
from ..errors import MonitoringError
from ..schema import site_aliases, sites
from ..sitenames import SiteResolver, name_key
from .base import Repository, now_utc

#: Longest alias (the column's length).
MAX_ALIAS = site_aliases.c.alias.type.length


class AliasError(MonitoringError):
    """An alias that cannot be added or removed (``site.alias_*``)."""

    default_code = "site.alias_invalid"


def _resolver(conn) -> SiteResolver:
    rows = conn.execute(select(sites.c.code, sites.c.kind, sites.c.name, sites.c.pond_id)).mappings().all()
    pairs = conn.execute(select(site_aliases.c.alias, site_aliases.c.site_code)).all()
    return SiteResolver([dict(r) for r in rows], [tuple(p) for p in pairs])


class Aliases(Repository):
    """Site aliases (``store.aliases``): what the sample import resolves besides codes, numbers and names."""

    def add(self, code: str, alias: str, *, user: Actor) -> str:
        """Add an alias for a site.

        An alias that already means a site (a code, a pond number such as ``5号塘``, a
        site's name or another alias) or that would fit several sites is refused: an
        alias never changes which site a name resolves to.

        Parameters
        ----------
        code : str
            The site's code.
        alias : str
            As labs write it.
        user : monitoring.auth.Actor
            ``site.alias``.

        Returns
        -------
        str
            The alias, stripped.

        Raises
        ------
        AliasError
            ``site.alias_empty``, ``site.alias_long``, ``site.alias_no_site``,
            ``site.alias_taken`` or ``site.alias_ambiguous``.
        """
        text = "" if alias is None else str(alias).strip()
        code = "" if code is None else str(code).strip()
        if not name_key(text):
            raise AliasError("site.alias_empty", field="alias", value=text)
        if len(text) > MAX_ALIAS:
            raise AliasError("site.alias_long", field="alias", value=text[:40], limit=MAX_ALIAS)
        with self._write(user, "site.alias") as (conn, actor):
            if conn.execute(select(sites.c.code).where(sites.c.code == code)).first() is None:
                raise AliasError("site.alias_no_site", field="site", value=code)
            try:
                taken = _resolver(conn).resolve(text)
            except UserError as exc:
                if exc.code == "import.site_ambiguous":
                    raise AliasError("site.alias_ambiguous", field="alias", value=text, **exc.params) from None
            else:
                raise AliasError("site.alias_taken", field="alias", value=text, site=taken)
            row = {
                "key": name_key(text),
                "alias": text,
                "site_code": code,
                "created_by": actor.name,
                "created_at": now_utc(),
            }
            conn.execute(insert(site_aliases).values(**row))
            self._audit(conn, actor, "site.alias", "site_alias", row["key"], None, row)
        return text

    def remove(self, alias: str, *, user: Actor) -> str:
        """Remove an alias (files naming it resolve no longer).

        Parameters
        ----------
        alias : str
        user : monitoring.auth.Actor
            ``site.alias``.

        Returns
        -------
        str
            The site code it pointed to.

        Raises
        ------
        AliasError
            ``site.alias_unknown``.
        """
        key = name_key(alias)
        with self._write(user, "site.alias") as (conn, actor):
            row = conn.execute(select(site_aliases).where(site_aliases.c.key == key)).mappings().first()
            if row is None:
                raise AliasError("site.alias_unknown", field="alias", value=str(alias or "").strip())
            conn.execute(delete(site_aliases).where(site_aliases.c.key == key))
            self._audit(conn, actor, "site.alias", "site_alias", key, dict(row), None)
        return row["site_code"]

    # --- reads -----------------------------------------------------------------
    def list_aliases(self) -> pd.DataFrame:
        """Every alias: ``alias``, ``site_code``, ``created_by``, ``created_at`` (naive UTC), by site.

        Returns
        -------
        pandas.DataFrame
        """
        cols = [site_aliases.c[c] for c in ("alias", "site_code", "created_by", "created_at")]
        with self.engine.connect() as conn:
            rows = conn.execute(select(*cols).order_by(site_aliases.c.site_code, site_aliases.c.key)).all()
        return pd.DataFrame(rows, columns=[c.key for c in cols])

    def pairs(self) -> list:
        """``(alias, site code)`` pairs for :class:`monitoring.sitenames.SiteResolver`.

        Returns
        -------
        list of tuple
        """
        with self.engine.connect() as conn:
            return [tuple(r) for r in conn.execute(select(site_aliases.c.alias, site_aliases.c.site_code))]
