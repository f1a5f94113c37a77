#!/usr/bin/env bash
# Follows README "运维 / Operations" once, start to end, in a scratch folder: the service (its unit's
# command line, health check), the first administrator, backups (check, retention), the move from
# SQLite to PostgreSQL, and an upgrade. Nothing outside the scratch folder and the given PostgreSQL
# server is touched (no systemctl, no /etc: the unit files are written with install-service.sh --dest,
# the secrets file is named by YEHU_SECRETS instead of .streamlit/secrets.toml).
#   bash scripts/ops-check.sh postgresql://postgres@127.0.0.1:5432/postgres
# Run by tests/ops/test_ops_check.py with the suite's PostgreSQL server. Exit status 0 = every step held.
set -euo pipefail
cd "$(dirname "$0")/.."
admin_url=${1:?usage: ops-check.sh POSTGRES_ADMIN_URL}
admin_url=${admin_url/postgresql+psycopg:/postgresql:}
py=.venv/bin/python
pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
work=$(mktemp -d /tmp/yehu-ops-check.XXXXXX)
service_pid=""
cleanup() {
  [ -n "$service_pid" ] && kill "$service_pid" 2>/dev/null && wait "$service_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
step() { echo "== $*"; }
fail() { echo "FAILED: $*" >&2; exit 1; }
port=$($py -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
export YEHU_DB="$work/var/yehu.sqlite" YEHU_SECRETS="$work/secrets.toml" YEHU_LANG=en
unset DATABASE_URL PGPASSWORD

unit_line() {  # the unit's KEY= line with ${VARS} from Environment= and the env file expanded
  $py - "$work/root/etc/systemd/system/yehu-monitor.service" "$work/root/etc/yehu/env" "$1" <<'PY'
import shlex, sys
unit, envfile, key = sys.argv[1:]
env, line = {}, None
for raw in open(unit, encoding="utf-8"):
    k, _, v = raw.strip().partition("=")
    if k == "Environment":
        env.update(item.split("=", 1) for item in shlex.split(v))
    if k == key and line is None:
        line = v
for raw in open(envfile, encoding="utf-8"):
    if raw.strip() and not raw.lstrip().startswith("#"):
        k, _, v = raw.strip().partition("=")
        env[k] = v
for k, v in env.items():
    line = line.replace("${" + k + "}", v)
print(line)
PY
}

start_service() {  # ExecStartPre then ExecStart, as systemd runs them; then the health check
  local pre start
  pre=$(unit_line ExecStartPre); start=$(unit_line ExecStart)
  eval "$pre" >"$work/journal.txt" 2>&1 || { cat "$work/journal.txt" >&2; fail "ExecStartPre"; }
  { eval "exec $start"; } >>"$work/journal.txt" 2>&1 &
  service_pid=$!
  for _ in $(seq 120); do
    if $py -c "import sys, urllib.request; sys.exit(urllib.request.urlopen(sys.argv[1], timeout=2).read() != b'ok')" \
      "http://127.0.0.1:$port/_stcore/health" 2>/dev/null; then
      echo "health: ok on 127.0.0.1:$port"; return 0
    fi
    kill -0 "$service_pid" 2>/dev/null || break
    sleep 1
  done
  cat "$work/journal.txt" >&2
  fail "no health answer"
}

stop_service() { kill "$service_pid"; wait "$service_pid" 2>/dev/null || true; service_pid=""; }

step "Service: install-service.sh (files under a scratch root), start, health"
bash scripts/install-service.sh --dest "$work/root" --user "$(id -un)" --port "$port"
grep -q "^YEHU_ADDRESS=127.0.0.1$" "$work/root/etc/yehu/env" || fail "address is not loopback"
start_service

step "First administrator"
printf 'ops-check-password-1\n' | $py -m monitoring users create --role admin opsadmin
$py -m monitoring --lang en demo-data >/dev/null

step "Backups: backup (folder created), restore --check, backup.sh with retention"
$py -m monitoring backup "$work/backups/yehu/before-change.zip"
$py -m monitoring --lang en restore --check "$work/backups/yehu/before-change.zip" | grep -q "Backup is sound" \
  || fail "restore --check"
for _ in 1 2 3; do bash scripts/backup.sh "$work/backups/yehu" 2 >/dev/null; sleep 1; done
[ "$(ls "$work"/backups/yehu/yehu-*Z.zip | wc -l)" -eq 2 ] || fail "retention kept $(ls "$work"/backups/yehu | wc -l)"

step "SQLite -> PostgreSQL"
role="yehu_$(date +%s)_$$"
password=$($py -c 'import secrets; print(secrets.token_hex(12))')
group=$("$pgbin/psql" "$admin_url" -tAc "SELECT 1 FROM pg_roles WHERE rolname = 'yehu_password_auth'")
in_role=""; [ "$group" = 1 ] && in_role=" IN ROLE yehu_password_auth"   # the test server asks members for passwords
"$pgbin/psql" "$admin_url" -qc "CREATE ROLE $role LOGIN PASSWORD '$password'$in_role"
host=$($py -c "from sqlalchemy import make_url; u = make_url('$admin_url'); print(u.host, u.port or 5432, u.username)")
read -r pghost pgport pgadmin <<<"$host"
"$pgbin/createdb" -h "$pghost" -p "$pgport" -U "$pgadmin" --owner "$role" "$role"
stop_service
$py -m monitoring backup "$work/var/move-to-postgres.zip"
cat >>"$YEHU_SECRETS" <<TOML
DATABASE_URL = "postgresql://$role@$pghost:$pgport/$role"
database_password = "$password"
TOML
chmod 600 "$YEHU_SECRETS"
$py -m monitoring restore --check "$work/var/move-to-postgres.zip"
$py -m monitoring restore "$work/var/move-to-postgres.zip"
$py -m monitoring --lang en db current | tee "$work/current.txt"
grep -q "postgresql" "$work/current.txt" || fail "db current does not name PostgreSQL"
$py -m monitoring --lang en users list | grep -q opsadmin || fail "the administrator did not move"
$py - <<PY || fail "row counts differ between SQLite and PostgreSQL"
from monitoring.backup import TABLES, table_rows
from monitoring.db import database_url, make_engine
pg, lite = make_engine(database_url()), make_engine("sqlite:///$work/var/yehu.sqlite")
diff = [t for t in TABLES if len(table_rows(pg, t)) != len(table_rows(lite, t))]
assert not diff, diff
PY
start_service   # now on PostgreSQL

step "Upgrade: backup, (update the checkout), install-service.sh again, db upgrade"
stop_service
bash scripts/backup.sh "$work/backups/yehu" 14 >/dev/null
bash scripts/install-service.sh --dest "$work/root" --user "$(id -un)" --port 1 | grep -q "kept" || fail "env file not kept"
grep -q "^YEHU_PORT=$port$" "$work/root/etc/yehu/env" || fail "env file changed"
start_service
stop_service
"$pgbin/dropdb" -h "$pghost" -p "$pgport" -U "$pgadmin" --force "$role"
"$pgbin/psql" "$admin_url" -qc "DROP ROLE $role"
echo "ops-check: every step of README 运维 / Operations held"
