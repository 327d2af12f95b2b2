#!/usr/bin/env bash
# Builds and runs the JMH benchmarks of the hot pure parts (src/jmh/java) on a JDK 21+.
#   bench/jmh.sh [JMH regex and options, e.g. "HotPath.*sign" -f 1]
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/jdk.sh
. scripts/lib/maven.sh
# A regular build leaves the test classes without JMH's generated code: make them stale so that the
# profile's compile (with the annotation processor) runs again.
rm -rf target/test-classes/io/heliograph/bench target/test-classes/META-INF/BenchmarkList
maven -q -Pjmh -DskipTests test-compile dependency:build-classpath -Dmdep.outputFile=target/jmh-classpath.txt \
  -Dmdep.includeScope=test >target/jmh-build.log 2>&1 || { cat target/jmh-build.log; exit 1; }
java_bin=$(find_java)
exec "$java_bin" -cp "target/test-classes:target/classes:$(cat target/jmh-classpath.txt)" org.openjdk.jmh.Main "${@:-HotPathBenchmarks}"
