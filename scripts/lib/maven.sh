# The one way the launcher and the bench scripts call Maven (sourced, not run).
#   maven <arguments>   mvn in batch mode, without colour or any other terminal escape
# Maven 3.8's console library (jansi) writes colour resets (ESC[0m) even with -B and
# -Dstyle.color=never; jansi.noreset stops them, and only works when set before Maven starts.

maven() {
  MAVEN_OPTS="-Djansi.noreset=true ${MAVEN_OPTS:-}" mvn -B -Dstyle.color=never "$@"
}
