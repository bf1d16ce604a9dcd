#!/usr/bin/env bash
# Start a throw-away PostgreSQL server for the central tests (CI and developers),
# on 127.0.0.1:${KIOSK_PG_PORT:-55432}, and print the URL for KIOSK_TEST_PG_URL.
# Needs Debian's postgresql package (scripts/bootstrap.sh installs it).
set -euo pipefail
PORT=${KIOSK_PG_PORT:-55432}
PGDATA=${KIOSK_PG_DATA:-/tmp/kiosk-pg-$PORT}
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -n "$PGBIN" ] || { echo "start_postgres: PostgreSQL is not installed" >&2; exit 1; }

as_pg() {
  if [ "$(id -u)" -eq 0 ]; then su postgres -s /bin/bash -c "$*"; else bash -c "$*"; fi
}

if [ ! -f "$PGDATA/PG_VERSION" ]; then
  mkdir -p "$PGDATA"
  [ "$(id -u)" -ne 0 ] || chown postgres:postgres "$PGDATA"
  as_pg "'$PGBIN/initdb' -D '$PGDATA' -A trust -U postgres -E UTF8 --locale=C.UTF-8" >/dev/null
fi
if ! as_pg "'$PGBIN/pg_ctl' -D '$PGDATA' status" >/dev/null 2>&1; then
  as_pg "'$PGBIN/pg_ctl' -D '$PGDATA' -w -l '$PGDATA/server.log' \
    -o '-p $PORT -k /tmp -c listen_addresses=127.0.0.1 -c max_connections=200 -c fsync=off' start" >/dev/null
fi
as_pg "'$PGBIN/psql' -h 127.0.0.1 -p $PORT -U postgres -tAc \"SELECT 1 FROM pg_database WHERE datname='kiosk_test'\"" | grep -q 1 ||
  as_pg "'$PGBIN/createdb' -h 127.0.0.1 -p $PORT -U postgres kiosk_test"
echo "postgresql+psycopg://postgres@127.0.0.1:$PORT/kiosk_test"
