# Sourced by scripts/test.sh: a throw-away PostgreSQL server for one test run.
# Exports YEHU_TEST_PG_URL; stopped and deleted when the shell exits.
# PostGIS (Debian postgresql-15-postgis-3) is installed beside the server, not created in it:
# tests/monitoring/conftest.py makes a template database with CREATE EXTENSION postgis and copies
# it for the PostGIS tests, so the other PostgreSQL tests still run on a database without it.

start_postgres() {
  local bin port run=()
  bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  if [ -z "$bin" ]; then
    echo "PostgreSQL binaries not found under /usr/lib/postgresql" >&2
    return 1
  fi
  PG_TMP=$(mktemp -d /tmp/yehu-pg.XXXXXX)
  if [ "$(id -u)" -eq 0 ]; then
    chown postgres "$PG_TMP"
    run=(runuser -u postgres --)
  fi
  port=$(.venv/bin/python -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  "${run[@]}" "$bin/initdb" -D "$PG_TMP/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$PG_TMP/initdb.log" 2>&1
  # Members of the group role yehu_password_auth must give a real password (tests of the password
  # sources); every other role is trusted on loopback.
  { printf 'host all +yehu_password_auth 127.0.0.1/32 scram-sha-256\nhost all +yehu_password_auth ::1/128 scram-sha-256\n'
    cat "$PG_TMP/data/pg_hba.conf"; } >"$PG_TMP/pg_hba.conf"
  cp "$PG_TMP/pg_hba.conf" "$PG_TMP/data/pg_hba.conf"
  "${run[@]}" "$bin/pg_ctl" -D "$PG_TMP/data" -l "$PG_TMP/server.log" -w \
    -o "-p $port -k $PG_TMP -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=100" start >/dev/null
  export YEHU_TEST_PG_URL="postgresql+psycopg://postgres@127.0.0.1:$port/postgres"
  PG_BIN=$bin
  PG_RUN=("${run[@]}")
  trap stop_postgres EXIT
}

stop_postgres() {
  [ -n "${PG_TMP:-}" ] || return 0
  "${PG_RUN[@]}" "$PG_BIN/pg_ctl" -D "$PG_TMP/data" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$PG_TMP"
}
