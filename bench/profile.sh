#!/usr/bin/env bash
# Where the server's CPU goes during one measured window of the load harness: runs bench/load.sh for
# one phase and one run, attaches async-profiler (tools.profiler:async-profiler from Maven Central,
# fetched once into target/async-profiler) to the server when the warm-up ends, and stops it before
# the measured window does, so start-up, JIT warm-up and shutdown stay out of the profile.
#   bench/profile.sh [ingest|e2e] [sqlite|postgres] [seconds=14]
# Writes target/profile-<phase>-<store>.collapsed (one line per stack: frames joined by ';', then the
# sample count; Java, native and kernel frames; one sample per ~1 ms of CPU) and prints the harness's
# line for the run and the 25 frames with the most samples of their own. Loopback only, bounded in time.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/jdk.sh
phase=${1:-ingest}; store=${2:-sqlite}; seconds=${3:-14}
case "$phase" in ingest|e2e) ;; *) echo "phase must be ingest or e2e" >&2; exit 2 ;; esac
version=4.1
lib=target/async-profiler/linux-x64/libasyncProfiler.so
if [ ! -f "$lib" ]; then
  . scripts/lib/maven.sh
  jar=$HOME/.m2/repository/tools/profiler/async-profiler/$version/async-profiler-$version.jar
  [ -f "$jar" ] || maven -q dependency:get -Dartifact=tools.profiler:async-profiler:$version -Dtransitive=false
  mkdir -p target/async-profiler && (cd target/async-profiler && unzip -q -o "$jar" 'linux-x64/*')
fi
lib=$(realpath "$lib")
out=$(realpath -m "target/profile-$phase-$store.collapsed")
log=$(mktemp)
bench/load.sh --stores "$store" --phases "$phase" --warmup 10 --seconds $((seconds + 1)) --runs 1 --server-warmup 15 >"$log" 2>&1 &
harness=$!
trap 'kill $harness 2>/dev/null || true; rm -f "$log"' EXIT
until grep -q "run 1/1 warm-up" "$log"; do
  kill -0 $harness 2>/dev/null || { cat "$log" >&2; exit 1; }
  sleep 0.2
done
pid=$(grep -o "server pid [0-9]*" "$log" | tail -1 | awk '{print $3}')
jcmd="$(dirname "$(find_java)")/jcmd"
# jcmd reads a bare a=b as its own option: the agent's options go quoted, as one argument.
"$jcmd" "$pid" JVMTI.agent_load "$lib" '"start,event=cpu,interval=997us,cstack=vm"' >/dev/null
sleep "$seconds"
"$jcmd" "$pid" JVMTI.agent_load "$lib" "\"stop,file=$out,collapsed\"" >/dev/null
wait $harness
grep -E "$phase run 1/1:" "$log"
echo "profile: $out"
awk '{ n = $NF; $NF = ""; k = split($0, f, ";"); sub(/ $/, "", f[k]); self[f[k]] += n; total += n }
     END { for (s in self) printf "%6.2f%% %s\n", 100 * self[s] / total, s }' "$out" | sort -rn | head -25
