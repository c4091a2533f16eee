#!/bin/sh
# Creates the docker-compose secrets in deploy/secrets/ (once: existing files are kept):
#   mongo_keyfile        replica-set member authentication (--keyFile)
#   mongo_root_password  MongoDB administrator `root` (created at replica-set initiation)
#   mongo_app_password   MongoDB user `trellis` (readWrite on the `trellis` database)
#   mongodb_url          the servers' and workers' MONGODB_URL, read through MONGODB_URL_FILE
#   peer_secret          the servers' PEER_SECRET (their direct links prove it), read through PEER_SECRET_FILE
# Run before the first `docker-compose up`: sh deploy/secrets.sh
set -eu
dir="$(dirname "$0")/secrets"
umask 077
mkdir -p "$dir"
rand() { head -c 4096 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c "$1"; }
[ -s "$dir/mongo_keyfile" ] || rand 756 > "$dir/mongo_keyfile"
[ -s "$dir/mongo_root_password" ] || rand 40 > "$dir/mongo_root_password"
[ -s "$dir/mongo_app_password" ] || rand 40 > "$dir/mongo_app_password"
[ -s "$dir/peer_secret" ] || rand 48 > "$dir/peer_secret"
if [ ! -s "$dir/mongodb_url" ]; then
  printf 'mongodb://trellis:%s@mongo:27017/trellis?replicaSet=rs0&authSource=admin\n' "$(cat "$dir/mongo_app_password")" > "$dir/mongodb_url"
fi
# Files are bind-mounted into the containers, where the app runs as another user (node): make them
# readable there. The directory stays private (0700) on this host.
chmod 0700 "$dir"
chmod 0644 "$dir"/*
echo "secrets in $dir"
