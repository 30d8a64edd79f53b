#!/usr/bin/env bash
# Runs a command as on a desktop with a system tray: a display of its own (Xvfb), a session
# bus, and trayer, an XEmbed tray at the bottom right. Usage:
#   xvfb-run -a -s '-screen 0 1280x800x24' dbus-run-session -- tray.sh COMMAND...
set -euo pipefail
HOME=$(mktemp -d)
export HOME
trayer --edge bottom --align right --widthtype request --height 48 --transparent true \
    --alpha 0 --tint 0x2d2d2d &
tray=$!
trap 'kill $tray 2>/dev/null; rm -rf "$HOME"' EXIT
"$@"
