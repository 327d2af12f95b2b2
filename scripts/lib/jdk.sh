# Finds a JDK 21+ for the launcher and the bench scripts (sourced, not run).
#   find_java    prints the java binary to use, or says what is missing and exits 1
# Looks in JAVA_HOME, then PATH, then the newest JDK under HELIOGRAPH_JVM_DIR (default /usr/lib/jvm).

java_major() {
  # Prints the feature version (17, 21, 25 …) of the java binary $1, or nothing if it is unusable.
  # A JDK's `release` file answers without starting a JVM; starting one is the fallback.
  local home release version=""
  home="$(cd "$(dirname "$(readlink -f "$1")")/.." 2>/dev/null && pwd)" || return 0
  release="$home/release"
  if [ -f "$release" ]; then
    version="$(sed -n 's/^JAVA_VERSION="\(1\.\)\{0,1\}\([0-9]*\).*/\2/p' "$release" | head -n 1)"
  fi
  if [ -z "$version" ]; then
    version="$("$1" -XshowSettings:properties -version 2>&1 \
      | sed -n 's/^ *java\.specification\.version = \(1\.\)\{0,1\}\([0-9]*\).*/\2/p' | head -n 1)"
  fi
  printf '%s' "$version"
}

find_java() {
  local candidates=() candidate major jvm_dir="${HELIOGRAPH_JVM_DIR:-/usr/lib/jvm}"
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME/bin/java")
  command -v java >/dev/null 2>&1 && candidates+=("$(command -v java)")
  while IFS= read -r candidate; do
    candidates+=("$candidate")
  done < <(ls -d "$jvm_dir"/*/bin/java 2>/dev/null | sort -rV)
  for candidate in "${candidates[@]}"; do
    [ -x "$candidate" ] || continue
    major="$(java_major "$candidate")"
    if [ -n "$major" ] && [ "$major" -ge 21 ]; then
      printf '%s\n' "$candidate"
      return 0
    fi
  done
  echo "heliograph: needs Java 21 or newer; set JAVA_HOME to a JDK 21+ (looked in JAVA_HOME, PATH and $jvm_dir)." >&2
  exit 1
}
