"""Zip archives are checked before any reader opens them."""

import io
import stat
import zipfile

import pytest

from geo.archive import ArchiveError, check_zip
from geo.boundaries import BoundaryError, load_boundary_bytes


def make_zip(members, mode=None, compression=zipfile.ZIP_STORED):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=compression) as z:
        for name, data in members:
            info = zipfile.ZipInfo(name)
            info.compress_type = compression
            if mode is not None:
                info.external_attr = mode << 16
            z.writestr(info, data)
    return buf.getvalue()


@pytest.mark.parametrize(
    "name, why",
    [
        ("../evil.shp", "climbs out"),
        ("a/../../evil.shp", "climbs out"),
        ("/etc/passwd", "absolute"),
        ("C:\\Windows\\evil.dll", "absolute"),
        ("..\\evil.shp", "climbs out"),
    ],
)
def test_zip_slip_names_are_refused(name, why):
    with pytest.raises(ArchiveError, match=why):
        check_zip(make_zip([(name, b"x")]), "up.zip")


def test_symlinks_are_refused():
    with pytest.raises(ArchiveError, match="symbolic link"):
        check_zip(make_zip([("lake.shp", b"/etc/passwd")], mode=stat.S_IFLNK | 0o777), "up.zip")


def test_zip_bomb_and_member_limits():
    bomb = make_zip([("lake.shp", b"\0" * 50_000_000)], compression=zipfile.ZIP_DEFLATED)
    assert len(bomb) < 100_000
    with pytest.raises(ArchiveError, match="zip bomb"):
        check_zip(bomb, "bomb.zip")
    with pytest.raises(ArchiveError, match="bytes uncompressed"):
        check_zip(make_zip([("a", b"x" * 1000), ("b", b"x" * 1000)]), "big.zip", max_uncompressed=1500)
    with pytest.raises(ArchiveError, match="members"):
        check_zip(make_zip([(f"m{i}", b"x") for i in range(201)]), "many.zip")
    with pytest.raises(ArchiveError, match="not a zip"):
        check_zip(b"PK\x03\x04 garbage", "broken.zip")


def test_a_normal_archive_passes():
    assert check_zip(make_zip([("lake.shp", b"x"), ("lake.prj", b"y")]), "ok.zip") == ["lake.shp", "lake.prj"]


def test_boundary_upload_of_a_zip_without_shapefile():
    with pytest.raises(BoundaryError, match="no .shp"):
        load_boundary_bytes(make_zip([("readme.txt", b"x")]), "lake.zip", "lake")


def test_xlsx_bomb_is_refused_before_openpyxl():
    from i18n.errors import UserError
    from monitoring.sheet import read_grid

    bomb = make_zip([("xl/worksheets/sheet1.xml", b" " * 50_000_000)], compression=zipfile.ZIP_DEFLATED)
    with pytest.raises(UserError) as err:
        read_grid(bomb, "samples.xlsx")
    assert err.value.code == "import.archive_refused"
