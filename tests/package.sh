#!/usr/bin/env bash
# The package as a user gets it: built by CPack, unpacked into a scratch root, its desktop
# entry, metadata and systemd unit validated, and the installed binary run.
# Usage: package.sh BUILD_DIR
set -euo pipefail
build=$1
scratch=$(mktemp -d)
service=
trap '[ -n "$service" ] && kill "$service" 2>/dev/null; rm -rf "$scratch"' EXIT
fail() { echo "package: $*" >&2; exit 1; }

cd "$build"
cpack -G DEB -B "$scratch/package" > "$scratch/cpack.log" || { cat "$scratch/cpack.log"; fail "cpack failed"; }
deb=$(ls "$scratch"/package/ghmonitor_*.deb)
depends=$(dpkg-deb -f "$deb" Depends)
for library in libqt6core6 libqt6httpserver6 libqt6charts6 libsqlite3-0 libqt6sql6-sqlite; do
    [[ $depends == *"$library"* ]] || fail "Depends lacks $library: $depends"
done

root="$scratch/root"
dpkg-deb -x "$deb" "$root"
desktop-file-validate "$root/usr/share/applications/ghmonitor.desktop"
grep -q "^License: MIT" "$root/usr/share/doc/ghmonitor/copyright" || fail "no copyright file"
appstreamcli validate --no-net "$root/usr/share/metainfo/io.github.ghmonitor.metainfo.xml"
for size in 16 32 48 64 128 256; do
    [ -s "$root/usr/share/icons/hicolor/${size}x${size}/apps/ghmonitor.png" ] || fail "no ${size}px icon"
done
# The unit as installed, pointed at the unpacked binary, which systemd checks it can run.
sed "s|^ExecStart=ghmonitor|ExecStart=$root/usr/bin/ghmonitor|" \
    "$root/usr/lib/systemd/user/ghmonitor.service" > "$scratch/ghmonitor.service"
mkdir -m 700 "$scratch/runtime"
XDG_RUNTIME_DIR="$scratch/runtime" systemd-analyze --user verify "$scratch/ghmonitor.service"

version=$(dpkg-deb -f "$deb" Version)
[[ $("$root/usr/bin/ghmonitor" --version) == "ghmonitor $version" ]] || fail "--version is not $version"

# Five seconds of --headless, then a clean stop on SIGTERM. Installed, its data goes to
# the XDG data folder, not to whatever folder it was started in.
cd "$scratch"
HOME="$scratch/home" XDG_DATA_HOME= GITHUB_API_URL=http://127.0.0.1:9 GHM_API_PORT=0 \
    "$root/usr/bin/ghmonitor" --headless > "$scratch/headless.log" 2>&1 &
service=$!
sleep 5
kill -0 "$service" 2>/dev/null || { cat "$scratch/headless.log"; fail "--headless stopped early"; }
kill -TERM "$service"
status=0
wait "$service" || status=$?
service=
[ "$status" -eq 0 ] || { cat "$scratch/headless.log"; fail "--headless exited with $status on SIGTERM"; }
[ -f "$scratch/home/.local/share/ghmonitor/silver/github_events.db" ] ||
    fail "--headless made no store in ~/.local/share/ghmonitor"
[ ! -e "$scratch/data" ] || fail "--headless wrote ./data"
shared=$(find "$scratch/home/.local/share/ghmonitor" -perm /077)
[ -z "$shared" ] || fail "readable by others than the owner: $shared"
grep -q "API listening on" "$scratch/headless.log" || fail "--headless served no API"
echo "package: $(basename "$deb") installs and runs"
