#!/usr/bin/env bash
# Times the dashboard's heaviest pages (bench/DashboardPages.java) against a fresh server on loopback.
#   bench/dashboard.sh [sqlite|postgres] [webhooks=1000] [deliveries=1000000] [runs=50]
# postgres uses a throw-away database "hg_bench_dashboard" on the local server (dropped afterwards).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/jdk.sh
store=${1:-sqlite}; shift || true
port=18592
key=hg_bench_dashboard_key_0123456789abcdefghijk
data=$(mktemp -d)
db_args=()
jdbc="jdbc:sqlite:$data/heliograph.db"
if [ "$store" = postgres ]; then
  psql -h 127.0.0.1 -U postgres -qc 'DROP DATABASE IF EXISTS hg_bench_dashboard' -c 'CREATE DATABASE hg_bench_dashboard' >/dev/null
  jdbc="jdbc:postgresql://127.0.0.1:5432/hg_bench_dashboard?user=postgres&reWriteBatchedInserts=true"
  db_args=(--database-url "jdbc:postgresql://127.0.0.1:5432/hg_bench_dashboard?user=postgres")
fi
HELIOGRAPH_BOOTSTRAP_API_KEY=$key ./heliograph serve --port $port --bind 127.0.0.1 --data-dir "$data" \
  --allow-private-destinations=true --allow-http-destinations=true --rate-limit 0 "${db_args[@]}" >"$data/server.log" 2>&1 &
server=$!
cleanup() {
  kill $server 2>/dev/null || true; wait $server 2>/dev/null || true
  rm -rf "$data"
  if [ "$store" = postgres ]; then psql -h 127.0.0.1 -U postgres -qc 'DROP DATABASE IF EXISTS hg_bench_dashboard' >/dev/null; fi
}
trap cleanup EXIT
for _ in $(seq 1 150); do curl -sf http://127.0.0.1:$port/healthz >/dev/null && break; sleep 0.2; done
java_bin=$(find_java)
"$java_bin" -cp target/heliograph.jar bench/DashboardPages.java http://127.0.0.1:$port $key "$jdbc" "$@"
for f in app.js app.css index.html; do
  printf '%-10s %7d bytes, %6d gzipped\n' "$f" "$(curl -s http://127.0.0.1:$port/ui/$f | wc -c)" \
    "$(curl -s -H 'Accept-Encoding: gzip' http://127.0.0.1:$port/ui/$f | wc -c)"
done
