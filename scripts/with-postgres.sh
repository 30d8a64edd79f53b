#!/usr/bin/env bash
# Runs a command with a throwaway PostgreSQL cluster: initdb and pg_ctl in a temporary
# folder, on a free loopback port, no system service. The command sees the cluster as
# GHM_TEST_DATABASE_URL; the cluster is stopped and deleted when the command ends.
#
#   scripts/with-postgres.sh ctest --output-on-failure
#
# WITH_POSTGRES_FSYNC=on keeps PostgreSQL's durability, for benchmarks; tests turn it off.
# WITH_POSTGRES_OPTIONS adds server settings ("-c shared_buffers=2GB ...").
set -euo pipefail

bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [ -z "$bindir" ] || [ ! -x "$bindir/initdb" ]; then
    echo "with-postgres: PostgreSQL is not installed (run: make deps)" >&2
    exit 1
fi

cluster=$(mktemp -d /tmp/ghm-postgres.XXXXXX)
# PostgreSQL refuses to run as root: then the cluster belongs to the package's user.
as_owner=()
if [ "$(id -u)" -eq 0 ]; then
    chown postgres "$cluster"
    as_owner=(runuser -u postgres --)
fi

. "$(dirname "$0")/free-port.sh"

stop() {
    "${as_owner[@]}" "$bindir/pg_ctl" -D "$cluster/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$cluster"
}
trap stop EXIT

"${as_owner[@]}" "$bindir/initdb" -D "$cluster/data" -U ghm -A trust -E UTF8 --no-locale \
    >"$cluster/initdb.log" 2>&1 || { cat "$cluster/initdb.log" >&2; exit 1; }

port=$(free_port)
# Durability is pointless for a cluster deleted at exit; fsync off keeps the tests quick.
fsync="${WITH_POSTGRES_FSYNC:-off}"
"${as_owner[@]}" "$bindir/pg_ctl" -D "$cluster/data" -l "$cluster/server.log" -w -s \
    -o "-p $port -k $cluster -c listen_addresses=127.0.0.1 -c fsync=$fsync -c max_connections=200 ${WITH_POSTGRES_OPTIONS:-}" \
    start || { cat "$cluster/server.log" >&2; exit 1; }

export GHM_TEST_DATABASE_URL="postgresql://ghm@127.0.0.1:$port/postgres"
echo "with-postgres: throwaway cluster on 127.0.0.1:$port"
"$@"
