#!/bin/sh
# The Valkey container's command in docker-compose.yml: renders the ACL file from the mounted template (passwords from
# the environment, only their hashes written), then hands over to the image's entrypoint, which drops to the valkey
# user and starts the server with the ACL file and the arguments given here.
set -eu
here=$(dirname "$0")
sh "$here/render-acl.sh" "$here/users.acl.template" /tmp/users.acl
chown valkey:valkey /tmp/users.acl
exec docker-entrypoint.sh valkey-server --aclfile /tmp/users.acl "$@"
