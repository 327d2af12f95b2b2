#!/usr/bin/env bash
# Heliograph's load harness in one command: builds the server jar if it is missing or stale, then
# runs bench/LoadHarness.java, which starts the server (SQLite, then PostgreSQL), a local receiver
# and the load generator, and prints the table of docs/benchmarks.md. Loopback only; every phase is
# bounded in time. Options go to the harness, e.g.:
#   bench/load.sh                                   # everything, both stores (~25 min)
#   bench/load.sh --stores sqlite --phases ceiling,ingest,e2e --seconds 10
# PostgreSQL: the local server on 127.0.0.1:5432 (trust auth); a throw-away database per run.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/jdk.sh
./heliograph --version >/dev/null   # builds target/heliograph.jar when needed
java_bin=$(find_java)
exec "$java_bin" bench/LoadHarness.java --jar target/heliograph.jar "$@"
