#!/usr/bin/env bash
# Install Yehu Monitor as a systemd service on this server (as root):
#   sudo bash scripts/install-service.sh [--user yehu] [--address 127.0.0.1] [--port 8501] [--no-start]
# Runs the checkout it lives in. Writes /etc/systemd/system/yehu-monitor.service, the daily
# backup (yehu-monitor-backup.service + .timer) and, if missing, /etc/yehu/env (mode 600) for
# the address, the port, DATABASE_URL and the backup folder; creates the system account; starts
# the service and waits for its health check. Run again after an upgrade (the env file is kept).
# --dest DIR writes the files under DIR instead (no account, no systemctl): for checks.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
user=yehu address=127.0.0.1 port=8501 start=1 dest=""
while [ $# -gt 0 ]; do
  case $1 in
    --user) user=$2; shift 2;;
    --address) address=$2; shift 2;;
    --port) port=$2; shift 2;;
    --no-start) start=0; shift;;
    --dest) dest=$2; start=0; shift 2;;
    *) echo "unknown option $1 (see the head of $0)" >&2; exit 2;;
  esac
done
case $port in ''|*[!0-9]*) echo "--port must be a number (got '$port')" >&2; exit 2;; esac
if [ -z "$dest" ] && [ "$(id -u)" -ne 0 ]; then
  echo "run as root (sudo bash $0): it writes /etc/systemd/system and creates the account $user" >&2
  exit 1
fi
. scripts/lib.sh
ensure_venv requirements.txt

if [ -z "$dest" ] && ! id "$user" >/dev/null 2>&1; then
  useradd --system --home-dir /var/lib/yehu --create-home --shell /usr/sbin/nologin "$user"
  echo "created system account $user"
fi
units="$dest/etc/systemd/system"
backups="$dest/var/backups/yehu"
mkdir -p "$units" "$dest/etc/yehu" "$backups" var
for unit in yehu-monitor.service yehu-monitor-backup.service yehu-monitor-backup.timer; do
  sed -e "s|@ROOT@|$root|g" -e "s|@USER@|$user|g" "deploy/$unit" >"$units/$unit"
  echo "wrote $units/$unit"
done
envfile="$dest/etc/yehu/env"
if [ -e "$envfile" ]; then
  echo "kept $envfile (edit it for the address, the port and DATABASE_URL)"
else
  (umask 077; cat >"$envfile" <<ENV
# Yehu Monitor service settings (read by systemd; keep this file mode 600: it may hold a password).
YEHU_ADDRESS=$address
YEHU_PORT=$port
# PostgreSQL instead of the SQLite file under $root/var: preferably DATABASE_URL in
# $root/.streamlit/secrets.toml (mode 600, owner $user), which the console commands read too;
# set here, it applies to the service and the backups only.
#DATABASE_URL=postgresql://USER:PASSWORD@localhost/yehu
YEHU_BACKUP_DIR=/var/backups/yehu
YEHU_BACKUP_KEEP=14
ENV
  )
  echo "wrote $envfile"
fi
[ -n "$dest" ] && exit 0

chown -R "$user:$user" var "$backups"
systemctl daemon-reload
if [ "$start" -eq 1 ]; then
  systemctl enable --now yehu-monitor.service yehu-monitor-backup.timer
  systemctl restart yehu-monitor.service
  # shellcheck disable=SC1090
  . "$envfile"
  url="http://${YEHU_ADDRESS:-$address}:${YEHU_PORT:-$port}/_stcore/health"
  for _ in $(seq 90); do
    if .venv/bin/python -c "import sys, urllib.request; sys.exit(urllib.request.urlopen(sys.argv[1], timeout=2).read() != b'ok')" "$url" 2>/dev/null; then
      echo "yehu-monitor is running: $url says ok (logs: journalctl -u yehu-monitor)"
      break
    fi
    if ! systemctl is-active --quiet yehu-monitor.service && [ "$(systemctl show -p SubState --value yehu-monitor.service)" != "auto-restart" ]; then
      break
    fi
    sleep 1
  done
  .venv/bin/python -c "import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=2)" "$url" 2>/dev/null || {
    echo "yehu-monitor is not healthy at $url; see: journalctl -u yehu-monitor -n 50" >&2
    exit 1
  }
fi
echo "first administrator: runuser -u $user -- $root/.venv/bin/python -m monitoring users create --role admin NAME"
