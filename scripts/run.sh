#!/usr/bin/env bash
# Run the app on the embedded default (SQLite file under var/), installing what it needs.
# On the first start it asks for the first administrator's name and password.
# Extra arguments go to `streamlit run`, e.g. --server.port 8600.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
# The weekly report (PDF) prints Chinese with Noto Sans CJK from Debian; nothing is fetched at run time.
need_debian fonts-noto-cjk:/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc
ensure_venv requirements.txt
# First start: with no account yet, ask on the terminal for the first administrator.
.venv/bin/python -m monitoring users ensure-admin
exec .venv/bin/streamlit run app.py "$@"
