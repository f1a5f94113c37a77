"""A clearly labelled synthetic sample set, for trying the app. Never loaded silently."""

from __future__ import annotations

from datetime import timedelta

import numpy as np

from . import clock
from .samples import ParsedValue, SampleInput

__all__ = ["load_demo"]

NOTE = "演示数据（合成）/ synthetic demo data"


def load_demo(store, *, user, weeks: int = 12, seed: int = 7) -> int:
    """Add weekly TP samples for every pond site, marked synthetic.

    Parameters
    ----------
    store : monitoring.store.Store
    user : monitoring.auth.Actor
        Acting user (``demo.load``, admin).
    weeks : int
        Weeks back from the current one.
    seed : int

    Returns
    -------
    int
        Samples written (0 when demo data is already present).
    """
    actor = store.accounts.authorize(user, "demo.load")
    if store.demo.present():
        return 0
    rng = np.random.default_rng(seed)
    today = clock.now().replace(hour=9, minute=0, second=0, microsecond=0)
    monday = today - timedelta(days=today.weekday())
    sites = store.register.list_sites()
    n = 0
    for w in range(1, weeks + 1):
        day = monday - timedelta(weeks=w) + timedelta(days=int(rng.integers(0, 5)))
        for code, kind in zip(sites.code, sites.kind, strict=True):
            if rng.random() < 0.1:
                continue  # a missed week, as happens
            if rng.random() < 0.15:
                value = ParsedValue(0.01, True, 0.01)
                text = "0.01L"
            else:
                v = float(np.round(rng.lognormal(np.log(0.12 if kind == "pond" else 0.04), 0.5), 3))
                value, text = ParsedValue(v, False, None), f"{v:g}"
            store.samples.add(
                SampleInput(
                    site=code,
                    sampled_at=day,
                    value=value,
                    kind="tail_water" if kind == "pond" else "lake",
                    inspector="演示",
                    notes=NOTE,
                    value_entered=text,
                ),
                user=actor,
                synthetic=True,
            )
            n += 1
    return n
