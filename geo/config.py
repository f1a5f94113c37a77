"""Settings for the geospatial core, read from ``config/yehu.toml``.

``YEHU_CONFIG`` points at another file.  Missing keys take the defaults below,
which are the plan's values.
"""

from __future__ import annotations

import math
import os
import re
import tomllib
from dataclasses import dataclass, fields
from pathlib import Path

from i18n.errors import UserError, describe_value

__all__ = ["BoundaryConfig", "ConfigError", "QAConfig", "ZoneConfig", "config_path", "load_config"]


class ConfigError(UserError):
    """A configuration value that cannot be used.

    A :class:`~i18n.errors.UserError` with a code below ``config.``; ``key`` names
    the setting as written in the file (``[zones] ban_distance_m``).

    Examples
    --------
    >>> ZoneConfig(ban_distance_m=0)
    Traceback (most recent call last):
    ...
    geo.config.ConfigError: Setting [zones] ban_distance_m: must be a positive number, not '0'.
    """

    default_code = "config.invalid"


@dataclass(frozen=True)
class ZoneConfig:
    """Zone geometry settings.

    Attributes
    ----------
    ban_distance_m : float
        Width of the feed/fertiliser/drug ban zone around the lake (1 km).
    nofish_shape : {'circle', 'square'}
        Shape of the no-fishing zone around each section point.
    nofish_area_km2 : float
        Area of that zone (1 km²).
    """

    ban_distance_m: float = 1000.0
    nofish_shape: str = "circle"
    nofish_area_km2: float = 1.0

    def __post_init__(self):
        if self.nofish_shape not in ("circle", "square"):
            raise ConfigError(
                "config.choice", key="[zones] nofish_shape", given=self.nofish_shape, allowed="circle, square"
            )
        for name in ("ban_distance_m", "nofish_area_km2"):
            value = getattr(self, name)
            if not (isinstance(value, int | float) and value > 0):
                raise ConfigError("config.not_positive", key=f"[zones] {name}", given=value)

    @property
    def nofish_radius_m(self) -> float:
        """Circle radius for the configured area (564.19 m for 1 km²)."""
        return math.sqrt(self.nofish_area_km2 * 1e6 / math.pi)

    @property
    def nofish_half_side_m(self) -> float:
        """Half the side of the square for the configured area (500 m for 1 km²)."""
        return math.sqrt(self.nofish_area_km2 * 1e6) / 2


@dataclass(frozen=True)
class QAConfig:
    """Coordinate QA thresholds (see ``config/yehu.toml``)."""

    far_from_lake_m: float = 8000.0
    hypothesis_radius_m: float = 3000.0
    hypothesis_count: int = 5


@dataclass(frozen=True)
class BoundaryConfig:
    """Limits on boundary files (see ``config/yehu.toml``, ``[boundaries]``).

    Attributes
    ----------
    area : tuple of float
        ``(lon_min, lat_min, lon_max, lat_max)`` in degrees (EPSG:4490): every
        feature must lie inside this box around the county.
    max_features : int
        Most features a lake, sections or admin layer may hold.
    max_pond_features : int
        Most outlines a pond outline layer may hold.
    """

    area: tuple = (112.9, 29.0, 114.1, 30.1)
    max_features: int = 200
    max_pond_features: int = 100_000

    def __post_init__(self):
        area = tuple(self.area)
        if len(area) != 4 or not all(isinstance(v, int | float) and math.isfinite(v) for v in area):
            raise ConfigError("config.area", key="[boundaries] area", given=describe_value(self.area))
        if not (area[0] < area[2] and area[1] < area[3]):
            raise ConfigError("config.area", key="[boundaries] area", given=describe_value(self.area))
        object.__setattr__(self, "area", tuple(float(v) for v in area))
        for key in ("max_features", "max_pond_features"):
            value = getattr(self, key)
            if not (isinstance(value, int) and value > 0):
                raise ConfigError("config.not_positive", key=f"[boundaries] {key}", given=value)


def config_path() -> Path:
    """Path of the configuration file in use.

    Returns
    -------
    pathlib.Path
    """
    env = os.environ.get("YEHU_CONFIG")
    return Path(env) if env else Path(__file__).resolve().parent.parent / "config" / "yehu.toml"


def _section(cls, data: dict, name: str):
    known = {f.name: f.type for f in fields(cls)}
    unknown = set(data) - set(known)
    if unknown:
        raise ConfigError("config.unknown_keys", section=name, keys=", ".join(sorted(unknown)), n=len(unknown))
    return cls(**data)


def load_config(path=None) -> dict:
    """Read the whole configuration file.

    Parameters
    ----------
    path : str or pathlib.Path, optional
        Defaults to :func:`config_path`.

    Returns
    -------
    dict
        The raw TOML tables, plus ``zones`` as a :class:`ZoneConfig` and
        ``qa`` as a :class:`QAConfig`, ``boundaries`` as a :class:`BoundaryConfig`.

    Raises
    ------
    ConfigError
        When the file is not valid TOML or a value is unusable.
    """
    path = Path(path) if path is not None else config_path()
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    except tomllib.TOMLDecodeError as exc:
        line = re.search(r"at line (\d+)", str(exc))
        raise ConfigError("config.not_toml", name=path.name, line=line[1] if line else "?") from exc
    out = dict(raw)
    out["zones"] = _section(ZoneConfig, raw.get("zones", {}), "zones")
    out["qa"] = _section(QAConfig, raw.get("qa", {}), "qa")
    out["boundaries"] = _section(BoundaryConfig, raw.get("boundaries", {}), "boundaries")
    return out
