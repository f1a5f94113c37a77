#!/usr/bin/env bash
# The whole test suite on a fresh machine: Debian packages (Chromium for the browser
# tests, PostgreSQL and PostGIS for the database tests, poppler to read PDFs back, Debian
# GDAL for its ogrinfo and GeoPackage validator), the virtualenv, a throw-away PostgreSQL
# server for this run, then lint and pytest. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
. scripts/pg.sh
need_debian chromium:chromium fonts-noto-cjk:/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc \
  postgresql:/usr/lib/postgresql/*/bin/initdb postgresql-15-postgis-3:/usr/share/postgresql/15/extension/postgis.control \
  poppler-utils:pdftotext gdal-bin:ogrinfo \
  python3-gdal:/usr/lib/python3/dist-packages/osgeo_utils/samples/validate_gpkg.py git:git systemd:systemd-analyze
ensure_venv requirements-dev.txt
start_postgres
.venv/bin/ruff check .
.venv/bin/ruff format --check .
status=0
.venv/bin/python -m pytest "$@" || status=$?
exit $status
