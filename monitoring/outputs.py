"""Output files of the console commands (backup, export, report): the folder is made or the reason said."""

from __future__ import annotations

import os
from pathlib import Path

from i18n.errors import UserError

__all__ = ["OutputError", "prepare_output"]


class OutputError(UserError):
    """An output file that cannot be written where the user asked."""

    default_code = "output.cannot_create"


def prepare_output(path) -> Path:
    """Create the folder of an output file if missing; refuse clearly when it cannot be written.

    Parameters
    ----------
    path : str or pathlib.Path
        The file to be written.

    Returns
    -------
    pathlib.Path

    Raises
    ------
    OutputError
        ``output.is_folder`` (the path is a folder), ``output.not_a_folder`` (a file is in
        the way of a folder), ``output.no_permission`` or ``output.cannot_create``.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as d:
    ...     p = prepare_output(Path(d) / "new" / "deeper" / "out.zip")
    ...     p.parent.is_dir()
    True
    """
    path = Path(path)
    if path.is_dir():
        raise OutputError("output.is_folder", path=str(path))
    folder = path.parent
    for parent in [folder, *folder.parents]:
        if parent.exists() and not parent.is_dir():
            raise OutputError("output.not_a_folder", path=str(parent))
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except PermissionError as exc:
        raise OutputError("output.no_permission", path=str(folder)) from exc
    except OSError as exc:
        raise OutputError("output.cannot_create", path=str(folder), reason=exc.strerror or type(exc).__name__) from exc
    if not os.access(folder, os.W_OK | os.X_OK):
        raise OutputError("output.no_permission", path=str(folder))
    return path
