"""The error boundary: an unexpected exception becomes a short message with an incident id.

A page or a command line never shows a traceback, SQL or a server path.  What
a user can meet is a :class:`~i18n.errors.UserError` and is shown as its
message; anything else is logged on the server with its traceback under a
fresh incident id, and the user reads ``error.unexpected`` with that id.

- :func:`incident` turns any exception into the :class:`UserError` to show.
- :func:`run_cli` runs a command line's ``main`` inside the boundary; the
  details go to ``incidents.log`` in :func:`log_dir` (``YEHU_LOG_DIR``), not
  to the terminal.

Examples
--------
>>> err = incident(ZeroDivisionError("division by zero"), where="doctest")
>>> err.code, len(err.params["incident"])
('unexpected', 8)
>>> incident(UserError("unexpected", incident="x")).params
{'incident': 'x'}
"""

from __future__ import annotations

import logging
import os
import secrets
import sys
import tempfile
from pathlib import Path

from .errors import UserError

__all__ = ["incident", "log_dir", "run_cli"]

log = logging.getLogger("yehu.incident")


def incident(exc: BaseException, where: str = "") -> UserError:
    """The error to show for ``exc``: itself when it is a :class:`UserError`, else ``unexpected`` with an id.

    Parameters
    ----------
    exc : BaseException
    where : str
        The page or command, for the log.

    Returns
    -------
    UserError
    """
    if isinstance(exc, UserError):
        return exc
    message = getattr(exc, "message", None)
    if callable(message) and hasattr(exc, "code"):  # errors that render themselves (AuthError...)
        return exc  # type: ignore[return-value]
    ident = secrets.token_hex(4)
    log.error("incident %s in %s: %s", ident, where or "?", type(exc).__name__, exc_info=exc)
    return UserError("unexpected", incident=ident)


def log_dir() -> Path:
    """Folder of the server-side incident log: ``YEHU_LOG_DIR``, else ``logs/`` beside the code."""
    env = os.environ.get("YEHU_LOG_DIR")
    return Path(env) if env else Path(__file__).resolve().parent.parent / "logs"


def _file_handler() -> logging.Handler:
    for folder in (log_dir(), Path(tempfile.gettempdir())):
        try:
            folder.mkdir(parents=True, exist_ok=True)
            handler = logging.FileHandler(folder / "incidents.log", encoding="utf-8")
        except OSError:
            continue
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
        return handler
    return logging.NullHandler()


def _lang(argv) -> str:
    args = list(sys.argv[1:] if argv is None else argv)
    for i, arg in enumerate(args):
        if arg == "--lang" and i + 1 < len(args):
            return "en" if args[i + 1] == "en" else "zh"
        if arg.startswith("--lang="):
            return "en" if arg.split("=", 1)[1] == "en" else "zh"
    return "zh"


def run_cli(main, argv=None, name: str = "cli") -> int:
    """Run a command line's ``main(argv)`` inside the error boundary; return its exit status.

    A :class:`UserError` prints its message (status 1); any other exception is
    logged to ``incidents.log`` and prints ``error.unexpected`` with the
    incident id (status 2).  ``SystemExit`` (argparse, ``--help``) passes.

    Parameters
    ----------
    main : callable
        ``main(argv) -> int``.
    argv : list of str, optional
    name : str
        The program, for the log.

    Returns
    -------
    int
    """
    if not log.handlers:
        log.addHandler(_file_handler())
        log.propagate = False
    try:
        return main(argv)
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # the boundary: nothing unexpected reaches the terminal raw
        err = incident(exc, where=name)
        print(err.message(_lang(argv)), file=sys.stderr)
        return 1 if err.code != "unexpected" else 2
