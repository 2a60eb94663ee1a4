# Sourced by ./mvnw and ./kubetape: points JAVA_HOME at a JDK 21 or newer.
# Order: JAVA_HOME, then java on PATH, then the newest JDK under /usr/lib/jvm.
# Leaves JAVA_HOME alone when nothing suitable exists; callers decide what to say.

kubetape_java_major() {  # prints the major version of the java binary in $1, or 0
  # The JDK's release file answers without starting a JVM; ask the JVM only when it is missing.
  release="$(dirname "$(dirname "$(readlink -f "$1")")")/release"
  if [ -f "$release" ]; then
    sed -n 's/^JAVA_VERSION="\(1\.\)\{0,1\}\([0-9]*\).*/\2/p' "$release" | head -n 1 | grep . && return
  fi
  "$1" -XshowSettings:properties -version 2>&1 |
    sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p' | head -n 1 | grep . || echo 0
}

kubetape_find_jdk() {
  if [ -n "${JAVA_HOME-}" ] && [ -x "$JAVA_HOME/bin/java" ] &&
     [ "$(kubetape_java_major "$JAVA_HOME/bin/java")" -ge 21 ]; then
    return 0
  fi
  path_java=$(command -v java 2>/dev/null || true)
  if [ -n "$path_java" ] && [ "$(kubetape_java_major "$path_java")" -ge 21 ]; then
    JAVA_HOME=$(dirname "$(dirname "$(readlink -f "$path_java")")")
    export JAVA_HOME
    return 0
  fi
  best="" best_major=0
  # find, not a glob: ./mvnw runs with globbing off (set -f).
  for home in $(find /usr/lib/jvm -mindepth 1 -maxdepth 1 2>/dev/null); do
    [ -x "$home/bin/java" ] && [ -x "$home/bin/javac" ] || continue
    major=$(kubetape_java_major "$home/bin/java")
    if [ "$major" -ge 21 ] && [ "$major" -gt "$best_major" ]; then
      best=$home best_major=$major
    fi
  done
  if [ -n "$best" ]; then
    JAVA_HOME=$best
    export JAVA_HOME
    return 0
  fi
  return 1
}
