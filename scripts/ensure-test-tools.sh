#!/usr/bin/env bash
# Test-only system packages: Chromium for the page test, Prometheus (and promtool) for the observability test, Debian's
# python3-socketio and python3-websocket (for /usr/bin/python3) for the Python client's test, python3-redis for the seed
# tutorials' Python programs (test/seed-python.test.ts). Installed when missing and running as root on Debian/Ubuntu;
# otherwise the script says what to install.
set -euo pipefail
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v promtool >/dev/null 2>&1 || missing+=(prometheus)
/usr/bin/python3 -c 'import requests, socketio, websocket' >/dev/null 2>&1 || missing+=(python3-requests python3-socketio python3-websocket)
/usr/bin/python3 -c 'import redis' >/dev/null 2>&1 || missing+=(python3-redis)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  # The Debian package starts a system Prometheus on :9090; the tests run their own.
  if printf '%s\n' "${missing[@]}" | grep -qx prometheus; then
    (systemctl disable --now prometheus || service prometheus stop || pkill -x prometheus) >/dev/null 2>&1 || true
  fi
else
  echo "The test suite needs: ${missing[*]}. Install with: sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
