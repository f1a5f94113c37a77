#!/usr/bin/env bash
# Run the app on the embedded default (SQLite file under var/), installing what it needs.
# Extra arguments go to `streamlit run`, e.g. --server.port 8600.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
ensure_venv requirements.txt
exec .venv/bin/streamlit run app.py "$@"
