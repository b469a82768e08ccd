#!/bin/sh
# The one-shot `valkey-cluster` service of docker-compose.cluster.yml: makes the three Valkey nodes one cluster (three
# primaries, the 16384 slots split evenly) unless they already are one, then exits 0 so the app services start.
# Runs as the admin Valkey user; the nodes announce their service names (cluster-announce-hostname), so the slot map
# the app reads names hosts that survive a container's new IP.
set -eu
auth="--user admin --pass $VALKEY_ADMIN_PASSWORD --no-auth-warning"
for node in "$@"; do
  until valkey-cli $auth -h "$node" ping 2>/dev/null | grep -q PONG; do sleep 1; done
done
first=$1
if valkey-cli $auth -h "$first" cluster info | grep -q '^cluster_state:ok'; then
  echo "the cluster is already formed"
  exit 0
fi
# CLUSTER MEET takes addresses: resolve each service name once, here.
addresses=""
for node in "$@"; do
  addresses="$addresses $(getent hosts "$node" | awk '{print $1; exit}'):6379"
done
# shellcheck disable=SC2086
valkey-cli $auth --cluster create $addresses --cluster-replicas 0 --cluster-yes
until valkey-cli $auth -h "$first" cluster info | grep -q '^cluster_state:ok'; do sleep 1; done
echo "the cluster is formed"
