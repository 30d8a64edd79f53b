#!/usr/bin/env bash
# The real service's OpenAPI document under Redocly's recommended rules, with and without
# an API token, and its /metrics under promtool's rules.
# Usage: api-lint.sh GHMONITOR REDOCLY_MODULES
set -euo pipefail
ghmonitor=$1
redocly="$2/.bin/redocly"
work=$(mktemp -d)
service=""
trap '[ -n "$service" ] && kill "$service" 2>/dev/null; rm -rf "$work"' EXIT

# Starts the headless service on a free port; sets `url` to its address.
start() {
    env -u GITHUB_TOKEN -u GHM_API_TOKEN GHM_API_PORT=0 "$@" "$ghmonitor" --headless \
        --data-dir "$work/data" >"$work/log" 2>&1 &
    service=$!
    for _ in $(seq 100); do
        url=$(sed -n 's/.*API listening on \(http[^ ]*\).*/\1/p' "$work/log" | head -1)
        if [ -n "$url" ]; then
            url=${url%/}
            return
        fi
        sleep 0.1
    done
    cat "$work/log" >&2
    exit 1
}

stop() {
    kill "$service"
    wait "$service" || true
    service=""
}

lint() {
    (cd "$work" && "$redocly" lint --format=summary "$1" 2>&1 | grep -v '^ *[║╔╚]') || {
        echo "api-lint: $1 fails Redocly's recommended rules" >&2
        exit 1
    }
}

start
curl -sf "$url/api/openapi.json" >"$work/open.json"
curl -sf "$url/metrics" >"$work/metrics.txt"
stop
lint open.json

start GHM_API_TOKEN=lint-token
curl -sf -H "Authorization: Bearer lint-token" "$url/api/openapi.json" >"$work/guarded.json"
stop
lint guarded.json

if command -v promtool >/dev/null; then
    promtool check metrics <"$work/metrics.txt"
else
    echo "api-lint: promtool is missing (Debian's prometheus package)" >&2
    exit 1
fi
echo "api-lint: OpenAPI (open and guarded) and /metrics pass"
