#!/bin/sh
# Entrypoint of the compose `mongo` service: installs the replica-set keyfile from the
# `mongo_keyfile` secret with the owner and mode mongod demands (0400, user mongodb; a bind-mounted
# secret keeps the host's), then hands over to the image's entrypoint with the compose command.
set -eu
install -m 0400 -o mongodb -g mongodb /run/secrets/mongo_keyfile /data/configdb/keyfile
exec docker-entrypoint.sh "$@"
