#!/usr/bin/env bash
# Heliograph's load harness in one command: builds the server jar if it is missing or stale, then
# runs bench/LoadHarness.java, which starts the server (SQLite, then PostgreSQL) and prints the table
# of docs/benchmarks.md. Throughput phases (ceiling, ingest, e2e) are driven by wrk (bench/wrk/log.lua,
# installed here with apt-get when missing) and delivered to a Node receiver (bench/receiver.js), each
# the median of --runs runs with the server's CPU per log and per delivery; the latency phases
# (steady, hanging, backlog, noisy) use the harness's own JDK generator and receiver. Loopback only;
# every phase is bounded in time. Options go to the harness, e.g.:
#   bench/load.sh                                   # everything, both stores (~35 min)
#   bench/load.sh --stores sqlite --phases ceiling,ingest,e2e --warmup 10 --seconds 10 --runs 3
#   bench/load.sh --jar /tmp/heliograph.jar ...     # a prebuilt jar: no build (the last --jar wins)
# Options: --stores sqlite,postgres  --phases ceiling,ingest,e2e,steady,hanging,backlog,noisy
#   --warmup 20 --seconds 15 (every phase's warm-up and measured window)  --runs 3 (throughput phases)
#   --connections 64 --threads 2 (wrk)  --clients 64 --rate 1000 (JDK generator)  --server-warmup 30
#   --backlog 1000000 --backlog-webhooks 10 --hang 1000 --noisy-rate 200 --noisy-seconds 30 --server-opts "…"
# Needs node (Node 18+) and, for --stores postgres, the local server on 127.0.0.1:5432 (trust auth);
# a throw-away database per run.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/jdk.sh
if ! command -v wrk >/dev/null; then   # the throughput phases' load generator
  sudo=; [ "$(id -u)" -eq 0 ] || sudo=sudo
  $sudo apt-get update -qq && $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk
fi
case " $* " in
  *" --jar "*) ;;                                  # a prebuilt jar: leave target/ alone
  *) ./heliograph --version >/dev/null ;;          # builds target/heliograph.jar when needed
esac
java_bin=$(find_java)
exec "$java_bin" bench/LoadHarness.java --jar target/heliograph.jar "$@"
