#!/usr/bin/env bash
# One backup into YEHU_BACKUP_DIR (default var/backups), keeping the newest YEHU_BACKUP_KEEP
# (default 14) backups there and deleting older ones. Run by deploy/yehu-monitor-backup.timer;
# by hand: bash scripts/backup.sh [DIR [KEEP]]. The database is the app's (DATABASE_URL / YEHU_DB).
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-${YEHU_BACKUP_DIR:-var/backups}}
keep=${2:-${YEHU_BACKUP_KEEP:-14}}
case $keep in ''|*[!0-9]*|0) echo "keep must be a whole number of backups, at least 1 (got '$keep')" >&2; exit 2;; esac
out="$dir/yehu-$(date -u +%Y%m%dT%H%M%SZ).zip"
.venv/bin/python -m monitoring --lang "${YEHU_LANG:-zh}" backup "$out"
# Retention: the newest $keep backups stay (names sort by time); nothing else in the folder is touched.
mapfile -t old < <(ls -1 "$dir"/yehu-*Z.zip 2>/dev/null | sort -r | tail -n +"$((keep + 1))")
for f in "${old[@]}"; do
  rm -f -- "$f"
  echo "removed old backup $(basename "$f")"
done
