#!/usr/bin/env bash
# Runs bench/GatewayOverhead.java against a fresh server on loopback and stops it afterwards.
#   bench/gateway-overhead.sh [sqlite|postgres] [rate] [seconds] [warmup] [streams] [oai|anthropic|gateway]
# The generic gateway's target is the bench's upstream on loopback, so private and http destinations are
# allowed for that run (no webhook exists in it).
# postgres uses a throw-away database "hg_bench_gateway" on the local server (dropped afterwards).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/jdk.sh
store=${1:-sqlite}; route=${6:-oai}; shift || true
port=18590; upstream=18591
key=hg_bench_gateway_key_0123456789abcdefghijklmn
data=$(mktemp -d)
db_args=()
if [ "$store" = postgres ]; then
  psql -h 127.0.0.1 -U postgres -qc 'DROP DATABASE IF EXISTS hg_bench_gateway' -c 'CREATE DATABASE hg_bench_gateway' >/dev/null
  db_args=(--database-url "jdbc:postgresql://127.0.0.1:5432/hg_bench_gateway?user=postgres")
fi
HELIOGRAPH_BOOTSTRAP_API_KEY=$key ./heliograph serve --port $port --bind 127.0.0.1 --data-dir "$data" \
  --openai-base-url http://127.0.0.1:$upstream --anthropic-base-url http://127.0.0.1:$upstream \
  --allow-private-destinations="$([ "$route" = gateway ] && echo true || echo false)" \
  --allow-http-destinations="$([ "$route" = gateway ] && echo true || echo false)" "${db_args[@]}" >"$data/server.log" 2>&1 &
server=$!
cleanup() {
  kill $server 2>/dev/null || true; wait $server 2>/dev/null || true
  rm -rf "$data"
  if [ "$store" = postgres ]; then psql -h 127.0.0.1 -U postgres -qc 'DROP DATABASE IF EXISTS hg_bench_gateway' >/dev/null; fi
}
trap cleanup EXIT
for _ in $(seq 1 100); do curl -sf http://127.0.0.1:$port/healthz >/dev/null && break; sleep 0.2; done
java_bin=$(find_java)
"$java_bin" -Dsun.net.httpserver.nodelay=true bench/GatewayOverhead.java http://127.0.0.1:$port $key $upstream "$@"
echo "logs written: $(curl -s -H "Authorization: Bearer $key" "http://127.0.0.1:$port/v1/requests?limit=1" | head -c 80)…"
grep -c "gateway-log\|ERROR" "$data/server.log" || true
