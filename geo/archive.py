"""Checks on uploaded zip archives (zipped Shapefiles, XLSX workbooks) before anything reads them.

Nothing is ever extracted to disk by name, but an archive is still refused when
a member name could escape a folder (zip-slip), when it holds links, too many
members, too much uncompressed data, or an implausible compression ratio (a zip
bomb).
"""

from __future__ import annotations

import io
import stat
import zipfile
from pathlib import PurePosixPath, PureWindowsPath

from i18n.errors import UserError, describe_value

__all__ = ["MAX_MEMBERS", "MAX_RATIO", "MAX_UNCOMPRESSED", "ArchiveError", "check_zip"]

MAX_MEMBERS = 200
MAX_UNCOMPRESSED = 200 * 1024 * 1024
MAX_RATIO = 200


class ArchiveError(UserError):
    """An archive refused before reading; the message names the file, the member and the reason.

    Codes are ``archive.*`` in ``i18n/catalogue/errors_boundaries.toml``; ``file``
    is the name as uploaded (never a server path).
    """


def _unsafe_name(name: str) -> str | None:
    if "\x00" in name:
        return "archive.nul_name"
    posix, win = PurePosixPath(name), PureWindowsPath(name)
    if posix.is_absolute() or win.is_absolute() or win.drive or name.startswith(("/", "\\")):
        return "archive.absolute"
    if ".." in posix.parts or ".." in win.parts:
        return "archive.climbs_out"
    return None


def check_zip(
    data: bytes,
    what: str = "archive",
    max_members: int = MAX_MEMBERS,
    max_uncompressed: int = MAX_UNCOMPRESSED,
    max_ratio: float = MAX_RATIO,
) -> list[str]:
    """Refuse an unsafe zip archive; return its member names.

    Parameters
    ----------
    data : bytes
        The archive.
    what : str
        Its name, for messages.
    max_members, max_uncompressed, max_ratio
        Limits: member count, total uncompressed bytes, and uncompressed /
        compressed size of any member larger than 1 MB.

    Returns
    -------
    list of str

    Raises
    ------
    ArchiveError

    Examples
    --------
    >>> buf = io.BytesIO()
    >>> with zipfile.ZipFile(buf, "w") as z:
    ...     z.writestr("../../etc/cron.d/x", "boom")
    >>> check_zip(buf.getvalue(), "lake.zip")
    Traceback (most recent call last):
    ...
    geo.archive.ArchiveError: lake.zip: member '../../etc/cron.d/x' climbs out of the folder ('..')
    """
    what = describe_value(what)
    try:
        z = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ArchiveError("archive.not_zip", file=what) from exc
    with z:
        infos = z.infolist()
        if len(infos) > max_members:
            raise ArchiveError("archive.too_many_members", file=what, n=len(infos), limit=max_members)
        total = 0
        for info in infos:
            member = describe_value(info.filename)
            why = _unsafe_name(info.filename)
            if why:
                raise ArchiveError(why, file=what, member=member)
            mode = info.external_attr >> 16
            if stat.S_ISLNK(mode):
                raise ArchiveError("archive.symlink", file=what, member=member)
            if info.flag_bits & 0x1:
                raise ArchiveError("archive.encrypted", file=what, member=member)
            total += info.file_size
            if total > max_uncompressed:
                raise ArchiveError("archive.too_large", file=what, limit=f"{max_uncompressed:,}")
            if info.file_size > 1024 * 1024 and info.file_size > max_ratio * max(info.compress_size, 1):
                ratio = f"{info.file_size / max(info.compress_size, 1):,.0f}"
                raise ArchiveError("archive.bomb", file=what, member=member, ratio=ratio)
        return [i.filename for i in infos]
