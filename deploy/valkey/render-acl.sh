#!/bin/sh
# Writes the ACL file Valkey loads (--aclfile) from users.acl.template, without its comments (Valkey refuses them) and with the SHA-256 of each password in place of
# its placeholder: the passwords themselves are never written to disk.
# Usage: VALKEY_PASSWORD=... VALKEY_ADMIN_PASSWORD=... render-acl.sh TEMPLATE OUTPUT
set -eu
template=${1:?usage: render-acl.sh TEMPLATE OUTPUT}
output=${2:?usage: render-acl.sh TEMPLATE OUTPUT}
: "${VALKEY_PASSWORD:?set VALKEY_PASSWORD (the password of the skein user the app connects as)}"
: "${VALKEY_ADMIN_PASSWORD:?set VALKEY_ADMIN_PASSWORD (the password of the admin user, for operators)}"
sha256() { printf '%s' "$1" | sha256sum | cut -d ' ' -f 1; }
umask 077
sed -e '/^#/d' -e "s/@SKEIN_PASSWORD_SHA256@/$(sha256 "$VALKEY_PASSWORD")/" \
  -e "s/@ADMIN_PASSWORD_SHA256@/$(sha256 "$VALKEY_ADMIN_PASSWORD")/" "$template" >"$output"
