#!/usr/bin/env bash
# Runs a command with a throwaway two-shard ClickHouse cluster: two clickhouse-server
# processes on free loopback ports, each with its own data folder, and a `remote_servers`
# entry naming both as the cluster `ghm`. The command sees it as GHM_TEST_CLICKHOUSE_URL
# (clickhouse://ghm:password@127.0.0.1:port/ghm?cluster=ghm&shards=..., the first shard's
# HTTP port; `shards` names both HTTP addresses, as the two share a host);
# the servers are stopped and their folders deleted when the command ends.
#
#   scripts/with-clickhouse.sh ctest -L clickhouse --output-on-failure
set -euo pipefail

if ! command -v clickhouse-server >/dev/null; then
    echo "with-clickhouse: ClickHouse is not installed (run: make deps)" >&2
    exit 1
fi

root=$(mktemp -d /tmp/ghm-clickhouse.XXXXXX)
password="ghm-$RANDOM$RANDOM"
pids=()

stop() {
    for pid in "${pids[@]}"; do
        kill -9 "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    rm -rf "$root"
}
trap stop EXIT

. "$(dirname "$0")/free-port.sh"

http=("$(free_port)" "$(free_port)")
tcp=("$(free_port)" "$(free_port)")

cat >"$root/users.xml" <<EOF
<?xml version="1.0"?>
<yandex>
    <profiles><default><max_memory_usage>4000000000</max_memory_usage></default></profiles>
    <users>
        <ghm>
            <password>$password</password>
            <networks><ip>127.0.0.1</ip><ip>::1</ip></networks>
            <profile>default</profile>
            <quota>default</quota>
        </ghm>
        <default>
            <password></password>
            <networks><ip>127.0.0.1</ip><ip>::1</ip></networks>
            <profile>default</profile>
            <quota>default</quota>
        </default>
    </users>
    <quotas><default></default></quotas>
</yandex>
EOF

for shard in 0 1; do
    dir="$root/shard$shard"
    mkdir -p "$dir/data" "$dir/tmp"
    cat >"$dir/config.xml" <<EOF
<?xml version="1.0"?>
<yandex>
    <logger>
        <level>warning</level>
        <log>$dir/server.log</log>
        <errorlog>$dir/server.err.log</errorlog>
    </logger>
    <listen_host>127.0.0.1</listen_host>
    <http_port>${http[$shard]}</http_port>
    <tcp_port>${tcp[$shard]}</tcp_port>
    <path>$dir/data/</path>
    <tmp_path>$dir/tmp/</tmp_path>
    <users_config>$root/users.xml</users_config>
    <default_profile>default</default_profile>
    <default_database>default</default_database>
    <mark_cache_size>268435456</mark_cache_size>
    <max_concurrent_queries>100</max_concurrent_queries>
    <remote_servers>
        <ghm>
            <shard><replica><host>127.0.0.1</host><port>${tcp[0]}</port>
                <user>ghm</user><password>$password</password></replica></shard>
            <shard><replica><host>127.0.0.1</host><port>${tcp[1]}</port>
                <user>ghm</user><password>$password</password></replica></shard>
        </ghm>
    </remote_servers>
</yandex>
EOF
    clickhouse-server --config-file="$dir/config.xml" >"$dir/console.log" 2>&1 &
    pids+=($!)
done

for shard in 0 1; do
    for _ in $(seq 1 100); do
        if curl -sf "http://127.0.0.1:${http[$shard]}/ping" >/dev/null 2>&1; then continue 2; fi
        sleep 0.1
    done
    echo "with-clickhouse: shard $shard did not start" >&2
    cat "$root/shard$shard/server.err.log" "$root/shard$shard/console.log" >&2 || true
    exit 1
done

for shard in 0 1; do
    curl -sf -u "ghm:$password" "http://127.0.0.1:${http[$shard]}/" \
        --data-binary "CREATE DATABASE IF NOT EXISTS ghm" >/dev/null
done

shards="127.0.0.1:${http[0]},127.0.0.1:${http[1]}"
export GHM_TEST_CLICKHOUSE_URL="clickhouse://ghm:$password@127.0.0.1:${http[0]}/ghm?cluster=ghm&shards=$shards"
echo "with-clickhouse: two shards on 127.0.0.1:${http[0]} and 127.0.0.1:${http[1]}"
"$@"
