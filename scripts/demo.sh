#!/usr/bin/env bash
# `make demo`: the desktop app on a local GitHub stand-in with a moving synthetic feed.
# No token and no network needed. Ctrl-C or closing the window stops both.
set -euo pipefail
cd "$(dirname "$0")/.."

data="${GHM_DEMO_DATA_DIR:-build/demo-data}"
rate="${GHM_DEMO_RATE:-20}"
era="${GHM_DEMO_ERA:-2026}"
mkdir -p "$data"

server_output=$(mktemp)
build/bin/fakegithub-server --era "$era" --rate "$rate" --poll-interval 2 --archive \
    ${GHM_DEMO_REPLAY:+--replay "$GHM_DEMO_REPLAY"} \
    > "$server_output" &
server=$!
trap 'kill $server 2>/dev/null; rm -f "$server_output"' EXIT INT TERM

for _ in $(seq 50); do
    url=$(head -n 1 "$server_output")
    [ -n "$url" ] && break
    sleep 0.1
done
if [ -z "${url:-}" ]; then
    echo "demo: the GitHub stand-in did not start" >&2
    exit 1
fi
echo "GitHub stand-in on $url (GitHub of $era, $rate events/s); data in $data"

# GH Archive too, from the stand-in, when GHM_ARCHIVE=on.
GITHUB_API_URL="$url" GHM_ARCHIVE_URL="$url" COLLECTION_INTERVAL_SECONDS=2 GHM_DATA_DIR="$data" \
    build/bin/ghmonitor "$@"
