#!/usr/bin/env bash
# Installs the Debian packages the build, tests and benchmark need; only the missing ones.
set -euo pipefail

packages=(
    cmake g++ make ccache pkg-config clang-format
    qt6-base-dev qt6-base-dev-tools qt6-httpserver-dev qt6-websockets-dev qt6-charts-dev
    libqt6opengl6-dev libqt6sql6-sqlite libqt6sql6-psql libgl-dev libxkbcommon-dev
    zlib1g-dev libsqlite3-dev sqlite3 libsimdjson-dev libssl-dev
    postgresql libpq-dev xvfb xauth wrk
    dpkg-dev desktop-file-utils appstream systemd
)

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
