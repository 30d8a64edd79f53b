#!/usr/bin/env bash
# Runs a command as on a desktop: a session bus and an unlocked gnome-keyring, in a home
# of its own. Usage: dbus-run-session -- keyring.sh COMMAND...
set -euo pipefail
HOME=$(mktemp -d)
export HOME
trap 'rm -rf "$HOME"' EXIT
eval "$(printf '\n' | gnome-keyring-daemon --unlock --components=secrets --daemonize)"
export GNOME_KEYRING_CONTROL
"$@"
