#!/usr/bin/env bash
# Makes sure valkey-server is on PATH. On Debian/Ubuntu as root it installs Valkey 8 from bookworm-backports
# (the suite is added with the same URI as the machine's existing Debian sources); otherwise it says what to do.
set -euo pipefail

if command -v valkey-server >/dev/null 2>&1; then
  exit 0
fi

explain() {
  cat >&2 <<TXT
valkey-server was not found on PATH, and this script cannot install it here ($1).
Install it one of these ways, then run the command again:
  - Debian bookworm (as root): add 'bookworm-backports' to your apt sources, then
      apt-get update && apt-get install -y -t bookworm-backports valkey-server valkey-tools
  - Debian trixie / Ubuntu 24.04+ (as root): apt-get install -y valkey-server valkey-tools
  - or run Skein against any Valkey 8+ / Redis 7+ server by setting VALKEY_URL=redis://host:port
TXT
  exit 1
}

[ "$(id -u)" -eq 0 ] || explain "not running as root"
command -v apt-get >/dev/null 2>&1 || explain "no apt-get: not a Debian or Ubuntu machine"
. /etc/os-release 2>/dev/null || true
codename="${VERSION_CODENAME:-}"

export DEBIAN_FRONTEND=noninteractive
if [ "$codename" = "bookworm" ]; then
  # The backports suite lives at the same URI as the machine's existing Debian sources.
  # Only active lines: "URIs:" in deb822 .sources files and "deb URI suite" in .list files, never comments.
  uri=$( { grep -hE '^URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '{print $2}';
           grep -hE '^deb ' /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null | awk '{print $2}'; } \
        | grep -v -- '-security' | head -n 1 || true)
  uri=${uri:-http://deb.debian.org/debian}
  if ! grep -rqs 'bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d/; then
    echo "Adding bookworm-backports from ${uri}" >&2
    printf 'deb %s bookworm-backports main\n' "$uri" > /etc/apt/sources.list.d/skein-backports.list
  fi
  apt-get update -qq
  apt-get install -y -qq -t bookworm-backports valkey-server valkey-tools >/dev/null
else
  apt-get update -qq
  apt-get install -y -qq valkey-server valkey-tools >/dev/null || explain "apt has no valkey-server for '${codename:-this release}'"
fi

# The Debian package starts a system service; Skein runs its own server, so stop that one.
if command -v systemctl >/dev/null 2>&1; then systemctl disable --now valkey-server >/dev/null 2>&1 || true; fi
service valkey-server stop >/dev/null 2>&1 || true
pkill -f '^/usr/bin/valkey-server 127.0.0.1:6379' >/dev/null 2>&1 || true

command -v valkey-server >/dev/null 2>&1 || explain "the install finished but valkey-server is still not on PATH"
echo "valkey-server installed: $(valkey-server --version)" >&2
