#!/usr/bin/env bash
# Installs the Debian packages a task needs, only the missing ones, and says nothing when
# none is. Usage: install-deps.sh [build|test|bench|package|format]
#   build   compiling and running the app (make build, make run), with Node.js and npm
#   test    build, plus the PostgreSQL server, wrk, the package tools, a keyring,
#           chromium, prometheus's promtool, and Xvfb with trayer, a system tray (make test)
#   bench   build, plus wrk and the PostgreSQL server (make bench)
#   package build, plus dpkg-dev for the .deb's dependencies (make package)
#   format  clang-format (make format)
set -euo pipefail

build=(
    cmake g++ make ccache pkg-config
    qt6-base-dev qt6-base-dev-tools qt6-httpserver-dev qt6-websockets-dev qt6-charts-dev
    libqt6opengl6-dev libqt6sql6-sqlite libqt6sql6-psql libgl-dev libxkbcommon-dev
    zlib1g-dev libsqlite3-dev libsimdjson-dev libssl-dev libpq-dev qtkeychain-qt6-dev
)
# npm installs the web dashboard's Chart.js at build time. A Node.js installed another way,
# with its own npm, is used as it is.
if ! command -v npm >/dev/null; then
    build+=(nodejs npm)
fi
case "${1:-build}" in
    build) packages=("${build[@]}") ;;
    test) packages=("${build[@]}" postgresql clickhouse-server curl wrk dpkg-dev
                    desktop-file-utils appstream systemd dbus gnome-keyring chromium prometheus
                    xvfb trayer) ;;
    bench) packages=("${build[@]}" wrk postgresql clickhouse-server curl) ;;
    package) packages=("${build[@]}" dpkg-dev) ;;
    format) packages=(clang-format) ;;
    *) echo "install-deps.sh: unknown task '$1' (build, test, bench, package or format)" >&2; exit 2 ;;
esac

missing=()
for package in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" \
        || missing+=("$package")
done

if [ ${#missing[@]} -eq 0 ]; then
    exit 0
fi

echo "Installing missing packages: ${missing[*]}"
sudo=""
if [ "$(id -u)" -ne 0 ]; then
    sudo="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
